"""Countries: an ISO 3166-1 alpha-2 code from a code or a name in English or Russian.

Names that neither the short list here nor pycountry know go to rigour's territory table
(regions and cities too: "Dubai" stands for AE), which is slow to build; :func:`use_cache_dir`
says where to keep it between processes.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry

from loaders.normalize.cells import cell_text

__all__ = ["normalize_country", "use_cache_dir"]

_SPACES = re.compile(r"\s+")

# Russian names the territory tables lack (checked against rigour's data), normalised by
# _country_text; and the most common names of the region's trade, so that a load does not wait
# seconds for rigour's full name table when pycountry and this list already know the answer.
_COUNTRY_NAMES = {
    "russia": "RU", "россия": "RU", "российская федерация": "RU", "рф": "RU",
    "turkey": "TR", "турция": "TR", "uk": "GB", "uae": "AE", "hong kong sar": "HK",
    "kyrgyz republic": "KG", "кыргызстан": "KG", "киргизия": "KG", "казахстан": "KZ",
    "армения": "AM", "беларусь": "BY", "узбекистан": "UZ", "грузия": "GE", "китай": "CN",
    "гонконг": "HK", "таджикистан": "TJ", "азербайджан": "AZ", "туркменистан": "TM",
    "иран": "IR", "индия": "IN", "сша": "US", "германия": "DE",
    "белоруссия": "BY",
    "кыргызская республика": "KG",
    "киргизская республика": "KG",
    "республика кыргызстан": "KG",
    "республика армения": "AM",
    "кнр": "CN",
    "сянган": "HK",
    "республика таджикистан": "TJ",
    "азербайджанская республика": "AZ",
    "оаэ": "AE",
    "южная корея": "KR",
}
_BRACKETS = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_ISO2 = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def _country_text(value: str) -> str:
    return _SPACES.sub(" ", re.sub(r"[.,]", " ", value.casefold().replace("ё", "е"))).strip()


def _lookup_country(value: str) -> str | None:
    known = _COUNTRY_NAMES.get(_country_text(value))
    if known:
        return known
    try:
        # codes and English names; cheap, where rigour's name table takes seconds to build
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        pass
    territory = _territory_code(value)
    if territory is None:
        text = _country_text(value)
        for prefix in ("republic of ", "the ", "республика "):
            if text.startswith(prefix):
                territory = _territory_code(text[len(prefix):])
                break
    if territory is None:
        return None
    # a region or city in a country column ("Dubai", "Moscow") stands for its country
    code = territory.split("-")[0].upper()
    return code if code in _ISO2 else None


@lru_cache(maxsize=4096)
def normalize_country(text: Any) -> str | None:
    """ISO 3166-1 alpha-2 code from a code (alpha-2/alpha-3) or an English/Russian name.

    Examples
    --------
    >>> [normalize_country(x) for x in ("RUS", "Российская Федерация", "Türkiye", "ОАЭ")]
    ['RU', 'RU', 'TR', 'AE']
    >>> normalize_country("Hong Kong SAR"), normalize_country("Atlantis")
    ('HK', None)
    """
    value = cell_text(text)
    if value is None:
        return None
    code = _lookup_country(value)
    if code is None and _BRACKETS.search(value):
        # "Гонконг (Сянган)", "Russia (RU)": try the text outside, then inside the brackets
        outside = _BRACKETS.sub(" ", value).strip()
        inside = [a or b for a, b in _BRACKETS.findall(value)]
        for part in (outside, *inside):
            if part and (code := _lookup_country(part)):
                break
    return code


# ---------------------------------------------------------------------------------------------
# rigour's territory table, kept between processes

# The folder the application keeps rebuildable files in; None keeps the table in memory only.
_cache_dir: Path | None = None


def use_cache_dir(path: str | os.PathLike[str] | None) -> None:
    """Keep rigour's territory name table in the folder ``path`` from now on; None keeps it in
    memory only, built again by every process (as when the folder cannot be written).

    rigour builds the table (some 30,000 names transliterated) in seconds, on the first place
    or unusual country name a process looks up; the application passes its cache folder once,
    at start, so that only the first process on a machine pays for it.
    """
    global _cache_dir
    folder = None if path is None else Path(path)
    if folder != _cache_dir:
        _cache_dir = folder
        _territory_names.cache_clear()  # read from (or written to) the new folder on next use


def _territory_code(text: str) -> str | None:
    """The code of the territory rigour's ``lookup_territory`` finds for ``text`` (exact,
    not fuzzy), or None.

    rigour builds its table of territory names on first use by transliterating some 30,000
    names, several seconds of every process that loads a file. The table (name -> code) is
    therefore kept on disk per rigour version when the application gives a folder
    (:func:`use_cache_dir`, :func:`_territory_names`), and the lookup done
    here the way rigour does it: by code or QID first, then by normalised name.
    """
    from rigour.territories.lookup import lookup_by_identifier, normalize_territory_name

    names = _territory_names()
    if names is None:  # a rigour without the table we know: ask it
        from rigour.territories import lookup_territory

        territory = lookup_territory(text)
        return territory.code if territory is not None else None
    territory = lookup_by_identifier(text)
    if territory is not None:
        return territory.code
    return names.get(normalize_territory_name(text))


@lru_cache(maxsize=1)
def _territory_names() -> dict[str, str] | None:
    """rigour's territory name table as {normalised name: territory code}, read from the
    cache folder given to :func:`use_cache_dir` or built by rigour (and written there); None
    when this rigour has no such table."""
    from importlib.metadata import version

    from rigour.territories import lookup as rigour_lookup

    build = getattr(rigour_lookup, "_get_territory_names", None)
    if build is None:
        return None
    path = None if _cache_dir is None else \
        _cache_dir / f"rigour-{version('rigour')}-territory-names.json"
    if path is not None:
        try:
            names = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(names, dict):
                return names
        except (OSError, ValueError):
            pass
    names = {name: territory.code for name, territory in build().items()}
    if path is not None:
        _write_table(path, names)
    return names


def _write_table(path: Path, names: dict[str, str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # written aside and renamed, so a process reading it never sees half a table
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(names, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass  # no writable cache: the table is built again by the next process
