"""Writing a world: the four canonical input tables as CSV, and ``truth.json``."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from loaders.columns import COMPANIES, OFFICERS, SHIPMENTS, WATCHLIST
from loaders.world.model import _Company
from loaders.world.plan import _World
from loaders.world.truth import _answer_key

# a listed person is told from a listed company by an extra column, which loaders keep
WATCHLIST_COLUMNS = (*WATCHLIST.columns, "entity_kind")


@dataclass(frozen=True)
class WorldPaths:
    """Where ``generate_world`` wrote each file."""

    out_dir: Path
    shipments: Path
    companies: Path
    officers: Path
    watchlist: Path
    truth: Path


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([tuple(r[c] for c in columns) for r in rows])


def _with_bad_rows(rng: random.Random, rows: list[dict], bad: list[tuple[dict, str, str]],
                   key: str) -> tuple[list[dict], list[dict]]:
    """``rows`` with the ``bad`` ones slotted in at random places, and the truth about them."""
    out = list(rows)
    for row, _, _ in bad:
        out.insert(rng.randrange(len(out) + 1), row)
    where = {id(r): i for i, r in enumerate(out)}
    truth = [{key: row.get(key, ""), "line": where[id(row)] + 2, "row": where[id(row)] + 1,
              "reason": reason, "column": column} for row, reason, column in bad]
    truth.sort(key=lambda t: t["line"])
    return out, truth


def _company_row(c: _Company) -> dict:
    return {
        "country": c.country, "name": c.name, "registration_number": c.registration_number,
        "name_latin": c.name_latin, "aliases": c.aliases, "tax_id": c.tax_id,
        "incorporation_date": c.incorporated.isoformat(),
        "dissolution_date": c.dissolved.isoformat() if c.dissolved else "",
        "status": "liquidated" if c.dissolved else "active", "address": c.address,
        "legal_form": c.legal[1], "activity_code": c.activity_code,
        "source": f"registry-{c.country.lower()}",
    }

def generate_world(out_dir: str | Path, seed: int = 0, scale: float = 1.0,
                   n_shipments: int | None = None,
                   cover_headings: Iterable[tuple[str, str]] = (),
                   parts_subheadings: Iterable[str] = ()) -> WorldPaths:
    """Write a seeded sample world: four canonical input tables and its answer key.

    Parameters
    ----------
    out_dir : str or Path
        Directory to write into (created if missing); existing files of the same names are
        overwritten.
    seed : int, default 0
        Same seed, byte-identical files.
    scale : float, default 1.0
        Multiplies the number of companies and planted schemes; 1.0 gives a few hundred
        companies and about 4,000 shipment rows.
    n_shipments : int, optional
        Exact number of data rows in ``shipments.csv``; background trade fills whatever the
        planted rows leave. Rows stream to disk in chunks, so a million rows need little
        memory.
    cover_headings : iterable of (str, str), optional
        Known cover headings as ``(arrival HS prefix, onward HS prefix)`` pairs, e.g.
        ``queries.reference.cover_headings()`` (the project's sourced table; the generator
        keeps no copy of it). Cover-heading chains use these pairs (two in three) and other
        headings of the same HS4; without them, only the same HS4, and no
        ``cover_coincidence`` look-alikes are planted.
    parts_subheadings : iterable of str, optional
        Six-digit HS subheadings that are parts of the goods of their chapter, e.g.
        ``queries.reference.parts_subheadings()``. With them a few more cover-heading chains
        carry CHPL goods declared as such parts of their own chapter (a pair no table row and
        no HS4 joins), and ``ordinary_as_parts`` look-alikes do the same with goods off the
        CHPL; without them, neither is planted.

    Returns
    -------
    WorldPaths
        The paths of ``shipments.csv``, ``companies.csv``, ``officers.csv``,
        ``watchlist.csv`` and ``truth.json``.

    Raises
    ------
    WorldError
        On a negative seed, a non-positive scale, fewer rows than the planted ones, cover
        headings that are not pairs of HS prefixes, or parts subheadings that are not
        six-digit codes.

    Examples
    --------
    >>> import tempfile, json
    >>> paths = generate_world(tempfile.mkdtemp(), seed=1, scale=0.5)
    >>> truth = json.loads(paths.truth.read_text(encoding="utf-8"))
    >>> sorted({c["kind"] for c in truth["chains"]})  # doctest: +NORMALIZE_WHITESPACE
    ['2hop', '3hop', 'consolidation', 'cover_heading', 'no_quantity', 'split',
     'unit_switch']
    """
    world = _World(seed, scale, n_shipments, cover_headings, parts_subheadings)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = WorldPaths(out, out / "shipments.csv", out / "companies.csv", out / "officers.csv",
                       out / "watchlist.csv", out / "truth.json")
    layout_rng = random.Random(f"tracegraph-layout-{seed}")
    registry, bad_rows = _write_registers(world, paths, layout_rng)
    used, hub_rows = _write_shipments(world, paths)
    truth = _answer_key(world, seed, registry, used, hub_rows, bad_rows)
    paths.truth.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                           encoding="utf-8")
    return paths


def _write_registers(world: _World, paths: WorldPaths, layout_rng: random.Random
                     ) -> tuple[list[_Company], dict[str, list[dict]]]:
    """Write the registry, officer and watchlist tables; return the registry's companies and
    the truth about the bad rows slotted into the first two."""
    # registry: companies in the registries' countries, in registry order (shuffled)
    registry = [c for c in world.companies if c.in_registry]
    layout_rng.shuffle(registry)
    company_rows = [_company_row(c) for c in registry]
    bad_companies = []
    for column, reason in (("name", "missing_required"), ("country", "missing_required"),
                           ("registration_number", "no_identifier")):
        row = dict(_company_row(layout_rng.choice(registry)))
        row[column] = ""
        if column == "registration_number":
            row["tax_id"] = ""
        bad_companies.append((row, reason, column))
    company_rows, bad_company_truth = _with_bad_rows(layout_rng, company_rows, bad_companies,
                                                     "registration_number")
    _write_csv(paths.companies, COMPANIES.columns, company_rows)

    officer_rows, bad_officer_truth = _with_bad_rows(layout_rng, world.officer_rows,
                                                     world.bad_officers,
                                                     "company_registration_number")
    _write_csv(paths.officers, OFFICERS.columns, officer_rows)
    _write_csv(paths.watchlist, WATCHLIST_COLUMNS, world.watchlist_rows)

    return registry, {"companies": bad_company_truth, "officers": bad_officer_truth}


def _write_shipments(world: _World, paths: WorldPaths
                     ) -> tuple[np.ndarray, dict[int, list[str]]]:
    """Stream the shipment rows to ``paths.shipments``; return which companies they name and
    the record ids of each hub's rows."""
    used = np.zeros(len(world.companies), dtype=bool)
    hub_idx = np.array([h.idx for h in world.hubs], dtype=np.int64)
    hub_rows: dict[int, list[str]] = {int(h): [] for h in hub_idx}
    with paths.shipments.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(SHIPMENTS.columns)
        for rows, exp, imp in world.iter_shipment_chunks():
            writer.writerows(rows)
            used[exp] = True
            used[imp] = True
            for side in (exp, imp):
                for i in np.flatnonzero(np.isin(side, hub_idx)).tolist():
                    hub_rows[int(side[i])].append(rows[i][0])
    return used, hub_rows
