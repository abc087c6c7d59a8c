"""How values from the graph read on a page: money, numbers, dates, scores, reason codes,
and the addresses of entity pages (Jinja filters and globals; Jinja escapes the result)."""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import quote, urlencode

from graph.schema import ROLE_LABELS

__all__ = ["FILTERS", "GLOBALS", "entity_url", "graph_url", "roles_of", "reasons_of"]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def money(value) -> str:
    if _missing(value):
        return ""
    return f"${float(value):,.0f}"


def number(value) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}" if isinstance(value, (int, float)) else str(value)


def date(value) -> str:
    if _missing(value):
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)[:10]


def score(value) -> str:
    if _missing(value):
        return ""
    return f"{float(value):.2f}"


def text(value) -> str:
    """Any cell as text: lists joined with ``; ``, missing as empty."""
    if isinstance(value, (list, tuple)):
        return "; ".join(text(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return date(value)
    return "" if _missing(value) else str(value)


def reasons_of(value) -> list[str]:
    """Reason codes (``A(x=1);B``) as a list."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if not _missing(v)]
    return [part for part in str(value or "").split(";") if part.strip()]


def roles_of(labels) -> list[str]:
    return [label for label in labels or () if label in ROLE_LABELS]


def kind_of(labels) -> str:
    return next((k for k in ("Company", "Person", "Address") if k in (labels or ())), "")


def entity_url(entity_id: str) -> str:
    return "/entity/" + quote(str(entity_id), safe="")


def graph_url(entity_id: str) -> str:
    return "/graph/" + quote(str(entity_id), safe="")


def query_string(**params) -> str:
    return urlencode({k: v for k, v in params.items() if not _missing(v)})


FILTERS = {"money": money, "number": number, "date": date, "score": score, "text": text,
           "reasons": reasons_of, "roles": roles_of, "kind": kind_of}
GLOBALS = {"entity_url": entity_url, "graph_url": graph_url, "query_string": query_string}
