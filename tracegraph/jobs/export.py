"""Exports other tools read: the selection of a map, made complete (identifiers, where each
entity came from, list entries, the trade records) and written by :mod:`exports`."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.connection import Graph
from graph.dossier import entity_records, listings_of, shipment_records

__all__ = ["FORMATS", "enrich", "write_export", "shipment_edge", "source_places"]

FORMATS = ("gexf", "graphml", "ftm", "csv")
SHIPMENT = "SHIPMENT"
_ENTITY_KINDS = ("Company", "Person", "Address")
# properties of a Company node an export carries beside those of the map
_COMPANY_PROPS = ("tax_id", "status", "dissolution_date", "legal_form", "activity_code",
                  "address")


def source_places(sources: list[dict]) -> list[str]:
    """``file:line`` texts of a node's FROM_SOURCE entries (``file`` alone without a row)."""
    return sorted(f"{s['name']}:{s['row']}" if s.get("row") is not None else str(s["name"])
                  for s in sources if s.get("name"))


def shipment_edge(row: dict) -> dict:
    """The attributes of a SHIPMENT edge (as ``chain_map`` draws it) from a shipment record."""
    source = (row.get("sources") or [{}])[0]
    return {"type": SHIPMENT, "record_ids": [row["record_id"], *sorted(row["mirrors"])],
            "shipment_id": row["shipment_id"], "hs_code": row["hs_code"], "date": row["date"],
            "quantity": row["quantity"], "unit": row["unit"],
            "net_weight_kg": row["net_weight_kg"], "value_usd": row["value_usd"],
            "description": row["description"], "origin_country": row["origin_country"],
            "reporter": row["reporter"], "source": source.get("name"), "row": source.get("row")}


def enrich(graph: Graph, g: nx.MultiDiGraph, whole: bool = False) -> nx.MultiDiGraph:
    """A copy of the selection ``g`` completed for an export: identifiers, names and
    ``sources`` of every entity, list entries as ``Listing`` nodes (``LISTED_AS``), and where
    ``g`` draws no shipment, every shipment between two of its companies (``whole``: every
    shipment) as a SHIPMENT edge."""
    out = g.copy()
    ids = [n for n, kind in out.nodes(data="kind") if kind in _ENTITY_KINDS]
    for record in entity_records(graph, ids):
        attrs, props = out.nodes[record["id"]], record["props"]
        attrs["names"] = props.get("names")
        attrs["sources"] = source_places(record["sources"])
        if attrs.get("kind") == "Company":
            attrs.update({k: props.get(k) for k in _COMPANY_PROPS if props.get(k) is not None})
    for listing in listings_of(graph, ids):
        out.add_node(listing["id"], kind="Listing",
                     name=" ".join(str(v) for v in (listing["list"], listing["program"]) if v),
                     list=listing["list"], program=listing["program"],
                     listed_on=listing["listed_on"], category=listing["category"],
                     sources=source_places(listing["sources"]))
        out.add_edge(listing["entity"], listing["id"], type="LISTED_AS")
    if not any(t == SHIPMENT for _, _, t in out.edges(data="type")):
        companies = None if whole else [n for n, k in out.nodes(data="kind") if k == "Company"]
        for row in shipment_records(graph, company_ids=companies):
            if row["exporter"] in out and row["importer"] in out:
                out.add_edge(row["exporter"], row["importer"], **shipment_edge(row))
    return out


def write_export(g: nx.MultiDiGraph, fmt: str, out: str | Path,
                 shipments_as_nodes: bool = False) -> list[Path]:
    """Write the completed selection ``g`` in ``fmt`` to ``out``; return the files written.

    ``csv`` writes two tables beside ``out``: ``<stem>.nodes.csv`` and ``<stem>.edges.csv``.
    FtM always writes shipments as ``EconomicActivity`` entities.
    """
    target = Path(out)
    if fmt == "gexf":
        from exports.gexf import write_gexf

        return [write_gexf(g, target, shipments_as_nodes)]
    if fmt == "graphml":
        from exports.graphml import write_graphml

        return [write_graphml(g, target, shipments_as_nodes)]
    if fmt == "ftm":
        from exports.ftm import write_ftm

        return [write_ftm(g, target)]
    if fmt == "csv":
        from exports.tables import write_csv_tables

        stem = target.name[: -len(".csv")] if target.name.endswith(".csv") else target.name
        return list(write_csv_tables(g, target.with_name(f"{stem}.nodes.csv"),
                                     target.with_name(f"{stem}.edges.csv"), shipments_as_nodes))
    raise ValueError(f"no export format {fmt!r} (known: {', '.join(FORMATS)})")
