"""Read the graph back: RESOLVED frames for the detection algorithms, NetworkX projections.

Reads are read transactions, so on a cluster they go to a follower.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import numpy as np
import pandas as pd

from graph import GraphError
from graph.connection import Graph
from graph.schema import node, rel
from loaders.columns import RESOLVED

__all__ = ["FRAME_KINDS", "read_frames", "records_start", "shipments_frame", "iter_shipments",
           "projection", "neighbourhood"]


def _frame(graph: Graph, query: str, columns: tuple[str, ...], params: dict | None = None,
           ) -> pd.DataFrame:
    def work(tx):
        result = tx.run(query, **(params or {}))
        return [record.values() for record in result]

    with graph.session(default_access_mode="READ") as session:
        rows = session.execute_read(work)
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in frame.columns:
        if column.endswith("date") or column == "listed_on":
            frame[column] = frame[column].map(_to_date)
    return frame


def _to_date(value):
    if value is None:
        return None
    return value.to_native() if hasattr(value, "to_native") else value


def _column_frame(tx, query: str, columns: tuple[str, ...], params: dict) -> pd.DataFrame:
    """Run a query that returns one record holding one list ``[value, ...]`` per row.

    The driver builds a Python Record per row returned, which costs more than the server's
    work on reads of many short rows (about 45 us a row); one long list of short lists
    costs a fraction of that. (Not one ``collect()`` per column: collect drops nulls.)
    """
    record = tx.run(query, **params).single()
    rows = record[0] if record is not None else []
    values = list(zip(*rows)) if rows else [() for _ in columns]
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in zip(columns, values)})
    for column in columns:
        if column.endswith("date"):
            frame[column] = _iso_dates(frame[column].tolist())
        elif column in ("quantity", "net_weight_kg", "value_usd"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _iso_dates(texts: list) -> list:
    """``toString(date)`` texts back to ``datetime.date`` (None stays None).

    Dates cross the wire as text because the driver's Date objects are built in Python,
    which on a million shipments costs seconds; numpy parses ISO dates in C.
    """
    try:
        days = np.array(["NaT" if t is None else t for t in texts], dtype="datetime64[D]")
    except ValueError:  # not all ISO dates: a property someone wrote by hand
        return [_parse_date(t) for t in texts]
    return days.astype(object).tolist()  # NaT becomes None


def _parse_date(text):
    try:
        return dt.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _exporter_groups(tx, max_rows: int, through: bool = False) -> list[list[str]]:
    """Exporting companies' ids in groups whose shipments add up to about ``max_rows``.

    With ``through``, only companies that also import (goods can pass through them), and
    ``n`` counts both their exports and imports.
    """
    exported = f"COUNT {{ (e)-[:{rel('EXPORTED')}]->() }}"
    imported = f"COUNT {{ (e)<-[:{rel('IMPORTED_BY')}]-() }}"
    rows = tx.run(
        f"MATCH (e:{node('Company')}) WITH e, {exported} AS out, {imported} AS in "
        f"WHERE out > 0 AND ({'in > 0' if through else 'true'}) "
        f"RETURN e.id AS id, out + {'in' if through else '0'} AS n ORDER BY id"
    )
    groups, group, size = [], [], 0
    for record in rows:
        if group and size + record["n"] > max_rows:
            groups.append(group)
            group, size = [], 0
        group.append(record["id"])
        size += record["n"]
    if group:
        groups.append(group)
    return groups


def iter_shipments(graph: Graph, hs_prefix: str | None = None, reported_only: bool = False,
                   max_rows: int = 100_000, parallel: int = 2,
                   through_only: bool = False,
                   columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
    """Shipments (RESOLVED["shipments"] columns) in frames of about ``max_rows`` rows.

    With ``through_only``, only the shipments that can be a step of a transshipment chain:
    those into or out of a company that both imports and exports (every link of a chain is
    an arrival at such a company and an onward shipment from it). Frames are then cut by
    that company and a shipment between two such companies comes once.

    Frames are cut by exporter: every shipment of one exporter is in the same frame, so a
    question that stays within one exporter's trade (mirror pairs share both parties) can
    be asked frame by frame with memory bounded by ``max_rows``, not by the graph.

    ``parallel`` frames are read at once, each in its own read transaction, and reading
    goes on while the caller works on the frame it was given: the server's share of a read
    (matching, collecting) overlaps the Python share (unpacking, building the frame) of
    another. At most ``parallel + 1`` frames are held. ``columns``: a subset of the
    RESOLVED columns to read (all by default).
    """
    columns = tuple(columns or RESOLVED["shipments"])
    unknown = set(columns) - set(RESOLVED["shipments"])
    if unknown:
        raise GraphError(f"not shipment columns: {sorted(unknown)}")
    parties = {"exporter_entity_id": "e.id", "importer_entity_id": "i.id"}

    def value(column: str) -> str:
        if column in parties:
            return parties[column]
        if column == "shipment_id":
            return "s.id"
        return f"toString(s.{column})" if column.endswith("date") else f"s.{column}"

    returns = "collect([" + ", ".join(value(c) for c in columns) + "])"
    where = ("WHERE ($hs IS NULL OR s.hs6 STARTS WITH $hs OR s.hs_code STARTS WITH $hs) "
             "  AND (NOT $reported_only OR s.reporter IS NOT NULL) ")
    shipment = (f"(e:{node('Company')})-[:{rel('EXPORTED')}]->(s:{node('Shipment')})"
                f"-[:{rel('IMPORTED_BY')}]->(i:{node('Company')})")
    if through_only:
        # out of the company; into it, unless the exporter also passes goods through (then
        # the shipment is in the exporter's group, found as an export). The patterns start
        # at c itself: written as `WHERE e = c` the planner scanned every Company per c.
        exported = (f"(c)-[:{rel('EXPORTED')}]->(s:{node('Shipment')})"
                    f"-[:{rel('IMPORTED_BY')}]->(i:{node('Company')})")
        imported = (f"(e:{node('Company')})-[:{rel('EXPORTED')}]->(s:{node('Shipment')})"
                    f"-[:{rel('IMPORTED_BY')}]->(c)")
        query = (
            f"UNWIND $ids AS cid MATCH (c:{node('Company')} {{id: cid}}) "
            f"CALL (c) {{ MATCH {exported} RETURN c AS e, s, i "
            f"  UNION MATCH {imported} "
            f"    WHERE NOT (EXISTS {{ (e)<-[:{rel('IMPORTED_BY')}]-() }}) RETURN e, s, c AS i }} "
            f"WITH e, s, i {where}RETURN {returns}"
        )
    else:
        query = (f"UNWIND $ids AS eid MATCH {shipment} WHERE e.id = eid "
                 f"{where.replace('WHERE', 'AND', 1)}RETURN {returns}")
    params = {"hs": hs_prefix, "reported_only": reported_only}

    def read(ids: list[str]) -> pd.DataFrame:
        with graph.session(default_access_mode="READ") as session:  # one per thread
            return session.execute_read(_column_frame, query, columns, {**params, "ids": ids})

    with graph.session(default_access_mode="READ") as session:
        groups = session.execute_read(_exporter_groups, max_rows, through_only)
    if parallel <= 1:
        for ids in groups:
            yield read(ids)
        return
    pending: deque = deque()
    with ThreadPoolExecutor(parallel, thread_name_prefix="tracegraph-read") as pool:
        try:
            for ids in groups:
                pending.append(pool.submit(read, ids))
                if len(pending) > parallel:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def shipments_frame(graph: Graph, hs_prefix: str | None = None,
                    reported_only: bool = False, through_only: bool = False,
                    columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Shipments with resolved parties (RESOLVED["shipments"] columns, or ``columns``);
    ``through_only`` as :func:`iter_shipments`."""
    frames = list(iter_shipments(graph, hs_prefix, reported_only, through_only=through_only,
                                 columns=columns))
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=object)
                             for c in (columns or RESOLVED["shipments"])})
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def records_start(graph: Graph) -> dt.date | None:
    """The date of the earliest shipment in the graph (``None`` when there is none): where
    the records begin, whatever part of them a question reads."""
    rows = graph.read(
        f"MATCH (s:{node('Shipment')}) WHERE s.date IS NOT NULL "
        "RETURN s.date AS date ORDER BY s.date LIMIT 1")
    return _to_date(rows[0]["date"]) if rows else None


