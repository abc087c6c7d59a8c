"""How a map looks: colour by role, shape by kind, size by traded value, labels.

Kept apart from the page assembly so the legend and the nodes draw on the same
tables, and so tests can check colours without parsing HTML.
"""

from __future__ import annotations

import math
import re
from typing import Any

from viz import _values

__all__ = [
    "ROLES",
    "ROLE_COLOURS",
    "ROLE_TITLES",
    "OTHER_COLOUR",
    "SUMMARY_COLOUR",
    "KIND_SHAPES",
    "OTHER_SHAPE",
    "SUMMARY_SHAPE",
    "EDGE_STYLES",
    "SUMMARY_EDGE",
    "canonical_role",
    "canonical_kind",
    "primary_role",
    "role_priority",
    "group_of",
    "group_plural",
    "node_size",
    "node_label",
    "edge_label",
    "edge_style",
]

# Highest priority first: it decides the fill colour of a node with several roles
# and which nodes survive the cap on a large map.
ROLES: tuple[str, ...] = ("Listed", "DefenceBuyer", "FrontSuspect", "Intermediary", "Supplier")

# Okabe-Ito based, distinguishable with the common colour-vision deficiencies.
ROLE_COLOURS: dict[str, str] = {
    "Listed": "#1a1a1a",
    "DefenceBuyer": "#d55e00",
    "FrontSuspect": "#cc79a7",
    "Intermediary": "#e69f00",
    "Supplier": "#0072b2",
}
OTHER_COLOUR = "#9aa5ad"
SUMMARY_COLOUR = "#e4e7ea"

ROLE_TITLES: dict[str, str] = {
    "Listed": "Listed (sanctions / defence list)",
    "DefenceBuyer": "Defence buyer",
    "FrontSuspect": "Front-company suspect",
    "Intermediary": "Intermediary",
    "Supplier": "Supplier",
}

KIND_SHAPES: dict[str, str] = {
    "Company": "dot",
    "Person": "triangle",
    "Address": "square",
    "Shipment": "diamond",
    "HSCode": "hexagon",
    "Listing": "star",
}
OTHER_SHAPE = "triangleDown"
# A box carries its label inside, which sets summary nodes apart from entities.
SUMMARY_SHAPE = "box"

_ROLE_PLURALS: dict[str, str] = {
    "Listed": "listed entities",
    "DefenceBuyer": "defence buyers",
    "FrontSuspect": "front suspects",
    "Intermediary": "intermediaries",
    "Supplier": "suppliers",
}
_KIND_PLURALS: dict[str, str] = {
    "Company": "companies",
    "Person": "people",
    "Address": "addresses",
    "Shipment": "shipments",
    "HSCode": "HS codes",
    "Listing": "listings",
}

# Edge look per relationship type: colour, dashes, whether it has an arrow.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "TRADES_WITH": {"color": "#455a64", "dashes": False, "title": "trades with (summary of shipments)"},
    "SHIPMENT": {"color": "#37474f", "dashes": False, "title": "shipment"},
    "EXPORTED": {"color": "#37474f", "dashes": False, "title": "exported"},
    "IMPORTED_BY": {"color": "#37474f", "dashes": False, "title": "imported by"},
    "FORWARDED_AS": {"color": "#e69f00", "dashes": [8, 4], "title": "forwarded as (matched onward shipment)"},
    "MIRROR_OF": {"color": "#8d6e63", "dashes": [2, 4], "title": "mirror declaration"},
    "OFFICER_OF": {"color": "#7e57c2", "dashes": [6, 4], "title": "officer of"},
    "OWNS": {"color": "#5e35b1", "dashes": [10, 4], "title": "owns"},
    "REGISTERED_AT": {"color": "#90a4ae", "dashes": [2, 3], "title": "registered at"},
    "LISTED_AS": {"color": "#1a1a1a", "dashes": [4, 2], "title": "listed as"},
    "SAME_AS_CANDIDATE": {"color": "#ec407a", "dashes": [3, 3], "title": "possible duplicate"},
}
_OTHER_EDGE = {"color": "#78909c", "dashes": False, "title": "other link"}
SUMMARY_EDGE = {"color": "#b0bac1", "dashes": [5, 5], "title": "links of folded nodes"}

_TRADE_TYPES = {"TRADES_WITH", "SHIPMENT", "EXPORTED", "IMPORTED_BY", "FORWARDED_AS", "MIRROR_OF"}

_LABEL_MAX = 36


def _fold_key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


