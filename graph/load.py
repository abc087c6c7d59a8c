"""Load files into the graph: loaders' resolved frames in, batched writes, summaries rebuilt.

Every file is opened before anything is written, so an unreadable file stops the load with
one line and nothing half-done. Files already loaded in an earlier run stay loaded; loading
a file again changes nothing.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from graph.bulk import BulkLoadRefused, BulkWriter, bulk_refusal
from graph.connection import Graph
from graph.read import iter_shipments
from graph.schema import node
from graph.store import DEFAULT_BATCH, GraphWriter, trade_summaries
from loaders.mirrors import find_mirrors
from loaders.pipeline import Resolution, load_report_entry, plan_load
from loaders.resolve import Resolver, make_id

__all__ = ["load_files", "refresh_derived", "BULK_MIN_BYTES", "choose_bulk"]

# Shipment bytes from which a load into an empty managed graph goes through the importer by
# default: below it, stopping and starting the server costs more than it saves (bench/load.py)
BULK_MIN_BYTES = 50 * 2**20


class _WriterThread:
    """Writes chunks in a second thread while the caller reads and resolves the next one.

    Resolution is Python work and writing is mostly waiting for the server (the driver
    releases the GIL on socket I/O), so on a machine with two cores the two overlap. Jobs
    run one at a time in the order given, so entities still reach the graph before the
    shipments that point at them. The queue holds one job: with the chunk being written and
    the one being resolved, at most three chunks are in memory, whatever the file size. An
    error in the writer stops the load at the next hand-over, raised in the caller's thread.
    """

    _STOP = object()

    def __init__(self, timings: Counter):
        self._jobs: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._timings = timings
        self._thread = threading.Thread(target=self._run, name="tracegraph-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is self._STOP:
                return
            if self._error is not None:
                continue  # drain what was queued before the caller saw the error
            label, fn, args = job
            started = time.perf_counter()
            try:
                fn(*args)
            except BaseException as error:  # handed to the caller's thread
                self._error = error
            finally:
                self._timings[label] += time.perf_counter() - started

    def submit(self, label: str, fn: Callable, *args) -> None:
        self._raise()
        started = time.perf_counter()
        self._jobs.put((label, fn, args))
        self._timings["wait_for_writer"] += time.perf_counter() - started

    def close(self) -> None:
        """Wait for every job; raise the writer's error if there was one."""
        started = time.perf_counter()
        self._jobs.put(self._STOP)
        self._thread.join()
        self._timings["wait_for_writer"] += time.perf_counter() - started
        self._raise()

    def abandon(self) -> None:
        """Stop after the job in hand (the caller failed): what was queued is dropped."""
        self._error = self._error or RuntimeError("load abandoned")
        try:
            while True:
                self._jobs.get_nowait()
        except queue.Empty:
            pass
        self._jobs.put(self._STOP)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def _seed_resolver(graph: Graph) -> Resolver:
    """A resolver that knows the registry companies already in the graph.

    So shipments loaded today join the registry loaded last week.
    """
    rows = graph.read(
        f"MATCH (c:{node('Company')}) WHERE c.in_registry "
        "RETURN c.country AS country, c.name AS name, "
        "c.registration_number AS registration_number, c.tax_id AS tax_id, "
        "c.registry_names AS aliases"
    )
    resolver = Resolver()
    if rows:
        frame = pd.DataFrame(rows)
        frame["aliases"] = frame["aliases"].map(lambda v: list(v or []))
        resolver.add_companies(frame)
    return resolver


# what mirror pairing looks at: fewer columns read, held and shifted than the whole row
_MIRROR_COLUMNS = ("shipment_id", "record_id", "date", "hs6", "quantity", "net_weight_kg",
                   "value_usd", "reporter", "exporter_entity_id", "exporter_country",
                   "importer_entity_id", "importer_country")
_MIRROR_CODES = (("exporter_entity_id", "importer_entity_id"), ("hs6",),
                 ("reporter", "exporter_country", "importer_country"))


def _coded(frame: pd.DataFrame, groups: Sequence[Sequence[str]]) -> pd.DataFrame:
    """``frame`` with text columns replaced by integer codes (missing stays missing).

    Columns of one group share their codes, so they still compare with each other. Mirror
    pairing compares and sorts ids, HS codes and countries only for equality and order;
    integers do both many times faster than Python strings.
    """
    frame = frame.copy()
    for group in groups:
        codes, _ = pd.factorize(pd.concat([frame[c] for c in group], ignore_index=True))
        codes = np.where(codes < 0, np.nan, codes)
        for k, column in enumerate(group):
            frame[column] = codes[k * len(frame):(k + 1) * len(frame)]
    return frame


