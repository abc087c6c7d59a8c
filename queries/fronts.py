"""Front-company scoring: red flags of a company created or woken up to pass goods through.

Each company gets the flags that hold for it, each with the figure behind it, and a score
that combines them as independent evidence. Flags of one company alone come first (age at
first trade, dormancy, pass-through, destination and CHPL shares, liquidation, activity,
chains, listings, co-located young traders, officers shared with its Russian buyers); then
``SHARED_OFFICER`` counts the officers shared with the companies that pass one already made
suspect (through persons the resolver is sure of), so one nominee's fronts light up together.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from queries import QueryError
from queries.front_goods import activity_code, gate_flags
from queries.reference import (
    DESTINATIONS,
    DUAL_USE_CHAPTERS,
    FITTING_ACTIVITY_PREFIXES,
    FRONT_MIN_SCORE,
    FRONT_SUSPECT_SCORE,
    FRONT_THRESHOLDS,
    FRONT_WEIGHTS,
    INVASION_DATE,
    LIQUIDATED_STATUSES,
    TRANSIT,
    chpl_tier_hs2022,
)
from queries.shipments import DetectionInputError, company_table, prepare_shipments

__all__ = ["FRONT_COLUMNS", "FLAGS", "NAME_ONLY_EVIDENCE", "score_fronts"]

# CONTRACT.md, output `fronts`.
FRONT_COLUMNS: tuple[str, ...] = (
    "entity_id", "name", "country", "registration_number", "incorporation_date", "score",
    "reasons",
)
# Every red flag, in the order reasons list them.
FLAGS: tuple[str, ...] = tuple(FRONT_WEIGHTS)

_IN, _OUT = 0, 1


def score_fronts(
    companies: pd.DataFrame,
    shipments: pd.DataFrame,
    officers: pd.DataFrame | None = None,
    listings: pd.DataFrame | None = None,
    mirrors: pd.DataFrame | None = None,
    chains_links: pd.DataFrame | None = None,
    *,
    since: str = INVASION_DATE,
    weights: Mapping[str, float] | None = None,
    min_score: float = FRONT_MIN_SCORE,
    destinations: Iterable[str] = DESTINATIONS,
    transit: Iterable[str] = TRANSIT,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Score companies on the red flags of a front company.

    Parameters
    ----------
    companies : DataFrame
        RESOLVED ``companies`` (rows repeated per entity are merged, registry rows first).
    shipments : DataFrame
        RESOLVED ``shipments``.
    officers : DataFrame, optional
        RESOLVED ``officers`` (``officer_entity_id``, ``company_entity_id``): shared officers.
        Optional ``officer_resolved_by`` (Person ``resolved_by``): persons joined on the name
        alone (:data:`NAME_ONLY_EVIDENCE`) link no companies in the SHARED_OFFICER flags.
    listings : DataFrame, optional
        RESOLVED ``listings``: companies already on a list are marked ``LISTED``.
    mirrors : DataFrame, optional
        RESOLVED ``mirrors``: a shipment declared on both sides counts once.
    chains_links : DataFrame, optional
        ``ChainResult.links`` of :func:`queries.chains.find_chains` (usually the chains over
        the command line's threshold): their intermediaries get ``CHAIN_INTERMEDIARY`` and
        their buyers count as the company's buyers.
    since : str
        ISO date; trade from this day on is what the flags look at (default the invasion).
    weights : mapping, optional
        Overrides of ``reference.FRONT_WEIGHTS`` (flag -> weight in [0, 1]; 0 switches a
        flag off).
    min_score : float
        Companies scoring below are left out.
    destinations, transit : iterable of str
        Destination countries (``DEST_SHARE``, buyers) and transit jurisdictions.
    thresholds : mapping, optional
        Overrides of ``reference.FRONT_THRESHOLDS``.

    Returns
    -------
    DataFrame
        The columns of CONTRACT.md ``fronts`` (:data:`FRONT_COLUMNS`), one row per company
        with at least one flag and a score of at least `min_score`, highest score first.

    Raises
    ------
    DetectionInputError
        When an input frame lacks a column it needs.

    Notes
    -----
    The score is ``1 - prod(1 - weight * strength)`` over the flags that hold; each flag's
    strength is in [0, 1] (e.g. the pass-through ratio, the destination share). Reasons:

    - ``NEW_COMPANY(days_to_first_trade=N)``: first trade on or after `since`, incorporated
      after `since` or within ``new_company_days`` of its first trade.
    - ``DORMANT_THEN_ACTIVE(years=N)``: incorporated before `since`, no trade seen for N >=
      ``dormant_years`` years (counted from its last trade, its incorporation or the first
      record of the data, whichever is latest), then trade after `since`.
    - ``NO_PRIOR_HISTORY(pct=N)``: an older company, seen for at least a year before,
      whose trade after `since` is N % in headings it never traded before.
    - ``PASS_THROUGH(ratio=R)``: per heading, min(in, out) / max(in, out) after `since`,
      averaged over headings by number of shipments (quantity, else weight, else value).
    - ``DEST_SHARE(pct=N)``: exports (by value) to the destinations, for companies outside.
    - ``CHPL_SHARE(pct=N)``: trade (by value) in CHPL headings.
    - ``SHARED_ADDRESS(companies=N,young=M)``: N companies registered at its address, M of
      them young (as ``NEW_COMPANY``) and trading a heading it trades; holds when at least
      one other such company is there, so a business centre of old tenants stays dark.
    - ``SHARED_OFFICER(companies=N)``: officers or owners shared with N other suspects.
    - ``SHARED_OFFICER_WITH_BUYER(buyers=N)``: an officer or owner shared with N buyers in
      the destinations (direct, or at the end of its chains), or the buyer owns it.
    - ``LIQUIDATED(days_active=N)``: dissolved after `since`, N days after incorporation.
    - ``TRANSIT_JURISDICTION(country=XX)``; ``ACTIVITY_MISMATCH(code=C)``: dual-use goods
      under an activity that does not explain them; ``CHAIN_INTERMEDIARY(links=N)``;
      ``LISTED(list=L)``.

    ``PASS_THROUGH`` and ``DEST_SHARE`` count in proportion to the goods (CHPL tier, other
    dual-use goods) and ``DEST_SHARE`` to the onward shipments that pair with an arrival; a
    reason so weakened ends in ``goods=G`` or ``paired=P`` (:mod:`queries.front_goods`).

    Examples
    --------
    >>> import pandas as pd
    >>> co = pd.DataFrame({"entity_id": ["kg"], "name": ["Alfa OsOO"], "country": ["KG"],
    ...                    "registration_number": ["123"], "incorporation_date": ["2023-01-10"]})
    >>> s = pd.DataFrame({
    ...     "shipment_id": ["s1", "s2"], "record_id": ["A", "B"],
    ...     "date": ["2023-02-20", "2023-03-01"], "hs6": ["854231", "854231"],
    ...     "quantity": [1000, 990], "value_usd": [10000, 13000],
    ...     "exporter_entity_id": ["cn", "kg"], "exporter_country": ["CN", "KG"],
    ...     "importer_entity_id": ["kg", "ru"], "importer_country": ["KG", "RU"]})
    >>> f = score_fronts(co, s)
    >>> f.loc[0, "reasons"]
    'NEW_COMPANY(days_to_first_trade=41);PASS_THROUGH(ratio=0.99);DEST_SHARE(pct=100);CHPL_SHARE(pct=100);TRANSIT_JURISDICTION(country=KG)'
    >>> round(float(f.loc[0, "score"]), 2)
    0.75
    """
    w = {**FRONT_WEIGHTS, **(weights or {})}
    unknown = set(w) - set(FRONT_WEIGHTS)
    if unknown:
        raise QueryError(f"unknown front flag(s) in weights: {', '.join(sorted(unknown))}")
    th = {**FRONT_THRESHOLDS, **(thresholds or {})}
    try:
        since_ts = pd.Timestamp(since)
    except (ValueError, TypeError) as e:
        raise QueryError(f"since must be a date (YYYY-MM-DD), not {since!r}") from e
    destinations = frozenset(str(c).strip().upper() for c in destinations)
    transit = frozenset(str(c).strip().upper() for c in transit)

    co = company_table(companies)
    s = prepare_shipments(shipments, mirrors)
    trade = _trade_sides(s, since_ts)
    facts = _per_company(co, trade, since_ts, th)
    young = set(facts.index[facts["young"]])

    flags: list[pd.DataFrame] = []
    flags.append(_new_company(facts, th))
    flags.append(_dormant(facts, th))
    flags.append(_no_prior_history(facts, trade, th))
    flags.append(_pass_through(trade, th))
    flags.append(_dest_share(facts, trade, destinations, th))
    flags.append(_chpl_share(trade, th))
    flags.append(_shared_address(co, trade, young, th))
    flags.append(_liquidated(facts, since_ts, th))
    flags.append(_transit(facts, transit))
    flags.append(_activity_mismatch(facts, trade))
    flags.append(_chain_intermediary(chains_links))
    flags.append(_listed(listings))
    company_officers = _officer_pairs(officers)
    flags.append(_shared_officer_with_buyer(s, trade, company_officers, chains_links,
                                            destinations))
    # the goods and the pairing of its trade weigh pass-through and destination flags
    flags = [gate_flags(_concat(flags), trade[trade["after"]], chains_links, th)]
    scores = _combine(flags[0], w)
    suspects = set(scores.index[scores >= FRONT_SUSPECT_SCORE])
    flags.append(_shared_officer(company_officers, suspects))
    return _result(_concat(flags), co, w, min_score)


