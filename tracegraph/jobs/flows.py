"""Trade-flow statistics: load files into TradeFlow nodes, and the tables behind `tracegraph flows`.

A trade-flow load reads each file in chunks (loaders.flows), aggregates it per reporter,
partner, HS6 (or heading total), period and flow, and writes the figures in batches
(graph.flows); its report has the keys of every load report. The tables are computed by
queries.flows on the figures read back from the graph.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from graph.connection import Graph
from graph.flows import (count_trade_flows, read_trade_flows, trade_flow_years,
                         write_trade_flows)
from graph.store import GraphWriter
from loaders import LoaderError
from loaders.accounting import load_report_entry
from loaders.flows import aggregate_flows, plan_flow_load
from loaders.ids import make_id
from queries import flows as tables

__all__ = ["load_flow_files", "flow_frame", "growth", "roundabout", "surges",
           "companies_behind", "write_chart"]


def load_flow_files(graph: Graph, paths: Sequence[str | os.PathLike], profile=None,
                    report_path: str | os.PathLike | None = None,
                    rejects_dir: str | os.PathLike | None = None,
                    hs_info: dict[str, dict] | None = None, source_tags: dict | None = None,
                    progress: Callable[[str, int, int], None] | None = None,
                    chunk_rows: int = 200_000) -> dict:
    """Load trade-flow files; the report is a load report (CONTRACT.md) whose ``path`` is
    ``"trade_flows"`` and whose ``trade_flows`` says how many figures were written."""
    started, timings = time.perf_counter(), Counter()
    try:
        loads = plan_flow_load(paths, profile, report_path, rejects_dir, chunk_rows)
    except LoaderError as error:
        _write_report(report_path, {"status": "failed", "error": str(error), "files": []})
        raise
    writer = GraphWriter(graph)
    report: dict = {"status": "failed", "path": "trade_flows", "trade_flows": {}}
    try:
        if hs_info:
            writer.write_hs_codes(hs_info.keys(), hs_info)
        for load in loads:
            report["trade_flows"][load.display_path] = _load_one(
                graph, writer, load, source_tags or {}, progress, timings)
        report["entities"] = {"TradeFlow": count_trade_flows(graph)}
        report["status"] = "complete"
    except BaseException as error:
        report["error"] = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise
    finally:
        timings["total"] = time.perf_counter() - started
        report.update({"files": [load_report_entry(load) for load in loads],
                       "timings": {k: round(v, 3) for k, v in timings.items()}})
        report.setdefault("entities", {})
        report.setdefault("derived", {})
        _write_report(report_path, report)
    return report


def _load_one(graph: Graph, writer: GraphWriter, load, tags: dict, progress, timings) -> int:
    """One file: read and aggregated chunk by chunk, then its figures written."""
    source_id = make_id("source", load.display_path)
    writer.write_source(source_id, {"name": load.source_name,
                                    "path": str(Path(load.display_path).resolve()), **tags})
    size = Path(load.path).stat().st_size
    parts, written, finished = [], 0, False
    try:
        mark = time.perf_counter()
        for chunk in load.chunks():
            parts.append(aggregate_flows(chunk))
            if progress:
                progress(load.display_path, load.source.bytes_read, size)
        figures = aggregate_flows(parts)
        del parts
        timings["read_check_aggregate"] += time.perf_counter() - mark
        mark = time.perf_counter()
        written = write_trade_flows(graph, figures, source_id)
        finished = load.finished
        timings["write"] += time.perf_counter() - mark
    finally:
        writer.write_source(source_id, {
            "sha256": load.sha256, "kind": load.kind, "rows_read": load.rows_read,
            "rows_loaded": load.rows_loaded, "rows_rejected": load.rows_rejected,
            "lines_read": load.lines_read, "figures": written,
            "status": "loaded" if finished else "partial"})
    return written


def _write_report(report_path, report: dict) -> None:
    if report_path:
        Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False))


def flow_frame(graph: Graph, hs: Sequence[str] = (), reporters: Sequence[str] = (),
               partners: Sequence[str] = (), flow: str = "export") -> pd.DataFrame:
    """The TradeFlow figures a table needs (groups such as EU27 expanded)."""
    return read_trade_flows(graph, hs, tables.expand_countries(reporters),
                            tables.expand_countries(partners), flow)


def growth(graph: Graph, hs=(), reporters=(), partners=(), years=(), months=None,
           level: int = 4, by_reporter: bool = False) -> pd.DataFrame:
    """The `tracegraph flows` table (queries.flows.growth_table)."""
    frame = flow_frame(graph, hs, reporters, partners)
    return tables.growth_table(frame, level=level, hs=hs, reporters=reporters,
                               partners=partners, years=years, months=months,
                               by_reporter=by_reporter, data_years=trade_flow_years(graph))


def roundabout(graph: Graph, hs=(), origin=("EU27",), destinations=("RU", "BY"),
               transit=("CCA",), years=(), base_year=None, months=None,
               level: int = 4) -> pd.DataFrame:
    """The roundabout table (queries.flows.roundabout_table)."""
    frame = flow_frame(graph, hs, origin, [*destinations, *transit])
    return tables.roundabout_table(frame, hs=hs, origin=origin, destinations=destinations,
                                   transit=transit, years=years, base_year=base_year,
                                   months=months, level=level,
                                   data_years=trade_flow_years(graph))


def surges(graph: Graph, hs=(), origin=("EU27",), transit=("CCA",), base_year=None,
           years=(), factor: float = 5.0, months=None, level: int = 4) -> pd.DataFrame:
    """The surges table (queries.flows.surge_table)."""
    frame = flow_frame(graph, hs, origin, transit)
    return tables.surge_table(frame, hs=hs, origin=origin, transit=transit,
                              base_year=base_year, years=years, factor=factor,
                              months=months, level=level, data_years=trade_flow_years(graph))


def companies_behind(graph: Graph, table: pd.DataFrame, since: str = "2022-02-24",
                     limit: int = 200) -> pd.DataFrame:
    """The record-level shipments and companies behind each heading x transit country of a
    surge table (the canned query flows-companies-behind), one block of rows per surge."""
    from tracegraph.jobs.query import run_query

    frames = []
    for hs, partner in table[["hs", "partner"]].drop_duplicates().itertuples(index=False):
        found = run_query(graph, "flows-companies-behind", {
            "hs_prefix": str(hs), "transit_country": str(partner), "since": since,
            "limit": str(limit)})
        if len(found):
            frames.append(found.assign(surge_hs=hs, surge_partner=partner))
    if not frames:
        return pd.DataFrame(columns=["surge_hs", "surge_partner"])
    out = pd.concat(frames, ignore_index=True)
    return out[["surge_hs", "surge_partner", *[c for c in out if not c.startswith("surge_")]]]


def write_chart(graph: Graph, path: str | os.PathLike, hs=(), reporters=("EU27",),
                partners=(), months=None, level: int = 4, roundabout_table=None) -> Path:
    """A self-contained HTML chart: monthly series per partner (and the roundabout bars)."""
    from viz.charts import write_flow_chart

    frame = flow_frame(graph, hs, reporters, partners)
    series = tables.monthly_series(frame, level=level, hs=hs, reporters=reporters,
                                   partners=partners)
    title = f"Exports of HS {', '.join(hs) or 'all'} from {', '.join(reporters) or 'all'}"
    return write_flow_chart(path, series, title=title, roundabout=roundabout_table)
