"""The loaders' public entry point: files in, canonical chunks and resolved frames out.

The graph writer drives it chunk by chunk, so memory stays flat whatever the file size::

    loads = plan_load(paths, kind=None, profile=None, report_path=None)   # opens, orders
    resolution = Resolution()                 # one Resolver for the whole load
    for load in loads:                        # companies, ftm, officers, watchlist, shipments
        for chunk in load.chunks():           # rejects stream to load.rejects_path
            frames = resolution.to_resolved(chunk)   # keys among RESOLVED
            ...write frames...
        report.append(load_report_entry(load))
    ...write resolution.finish()...           # SAME_AS_CANDIDATE pairs

Two jobs behind it: file accounting (:mod:`loaders.accounting`: what each file is, its
chunks, rows read / loaded / rejected, the rejects file) and resolution
(:mod:`loaders.resolution`: checked chunks to resolved frames with stable ids).
"""

from __future__ import annotations

from loaders.accounting import (
    KINDS,
    LOAD_ORDER,
    CanonicalChunk,
    FileLoad,
    load_report_entry,
    order_for_load,
    plan_load,
    read_file,
    rejects_path_for,
)
from loaders.resolution import Resolution

__all__ = [
    "CanonicalChunk",
    "FileLoad",
    "Resolution",
    "read_file",
    "plan_load",
    "order_for_load",
    "rejects_path_for",
    "load_report_entry",
    "KINDS",
    "LOAD_ORDER",
]