# --- inputs --------------------------------------------------------------------------------


def _empty_flags() -> pd.DataFrame:
    return pd.DataFrame({"entity_id": pd.Series(dtype="object"),
                         "flag": pd.Series(dtype="object"),
                         "strength": pd.Series(dtype="float64"),
                         "reason": pd.Series(dtype="object")})


def _concat(flags: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [f for f in flags if len(f)]
    return pd.concat(parts, ignore_index=True) if parts else _empty_flags()


def _flags(entity_ids, flag: str, strength, reasons) -> pd.DataFrame:
    ids = list(entity_ids)
    if not ids:
        return _empty_flags()
    strength = np.broadcast_to(np.asarray(strength, dtype="float64"), (len(ids),))
    return pd.DataFrame({"entity_id": ids, "flag": flag,
                         "strength": np.clip(strength, 0.0, 1.0), "reason": list(reasons)})


def _trade_sides(s: pd.DataFrame, since: pd.Timestamp) -> pd.DataFrame:
    """Each shipment twice, once from each party's side: who, which way, with whom, what.

    Parties, headings and countries are categoricals: the frame has two rows per shipment,
    and grouping a few million rows by category codes is many times faster than by strings.
    """
    # prepare_shipments gives exporter and importer (and their countries) shared categories
    n = len(s)
    exp, imp = s["exporter"].cat.codes.to_numpy(), s["importer"].cat.codes.to_numpy()
    names = s["exporter"].cat.categories
    exp_c = s["exporter_country"].cat.codes.to_numpy()
    imp_c = s["importer_country"].cat.codes.to_numpy()
    country_names = s["exporter_country"].cat.categories

    def cat(codes, categories):
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))

    hs, hs_names = s["hs6"].cat.codes.to_numpy(), s["hs6"].cat.categories
    trade = pd.DataFrame({
        "entity": cat(np.concatenate([exp, imp]), names),
        "dir": np.repeat(np.array([_OUT, _IN], dtype="int8"), n),
        "partner": cat(np.concatenate([imp, exp]), names),
        "partner_country": cat(np.concatenate([imp_c, exp_c]), country_names),
        "own_country": cat(np.concatenate([exp_c, imp_c]), country_names),
        "date": np.tile(s["date"].to_numpy(), 2),
        "hs6": cat(np.tile(hs, 2), hs_names),
        "quantity": np.tile(s["quantity"].to_numpy(), 2),
        "net_weight_kg": np.tile(s["net_weight_kg"].to_numpy(), 2),
        "value_usd": np.tile(s["value_usd"].to_numpy(), 2),
    })
    trade["after"] = (trade["date"] >= since).to_numpy(dtype=bool)
    return trade


