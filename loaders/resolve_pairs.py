"""The pairwise name decision: whether two company names of one country are one company.

Equal keys are; otherwise a typo is one slip of the pen in a long enough name, scored by
rapidfuzz, and never a change of number (Stroy-1 / Stroy-2), of word count, or of a word that
names the kind of enterprise (НПО / НПП).
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations, combinations_with_replacement
from operator import itemgetter
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from loaders.normalize.names import compact_key
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
    "CompactIndex",
    "GramIndex",
    "SegmentIndex",
    "NameBlocks",
    "compact_edits_allowed",
    "compact_match_ok",
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
#: The numbers of the texts under one block key of an index: a tuple or an array.
Posting = tuple[int, ...] | array


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
        merge = _compact_same(a_name, b_name, a_key, b_key, a_latin, b_latin)
    return merge, score


def _compact_same(a_name: Any, b_name: Any, a_key: str, b_key: str,
                  a_latin: str | None, b_latin: str | None) -> bool:
    """The resolver's compact match (:class:`CompactIndex`, :func:`compact_match_ok`) for one
    pair: a space moved, a slip in the legal form, the form written elsewhere."""
    a_forms = [compact_key(a_name), (a_latin or "").replace(" ", "")]
    b_forms = [compact_key(b_name), (b_latin or "").replace(" ", "")]
    for a_text in filter(None, a_forms):
        for b_text in filter(None, b_forms):
            allowed = compact_edits_allowed(min(len(a_text), len(b_text)))
            edits = OSA.distance(a_text, b_text, score_cutoff=allowed)
            if edits <= allowed and compact_match_ok(a_key, b_key, edits, a_text, b_text,
                                                     a_latin, b_latin):
                return True
    return False


def _one_slip(a: str, b: str) -> bool:
    """At most one slip of the pen apart, and not one that turns a word into another word: one
    letter is the whole of an enterprise kind (НПО and НПП Радиоприбор are two enterprises) or
    of a one-letter word (Radiotekhnika M and Radiotekhnika N are sister companies)."""
    if OSA.distance(a, b, score_cutoff=MAX_TYPO_EDITS) > MAX_TYPO_EDITS:
        return False
    if _short_word_substitution(a, b):
        return False
    a_markers, b_markers = _marker_words(a), _marker_words(b)
    # a marker word on one side only is a marker with a slip in it (Zavod / Zvod)
    return not (a_markers - b_markers and b_markers - a_markers)


def _short_word_substitution(a: str, b: str) -> bool:
    """One letter replaced by another in a word of under six letters: as often another word
    (Alfa / Alta, Mikro / Makro, Kaida / Kaidi) as a slip; a dropped, doubled or swapped
    letter there is still a slip (Rubn, Falon, aTu)."""
    if len(a) != len(b) or sorted(a) == sorted(b):
        return False
    diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diffs) != 1:
        return False
    start = a.rfind(" ", 0, diffs[0]) + 1
    end = a.find(" ", diffs[0])
    return (len(a) if end < 0 else end) - start < _MIN_SUBSTITUTED_WORD


def _marker_words(key: str) -> Counter[str]:
    return Counter(word for word in key.split() if len(word) == 1 or word in ENTERPRISE_KEYS)


#: Character n-grams of the compact names, the blocking keys of :class:`CompactIndex`.
GRAM = 3
#: Edits allowed between compact names (:func:`compact_edits_allowed`) of this many characters.
_ONE_EDIT_FROM, _TWO_EDITS_FROM = 7, 18
#: The shortest name key (letters and digits) a compact match may join across a slip in the
#: legal form, and the shortest in which it may join across a slip in the name itself.
_MIN_FORM_KEY, _MIN_SLIP_KEY = 4, 9
#: The most letters a slip in the legal form leaves in a name key (``corportion``).
_MAX_RESIDUE = 12
#: A letter replaced by another is a slip only in a word of at least this many letters.
_MIN_SUBSTITUTED_WORD = 6


def compact_edits_allowed(length: int) -> int:
    """Slips tolerated between two compact names (:func:`~loaders.normalize.names.compact_key`)
    the shorter of which has ``length`` characters: none under 7, one from 7, two from 18
    (a slip in the name and one in the legal form: ``Shinwa Componenc Corpration``).
    :func:`compact_match_ok` then asks more of a slip in the name itself."""
    return 2 if length >= _TWO_EDITS_FROM else 1 if length >= _ONE_EDIT_FROM else 0


def _grams(text: str) -> set[str]:
    return {text[i:i + GRAM] for i in range(max(1, len(text) - GRAM + 1))}


#: Postings up to this many numbers are tuples, longer ones arrays (:func:`_post`).
_TUPLE_POSTING = 8


def _post(postings: dict[str, Posting], key: str, number: int) -> None:
    """Add ``number`` to the posting of ``key``.

    Most postings hold one or two numbers (a segment or trigram of one name): those are
    tuples of ints, which the garbage collector stops tracking once it has seen them. Longer
    ones become arrays of machine integers rather than lists of int objects: a search reads
    hundreds of numbers, and int objects scattered over a large heap each cost a cache miss.
    Arrays are tracked like lists, and with one per segment of every name the collector's
    passes over them took a seventh of the resolver's time at 100k names."""
    posting = postings.get(key)
    if posting is None:
        postings[key] = (number,)
    elif type(posting) is tuple:
        postings[key] = posting + (number,) if len(posting) < _TUPLE_POSTING else \
            array("l", (*posting, number))
    else:
        posting.append(number)


