"""Case files and exports on a generated world loaded into the session's real Neo4j.

The case file of the top chain must cite every record id of its map at the line where the
record stands in its source file (found here by reading the file), with the file's sha256;
the manifest's hashes must match the files. A changed source file must be said so.
"""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from loaders.world import generate_world
from tracegraph.cli import cli
from tracegraph.jobs.case import evidence_lines
from tracegraph.jobs.load import load_files
from tracegraph.jobs.maps import find_chains, select

SEED = 5


@dataclass
class Case:
    folder: Path
    shipments: Path
    chain_id: str
    record_ids: set[str]  # every record id on the chain's map
    companies: list[str]


def _invoke(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def case(graph, tmp_path_factory) -> Case:
    folder = tmp_path_factory.mktemp("case-world")
    paths = generate_world(folder / "data", seed=SEED, scale=0.3)
    graph.reset()
    load_files(graph, [paths.companies, paths.officers, paths.watchlist, paths.shipments],
               report_path=folder / "report.json")
    chains = find_chains(graph, {})
    top = chains.sort_values(["score", "chain_id"], ascending=[False, True]).iloc[0]
    chosen = select(graph, chain=top["chain_id"], chain_params={})
    records = {r for _, _, d in chosen.graph.edges(data=True) if d.get("type") == "SHIPMENT"
               for r in d["record_ids"]}
    assert records >= {r for step in top["record_ids"].split(">") for r in step.split(";")}
    result = _invoke("case", top["chain_id"], "--out", str(folder / "case"))
    assert result.output.startswith(f"wrote {folder / 'case'} (")
    return Case(folder / "case", paths.shipments, top["chain_id"], records,
                [n for n, k in chosen.graph.nodes(data="kind") if k == "Company"])


def _physical_lines(path: Path) -> dict[str, list[tuple[int, str]]]:
    """record_id -> [(line number where a record with it starts, that line)], read here (a
    world may repeat a record line; the loader keeps one of them)."""
    found: dict[str, list[tuple[int, str]]] = {}
    text = path.read_text(encoding="utf-8-sig").splitlines()
    for number, line in enumerate(text, start=1):
        if number == 1 or not line.strip():
            continue
        record = next(csv.reader([line]))
        found.setdefault(record[0], []).append((number, line))
    return found


def test_every_record_on_the_map_is_cited_at_its_line(case):
    with open(case.folder / "evidence.csv", encoding="utf-8", newline="") as handle:
        evidence = [r for r in csv.DictReader(handle) if r["what"] == "shipment"]
    lines = _physical_lines(case.shipments)
    cited = {r["record_id"]: r for r in evidence}
    assert set(cited) >= case.record_ids
    for record_id in case.record_ids:
        row = cited[record_id]
        assert row["status"] == "ok", row
        assert Path(row["path"]) == case.shipments.resolve()
        assert Path(row["file"]).name == case.shipments.name
        assert row["sha256"] == _sha256(case.shipments)
        assert (int(row["line_number"]), row["line"]) in lines[record_id], record_id


def test_manifest_lists_every_file_with_its_hash(case):
    manifest = json.loads((case.folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    on_disk = {p.relative_to(case.folder).as_posix() for p in case.folder.rglob("*")
               if p.is_file() and p.name != "manifest.json"}
    assert set(listed) == on_disk
    assert {"map.html", "evidence.csv", "graph.gexf", "graph.graphml", "entities.ftm.json",
            "nodes.csv", "edges.csv"} <= on_disk
    assert {f"dossiers/{c}.html" for c in case.companies} <= on_disk
    for name, digest in listed.items():
        assert _sha256(case.folder / name) == digest, name


def test_case_as_zip_and_export_gexf(case, tmp_path):
    _invoke("case", case.chain_id, "--out", str(tmp_path / "case.zip"))
    with zipfile.ZipFile(tmp_path / "case.zip") as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    assert {e["path"] for e in manifest["files"]} | {"manifest.json"} == names
    out = tmp_path / "chain.gexf"
    result = _invoke("export", "--chain", case.chain_id, "--format", "gexf", "--out", str(out))
    assert result.output.startswith(f"wrote {out} (")
    back = nx.read_gexf(out)
    assert set(case.companies) <= set(back.nodes)
    exported = {r for _, _, d in back.edges(data=True) if d.get("relation") == "SHIPMENT"
                for r in d["record_ids"].split(";")}
    assert exported == case.record_ids


def test_a_changed_source_file_is_said_so(case, tmp_path):
    copy = tmp_path / "shipments.csv"
    copy.write_bytes(case.shipments.read_bytes())
    recorded = _sha256(copy)
    rows = [{"path": str(copy), "sha256": recorded, "line_number": 2},
            {"path": str(tmp_path / "gone.csv"), "sha256": recorded, "line_number": 2}]
    assert [r["status"] for r in evidence_lines([dict(r) for r in rows])] == [
        "ok", "source file not found"]
    copy.write_bytes(copy.read_bytes() + b"\n")
    (changed, _) = evidence_lines([dict(r) for r in rows])
    assert changed["status"].startswith("source file changed") and changed["line"] == ""


def test_ftm_export_of_the_whole_graph_is_stable_and_valid(case, tmp_path):
    from followthemoney import model
    from followthemoney.cli.cli import validate

    first, second = tmp_path / "a.ftm.json", tmp_path / "b.ftm.json"
    for out in (first, second):
        _invoke("export", "--all", "--format", "ftm", "--out", str(out))
    assert first.read_bytes() == second.read_bytes()
    entities = [model.get_proxy(json.loads(line)) for line in
                first.read_text(encoding="utf-8").splitlines()]
    trade = {e.first("ccdNumber") for e in entities if e.schema.name == "EconomicActivity"}
    assert case.record_ids & trade  # the chain's records are among the trade entities
    result = CliRunner().invoke(validate, ["-i", str(first), "-o", str(tmp_path / "v.json")])
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "v.json").read_text(encoding="utf-8").splitlines()) == len(entities)


def test_entity_export_draws_its_shipments_with_their_rows(case, tmp_path):
    intermediary = case.companies[0]
    out = tmp_path / "entity.graphml"
    _invoke("export", "--entity", intermediary, "--format", "graphml", "--out", str(out))
    back = nx.read_graphml(out)
    shipments = [d for _, _, d in back.edges(data=True) if d.get("type") == "SHIPMENT"]
    assert shipments
    lines = _physical_lines(case.shipments)
    for edge in shipments:
        record = edge["record_ids"].split(";")[0]
        assert Path(edge["source"]).name == case.shipments.name
        assert int(edge["row"]) in [number for number, _ in lines[record]], record


def test_map_of_the_whole_graph(case, tmp_path):
    out = tmp_path / "all.html"
    result = _invoke("map", "--all", "--out", str(out))
    assert result.output.startswith(f"wrote {out} (") and out.stat().st_size > 10_000
