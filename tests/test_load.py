"""Loading a generated world into the real server: nothing lost, idempotent, crash-safe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from tracegraph.jobs.load import load_files
from loaders.world import generate_world
from tracegraph.cli import cli


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world")
    paths = generate_world(folder, seed=3)
    return paths, json.loads(paths.truth.read_text())


def _inputs(paths):
    return [str(paths.companies), str(paths.officers), str(paths.watchlist), str(paths.shipments)]


def test_world_loads_with_every_row_accounted_for(clean_graph, world, tmp_path):
    paths, truth = world
    report_path = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["load", *_inputs(paths), "--report", str(report_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text())
    assert {f["kind"] for f in report["files"]} == {"companies", "officers", "watchlist",
                                                     "shipments"}
    for entry in report["files"]:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_rejected"], entry
    shipments = next(f for f in report["files"] if f["kind"] == "shipments")
    rejects = pd.read_csv(shipments["rejects_path"], dtype=str)
    assert {"line_number", "reject_reason"} <= set(rejects.columns)
    assert rejects["reject_reason"].notna().all()
    planted = {row["record_id"] for row in truth["bad_rows"]["shipments"] if row.get("record_id")}
    rejected_ids = set(rejects["record_id"].dropna())
    assert planted - {None, ""} <= rejected_ids | {""}
    assert shipments["rows_rejected"] == len(truth["bad_rows"]["shipments"])
    stats = clean_graph.stats()
    assert stats["nodes"]["Shipment"] == truth["counts"]["shipments_valid_distinct"]
    # entity resolution across scripts, legal forms and typos: within 2% of the true count
    for label, key in (("Company", "companies"), ("Person", "persons")):
        true = truth["counts"][key]
        assert abs(stats["nodes"][label] - true) <= 0.02 * true, (label, stats["nodes"][label], true)
    # provenance: each shipment points at its file and row
    missing = clean_graph.read("MATCH (s:Shipment) WHERE NOT (s)-[:FROM_SOURCE]->(:Source) "
                               "RETURN count(s) AS n")
    assert missing == [{"n": 0}]


def test_loading_twice_changes_nothing(clean_graph, world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths, _ = world
    load_files(clean_graph, _inputs(paths))
    first = clean_graph.stats()
    load_files(clean_graph, _inputs(paths))
    assert clean_graph.stats() == first


def test_unreadable_file_stops_with_one_line_and_keeps_earlier_loads(clean_graph, world,
                                                                     tmp_path, monkeypatch):
    paths, _ = world
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["load", str(paths.companies)]).exit_code == 0
    before = clean_graph.stats()
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 40)
    result = CliRunner().invoke(cli, ["load", str(paths.officers), str(junk)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "junk.csv" in lines[0]
    assert clean_graph.stats() == before


def test_killed_load_run_again_ends_in_the_same_graph(clean_graph, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = generate_world(tmp_path / "big", seed=4, n_shipments=30_000)
    inputs = _inputs(paths)

    def load():
        result = CliRunner().invoke(cli, ["load", *inputs], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    load()
    expected = clean_graph.stats()
    clean_graph.reset()

    process = subprocess.Popen([sys.executable, "-m", "tracegraph.cli", "load", *inputs],
                               env=dict(os.environ), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if clean_graph.stats()["nodes"]["Shipment"] > 0:
                break
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    partial = clean_graph.stats()
    assert partial != expected, "the load finished before it could be killed"
    load()
    assert clean_graph.stats() == expected
