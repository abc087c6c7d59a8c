"""What a front passes on matters: gates on the goods and on the pairing of its trade.

Two look-alikes of a front company trade the way one does without procuring for an army:

- a young company passing ordinary goods (grapes, T-shirts) through to Russian buyers: its
  pass-through and its destination share are real, but the goods are not what a
  defence-procurement network buys. :func:`goods_strength` measures, per company, how much
  of its trade is in CHPL headings (by tier) or other dual-use chapters, and the
  ``PASS_THROUGH`` and ``DEST_SHARE`` flags count only that share of their strength (never
  less than ``goods_floor``).
- an established re-exporter that imports and exports the same headings, but whose onward
  shipments never carry what an arrival brought (own stock, other lots): a distributor, not
  a conduit. :func:`onward_pairing` measures, per company, the share of its onward
  shipments that pair with an arrival of the same heading within the chain window (quantity
  within the chain tolerance, else net weight within the weight tolerance; one arrival, or
  two arrivals consolidated); ``DEST_SHARE`` counts only in proportion when that share is
  low (never less than ``pairing_floor``).

A flag that a gate weakens says so in its reason: ``PASS_THROUGH(ratio=0.99,goods=0.00)``,
``DEST_SHARE(pct=100,paired=0.00)``.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from queries.reference import (
    CHAIN_MAX_SPLIT,
    CHAIN_SPLIT_CANDIDATES,
    CHAIN_TOLERANCE,
    CHAIN_WEIGHT_TOLERANCE,
    CHAIN_WINDOW_DAYS,
    DUAL_USE_CHAPTERS,
    FRONT_DUAL_USE_STRENGTH,
    TIER_STRENGTH,
    chpl_tier_hs2022,
)

__all__ = ["activity_code", "gate_flags", "goods_strength", "heading_strength", "onward_pairing"]

_IN, _OUT = 0, 1
# Flags whose strength the goods gate scales, and the one the pairing gate scales.
GOODS_GATED: tuple[str, ...] = ("PASS_THROUGH", "DEST_SHARE")
PAIRING_GATED: tuple[str, ...] = ("DEST_SHARE",)


def heading_strength(headings) -> np.ndarray:
    """How strongly each HS6 heading speaks for defence procurement, in [0, 1].

    CHPL headings (HS 2022, or HS 2017 through :func:`chpl_tier_hs2022`) count their tier's
    strength (``TIER_STRENGTH``), other headings of the
    dual-use chapters ``FRONT_DUAL_USE_STRENGTH``, everything else 0.

    >>> heading_strength(["854231", "847130", "080610"]).tolist()
    [1.0, 0.5, 0.0]
    >>> heading_strength(["854140"]).tolist()  # HS 2017, counted as 854149 (tier 3A)
    [0.7]
    """
    out = []
    for h in headings:
        code = str(h)[:6]
        tier, _ = chpl_tier_hs2022(code)  # an HS 2017 code counts as the code it became
        if tier is not None:
            out.append(TIER_STRENGTH.get(tier, min(TIER_STRENGTH.values())))
        elif code[:2] in DUAL_USE_CHAPTERS:
            out.append(FRONT_DUAL_USE_STRENGTH)
        else:
            out.append(0.0)
    return np.asarray(out, dtype="float64")


def goods_strength(after: pd.DataFrame) -> pd.Series:
    """Per entity, the value-weighted heading strength of its trade in `after`.

    `after` holds the trade sides (``entity``, ``hs6``, ``value_usd``) after `since`; rows
    without a value count as the mean of the entity's rows.
    """
    if len(after) == 0:
        return pd.Series(dtype="float64")
    cats = after["hs6"].cat.categories if hasattr(after["hs6"], "cat") else None
    if cats is not None:
        table = pd.Series(heading_strength(cats), index=cats)
        strength = table.reindex(after["hs6"].astype(object)).to_numpy()
    else:
        strength = heading_strength(after["hs6"])
    entity = np.asarray(after["entity"], dtype=object)
    v = after["value_usd"].to_numpy(dtype="float64")
    v = np.where(np.isfinite(v) & (v > 0), v, np.nan)
    frame = pd.DataFrame({"e": entity, "s": strength, "v": v})
    mean_v = frame.groupby("e")["v"].transform("mean").fillna(1.0)
    frame["v"] = frame["v"].fillna(mean_v)
    frame["sv"] = frame["s"] * frame["v"]
    g = frame.groupby("e")
    return g["sv"].sum() / g["v"].sum()


def activity_code(code) -> str | None:
    """A NACE / OKVED activity code as written with its dot (``4690`` reads as ``46.90``).

    >>> activity_code("4690"), activity_code(" 47.11 "), activity_code("n/a")
    ('46.90', '47.11', None)
    """
    if code is None or pd.isna(code):
        return None
    text = str(code).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return None
    return text if "." in text else (digits[:2] + ("." + digits[2:] if len(digits) > 2 else ""))


def _close(a: np.ndarray, b: np.ndarray, tol: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.abs(a - b) <= tol * np.maximum(a, b)) & (np.maximum(a, b) > 0)


def onward_pairing(after: pd.DataFrame, window_days: int = CHAIN_WINDOW_DAYS,
                   candidates: int = CHAIN_SPLIT_CANDIDATES) -> pd.DataFrame:
    """Per entity, how many onward shipments there are in headings it also imported after
    `since` (``n``) and the share that pair with an arrival (``share``).

    An onward shipment pairs when an arrival of its heading at most `window_days` earlier
    carried the same quantity (within ``CHAIN_TOLERANCE``) or, where either lacks it, the
    same net weight (within ``CHAIN_WEIGHT_TOLERANCE``); or when two such arrivals did
    together (consolidation, among the ``CHAIN_MAX_SPLIT`` latest). Only the `candidates`
    latest arrivals before each onward shipment are looked at, so a distributor receiving
    the heading daily costs a bounded number of pairs per shipment.
    """
    empty = pd.DataFrame({"n": pd.Series(dtype="int64"), "share": pd.Series(dtype="float64")})
    d = after["dir"].to_numpy()
    ent, hs = (pd.factorize(after[c])[0].astype("int64") for c in ("entity", "hs6"))
    codes = ent * (int(hs.max(initial=0)) + 1) + hs
    days = (after["date"].to_numpy(dtype="datetime64[D]").astype("int64"))
    comp = codes * 10_000_000 + days
    ins, outs = np.flatnonzero(d == _IN), np.flatnonzero(d == _OUT)
    outs = outs[np.isin(codes[outs], codes[ins])]
    if len(outs) == 0:
        return empty
    ins = ins[np.argsort(comp[ins], kind="stable")]
    hi = np.searchsorted(comp[ins], comp[outs], side="right")
    lo = np.maximum(np.searchsorted(comp[ins], comp[outs] - window_days, side="left"),
                    hi - candidates)
    n = hi - lo
    o = np.repeat(np.arange(len(outs)), n)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)  # 0 = earliest candidate
    i = ins[np.repeat(lo, n) + offset]
    q = after["quantity"].to_numpy(dtype="float64")
    w = after["net_weight_kg"].to_numpy(dtype="float64")
    oi = outs[o]
    paired = np.zeros(len(outs), dtype=bool)
    paired[o[_pairs_match(q[oi], q[i], w[oi], w[i])]] = True
    # two arrivals consolidated into the onward shipment: among the CHAIN_MAX_SPLIT latest
    # arrivals before an onward shipment still unpaired
    keep = np.flatnonzero((np.repeat(n, n) - offset <= CHAIN_MAX_SPLIT) & ~paired[o])
    left, right = (keep[x] for x in _same_group_pairs(o[keep]))
    both = _pairs_match(q[oi[left]], q[i[left]] + q[i[right]], w[oi[left]],
                        w[i[left]] + w[i[right]])
    paired[o[left[both]]] = True
    frame = pd.DataFrame({"e": np.asarray(after["entity"], dtype=object)[outs], "p": paired})
    g = frame.groupby("e")["p"]
    return pd.DataFrame({"n": g.size(), "share": g.mean()})


def _same_group_pairs(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (a, b), a < b, of rows with the same `group` value (rows sorted by it)."""
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    lefts, rights = [], []
    for size in np.unique(sizes[sizes > 1]):
        a, b = np.triu_indices(int(size), k=1)
        base = starts[sizes == size]
        lefts.append((base[:, None] + a[None, :]).ravel())
        rights.append((base[:, None] + b[None, :]).ravel())
    if not lefts:
        return np.array([], dtype="int64"), np.array([], dtype="int64")
    return np.concatenate(lefts), np.concatenate(rights)


