"""TradeFlow nodes: aggregate trade statistics written in batches and read back as frames.

One node per reporter x partner x flow x code x year x currency x unit x source, its
months in two aligned lists (``months``, ``month_values``; empty for a year's own figure):
a year node rather than a month node, since a Comext extract's million monthly figures
written one node each take minutes where a fifth as many nodes take seconds, and Cypher
reaches a month with ``UNWIND range(0, size(f.months) - 1)``. ``hs_code`` is the HS6
subheading, or the heading total's own code (``total`` true, no HSCode link, never added to
its subheadings). Nodes of an HS6 are linked ``OF_GOODS`` to the HSCode node, as shipments are,
so a Cypher question can go from a heading's statistics to the records of the same goods.
Writes are ``UNWIND`` over column lists keyed on a stable id, so a file loaded again
changes nothing (a corrected file's figures replace those of the same key).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from graph.connection import Graph
from graph.schema import node, rel

__all__ = ["FLOW_PROPERTIES", "flow_ids", "write_trade_flows", "read_trade_flows",
           "count_trade_flows", "trade_flow_years", "year_figures"]

# the properties of a TradeFlow node; months and month_values are aligned lists (empty for
# a year's figure), value is their sum
FLOW_PROPERTIES = ("reporter", "partner", "flow", "hs_code", "hs6", "heading", "total",
                   "period", "year", "months", "month_values", "value", "currency",
                   "quantity", "unit", "net_weight_kg", "rows", "source")
_KEY = ("reporter", "partner", "flow", "hs_code", "currency", "unit", "source", "period")
_NUMBERS = ("value", "quantity", "net_weight_kg")
DEFAULT_BATCH = 10_000


def year_figures(flows: pd.DataFrame) -> pd.DataFrame:
    """Monthly figures folded into one row per code and year (``months``, ``month_values``);
    a year's own figure (``month`` 0) stays a row of its own with empty lists.

    >>> f = pd.DataFrame({"reporter": "DE", "partner": "KG", "flow": "export", "hs_code":
    ...     "854231", "hs6": "854231", "heading": "8542", "total": False, "currency": "EUR",
    ...     "unit": "", "source": "x", "year": 2022, "month": [3, 1], "value": [2.0, 1.0],
    ...     "quantity": float("nan"), "net_weight_kg": float("nan"), "rows": 1})
    >>> year_figures(f)[["period", "months", "month_values", "value"]].to_dict("records")
    [{'period': '2022', 'months': [1, 3], 'month_values': [1.0, 2.0], 'value': 3.0}]
    """
    monthly = (flows["month"] > 0).to_numpy()
    flows = flows.assign(period=flows["year"].astype(str),
                         grain=np.where(monthly, "month", "year"))
    keys = [*_KEY, "grain", "hs6", "heading", "total", "year"]
    groups = flows.groupby(keys, sort=True, dropna=False)
    out = groups[list(_NUMBERS)].sum(min_count=1)
    out["rows"] = groups["rows"].sum()
    out = out.reset_index()
    # the months of each group in order, as lists: one sort and one split, no Python per row
    number = groups.ngroup().to_numpy()
    month = flows["month"].to_numpy()
    order = np.lexsort((month, number))
    cuts = np.flatnonzero(np.diff(number[order])) + 1
    months = np.split(month[order], cuts)
    values = np.split(flows["value"].to_numpy(dtype=float)[order], cuts)
    out["months"] = [[int(m) for m in ms if m] for ms in months]
    out["month_values"] = [[float(v) for v, m in zip(vs, ms) if m]
                           for vs, ms in zip(values, months)]
    return out.drop(columns="grain")


def flow_ids(flows: pd.DataFrame) -> list[str]:
    """Stable ids of a code's figures for a year: ``tf-`` and the sha1 of their key (a year's
    own figure and the months of that year are two nodes).

    >>> flow_ids(pd.DataFrame([{"reporter": "DE", "partner": "KG", "flow": "export",
    ...     "hs_code": "854231", "period": "2022", "currency": "EUR", "unit": "",
    ...     "source": "eurostat-comext", "months": [1, 2]}]))[0][:3]
    'tf-'
    """
    parts = [flows[c].fillna("").astype(str).to_numpy(dtype=object) for c in _KEY]
    grain = ["month" if len(m) else "year" for m in flows["months"]]
    return ["tf-" + hashlib.sha1("\x1f".join((*key, g)).encode("utf-8")).hexdigest()
            for *key, g in zip(*parts, grain)]


def _column(flows: pd.DataFrame, name: str) -> list:
    """A column as a parameter list: None for missing values, plain Python types."""
    values = flows[name]
    if values.dtype.kind in "fc":
        array = values.to_numpy(dtype=float)
        return [None if v != v else v for v in array.tolist()]
    if values.dtype.kind in "iub":
        return values.to_numpy().tolist()
    array = values.to_numpy(dtype=object)
    return [v if isinstance(v, list) else None if (v is None or v != v or v == "") else v
            for v in array.tolist()]


def _write_query(has_source: bool, new: bool) -> str:
    """Figures written: CREATE for ids the graph does not hold (the first load of a file,
    without MERGE's locking), else MERGE and SET (a file loaded again, a corrected one)."""
    props = ", ".join(f"{p}: ${p}[k]" for p in FLOW_PROPERTIES)  # names from this module
    verb = "CREATE" if new else "MERGE"
    return " ".join(part for part in (
        f"MATCH (src:{node('Source')} {{id: $source_id}})" if has_source else "",
        "UNWIND range(0, size($id) - 1) AS k",
        f"{verb} (f:{node('TradeFlow')} {{id: $id[k]}})",
        f"SET f += {{{props}}}",
        "SET f.source_file = src.id" if has_source else "",
        "WITH f, k WHERE $hs6[k] IS NOT NULL",
        f"MATCH (h:{node('HSCode')} {{id: $hs6[k]}})",
        f"{verb} (f)-[:{rel('OF_GOODS')}]->(h)",
    ) if part)


def _held(tx, ids: list[str]) -> set[str]:
    found = tx.run(f"UNWIND $ids AS id MATCH (f:{node('TradeFlow')} {{id: id}}) RETURN f.id AS id",
                   ids=ids)
    return {record["id"] for record in found}


def write_trade_flows(graph: Graph, flows: pd.DataFrame, source_id: str | None = None,
                      batch_size: int = DEFAULT_BATCH, progress=None, parallel: int = 1) -> int:
    """Write aggregated figures (loaders.flows.aggregate_flows) as TradeFlow nodes, one per
    code and year with its months (HSCode nodes made for their HS6 codes); returns the
    number of nodes written. ``progress(done, total)`` after each batch."""
    if flows.empty:
        return 0
    flows = year_figures(flows)
    hs6 = sorted({c for c in flows["hs6"].dropna().unique() if c})
    with graph.session() as session:
        for start in range(0, len(hs6), batch_size):
            session.execute_write(lambda tx, b=hs6[start:start + batch_size]: tx.run(
                f"UNWIND $codes AS code MERGE (h:{node('HSCode')} {{id: code}}) "
                "ON CREATE SET h.code = code", codes=b).consume())
    # batches in code order: two batches written at once seldom share an HSCode node, whose
    # lock their relationships would wait for
    flows = flows.sort_values(["hs_code", "reporter", "partner", "year"], kind="stable")
    flows = flows.assign(_id=flow_ids(flows))
    starts = list(range(0, len(flows), batch_size))
    done = []

    def one(start: int) -> None:
        part = flows.iloc[start:start + batch_size]
        with graph.session() as session:
            held = session.execute_read(_held, part["_id"].tolist())
            old = part["_id"].isin(held).to_numpy()
            for rows, new in ((part[~old], True), (part[old], False)):
                if len(rows):
                    params = {name: _column(rows, name) for name in FLOW_PROPERTIES}
                    params.update(id=rows["_id"].tolist(), source_id=source_id)
                    query = _write_query(source_id is not None, new)
                    session.execute_write(lambda tx, q=query, p=params: tx.run(q, p).consume())
        done.append(len(part))
        if progress:
            progress(sum(done), len(flows))

    # parallel > 1: transactions in flight at once (no faster on a 2-core machine, bench/flows.py)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(one, starts))
    return len(flows)


def read_trade_flows(graph: Graph, hs_prefixes: Sequence[str] = (),
                     reporters: Iterable[str] = (), partners: Iterable[str] = (),
                     flow: str = "export") -> pd.DataFrame:
    """The figures of TradeFlow nodes, one row per month (``month`` 0 for a year's figure),
    filtered on the server: codes of the headings the prefixes name (a prefix longer than a
    heading is cut to its heading, so that the heading's total comes too), reporters,
    partners (ISO codes; none given: all) and the flow. Columns: reporter, partner, flow,
    hs_code, hs6, heading, total, period (``YYYY`` or ``YYYY-MM``), year, month, value,
    currency, source."""
    headings = sorted({p[:4] for p in hs_prefixes})
    names = ("reporter", "partner", "flow", "hs_code", "hs6", "heading", "total", "year",
             "months", "month_values", "value", "currency", "source")
    rows = graph.read(
        f"MATCH (f:{node('TradeFlow')}) "
        "WHERE (size($headings) = 0 OR any(h IN $headings WHERE f.heading STARTS WITH h)) "
        "AND (size($reporters) = 0 OR f.reporter IN $reporters) "
        "AND (size($partners) = 0 OR f.partner IN $partners) "
        f"AND f.flow = $flow RETURN {', '.join(f'f.{p} AS {p}' for p in names)}",
        {"headings": headings, "reporters": sorted(set(reporters)),
         "partners": sorted(set(partners)), "flow": flow})
    frame = pd.DataFrame(rows, columns=list(names))
    return _months_apart(frame)


def _months_apart(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per month of each node (a node without months: one row, month 0)."""
    frame = frame.copy()
    annual = frame["months"].map(lambda m: not m)
    frame.loc[annual, "months"] = pd.Series([[0]] * int(annual.sum()), index=frame.index[annual],
                                            dtype=object)
    frame.loc[annual, "month_values"] = pd.Series(
        [[v] for v in frame.loc[annual, "value"]], index=frame.index[annual], dtype=object)
    out = frame.explode(["months", "month_values"], ignore_index=True)
    out["month"] = pd.to_numeric(out.pop("months")).fillna(0).astype(np.int64)
    out["value"] = pd.to_numeric(out.pop("month_values"), errors="coerce").astype(float)
    out["year"] = pd.to_numeric(out["year"]).fillna(0).astype(np.int64)
    out["total"] = out["total"].fillna(False).astype(bool)
    out["period"] = [f"{y:04d}-{m:02d}" if m else f"{y:04d}"
                     for y, m in zip(out["year"], out["month"])]
    return out


def trade_flow_years(graph: Graph) -> list[int]:
    """The years TradeFlow nodes cover."""
    rows = graph.read(f"MATCH (f:{node('TradeFlow')}) RETURN DISTINCT f.year AS year")
    return sorted(int(r["year"]) for r in rows if r["year"] is not None)


def count_trade_flows(graph: Graph) -> int:
    """TradeFlow nodes in the graph."""
    return graph.read(f"MATCH (f:{node('TradeFlow')}) RETURN count(f) AS n")[0]["n"]
