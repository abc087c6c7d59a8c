"""Scripts: look-alike Cyrillic and Latin letters folded, any script spelled in Latin letters."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from rigour.text.translit import ascii_text, maybe_ascii

from loaders.normalize.cells import CACHE_SIZE, cell_text

__all__ = ["fold_homoglyphs", "transliterate"]

# Cyrillic and Latin letters that look alike: a scribe (or a typist switching keyboard layouts)
# mixes them inside one word, and the word then neither matches nor transliterates.
_CYR_TO_LAT = dict(zip(
    "АВЕКМНОРСТХУаеорсухкіјѕ",
    "ABEKMHOPCTXYaeopcyxkijs",
))
_LAT_TO_CYR = {lat: cyr for cyr, lat in _CYR_TO_LAT.items()}
_WORD = re.compile(r"\w+")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f]")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f"


def _script_counts(text: str) -> tuple[int, int]:
    """Letters that are unambiguously Cyrillic and unambiguously Latin."""
    cyr = lat = 0
    for ch in text:
        if _is_cyrillic(ch):
            cyr += ch not in _CYR_TO_LAT
        elif _is_latin(ch):
            lat += ch not in _LAT_TO_CYR
    return cyr, lat


def fold_homoglyphs(text: str) -> str:
    """Rewrite look-alike letters inside a word into the script of the rest of the word.

    A word with letters of both scripts takes the script of its unambiguous letters; a word
    made only of look-alikes (``ООО``, ``ТОО``) takes the script dominant in the whole text.

    Examples
    --------
    >>> fold_homoglyphs("Рaдиоком") == "Радиоком"   # Latin 'a' inside a Cyrillic word
    True
    >>> fold_homoglyphs("RАDIOKOM")                 # Cyrillic 'А' inside a Latin word
    'RADIOKOM'
    """
    if text.isascii() or not _CYRILLIC_RE.search(text) or not _LATIN_RE.search(text):
        return text
    whole_cyr, whole_lat = _script_counts(text)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if not _CYRILLIC_RE.search(word) or not _LATIN_RE.search(word):
            return word
        cyr, lat = _script_counts(word)
        if cyr == lat:
            cyr, lat = whole_cyr, whole_lat
        if cyr > lat:
            return "".join(_LAT_TO_CYR.get(ch, ch) for ch in word)
        if lat > cyr:
            return "".join(_CYR_TO_LAT.get(ch, ch) for ch in word)
        return word

    return _WORD.sub(fix, text)


_PLAIN_QUOTES = str.maketrans({q: '"' for q in "«»“”„‟"})


@lru_cache(maxsize=1)
def _letter_table() -> dict[int, str]:
    # rigour's spellings (Шевченко -> Shevchenko) letter by letter, for Cyrillic and accented
    # Latin. rigour takes a fraction of a millisecond per new word, too slow for a million
    # trade rows; asked once per letter it takes milliseconds in all. Its only rules beyond
    # single letters (the -ий ending, all-caps digraphs) are ironed out by the key's folding.
    letters = [chr(c) for c in (*range(0x00C0, 0x0250), *range(0x0400, 0x0530))
               if chr(c).isalpha()]
    return {ord(ch): maybe_ascii(ch) for ch in letters}


@lru_cache(maxsize=CACHE_SIZE)
def _ascii_word(word: str) -> str:
    if word.isascii():
        return word
    out = word.translate(_letter_table())
    # other scripts (Han, Arabic, Georgian...) go through rigour and normality word by word,
    # so one foreign word does not switch the whole name to the fallback table
    return out if out.isascii() else ascii_text(word)


def transliterate(text: Any) -> str:
    """Latin (ASCII) spelling of a text in any script, homoglyphs folded first.

    Examples
    --------
    >>> transliterate("ООО «Технологии Центр»")
    'OOO "Tehnologii Tsentr"'
    >>> transliterate(None)
    ''
    """
    value = cell_text(text)
    if value is None:
        return ""
    value = fold_homoglyphs(unicodedata.normalize("NFC", value))
    value = value.translate(_PLAIN_QUOTES)
    return re.sub(r"\S+", lambda m: _ascii_word(m.group(0)), value)
