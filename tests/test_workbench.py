"""The workbench (`tracegraph serve`) as its user meets it: a real server process over the
session's Neo4j holding a small planted data set (chains, a front, a duplicate pair, a
supernode, hostile names), driven in headless Chromium. The token, CSRF and escaping have tests of their own; every page is visited with
hostile names in the data, and no request may leave the server's origin."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracegraph.cli import cli
from tracegraph.jobs.load import load_files
from tracegraph.jobs.review import judgements_path

try:  # tests/ on sys.path (pytest's default "prepend" import mode, no tests/__init__.py)
    from browser import Browser, unavailable_reason
except ImportError:  # tests/ imported as a package
    from tests.browser import Browser, unavailable_reason

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
HUB_PARTNERS = 60  # more than one page (50) of neighbours

# a buyer registered in Cyrillic, a young Kyrgyz intermediary passing chips through to it (two
# chains, one front), two registry entries of one name (a duplicate candidate), a company and
# an officer named to attack the page
COMPANIES = f"""registration_number,country,name,address,incorporation_date
1027700000017,RU,ООО «Радиоком»,"Москва, ул. Ленина 5",2005-04-01
900001-01,KG,Altyn Trade OsOO,"Bishkek, Chui 1",2022-06-01
123456-01,KG,Alfa Trade LLC,"Bishkek, Chui 12",2015-01-01
223456-02,KG,Alfa Trade LLC,"Bishkek, Chui 12",2016-01-01
777000-01,KG,"{XSS}","{SCRIPT}",2022-09-01
"""
OFFICERS = f"""company_registration_number,company_country,officer_name,role
777000-01,KG,"{XSS} {SCRIPT}",director
"""


def _shipments() -> str:
    header = ("record_id,date,exporter_name,exporter_country,importer_name,importer_country,"
              "hs_code,quantity,value_usd,description\n")
    rows = [
        f'WB-1,2023-01-10,"{XSS}",KG,RADIOKOM LLC,RU,854231,100,5000,"{SCRIPT}"',
        f'WB-2,2023-06-10,"{XSS}",KG,Radiokom OOO,RU,854231,90,4500,chips',
        'WB-3,2024-03-01,Late Partner GmbH,DE,ООО «Радиоком»,RU,852692,10,900,receivers',
        'WB-4,2023-02-01,Alfa Trade LLC,KG,Orion OOO,RU,847130,10,900,computers',
        'C-1,2023-03-01,Shenzhen Chip Co,CN,Altyn Trade OsOO,KG,854231,1000,40000,chips',
        'C-2,2023-03-20,Altyn Trade OsOO,KG,RADIOKOM LLC,RU,854231,990,52000,chips',
        'C-3,2023-05-01,Shenzhen Chip Co,CN,Altyn Trade OsOO,KG,854232,500,20000,chips',
        'C-4,2023-05-25,Altyn Trade OsOO,KG,ООО «Радиоком»,RU,854232,500,26000,chips',
    ]
    rows += [f"WB-H{i},2023-0{1 + i % 9}-1{i % 10},Supernode Hub LLC,KZ,Hub Client {i} OOO,RU,"
             f"854232,{5 + i},{100 + i},parts" for i in range(HUB_PARTNERS)]
    return header + "\n".join(rows) + "\n"


@dataclass
class Served:
    base: str           # http://127.0.0.1:PORT
    token_url: str      # as printed
    files: list[Path]   # loaded, in order
    shipments: Path     # the planted shipments file
    ids: dict           # planted name -> entity id
    log: Path           # what the server wrote to its standard error


def _ids(graph) -> dict:
    rows = graph.read("MATCH (c:Company) WHERE c.name IN $names RETURN c.name AS name, "
                      "c.id AS id", {"names": ["ООО «Радиоком»", "Late Partner GmbH", XSS,
                                               "Supernode Hub LLC"]})
    return {r["name"]: r["id"] for r in rows}


@pytest.fixture(scope="module")
def served(graph, tmp_path_factory):
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"browser tests need headless Chromium: {reason}")
    folder = tmp_path_factory.mktemp("workbench")
    planted = {"companies.csv": COMPANIES, "officers.csv": OFFICERS,
               "shipments.csv": _shipments()}
    for name, text in planted.items():
        (folder / name).write_text(text, encoding="utf-8")
    files = [folder / "companies.csv", folder / "officers.csv", folder / "shipments.csv"]
    graph.reset()
    judgements_path().unlink(missing_ok=True)
    load_files(graph, files, report_path=folder / "report.json")
    result = CliRunner().invoke(cli, ["fronts", "--format", "csv", "--out",
                                      str(folder / "fronts.csv")])
    assert result.exit_code == 0, result.output
    env = {**os.environ, "TRACEGRAPH_AUTHOR": "tester"}
    log = (folder / "serve.log").open("w")  # the server's own messages, to read on a failure
    process = subprocess.Popen([sys.executable, "-m", "tracegraph.cli", "serve", "--port", "0",
                                "--no-open"], stdout=subprocess.PIPE, stderr=log,
                               text=True, env=env)
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:(\d+))/\?token=[A-Za-z0-9_-]{40,}", line)
        assert match, line + (folder / "serve.log").read_text()
        yield Served(match.group(1), match.group(0), files, folder / "shipments.csv",
                     _ids(graph), folder / "serve.log")
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        judgements_path().unlink(missing_ok=True)


@pytest.fixture(scope="module")
def browser(served):
    with Browser(offline=False) as b:  # the server is on loopback; the page must stay there
        b.driver.get(served.token_url)
        yield b


def _open(b: Browser, served: Served, path: str) -> None:
    b.driver.get(served.base + path)
    b.js("return document.readyState;")


def _wait(b: Browser, script: str, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = b.js(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def _graph_ready(b: Browser) -> None:
    _wait(b, "return window.__workbench && window.__workbench.ready;")


def _request(url: str, method: str = "GET", headers: dict | None = None,
             data: bytes | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _session(served: Served) -> tuple[str, str]:
    """A session cookie (``name=value``) and its CSRF token, as a browser gets them."""
    status, headers, _ = _request(served.token_url)
    assert status == 303
    cookie = headers["set-cookie"].split(";")[0]
    _, _, body = _request(served.base + "/", headers={"Cookie": cookie})
    csrf = re.search(rb'name="csrf-token" content="([^"]+)"', body).group(1).decode()
    return cookie, csrf


# -- the guard ----------------------------------------------------------------------------------

def test_token_required_then_a_strict_cookie(served):
    for path in ("/", "/search?q=Radiokom", "/static/workbench.css", "/judgements.jsonl",
                 "/assets/vis-network.min.js", f"/entity/{served.ids['ООО «Радиоком»']}"):
        status, headers, _ = _request(served.base + path)
        assert status == 401, path
        assert headers["content-security-policy"].startswith("default-src 'self'")
    status, _, _ = _request(served.base + "/?token=wrong")
    assert status == 403
    status, _, _ = _request(served.base + "/api/view", "POST", data=b"{}")
    assert status == 401
    status, headers, _ = _request(served.token_url)
    assert status == 303 and headers["location"] == "/"  # the token leaves the address
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    status, headers, body = _request(served.base + "/", headers={"Cookie": cookie.split(";")[0]})
    assert status == 200 and b"Investigator workbench" in body
    assert "script-src 'self'" in headers["content-security-policy"]
    # another Host (DNS rebinding) is refused even with a session
    status, _, _ = _request(served.base + "/", headers={"Cookie": cookie.split(";")[0],
                                                          "Host": "evil.example:80"})
    assert status == 400


def test_post_without_csrf_token_or_with_foreign_origin_is_refused(served, browser):
    cookie, csrf = _session(served)
    form = b"kind=front&subject=co-x&decision=note&note=hi"
    plain = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
             "Origin": served.base}
    assert _request(served.base + "/triage", "POST", plain, form)[0] == 403
    foreign = {**plain, "Origin": "http://evil.example"}
    assert _request(served.base + "/triage", "POST", foreign,
                    form + f"&csrf_token={csrf}".encode())[0] == 403
    assert _request(served.base + "/api/view", "POST",
                    {"Cookie": cookie, "Origin": served.base, "Content-Type": "application/json"},
                    b'{"ids": []}')[0] == 403
    # the page's own fetch without the token, as a script injected into it would send it
    _open(browser, served, "/")
    status = browser.driver.execute_async_script(
        "var done = arguments[0];"
        "fetch('/triage', {method: 'POST', headers: {'Content-Type': "
        "'application/x-www-form-urlencoded'}, body: 'kind=front&subject=x&decision=note&note=n'})"
        ".then(function (r) { done(r.status); });")
    assert status == 403
    assert not judgements_path().exists()


# -- search, entity, graph ----------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Radiokom", "RADIOKOM LLC", "Радиоком", "1027700000017"])
def test_any_spelling_finds_the_company_registered_in_cyrillic(served, browser, spelling):
    _open(browser, served, "/search?q=" + urllib.request.quote(spelling))
    names = browser.js("return Array.from(document.querySelectorAll("
                       "'#results-companies a.entity')).map(function (a) { return a.textContent; });")
    assert "ООО «Радиоком»" in names, (served.log.read_text(), browser.driver.page_source)
    row = browser.js("return document.querySelector('#results-companies tr[data-id=\"' + "
                     "arguments[0] + '\"]').textContent;", served.ids["ООО «Радиоком»"])
    assert "RU" in row and "1027700000017" in row


def test_entity_page_shows_names_trade_chart_and_candidates(served, browser):
    _open(browser, served, f"/entity/{served.ids['ООО «Радиоком»']}")
    assert browser.js("return document.getElementById('entity-name').textContent;") == "ООО «Радиоком»"
    names = browser.js("return document.querySelector('#identity .names').textContent;")
    assert "RADIOKOM LLC" in names and "Radiokom OOO" in names
    browser.screenshot(Path(tempfile.gettempdir()) / "tracegraph-workbench-entity.png")
    bars = browser.js("return document.querySelectorAll('#trade svg.chart rect').length;")
    assert bars >= 2  # 2023 in and 2024 in
    sources = browser.js("return document.querySelector('#identity .sources').textContent;")
    assert "companies.csv" in sources
    alfa = browser.js("return Array.from(document.querySelectorAll('a.entity')).length;")
    assert alfa >= 1


def test_expanding_a_node_adds_its_neighbours_and_pages_a_supernode(served, browser):
    radiokom, late = served.ids["ООО «Радиоком»"], served.ids["Late Partner GmbH"]
    _open(browser, served, f"/graph/{radiokom}")
    _graph_ready(browser)
    before = set(browser.js("return window.__workbench.nodeIds();"))
    assert {radiokom, late, served.ids[XSS]} <= before
    browser.js("window.__workbench.click(arguments[0]);", served.ids[XSS])
    _wait(browser, "return window.__workbench.ready && "
                   f"window.__workbench.nodeIds().length > {len(before)};")
    after = set(browser.js("return window.__workbench.nodeIds();"))
    officers = [n for n in after - before if n.startswith("pe-")]
    assert officers, after - before  # the hostile company's director came with it

    hub = served.ids["Supernode Hub LLC"]
    _open(browser, served, f"/graph/{hub}")
    _graph_ready(browser)
    assert len(browser.js("return window.__workbench.nodeIds();")) == 51
    browser.js("window.__workbench.click(arguments[0]);", hub)
    button = _wait(browser, "var b = document.querySelector('#panel button.more');"
                            "return b && b.textContent;")
    assert button == f"Show 10 more of {HUB_PARTNERS}"
    browser.js("document.querySelector('#panel button.more').click();")
    _wait(browser, f"return window.__workbench.ready && "
                   f"window.__workbench.nodeIds().length === {HUB_PARTNERS + 1};")
    assert "60 of 60" in browser.js("return window.__workbench.panelText();")


def test_date_filter_hides_later_shipments_and_links_show_their_evidence(served, browser):
    radiokom, late, evil = (served.ids[k] for k in ("ООО «Радиоком»", "Late Partner GmbH", XSS))
    _open(browser, served, f"/graph/{radiokom}")
    _graph_ready(browser)
    between = "return window.__workbench.edgesBetween(arguments[0], arguments[1]);"
    assert browser.js(between, radiokom, late)
    (edge,) = browser.js(between, radiokom, evil)
    browser.driver.execute_async_script(
        "var done = arguments[1]; window.__workbench.showEdge(arguments[0]).then(done);", edge)
    panel = browser.js("return window.__workbench.panelText();")
    browser.screenshot(Path(tempfile.gettempdir()) / "tracegraph-workbench-graph.png")
    sha = hashlib.sha256(served.shipments.read_bytes()).hexdigest()
    assert "WB-1" in panel and "WB-2" in panel and "shipments.csv" in panel and sha in panel

    browser.js("window.__workbench.setRange(null, '2023-12-31');")
    _wait(browser, "return window.__workbench.ready && window.__workbench.edgesBetween("
                   "arguments[0], arguments[1]).length === 0;".replace("arguments[0]", repr(radiokom))
          .replace("arguments[1]", repr(late)))
    assert browser.js(between, radiokom, evil)  # the 2023 shipments stay
    browser.js("window.__workbench.setRange(null, '2023-03-31');")
    _wait(browser, "return window.__workbench.ready;")
    (edge,) = browser.js(between, radiokom, evil)
    browser.driver.execute_async_script(
        "var done = arguments[1]; window.__workbench.showEdge(arguments[0]).then(done);", edge)
    panel = browser.js("return window.__workbench.panelText();")
    assert "WB-1" in panel and "WB-2" not in panel


def test_export_this_view_writes_a_map_and_gexf(served, browser):
    _open(browser, served, f"/graph/{served.ids['ООО «Радиоком»']}")
    _graph_ready(browser)
    data = browser.driver.execute_async_script(
        "var done = arguments[0]; window.__workbench.exportView().then(done);")
    paths = [Path(f["path"]) for f in data["files"]]
    assert [p.suffix for p in paths] == [".html", ".gexf"]
    html = paths[0].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html
    assert "Late Partner GmbH" in html
    gexf = paths[1].read_text(encoding="utf-8")
    assert "Late Partner GmbH" in gexf and "WB-3" in gexf and "WB-1" in gexf
    # what the date filter hides stays out of the export
    browser.js("window.__workbench.setRange(null, '2023-12-31');")
    _graph_ready(browser)
    data = browser.driver.execute_async_script(
        "var done = arguments[0]; window.__workbench.exportView().then(done);")
    gexf = Path(data["files"][1]["path"]).read_text(encoding="utf-8")
    assert "WB-1" in gexf and "WB-3" not in gexf


# -- lists, questions, triage -------------------------------------------------------------------

def _top_chain(browser) -> str:
    return browser.js("return document.querySelector('#chains tbody tr').dataset.chain;")


def _decide(browser, row_selector: str, decision: str, note: str) -> None:
    """Fill in the note of a row's triage form and press a decision; back when the page the
    form returns to has loaded."""
    browser.js("window.__before = true;"
               "var f = document.querySelector(arguments[0] + ' form.triage');"
               "f.querySelector('input[name=note]').value = arguments[2];"
               "f.querySelector('button[value=' + arguments[1] + ']').click();",
               row_selector, decision, note)
    _wait(browser, "return !window.__before && document.readyState === 'complete';")


def test_chain_list_sorts_and_its_rows_open_the_chain_map(served, browser):
    _open(browser, served, "/chains?sort=score&order=asc")
    scores = browser.js("return Array.from(document.querySelectorAll('#chains tbody tr'))"
                        ".map(function (r) { return Number(r.children[1].textContent); });")
    assert len(scores) >= 2 and scores == sorted(scores)
    assert "window_days=60" in browser.js("return document.querySelector('main p').textContent;")
    row = "#chains tbody tr:last-child"
    path = browser.js(f"return Array.from(document.querySelectorAll('{row} td:nth-child(5) "
                      "a.entity')).map(function (a) { return a.getAttribute('href'); });")
    assert len(path) == 3  # supplier > intermediary > buyer, each a link to its page
    browser.js(f"document.querySelector('{row} td:first-child a').click();")
    _wait(browser, "return location.pathname.indexOf('/graph/') === 0;")
    _graph_ready(browser)
    drawn = browser.js("return window.__workbench.nodeIds();")
    assert sorted("/entity/" + n for n in drawn) == sorted(path)


def test_triage_in_the_page_survives_a_reload_and_a_rerun_of_chains(served, browser):
    _open(browser, served, "/chains")
    chain = _top_chain(browser)
    _decide(browser, f"tr[data-chain='{chain}']", "confirm", "checked the invoices")
    assert browser.js("return location.pathname;") == "/chains", browser.js(
        "return document.body.textContent;")
    assert browser.js("return document.querySelector(\"tr[data-chain='" + chain + "']\")"
                      ".querySelector('.decision-confirm') !== null;")
    _open(browser, served, "/fronts")
    front = browser.js("return document.querySelector('#fronts tbody tr').dataset.id;")
    _decide(browser, f"tr[data-id='{front}']", "dismiss", XSS)
    assert browser.js("return document.querySelector(\"tr[data-id='" + front + "']\")"
                      ".querySelector('.decision-dismiss') !== null;")
    _open(browser, served, "/candidates")
    pair = browser.js("return Array.from(document.querySelectorAll('#candidates tbody tr'))"
                      ".map(function (r) { return r.dataset.pair; });")
    alfa = next(p for p in pair if browser.js(
        "return document.querySelector(\"tr[data-pair='\" + arguments[0] + \"']\")"
        ".textContent.indexOf('Alfa Trade LLC') >= 0;", p))
    _decide(browser, f"tr[data-pair='{alfa}']", "split", "different numbers")
    assert alfa not in browser.js("return Array.from(document.querySelectorAll("
                                  "'#candidates tbody tr')).map(function (r) { return r.dataset.pair; });")

    for args in (["load", *map(str, served.files)], ["chains", "--format", "csv", "--out",
                                                     os.devnull]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    _open(browser, served, "/chains")
    browser.js("window.__before = true;"
               "document.querySelector('form[action=\"/chains/refresh\"] button').click();")
    _wait(browser, "return !window.__before && document.readyState === 'complete';")
    row = browser.js("return document.querySelector(\"tr[data-chain='" + chain + "']\").textContent;")
    assert "confirm" in row and "checked the invoices" in row
    _open(browser, served, "/chains?status=unreviewed")
    unreviewed = browser.js("return Array.from(document.querySelectorAll('#chains tbody tr'))"
                            ".map(function (r) { return r.dataset.chain; });")
    assert chain not in unreviewed and unreviewed
    _open(browser, served, "/fronts?status=dismiss")
    assert browser.js("return Array.from(document.querySelectorAll('#fronts tbody tr'))"
                      ".map(function (r) { return r.dataset.id; });") == [front]

    cookie, _ = _session(served)
    status, headers, body = _request(served.base + "/judgements.jsonl", headers={"Cookie": cookie})
    assert status == 200 and "attachment" in headers["content-disposition"]
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [(j["kind"], j["subject"], j["decision"], j["author"]) for j in lines] == [
        ("chain", [chain], "confirm", "tester"), ("front", [front], "dismiss", "tester"),
        ("same_as", alfa.split(" "), "split", "tester")]
    assert lines[1]["note"] == XSS and all(j["at"] for j in lines)


def test_query_catalogue_runs_from_its_form(served, browser):
    _open(browser, served, "/queries")
    links = browser.js("return Array.from(document.querySelectorAll('.catalogue a'))"
                       ".map(function (a) { return a.getAttribute('href'); });")
    assert "/queries/company-profile" in links
    _open(browser, served, "/queries/trade-between")
    inputs = browser.js("return Array.from(document.querySelectorAll('form.question [name]'))"
                        ".map(function (i) { return [i.name, i.type, i.value]; });")
    assert ["run", "hidden", "1"] in inputs and len(inputs) > 1
    browser.js("window.__before = true; document.querySelector('form.question button').click();")
    _wait(browser, "return !window.__before && document.readyState === 'complete';")
    assert browser.js("return document.querySelector('#results') !== null;")
    assert browser.js("return document.querySelector('.error');") is None


# -- escaping and the network, on every page ----------------------------------------------------

def test_hostile_names_are_inert_and_no_request_leaves_on_every_page(served, browser):
    evil = served.ids[XSS]
    before = len(browser.requests())  # the browser's own start page came before
    pages = ["/", "/search?q=" + urllib.request.quote(XSS), "/search?q=onerror",
             f"/entity/{evil}", "/chains", "/fronts", "/candidates", "/judgements", "/queries",
             "/queries/company-profile?run=1&entity_id=" + urllib.request.quote(evil),
             f"/graph/{evil}"]
    for path in pages:
        seen = len(browser.console_errors())  # what earlier tests left (a refused POST)
        _open(browser, served, path)
        if path.startswith("/graph/"):
            _graph_ready(browser)
            browser.js("window.__workbench.click(arguments[0]);", evil)
            _graph_ready(browser)
        assert browser.dialog_open() is None, path
        assert browser.dialogs_trapped() == [], path
        assert browser.js("return document.querySelectorAll('img, script:not([src]):not("
                          "[type=\"application/json\"])').length;") == 0, path
        assert browser.console_errors()[seen:] == [], path
    _open(browser, served, "/entity/" + urllib.request.quote(XSS, safe=""))  # not found
    assert XSS in browser.js("return document.querySelector('p.error').textContent;")
    assert browser.dialogs_trapped() == [] and browser.dialog_open() is None
    _open(browser, served, "/search?q=onerror")
    assert XSS in browser.js("return document.getElementById('results-companies').textContent;")
    _open(browser, served, f"/entity/{evil}")
    text = browser.js("return document.body.textContent;")
    assert XSS in text and SCRIPT in text
    requests = browser.requests()[before:]
    assert requests and all(r.startswith(served.base + "/") or r.startswith("data:")
                            for r in requests), [r for r in requests if not r.startswith(served.base)]


def test_serve_warns_off_loopback_and_fails_in_one_line(served):
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails, nothing is sent
    result = CliRunner().invoke(cli, ["serve", "--host", "192.0.2.1", "--no-open"])
    assert result.exit_code == 1
    assert "warning: listening on 192.0.2.1, not loopback" in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: cannot listen on 192.0.2.1")
    assert "Traceback" not in result.output
