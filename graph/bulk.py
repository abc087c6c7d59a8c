"""First loads through ``neo4j-admin database import``: shipments as import files, the rest
replayed through GraphWriter.

A load into an empty graph on the managed server need not send millions of shipments
through Cypher. :class:`BulkWriter` takes the calls :func:`tracegraph.jobs.load.load_files` makes of a
GraphWriter (``write_source``, ``write_hs_codes``, ``write``) and

- streams new shipments, with their EXPORTED, IMPORTED_BY, OF_GOODS and FROM_SOURCE edges,
  to typed CSV files for the importer, with bare Company, HSCode and Source nodes for the
  ids those edges touch (the files link nodes by import numbers, which the importer maps
  far faster than text ids: 1M shipments' relationships in 5 s instead of 13 s; each node
  keeps its id as the ``id`` property);
- spools every other call (companies, persons, addresses, officers, listings, candidates,
  Source properties, HS information), in order, to a file;
- on :meth:`finish`: stops the server, imports, starts it again, and replays the spool
  through an ordinary GraphWriter, so the merge semantics of entities live in one place
  (graph.store) and a bare node made by the import ends as the same node a MERGE makes.

Shipments follow GraphWriter's rules: the first row of a shipment id in the load wins and a
row without an id is skipped. Which ids were seen is a sorted array of 64-bit hashes (8 bytes
a row); a row whose hash was seen goes to the replay instead of the import, where
GraphWriter skips it when its shipment exists, so even two ids sharing a hash end right.
Rows the import files cannot carry as GraphWriter would store them (no exporter or importer,
values of other types than text, numbers, booleans and dates, odd extra column names) go
to the replay too, with every later row of their id.

A load killed anywhere is undone: the bulk-load marker (graph.server.mark_bulk_load) is set
before the server stops and removed by :meth:`done` once the caller has finished; a server
started while the marker of a dead process is present drops the database, which was empty
before the load.
"""

from __future__ import annotations

import pickle
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from graph import GraphError, server
from graph.schema import ensure_schema, node, rel, schema_statements
from graph.store import DEFAULT_BATCH, GraphWriter
from loaders.columns import LINE_NUMBER, RESERVED_PROPERTIES, RESOLVED, extra_property

__all__ = ["BulkWriter", "BulkLoadRefused", "bulk_refusal"]

_STRUCTURAL = ("shipment_id", "exporter_entity_id", "importer_entity_id", LINE_NUMBER)
_KNOWN = tuple(c for c in RESOLVED["shipments"] if c not in _STRUCTURAL)
# an extra column of the input becomes a header field: nothing that the importer reads as
# a type, a separator or a quote, and not the key
_PLAIN_NAME = re.compile(r"^[^:,\"\r\n;]+$")
_CSV = pcsv.WriteOptions(include_header=True, quoting_style="needed")
_KEPT_TYPES = {"date": pa.date32(), "quantity": pa.float64(), "net_weight_kg": pa.float64(),
               "value_usd": pa.float64()}


class BulkLoadRefused(GraphError):
    """A bulk load was asked for where it cannot run."""


def bulk_refusal(graph) -> str | None:
    """Why a bulk load cannot go into ``graph``; None when it can."""
    if not graph.settings.managed:
        return (f"--bulk needs the managed local server, and {graph.settings.uri} is a "
                "configured server: load without --bulk")
    if graph.read("MATCH (n) RETURN n.id AS id LIMIT 1"):
        return ("--bulk loads only into an empty graph, and this one holds nodes: load "
                "without --bulk (or 'tracegraph reset' first)")
    return None


class _Unsupported(Exception):
    """A column the import files cannot carry the way GraphWriter stores it."""


def _arrow(series: pd.Series) -> pa.Array:
    """One property column as Arrow values typed as GraphWriter would send them
    (graph.store.column_values): NaN and empty text are no value, timestamps are dates."""
    kind = series.dtype.kind
    if kind == "M":
        return pa.array(series, from_pandas=True).cast(pa.date32())
    if kind in "fiub":
        return pa.array(series.to_numpy(), from_pandas=True)
    values = series.to_numpy(dtype=object)
    values = np.where(values == "", None, values)
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise _Unsupported(str(error)) from error
    if pa.types.is_timestamp(array.type):
        array = array.cast(pa.date32())
    return array


