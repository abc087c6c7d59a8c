"""Chain links: arrivals at an intermediary matched one-to-one to its onward shipments.

The candidate search is one vectorised range join (sort by intermediary, heading and date,
then ``searchsorted`` for each arrival's window); only the few arrivals left unmatched by a
single onward shipment go through the subset-sum search for split consignments, and the
onward shipments left through the same search for consolidated ones (several arrivals in
one). Last, what is still unmatched may link across headings (cover headings).
"""

from __future__ import annotations

import itertools
from typing import Mapping

import numpy as np
import pandas as pd

from queries.reference import (
    CHAIN_VALUE_MAX_MARKUP,
    CHAIN_WEIGHT_TOLERANCE,
    CHAIN_MAX_CANDIDATES,
    CHAIN_SPLIT_CANDIDATES,
    chpl_tier_hs2022,
    cover_headings,
    parts_subheadings,
)

__all__ = ["MEASURE_NAMES", "NO_MEASURE", "QUANTITY", "VALUE", "WEIGHT", "WEIGHT_VALUE",
           "closeness", "match_links"]

# Kinds of measure, in order of preference: a pair is compared on the first kind both sides have.
QUANTITY, WEIGHT, VALUE, NO_MEASURE = 0, 1, 2, 3
# Net weight beyond the tolerance (within CHAIN_WEIGHT_TOLERANCE) backed by a conserved value.
WEIGHT_VALUE = 4
# How reasons name each kind, weakest evidence last.
MEASURE_NAMES = {QUANTITY: "quantity", WEIGHT: "weight", WEIGHT_VALUE: "weight+value",
                 VALUE: "value"}
_DAY_BITS = 20  # 2**20 days is ~2,900 years: room for any trade date in the packed sort key


def match_links(
    s: pd.DataFrame,
    destinations: frozenset[str],
    transit: frozenset[str] | None,
    *,
    window_days: int,
    tolerance: float,
    max_split: int,
    weights: Mapping[str, float],
    cover: bool = True,
) -> pd.DataFrame:
    """Arrivals matched to the onward shipments that carried their goods on.

    Parameters
    ----------
    s : DataFrame
        Shipments from :func:`queries.shipments.prepare_shipments`.
    destinations, transit : frozenset of str
        As in :func:`queries.chains.find_chains` (`transit` already without the
        destinations; ``None`` for anywhere outside them).
    window_days, tolerance, max_split, weights
        As in :func:`queries.chains.find_chains` (`weights` complete).
    cover : bool
        Also match, among what is left unmatched, onward shipments declared under another
        heading (:func:`_cover_links`); ``False`` for same-heading links only.

    Returns
    -------
    DataFrame
        One row per (arrival, onward shipment) link: ``a`` and ``d`` (row numbers in `s`),
        ``lag`` (days), ``set_ratio`` (out/in of the whole onward set) and ``kind`` (the
        measure compared: :data:`QUANTITY`, :data:`WEIGHT` or :data:`VALUE`) and ``cover``
        (the onward shipment is declared under another heading).
    """
    pairs = _candidate_pairs(s, destinations, transit, window_days)
    links = _assign(s, pairs, window_days, tolerance, max_split, weights)
    links["cover"] = False
    if cover:
        links = pd.concat([links, _cover_links(s, links, destinations, transit, window_days,
                                               tolerance, weights)], ignore_index=True)
    return links


