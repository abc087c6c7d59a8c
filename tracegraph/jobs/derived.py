"""What is derived after a load: mirror declarations paired, TRADES_WITH rebuilt; and the end
of a bulk load (import, restart, replay), where the same is computed in Python meanwhile."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pandas as pd

from graph.bulk import BulkWriter
from graph.connection import Graph
from graph.read import iter_shipments
from graph.store import GraphWriter, trade_summaries
from loaders.mirrors import MIRROR_COLUMNS, find_mirrors, pair_mirrors

__all__ = ["refresh_derived", "derived_in_python", "finish_bulk"]


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
                                   columns=MIRROR_COLUMNS):
        mirrors = pair_mirrors(reported)
        writer.write_mirrors(mirrors)
        pairs += len(mirrors)
    timings["mirrors"] += time.perf_counter() - mark
    mark = time.perf_counter()
    trades = writer.rebuild_trades_with()
    timings["trades_with"] += time.perf_counter() - mark
    return {"mirror_pairs": pairs, "trades_with": trades}


def derived_in_python(groups) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mirror pairs and TRADES_WITH summaries of shipments held in Python, exporter group by
    exporter group: what :func:`refresh_derived` finds in a graph holding just these."""
    mirrors, trades = [], []
    for frame in groups:
        pairs = pair_mirrors(frame[frame["reporter"].notna()])
        mirrors.append(pairs)
        trades.append(trade_summaries(frame, pairs["mirror_id"]))
    if not mirrors:
        return (find_mirrors(pd.DataFrame()),
                trade_summaries(pd.DataFrame(columns=list(MIRROR_COLUMNS))))
    return pd.concat(mirrors, ignore_index=True), pd.concat(trades, ignore_index=True)


def _derive_meanwhile(writer: BulkWriter, timings: Counter, result: dict) -> None:
    mark = time.perf_counter()
    try:
        result["derived"] = derived_in_python(writer.shipment_groups())
    except BaseException as error:  # handed to the caller's thread
        result["error"] = error
    timings["derived_python"] += time.perf_counter() - mark


def finish_bulk(graph: Graph, writer: BulkWriter, timings: Counter, echo) -> dict:
    """Import, restart, replay, derived relationships; the marker goes last.

    Mirror pairs and TRADES_WITH are computed from the shipments kept while the server is
    stopped, imported and started (the Python side would wait otherwise), then written. If
    the replay created shipments (rows the import files could not carry), the server pairs
    and summarises everything instead, as after any load.
    """
    writer.close_files()
    result: dict = {}
    thread = threading.Thread(target=_derive_meanwhile, args=(writer, timings, result),
                              name="tracegraph-derived", daemon=True)
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