def _neo4j_type(array: pa.Array) -> str | None:
    """The importer's header type of ``array``; None when it holds no value at all."""
    t = array.type
    if pa.types.is_null(t):
        return None
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return ""
    if pa.types.is_floating(t):
        return ":double"
    if pa.types.is_integer(t):
        return ":long"
    if pa.types.is_boolean(t):
        return ":boolean"
    if pa.types.is_date(t):
        return ":date"
    raise _Unsupported(f"values of type {t}")


def _has_newline(array: pa.Array) -> bool:
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return False
    return bool(pc.any(pc.match_substring_regex(array, "[\r\n]")).as_py())


class BulkWriter:
    """GraphWriter's loading interface, writing import files and a replay spool.

    Parameters
    ----------
    graph : Graph
        Connected to the managed server, empty (see :func:`bulk_refusal`).
    config : ServerConfig
        The managed server's; default: the one ``graph`` was connected through.
    batch_size, parallel : for the GraphWriter that replays the spool.
    kept_columns : shipment columns kept, for the imported rows, in ``groups`` files cut
        by exporter (every shipment of one exporter in one group), read back by
        :meth:`shipment_groups`: what derived relationships are computed from without
        reading the graph.
    groups : how many such files (memory of one group at a time when read back).
    """

    def __init__(self, graph, config: server.ServerConfig | None = None,
                 batch_size: int = DEFAULT_BATCH, parallel: int = 1,
                 kept_columns: Iterable[str] = (), groups: int = 1):
        self.graph = graph
        self.config = config or graph.settings.server_config
        self.database = graph.database or "neo4j"
        self.replayer = GraphWriter(graph, batch_size=batch_size, parallel=parallel)
        self.folder = self.config.home / "bulk"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self._spool_path = self.folder / "replay.pickle"
        self._spool = open(self._spool_path, "wb")
        self._seen = np.empty(0, dtype=np.uint64)
        # import ids: numbers (the importer maps them far faster than text ids), one
        # number space per label; the graph's ``id`` property is a column of its own
        self._numbers: dict[str, dict[str, int]] = {"Company": {}, "HSCode": {}, "Source": {}}
        self._node_files: list[Path] = []
        self._multiline: list[Path] = []
        self._rel_schema = self._rel_schemas()
        self._rels = {name: pcsv.CSVWriter(self.folder / f"{name}.csv", schema, write_options=_CSV)
                      for name, schema in self._rel_schema.items()}
        self.imported = 0
        self.replayed_rows = 0
        self.replayed_created = 0
        self._kept_schema = pa.schema([(c, _KEPT_TYPES.get(c, pa.string())) for c in kept_columns])
        self._groups: list = [None] * max(1, groups)
        self._closed = False

    @staticmethod
    def _rel_schemas() -> dict[str, pa.Schema]:
        # id spaces are labels: "(Shipment)" etc.
        ship, company, hs, source = (f"({node(label)})" for label in
                                     ("Shipment", "Company", "HSCode", "Source"))
        number = pa.int64()
        return {
            rel("EXPORTED"): pa.schema([(f":START_ID{company}", number),
                                        (f":END_ID{ship}", number)]),
            rel("IMPORTED_BY"): pa.schema([(f":START_ID{ship}", number),
                                           (f":END_ID{company}", number)]),
            rel("OF_GOODS"): pa.schema([(f":START_ID{ship}", number), (f":END_ID{hs}", number)]),
            rel("FROM_SOURCE"): pa.schema([(f":START_ID{ship}", number),
                                           (f":END_ID{source}", number), ("row:long", number)]),
        }

    # -- GraphWriter's loading interface ---------------------------------------------------------

    def _later(self, method: str, *args) -> None:
        pickle.dump((method, args), self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def write_source(self, source_id: str, props: dict) -> None:
        self._later("write_source", source_id, props)

    def write_hs_codes(self, codes: Iterable[str], info: dict[str, dict] | None = None) -> None:
        self._later("write_hs_codes", sorted(set(codes)), info)

    def write(self, frames: dict[str, pd.DataFrame], source_id: str | None = None) -> None:
        rest = {k: v for k, v in frames.items() if k != "shipments" and v is not None and len(v)}
        if rest:
            self._later("write", rest, source_id)
        shipments = frames.get("shipments")
        if shipments is not None and len(shipments):
            self._write_shipments(shipments.reset_index(drop=True), source_id)

    # -- shipments to import files ---------------------------------------------------------------

    def _first_seen(self, ids: np.ndarray) -> np.ndarray:
        """Per row: is its id new to this load (its first row)? Remembers the ids."""
        keys = pd.util.hash_array(ids)
        unique, first = np.unique(keys, return_index=True)
        pos = np.searchsorted(self._seen, unique)
        seen = np.zeros(len(unique), dtype=bool)
        inside = pos < len(self._seen)
        seen[inside] = self._seen[pos[inside]] == unique[inside]
        self._seen = np.insert(self._seen, pos[~seen], unique[~seen])
        new = np.zeros(len(ids), dtype=bool)
        new[first[~seen]] = True
        return new

    def _write_shipments(self, frame: pd.DataFrame, source_id: str | None) -> None:
        ids = frame["shipment_id"].to_numpy(dtype=object)
        valid = np.array([isinstance(v, str) and v != "" for v in ids], dtype=bool)
        if not valid.all():  # GraphWriter skips rows without an id
            frame = frame[valid].reset_index(drop=True)
            ids = ids[valid]
        if not len(frame):
            return
        first = self._first_seen(ids)
        parties = [frame[c].to_numpy(dtype=object) for c in ("exporter_entity_id",
                                                               "importer_entity_id")]
        linked = np.logical_and.reduce([np.array([isinstance(v, str) and v != "" for v in p])
                                        for p in parties])
        take = first & linked
        try:
            table = self._node_table(frame[take], self.imported) if take.any() else None
        except _Unsupported:
            table, take = None, np.zeros(len(frame), dtype=bool)
        if (~take).any():
            self.replayed_rows += int((~take).sum())
            self._later("write", {"shipments": frame[~take]}, source_id)
        if table is None:
            return
        path = self.folder / f"shipments-{len(self._node_files):05d}.csv"
        pcsv.write_csv(table, path, _CSV)
        self._node_files.append(path)
        if any(_has_newline(column) for column in table.columns):
            self._multiline.append(path)
        kept = frame[take]
        self.imported += len(kept)
        self._edges(kept, table.column(0), source_id)
        if len(self._kept_schema):
            self._keep(kept)

    def _keep(self, kept: pd.DataFrame) -> None:
        arrays = []
        for field in self._kept_schema:
            array = (_arrow(kept[field.name]) if field.name in kept.columns
                     else pa.nulls(len(kept)))
            arrays.append(array.cast(field.type))
        table = pa.Table.from_arrays(arrays, schema=self._kept_schema)
        exporter = kept["exporter_entity_id"].to_numpy(dtype=object)
        group = pd.util.hash_array(exporter) % np.uint64(len(self._groups))
        for g in np.unique(group):
            if self._groups[g] is None:
                self._groups[g] = pa.ipc.new_file(self.folder / f"group-{g:04d}.arrow",
                                                  self._kept_schema)
            self._groups[g].write_table(table.filter(pa.array(group == g)))

    def shipment_groups(self):
        """Frames of the imported shipments' kept columns, exporter group by exporter group
        (after :meth:`close_files`); dates as ``datetime.date``."""
        for g, writer in enumerate(self._groups):
            if writer is None:
                continue
            with pa.memory_map(str(self.folder / f"group-{g:04d}.arrow")) as source:
                table = pa.ipc.open_file(source).read_all()
            yield table.to_pandas(date_as_object=True)

    def _node_table(self, frame: pd.DataFrame, first: int) -> pa.Table:
        """The import rows of ``frame``: import numbers from ``first`` on, the ``id`` and
        the properties."""
        extras = [c for c in frame.columns if c not in _STRUCTURAL and c not in _KNOWN]
        for name in extras:
            if not _PLAIN_NAME.match(str(name)):
                raise _Unsupported(f"column name {name!r}")
        names = [f":ID({node('Shipment')})", "id"]
        arrays = [pa.array(np.arange(first, first + len(frame), dtype=np.int64)),
                  pa.array(frame["shipment_id"].to_numpy(dtype=object), type=pa.string())]
        for column in (*_KNOWN, *extras):
            if column not in frame.columns:
                continue
            array = _arrow(frame[column])
            kind = _neo4j_type(array)
            if kind is None:
                continue
            # a column named like a property the graph sets itself goes under src_<name>
            prop = extra_property(column) if column in RESERVED_PROPERTIES else column
            names.append(f"{prop}{kind}")
            arrays.append(array)
        return pa.Table.from_arrays(arrays, names=names)

    def _number(self, label: str, values: np.ndarray) -> pa.Array:
        """The import numbers of the ``label`` ids in ``values`` (text), new ids numbered."""
        numbers = self._numbers[label]
        codes, unique = pd.factorize(values)
        known = np.array([numbers.setdefault(value, len(numbers)) for value in unique],
                         dtype=np.int64)
        return pa.array(known[codes])

    def _edges(self, kept: pd.DataFrame, ids: pa.ChunkedArray, source_id: str | None) -> None:
        exporter = self._number("Company", kept["exporter_entity_id"].to_numpy(dtype=object))
        importer = self._number("Company", kept["importer_entity_id"].to_numpy(dtype=object))
        ids = ids.combine_chunks()
        self._write_rel("EXPORTED", [exporter, ids])
        self._write_rel("IMPORTED_BY", [ids, importer])
        hs6 = _arrow(kept["hs6"]) if "hs6" in kept.columns else pa.nulls(len(kept), pa.string())
        if not pa.types.is_null(hs6.type):
            hs6 = hs6.cast(pa.string())
            has = pc.is_valid(hs6)
            codes = self._number("HSCode", hs6.filter(has).to_numpy(zero_copy_only=False))
            self._write_rel("OF_GOODS", [ids.filter(has), codes])
        if source_id is not None:
            sources = self._numbers["Source"]
            source = sources.setdefault(source_id, len(sources))
            lines = (pa.array(kept[LINE_NUMBER].to_numpy(), from_pandas=True, type=pa.int64())
                     if LINE_NUMBER in kept.columns else pa.nulls(len(kept), pa.int64()))
            self._write_rel("FROM_SOURCE", [ids, pa.array(np.full(len(kept), source)), lines])

    def _write_rel(self, name: str, arrays: list[pa.Array]) -> None:
        self._rels[rel(name)].write_table(
            pa.Table.from_arrays(arrays, schema=self._rel_schema[name]))

    def _bare_nodes(self, label: str) -> Path:
        """The ``label`` nodes the relationships touch, by import number, with their id."""
        path = self.folder / f"{label}.csv"
        numbers = self._numbers[label]
        table = pa.table({f":ID({node(label)})": pa.array(list(numbers.values()), pa.int64()),
                          "id": pa.array(list(numbers), pa.string())})
        pcsv.write_csv(table, path, _CSV)
        return path

    # -- import, restart, replay -----------------------------------------------------------------

    def import_arguments(self) -> list[str]:
        """The importer's arguments for the files written so far (after :meth:`close_files`)."""
        arguments = ["--overwrite-destination=true", "--id-type=integer",
                     "--ignore-empty-strings=true", "--array-delimiter=;",
                     f"--report-file={self.folder / 'import.report'}"]
        arguments += [f"--nodes={node('Shipment')}={path}" for path in self._node_files]
        for label in self._numbers:
            arguments.append(f"--nodes={node(label)}={self._bare_nodes(label)}")
        arguments += [f"--relationships={name}={self.folder / f'{name}.csv'}"
                      for name in self._rels]
        if self._multiline:
            arguments += ["--multiline-fields-format=v2",
                          "--multiline-fields=" + ",".join(str(p) for p in self._multiline)]
        return arguments

    def close_files(self) -> None:
        if self._closed:
            return
        self._closed = True
        for writer in (*self._rels.values(), *(g for g in self._groups if g is not None)):
            writer.close()
        self._spool.close()

    def begin(self, timings: Counter, echo=None) -> None:
        """Set the bulk-load marker and stop the server in the background.

        From here to :meth:`finish` the load writes files only, so the server's shutdown
        overlaps reading and resolving. The graph must be the managed server's.
        """
        config = self.config
        current = server.status(config)
        if not current.running or current.uri != self.graph.settings.uri:
            raise BulkLoadRefused(
                f"the graph at {self.graph.settings.uri} is not the managed server of "
                f"{config.home}: load without --bulk")
        server.mark_bulk_load(config, self.database)
        (echo or (lambda _line: None))("bulk load: Neo4j stops while the files are read, "
                                       "and starts again after the import")
        self.graph.driver.close()

        def stop() -> None:
            mark = time.perf_counter()
            try:
                server.stop(config)
            except BaseException as error:  # handed to finish
                self._stop_error = error
            timings["bulk_stop"] += time.perf_counter() - mark

        self._stop_error: BaseException | None = None
        self._stopping = threading.Thread(target=stop, name="tracegraph-stop", daemon=True)
        self._stopping.start()

    def _stopped(self) -> None:
        self._stopping.join()
        if self._stop_error is not None:
            raise self._stop_error

    def finish(self, timings: Counter, echo=None) -> None:
        """Import what was written, start the server again, replay the spool.

        ``timings`` gains ``bulk_files`` (the files' last bytes and the bare nodes),
        ``bulk_import``, ``bulk_start`` (server start and reconnection), ``bulk_schema``
        (constraints, built at once, and indexes, which populate during the replay) and
        ``bulk_replay``. On a failure of the importer the database is dropped (the graph is
        empty again, as before the load) and BulkImportFailed names the tool's reason.
        """
        say = echo or (lambda _line: None)
        mark = time.perf_counter()
        self.close_files()
        arguments = self.import_arguments() if self._node_files else None
        timings["bulk_files"] += time.perf_counter() - mark
        self._stopped()
        if arguments:
            mark = time.perf_counter()
            say(f"bulk load: importing {self.imported:,} shipments ...")
            try:
                server.admin_import(self.config, arguments, self.database,
                                    log=self.folder / "import.log")
            except server.BulkImportFailed:
                server.drop_database(self.config, self.database)
                self._restart(timings, say)
                server.unmark_bulk_load(self.config)
                raise
            finally:
                timings["bulk_import"] += time.perf_counter() - mark
        self._restart(timings, say)
        mark = time.perf_counter()
        # ensure_schema's statements without its wait: indexes fill while the replay runs
        for statement in schema_statements():
            self.graph.write(statement)
        timings["bulk_schema"] += time.perf_counter() - mark
        mark = time.perf_counter()
        self.replayer.write_hs_codes(list(self._numbers["HSCode"]))
        with open(self._spool_path, "rb") as spool:
            while True:
                try:
                    method, args = pickle.load(spool)
                except EOFError:
                    break
                if method == "write" and "shipments" in args[0]:
                    # only shipments in these (see _write_shipments); count what they create
                    self.replayed_created += self.replayer.write_shipments(
                        args[0]["shipments"], args[1])
                else:
                    getattr(self.replayer, method)(*args)
        timings["bulk_replay"] += time.perf_counter() - mark
        mark = time.perf_counter()
        ensure_schema(self.graph.driver, self.graph.database)
        timings["bulk_schema"] += time.perf_counter() - mark

    def _restart(self, timings: Counter, say) -> None:
        mark = time.perf_counter()
        say("bulk load: starting Neo4j again ...")
        status = server.start(self.config)
        settings = self.graph.settings
        if status.uri != settings.uri:  # the port was taken meanwhile
            settings = replace(settings, uri=status.uri)
        self.graph.reconnect(settings, schema=False)
        timings["bulk_start"] += time.perf_counter() - mark

    def done(self) -> None:
        """The load finished: remove the marker and the import files."""
        server.unmark_bulk_load(self.config)
        shutil.rmtree(self.folder, ignore_errors=True)

    def abandon(self) -> None:
        """The load was interrupted before the import: the database is as it was (empty);
        the server stays stopped (the next command starts it), the files go."""
        try:
            self.close_files()
        except Exception:
            pass
        if hasattr(self, "_stopping"):
            self._stopping.join()
            server.unmark_bulk_load(self.config)
        shutil.rmtree(self.folder, ignore_errors=True)