FRAME_KINDS = ("shipments", "companies", "officers", "listings", "mirrors")


def read_frames(graph: Graph, hs_prefix: str | None = None,
                through_only: bool = False, *, columns: Sequence[str] | None = None,
                kinds: Sequence[str] = FRAME_KINDS) -> dict[str, pd.DataFrame]:
    """The RESOLVED frames the detection algorithms take, read from the graph.

    ``through_only`` reads only the shipments that can be steps of a transshipment chain
    (see :func:`iter_shipments`): enough for chain detection, which then gives the same
    chains, and on trade where most companies only buy or only sell a small part of the
    graph. Front scoring needs every shipment. ``columns``: the shipment columns to read
    (all RESOLVED ones by default); ``kinds``: which of :data:`FRAME_KINDS` to read.
    """
    unknown = set(kinds) - set(FRAME_KINDS)
    if unknown:
        raise GraphError(f"not frame kinds: {sorted(unknown)}")
    readers = {
        "shipments": lambda: shipments_frame(graph, hs_prefix, through_only=through_only,
                                             columns=columns),
        "companies": lambda: _companies_frame(graph),
        "officers": lambda: _officers_frame(graph),
        "listings": lambda: _listings_frame(graph),
        "mirrors": lambda: _mirrors_frame(graph),
    }
    return {kind: readers[kind]() for kind in FRAME_KINDS if kind in kinds}


