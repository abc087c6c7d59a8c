"""Load files into the graph: loaders' resolved frames in, batched writes, summaries rebuilt.

Every file is opened before anything is written, so an unreadable file stops the load with
one line and nothing half-done. Files already loaded in an earlier run stay loaded; loading
a file again changes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from graph.connection import Graph
from graph.read import shipments_frame
from graph.schema import node
from graph.store import GraphWriter
from loaders.mirrors import find_mirrors
from loaders.pipeline import Resolution, load_report_entry, plan_load
from loaders.resolve import Resolver, make_id

__all__ = ["load_files", "refresh_derived"]


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


def refresh_derived(graph: Graph, writer: GraphWriter | None = None) -> dict:
    """Re-pair mirror declarations over the whole graph and rebuild TRADES_WITH."""
    writer = writer or GraphWriter(graph)
    reported = shipments_frame(graph, reported_only=True)
    mirrors = find_mirrors(reported)
    writer.write_mirrors(mirrors)
    trades = writer.rebuild_trades_with()
    return {"mirror_pairs": len(mirrors), "trades_with": trades}


def load_files(graph: Graph, paths: Sequence[str | os.PathLike], kind: str | None = None,
               profile: str | None = None, report_path: str | os.PathLike | None = None,
               hs_info: dict[str, dict] | None = None, batch_size: int = 10_000,
               chunk_rows: int = 50_000, source_tags: dict | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Load ``paths`` and return the load report (CONTRACT.md "load report").

    Parameters
    ----------
    graph : a connected Graph.
    paths, kind, profile : as ``tracegraph load``.
    report_path : where to write the report JSON; rejects go beside it.
    hs_info : HS6 code -> {"description", "chpl_tier"} for the HSCode nodes.
    source_tags : extra properties for the Source nodes (e.g. ``{"demo": True}``).
    progress : called as ``progress(path, rows_done, bytes_done)`` after each chunk.
    """
    loads = plan_load(paths, kind=kind, profile=profile, report_path=report_path,
                      chunk_rows=chunk_rows)
    writer = GraphWriter(graph, batch_size=batch_size)
    if hs_info:
        writer.write_hs_codes(hs_info.keys(), hs_info)
    resolution = Resolution(_seed_resolver(graph))
    files = []
    for load in loads:
        source_id = make_id("source", load.display_path)
        writer.write_source(source_id, {"name": load.source_name,
                                        "path": str(Path(load.display_path).resolve()),
                                        **(source_tags or {})})
        for chunk in load.chunks():
            frames = resolution.to_resolved(chunk)
            if frames:
                writer.write(frames, source_id=source_id)
            if progress:
                progress(load.display_path, load.rows_read, 0)
        entry = load_report_entry(load)
        writer.write_source(source_id, {
            "sha256": load.sha256, "kind": load.kind, "rows_read": load.rows_read,
            "rows_loaded": load.rows_loaded, "rows_rejected": load.rows_rejected,
        })
        files.append(entry)
    writer.write(resolution.finish())
    derived = refresh_derived(graph, writer)
    stats = graph.stats()["nodes"]
    report = {
        "files": files,
        "entities": {label: stats[label] for label in ("Company", "Person", "Address",
                                                       "Shipment", "Listing")},
        "derived": derived,
    }
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report
