"""Transshipment chains: goods that arrive at an intermediary and leave it for Russia in kind.

An arrival of one HS6 heading at a company in a transit country is matched to the onward
shipments of that company of the same heading within a window of days whose quantity agrees
within a tolerance (several onward shipments may add up to one arrival). Matched pairs
(*links*) join into paths from a supplier through one or more intermediaries to a buyer in a
destination country, and each path is scored on the evidence it carries.

The candidate search is one vectorised range join (sort by intermediary, heading and date,
then ``searchsorted`` for each arrival's window); only the few arrivals left unmatched by a
single onward shipment go through the subset-sum search for split consignments.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from queries import QueryError
from queries.reference import (
    CHAIN_FULL_MARKUP,
    CHAIN_MAX_CANDIDATES,
    CHAIN_MAX_HOPS,
    CHAIN_MAX_SPLIT,
    CHAIN_SPLIT_CANDIDATES,
    CHAIN_TOLERANCE,
    CHAIN_WEIGHTS,
    CHAIN_WINDOW_DAYS,
    DEFENCE_ACTIVITY_CODES,
    DEFENCE_CATEGORIES,
    DESTINATIONS,
    FRONT_THRESHOLDS,
    INVASION_DATE,
    TRANSIT,
    YOUNG_COMPANY_DAYS,
    chpl_tier_strength,
)

__all__ = [
    "CHAIN_COLUMNS",
    "LINK_COLUMNS",
    "ROLE_COLUMNS",
    "ChainResult",
    "DetectionInputError",
    "collapse_mirrors",
    "company_table",
    "find_chains",
    "prepare_shipments",
]

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

_MEASURES = ("quantity", "net_weight_kg", "value_usd")
# Kinds of measure, in order of preference: a pair is compared on the first kind both sides have.
_QUANTITY, _WEIGHT, _VALUE, _NONE = 0, 1, 2, 3
_DAY_BITS = 20  # 2**20 days is ~2,900 years: room for any trade date in the packed sort key


class DetectionInputError(QueryError):
    """An input frame of a detection algorithm lacks a column it needs or cannot be read."""


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
        Only goods whose HS code starts with these digits.
    min_score : float
        Chains scoring below are left out (the command line applies
        ``reference.CHAIN_MIN_SCORE``).
    max_hops : int
        Most shipments in one chain; longer paths keep their last `max_hops` steps.
    defence_codes : iterable of str
        Activity codes (prefixes) of defence-industry buyers.
    max_split : int
        Most onward shipments that may add up to one arrival.
    weights : mapping, optional
        Overrides of ``reference.CHAIN_WEIGHTS``.
    data_start : date, optional
        The first day the records cover (default: the earliest date in `shipments`): an
        intermediary's silence is only counted from there (see Notes).

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
    distributors.

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
    s = prepare_shipments(shipments, mirrors, hs_prefix=hs_prefix)
    if data_start is None:
        data_start = s["date"].min() if len(s) else None

    single = _candidate_pairs(s, destinations, transit_set, window_days)
    links = _assign(s, single, window_days, tolerance, max_split, weights)
    chains, links = _build_chains(
        s, links, companies, listings, destinations, frozenset(_str_set(defence_codes)),
        window_days, tolerance, max_hops, weights, data_start,
    )
    if min_score > 0 and len(chains):
        keep = chains["score"] >= min_score
        chains = chains[keep].reset_index(drop=True)
        links = links[links["chain_id"].isin(set(chains["chain_id"]))].reset_index(drop=True)
    roles = _roles(links, chains, companies, listings, defence_codes)
    return ChainResult(chains=chains, links=links, roles=roles)


def collapse_mirrors(shipments: pd.DataFrame, mirrors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop the mirror declarations so each physical shipment is one row.

    Parameters
    ----------
    shipments : DataFrame
        RESOLVED ``shipments``.
    mirrors : DataFrame, optional
        RESOLVED ``mirrors``: ``shipment_id`` (kept), ``mirror_id`` (dropped).

    Returns
    -------
    DataFrame
        The kept rows, with a missing ``quantity``, ``unit``, ``net_weight_kg`` or
        ``value_usd`` filled from the dropped declaration, and a column
        ``mirror_record_id`` (the dropped declaration's record id, or missing).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"shipment_id": ["a", "b"], "record_id": ["KG-1", "RU-1"],
    ...                   "quantity": [None, 10.0]})
    >>> m = pd.DataFrame({"shipment_id": ["a"], "mirror_id": ["b"]})
    >>> collapse_mirrors(s, m)[["record_id", "quantity", "mirror_record_id"]].to_dict("records")
    [{'record_id': 'KG-1', 'quantity': 10.0, 'mirror_record_id': 'RU-1'}]
    """
    _require(shipments, "shipments", ("shipment_id", "record_id"))
    s = shipments.copy()
    s["mirror_record_id"] = pd.Series(pd.NA, index=s.index, dtype="object")
    if mirrors is None or len(mirrors) == 0:
        return s
    _require(mirrors, "mirrors", ("shipment_id", "mirror_id"))
    pairs = mirrors[["shipment_id", "mirror_id"]].dropna().drop_duplicates("mirror_id")
    # a declaration kept by one pair cannot be dropped by another: that would lose the shipment
    pairs = pairs[~pairs["mirror_id"].isin(set(pairs["shipment_id"]))]
    pairs = pairs.drop_duplicates("shipment_id")
    fill_cols = [c for c in ("quantity", "unit", "net_weight_kg", "value_usd") if c in s.columns]
    other = s[["shipment_id", "record_id", *fill_cols]].rename(
        columns={"shipment_id": "mirror_id", "record_id": "_m_record_id",
                 **{c: f"_m_{c}" for c in fill_cols}})
    pairs = pairs.merge(other, on="mirror_id", how="inner").drop_duplicates("shipment_id")
    dropped = set(pairs["mirror_id"])
    s = s[~s["shipment_id"].isin(dropped)]
    s = s.merge(pairs, on="shipment_id", how="left")
    s["mirror_record_id"] = s["_m_record_id"].astype("object")
    for c in fill_cols:
        own = s[c]
        s[c] = own.where(own.notna() & (own.astype("string").str.strip() != ""), s[f"_m_{c}"])
    return s.drop(columns=["mirror_id", "_m_record_id", *[f"_m_{c}" for c in fill_cols]])


