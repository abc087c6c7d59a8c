"""Batched, idempotent writes of resolved frames into Neo4j, and the summaries rebuilt after a load.

Every write is ``UNWIND $rows AS row`` keyed on a constrained id, so loading the same file
twice changes nothing, and a load killed halfway and run again ends in the same graph: each
batch is one transaction, and what a transaction wrote is never written differently later.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from graph.connection import Graph
from graph.schema import node, rel
from loaders.columns import RESERVED_PROPERTIES, RESOLVED, extra_property

__all__ = ["GraphWriter", "records", "column_values", "trade_summaries"]

DEFAULT_BATCH = 5_000  # measured: 2,000-5,000 rows a transaction costs the server least


def _clean(value):
    """A value Neo4j accepts as a property: no NaN/NaT, dates as dates, lists as lists."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, (list, tuple, set)):
        return [v for v in (_clean(v) for v in value) if v is not None]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
        return _clean(value)
    if value is pd.NaT or value is pd.NA:
        return None
    return value


# Types a value may already have to go to Neo4j as it is (float only when not NaN).
_PLAIN = frozenset({str, int, bool, float, dt.date, type(None)})


def column_values(frame: pd.DataFrame, column: str) -> list:
    """One column of ``frame`` as a list of Neo4j-safe values (:func:`_clean`), None when
    the column is missing.

    Whole columns at once: numeric and date columns convert in numpy, text columns pay
    one ``type`` check per value; only odd values (numpy scalars, lists) go through
    :func:`_clean` one by one. On a million shipments this is what keeps the writer's
    Python time below the server's.
    """
    n = len(frame)
    if column not in frame.columns:
        return [None] * n
    series = frame[column]
    kind = series.dtype.kind
    if kind == "f":
        values = series.to_numpy()
        out = values.tolist()
        if np.isnan(values).any():
            out = [None if v != v else v for v in out]
        return out
    if kind in "iub":
        return series.to_numpy().tolist()
    if kind == "M":
        missing = series.isna().to_numpy()
        days = series.dt.date.to_numpy(dtype=object)
        days[missing] = None
        return days.tolist()
    values = series.to_numpy(dtype=object).tolist()
    if _PLAIN.issuperset(map(type, values)):
        return [None if v != v else v for v in values]  # NaN is the only value != itself
    return [_clean(v) for v in values]


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict]:
    """Rows of ``frame`` as dicts with Neo4j-safe values; missing columns become None."""
    if frame is None or frame.empty:
        return []
    columns = list(columns) if columns is not None else list(frame.columns)
    lists = [column_values(frame, c) for c in columns]
    return [dict(zip(columns, row)) for row in zip(*lists)]


def _props(row: dict, keys: Iterable[str]) -> dict:
    # `SET n += {k: null}` would delete k: pass only what the row knows
    return {k: row[k] for k in keys if row.get(k) not in (None, "", [])}


def _safe_keys(props: dict) -> dict:
    """``props`` with any key the graph sets itself (``id``, ``names``...) renamed
    ``src_<key>``: a column of a file never overwrites a node's key or its names."""
    if RESERVED_PROPERTIES.isdisjoint(props):
        return props
    return {extra_property(k) if k in RESERVED_PROPERTIES else k: v for k, v in props.items()}


def _batches(rows: list, size: int) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _shipment_query(has_hs: bool, has_source: bool, has_extra: bool) -> str:
    """CREATE of new shipments and their edges from column lists (see write_shipments)."""
    known = [c for c in RESOLVED["shipments"]
             if c not in ("shipment_id", "exporter_entity_id", "importer_entity_id")]
    props = ", ".join(f"{c}: ${c}[k]" for c in known)  # names from the contract, not input
    return " ".join(part for part in (
        f"MATCH (src:{node('Source')} {{id: $source_id}})" if has_source else "",
        "UNWIND range(0, size($id) - 1) AS k",
        f"MATCH (e:{node('Company')} {{id: $exporter[k]}})",
        f"MATCH (i:{node('Company')} {{id: $importer[k]}})",
        f"MATCH (h:{node('HSCode')} {{id: $hs6[k]}})" if has_hs else "",
        f"CREATE (s:{node('Shipment')} {{id: $id[k], {props}}})",
        "SET s += $extra[k]" if has_extra else "",
        f"CREATE (e)-[:{rel('EXPORTED')}]->(s)",
        f"CREATE (s)-[:{rel('IMPORTED_BY')}]->(i)",
        f"CREATE (s)-[:{rel('OF_GOODS')}]->(h)" if has_hs else "",
        f"CREATE (s)-[:{rel('FROM_SOURCE')} {{row: $line[k]}}]->(src)" if has_source else "",
    ) if part)


