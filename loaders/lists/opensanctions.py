"""OpenSanctions ``targets.simple.csv`` exports, recognised from their header.

Columns: id, schema, name, aliases, birth_date, countries, addresses, identifiers, sanctions,
phones, emails, program_ids, dataset, first_seen, last_seen, last_change. Multi-valued cells
are ``;``-separated. Identifiers carry no label: each is typed by its shape and its check
digits (a valid OGRN, a valid INN, a Kyrgyz 14-digit INN, a Kazakh BIN). Entries of the
Ukrainian GUR programmes of military industry and UAVs (``UA-WS-MILIND``, ``UA-WS-UAVS``) are
defence-industry listings; companies (Company, Organization, LegalEntity, PublicBody) and
persons load, vessels and other things are rejected with the reason. Line numbers are the
physical line on which a record starts (header = line 1).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.lists.remarks import Identifier, checked
from loaders.lists.rows import add_identifiers, raw_chunks
from loaders.normalize.countries import normalize_country
from loaders.raw import RawChunk

__all__ = ["HEADER", "recognise", "opensanctions_chunks", "typed"]

HEADER = ["id", "schema", "name", "aliases", "birth_date", "countries", "addresses",
          "identifiers", "sanctions", "phones", "emails", "program_ids", "dataset",
          "first_seen", "last_seen", "last_change"]
_COMPANY = {"Company", "Organization", "LegalEntity", "PublicBody"}
DEFENCE_PROGRAMS = {"UA-WS-MILIND", "UA-WS-UAVS"}


def recognise(head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    try:
        names = [c.strip() for c in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return False
    return names[:len(HEADER)] == HEADER


def typed(value: str, country: str | None) -> Identifier | None:
    """An unlabelled identifier typed by its shape and check digits (None: not one we type)."""
    value = value.strip().upper()
    if not value.isdigit():
        return None
    if len(value) in (13, 15) and checked("OGRN", value):
        return Identifier("OGRN", value, "RU", True)
    if len(value) in (10, 12) and checked("INN", value) and country in (None, "RU"):
        return Identifier("INN", value, "RU", True)
    if len(value) == 14 and country == "KG":
        return Identifier("TAX_ID", value, "KG", None)
    if len(value) == 12 and country == "KZ":
        return Identifier("BIN", value, "KZ", None)
    return Identifier("REGISTRATION", value, country, None) if len(value) >= 5 else None


def opensanctions_chunks(path: Path, encoding: str, chunk_rows: int) -> Iterator[RawChunk]:
    yield from raw_chunks(_records(path, encoding), chunk_rows)


def _records(path: Path, encoding: str) -> Iterator[dict]:
    with open(path, encoding=encoding or "utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        start = 2
        for row in reader:
            line, start = start, reader.line_num + 1
            yield _record(row, line)


def _record(row: dict, line: int) -> dict:
    schema = (row.get("schema") or "").strip()
    programs = [p for p in (row.get("program_ids") or "").split(";") if p]
    countries = [c for c in (row.get("countries") or "").split(";") if c]
    country = normalize_country(countries[0]) if countries else None
    record = {
        LINE_NUMBER: line, "name": row.get("name") or "", "country": country or "",
        "aliases": row.get("aliases") or "", "list": "UA-WAR-SANCTIONS",
        "program": ";".join(programs) or (row.get("dataset") or ""),
        "category": "defence_industry" if DEFENCE_PROGRAMS.intersection(programs)
        else "sanctioned",
        "address": (row.get("addresses") or "").split(";")[0],
        "source_entity_id": row.get("id") or "",
        "entity_kind": "Person" if schema == "Person" else "Company",
    }
    if schema not in _COMPANY and schema != "Person":
        record[REJECT_REASON] = f"a {schema or 'thing without schema'}, not a company or person"
    elif schema != "Person":
        found = [typed(v, country) for v in (row.get("identifiers") or "").split(";")]
        add_identifiers(record, [i for i in found if i is not None])
    return record
