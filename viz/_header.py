"""What the page says around the map: title, counts, parameters in the header; the legend below."""

from __future__ import annotations

import datetime as _dt
import functools
import importlib.resources
import json
import re
from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from viz import _values, style
from viz.errors import MapAssetError
from viz.fold import Folding

__all__ = ["header", "legend", "reason_glossary"]

# A reason code as chains and fronts write it: ``HS_MISMATCH(in=880730,out=842441)``.
_CODE = re.compile(r"([A-Z][A-Z_]{2,})(?:\(.*\))?")


def header(graph: nx.Graph, folding: Folding, payload: Mapping[str, Any], *, title: Any, subtitle: Any,
           parameters: Mapping[str, Any] | None, made_at: _dt.datetime | None, max_nodes: int,
           missing_focus: list[str], edge_labels_shown: bool) -> dict[str, Any]:
    """The header's template values: the map's name, when it was made, what it shows and from what."""
    made = (made_at or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
    params = [(str(k), _values.text(_values.jsonable(v)) or "\u2014") for k, v in (parameters or {}).items()]
    return {
        "title": _values.text(title) or "tracegraph map",
        "subtitle": _values.text(subtitle) or "",
        "parameters": params,
        "made": made.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "made_iso": made.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "shown_nodes": len(payload["nodes"]),
        "shown_edges": len(payload["edges"]),
        "graph_nodes": graph.number_of_nodes(),
        "graph_edges": graph.number_of_edges(),
        "folded": len(folding.folded_into),
        "summaries": len(folding.summaries),
        "max_nodes": max_nodes,
        "missing_focus": missing_focus,
        "edge_labels_shown": edge_labels_shown,
    }


def legend(edge_types: Counter[str], records: dict[Hashable, dict[str, Any]], kept: list[Hashable],
           has_summary: bool) -> dict[str, Any]:
    """The legend's entries: only the roles, kinds and link types the map draws."""
    roles_seen: set[str] = set()
    kinds_seen: set[str] = set()
    two_roles = False
    for n in kept:
        rec = records[n]
        known = [r for r in rec["roles"] if r in style.ROLE_COLOURS]
        roles_seen.update(known)
        two_roles = two_roles or len(known) > 1
        kinds_seen.add(rec["kind"] or "")
    roles = [(style.ROLE_TITLES[r], style.ROLE_COLOURS[r]) for r in style.ROLES if r in roles_seen]
    if any(not any(r in style.ROLE_COLOURS for r in records[n]["roles"]) for n in kept):
        roles.append(("No flagged role", style.OTHER_COLOUR))
    kinds = [(k, style.KIND_SHAPES[k]) for k in style.KIND_SHAPES if k in kinds_seen]
    others = sorted(k for k in kinds_seen if k and k not in style.KIND_SHAPES)
    if others:
        kinds.append((", ".join(others), style.OTHER_SHAPE))
    if "" in kinds_seen:
        kinds.append(("Unknown kind", "dot"))
    edges = []
    for edge_type, count in sorted(edge_types.items()):
        look = style.SUMMARY_EDGE if edge_type == "SUMMARY" else style.edge_style(
            None if edge_type == "OTHER" else edge_type)
        dash = " ".join(str(x) for x in look["dashes"]) if look["dashes"] else ""
        edges.append((look["title"], look["color"], dash))
    return {"roles": roles, "two_roles": two_roles, "kinds": kinds, "summary": has_summary, "edges": edges,
            "reasons": _reasons(records, kept)}


@functools.lru_cache(maxsize=1)
def reason_glossary() -> dict[str, Any]:
    """What each reason code of chains and fronts measures, from ``viz/static/reasons.json``.

    The file is generated from the project's ``docs/methodology.md`` (its "What it measures"
    column; ``tests/test_viz_legend.py`` fails when the two differ and rewrites it when run
    as a script), so a map handed to someone without the sources still explains its codes.
    Returns ``{"source": ..., "sections": [[title, [[code, meaning], ...]], ...]}``.
    """
    try:
        text = (importlib.resources.files("viz") / "static" / "reasons.json").read_text(encoding="utf-8")
        data = json.loads(text)
        sections = [[str(title), [[str(c), str(m)] for c, m in rows]] for title, rows in data["sections"]]
        return {"source": str(data["source"]), "sections": sections}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise MapAssetError(f"viz/static/reasons.json is missing or unreadable: {e}") from e


def _reasons(records: dict[Hashable, dict[str, Any]], kept: list[Hashable]) -> dict[str, Any]:
    """The glossary, each code marked when a drawn node carries it (in ``reasons`` or in a
    property whose name ends with ``reasons``, such as a chain map's ``chain_reasons``)."""
    seen: set[str] = set()
    for n in kept:
        rec = records[n]
        texts = list(rec["reasons"]) + [v for k, v in rec["other"] if k.lower().endswith("reasons")]
        for text in texts:
            matches = (_CODE.fullmatch(part.strip()) for part in str(text).split(";"))
            seen.update(m.group(1) for m in matches if m)
    glossary = reason_glossary()
    sections = [(title, [(code, meaning, code in seen) for code, meaning in rows])
                for title, rows in glossary["sections"]]
    known = {code for _, rows in glossary["sections"] for code, _ in rows}
    return {"source": glossary["source"], "sections": sections, "seen": sorted(seen & known)}
