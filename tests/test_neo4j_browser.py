"""tracegraph neo4j start --browser: the real Neo4j Browser served by the managed server on
127.0.0.1 only, rendered in headless Chromium, with the canned queries as its favourites."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import socket
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import server
from queries.catalog import load_catalog
from tracegraph.cli import cli
from tracegraph.commands.neo4j import favorite_text, favorites_zip
from tracegraph.settings import server_config

from browser import Browser, unavailable_reason
from conftest import _CONNECTION_VARS


def _invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- the favourites file (no server) ----------------------------------------------------------


def test_favorites_zip_holds_every_canned_query_as_a_browser_script():
    catalog = load_catalog()
    with zipfile.ZipFile(io.BytesIO(favorites_zip(catalog.values()))) as archive:
        names = sorted(archive.namelist())
        texts = {name: archive.read(name).decode() for name in names}
    assert names == sorted(f"tracegraph/{name}.cypher" for name in catalog)
    for name, query in catalog.items():
        text = texts[f"tracegraph/{name}.cypher"]
        assert text.splitlines()[0] == f"// {query.title}"  # the Browser's name for it
        assert query.text in text  # the query as written: values stay parameters
        for param in query.params:
            assert f":param {param.name} => " in text


def test_browser_favorites_command_writes_the_zip(tmp_path):
    target = tmp_path / "out" / "queries.zip"
    result = _invoke("neo4j", "browser-favorites", "-o", str(target))
    assert result.exit_code == 0 and result.output.strip() == f"wrote {target}"
    assert zipfile.ZipFile(target).namelist()  # a zip the Browser's file drop reads
    blocked = tmp_path / "file"
    blocked.write_text("")
    refused = _invoke("neo4j", "browser-favorites", "-o", str(blocked / "queries.zip"))
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1


def test_param_lines_are_cypher_literals_of_the_defaults():
    text = favorite_text(load_catalog()["dormant-then-active"])
    assert ':param since => date("2022-02-24");' in text
    assert ':param destinations => ["RU", "BY"];' in text
    assert ":param from_incorporation => true;" in text
    assert ":param min_gap_days => 1095;" in text


# -- a server of the test's own, with the Browser ---------------------------------------------


@contextlib.contextmanager
def _home(path: Path):
    patch = pytest.MonkeyPatch()
    patch.setenv("TRACEGRAPH_HOME", str(path))
    for name in _CONNECTION_VARS:
        patch.delenv(name, raising=False)
    try:
        yield server_config()
    finally:
        patch.undo()


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory):
    """``tracegraph neo4j start --browser`` in a temporary home: (config, start output).

    The environment is patched only around the command: a patch held for the module would
    be undone out of order with the session server's own, losing its TRACEGRAPH_HOME."""
    with _home(tmp_path_factory.mktemp("browser-home")) as config:
        result = _invoke("neo4j", "start", "--browser")
    try:
        assert result.exit_code == 0, result.output
        yield config, result.output
    finally:
        server.stop(config)


