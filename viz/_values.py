"""Normalisers that turn whatever a graph attribute holds into something a map can show.

Graph attributes arrive from Neo4j, pandas or hand-built test graphs: strings,
NaN, numpy scalars, Neo4j temporal types, lists, ``;``-joined strings. One
normaliser per value type, each returning ``None`` (or an empty list) for junk
instead of raising, so a missing or odd attribute never breaks a map.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["text", "number", "strings", "jsonable", "compact_money", "compact_number"]

# Nested free-form values (evidence dicts inside lists inside dicts) are cut off
# here so a pathological attribute cannot blow up the page.
_MAX_DEPTH = 4


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    # pandas.NA / NaT and numpy NaN without importing pandas or numpy here
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN-like values differ from themselves
    except (TypeError, ValueError):
        return False


def _clean_str(value: str) -> str | None:
    # Lone surrogates cannot be written as UTF-8; _page.render_page replaces them in
    # the finished page in one pass rather than here for every value.
    value = value.strip()
    return value or None


def _iso(value: Any) -> str | None:
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    # neo4j.time.Date / DateTime and pandas.Timestamp
    for method in ("iso_format", "isoformat"):
        func = getattr(value, method, None)
        if callable(func):
            try:
                return str(func())
            except (TypeError, ValueError):
                return None
    return None


def text(value: Any) -> str | None:
    """A display string, or ``None`` for missing values. Lists are joined with ``; ``."""
    if isinstance(value, str):
        return _clean_str(value)
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    iso = _iso(value)
    if iso is not None:
        return iso
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        num = number(value)
        if num is not None:
            # No thousands separators: registration numbers and ids come through here too.
            return str(int(num)) if num.is_integer() and abs(num) < 2**53 else repr(num)
    if isinstance(value, Mapping):
        parts = [f"{k}: {text(v)}" for k, v in value.items() if text(v) is not None]
        return _clean_str("; ".join(parts))
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray)):
        parts = [t for t in (text(v) for v in value) if t is not None]
        return _clean_str("; ".join(parts))
    if isinstance(value, (bytes, bytearray)):
        return _clean_str(bytes(value).decode("utf-8", "replace"))
    return _clean_str(str(value))


def number(value: Any) -> float | None:
    """A finite float, or ``None``. Accepts ``"1,234.5"`` and numpy scalars; booleans are not numbers."""
    if _is_missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.replace(",", "").replace("\u00a0", "").replace(" ", "").strip()
        if not value:
            return None
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def strings(value: Any) -> list[str]:
    """A list of non-empty strings: lists as they are, a ``;``-joined string split."""
    if isinstance(value, str):
        return [p for p in (_clean_str(part) for part in value.split(";")) if p]
    if _is_missing(value):
        return []
    if isinstance(value, Mapping):
        single = text(value)
        return [single] if single else []
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray)):
        out: list[str] = []
        for item in value:
            item_text = text(item)
            if item_text:
                out.append(item_text)
        return out
    single = text(value)
    return [single] if single else []


def jsonable(value: Any, _depth: int = 0) -> Any:
    """A value ``json.dumps`` accepts: scalars, lists and string-keyed dicts; the rest as text."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value
    iso = _iso(value)
    if iso is not None:
        return iso
    if _depth >= _MAX_DEPTH:
        return text(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray)):
        return [jsonable(v, _depth + 1) for v in value]
    num = number(value)  # numpy scalars
    if num is not None:
        return int(num) if num.is_integer() and abs(num) < 2**53 else num
    return text(value)


def compact_number(value: float, exact: bool = False) -> str:
    """``1234567 -> '1.2M'``; with ``exact``, ``'1,234,567'``."""
    if exact or abs(value) < 1000:
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            scaled = value / limit
            return f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:g}"


def compact_money(value: float | None) -> str | None:
    """``45000 -> '$45k'``."""
    if value is None:
        return None
    return f"${compact_number(value)}"
