"""The pairwise name decision: whether two company names of one country are one company.

Equal keys are; otherwise a typo is one slip of the pen in a long enough name, scored by
rapidfuzz, and never a change of number (Stroy-1 / Stroy-2), of word count, or of a word that
names the kind of enterprise (НПО / НПП).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from loaders.normalize import (
    ENTERPRISE_KEYS,
    latin_key,
    name_key,
    normalize_country,
    split_place,
)

__all__ = [
    "MERGE_THRESHOLD",
    "CANDIDATE_THRESHOLD",
    "MIN_FUZZY_MERGE_LENGTH",
    "MAX_TYPO_EDITS",
    "compare_keys",
    "same_company",
]

#: Names whose keys score at or above this (0..1, rapidfuzz token-sort ratio) are merged. One
#: substitution in a 9-letter name scores 0.889; in an 8-letter name 0.875, which stays a
#: candidate: in short names one letter is as often another company as a typo.
MERGE_THRESHOLD = 0.88
#: Pairs scoring from here up to the merge threshold become SAME_AS_CANDIDATE pairs.
CANDIDATE_THRESHOLD = 0.75
#: Fuzzy merges need a key of at least this many letters and digits; shorter ones only
#: become candidates, whatever the score.
MIN_FUZZY_MERGE_LENGTH = 6
#: Fuzzy merges allow this many edits (optimal string alignment: a transposition is one).
MAX_TYPO_EDITS = 1
_NUMBERS = re.compile(r"\d+")


def compare_keys(
    a: str,
    b: str,
    merge_threshold: float,
    a_latin: Iterable[str] = (),
    b_latin: Iterable[str] = (),
) -> tuple[bool, float]:
    """Merge decision and score (0..1) for two name keys of the same country.

    ``a_latin`` / ``b_latin`` are the :func:`latin_key` spellings behind each key, where a
    typo is counted when the folded keys differ by more than one edit.
    """
    if a == b:
        return True, 1.0
    a_joined, b_joined = a.replace(" ", ""), b.replace(" ", "")
    if a_joined == b_joined:  # "Alfa-Trade" / "AlfaTrade"
        return True, 1.0
    score = round(fuzz.token_sort_ratio(a, b) / 100.0, 3)
    if _NUMBERS.findall(a) != _NUMBERS.findall(b):
        # Stroy-1 and Stroy-2 are sister companies, never typos of each other
        return False, score
    if len(a.split()) != len(b.split()):
        # an extra word (Elektronika / Elektronika Servis) names another company more often
        # than it is noise
        return False, score
    if min(len(a_joined), len(b_joined)) < MIN_FUZZY_MERGE_LENGTH:
        return False, score
    # a typo is one slip (a letter wrong, missing, extra, or two swapped); two slips are as
    # often another word (Radiotekhnika / Radiomekhanika)
    if score >= merge_threshold and _one_slip(a, b):
        return True, score
    # Folding can hide a slip or double it: a slip inside a loanword stops the word from being
    # recognised (Servis -> service, Sevris stays), so the folded keys are far apart while the
    # spellings are one slip apart. The unfolded spellings are then scored too.
    b_latin = tuple(b_latin)
    best = 0.0
    for x in a_latin:
        for y in b_latin:
            if _one_slip(x, y):
                best = max(best, fuzz.ratio(x, y) / 100.0)
    if best >= merge_threshold:
        return True, max(score, round(best, 3))
    return False, score


def same_company(
    a_name: Any,
    a_country: Any,
    b_name: Any,
    b_country: Any,
    merge_threshold: float = MERGE_THRESHOLD,
) -> tuple[bool, float]:
    """The resolver's name decision for two companies: (merge or not, score 0..1).

    Companies in different countries never merge; the score still says how alike the names are.
    A name that is the other with the place it opens with removed is the same company (score
    1.0); the resolver asks, besides, that no other company holds that name.

    Examples
    --------
    >>> same_company("ООО «Радиоком»", "RU", "RADIOKOM LLC", "Russia")
    (True, 1.0)
    >>> same_company("Stroy-1", "RU", "Stroy-2", "RU")[0]
    False
    >>> same_company("Ningbo Tianyu Co., Ltd.", "CN", "TIANYU CO LTD", "China")
    (True, 1.0)
    """
    a_key, b_key = name_key(a_name), name_key(b_name)
    if a_key is None or b_key is None:
        return False, 0.0
    a_latin, b_latin = latin_key(a_name), latin_key(b_name)
    merge, score = compare_keys(a_key, b_key, merge_threshold,
                                (a_latin,) if a_latin else (), (b_latin,) if b_latin else ())
    a_code, b_code = normalize_country(a_country), normalize_country(b_country)
    if a_code is None or a_code != b_code:
        return False, score
    if not merge:
        a_split, b_split = split_place(a_name, a_code), split_place(b_name, b_code)
        if (a_split and b_split is None and a_split[1] == b_key) or \
                (b_split and a_split is None and b_split[1] == a_key):
            return True, 1.0
    return merge, score


def _one_slip(a: str, b: str) -> bool:
    """At most one slip of the pen apart, and not one that turns a word into another word: one
    letter is the whole of an enterprise kind (НПО and НПП Радиоприбор are two enterprises) or
    of a one-letter word (Radiotekhnika M and Radiotekhnika N are sister companies)."""
    if OSA.distance(a, b, score_cutoff=MAX_TYPO_EDITS) > MAX_TYPO_EDITS:
        return False
    a_markers, b_markers = _marker_words(a), _marker_words(b)
    # a marker word on one side only is a marker with a slip in it (Zavod / Zvod)
    return not (a_markers - b_markers and b_markers - a_markers)


def _marker_words(key: str) -> Counter[str]:
    return Counter(word for word in key.split() if len(word) == 1 or word in ENTERPRISE_KEYS)
