"""Read FollowTheMoney entity files (JSON lines, as OpenSanctions and Aleph publish them).

Entities map onto the input tables: Company / Organization / LegalEntity -> companies,
Person -> persons, Directorship and Ownership -> officers, Sanction -> watchlist. Address
entities give their text to the companies that point at them (``addressEntity``).
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

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.read import TableSource, UnreadableFile

__all__ = ["FtmChunk", "ftm_chunks", "COMPANY_SCHEMATA", "PERSON_SCHEMATA", "FTM_REJECT_COLUMNS"]

COMPANY_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
PERSON_SCHEMATA = frozenset({"Person"})
_RELATIONS = frozenset({"Directorship", "Ownership", "Sanction"})
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
    except ValueError:
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
            import gzip

            text = gzip.GzipFile(fileobj=text)
        import io

        text = io.TextIOWrapper(text, encoding=source.encoding, newline=None)
    number = 0
    try:
        for number, line in enumerate(text, start=1):
            if line.strip():
                yield number, line
        if raw is not None:
            raw.drain()
            source.sha256 = raw.digest.hexdigest()
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
        if entity["schema"] in COMPANY_SCHEMATA | PERSON_SCHEMATA or entity["schema"] == "Address":
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
            if (schema in _RELATIONS) != relations:
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
    schema = entity["schema"]
    props = entity.get("properties") or {}
    ftm_id = str(entity.get("id") or "")
    if schema == "Address":
        return None, {}, None
    if schema in COMPANY_SCHEMATA:
        names = _all(props, "name")
        address = _first(props, "address")
        ref = _first(props, "addressEntity")
        if not address and ref in index:
            address = index[ref]["address"]
        return "companies", {
            "ftm_id": ftm_id, "schema": schema,
            "name": names[0] if names else "",
            "aliases": ";".join(names[1:] + _all(props, "alias", "previousName", "weakAlias")),
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
    if schema in PERSON_SCHEMATA:
        names = _all(props, "name")
        return "persons", {
            "ftm_id": ftm_id, "schema": schema,
            "name": names[0] if names else "",
            "aliases": ";".join(names[1:] + _all(props, "alias", "previousName", "weakAlias")),
            "country": _first(props, "nationality", "citizenship", "country"),
            "id": _first(props, "idNumber", "innCode", "taxNumber", "passportNumber"),
            "birth_date": _first(props, "birthDate"),
        }, None
    if schema in ("Directorship", "Ownership"):
        officer_ref, company_ref = (
            (_first(props, "director"), _first(props, "organization")) if schema == "Directorship"
            else (_first(props, "owner"), _first(props, "asset"))
        )
        officer = index.get(officer_ref)
        company = index.get(company_ref)
        for ref, found, what in ((officer_ref, officer, "officer"), (company_ref, company, "company")):
            if found is None:
                return "officers", {}, f"{schema} names {what} entity '{ref}' that is not in the file"
        if company["schema"] not in COMPANY_SCHEMATA:
            return "officers", {}, f"{schema} points at a {company['schema']}, not a company"
        role = _first(props, "role") or ("director" if schema == "Directorship" else "owner")
        return "officers", {
            "company_registration_number": company["registration_number"] or company["tax_id"],
            "company_country": company["country"],
            "officer_name": officer["name"],
            "officer_type": "person" if officer["schema"] in PERSON_SCHEMATA else "company",
            "officer_id": officer["registration_number"] or officer["id_number"],
            "officer_country": officer["country"],
            "role": role,
            "share_pct": _first(props, "percentage"),
            "start_date": _first(props, "startDate"),
            "end_date": _first(props, "endDate"),
            "officer_ftm_id": officer_ref, "company_ftm_id": company_ref, "ftm_id": ftm_id,
        }, None
    if schema == "Sanction":
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
            "entity_kind": "Person" if target["schema"] in PERSON_SCHEMATA else "Company",
            "entity_ftm_id": ref, "ftm_id": ftm_id,
        }, None
    return None, {}, f"FtM schema {schema} is not loaded (only companies, persons, their officers, owners and sanctions)"


def _reject_frame(rejects: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rejects, columns=FTM_REJECT_COLUMNS, dtype=object)
    frame[LINE_NUMBER] = frame[LINE_NUMBER].astype("int64")
    return frame


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({LINE_NUMBER: pd.Series([], dtype="int64")})
