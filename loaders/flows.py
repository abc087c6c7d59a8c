"""Trade-flow statistics files (kind ``trade_flows``): read, checked and aggregated, vectorised.

A statistics office's figures are not records: a million rows of Eurostat Comext never go
through the per-row shipment path. The file is read by the project's reader
(:func:`loaders.read.open_table`: encodings, delimiters, ``.gz``, line numbers), mapped by its
profile (:mod:`loaders.mapping`), and every check works on the distinct values of a column
(a country name is looked up once, not once a row). Counting is the loaders' contract: rows
read = rows loaded + rows rejected; rejects go to the rejects file with a reason.

Heading totals
--------------
A code of fewer than 6 digits (Comext's 4-digit ``cn8`` rows) is a *heading total*: kept with
``total`` True and never placed at an HS6 subheading, so it is not added to its sub-codes.
Codes of 6 digits or more aggregate to their HS6 (``hs6``). At heading level (4 digits) the
total is the figure where the file gives one for that reporter, partner, flow and period
(it includes sub-codes a file leaves out, e.g. confidential ones), else the sum of the
detailed rows; :func:`queries.flows.heading_values` does that choice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import LoaderError
from loaders.accounting import check_writable, rejects_path_for, source_name
from loaders.columns import LINE_NUMBER, REJECT_REASON, TRADE_FLOWS
from loaders.profiles import Profile, load_profile
from loaders.read import DEFAULT_CHUNK_ROWS, UnknownKind, detect_kind, open_table

__all__ = ["FlowLoad", "FLOW_KEY", "read_flows", "plan_flow_load", "is_flow_load",
           "aggregate_flows", "normalize_period"]

KIND = TRADE_FLOWS.kind
# what one aggregated figure is: a TradeFlow node of the graph
FLOW_KEY = ("reporter", "partner", "flow", "hs_code", "period", "currency", "unit", "source")
_NUMBERS = ("value", "quantity", "net_weight_kg")
_PERIOD = re.compile(r"^(\d{4})(?:(?:[-/.]|\s*M)?(\d{2})(?:[-/.]\d{2})?|[-/.M](\d))?$", re.I)
_FLOWS = {"export": "export", "exports": "export", "x": "export",
          "import": "import", "imports": "import", "m": "import"}
# codes and names that stand for all partners together: a total over countries, not one
_WORLD = frozenset({"0", "000", "w00", "wld", "world", "all", "total"})
_WORLD_MARK = "\0world"
_NOT_GIVEN = frozenset({"", "na", "n/a", "nan", "null", "none", "-", ":"})


def normalize_period(text: object) -> str | None:
    """``YYYY`` or ``YYYY-MM`` from the ways statistics write a year or month, else None.

    >>> [normalize_period(x) for x in ("2021", "202103", "2021-3", "2021M03", "2021-13")]
    ['2021', '2021-03', '2021-03', '2021-03', None]
    """
    match = _PERIOD.match(str(text).strip())
    if not match:
        return None
    year, month = int(match.group(1)), match.group(2) or match.group(3)
    if not 1900 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None


def _country(text: str) -> str | None:
    from loaders.normalize import normalize_country

    # BACI and Comtrade write numeric codes without their leading zeros (4 for 004)
    return normalize_country(text.zfill(3) if text.isdigit() else text)


class FlowLoad:
    """One trade-flow file being loaded: the attributes :func:`loaders.accounting.
    load_report_entry` reports, and its checked chunks (one pass)."""

    def __init__(self, source, profile: Profile, chunk_rows: int,
                 rejects_path: Path | None, display_path: str):
        self.source = source
        self.path = source.path
        self.display_path = display_path
        self.source_name = source_name(source.path)
        self.kind = KIND
        self.profile = profile
        self.chunk_rows = chunk_rows
        self.rejects_path = Path(rejects_path) if rejects_path else None
        self.rows_read = self.rows_loaded = self.rows_rejected = self.rows_duplicate = 0
        self.rejects_written = self.finished = False
        # hashes of the figures read so far (a row's key; its key and cells), ~100 B a row
        self._seen: set[int] = set()
        self._seen_full: set[int] = set()
        self._started = False

    @property
    def sha256(self) -> str | None:
        return self.source.sha256

    @property
    def lines_read(self) -> int:
        return self.source.lines_read

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Checked rows, chunk by chunk: the canonical columns (ISO countries, HS digits,
        ``YYYY``/``YYYY-MM`` periods, float numbers) and ``line_number``; rejected rows and
        exact duplicates left out (:func:`aggregate_flows` makes the figures)."""
        if self._started:
            raise LoaderError(f"{self.display_path}: chunks() can be consumed only once")
        self._started = True
        for raw in self.source.chunks(self.chunk_rows):
            mapped, reasons = self.profile.apply(raw.frame, KIND)
            rows, reasons = _check(mapped, reasons, self.profile, self.source_name)
            rows, reasons, duplicates = self._unique(rows, reasons, raw.digests)
            bad = (reasons != "").to_numpy()
            rejects = raw.frame[bad].copy()
            rejects[REJECT_REASON] = reasons[bad].to_numpy()
            if len(raw.broken):
                rejects = pd.concat([rejects, raw.broken], ignore_index=True)
                rejects = rejects.sort_values(LINE_NUMBER, kind="stable")
            self.rows_read += len(raw)
            self.rows_rejected += len(rejects)
            self.rows_loaded += len(raw) - len(rejects)
            self.rows_duplicate += duplicates
            self._write_rejects(rejects.reset_index(drop=True))
            yield rows[~bad & ~rows["_duplicate"].to_numpy()].drop(columns="_duplicate")
        self.finished = True

    def _unique(self, rows: pd.DataFrame, reasons: pd.Series, digests):
        """An exact copy of an earlier row is loaded once and counted as a duplicate; another
        row for the same figure (reporter, partner, flow, code, period...) with other content
        would be counted twice: it is rejected."""
        good = (reasons == "").to_numpy()
        cells = np.asarray(digests, dtype=np.uint64)
        keys = pd.util.hash_pandas_object(rows[list(FLOW_KEY)], index=False).to_numpy()
        full = (keys ^ cells).tolist()
        keys = keys.tolist()
        seen, seen_full = self._seen, self._seen_full
        first = np.zeros(len(keys), dtype=bool)
        duplicate = np.zeros(len(keys), dtype=bool)
        for i in np.flatnonzero(good).tolist():
            if keys[i] not in seen:
                seen.add(keys[i])
                seen_full.add(full[i])
                first[i] = True
            elif full[i] in seen_full:
                duplicate[i] = True
        clash = good & ~first & ~duplicate
        reasons = reasons.copy()
        reasons[clash] = "another row of the file gives this reporter, partner, flow, code and period"
        rows = rows.assign(_duplicate=duplicate)
        return rows, reasons, int(duplicate.sum())

    def _write_rejects(self, rejects: pd.DataFrame) -> None:
        if self.rejects_path is None or rejects.empty:
            return
        rejects.to_csv(self.rejects_path, mode="a" if self.rejects_written else "x",
                       header=not self.rejects_written, index=False, encoding="utf-8")
        self.rejects_written = True


