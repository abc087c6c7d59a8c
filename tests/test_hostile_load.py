"""The load side on hostile files (tests/hostile.py): every row accounted in the report,
columns that cannot overwrite the graph's own properties, shipment ids that cannot collide
across files, honest reports of failed loads, rejects files that never overwrite anything.

Most tests go through the loaders alone; the few that need the graph use tiny files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import hostile
from loaders import LoaderError
from loaders.accounting import RecordLedger, load_report_entry, plan_load
from loaders.columns import REJECT_REASON, SHEET
from loaders.ids import shipment_id
from loaders.resolution import Resolution


def load_all(paths, folder: Path, **options) -> tuple[list, dict[str, pd.DataFrame]]:
    """Plan, read and resolve ``paths`` as a load does (no graph): (loads, resolved frames)."""
    loads = plan_load(paths, report_path=folder / "out" / "report.json", **options)
    resolution, frames = Resolution(), {}
    for load in loads:
        for chunk in load.chunks():
            for name, frame in resolution.to_resolved(chunk).items():
                frames.setdefault(name, []).append(frame)
    return loads, {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}


def assert_accounted(entry: dict) -> None:
    assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_rejected"]
    assert entry["rows_read"] == entry["rows_new"] + entry["rows_duplicate"] + entry["rows_rejected"]
    assert entry["lines_read"] >= entry["rows_read"]


# -- 1. the report: physical lines, rows, sheets ---------------------------------------------------

def test_a_stray_quote_is_reported_in_lines_and_rows(tmp_path):
    loads, frames = load_all([hostile.stray_quote(tmp_path)], tmp_path)
    entry = load_report_entry(loads[0])
    assert_accounted(entry)
    assert entry["lines_read"] == 1001 and entry["rows_read"] == 1000
    assert entry["rows_rejected"] >= 1 and entry["rows_loaded"] >= 998
    assert len(frames["shipments"]) == entry["rows_new"]
    rejects = pd.read_csv(entry["rejects_path"], dtype=str, keep_default_na=False)
    assert len(rejects) == entry["rows_rejected"] and (rejects[REJECT_REASON] != "").all()
    assert entry["status"] == "loaded"


def _workbook(folder: Path) -> Path:
    """Sheets Q1 (3 good rows), Q2 (2 good, 1 with an unknown country), Notes (other header)."""
    book = openpyxl.Workbook(write_only=True)
    for title, rows in (("Q1", [hostile.shipment_row(i) for i in range(3)]),
                        ("Q2", [hostile.shipment_row(i) for i in range(3, 6)])):
        sheet = book.create_sheet(title)
        sheet.append(hostile.HEADER)
        for row in rows:
            if row[0] == "H-000004":
                row[3] = "Atlantis"
            sheet.append(row)
    book.create_sheet("Notes").append(["note", "author"])
    path = folder / "book.xlsx"
    book.save(path)
    return path


def test_a_workbook_is_reported_per_sheet_and_its_rejects_name_the_sheet(tmp_path):
    loads, frames = load_all([_workbook(tmp_path)], tmp_path)
    entry = load_report_entry(loads[0])
    assert_accounted(entry)
    sheets = {s["sheet"]: (s["rows_read"], s["rows_loaded"], s["rows_rejected"])
              for s in entry["sheets"]}
    assert sheets == {"Q1": (3, 3, 0), "Q2": (3, 2, 1)}
    assert [s["sheet"] for s in entry["skipped_sheets"]] == ["Notes"]
    assert "header" in entry["skipped_sheets"][0]["reason"]
    rejects = pd.read_csv(entry["rejects_path"], dtype=str)
    assert rejects[SHEET].tolist() == ["Q2"] and rejects["record_id"].tolist() == ["H-000004"]

    # --sheet: that sheet alone, nothing listed as skipped
    (tmp_path / "again").mkdir()
    loads, frames = load_all([_workbook(tmp_path / "again")], tmp_path / "again", sheet="Q1")
    entry = load_report_entry(loads[0])
    assert [s["sheet"] for s in entry["sheets"]] == ["Q1"] and entry["rows_read"] == 3
    assert sorted(frames["shipments"]["record_id"]) == ["H-000000", "H-000001", "H-000002"]


# -- 2. extra columns never overwrite the graph's properties ---------------------------------------

def test_extra_columns_named_like_graph_properties_are_kept_apart(tmp_path):
    loads, frames = load_all([hostile.extra_key_columns(tmp_path)], tmp_path)
    ship = frames["shipments"]
    assert {"src_id", "src_names", "src_registry_names", "src_source_row"} <= set(ship.columns)
    assert not {"id", "names", "registry_names"} & set(ship.columns)
    assert ship["src_id"].tolist()[:2] == ["V-0", "V-1"]
    assert ship["shipment_id"].str.startswith("sh-").all()
    # a registry with the same kind of columns: the company keeps its names
    registry = tmp_path / "registry.csv"
    registry.write_text("name,country,registration_number,id,names,registry_names\n"
                        "Alfa Trade LLC,KG,1234567,X-1,a;b,c\n", encoding="utf-8")
    _, frames = load_all([registry], tmp_path / "reg")
    company = frames["companies"].iloc[0]
    assert company["names"] == ["Alfa Trade LLC"] and company["src_names"] == "a;b"
    assert company["src_id"] == "X-1" and company["src_registry_names"] == "c"


def test_extra_key_columns_load_into_the_graph_linked_and_reload(clean_graph, tmp_path):
    from tracegraph.jobs.load import load_files

    path = hostile.extra_key_columns(tmp_path)
    report = load_files(clean_graph, [path], report_path=tmp_path / "r.json")
    assert report["files"][0]["rows_loaded"] == 20 and report["status"] == "complete"
    linked = clean_graph.read(
        "MATCH (e:Company)-[:EXPORTED]->(s:Shipment)-[:IMPORTED_BY]->(:Company) "
        "RETURN count(s) AS n, collect(DISTINCT s.src_id)[0..1] AS ids, "
        "sum(CASE WHEN s.id STARTS WITH 'sh-' THEN 1 ELSE 0 END) AS keyed")[0]
    assert (linked["n"], linked["keyed"]) == (20, 20) and linked["ids"][0].startswith("V-")
    before = clean_graph.stats()
    again = load_files(clean_graph, [path], report_path=tmp_path / "r2.json")
    assert again["files"][0]["rows_rejected"] == 0 and clean_graph.stats() == before


# -- 3. shipment identity across files ----------------------------------------------------------

def test_two_files_of_one_name_in_two_folders_are_two_sources(tmp_path):
    first, second = hostile.same_name_two_folders(tmp_path)
    loads, frames = load_all([first, second], tmp_path)
    entries = [load_report_entry(load) for load in loads]
    assert [e["source"] for e in entries] == ["y2023/shipments.csv", "y2024/shipments.csv"]
    assert [e["rows_loaded"] for e in entries] == [20, 20]
    assert frames["shipments"]["shipment_id"].nunique() == 40  # every row its own shipment
    # the overlapping record ids are two shipments, one per source
    assert shipment_id("H-000010", "y2023/shipments.csv") in set(frames["shipments"]["shipment_id"])
    assert shipment_id("H-000010", "y2024/shipments.csv") in set(frames["shipments"]["shipment_id"])


def test_a_record_id_taken_with_other_content_is_rejected_naming_its_source(tmp_path):
    # two exports that both say they are source "kg-customs", overlapping with other content
    rows_a = [[*hostile.shipment_row(i), "kg-customs"] for i in range(5)]
    rows_b = [[*hostile.shipment_row(i), "kg-customs"] for i in range(3, 8)]
    rows_b[0][7] = "9999"  # H-000003: other quantity; H-000004: the same record again
    header = ",".join([*hostile.HEADER, "source"]) + "\n"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(header + "".join(",".join(r) + "\n" for r in rows_a))
    b.write_text(header + "".join(",".join(r) + "\n" for r in rows_b))
    loads, frames = load_all([a, b], tmp_path)
    second = load_report_entry(loads[1])
    assert_accounted(second)
    assert (second["rows_loaded"], second["rows_rejected"]) == (4, 1)
    rejects = pd.read_csv(second["rejects_path"], dtype=str)
    assert rejects["record_id"].tolist() == ["H-000003"]
    assert rejects[REJECT_REASON][0] == ("record id 'H-000003' already loaded from 'kg-customs' "
                                         "with other content")
    assert rejects["quantity"].tolist() == ["9999"]  # the row as the file had it
    # the same record again (H-000004) is no conflict; the new ones load
    assert sorted(frames["shipments"]["record_id"].unique()) == [f"H-{i:06d}" for i in range(8)]


def test_a_corrected_file_loaded_again_reports_the_changed_records(tmp_path):
    path = tmp_path / "y2023" / "shipments.csv"
    path.parent.mkdir()
    rows = [hostile.shipment_row(i) for i in range(4)]
    path.write_text(hostile._csv(rows))
    ledger = RecordLedger()
    load_all([path], tmp_path, ledger=ledger)
    rows[2][8] = "5"  # a corrected value
    path.write_text(hostile._csv(rows))
    loads, frames = load_all([path], tmp_path, ledger=ledger)
    entry = load_report_entry(loads[0])
    assert (entry["rows_loaded"], entry["rows_rejected"]) == (3, 1)
    assert "already loaded from 'y2023/shipments.csv'" in pd.read_csv(
        entry["rejects_path"], dtype=str)[REJECT_REASON][0]


def test_a_corrected_file_against_the_graph(clean_graph, tmp_path):
    from tracegraph.jobs.load import load_files

    path = tmp_path / "y2023" / "shipments.csv"
    path.parent.mkdir()
    rows = [hostile.shipment_row(i) for i in range(4)]
    path.write_text(hostile._csv(rows))
    load_files(clean_graph, [path], report_path=tmp_path / "r1.json")
    second = tmp_path / "y2024" / "shipments.csv"
    second.parent.mkdir()
    second.write_text(hostile._csv(rows))  # same ids, another folder: another source
    load_files(clean_graph, [second], report_path=tmp_path / "r2.json")
    assert clean_graph.stats()["nodes"]["Shipment"] == 8
    rows[1][7] = "777"
    path.write_text(hostile._csv(rows))
    report = load_files(clean_graph, [path], report_path=tmp_path / "r3.json")
    entry = report["files"][0]
    assert (entry["rows_loaded"], entry["rows_rejected"]) == (3, 1)
    assert clean_graph.stats()["nodes"]["Shipment"] == 8
    quantity = clean_graph.read("MATCH (s:Shipment {record_id: 'H-000001', "
                                "source: 'y2023/shipments.csv'}) RETURN s.quantity AS q")
    assert quantity == [{"q": 11.0}]  # kept as first loaded, the change reported


# -- 7. a failure inside a file: an honest report ------------------------------------------------

def _truncated_gz(folder: Path, rows: int = 60_000) -> Path:
    data = gzip.compress(hostile._csv([hostile.shipment_row(i) for i in range(rows)]).encode())
    path = folder / "truncated.csv.gz"
    path.write_bytes(data[: len(data) * 3 // 4])
    return path


def test_a_file_failing_halfway_is_reported_partial_with_its_counts(tmp_path):
    path = _truncated_gz(tmp_path)
    loads = plan_load([path], report_path=tmp_path / "r.json", chunk_rows=5_000)
    with pytest.raises(LoaderError, match="truncated.csv.gz"):
        for _ in loads[0].chunks():
            pass
    entry = load_report_entry(loads[0])
    assert entry["status"] == "partial" and 0 < entry["rows_read"] < 60_000
    assert_accounted(entry)


def test_a_failed_load_still_writes_its_report_and_source(clean_graph, tmp_path):
    from tracegraph.jobs.load import load_files

    good = hostile.extra_key_columns(tmp_path)
    broken = _truncated_gz(tmp_path)
    report_path = tmp_path / "r.json"
    with pytest.raises(LoaderError):
        load_files(clean_graph, [good, broken], report_path=report_path, chunk_rows=5_000)
    report = json.loads(report_path.read_text())
    assert report["status"] == "failed" and "truncated.csv.gz" in report["error"]
    entries = {Path(e["path"]).name: e for e in report["files"]}
    assert entries["extra_columns.csv"]["status"] == "loaded"
    partial = entries["truncated.csv.gz"]
    assert partial["status"] == "partial" and partial["rows_loaded"] > 0
    sources = {r["name"]: r for r in clean_graph.read(
        "MATCH (s:Source) RETURN s.name AS name, s.status AS status, "
        "s.rows_loaded AS loaded, s.kind AS kind")}
    assert sources[partial["source"]] == {"name": partial["source"], "status": "partial",
                                          "loaded": partial["rows_loaded"], "kind": "shipments"}
    # what was read before the failure is in the graph, as the report says
    assert clean_graph.stats()["nodes"]["Shipment"] == 20 + partial["rows_new"]


# -- 8. rejects files ---------------------------------------------------------------------------

def _with_bad_row(path: Path) -> Path:
    rows = [hostile.shipment_row(i) for i in range(3)]
    rows[1][3] = "Atlantis"
    path.write_text(hostile._csv(rows))
    return path


def test_a_rejects_file_given_as_input_is_never_overwritten(tmp_path):
    shipments = _with_bad_row(tmp_path / "shipments.csv")
    fixed = tmp_path / "shipments.rejects.csv"  # a hand-fixed rejects file of an earlier run
    fixed.write_text(hostile._csv([hostile.shipment_row(7)]))
    text = fixed.read_text()
    loads = plan_load([shipments, fixed], report_path=tmp_path / "report.json")
    for load in loads:
        for _ in load.chunks():
            pass
    entries = {Path(e["path"]).name: e for e in map(load_report_entry, loads)}
    assert fixed.read_text() == text
    assert entries["shipments.rejects.csv"]["rows_loaded"] == 1
    assert Path(entries["shipments.csv"]["rejects_path"]).name == "shipments.rejects-2.csv"
    # a second run never overwrites the first run's rejects
    again = plan_load([shipments], report_path=tmp_path / "report.json")
    assert again[0].rejects_path.name == "shipments.rejects-3.csv"


def test_a_fixed_rejects_file_loads_again(tmp_path):
    loads, _ = load_all([_with_bad_row(tmp_path / "shipments.csv")], tmp_path)
    rejects = Path(load_report_entry(loads[0])["rejects_path"])
    rejects.write_text(rejects.read_text().replace("Atlantis", "CN"))
    loads, frames = load_all([rejects], tmp_path)
    entry = load_report_entry(loads[0])
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_rejected"]) == (1, 1, 0)
    assert frames["shipments"]["record_id"].tolist() == ["H-000001"]


def test_an_unwritable_rejects_or_report_folder_stops_with_one_line(tmp_path):
    shipments = _with_bad_row(tmp_path / "shipments.csv")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for options in ({"report_path": blocker / "report.json"}, {"rejects_dir": blocker / "r"}):
        with pytest.raises(LoaderError) as info:
            plan_load([shipments], **options)
        assert "\n" not in str(info.value) and "a-file" in str(info.value)
    from tracegraph.cli import cli

    result = CliRunner().invoke(cli, ["load", str(shipments), "--report",
                                      str(blocker / "report.json")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if line.strip()] == [
        f"Error: cannot write the report in {blocker}: {blocker} is a file"]


def test_without_a_report_rejects_go_to_a_run_folder_under_home(tmp_path, monkeypatch):
    from tracegraph.jobs.load import _run_rejects_dir

    monkeypatch.setenv("TRACEGRAPH_HOME", str(tmp_path / "home"))
    folder = _run_rejects_dir()
    assert folder.parent == tmp_path / "home" / "rejects"
    loads = plan_load([_with_bad_row(tmp_path / "shipments.csv")], rejects_dir=folder)
    assert loads[0].rejects_path == folder / "shipments.rejects.csv"


def test_key_cells_over_the_limit_are_rejected_with_their_size(tmp_path):
    from loaders.validate import MAX_KEY_CHARS

    path = hostile.long_key_cells(tmp_path, size=5_000)
    loads, frames = load_all([path], tmp_path)
    entry = load_report_entry(loads[0])
    assert_accounted(entry)
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_rejected"]) == (8, 4, 4)
    rejects = pd.read_csv(entry["rejects_path"], dtype=str, keep_default_na=False)
    reasons = rejects[REJECT_REASON].tolist()
    for column in ("record_id", "exporter_country", "hs_code", "importer_name"):
        assert any(f"in column {column} (at most {MAX_KEY_CHARS:,})" in r for r in reasons), (
            column, reasons)
    # the rejects file keeps each row verbatim, so a corrected file can be loaded again
    assert rejects["record_id"].str.len().max() == 5_002
    assert set(frames["shipments"]["record_id"]) == {f"H-{i:06d}" for i in (0, 5, 6, 7)}

