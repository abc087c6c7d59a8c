"""Reads behind the workbench's pages: search by name key, identifier or record id, an
entity's facts not in graph.dossier, trade by year and heading, a neighbourhood a page at a
time, trade links and their shipments under a date range and HS prefix, the front list.

Values are parameters; labels and types come from :mod:`graph.schema`.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.connection import Graph
from graph.schema import ROLE_LABELS, node, rel
from graph.views import plain_value

__all__ = ["ShipmentFilter", "search_companies", "search_persons", "search_addresses",
           "search_shipments", "entity_kind", "officer_roles", "addresses_of",
           "candidates_of", "trade_by_year", "neighbour_page", "trade_links",
           "link_record_ids", "view_record_ids", "scored_fronts", "shipment_span", "ROLE_LABELS"]

_LIMIT = 50
# a node seen by a page: what a result row, a list row or a graph node shows
_SUMMARY = ("{.id, .name, .text, .names, .country, .registration_number, .tax_id, "
            ".incorporation_date, .front_score, .front_reasons, labels: labels(n)}")


class ShipmentFilter(dict):
    """A date range and an HS prefix for shipments (each ``None`` for no limit), as the
    query parameters ``from_date``, ``to_date`` and ``hs``."""

    def __init__(self, from_date=None, to_date=None, hs: str | None = None):
        super().__init__(from_date=from_date, to_date=to_date, hs=hs or None)


# the WHERE of a shipment ``s`` under a ShipmentFilter's parameters
_IN_FILTER = ("($from_date IS NULL OR s.date >= $from_date) "
              "AND ($to_date IS NULL OR s.date <= $to_date) "
              "AND ($hs IS NULL OR s.hs_code STARTS WITH $hs)")


def _read(graph: Graph, query: str, params: dict) -> list[dict]:
    return [plain_value(row) for row in graph.read(query, params)]


def _nodes(graph: Graph, query: str, params: dict) -> list[dict]:
    """The ``n`` of each row (a query returning ``n {_SUMMARY} AS n``)."""
    return [row["n"] for row in _read(graph, query, params)]


def _names_contain(var: str) -> str:
    return (f"($text <> '' AND (toLower(coalesce({var}.name, '')) CONTAINS $text OR "
            f"any(x IN coalesce({var}.names, []) WHERE toLower(x) CONTAINS $text)))")


def search_companies(graph: Graph, key: str | None, text: str, identifiers: list[str],
                     limit: int = _LIMIT) -> list[dict]:
    """Companies whose name key is ``key`` or holds it, whose name or a variant holds
    ``text`` (lower case), whose registration number, tax id or id is one of
    ``identifiers``; exact key and identifier matches first."""
    n = node("Company")
    return _nodes(graph,
                 f"MATCH (n:{n}) WHERE ($key IS NOT NULL AND n.name_key CONTAINS $key) "
                 f"OR n.registration_number IN $ids OR n.tax_id IN $ids OR n.id IN $ids "
                 f"OR {_names_contain('n')} "
                 "WITH n, CASE WHEN n.registration_number IN $ids OR n.tax_id IN $ids "
                 "  OR n.id IN $ids OR n.name_key = $key THEN 0 ELSE 1 END AS rank "
                 f"ORDER BY rank, n.name LIMIT $limit RETURN n {_SUMMARY} AS n",
                 {"key": key, "text": text, "ids": identifiers, "limit": limit})


def search_persons(graph: Graph, key: str | None, text: str, identifiers: list[str],
                   limit: int = _LIMIT) -> list[dict]:
    """People whose name key (words sorted) is ``key`` or holds it, whose name holds
    ``text``, or whose id is one of ``identifiers``."""
    return _nodes(graph,
                 f"MATCH (n:{node('Person')}) WHERE ($key IS NOT NULL AND n.name_key CONTAINS "
                 f"$key) OR n.id IN $ids OR {_names_contain('n')} "
                 f"WITH n ORDER BY n.name LIMIT $limit RETURN n {_SUMMARY} AS n",
                 {"key": key, "text": text, "ids": identifiers, "limit": limit})


def search_addresses(graph: Graph, text: str, identifiers: list[str],
                     limit: int = _LIMIT) -> list[dict]:
    """Addresses whose text holds ``text`` or whose id is one of ``identifiers``."""
    return _nodes(graph,
                 f"MATCH (n:{node('Address')}) WHERE n.id IN $ids OR ($text <> '' AND "
                 "toLower(n.text) CONTAINS $text) "
                 f"WITH n ORDER BY n.text LIMIT $limit RETURN n {_SUMMARY} AS n",
                 {"text": text, "ids": identifiers, "limit": limit})


def search_shipments(graph: Graph, identifiers: list[str], limit: int = _LIMIT) -> list[dict]:
    """Shipments whose record id is one of ``identifiers``, with exporter and importer."""
    return _read(graph,
                 f"MATCH (e:{node('Company')})-[:{rel('EXPORTED')}]->(s:{node('Shipment')})"
                 f"-[:{rel('IMPORTED_BY')}]->(i:{node('Company')}) "
                 "WHERE s.record_id IN $ids OR s.id IN $ids "
                 "RETURN s.record_id AS record_id, s.date AS date, s.hs_code AS hs_code, "
                 "s.value_usd AS value_usd, e.id AS exporter, e.name AS exporter_name, "
                 "e.country AS exporter_country, i.id AS importer, i.name AS importer_name, "
                 "i.country AS importer_country ORDER BY record_id LIMIT $limit",
                 {"ids": identifiers, "limit": limit})


def entity_kind(graph: Graph, entity_id: str) -> dict | None:
    """The company, person or address ``entity_id`` as search shows it, or None."""
    rows = _read(graph,
                 f"MATCH (n) WHERE n.id = $id AND (n:{node('Company')} OR n:{node('Person')} "
                 f"OR n:{node('Address')}) RETURN n {_SUMMARY} AS n", {"id": entity_id})
    return rows[0]["n"] if rows else None


def officer_roles(graph: Graph, entity_id: str) -> list[dict]:
    """The companies ``entity_id`` is an officer or owner of: company, name, country,
    relation, role, share_pct, start_date, end_date."""
    return _read(graph,
                 f"MATCH (o {{id: $id}})-[r:{rel('OFFICER_OF')}|{rel('OWNS')}]->"
                 f"(c:{node('Company')}) RETURN c.id AS company, c.name AS name, "
                 "c.country AS country, type(r) AS relation, r.role AS role, "
                 "r.share_pct AS share_pct, r.start_date AS start_date, r.end_date AS end_date "
                 "ORDER BY name, relation", {"id": entity_id})


def addresses_of(graph: Graph, entity_id: str) -> list[dict]:
    """The registered addresses of a company, each with how many companies share it; for
    an address, the companies registered there (``companies``)."""
    return _read(graph,
                 f"MATCH (c {{id: $id}})-[:{rel('REGISTERED_AT')}]-(x) "
                 f"WITH x, COUNT {{ (x)-[:{rel('REGISTERED_AT')}]-() }} AS shared "
                 "RETURN x.id AS id, coalesce(x.text, x.name) AS text, x.country AS country, "
                 "shared ORDER BY text", {"id": entity_id})


def candidates_of(graph: Graph, entity_id: str) -> list[dict]:
    """The SAME_AS candidates of a company: the other's id, name, country, score, method."""
    return _read(graph,
                 f"MATCH (c:{node('Company')} {{id: $id}})-[r:{rel('SAME_AS_CANDIDATE')}]-"
                 f"(o:{node('Company')}) RETURN o.id AS id, o.name AS name, "
                 "o.country AS country, o.registration_number AS registration_number, "
                 "r.score AS score, r.method AS method ORDER BY score DESC, id",
                 {"id": entity_id})