#: Trigrams of a query whose postings are read, the rarest first, for near names to review;
#: a trigram held by more than MAX_POSTING texts is no block (it is in every other name).
SEARCH_GRAMS, MAX_POSTING = 6, 250


class GramIndex:
    """Texts under their character trigrams: the blocks the near names to review come from.

    :meth:`near` reads only the postings of a query's rarest trigrams, none longer than
    ``MAX_POSTING``, so its cost is bounded as the index grows, where a scan of all texts
    grows with them. It finds most near names, not all: the names to merge come from
    :class:`SegmentIndex`, which misses none.

    Examples
    --------
    >>> index = GramIndex()
    >>> for name in ("radiokom", "radiotehnika", "elektronika"):
    ...     index.add(name, name.upper())
    >>> index.best("radikom", cutoff=75, limit=3)
    ['RADIOKOM']
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.values: list[Any] = []
        self._postings: dict[str, Posting] = {}

    def add(self, text: str, value: Any) -> None:
        """Index ``text``, standing for ``value``."""
        number = len(self.texts)
        self.texts.append(text)
        self.values.append(value)
        postings = self._postings
        for gram in _grams(text):
            # a posting past MAX_POSTING is no block and is never read: it stops growing
            if len(postings.get(gram, ())) <= MAX_POSTING:
                _post(postings, gram, number)

    def __len__(self) -> int:
        return len(self.texts)

    def near(self, text: str, grams: int = SEARCH_GRAMS) -> list[int]:
        """Numbers of the texts sharing one of the ``grams`` rarest trigrams of ``text``, in
        no particular order (sorting them took as long as finding them)."""
        postings = self._postings
        ranked = sorted(_grams(text), key=lambda g: len(postings.get(g, ())))
        lists = []
        for gram in ranked[:grams]:
            posting = postings.get(gram, ())
            if len(posting) > MAX_POSTING:
                break
            lists.append(posting)
        return list(set().union(*lists))

    def best(self, text: str, cutoff: float, limit: int) -> list[Any]:
        """Values of the ``limit`` texts near ``text`` with the highest rapidfuzz ratio, at
        least ``cutoff`` (0..100)."""
        numbers = self.near(text)
        if not numbers:
            return []
        # itemgetter fetches the texts in C; one number gives the text, not a tuple
        texts = itemgetter(*numbers)(self.texts) if len(numbers) > 1 else \
            (self.texts[numbers[0]],)
        hits = process.extract(text, texts, scorer=fuzz.ratio, score_cutoff=cutoff,
                               limit=None)
        # ties go to the lower number, as they would in a call with ``limit`` on the texts in
        # number order: the same names in every run
        hits = heapq.nsmallest(limit, hits, key=lambda hit: (-hit[1], numbers[hit[2]]))
        return [self.values[numbers[index]] for _, _, index in hits]


#: Texts from which a search computes their distances in one rapidfuzz call.
_BATCH_FROM = 16


@lru_cache(maxsize=8)
def _edit_placements(parts: int, edits: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Every way of placing up to ``edits`` edits in ``parts`` segments: (segment, shift)
    per edit, the shift being what the edit adds to the length (insertion +1, substitution
    0, deletion -1)."""
    kinds = [(part, shift) for part in range(parts) for shift in (-1, 0, 1)]
    return tuple(placed for count in range(edits + 1)
                 for placed in combinations_with_replacement(kinds, count))


