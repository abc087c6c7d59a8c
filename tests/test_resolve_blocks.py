"""The resolver's blocking indexes (loaders.resolve_pairs) against brute force: what a search
finds, compared with the query against every indexed text, and in which order."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from loaders.resolve_pairs import GramIndex, SegmentIndex


def _texts(seed: int, count: int, alphabet: str = "abc") -> list[str]:
    # a small alphabet and short texts: many texts within two edits of each other, many ties
    rng = random.Random(seed)
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(count)
    ]


@pytest.mark.parametrize("edits", [0, 1, 2])
@pytest.mark.parametrize("seed", [1, 2])
def test_segment_search_finds_the_texts_within_the_edits_in_order(edits, seed):
    # every text within the edits by insertions, deletions and substitutions; a swap of two
    # letters counts as one edit, but the segment filter finds it only when both letters are
    # in one segment (a swap across a cut changes two segments)
    texts = _texts(seed, 400)
    index = SegmentIndex()
    for number, text in enumerate(texts):
        index.add(text, number)
    swaps = 0
    for query in _texts(seed + 100, 150):
        found = index.search(query, edits)
        assert [n for _, n, _ in found] == sorted(n for _, n, _ in found)
        assert all(d == OSA.distance(query, texts[n]) <= edits for _, n, d in found)
        numbers = {n for _, n, _ in found}
        assert {n for n, text in enumerate(texts)
                if Levenshtein.distance(query, text) <= edits} <= numbers, query
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