# --- preparation ---------------------------------------------------------------------------


def _require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DetectionInputError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DetectionInputError(f"{name} frame lacks column(s): {', '.join(missing)}")


def _upper(values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(v).strip().upper() for v in values]


def _str_set(values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(v).strip() for v in values if str(v).strip()]


def _per_value(col: pd.Series, normalise=None) -> np.ndarray:
    """Strings of a column as an object array (``None`` where missing), normalised per value.

    Normalising the distinct values and mapping them back is far cheaper than string
    operations on a million rows that repeat a few thousand codes and names.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="object").map(
        lambda v: None if v is None or pd.isna(v) else str(v))
    if normalise is not None:
        u = u.map(lambda v: None if v is None else normalise(v))
    values = np.append(u.to_numpy(dtype=object), None)
    return values[np.where(codes >= 0, codes, len(values) - 1)]


def _categoricals(columns: list[pd.Series], normalise=None) -> list[pd.Categorical]:
    """Columns as categoricals over one shared set of normalised values (missing: NaN).

    Exporter and importer share their categories, so their codes compare directly, and
    reordering or grouping a million rows moves small integers instead of strings.
    """
    codes, uniques = pd.factorize(pd.concat(columns, ignore_index=True), use_na_sentinel=True)
    clean = [None if v is None or pd.isna(v) else str(v)
             for v in np.asarray(uniques, dtype=object)]
    if normalise is not None:
        clean = [None if v is None else normalise(v) for v in clean]
    remap, categories = pd.factorize(pd.Series(clean, dtype=object), use_na_sentinel=True)
    remap = np.append(remap, -1)
    final = remap[np.where(codes >= 0, codes, len(remap) - 1)]
    categories = pd.Index(np.asarray(categories, dtype=object), dtype=object)
    out, start = [], 0
    for col in columns:
        out.append(pd.Categorical.from_codes(final[start:start + len(col)], categories=categories))
        start += len(col)
    return out


def _digits(v: str) -> str | None:
    d = "".join(ch for ch in v if ch.isdigit())
    return d or None


def _hs6(frame: pd.DataFrame) -> np.ndarray:
    """Six-digit heading of each row: ``hs6`` where given, else the first digits of ``hs_code``."""
    out = np.full(len(frame), None, dtype=object)
    if "hs_code" in frame.columns:
        out = _per_value(frame["hs_code"], _six_digits)
    if "hs6" in frame.columns:
        given = _per_value(frame["hs6"], lambda v: h if (h := _digits(v)) and len(h) == 6 else None)
        out = np.where(pd.notna(given), given, out)
    return out


def _six_digits(v: str) -> str | None:
    d = _digits(v)
    # a 4-digit heading cannot be matched at the 6-digit level
    return d[:6] if d and len(d) >= 6 else None


def _numeric(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    x = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    # a zero or negative amount says nothing about the goods: treat it as missing
    return np.where(x > 0, x, np.nan)


def _dates(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, errors="coerce")


def prepare_shipments(
    shipments: pd.DataFrame,
    mirrors: pd.DataFrame | None = None,
    *,
    hs_prefix: str | None = None,
) -> pd.DataFrame:
    """The shipments that can take part in detection, one row per physical shipment.

    Parameters
    ----------
    shipments : DataFrame
        RESOLVED ``shipments``.
    mirrors : DataFrame, optional
        RESOLVED ``mirrors``; see :func:`collapse_mirrors`.
    hs_prefix : str, optional
        Keep only goods whose HS code starts with these digits.

    Returns
    -------
    DataFrame
        Columns ``shipment_id, record_id, date, hs6, exporter, importer, exporter_country,
        importer_country, quantity, net_weight_kg, value_usd, unit, day`` (``day``: days
        since 1970-01-01), sorted by date, record id and shipment id. ``hs6``, ``unit``
        and the parties and their countries are categoricals (``exporter`` and
        ``importer`` share their categories, as do the two countries). Rows without a date, a
        heading or both parties are left out: they cannot be placed in a chain, and are not
        errors. Amounts that are zero or negative count as missing.

    Raises
    ------
    DetectionInputError
        When `shipments` lacks a needed column.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"shipment_id": ["a"], "record_id": ["KG-1"], "date": ["2023-03-01"],
    ...     "hs_code": ["8542.31.90"], "quantity": [100], "exporter_entity_id": ["x"],
    ...     "importer_entity_id": ["y"], "exporter_country": ["cn"], "importer_country": ["KG"]})
    >>> prepare_shipments(s)[["hs6", "exporter_country", "quantity"]].to_dict("records")
    [{'hs6': '854231', 'exporter_country': 'CN', 'quantity': 100.0}]
    """
    return _matchable(collapse_mirrors(shipments, mirrors), hs_prefix)


def _matchable(shipments: pd.DataFrame, hs_prefix: str | None) -> pd.DataFrame:
    # sorting by date and record id first makes row numbers, tie-breaks and therefore
    # results independent of the input order
    _require(shipments, "shipments", (
        "shipment_id", "record_id", "date", "exporter_entity_id", "importer_entity_id",
        "exporter_country", "importer_country",
    ))
    if "hs6" not in shipments.columns and "hs_code" not in shipments.columns:
        raise DetectionInputError("shipments frame lacks column(s): hs6 or hs_code")
    if not any(c in shipments.columns for c in _MEASURES):
        raise DetectionInputError(
            "shipments frame lacks all of quantity, net_weight_kg, value_usd")
    exporter, importer = _categoricals(
        [shipments["exporter_entity_id"], shipments["importer_entity_id"]], _entity)
    exporter_country, importer_country = _categoricals(
        [shipments["exporter_country"], shipments["importer_country"]], _country)
    unit = (shipments["unit"] if "unit" in shipments.columns
            else pd.Series(None, index=shipments.index, dtype=object))
    s = pd.DataFrame({
        "shipment_id": _as_text(shipments["shipment_id"]),
        "record_id": _as_text(shipments["record_id"]),
        "date": _dates(shipments["date"]),
        "hs6": pd.Categorical(_hs6(shipments)),
        "exporter": exporter,
        "importer": importer,
        "exporter_country": exporter_country,
        "importer_country": importer_country,
        "quantity": _numeric(shipments, "quantity"),
        "net_weight_kg": _numeric(shipments, "net_weight_kg"),
        "value_usd": _numeric(shipments, "value_usd"),
        "unit": _categoricals([unit], _unit)[0],
    }, index=shipments.index)
    if hs_prefix:
        prefix = "".join(ch for ch in str(hs_prefix) if ch.isdigit())
        code = (_per_value(shipments["hs_code"], _digits) if "hs_code" in shipments.columns
                else s["hs6"].to_numpy(dtype=object))
        code = np.where(pd.notna(code), code, s["hs6"].to_numpy(dtype=object))
        codes, uniques = pd.factorize(pd.Series(code, dtype="object"), use_na_sentinel=False)
        hit = np.array([u is not None and not pd.isna(u) and str(u).startswith(prefix)
                        for u in uniques], dtype=bool)
        s = s[hit[codes]]
    ok = (s["date"].notna() & s["hs6"].notna() & s["exporter"].notna() & s["importer"].notna()
          & (s["exporter"] != s["importer"]))
    s = s[ok.to_numpy(dtype=bool)]
    day = s["date"].to_numpy().astype("datetime64[D]").astype("int64")
    # date, then record and shipment ids: an order that depends on the data only, not on how
    # the rows came in (pyarrow sorts a million strings several times faster than numpy)
    keys = pa.table({"day": day, "rid": pa.array(s["record_id"]), "sid": pa.array(s["shipment_id"])})
    order = pc.sort_indices(keys, sort_keys=[("day", "ascending"), ("rid", "ascending"),
                                             ("sid", "ascending")]).to_numpy()
    s = s.iloc[order].reset_index(drop=True)
    s["day"] = day[order]
    return s


def _as_text(col: pd.Series) -> pd.Series:
    """Ids as pandas strings, whatever type the source gave them."""
    return col if isinstance(col.dtype, pd.StringDtype) else col.astype("string")


def _entity(v: str) -> str | None:
    return v or None


def _country(v: str) -> str | None:
    v = v.strip().upper()
    return v or None


def _unit(v: str) -> str | None:
    v = v.strip().lower()
    return v or None


# --- candidate pairs and assignment --------------------------------------------------------


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
        return {**empty, "kind": np.empty(0, "int8"), "ratio": np.empty(0), "lag": np.empty(0, "int64")}
    ent_codes, _ = pd.factorize(pd.concat([s["exporter"], s["importer"]], ignore_index=True))
    exp_code, imp_code = ent_codes[: len(s)].astype("int64"), ent_codes[len(s):].astype("int64")
    hs_code, hs_uniques = pd.factorize(s["hs6"])
    hs_code = hs_code.astype("int64")
    n_hs = max(len(hs_uniques), 1)
    day = s["day"].to_numpy() - int(s["day"].min())

    imp_country = s["importer_country"]
    if transit is None:
        at_intermediary = ~imp_country.isin(destinations)
    else:
        at_intermediary = imp_country.isin(transit)
    arrivals = np.flatnonzero(at_intermediary.fillna(False).to_numpy(dtype=bool))
    key_in = imp_code[arrivals] * n_hs + hs_code[arrivals]
    key_out_all = exp_code * n_hs + hs_code
    departures = np.flatnonzero(np.isin(key_out_all, key_in))
    if len(arrivals) == 0 or len(departures) == 0:
        return {**empty, "kind": np.empty(0, "int8"), "ratio": np.empty(0), "lag": np.empty(0, "int64")}
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
    a, d = a[keep], d[keep]
    kind, ratio = _compare(s, a, d)
    lag = (s["day"].to_numpy()[d] - s["day"].to_numpy()[a]).astype("int64")
    return {"a": a, "d": d, "kind": kind, "ratio": ratio, "lag": lag}


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
    kind = np.select([has_q, has_w, has_v], [_QUANTITY, _WEIGHT, _VALUE], _NONE).astype("int8")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.select(
            [kind == _QUANTITY, kind == _WEIGHT, kind == _VALUE],
            [q[d] / q[a], w[d] / w[a], v[d] / v[a]], np.nan)
    return kind, ratio


def _closeness(dev, tolerance: float):
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
    """One-to-one links: single onward shipments first, then splits for the arrivals left."""
    a, d, ratio, lag, kind = pairs["a"], pairs["d"], pairs["ratio"], pairs["lag"], pairs["kind"]
    with np.errstate(invalid="ignore"):
        dev = np.abs(ratio - 1.0)
        single = (kind != _NONE) & (dev <= tolerance + 1e-9)
    closeness = _closeness(dev, tolerance)
    rank = _pair_rank(closeness, lag, window_days, weights)
    sa, sd = a[single], d[single]
    chosen = _mutual_best(sa, sd, rank[single])
    links = pd.DataFrame({
        "a": sa[chosen], "d": sd[chosen], "lag": lag[single][chosen],
        "set_ratio": ratio[single][chosen], "kind": kind[single][chosen],
    })
    if max_split >= 2:
        used_a = np.zeros(len(s), dtype=bool)
        used_d = np.zeros(len(s), dtype=bool)
        used_a[links["a"].to_numpy()] = True
        used_d[links["d"].to_numpy()] = True
        rest = (~used_a[a]) & (~used_d[d]) & (kind != _NONE) & (ratio < 1.0 + tolerance)
        splits = _split_links(a[rest], d[rest], kind[rest], ratio[rest], lag[rest],
                              tolerance, max_split, window_days, weights)
        links = pd.concat([links, splits], ignore_index=True)
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
            closeness = _closeness(dev, tolerance)
            # a small cost per extra shipment: the fewest pieces that explain the arrival win
            rank = _pair_rank(closeness, max_lag, window_days, weights) - 1e-3 * r
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


# --- chains --------------------------------------------------------------------------------


def _roots_and_depths(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Root and depth of every node of a forest given as a parent array (-1 at roots)."""
    n = len(parent)
    jump = np.where(parent >= 0, parent, np.arange(n))
    dist = (parent >= 0).astype("int64")
    while True:
        nxt = jump[jump]
        if np.array_equal(nxt, jump):
            return jump, dist
        dist = dist + dist[jump]
        jump = nxt


