"""What every normaliser starts from: the text of a cell, or None for a blank or a placeholder."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["CACHE_SIZE", "NULL_WORDS", "cell_text"]

#: Distinct values each memoised normaliser keeps: names, countries and identifiers repeat
#: thousands of times in trade data.
CACHE_SIZE = 1 << 17

# Placeholders that sources write where they have no value; they are junk, not names.
NULL_WORDS = frozenset({
    "", "-", "--", "---", "?", "n/a", "na", "n.a.", "nan", "none", "null", "nil", "#n/a",
    "unknown", "not available", "нет", "н/д", "н.д.", "не указано", "не известно", "неизвестно",
    "отсутствует", "nat", "<na>",
})


def cell_text(value: Any) -> str | None:
    """The value as a stripped string, or None for missing values and placeholders.

    Examples
    --------
    >>> cell_text("  77 "), cell_text(" n/a "), cell_text(float("nan"))
    ('77', None, None)
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    else:
        if isinstance(value, float) and math.isnan(value):
            return None
        try:
            # pandas.NA / NaT / numpy.nan without importing pandas here
            if value != value:  # noqa: PLR0124 - NaN-like values are not equal to themselves
                return None
        except (TypeError, ValueError):
            return None
        text = str(value).strip()
    if text.casefold() in NULL_WORDS:
        return None
    return text