def trade_by_year(graph: Graph, entity_id: str) -> list[dict]:
    """A company's shipments by year, HS heading (4 digits) and direction (``in``/``out``):
    shipments and value_usd."""
    s = node("Shipment")
    return _read(graph,
                 f"MATCH (c:{node('Company')} {{id: $id}}) CALL (c) {{ "
                 f"MATCH (c)-[:{rel('EXPORTED')}]->(s:{s}) RETURN s, 'out' AS direction "
                 f"UNION ALL MATCH (s:{s})-[:{rel('IMPORTED_BY')}]->(c) "
                 "RETURN s, 'in' AS direction } "
                 "WITH s.date.year AS year, substring(s.hs_code, 0, 4) AS heading, direction, "
                 "count(s) AS shipments, sum(coalesce(s.value_usd, 0.0)) AS value_usd "
                 "WHERE year IS NOT NULL RETURN year, heading, direction, shipments, value_usd "
                 "ORDER BY year, heading, direction", {"id": entity_id})


def neighbour_page(graph: Graph, entity_id: str, where: ShipmentFilter, offset: int,
                   limit: int) -> tuple[int, list[str]]:
    """The neighbours of an entity one step out, most traded first: trade partners under
    ``where``, officers, owners, companies they run, addresses and candidates. Returns
    how many there are and the ids of ``limit`` of them from ``offset``."""
    s, c = node("Shipment"), node("Company")
    people = "|".join(rel(t) for t in ("OFFICER_OF", "OWNS", "REGISTERED_AT",
                                       "SAME_AS_CANDIDATE"))
    rows = graph.read(
        "MATCH (x {id: $id}) CALL (x) { "
        f"  MATCH (x)-[:{rel('EXPORTED')}]->(s:{s})-[:{rel('IMPORTED_BY')}]->(m:{c}) "
        f"  WHERE {_IN_FILTER} RETURN m, sum(coalesce(s.value_usd, 0.0)) + 1 AS weight "
        f"  UNION ALL MATCH (m:{c})-[:{rel('EXPORTED')}]->(s:{s})-[:{rel('IMPORTED_BY')}]->(x) "
        f"  WHERE {_IN_FILTER} RETURN m, sum(coalesce(s.value_usd, 0.0)) + 1 AS weight "
        f"  UNION ALL MATCH (x)-[:{people}]-(m) "
        f"  WHERE m:{c} OR m:{node('Person')} OR m:{node('Address')} RETURN m, 0.0 AS weight }} "
        "WITH x, m, sum(weight) AS weight WHERE m <> x ORDER BY weight DESC, m.id "
        "WITH collect(m.id) AS ids RETURN size(ids) AS total, ids[$offset..$end] AS page",
        {"id": entity_id, **where, "offset": offset, "end": offset + limit})
    if not rows:
        return 0, []
    return rows[0]["total"], list(rows[0]["page"])