def _candidate_pairs(
    s: pd.DataFrame,
    destinations: frozenset[str],
    transit: frozenset[str] | None,
    window_days: int,
) -> dict[str, np.ndarray]:
    """All (arrival, onward) row pairs of one intermediary and heading within the window.

    A range join done with one sort and two ``searchsorted`` calls: departures are sorted by
    a packed key (intermediary, heading, day), and each arrival's window is the key range
    [(entity, hs6, day), (entity, hs6, day + window)].
    """
    empty = {k: np.empty(0, dtype="int64") for k in ("a", "d")}
    if len(s) == 0:
        return {**empty, "kind": np.empty(0, "int8"), "ratio": np.empty(0),
                "lag": np.empty(0, "int64"), "vratio": np.empty(0)}
    ent_codes, _ = pd.factorize(pd.concat([s["exporter"], s["importer"]], ignore_index=True))
    exp_code, imp_code = ent_codes[: len(s)].astype("int64"), ent_codes[len(s):].astype("int64")
    hs_code, hs_uniques = pd.factorize(s["hs6"])
    hs_code = hs_code.astype("int64")
    n_hs = max(len(hs_uniques), 1)
    day = s["day"].to_numpy() - int(s["day"].min())

    arrivals = _arrivals(s, destinations, transit)
    key_in = imp_code[arrivals] * n_hs + hs_code[arrivals]
    key_out_all = exp_code * n_hs + hs_code
    a, d = _range_join(arrivals, key_in, key_out_all, day, window_days)
    if len(a) == 0:
        return {**empty, "kind": np.empty(0, "int8"), "ratio": np.empty(0),
                "lag": np.empty(0, "int64"), "vratio": np.empty(0)}
    kind, ratio = _compare(s, a, d)
    lag = (s["day"].to_numpy()[d] - s["day"].to_numpy()[a]).astype("int64")
    v = s["value_usd"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        vratio = v[d] / v[a]
    return {"a": a, "d": d, "kind": kind, "ratio": ratio, "lag": lag, "vratio": vratio}


def _arrivals(s: pd.DataFrame, destinations: frozenset[str],
              transit: frozenset[str] | None) -> np.ndarray:
    """Rows of `s` that arrive at a possible intermediary."""
    imp_country = s["importer_country"]
    if transit is None:
        at_intermediary = ~imp_country.isin(destinations)
    else:
        at_intermediary = imp_country.isin(transit)
    return np.flatnonzero(at_intermediary.fillna(False).to_numpy(dtype=bool))


def _range_join(arrivals: np.ndarray, key_in: np.ndarray, key_out_all: np.ndarray,
                day: np.ndarray, window_days: int) -> tuple[np.ndarray, np.ndarray]:
    """(arrival, departure) rows whose keys agree and whose days are 0 to `window_days`
    apart, at most ``CHAIN_MAX_CANDIDATES`` nearest departures per arrival."""
    departures = np.flatnonzero(np.isin(key_out_all, key_in))
    if len(arrivals) == 0 or len(departures) == 0:
        return np.empty(0, dtype="int64"), np.empty(0, dtype="int64")
    packed_out = (key_out_all[departures] << _DAY_BITS) | day[departures]
    order = np.argsort(packed_out, kind="stable")
    departures, packed_out = departures[order], packed_out[order]
    start = (key_in << _DAY_BITS) | day[arrivals]
    lo = np.searchsorted(packed_out, start, side="left")
    hi = np.searchsorted(packed_out, start + window_days, side="right")
    hi = np.minimum(hi, lo + CHAIN_MAX_CANDIDATES)
    n = hi - lo
    a = np.repeat(arrivals, n)
    offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    d = departures[np.repeat(lo, n) + offsets]
    # rows are sorted by date, so a departure on the arrival's own day must come later in the
    # order: this keeps same-day swaps from forming cycles
    keep = d > a
    return a[keep], d[keep]


def _compare(s: pd.DataFrame, a: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Measure kind and out/in ratio of each pair, on the first kind both sides have."""
    q = s["quantity"].to_numpy()
    w = s["net_weight_kg"].to_numpy()
    v = s["value_usd"].to_numpy()
    unit_code, _ = pd.factorize(s["unit"])
    ua, ud = unit_code[a], unit_code[d]
    # a missing unit is taken to be the other side's (mirror declarations often omit it)
    same_unit = (ua == ud) | (ua < 0) | (ud < 0)
    has_q = ~np.isnan(q[a]) & ~np.isnan(q[d]) & same_unit
    has_w = ~np.isnan(w[a]) & ~np.isnan(w[d])
    has_v = ~np.isnan(v[a]) & ~np.isnan(v[d])
    kind = np.select([has_q, has_w, has_v], [QUANTITY, WEIGHT, VALUE], NO_MEASURE).astype("int8")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.select(
            [kind == QUANTITY, kind == WEIGHT, kind == VALUE],
            [q[d] / q[a], w[d] / w[a], v[d] / v[a]], np.nan)
    return kind, ratio


def closeness(dev, tolerance: float):
    """How close out/in is to 1, from 1 (equal) to 0 (at the tolerance).

    Quadratic rather than linear: repacking and rounding move quantities by a few per cent
    all the time, so only a deviation near the tolerance should weaken the evidence much.
    """
    dev = np.asarray(dev, dtype="float64")
    if tolerance <= 0:
        return (dev <= 1e-9).astype("float64")
    with np.errstate(invalid="ignore"):
        return np.clip(1.0 - (dev / tolerance) ** 2, 0.0, 1.0)


def _pair_rank(closeness: np.ndarray, lag: np.ndarray, window_days: int,
               weights: Mapping[str, float]) -> np.ndarray:
    lag_score = 1.0 - lag / max(window_days, 1)
    return weights["quantity"] * closeness + weights["lag"] * lag_score + 1e-6 * closeness


def _assign(
    s: pd.DataFrame,
    pairs: dict[str, np.ndarray],
    window_days: int,
    tolerance: float,
    max_split: int,
    weights: Mapping[str, float],
) -> pd.DataFrame:
    """One-to-one links: single onward shipments first, then splits for the arrivals left,
    then consolidations for the onward shipments left."""
    a, d, ratio, lag, kind = pairs["a"], pairs["d"], pairs["ratio"], pairs["lag"], pairs["kind"]
    vratio = pairs["vratio"]
    with np.errstate(invalid="ignore"):
        dev = np.abs(ratio - 1.0)
        single = (kind != NO_MEASURE) & (dev <= tolerance + 1e-9)
        # no quantity in one unit on both sides: a weight that moved more (packing in or out)
        # still links when the value moved as goods do
        wide = ((kind == WEIGHT) & ~single & (dev <= CHAIN_WEIGHT_TOLERANCE + 1e-9)
                & (vratio >= 1.0 - tolerance) & (vratio <= 1.0 + CHAIN_VALUE_MAX_MARKUP))
    close = closeness(dev, tolerance)
    rank = _pair_rank(close, lag, window_days, weights)
    single = single | wide
    link_kind = np.where(wide, WEIGHT_VALUE, kind).astype("int8")
    sa, sd = a[single], d[single]
    chosen = _mutual_best(sa, sd, rank[single])
    links = pd.DataFrame({
        "a": sa[chosen], "d": sd[chosen], "lag": lag[single][chosen],
        "set_ratio": ratio[single][chosen], "kind": link_kind[single][chosen],
    })
    if max_split >= 2:
        used_a = np.zeros(len(s), dtype=bool)
        used_d = np.zeros(len(s), dtype=bool)
        used_a[links["a"].to_numpy()] = True
        used_d[links["d"].to_numpy()] = True
        rest = (~used_a[a]) & (~used_d[d]) & (kind != NO_MEASURE) & (ratio < 1.0 + tolerance)
        splits = _split_links(a[rest], d[rest], kind[rest], ratio[rest], lag[rest],
                              tolerance, max_split, window_days, weights)
        used_a[splits["a"].to_numpy()] = True
        used_d[splits["d"].to_numpy()] = True
        # consolidation, the mirror image: several arrivals left as one onward shipment. The
        # same bounded search with the roles swapped: per onward shipment its nearest
        # CHAIN_SPLIT_CANDIDATES unmatched arrivals (each below it), sets of 2 to max_split
        with np.errstate(invalid="ignore", divide="ignore"):
            rest = ((~used_a[a]) & (~used_d[d]) & (kind != NO_MEASURE)
                    & (ratio * (1.0 + tolerance) > 1.0))
            merged = _split_links(d[rest], a[rest], kind[rest], 1.0 / ratio[rest], lag[rest],
                                  tolerance, max_split, window_days, weights)
        merged = merged.rename(columns={"a": "d", "d": "a"})
        merged["set_ratio"] = 1.0 / merged["set_ratio"]
        links = pd.concat([links, splits, merged[list(splits.columns)]], ignore_index=True)
    return links


def _mutual_best(a: np.ndarray, d: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Indices of pairs chosen greedily by rank with each a and each d used once.

    Rounds accept every pair that is the best remaining one for both its arrival and its
    departure; this gives the same answer as the one-at-a-time greedy (the best pair left is
    always mutually best) but vectorised.
    """
    if len(a) == 0:
        return np.empty(0, dtype="int64")
    # best first; ties broken by earlier arrival, then earlier departure, so results are stable
    order = np.lexsort((d, a, -rank))
    a_o, d_o = a[order], d[order]
    alive = np.ones(len(order), dtype=bool)
    chosen: list[np.ndarray] = []
    n_rows = int(max(a.max(), d.max())) + 1
    taken_a = np.zeros(n_rows, dtype=bool)
    taken_d = np.zeros(n_rows, dtype=bool)
    for _ in range(64):
        idx = np.flatnonzero(alive)
        if len(idx) == 0:
            break
        aa, dd = a_o[idx], d_o[idx]
        _, first_a = np.unique(aa, return_index=True)
        _, first_d = np.unique(dd, return_index=True)
        best_a = np.zeros(len(idx), dtype=bool)
        best_d = np.zeros(len(idx), dtype=bool)
        best_a[first_a] = True
        best_d[first_d] = True
        win = idx[best_a & best_d]
        chosen.append(order[win])
        taken_a[a_o[win]] = True
        taken_d[d_o[win]] = True
        alive &= ~(taken_a[a_o] | taken_d[d_o])
    else:
        # long cascades of preferences: finish one pair at a time
        for i in np.flatnonzero(alive):
            if not taken_a[a_o[i]] and not taken_d[d_o[i]]:
                taken_a[a_o[i]] = taken_d[d_o[i]] = True
                chosen.append(order[[i]])
    return np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype="int64")


def _split_links(
    a: np.ndarray, d: np.ndarray, kind: np.ndarray, ratio: np.ndarray, lag: np.ndarray,
    tolerance: float, max_split: int, window_days: int, weights: Mapping[str, float],
) -> pd.DataFrame:
    """Arrivals that left in several smaller shipments: exact subset-sum over few candidates.

    Per arrival and kind of measure, the nearest ``CHAIN_SPLIT_CANDIDATES`` unmatched onward
    shipments (each already below the arrival) are tried in every combination of 2 to
    `max_split`; the best set is the one closest to the arrival, then shortest lag, then the
    fewest shipments. Sets compete for shipments best-first, as single links do.
    """
    out_cols = {"a": [], "d": [], "lag": [], "set_ratio": [], "kind": []}
    if len(a) == 0:
        return pd.DataFrame({k: pd.Series(v, dtype="float64" if k == "set_ratio" else "int64")
                             for k, v in out_cols.items()})
    cand = pd.DataFrame({"a": a, "d": d, "kind": kind, "ratio": ratio, "lag": lag})
    # the arrival needs at least two candidates of the same kind
    cand = cand.sort_values(["a", "kind", "lag", "d"], kind="stable")
    cand["pos"] = cand.groupby(["a", "kind"], sort=False).cumcount()
    cand = cand[cand["pos"] < CHAIN_SPLIT_CANDIDATES]
    size = cand.groupby(["a", "kind"], sort=False)["d"].transform("size")
    cand = cand[size >= 2]
    proposals = []
    used_d: set[int] = set()
    blocked: set[int] = set()
    for _ in range(3):
        pool = cand[~cand["d"].isin(used_d) & ~cand["a"].isin(blocked)]
        if len(pool) == 0:
            break
        found = _best_subsets(pool, tolerance, max_split, window_days, weights)
        if len(found) == 0:
            break
        found.sort(key=lambda p: (-p[0], p[1], p[2]))
        progress = False
        for score, a_i, kind_i, members, set_ratio, lags in found:
            if a_i in blocked or any(m in used_d for m in members):
                continue
            blocked.add(a_i)
            used_d.update(members)
            proposals.append((a_i, kind_i, members, set_ratio, lags))
            progress = True
        if not progress:
            break
    for a_i, kind_i, members, set_ratio, lags in proposals:
        for m, lg in zip(members, lags):
            out_cols["a"].append(a_i)
            out_cols["d"].append(m)
            out_cols["lag"].append(lg)
            out_cols["set_ratio"].append(set_ratio)
            out_cols["kind"].append(kind_i)
    return pd.DataFrame({
        "a": np.asarray(out_cols["a"], dtype="int64"),
        "d": np.asarray(out_cols["d"], dtype="int64"),
        "lag": np.asarray(out_cols["lag"], dtype="int64"),
        "set_ratio": np.asarray(out_cols["set_ratio"], dtype="float64"),
        "kind": np.asarray(out_cols["kind"], dtype="int8"),
    })


def _best_subsets(pool: pd.DataFrame, tolerance: float, max_split: int, window_days: int,
                  weights: Mapping[str, float]) -> list[tuple]:
    """Best subset per (arrival, kind) of a padded candidate matrix, all groups at once."""
    pool = pool.copy()
    pool["pos"] = pool.groupby(["a", "kind"], sort=False).cumcount()
    size = pool.groupby(["a", "kind"], sort=False)["d"].transform("size")
    pool = pool[size >= 2]
    if len(pool) == 0:
        return []
    groups = pool[["a", "kind"]].drop_duplicates().reset_index(drop=True)
    groups["g"] = np.arange(len(groups))
    pool = pool.merge(groups, on=["a", "kind"])
    k = int(pool["pos"].max()) + 1
    frac = np.full((len(groups), k), np.nan)
    lags = np.zeros((len(groups), k), dtype="int64")
    dep = np.full((len(groups), k), -1, dtype="int64")
    g, p = pool["g"].to_numpy(), pool["pos"].to_numpy()
    frac[g, p] = pool["ratio"].to_numpy()
    lags[g, p] = pool["lag"].to_numpy()
    dep[g, p] = pool["d"].to_numpy()
    best_rank = np.full(len(groups), -np.inf)
    best_combo: list = [None] * len(groups)
    best_ratio = np.full(len(groups), np.nan)
    for r in range(2, min(max_split, k) + 1):
        combos = np.array(list(itertools.combinations(range(k), r)), dtype="int64")
        for start in range(0, len(groups), 4096):
            rows = slice(start, start + 4096)
            sums = frac[rows][:, combos].sum(axis=2)      # NaN where a slot is padding
            max_lag = lags[rows][:, combos].max(axis=2)
            dev = np.abs(sums - 1.0)
            ok = dev <= tolerance + 1e-9
            close = closeness(dev, tolerance)
            # a small cost per extra shipment: the fewest pieces that explain the arrival win
            rank = _pair_rank(close, max_lag, window_days, weights) - 1e-3 * r
            rank = np.where(ok, rank, -np.inf)
            j = np.argmax(rank, axis=1)
            top = rank[np.arange(rank.shape[0]), j]
            base = np.arange(start, min(start + 4096, len(groups)))
            better = top > best_rank[base]
            for gi, jj in zip(base[better], j[better]):
                best_combo[gi] = combos[jj]
            best_ratio[base[better]] = sums[np.arange(rank.shape[0]), j][better]
            best_rank[base[better]] = top[better]
    found = []
    a_arr, kind_arr = groups["a"].to_numpy(), groups["kind"].to_numpy()
    for gi in np.flatnonzero(np.isfinite(best_rank)):
        cols = best_combo[gi]
        members = [int(x) for x in dep[gi, cols]]
        found.append((float(best_rank[gi]), int(a_arr[gi]), int(kind_arr[gi]), members,
                      float(best_ratio[gi]), [int(x) for x in lags[gi, cols]]))
    return found



def _cover_links(s: pd.DataFrame, links: pd.DataFrame, destinations: frozenset[str],
                 transit: frozenset[str] | None, window_days: int, tolerance: float,
                 weights: Mapping[str, float]) -> pd.DataFrame:
    """One-to-one links between an arrival and an onward shipment of another heading.

    Only rows no same-heading link used take part, and only heading pairs that plausibly
    are the same goods (:func:`_cover_heading_pairs`). The goods must be conserved: the quantity
    within the tolerance where both sides state it in one unit, net weight within
    ``CHAIN_WEIGHT_TOLERANCE`` (the tolerance if larger) and the value between
    ``1 - tolerance`` and ``1 + CHAIN_VALUE_MAX_MARKUP`` times.
    """
    cols = {"a": "int64", "d": "int64", "lag": "int64", "set_ratio": "float64",
            "kind": "int8", "cover": "bool"}
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    hs_code, hs_uniques = pd.factorize(s["hs6"])
    alias = _cover_heading_pairs([str(u) for u in hs_uniques])
    if len(s) == 0 or len(alias) == 0:
        return empty
    used = np.zeros(len(s), dtype=bool)
    used[links["a"].to_numpy()] = True
    used[links["d"].to_numpy()] = True
    arrivals = _arrivals(s, destinations, transit)
    arrivals = arrivals[~used[arrivals]]
    ent_codes, _ = pd.factorize(pd.concat([s["exporter"], s["importer"]], ignore_index=True))
    exp_code, imp_code = ent_codes[: len(s)].astype("int64"), ent_codes[len(s):].astype("int64")
    hs_code = hs_code.astype("int64")
    n_hs = max(len(hs_uniques), 1)
    # each arrival once per heading it may leave under
    ex = pd.DataFrame({"row": arrivals, "in": hs_code[arrivals]}).merge(alias, on="in")
    rows = ex["row"].to_numpy()
    key_in = imp_code[rows] * n_hs + ex["out"].to_numpy()
    key_out_all = np.where(used, -1, exp_code * n_hs + hs_code)
    day = s["day"].to_numpy() - int(s["day"].min())
    a, d = _range_join(rows, key_in, key_out_all, day, window_days)
    if len(a) == 0:
        return empty
    q, w, v = (s[c].to_numpy() for c in ("quantity", "net_weight_kg", "value_usd"))
    unit_code, _ = pd.factorize(s["unit"])
    with np.errstate(invalid="ignore", divide="ignore"):
        wr, vr, qr = w[d] / w[a], v[d] / v[a], q[d] / q[a]
        q_cmp = (unit_code[a] == unit_code[d]) & (unit_code[a] >= 0) & ~np.isnan(qr)
        ok = ((np.abs(wr - 1.0) <= max(tolerance, CHAIN_WEIGHT_TOLERANCE) + 1e-9)
              & (vr >= 1.0 - tolerance) & (vr <= 1.0 + CHAIN_VALUE_MAX_MARKUP)
              & (~q_cmp | (np.abs(qr - 1.0) <= tolerance + 1e-9)))
    a, d = a[ok], d[ok]
    ratio = np.where(q_cmp[ok], qr[ok], wr[ok])
    kind = np.where(q_cmp[ok], QUANTITY, WEIGHT).astype("int8")
    lag = (s["day"].to_numpy()[d] - s["day"].to_numpy()[a]).astype("int64")
    rank = _pair_rank(closeness(np.abs(ratio - 1.0), tolerance), lag, window_days, weights)
    chosen = _mutual_best(a, d, rank)
    return pd.DataFrame({"a": a[chosen], "d": d[chosen], "lag": lag[chosen],
                         "set_ratio": ratio[chosen], "kind": kind[chosen],
                         "cover": np.ones(len(chosen), dtype=bool)})


def _cover_heading_pairs(headings: list[str]) -> pd.DataFrame:
    """``in, out`` positions in `headings` of the pairs an onward shipment may be declared
    under instead: another heading of the same HS4, a pair of ``cover_headings()``, or, for
    CHPL goods, a parts subheading of their chapter (``parts_subheadings()``)."""
    table = cover_headings()
    pairs = set()
    by_hs4: dict[str, list[int]] = {}
    parts_by_chapter: dict[str, list[int]] = {}
    parts = parts_subheadings()
    for i, h in enumerate(headings):
        by_hs4.setdefault(h[:4], []).append(i)
        if h in parts:
            parts_by_chapter.setdefault(h[:2], []).append(i)
    for group in by_hs4.values():
        pairs.update((i, j) for i in group for j in group if i != j)
    for i, h in enumerate(headings):
        if chpl_tier_hs2022(h)[0] is not None:
            pairs.update((i, j) for j in parts_by_chapter.get(h[:2], ()) if i != j)
    for a, b in table:
        ins = [i for i, h in enumerate(headings) if h.startswith(a)]
        outs = [j for j, h in enumerate(headings) if h.startswith(b)]
        pairs.update((i, j) for i in ins for j in outs if i != j)
    frame = pd.DataFrame(sorted(pairs), columns=["in", "out"], dtype="int64")
    return frame
