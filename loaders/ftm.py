"""Read FollowTheMoney entity files (JSON lines, as OpenSanctions and Aleph publish them).

Entities map onto the input tables by their FtM schema (``followthemoney.model``): a
LegalEntity that is no Person (Company, Organization, PublicBody, LegalEntity) -> companies,
Person -> persons, Directorship and Ownership (their edge ends: director or owner, company)
-> officers, Sanction -> watchlist. Address entities give their text to the companies that
point at them (``addressEntity``).
Relations name their ends by FtM id, which may stand anywhere in the file, so the file is
read three times: an index of the entities (id -> name, country, identifiers, address:
memory grows with the number of entities, not with the relations or the file's bytes),
then the entities, then the relations, so a relation's ends are always resolved before it.

Each output row keeps its entity's FtM id (``ftm_id``; ``officer_ftm_id`` /
``company_ftm_id`` on officers; ``entity_ftm_id`` on listings), which the resolution uses
to link relations to the same entity ids. Line numbers are physical lines, the first
entity being line 1. Other schemas (Vessel, Note, Identification, ...) are rejected with
the reason; an Address entity counts as loaded (its text lives on in its companies).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from followthemoney import model

from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.read import TableSource, UnreadableFile

__all__ = ["FtmChunk", "ftm_chunks", "COMPANY_SCHEMATA", "PERSON_SCHEMATA", "FTM_REJECT_COLUMNS"]


@lru_cache(maxsize=None)
def _role(schema_name: str | None) -> str | None:
    """What an entity of the schema becomes here: company, person, address (absorbed into its
    companies), officer (Directorship, Ownership), sanction, or None (not loaded)."""
    schema = model.get(schema_name) if schema_name else None
    if schema is None:
        return None
    if schema.is_a("Person"):
        return "person"
    if schema.is_a("LegalEntity"):
        return "company"
    if schema.is_a("Address"):
        return "address"
    if schema.is_a("Directorship") or schema.is_a("Ownership"):
        return "officer"
    return "sanction" if schema.is_a("Sanction") else None


COMPANY_SCHEMATA = frozenset(s for s in model.schemata if _role(s) == "company")
PERSON_SCHEMATA = frozenset(s for s in model.schemata if _role(s) == "person")
# relations name their ends by FtM id: read after the entities, in a second pass
_RELATIONS = ("officer", "sanction")
FTM_REJECT_COLUMNS = ["id", "schema", "entity", LINE_NUMBER, REJECT_REASON]
FTM_DATE_FORMATS = ("%Y-%m", "%Y")
_KINDS = ("companies", "persons", "officers", "watchlist")


@dataclass
class FtmChunk:
    """Rows of one kind read from an FtM file (text cells), its rejects, and absorbed lines."""

    kind: str
    frame: pd.DataFrame
    rejects: pd.DataFrame
    absorbed: int = 0  # lines used up without a row of their own (Address entities)


def _first(props: dict, *names: str) -> str:
    for name in names:
        values = props.get(name) or []
        for value in values:
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _all(props: dict, *names: str) -> list[str]:
    seen: list[str] = []
    for name in names:
        for value in props.get(name) or []:
            if isinstance(value, str) and value.strip() and value.strip() not in seen:
                seen.append(value.strip())
    return seen


def _parse(line: str) -> dict | None:
    try:
        entity = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return None
    if not isinstance(entity, dict) or not isinstance(entity.get("schema"), str):
        return None
    if not isinstance(entity.get("properties", {}), dict):
        return None
    return entity


def _lines(source: TableSource, hashing: bool) -> Iterator[tuple[int, str]]:
    if hashing:
        raw, text = source.open_text()
    else:
        raw = None
        text = open(source.path, "rb")
        if source.compressed:
            text = gzip.GzipFile(fileobj=text)
        text = io.TextIOWrapper(text, encoding=source.encoding, newline=None)
    number = 0
    try:
        for number, line in enumerate(text, start=1):
            if line.strip():
                yield number, line
        if raw is not None:
            raw.drain()
            source.sha256 = raw.digest.hexdigest()
            # the hashing pass reads every physical line, blank ones included: lines_read
            source._rows_seen = number
    except UnicodeDecodeError as exc:
        raise UnreadableFile(source.path, f"not valid {source.encoding} near line {number + 1}") from exc
    finally:
        text.close()


def _summary(entity: dict) -> dict:
    props = entity.get("properties") or {}
    schema = entity["schema"]
    address = _first(props, "full") if schema == "Address" else _first(props, "address")
    return {
        "schema": schema,
        "name": _first(props, "name"),
        "country": _first(props, "jurisdiction", "country", "mainCountry", "nationality", "citizenship"),
        "registration_number": _first(props, "registrationNumber", "ogrnCode", "leiCode"),
        "tax_id": _first(props, "taxNumber", "innCode", "vatCode"),
        "id_number": _first(props, "idNumber", "passportNumber", "innCode", "taxNumber"),
        "address": address,
        "address_ref": _first(props, "addressEntity"),
    }


def ftm_chunks(source: TableSource, chunk_rows: int) -> Iterator[FtmChunk]:
    """Stream an FtM JSON-lines file as chunks of canonical text rows per kind."""
    index: dict[str, dict] = {}
    lines_total = 0
    for _, line in _lines(source, hashing=True):
        lines_total += 1
        entity = _parse(line)
        if entity is None or not entity.get("id"):
            continue
        if _role(entity["schema"]) in ("company", "person", "address"):
            index[str(entity["id"])] = _summary(entity)
    if lines_total == 0:
        raise UnreadableFile(source.path, "empty file")
    buffers: dict[str, list[dict]] = {k: [] for k in _KINDS}
    rejects: list[dict] = []
    absorbed = 0

    def flush() -> Iterator[FtmChunk]:
        nonlocal rejects, absorbed
        emitted = False
        for kind in _KINDS:
            if buffers[kind]:
                frame = pd.DataFrame(buffers[kind], dtype=object).fillna("")
                frame[LINE_NUMBER] = frame[LINE_NUMBER].astype("int64")
                yield FtmChunk(kind, frame, _reject_frame(rejects), absorbed)
                buffers[kind] = []
                rejects, absorbed, emitted = [], 0, True
        if not emitted and (rejects or absorbed):
            yield FtmChunk("companies", _empty_rows(), _reject_frame(rejects), absorbed)
            rejects, absorbed = [], 0

    pending = 0
    for relations in (False, True):
        for number, line in _lines(source, hashing=False):
            entity = _parse(line)
            schema = entity["schema"] if entity else None
            if (_role(schema) in _RELATIONS) != relations:
                continue  # handled in the other pass
            if entity is None:
                rejects.append({"id": "", "schema": "", "entity": line.rstrip("\n"),
                                LINE_NUMBER: number,
                                REJECT_REASON: "not a FollowTheMoney entity (bad JSON or no schema)"})
            else:
                kind, row, reason = _row(entity, index)
                if reason:
                    rejects.append({"id": str(entity.get("id", "")), "schema": schema,
                                    "entity": line.rstrip("\n"), LINE_NUMBER: number,
                                    REJECT_REASON: reason})
                elif kind is None:
                    absorbed += 1
                else:
                    row[LINE_NUMBER] = number
                    buffers[kind].append(row)
            pending += 1
            if pending >= chunk_rows:
                yield from flush()
                pending = 0
    yield from flush()


def _row(entity: dict, index: dict) -> tuple[str | None, dict, str | None]:
    """(kind, canonical text row, reject reason) for one entity; an Address is absorbed."""
    schema = entity["schema"]
    role = _role(schema)
    if role == "address":
        return None, {}, None
    if role is None:
        return None, {}, (f"FtM schema {schema} is not loaded (only companies, persons, their "
                          "officers, owners and sanctions)")
    return _ROWS[role](entity, index)


def _names(props: dict) -> tuple[str, str]:
    """The first name, and the other names with the aliases ``;``-separated."""
    names = _all(props, "name")
    aliases = ";".join(names[1:] + _all(props, "alias", "previousName", "weakAlias"))
    return (names[0] if names else ""), aliases


def _company_row(entity: dict, index: dict) -> tuple[str, dict, None]:
    props = entity.get("properties") or {}
    name, aliases = _names(props)
    address = _first(props, "address")
    ref = _first(props, "addressEntity")
    if not address and ref in index:
        address = index[ref]["address"]
    return "companies", {
        "ftm_id": str(entity.get("id") or ""), "schema": entity["schema"],
        "name": name,
        "aliases": aliases,
        "country": _first(props, "jurisdiction", "country", "mainCountry"),
        "registration_number": _first(props, "registrationNumber", "ogrnCode"),
        "tax_id": _first(props, "taxNumber", "innCode", "vatCode"),
        "incorporation_date": _first(props, "incorporationDate"),
        "dissolution_date": _first(props, "dissolutionDate"),
        "status": _first(props, "status"),
        "address": address,
        "legal_form": _first(props, "legalForm"),
        "activity_code": _first(props, "classification", "sector"),
    }, None


def _person_row(entity: dict, index: dict) -> tuple[str, dict, None]:
    props = entity.get("properties") or {}
    name, aliases = _names(props)
    return "persons", {
        "ftm_id": str(entity.get("id") or ""), "schema": entity["schema"],
        "name": name,
        "aliases": aliases,
        "country": _first(props, "nationality", "citizenship", "country"),
        "id": _first(props, "idNumber", "innCode", "taxNumber", "passportNumber"),
        "birth_date": _first(props, "birthDate"),
    }, None


def _officer_row(entity: dict, index: dict) -> tuple[str, dict, str | None]:
    """A Directorship or Ownership: an edge from the officer or owner to the company."""
    name = entity["schema"]
    props = entity.get("properties") or {}
    schema = model.get(name)
    officer_ref = _first(props, schema.source_prop.name)  # director / owner
    company_ref = _first(props, schema.target_prop.name)  # organization / asset
    officer, company = index.get(officer_ref), index.get(company_ref)
    for ref, found, what in ((officer_ref, officer, "officer"), (company_ref, company, "company")):
        if found is None:
            return "officers", {}, f"{name} names {what} entity '{ref}' that is not in the file"
    if _role(company["schema"]) != "company":
        return "officers", {}, f"{name} points at a {company['schema']}, not a company"
    role = _first(props, "role") or ("director" if schema.is_a("Directorship") else "owner")
    return "officers", {
        "company_registration_number": company["registration_number"] or company["tax_id"],
        "company_country": company["country"],
        "officer_name": officer["name"],
        "officer_type": "person" if _role(officer["schema"]) == "person" else "company",
        "officer_id": officer["registration_number"] or officer["id_number"],
        "officer_country": officer["country"],
        "role": role,
        "share_pct": _first(props, "percentage"),
        "start_date": _first(props, "startDate"),
        "end_date": _first(props, "endDate"),
        "officer_ftm_id": officer_ref, "company_ftm_id": company_ref,
        "ftm_id": str(entity.get("id") or ""),
    }, None


def _sanction_row(entity: dict, index: dict) -> tuple[str, dict, str | None]:
    props = entity.get("properties") or {}
    ref = _first(props, "entity")
    target = index.get(ref)
    if target is None:
        return "watchlist", {}, f"Sanction names entity '{ref}' that is not in the file"
    return "watchlist", {
        "name": target["name"],
        "country": target["country"],
        "id": target["registration_number"] or target["tax_id"],
        "list": _first(props, "authority", "sourceUrl") or "FtM",
        "program": _first(props, "program", "programId", "programKey"),
        "listed_on": _first(props, "listingDate", "startDate", "date"),
        "category": "sanctioned",
        "entity_kind": "Person" if _role(target["schema"]) == "person" else "Company",
        "entity_ftm_id": ref, "ftm_id": str(entity.get("id") or ""),
    }, None


_ROWS = {"company": _company_row, "person": _person_row, "officer": _officer_row,
         "sanction": _sanction_row}


def _reject_frame(rejects: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rejects, columns=FTM_REJECT_COLUMNS, dtype=object)
    frame[LINE_NUMBER] = frame[LINE_NUMBER].astype("int64")
    return frame


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({LINE_NUMBER: pd.Series([], dtype="int64")})
