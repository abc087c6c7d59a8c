"""A case file an editor can check: the map, the evidence rows as they stand in the source
files, the exports, a dossier per company and a manifest of every file with its sha256."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

from graph.connection import Graph
from loaders import LoaderError
from graph.dossier import entity_records, listings_of, officers_of, shipment_records
from queries import QueryError
from tracegraph.jobs.export import SHIPMENT, enrich
from tracegraph.jobs.maps import chain_map, entity_map, find_chains

__all__ = ["build_case", "CaseFile", "EVIDENCE_COLUMNS", "evidence_lines"]

EVIDENCE_COLUMNS = ["what", "record_id", "entity_id", "file", "path", "sha256", "line_number",
                    "status", "line"]
EXPORTS = {"graph.gexf": "gexf", "graph.graphml": "graphml", "entities.ftm.json": "ftm"}


@dataclass
class CaseFile:
    """What :func:`build_case` wrote: the folder or zip, and the files in it."""

    path: Path
    files: list[str] = field(default_factory=list)
    evidence_rows: int = 0
    unverified_rows: int = 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text_lines(path: Path, wanted: set[int]) -> tuple[dict[int, str], str]:
    """The physical lines ``wanted`` of a CSV or JSON-lines file (a quoted CSV record that
    spans lines whole), decoded as the loader decoded it; and the file's format."""
    from loaders.read import open_table

    source = open_table(path)
    if source.format not in ("csv", "ftm"):
        return {}, source.format
    found: dict[int, str] = {}
    raw, text = source.open_text()
    try:
        open_record: tuple[int, list[str]] | None = None
        for number, line in enumerate(text, start=1):
            if open_record is not None:
                open_record[1].append(line)
            elif number in wanted:
                open_record = (number, [line])
            if open_record is not None:
                joined = "".join(open_record[1])
                if source.format != "csv" or joined.count('"') % 2 == 0:
                    found[open_record[0]] = joined.rstrip("\r\n")
                    open_record = None
                    if len(found) == len(wanted):
                        break
    finally:
        text.close()
    return found, source.format


def evidence_lines(requests: list[dict]) -> list[dict]:
    """Fill ``status`` and ``line`` of evidence rows (dicts of :data:`EVIDENCE_COLUMNS`) from
    the source files themselves; a file gone, changed since the load (other sha256) or not
    a text file says so in ``status`` and leaves ``line`` empty."""
    by_path: dict[str, list[dict]] = {}
    for row in requests:
        by_path.setdefault(row["path"] or "", []).append(row)
    for path_text, rows in by_path.items():
        path = Path(path_text)
        recorded = rows[0]["sha256"]
        if not path_text or not path.is_file():
            status, lines = "source file not found", {}
        elif not recorded:
            status, lines = "no sha256 recorded for this file", {}
        elif _sha256(path) != recorded:
            status, lines = "source file changed since it was loaded (sha256 differs)", {}
        else:
            try:
                lines, fmt = _text_lines(path, {r["line_number"] for r in rows
                                                if r["line_number"] is not None})
            except (LoaderError, UnicodeDecodeError) as error:
                lines, fmt = {}, f"unreadable: {error}"
            # a workbook or Parquet row is no line of text: the reader is sent to the row
            status = ("ok" if fmt in ("csv", "ftm") else fmt if fmt.startswith("unreadable")
                      else f"not a text file ({fmt}): see its row")
        for row in rows:
            line = lines.get(row["line_number"])
            row["line"] = line if line is not None else ""
            if line is not None or status != "ok":
                row["status"] = status
            elif row["line_number"] is None:
                row["status"] = "no line number recorded for it"
            else:
                row["status"] = f"no line {row['line_number']} in the file"
    return requests


def _evidence_requests(graph: Graph, g: nx.MultiDiGraph) -> list[dict]:
    records = sorted({r for _, _, a in g.edges(data=True) if a.get("type") == SHIPMENT
                      for r in a.get("record_ids") or []})
    rows = []
    for shipment in shipment_records(graph, record_ids=records):
        for source in shipment["sources"]:
            rows.append({"what": "shipment", "record_id": shipment["record_id"],
                         "entity_id": shipment["shipment_id"], "file": source["name"],
                         "path": source["path"], "sha256": source["sha256"],
                         "line_number": source["row"]})
    entities = [n for n, k in g.nodes(data="kind") if k in ("Company", "Person", "Address")]
    for record in entity_records(graph, entities):
        kind = next((k for k in ("Company", "Person", "Address") if k in record["labels"]), "")
        for source in record["sources"]:
            rows.append({"what": kind.lower(), "record_id": "", "entity_id": record["id"],
                         "file": source["name"], "path": source["path"],
                         "sha256": source["sha256"], "line_number": source["row"]})
    return evidence_lines(rows)


def _write_evidence(folder: Path, rows: list[dict]) -> list[str]:
    """evidence.csv for people (every cell spreadsheet-safe: a line that starts with ``=``
    gets a leading ``'``) and evidence.jsonl for programs (lines verbatim)."""
    from exports.cells import spreadsheet_safe

    with open(folder / "evidence.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(EVIDENCE_COLUMNS)
        for row in rows:
            writer.writerow([spreadsheet_safe(row.get(c)) for c in EVIDENCE_COLUMNS])
    with open(folder / "evidence.jsonl", "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({c: row.get(c) for c in EVIDENCE_COLUMNS},
                                    ensure_ascii=False) + "\n")
    return ["evidence.csv", "evidence.jsonl"]