def _listening(pid: int) -> set[tuple[str, int]]:
    """(hex address, port) of every socket process ``pid`` listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = fd.readlink().name
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and fields[9] in inodes:
                found.add((address, int(port, 16)))
    return found


_LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}


@pytest.mark.neo4j
def test_browser_is_served_on_loopback_only(browser_server):
    config, output = browser_server
    st = server.status(config)
    assert st.running and st.browser_url, st
    assert f"Neo4j Browser: {st.browser_url}" in output
    http_port = int(st.browser_url.split(":")[2].split("/")[0])
    bolt_port = int(st.uri.rsplit(":", 1)[1])
    with urllib.request.urlopen(st.browser_url, timeout=10) as page:
        assert page.status == 200 and b"<title>Neo4j Browser</title>" in page.read()
    # what the page is told to connect to: the real Bolt port, not Neo4j's 7687
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/", timeout=10) as found:
        assert json.load(found)["bolt_direct"] == st.uri
    # the server listens on these two ports, bound to 127.0.0.1: no other interface of the
    # machine reaches it (read from the kernel's socket table rather than by sending
    # traffic to a non-loopback address)
    listening = _listening(st.pid)
    assert {port for _address, port in listening} == {bolt_port, http_port}
    assert {address for address, _port in listening} <= _LOOPBACK, listening
    # another loopback address is another interface address: refused
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", http_port), timeout=3).close()


@pytest.mark.neo4j
def test_status_prints_the_browser_url(browser_server):
    config, _output = browser_server
    url = server.status(config).browser_url
    with _home(config.home):
        text = _invoke("neo4j", "status").output
        as_json = json.loads(_invoke("neo4j", "status", "--json").output)
    assert f"browser:   {url}" in text.splitlines()
    assert as_json["browser_url"] == url


@pytest.mark.neo4j
def test_browser_asked_of_a_server_running_without_it_says_restart(neo4j_server):
    with _home(neo4j_server.home):
        result = _invoke("neo4j", "start", "--browser")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "without Neo4j Browser" in lines[0] and "restart" in lines[0]
    # started without --browser: HTTP stays off, Bolt is all it listens on
    st = server.status(neo4j_server)
    assert st.browser_url is None
    assert {port for _a, port in _listening(st.pid)} == {int(st.uri.rsplit(":", 1)[1])}


# -- the page in headless Chromium ------------------------------------------------------------

_DROP_FILE = """
var bytes = Uint8Array.from(atob(arguments[0]), function (c) { return c.charCodeAt(0); });
var data = new DataTransfer();
data.items.add(new File([bytes], arguments[1], {type: 'application/zip'}));
var target = document.querySelector('.filedrop');
target.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
"""

_RUN_FAVORITE = """
for (var item of document.querySelectorAll('[data-testid=savedScriptListItem]')) {
  if (item.querySelector('[data-testid="scriptTitle-' + arguments[0] + '"]')) {
    item.querySelector('[data-testid=savedScriptsButton-Run]').click();
    return true;
  }
}
return false;
"""


def _wait_for(browser: Browser, script: str, what: str, timeout: float = 30.0, *args):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.js(script, *args)
        if value:
            return value
        time.sleep(0.25)
    browser.driver.save_screenshot(str(Path("/tmp") / "tracegraph-neo4j-browser-failed.png"))
    raise AssertionError(f"{what}: not seen within {timeout:.0f} s")


def _requests_that_left(performance_log: list[dict]) -> list[str]:
    """http(s) requests of the page to anywhere but 127.0.0.1 that were not blocked by the
    page's Content-Security-Policy before leaving."""
    sent, blocked = {}, set()
    for entry in performance_log:
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent":
            sent[params["requestId"]] = params["request"]["url"]
        elif message.get("method") == "Network.loadingFailed" \
                and params.get("blockedReason") == "csp":
            blocked.add(params["requestId"])
    return [url for rid, url in sent.items()
            if url.startswith(("http:", "https:"))
            and not url.split("/")[2].startswith("127.0.0.1:") and rid not in blocked]


@pytest.mark.neo4j
def test_browser_renders_connects_and_runs_a_canned_query(browser_server):
    if unavailable_reason():
        pytest.skip(unavailable_reason())
    config, _output = browser_server
    url = server.status(config).browser_url
    catalog = load_catalog()
    query = catalog["pass-through-pairs"]
    favorites = config.neo4j_home / "browser-favorites.zip"
    with Browser(offline=False) as browser:
        browser.driver.get_log("performance")  # the start page's requests: not ours
        browser.driver.get(url)
        _wait_for(browser, "return document.title === 'Neo4j Browser' && "
                  "document.querySelector('[data-testid=connect]')", "the connect form")
        browser.driver.find_element("css selector", "[data-testid=username]").send_keys(
            server.USER)
        browser.driver.find_element("css selector", "[data-testid=password]").send_keys(
            server.read_password(config))
        browser.driver.find_element("css selector", "[data-testid=connect]").click()
        _wait_for(browser, "return document.body.innerText.includes("
                  "'You are connected as user')", "the connection")

        browser.js(_DROP_FILE, base64.b64encode(favorites.read_bytes()).decode(),
                   favorites.name)
        browser.driver.find_element("css selector",
                                    "[data-testid=navigationFavorites]").click()
        _wait_for(browser, "return document.querySelector("
                  "'[data-testid=\"savedScriptsFolder-tracegraph\"]')", "the favourites folder")
        browser.driver.find_element("css selector",
                                    "[data-testid='expandFolder-tracegraph']").click()
        titles = _wait_for(browser, "return Array.from(document.querySelectorAll("
                           "'[data-testid^=\"scriptTitle-\"]')).map(e => e.textContent)",
                           "the favourites")
        assert {q.title for q in catalog.values()} <= set(titles)

        frames = browser.js("return document.querySelectorAll('[data-testid=frame]').length")
        assert browser.js(_RUN_FAVORITE, query.title)
        statements = len(query.params) + 1
        # one status per statement (the :param lines, then the query), newest frame first
        icons = "[data-testid=multi-statement-list-icon]"
        _wait_for(browser, "var f = document.querySelectorAll('[data-testid=frame]');"
                  "return f.length > arguments[0] && f[0].querySelectorAll(arguments[2]).length"
                  " === arguments[1] && !f[0].querySelector('[title=\"Status: pending\"],"
                  " [title=\"Status: waiting\"]')",
                  "the favourite's statements finished", 60, frames, statements, icons)
        outcomes = browser.js("return Array.from(document.querySelector('[data-testid=frame]')"
                              ".querySelectorAll(arguments[0])).map(e => e.title)", icons)
        assert outcomes == ["Status: success"] * statements, outcomes

        log = browser.driver.get_log("performance")
        assert _requests_that_left(log) == []
