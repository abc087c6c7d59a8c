"""What the side panel shows for a node, a link, a bundle of links or a summary node.

Each detail is plain data (headings, labelled fields, lists) that the page's
script writes as text; empty fields are left out so the panel shows only what
the data has. Long lists stop at ``_MAX_LISTED`` with a count of the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from viz import _values, style
from viz._records import display_name

__all__ = ["money", "limited", "short_label", "node_detail", "summary_detail",
           "link_detail", "bundle_detail", "folded_link_detail"]

# Long lists in the side panel stop here, with a count of the rest.
_MAX_LISTED = 300


def money(value: float | None) -> str | None:
    """``45000 -> '$45,000'``, ``None`` stays ``None``."""
    return None if value is None else "$" + _values.compact_number(value, exact=True)


def _fields(*pairs: tuple[str, Any]) -> list[list[Any]]:
    # Empty values are left out so the panel shows only what the data has.
    out = []
    for label, value in pairs:
        if value is None or value == [] or value == "":
            continue
        out.append([label, value])
    return out


def _score(value: float | None) -> str | None:
    return None if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def limited(items: list[str], what: str) -> list[str]:
    """``items`` cut at the panel's limit, the last line saying how many more ``what`` there are."""
    if len(items) <= _MAX_LISTED:
        return items
    return items[:_MAX_LISTED] + [f"\u2026 and {len(items) - _MAX_LISTED:,} more {what}"]


def short_label(rec: dict[str, Any]) -> str:
    """The short label of one link record, as drawn on the edge."""
    return style.edge_label(
        rec["type"], hs_code=rec["hs_code"], first_date=rec["first_date"],
        last_date=rec["last_date"], quantity=rec["quantity"], unit=rec["unit"],
        value_usd=rec["value"], role=rec["role"], share_pct=rec["share_pct"],
    )


def node_detail(rec: dict[str, Any], focus: bool) -> dict[str, Any]:
    """The panel of one entity drawn as itself."""
    value = money(rec["value"])
    if value and rec["value_from_links"]:
        value += " (sum of its links)"
    return {
        "kind": "node",
        "heading": display_name(rec),
        "subheading": rec["kind"] or "entity",
        "fields": _fields(
            ("Name", rec["name"]),
            ("Entity id", rec["id"]),
            ("Kind", rec["kind"]),
            ("Country", rec["country"]),
            ("Roles", rec["roles"]),
            ("Registration number", rec["registration_number"]),
            ("Traded value", value),
            ("Score", _score(rec["score"])),
            ("Reasons", rec["reasons"]),
            ("Focus of this map", "yes" if focus else None),
        ),
        "evidence": rec["evidence"],
        "other": rec["other"],
    }


def summary_detail(label: str, what: str, anchor: str | None, reason: str,
                   members: list[dict[str, Any]], total: float) -> dict[str, Any]:
    """The panel of a summary node: why its members were folded, and each of them."""
    count = len(members)
    if reason == "supernode":
        why = f"{anchor} has {count:,} {what} linked to nothing else; they are folded to keep it readable"
    else:
        why = "the map is capped; these rank below the nodes shown (role, then traded value, then links)"
    member_lines = []
    for r in members:
        line = f"{display_name(r)} \u2014 {r['id']}"
        if r["value"]:
            line += f" \u2014 {money(r['value'])}"
        member_lines.append(line)
    return {
        "kind": "summary",
        "heading": label,
        "subheading": "summary of folded nodes",
        "fields": _fields(
            ("Folded", f"{count:,} {what}"),
            ("Linked to", anchor),
            ("Why folded", why),
            ("Their traded value", money(total) if total else None),
        ),
        "members": limited(member_lines, what),
        "evidence": [],
        "other": [],
    }


def _edge_fields(rec: dict[str, Any], names: Mapping[Hashable, str]) -> list[list[Any]]:
    quantity = None
    if rec["quantity"] is not None:
        quantity = _values.compact_number(rec["quantity"], exact=True)
        if rec["unit"]:
            quantity += f" {rec['unit']}"
    return _fields(
        ("From", names.get(rec["from"], str(rec["from"]))),
        ("To", names.get(rec["to"], str(rec["to"]))),
        ("Type", rec["type"]),
        ("HS code", rec["hs_code"]),
        ("First date" if rec["last_date"] else "Date", rec["first_date"]),
        ("Last date", rec["last_date"]),
        ("Quantity", quantity),
        ("Value", money(rec["value"])),
        ("Record ids", rec["record_ids"]),
        ("Source", rec["source"]),
        ("Row", rec["row"]),
        ("Role", rec["role"]),
        ("Share", None if rec["share_pct"] is None else f"{_values.compact_number(rec['share_pct'], exact=True)}%"),
        ("Score", _score(rec["score"])),
        ("Reasons", rec["reasons"]),
    )


def link_detail(rec: dict[str, Any], names: Mapping[Hashable, str], label: str) -> dict[str, Any]:
    """The panel of one link drawn as itself: its record in full."""
    return {
        "kind": "edge",
        "heading": f"{names[rec['from']]} \u2192 {names[rec['to']]}",
        "subheading": (rec["type"] or "link").replace("_", " ").lower(),
        "short": label,
        "fields": _edge_fields(rec, names),
        "evidence": [],
        "other": rec["other"],
    }


def bundle_detail(heading: str, edge_type: str | None, recs: list[dict[str, Any]], hs: list[str],
                  total: float | None, label: str, names: Mapping[Hashable, str]) -> dict[str, Any]:
    """The panel of parallel links of one type drawn as one: totals, then each link's record."""
    record_ids = [rid for r in recs for rid in r["record_ids"]]
    return {
        "kind": "edge",
        "heading": heading,
        "subheading": f"{len(recs)} parallel links drawn as one",
        "short": label,
        "fields": _fields(
            ("Links", str(len(recs))),
            ("Type", edge_type),
            ("HS codes", hs),
            ("Total value", money(total)),
            ("Record ids", limited(record_ids, "record ids")),
        ),
        "items": [{"short": short_label(r), "fields": _edge_fields(r, names), "other": r["other"]}
                  for r in recs[:_MAX_LISTED]],
        "evidence": [],
        "other": [],
    }


def folded_link_detail(heading: str, recs: list[dict[str, Any]], total: float | None, label: str,
                       member_name: Callable[[Hashable], str]) -> dict[str, Any]:
    """The panel of the links between a summary node and another node: one line per link."""
    types = Counter((r["type"] or "link") for r in recs)
    record_ids = [rid for r in recs for rid in r["record_ids"]]
    lines = []
    for r in recs:
        line = (f"{member_name(r['from'])} \u2192 {member_name(r['to'])}: "
                f"{(r['type'] or 'link').replace('_', ' ').lower()}")
        short = short_label(r).replace("\n", " \u00b7 ")
        if short:
            line += f" ({short})"
        if r["record_ids"]:
            line += f" [{'; '.join(r['record_ids'])}]"
        lines.append(line)
    return {
        "kind": "edge",
        "heading": heading,
        "subheading": "links of folded nodes",
        "short": label,
        "fields": _fields(
            ("Links", f"{len(recs):,}"),
            ("Types", [f"{t.replace('_', ' ').lower()}: {c:,}" for t, c in types.most_common()]),
            ("Total value", money(total)),
            ("Record ids", limited(record_ids, "record ids")),
        ),
        "members": limited(lines, "links"),
        "evidence": [],
        "other": [],
    }