def _distinct(column, fn) -> np.ndarray:
    """``fn`` applied once per distinct value of a text column (an object array back)."""
    codes, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=False)
    return np.array([fn(u) for u in uniques] + [None], dtype=object)[codes]


class _Reasons:
    """Each row's reasons to reject it, the messages built only for the rows that fail."""

    def __init__(self, reasons: pd.Series):
        self.index = reasons.index
        self.values = reasons.to_numpy(dtype=object).copy()

    def fail(self, mask, message: str, shown=None, after: str = "") -> None:
        """``message`` (with the row's ``shown`` text and ``after`` when given) for ``mask``."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        for i in np.flatnonzero(mask).tolist():
            text = message if shown is None else f"{message}'{shown[i]}'{after}"
            self.values[i] = f"{self.values[i]}; {text}" if self.values[i] else text

    def series(self) -> pd.Series:
        return pd.Series(self.values, index=self.index, dtype=object)


def _check(frame: pd.DataFrame, reasons: pd.Series, prof: Profile, default_source: str):
    """The canonical rows of a mapped chunk and each row's reasons to reject it."""
    why = _Reasons(reasons)
    n = len(frame)

    def text(name: str) -> np.ndarray:
        if name not in frame:
            return np.full(n, "", dtype=object)
        return frame[name].fillna("").to_numpy(dtype=object)

    out: dict[str, np.ndarray] = {}
    for name in TRADE_FLOWS.required:
        why.fail(text(name) == "", f"missing {name}")
    for name in ("reporter", "partner"):
        raw = text(name)
        found = _distinct(raw, lambda v: _WORLD_MARK if v.casefold() in _WORLD else
                          None if v == "" else _country(v))
        world = found == _WORLD_MARK
        out[name] = np.where(world, None, found)
        why.fail(world, f"{name} is the world (a total over countries, not one)")
        why.fail((raw != "") & ~world & pd.isna(out[name]), "unknown country ", raw,
                 f" in column {name}")
    code = text("hs_code")
    out["hs_code"] = _distinct(code, _hs_code)
    why.fail((code != "") & pd.isna(out["hs_code"]), "not an HS code of 4 to 10 digits: ", code)
    period = text("period")
    out["period"] = _distinct(period, normalize_period)
    why.fail((period != "") & pd.isna(out["period"]), "unreadable period ", period,
             " (YYYY or YYYY-MM)")
    flow = text("flow")
    out["flow"] = _distinct(flow, lambda v: _FLOWS.get(v.casefold()) if v else "export")
    why.fail(pd.isna(out["flow"]), "flow ", flow, " is neither export nor import")
    currency = text("currency")
    out["currency"] = _distinct(currency, lambda v: v.upper() if v else "USD")
    why.fail(~_distinct(out["currency"], lambda v: bool(re.fullmatch("[A-Z]{3}", v))).astype(bool),
             "not a currency code: ", currency)
    for name in _NUMBERS:
        out[name] = _numbers(text(name), prof, name, why)
    why.fail(out["value"] < 0, "negative value")
    out["unit"] = text("unit")
    source = text("source")
    out["source"] = np.where(source != "", source,
                             prof.name if prof.name != "canonical" else default_source)
    rows = pd.DataFrame(out, index=frame.index)
    rows[LINE_NUMBER] = frame[LINE_NUMBER].to_numpy()
    return rows, why.series()


