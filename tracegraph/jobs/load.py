"""Load files into the graph: loaders' resolved frames in, batched writes, summaries rebuilt.

Every file is opened (and the report's and rejects' folders checked) before anything is
written, so an unreadable file stops the load with one line and nothing written. Files
already loaded in an earlier run stay loaded; loading a file again changes nothing.

A load that fails inside a file (an unreadable stretch, a server error) is not rolled back:
what was read before the failure is written, the file's entry in the report says
``"status": "partial"`` with its counts so far, its Source node carries those counts and
``status: "partial"``, and the report (``"status": "failed"``, ``error``) is written all the
same. Loading the file again completes it: its rows already in the graph are the same
records and change nothing.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from graph.bulk import BulkLoadRefused, BulkWriter, bulk_refusal
from graph.connection import Graph
from graph.store import DEFAULT_BATCH, GraphWriter
from graph.judgements import merge_companies
from graph.views import listed_companies, listing_entries, registry_companies
from loaders.ids import listing_id, make_id
from loaders import LoaderError
from loaders.accounting import RecordLedger
from loaders.flows import is_flow_load
from loaders.mirrors import MIRROR_COLUMNS
from loaders.pipeline import Resolution, load_report_entry, plan_load
from loaders.resolve import Resolver
from tracegraph.jobs.derived import finish_bulk, refresh_derived
from tracegraph.jobs.links import link_listed_entries
from tracegraph.jobs.review import apply_judgements
from tracegraph.jobs.writer import WriterThread

__all__ = ["load_files", "refresh_derived", "BULK_MIN_BYTES", "choose_bulk"]

# Shipment bytes from which a load into an empty managed graph goes through the importer by
# default: below it, stopping and starting the server costs more than it saves (bench/load.py)
BULK_MIN_BYTES = 50 * 2**20

_REPORTED_LABELS = ("Company", "Person", "Address", "Shipment", "Listing")


def _seed_resolver(graph: Graph) -> Resolver:
    """A resolver that knows the registry and listed companies already in the graph.

    So shipments loaded today join the registry loaded last week, and the BIS entry of a
    company joins its OFAC entry of last month.
    """
    resolver = Resolver()
    known = registry_companies(graph)
    if len(known):
        resolver.add_companies(known)
    for row in listed_companies(graph).itertuples(index=False):
        resolver.add_known(row.entity_id, row.country, row.names, row.identifiers)
    return resolver


def _fold_absorbed(graph: Graph, resolver: Resolver) -> int:
    """Fold the nodes of companies known by a name alone into the numbered company that took
    them over during this load (:meth:`Resolver.absorbed`); how many were folded."""
    folded = sum(
        merge_companies(graph, kept, gone, lambda row: listing_id(
            row["list"], row["program"], row["category"], row["entity_id"]))
        for gone, kept in resolver.absorbed().items())
    if folded:
        GraphWriter(graph).rebuild_trades_with()
    return folded


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


def _bulk_groups(loads, chunk_rows: int) -> int:
    """Exporter groups of the bulk path's derived data: about ``chunk_rows`` shipments each
    (~200 bytes a row in a shipment file)."""
    return max(1, -(-_shipment_bytes(loads) // (200 * chunk_rows)))


class _Load:
    """One run of :func:`load_files`: the writer, the resolution, the timings."""

    def __init__(self, graph: Graph, loads, use_bulk: bool, batch_size: int, parallel: int,
                 chunk_rows: int, echo):
        self.graph, self.loads, self.use_bulk, self.echo = graph, loads, use_bulk, echo
        self.timings: Counter = Counter()
        self.writer = (BulkWriter(graph, batch_size=batch_size, parallel=parallel,
                                  kept_columns=MIRROR_COLUMNS,
                                  groups=_bulk_groups(loads, chunk_rows))
                       if use_bulk else GraphWriter(graph, batch_size=batch_size,
                                                    parallel=parallel))
        self.resolution = Resolution(_seed_resolver(graph), listing_entries(graph))

    def _timed(self, label: str, fn, *args):
        mark = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.timings[label] += time.perf_counter() - mark

    def file(self, pipe: WriterThread, load, source_tags: dict, progress) -> None:
        """Read, check and resolve one file chunk by chunk; hand the writes to ``pipe``.
        The Source node gets its counts and status however the file ends."""
        source_id = make_id("source", load.display_path)
        pipe.submit("write", self.writer.write_source, source_id, {
            "name": load.source_name, "path": str(Path(load.display_path).resolve()),
            **source_tags})
        size = Path(load.path).stat().st_size
        try:
            chunks = load.chunks()
            while (chunk := self._timed("read_check", next, chunks, None)) is not None:
                frames = self._timed("resolve", self.resolution.to_resolved, chunk)
                if frames:
                    pipe.submit("write", self.writer.write, frames, source_id)
                if progress:
                    progress(load.display_path, load.source.bytes_read, size)
        finally:
            pipe.submit("write", self.writer.write_source, source_id, {
                "sha256": load.sha256, "kind": load.kind, "rows_read": load.rows_read,
                "rows_loaded": load.rows_loaded, "rows_rejected": load.rows_rejected,
                "lines_read": load.lines_read,
                "status": "loaded" if load.finished else "partial",
            })

    def all_files(self, source_tags: dict, progress) -> None:
        pipe = WriterThread(self.timings)
        try:
            for load in self.loads:
                self.file(pipe, load, source_tags, progress)
            final = self._timed("resolve", self.resolution.finish)
            pipe.submit("write", self.writer.write, final)
            pipe.submit("write", self.writer.write, {"persons": self.person_evidence()})
        except KeyboardInterrupt:
            pipe.abandon()
            if self.use_bulk:
                self.writer.abandon()
            raise
        except BaseException:
            # what was resolved before the failure is written, as a load without the thread
            # would have; the failure is what the caller sees
            try:
                pipe.close()
                if self.use_bulk:
                    finish_bulk(self.graph, self.writer, self.timings, self.echo)
            except Exception:
                pass
            raise
        pipe.close()

    def person_evidence(self) -> pd.DataFrame:
        """Every person of this load and what holds his mentions together, for the Person
        nodes' ``resolved_by``: known only once all rows are resolved, as a later row may join
        a person on weaker evidence."""
        evidence = self.resolution.resolver.person_evidence()
        return pd.DataFrame({"entity_id": list(evidence), "resolved_by": list(evidence.values())},
                            dtype=object)

    def resolution_report(self) -> dict:
        """The report's ``resolution``: joins of person mentions by evidence, and how many
        rest on the name alone (``person_merges_name_only``)."""
        merges = self.resolution.resolver.person_merge_counts()
        name_only = merges.pop("name_only")
        return {"person_merges": merges, "person_merges_name_only": name_only}

    def derive(self) -> dict:
        if self.use_bulk:
            return finish_bulk(self.graph, self.writer, self.timings, self.echo)
        return refresh_derived(self.graph, self.writer, self.timings)


def load_files(graph: Graph, paths: Sequence[str | os.PathLike], kind: str | None = None,
               profile: str | None = None, report_path: str | os.PathLike | None = None,
               hs_info: dict[str, dict] | None = None, batch_size: int = DEFAULT_BATCH,
               chunk_rows: int = 50_000, source_tags: dict | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               parallel: int = 2, bulk: bool | None = None,
               echo: Callable[[str], None] | None = None, sheet: str | None = None,
               rejects_dir: str | os.PathLike | None = None) -> dict:
    """Load ``paths`` and return the load report (CONTRACT.md "load report").

    Parameters
    ----------
    graph : a connected Graph.
    paths, kind, profile : as ``tracegraph load``.
    report_path : where to write the report JSON, also when the load fails
        (``"status": "failed"`` and ``error``; else ``"complete"``); rejects go beside it.
    rejects_dir : where rejects go instead (default: beside the report, else
        ``TRACEGRAPH_HOME/rejects/<date-time>/``).
    sheet : of a workbook, the one worksheet to load (default: every sheet with the
        file's header; the others are listed in the report).
    hs_info : HS6 code -> {"description", "chpl_tier"} for the HSCode nodes.
    batch_size : rows per write transaction.
    parallel : shipment transactions in flight at once (the server works on each with one
        core; 2 suits a 2-core machine that also runs the Python side).
    chunk_rows : rows read and resolved at a time (memory grows with it, not the file).
    source_tags : extra properties for the Source nodes (e.g. ``{"demo": True}``).
    progress : called as ``progress(path, bytes_read, file_bytes)`` after each chunk (bytes
        of the file as stored: compressed, when it is).
    bulk : True: through ``neo4j-admin database import`` (graph.bulk; only into an empty
        graph on the managed server, else BulkLoadRefused); False: batched Cypher; None:
        bulk when :func:`choose_bulk` finds it pays off.
    echo : called with a line of news (the bulk path's server stop and start).

    The report carries, besides the contract's keys, ``resolution`` (joins of person
    mentions by evidence, ``person_merges_name_only`` those resting on the name alone; each
    Person node's ``resolved_by`` says what holds it together), ``derived`` (mirror pairs,
    TRADES_WITH count) and ``timings``: seconds spent reading and checking, resolving,
    writing (in the writer thread, overlapping the first two), waiting for the writer,
    pairing mirrors and rebuilding TRADES_WITH; on the bulk path also writing the import
    files' ends (``bulk_files``), stopping the server, importing, starting it again (with
    reconnection, constraints and indexes) and replaying the spooled entity writes. ``path``
    says which path the load took: ``"bulk"`` or ``"transactional"``.
    """
    started = time.perf_counter()
    folder = rejects_dir or (None if report_path else _run_rejects_dir())
    if is_flow_load(paths, kind, profile):
        # aggregate statistics are no records: read, aggregated and stored apart (jobs.flows)
        from tracegraph.jobs.flows import load_flow_files

        return load_flow_files(graph, paths, profile=profile, report_path=report_path,
                               rejects_dir=folder, hs_info=hs_info, source_tags=source_tags,
                               progress=progress)
    # the graph is asked which record ids it holds already, unless the import builds it anew
    ledger = RecordLedger()
    try:
        loads = plan_load(paths, kind=kind, profile=profile, report_path=report_path,
                          chunk_rows=chunk_rows, rejects_dir=folder, sheet=sheet, ledger=ledger)
    except LoaderError as error:
        # nothing was written; the report says so where it can be written
        _write_report(report_path, {"status": "failed", "error": str(error), "files": []})
        raise
    run = _Load(graph, loads, choose_bulk(graph, loads, bulk), batch_size, parallel,
                chunk_rows, echo)
    if not run.use_bulk:
        ledger.lookup = run.writer.shipment_records
    report: dict = {"status": "failed", "path": "bulk" if run.use_bulk else "transactional"}
    try:
        if hs_info:
            run.writer.write_hs_codes(hs_info.keys(), hs_info)
        if run.use_bulk:
            run.writer.begin(run.timings, echo=echo)  # the graph is not needed until the import
        run.all_files(source_tags or {}, progress)
        report["derived"] = run.derive()
        report["derived"]["companies_taken_over"] = _fold_absorbed(
            graph, run.resolution.resolver)
        report["derived"]["list_links"] = link_listed_entries(graph)
        # a person's decisions outlast the reload: merges folded again, splits kept apart
        report["judgements"] = apply_judgements(graph)
        stats = graph.stats()["nodes"]
        report["entities"] = {label: stats[label] for label in _REPORTED_LABELS}
        report["status"] = "complete"
    except BaseException as error:
        report["error"] = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise
    finally:
        run.timings["total"] = time.perf_counter() - started
        report.update({
            "files": [load_report_entry(load) for load in loads],
            "resolution": run.resolution_report(),
            "timings": {k: round(v, 3) for k, v in run.timings.items()},
        })
        report.setdefault("entities", {})
        report.setdefault("derived", {})
        _write_report(report_path, report)
    return report


def _write_report(report_path, report: dict) -> None:
    if not report_path:
        return
    try:
        Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    except OSError:
        if report.get("status") != "failed":
            raise  # a failed load's own error is the one to see


def _run_rejects_dir() -> Path:
    """Rejects of a load without a report: ``TRACEGRAPH_HOME/rejects/<date-time>/``, one
    folder per run (never the current directory, so no rejects file lands in a work tree)."""
    from tracegraph.settings import home_dir

    return home_dir() / "rejects" / time.strftime("%Y%m%d-%H%M%S")
