"""Reads behind the application's views: the evidence of a map, a canned query's rows, what a
job must know before it writes (registry companies, files loaded by other jobs).

Each function answers one question of the graph with plain Python values; the application
(tracegraph.jobs) joins them with the algorithms and the maps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import neo4j
import pandas as pd

from graph import GraphError
from graph.connection import Graph, translated
from graph.schema import node, rel

__all__ = ["shipment_evidence", "context_ids", "front_suspect_ids", "registry_companies",
           "listed_companies", "listing_entries", "foreign_source_count", "run_read", "plain_value", "ReadFailed"]


class ReadFailed(GraphError):
    """The server refused or failed a read, or returned other columns than declared."""


def shipment_evidence(graph: Graph, record_ids: Iterable[str]) -> list[dict]:
    """Each shipment with one of ``record_ids``: its exporter and importer, goods, amounts,
    the source file and row it came from, and the record ids of its mirror declarations."""
    rows = graph.read(
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
    for row in rows:
        if hasattr(row["date"], "to_native"):
            row["date"] = row["date"].to_native()
    return rows


def context_ids(graph: Graph, company_ids: Iterable[str]) -> list[str]:
    """The addresses, officers and owners of the companies ``company_ids``."""
    rows = graph.read(
        f"MATCH (c:{node('Company')}) WHERE c.id IN $ids "
        f"OPTIONAL MATCH (c)-[:{rel('REGISTERED_AT')}]->(a:{node('Address')}) "
        f"OPTIONAL MATCH (o)-[:{rel('OFFICER_OF')}|{rel('OWNS')}]->(c) "
        "RETURN collect(DISTINCT a.id) + collect(DISTINCT o.id) AS ids",
        {"ids": sorted(set(company_ids))},
    )
    return [i for i in (rows[0]["ids"] if rows else []) if i]


def front_suspect_ids(graph: Graph) -> list[str]:
    """The companies labelled FrontSuspect by the last front scoring."""
    return [r["id"] for r in graph.read(f"MATCH (c:{node('FrontSuspect')}) RETURN c.id AS id")]


def registry_companies(graph: Graph) -> pd.DataFrame:
    """Companies loaded from a registry: country, name, registration number, tax id and the
    names the registry gave (``aliases``, a list), for a resolver to join new records to."""
    rows = graph.read(
        f"MATCH (c:{node('Company')}) WHERE c.in_registry "
        "RETURN c.country AS country, c.name AS name, "
        "c.registration_number AS registration_number, c.tax_id AS tax_id, "
        "c.registry_names AS aliases"
    )
    frame = pd.DataFrame(rows, columns=["country", "name", "registration_number", "tax_id",
                                        "aliases"])
    frame["aliases"] = frame["aliases"].map(lambda v: list(v or []))
    return frame


def listed_companies(graph: Graph) -> pd.DataFrame:
    """Listed companies not from a registry: ``entity_id``, ``country``, ``names`` (every
    name seen, the display name first) and ``identifiers`` (registration and tax numbers),
    for a resolver to join the next load's list entries and trade parties to them."""
    rows = graph.read(
        f"MATCH (c:{node('Company')}:{node('Listed')}) WHERE NOT coalesce(c.in_registry, false) "
        "RETURN c.id AS entity_id, c.country AS country, "
        "[c.name] + coalesce(c.names, []) AS names, "
        "[n IN [c.registration_number, c.tax_id] WHERE n IS NOT NULL] AS identifiers "
        "ORDER BY entity_id"
    )
    return pd.DataFrame(rows, columns=["entity_id", "country", "names", "identifiers"])


def listing_entries(graph: Graph) -> dict[str, str]:
    """Every list entry key the listings hold (``Listing.entries``) -> the id of the company
    or person listed, for the next load of a list to find its entries where they went."""
    out: dict[str, str] = {}
    for kind in ("Company", "Person"):
        for row in graph.read(
                f"MATCH (e:{node(kind)})-[:{rel('LISTED_AS')}]->(l:{node('Listing')}) "
                "WHERE l.entries IS NOT NULL UNWIND l.entries AS entry "
                "RETURN entry, e.id AS id"):
            out[row["entry"]] = row["id"]
    return out


def foreign_source_count(graph: Graph, tag: str) -> int:
    """How many loaded files do not carry the Source property ``tag`` (e.g. ``"demo"``)."""
    rows = graph.read(f"MATCH (s:{node('Source')}) WHERE s[$tag] IS NULL "
                      "RETURN count(s) AS n", {"tag": tag})
    return rows[0]["n"]


def run_read(graph: Graph, text: str, parameters: Mapping[str, object],
             columns: Sequence[str], name: str) -> list[list]:
    """Run a catalogued read (``text`` from a .cypher file, values as parameters) as a read
    transaction; return its rows as lists, in ``columns`` order, with plain Python values
    (Neo4j dates and times as ``datetime`` ones).

    Raises
    ------
    ReadFailed
        When the server refuses or fails the query, or returns other columns than declared.
    """
    try:
        with translated(graph.settings):  # one line, with the hint the connection gives
            result = graph.driver.execute_query(text, parameters_=dict(parameters),
                                                database_=graph.database,
                                                routing_=neo4j.RoutingControl.READ)
    except GraphError as e:
        raise ReadFailed(f"query '{name}' failed: {e}") from e
    keys = list(result.keys)
    if keys != list(columns):
        raise ReadFailed(f"query '{name}' returned columns {keys} but declares {list(columns)}")
    return [[plain_value(value) for value in record.values()] for record in result.records]


def plain_value(value):
    """A value from the driver as plain Python, in lists and maps too: Neo4j dates and times
    become ``datetime`` ones."""
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value

