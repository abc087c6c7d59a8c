"""Reference data and default parameters of the detection algorithms, kept in one place.

The Common High Priority List (CHPL) lives in ``queries/data/chpl.csv``: 50 HS6 headings of
battlefield items with their tier (1, 2, 3A, 3B, 4A, 4B), as published jointly by the US, EU,
UK and Japan (February 2024 version); the descriptions were joined from the HS 2022
nomenclature of the public datasets/harmonized-system repository (commit 905e5a0, ODC-PDDL).
The file is the project's own copy of ``shared/data/chpl.csv`` so that installed copies of
tracegraph do not need the shared folder. Declarations made under HS 2017 reach the list
through ``queries/data/chpl_hs2017.csv`` (:func:`chpl_hs2017`), an excerpt of the WCO HS 2017 -
HS 2022 correlation tables.

Everything a user may want to tune (country sets, thresholds, weights) has a default here;
the functions of :mod:`queries.chains` and :mod:`queries.fronts` take them as parameters.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from queries import QueryError

__all__ = [
    "CHPL_PATH",
    "CHPL_HS2017_PATH",
    "chpl_tiers",
    "chpl_hs2017",
    "chpl_tier_hs2022",
    "chpl_tier_strength",
    "INVASION_DATE",
    "DESTINATIONS",
    "TRANSIT",
    "COALITION",
    "DEFENCE_ACTIVITY_CODES",
    "DEFENCE_CATEGORIES",
    "SANCTIONED_CATEGORIES",
    "TIER_STRENGTH",
    "CHAIN_WINDOW_DAYS",
    "CHAIN_TOLERANCE",
    "CHAIN_MAX_HOPS",
    "CHAIN_MIN_SCORE",
    "CHAIN_MAX_SPLIT",
    "CHAIN_SPLIT_CANDIDATES",
    "CHAIN_MAX_CANDIDATES",
    "CHAIN_WEIGHTS",
    "UNIT_SYNONYMS",
    "COVER_HEADINGS_PATH",
    "cover_headings",
    "PARTS_SUBHEADINGS_PATH",
    "parts_subheadings",
    "CHAIN_VALUE_MAX_MARKUP",
    "CHAIN_WEIGHT_TOLERANCE",
    "CHAIN_COVER_FACTOR",
    "CHAIN_FULL_MARKUP",
    "YOUNG_COMPANY_DAYS",
    "FRONT_WEIGHTS",
    "FRONT_MIN_SCORE",
    "FRONT_SUSPECT_SCORE",
    "FRONT_THRESHOLDS",
    "FRONT_DUAL_USE_STRENGTH",
    "DUAL_USE_CHAPTERS",
    "FITTING_ACTIVITY_PREFIXES",
    "LIQUIDATED_STATUSES",
]

CHPL_PATH = Path(__file__).resolve().parent / "data" / "chpl.csv"
# The CHPL names HS 2022 headings; records of 2018-2021 (and late adopters after) are declared
# under HS 2017. Only the HS 2017 headings that HS 2022 split or renumbered into a CHPL heading
# are listed (WCO correlation tables), each with all the HS 2022 headings it went to; they
# are all headings HS 2022 no longer has, so reading a code as HS 2017 never overrides an HS
# 2022 one. Headings HS 2022 left unchanged (8471.60/70/80, 8542.3x, ...) need no row.
CHPL_HS2017_PATH = Path(__file__).resolve().parent / "data" / "chpl_hs2017.csv"
# Known cover headings: goods declared on the way on under another heading (UAV parts as
# agricultural sprayers, chips as computer parts, ...), one row per (arrival HS prefix,
# onward HS prefix) with the goods and the public source in the file.
COVER_HEADINGS_PATH = Path(__file__).resolve().parent / "data" / "cover_headings.csv"
# Parts subheadings: the HS6 subheadings of chapters 84, 85, 88 and 90 (the chapters of the
# CHPL) whose HS 2022 description names parts, taken from the nomenclature of the public
# datasets/harmonized-system repository (commit 905e5a0, ODC-PDDL). CHPL goods declared on
# the way on as parts of another heading of their own chapter (oscilloscopes as parts of
# optical appliances) are a cover heading the table need not list pair by pair.
PARTS_SUBHEADINGS_PATH = Path(__file__).resolve().parent / "data" / "hs_parts.csv"

# The day of the full-scale invasion: companies created after it to trade with Russia are the
# classic front; sanctions on dual-use goods tightened from then on.
INVASION_DATE = "2022-02-24"

# Where the goods must end up for a chain, and where the intermediaries of the known evasion
# routes sit. China is left out of the transit set on purpose: it is mostly the supplier's
# country, and counting Chinese companies as intermediaries would stretch chains backwards
# through ordinary domestic distribution. Add it per call when that is the question.
DESTINATIONS: frozenset[str] = frozenset({"RU", "BY"})
TRANSIT: frozenset[str] = frozenset(
    {"AE", "AM", "AZ", "GE", "HK", "KG", "KZ", "MN", "RS", "TJ", "TM", "TR", "UZ"}
)

# The sanctions coalition: countries whose export controls on Russia stop their goods going
# there, so that goods of their origin reaching Russia through a transit country are the
# re-exports those controls (and transit-country rules such as Kazakhstan's on EU, US and UK
# goods) forbid. The set is the United States plus the partner countries the US exempts
# because they impose substantially similar controls (EAR 15 CFR part 746, supplement no. 3:
# the EU 27, Australia, Canada, Iceland, Japan, Liechtenstein, New Zealand, Norway, South
# Korea, Switzerland, Taiwan and the United Kingdom). The canned query
# coalition-origin-onward-to-russia.cypher defaults to the same list (a test keeps them in step).
COALITION: frozenset[str] = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
     "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
    | {"US", "AU", "CA", "GB", "IS", "JP", "KR", "LI", "NO", "NZ", "CH", "TW"}
)

# OKVED / NACE main activities of arms and military-electronics makers: weapons and
# ammunition, military fighting vehicles, air and spacecraft, measuring and navigation
# instruments.
DEFENCE_ACTIVITY_CODES: frozenset[str] = frozenset({"25.40", "30.30", "30.40", "26.51"})

# Watchlist categories (CONTRACT.md, watchlist.category) that mark a defence-industry buyer,
# and those that mark a listed one.
DEFENCE_CATEGORIES: frozenset[str] = frozenset({"defence_industry", "military_end_user"})
SANCTIONED_CATEGORIES: frozenset[str] = frozenset({"sanctioned"})

# How strongly each CHPL tier speaks for a chain: tier 1 (integrated circuits) are the items
# found in nearly every captured Russian weapon, tier 4 the machine tools that make them.
TIER_STRENGTH: dict[str, float] = {
    "1": 1.0, "2": 0.85, "3A": 0.7, "3B": 0.7, "4A": 0.55, "4B": 0.55,
}

# Quantity units as declared (lower-cased) to one spelling: customs of the Eurasian union
# write pieces as "шт" and kilograms as "кг", others "pcs", "pce", "u", "nmb"; the same goods
# compare on quantity only once the spellings agree.
UNIT_SYNONYMS: dict[str, str] = {
    "pcs": "pcs", "pc": "pcs", "pce": "pcs", "piece": "pcs", "pieces": "pcs", "шт": "pcs",
    "шт.": "pcs", "u": "pcs", "unit": "pcs", "units": "pcs", "nmb": "pcs", "nar": "pcs",
    "ea": "pcs", "each": "pcs",
    "kg": "kg", "kgs": "kg", "кг": "kg", "кг.": "kg", "kgm": "kg",
}

# --- transshipment chains ------------------------------------------------------------------

CHAIN_WINDOW_DAYS = 60          # longest wait between arrival and onward shipment
CHAIN_TOLERANCE = 0.15          # onward quantity within +-15% of the arrival
CHAIN_MAX_HOPS = 4              # shipments in a chain, supplier to buyer
CHAIN_MAX_SPLIT = 4             # onward shipments adding up to one arrival (and back)
CHAIN_SPLIT_CANDIDATES = 10     # nearest shipments searched for such a set
# Onward shipments looked at per arrival, nearest in time first: it bounds memory when a big
# distributor ships the same heading every day; a front company never comes near it.
CHAIN_MAX_CANDIDATES = 64

# Where the two sides state no quantity in one unit (one counts pieces, the other kilograms,
# or one says nothing), net weight within CHAIN_WEIGHT_TOLERANCE links them when the value
# moved as goods do too (between 1 - tolerance and 1 + CHAIN_VALUE_MAX_MARKUP times).
# A link between two headings (same HS4, or a pair of cover_headings()) needs the quantity
# within the chain tolerance when both sides state it in one unit, the net weight within
# CHAIN_WEIGHT_TOLERANCE (weights are declared with or without packing, and move more
# than counts do), and a value ratio between 1 - tolerance and 1 + CHAIN_VALUE_MAX_MARKUP;
# its quantity evidence counts CHAIN_COVER_FACTOR of a same-heading link's, so such a chain
# scores below the same chain declared plainly.
CHAIN_WEIGHT_TOLERANCE = 0.25
CHAIN_VALUE_MAX_MARKUP = 0.5
CHAIN_COVER_FACTOR = 0.5

# Score of a chain = weighted sum of its evidence, each in [0, 1]. Quantity closeness, short
# lag, a young intermediary and a mark-up together weigh 0.45, so ordinary goods to an ordinary
# buyer stay below CHAIN_MIN_SCORE however well the quantities agree: only CHPL goods or a
# defence / listed buyer can lift a chain over it.
CHAIN_WEIGHTS: dict[str, float] = {
    "quantity": 0.20,
    "lag": 0.10,
    "chpl": 0.30,
    "buyer": 0.25,
    "young_intermediary": 0.10,
    "markup": 0.05,
    # goods of COALITION origin (reason COALITION_ORIGIN): a legal fact about the goods, not
    # evidence that the records form a chain, so it ranks nothing by default; a weight here
    # would also lift ordinary EU consumer goods towards the threshold.
    "coalition_origin": 0.0,
}
# The threshold the command line applies by default (`tracegraph chains --min-score`).
CHAIN_MIN_SCORE = 0.5
# A mark-up this large (as a fraction of the price paid) counts as full evidence.
CHAIN_FULL_MARKUP = 0.3
# An intermediary is young when incorporated after INVASION_DATE or less than this many days
# before its first trade.
YOUNG_COMPANY_DAYS = 365

# --- front companies -----------------------------------------------------------------------

# Weight of each red flag; a company's score combines them as independent evidence:
# score = 1 - prod(1 - weight * strength), so one flag never makes a front on its own, and
# several strong ones approach 1.
FRONT_WEIGHTS: dict[str, float] = {
    "NEW_COMPANY": 0.30,
    "DORMANT_THEN_ACTIVE": 0.25,
    "NO_PRIOR_HISTORY": 0.10,
    "PASS_THROUGH": 0.30,
    "DEST_SHARE": 0.30,
    "CHPL_SHARE": 0.25,
    "SHARED_ADDRESS": 0.25,
    "SHARED_OFFICER": 0.25,
    "SHARED_OFFICER_WITH_BUYER": 0.35,
    "LIQUIDATED": 0.15,
    "TRANSIT_JURISDICTION": 0.05,
    "ACTIVITY_MISMATCH": 0.15,
    "CHAIN_INTERMEDIARY": 0.30,
    "LISTED": 0.15,
}
# Companies scoring below this are left out of `tracegraph fronts` by default. No single
# flag reaches it, even with TRANSIT_JURISDICTION on top: exporting to Russia from Almaty
# is not a front on its own.
FRONT_MIN_SCORE = 0.4
# In the second pass, companies scoring at least this on their own flags count as the
# "other suspects" that SHARED_OFFICER looks for.
FRONT_SUSPECT_SCORE = 0.5

# Where each flag starts to hold.
FRONT_THRESHOLDS: dict[str, float] = {
    # first trade within this many days of incorporation
    "new_company_days": 365,
    # no trade for at least this many years before trading again after `since`
    "dormant_years": 3,
    # share of post-`since` trade in headings never traded before
    "no_prior_share": 0.8,
    # min(in, out) / max(in, out) per heading
    "pass_through_ratio": 0.7,
    # share of exports going to the destinations
    "dest_share": 0.5,
    # share of trade in CHPL headings
    "chpl_share": 0.5,
    # young co-located companies trading a heading it trades, besides the company itself
    "shared_address_young": 1,
    # liquidated within this many days of incorporation
    "liquidated_days": 3 * 365,
    # goods gate (queries.front_goods): PASS_THROUGH and DEST_SHARE count fully from this
    # value-weighted heading strength on (CHPL tier strength, other dual-use goods
    # FRONT_DUAL_USE_STRENGTH, ordinary goods 0), in proportion below it, never below the floor
    "goods_full": 0.5,
    "goods_floor": 0.25,
    # pairing gate: DEST_SHARE counts fully from this share of onward shipments (in headings
    # the company imported) that carry what an arrival brought, in proportion below it, never
    # below the floor; judged from this many such onward shipments on
    "pairing_full": 0.3,
    "pairing_floor": 0.25,
    "pairing_min_shipments": 3,
}
# Heading strength of dual-use goods (DUAL_USE_CHAPTERS) outside the CHPL, for the goods gate.
FRONT_DUAL_USE_STRENGTH = 0.5

# HS chapters of the dual-use goods whose trade an activity code must explain
# (machinery, electronics, aircraft, optics and instruments, arms).
DUAL_USE_CHAPTERS: frozenset[str] = frozenset({"84", "85", "88", "90", "93"})

# NACE / OKVED activity prefixes that plausibly trade such goods: manufacturing of
# electronics, machinery and vehicles, repair, wholesale, ICT retail, transport and logistics,
# telecoms and IT, engineering and research. Anything else (food retail 47.11, restaurants,
# construction, agriculture, real estate, ...) trading chips is a mismatch.
FITTING_ACTIVITY_PREFIXES: tuple[str, ...] = (
    "25", "26", "27", "28", "29", "30", "32", "33",
    "45", "46",
    "47.4", "47.9",
    "49", "50", "51", "52", "53",
    "61", "62", "63", "71", "72",
    "95",
)

LIQUIDATED_STATUSES: frozenset[str] = frozenset(
    {"liquidated", "dissolved", "closed", "struck off", "struck_off", "inactive", "ceased",
     "in liquidation", "liquidation", "bankrupt"}
)


@lru_cache(maxsize=1)
def chpl_tiers() -> dict[str, str]:
    """Return the CHPL as ``{hs6: tier}``.

    Returns
    -------
    dict of str to str
        Six-digit HS heading to its CHPL tier (``"1"``, ``"2"``, ``"3A"``, ...).

    Examples
    --------
    >>> chpl_tiers()["854231"]
    '1'
    """
    try:
        with CHPL_PATH.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise QueryError(f"cannot read the CHPL reference file {CHPL_PATH}: {e}") from e
    tiers = {}
    for row in rows:
        hs6, tier = (row.get("hs6") or "").strip(), (row.get("tier") or "").strip().upper()
        if len(hs6) != 6 or not hs6.isdigit() or tier not in TIER_STRENGTH:
            raise QueryError(f"bad row in {CHPL_PATH}: {row!r}")
        tiers[hs6] = tier
    return tiers


def chpl_tier_strength(hs6: str | None) -> tuple[str | None, float]:
    """Return the CHPL tier of a heading and how strongly it speaks for a chain.

    Parameters
    ----------
    hs6 : str or None
        Six-digit HS heading, HS 2022 or HS 2017 (:func:`chpl_tier_hs2022`).

    Returns
    -------
    (tier, strength) : tuple
        ``(None, 0.0)`` for goods outside the CHPL.

    Examples
    --------
    >>> chpl_tier_strength("854231")
    ('1', 1.0)
    >>> chpl_tier_strength("854140")  # HS 2017, split into 854141-854149 (854149 is 3A)
    ('3A', 0.7)
    >>> chpl_tier_strength("940360")
    (None, 0.0)
    """
    tier, _ = chpl_tier_hs2022(hs6)
    return tier, TIER_STRENGTH.get(tier, 0.0) if tier else 0.0


@lru_cache(maxsize=1)
def chpl_hs2017() -> dict[str, tuple[str, ...]]:
    """Return the HS 2017 headings HS 2022 split or renumbered into CHPL headings, as
    ``{hs2017: (hs2022, ...)}`` (all the HS 2022 headings each went to, sorted).

    Examples
    --------
    >>> chpl_hs2017()["854140"]
    ('854141', '854142', '854143', '854149')
    """
    try:
        with CHPL_HS2017_PATH.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise QueryError(f"cannot read the HS 2017 correspondence {CHPL_HS2017_PATH}: {e}") from e
    tiers, out = chpl_tiers(), {}
    for row in rows:
        old, new = (row.get("hs2017") or "").strip(), (row.get("hs2022") or "").strip()
        # an HS 2017 code still valid in HS 2022 would be ambiguous: the CHPL names it itself
        if not (len(old) == 6 and old.isdigit() and len(new) == 6 and new.isdigit()
                and old not in tiers and (row.get("source") or "").strip()):
            raise QueryError(f"bad row in {CHPL_HS2017_PATH}: {row!r}")
        out.setdefault(old, set()).add(new)
    return {old: tuple(sorted(new)) for old, new in out.items()}


def chpl_tier_hs2022(hs6: str | None) -> tuple[str | None, str | None]:
    """Return the CHPL tier of a heading and, where it was read as an HS 2017 heading, the
    HS 2022 heading the tier comes from.

    An HS 2017 heading that HS 2022 split takes the highest tier among the headings it went
    to (strongest first, then the lower tier name and heading, so the answer is stable).

    Parameters
    ----------
    hs6 : str or None
        Six-digit HS heading, HS 2022 or HS 2017.

    Returns
    -------
    (tier, hs2022) : tuple
        ``(tier, None)`` for a CHPL heading itself, ``(None, None)`` outside the CHPL.

    Examples
    --------
    >>> chpl_tier_hs2022("854231")
    ('1', None)
    >>> chpl_tier_hs2022("854140")
    ('3A', '854149')
    >>> chpl_tier_hs2022("940360")
    (None, None)
    """
    code, tiers = str(hs6 or "")[:6], chpl_tiers()
    if code in tiers:
        return tiers[code], None
    hits = [(-TIER_STRENGTH[tiers[c]], tiers[c], c) for c in chpl_hs2017().get(code, ())
            if c in tiers]
    if not hits:
        return None, None
    _, tier, via = min(hits)
    return tier, via


@lru_cache(maxsize=1)
def cover_headings() -> tuple[tuple[str, str], ...]:
    """Return the known cover headings as ``(arrival HS prefix, onward HS prefix)`` pairs.

    Examples
    --------
    >>> ("880730", "8424") in cover_headings()
    True
    """
    try:
        with COVER_HEADINGS_PATH.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise QueryError(f"cannot read the cover headings file {COVER_HEADINGS_PATH}: {e}") from e
    pairs = []
    for row in rows:
        a, b = (row.get("in_prefix") or "").strip(), (row.get("out_prefix") or "").strip()
        if not (a.isdigit() and b.isdigit() and 4 <= len(a) <= 6 and 4 <= len(b) <= 6
                and (row.get("source") or "").strip()):
            raise QueryError(f"bad row in {COVER_HEADINGS_PATH}: {row!r}")
        pairs.append((a, b))
    return tuple(pairs)


@lru_cache(maxsize=1)
def parts_subheadings() -> frozenset[str]:
    """Return the HS6 parts subheadings of chapters 84, 85, 88 and 90 (HS 2022).

    Examples
    --------
    >>> "901390" in parts_subheadings(), "903020" in parts_subheadings()
    (True, False)
    """
    try:
        with PARTS_SUBHEADINGS_PATH.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise QueryError(f"cannot read the parts subheadings file {PARTS_SUBHEADINGS_PATH}: "
                         f"{e}") from e
    codes = [(row.get("hs6") or "").strip() for row in rows]
    bad = [c for c in codes if not (c.isdigit() and len(c) == 6)]
    if bad or not codes:
        raise QueryError(f"bad row in {PARTS_SUBHEADINGS_PATH}: {bad[:1] or 'no rows'}")
    return frozenset(codes)
