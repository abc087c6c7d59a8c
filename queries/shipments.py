"""Shipments and companies made ready for detection: the input side shared by chains and fronts.

Both detectors look at the same thing: each physical shipment once (mirror declarations
collapsed), with a six-digit heading, a date, both parties and their countries, and amounts
that say something about the goods; and one row of facts per company entity.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from queries import QueryError
from queries.reference import UNIT_SYNONYMS

__all__ = [
    "DetectionInputError",
    "collapse_mirrors",
    "company_table",
    "prepare_shipments",
    "require_columns",
]

_MEASURES = ("quantity", "net_weight_kg", "value_usd")
_COMPANY_FACTS = ("name", "country", "registration_number", "incorporation_date",
                  "dissolution_date", "status", "address_id", "activity_code")


class DetectionInputError(QueryError):
    """An input frame of a detection algorithm lacks a column it needs or cannot be read."""


def require_columns(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    """Raise :class:`DetectionInputError` unless `frame` is a DataFrame with `columns`."""
    if not isinstance(frame, pd.DataFrame):
        raise DetectionInputError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DetectionInputError(f"{name} frame lacks column(s): {', '.join(missing)}")


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
    require_columns(shipments, "shipments", ("shipment_id", "record_id"))
    s = shipments.copy()
    s["mirror_record_id"] = pd.Series(pd.NA, index=s.index, dtype="object")
    if mirrors is None or len(mirrors) == 0:
        return s
    require_columns(mirrors, "mirrors", ("shipment_id", "mirror_id"))
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
    require_columns(companies, "companies", ("entity_id",))
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



# --- helpers ------------------------------------------------------------------------------


def _matchable(shipments: pd.DataFrame, hs_prefix: str | None) -> pd.DataFrame:
    # sorting by date and record id first makes row numbers, tie-breaks and therefore
    # results independent of the input order
    require_columns(shipments, "shipments", (
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
    origin = (shipments["origin_country"] if "origin_country" in shipments.columns
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
        "origin_country": _categoricals([origin], _country)[0],
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
    return UNIT_SYNONYMS.get(v, v) or None


def _text(x) -> str:
    return "" if x is None or pd.isna(x) else str(x)