def trade_links(graph: Graph, ids: Iterable[str], where: ShipmentFilter,
                max_records: int = 50) -> list[dict]:
    """Shipments between two of ``ids`` under ``where``, one row per exporter and importer:
    shipments, value_usd, first_date, last_date, hs6s and up to ``max_records`` record ids."""
    c, s = node("Company"), node("Shipment")
    return _read(graph,
                 f"MATCH (e:{c})-[:{rel('EXPORTED')}]->(s:{s})-[:{rel('IMPORTED_BY')}]->(i:{c}) "
                 f"WHERE e.id IN $ids AND i.id IN $ids AND {_IN_FILTER} "
                 "WITH e, i, s ORDER BY s.date, s.record_id "
                 "RETURN e.id AS a, i.id AS b, count(s) AS shipments, "
                 "sum(s.value_usd) AS value_usd, min(s.date) AS first_date, "
                 "max(s.date) AS last_date, collect(DISTINCT s.hs6) AS hs6s, "
                 "collect(s.record_id)[..$most] AS record_ids ORDER BY a, b",
                 {"ids": sorted(set(ids)), **where, "most": max_records})


def view_record_ids(graph: Graph, ids: Iterable[str], where: ShipmentFilter) -> list[str]:
    """The record ids of every shipment between two of ``ids`` under ``where``."""
    c, s = node("Company"), node("Shipment")
    rows = graph.read(
        f"MATCH (e:{c})-[:{rel('EXPORTED')}]->(s:{s})-[:{rel('IMPORTED_BY')}]->(i:{c}) "
        f"WHERE e.id IN $ids AND i.id IN $ids AND {_IN_FILTER} "
        "RETURN collect(DISTINCT s.record_id) AS ids", {"ids": sorted(set(ids)), **where})
    return list(rows[0]["ids"]) if rows else []


def link_record_ids(graph: Graph, a: str, b: str, where: ShipmentFilter,
                    limit: int = 200) -> tuple[int, list[str]]:
    """The record ids of shipments between companies ``a`` and ``b`` (either way) under
    ``where``, in date order: how many there are, and the first ``limit``."""
    c, s = node("Company"), node("Shipment")
    rows = graph.read(
        f"MATCH (e:{c})-[:{rel('EXPORTED')}]->(s:{s})-[:{rel('IMPORTED_BY')}]->(i:{c}) "
        f"WHERE ((e.id = $a AND i.id = $b) OR (e.id = $b AND i.id = $a)) AND {_IN_FILTER} "
        "WITH s ORDER BY s.date, s.record_id WITH collect(s.record_id) AS ids "
        "RETURN size(ids) AS total, ids[..$limit] AS page",
        {"a": a, "b": b, **where, "limit": limit})
    return (rows[0]["total"], list(rows[0]["page"])) if rows else (0, [])


def scored_fronts(graph: Graph) -> list[dict]:
    """Every company with a front score (written by ``tracegraph fronts``), highest first."""
    return _nodes(
        graph, f"MATCH (n:{node('Company')}) WHERE n.front_score IS NOT NULL "
               f"RETURN n {_SUMMARY} AS n ORDER BY n.front_score DESC, n.id", {})


def shipment_span(graph: Graph) -> tuple:
    """The first and last shipment date in the graph (None, None when there is none)."""
    rows = _read(graph, f"MATCH (s:{node('Shipment')}) RETURN min(s.date) AS first, "
                        "max(s.date) AS last", {})
    return (rows[0]["first"], rows[0]["last"]) if rows else (None, None)
