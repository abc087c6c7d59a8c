"""`tracegraph demo` end to end on the real server, and its maps in headless Chromium, offline.

The demo runs twice into the same folder once per module (the second run must replace the
first one's data); the tests read what the two runs left. The browser test skips, saying
why, when Chromium or chromedriver is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from queries.reference import FRONT_SUSPECT_SCORE
from tracegraph.cli import cli
from tracegraph.jobs.demo import TOP

try:  # tests/ on sys.path (pytest's default "prepend" import mode, no tests/__init__.py)
    from browser import Browser
except ImportError:  # tests/ imported as a package
    from tests.browser import Browser


@dataclass
class DemoRuns:
    out: Path
    first: str            # terminal output of the first run
    second: str           # and of the second, into the same folder
    first_files: dict     # result file name -> bytes after the first run
    first_stats: dict     # graph.stats() after the first run
    second_stats: dict


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def demo(graph, tmp_path_factory) -> DemoRuns:
    out = tmp_path_factory.mktemp("demo") / "demo-out"
    graph.reset()  # whatever another module left; the demo itself must not need this
    first = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    files = {name: (out / name).read_bytes() for name in ("chains.csv", "fronts.csv")}
    first_stats = graph.stats()
    second = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    return DemoRuns(out=out, first=first.stdout, second=second.stdout, first_files=files,
                    first_stats=first_stats, second_stats=graph.stats())


def test_demo_writes_results_report_and_maps(demo):
    for name in ("chains.csv", "fronts.csv", "load-report.json"):
        assert (demo.out / name).is_file(), name
    chains, fronts = _read(demo.out / "chains.csv"), _read(demo.out / "fronts.csv")
    assert len(chains) > 0 and len(fronts) > 0
    report = pd.read_json(demo.out / "load-report.json", typ="series")
    for entry in report["files"]:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_rejected"], entry
    assert (demo.out / "data" / "truth.json").is_file()
    maps = {p.name for p in (demo.out / "maps").iterdir()}
    top = chains["chain_id"].head(TOP)
    assert maps == {f"chain-{c}.html" for c in top} | {"fronts.html"}
    assert f"maps ({len(maps)})" in demo.second


def test_demo_summary_lists_chains_and_fronts_with_reasons(demo):
    chains, fronts = _read(demo.out / "chains.csv"), _read(demo.out / "fronts.csv")
    lines = demo.first.splitlines()
    assert f"{len(chains)} transshipment chains; the strongest:" in lines
    assert f"{len(fronts)} companies with front-company flags; the strongest:" in lines
    for row in chains.head(TOP).itertuples():
        (at,) = [i for i, line in enumerate(lines)
                 if line.split()[:1] == [f"{float(row.score):.2f}"]
                 and f" {row.countries} " in line and f"HS {row.hs_code}" in line]
        assert lines[at + 1].strip()[:40] == row.reasons[:40]
    for row in fronts.head(TOP).itertuples():
        (at,) = [i for i, line in enumerate(lines)
                 if line.split()[:2] == [f"{float(row.score):.2f}", row.country]
                 and row.name[:40] in line]
        assert lines[at + 1].strip()[:40] == row.reasons[:40]


def test_demo_twice_replaces_its_own_data(demo):
    for name, content in demo.first_files.items():
        assert (demo.out / name).read_bytes() == content, f"{name} changed on the second run"
    assert demo.second_stats == demo.first_stats  # replaced, not doubled
    assert demo.second_stats["nodes"]["Shipment"] > 0
    assert demo.second == demo.first


def test_demo_refuses_a_graph_holding_other_data(clean_graph, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "my-registry.csv"
    mine.write_text("registration_number,country,name,incorporation_date\n"
                    "1127746000001,RU,ООО «Моя Компания»,2012-03-04\n"
                    "230520231012,KG,ОсОО «Алтын Трейд»,2023-03-01\n", encoding="utf-8")
    loaded = CliRunner().invoke(cli, ["load", str(mine)], catch_exceptions=False)
    assert loaded.exit_code == 0, loaded.output
    before = clean_graph.stats()
    ids = clean_graph.read("MATCH (n) RETURN collect(n.id) AS ids")[0]["ids"]
    assert before["nodes"]["Company"] == 2

    out = tmp_path / "demo-out"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert len(result.output.splitlines()) == 1, result.output
    assert result.output.startswith("Error: ") and "--reset" in result.output
    assert clean_graph.stats() == before
    assert sorted(clean_graph.read("MATCH (n) RETURN collect(n.id) AS ids")[0]["ids"]) == \
        sorted(ids)
    assert not (out / "data").exists()


@pytest.mark.browser
def test_demo_maps_open_offline_and_draw(demo, chromium):
    chains, fronts = _read(demo.out / "chains.csv"), _read(demo.out / "fronts.csv")
    entities = {f"chain-{row.chain_id}.html": {e for step in row.entity_ids.split(">")
                                               for e in step.split(";") if e}
                for row in chains.head(TOP).itertuples()}
    entities["fronts.html"] = set(
        fronts.loc[fronts["score"].astype(float) >= FRONT_SUSPECT_SCORE, "entity_id"])
    pages = sorted((demo.out / "maps").iterdir())
    assert {p.name for p in pages} == set(entities)
    for page in pages:
        url = chromium.open(page)
        chromium.wait_stabilized(timeout=60)
        requests = chromium.requests()
        assert url in requests
        assert [r for r in requests if r != url and not r.startswith("data:")] == [], page.name
        assert chromium.console_errors() == [], page.name
        assert chromium.dialog_open() is None and chromium.dialogs_trapped() == []
        shown = set(chromium.js("return window.__tracegraph.nodeIds();"))
        assert entities[page.name] and entities[page.name] <= shown, page.name
        assert chromium.canvas_ink() > 1000, f"{page.name}: blank canvas"
        # the side panel shows a chain's evidence: the record ids of its shipments
        if page.name.startswith("chain-"):
            first = chains[chains["chain_id"] == page.name[len("chain-"):-len(".html")]]
            record = first["record_ids"].iloc[0].split(">")[0].split(";")[0]
            ids = first["entity_ids"].iloc[0].split(">")
            edges = chromium.js("return window.__tracegraph.edgesBetween(arguments[0], "
                                "arguments[1]);", ids[0].split(";")[0], ids[1].split(";")[0])
            panels = [chromium.js("return window.__tracegraph.select(arguments[0]);", e)
                      for e in edges]
            assert any(record in panel for panel in panels), (page.name, record, panels)