def _cited(sources: list[dict]) -> list[str]:
    """``file line N`` texts for a reader."""
    return [f"{s['name']} line {s['row']}" if s.get("row") is not None else str(s["name"])
            for s in sorted(sources, key=lambda s: (str(s.get("name")), s.get("row") or 0))
            if s.get("name")]


def _company_dossier(record: dict, attrs: dict, officers: list[dict], listings: list[dict],
                     chains: pd.DataFrame | None, today: str) -> dict:
    props = record["props"]
    identifiers = [(label, props.get(key)) for label, key in (
        ("registration number", "registration_number"), ("tax id", "tax_id"),
        ("country", "country"), ("legal form", "legal_form"),
        ("activity code", "activity_code"), ("address", "address")) if props.get(key)]
    registry = [s for s in record["sources"] if s.get("kind") == "companies"]
    flags = [f"role: {role}" for role in attrs.get("roles") or []]
    if props.get("front_score") is not None:
        flags.append(f"front score {props['front_score']:.2f}")
        flags += [r for r in str(props.get("front_reasons") or "").split(";") if r]
    mine = pd.DataFrame()
    if chains is not None and len(chains):
        mine = chains[chains["entity_ids"].map(lambda ids: record["id"] in
                                               str(ids).replace(";", ">").split(">"))]
    return {
        "id": record["id"], "name": props.get("name") or record["id"],
        "names": [n for n in props.get("names") or [] if n != props.get("name")],
        "identifiers": identifiers,
        "incorporation": {"date": props.get("incorporation_date"),
                          "dissolved": props.get("dissolution_date"),
                          "status": props.get("status"),
                          "sources": _cited(registry)},
        "officers": officers, "red_flags": flags,
        "listings": [{**entry, "sources": _cited(entry["sources"])}
                     for entry in listings],
        "chains": mine.to_dict(orient="records"),
        "decisions": [],  # triage decisions are not stored yet (tracegraph review)
        "sources": _cited(record["sources"]), "generated": today,
    }


def _write_dossiers(graph: Graph, g: nx.MultiDiGraph, folder: Path,
                    chains: pd.DataFrame | None) -> list[str]:
    from exports.dossier import render_dossier

    companies = [n for n, k in g.nodes(data="kind") if k == "Company"]
    officers, listings = officers_of(graph, companies), listings_of(graph, companies)
    today = dt.date.today().isoformat()
    written = []
    (folder / "dossiers").mkdir(exist_ok=True)
    for record in entity_records(graph, companies):
        company = _company_dossier(
            record, g.nodes[record["id"]],
            [o for o in officers if o["company"] == record["id"]],
            [entry for entry in listings if entry["entity"] == record["id"]], chains, today)
        name = f"dossiers/{record['id']}.html"
        (folder / name).write_text(render_dossier(company), encoding="utf-8")
        written.append(name)
    return written


def _select(graph: Graph, subject: str, chain_params: Mapping, depth: int, progress):
    chains = find_chains(graph, chain_params, progress)
    if subject in set(chains["chain_id"]):
        return (*chain_map(graph, chains, subject), chains)
    if subject.startswith("ch-"):
        raise QueryError(f"no chain {subject!r} under these parameters "
                         "(run 'tracegraph chains' with the same options to list them)")
    return (*entity_map(graph, subject, depth), chains)


def _manifest(folder: Path, files: list[str], about: dict) -> None:
    entries = [{"path": name, "sha256": _sha256(folder / name),
                "bytes": (folder / name).stat().st_size} for name in sorted(files)]
    (folder / "manifest.json").write_text(
        json.dumps({**about, "files": entries}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")


def build_case(graph: Graph, subject: str, out: str | Path, *,
               chain_params: Mapping | None = None, depth: int = 2,
               max_nodes: int = 500, progress=None) -> CaseFile:
    """Write the case file of a chain id or an entity id to the folder ``out`` (or, when it
    ends in ``.zip``, to that zip file).

    Raises
    ------
    QueryError
        No chain or entity with that id.
    """
    from exports.tables import write_csv_tables
    from tracegraph.jobs.export import write_export
    from viz import write_map

    g, title, focus, chains = _select(graph, subject, dict(chain_params or {}), depth, progress)
    target = Path(out)
    zipped = target.suffix.lower() == ".zip"
    folder = Path(tempfile.mkdtemp(prefix="tracegraph-case-")) if zipped else target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_map(folder / "map.html", g, title=title, focus=focus, max_nodes=max_nodes,
                  parameters={"case": subject})
        full = enrich(graph, g)
        files = ["map.html"]
        for name, fmt in EXPORTS.items():
            write_export(full, fmt, folder / name)
            files.append(name)
        write_csv_tables(full, folder / "nodes.csv", folder / "edges.csv")
        files += ["nodes.csv", "edges.csv"]
        evidence = _evidence_requests(graph, full)
        files += _write_evidence(folder, evidence)
        files += _write_dossiers(graph, full, folder, chains)
        _manifest(folder, files, {"subject": subject, "title": title,
                                  "created": dt.datetime.now(dt.timezone.utc).isoformat(
                                      timespec="seconds"),
                                  "chain_options": {k: list(v) if isinstance(v, tuple) else v
                                                    for k, v in (chain_params or {}).items()}})
        files.append("manifest.json")
        if zipped:
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in files:
                    archive.write(folder / name, name)
    finally:
        if zipped:
            shutil.rmtree(folder, ignore_errors=True)
    unverified = sum(1 for row in evidence if row["status"] != "ok")
    return CaseFile(target, files, len(evidence), unverified)
