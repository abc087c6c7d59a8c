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
        # numbers in arrays of machine integers rather than lists of int objects: a search
        # reads hundreds of them, and int objects scattered over a large heap each cost a
        # cache miss (a tenth of the resolver's time at 100k names)
        self._postings: dict[str, array[int]] = {}

    def add(self, text: str, value: Any) -> None:
        """Index ``text``, standing for ``value``."""
        number = len(self.texts)
        self.texts.append(text)
        self.values.append(value)
        postings = self._postings
        for gram in _grams(text):
            posting = postings.get(gram)
            if posting is None:
                postings[gram] = array("l", (number,))
            else:
                posting.append(number)

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


#: The pairs of segments a :class:`SegmentIndex` keeps together, and the number of texts
#: from which a search computes their distances in one rapidfuzz call.
_SEGMENT_PAIRS, _BATCH_FROM = ((0, 1), (0, 2), (1, 2)), 16


class SegmentIndex:
    """Texts cut in three segments by position, for finding every text within two edits of a
    query (the segment filter of Pass-Join, Li et al. 2011): two edits leave one of the three
    segments whole, shifted by at most two places. A query looks up its substrings at those
    places among texts of lengths within two of its own, 75 dictionary look-ups at most,
    whatever the number of texts; only the texts found are compared letter by letter. One edit
    leaves two segments whole: those searches look up the pairs of segments kept together
    (27 look-ups at most), whose lists stay short where single segments are common.

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

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.values: list[Any] = []
        # per text length, six postings: texts by each of their three segments, then by each
        # pair of segments together (_SEGMENT_PAIRS, the two joined: within one length both
        # have fixed lengths). A search within one edit reads the short lists of pairs
        # instead of intersecting the long ones of single segments (a common first word
        # fills those). Keyed by the strings alone, not by tuples: no tuple made per look-up,
        # and none kept per entry. Numbers in arrays, as in GramIndex.
        self._by_length: dict[int, list[dict[str, array[int]]]] = {}

    @staticmethod
    @lru_cache(maxsize=1024)
    def _bounds(length: int) -> tuple[tuple[int, int], ...]:
        cuts = [0, length // 3, 2 * length // 3, length]
        return tuple((cuts[i], cuts[i + 1]) for i in range(3))

    def add(self, text: str, value: Any) -> None:
        """Index ``text``, standing for ``value``."""
        number = len(self.texts)
        self.texts.append(text)
        self.values.append(value)
        length = len(text)
        postings = self._by_length.get(length)
        if postings is None:
            postings = self._by_length[length] = [{} for _ in range(3 + len(_SEGMENT_PAIRS))]
        segments = [text[start:end] for start, end in self._bounds(length)]
        keys = segments + [segments[first] + segments[second]
                           for first, second in _SEGMENT_PAIRS]
        for posting, key in zip(postings, keys):
            numbers = posting.get(key)
            if numbers is None:
                posting[key] = array("l", (number,))
            else:
                numbers.append(number)

    @staticmethod
    @lru_cache(maxsize=4096)
    def _plan(size: int, edits: int) -> tuple[tuple[int, tuple[tuple[int, ...], ...]], ...]:
        """The look-ups of a search within ``edits`` for a text of ``size`` characters, per
        length of the texts to look at: (part, start, end) of one segment, or within one edit
        (3 + pair, start, end, start, end) of two, the postings of texts of that length and
        the query's slices to match, joined."""
        plan: list[tuple[int, tuple[tuple[int, ...], ...]]] = []
        for length in range(max(1, size - edits), size + edits + 1):
            delta = size - length
            # edits before a segment move it by |shift|, those after make up the rest of the
            # length difference: |shift| + |delta - shift| edits at least
            shifts = [d for d in range(-edits, edits + 1) if abs(d) + abs(delta - d) <= edits]
            places = [[(start + d, end + d) for d in shifts if start + d >= 0 and end + d <= size]
                      for start, end in SegmentIndex._bounds(length)]
            if edits == 2:
                plan.append((length, tuple((part, *place) for part, pieces in enumerate(places)
                                           for place in pieces)))
                continue
            # one edit leaves two of the three segments whole; two that meet in the query are
            # one slice of it (the second slice empty)
            plan.append((length, tuple(
                (3 + pair, a[0], b[1], 0, 0) if a[1] == b[0] else (3 + pair, *a, *b)
                for pair, (first, second) in enumerate(_SEGMENT_PAIRS)
                for a in places[first] for b in places[second])))
        return tuple(plan)

    def search(self, text: str, edits: int) -> list[tuple[str, Any, int]]:
        """(text, value, edits) of the indexed texts within ``edits`` (at most 2) of ``text``
        (optimal string alignment: a transposition is one edit)."""
        edits = min(edits, 2)
        lists: list[Any] = []
        for length, looks in self._plan(len(text), edits):
            postings = self._by_length.get(length)
            if postings is None:
                continue
            if edits == 2:
                lists += [postings[part].get(text[start:end], ())
                          for part, start, end in looks]
            else:
                lists += [postings[pair].get(text[start:end] + text[start2:end2], ())
                          for pair, start, end, start2, end2 in looks]
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
    """Compact names in a :class:`SegmentIndex`, searched within the edits their length
    allows (:func:`compact_edits_allowed`), never by scanning a country.

    Examples
    --------
    >>> index = CompactIndex()
    >>> index.add("shinwasystemscoltd", "a", "shinva sistems")
    >>> index.add("shinwacomponentscoltd", "b", "shinva komponents")
    >>> index.search("shinwasystemcoltd")
    {'a': (1, [('shinwasystemscoltd', 'shinva sistems')])}
    >>> index.search("nipponsystemscoltd")
    {}
    """

    def __init__(self) -> None:
        self._index = SegmentIndex()
        self._seen: set[tuple[str, str]] = set()

    def add(self, text: str, owner: str, key: Any) -> None:
        """Index ``text`` (a compact name) as a spelling of ``owner`` with name key ``key``."""
        if (text, owner) not in self._seen:
            self._seen.add((text, owner))
            self._index.add(text, (owner, key))

    def search(self, text: str) -> dict[str, tuple[int, list[tuple[str, Any]]]]:
        """Owners with a spelling within the allowed edits of ``text``: their fewest edits and
        the (spelling, key) pairs that near."""
        k = compact_edits_allowed(len(text))
        found: dict[str, tuple[int, list[tuple[str, Any]]]] = {}
        for other, (owner, key), edits in self._index.search(text, k):
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
        self._by_key = SegmentIndex()
        self._latin = SegmentIndex()
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
            self.compact.add(text, owner, (key, latin))

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
