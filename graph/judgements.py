"""Candidate pairs for review with their evidence, Judgement nodes, and decisions applied in
the graph: a merge folds one Company node into another, a split removes the candidate.

The judgements themselves live in a file the application keeps (tracegraph.jobs.review); the
graph holds a mirror of them and their effects, which every load re-applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from graph.connection import Graph
from graph.schema import RELATIONSHIPS, node, rel

__all__ = ["candidate_evidence", "company_ids_present", "write_judgements", "merge_companies",
           "drop_candidates", "MERGE_REL_TYPES"]

# every relationship type a Company node can take part in: what a merge moves
MERGE_REL_TYPES: tuple[str, ...] = tuple(
    t for t, spec in RELATIONSHIPS.items() if "Company" in spec.sources + spec.targets)


def candidate_evidence(graph: Graph) -> list[dict]:
    """Every SAME_AS_CANDIDATE pair with what a reviewer weighs: both sides' names,
    identifiers, countries and addresses, officers and owners they share, trading partners
    (all and shared), and the candidate's score and method."""
    company, trades = node("Company"), rel("TRADES_WITH")
    return graph.read(
        f"MATCH (a:{company})-[r:{rel('SAME_AS_CANDIDATE')}]->(b:{company}) "
        "CALL (a, b) { "
        f"  OPTIONAL MATCH (a)<-[:{rel('OFFICER_OF')}|{rel('OWNS')}]-(o)"
        f"-[:{rel('OFFICER_OF')}|{rel('OWNS')}]->(b) "
        "  RETURN collect(DISTINCT o.name) AS shared_officers } "
        "CALL (a) { "
        f"  OPTIONAL MATCH (a)-[:{trades}]-(p:{company}) WITH p ORDER BY p.name "
        "  RETURN collect(DISTINCT p.name) AS a_partners, collect(DISTINCT p.id) AS a_pids } "
        "CALL (b) { "
        f"  OPTIONAL MATCH (b)-[:{trades}]-(p:{company}) WITH p ORDER BY p.name "
        "  RETURN collect(DISTINCT p.name) AS b_partners, collect(DISTINCT p.id) AS b_pids } "
        "CALL (a) { "
        f"  OPTIONAL MATCH (a)-[:{rel('REGISTERED_AT')}]->(x:{node('Address')}) "
        "  RETURN collect(DISTINCT x.text) AS a_addresses } "
        "CALL (b) { "
        f"  OPTIONAL MATCH (b)-[:{rel('REGISTERED_AT')}]->(x:{node('Address')}) "
        "  RETURN collect(DISTINCT x.text) AS b_addresses } "
        f"OPTIONAL MATCH (sp:{company}) WHERE sp.id IN a_pids AND sp.id IN b_pids "
        "WITH a, b, r, shared_officers, a_partners, b_partners, a_addresses, b_addresses, "
        "     collect(DISTINCT sp.name) AS shared_partners "
        "RETURN a.id AS a_id, b.id AS b_id, r.score AS score, r.method AS method, "
        "  a.name AS a_name, b.name AS b_name, "
        "  coalesce(a.names, []) AS a_names, coalesce(b.names, []) AS b_names, "
        "  [i IN [a.registration_number, a.tax_id] WHERE i IS NOT NULL] AS a_identifiers, "
        "  [i IN [b.registration_number, b.tax_id] WHERE i IS NOT NULL] AS b_identifiers, "
        "  a.country AS a_country, b.country AS b_country, "
        "  a_addresses, b_addresses, shared_officers, shared_partners, a_partners, b_partners "
        "ORDER BY score DESC, a_id, b_id"
    )


