"""The graph view's data: the entities shown, the links among them (trade summed from the
shipments under the view's date range and HS prefix), in the maps' own styling (viz)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import networkx as nx

from graph import workbench as reads
from graph.connection import Graph
from graph.read import projection
from viz import map_payload

__all__ = ["FilterError", "shipment_filter", "view_graph", "view_payload", "PAGE",
           "STRUCTURE"]

PAGE = 50  # neighbours added by one expansion
MAX_VIEW = 1500  # entities a view may hold: beyond it the page would not stay usable
STRUCTURE = ("OFFICER_OF", "OWNS", "REGISTERED_AT", "SAME_AS_CANDIDATE")
_HS = re.compile(r"[0-9]{1,10}")


class FilterError(ValueError):
    """A date or HS prefix that cannot be a filter; the message says which."""


def _date(value: object, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise FilterError(f"{name} must be a date YYYY-MM-DD, not {str(value)[:40]!r}") from error


def shipment_filter(from_date: object = None, to_date: object = None,
                    hs: object = None) -> reads.ShipmentFilter:
    """A checked filter from what a page sent.

    Examples
    --------
    >>> shipment_filter("2023-01-01", "", "8542.31")
    {'from_date': datetime.date(2023, 1, 1), 'to_date': None, 'hs': '854231'}
    """
    prefix = re.sub(r"[.\s]", "", str(hs or ""))
    if prefix and not _HS.fullmatch(prefix):
        raise FilterError(f"an HS prefix is digits, not {str(hs)[:40]!r}")
    return reads.ShipmentFilter(_date(from_date, "from"), _date(to_date, "to"), prefix)


def view_graph(graph: Graph, ids: Iterable[str], where: reads.ShipmentFilter
               ) -> nx.MultiDiGraph:
    """The entities ``ids`` with their officer, ownership, address and candidate links, and
    one TRADES_WITH link per exporter and importer summing the shipments under ``where``."""
    ids = sorted(set(ids))[:MAX_VIEW]
    g = projection(graph, relationship_types=STRUCTURE, entity_ids=ids)
    for row in reads.trade_links(graph, ids, where):
        hs6s = [h for h in row["hs6s"] if h]
        g.add_edge(row["a"], row["b"], type="TRADES_WITH", shipments=row["shipments"],
                   value_usd=row["value_usd"], first_date=row["first_date"],
                   last_date=row["last_date"], hs_code=hs6s[0] if len(hs6s) == 1 else None,
                   hs6s=hs6s, record_ids=row["record_ids"], weight=row["shipments"])
    return g


def view_payload(g: nx.MultiDiGraph, focus: Iterable[str]) -> dict:
    """What the page draws: the maps' payload, nothing folded (the view pages instead)."""
    return map_payload(g, focus=[f for f in focus if f in g], max_nodes=MAX_VIEW,
                       supernode_threshold=None)
