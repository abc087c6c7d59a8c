"""OFAC's legacy SDN CSV with its address (ADD) and alias (ALT) companions, read as one list.

The three files have no header row, write ``-0-`` for an empty cell and are cp1252. They are
recognised by their layout (:func:`recognise`): SDN rows have 12 fields (entity number, name,
type, program, title, call sign, vessel type, tonnage, GRT, vessel flag, vessel owner,
remarks), ADD rows 6 (entity number, address number, address, city/state/postal code, country,
remarks), ALT rows 5 (entity number, alias number, ``aka``/``fka``/``nka``, alias, remarks).

Companion files are joined on the entity number. Given on one command (``tracegraph load
--profile ofac-sdn SDN.csv ADD.csv ALT.csv``) each file is opened before any is read, and every
opened OFAC file is remembered here (:func:`register`) until all of them have been read: the SDN file's
entries take the addresses and aliases of the companions opened with it. Each file accounts
for its own rows: an SDN row is its entry; a companion row is loaded as the (joined) entry it
belongs to (the same listing again, which changes nothing) or rejected when its entity number
is in no SDN file given. Vessels and aircraft are rejected with that reason; individuals are
persons. Line numbers are physical lines (no header: the first row is line 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.lists.remarks import parse_remarks
from loaders.lists.rows import add_identifiers, raw_chunks
from loaders.raw import RawChunk

__all__ = ["recognise", "register", "ofac_chunks", "FORMATS"]

FORMATS = {"ofac-sdn": 12, "ofac-add": 6, "ofac-alt": 5}
ENCODING = "cp1252"
_EMPTY = "-0-"
_OPENED: dict[Path, str] = {}  # opened on one command: path -> format
_READ: set[Path] = set()  # of those, the files read to the end
_NOT_ENTITIES = {"vessel": "a vessel, not a company or person",
                 "aircraft": "an aircraft, not a company or person"}


def recognise(head: bytes) -> str | None:
    """``ofac-sdn``, ``ofac-add`` or ``ofac-alt`` when the first line has that layout."""
    text = head.decode(ENCODING, errors="replace")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if _EMPTY not in text[:20_000]:
        return None
    try:
        fields = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return None
    if not fields or not fields[0].strip().isdigit():
        return None
    if len(fields) == 12:
        return "ofac-sdn"
    if len(fields) == 6 and fields[1].strip().isdigit():
        return "ofac-add"
    if len(fields) == 5 and fields[2].strip().strip('"').lower() in ("aka", "fka", "nka"):
        return "ofac-alt"
    return None


def register(path: Path, fmt: str) -> None:
    """Remember an opened OFAC file until every file opened with it has been read (its
    companions need it); opening a file again starts a new command's set."""
    path = Path(path).resolve()
    if path in _OPENED or (_READ and _READ >= set(_OPENED)):
        _OPENED.clear()
        _READ.clear()
    _OPENED[path] = fmt


def _cell(value: str) -> str:
    value = value.strip()
    return "" if value == _EMPTY else value


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with open(path, encoding=ENCODING, errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        for fields in reader:
            if any(f.strip() for f in fields):
                yield start, [_cell(f) for f in fields]
            start = reader.line_num + 1


def _stamp(path: Path) -> tuple[str, float, int]:
    stat = path.stat()
    return str(path), stat.st_mtime, stat.st_size


@lru_cache(maxsize=4)
def _entries(sdn: tuple, adds: tuple, alts: tuple) -> dict[str, dict]:
    """The joined entries of the SDN files (stamps of the files: the cache key)."""
    addresses: dict[str, list[tuple[str, str]]] = {}
    for stamp in adds:
        for _, f in _rows(Path(stamp[0])):
            if len(f) >= 5:
                text = ", ".join(p for p in (f[2], f[3], f[4]) if p)
                addresses.setdefault(f[0], []).append((text, f[4]))
    aliases: dict[str, list[str]] = {}
    for stamp in alts:
        for _, f in _rows(Path(stamp[0])):
            if len(f) >= 4 and f[3]:
                aliases.setdefault(f[0], []).append(f[3])
    out = {}
    for stamp in sdn:
        for line, f in _rows(Path(stamp[0])):
            if len(f) >= 12:
                out[f[0]] = _entry(f, addresses.get(f[0], []), aliases.get(f[0], []), line)
    return out


def _entry(f: list[str], addresses: list, aliases: list[str], line: int) -> dict:
    kind = f[2].lower()
    remarks = parse_remarks(f[11])
    record = {
        "name": f[1], "list": "OFAC-SDN", "program": f[3].replace("] [", ";"),
        "category": "sanctioned", "entity_kind": "Person" if kind == "individual" else "Company",
        "source_entity_id": f[0], LINE_NUMBER: line,
        "country": next((c for _, c in addresses if c), ""),
        "address": addresses[0][0] if addresses else "",
        "aliases": ";".join(dict.fromkeys(aliases + (remarks.aliases or []))),
        "linked_to": ";".join(remarks.links or []),
    }
    if remarks.incorporation_date:
        record["incorporation_date"] = remarks.incorporation_date.isoformat()
        record["incorporation_date_source"] = "list"
    if kind in _NOT_ENTITIES:
        record[REJECT_REASON] = _NOT_ENTITIES[kind]
    if kind != "individual":
        add_identifiers(record, remarks.identifiers)
    return record


def _given(fmt: str) -> tuple:
    return tuple(sorted(_stamp(p) for p, f in _OPENED.items() if f == fmt and p.exists()))


def ofac_chunks(path: Path, fmt: str, chunk_rows: int) -> Iterator[RawChunk]:
    """The file's rows as canonical watchlist rows (see the module's notes)."""
    path = Path(path).resolve()
    _OPENED.setdefault(path, fmt)
    entries = _entries(_given("ofac-sdn"), _given("ofac-add"), _given("ofac-alt"))
    yield from raw_chunks(_records(path, fmt, entries), chunk_rows)
    _READ.add(path)
    if _READ >= set(_OPENED):  # the command's files are all read
        _OPENED.clear()
        _READ.clear()


def _records(path: Path, fmt: str, entries: dict[str, dict]) -> Iterator[dict]:
    width = FORMATS[fmt]
    for line, f in _rows(path):
        if len(f) != width:
            yield {LINE_NUMBER: line, "name": f[1] if len(f) > 1 else "",
                   REJECT_REASON: f"{len(f)} fields, an {fmt} row has {width}"}
            continue
        entry = entries.get(f[0])
        if fmt == "ofac-sdn":
            yield entry if entry is not None else {LINE_NUMBER: line, REJECT_REASON: "no entry"}
        elif entry is None:
            what = "address" if fmt == "ofac-add" else "alias"
            yield {LINE_NUMBER: line, "source_entity_id": f[0], REJECT_REASON: (
                f"{what} of entity {f[0]}, which no SDN file given with it lists")}
        else:
            yield {**entry, LINE_NUMBER: line}
