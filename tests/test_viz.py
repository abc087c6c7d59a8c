"""Fast tests of the HTML maps (no browser): self-containment, escaping, folding, styling."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

import viz
from viz import MapInputError, VizError, build_map, fold_graph, write_map
from viz import fold as fold_module
from viz import layout as layout_module
from viz import maps as maps_module
from viz import style

XSS = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script><!--"


class _Page(HTMLParser):
    """Collects what the tests look at: references, scripts, styles, text of some elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.csp: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: dict[str, str] = {}
        self._open: list[tuple[str, dict[str, str | None]]] = []
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content") or "")
        for name, value in attrs:
            if name in ("src", "href", "action", "formaction", "poster", "data", "srcset", "xlink:href"):
                self.refs.append((tag, name, value or ""))
            if name == "style" and value:
                self.styles.append(value)
        self._open.append((tag, a))
        self._buf = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._open.pop()

    def handle_data(self, data):
        self._buf.append(data)

    def handle_endtag(self, tag):
        if not self._open:
            return
        open_tag, attrs = self._open.pop()
        content = "".join(self._buf)
        if open_tag == "script":
            self.scripts.append((attrs, content))
        elif open_tag == "style":
            self.styles.append(content)
        elif attrs.get("id"):
            self.text[attrs["id"]] = content
        elif open_tag == "title":
            self.text["title"] = content
        self._buf = []


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _payload(html: str) -> dict:
    page = _parse(html)
    blocks = [body for attrs, body in page.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _company(g, key, name, country=None, roles=(), value=None, **attrs):
    g.add_node(key, kind="Company", name=name, country=country, roles=list(roles), value_usd=value, **attrs)


def _chain() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    _company(g, "sup", "Shenzhen Chip Co", "CN", ["Supplier"], 45_000)
    _company(g, "int", "ALTYN TRADE OsOO", "KG", ["Intermediary", "FrontSuspect"], 106_000,
             score=0.81, reasons="NEW_COMPANY(days_to_first_trade=41);PASS_THROUGH(ratio=0.97)",
             registration_number="KG-123456",
             evidence=[{"record_id": "KG-IM-17", "source": "kg_customs.csv", "row": 17}])
    _company(g, "buy", "RADIOKOM LLC", "ru", ["DefenceBuyer", "Listed"], 61_000)
    g.add_edge("sup", "int", type="SHIPMENT", hs_code="854231", first_date="2023-03-01", quantity=1200,
               unit="pcs", value_usd=45_000, record_ids=["KG-IM-17"], source="kg_customs.csv", row=17)
    g.add_edge("int", "buy", type="SHIPMENT", hs_code="854231", first_date="2023-03-20", quantity=1190,
               unit="pcs", value_usd=61_000, record_ids=["RU-IM-52"], source="ru_customs.csv", row=52,
               carrier="SILK ROAD CARGO")
    return g


# --------------------------------------------------------------------------- self-contained


def _external(value: str) -> bool:
    value = value.strip().lower()
    return value.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:")) or "://" in value


def test_page_references_no_other_host():
    g = _chain()
    # URLs in the data must stay data, not become references.
    _company(g, "url", "https://evil.example/x.js", "US", evidence=[{"link": "http://evil.example/"}])
    html = build_map(g, title="Refs", parameters={"source": "http://example.com/feed"})
    page = _parse(html)
    assert not [r for r in page.refs if _external(r[2])], page.refs
    for css in page.styles:
        for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            assert target.startswith("data:"), target
        assert "@import" not in css
    # every script is inline; no stylesheet links, frames or embedded objects
    assert all("src" not in attrs for attrs, _ in page.scripts)
    assert not {"link", "iframe", "object", "embed", "img", "base"} & set(page.tags)
    assert len(page.csp) == 1
    policy = {d.split()[0]: d.split()[1:] for d in page.csp[0].split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"]
    assert all(src.startswith("'sha256-") for src in policy["script-src"])


def test_scripts_match_their_csp_hashes():
    import base64
    import hashlib

    html = build_map(_chain(), title="CSP")
    page = _parse(html)
    csp = page.csp[0].split("script-src", 1)[1].split(";")[0]
    code = [body for attrs, body in page.scripts if attrs.get("type") != "application/json"]
    assert len(code) == 2
    for body in code:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_vis_network_is_inlined_with_its_licence():
    html = build_map(_chain(), title="Licence")
    assert "vis.js is dual licensed" in html and "Apache 2.0" in html
    assert "new vis.Network" in html


# --------------------------------------------------------------------------- escaping


def test_payload_escapes_markup_and_line_separators():
    g = nx.MultiDiGraph()
    _company(g, "a", BREAKOUT, "RU")
    _company(g, "b", "line\u2028sep\u2029para & <b>", "KG")
    g.add_edge("a", "b", type="SHIPMENT", record_ids=["</script>"], reasons=["<!--x-->"])
    html = build_map(g, title="Escapes")
    page = _parse(html)
    block = [body for attrs, body in page.scripts if attrs.get("type") == "application/json"][0]
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in block
    # exactly our three script elements: the injected ones never opened
    assert len(page.scripts) == 3
    data = json.loads(block)
    assert data["details"]["a"]["fields"][0] == ["Name", BREAKOUT]
    assert data["details"]["b"]["fields"][0] == ["Name", "line\u2028sep\u2029para & <b>"]
    edge = next(iter(d for d in data["details"].values() if d["kind"] == "edge"))
    assert ["Record ids", ["</script>"]] in edge["fields"]


def test_title_heading_and_parameters_are_text():
    g = _chain()
    html = build_map(g, title=XSS, subtitle=BREAKOUT, parameters={"<k>": XSS})
    page = _parse(html)
    assert page.text["title"] == XSS
    assert page.text["tg-title"] == XSS
    assert page.text["tg-subtitle"] == BREAKOUT
    assert "img" not in page.tags
    assert f"<dt>&lt;k&gt;</dt><dd>{XSS.replace('<', '&lt;').replace('>', '&gt;')}</dd>" in html


def test_no_data_goes_through_innerhtml():
    js = (Path(viz.__file__).parent / "static" / "map.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "outerHTML" not in js and "insertAdjacentHTML" not in js
    assert "document.write" not in js and "eval(" not in js


# --------------------------------------------------------------------------- readable


def test_labels_colours_shapes_and_sizes():
    g = _chain()
    g.add_node("p1", kind="Person", name="Ivan Petrov", country="RU")
    g.add_node("addr", kind="Address", text="Bishkek, Chui 1", country="KG")
    g.add_node("odd", kind="Vessel", name="MV Example")
    g.add_edge("p1", "int", type="OFFICER_OF", role="director")
    g.add_edge("int", "addr", type="REGISTERED_AT")
    nodes = {n["id"]: n for n in _payload(build_map(g, title="Style"))["nodes"]}
    assert nodes["buy"]["label"] == "RADIOKOM LLC (RU)"
    assert nodes["addr"]["label"] == "Bishkek, Chui 1 (KG)"
    # fill = highest-priority role, ring = the next one
    assert nodes["sup"]["color"]["background"] == style.ROLE_COLOURS["Supplier"]
    assert nodes["int"]["color"]["background"] == style.ROLE_COLOURS["FrontSuspect"]
    assert nodes["int"]["color"]["border"] == style.ROLE_COLOURS["Intermediary"]
    assert nodes["buy"]["color"]["background"] == style.ROLE_COLOURS["Listed"]
    assert nodes["buy"]["color"]["border"] == style.ROLE_COLOURS["DefenceBuyer"]
    assert nodes["p1"]["color"]["background"] == style.OTHER_COLOUR
    assert len(set(style.ROLE_COLOURS.values()) | {style.OTHER_COLOUR}) == 6
    assert (nodes["sup"]["shape"], nodes["p1"]["shape"], nodes["addr"]["shape"], nodes["odd"]["shape"]) == (
        "dot", "triangle", "square", style.OTHER_SHAPE)
    # log scale: ten times the value is a fixed step bigger, not ten times bigger
    assert nodes["int"]["size"] > nodes["sup"]["size"] > nodes["p1"]["size"] == 10
    assert style.node_size(1e9) < 3 * style.node_size(1e6)


def test_edge_labels_and_evidence_in_panel():
    data = _payload(build_map(_chain(), title="Edges"))
    edges = {(e["from"], e["to"]): e for e in data["edges"]}
    label = edges[("int", "buy")]["label"]
    assert "HS 854231" in label and "1,190 pcs" in label and "$61k" in label and "2023-03-20" in label
    detail = dict((k, v) for k, v in data["details"][edges[("int", "buy")]["id"]]["fields"])
    assert detail["Record ids"] == ["RU-IM-52"]
    assert detail["Source"] == "ru_customs.csv" and detail["Row"] == "52"
    assert detail["Quantity"] == "1,190 pcs" and detail["Value"] == "$61,000"
    assert ["carrier", "SILK ROAD CARGO"] in data["details"][edges[("int", "buy")]["id"]]["other"]
    node = data["details"]["int"]
    fields = dict((k, v) for k, v in node["fields"])
    assert fields["Reasons"] == ["NEW_COMPANY(days_to_first_trade=41)", "PASS_THROUGH(ratio=0.97)"]
    assert fields["Score"] == "0.81" and fields["Registration number"] == "KG-123456"
    assert node["evidence"] == [{"record_id": "KG-IM-17", "source": "kg_customs.csv", "row": "17"}]


def test_header_legend_and_timestamp():
    made = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    html = build_map(_chain(), title="Chain c1", subtitle="CN>KG>RU",
                     parameters={"chain_id": "c1", "window_days": 60}, made_at=made)
    assert "2024-05-06 04:08:09 UTC" in html
    assert "<dt>window_days</dt><dd>60</dd>" in html
    legend = html.split('id="tg-legend"')[1]
    for title in ("Supplier", "Intermediary", "Defence buyer", "Listed", "Front-company suspect", "shipment"):
        assert title in legend
    assert "Person" not in legend  # only kinds present on the map


def test_parallel_links_are_bundled_with_every_record_id():
    g = nx.MultiDiGraph()
    _company(g, "a", "A", "KG")
    _company(g, "b", "B", "RU")
    for i in range(7):
        g.add_edge("a", "b", type="SHIPMENT", hs_code="854231", value_usd=1000, record_ids=[f"R{i}"])
    g.add_edge("b", "a", type="SHIPMENT", record_ids=["BACK"])
    data = _payload(build_map(g, title="Bundle"))
    assert len(data["edges"]) == 2
    bundle = next(d for d in data["details"].values() if d.get("items"))
    fields = dict((k, v) for k, v in bundle["fields"])
    assert fields["Links"] == "7" and fields["Record ids"] == [f"R{i}" for i in range(7)]
    assert len(bundle["items"]) == 7


# --------------------------------------------------------------------------- large graphs


def _big_trade_graph(n_suppliers=60, n_other=40) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    _company(g, "buyer", "BIG BUYER", "RU", ["DefenceBuyer"], 10)
    _company(g, "hub", "HUB TRADE", "KG", ["Intermediary"], 5)
    g.add_edge("hub", "buyer", type="SHIPMENT", value_usd=5, record_ids=["H-B"])
    for i in range(n_suppliers):
        _company(g, f"s{i}", f"Supplier {i}", "CN", ["Supplier"], 1000 + i)
        g.add_edge(f"s{i}", "hub", type="SHIPMENT", value_usd=1000 + i, record_ids=[f"S{i}"])
    for i in range(n_other):
        g.add_node(f"p{i}", kind="Person", name=f"Person {i}")
        g.add_edge(f"p{i}", "buyer", type="OFFICER_OF")
    return g


def test_cap_folds_the_least_important_into_counted_summaries():
    g = _big_trade_graph()
    html = build_map(g, title="Cap", max_nodes=20, focus=["p39"])
    data = _payload(html)
    ids = {n["id"] for n in data["nodes"]}
    assert len(data["nodes"]) <= 20
    # roles outrank no role, focus is kept whatever its rank
    assert {"buyer", "hub", "p39"} <= ids
    summaries = {k: d for k, d in data["details"].items() if d["kind"] == "summary"}
    assert summaries
    folded = 0
    for sid, d in summaries.items():
        label = next(n["label"] for n in data["nodes"] if n["id"] == sid)
        count = int(re.match(r"\+ ([\d,]+) more", label).group(1).replace(",", ""))
        assert len(d["members"]) == count
        folded += count
    kept_entities = len(ids) - len(summaries)
    assert kept_entities + folded == g.number_of_nodes()
    labels = {n["label"] for n in data["nodes"] if n["id"] in summaries}
    # the cheapest suppliers go, the most valuable stay
    kept_suppliers = sorted(int(i[1:]) for i in ids if re.fullmatch(r"s\d+", i))
    assert kept_suppliers == list(range(60 - len(kept_suppliers), 60))
    assert any(re.fullmatch(r"\+ \d+ more suppliers", label) for label in labels)
    assert any(re.fullmatch(r"\+ \d+ more people", label) for label in labels)
    assert f"{folded} of {g.number_of_nodes()} nodes folded" in html


def test_folded_links_keep_counts_and_record_ids():
    g = _big_trade_graph(n_suppliers=30, n_other=0)
    data = _payload(build_map(g, title="Cap", max_nodes=10))
    summary = next(k for k, d in data["details"].items() if d["kind"] == "summary")
    link = next(e for e in data["edges"] if e["from"] == summary)
    assert link["to"] == "hub"
    fields = dict((k, v) for k, v in data["details"][link["id"]]["fields"])
    members = len(data["details"][summary]["members"])
    assert fields["Links"] == str(members)
    assert len(fields["Record ids"]) == members and all(r.startswith("S") for r in fields["Record ids"])


def test_fold_graph_counts():
    g = nx.star_graph(30)
    folding = fold_graph(g, max_nodes=5, focus=[7])
    assert folding.node_count <= 5
    assert 0 in folding.kept and 7 in folding.kept
    members = [m for s in folding.summaries.values() for m in s.members]
    assert sorted(members + folding.kept) == list(range(31))
    assert all(folding.representative(m) in folding.summaries for m in members)


def test_fold_graph_small_graph_untouched():
    g = nx.path_graph(10)
    folding = fold_graph(g, max_nodes=10)
    assert folding.kept == list(range(10)) and not folding.summaries


def test_supernode_leaves_are_folded_whatever_the_cap():
    g = nx.MultiDiGraph()
    _company(g, "hub", "HUB", "AE", ["Intermediary"])
    for i in range(150):
        g.add_node(f"c{i}", kind="Company", name=f"Customer {i}", country="RU")
        g.add_edge("hub", f"c{i}", type="SHIPMENT", record_ids=[f"R{i}"])
    # two customers also trade with each other: not leaves, so they stay
    g.add_edge("c0", "c1", type="SHIPMENT")
    data = _payload(build_map(g, title="Super", max_nodes=500))
    summaries = [d for d in data["details"].values() if d["kind"] == "summary"]
    assert len(summaries) == 1 and len(summaries[0]["members"]) == 148
    assert {"hub", "c0", "c1"} <= {n["id"] for n in data["nodes"]}
    assert len(data["nodes"]) == 4
    off = _payload(build_map(g, title="Super", max_nodes=500, supernode_threshold=None))
    assert len(off["nodes"]) == 151


def test_large_map_gets_seed_positions_and_bounded_physics():
    g = _big_trade_graph(n_suppliers=300, n_other=0)
    data = _payload(build_map(g, title="Big", max_nodes=1000, supernode_threshold=None))
    assert all("x" in n and "y" in n for n in data["nodes"])
    stab = data["options"]["physics"]["stabilization"]
    assert stab["enabled"] and 0 < stab["iterations"] <= 400
    small = _payload(build_map(_chain(), title="Small"))
    assert not any("x" in n for n in small["nodes"])


def test_radial_seed_puts_linked_nodes_close():
    g = nx.balanced_tree(3, 4)
    nodes = list(g.nodes)
    pos = layout_module.radial_seed(nodes, list(g.edges), step=100)
    linked = [math.dist(pos[u], pos[v]) for u, v in g.edges]
    spread = [math.dist(pos[u], pos[v]) for u in nodes[:20] for v in nodes[-20:]]
    assert max(linked) < sum(spread) / len(spread)
    assert len({pos[n] for n in nodes}) == len(nodes)


# --------------------------------------------------------------------------- odd input


def test_missing_and_odd_attributes_do_not_break_a_map():
    np = pytest.importorskip("numpy")
    g = nx.MultiDiGraph()
    g.add_node("bare")
    g.add_node(17, name=float("nan"), roles="supplier; intermediary", value_usd="1,234.5",
               score=np.float64(0.5), evidence="see file", country=None)
    g.add_node("dated", kind="company", name="DATED", incorporation_date=dt.date(2022, 3, 1),
               evidence={"record_id": 5}, reasons=None, aliases=["A", None, "B"],
               value_usd=np.int64(10), registration_number=7701234567)
    g.add_edge("bare", 17)
    g.add_edge(17, 17, type="shipment", quantity="n/a", value_usd=float("inf"))
    g.add_edge("dated", "bare", type=None, record_ids=("x", None), row=np.int64(3), first_date=dt.date(2023, 1, 2))
    data = _payload(build_map(g, title=None, parameters={"d": dt.date(2024, 1, 1), "n": None}))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["bare"]["label"] == "bare"
    assert nodes["17"]["label"] == "17"
    assert nodes["17"]["color"]["background"] == style.ROLE_COLOURS["Intermediary"]
    dated = dict((k, v) for k, v in data["details"]["dated"]["fields"])
    assert dated["Kind"] == "Company" and dated["Registration number"] == "7701234567"
    assert ["incorporation_date", "2022-03-01"] in data["details"]["dated"]["other"]
    assert data["details"]["17"]["evidence"] == [{"note": "see file"}]
    edge_fields = [dict((k, v) for k, v in d["fields"]) for d in data["details"].values() if d["kind"] == "edge"]
    assert any(f.get("Record ids") == ["x"] and f.get("Row") == "3" for f in edge_fields)


def test_other_graph_types_and_empty_graph():
    assert _payload(build_map(nx.Graph([(1, 2)]), title="u"))["meta"]["edgeCount"] == 1
    assert _payload(build_map(nx.DiGraph([("a", "b")]), title="d"))["meta"]["nodeCount"] == 2
    empty = _payload(build_map(nx.MultiDiGraph(), title="empty"))
    assert empty["nodes"] == [] and empty["edges"] == []


def test_bad_input_raises_our_errors():
    with pytest.raises(MapInputError, match="networkx graph"):
        build_map({"a": 1}, title="x")
    with pytest.raises(MapInputError, match="max_nodes"):
        build_map(nx.MultiDiGraph(), title="x", max_nodes=0)
    with pytest.raises(MapInputError, match="same text"):
        build_map(nx.Graph([(1, "1")]), title="x")
    assert issubclass(MapInputError, VizError)


def test_focus_ids_not_in_graph_are_reported():
    html = build_map(_chain(), title="f", focus=["sup", "ghost<id>"])
    assert "Focus ids not in this graph: ghost&lt;id&gt;" in html
    assert _payload(html)["meta"]["focus"] == ["sup"]


def test_lone_surrogates_are_replaced(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("a", name="bad byte \udcff here")
    out = write_map(tmp_path / "s.html", g, title="t\ud800")
    html = out.read_text(encoding="utf-8")
    assert "bad byte \ufffd here" in html and "<title>t\ufffd</title>" in html


def test_write_map(tmp_path):
    out = write_map(tmp_path / "sub" / "chain.html", _chain(), title="Chain")
    assert out == tmp_path / "sub" / "chain.html"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and _payload(html)["meta"]["nodeCount"] == 3


@pytest.mark.parametrize("module", [fold_module, layout_module, maps_module])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