def _hs_code(text: str) -> str | None:
    from loaders.normalize import normalize_hs

    # an HS code has an even number of digits: an odd count lost its leading zero to a
    # number format (BACI writes 10121 for 010121)
    if text.isdigit() and len(text) % 2:
        text = "0" + text
    return normalize_hs(text)


def _numbers(raw: np.ndarray, prof: Profile, name: str, why: _Reasons) -> np.ndarray:
    """Floats (scaled as the profile says); unreadable ones are rejected, "NA" is no value."""
    from loaders.normalize import parse_amount

    numbers = np.full(len(raw), np.nan)
    given = raw != ""
    try:  # the common case, plain numbers: one vectorised conversion
        numbers[given] = raw[given].astype(float)
    except (TypeError, ValueError):
        given &= ~_distinct(raw, lambda v: v.casefold() in _NOT_GIVEN).astype(bool)
        numbers[given] = _distinct(raw[given], lambda v: parse_amount(
            v, decimal_comma=prof.decimal_comma)).astype(float)
    why.fail(given & np.isnan(numbers), "unparseable number ", raw, f" in column {name}")
    return numbers * prof.scale.get(name, 1.0)


def _derived(rows: pd.DataFrame) -> pd.DataFrame:
    code = rows["hs_code"].fillna("").astype(str)
    rows["total"] = code.str.len() < 6
    rows["hs6"] = code.str[:6].where(~rows["total"], None)
    rows["heading"] = code.str[:4]
    period = rows["period"].fillna("")
    rows["year"] = _distinct(period, lambda p: int(p[:4]) if p else 0).astype(int)
    rows["month"] = _distinct(period, lambda p: int(p[5:7]) if len(p) == 7 else 0).astype(int)
    return rows


