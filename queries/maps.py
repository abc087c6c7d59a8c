"""What a map shows: NetworkX graphs of a chain, a neighbourhood, a query result or the fronts.

Each function reads the graph and returns ``(networkx.MultiDiGraph, title, focus ids)`` in
the attribute contract of ``viz.maps``; viz turns it into HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import pandas as pd

from graph.connection import Graph
from graph.read import neighbourhood, projection
from graph.schema import node, rel
from queries import QueryError

__all__ = ["chain_map", "entity_map", "query_map", "fronts_map", "UnknownChain",
           "MapSpec"]

MapSpec = tuple[nx.MultiDiGraph, str, list[str]]


class UnknownChain(QueryError):
    """No chain with that id under the parameters given."""


def _shipment_edges(graph: Graph, record_ids: Iterable[str]) -> list[dict]:
    return graph.read(
        f"MATCH (e:{node('Company')})-[:{rel('EXPORTED')}]->(s:{node('Shipment')})"
        f"-[:{rel('IMPORTED_BY')}]->(i:{node('Company')}) WHERE s.record_id IN $ids "
        f"OPTIONAL MATCH (s)-[p:{rel('FROM_SOURCE')}]->(src:{node('Source')}) "
        f"OPTIONAL MATCH (s)-[:{rel('MIRROR_OF')}]-(twin:{node('Shipment')}) "
        "RETURN e.id AS exporter, i.id AS importer, s.record_id AS record_id, "
        "s.hs_code AS hs_code, s.date AS date, s.quantity AS quantity, s.unit AS unit, "
        "s.value_usd AS value_usd, s.description AS description, s.reporter AS reporter, "
        "src.name AS source, p.row AS row, collect(DISTINCT twin.record_id) AS mirrors",
        {"ids": sorted(set(record_ids))},
    )


def _with_context(graph: Graph, entity_ids: Iterable[str]) -> nx.MultiDiGraph:
    """The entities, their officers, owners and addresses, and the links among them."""
    ids = sorted(set(entity_ids))
    rows = graph.read(
        f"MATCH (c:{node('Company')}) WHERE c.id IN $ids "
        f"OPTIONAL MATCH (c)-[:{rel('REGISTERED_AT')}]->(a:{node('Address')}) "
        f"OPTIONAL MATCH (o)-[:{rel('OFFICER_OF')}|{rel('OWNS')}]->(c) "
        "RETURN collect(DISTINCT a.id) + collect(DISTINCT o.id) AS ids",
        {"ids": ids},
    )
    context = rows[0]["ids"] if rows else []
    return projection(graph, relationship_types=("OFFICER_OF", "OWNS", "REGISTERED_AT"),
                      entity_ids=ids + [i for i in context if i])


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
    for row in _shipment_edges(graph, record_ids):
        date = row["date"].to_native() if hasattr(row["date"], "to_native") else row["date"]
        g.add_edge(row["exporter"], row["importer"], type="SHIPMENT",
                   record_ids=[row["record_id"], *row["mirrors"]], hs_code=row["hs_code"],
                   date=date, quantity=row["quantity"], unit=row["unit"],
                   value_usd=row["value_usd"], description=row["description"],
                   reporter=row["reporter"], source=row["source"], row=row["row"])
    for entity in entity_ids:
        if entity in g:
            g.nodes[entity]["chain_score"] = float(chain["score"])
            g.nodes[entity]["chain_reasons"] = chain["reasons"]
    title = f"Transshipment chain {chain['countries']} ({chain['hs_code']})"
    return g, title, entity_ids


def entity_map(graph: Graph, entity_id: str, depth: int = 2) -> MapSpec:
    g = neighbourhood(graph, entity_id, depth=depth)
    if entity_id not in g:
        raise QueryError(f"no company, person or address with id {entity_id!r}")
    name = g.nodes[entity_id].get("name") or entity_id
    return g, f"Neighbourhood of {name} ({depth} hops)", [entity_id]


def _entity_ids_in(frame: pd.DataFrame) -> list[str]:
    """Entity ids found in a query result's id columns (``..._id`` or ``..._ids``)."""
    found: list[str] = []
    for column in frame.columns:
        if not (column.endswith("_id") or column.endswith("_ids")):
            continue
        for value in frame[column].dropna():
            values = value if isinstance(value, (list, tuple)) else str(value).split(";")
            found.extend(v for v in values if isinstance(v, str)
                         and v.split("-", 1)[0] in ("co", "pe", "ad"))
    return list(dict.fromkeys(found))


def query_map(graph: Graph, name: str, params: Mapping[str, str]) -> MapSpec:
    from queries.catalog import get_query, run_query

    frame = run_query(graph.driver, name, params, database=graph.database)
    ids = _entity_ids_in(frame)
    if not ids:
        raise QueryError(f"the query {name} returned no entity ids to map")
    g = projection(graph, entity_ids=ids)
    return g, get_query(name).title, ids


def fronts_map(graph: Graph) -> MapSpec:
    """Front suspects with their officers, owners, addresses and trade among them."""
    rows = graph.read(f"MATCH (c:{node('FrontSuspect')}) RETURN c.id AS id")
    ids = [r["id"] for r in rows]
    if not ids:
        raise QueryError("no FrontSuspect in the graph: run 'tracegraph fronts' first")
    context = _with_context(graph, ids)
    g = projection(graph, entity_ids=list(context.nodes))
    return g, "Front-company suspects: shared addresses, officers and trade", ids
