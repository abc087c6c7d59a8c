"""Aggregate trade statistics as tables: growth, roundabout substitution and surges (pandas only).

The input is a frame of aggregated figures, one row per reporter x partner x code x period
(graph.flows.read_trade_flows, or loaders.flows.aggregate_flows): columns ``reporter``,
``partner``, ``hs_code``, ``hs6`` (None for a heading total), ``heading``, ``total``,
``year``, ``month`` (0 for a year's figure), ``value``, ``currency``.

Heading level (4 digits): the heading's total where the data gives one for that reporter,
partner, currency and period, else the sum of its detailed codes (a total includes the
sub-codes a file leaves out, e.g. confidential ones; it is never added to them). HS6 level:
the detailed codes only (a total says nothing about its subheadings).

Like with like: ``months=(A, B)`` keeps months A to B of every year, so an incomplete last
year (January-November) is compared with the same months of the year before; a year's
figure (``month`` 0) cannot be cut and is left out of such a comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["EU27", "CCA", "GROUPS", "HS2022_NEW_HEADINGS", "expand_countries",
           "parse_months", "heading_values", "growth_table", "roundabout_table",
           "surge_table", "monthly_series"]

EU27 = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
# Central Asia and the Caucasus: the transit countries of the EBRD's "Eurasian roundabout"
CCA = ("AM", "GE", "KZ", "KG", "UZ")
GROUPS = {"EU27": EU27, "CCA": CCA}
# Headings created by the HS 2022 amendment: no figure exists for them before 2022, so a
# series that starts then is a new code, not a surge from nothing
HS2022_NEW_HEADINGS = {
    "2404": "nicotine products", "3827": "mixtures of halogenated methane derivatives",
    "8524": "flat panel display modules", "8549": "electrical and electronic waste",
    "8806": "unmanned aircraft (drones)",
}
_KEY = ["hs", "reporter", "partner", "currency"]


def expand_countries(codes: Iterable[str]) -> list[str]:
    """ISO codes with groups (EU27, CCA) replaced by their members, in order, once each.

    >>> expand_countries(["CCA", "ru", "KG"])
    ['AM', 'GE', 'KZ', 'KG', 'UZ', 'RU']
    """
    out: list[str] = []
    for code in codes:
        for member in GROUPS.get(str(code).strip().upper(), (str(code).strip().upper(),)):
            if member not in out:
                out.append(member)
    return out


def _label(codes: Sequence[str]) -> str:
    """How a selection of countries is named in a table: ``EU27``, ``RU+BY``, or ``*``."""
    return "+".join(str(c).upper() for c in codes) if codes else "*"


def parse_months(text: str | None) -> tuple[int, int] | None:
    """``"1-11"`` -> ``(1, 11)``; ``"3"`` -> ``(3, 3)``; None stays None.

    >>> parse_months("1-11"), parse_months(None)
    ((1, 11), None)
    """
    if text is None or str(text).strip() == "":
        return None
    first, _, last = str(text).partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError:
        raise ValueError(f"months must be A-B with 1 <= A <= B <= 12, not {text!r}") from None
    if not 1 <= span[0] <= span[1] <= 12:
        raise ValueError(f"months must be A-B with 1 <= A <= B <= 12, not {text!r}")
    return span


def heading_values(flows: pd.DataFrame, level: int = 4) -> pd.DataFrame:
    """Figures at one level: columns hs, reporter, partner, currency, year, month, value.

    Parameters
    ----------
    flows : aggregated figures (see the module's docstring).
    level : 4 (headings: the total where given, else the sum of detailed codes) or 6
        (HS6 subheadings, from detailed codes only).

    Examples
    --------
    >>> f = pd.DataFrame({"reporter": "DE", "partner": "KG", "currency": "EUR",
    ...     "hs_code": ["8542", "854231", "854239", "847130"], "total": [True, False, False, False],
    ...     "hs6": [None, "854231", "854239", "847130"], "heading": ["8542", "8542", "8542", "8471"],
    ...     "year": 2022, "month": 3, "value": [10.0, 4.0, 5.0, 7.0]})
    >>> heading_values(f, 4)[["hs", "value"]].to_dict("records")
    [{'hs': '8471', 'value': 7.0}, {'hs': '8542', 'value': 10.0}]
    """
    if level not in (4, 6):
        raise ValueError(f"level must be 4 or 6, not {level}")
    keys = ["hs", "reporter", "partner", "currency", "year", "month"]
    total = flows["total"].astype(bool)
    detail = flows[~total]
    if level == 6:
        out = detail.assign(hs=detail["hs6"]).groupby(keys, as_index=False)["value"].sum()
        return out
    sums = detail.assign(hs=detail["heading"]).groupby(keys)["value"].sum()
    totals = flows[total].assign(hs=flows.loc[total, "hs_code"].str[:4]).groupby(keys)["value"].sum()
    # a total stands for its heading; its detailed codes count only where it is missing
    out = pd.concat([totals, sums[~sums.index.isin(totals.index)]]).sort_index()
    return out.reset_index()


def _window(values: pd.DataFrame, months: tuple[int, int] | None) -> pd.DataFrame:
    if months is None:
        return values
    return values[values["month"].between(months[0], months[1])]


def _select(values: pd.DataFrame, hs: Sequence[str], level: int, reporters: Sequence[str],
            partners: Sequence[str]) -> pd.DataFrame:
    if hs:
        prefixes = tuple(str(p)[:level] for p in hs)
        values = values[values["hs"].astype(str).str.startswith(prefixes)]
    if reporters:
        values = values[values["reporter"].isin(expand_countries(reporters))]
    if partners:
        values = values[values["partner"].isin(expand_countries(partners))]
    return values


def _yearly(values: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sums per key and year, with the months that have figures (12 for a year's figure)."""
    months = values.assign(m=np.where(values["month"] > 0, values["month"], np.nan))
    out = months.groupby([*keys, "year"], as_index=False).agg(
        value=("value", "sum"), months=("m", "nunique"),
        annual=("month", lambda m: bool((m == 0).any())))
    out.loc[out["annual"], "months"] = 12
    return out.drop(columns="annual")


def _note(hs: str, year: int, previous: float, first_year: int) -> str:
    if previous == previous and previous > 0:
        return ""
    heading = str(hs)[:4]
    if heading in HS2022_NEW_HEADINGS and year == 2022:
        return f"heading {heading} exists only from HS 2022: the series starts in 2022"
    if year <= first_year:
        return "first year of the data: no year before to compare with"
    if previous != previous:
        return f"no figure for {year - 1}: growth not defined"
    return f"nothing in {year - 1}: growth not defined"


def growth_table(flows: pd.DataFrame, level: int = 4, hs: Sequence[str] = (),
                 reporters: Sequence[str] = (), partners: Sequence[str] = (),
                 years: Sequence[int] = (), months: tuple[int, int] | None = None,
                 by_reporter: bool = False, data_years: Sequence[int] = ()) -> pd.DataFrame:
    """One row per HS x reporter (``*`` when summed) x partner x year, against the year before.

    Parameters
    ----------
    flows : aggregated figures.
    level : 4 or 6.
    hs : code prefixes (none: all).
    reporters, partners : ISO codes or groups (EU27, CCA); none: all.
    years : the years shown (none: all); the year before is read all the same.
    months : (first, last) month compared in every year; None: the whole year.
    by_reporter : one row per reporter instead of their sum.
    data_years : the years the whole data covers, when ``flows`` is a selection of it
        (a series that starts later than the data is then told from the data's start).

    Returns
    -------
    DataFrame with hs, reporter, partner, year, value, currency, previous_value, growth_pct
    (None where the year before had nothing), months (months with figures in the period
    compared), months_share (of the months compared) and note (why growth is not defined,
    e.g. a heading that exists only from HS 2022).

    Examples
    --------
    >>> f = pd.DataFrame({"reporter": "DE", "partner": "KG", "currency": "EUR",
    ...     "hs_code": "854231", "total": False, "hs6": "854231", "heading": "8542",
    ...     "year": [2021, 2022], "month": 1, "value": [10.0, 25.0]})
    >>> growth_table(f, years=[2022])[["hs", "reporter", "value", "previous_value",
    ...     "growth_pct"]].to_dict("records")
    [{'hs': '8542', 'reporter': '*', 'value': 25.0, 'previous_value': 10.0, 'growth_pct': 150.0}]
    """
    values = _select(heading_values(flows, level), hs, level, reporters, partners)
    values = _window(values, months)
    if not by_reporter:
        values = values.assign(reporter="*")
    yearly = _yearly(values, _KEY)
    before = yearly[_KEY + ["year", "value"]].assign(year=yearly["year"] + 1)
    out = yearly.merge(before.rename(columns={"value": "previous_value"}), how="left",
                       on=_KEY + ["year"])
    first_year = min(_data_years(flows, data_years), default=0)
    out["growth_pct"] = np.where(out["previous_value"] > 0,
                                 (out["value"] / out["previous_value"] - 1) * 100, np.nan)
    out["growth_pct"] = out["growth_pct"].round(1)
    span = 12 if months is None else months[1] - months[0] + 1
    out["months_share"] = (out["months"] / span).round(3)
    out["note"] = [_note(h, y, p, first_year) for h, y, p in
                   zip(out["hs"], out["year"], out["previous_value"])]
    if years:
        out = out[out["year"].isin([int(y) for y in years])]
    columns = ["hs", "reporter", "partner", "year", "value", "currency", "previous_value",
               "growth_pct", "months", "months_share", "note"]
    return out.sort_values(["hs", "reporter", "partner", "currency", "year"])[columns] \
        .reset_index(drop=True)


def _data_years(flows: pd.DataFrame, data_years: Sequence[int]) -> list[int]:
    """The years of the data, whatever the heading (given, else those of ``flows``)."""
    return sorted({int(y) for y in data_years} or {int(y) for y in flows["year"] if y})


def _group_sums(values: pd.DataFrame, partners: Sequence[str]) -> pd.DataFrame:
    """Sums per hs, currency and year over the given partners (expanded)."""
    chosen = values[values["partner"].isin(expand_countries(partners))]
    return chosen.groupby(["hs", "currency", "year"])["value"].sum()


def roundabout_table(flows: pd.DataFrame, hs: Sequence[str] = (),
                     origin: Sequence[str] = ("EU27",), destinations: Sequence[str] = ("RU", "BY"),
                     transit: Sequence[str] = ("CCA",), years: Sequence[int] = (),
                     base_year: int | None = None, months: tuple[int, int] | None = None,
                     level: int = 4, data_years: Sequence[int] = ()) -> pd.DataFrame:
    """How much of the fall in origin -> destination exports reappears as origin -> transit growth.

    For each heading and year Y, against the base year B (default Y - 1), over the same
    months: ``destination_change`` = origin's exports to the destinations in Y minus in B;
    ``transit_change`` the same to the transit countries; where the destinations' exports
    fell, ``substitution_ratio = transit_change / -destination_change`` (1: the whole fall
    reappears in transit trade; above 1: transit trade grew by more than the fall; negative:
    transit trade fell too). Where exports to the destinations did not fall the ratio is not
    defined (``note`` says so). Rows sorted by ratio, largest first.

    Examples
    --------
    >>> f = pd.DataFrame({"reporter": "DE", "currency": "EUR", "hs_code": "854231",
    ...     "total": False, "hs6": "854231", "heading": "8542", "month": 1,
    ...     "partner": ["RU", "RU", "KG", "KG"], "year": [2021, 2022, 2021, 2022],
    ...     "value": [100.0, 20.0, 5.0, 45.0]})
    >>> roundabout_table(f, origin=["DE"])[["hs", "year", "destination_change",
    ...     "transit_change", "substitution_ratio"]].to_dict("records")
    [{'hs': '8542', 'year': 2022, 'destination_change': -80.0, 'transit_change': 40.0, \
'substitution_ratio': 0.5}]
    """
    values = _window(_select(heading_values(flows, level), hs, level, origin, ()), months)
    dest, trans = _group_sums(values, destinations), _group_sums(values, transit)
    keys = sorted(set(dest.index) | set(trans.index))
    present = _data_years(flows, data_years)
    wanted = [int(y) for y in years] or present[1:]
    rows = []
    for h, currency in sorted({k[:2] for k in keys}):
        for year in wanted:
            base = base_year if base_year is not None else year - 1
            if base not in present or year not in present or base >= year:
                continue
            d0, d1 = dest.get((h, currency, base), 0.0), dest.get((h, currency, year), 0.0)
            t0, t1 = trans.get((h, currency, base), 0.0), trans.get((h, currency, year), 0.0)
            fall = d0 - d1
            rows.append({"hs": h, "year": year, "base_year": base, "origin": _label(origin),
                         "destination": _label(destinations), "transit": _label(transit),
                         "destination_base": d0, "destination_value": d1,
                         "destination_change": d1 - d0, "transit_base": t0,
                         "transit_value": t1, "transit_change": t1 - t0,
                         "substitution_ratio": round((t1 - t0) / fall, 3) if fall > 0 else np.nan,
                         "currency": currency, "months": _months_label(months),
                         "note": _roundabout_note(h, year, base, fall)})
    out = pd.DataFrame(rows, columns=_ROUNDABOUT)
    return out.sort_values(["substitution_ratio", "transit_change"], ascending=False,
                           na_position="last").reset_index(drop=True)


def _roundabout_note(hs: str, year: int, base: int, fall: float) -> str:
    heading = str(hs)[:4]
    if heading in HS2022_NEW_HEADINGS and base < 2022 <= year:
        return f"heading {heading} exists only from HS 2022: nothing to compare in {base}"
    return "" if fall > 0 else "exports to the destinations did not fall"


_ROUNDABOUT = ["hs", "year", "base_year", "origin", "destination", "transit",
               "destination_base", "destination_value", "destination_change", "transit_base",
               "transit_value", "transit_change", "substitution_ratio", "currency", "months",
               "note"]


def _months_label(months: tuple[int, int] | None) -> str:
    return "1-12" if months is None else f"{months[0]}-{months[1]}"


def surge_table(flows: pd.DataFrame, hs: Sequence[str] = (), origin: Sequence[str] = ("EU27",),
                transit: Sequence[str] = ("CCA",), base_year: int | None = None,
                years: Sequence[int] = (), factor: float = 5.0,
                months: tuple[int, int] | None = None, level: int = 4,
                data_years: Sequence[int] = ()) -> pd.DataFrame:
    """Headings whose exports from the origin to one transit country grew by ``factor`` or more.

    Origin exports (summed over its reporters) to each transit country in year Y against
    the base year (default: the first year of the data), over the same months. A heading
    with nothing in the base year and exports in Y is listed with ``factor`` empty and a note
    (a new HS 2022 heading, or trade from nothing) rather than an infinite growth. Rows
    sorted by absolute change, largest first.

    Examples
    --------
    >>> f = pd.DataFrame({"reporter": "DE", "currency": "EUR", "hs_code": "854231",
    ...     "total": False, "hs6": "854231", "heading": "8542", "month": 1, "partner": "KG",
    ...     "year": [2021, 2022], "value": [10.0, 80.0]})
    >>> surge_table(f, origin=["DE"])[["hs", "partner", "change", "factor"]].to_dict("records")
    [{'hs': '8542', 'partner': 'KG', 'change': 70.0, 'factor': 8.0}]
    """
    values = _window(_select(heading_values(flows, level), hs, level, origin, transit), months)
    sums = values.groupby(["hs", "partner", "currency", "year"])["value"].sum()
    present = _data_years(flows, data_years)
    if not present:
        return pd.DataFrame(columns=_SURGES)
    base = int(base_year) if base_year is not None else present[0]
    wanted = [int(y) for y in years] or [y for y in present if y > base]
    frame = sums.reset_index()
    start = frame[frame["year"] == base].drop(columns="year").rename(columns={"value": "base_value"})
    later = frame[frame["year"].isin(wanted) & (frame["year"] > base)]
    out = later.merge(start, how="left", on=["hs", "partner", "currency"])
    out["base_value"] = out["base_value"].fillna(0.0)
    out["change"] = out["value"] - out["base_value"]
    out["factor"] = np.where(out["base_value"] > 0, out["value"] / out["base_value"], np.nan)
    out["factor"] = out["factor"].round(2)
    new = (out["base_value"] <= 0) & (out["value"] > 0)
    out = out[(out["factor"] >= factor) | new].copy()
    out["note"] = [_surge_note(h, y, b, base)
                   for h, y, b in zip(out["hs"], out["year"], out["base_value"])]
    out = out.assign(base_year=base, origin=_label(origin), months=_months_label(months))
    return out.sort_values(["change", "hs"], ascending=[False, True])[_SURGES] \
        .reset_index(drop=True)


def _surge_note(hs: str, year: int, base_value: float, base: int) -> str:
    if base_value > 0:
        return ""
    heading = str(hs)[:4]
    if heading in HS2022_NEW_HEADINGS and year >= 2022 > base:
        return f"heading {heading} exists only from HS 2022: the series starts in 2022"
    return f"nothing in {base}: factor not defined"


_SURGES = ["hs", "origin", "partner", "base_year", "year", "base_value", "value", "change",
           "factor", "currency", "months", "note"]


def monthly_series(flows: pd.DataFrame, level: int = 4, hs: Sequence[str] = (),
                   reporters: Sequence[str] = (), partners: Sequence[str] = ()) -> pd.DataFrame:
    """Monthly values per partner and currency over the selected codes and reporters:
    columns partner, currency, period (``YYYY-MM``), value; year figures left out."""
    values = _select(heading_values(flows, level), hs, level, reporters, partners)
    values = values[values["month"] > 0]
    out = values.groupby(["partner", "currency", "year", "month"], as_index=False)["value"].sum()
    out["period"] = [f"{y:04d}-{m:02d}" for y, m in zip(out["year"], out["month"])]
    return out[["partner", "currency", "period", "value"]]
