"""Identifiers: registration and tax numbers as bare letters and digits, and their check digits."""

from __future__ import annotations

import importlib
import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

from loaders.normalize.cells import CACHE_SIZE, cell_text
from loaders.normalize.countries import normalize_country
from loaders.normalize.scripts import _CYR_TO_LAT

__all__ = ["normalize_identifier", "identifier_checksum_ok"]

_ID_LABELS = re.compile(
    r"^(?:инн|inn|бин|bin|иин|iin|огрнип|ogrnip|огрн|ogrn|унп|unp|tin|vat|кпп|рег\s*№|reg\s*no)"
    r"[\s:.#№-]*",
    re.IGNORECASE,
)
_ID_KEEP = re.compile(r"[^0-9A-Z]+")


def normalize_identifier(text: Any) -> str | None:
    """Registration or tax number: letters and digits only, upper-case, labels dropped.

    Junk (no digit at all, fewer than 5 characters, all zeros) gives None. A number read from a
    spreadsheet as a float (``7707083893.0``) comes back as its digits.

    Examples
    --------
    >>> normalize_identifier("ИНН 7707-083-893"), normalize_identifier(7707083893.0)
    ('7707083893', '7707083893')
    >>> normalize_identifier("n/a") is None, normalize_identifier("000000") is None
    (True, True)
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, float):
        if not math.isfinite(text) or text != int(text):
            return None
        text = str(int(text))
    value = cell_text(text)
    if value is None:
        return None
    value = _ID_LABELS.sub("", unicodedata.normalize("NFKC", value))
    # a Cyrillic letter typed for its Latin twin (С for C) must not split one number in two
    value = "".join(_CYR_TO_LAT.get(ch, ch) for ch in value.upper())
    value = _ID_KEEP.sub("", value)
    if len(value) < 5 or not any(ch.isdigit() for ch in value) or not value.strip("0"):
        return None
    return value


# (country, kinds, lengths, stdnum module): which checksum applies to which identifier; the
# kind None means "the caller does not know", and the length decides.
_CHECKSUMS: dict[str, tuple[tuple[frozenset[str], frozenset[int], str], ...]] = {
    "RU": (
        (frozenset({"inn", "tax", "tax_id"}), frozenset({10, 12}), "stdnum.ru.inn"),
        (frozenset({"ogrn", "ogrnip", "registration", "registration_number"}),
         frozenset({13, 15}), "stdnum.ru.ogrn"),
    ),
    # Kazakh BIN/IIN: python-stdnum has no stdnum.kz yet; used automatically once it does.
    "KZ": (
        (frozenset({"bin", "iin", "tax", "tax_id", "registration", "registration_number"}),
         frozenset({12}), "stdnum.kz.bin"),
    ),
    "BY": ((frozenset({"unp", "tax", "tax_id", "registration", "registration_number"}),
            frozenset({9}), "stdnum.by.unp"),),
    "UA": (
        (frozenset({"edrpou", "registration", "registration_number"}), frozenset({8}),
         "stdnum.ua.edrpou"),
        (frozenset({"rntrc", "tax", "tax_id"}), frozenset({10}), "stdnum.ua.rntrc"),
    ),
    "TR": (
        (frozenset({"vkn", "tax", "tax_id"}), frozenset({10}), "stdnum.tr.vkn"),
        (frozenset({"tckimlik"}), frozenset({11}), "stdnum.tr.tckimlik"),
    ),
    "CN": ((frozenset({"uscc", "tax", "tax_id", "registration", "registration_number"}),
            frozenset({18}), "stdnum.cn.uscc"),),
}


@lru_cache(maxsize=64)
def _stdnum(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


@lru_cache(maxsize=CACHE_SIZE)
def identifier_checksum_ok(value: Any, country: Any, kind: str | None = None) -> bool | None:
    """Whether an identifier passes its check digits; None when no check is known.

    Russian INN (10/12 digits) and OGRN/OGRNIP (13/15) are told apart by length when ``kind``
    is None. Other checks: Belarus UNP, Ukraine EDRPOU/RNTRC, Turkey VKN, China USCC, and
    Kazakh BIN/IIN once python-stdnum ships ``stdnum.kz``.

    Examples
    --------
    >>> identifier_checksum_ok("7707083893", "RU"), identifier_checksum_ok("7707083894", "RU")
    (True, False)
    >>> identifier_checksum_ok("12345", "DE") is None
    True
    """
    ident = normalize_identifier(value)
    code = normalize_country(country)
    if ident is None or code is None or code not in _CHECKSUMS:
        return None
    kind_key = kind.casefold() if kind else None
    for kinds, lengths, module_name in _CHECKSUMS[code]:
        if kind_key is not None and kind_key not in kinds:
            continue
        if kind_key is None and len(ident) not in lengths:
            continue
        module = _stdnum(module_name)
        if module is None:
            return None
        return bool(module.is_valid(ident))
    return None
