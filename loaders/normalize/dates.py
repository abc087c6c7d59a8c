"""Dates: a calendar date from ISO text, the source's own formats, or a date object."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from typing import Any

from loaders.normalize.cells import cell_text

__all__ = ["parse_date"]

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def _plausible(day: _dt.date) -> _dt.date | None:
    # 0001-01-01 and 9999-12-31 are placeholders of source systems, not dates
    return day if _MIN_YEAR <= day.year <= _MAX_YEAR else None


def parse_date(text: Any, formats: Sequence[str] | None = None) -> _dt.date | None:
    """A calendar date from ISO ``YYYY-MM-DD`` or one of the given ``strptime`` formats.

    Date and datetime objects (including pandas Timestamps) pass through; impossible dates
    (``2023-02-30``), years outside 1800..2200 and junk give None. ``%d`` and ``%m`` accept
    one digit, so ``%d.%m.%Y`` also reads ``1.2.2023``. A time after the date is ignored.

    Examples
    --------
    >>> parse_date("2023-05-01"), parse_date("1.2.2023", ["%d.%m.%Y"])
    (datetime.date(2023, 5, 1), datetime.date(2023, 2, 1))
    >>> parse_date("2023-02-30") is None
    True
    """
    if text is None:
        return None
    if isinstance(text, _dt.datetime):
        if text != text:  # NaT
            return None
        return _plausible(text.date())
    if isinstance(text, _dt.date):
        return _plausible(text)
    if type(text).__name__ == "datetime64":
        import pandas as pd

        stamp = pd.Timestamp(text)
        return None if stamp is pd.NaT else _plausible(stamp.date())
    value = cell_text(text)
    if value is None:
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return _plausible(_dt.date(*(int(g) for g in match.groups())))
        except ValueError:
            return None
    for fmt in formats or ():
        for candidate in (value, value.split()[0]):
            try:
                return _plausible(_dt.datetime.strptime(candidate, fmt).date())
            except ValueError:
                continue
    return None
