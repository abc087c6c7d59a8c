"""Addresses: a matching key that one registered address gets however it is written."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from loaders.normalize.cells import CACHE_SIZE
from loaders.normalize.names import _fold_token, _name_tokens

__all__ = ["address_key"]

# Words that only say what kind of place the next word is (street, house, office, city):
# written in a dozen ways and in any order, they carry nothing for matching, so they go.
_ADDRESS_MARKERS = frozenset({
    "ul", "ulica", "ulitsa", "ulitca", "street", "st", "str", "strasse", "sokak", "sk", "cad",
    "caddesi", "d", "dom", "house", "h", "bld", "bldg", "building", "zd", "zdanie",
    "stroenie", "korp", "korpus", "k", "of", "ofis", "office", "ofice", "kv", "kvartira",
    "apt", "apartment", "flat", "pom", "pomeshenie", "pomeschenie", "room", "rm", "suite",
    "unit", "g", "gor", "gorod", "city", "pr", "prosp", "prospekt", "prospect", "avenue",
    "ave", "av", "per", "pereulok", "lane", "mkr", "mikroraion", "mkrn", "pl", "ploshad",
    "ploschad", "square", "sh", "shosse", "highway", "no", "nomer", "obl", "oblast",
    "region", "r", "rn", "raion", "district", "resp", "respublika", "floor", "etaj", "et",
    "litera", "lit",
})
_ADDRESS_MARKER_KEYS = frozenset(_fold_token(word) for word in _ADDRESS_MARKERS)
_POSTCODE = re.compile(r"^\d{5,6}$")


@lru_cache(maxsize=CACHE_SIZE)
def address_key(text: Any) -> str | None:
    """Matching key of an address: transliterated, marker words and a leading postcode dropped.

    Examples
    --------
    >>> address_key("720001, г. Бишкек, ул. Киевская, д. 77, офис 5")
    'bishkek kievskaia 77 5'
    >>> address_key("Bishkek city, Kievskaya street 77, office 5")
    'bishkek kievskaia 77 5'
    """
    tokens = _name_tokens(text, strip_forms=False)
    if not tokens:
        return None
    kept = [tok for tok in tokens if tok not in _ADDRESS_MARKER_KEYS]
    if kept and _POSTCODE.match(kept[0]) and len(kept) > 1:
        kept = kept[1:]
    return " ".join(kept) or None
