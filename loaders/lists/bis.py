"""The US Entity List (EAR Supplement No. 4 to Part 744) as extracted to JSON.

The file is one object with ``list_id: bis-entity-list`` and ``entities``: name, aliases,
country, address, status, effective_date, federal_register, notes. Each entity is a listing
of list ``BIS-ENTITY-LIST``, category ``military_end_user`` (the Entity List names end users
whose trade needs a licence for reasons of national security, military end use included).
The list does not tell persons from companies: every entry is loaded as a company.
A row's line number is the entity's position in ``entities`` (the first is 1).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.lists.rows import raw_chunks
from loaders.raw import RawChunk, UnreadableFile

__all__ = ["recognise", "bis_chunks"]

_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")


def recognise(head: bytes) -> bool:
    """A JSON object naming the BIS Entity List (``"list_id": "bis-entity-list"``)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    return start.startswith(b"{") and b'"bis-entity-list"' in start


def _listed_on(citation: str | None) -> str:
    """The date of the first Federal Register citation (``89 FR 14388, 2/27/24``)."""
    m = _FR_DATE.search(citation or "")
    if not m:
        return ""
    month, day, year = (int(x) for x in m.groups())
    year += 2000 if year < 100 and year <= dt.date.today().year % 100 else 1900 if year < 100 else 0
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def bis_chunks(path: Path, chunk_rows: int) -> Iterator[RawChunk]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        entities = data["entities"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise UnreadableFile(path, f"not a BIS Entity List JSON file: {exc}") from exc
    yield from raw_chunks(_records(entities), chunk_rows)


def _records(entities: list) -> Iterator[dict]:
    for line, entity in enumerate(entities, start=1):
        if not isinstance(entity, dict) or not str(entity.get("name") or "").strip():
            yield {LINE_NUMBER: line, REJECT_REASON: "an entity without a name"}
            continue
        address = str(entity.get("address") or "")
        first_address = re.split(r";\s*and\s+|\s+and\s+(?=\d)", address)[0].strip().rstrip(".")
        yield {
            LINE_NUMBER: line, "name": str(entity["name"]).strip(),
            "aliases": ";".join(str(a).strip() for a in entity.get("aliases") or [] if a),
            "country": str(entity.get("country") or "").strip(),
            "address": first_address, "list": "BIS-ENTITY-LIST", "program": "EAR-744",
            "category": "military_end_user", "entity_kind": "Company",
            "listed_on": _listed_on(entity.get("federal_register")),
        }
