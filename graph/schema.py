"""The graph model of DESIGN.md, declared once; constraints and indexes are derived from it.

Labels and relationship types used anywhere in Cypher text come from here, never from input.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "NodeLabel",
    "RelType",
    "NODES",
    "RELATIONSHIPS",
    "ROLE_LABELS",
    "node",
    "rel",
    "schema_statements",
    "ensure_schema",
]


@dataclass(frozen=True)
class NodeLabel:
    label: str
    key: str = "id"
    indexed: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class RelType:
    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: tuple[str, ...] = ()
    doc: str = ""


NODES: dict[str, NodeLabel] = {n.label: n for n in (
    NodeLabel("Company", indexed=("name_key", "country", "registration_number", "tax_id"),
              doc="a resolved legal entity"),
    NodeLabel("Person", indexed=("name_key",), doc="officer, founder, owner"),
    NodeLabel("Address", indexed=("country",), doc="a normalised registered address"),
    NodeLabel("Shipment", indexed=("record_id", "hs6", "date"),
              doc="one trade record, the evidence"),
    NodeLabel("HSCode", indexed=("chpl_tier",), doc="a 6-digit heading"),
    NodeLabel("Listing", indexed=("list", "category"),
              doc="one entry on a sanctions / defence list"),
    NodeLabel("Source", indexed=("sha256",), doc="one loaded file"),
    NodeLabel("TradeFlow", indexed=("heading",),
              doc="aggregate statistics: one reporter x partner x HS6 (or heading total) x "
                  "period x flow, from a statistics office's file (graph.flows)"),
    NodeLabel("Judgement", indexed=("kind",),
              doc="a person's decision (merge / split of a candidate pair, ...), mirrored "
                  "from the judgements file of TRACEGRAPH_HOME"),
)}

# Added by analysis, not by loading. They carry no constraint of their own.
ROLE_LABELS: tuple[str, ...] = ("Supplier", "Intermediary", "DefenceBuyer", "FrontSuspect",
                                "Listed")

_PARTIES = ("Person", "Company")
RELATIONSHIPS: dict[str, RelType] = {r.type: r for r in (
    RelType("EXPORTED", ("Company",), ("Shipment",), doc="who shipped it"),
    RelType("IMPORTED_BY", ("Shipment",), ("Company",), doc="to whom"),
    RelType("OF_GOODS", ("Shipment", "TradeFlow"), ("HSCode",)),
    RelType("TRADES_WITH", ("Company",), ("Company",),
            ("hs6s", "shipments", "value_usd", "first_date", "last_date"),
            doc="derived summary of shipments, rebuilt after a load"),
    RelType("OFFICER_OF", _PARTIES, ("Company",), ("role", "start_date", "end_date")),
    RelType("OWNS", _PARTIES, ("Company",), ("share_pct", "start_date", "end_date")),
    RelType("REGISTERED_AT", ("Company",), ("Address",)),
    RelType("LISTED_AS", _PARTIES, ("Listing",)),
    RelType("LINKED_TO", _PARTIES, _PARTIES, ("list",),
            doc="a list's own link from one entry to another (OFAC's 'Linked To:')"),
    RelType("SAME_AS_CANDIDATE", ("Company",), ("Company",), ("score", "method"),
            doc="possible duplicate, for a human to confirm"),
    RelType("MIRROR_OF", ("Shipment",), ("Shipment",),
            doc="the same physical shipment declared on both sides of a border"),
    RelType("FORWARDED_AS", ("Shipment",), ("Shipment",), ("lag_days", "quantity_ratio"),
            doc="an inbound shipment matched to an onward one (chain detection)"),
    RelType("FROM_SOURCE", ("Company", "Person", "Address", "Shipment", "Listing"),
            ("Source",), ("row",), doc="provenance"),
)}


def node(label: str) -> str:
    """A label checked against the model, for use in Cypher text."""
    if label not in NODES and label not in ROLE_LABELS:
        raise KeyError(f"unknown node label {label!r}")
    return label


def rel(rel_type: str) -> str:
    """A relationship type checked against the model, for use in Cypher text."""
    if rel_type not in RELATIONSHIPS:
        raise KeyError(f"unknown relationship type {rel_type!r}")
    return rel_type


def schema_statements() -> list[str]:
    """Constraint and index statements derived from NODES, all ``IF NOT EXISTS``.

    Constraints come first: creating one waits for its index to fill, and on a graph that
    already holds nodes (after a bulk import) it would otherwise also wait behind the
    populations of indexes created before it (4.6 s for the HSCode constraint behind the
    Shipment indexes of a 1M-row import). Indexes fill in the background.
    """
    constraints, indexes = [], []
    for spec in NODES.values():
        lower = spec.label.lower()
        constraints.append(
            f"CREATE CONSTRAINT {lower}_{spec.key} IF NOT EXISTS "
            f"FOR (n:{spec.label}) REQUIRE n.{spec.key} IS UNIQUE"
        )
        for prop in spec.indexed:
            indexes.append(
                f"CREATE INDEX {lower}_{prop} IF NOT EXISTS FOR (n:{spec.label}) ON (n.{prop})"
            )
    return constraints + indexes


def ensure_schema(driver, database: str | None = None) -> None:
    """Create the model's constraints and indexes if they do not exist, and wait for them."""
    for statement in schema_statements():
        driver.execute_query(statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