def _pairs_match(q_out, q_in, w_out, w_in) -> np.ndarray:
    both_q = np.isfinite(q_out) & np.isfinite(q_in)
    by_q = both_q & _close(q_out, q_in, CHAIN_TOLERANCE)
    by_w = ~both_q & np.isfinite(w_out) & np.isfinite(w_in) & _close(
        w_out, w_in, CHAIN_WEIGHT_TOLERANCE)
    return by_q | by_w


def gate_flags(flags: pd.DataFrame, after: pd.DataFrame, chains_links: pd.DataFrame | None,
               th: Mapping[str, float]) -> pd.DataFrame:
    """Scale the goods- and pairing-gated flags of `flags` (columns ``entity_id``, ``flag``,
    ``strength``, ``reason``) by the company's goods and pairing; note it in the reason.

    `after` is the trade after `since` (both sides of each shipment); intermediaries of
    `chains_links` (``intermediary_entity_id``) have shown their trade pairs, however split,
    and pass the pairing gate."""
    if len(flags) == 0:
        return flags
    flags = flags.copy()
    goods = goods_strength(after)
    full, floor = th["goods_full"], th["goods_floor"]
    g = goods.reindex(flags["entity_id"]).fillna(0.0).to_numpy()
    g_factor = np.clip(np.maximum(g / full, floor), 0.0, 1.0)
    gated = flags["flag"].isin(GOODS_GATED).to_numpy() & (g_factor < 1.0)
    _scale(flags, gated, g_factor, [f"goods={x:.2f}" for x in g])
    pairing = onward_pairing(after)
    pairing = pairing[pairing["n"] >= th["pairing_min_shipments"]]
    links = chains_links if chains_links is not None else pd.DataFrame()
    if "intermediary_entity_id" in links.columns:
        shown = set(links["intermediary_entity_id"].dropna().astype(str))
        pairing = pairing[~pairing.index.isin(shown)]
    p = pairing["share"].reindex(flags["entity_id"]).to_numpy()
    p_known = np.isfinite(p)
    p_factor = np.where(p_known, np.clip(np.maximum(np.nan_to_num(p) / th["pairing_full"],
                                                    th["pairing_floor"]), 0.0, 1.0), 1.0)
    gated = flags["flag"].isin(PAIRING_GATED).to_numpy() & (p_factor < 1.0)
    _scale(flags, gated, p_factor, [f"paired={x:.2f}" for x in np.nan_to_num(p)])
    return flags


def _scale(flags: pd.DataFrame, mask: np.ndarray, factor: np.ndarray, notes: list[str]) -> None:
    if not mask.any():
        return
    flags.loc[mask, "strength"] = flags.loc[mask, "strength"].to_numpy() * factor[mask]
    reasons = flags["reason"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(mask):
        reasons[i] = f"{reasons[i][:-1]},{notes[i]})"
    flags["reason"] = reasons
