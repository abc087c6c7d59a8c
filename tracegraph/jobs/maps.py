"""What a map shows: NetworkX graphs of a chain, a neighbourhood, a query result or the fronts.

Each function reads the graph and returns a :class:`MapSpec` ``(networkx.MultiDiGraph,
title, focus ids)`` in the attribute contract of ``viz.maps``; viz turns it into HTML.
:func:`select` is the one choice among them that ``map``, ``export`` and ``case`` share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from graph.connection import Graph
from graph.read import neighbourhood, projection
from graph.views import context_ids, front_suspect_ids, shipment_evidence
from queries import QueryError
from queries.catalog import get_query
from tracegraph.jobs.query import run_query

__all__ = ["chain_map", "entity_map", "query_map", "fronts_map", "whole_map", "entity_ids_in",
           "select", "Selection", "UnknownChain", "MapSpec"]

MapSpec = tuple[nx.MultiDiGraph, str, list[str]]

_ENTITY_PREFIXES = ("co", "pe", "ad")


class UnknownChain(QueryError):
    """No chain with that id under the parameters given."""


def _with_context(graph: Graph, entity_ids: list[str]) -> nx.MultiDiGraph:
    """The entities, their officers, owners and addresses, and the links among them."""
    ids = sorted(set(entity_ids))
    return projection(graph, relationship_types=("OFFICER_OF", "OWNS", "REGISTERED_AT"),
                      entity_ids=ids + context_ids(graph, ids))


def chain_map(graph: Graph, chains: pd.DataFrame, chain_id: str) -> MapSpec:
    """The chain's companies, each shipment as an edge with its evidence, plus officers
    and addresses of the companies."""
    match = chains[chains["chain_id"] == chain_id]
    if match.empty:
        raise UnknownChain(f"no chain {chain_id!r} under these parameters "
                           "(run 'tracegraph chains' with the same options to list them)")
    chain = match.iloc[0]
    steps = [step.split(";") for step in str(chain["record_ids"]).split(">")]
    record_ids = [r for step in steps for r in step if r]
    entity_ids = [e for part in str(chain["entity_ids"]).split(">") for e in part.split(";") if e]
    g = _with_context(graph, entity_ids)
    for row in shipment_evidence(graph, record_ids):
        g.add_edge(row["exporter"], row["importer"], type="SHIPMENT",
                   record_ids=[row["record_id"], *row["mirrors"]], hs_code=row["hs_code"],
                   date=row["date"], quantity=row["quantity"], unit=row["unit"],
                   value_usd=row["value_usd"], description=row["description"],
                   reporter=row["reporter"], source=row["source"], row=row["row"])
    for entity in entity_ids:
        if entity in g:
            g.nodes[entity]["chain_score"] = float(chain["score"])
            g.nodes[entity]["chain_reasons"] = chain["reasons"]
    title = f"Transshipment chain {chain['countries']} ({chain['hs_code']})"
    return g, title, entity_ids


def entity_map(graph: Graph, entity_id: str, depth: int = 2) -> MapSpec:
    """The entity's neighbourhood within ``depth`` hops."""
    g = neighbourhood(graph, entity_id, depth=depth)
    if entity_id not in g:
        raise QueryError(f"no company, person or address with id {entity_id!r}")
    name = g.nodes[entity_id].get("name") or entity_id
    return g, f"Neighbourhood of {name} ({depth} hops)", [entity_id]


def entity_ids_in(frame: pd.DataFrame) -> list[str]:
    """Entity ids found in a query result's id columns (``..._id`` or ``..._ids``).

    Examples
    --------
    >>> entity_ids_in(pd.DataFrame({"company_id": ["co-1", "co-2"],
    ...                             "record_ids": [["sh-9"], ["pe-3"]]}))
    ['co-1', 'co-2', 'pe-3']
    >>> entity_ids_in(pd.DataFrame({"officer_ids": ["pe-3;ad-4"]}))
    ['pe-3', 'ad-4']
    """
    found: list[str] = []
    for column in frame.columns:
        if not (column.endswith("_id") or column.endswith("_ids")):
            continue
        for value in frame[column].dropna():
            values = value if isinstance(value, (list, tuple)) else str(value).split(";")
            found.extend(v for v in values if isinstance(v, str)
                         and v.split("-", 1)[0] in _ENTITY_PREFIXES)
    return list(dict.fromkeys(found))