_COMPANY_FACTS = ("name", "country", "registration_number", "incorporation_date",
                  "dissolution_date", "status", "address_id", "activity_code")


def company_table(companies: pd.DataFrame | None) -> pd.DataFrame:
    """One row per company entity, indexed by ``entity_id``, from a RESOLVED ``companies`` frame.

    Resolution sends a company again whenever new name variants turn up, with only what that
    row knew; the facts are merged here, registry rows first, so a trade-party row without
    an incorporation date does not hide the registry's.

    Parameters
    ----------
    companies : DataFrame or None
        RESOLVED ``companies``.

    Returns
    -------
    DataFrame
        Columns ``name, country, registration_number, incorporation_date,
        dissolution_date, status, address_id, activity_code``; the two dates as
        ``datetime64`` (NaT where unknown).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"entity_id": ["a", "a"], "name": ["Alfa", None],
    ...                   "incorporation_date": [None, "2023-01-05"]})
    >>> company_table(c).loc["a", "incorporation_date"]
    Timestamp('2023-01-05 00:00:00')
    """
    cols = list(_COMPANY_FACTS)
    if companies is None or len(companies) == 0:
        empty = pd.DataFrame({c: pd.Series(dtype="object") for c in cols},
                             index=pd.Index([], name="entity_id", dtype="object"))
        for c in ("incorporation_date", "dissolution_date"):
            empty[c] = pd.Series(dtype="datetime64[s]")
        return empty
    _require(companies, "companies", ("entity_id",))
    frame = companies
    if "from_registry" in frame.columns:
        frame = frame.sort_values("from_registry", ascending=False, kind="stable",
                                  key=lambda x: x.fillna(False).astype(bool))
    info = pd.DataFrame({"entity_id": frame["entity_id"].astype("object")})
    for c in cols:
        info[c] = frame[c].astype("object") if c in frame.columns else None
    info = info[info["entity_id"].notna()]
    info["entity_id"] = info["entity_id"].astype(str)
    info = info.groupby("entity_id", sort=True).first()
    for c in ("incorporation_date", "dissolution_date"):
        info[c] = _dates(info[c])
    info["country"] = [_text(v).strip().upper() or None for v in info["country"]]
    info["status"] = [_text(v).strip().lower() or None for v in info["status"]]
    return info