_ROLE_KEYS = {_fold_key(r): r for r in ROLES}
_ROLE_KEYS.update({"defencebuyer": "DefenceBuyer", "defensebuyer": "DefenceBuyer", "front": "FrontSuspect"})
_KIND_KEYS = {_fold_key(k): k for k in KIND_SHAPES}
_KIND_KEYS.update({"organization": "Company", "legalentity": "Company", "organisation": "Company"})


def canonical_role(value: Any) -> str | None:
    """``'defence_buyer' -> 'DefenceBuyer'``; unknown roles are kept as written, junk gives ``None``."""
    raw = _values.text(value)
    if raw is None:
        return None
    return _ROLE_KEYS.get(_fold_key(raw), raw)


def canonical_kind(value: Any) -> str | None:
    """``'company' -> 'Company'``; unknown kinds are kept as written."""
    raw = _values.text(value)
    if raw is None:
        return None
    return _KIND_KEYS.get(_fold_key(raw), raw)


def role_priority(role: str | None) -> int:
    """Lower is more important; nodes without a known role come last."""
    try:
        return ROLES.index(role)  # type: ignore[arg-type]
    except ValueError:
        return len(ROLES)


def primary_role(roles: list[str]) -> str | None:
    """The known role that decides colour and rank, or ``None``."""
    known = [r for r in roles if r in ROLE_COLOURS]
    return min(known, key=role_priority) if known else None


def group_of(roles: list[str], kind: str | None) -> str:
    """The folding group of a node: its primary role, else its kind, else ``'entity'``."""
    return primary_role(roles) or kind or "entity"


def group_plural(group: str, count: int) -> str:
    """``('Supplier', 37) -> 'suppliers'``; ``('Supplier', 1) -> 'supplier'``."""
    if group in _ROLE_PLURALS:
        plural = _ROLE_PLURALS[group]
    elif group in _KIND_PLURALS:
        plural = _KIND_PLURALS[group]
    else:
        plural = f"{group} nodes" if group != "entity" else "entities"
    if count != 1:
        return plural
    singular = {"intermediaries": "intermediary", "entities": "entity", "people": "person",
                "companies": "company", "addresses": "address", "listed entities": "listed entity"}
    return singular.get(plural, plural[:-1] if plural.endswith("s") else plural)


def node_size(value_usd: float | None) -> float:
    """Radius on a log scale of traded value: $0 -> 10, $1M -> 28, capped at 46."""
    if not value_usd or value_usd <= 0:
        return 10.0
    return round(min(46.0, 10.0 + 6.0 * math.log10(1.0 + value_usd / 1000.0)), 1)


def node_label(name: str, country: str | None) -> str:
    """``'RADIOKOM LLC (RU)'``, the name shortened so labels stay legible."""
    short = name if len(name) <= _LABEL_MAX else name[: _LABEL_MAX - 1].rstrip() + "\u2026"
    return f"{short} ({country})" if country else short


def _date_span(first: str | None, last: str | None) -> str | None:
    first = first[:10] if first else None
    last = last[:10] if last else None
    if first and last and first != last:
        return f"{first}\u2013{last}"
    return first or last


def edge_label(
    edge_type: str | None,
    *,
    hs_code: str | None = None,
    first_date: str | None = None,
    last_date: str | None = None,
    quantity: float | None = None,
    unit: str | None = None,
    value_usd: float | None = None,
    role: str | None = None,
    share_pct: float | None = None,
) -> str:
    """The short label drawn on an edge; the side panel has the full record.

    Trade links read ``'HS 854231 · 1,200 pcs · $45k'`` on one line and the dates
    on a second; officer and owner links name the role or share.
    """
    if edge_type in _TRADE_TYPES or hs_code or value_usd is not None or quantity is not None:
        parts = []
        if hs_code:
            parts.append(f"HS {hs_code}")
        if quantity is not None:
            # Exact: near-identical quantities in and out are the point of a chain.
            qty = _values.compact_number(quantity, exact=True)
            parts.append(f"{qty} {unit}" if unit else qty)
        if value_usd is not None:
            parts.append(_values.compact_money(value_usd))
        lines = [" \u00b7 ".join(p for p in parts if p)]
        span = _date_span(first_date, last_date)
        if span:
            lines.append(span)
        return "\n".join(line for line in lines if line)
    if edge_type == "OWNS" and share_pct is not None:
        return f"owns {_values.compact_number(share_pct, exact=True)}%"
    if role:
        return role
    if edge_type in (None, "REGISTERED_AT", "LISTED_AS"):
        return ""
    return edge_type.replace("_", " ").lower()


def edge_style(edge_type: str | None) -> dict[str, Any]:
    """Colour, dashes and legend title of a relationship type."""
    if edge_type is None:
        return _OTHER_EDGE
    return EDGE_STYLES.get(edge_type, _OTHER_EDGE)