def refresh_derived(graph: Graph, writer: GraphWriter | None = None,
                    timings: Counter | None = None) -> dict:
    """Re-pair mirror declarations over the whole graph and rebuild TRADES_WITH."""
    writer = writer or GraphWriter(graph)
    timings = timings if timings is not None else Counter()
    mark = time.perf_counter()
    # mirror twins share exporter and importer, so pairing exporter group by exporter group
    # finds every pair while memory stays bounded by the group, not the graph
    pairs = 0
    for reported in iter_shipments(graph, reported_only=True, max_rows=50_000,
                                   columns=_MIRROR_COLUMNS):
        mirrors = find_mirrors(_coded(reported, _MIRROR_CODES))
        writer.write_mirrors(mirrors)
        pairs += len(mirrors)
    timings["mirrors"] += time.perf_counter() - mark
    mark = time.perf_counter()
    trades = writer.rebuild_trades_with()
    timings["trades_with"] += time.perf_counter() - mark
    return {"mirror_pairs": pairs, "trades_with": trades}


def _shipment_bytes(loads) -> int:
    """Bytes of the shipment files among ``loads``."""
    return sum(Path(load.path).stat().st_size for load in loads
               if load.kind == "shipments" and Path(load.path).exists())


def choose_bulk(graph: Graph, loads, bulk: bool | None) -> bool:
    """Whether this load goes through the importer (graph.bulk).

    ``bulk`` True: it must (BulkLoadRefused says why it cannot); False: it does not; None:
    when the graph is the managed server's and empty, and the shipment files hold at least
    BULK_MIN_BYTES.
    """
    if bulk is False:
        return False
    if bulk is None:
        if _shipment_bytes(loads) < BULK_MIN_BYTES or not graph.settings.managed:
            return False
        return bulk_refusal(graph) is None
    reason = bulk_refusal(graph)
    if reason:
        raise BulkLoadRefused(reason)
    return True