class SegmentIndex:
    """Texts cut in segments by position, for finding every text within one or two edits of
    a query: the segment filter of Pass-Join (Li, Deng, Wang and Feng, VLDB 2011), with two
    segments looked up together. Only the texts a search finds through their segments are
    compared letter by letter, so its cost does not grow with the number of texts, as a scan
    of them all does.

    An index searched within ``max_edits`` edits cuts its texts in ``max_edits + 2``
    segments and keeps them under every pair of segments, joined: within the edits at least
    two segments are whole. A search looks up, for each way the edits can fall, the first two
    whole segments where they then stand in the query (moved by the insertions less the
    deletions before each): 9 look-ups within one edit, 46 within two, over the text lengths
    within the edits of the query's. A pair of segments is rarer than one: where one segment
    is common to many texts (a first word, a legal form) its pairs still tell them apart.

    Every text within the edits by Levenshtein distance (insertions, deletions,
    substitutions) is found. Distances are optimal string alignment, where two letters
    swapped are one edit: a swap alone is always found (one that straddles a cut changes two
    segments, so the query is also looked up with the letters at each cut swapped back);
    a swap that straddles a cut and another edit elsewhere may be missed.

    Examples
    --------
    >>> index = SegmentIndex()
    >>> for name in ("shinwasystemscoltd", "shinwacomponentscoltd", "nipponsystemscoltd"):
    ...     index.add(name, name[:6])
    >>> index.search("shinwasystemcoltd", 1)
    [('shinwasystemscoltd', 'shinwa', 1)]
    >>> index.search("shinwasystemscoltd", 2)[0][2]
    0
    """

    def __init__(self, max_edits: int = 2) -> None:
        if max_edits not in (0, 1, 2):
            raise ValueError(f"a SegmentIndex finds texts within 0 to 2 edits, not {max_edits}")
        self.max_edits = max_edits
        self._parts = max(max_edits, 1) + 2
        self._pairs = tuple(combinations(range(self._parts), 2))
        self.texts: list[str] = []
        self.values: list[Any] = []
        # per text length, one posting per pair of segments: texts by the two joined (within
        # one length both have fixed lengths). Keyed by the strings alone, not by tuples: no
        # tuple made per look-up, and none kept per entry. Numbers as in GramIndex
        # (:func:`_post`).
        self._by_length: dict[int, list[dict[str, Posting]]] = {}

    @staticmethod
    @lru_cache(maxsize=1024)
    def _bounds(length: int, parts: int) -> tuple[tuple[int, int], ...]:
        cuts = [length * i // parts for i in range(parts + 1)]
        return tuple((cuts[i], cuts[i + 1]) for i in range(parts))

    def add(self, text: str, value: Any) -> None:
        """Index ``text``, standing for ``value``."""
        number = len(self.texts)
        self.texts.append(text)
        self.values.append(value)
        length = len(text)
        postings = self._by_length.get(length)
        if postings is None:
            postings = self._by_length[length] = [{} for _ in self._pairs]
        segments = [text[start:end] for start, end in self._bounds(length, self._parts)]
        for posting, (first, second) in zip(postings, self._pairs):
            _post(posting, segments[first] + segments[second], number)

    @staticmethod
    @lru_cache(maxsize=4096)
    def _plan(size: int, edits: int, parts: int
              ) -> tuple[tuple[int, tuple[tuple[int, int, int, int, int], ...]], ...]:
        """The look-ups of a search within ``edits`` for a text of ``size`` characters in an
        index of texts cut in ``parts`` segments, per length of the texts to look at:
        (pair, start, end, start, end), the posting of a pair of segments and the query's two
        slices to join (one slice and an empty one when the two meet)."""
        pair_number = {pair: n for n, pair in enumerate(combinations(range(parts), 2))}
        plan = []
        for length in range(max(1, size - edits), size + edits + 1):
            delta = size - length
            bounds = SegmentIndex._bounds(length, parts)
            looks: dict[tuple[int, int, int, int, int], None] = {}
            for placed in _edit_placements(parts, edits):
                if sum(shift for _, shift in placed) != delta:
                    continue
                damaged = {part for part, _ in placed}
                whole = [part for part in range(parts) if part not in damaged][:2]
                if len(whole) < 2:
                    continue
                # a whole segment stands moved by the shifts of the edits before it
                (a0, a1), (b0, b1) = [
                    (bounds[part][0] + moved, bounds[part][1] + moved)
                    for part in whole
                    for moved in (sum(shift for at, shift in placed if at < part),)]
                if a0 < 0 or b1 > size:
                    continue
                looks[(pair_number[tuple(whole)], a0, b1, 0, 0) if a1 == b0 else
                      (pair_number[tuple(whole)], a0, a1, b0, b1)] = None
            plan.append((length, tuple(looks)))
        return tuple(plan)

    @staticmethod
    @lru_cache(maxsize=1024)
    def _swaps(size: int, parts: int) -> tuple[tuple[int, int], ...]:
        """(cut, end) per cut between two segments of a text of ``size`` characters that
        has a letter on each side, ``end`` the end of the first two segments."""
        bounds = SegmentIndex._bounds(size, parts)
        end = bounds[1][1]
        return tuple((start, end) for start, _ in bounds[1:] if 0 < start < size)

    def search(self, text: str, edits: int) -> list[tuple[str, Any, int]]:
        """(text, value, edits) of the indexed texts within ``edits`` (at most ``max_edits``)
        of ``text`` (optimal string alignment: a transposition is one edit)."""
        edits = min(edits, self.max_edits)
        lists: list[Any] = []
        for length, looks in self._plan(len(text), edits, self._parts):
            postings = self._by_length.get(length)
            if postings is not None:
                lists += [postings[pair].get(text[start:end] + text[start2:end2], ())
                          for pair, start, end, start2, end2 in looks]
        postings = self._by_length.get(len(text)) if edits else None
        if postings is not None:
            # two letters swapped across a cut change two segments: the query with them
            # swapped back is the text, first two segments included
            lists += [postings[0].get((text[:cut - 1] + text[cut] + text[cut - 1]
                                       + text[cut + 1:])[:end], ())
                      for cut, end in self._swaps(len(text), self._parts)]
        numbers = list(set().union(*lists))
        if len(numbers) < _BATCH_FROM:
            hits = [(OSA.distance(text, self.texts[n], score_cutoff=edits), n) for n in numbers]
        else:
            # the distances in one call to rapidfuzz: the same integers, without a Python
            # round trip per text
            rows = process.extract(text, itemgetter(*numbers)(self.texts),
                                   scorer=OSA.distance, score_cutoff=edits, limit=None)
            hits = [(distance, numbers[index]) for _, distance, index in rows]
        # in the order the texts were added, only the hits sorted
        return [(self.texts[n], self.values[n], distance)
                for distance, n in sorted(hits, key=lambda hit: hit[1]) if distance <= edits]


class CompactIndex:
    """Compact names, searched within the edits their length allows
    (:func:`compact_edits_allowed`), never by scanning a country.

    Spellings within one edit come from a :class:`SegmentIndex` of the compact names. Two
    edits are allowed in long names only, and :func:`compact_match_ok` then asks that the
    name keys, spaces closed, be equal or one edit apart (a slip in the name, the other in
    its legal form): those spellings are found through a :class:`SegmentIndex` of the
    joined name keys, within one edit, and only they are compared with the query letter by
    letter (9 look-ups where the compact names within two edits take 46).

    Examples
    --------
    >>> index = CompactIndex()
    >>> index.add("shinwasystemscoltd", "a", "shinva sistems", "shinvasistems")
    >>> index.add("shinwacomponentscoltd", "b", "shinva komponents", "shinvakomponents")
    >>> index.search("shinwasystemcoltd", "shinvasistem")
    {'a': (1, [('shinwasystemscoltd', 'shinva sistems')])}
    >>> index.search("shinwasistemscoltdd", "shinvasistems")
    {'a': (2, [('shinwasystemscoltd', 'shinva sistems')])}
    >>> index.search("nipponsystemscoltd", "nipponsistems")
    {}
    """

    def __init__(self) -> None:
        self._index = SegmentIndex(max_edits=1)
        self._by_joined = SegmentIndex(max_edits=1)
        # per (owner, key), its compact spellings: tuples, which the collector leaves alone
        self._spellings: dict[tuple[str, Any], tuple[str, ...]] = {}

    def add(self, text: str, owner: str, key: Any, joined: str) -> None:
        """Index ``text`` (a compact name) as a spelling of ``owner`` with name key ``key``
        (opaque here, given back by :meth:`search`) whose letters and digits are
        ``joined``."""
        known = self._spellings.get((owner, key))
        if known is None:
            self._by_joined.add(joined, (owner, key))
            known = ()
        if text not in known:
            self._spellings[(owner, key)] = known + (text,)
            self._index.add(text, (owner, key))

    def search(self, text: str, joined: str) -> dict[str, tuple[int, list[tuple[str, Any]]]]:
        """Owners with a spelling within the allowed edits of ``text``, a compact name whose
        name key has the letters and digits ``joined``: their fewest edits and the
        (spelling, key) pairs that near. Spellings two edits away are those whose keys are
        within one of ``joined``."""
        k = compact_edits_allowed(len(text))
        near = [(other, owner, key, edits)
                for other, (owner, key), edits in self._index.search(text, min(k, 1))]
        if k == 2:
            for _, (owner, key), _ in self._by_joined.search(joined, 1):
                near += [(other, owner, key, 2) for other in self._spellings[(owner, key)]
                         if compact_edits_allowed(len(other)) == 2
                         and OSA.distance(text, other, score_cutoff=2) == 2]
        found: dict[str, tuple[int, list[tuple[str, Any]]]] = {}
        for other, owner, key, edits in near:
            if edits > compact_edits_allowed(len(other)):
                continue
            best, spellings = found.get(owner, (edits, []))
            if edits < best:
                best, spellings = edits, []
            if edits == best:
                spellings.append((other, key))
            found[owner] = (best, spellings)
        return found


class NameBlocks:
    """The fuzzy search space of one country: the name keys and their Latin spellings in
    :class:`SegmentIndex` blocks (every key within one slip, the merges), the token-sorted
    keys in :class:`GramIndex` blocks (near names to review), the compact names in a
    :class:`CompactIndex`.

    Examples
    --------
    >>> blocks = NameBlocks()
    >>> blocks.add("radiokom", "radiokom", "co-1", ["ooradiokom", "radiokom"])
    >>> blocks.fuzzy_keys("radikom", "radikom", candidate_cutoff=75, merge_cutoff=88)
    ['radiokom']
    """

    def __init__(self) -> None:
        self._sorted = GramIndex()
        self._by_key = SegmentIndex(max_edits=MAX_TYPO_EDITS)
        self._latin = SegmentIndex(max_edits=MAX_TYPO_EDITS)
        self.compact = CompactIndex()
        self._keys: set[str] = set()
        self._spellings: set[tuple[str, str]] = set()

    def add(self, key: str, latin: str | None, owner: str, compacts: Iterable[str]) -> None:
        """Index a name (an anchor: not itself a fuzzy merge) of ``owner``."""
        if key not in self._keys:
            self._keys.add(key)
            # token_sort_ratio(a, b) is ratio(sorted a, sorted b): kept sorted once here
            self._sorted.add(" ".join(sorted(key.split())), key)
            self._by_key.add(key, key)
        if latin and (key, latin) not in self._spellings:
            self._spellings.add((key, latin))
            self._latin.add(latin, key)
        for text in compacts:
            self.compact.add(text, owner, (key, latin), key.replace(" ", ""))

    def fuzzy_keys(self, key: str, latin: str | None, candidate_cutoff: float,
                   merge_cutoff: float, limit: int = 5) -> list[str]:
        """Keys one slip (MAX_TYPO_EDITS) from ``key``, or whose Latin spellings are one slip
        from ``latin`` (a slip that folding turns into two, Tsentr / Tsntr: centr / kntr): all
        the keys a fuzzy merge may join. Then keys near ``key`` to review (token-sort ratio
        from ``candidate_cutoff``, 0..100, the ``limit`` best of the blocks searched).
        ``merge_cutoff`` is kept for the callers; :func:`compare_keys` applies it."""
        found = [value for _, value, _ in self._by_key.search(key, MAX_TYPO_EDITS)]
        if latin:
            found += [value for _, value, _ in self._latin.search(latin, MAX_TYPO_EDITS)]
        found += self._sorted.best(" ".join(sorted(key.split())), candidate_cutoff, limit)
        return list(dict.fromkeys(found))


def compact_match_ok(a_key: str, b_key: str, edits: int = 1,
                     a_compact: str | None = None, b_compact: str | None = None,
                     a_latin: str | None = None, b_latin: str | None = None) -> bool:
    """Whether two names a compact match found ``edits`` apart may join, judged on their name
    keys, compact names (:func:`~loaders.normalize.names.compact_key`) and Latin keys
    (:func:`~loaders.normalize.names.latin_key`, the name key before folding; the residue of
    a slip in a legal form is counted on these, where no folding moves letters).

    Compact names that are equal differ in spaces and punctuation only: one company. Else the
    names need the same numbers (Stroy-1 / Stroy-2) and enterprise-kind words (НПО / НПП),
    and either

    - one key is the other plus letters the other name's legal form holds: the residue of a
      slip in the form (``invest fkzo`` / ``Invest FZCO``, ``falkon elektroniks o`` /
      ``Falcon Electronics Sp. z o.o.``), never a letter of its own (``Radiotekhnika M LLC``
      / ``Radiotekhnika LLC`` are sister companies); or
    - one slip in the name itself, in a key long enough for one slip to be a typo rather
      than another word (as for fuzzy merges: Radiokom / Radiokon stay apart), never of a
      one-letter word at its end; two slips in the name are two names (JiaKang / JiaGuang).

    Examples
    --------
    >>> compact_match_ok("suzhou jiakang tehnologi", "suzhou jiaguang tehnologi", 2)
    False
    >>> compact_match_ok("invest fkzo", "invest", 1, "investfczo", "investfzco",
    ...                  "invest fczo", "invest")
    True
    >>> compact_match_ok("radiotehnika m", "radiotehnika", 1, "radiotekhnikamllc",
    ...                  "radiotekhnikallc")
    False
    >>> compact_match_ok("radiokom", "radiokon")
    False
    """
    a_joined, b_joined = a_key.replace(" ", ""), b_key.replace(" ", "")
    short_len = min(len(a_joined), len(b_joined))
    if a_compact is not None and a_compact == b_compact:
        return short_len >= _MIN_FORM_KEY
    if short_len < _MIN_FORM_KEY:
        return False
    if _NUMBERS.findall(a_joined) != _NUMBERS.findall(b_joined):
        return False
    if {w for w in a_key.split() if w in ENTERPRISE_KEYS} != \
            {w for w in b_key.split() if w in ENTERPRISE_KEYS}:
        return False
    if a_joined == b_joined:
        return True
    if edits <= 1 and _form_residue(a_latin, b_latin, a_compact, b_compact):
        return True
    # two letters swapped keep every letter, so a shorter name may hold them (Azia aTu)
    swapped = short_len >= _MIN_FORM_KEY + 2 and sorted(a_joined) == sorted(b_joined)
    if (short_len < _MIN_SLIP_KEY and not swapped) or \
            OSA.distance(a_joined, b_joined, score_cutoff=1) > 1 or \
            _short_word_substitution(a_key, b_key):
        return False
    a_letters = [w for w in a_key.split() if len(w) == 1]
    b_letters = [w for w in b_key.split() if len(w) == 1]
    return a_letters == b_letters and len(a_key.split()) == len(b_key.split())


def _form_residue(a_latin: str | None, b_latin: str | None,
                  a_compact: str | None, b_compact: str | None) -> bool:
    """One Latin key is the other plus at most ``_MAX_RESIDUE`` letters, all of which the
    other name's legal form holds."""
    if not (a_latin and b_latin and a_compact and b_compact):
        return False
    a_joined, b_joined = a_latin.replace(" ", ""), b_latin.replace(" ", "")
    (short, short_compact), (long, _) = sorted(
        ((a_joined, a_compact), (b_joined, b_compact)), key=lambda pair: len(pair[0]))
    if long.startswith(short):
        residue = long[len(short):]
    elif long.endswith(short):
        residue = long[:-len(short)]
    else:
        return False
    form_letters = Counter(short_compact) - Counter(short)
    return 0 < len(residue) <= _MAX_RESIDUE and Counter(residue) <= form_letters
