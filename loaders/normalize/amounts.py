"""Amounts: a number from a quantity, weight or value cell, however the source grouped it."""

from __future__ import annotations

import math
import re
from typing import Any

from loaders.normalize.cells import cell_text

__all__ = ["parse_amount"]

_AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']+")
_CURRENCY_SYMBOLS = "$€£¥₽₸₺"
_POINT_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$|^\.\d+$")
_COMMA_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?$|^,\d+$")


def parse_amount(text: Any, decimal_comma: bool = False) -> float | None:
    """A number from a quantity, weight or value cell.

    Thousands may be grouped with spaces (also no-break and thin spaces), apostrophes, or the
    separator that is not the decimal mark; groups must then have three digits, so ``1,5``
    without ``decimal_comma`` is junk rather than a guess. Negative numbers (``-5``, ``−5``,
    ``(5)``) come back negative; the loader decides what to do with them.

    Examples
    --------
    >>> parse_amount("1 234,50", decimal_comma=True), parse_amount("1,234.50")
    (1234.5, 1234.5)
    >>> parse_amount("(12.5)"), parse_amount("abc") is None
    (-12.5, True)
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        number = float(text)
        return number if math.isfinite(number) else None
    value = cell_text(text)
    if value is None:
        return None
    if not decimal_comma:
        try:  # fast path: most cells are plain numbers
            number = float(value)
            return number if math.isfinite(number) else None
        except ValueError:
            pass
    value = _AMOUNT_SPACES.sub("", value).strip(_CURRENCY_SYMBOLS)
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value[:1] in "-−":
        negative, value = not negative, value[1:]
    elif value[:1] == "+":
        value = value[1:]
    value = value.strip(_CURRENCY_SYMBOLS)
    if decimal_comma:
        if not _COMMA_AMOUNT.match(value):
            return None
        value = value.replace(".", "").replace(",", ".")
    else:
        if not _POINT_AMOUNT.match(value):
            return None
        value = value.replace(",", "")
    number = float(value)
    return -number if negative else number
