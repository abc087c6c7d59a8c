"""Reads behind exports and case files: entities with their provenance, officers, listings,
and trade records with the file, sha256 and line each came from.

Values are parameters, labels and types come from :mod:`graph.schema`; Neo4j dates and times
come back as Python ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.connection import Graph
from graph.schema import node, rel
from graph.views import plain_value

__all__ = ["entity_records", "officers_of", "listings_of", "shipment_records"]

# one entry per file a node came from: the Source node and the FROM_SOURCE row
def _sources(var: str) -> str:
    """A pattern comprehension of the node ``var``'s FROM_SOURCE entries."""
    return (f"[({var})-[p:{rel('FROM_SOURCE')}]->(src:{node('Source')}) | "
            "{source_id: src.id, name: src.name, path: src.path, sha256: src.sha256, "
            "kind: src.kind, row: p.row}]")


def _read(graph: Graph, query: str, params: dict) -> list[dict]:
    return [plain_value(row) for row in graph.read(query, params)]


def entity_records(graph: Graph, ids: Iterable[str]) -> list[dict]:
    """Each company, person or address of ``ids``: ``id``, ``labels``, ``props`` (all its
    properties) and ``sources`` (one dict per file: source_id, name, path, sha256, kind,
    row)."""
    return _read(graph,
                 f"MATCH (n) WHERE n.id IN $ids AND (n:{node('Company')} OR n:{node('Person')} "
                 f"OR n:{node('Address')}) "
                 f"RETURN n.id AS id, labels(n) AS labels, properties(n) AS props, "
                 f"{_sources('n')} AS sources ORDER BY id",
                 {"ids": sorted(set(ids))})


def officers_of(graph: Graph, company_ids: Iterable[str]) -> list[dict]:
    """Officers and owners of the companies: company, officer id, name and kind, relation
    (OFFICER_OF or OWNS), role, share_pct, start_date, end_date."""
    return _read(graph,
                 f"MATCH (o)-[r:{rel('OFFICER_OF')}|{rel('OWNS')}]->(c:{node('Company')}) "
                 "WHERE c.id IN $ids "
                 f"RETURN c.id AS company, o.id AS officer, coalesce(o.name, o.id) AS name, "
                 f"CASE WHEN o:{node('Company')} THEN 'Company' ELSE 'Person' END AS kind, "
                 "type(r) AS relation, r.role AS role, r.share_pct AS share_pct, "
                 "r.start_date AS start_date, r.end_date AS end_date "
                 "ORDER BY company, relation, name, role",
                 {"ids": sorted(set(company_ids))})


def listings_of(graph: Graph, entity_ids: Iterable[str]) -> list[dict]:
    """The list entries of the entities: entity, id, list, program, listed_on, category and
    the listing's ``sources``."""
    return _read(graph,
                 f"MATCH (e)-[:{rel('LISTED_AS')}]->(n:{node('Listing')}) WHERE e.id IN $ids "
                 "RETURN e.id AS entity, n.id AS id, n.list AS list, n.program AS program, "
                 f"n.listed_on AS listed_on, n.category AS category, {_sources('n')} AS sources "
                 "ORDER BY entity, list, id",
                 {"ids": sorted(set(entity_ids))})


def shipment_records(graph: Graph, *, record_ids: Iterable[str] | None = None,
                     company_ids: Iterable[str] | None = None) -> list[dict]:
    """Shipments with one of ``record_ids``; without them, those between two of
    ``company_ids`` (``None`` too: every shipment). Each: exporter, importer, shipment_id,
    record_id, goods, amounts, the record ids of mirror declarations, and ``sources`` (file
    name, path, sha256, row)."""
    where = ("s.record_id IN $records" if record_ids is not None else
             "($companies IS NULL OR (e.id IN $companies AND i.id IN $companies))")
    return _read(graph,
                 f"MATCH (e:{node('Company')})-[:{rel('EXPORTED')}]->(s:{node('Shipment')})"
                 f"-[:{rel('IMPORTED_BY')}]->(i:{node('Company')}) WHERE {where} "
                 f"RETURN e.id AS exporter, i.id AS importer, s.id AS shipment_id, "
                 "s.record_id AS record_id, s.hs_code AS hs_code, s.date AS date, "
                 "s.quantity AS quantity, s.unit AS unit, s.net_weight_kg AS net_weight_kg, "
                 "s.value_usd AS value_usd, s.description AS description, "
                 "s.origin_country AS origin_country, s.reporter AS reporter, "
                 f"[(s)-[:{rel('MIRROR_OF')}]-(t:{node('Shipment')}) | t.record_id] AS mirrors, "
                 f"{_sources('s')} AS sources ORDER BY date, record_id, shipment_id",
                 {"records": sorted(set(record_ids)) if record_ids is not None else None,
                  "companies": (sorted(set(company_ids)) if company_ids is not None
                                else None)})
