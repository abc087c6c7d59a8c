"""HS codes: tariff codes as digits, and their 6-digit subheading."""

from __future__ import annotations

import math
import re
from typing import Any

from loaders.normalize.cells import cell_text

__all__ = ["normalize_hs", "hs6"]

_HS_SEPARATORS = re.compile(r"[\s.\-]+")


def normalize_hs(text: Any) -> str | None:
    """HS / tariff code as 4 to 10 digits; dots, spaces and dashes in the input are dropped.

    A number read from a spreadsheet lost its leading zero (``101`` for heading ``0101``) and
    the trailing zero of its last pair (``8542.1`` for ``8542.10``); both are restored, since an
    HS code always has an even number of digits per level.

    Examples
    --------
    >>> normalize_hs("8542.31.90"), normalize_hs(8542.1), normalize_hs(101)
    ('85423190', '854210', '0101')
    >>> normalize_hs("85A2") is None, normalize_hs("123") is None
    (True, True)
    """
    if isinstance(value := text, bool):
        return None
    if isinstance(value, int):
        digits = str(value)
        if len(digits) % 2:
            digits = "0" + digits
    elif isinstance(value, float):
        value = float(value)  # numpy floats repr as "np.float64(...)"
        if math.isnan(value) or math.isinf(value) or value < 0 or "e" in repr(value):
            return None
        whole, _, frac = repr(value).partition(".")
        frac = "" if frac.strip("0") == "" else frac
        whole = whole.zfill(4) if frac else (whole if len(whole) % 2 == 0 else "0" + whole)
        if len(frac) % 2:
            frac += "0"
        digits = whole + frac
    else:
        value = cell_text(value)
        if value is None:
            return None
        digits = _HS_SEPARATORS.sub("", value)
    if not digits.isascii() or not digits.isdigit() or not 4 <= len(digits) <= 10:
        return None
    if int(digits[:2]) == 0 or int(digits[:2]) > 99:
        return None  # there is no chapter 00
    return digits


def hs6(code: Any) -> str | None:
    """The 6-digit HS subheading of a code, or None when the code has fewer than 6 digits.

    A 4-digit heading does not say which subheading the goods are in, and padding it with
    zeros would invent one, so it gives None.

    Examples
    --------
    >>> hs6("8542.31.90"), hs6("8542")
    ('854231', None)
    """
    digits = normalize_hs(code)
    if digits is None or len(digits) < 6:
        return None
    return digits[:6]