def trade_summaries(shipments: pd.DataFrame, mirror_ids: Iterable[str] = ()) -> pd.DataFrame:
    """TRADES_WITH summaries of ``shipments`` as :meth:`GraphWriter.rebuild_trades_with`
    makes them in the server, for shipments held in Python (graph.bulk).

    One row per (exporter, importer): the distinct HS6 codes (sorted), the number of
    shipments, the sum of value_usd (missing counts 0), the first and last date. Shipments
    in ``mirror_ids`` (the twin of a mirror pair) are left out, so a pair counts once.
    """
    columns = ["exporter_entity_id", "importer_entity_id", "hs6s", "shipments", "value_usd",
               "first_date", "last_date"]
    frame = shipments[~shipments["shipment_id"].isin(set(mirror_ids))]
    frame = frame[frame["exporter_entity_id"].notna() & frame["importer_entity_id"].notna()]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({
        "exporter_entity_id": frame["exporter_entity_id"].to_numpy(),
        "importer_entity_id": frame["importer_entity_id"].to_numpy(),
        "hs6": frame["hs6"].where(frame["hs6"].notna() & (frame["hs6"] != ""), None),
        "value_usd": pd.to_numeric(frame["value_usd"], errors="coerce").fillna(0.0).to_numpy(),
        "day": pd.to_datetime(frame["date"], errors="coerce").to_numpy(),
    })
    groups = frame.groupby(["exporter_entity_id", "importer_entity_id"], sort=True)
    out = groups.agg(shipments=("value_usd", "size"), value_usd=("value_usd", "sum"),
                     first=("day", "min"), last=("day", "max")).reset_index()
    # the distinct codes of each pair, sorted: one sort of the distinct triples, not a
    # Python function per pair
    pairs = ["exporter_entity_id", "importer_entity_id"]
    codes = (frame.dropna(subset=["hs6"]).drop_duplicates(pairs + ["hs6"])
             .sort_values(pairs + ["hs6"]).groupby(pairs, sort=True)["hs6"].agg(list))
    found = codes.reindex(pd.MultiIndex.from_frame(out[pairs])).to_numpy(dtype=object)
    out["hs6s"] = [list(v) if isinstance(v, list) else [] for v in found]
    out["first_date"] = [d.date() if not pd.isna(d) else None for d in out["first"]]
    out["last_date"] = [d.date() if not pd.isna(d) else None for d in out["last"]]
    out["shipments"] = out["shipments"].astype(int)
    return out[columns]


