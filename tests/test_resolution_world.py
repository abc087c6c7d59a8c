"""Entity resolution on the project's seeded sample worlds: resolved companies and persons come
within 2% of the true numbers in ``truth.json``.

Each world goes through the real loading path (``plan_load`` and ``Resolution``), no server.
The figures are printed (``pytest -s``) so that a change in either direction shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from loaders.pipeline import Resolution, plan_load
from loaders.world import generate_world

SEEDS = (0, 1, 2)
TOLERANCE = 0.02


@dataclass
class _Resolved:
    seed: int
    companies: set[str]
    persons: set[str]
    truth: dict
    officer_chunks: list  # canonical officers rows, for the resolver-level person check


@pytest.fixture(scope="module")
def worlds() -> dict[int, _Resolved]:
    return {}


def _resolve_world(seed: int, worlds: dict[int, _Resolved], tmp_path_factory) -> _Resolved:
    if seed in worlds:
        return worlds[seed]
    folder = tmp_path_factory.mktemp(f"world{seed}")
    paths = generate_world(folder, seed=seed)
    loads = plan_load([paths.companies, paths.officers, paths.watchlist, paths.shipments],
                      report_path=folder / "report.json")
    resolution = Resolution()
    companies: set[str] = set()
    persons: set[str] = set()
    officer_chunks = []
    for load in loads:
        for chunk in load.chunks():
            if chunk.kind == "officers":
                officer_chunks.append(chunk.rows)
            frames = resolution.to_resolved(chunk)
            if "companies" in frames:
                companies.update(frames["companies"]["entity_id"].dropna())
            if "shipments" in frames:
                shipments = frames["shipments"]
                companies.update(shipments["exporter_entity_id"].dropna())
                companies.update(shipments["importer_entity_id"].dropna())
            if "officers" in frames:
                officers = frames["officers"]
                companies.update(officers["company_entity_id"].dropna())
                is_company = officers["officer_kind"] == "Company"
                companies.update(officers.loc[is_company, "officer_entity_id"].dropna())
                persons.update(officers.loc[~is_company, "officer_entity_id"].dropna())
            if "persons" in frames:
                persons.update(frames["persons"]["entity_id"].dropna())
    truth = json.loads(paths.truth.read_text(encoding="utf-8"))
    worlds[seed] = _Resolved(seed, companies, persons, truth, officer_chunks)
    return worlds[seed]


def _report(kind: str, seed: int, got: int, true: int) -> float:
    error = (got - true) / true
    print(f"\nseed {seed}: {kind} resolved {got}, true {true} ({error:+.1%})")
    return error


@pytest.mark.parametrize("seed", SEEDS)
def test_resolved_companies_are_within_two_percent_of_the_truth(seed, worlds, tmp_path_factory):
    world = _resolve_world(seed, worlds, tmp_path_factory)
    error = _report("companies", seed, len(world.companies), world.truth["counts"]["companies"])
    assert abs(error) <= TOLERANCE


@pytest.mark.parametrize("seed", SEEDS)
def test_the_resolver_finds_the_true_persons_in_the_officer_rows(seed, worlds, tmp_path_factory):
    """Resolver.resolve_person over the person rows of officers.csv, each officer in his
    stated country (the company's where none is stated)."""
    world = _resolve_world(seed, worlds, tmp_path_factory)
    resolution = Resolution()
    ids = set()
    for rows in world.officer_chunks:
        person = rows["officer_type"].to_numpy(dtype=object) != "company"
        country = np.where(rows["officer_country"].isna(), rows["company_country"],
                           rows["officer_country"])
        for name, where, ident in zip(rows["officer_name"][person], country[person],
                                      rows["officer_id"][person]):
            ids.add(resolution.resolver.resolve_person(name, where, ident))
    ids.discard(None)
    error = _report("persons (resolve_person)", seed, len(ids), world.truth["counts"]["persons"])
    assert abs(error) <= TOLERANCE


@pytest.mark.parametrize("seed", SEEDS)
def test_resolved_persons_are_within_two_percent_of_the_truth(seed, worlds, tmp_path_factory):
    world = _resolve_world(seed, worlds, tmp_path_factory)
    error = _report("persons", seed, len(world.persons), world.truth["counts"]["persons"])
    assert abs(error) <= TOLERANCE
