"""Attribute values made legal for files other tools read: scalars for GEXF and GraphML,
text that a spreadsheet never runs.

The graph contract (``viz.maps``, ``graph.read.projection``) allows lists, dates and None in
attributes; GEXF and GraphML hold only strings, numbers and booleans, one type per key.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import networkx as nx

__all__ = ["scalar", "flat_graph", "shipments_to_nodes", "spreadsheet_safe", "SHIPMENT"]

SHIPMENT = "SHIPMENT"  # the edge type of one trade record between two companies

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet shows as text, never runs as a formula.

    Text from investigators' files can be built to attack whoever opens a CSV: a cell
    starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP
    "CSV injection").

    >>> print(spreadsheet_safe('=HYPERLINK("http://x","y")'))
    '=HYPERLINK("http://x","y")
    >>> spreadsheet_safe("Radiokom LLC"), spreadsheet_safe(-3.5)
    ('Radiokom LLC', -3.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def scalar(value):
    """``value`` as a string, number or boolean; ``None`` for nothing.

    Lists are joined with ``;`` (CONTRACT.md), dates written ISO, numpy numbers made plain.

    >>> scalar(["KG-IM-1", "RU-IM-2"]), scalar(date(2023, 5, 2)), scalar(float("nan"))
    ('KG-IM-1;RU-IM-2', '2023-05-02', None)
    >>> scalar([]), scalar(True), scalar(3)
    (None, True, 3)
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        parts = [str(s) for s in (scalar(v) for v in items) if s is not None]
        return ";".join(parts) if parts else None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time values
        return value.iso_format()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        return ";".join(f"{k}={scalar(v)}" for k, v in sorted(value.items())) or None
    text = str(value)
    return text if text else None


def _flat(attrs: dict) -> dict:
    return {str(k): v for k, v in ((k, scalar(v)) for k, v in attrs.items()) if v is not None}


def _one_type_per_key(items: list[dict]) -> None:
    """Give every key one type across ``items``: ints with floats become floats, anything
    else mixed becomes text (a GEXF or GraphML key is declared with one type)."""
    types: dict[str, set] = {}
    for attrs in items:
        for key, value in attrs.items():
            types.setdefault(key, set()).add(type(value))
    for key, seen in types.items():
        if len(seen) < 2:
            continue
        cast = float if seen <= {int, float} else str
        for attrs in items:
            if key in attrs:
                attrs[key] = cast(attrs[key])


def shipments_to_nodes(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Each SHIPMENT edge turned into a ``Shipment`` node between its two companies
    (``EXPORTED`` in, ``IMPORTED_BY`` out), keyed ``shipment:<first record id>``."""
    out = nx.MultiDiGraph()
    out.add_nodes_from(g.nodes(data=True))
    for u, v, key, attrs in g.edges(keys=True, data=True):
        if attrs.get("type") != SHIPMENT:
            out.add_edge(u, v, key=key, **attrs)
            continue
        records = attrs.get("record_ids") or [key]
        first = records[0] if isinstance(records, (list, tuple)) else str(records).split(";")[0]
        shipment = f"shipment:{first}"
        props = {k: v for k, v in attrs.items() if k != "type"}
        out.add_node(shipment, kind="Shipment", name=str(first), **props)
        out.add_edge(u, shipment, type="EXPORTED")
        out.add_edge(shipment, v, type="IMPORTED_BY")
    return out


def flat_graph(g: nx.MultiDiGraph, shipments_as_nodes: bool = False) -> nx.MultiDiGraph:
    """A copy of ``g`` with string node ids and scalar attributes only (None dropped, one
    type per key), edges keyed ``0, 1, ...`` per pair; shipments as nodes on request.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("co-1", "co-2", type="SHIPMENT", record_ids=["A", "B"], quantity=5)
    0
    >>> g.add_edge("co-1", "co-2", type="SHIPMENT", record_ids=["C"], quantity=2.5, unit=None)
    1
    >>> sorted(flat_graph(g).edges(data="quantity"))
    [('co-1', 'co-2', 2.5), ('co-1', 'co-2', 5.0)]
    >>> sorted(flat_graph(g, shipments_as_nodes=True).nodes)
    ['co-1', 'co-2', 'shipment:A', 'shipment:C']
    """
    source = shipments_to_nodes(g) if shipments_as_nodes else g
    nodes = [(str(n), _flat(attrs)) for n, attrs in source.nodes(data=True)]
    edges = [(str(u), str(v), _flat(attrs)) for u, v, attrs in source.edges(data=True)]
    _one_type_per_key([attrs for _, attrs in nodes])
    _one_type_per_key([attrs for _, _, attrs in edges])
    out = nx.MultiDiGraph()
    out.add_nodes_from(nodes)
    for u, v, attrs in edges:
        out.add_edge(u, v, **attrs)
    return out