class GraphWriter:
    """Writes the RESOLVED frames of loaders/columns.py, batch by batch.

    Parameters
    ----------
    graph : Graph
        A connected graph (schema already created by ``connect``).
    batch_size : int
        Rows per transaction.
    parallel : int
        Shipment batches written at once, each in its own session and transaction.
    """

    def __init__(self, graph: Graph, batch_size: int = DEFAULT_BATCH, parallel: int = 1):
        self.graph = graph
        self.batch_size = batch_size
        self.parallel = parallel

    # -- plumbing ------------------------------------------------------------------------------

    def _run(self, query: str, rows: list[dict], **params) -> None:
        if not rows:
            return
        with self.graph.session() as session:
            for batch in _batches(rows, self.batch_size):
                session.execute_write(lambda tx, b=batch: tx.run(query, rows=b, **params).consume())

    # -- sources -------------------------------------------------------------------------------

    def write_source(self, source_id: str, props: dict) -> None:
        """Create or update the Source node of one loaded file."""
        self.graph.write(
            f"MERGE (s:{node('Source')} {{id: $id}}) "
            # not ON CREATE: a bulk load's import creates the node bare (graph.bulk)
            "SET s.loaded_at = coalesce(s.loaded_at, datetime()), s += $props",
            {"id": source_id, "props": {k: _clean(v) for k, v in props.items()
                                        if _clean(v) is not None}},
        )

    # -- entities ------------------------------------------------------------------------------

    def write_addresses(self, frame: pd.DataFrame, source_id: str | None = None) -> None:
        rows = [{"id": r["address_id"], "props": _props(r, ("text", "country")),
                 "line": r.get("line_number")}
                for r in records(frame, ("address_id", "text", "country", "line_number"))
                if r["address_id"]]
        self._run(
            f"UNWIND $rows AS row MERGE (a:{node('Address')} {{id: row.id}}) SET a += row.props "
            "WITH a, row" + self._provenance("a"), rows, source=source_id,
        )

    def write_companies(self, frame: pd.DataFrame, source_id: str | None = None) -> None:
        """Companies: properties the row knows, every name variant kept in ``names``.

        ``name`` is set once, by the first row that names the company; a registry row
        (``from_registry`` true) overrides a name first seen in trade records.
        """
        structural = ("entity_id", "name", "names", "address_id", "from_registry", "line_number")
        keys = [c for c in frame.columns if c not in structural]
        rows = []
        for r in records(frame, (*structural, *keys)):
            if not r["entity_id"]:
                continue
            names = sorted({n for n in (r["names"] or []) if n} | ({r["name"]} if r["name"] else set()))
            props = _safe_keys(_props(r, keys))
            if r["from_registry"]:
                props["in_registry"] = True
            rows.append({"id": r["entity_id"], "name": r["name"], "names": names,
                         "registry": bool(r["from_registry"]), "props": props,
                         "address": r["address_id"], "line": r["line_number"]})
        self._run(
            f"UNWIND $rows AS row MERGE (c:{node('Company')} {{id: row.id}}) "
            "SET c += row.props, "
            "    c.name = CASE WHEN row.registry OR c.name IS NULL THEN coalesce(row.name, c.name) "
            "                  ELSE c.name END, "
            "    c.names = reduce(acc = coalesce(c.names, []), n IN row.names | "
            "                     CASE WHEN n IN acc THEN acc ELSE acc + n END), "
            # the registry's own names, apart from trade spellings: what a later load's
            # resolver is seeded with, so a resumed load resolves as an uninterrupted one
            "    c.registry_names = CASE WHEN row.registry THEN "
            "        reduce(acc = coalesce(c.registry_names, []), n IN row.names | "
            "               CASE WHEN n IN acc THEN acc ELSE acc + n END) "
            "        ELSE c.registry_names END "
            "WITH c, row "
            f"CALL (c, row) {{ WITH c, row WHERE row.address IS NOT NULL "
            f"  MATCH (a:{node('Address')} {{id: row.address}}) "
            f"  MERGE (c)-[:{rel('REGISTERED_AT')}]->(a) }} "
            "WITH c, row" + self._provenance("c"), rows, source=source_id,
        )

    def write_persons(self, frame: pd.DataFrame, source_id: str | None = None) -> None:
        """Person nodes; ``resolved_by`` (what holds the person's mentions together, see
        loaders.resolve_persons.EVIDENCE) is set when the frame carries it."""
        rows = []
        for r in records(frame, ("entity_id", "name", "names", "country", "name_key",
                                 "resolved_by", "line_number")):
            if not r["entity_id"]:
                continue
            names = sorted({n for n in (r["names"] or []) if n} | ({r["name"]} if r["name"] else set()))
            rows.append({"id": r["entity_id"], "name": r["name"], "names": names,
                         "props": _props(r, ("country", "name_key", "resolved_by")),
                         "line": r["line_number"]})
        self._run(
            f"UNWIND $rows AS row MERGE (p:{node('Person')} {{id: row.id}}) "
            "SET p += row.props, p.name = coalesce(p.name, row.name), "
            "    p.names = reduce(acc = coalesce(p.names, []), n IN row.names | "
            "                     CASE WHEN n IN acc THEN acc ELSE acc + n END) "
            "WITH p, row" + self._provenance("p"), rows, source=source_id,
        )

    def write_officers(self, frame: pd.DataFrame) -> None:
        """OFFICER_OF and OWNS, one relationship per (officer, company, role)."""
        cols = ("officer_entity_id", "officer_kind", "company_entity_id", "rel", "role",
                "share_pct", "start_date", "end_date")
        grouped: dict[tuple[str, str], list[dict]] = {}
        for r in records(frame, cols):
            if not (r["officer_entity_id"] and r["company_entity_id"]):
                continue
            kind = node("Company" if r["officer_kind"] == "Company" else "Person")
            rel_type = rel("OWNS" if r["rel"] == "OWNS" else "OFFICER_OF")
            grouped.setdefault((kind, rel_type), []).append({
                "officer": r["officer_entity_id"], "company": r["company_entity_id"],
                "role": r["role"] or "officer",
                "props": _props(r, ("share_pct", "start_date", "end_date")),
            })
        for (kind, rel_type), rows in grouped.items():
            self._run(
                f"UNWIND $rows AS row MATCH (o:{kind} {{id: row.officer}}) "
                f"MATCH (c:{node('Company')} {{id: row.company}}) "
                f"MERGE (o)-[r:{rel_type} {{role: row.role}}]->(c) SET r += row.props",
                rows,
            )

    def write_listings(self, frame: pd.DataFrame, source_id: str | None = None) -> None:
        cols = ("listing_id", "entity_id", "entity_kind", "list", "program", "listed_on",
                "category", "linked_to", "entries", "line_number")
        grouped: dict[str, list[dict]] = {}
        for r in records(frame, cols):
            if not r["listing_id"]:
                continue
            kind = node("Person" if r["entity_kind"] == "Person" else "Company")
            grouped.setdefault(kind, []).append({
                "id": r["listing_id"], "entity": r["entity_id"], "line": r["line_number"],
                "entries": r["entries"] or [],
                "props": _props(r, ("list", "program", "listed_on", "category", "linked_to")),
            })
        for kind, rows in grouped.items():
            self._run(
                f"UNWIND $rows AS row MERGE (l:{node('Listing')} {{id: row.id}}) SET l += row.props, "
                # the list entries behind it (two entries of a list may name one entity)
                "  l.entries = reduce(acc = coalesce(l.entries, []), e IN row.entries | "
                "                     CASE WHEN e IN acc THEN acc ELSE acc + e END) "
                f"WITH l, row CALL (l, row) {{ WITH l, row WHERE row.entity IS NOT NULL "
                f"  MATCH (e:{kind} {{id: row.entity}}) "
                f"  MERGE (e)-[:{rel('LISTED_AS')}]->(l) SET e:{node('Listed')} }} "
                "WITH l AS n, row" + self._provenance("n"), rows, source=source_id,
            )

    def write_candidates(self, frame: pd.DataFrame) -> None:
        rows = [r for r in records(frame, ("entity_id", "other_entity_id", "score", "method"))
                if r["entity_id"] and r["other_entity_id"] and r["entity_id"] != r["other_entity_id"]]
        # one direction per pair, so a pair seen from both sides is one relationship
        for r in rows:
            if r["entity_id"] > r["other_entity_id"]:
                r["entity_id"], r["other_entity_id"] = r["other_entity_id"], r["entity_id"]
        self._run(
            f"UNWIND $rows AS row MATCH (a:{node('Company')} {{id: row.entity_id}}) "
            f"MATCH (b:{node('Company')} {{id: row.other_entity_id}}) "
            f"MERGE (a)-[r:{rel('SAME_AS_CANDIDATE')}]->(b) "
            "SET r.score = row.score, r.method = row.method", rows,
        )

    def write_hs_codes(self, codes: Iterable[str], info: dict[str, dict] | None = None) -> None:
        """HSCode nodes for the given HS6 codes; ``info`` adds description and chpl_tier."""
        info = info or {}
        rows = [{"id": code, "props": _props({"code": code, **info.get(code, {})},
                                             ("code", "description", "chpl_tier"))}
                for code in sorted({c for c in codes if c})]
        self._run(
            f"UNWIND $rows AS row MERGE (h:{node('HSCode')} {{id: row.id}}) SET h += row.props",
            rows,
        )

    def write_shipments(self, frame: pd.DataFrame, source_id: str | None = None) -> int:
        """Shipments with their EXPORTED, IMPORTED_BY, OF_GOODS and FROM_SOURCE edges.

        A shipment that exists already is left as it is: a shipment and its edges are
        written in one transaction, so one that exists is complete. New ones are created
        with CREATE, which is what makes this fast. Returns the number created.

        Parameters go column-wise (one list per property, rows addressed by position): no
        per-row dict is built in Python, and the server unpacks a few long lists instead of
        thousands of maps. Which ids exist is asked first, in the same transaction: asking
        it inside the CREATE query makes the planner put Eager barriers around the CREATE
        (it reads and writes Shipment ids), which roughly doubles the server's work.
        """
        structural = ("shipment_id", "exporter_entity_id", "importer_entity_id", "line_number")
        known = [c for c in RESOLVED["shipments"] if c not in structural]
        # unknown extra columns of the file are kept as properties (CONTRACT.md); their
        # names come from the input, so they travel as map keys, never as Cypher text
        extras = [c for c in frame.columns if c not in structural and c not in known]
        ids = column_values(frame, "shipment_id")
        seen: set = set()
        # the first row of an id only: batches may be written at once, and two of them
        # creating one id would break the constraint instead of skipping the second
        keep = [i for i, v in enumerate(ids) if v and not (v in seen or seen.add(v))]
        if not keep:
            return 0
        columns = {"id": ids, "exporter": column_values(frame, "exporter_entity_id"),
                   "importer": column_values(frame, "importer_entity_id"),
                   "line": column_values(frame, "line_number")}
        for c in known:
            # `CREATE (s {k: null})` sets nothing; an empty text is no value either
            columns[c] = [None if v == "" or v == [] else v for v in column_values(frame, c)]
        if extras:
            lists = [column_values(frame, c) for c in extras]
            names = [extra_property(c) if c in RESERVED_PROPERTIES else c for c in extras]
            columns["extra"] = [{k: v for k, v in zip(names, row) if v not in (None, "", [])}
                                for row in zip(*lists)]
        if len(keep) < len(ids):
            columns = {k: [v[i] for i in keep] for k, v in columns.items()}
        self.write_hs_codes(set(columns["hs6"]))
        batches = [{k: v[start:start + self.batch_size] for k, v in columns.items()}
                   for start in range(0, len(keep), self.batch_size)]
        if self.parallel <= 1 or len(batches) == 1:
            with self.graph.session() as session:
                return sum(session.execute_write(self._create_shipments, b, source_id)
                           for b in batches)
        # Each batch is its own transaction touching only its own new shipments, so batches
        # may commit in any order; the server then works on two at once (the driver waits
        # without the GIL). A deadlock on a shared company is retried by execute_write.
        local = threading.local()

        def one(batch):
            if not hasattr(local, "session"):
                local.session = self.graph.session()
                sessions.append(local.session)
            return local.session.execute_write(self._create_shipments, batch, source_id)

        sessions: list = []
        try:
            with ThreadPoolExecutor(self.parallel, thread_name_prefix="tracegraph-write") as pool:
                return sum(pool.map(one, batches))
        finally:
            for session in sessions:
                session.close()

    @staticmethod
    def _create_shipments(tx, batch: dict[str, list], source_id: str | None) -> int:
        existing = set(tx.run(
            f"UNWIND $ids AS id MATCH (s:{node('Shipment')} {{id: id}}) RETURN s.id AS id",
            ids=batch["id"]).value("id"))
        if existing:
            kept = [i for i, v in enumerate(batch["id"]) if v not in existing]
            if not kept:
                return 0
            batch = {k: [v[i] for i in kept] for k, v in batch.items()}
        created = 0
        # OF_GOODS needs an HS6, FROM_SOURCE a source: one query text per case, so that
        # no row pays for a conditional subquery
        with_hs = [i for i, v in enumerate(batch["hs6"]) if v is not None]
        parts = [(True, batch)] if len(with_hs) == len(batch["hs6"]) else [
            (True, {k: [v[i] for i in with_hs] for k, v in batch.items()}),
            (False, {k: [v[i] for i, h in enumerate(batch["hs6"]) if h is None]
                     for k, v in batch.items()}),
        ]
        for has_hs, part in parts:
            if not part["id"]:
                continue
            query = _shipment_query(has_hs, source_id is not None, "extra" in part)
            summary = tx.run(query, source_id=source_id, **part).consume()
            created += summary.counters.nodes_created
        return created

    def shipment_records(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """Which of ``ids`` the graph holds: ``{id: (record_digest, source)}`` (for
        loaders.accounting.RecordLedger; a shipment of an older load has no digest)."""
        found: dict[str, tuple[str | None, str | None]] = {}
        for batch in _batches(list(ids), 10_000):
            for row in self.graph.read(
                    f"UNWIND $ids AS id MATCH (s:{node('Shipment')} {{id: id}}) "
                    "RETURN s.id AS id, s.record_digest AS digest, s.source AS source",
                    {"ids": batch}):
                found[row["id"]] = (row["digest"], row["source"])
        return found

    def _provenance(self, var: str) -> str:
        # one FROM_SOURCE per (node, file), carrying the first row that named the node
        return (
            f" CALL ({var}, row) {{ WITH {var}, row WHERE $source IS NOT NULL "
            f"  MATCH (src:{node('Source')} {{id: $source}}) "
            f"  MERGE ({var})-[prov:{rel('FROM_SOURCE')}]->(src) "
            f"  ON CREATE SET prov.row = row.line }}"
        )

    def write(self, frames: dict[str, pd.DataFrame], source_id: str | None = None) -> None:
        """Write one chunk's resolved frames in dependency order."""
        order = ("addresses", "companies", "persons", "officers", "listings", "candidates",
                 "shipments")
        for name in order:
            frame = frames.get(name)
            if frame is None or frame.empty:
                continue
            if name == "addresses":
                self.write_addresses(frame, source_id)
            elif name == "companies":
                self.write_companies(frame, source_id)
            elif name == "persons":
                self.write_persons(frame, source_id)
            elif name == "officers":
                self.write_officers(frame)
            elif name == "listings":
                self.write_listings(frame, source_id)
            elif name == "candidates":
                self.write_candidates(frame)
            else:
                self.write_shipments(frame, source_id)

    # -- derived relationships, rebuilt after a load --------------------------------------------

    def write_mirrors(self, frame: pd.DataFrame) -> None:
        """(mirror)-[:MIRROR_OF]->(kept): the kept declaration is the one analysis counts."""
        rows = [r for r in records(frame, ("shipment_id", "mirror_id"))
                if r["shipment_id"] and r["mirror_id"]]
        self._run(
            f"UNWIND $rows AS row MATCH (k:{node('Shipment')} {{id: row.shipment_id}}) "
            f"MATCH (m:{node('Shipment')} {{id: row.mirror_id}}) "
            f"MERGE (m)-[:{rel('MIRROR_OF')}]->(k)", rows,
        )

    def rebuild_trades_with(self) -> int:
        """Recompute every TRADES_WITH summary from the shipments (mirrors counted once)."""
        self._delete_all(rel("TRADES_WITH"))
        query = (
            f"MATCH (e:{node('Company')}) WHERE (e)-[:{rel('EXPORTED')}]->() "
            "CALL (e) { "
            f"  MATCH (e)-[:{rel('EXPORTED')}]->(s:{node('Shipment')})"
            f"-[:{rel('IMPORTED_BY')}]->(i:{node('Company')}) "
            f"  WHERE NOT (s)-[:{rel('MIRROR_OF')}]->() "
            "  WITH e, i, collect(DISTINCT s.hs6) AS hs6s, count(s) AS shipments, "
            "       sum(coalesce(s.value_usd, 0.0)) AS value, min(s.date) AS first, "
            "       max(s.date) AS last "
            f"  CREATE (e)-[:{rel('TRADES_WITH')} {{hs6s: hs6s, shipments: shipments, "
            "      value_usd: value, first_date: first, last_date: last}]->(i) "
            "} IN TRANSACTIONS OF 2000 ROWS"
        )
        with self.graph.session() as session:
            session.run(query).consume()
        rows = self.graph.read(f"MATCH ()-[r:{rel('TRADES_WITH')}]->() RETURN count(r) AS n")
        return rows[0]["n"]

    def write_trades_with(self, summaries: pd.DataFrame) -> int:
        """Replace every TRADES_WITH by ``summaries`` (:func:`trade_summaries`: what
        :meth:`rebuild_trades_with` computes, computed without the server)."""
        self._delete_all(rel("TRADES_WITH"))
        rows = records(summaries, ("exporter_entity_id", "importer_entity_id", "hs6s",
                                   "shipments", "value_usd", "first_date", "last_date"))
        self._run(
            f"UNWIND $rows AS row MATCH (e:{node('Company')} {{id: row.exporter_entity_id}}) "
            f"MATCH (i:{node('Company')} {{id: row.importer_entity_id}}) "
            f"CREATE (e)-[:{rel('TRADES_WITH')} {{hs6s: row.hs6s, shipments: row.shipments, "
            "value_usd: row.value_usd, first_date: row.first_date, last_date: row.last_date}]->(i)",
            rows,
        )
        return len(rows)

    def _delete_all(self, rel_type: str) -> None:
        with self.graph.session() as session:
            session.run(
                f"MATCH ()-[r:{rel_type}]->() CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 10000 ROWS"
            ).consume()

    # -- analysis results written back ------------------------------------------------------------

    def write_forwarded(self, links: pd.DataFrame) -> None:
        """FORWARDED_AS from chain detection; earlier results are replaced."""
        self._delete_all(rel("FORWARDED_AS"))
        rows = records(links, ("in_shipment_id", "out_shipment_id", "lag_days", "quantity_ratio"))
        self._run(
            f"UNWIND $rows AS row MATCH (a:{node('Shipment')} {{id: row.in_shipment_id}}) "
            f"MATCH (b:{node('Shipment')} {{id: row.out_shipment_id}}) "
            f"MERGE (a)-[r:{rel('FORWARDED_AS')}]->(b) "
            "SET r.lag_days = row.lag_days, r.quantity_ratio = row.quantity_ratio", rows,
        )

    def write_roles(self, role: str, entity_ids: Iterable[str], replace: bool = True) -> None:
        """Put a role label on companies; with ``replace`` the label leaves the others."""
        label = node(role)
        ids = sorted({e for e in entity_ids if e})
        if replace:
            self.graph.write(
                f"MATCH (c:{label}) WHERE NOT c.id IN $ids REMOVE c:{label}", {"ids": ids}
            )
        self._run(
            f"UNWIND $rows AS row MATCH (c:{node('Company')} {{id: row.id}}) SET c:{label}",
            [{"id": e} for e in ids],
        )

    def write_front_scores(self, fronts: pd.DataFrame) -> None:
        """``front_score`` and ``front_reasons`` on scored companies; old scores removed."""
        self.graph.write(
            f"MATCH (c:{node('Company')}) WHERE c.front_score IS NOT NULL "
            "REMOVE c.front_score, c.front_reasons"
        )
        rows = records(fronts, ("entity_id", "score", "reasons"))
        self._run(
            f"UNWIND $rows AS row MATCH (c:{node('Company')} {{id: row.entity_id}}) "
            "SET c.front_score = row.score, c.front_reasons = row.reasons", rows,
        )
