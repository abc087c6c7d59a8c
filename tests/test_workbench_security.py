"""The workbench's guard without a database: the start token, the session cookie, the Host
and Origin checks, the CSRF token and the one Content-Security-Policy, on a real server in a
thread, with pages that need no graph (the question catalogue, the decisions, files)."""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.request

import pytest

from tracegraph.web.security import CSP
from tracegraph.web.server import prepare


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _request(url: str, method: str = "GET", headers: dict | None = None,
             data: bytes | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    patch = pytest.MonkeyPatch()
    patch.setenv("TRACEGRAPH_HOME", str(home))  # the judgements file read by /judgements
    server, sock, url = prepare(None)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    patch.undo()


def _base(url: str) -> str:
    return url.split("/?token=")[0]


def _session(url: str) -> tuple[str, str]:
    status, headers, _ = _request(url)
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    value = cookie.split(";")[0]
    status, _, body = _request(_base(url) + "/queries", headers={"Cookie": value})
    assert status == 200
    return value, re.search(rb'name="csrf-token" content="([^"]+)"', body).group(1).decode()


def test_the_address_is_loopback_with_a_long_random_token(server):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{43}", server)
    _, sock, other = prepare(None)
    sock.close()
    assert other.split("token=")[1] != server.split("token=")[1]  # a token per start


@pytest.mark.parametrize("path", ["/", "/queries", "/judgements", "/judgements.jsonl",
                                  "/static/workbench.css", "/static/graph.js",
                                  "/assets/vis-network.min.js", "/entity/co-1"])
def test_without_the_token_every_request_is_refused(server, path):
    status, headers, _ = _request(_base(server) + path)
    assert status == 401
    assert headers["Content-Security-Policy"] == CSP
    assert _request(_base(server) + path + "?token=not-the-token")[0] == 403
    assert _request(_base(server) + path, headers={"Cookie": "tracegraph_1=forged"})[0] == 401


def test_with_the_session_pages_files_and_one_policy(server):
    cookie, _ = _session(server)
    for path, kind in (("/queries", "text/html"), ("/static/graph.js", "javascript"),
                       ("/assets/vis-network.min.js", "javascript"),
                       ("/judgements.jsonl", "application/x-ndjson")):
        status, headers, body = _request(_base(server) + path, headers={"Cookie": cookie})
        assert status == 200 and kind in headers["Content-Type"], path
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert "'unsafe-inline'" not in CSP and "http" not in CSP
    status, _, body = _request(_base(server) + "/queries", headers={"Cookie": cookie})
    assert b"<script>" not in body and b" style=" not in body
    # a page of another site that took this server's address by DNS is refused
    status, _, _ = _request(_base(server) + "/queries",
                            headers={"Cookie": cookie, "Host": "evil.example"})
    assert status == 400


def test_state_changing_requests_need_origin_and_csrf_token(server):
    cookie, csrf = _session(server)
    base = _base(server)
    form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
            "Origin": base}
    body = b"kind=chain&subject=c1&decision=maybe"
    assert _request(base + "/triage", "POST", form, body)[0] == 403
    assert _request(base + "/triage", "POST", form, body + b"&csrf_token=wrong")[0] == 403
    assert _request(base + "/triage", "POST", {**form, "Origin": "http://evil.example"},
                    body + f"&csrf_token={csrf}".encode())[0] == 403
    no_origin = {k: v for k, v in form.items() if k != "Origin"}
    assert _request(base + "/triage", "POST", no_origin,
                    body + f"&csrf_token={csrf}".encode())[0] == 403
    # with both, the request reaches the page, which refuses the decision itself (400)
    status, _, page = _request(base + "/triage", "POST", form, body + f"&csrf_token={csrf}".encode())
    assert status == 400 and b"Decision refused" in page
    assert b"a chain judgement is confirm, dismiss, note of one chain id" in page  # body intact
    status, _, _ = _request(base + "/api/view", "POST",
                            {"Cookie": cookie, "Origin": base, "X-CSRF-Token": "wrong",
                             "Content-Type": "application/json"}, b"{}")
    assert status == 403
    # another session's token does not do
    _, other_csrf = _session(server)
    assert _request(base + "/triage", "POST", form,
                    body + f"&csrf_token={other_csrf}".encode())[0] == 403
