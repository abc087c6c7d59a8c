"""Links a list draws between its own entries (OFAC's ``Linked To:``), followed to the listed
company or person they name, whichever load brought it."""

from __future__ import annotations

from graph.connection import Graph
from graph.schema import node, rel

__all__ = ["listing_links", "link_listed"]


def listing_links(graph: Graph) -> list[dict]:
    """Every name a listing links its entity to: ``source`` (the entity's id), ``kind``
    (``Company`` or ``Person``), ``list`` and ``name``."""
    rows = []
    for kind in ("Company", "Person"):
        rows += graph.read(
            f"MATCH (e:{node(kind)})-[:{rel('LISTED_AS')}]->(l:{node('Listing')}) "
            "WHERE l.linked_to IS NOT NULL "
            "UNWIND l.linked_to AS name "
            "RETURN DISTINCT e.id AS source, $kind AS kind, l.list AS list, name "
            "ORDER BY source, list, name", {"kind": kind})
    return rows


def link_listed(graph: Graph, links: list[dict]) -> list[int]:
    """``LINKED_TO`` from each link's source to the one listed entity whose name key is the
    link's (``company_key`` for a company, ``person_key`` for a person), preferring the one
    entry of the link's own list where the name is on several lists; per link, how many
    candidates were left (1: linked; 0: not on any list loaded; more: ambiguous, left alone).

    The links are rebuilt, not added to: a name that an entry of a later list made ambiguous
    loses its link, so the graph does not depend on the order the lists came in."""
    found: list[int] = [0] * len(links)
    linked = rel("LINKED_TO")
    for kind in ("Company", "Person"):
        rows = [dict(link, at=i) for i, link in enumerate(links) if link["kind"] == kind]
        if not rows:
            continue
        graph.write(
            f"UNWIND $sources AS source MATCH (e:{node(kind)} {{id: source}})-[r:{linked}]->() "
            "DELETE r", {"sources": sorted({row["source"] for row in rows})})
        result = graph.write(
            f"UNWIND $rows AS row MATCH (e:{node(kind)} {{id: row.source}}) "
            "CALL (row) { "
            f"  OPTIONAL MATCH (c:{node('Company')}:{node('Listed')} "
            "    {name_key: row.company_key}) RETURN collect(c) AS companies } "
            "CALL (row) { "
            f"  OPTIONAL MATCH (p:{node('Person')}:{node('Listed')} "
            "    {name_key: row.person_key}) RETURN collect(p) AS persons } "
            "WITH e, row, [t IN companies + persons WHERE t <> e] AS named "
            f"WITH e, row, named, [t IN named WHERE EXISTS {{ (t)-[:{rel('LISTED_AS')}]->"
            f"(:{node('Listing')} {{list: row.list}}) }}] AS same_list "
            "WITH e, row, CASE WHEN size(same_list) = 1 THEN same_list ELSE named END AS targets "
            "FOREACH (t IN CASE WHEN size(targets) = 1 THEN targets ELSE [] END | "
            f"  MERGE (e)-[:{linked} {{list: row.list}}]->(t)) "
            "RETURN row.at AS at, size(targets) AS n", {"rows": rows})
        for row in result:
            found[row["at"]] = row["n"]
    return found