def aggregate_flows(rows: pd.DataFrame | Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One row per figure of :data:`FLOW_KEY`, detailed codes summed to their HS6.

    ``hs_code`` becomes the HS6 (or the heading total's own code); value, quantity and net
    weight are summed (empty when no row gave them), ``rows`` counts the input rows and
    ``line_number`` is the first of them. Chunks' partial aggregates aggregate again.

    >>> rows = pd.DataFrame({"reporter": ["DE"] * 3, "partner": ["KG"] * 3, "flow": "export",
    ...     "hs_code": ["85423190", "85423911", "8542"], "period": "2022-03", "currency": "EUR",
    ...     "unit": "", "source": "x", "value": [1.0, 2.0, 5.0], "quantity": np.nan,
    ...     "net_weight_kg": np.nan, "line_number": [2, 3, 4]})
    >>> aggregate_flows(rows)[["hs_code", "total", "value", "rows"]].to_dict("records")
    [{'hs_code': '8542', 'total': True, 'value': 5.0, 'rows': 1}, {'hs_code': '854231', \
'total': False, 'value': 1.0, 'rows': 1}, {'hs_code': '854239', 'total': False, 'value': 2.0, \
'rows': 1}]
    """
    if not isinstance(rows, pd.DataFrame):
        rows = pd.concat(list(rows), ignore_index=True) if len(rows) else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(columns=[*FLOW_KEY, *_NUMBERS, "rows", LINE_NUMBER, "total"])
    code = rows["hs_code"].astype(str)
    rows = rows.assign(hs_code=code.where(code.str.len() < 6, code.str[:6]))
    if "rows" not in rows:
        rows = rows.assign(rows=1)
    out = (rows.groupby(list(FLOW_KEY), sort=True, dropna=False, observed=True)
           .agg(**{name: (name, "sum") for name in _NUMBERS}, rows=("rows", "sum"),
                line_number=(LINE_NUMBER, "min"),
                **{f"_{name}": (name, "count") for name in _NUMBERS})
           .reset_index())
    for name in _NUMBERS:
        out[name] = out[name].where(out.pop(f"_{name}") > 0)
    return _derived(out)


def read_flows(path: str | os.PathLike, profile: str | os.PathLike | Profile | None = None,
               chunk_rows: int = DEFAULT_CHUNK_ROWS,
               rejects_path: str | os.PathLike | None = None) -> FlowLoad:
    """Open one trade-flow file (see :func:`loaders.accounting.read_file` for formats).

    Raises one-line LoaderErrors: unreadable file, bad profile, a missing required column.
    """
    prof = load_profile(profile)
    if prof.kind not in (None, KIND):
        raise UnknownKind(path, f"the profile {prof.name} is for {prof.kind}, not {KIND}")
    source = open_table(path, delimiter=prof.delimiter, encoding=prof.encoding)
    columns = prof.output_columns(source.columns)
    missing = [c for c in TRADE_FLOWS.required if c not in columns]
    if missing:
        hint = "" if prof.name != "canonical" else "; map them with --profile"
        raise UnknownKind(path, f"not a {KIND} file: no column for {', '.join(missing)}{hint}")
    return FlowLoad(source, prof, chunk_rows, Path(rejects_path) if rejects_path else None,
                    str(path))


def is_flow_load(paths: Sequence[str | os.PathLike], kind: str | None,
                 profile: str | os.PathLike | Profile | None) -> bool:
    """Whether a load is of trade-flow files: the kind or the profile says so, or (with
    neither) every file's header fits trade_flows. Trade flows mixed with other kinds in one
    load are refused (they are stored apart)."""
    if kind is not None:
        return kind == KIND
    prof = load_profile(profile)
    if prof.kind is not None:
        return prof.kind == KIND
    found = set()
    for path in paths:
        try:
            columns = open_table(path, delimiter=prof.delimiter, encoding=prof.encoding).columns
            found.add(detect_kind(prof.output_columns(columns), path))
        except LoaderError:
            found.add(None)  # the ordinary path says what is wrong with it
    if KIND in found and len(found) > 1:
        raise LoaderError("trade_flows files are loaded apart from other kinds: "
                          "give them in a load of their own")
    return found == {KIND}


def plan_flow_load(paths: Sequence[str | os.PathLike], profile=None,
                   report_path: str | os.PathLike | None = None,
                   rejects_dir: str | os.PathLike | None = None,
                   chunk_rows: int = 200_000) -> list[FlowLoad]:
    """Open every file before anything is written, each with its rejects path (as
    :func:`loaders.accounting.plan_load`)."""
    prof = load_profile(profile)
    if report_path:
        check_writable(Path(report_path).parent, "report")
    folder = rejects_dir or (Path(report_path).parent if report_path else None)
    if folder is not None:
        check_writable(folder, "rejects")
    loads, taken = [], {Path(p) for p in paths}
    for path in paths:
        target = None if folder is None else rejects_path_for(path, folder, taken)
        taken.add(target)
        loads.append(read_flows(path, prof, chunk_rows=chunk_rows, rejects_path=target))
    return loads

