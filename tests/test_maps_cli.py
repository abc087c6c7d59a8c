"""`tracegraph map` on a tiny hand-written world, and the maps opened in headless Chromium.

Two suppliers carry hostile names (`<img ...>` and `</script><script>...`); each ships
CHPL microcircuits to a new Kyrgyz company that forwards a matching quantity to a Russian
buyer 20 days later. The maps must show those names as text and run nothing, and must let
a reader reach both shipments' record ids. Browser tests skip, saying why, without Chromium.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracegraph.cli import cli

try:  # tests/ on sys.path (pytest's default "prepend" import mode, no tests/__init__.py)
    from browser import Browser
except ImportError:  # tests/ imported as a package
    from tests.browser import Browser

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(2)</script>"
INTERMEDIARY = "ОсОО «Тестовый Транзит»"
BUYER = "ООО «Тест Радиоэлектроника»"
ADDRESS = "г. Бишкек, ул. Токтогула, д. 125, оф. 4"

SHIPMENTS = [
    # record_id, date, exporter, exporter country, importer, importer country, hs, qty, usd
    ("KG-IM-T1", "2023-05-02", XSS_IMG, "CN", INTERMEDIARY, "KG", "854231", 1000, 40000),
    ("RU-IM-T2", "2023-05-22", INTERMEDIARY, "KG", BUYER, "RU", "854231", 990, 61000),
    ("KG-IM-T3", "2023-08-01", XSS_SCRIPT, "CN", INTERMEDIARY, "KG", "854239", 500, 20000),
    ("RU-IM-T4", "2023-08-21", INTERMEDIARY, "KG", BUYER, "RU", "854239", 505, 33000),
]
# the intermediary was registered in 2023, with four neighbours at one formation address
COMPANIES = [
    ("1203202300011", INTERMEDIARY, "2023-03-01"),
    ("1203202300012", "ОсОО «Ала-Тоо Снаб Плюс»", "2023-03-01"),
    ("1203202300013", "ОсОО «Нарын Логистик»", "2023-03-02"),
    ("1203202300014", "ОсОО «Бугу Трейд»", "2023-03-02"),
    ("1203202300015", "ОсОО «Чүй Импэкс»", "2023-03-03"),
]


def _csv_cell(value) -> str:
    text = str(value)
    return f'"{text}"' if any(c in text for c in ',"') else text


def _write(path: Path, header: str, rows) -> Path:
    lines = [header] + [",".join(_csv_cell(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _invoke(*args: str, ok: bool = True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@dataclass
class Tiny:
    folder: Path
    supplier: str       # entity id of the <img ...> supplier
    other_supplier: str  # and of the </script> one
    intermediary: str
    buyer: str
    chain_id: str       # the chain KG-IM-T1 > RU-IM-T2
    entity_map: Path
    chain_map: Path


@pytest.fixture(scope="module")
def tiny(graph, tmp_path_factory) -> Tiny:
    folder = tmp_path_factory.mktemp("tiny-world")
    shipments = _write(folder / "shipments.csv",
                       "record_id,date,exporter_name,exporter_country,importer_name,"
                       "importer_country,hs_code,quantity,unit,value_usd",
                       [(*row[:8], "pcs", row[8]) for row in SHIPMENTS])
    companies = _write(folder / "companies.csv",
                       "registration_number,country,name,incorporation_date,status,address",
                       [(reg, "KG", name, day, "active", ADDRESS) for reg, name, day in COMPANIES])
    graph.reset()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # rejects of a load without --report land in the working dir
        loaded = _invoke("load", str(companies), str(shipments))
    assert "read 4, loaded 4, rejected 0" in loaded.output

    ids = {r["name"]: r["id"] for r in graph.read("MATCH (c:Company) RETURN c.name AS name, "
                                                  "c.id AS id")}
    chains = [json.loads(line) for line in
              _invoke("chains", "--min-score", "0", "--format", "jsonl").stdout.splitlines()]
    (chain,) = [c for c in chains if c["record_ids"] == "KG-IM-T1>RU-IM-T2"]
    assert chain["entity_ids"] == ">".join((ids[XSS_IMG], ids[INTERMEDIARY], ids[BUYER]))

    entity_map, chain_map = folder / "entity.html", folder / "chain.html"
    _invoke("map", "--entity", ids[XSS_IMG], "--out", str(entity_map))
    _invoke("map", "--chain", chain["chain_id"], "--out", str(chain_map))
    return Tiny(folder=folder, supplier=ids[XSS_IMG], other_supplier=ids[XSS_SCRIPT],
                intermediary=ids[INTERMEDIARY], buyer=ids[BUYER], chain_id=chain["chain_id"],
                entity_map=entity_map, chain_map=chain_map)


def test_hostile_names_are_stored_verbatim(tiny, graph):
    names = {r["id"]: r["name"] for r in graph.read(
        "MATCH (c:Company) WHERE c.id IN $ids RETURN c.id AS id, c.name AS name",
        {"ids": [tiny.supplier, tiny.other_supplier]})}
    assert names == {tiny.supplier: XSS_IMG, tiny.other_supplier: XSS_SCRIPT}


def test_map_writes_the_files_it_reports(tiny):
    for page in (tiny.entity_map, tiny.chain_map):
        html = page.read_text(encoding="utf-8")
        assert tiny.supplier in html and tiny.intermediary in html
        assert XSS_IMG not in html  # the raw markup never reaches the page source
    result = _invoke("map", "--chain", tiny.chain_id, "--out", str(tiny.folder / "again.html"))
    assert result.output.strip().startswith(f"wrote {tiny.folder / 'again.html'} (")


@pytest.mark.parametrize("args", [
    [],
    ["--chain", "ch-0", "--entity", "co-0"],
    ["--fronts", "--query", "mass-registration-addresses"],
], ids=["none", "chain+entity", "fronts+query"])
def test_map_needs_exactly_one_subject(tiny, args, tmp_path):
    result = _invoke("map", *args, "--out", str(tmp_path / "m.html"), ok=False)
    assert result.exit_code == 2  # a usage error
    assert "Usage: " in result.output
    assert "Error: give exactly one of --chain, --entity, --query, --fronts" in result.output
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize("args,word", [
    (["--chain", "nonexistent"], "nonexistent"),
    (["--entity", "co-nonexistent"], "co-nonexistent"),
    (["--query", "mass-registration-addresses", "--param", "min_companies=50"],
     "mass-registration-addresses"),
    (["--query", "no-such-question"], "no-such-question"),
], ids=["chain", "entity", "query-empty", "query-unknown"])
def test_map_of_nothing_is_a_one_line_error(tiny, args, word, tmp_path):
    result = _invoke("map", *args, "--out", str(tmp_path / "m.html"), ok=False)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert len(result.output.splitlines()) == 1, result.output
    assert result.output.startswith("Error: ") and word in result.output
    assert not (tmp_path / "m.html").exists()


def test_chain_map_takes_the_chain_options(tiny, tmp_path):
    # the chain's onward shipment left 20 days after the arrival: under a 10-day window
    # it is no chain, and the map says so instead of drawing another question's answer
    narrow = _invoke("map", "--chain", tiny.chain_id, "--window-days", "10",
                     "--out", str(tmp_path / "narrow.html"), ok=False)
    assert narrow.exit_code == 1 and tiny.chain_id in narrow.output
    assert not (tmp_path / "narrow.html").exists()
    wide = _invoke("map", "--chain", tiny.chain_id, "--window-days", "30",
                   "--out", str(tmp_path / "wide.html"))
    assert wide.output.startswith(f"wrote {tmp_path / 'wide.html'} (")
    assert "KG-IM-T1" in (tmp_path / "wide.html").read_text(encoding="utf-8")


def test_map_of_a_query(tiny, tmp_path):
    out = tmp_path / "addresses.html"
    result = _invoke("map", "--query", "mass-registration-addresses", "--out", str(out))
    assert result.output.startswith(f"wrote {out} (")
    html = out.read_text(encoding="utf-8")
    assert tiny.intermediary in html  # a company registered at the formation address


# --------------------------------------------------------------------------- in the browser


def _open(chromium: Browser, page: Path) -> None:
    url = chromium.open(page)
    chromium.wait_stabilized(timeout=60)
    assert [r for r in chromium.requests() if r != url and not r.startswith("data:")] == []


def _ran_nothing(chromium: Browser) -> None:
    assert chromium.dialog_open() is None
    assert chromium.dialogs_trapped() == []
    assert chromium.console_errors() == []
    assert chromium.js("return document.querySelectorAll('img').length;") == 0


def _panel(chromium: Browser, item: str) -> str:
    return chromium.js("return window.__tracegraph.select(arguments[0]);", item)


@pytest.mark.browser
def test_entity_map_shows_hostile_names_as_text(tiny, chromium):
    _open(chromium, tiny.entity_map)
    _ran_nothing(chromium)
    assert chromium.js("return document.title;") == f"Neighbourhood of {XSS_IMG} (2 hops)"
    shown = set(chromium.js("return window.__tracegraph.nodeIds();"))
    assert {tiny.supplier, tiny.intermediary, tiny.other_supplier, tiny.buyer} <= shown
    assert f"{XSS_IMG} (CN)" in _panel(chromium, tiny.supplier)
    assert f"{XSS_SCRIPT} (CN)" in _panel(chromium, tiny.other_supplier)
    assert chromium.canvas_ink() > 500
    _ran_nothing(chromium)  # selecting put the names in the panel: still nothing ran


@pytest.mark.browser
def test_chain_map_shows_the_chain_and_both_records(tiny, chromium):
    _open(chromium, tiny.chain_map)
    _ran_nothing(chromium)
    shown = set(chromium.js("return window.__tracegraph.nodeIds();"))
    assert {tiny.supplier, tiny.intermediary, tiny.buyer} <= shown
    assert tiny.other_supplier not in shown  # only this chain's companies
    assert f"{XSS_IMG} (CN)" in _panel(chromium, tiny.supplier)
    assert f"{INTERMEDIARY} (KG)" in _panel(chromium, tiny.intermediary)
    for (a, b), record in (((tiny.supplier, tiny.intermediary), "KG-IM-T1"),
                           ((tiny.intermediary, tiny.buyer), "RU-IM-T2")):
        edges = chromium.js("return window.__tracegraph.edgesBetween(arguments[0], "
                            "arguments[1]);", a, b)
        assert edges, f"no link {a} -> {b}"
        assert any(record in _panel(chromium, e) for e in edges), record
    assert chromium.canvas_ink() > 500
    _ran_nothing(chromium)
