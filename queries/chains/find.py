"""Finding transshipment chains: prepare the shipments, match links, build and score chains."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pandas as pd

from queries import QueryError
from queries.chains.assembly import ROLE_COLUMNS, build_chains, chain_roles
from queries.chains.links import match_links
from queries.reference import (
    CHAIN_MAX_HOPS,
    CHAIN_MAX_SPLIT,
    CHAIN_TOLERANCE,
    CHAIN_WEIGHTS,
    CHAIN_WINDOW_DAYS,
    DEFENCE_ACTIVITY_CODES,
    DESTINATIONS,
    TRANSIT,
)
from queries.shipments import prepare_shipments

__all__ = ["ChainResult", "find_chains"]


@dataclass
class ChainResult:
    """What :func:`find_chains` found.

    Attributes
    ----------
    chains : DataFrame
        One row per chain, the columns of CONTRACT.md ``chains`` (:data:`CHAIN_COLUMNS`),
        highest score first.
    links : DataFrame
        One row per matched arrival -> onward shipment of the chains returned
        (:data:`LINK_COLUMNS`): what the graph stores as ``FORWARDED_AS``. Where one arrival
        left in several shipments, each has its row and ``quantity_ratio`` is that of the set.
    roles : DataFrame
        ``entity_id, role`` with role ``Supplier``, ``Intermediary`` or ``DefenceBuyer``.
    """

    chains: pd.DataFrame
    links: pd.DataFrame
    roles: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(ROLE_COLUMNS)))


def find_chains(
    shipments: pd.DataFrame,
    companies: pd.DataFrame | None = None,
    listings: pd.DataFrame | None = None,
    mirrors: pd.DataFrame | None = None,
    *,
    destinations: Iterable[str] = DESTINATIONS,
    transit: Iterable[str] | None = TRANSIT,
    window_days: int = CHAIN_WINDOW_DAYS,
    tolerance: float = CHAIN_TOLERANCE,
    hs_prefix: str | None = None,
    min_score: float = 0.0,
    max_hops: int = CHAIN_MAX_HOPS,
    defence_codes: Iterable[str] = DEFENCE_ACTIVITY_CODES,
    max_split: int = CHAIN_MAX_SPLIT,
    weights: Mapping[str, float] | None = None,
    data_start=None,
    same_heading_only: bool = False,
) -> ChainResult:
    """Find transshipment chains in resolved shipment records.

    Parameters
    ----------
    shipments : DataFrame
        RESOLVED ``shipments`` frame (``loaders.columns.RESOLVED``); needs ``shipment_id``,
        ``record_id``, ``date``, ``hs6`` or ``hs_code``, ``exporter_entity_id``,
        ``importer_entity_id``, ``exporter_country``, ``importer_country`` and at least one
        of ``quantity``, ``net_weight_kg``, ``value_usd``.
    companies : DataFrame, optional
        RESOLVED ``companies``: names, registration numbers, incorporation dates (young
        intermediary) and activity codes (defence buyer).
    listings : DataFrame, optional
        RESOLVED ``listings``: listed and defence-industry buyers.
    mirrors : DataFrame, optional
        RESOLVED ``mirrors`` (``shipment_id`` kept, ``mirror_id`` the other declaration of
        the same shipment): the mirror side is dropped before matching so a shipment counts
        once; its missing quantity, weight or value are taken from the mirror.
    destinations : iterable of str
        Countries a chain must end in (ISO alpha-2).
    transit : iterable of str or None
        Countries where an intermediary may sit; ``None`` means anywhere outside
        `destinations`.
    window_days : int
        Longest wait, in days, between arrival and onward shipment.
    tolerance : float
        Onward quantity (sum) must be within this fraction of the arrival.
    hs_prefix : str, optional
        Only chains with a shipment whose HS code starts with these digits: goods that
        entered or left under it (a cover-heading chain counts under both its headings).
        The chains and their scores are those of the run without it.
    min_score : float
        Chains scoring below are left out (the command line applies
        ``reference.CHAIN_MIN_SCORE``).
    max_hops : int
        Most shipments in one chain; longer paths keep their last `max_hops` steps.
    defence_codes : iterable of str
        Activity codes (prefixes) of defence-industry buyers.
    max_split : int
        Most onward shipments that may add up to one arrival, and most arrivals that may
        add up to one onward shipment (consolidation).
    weights : mapping, optional
        Overrides of ``reference.CHAIN_WEIGHTS``.
    data_start : date, optional
        The first day the records cover (default: the earliest date in `shipments`): an
        intermediary's silence is only counted from there (see Notes).
    same_heading_only : bool
        Leave out links whose onward shipment is declared under another heading (cover
        headings, see Notes).

    Returns
    -------
    ChainResult
        ``chains``, ``links`` and ``roles`` frames.

    Raises
    ------
    DetectionInputError
        When `shipments` lacks a needed column.

    Notes
    -----
    Matching is one-to-one: an arrival is consumed by one onward set and an onward shipment
    feeds one arrival, best-scoring pairs first (quantity closeness, then short lag). Single
    onward shipments are matched first; arrivals left over are tried against sets of 2 to
    `max_split` of the nearest unmatched onward shipments. Quantities are compared on the
    same kind of measure on both sides: units if both have them (same unit), else net weight,
    else value (compared like a quantity, so a mark-up beyond the tolerance hides a chain
    that only values could show). An arrival looks at its ``reference.CHAIN_MAX_CANDIDATES``
    nearest onward shipments of the heading at most, which only ever bites on busy
    distributors. The mirror image of a split, several arrivals leaving as one onward
    shipment (consolidation), is searched the same way with the roles swapped: per onward
    shipment left, its ``reference.CHAIN_SPLIT_CANDIDATES`` nearest unmatched arrivals in
    sets of 2 to `max_split` (at most 375 sets each, so a busy intermediary costs no more
    than a quiet one). Units are compared after ``reference.UNIT_SYNONYMS`` (``шт`` is
    ``pcs``); where no quantity is stated in one unit on both sides, a net weight beyond
    `tolerance` but within ``reference.CHAIN_WEIGHT_TOLERANCE`` still links when the value
    is conserved too (between ``1 - tolerance`` and ``1 + reference.CHAIN_VALUE_MAX_MARKUP``
    times); the reasons say which measure matched (``QTY_MATCH(ratio=..,measure=..)``).

    Last, arrivals and onward shipments still unmatched may link across headings (cover
    headings): the same HS4, or a known pair of ``queries/data/cover_headings.csv`` (UAV
    parts declared as agricultural sprayers, chips as computer parts, ...), when the quantity
    agrees within `tolerance` where both state it in one unit, net weight within
    ``reference.CHAIN_WEIGHT_TOLERANCE`` and value as above. Such a chain carries
    ``HS_MISMATCH(in=..., out=...)`` and its quantity evidence counts
    ``reference.CHAIN_COVER_FACTOR`` of a same-heading chain's (`same_heading_only` turns
    this off). ``SPLIT(out=N)`` and ``CONSOLIDATED(in=N)`` name the largest split and
    consolidation of a chain.

    The score is a weighted sum (``reference.CHAIN_WEIGHTS``) of quantity closeness (worst
    step), short lag (longest step), the CHPL tier of the goods, a defence-industry or listed
    buyer, a young intermediary and a mark-up. An intermediary is young when incorporated after
    ``reference.INVASION_DATE`` or less than ``reference.YOUNG_COMPANY_DAYS`` before its first
    trade; an older one counts the same when it was dormant: no trade seen for
    ``FRONT_THRESHOLDS["dormant_years"]`` years or more (from its last trade, its
    incorporation or `data_start`, whichever is latest) before trading after the invasion
    (reason ``DORMANT_INTERMEDIARY(years=N)``). Without CHPL goods or a suspicious buyer the
    default weights cannot reach ``reference.CHAIN_MIN_SCORE``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({
    ...     "shipment_id": ["s1", "s2"], "record_id": ["KG-1", "RU-1"],
    ...     "date": ["2023-03-01", "2023-03-15"], "hs6": ["854231", "854231"],
    ...     "quantity": [1000, 990], "unit": ["pcs", "pcs"], "value_usd": [10000, 14000],
    ...     "exporter_entity_id": ["cn", "kg"], "exporter_country": ["CN", "KG"],
    ...     "importer_entity_id": ["kg", "ru"], "importer_country": ["KG", "RU"]})
    >>> r = find_chains(s)
    >>> r.chains[["record_ids", "countries", "hops"]].to_dict("records")
    [{'record_ids': 'KG-1>RU-1', 'countries': 'CN>KG>RU', 'hops': 2}]
    >>> r.chains.loc[0, "reasons"]
    'QTY_MATCH(ratio=0.99);LAG(days=14);CHPL(tier=1);MARKUP(pct=41)'
    """
    if window_days < 0 or not 0 <= tolerance < 1 or max_hops < 2 or max_split < 1:
        raise QueryError(
            f"bad chain parameters: window_days={window_days}, tolerance={tolerance}, "
            f"max_hops={max_hops}, max_split={max_split}"
        )
    weights = {**CHAIN_WEIGHTS, **(weights or {})}
    destinations = frozenset(_upper(destinations))
    transit_set = None if transit is None else frozenset(_upper(transit)) - destinations
    # every heading takes part in matching: a chain may leave under another heading than
    # it came in (cover headings), and --hs keeps it when any step is under the prefix
    s = prepare_shipments(shipments, mirrors)
    if data_start is None:
        data_start = s["date"].min() if len(s) else None

    links = match_links(s, destinations, transit_set, window_days=window_days,
                        tolerance=tolerance, max_split=max_split, weights=weights,
                        cover=not same_heading_only)
    chains, links = build_chains(
        s, links, companies, listings, destinations, frozenset(_str_set(defence_codes)),
        window_days, tolerance, max_hops, weights, data_start,
    )
    if hs_prefix and len(chains):
        hits = set(prepare_shipments(shipments, mirrors, hs_prefix=hs_prefix)["shipment_id"])
        chains, links = _touching(chains, links, hits)
    if min_score > 0 and len(chains):
        keep = chains["score"] >= min_score
        chains = chains[keep].reset_index(drop=True)
        links = links[links["chain_id"].isin(set(chains["chain_id"]))].reset_index(drop=True)
    roles = chain_roles(links, chains, companies, listings, frozenset(_str_set(defence_codes)))
    return ChainResult(chains=chains, links=links, roles=roles)


def _touching(chains: pd.DataFrame, links: pd.DataFrame,
              shipment_ids: set) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chains (and their links) with at least one shipment in `shipment_ids`."""
    hit = links["in_shipment_id"].isin(shipment_ids) | links["out_shipment_id"].isin(shipment_ids)
    keep = set(links.loc[hit, "chain_id"])
    chains = chains[chains["chain_id"].isin(keep)].reset_index(drop=True)
    return chains, links[links["chain_id"].isin(keep)].reset_index(drop=True)


def _upper(values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(v).strip().upper() for v in values]


def _str_set(values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(v).strip() for v in values if str(v).strip()]


