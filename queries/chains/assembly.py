"""Chains from links: paths from a supplier through intermediaries to a buyer, one row each.

Links form a forest over the shipments that take part: an onward shipment's parent is the
arrival it carried on, a root is a supplier's shipment. Each tree that reaches a buyer in a
destination country through at least one intermediary is a chain; its row lists the parties,
countries and records step by step, with the figures, score and reasons behind it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from queries.chains.links import MEASURE_NAMES, VALUE
from queries.chains.scoring import PartyFacts, defence_entities, party_facts, score_chain

__all__ = ["CHAIN_COLUMNS", "LINK_COLUMNS", "ROLE_COLUMNS", "build_chains", "chain_roles"]

# CONTRACT.md, output `chains`.
CHAIN_COLUMNS: tuple[str, ...] = (
    "chain_id", "score", "hs_code", "hops", "countries", "entity_ids", "entity_names",
    "registration_numbers", "record_ids", "first_date", "last_date", "max_lag_days",
    "quantity_ratio", "value_usd_in", "value_usd_out", "reasons",
)
LINK_COLUMNS: tuple[str, ...] = (
    "in_shipment_id", "out_shipment_id", "in_record_id", "out_record_id", "lag_days",
    "quantity_ratio", "hs6", "intermediary_entity_id", "chain_id",
)
ROLE_COLUMNS: tuple[str, ...] = ("entity_id", "role")

# what a chain row reads of each of its shipments
_STEP_FIELDS = ("root", "depth", "leaf", "dest_leaf", "record_id", "date", "hs6", "exporter",
                "importer", "exporter_country", "importer_country", "value_usd")


def build_chains(
    s: pd.DataFrame,
    links: pd.DataFrame,
    companies: pd.DataFrame | None,
    listings: pd.DataFrame | None,
    destinations: frozenset[str],
    defence_codes: frozenset[str],
    window_days: int,
    tolerance: float,
    max_hops: int,
    weights: Mapping[str, float],
    data_start=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join links into chains (trees rooted at a supplier's shipment), filter and score them.

    `s` are the prepared shipments and `links` the frame of
    :func:`queries.chains.links.match_links`; the other arguments as in
    :func:`queries.chains.find_chains`. Returns the ``chains`` (highest score first) and
    ``links`` frames of :class:`queries.chains.ChainResult`.
    """
    empty_chains = pd.DataFrame({c: pd.Series(dtype="object") for c in CHAIN_COLUMNS})
    empty_links = pd.DataFrame({c: pd.Series(dtype="object") for c in LINK_COLUMNS})
    if len(links) == 0:
        return empty_chains, empty_links
    forest = _forest(links, max_hops)
    m, valid_roots = _chain_shipments(s, forest, destinations)
    if len(m) == 0:
        return empty_chains, empty_links
    lk, figures = _chain_figures(forest, valid_roots, s)
    facts = party_facts(s, set(m["exporter"]) | set(m["importer"]),
                        set(m.loc[~m["leaf"], "importer"]), companies, listings,
                        defence_codes, data_start)
    chains = _assemble(m, figures, facts, window_days, tolerance, weights)
    chain_of_root = chains.set_index("_root")["chain_id"]
    chains = chains.drop(columns="_root")
    chains = chains.sort_values(["score", "chain_id"], ascending=[False, True],
                                kind="stable").reset_index(drop=True)
    return chains, _link_rows(s, lk, chain_of_root)


def chain_roles(
    links: pd.DataFrame,
    chains: pd.DataFrame,
    companies: pd.DataFrame | None,
    listings: pd.DataFrame | None,
    defence_codes: frozenset[str],
) -> pd.DataFrame:
    """``entity_id, role`` of the parties of `chains`: ``Supplier``, ``Intermediary`` and
    ``DefenceBuyer``."""
    if len(chains) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ROLE_COLUMNS})
    defence = defence_entities(companies, listings, defence_codes)
    intermediaries = set(links["intermediary_entity_id"])
    rows = [(e, "Intermediary") for e in intermediaries]
    for path in chains["entity_ids"]:
        steps = [step.split(";") for step in path.split(">")]
        rows += [(e, "Supplier") for e in steps[0]]
        # whoever receives goods and sends none on is a buyer; labelled when defence industry
        rows += [(e, "DefenceBuyer") for step in steps[1:] for e in step
                 if e in defence and e not in intermediaries]
    return (pd.DataFrame(rows, columns=list(ROLE_COLUMNS)).drop_duplicates()
            .sort_values(["role", "entity_id"]).reset_index(drop=True))