def _derived_in_python(groups) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mirror pairs and TRADES_WITH summaries of shipments held in Python, exporter group by
    exporter group: what refresh_derived finds in a graph holding just these shipments."""
    mirrors, trades = [], []
    for frame in groups:
        reported = frame[frame["reporter"].notna()]
        pairs = find_mirrors(_coded(reported, _MIRROR_CODES))
        mirrors.append(pairs)
        trades.append(trade_summaries(frame, pairs["mirror_id"]))
    if not mirrors:
        return find_mirrors(pd.DataFrame()), trade_summaries(pd.DataFrame(
            columns=list(_MIRROR_COLUMNS)))
    return (pd.concat(mirrors, ignore_index=True), pd.concat(trades, ignore_index=True))


def _bulk_groups(loads, chunk_rows: int) -> int:
    """Exporter groups of the bulk path's derived data: about ``chunk_rows`` shipments each
    (~200 bytes a row in a shipment file)."""
    return max(1, -(-_shipment_bytes(loads) // (200 * chunk_rows)))


def _finish_bulk(graph: Graph, writer: BulkWriter, timings: Counter, echo) -> dict:
    """Import, restart, replay, derived relationships; the marker goes last.

    Mirror pairs and TRADES_WITH are computed from the shipments kept while the server is
    stopped, imported and started (the Python side would wait otherwise), then written. If
    the replay created shipments (rows the import files could not carry), the server pairs
    and summarises everything instead, as after any load.
    """
    writer.close_files()
    result: dict = {}

    def derive() -> None:
        mark = time.perf_counter()
        try:
            result["derived"] = _derived_in_python(writer.shipment_groups())
        except BaseException as error:  # handed to the caller's thread
            result["error"] = error
        timings["derived_python"] += time.perf_counter() - mark

    thread = threading.Thread(target=derive, name="tracegraph-derived", daemon=True)
    thread.start()
    try:
        writer.finish(timings, echo=echo)
    finally:
        thread.join()
    if "error" in result:
        raise result["error"]
    if writer.replayed_created:
        derived = refresh_derived(graph, writer.replayer, timings)
    else:
        mirrors, trades = result["derived"]
        mark = time.perf_counter()
        writer.replayer.write_mirrors(mirrors)
        timings["mirrors"] += time.perf_counter() - mark
        mark = time.perf_counter()
        derived = {"mirror_pairs": len(mirrors),
                   "trades_with": writer.replayer.write_trades_with(trades)}
        timings["trades_with"] += time.perf_counter() - mark
    writer.done()
    return derived


def load_files(graph: Graph, paths: Sequence[str | os.PathLike], kind: str | None = None,
               profile: str | None = None, report_path: str | os.PathLike | None = None,
               hs_info: dict[str, dict] | None = None, batch_size: int = DEFAULT_BATCH,
               chunk_rows: int = 50_000, source_tags: dict | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               parallel: int = 2, bulk: bool | None = None,
               echo: Callable[[str], None] | None = None) -> dict:
    """Load ``paths`` and return the load report (CONTRACT.md "load report").

    Parameters
    ----------
    graph : a connected Graph.
    paths, kind, profile : as ``tracegraph load``.
    report_path : where to write the report JSON; rejects go beside it.
    hs_info : HS6 code -> {"description", "chpl_tier"} for the HSCode nodes.
    batch_size : rows per write transaction.
    parallel : shipment transactions in flight at once (the server works on each with one
        core; 2 suits a 2-core machine that also runs the Python side).
    chunk_rows : rows read and resolved at a time (memory grows with it, not the file).
    source_tags : extra properties for the Source nodes (e.g. ``{"demo": True}``).
    progress : called as ``progress(path, rows_done, bytes_done)`` after each chunk.
    bulk : True: through ``neo4j-admin database import`` (graph.bulk; only into an empty
        graph on the managed server, else BulkLoadRefused); False: batched Cypher; None:
        bulk when :func:`choose_bulk` finds it pays off.
    echo : called with a line of news (the bulk path's server stop and start).

    The report carries, besides the contract's keys, ``derived`` (mirror pairs,
    TRADES_WITH count) and ``timings``: seconds spent reading and checking, resolving,
    writing (in the writer thread, overlapping the first two), waiting for the writer,
    pairing mirrors and rebuilding TRADES_WITH; on the bulk path also writing the import
    files' ends (``bulk_files``), stopping the server, importing, starting it again (with
    reconnection, constraints and indexes) and replaying the spooled entity writes. ``path``
    says which path the load took: ``"bulk"`` or ``"transactional"``.
    """
    timings: Counter = Counter()
    started = time.perf_counter()
    loads = plan_load(paths, kind=kind, profile=profile, report_path=report_path,
                      chunk_rows=chunk_rows)
    use_bulk = choose_bulk(graph, loads, bulk)
    writer = (BulkWriter(graph, batch_size=batch_size, parallel=parallel,
                         kept_columns=_MIRROR_COLUMNS, groups=_bulk_groups(loads, chunk_rows))
              if use_bulk else GraphWriter(graph, batch_size=batch_size, parallel=parallel))
    if hs_info:
        writer.write_hs_codes(hs_info.keys(), hs_info)
    resolution = Resolution(_seed_resolver(graph))
    if use_bulk:
        writer.begin(timings, echo=echo)  # the graph is not needed again until the import
    files = []
    pipe = _WriterThread(timings)
    try:
        for load in loads:
            source_id = make_id("source", load.display_path)
            pipe.submit("write", writer.write_source, source_id, {
                "name": load.source_name, "path": str(Path(load.display_path).resolve()),
                **(source_tags or {})})
            chunks = load.chunks()
            while True:
                mark = time.perf_counter()
                chunk = next(chunks, None)
                timings["read_check"] += time.perf_counter() - mark
                if chunk is None:
                    break
                mark = time.perf_counter()
                frames = resolution.to_resolved(chunk)
                timings["resolve"] += time.perf_counter() - mark
                if frames:
                    pipe.submit("write", writer.write, frames, source_id)
                if progress:
                    progress(load.display_path, load.rows_read, 0)
            entry = load_report_entry(load)
            pipe.submit("write", writer.write_source, source_id, {
                "sha256": load.sha256, "kind": load.kind, "rows_read": load.rows_read,
                "rows_loaded": load.rows_loaded, "rows_rejected": load.rows_rejected,
            })
            files.append(entry)
        mark = time.perf_counter()
        final = resolution.finish()
        timings["resolve"] += time.perf_counter() - mark
        pipe.submit("write", writer.write, final)
    except KeyboardInterrupt:
        pipe.abandon()
        if use_bulk:
            writer.abandon()
        raise
    except BaseException:
        # what was resolved before the failure is written, as a load without the thread
        # would have; the failure is what the caller sees
        try:
            pipe.close()
            if use_bulk:
                _finish_bulk(graph, writer, timings, echo)
        except Exception:
            pass
        raise
    pipe.close()
    if use_bulk:
        derived = _finish_bulk(graph, writer, timings, echo)
    else:
        derived = refresh_derived(graph, writer, timings)
    stats = graph.stats()["nodes"]
    timings["total"] = time.perf_counter() - started
    report = {
        "path": "bulk" if use_bulk else "transactional",
        "files": files,
        "entities": {label: stats[label] for label in ("Company", "Person", "Address",
                                                       "Shipment", "Listing")},
        "derived": derived,
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report