def _companies_frame(graph: Graph) -> pd.DataFrame:
    company_cols = RESOLVED["companies"]
    company_props = [c for c in company_cols if c not in ("entity_id", "address_id")]
    return _frame(
        graph,
        f"MATCH (c:{node('Company')}) "
        f"OPTIONAL MATCH (c)-[:{rel('REGISTERED_AT')}]->(a:{node('Address')}) "
        "WITH c, min(a.id) AS address_id "
        "RETURN c.id, " + ", ".join(f"c.{p}" for p in company_props) + ", address_id",
        ("entity_id", *company_props, "address_id"),
    )[list(company_cols)]


def _officers_frame(graph: Graph) -> pd.DataFrame:
    return _frame(
        graph,
        f"MATCH (o)-[r:{rel('OFFICER_OF')}|{rel('OWNS')}]->(c:{node('Company')}) "
        f"RETURN o.id, CASE WHEN o:{node('Company')} THEN 'Company' ELSE 'Person' END, c.id, "
        "type(r), r.role, r.share_pct, r.start_date, r.end_date, o.resolved_by",
        (*RESOLVED["officers"], "officer_resolved_by"),
    )


def _listings_frame(graph: Graph) -> pd.DataFrame:
    return _frame(
        graph,
        f"MATCH (e)-[:{rel('LISTED_AS')}]->(l:{node('Listing')}) "
        f"RETURN l.id, e.id, CASE WHEN e:{node('Company')} THEN 'Company' ELSE 'Person' END, "
        "l.list, l.program, l.listed_on, l.category, l.linked_to, l.entries",
        RESOLVED["listings"],
    )


def _mirrors_frame(graph: Graph) -> pd.DataFrame:
    return _frame(
        graph,
        f"MATCH (m:{node('Shipment')})-[:{rel('MIRROR_OF')}]->(k:{node('Shipment')}) "
        "RETURN k.id, m.id",
        RESOLVED["mirrors"],
    )


# -- NetworkX projections ---------------------------------------------------------------------

_ROLE_LABELS = ("Supplier", "Intermediary", "DefenceBuyer", "FrontSuspect", "Listed")


def _node_attrs(record: dict) -> dict:
    labels = record["labels"]
    kind = next((k for k in ("Company", "Person", "Address") if k in labels), labels[0])
    return {
        "kind": kind,
        "name": record.get("name") or record.get("text") or record["id"],
        "country": record.get("country"),
        "roles": [label for label in labels if label in _ROLE_LABELS],
        "listed": "Listed" in labels,
        "registration_number": record.get("registration_number"),
        "incorporation_date": _to_date(record.get("incorporation_date")),
        "score": record.get("front_score"),
        "reasons": record.get("front_reasons"),
    }


def projection(graph: Graph, relationship_types: tuple[str, ...] = (
        "TRADES_WITH", "OFFICER_OF", "OWNS", "REGISTERED_AT"),
        entity_ids: list[str] | None = None) -> nx.MultiDiGraph:
    """Companies, persons and addresses with the chosen relationships, as a MultiDiGraph.

    Node keys are entity ids; attributes follow the contract in ``queries/network.py`` and
    ``viz/maps.py`` (kind, name, country, roles, listed, ...). Edges carry ``type`` and the
    relationship's properties. With ``entity_ids`` only edges between those nodes are read.
    """
    types = [rel(t) for t in relationship_types]
    g = nx.MultiDiGraph()
    node_query = (
        "MATCH (n) WHERE (n:Company OR n:Person OR n:Address) "
        "AND ($ids IS NULL OR n.id IN $ids) "
        "RETURN n {.id, .name, .text, .country, .registration_number, .incorporation_date, "
        ".front_score, .front_reasons, labels: labels(n)} AS n"
    )
    for row in graph.read(node_query, {"ids": entity_ids}):
        record = row["n"]
        g.add_node(record["id"], **_node_attrs(record))
    edge_query = (
        "MATCH (a)-[r]->(b) WHERE type(r) IN $types "
        "AND ($ids IS NULL OR (a.id IN $ids AND b.id IN $ids)) "
        "RETURN a.id AS a, b.id AS b, type(r) AS type, properties(r) AS props"
    )
    for row in graph.read(edge_query, {"types": types, "ids": entity_ids}):
        props = {k: _to_date(v) for k, v in row["props"].items()}
        if row["type"] == "TRADES_WITH":
            props.setdefault("weight", props.get("shipments", 1))
        g.add_edge(row["a"], row["b"], type=row["type"], **props)
    return g


def neighbourhood(graph: Graph, entity_id: str, depth: int = 2) -> nx.MultiDiGraph:
    """The projection restricted to entities within ``depth`` hops of one entity."""
    rows = graph.read(
        "MATCH (start {id: $id}) "
        "CALL (start) { MATCH p = (start)-[:TRADES_WITH|OFFICER_OF|OWNS|REGISTERED_AT"
        "|LISTED_AS*0..4]-(m) WHERE length(p) <= $depth "
        "  RETURN collect(DISTINCT m.id) AS ids } RETURN ids",
        {"id": entity_id, "depth": depth},
    )
    ids = rows[0]["ids"] if rows else []
    return projection(graph, entity_ids=ids)