# --- the forest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Forest:
    """Links as a forest over a compact numbering of the shipments that take part."""

    links: pd.DataFrame  # sorted by arrival and onward row, cut to max_hops
    nodes: np.ndarray    # row in `s` of each node
    la: np.ndarray       # node of each link's arrival
    ld: np.ndarray       # node of each link's onward shipment
    root: np.ndarray     # root node of each node
    depth: np.ndarray    # steps from its root


def _forest(links: pd.DataFrame, max_hops: int) -> _Forest:
    links = links.sort_values(["a", "d"]).reset_index(drop=True)
    nodes = np.unique(np.concatenate([links["a"].to_numpy(), links["d"].to_numpy()]))
    la = np.searchsorted(nodes, links["a"].to_numpy())
    ld = np.searchsorted(nodes, links["d"].to_numpy())
    root, depth = _roots_and_depths(len(nodes), la, ld)
    # chains longer than max_hops keep the steps nearest the buyer
    height = pd.Series(depth).groupby(root).transform("max").to_numpy() + 1
    cut = np.maximum(height - max_hops, 0)
    if cut.any():
        keep = depth[la] >= cut[la]
        links = links[keep].reset_index(drop=True)
        la, ld = la[keep], ld[keep]
        root, depth = _roots_and_depths(len(nodes), la, ld)
    return _Forest(links=links, nodes=nodes, la=la, ld=ld, root=root, depth=depth)


