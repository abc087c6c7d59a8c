"""The answer key: what ``truth.json`` says about the world just written."""

from __future__ import annotations

import numpy as np

from loaders.world.model import _Company
from loaders.world.plan import _World


def _present(world: _World, registry: list[_Company], used: np.ndarray
             ) -> tuple[set[int], set[int]]:
    """The companies and the people that appear in any table."""
    present = set(np.flatnonzero(used).tolist())
    present.update(c.idx for c in registry)
    persons = set()
    for row in world.officer_rows:
        officer = row["_officer"]
        if isinstance(officer, _Company):
            present.add(officer.idx)
        else:
            persons.add(officer.idx)
    for row in world.watchlist_rows:
        entity = row["_entity"]
        if isinstance(entity, _Company):
            present.add(entity.idx)
        else:
            persons.add(entity.idx)
    return present, persons


def _answer_key(world: _World, seed: int, registry: list[_Company], used: np.ndarray,
                hub_rows: dict[int, list[str]], bad_rows: dict[str, list[dict]]) -> dict:
    """The truth about a written world: ``used`` marks the companies of the shipment rows,
    ``hub_rows`` holds each hub's record ids, ``bad_rows`` the bad registry and officer rows
    by table."""
    present, persons = _present(world, registry, used)
    return {
        "seed": seed,
        "scale": world.scale,
        "n_shipments": world.n_rows,
        "counts": {
            "companies": len(present),
            "persons": len(persons),
            "shipments_valid_distinct": world.n_rows - len(world.bad_shipments)
            - len(world.duplicates),
            "shipment_rows": world.n_rows,
            "bad_shipment_rows": len(world.bad_shipments),
            "duplicate_shipment_rows": len(world.duplicates),
        },
        "chains": _chains(world),
        "mirrors": [[a["record_id"], b["record_id"]] for a, b in world.mirrors],
        "fronts": [{**i.company.key, "kind": i.kind, "cluster": i.cluster,
                    "shares_officer_with_buyer": i.shares_officer}
                   for i in world.intermediaries],
        "lookalikes": _lookalikes(world, hub_rows),
        "bad_rows": {
            "shipments": sorted(
                ({"record_id": row["record_id"], "line": row["_pos"] + 2, "row": row["_pos"] + 1,
                  "reason": reason, "column": column}
                 for row, reason, column in world.bad_shipments), key=lambda t: t["line"]),
            **bad_rows,
        },
        "duplicates": {"shipments": sorted(r["record_id"] for r in world.duplicates)},
    }


def _chains(world: _World) -> list[dict]:
    """The planted chains, numbered ``T1``... in the order they were planted."""
    chains = []
    for n, chain in enumerate(world.chains, start=1):
        chains.append({
            "chain_id": f"T{n}", "kind": chain.kind, "hs6": chain.hs6,
            **({"hs6_out": chain.hs6_out} if chain.hs6_out else {}),
            "countries": [c.country for c in chain.route],
            "links": [[a["record_id"], b["record_id"]] for a, b in chain.links],
            "entities": [c.key for c in chain.route],
        })
    return chains


def _lookalikes(world: _World, hub_rows: dict[int, list[str]]) -> list[dict]:
    """The planted look-alikes, then the hubs with all their rows."""
    lookalikes = [{"kind": kind, **c.key, "record_ids": [r["record_id"] for r in rows]}
                  for kind, c, rows in world.lookalikes]
    lookalikes += [{"kind": "hub", **h.key, "record_ids": hub_rows[h.idx]} for h in world.hubs]
    return lookalikes