def _plain_index(x: pd.Series | pd.DataFrame):
    """Results grouped by a categorical come back with a categorical index: make it plain."""
    x = x.copy()
    x.index = pd.Index(np.asarray(x.index, dtype=object), name=x.index.name)
    return x


def _per_company(co: pd.DataFrame, trade: pd.DataFrame, since: pd.Timestamp,
                 th: Mapping[str, float]) -> pd.DataFrame:
    """Dates and facts per company entity: incorporation, first and last trades, youth."""
    g = trade.groupby("entity")["date"]
    dates = pd.DataFrame({"first_trade": g.min(), "last_trade": g.max()})
    after = trade[trade["after"]]
    before = trade[~trade["after"]]
    dates["first_after"] = after.groupby("entity")["date"].min()
    dates["last_before"] = before.groupby("entity")["date"].max()
    # where the customs say a party sits, for companies the registries do not know
    seen = trade.groupby(["entity", "own_country"]).size().reset_index(name="n")
    seen = seen[seen["n"] > 0].sort_values(["entity", "n"], ascending=[True, False])
    seen = seen.drop_duplicates("entity").set_index("entity")["own_country"]
    dates["country_seen"] = seen.astype(object)
    dates = _plain_index(dates)
    facts = co.join(dates, how="outer")
    facts["data_start"] = trade["date"].min() if len(trade) else pd.NaT
    facts["country"] = facts["country"].where(facts["country"].notna(), facts["country_seen"])
    inc = facts["incorporation_date"]
    days = (facts["first_trade"] - inc).dt.days
    facts["days_to_first_trade"] = days
    trading_new = facts["first_trade"].notna() & (facts["first_trade"] >= since)
    facts["young"] = (trading_new & inc.notna()
                      & ((inc >= since) | (days <= th["new_company_days"]))).to_numpy(dtype=bool)
    return facts