def _roots_and_depths(n: int, la: np.ndarray, ld: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group and depth of every node of the links ``la -> ld``.

    Without consolidation every node has one parent at most and the group is the tree's root;
    a consolidated shipment has several parents, so the group is the connected component
    (labelled by its smallest node) and the depth the longest path from an arrival without a
    parent. Links always go forward in time, so there are no cycles.
    """
    label = np.arange(n)
    while True:
        m = np.minimum(label[la], label[ld])
        new = label.copy()
        np.minimum.at(new, la, m)
        np.minimum.at(new, ld, m)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    depth = np.zeros(n, dtype="int64")
    while True:
        new = depth.copy()
        np.maximum.at(new, ld, depth[la] + 1)
        if np.array_equal(new, depth):
            break
        depth = new
    # an arrival consolidated into a later step sits just before the shipment it fed
    has_parent = np.zeros(n, dtype=bool)
    has_parent[ld] = True
    first = ~has_parent[la]
    lowest = np.full(n, np.iinfo("int64").max)
    np.minimum.at(lowest, la[first], depth[ld[first]] - 1)
    depth = np.where(~has_parent & (lowest < np.iinfo("int64").max), lowest, depth)
    return label, depth



def _chain_shipments(s: pd.DataFrame, f: _Forest,
                     destinations: frozenset[str]) -> tuple[pd.DataFrame, pd.Index]:
    """The shipments of the trees that are chains, sorted by root, depth, date and record id,
    and those roots.

    A tree is a chain when a leaf goes to a destination and some shipment that was carried on
    went to a country outside the destinations.
    """
    in_links = np.zeros(len(f.nodes), dtype=bool)
    in_links[f.la] = True
    in_links[f.ld] = True
    has_child = np.zeros(len(f.nodes), dtype=bool)
    has_child[f.la] = True
    rows = s.iloc[f.nodes]
    m = pd.DataFrame({
        "node": np.arange(len(f.nodes)), "row": f.nodes, "root": f.root, "depth": f.depth,
        "leaf": ~has_child, "record_id": rows["record_id"].to_numpy(),
        "shipment_id": rows["shipment_id"].to_numpy(),
        "date": rows["date"].to_numpy(), "hs6": rows["hs6"].to_numpy(),
        "exporter": rows["exporter"].to_numpy(), "importer": rows["importer"].to_numpy(),
        "exporter_country": rows["exporter_country"].to_numpy(),
        "importer_country": rows["importer_country"].to_numpy(),
        "value_usd": rows["value_usd"].to_numpy(),
    })[in_links]
    m["to_dest"] = m["importer_country"].isin(destinations).fillna(False)
    m["dest_leaf"] = m["leaf"] & m["to_dest"]
    m["outside_hop"] = ~m["leaf"] & ~m["to_dest"]
    valid = m.groupby("root")[["dest_leaf", "outside_hop"]].any()
    valid_roots = valid.index[(valid["dest_leaf"] & valid["outside_hop"]).to_numpy(bool)]
    m = m[m["root"].isin(valid_roots)]
    return m.sort_values(["root", "depth", "date", "record_id"], kind="stable"), valid_roots


def _chain_figures(f: _Forest, valid_roots: pd.Index,
                   s: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The links of the chains (with their root and the arrival's depth), and per chain root
    the link-level figures: ratio over the chain, worst closeness, value matched, longest lag
    and the heading changes of cover links (``"in:out"`` pairs, ``;``-separated)."""
    lk = f.links.copy()
    lk["root"] = f.root[f.la]
    lk["in_depth"] = f.depth[f.la]
    lk = lk[lk["root"].isin(valid_roots)]
    arrivals = lk.drop_duplicates("a")
    per_depth = arrivals.groupby(["root", "in_depth"])["set_ratio"].mean()
    figures = pd.DataFrame({
        "quantity_ratio": per_depth.groupby("root").prod(),
        "worst_dev": (arrivals["set_ratio"] - 1.0).abs().groupby(arrivals["root"]).max(),
        "value_kind": (arrivals["kind"] == VALUE).groupby(arrivals["root"]).any(),
        "max_lag_days": lk.groupby("root")["lag"].max(),
    })
    # the weakest measure any step matched on, and the largest split and consolidation
    weakness = np.zeros(max(MEASURE_NAMES) + 1, dtype="int64")
    weakness[list(MEASURE_NAMES)] = np.arange(len(MEASURE_NAMES))
    kinds = list(MEASURE_NAMES)
    worst = pd.Series(weakness[arrivals["kind"].to_numpy()], index=arrivals.index)
    figures["measure"] = (worst.groupby(arrivals["root"]).max().map(lambda i: kinds[i])
                          .reindex(figures.index))
    figures["split_out"] = lk.groupby(["root", "a"]).size().groupby("root").max()
    figures["merged_in"] = lk.groupby(["root", "d"]).size().groupby("root").max()
    cover = lk[lk["cover"].fillna(False).astype(bool)] if "cover" in lk else lk.iloc[:0]
    hs6 = s["hs6"].astype("object").to_numpy()
    change = pd.Series([f"{hs6[x]}:{hs6[y]}" for x, y in zip(cover["a"], cover["d"])],
                       index=cover.index, dtype="object")
    figures["covers"] = change.groupby(cover["root"]).agg(
        lambda x: ";".join(dict.fromkeys(x))).reindex(figures.index).fillna("")
    # declared origins of the chain's first (inbound) records: arrivals no link brought in
    # (a consolidated one may sit deeper than the root's)
    if "origin_country" in s.columns:
        first = arrivals[~arrivals["a"].isin(lk["d"])]
        origin = s["origin_country"].astype("object").to_numpy()[first["a"].to_numpy()]
        known = pd.Series(origin, index=first.index).dropna()
        figures["origins"] = known.groupby(first.loc[known.index, "root"]).agg(
            lambda x: ";".join(dict.fromkeys(x))).reindex(figures.index).fillna("")
    return lk, figures


def _link_rows(s: pd.DataFrame, lk: pd.DataFrame, chain_of_root: pd.Series) -> pd.DataFrame:
    """The chains' links as :data:`LINK_COLUMNS` rows, by chain, arrival and onward record."""
    srow = s.iloc
    a_rows, d_rows = lk["a"].to_numpy(), lk["d"].to_numpy()
    out_links = pd.DataFrame({
        "in_shipment_id": srow[a_rows]["shipment_id"].to_numpy(),
        "out_shipment_id": srow[d_rows]["shipment_id"].to_numpy(),
        "in_record_id": srow[a_rows]["record_id"].to_numpy(),
        "out_record_id": srow[d_rows]["record_id"].to_numpy(),
        "lag_days": lk["lag"].to_numpy().astype("int64"),
        "quantity_ratio": np.round(lk["set_ratio"].to_numpy(), 4),
        "hs6": srow[a_rows]["hs6"].to_numpy(),
        "intermediary_entity_id": srow[a_rows]["importer"].to_numpy(),
        "chain_id": chain_of_root.reindex(lk["root"].to_numpy()).to_numpy(),
    })
    return out_links.sort_values(["chain_id", "in_record_id", "out_record_id"],
                                 kind="stable").reset_index(drop=True)


# --- one row per chain ---------------------------------------------------------------------


def _assemble(
    m: pd.DataFrame,
    figures: pd.DataFrame,
    facts: PartyFacts,
    window_days: int,
    tolerance: float,
    weights: Mapping[str, float],
) -> pd.DataFrame:
    """One CONTRACT row per chain: the path, its figures, its score and the reasons.

    `m` holds the chains' shipments sorted by chain, depth, date and record id; a plain pass
    over it is much faster than grouped string aggregations when there are many chains.
    """
    fig = figures.to_dict("index")
    cols = {c: m[c].tolist() for c in _STEP_FIELDS}
    bounds = np.flatnonzero(np.diff(np.asarray(cols["root"]))) + 1
    starts = np.concatenate([[0], bounds]).tolist()
    ends = np.concatenate([bounds, [len(m)]]).tolist()
    out = [_chain_row(cols, lo, hi, fig[cols["root"][lo]], facts, window_days, tolerance,
                      weights)
           for lo, hi in zip(starts, ends)]
    return pd.DataFrame(out, columns=[*CHAIN_COLUMNS, "_root"])


def _chain_row(cols: dict[str, list], lo: int, hi: int, f: dict, facts: PartyFacts,
               window_days: int, tolerance: float, weights: Mapping[str, float]) -> dict:
    """The row of the chain whose shipments are ``cols[...][lo:hi]``; ``_root`` keeps its root."""
    steps: dict[int, list[int]] = {}
    for i in range(lo, hi):
        steps.setdefault(cols["depth"][i], []).append(i)
    levels = [steps[k] for k in sorted(steps)]
    path = [list(dict.fromkeys(cols["exporter"][i] for i in levels[0]))] + [
        list(dict.fromkeys(cols["importer"][i] for i in lvl)) for lvl in levels]
    record_ids = ">".join(";".join(cols["record_id"][i] for i in lvl) for lvl in levels)
    countries = ">".join(
        [cols["exporter_country"][lo]]
        + [";".join(dict.fromkeys(cols["importer_country"][i] for i in lvl)) for lvl in levels])
    dates = [cols["date"][i] for i in range(lo, hi)]
    v_in = _sum_known(cols["value_usd"][i] for i in levels[0])
    v_out = _sum_known(cols["value_usd"][i] for i in range(lo, hi) if cols["leaf"][i])
    buyers = list(dict.fromkeys(cols["importer"][i] for i in range(lo, hi)
                                if cols["dest_leaf"][i]))
    middle = list(dict.fromkeys(cols["importer"][i] for i in range(lo, hi)
                                if not cols["leaf"][i]))
    hs6 = cols["hs6"][lo]
    score, reasons = score_chain(f, hs6, buyers, middle, v_in, v_out, facts, window_days,
                                 tolerance, weights)
    names, regs = facts.names, facts.registration_numbers
    return {
        "chain_id": "ch-" + hashlib.sha1(record_ids.encode("utf-8")).hexdigest()[:16],
        "score": score,
        "hs_code": hs6,
        "hops": len(levels),
        "countries": countries,
        "entity_ids": ">".join(";".join(step) for step in path),
        "entity_names": ">".join(";".join(names.get(e, "") for e in step) for step in path),
        "registration_numbers": ">".join(
            ";".join(regs.get(e, "") for e in step) for step in path),
        "record_ids": record_ids,
        "first_date": _as_date(min(dates)),
        "last_date": _as_date(max(dates)),
        "max_lag_days": int(f["max_lag_days"]),
        "quantity_ratio": round(float(f["quantity_ratio"]), 4),
        "value_usd_in": _float(v_in),
        "value_usd_out": _float(v_out),
        "reasons": ";".join(reasons),
        "_root": cols["root"][lo],
    }


def _sum_known(values) -> float | None:
    known = [v for v in values if v is not None and not pd.isna(v)]
    return float(sum(known)) if known else None


def _float(x) -> float:
    return float("nan") if x is None or pd.isna(x) else round(float(x), 2)


def _as_date(x):
    return None if x is None or pd.isna(x) else pd.Timestamp(x).date()
