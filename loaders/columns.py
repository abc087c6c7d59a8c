"""Canonical column names: the input tables of CONTRACT.md and the resolved frames the graph stores.

Everything that names a column imports it from here, so the contract lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "InputTable",
    "INPUT_TABLES",
    "SHIPMENTS",
    "COMPANIES",
    "OFFICERS",
    "WATCHLIST",
    "TRADE_FLOWS",
    "RESOLVED",
    "REJECT_REASON",
    "LINE_NUMBER",
    "SHEET",
    "EXTRA_PREFIX",
    "RECORD_DIGEST",
    "RESERVED_PROPERTIES",
    "extra_property",
    "WATCHLIST_ENTITY_COLUMNS",
    "kind_columns",
]

REJECT_REASON = "reject_reason"
LINE_NUMBER = "line_number"
SHEET = "sheet"  # the worksheet of a workbook's rejected row, in its rejects file
# a shipment's content fingerprint (loaders.ids.record_digests), kept on the node so that a
# record id arriving again with other content is told apart from a plain reload
RECORD_DIGEST = "record_digest"

# An input's columns beyond its kind's are kept as properties under this prefix, so that no
# column (``id``, ``names``, ``registry_names``...) can overwrite a property of the graph's own
EXTRA_PREFIX = "src_"
# properties the graph layer sets itself: a frame column of that name is written under
# ``src_<name>`` there too (graph.store, graph.bulk), whoever made the frame
RESERVED_PROPERTIES = frozenset({"id", "names", "registry_names", "in_registry", "loaded_at"})


def extra_property(column: str) -> str:
    """The property name of an extra input column: always ``src_`` + the column's name.

    >>> extra_property("id"), extra_property("carrier")
    ('src_id', 'src_carrier')
    """
    return f"{EXTRA_PREFIX}{column}"


@dataclass(frozen=True)
class InputTable:
    """One input kind of CONTRACT.md: its columns and which of them a row must have."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    # at least one column of each group must hold a value
    one_of: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


SHIPMENTS = InputTable(
    kind="shipments",
    required=(
        "record_id", "date", "exporter_name", "exporter_country",
        "importer_name", "importer_country", "hs_code",
    ),
    optional=(
        "exporter_id", "importer_id", "description", "origin_country", "quantity",
        "unit", "net_weight_kg", "value_usd", "reporter", "source",
    ),
    one_of=(("quantity", "net_weight_kg", "value_usd"),),
)

COMPANIES = InputTable(
    kind="companies",
    required=("country", "name"),
    optional=(
        "registration_number", "name_latin", "aliases", "tax_id", "incorporation_date",
        "dissolution_date", "status", "address", "legal_form", "activity_code", "source",
    ),
    one_of=(("registration_number", "tax_id"),),
)

OFFICERS = InputTable(
    kind="officers",
    required=("company_registration_number", "company_country", "officer_name", "role"),
    optional=(
        "officer_type", "officer_id", "officer_country", "share_pct", "start_date", "end_date",
    ),
)

WATCHLIST = InputTable(
    kind="watchlist",
    required=("name", "country", "list"),
    optional=("id", "program", "listed_on", "category"),
)

# Aggregate statistics (a statistics office's figures, not records): read and stored apart
# from the records by loaders.flows, never through the per-row shipment path
TRADE_FLOWS = InputTable(
    kind="trade_flows",
    required=("reporter", "partner", "hs_code", "period", "value"),
    optional=("flow", "currency", "quantity", "unit", "net_weight_kg", "source"),
)

INPUT_TABLES: dict[str, InputTable] = {t.kind: t for t in (SHIPMENTS, COMPANIES, OFFICERS, WATCHLIST,
                                                           TRADE_FLOWS)}

# A watchlist row may describe the listed entity the way a registry does; these columns carry
# that description to the Company / Person the listing points at. entity_kind says which.
WATCHLIST_ENTITY_COLUMNS = (
    "entity_kind", "aliases", "registration_number", "tax_id", "incorporation_date",
    "dissolution_date", "status", "address", "legal_form", "name_latin",
)


def kind_columns(kind: str | None) -> tuple[str, ...]:
    """Canonical columns a profile may write for ``kind`` (all kinds' when None).

    >>> kind_columns("officers")[:2]
    ('company_registration_number', 'company_country')
    """
    if kind is None:
        out: list[str] = []
        for table in INPUT_TABLES.values():
            out += [c for c in table.columns if c not in out]
        return tuple(out) + tuple(c for c in WATCHLIST_ENTITY_COLUMNS if c not in out)
    columns = INPUT_TABLES[kind].columns
    if kind == "watchlist":
        columns += tuple(c for c in WATCHLIST_ENTITY_COLUMNS if c not in columns)
    return columns


# Resolved frames: what the loaders hand to graph.store, what graph.read gives back, and what
# the detection algorithms take. Ids are stable hashes (loaders.resolve); dates are
# datetime.date or None; lists are Python lists.
RESOLVED: dict[str, tuple[str, ...]] = {
    "companies": (
        "entity_id", "name", "names", "country", "registration_number", "tax_id",
        "incorporation_date", "dissolution_date", "status", "address_id", "legal_form",
        "activity_code",
    ),
    "persons": ("entity_id", "name", "names", "country"),
    "addresses": ("address_id", "text", "country"),
    # rel is "OFFICER_OF" or "OWNS"; officer_kind is "Person" or "Company"
    "officers": (
        "officer_entity_id", "officer_kind", "company_entity_id", "rel", "role",
        "share_pct", "start_date", "end_date",
    ),
    "shipments": (
        "shipment_id", "record_id", "date", "hs_code", "hs6", "description", "quantity",
        "unit", "net_weight_kg", "value_usd", "origin_country", "reporter", "source",
        "exporter_entity_id", "exporter_country", "importer_entity_id", "importer_country",
    ),
    # entity_kind is "Company" or "Person"; category e.g. sanctioned, defence_industry
    "listings": (
        "listing_id", "entity_id", "entity_kind", "list", "program", "listed_on", "category",
        "linked_to", "entries",
    ),
    # the same physical shipment declared twice: shipment_id is kept, mirror_id counts once
    "mirrors": ("shipment_id", "mirror_id"),
    "candidates": ("entity_id", "other_entity_id", "score", "method"),
}