# Joins on the name alone (loaders.resolve_persons.NAME_ONLY, kept equal by a test): such a
# person may be two namesakes, so he links no boards.
NAME_ONLY_EVIDENCE = frozenset({"rare_name", "name"})


def _officer_pairs(officers: pd.DataFrame | None) -> pd.DataFrame:
    """Distinct (company, officer) pairs of officers sure enough to link companies."""
    if officers is None or len(officers) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ("company", "officer")})
    if not isinstance(officers, pd.DataFrame):
        raise DetectionInputError("officers must be a pandas DataFrame")
    missing = [c for c in ("officer_entity_id", "company_entity_id") if c not in officers.columns]
    if missing:
        raise DetectionInputError(f"officers frame lacks column(s): {', '.join(missing)}")
    if "officer_resolved_by" in officers.columns:
        officers = officers[~officers["officer_resolved_by"].isin(NAME_ONLY_EVIDENCE)]
    pairs = pd.DataFrame({"company": officers["company_entity_id"].astype("object"),
                          "officer": officers["officer_entity_id"].astype("object")})
    pairs = pairs.dropna().astype(str)
    return pairs[pairs["company"] != pairs["officer"]].drop_duplicates().reset_index(drop=True)


# --- individual flags ----------------------------------------------------------------------


def _new_company(facts: pd.DataFrame, th: Mapping[str, float]) -> pd.DataFrame:
    f = facts[facts["young"]]
    days = f["days_to_first_trade"].clip(lower=0).astype("int64")
    # incorporated after `since` but slow to start trading: weaker than trading at once
    strength = np.where(days <= th["new_company_days"], 1.0, 0.7)
    return _flags(f.index, "NEW_COMPANY", strength,
                  [f"NEW_COMPANY(days_to_first_trade={d})" for d in days])


