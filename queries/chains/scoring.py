"""Chain scores: the evidence a chain carries, how strong each piece is, and its reason codes.

Evidence comes from the links (quantity closeness, lag, mark-up), the goods (CHPL tier) and
what is known about the parties beyond the shipments: a defence-industry or listed buyer, an
intermediary that is young or woke up from years of silence to trade after the invasion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from queries.chains.links import MEASURE_NAMES, QUANTITY, closeness
from queries.reference import (
    CHAIN_COVER_FACTOR,
    CHAIN_FULL_MARKUP,
    COALITION,
    DEFENCE_CATEGORIES,
    FRONT_THRESHOLDS,
    INVASION_DATE,
    TIER_STRENGTH,
    YOUNG_COMPANY_DAYS,
    chpl_tier_hs2022,
)
from queries.shipments import company_table, require_columns

__all__ = ["REASON_CODES", "PartyFacts", "coalition_origins", "defence_entities",
           "party_facts", "score_chain"]

# Every code a chain's ``reasons`` may carry, in the order they appear; docs/methodology.md
# explains each (tests/test_methodology.py keeps the two in step).
REASON_CODES: tuple[str, ...] = (
    "QTY_MATCH", "LAG", "SPLIT", "CONSOLIDATED", "HS_MISMATCH", "CHPL", "DEFENCE_BUYER",
    "LISTED_BUYER", "YOUNG_INTERMEDIARY", "DORMANT_INTERMEDIARY", "MARKUP", "COALITION_ORIGIN",
)


@dataclass(frozen=True)
class PartyFacts:
    """What the registries, the lists and the trade say about the parties of some chains.

    Attributes
    ----------
    names, registration_numbers : dict
        Entity id to text (``""`` where unknown).
    born : dict
        Entity id to incorporation date, where known.
    trade : dict
        Intermediary id to ``(first trade, start of the silence before the invasion, first
        trade on or after the invasion)``.
    listed : dict
        Entity id to the lists naming it, comma-separated.
    defence : set
        Defence-industry entities: on a defence list or with a defence activity code.
    invasion : Timestamp
        ``reference.INVASION_DATE``.
    """

    names: dict
    registration_numbers: dict
    born: dict
    trade: dict
    listed: dict
    defence: set
    invasion: pd.Timestamp


def party_facts(
    s: pd.DataFrame,
    entities: set,
    intermediaries: set,
    companies: pd.DataFrame | None,
    listings: pd.DataFrame | None,
    defence_codes: frozenset[str],
    data_start=None,
) -> PartyFacts:
    """The facts about `entities` that scores and chain rows need.

    `s` are the prepared shipments (trade dates of the `intermediaries` are read from all of
    them); `data_start` is where the records begin (silence is counted from there at most).
    """
    info = company_table(companies)
    listed, defence_listed = _listing_info(listings)
    defence = defence_listed | _defence_by_activity(info, defence_codes)
    invasion = pd.Timestamp(INVASION_DATE)
    known = info[info.index.isin(entities)]
    return PartyFacts(
        names={k: _text(v) for k, v in known["name"].items()},
        registration_numbers={k: _text(v) for k, v in known["registration_number"].items()},
        born={k: v for k, v in known["incorporation_date"].items() if pd.notna(v)},
        trade=_trade_dates(s, intermediaries, invasion,
                           None if data_start is None else pd.Timestamp(data_start)),
        listed=listed,
        defence=defence,
        invasion=invasion,
    )


def defence_entities(companies: pd.DataFrame | None, listings: pd.DataFrame | None,
                     defence_codes: frozenset[str]) -> set[str]:
    """Entities on a defence-industry list or with an activity code in `defence_codes`."""
    _, defence_listed = _listing_info(listings)
    return defence_listed | _defence_by_activity(company_table(companies), defence_codes)


def score_chain(
    figures: Mapping,
    hs6: str,
    buyers: list,
    intermediaries: list,
    value_in: float | None,
    value_out: float | None,
    facts: PartyFacts,
    window_days: int,
    tolerance: float,
    weights: Mapping[str, float],
    coalition: frozenset[str] = COALITION,
) -> tuple[float, list[str]]:
    """A chain's score in [0, 1] (weighted sum of its evidence) and its reason codes.

    `figures` holds the chain's ``quantity_ratio``, ``worst_dev`` (largest deviation of a
    step from 1), ``max_lag_days`` and ``value_kind`` (values were what matched), and may
    hold ``origins``: the declared countries of origin of its first (inbound) records,
    ``;``-separated. Origins in `coalition` give ``COALITION_ORIGIN``; it adds
    ``weights["coalition_origin"]`` to the score, 0 unless the caller gives one.
    """
    parts, reasons = _evidence(figures, hs6, buyers, intermediaries, value_in, value_out,
                               facts, window_days, tolerance)
    origins = coalition_origins(figures.get("origins"), coalition)
    parts["coalition_origin"] = 1.0 if origins else 0.0
    if origins:
        reasons.append(f"COALITION_ORIGIN(origin={','.join(origins)})")
    score = sum(weights.get(k, 0.0) * v for k, v in parts.items())
    return round(min(max(score, 0.0), 1.0), 4), reasons


def _evidence(f, hs6, buyers, intermediaries, v_in, v_out, facts: PartyFacts, window_days,
              tolerance) -> tuple[dict[str, float], list[str]]:
    """Strength in [0, 1] of each kind of evidence a chain carries, and its reason codes."""
    ratio, worst, lag = float(f["quantity_ratio"]), float(f["worst_dev"]), int(f["max_lag_days"])
    parts = {"quantity": float(closeness(worst, tolerance)),
             "lag": max(0.0, 1.0 - lag / max(window_days, 1))}
    measure = MEASURE_NAMES.get(int(f.get("measure", QUANTITY)), "quantity")
    # which measure matched, when it was not the quantity in one unit on both sides
    reasons = [f"QTY_MATCH(ratio={ratio:.2f})" if measure == "quantity"
               else f"QTY_MATCH(ratio={ratio:.2f},measure={measure})", f"LAG(days={lag})"]
    if int(f.get("split_out", 1)) > 1:
        reasons.append(f"SPLIT(out={int(f['split_out'])})")
    if int(f.get("merged_in", 1)) > 1:
        reasons.append(f"CONSOLIDATED(in={int(f['merged_in'])})")
    covers = [c.split(":") for c in str(f.get("covers") or "").split(";") if c]
    if covers:
        # goods declared under another heading on the way: weaker evidence than the same one
        parts["quantity"] *= CHAIN_COVER_FACTOR
        reasons += [f"HS_MISMATCH(in={i},out={o})" for i, o in covers]
    tier, via = chpl_tier_hs2022(hs6)
    parts["chpl"] = TIER_STRENGTH[tier] if tier else 0.0
    # an HS 2017 heading takes its tier from the HS 2022 heading it became: say which
    if tier:
        reasons.append(f"CHPL(tier={tier})" if via is None
                       else f"CHPL(tier={tier},hs2022={via})")
    is_defence = any(b in facts.defence for b in buyers)
    buyer_lists = sorted({x for b in buyers for x in facts.listed.get(b, "").split(",") if x})
    parts["buyer"] = 1.0 if is_defence else (0.8 if buyer_lists else 0.0)
    if is_defence:
        reasons.append("DEFENCE_BUYER")
    if buyer_lists:
        reasons.append(f"LISTED_BUYER(list={','.join(buyer_lists)})")
    young_days, dormant_years = _young_or_dormant(intermediaries, facts)
    parts["young_intermediary"] = 1.0 if young_days or dormant_years else 0.0
    if young_days:
        reasons.append(f"YOUNG_INTERMEDIARY(days={min(young_days)})")
    elif dormant_years:
        reasons.append(f"DORMANT_INTERMEDIARY(years={max(dormant_years)})")
    markup = None
    # a mark-up is a price difference per unit: meaningless when values were what matched
    if not f["value_kind"] and v_in is not None and v_out is not None and v_in > 0 and ratio > 0:
        markup = (v_out / v_in) / ratio - 1.0
    parts["markup"] = 0.0 if markup is None else min(max(markup / CHAIN_FULL_MARKUP, 0.0), 1.0)
    if markup is not None and round(markup * 100) >= 1:
        reasons.append(f"MARKUP(pct={round(markup * 100)})")
    return parts, reasons


def coalition_origins(origins, coalition: frozenset[str] = COALITION) -> list[str]:
    """The countries of `origins` (``;``- or ``,``-separated text, as declared) that are in
    `coalition`, upper-cased, sorted and once each.

    Examples
    --------
    >>> coalition_origins("de;CN;us;DE")
    ['DE', 'US']
    >>> coalition_origins(None)
    []
    """
    if origins is None or (not isinstance(origins, str) and pd.isna(origins)):
        return []
    found = {c.strip().upper() for c in str(origins).replace(",", ";").split(";")}
    return sorted(found & set(coalition))


def _young_or_dormant(intermediaries, facts: PartyFacts) -> tuple[list[int], list[int]]:
    """Days from incorporation to first trade of the young intermediaries, and years of
    silence of the older ones that woke up after the invasion."""
    young_days, dormant_years = [], []
    for e in intermediaries:
        inc = facts.born.get(e)
        if inc is None:
            continue
        first, silent_from, woke = facts.trade.get(e, (inc, None, None))
        days = int((first - inc).days)
        if inc > facts.invasion or days < YOUNG_COMPANY_DAYS:
            young_days.append(max(days, 0))
        elif woke is not None:
            # silence is only seen where the records reach
            years = (woke - max(x for x in (silent_from, inc) if x is not None)).days / 365.25
            if years >= FRONT_THRESHOLDS["dormant_years"]:
                dormant_years.append(int(years))
    return young_days, dormant_years


def _listing_info(listings: pd.DataFrame | None) -> tuple[dict[str, str], set[str]]:
    """Lists naming each entity, and the entities on a defence-industry list."""
    if listings is None or len(listings) == 0:
        return {}, set()
    require_columns(listings, "listings", ("entity_id",))
    lst = listings.copy()
    lst["entity_id"] = lst["entity_id"].astype("string")
    lst = lst[lst["entity_id"].notna()]
    names = lst["list"].astype("string").fillna("listed") if "list" in lst else pd.Series(
        "listed", index=lst.index, dtype="string")
    by_entity = (pd.DataFrame({"e": lst["entity_id"], "l": names}).drop_duplicates()
                 .sort_values(["e", "l"]).groupby("e")["l"].agg(",".join).to_dict())
    defence = set()
    if "category" in lst.columns:
        cat = lst["category"].astype("string").str.strip().str.lower()
        defence = set(lst.loc[cat.isin(DEFENCE_CATEGORIES).fillna(False).to_numpy(bool),
                              "entity_id"])
    return by_entity, defence


def _defence_by_activity(info: pd.DataFrame, codes: frozenset[str]) -> set[str]:
    if len(info) == 0 or not codes:
        return set()
    act = info["activity_code"].astype("string").str.strip()
    hit = pd.Series(False, index=info.index)
    for code in codes:
        hit |= act.str.startswith(code).fillna(False)
    return set(info.index[hit.to_numpy(bool)])

def _trade_dates(s: pd.DataFrame, entities: set, invasion: pd.Timestamp,
                 data_start: pd.Timestamp | None) -> dict:
    """Per entity, over all matchable shipments in or out: ``(first trade, start of the
    silence before the invasion, first trade on or after the invasion)``.

    The silence starts at the last trade before the invasion, or at `data_start` when there
    was none or it came earlier (the records say nothing before they begin); ``None`` when
    neither is known. The last item is ``None`` when the entity never traded after it.
    """
    entities = list(entities)
    exp = s.loc[s["exporter"].isin(entities), ["exporter", "date"]].rename(columns={"exporter": "e"})
    imp = s.loc[s["importer"].isin(entities), ["importer", "date"]].rename(columns={"importer": "e"})
    both = pd.concat([exp, imp])
    both["e"] = both["e"].astype(object)
    first = both.groupby("e")["date"].min()
    before = both[both["date"] < invasion].groupby("e")["date"].max()
    after = both[both["date"] >= invasion].groupby("e")["date"].min()
    out = {}
    for e, day in first.items():
        silent_from = before.get(e)
        if data_start is not None and not pd.isna(data_start) and (
                silent_from is None or silent_from < data_start):
            silent_from = data_start
        out[e] = (day, silent_from, after.get(e))
    return out



def _text(x) -> str:
    return "" if x is None or pd.isna(x) else str(x)

