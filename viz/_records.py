"""Reading a graph's nodes and edges into map records, by the attribute contract of :mod:`viz.maps`.

Every attribute is optional: a missing or unreadable value becomes ``None`` (or an
empty list) in the record, never an error. The one thing the contract forbids is
two node keys with the same text, since the page addresses nodes by that text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx

from viz import _values, style
from viz.errors import MapInputError

__all__ = ["node_records", "edges", "edge_record", "display_name"]

_NODE_KEYS = {"kind", "name", "country", "roles", "value_usd", "score", "reasons",
              "registration_number", "evidence"}
_EDGE_KEYS = {"type", "hs_code", "first_date", "last_date", "date", "quantity", "unit",
              "value_usd", "record_ids", "record_id", "source", "row", "reasons", "score",
              "role", "share_pct"}


def node_records(graph: nx.Graph) -> dict[Hashable, dict[str, Any]]:
    """One record per node, keyed by node; nodes without a value of their own get their links' sum."""
    records: dict[Hashable, dict[str, Any]] = {}
    by_text: dict[str, Hashable] = {}
    for n, attrs in graph.nodes(data=True):
        rec = _node_record(n, attrs)
        if rec["id"] in by_text:
            raise MapInputError(f"node keys {by_text[rec['id']]!r} and {n!r} are the same text; ids must differ")
        by_text[rec["id"]] = n
        records[n] = rec
    _fill_values_from_links(graph, records)
    return records


def display_name(rec: dict[str, Any]) -> str:
    """A node record's name with its country: ``'RADIOKOM LLC (RU)'``."""
    return f"{rec['name']} ({rec['country']})" if rec["country"] else rec["name"]


def _node_record(node: Hashable, attrs: Mapping[str, Any]) -> dict[str, Any]:
    roles: list[str] = []
    for r in _values.strings(attrs.get("roles")):
        role = style.canonical_role(r)
        if role and role not in roles:
            roles.append(role)
    roles.sort(key=style.role_priority)
    kind = style.canonical_kind(attrs.get("kind"))
    name = None
    for key in ("name", "text", "record_id", "code"):
        name = _values.text(attrs.get(key))
        if name:
            break
    country = _values.text(attrs.get("country"))
    if country and len(country) <= 3:
        country = country.upper()
    return {
        "id": str(node),
        "kind": kind,
        "name": name or str(node),
        "country": country,
        "roles": roles,
        "value": _values.number(attrs.get("value_usd")),
        "value_from_links": False,
        "score": _values.number(attrs.get("score")),
        "reasons": _values.strings(attrs.get("reasons")),
        "registration_number": _values.text(attrs.get("registration_number")),
        "evidence": _evidence(attrs.get("evidence")),
        "other": _other(attrs, _NODE_KEYS),
    }


def _evidence(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        value = [value]
    elif isinstance(value, str) or not isinstance(value, Iterable):
        note = _values.text(value)
        return [{"note": note}] if note else []
    rows = []
    for item in value:
        if isinstance(item, Mapping):
            row = {str(k): _values.text(v) for k, v in item.items()}
            row = {k: v for k, v in row.items() if v is not None}
        else:
            note = _values.text(item)
            row = {"note": note} if note else {}
        if row:
            rows.append(row)
    return rows


def _other(attrs: Mapping[str, Any], known: set[str]) -> list[list[str]]:
    out = []
    for key in sorted((k for k in attrs if k not in known), key=str):
        shown = _values.text(_values.jsonable(attrs[key]))
        if shown is not None:
            out.append([str(key), shown])
    return out


def edges(graph: nx.Graph) -> Iterable[tuple[Hashable, Hashable, Hashable, Mapping[str, Any]]]:
    """``(u, v, key, attributes)`` of every edge; key 0 in graphs without parallel edges."""
    if graph.is_multigraph():
        yield from graph.edges(keys=True, data=True)
    else:
        for u, v, data in graph.edges(data=True):
            yield u, v, 0, data


def edge_record(u: Hashable, v: Hashable, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The record of one edge from ``u`` to ``v``: type upper-cased, record ids merged."""
    edge_type = _values.text(attrs.get("type"))
    edge_type = edge_type.upper().replace(" ", "_") if edge_type else None
    record_ids = _values.strings(attrs.get("record_ids"))
    for rid in _values.strings(attrs.get("record_id")):
        if rid not in record_ids:
            record_ids.append(rid)
    first = _values.text(attrs.get("first_date")) or _values.text(attrs.get("date"))
    return {
        "from": u,
        "to": v,
        "type": edge_type,
        "hs_code": _values.text(attrs.get("hs_code")),
        "first_date": first,
        "last_date": _values.text(attrs.get("last_date")),
        "quantity": _values.number(attrs.get("quantity")),
        "unit": _values.text(attrs.get("unit")),
        "value": _values.number(attrs.get("value_usd")),
        "record_ids": record_ids,
        "source": _values.text(attrs.get("source")),
        "row": _values.text(attrs.get("row")),
        "reasons": _values.strings(attrs.get("reasons")),
        "score": _values.number(attrs.get("score")),
        "role": _values.text(attrs.get("role")),
        "share_pct": _values.number(attrs.get("share_pct")),
        "other": _other(attrs, _EDGE_KEYS),
    }


def _fill_values_from_links(graph: nx.Graph, records: dict[Hashable, dict[str, Any]]) -> None:
    # Nodes without a traded value of their own are sized by what flows over their links.
    missing = {n for n, rec in records.items() if rec["value"] is None}
    if not missing:
        return
    sums: dict[Hashable, float] = defaultdict(float)
    for u, v, _k, attrs in edges(graph):
        value = _values.number(attrs.get("value_usd"))
        if value:
            for n in {u, v}:
                if n in missing:
                    sums[n] += value
    for n, total in sums.items():
        records[n]["value"] = total
        records[n]["value_from_links"] = True