def _dormant(facts: pd.DataFrame, th: Mapping[str, float]) -> pd.DataFrame:
    f = facts[facts["first_after"].notna() & facts["incorporation_date"].notna()
              & ~facts["young"]]
    f = f[f["incorporation_date"] < f["first_after"]]
    # silence is only seen where the records reach: a data set that starts in 2023 says
    # nothing about 2015, so the years counted start no earlier than its first record
    prior = f["last_before"].where(f["last_before"].notna(), f["incorporation_date"])
    prior = prior.where(prior > f["data_start"], f["data_start"])
    years = (f["first_after"] - prior).dt.days / 365.25
    hit = years >= th["dormant_years"]
    return _flags(f.index[hit], "DORMANT_THEN_ACTIVE", 1.0,
                  [f"DORMANT_THEN_ACTIVE(years={int(y)})" for y in years[hit]])


def _weighted_share(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Per entity, the share of `frame` rows under `mask`, by value where values are known."""
    v = frame["value_usd"]
    known = v.notna()
    by_value = (v.where(mask, 0.0).where(known).groupby(frame["entity"]).sum()
                / v.groupby(frame["entity"]).sum())
    by_count = mask.groupby(frame["entity"]).mean()
    has_value = known.groupby(frame["entity"]).any() & (v.groupby(frame["entity"]).sum() > 0)
    return _plain_index(by_value.where(has_value, by_count).dropna())


def _no_prior_history(facts: pd.DataFrame, trade: pd.DataFrame,
                      th: Mapping[str, float]) -> pd.DataFrame:
    # only an older company (or one with trade before) can lack a history: for a new one the
    # flag would just repeat NEW_COMPANY
    # and only where the records show at least a year of its life before that trade
    seen_from = facts["incorporation_date"].where(
        facts["incorporation_date"] > facts["data_start"], facts["data_start"])
    history = (facts["first_after"] - seen_from).dt.days
    older = facts.index[
        ~facts["young"] & facts["first_after"].notna() & (history >= 365).fillna(False)
        & ((facts["incorporation_date"] < facts["first_after"]).fillna(False)
           | facts["last_before"].notna())]
    t = trade[trade["entity"].isin(list(older))]
    if len(t) == 0:
        return _empty_flags()
    before = t.loc[~t["after"], ["entity", "hs6"]].drop_duplicates()
    after = t[t["after"]].merge(before.assign(seen=True), on=["entity", "hs6"], how="left")
    share = _weighted_share(after, after["seen"].isna())
    hit = share[share >= th["no_prior_share"]]
    return _flags(hit.index, "NO_PRIOR_HISTORY", hit.to_numpy(),
                  [f"NO_PRIOR_HISTORY(pct={round(x * 100)})" for x in hit])


def _pass_through(trade: pd.DataFrame, th: Mapping[str, float]) -> pd.DataFrame:
    a = trade[trade["after"]]
    both = a.groupby("entity")["dir"].nunique()
    a = a[a["entity"].isin(list(both.index[both == 2]))]
    if len(a) == 0:
        return _empty_flags()
    keys = [a["entity"], a["hs6"], a["dir"]]
    stats = {"n": a["date"].groupby(keys).size()}
    for m in ("quantity", "net_weight_kg", "value_usd"):
        stats[f"n_{m}"] = a[m].groupby(keys).count()
        # a few rows without the measure: estimate the total from the rows that have it
        stats[f"e_{m}"] = a[m].groupby(keys).mean() * stats["n"]
    g = pd.DataFrame(stats).unstack("dir")
    n_in = g[("n", _IN)].fillna(0)
    n_out = g[("n", _OUT)].fillna(0)
    est_in = pd.Series(np.nan, index=g.index)
    est_out = pd.Series(np.nan, index=g.index)
    for m in ("quantity", "net_weight_kg", "value_usd"):  # the first measure both sides have
        usable = ((g[(f"n_{m}", _IN)].fillna(0) > 0) & (g[(f"n_{m}", _OUT)].fillna(0) > 0)
                  & est_in.isna())
        est_in = est_in.where(~usable, g[(f"e_{m}", _IN)])
        est_out = est_out.where(~usable, g[(f"e_{m}", _OUT)])
    ratio = (np.minimum(est_in, est_out) / np.maximum(est_in, est_out)).fillna(0.0)
    weight = n_in + n_out
    entity = np.asarray(g.index.get_level_values(0), dtype=object)
    overall = (ratio * weight).groupby(entity).sum() / weight.groupby(entity).sum()
    hit = overall[overall >= th["pass_through_ratio"]]
    return _flags(hit.index, "PASS_THROUGH", hit.to_numpy(),
                  [f"PASS_THROUGH(ratio={x:.2f})" for x in hit])


def _dest_share(facts: pd.DataFrame, trade: pd.DataFrame, destinations: frozenset[str],
                th: Mapping[str, float]) -> pd.DataFrame:
    inside = list(facts.index[facts["country"].isin(destinations).fillna(False)])
    out = trade[trade["after"] & (trade["dir"] == _OUT) & ~trade["entity"].isin(inside)]
    if len(out) == 0:
        return _empty_flags()
    share = _weighted_share(out, out["partner_country"].isin(destinations).fillna(False))
    hit = share[share >= th["dest_share"]]
    return _flags(hit.index, "DEST_SHARE", hit.to_numpy(),
                  [f"DEST_SHARE(pct={round(x * 100)})" for x in hit])


def _chpl_share(trade: pd.DataFrame, th: Mapping[str, float]) -> pd.DataFrame:
    a = trade[trade["after"]]
    if len(a) == 0:
        return _empty_flags()
    # an HS 2017 code counts as the HS 2022 code it became (chpl_tier_hs2022)
    listed = [h for h in a["hs6"].dropna().unique() if chpl_tier_hs2022(h)[0] is not None]
    share = _weighted_share(a, a["hs6"].isin(listed))
    hit = share[share >= th["chpl_share"]]
    return _flags(hit.index, "CHPL_SHARE", hit.to_numpy(),
                  [f"CHPL_SHARE(pct={round(x * 100)})" for x in hit])


def _shared_address(co: pd.DataFrame, trade: pd.DataFrame, young: set,
                    th: Mapping[str, float]) -> pd.DataFrame:
    at = co.loc[co["address_id"].notna(), ["address_id"]].reset_index()
    size = at.groupby("address_id")["entity_id"].transform("size")
    at = at[size >= 2]
    if len(at) == 0:
        return _empty_flags()
    goods = trade[["entity", "hs6"]].drop_duplicates().astype(object).rename(
        columns={"entity": "entity_id"})
    tenants = at.merge(goods, on="entity_id")
    young_tenants = tenants[tenants["entity_id"].isin(young)]
    # pairs (company, young co-tenant) that trade at least one heading in common
    pairs = tenants.merge(young_tenants, on=["address_id", "hs6"], suffixes=("", "_peer"))
    pairs = pairs[["entity_id", "entity_id_peer"]].drop_duplicates()
    peers = pairs[pairs["entity_id"] != pairs["entity_id_peer"]].groupby("entity_id").size()
    hit = peers[peers >= th["shared_address_young"]]
    if len(hit) == 0:
        return _empty_flags()
    n_at = at.groupby("address_id")["entity_id"].size()
    addr = at.set_index("entity_id")["address_id"]
    companies = n_at.reindex(addr.reindex(hit.index)).to_numpy()
    young_count = hit + np.array([e in young for e in hit.index], dtype="int64")
    return _flags(hit.index, "SHARED_ADDRESS", np.minimum(hit.to_numpy() / 2.0, 1.0),
                  [f"SHARED_ADDRESS(companies={int(n)},young={int(y)})"
                   for n, y in zip(companies, young_count)])


def _liquidated(facts: pd.DataFrame, since: pd.Timestamp, th: Mapping[str, float]) -> pd.DataFrame:
    status = facts["status"].fillna("")
    gone = facts["dissolution_date"].notna() | status.isin(LIQUIDATED_STATUSES)
    # a registry that says "liquidated" without a date: the last trade is the best end known
    end = facts["dissolution_date"].where(facts["dissolution_date"].notna(), facts["last_trade"])
    f = facts[gone & end.notna() & facts["incorporation_date"].notna()]
    end = end[f.index]
    days = (end - f["incorporation_date"]).dt.days
    hit = (end >= since) & (days >= 0) & (days <= th["liquidated_days"])
    return _flags(f.index[hit], "LIQUIDATED", 1.0,
                  [f"LIQUIDATED(days_active={int(d)})" for d in days[hit]])


def _transit(facts: pd.DataFrame, transit: frozenset[str]) -> pd.DataFrame:
    f = facts[facts["first_after"].notna() & facts["country"].isin(transit).fillna(False)]
    return _flags(f.index, "TRANSIT_JURISDICTION", 1.0,
                  [f"TRANSIT_JURISDICTION(country={c})" for c in f["country"]])


def _activity_mismatch(facts: pd.DataFrame, trade: pd.DataFrame) -> pd.DataFrame:
    codes = facts["activity_code"].map(activity_code)
    codes = codes[codes.notna()]
    headings = trade["hs6"].cat.categories
    dual_codes = [h for h in headings if str(h)[:2] in DUAL_USE_CHAPTERS]
    dual = set(trade.loc[trade["after"] & trade["hs6"].isin(dual_codes), "entity"].unique())
    hit = [(e, c) for e, c in codes.items()
           if e in dual and not c.startswith(FITTING_ACTIVITY_PREFIXES)]
    return _flags([e for e, _ in hit], "ACTIVITY_MISMATCH", 1.0,
                  [f"ACTIVITY_MISMATCH(code={c})" for _, c in hit])


def _chain_intermediary(links: pd.DataFrame | None) -> pd.DataFrame:
    if links is None or len(links) == 0:
        return _empty_flags()
    need = ("intermediary_entity_id", "in_shipment_id")
    missing = [c for c in need if c not in links.columns]
    if missing:
        raise DetectionInputError(f"chains_links frame lacks column(s): {', '.join(missing)}")
    n = links.dropna(subset=list(need)).groupby("intermediary_entity_id")["in_shipment_id"].nunique()
    return _flags(n.index.astype(str), "CHAIN_INTERMEDIARY", 1.0,
                  [f"CHAIN_INTERMEDIARY(links={int(x)})" for x in n])


def _listed(listings: pd.DataFrame | None) -> pd.DataFrame:
    if listings is None or len(listings) == 0:
        return _empty_flags()
    if "entity_id" not in listings.columns:
        raise DetectionInputError("listings frame lacks column(s): entity_id")
    names = (listings["list"] if "list" in listings.columns
             else pd.Series("listed", index=listings.index))
    lst = pd.DataFrame({"e": listings["entity_id"].astype("object"),
                        "l": names.astype("object").fillna("listed").astype(str)}).dropna()
    by = lst.drop_duplicates().sort_values(["e", "l"]).groupby("e")["l"].agg(",".join)
    return _flags(by.index.astype(str), "LISTED", 1.0, [f"LISTED(list={x})" for x in by])


def _buyers(s: pd.DataFrame, trade: pd.DataFrame, links: pd.DataFrame | None,
            destinations: frozenset[str]) -> pd.DataFrame:
    """(company, buyer) pairs: buyers in the destinations it sold to, directly or through
    the chains it is an intermediary of."""
    direct = trade.loc[(trade["dir"] == _OUT) & trade["partner_country"].isin(destinations)
                       .fillna(False), ["entity", "partner"]].drop_duplicates().astype(object)
    direct.columns = ["company", "buyer"]
    parts = [direct]
    if links is not None and len(links) and {"chain_id", "out_shipment_id",
                                             "intermediary_entity_id"} <= set(links.columns):
        to_buyer = s.loc[s["importer_country"].isin(destinations).fillna(False),
                         ["shipment_id", "importer"]]
        ends = links.merge(to_buyer, left_on="out_shipment_id", right_on="shipment_id")
        chain_buyers = ends[["chain_id", "importer"]].drop_duplicates()
        via = links[["chain_id", "intermediary_entity_id"]].drop_duplicates().merge(
            chain_buyers, on="chain_id")
        via = via[["intermediary_entity_id", "importer"]]
        via.columns = ["company", "buyer"]
        parts.append(via)
    pairs = pd.concat(parts, ignore_index=True).dropna().astype(str).drop_duplicates()
    return pairs[pairs["company"] != pairs["buyer"]]


def _shared_officer_with_buyer(s: pd.DataFrame, trade: pd.DataFrame, officers: pd.DataFrame,
                               links: pd.DataFrame | None,
                               destinations: frozenset[str]) -> pd.DataFrame:
    if len(officers) == 0:
        return _empty_flags()
    pairs = _buyers(s, trade, links, destinations)
    if len(pairs) == 0:
        return _empty_flags()
    mine = pairs.merge(officers, on="company")  # company, buyer, officer
    theirs = officers.rename(columns={"company": "buyer"})
    shared = mine.merge(theirs, on=["buyer", "officer"])[["company", "buyer"]]
    # the buyer itself owning or directing the company
    owned = mine[mine["officer"] == mine["buyer"]][["company", "buyer"]]
    hits = pd.concat([shared, owned]).drop_duplicates().groupby("company").size()
    return _flags(hits.index, "SHARED_OFFICER_WITH_BUYER", 1.0,
                  [f"SHARED_OFFICER_WITH_BUYER(buyers={int(n)})" for n in hits])


def _shared_officer(officers: pd.DataFrame, suspects: set) -> pd.DataFrame:
    if len(officers) == 0 or not suspects:
        return _empty_flags()
    # officers that sit on at least one suspect company
    suspect_officers = officers[officers["company"].isin(suspects)]
    pairs = officers.merge(suspect_officers, on="officer", suffixes=("", "_other"))
    pairs = pairs[pairs["company"] != pairs["company_other"]]
    n = pairs[["company", "company_other"]].drop_duplicates().groupby("company").size()
    return _flags(n.index, "SHARED_OFFICER", np.minimum(n.to_numpy() / 2.0, 1.0),
                  [f"SHARED_OFFICER(companies={int(x)})" for x in n])


# --- the score -----------------------------------------------------------------------------


def _combine(flags: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    if len(flags) == 0:
        return pd.Series(dtype="float64")
    w = flags["flag"].map(weights).fillna(0.0).to_numpy(dtype="float64")
    keep = 1.0 - np.clip(w * flags["strength"].to_numpy(), 0.0, 1.0)
    return 1.0 - pd.Series(keep, index=flags.index).groupby(flags["entity_id"]).prod()


def _result(flags: pd.DataFrame, co: pd.DataFrame, weights: Mapping[str, float],
            min_score: float) -> pd.DataFrame:
    flags = flags[flags["flag"].map(weights).fillna(0.0) > 0]
    if len(flags) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FRONT_COLUMNS})
    # a company keeps one reason per flag (the strongest)
    flags = (flags.assign(order=flags["flag"].map({f: i for i, f in enumerate(FLAGS)}))
             .sort_values(["entity_id", "order", "strength"], ascending=[True, True, False])
             .drop_duplicates(["entity_id", "flag"]))
    scores = _combine(flags, weights)
    reasons = flags.groupby("entity_id", sort=False)["reason"].agg(";".join)
    out = pd.DataFrame({"score": scores.round(4), "reasons": reasons})
    out = out[out["score"] >= min_score]
    info = co.reindex(out.index)
    result = pd.DataFrame({
        "entity_id": out.index.astype(str),
        "name": info["name"].to_numpy(dtype=object),
        "country": info["country"].to_numpy(dtype=object),
        "registration_number": info["registration_number"].to_numpy(dtype=object),
        "incorporation_date": [None if pd.isna(d) else pd.Timestamp(d).date()
                               for d in info["incorporation_date"]],
        "score": out["score"].to_numpy(dtype="float64"),
        "reasons": out["reasons"].to_numpy(dtype=object),
    })
    for c in ("name", "country", "registration_number"):
        result[c] = [None if v is None or pd.isna(v) else v for v in result[c]]
    return result.sort_values(["score", "entity_id"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)