def _listing_info(listings: pd.DataFrame | None) -> tuple[dict[str, str], set[str]]:
    """Lists naming each entity, and the entities on a defence-industry list."""
    if listings is None or len(listings) == 0:
        return {}, set()
    _require(listings, "listings", ("entity_id",))
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


def _build_chains(
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
    """Join links into chains (trees rooted at a supplier's shipment), filter and score them."""
    empty_chains = pd.DataFrame({c: pd.Series(dtype="object") for c in CHAIN_COLUMNS})
    empty_links = pd.DataFrame({c: pd.Series(dtype="object") for c in LINK_COLUMNS})
    if len(links) == 0:
        return empty_chains, empty_links
    links = links.sort_values(["a", "d"]).reset_index(drop=True)
    # compact node numbering over the shipments that take part
    nodes = np.unique(np.concatenate([links["a"].to_numpy(), links["d"].to_numpy()]))
    la = np.searchsorted(nodes, links["a"].to_numpy())
    ld = np.searchsorted(nodes, links["d"].to_numpy())
    parent = np.full(len(nodes), -1, dtype="int64")
    parent[ld] = la
    root, depth = _roots_and_depths(parent)
    # chains longer than max_hops keep the steps nearest the buyer
    height = pd.Series(depth).groupby(root).transform("max").to_numpy() + 1
    cut = np.maximum(height - max_hops, 0)
    if cut.any():
        keep = depth[la] >= cut[la]
        links = links[keep].reset_index(drop=True)
        la, ld = la[keep], ld[keep]
        parent = np.full(len(nodes), -1, dtype="int64")
        parent[ld] = la
        root, depth = _roots_and_depths(parent)
    in_links = np.zeros(len(nodes), dtype=bool)
    in_links[la] = True
    in_links[ld] = True
    has_child = np.zeros(len(nodes), dtype=bool)
    has_child[la] = True

    rows = s.iloc[nodes]
    m = pd.DataFrame({
        "node": np.arange(len(nodes)), "row": nodes, "root": root, "depth": depth,
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
    if len(m) == 0:
        return empty_chains, empty_links
    m = m.sort_values(["root", "depth", "date", "record_id"], kind="stable")

    # link-level figures per chain: ratio over the chain, worst closeness, longest lag
    lk = links.copy()
    lk["root"] = root[la]
    lk["in_depth"] = depth[la]
    lk = lk[lk["root"].isin(valid_roots)]
    arrivals = lk.drop_duplicates("a")
    per_depth = arrivals.groupby(["root", "in_depth"])["set_ratio"].mean()
    figures = pd.DataFrame({
        "quantity_ratio": per_depth.groupby("root").prod(),
        "worst_dev": (arrivals["set_ratio"] - 1.0).abs().groupby(arrivals["root"]).max(),
        "value_kind": (arrivals["kind"] == _VALUE).groupby(arrivals["root"]).any(),
        "max_lag_days": lk.groupby("root")["lag"].max(),
    })

    chains = _assemble(m, figures, s, companies, listings, defence_codes, window_days,
                       tolerance, weights, data_start)
    chain_of_root = chains.set_index("_root")["chain_id"]
    chains = chains.drop(columns="_root")
    chains = chains.sort_values(["score", "chain_id"], ascending=[False, True],
                                kind="stable").reset_index(drop=True)

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
    out_links = out_links.sort_values(["chain_id", "in_record_id", "out_record_id"],
                                      kind="stable").reset_index(drop=True)
    return chains, out_links


def _assemble(
    m: pd.DataFrame,
    figures: pd.DataFrame,
    s: pd.DataFrame,
    companies: pd.DataFrame | None,
    listings: pd.DataFrame | None,
    defence_codes: frozenset[str],
    window_days: int,
    tolerance: float,
    weights: Mapping[str, float],
    data_start=None,
) -> pd.DataFrame:
    """One CONTRACT row per chain: the path, its figures, its score and the reasons.

    `m` holds the chains' shipments sorted by chain, depth, date and record id; a plain pass
    over it is much faster than grouped string aggregations when there are many chains.
    """
    info = company_table(companies)
    listed, defence_listed = _listing_info(listings)
    defence = defence_listed | _defence_by_activity(info, defence_codes)
    invasion = pd.Timestamp(INVASION_DATE)
    entities = set(m["exporter"]) | set(m["importer"])
    known = info[info.index.isin(entities)]
    names = {k: _text(v) for k, v in known["name"].items()}
    regs = {k: _text(v) for k, v in known["registration_number"].items()}
    born = {k: v for k, v in known["incorporation_date"].items() if pd.notna(v)}
    trade = _trade_dates(s, set(m.loc[~m["leaf"], "importer"]), invasion,
                         None if data_start is None else pd.Timestamp(data_start))
    fig = figures.to_dict("index")

    cols = {c: m[c].tolist() for c in (
        "root", "depth", "leaf", "dest_leaf", "record_id", "date", "hs6", "exporter",
        "importer", "exporter_country", "importer_country", "value_usd")}
    bounds = np.flatnonzero(np.diff(np.asarray(cols["root"]))) + 1
    starts = np.concatenate([[0], bounds]).tolist()
    ends = np.concatenate([bounds, [len(m)]]).tolist()
    out = []
    for lo, hi in zip(starts, ends):
        rt = cols["root"][lo]
        steps: dict[int, list[int]] = {}
        for i in range(lo, hi):
            steps.setdefault(cols["depth"][i], []).append(i)
        levels = [steps[k] for k in sorted(steps)]
        path = [[cols["exporter"][lo]]] + [
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
        f = fig[rt]
        hs6 = cols["hs6"][lo]
        parts, reasons = _evidence(
            f, hs6, buyers, middle, v_in, v_out, defence, listed, born, trade, invasion,
            window_days, tolerance)
        score = sum(weights.get(k, 0.0) * v for k, v in parts.items())
        out.append({
            "chain_id": "ch-" + hashlib.sha1(record_ids.encode("utf-8")).hexdigest()[:16],
            "score": round(min(max(score, 0.0), 1.0), 4),
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
            "_root": rt,
        })
    return pd.DataFrame(out, columns=[*CHAIN_COLUMNS, "_root"])


def _evidence(f, hs6, buyers, intermediaries, v_in, v_out, defence, listed, born, trade,
              invasion, window_days, tolerance) -> tuple[dict[str, float], list[str]]:
    """Strength in [0, 1] of each kind of evidence a chain carries, and its reason codes."""
    ratio, worst, lag = float(f["quantity_ratio"]), float(f["worst_dev"]), int(f["max_lag_days"])
    parts = {"quantity": float(_closeness(worst, tolerance)),
             "lag": max(0.0, 1.0 - lag / max(window_days, 1))}
    reasons = [f"QTY_MATCH(ratio={ratio:.2f})", f"LAG(days={lag})"]
    tier, parts["chpl"] = chpl_tier_strength(hs6)
    if tier:
        reasons.append(f"CHPL(tier={tier})")
    is_defence = any(b in defence for b in buyers)
    buyer_lists = sorted({x for b in buyers for x in listed.get(b, "").split(",") if x})
    parts["buyer"] = 1.0 if is_defence else (0.8 if buyer_lists else 0.0)
    if is_defence:
        reasons.append("DEFENCE_BUYER")
    if buyer_lists:
        reasons.append(f"LISTED_BUYER(list={','.join(buyer_lists)})")
    young_days, dormant_years = [], []
    for e in intermediaries:
        inc = born.get(e)
        if inc is None:
            continue
        first, silent_from, woke = trade.get(e, (inc, None, None))
        days = int((first - inc).days)
        if inc > invasion or days < YOUNG_COMPANY_DAYS:
            young_days.append(max(days, 0))
        elif woke is not None:
            # silence is only seen where the records reach
            years = (woke - max(x for x in (silent_from, inc) if x is not None)).days / 365.25
            if years >= FRONT_THRESHOLDS["dormant_years"]:
                dormant_years.append(int(years))
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


def _sum_known(values) -> float | None:
    known = [v for v in values if v is not None and not pd.isna(v)]
    return float(sum(known)) if known else None


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


def _roles(
    links: pd.DataFrame,
    chains: pd.DataFrame,
    companies: pd.DataFrame | None,
    listings: pd.DataFrame | None,
    defence_codes: Iterable[str],
) -> pd.DataFrame:
    if len(chains) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ROLE_COLUMNS})
    _, defence_listed = _listing_info(listings)
    defence = defence_listed | _defence_by_activity(company_table(companies),
                                                    frozenset(_str_set(defence_codes)))
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


def _text(x) -> str:
    return "" if x is None or pd.isna(x) else str(x)


def _float(x) -> float:
    return float("nan") if x is None or pd.isna(x) else round(float(x), 2)


def _as_date(x):
    return None if x is None or pd.isna(x) else pd.Timestamp(x).date()
