"""Countries: an ISO 3166-1 alpha-2 code from a code or a country's name, in any of the forms
classifiers and statistics offices write it.

Names come from classifiers, not from hand tables: ISO 3166-1's names in English and, through
the translations pycountry ships (gettext domain ``iso3166-1``), in Russian and the other
languages of the region's trade papers. The official short forms of Russia's classifier of
countries (OKSM: "Корея, Республика", "Иран (Исламская Республика)", "Тайвань (Китай)") and
Eurostat's names with notes ("Italy (incl. San Marino 'SM' -> 1993)") are derived from those
by general rules (inverted "X, Y" order; the text in brackets tried with and without). The
few names no rule reaches sit in ``country_aliases.csv`` beside this module, each with its
source. Names that none of these know go to rigour's territory table (regions and cities too:
"Dubai" stands for AE), which is slow to build; :func:`use_cache_dir` says where to keep it
between processes.
"""

from __future__ import annotations

import csv
import gettext
import json
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry

from loaders.normalize.cells import cell_text

__all__ = ["normalize_country", "use_cache_dir"]

# Languages whose ISO 3166 names are looked up besides English and Russian: the region's own
# (Ukraine, Belarus, Central Asia, the Caucasus), its trade partners' and Europe's. A name that
# means one country in one of these and another in a second is dropped as ambiguous.
_LANGUAGES = ("uk", "be", "kk", "ky", "uz", "tg", "tk", "az", "hy", "ka", "tr", "zh_CN",
              "zh_TW", "zh_HK", "ja", "ko", "de", "fr", "es", "it", "pl", "nl", "ar", "fa")
_ALIASES = Path(__file__).with_name("country_aliases.csv")
# No country's name, with an office's note, comes near this; longer text is not looked at.
MAX_COUNTRY_CHARS = 200
_ISO2 = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}
# codes first, so that no language's short name ("Çad" is Chad in Turkish) can shadow one
_CODES = {code: c.alpha_2 for c in pycountry.countries for code in (c.alpha_2, c.alpha_3)}


def _fold(text: str) -> str:
    """``text`` for comparison: case, accents, ё/е, punctuation and spacing folded (linear)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = [ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)]
    return " ".join("".join(kept).split())


def _inverted(text: str) -> str | None:
    """"Корея, Республика" -> "Республика Корея"; "Korea, Republic of" -> "Republic of Korea"."""
    head, comma, tail = text.partition(",")
    return f"{tail} {head}" if comma and head.strip() and tail.strip() else None


def _brackets(text: str) -> tuple[str, list[str]]:
    """The text outside brackets and each top-level bracketed part, in one pass (no regex:
    an unclosed bracket costs nothing); unbalanced text is returned whole, without parts."""
    closing = {"(": ")", "[": "]"}
    outside: list[str] = []
    parts: list[str] = []
    stack: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in closing:
            stack.append(closing[ch])
            if len(stack) == 1:
                current = []
                outside.append(" ")
                continue
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                parts.append("".join(current))
                continue
        elif ch in ")]":
            return text, []
        (current if stack else outside).append(ch)
    if stack:
        return text, []
    return "".join(outside), parts


def _variants(text: str) -> Iterator[str]:
    """The forms of ``text`` to look up, most literal first: the whole, its inverted order,
    then without the bracketed note ("Belarus (Belorussia)"), the note before the rest
    ("Иран (Исламская Республика)" -> "Исламская Республика Иран"), and the note alone."""
    outside, parts = _brackets(text)
    bases = [text, outside] if parts else [text]
    for base in bases:
        yield base
        inverted = _inverted(base)
        if inverted:
            yield inverted
    for part in parts:
        yield f"{part} {outside}"
    yield from parts


def _lookup_country(value: str) -> str | None:
    code = _CODES.get(value.strip().upper())
    if code:
        return code
    names = _country_names()
    for variant in _variants(value):
        code = names.get(_fold(variant))
        if code:
            return code
    try:
        # codes (alpha-2, alpha-3, numeric) and English names as pycountry spells them
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        pass
    code = _territory_country(value)
    outside, parts = _brackets(value)
    if code or not parts:
        return code
    # the place outside the brackets and the one inside must agree: "Moscow (Russia)" is RU,
    # "Korea (DPRK)" is neither Korea
    codes = {code for code in map(_territory_country, [outside, *parts]) if code}
    return codes.pop() if len(codes) == 1 else None


def _territory_country(value: str) -> str | None:
    territory = _territory_code(value)
    if territory is None:
        text = _fold(value)
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
    """ISO 3166-1 alpha-2 code from a code (alpha-2/alpha-3) or a country's name.

    A name is an ISO 3166 name in English, Russian or another language of the region's
    trade (see ``_LANGUAGES``), an OKSM short form, or a statistics office's name with a
    note in brackets; case, accents, ё/е and spacing do not matter. Text longer than
    ``MAX_COUNTRY_CHARS`` is not a country.

    Examples
    --------
    >>> [normalize_country(x) for x in ("RUS", "Российская Федерация", "Türkiye", "ОАЭ")]
    ['RU', 'RU', 'TR', 'AE']
    >>> [normalize_country(x) for x in ("Корея, Республика", "Иран (Исламская Республика)")]
    ['KR', 'IR']
    >>> normalize_country("Italy (incl. San Marino 'SM' -> 1993)"), normalize_country("Atlantis")
    ('IT', None)
    """
    value = cell_text(text)
    if value is None or len(value) > MAX_COUNTRY_CHARS:
        return None
    return _lookup_country(value)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """{folded name: alpha-2} from ISO 3166-1 in English, Russian and ``_LANGUAGES`` (with
    each name's inverted form), and ``country_aliases.csv`` above them; built once."""
    tiers: list[dict[str, set[str]]] = [{}, {}, {}]
    english = [(c.alpha_2, [n for n in (c.name, getattr(c, "official_name", None),
                                         getattr(c, "common_name", None)) if n])
               for c in pycountry.countries]
    # tiers[0]: country_aliases.csv; [1]: English and Russian; [2]: the other languages
    for tier, languages in ((1, (None, "ru")), (2, _LANGUAGES)):
        for language in languages:
            translate = _translator(language)
            for code, spellings in english:
                for name in filter(None, map(translate, spellings)):
                    for form in (name, _inverted(name)):
                        if form and (key := _fold(form)):
                            tiers[tier].setdefault(key, set()).add(code)
                    # "Сен-Мартен (Франция)" is also "Сен-Мартен", unless another is too; only
                    # in English and Russian, checked by hand: in Kazakh, "Корея (Солтүстік)"
                    # is North Korea and "Корея" would become it
                    outside, parts = _brackets(name)
                    if tier == 1 and parts and (key := _fold(outside)):
                        tiers[2].setdefault(key, set()).add(code)
    with _ALIASES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            tiers[0].setdefault(_fold(row["name"]), set()).add(row["alpha_2"])
    names: dict[str, str] = {}
    for level in reversed(tiers):  # a higher tier overrides; a name with two codes is dropped
        for key, codes in level.items():
            if len(codes) == 1:
                names[key] = next(iter(codes))
            else:
                names.pop(key, None)
    return names


def _translator(language: str | None) -> Callable[[str], str | None]:
    if language is None:
        return lambda name: name
    try:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:  # a pycountry without this language
        return lambda name: None
    return catalogue.gettext


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
