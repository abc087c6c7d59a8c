"""Maps opened in headless Chromium, offline: they load, draw, hold still, show evidence and run no data.

Run with ``pytest -m browser``. Skipped when Chromium, chromedriver or selenium
is missing. Screenshots are left in the system temp directory for a human look.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest

from viz import write_map

try:  # tests/ on sys.path (pytest's default "prepend" import mode, no tests/__init__.py)
    from browser import Browser, unavailable_reason
except ImportError:  # tests/ imported as a package
    from tests.browser import Browser, unavailable_reason

pytestmark = pytest.mark.browser

_REASON = unavailable_reason()
if _REASON:
    pytest.skip(f"browser tests need headless Chromium: {_REASON}", allow_module_level=True)

XSS = "<img src=x onerror=alert(1)>"


def _open(chromium: Browser, path: Path, graph: nx.Graph, **kw) -> str:
    write_map(path, graph, **kw)
    url = chromium.open(path)
    chromium.wait_stabilized(timeout=60)
    return url


def _chain() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("sup", kind="Company", name="Shenzhen Chip Co", country="CN", roles=["Supplier"])
    g.add_node("int", kind="Company", name="ALTYN TRADE OsOO", country="KG", roles=["Intermediary"],
               evidence=[{"record_id": "KG-IM-17", "source": "kg.csv", "row": 17}])
    g.add_node("buy", kind="Company", name="ООО «Радиоком»", country="RU", roles=["DefenceBuyer"])
    g.add_edge("sup", "int", type="SHIPMENT", hs_code="854231", first_date="2023-03-01", quantity=1200,
               unit="pcs", value_usd=45000, record_ids=["KG-IM-17"], source="kg.csv", row=17)
    g.add_edge("int", "buy", type="SHIPMENT", hs_code="854231", first_date="2023-03-20", quantity=1190,
               unit="pcs", value_usd=61000, record_ids=["RU-IM-52"], source="ru.csv", row=52)
    return g


def test_request_recorder_sees_other_hosts(chromium, tmp_path):
    # Control: a page that does reach out must be caught, or the next test proves nothing.
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><img src="http://tracegraph.invalid/pixel.png">', encoding="utf-8")
    chromium.open(page)
    time.sleep(0.3)
    assert "http://tracegraph.invalid/pixel.png" in chromium.requests()


def test_chain_map_offline_loads_draws_and_cites_both_records(chromium, tmp_path):
    url = _open(chromium, tmp_path / "chain.html", _chain(), title="Chain CN>KG>RU",
                parameters={"chain_id": "c1"}, focus=["int"])
    requests = chromium.requests()
    assert url in requests
    assert [r for r in requests if r != url and not r.startswith("data:")] == []
    assert chromium.console_errors() == []

    api = "window.__tracegraph"
    assert sorted(chromium.js(f"return {api}.nodeIds();")) == ["buy", "int", "sup"]
    assert chromium.js(f"return [{api}.nodeCount, {api}.edgeCount];") == [3, 2]
    assert chromium.canvas_ink() > 500  # nodes, labels and links drawn, not a blank canvas

    panels = []
    for a, b in (("sup", "int"), ("int", "buy")):
        (edge,) = chromium.js(f"return {api}.edgesBetween(arguments[0], arguments[1]);", a, b)
        panels.append(chromium.js(f"return {api}.select(arguments[0]);", edge))
    assert "KG-IM-17" in panels[0] and "kg.csv" in panels[0]
    assert "RU-IM-52" in panels[1] and "1,190 pcs" in panels[1] and "ООО «Радиоком» (RU)" in panels[1]
    node_panel = chromium.js(f"return {api}.select('int');")
    assert "ALTYN TRADE OsOO (KG)" in node_panel and "KG-IM-17" in node_panel
    chromium.screenshot(Path(tempfile.gettempdir()) / "tracegraph-map-chain.png")


def test_legend_explains_the_reason_codes_offline(chromium, tmp_path):
    g = _chain()
    g.nodes["int"]["chain_reasons"] = "QTY_MATCH(ratio=1.00);HS_MISMATCH(in=880730,out=842441)"
    _open(chromium, tmp_path / "reasons.html", g, title="Chain CN>KG>RU")
    details = "document.getElementById('tg-reasons')"
    assert chromium.js(f"return {details}.open;") is False
    assert chromium.js(f"return {details}.querySelector('summary').textContent;").startswith(
        "HS_MISMATCH, QTY_MATCH on this map")
    chromium.js(f"{details}.querySelector('summary').click();")
    assert chromium.js(f"return {details}.open;") is True
    seen = chromium.js(f"return Array.from({details}.querySelectorAll('.tg-seen'))"
                       ".map(e => e.innerText.replace(/\\s+/g, ' ').trim());")
    assert seen == ["QTY_MATCH The goods that left are the goods that arrived",
                    "HS_MISMATCH The onward shipment was declared under another heading "
                    "(cover heading)"]
    visible = chromium.js(f"return {details}.querySelector('.tg-seen dd').getClientRects().length;")
    assert visible > 0
    assert "docs/methodology.md" in chromium.js(f"return {details}.innerText;")
    assert chromium.js("return window.__tracegraph.nodeCount;") == 3
    assert chromium.console_errors() == []
    chromium.screenshot(Path(tempfile.gettempdir()) / "tracegraph-map-reasons.png")


def test_layout_stops_moving_after_stabilisation(chromium, tmp_path):
    g = nx.MultiDiGraph()
    for i in range(60):
        g.add_node(f"c{i}", kind="Company", name=f"Company {i}", country="KZ")
    for i in range(1, 60):
        g.add_edge(f"c{i}", f"c{(i * 7) % i}", type="SHIPMENT", value_usd=100 * i)
    _open(chromium, tmp_path / "still.html", g, title="Still")
    assert chromium.js("return window.__tracegraph.physicsEnabled();") is False
    before = chromium.js("return window.__tracegraph.positions();")
    time.sleep(0.5)
    assert chromium.js("return window.__tracegraph.positions();") == before


def test_hostile_names_are_text_and_run_nothing(chromium, tmp_path):
    g = _chain()
    g.add_node("evil", kind="Company", name=XSS, country="AE", roles=["Intermediary"],
               reasons=[XSS], evidence=[{"record_id": XSS, "note": "</script><script>alert(3)</script>"}])
    g.add_edge("evil", "buy", type="SHIPMENT", record_ids=[XSS], source="<b>bold</b>")
    _open(chromium, tmp_path / "xss.html", g, title=XSS, subtitle="<script>alert(4)</script>",
          parameters={"q": XSS})
    assert chromium.dialog_open() is None
    assert chromium.dialogs_trapped() == []
    assert chromium.console_errors() == []
    assert chromium.js("return document.querySelectorAll('img, b').length;") == 0
    assert chromium.js("return document.getElementById('tg-title').textContent;") == XSS
    assert chromium.js("return document.title;") == XSS

    panel = chromium.js("return window.__tracegraph.select('evil');")
    assert f"{XSS} (AE)" in panel and "</script><script>alert(3)</script>" in panel
    assert chromium.js("return window.__tracegraph.tooltipText('evil');").startswith(f"{XSS} (AE)")
    chromium.js("window.__tracegraph.tooltipText('buy');")  # so only the hover can bring evil's text back
    popup = chromium.hover_node("evil")  # the real tooltip, as a mouse brings it up
    assert popup is not None and popup.startswith(f"{XSS} (AE)")
    (edge,) = chromium.js("return window.__tracegraph.edgesBetween('evil', 'buy');")
    edge_panel = chromium.js("return window.__tracegraph.select(arguments[0]);", edge)
    assert XSS in edge_panel and "<b>bold</b>" in edge_panel
    assert chromium.js("return document.querySelectorAll('img, b, script:not([type])').length;") == 2
    assert chromium.dialog_open() is None and chromium.dialogs_trapped() == []


def test_capped_map_stabilises_and_lists_folded_nodes(chromium, tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("buyer", kind="Company", name="BIG BUYER", country="RU", roles=["DefenceBuyer"])
    for i in range(40):
        g.add_node(f"i{i}", kind="Company", name=f"Intermediary {i}", country="KG", roles=["Intermediary"],
                   value_usd=10_000 + i)
        g.add_edge(f"i{i}", "buyer", type="SHIPMENT", value_usd=10_000 + i, record_ids=[f"IB-{i}"])
        for j in range(8):
            g.add_node(f"s{i}-{j}", kind="Company", name=f"Supplier {i}-{j}", country="CN", roles=["Supplier"])
            g.add_edge(f"s{i}-{j}", f"i{i}", type="SHIPMENT", value_usd=1000, record_ids=[f"SI-{i}-{j}"])
    url = _open(chromium, tmp_path / "capped.html", g, title="Capped", max_nodes=200)
    assert [r for r in chromium.requests() if r != url and not r.startswith("data:")] == []
    count = chromium.js("return window.__tracegraph.nodeCount;")
    assert 150 < count <= 200
    summary = next(i for i in chromium.js("return window.__tracegraph.nodeIds();") if i.startswith("summary:"))
    panel = chromium.js("return window.__tracegraph.select(arguments[0]);", summary)
    assert "Folded nodes" in panel and "Supplier" in panel
    assert chromium.canvas_ink() > 2000
    assert chromium.console_errors() == []
    chromium.screenshot(Path(tempfile.gettempdir()) / "tracegraph-map-capped.png")
