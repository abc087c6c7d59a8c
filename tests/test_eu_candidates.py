"""SAME_AS candidates on the real EU lists against pairs labelled by hand (issue 14, item 5).

The two EU lists (``../shared/data/sanctions``) are planned and resolved as a load does, with
no graph; the candidate pairs are matched to ``tests/fixtures/eu_candidate_pairs.csv`` (148
pairs the code before and after the resolution work proposed, labelled same or different from
the list's own evidence) by the names of both entities, in either order.

Measured (148 labelled pairs; /tmp/labels scripts of the labelling session): the code before
the resolution work (4c99389) proposed all 148, 21 of them one company (precision 0.142); the
current code proposes 108 of them, 20 one company (0.185): an alias one listed company shares
with another's name, when each has a number of one kind the other lacks (two INNs), is no
longer a candidate (40 pairs, all two companies), and one pair is merged outright. Namesakes by
their own names stay candidates whatever their numbers (a company re-registered under its name).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from conftest import shared_data
from loaders.accounting import plan_load
from loaders.resolution import Resolution

FIXTURE = Path(__file__).parent / "fixtures" / "eu_candidate_pairs.csv"
LISTS = ("eu-32014R0833.csv", "eu-32014R0269.csv")
# measured 20 / 108 = 0.185 at the commit that added this test; the floor leaves a little room
# for a candidate more or less, never the 0.142 of the code before
PRECISION_FLOOR = 0.17
# pairs the issue names as wrong: another product (shipyard / design bureau), another branch
WRONG = (
    ("Zelenodolsk Design Bureau JSC", "JSC Zelenodolsk Shipyard [A.M. Gorky Zelenodolsk Plant]"),
    ("Russian Airborne Forces", "Russian Aerospace Forces"),
)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory) -> tuple[pd.DataFrame, dict[str, set[str]]]:
    """(candidates, names per entity id) of the two EU lists, resolved as a load does."""
    paths = [shared_data("sanctions", name) for name in LISTS]
    folder = tmp_path_factory.mktemp("eu")
    loads = plan_load(paths, profile="eu-sanctions", report_path=folder / "report.json")
    resolution, names = Resolution(), {}
    for load in loads:
        for chunk in load.chunks():
            for frame in resolution.to_resolved(chunk).values():
                if "entity_id" not in frame.columns or "names" not in frame.columns:
                    continue
                for entity_id, name, more in zip(frame["entity_id"], frame["name"],
                                                 frame["names"]):
                    known = names.setdefault(entity_id, set())
                    known.update(n for n in [name, *(more or [])] if isinstance(n, str))
    return resolution.finish()["candidates"], names


def _labelled() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _proposed(candidates: pd.DataFrame, names: dict[str, set[str]], a: str, b: str) -> list[tuple]:
    """The candidate rows (a, b, score, method) whose two entities carry names a and b."""
    return [row for row in candidates.itertuples(index=False, name=None)
            if (a in names.get(row[0], ()) and b in names.get(row[1], ()))
            or (b in names.get(row[0], ()) and a in names.get(row[1], ()))]


def test_the_labelled_sample_is_large_and_honest():
    labels = _labelled()
    pairs = {frozenset((row["a_name"], row["b_name"])) for row in labels}
    assert len(labels) >= 120 and len(pairs) == len(labels)
    assert {row["same"] for row in labels} == {"0", "1"}
    assert all(row["basis"].strip() for row in labels)


def test_candidate_precision_on_the_labelled_pairs(resolved):
    candidates, names = resolved
    proposed = [row for row in _labelled()
                if _proposed(candidates, names, row["a_name"], row["b_name"])]
    same = sum(row["same"] == "1" for row in proposed)
    # most labelled pairs are still found by name, so the figure rests on many pairs
    assert len(proposed) >= 80, len(proposed)
    assert same / len(proposed) >= PRECISION_FLOOR, (same, len(proposed))


def test_two_companies_named_alike_are_not_exact_namesakes(resolved):
    candidates, names = resolved
    for a, b in WRONG:
        assert any(a in n for n in names.values()) and any(b in n for n in names.values())
        rows = _proposed(candidates, names, a, b)
        assert not [r for r in rows if r[3].startswith("name_exact") and r[2] >= 1.0], rows
