"""The resolver's blocking indexes (loaders.resolve_pairs) against brute force: what a search
finds, compared with the query against every indexed text, and in which order."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from loaders.resolve_pairs import CompactIndex, GramIndex, SegmentIndex, compact_edits_allowed


def _texts(seed: int, count: int, alphabet: str = "abc", longest: int = 12) -> list[str]:
    # a small alphabet and short texts: many texts within two edits of each other, many ties
    rng = random.Random(seed)
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest)))
        for _ in range(count)
    ]


def _edited(text: str, rng: random.Random, count: int, alphabet: str) -> str:
    letters = list(text)
    for _ in range(count):
        at = rng.randrange(len(letters) + 1)
        kind = rng.choice("isdt")
        if kind == "i":
            letters.insert(at, rng.choice(alphabet))
        elif at < len(letters) and kind == "s":
            letters[at] = rng.choice(alphabet)
        elif at < len(letters) and kind == "d" and len(letters) > 1:
            del letters[at]
        elif at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
    return "".join(letters)


def _near(texts: list[str], seed: int, count: int, alphabet: str) -> list[str]:
    """Queries a few random edits away from indexed texts, so that long texts have near
    ones too."""
    rng = random.Random(seed)
    return [_edited(rng.choice(texts), rng, rng.randint(0, 3), alphabet) for _ in range(count)]


@pytest.mark.parametrize("max_edits,edits", [(2, 0), (2, 1), (2, 2), (1, 0), (1, 1)])
@pytest.mark.parametrize("seed,alphabet,longest", [(1, "abc", 12), (2, "abc", 12),
                                                   (5, "abcdef", 30)])
def test_segment_search_finds_the_texts_within_the_edits_in_order(max_edits, edits, seed,
                                                                  alphabet, longest):
    # every text within the edits by insertions, deletions and substitutions, and every text
    # one swap away; a swap of two letters counts as one edit, but with another edit the
    # segment filter finds it only when both letters are in one segment
    texts = _texts(seed, 400, alphabet, longest)
    index = SegmentIndex(max_edits=max_edits)
    for number, text in enumerate(texts):
        index.add(text, number)
    swaps = 0
    queries = _texts(seed + 100, 150, alphabet, longest) + _near(texts, seed, 150, alphabet)
    for query in queries:
        found = index.search(query, edits)
        assert [n for _, n, _ in found] == sorted(n for _, n, _ in found)
        assert all(d == OSA.distance(query, texts[n]) <= edits for _, n, d in found)
        numbers = {n for _, n, _ in found}
        assert {n for n, text in enumerate(texts)
                if Levenshtein.distance(query, text) <= edits} <= numbers, query
        # and a swap alone, wherever it is
        assert {n for n, text in enumerate(texts)
                if OSA.distance(query, text) <= min(edits, 1)} <= numbers, query
        swaps += sum(1 for n in numbers if Levenshtein.distance(query, texts[n]) > edits)
    assert edits == 0 or swaps > 0


@pytest.mark.parametrize("seed", [3, 4])
def test_gram_best_breaks_ties_by_the_order_texts_were_added(seed):
    # the reference: rapidfuzz's extract with a limit over the near texts in number order,
    # which ranks equal scores by position
    texts = _texts(seed, 300, alphabet="abcd")
    index = GramIndex()
    for number, text in enumerate(texts):
        index.add(text, number)
    ties = 0
    for query in _texts(seed + 100, 200, alphabet="abcd"):
        numbers = sorted(index.near(query))
        hits = process.extract(query, [texts[n] for n in numbers], scorer=fuzz.ratio,
                               score_cutoff=50, limit=3)
        assert index.best(query, cutoff=50, limit=3) == [numbers[i] for _, _, i in hits]
        scores = [fuzz.ratio(query, texts[n]) for n in numbers]
        ties += len(scores) > len(set(scores))
    assert ties > 50  # the tie-breaking was exercised


@pytest.mark.parametrize("seed", [6, 7])
def test_compact_search_equals_a_scan_of_every_spelling(seed):
    # the reference: every spelling within the edits both lengths allow, those two edits away
    # only when the joined keys are at most one apart (what compact_match_ok accepts), the
    # fewest edits per owner; slips of every kind, swaps too
    rng = random.Random(seed)
    words = ["radio", "kom", "tehno", "servis", "shinwa", "sistem", "alfa", "prom", "kvant"]
    forms = ["coltd", "llc", "ooo", "generaltradingllc", "gmbh", ""]
    alphabet = "aeiouklmnrst"
    index, spellings, keys = CompactIndex(), [], []
    for number in range(600):
        joined = "".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        if number % 3 and keys:  # a slip of an earlier key: near neighbours
            joined = _edited(rng.choice(keys), rng, rng.randint(1, 2), alphabet)
        keys.append(joined)
        text = joined + rng.choice(forms)
        owner = f"o{rng.randrange(400)}"
        index.add(text, owner, joined, joined)
        spellings.append((text, owner, joined))
    for _ in range(400):
        text_, _, joined_ = rng.choice(spellings)
        joined = _edited(joined_, rng, rng.randint(0, 1), alphabet)
        text = joined + text_[len(joined_):]
        text = _edited(text, rng, rng.randint(0, 1), alphabet)
        expected: dict = {}
        allowed = compact_edits_allowed(len(text))
        for other, owner, key in dict.fromkeys(spellings):
            edits = OSA.distance(text, other)
            if edits > min(allowed, compact_edits_allowed(len(other))) or \
                    (edits == 2 and OSA.distance(joined, key) > 1):
                continue
            best, near = expected.get(owner, (edits, []))
            if edits < best:
                best, near = edits, []
            if edits == best:
                near.append((other, key))
            expected[owner] = (best, near)
        found = index.search(text, joined)
        assert {o: (b, sorted(n)) for o, (b, n) in found.items()} == \
            {o: (b, sorted(n)) for o, (b, n) in expected.items()}, text