def query_map(graph: Graph, name: str, params: Mapping[str, str]) -> MapSpec:
    """The entities a canned query returned, with the links among them."""
    ids = entity_ids_in(run_query(graph, name, params))
    if not ids:
        raise QueryError(f"the query {name} returned no entity ids to map")
    return projection(graph, entity_ids=ids), get_query(name).title, ids


def fronts_map(graph: Graph) -> MapSpec:
    """Front suspects with their officers, owners, addresses and trade among them."""
    ids = front_suspect_ids(graph)
    if not ids:
        raise QueryError("no FrontSuspect in the graph: run 'tracegraph fronts' first")
    context = _with_context(graph, ids)
    g = projection(graph, entity_ids=list(context.nodes))
    return g, "Front-company suspects: shared addresses, officers and trade", ids


def whole_map(graph: Graph) -> MapSpec:
    """Every company, person and address with the links among them (the whole projection)."""
    g = projection(graph)
    if g.number_of_nodes() == 0:
        raise QueryError("the graph holds no company, person or address: load files first")
    return g, "The whole graph", []


@dataclass
class Selection:
    """What ``map``, ``export`` and ``case`` show: the graph, its title, the entities in
    focus, the choice as it was made (``parameters``), and for a chain the chain's row and
    the chains found under the same options."""

    graph: nx.MultiDiGraph
    title: str
    focus: list[str]
    parameters: dict = field(default_factory=dict)
    chain: pd.Series | None = None
    chains: pd.DataFrame | None = None

    @property
    def spec(self) -> MapSpec:
        return self.graph, self.title, self.focus


def find_chains(graph: Graph, chain_params: Mapping | None = None,
                progress=None) -> pd.DataFrame:
    """Every chain under ``chain_params`` (any score), without writing to the graph: the
    list a chain id is looked up in."""
    from tracegraph.jobs.detect import detect_chains

    return detect_chains(graph, min_score=0.0, write=False, progress=progress,
                         **dict(chain_params or {})).chains


def select(graph: Graph, *, chain: str | None = None, entity: str | None = None,
           depth: int = 2, query: str | None = None, params: Mapping[str, str] | None = None,
           fronts: bool = False, all: bool = False, chain_params: Mapping | None = None,
           progress=None) -> Selection:
    """The one selection among a chain, an entity's neighbourhood, a query's result, the
    front suspects and the whole projection (``all``).

    Raises
    ------
    QueryError
        Not exactly one subject given, or nothing found for it (one line, for the user).
    """
    chosen = [bool(chain), bool(entity), bool(query), bool(fronts), bool(all)]
    if sum(chosen) != 1:
        raise QueryError("give exactly one of --chain, --entity, --query, --fronts, --all")
    if chain:
        chain_params = dict(chain_params or {})
        chains = find_chains(graph, chain_params, progress)
        g, title, focus = chain_map(graph, chains, chain)
        row = chains[chains["chain_id"] == chain].iloc[0]
        shown = {"chain": chain, "window_days": chain_params.get("window_days"),
                 "tolerance": chain_params.get("tolerance")}
        return Selection(g, title, focus, {k: v for k, v in shown.items() if v is not None},
                         chain=row, chains=chains)
    if entity:
        g, title, focus = entity_map(graph, entity, depth)
        return Selection(g, title, focus, {"entity": entity, "depth": depth})
    if query:
        values = dict(params or {})
        g, title, focus = query_map(graph, query, values)
        return Selection(g, title, focus, {"query": query, **values})
    if fronts:
        return Selection(*fronts_map(graph), {"fronts": "FrontSuspect"})
    return Selection(*whole_map(graph), {"all": "whole projection"})