def company_ids_present(graph: Graph, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are Company nodes, or were merged into one (``merged_ids``)."""
    rows = graph.read(
        f"MATCH (c:{node('Company')}) WHERE c.id IN $ids "
        "OR any(m IN coalesce(c.merged_ids, []) WHERE m IN $ids) "
        "RETURN c.id AS id, coalesce(c.merged_ids, []) AS merged",
        {"ids": sorted(set(ids))},
    )
    found = set()
    for row in rows:
        found.add(row["id"])
        found.update(row["merged"])
    return found & set(ids)


def write_judgements(graph: Graph, judgements: list[dict]) -> None:
    """Judgement nodes for ``judgements`` (each with an ``id``), created or updated."""
    graph.write(
        f"UNWIND $rows AS row MERGE (j:{node('Judgement')} {{id: row.id}}) "
        "SET j.kind = row.kind, j.subject = row.subject, j.decision = row.decision, "
        "    j.note = row.note, j.author = row.author, j.at = row.at",
        {"rows": [{k: j.get(k) for k in ("id", "kind", "subject", "decision", "note",
                                         "author", "at")} for j in judgements]},
    )


def _move_statement(rel_type: str, outgoing: bool) -> str:
    """Move the ``rel_type`` relationships of ``$gone`` onto ``$kept``, one direction; a
    relationship the kept node holds already with the same properties is not doubled, one
    between the two (or a loop) is dropped."""
    t = rel(rel_type)
    company = node("Company")
    pattern, copy, same = (
        (f"(g)-[r:{t}]->(x)", f"(k)-[n:{t}]->(x)", f"(k)-[s:{t}]->(x)") if outgoing else
        (f"(g)<-[r:{t}]-(x)", f"(k)<-[n:{t}]-(x)", f"(k)<-[s:{t}]-(x)"))
    return (
        f"MATCH (k:{company} {{id: $kept}}) MATCH (g:{company} {{id: $gone}}) "
        f"MATCH {pattern} "
        "CALL (k, g, r, x) { "
        "  WITH k, g, r, x WHERE x <> k AND x <> g "
        f"  OPTIONAL MATCH {same} WHERE properties(s) = properties(r) "
        "  WITH k, r, x, count(s) AS already WHERE already = 0 "
        f"  CREATE {copy} SET n = properties(r) }} "
        "DELETE r"
    )


def merge_companies(graph: Graph, kept: str, gone: str,
                    listing_id: Callable[[dict], str] | None = None) -> bool:
    """Fold Company ``gone`` into ``kept``: its relationships move over, its names join
    ``kept.names``, its id joins ``kept.merged_ids``, its Listed label goes with its
    listings, and the node goes. False when either node is absent (nothing done).

    ``listing_id`` gives the id a listing of ``kept`` would have had (called with the
    listing's ``list``, ``program``, ``category`` and ``entity_id``): ``gone``'s listings take
    it, so the list loaded again finds them; one that ``kept`` holds already is the same
    entry and goes, its list entries (``entries``) joining the one kept."""
    rows = graph.read(
        f"MATCH (c:{node('Company')}) WHERE c.id IN [$kept, $gone] RETURN count(c) AS n",
        {"kept": kept, "gone": gone})
    if kept == gone or rows[0]["n"] != 2:
        return False
    params = {"kept": kept, "gone": gone}
    if listing_id is not None:
        _rekey_listings(graph, kept, gone, listing_id)
    for rel_type in MERGE_REL_TYPES:
        for outgoing in (True, False):
            graph.write(_move_statement(rel_type, outgoing), params)
    graph.write(
        f"MATCH (k:{node('Company')} {{id: $kept}}) MATCH (g:{node('Company')} {{id: $gone}}) "
        "SET k.names = reduce(acc = coalesce(k.names, []), n IN coalesce(g.names, []) + "
        "      [g.name] | CASE WHEN n IS NULL OR n IN acc THEN acc ELSE acc + n END), "
        "    k.merged_ids = reduce(acc = coalesce(k.merged_ids, []), "
        "      m IN [g.id] + coalesce(g.merged_ids, []) | "
        "      CASE WHEN m IN acc THEN acc ELSE acc + m END), "
        "    k.registration_number = coalesce(k.registration_number, g.registration_number), "
        "    k.tax_id = coalesce(k.tax_id, g.tax_id) "
        f"FOREACH (_ IN CASE WHEN g:{node('Listed')} THEN [1] ELSE [] END | "
        f"  SET k:{node('Listed')}) "
        "DETACH DELETE g", params)
    return True


def _rekey_listings(graph: Graph, kept: str, gone: str,
                    listing_id: Callable[[dict], str]) -> None:
    """Give ``gone``'s listings the ids they would have on ``kept``."""
    listings = graph.read(
        f"MATCH (:{node('Company')} {{id: $gone}})-[:{rel('LISTED_AS')}]->(l:{node('Listing')}) "
        "RETURN l.id AS id, l.list AS list, l.program AS program, l.category AS category",
        {"gone": gone})
    pairs = [{"old": row["id"], "new": listing_id({**row, "entity_id": kept})}
             for row in listings]
    graph.write(
        f"UNWIND $pairs AS p MATCH (l:{node('Listing')} {{id: p.old}}) WHERE p.new <> p.old "
        f"OPTIONAL MATCH (same:{node('Listing')} {{id: p.new}}) "
        "FOREACH (_ IN CASE WHEN same IS NULL THEN [1] ELSE [] END | SET l.id = p.new) "
        "FOREACH (s IN CASE WHEN same IS NULL THEN [] ELSE [same] END | "
        "  SET s.entries = reduce(acc = coalesce(s.entries, []), e IN coalesce(l.entries, []) | "
        "                         CASE WHEN e IN acc THEN acc ELSE acc + e END) "
        "  DETACH DELETE l)",
        {"pairs": pairs})


def drop_candidates(graph: Graph, pairs: Iterable[tuple[str, str]]) -> int:
    """Delete SAME_AS_CANDIDATE between each pair (either direction); how many went."""
    rows = graph.write(
        f"UNWIND $pairs AS p MATCH (a:{node('Company')} {{id: p[0]}})"
        f"-[r:{rel('SAME_AS_CANDIDATE')}]-(b:{node('Company')} {{id: p[1]}}) "
        "DELETE r RETURN count(r) AS n",
        {"pairs": [list(p) for p in pairs]},
    )
    return rows[0]["n"] if rows else 0
