"""What keeps the workbench to its user: the start token traded for a session cookie, the
Host and Origin checks, a CSRF token on every state-changing request, one
Content-Security-Policy and the other safety headers on every response."""

from __future__ import annotations

import logging
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.datastructures import URL, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

__all__ = ["Guard", "CSP", "CSRF_HEADER", "CSRF_FIELD", "SAFE_METHODS", "MAX_BODY"]

# nothing inline, nothing from elsewhere: scripts and styles are files of this server, data for
# scripts travels in <script type="application/json"> blocks, which are never run
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make a form POST say Origin: null
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_LOG = logging.getLogger("tracegraph.web")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
MAX_BODY = 1 << 20  # no form or view request of the workbench comes near a megabyte


class Guard:
    """ASGI middleware in front of every route: a Host this server answers to; then the
    start token (traded for a session cookie and dropped from the address) or a live
    session; state-changing requests also need an Origin of this server and the session's
    CSRF token (header, or form field). The body is read here once and handed on as read."""

    def __init__(self, app, *, token: str, cookie: str, hosts: frozenset[str]):
        self.app = app
        self.token = token
        self.cookie = cookie
        self.hosts = hosts
        self.sessions: dict[str, str] = {}  # session id -> its CSRF token

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        request = Request(scope)
        refusal, body = await self._checked(request, receive)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self._call(scope, _replay(body) if body is not None else receive,
                         send_with_headers, request)

    async def _call(self, scope, receive, send, request: Request) -> None:
        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:  # one line for the user, the whole story in the log
            _LOG.exception("%s %s failed", request.method, request.url.path)
            if not started:
                first = (str(error).strip().splitlines() or [type(error).__name__])[0]
                await _refusal(500, first[:300])(scope, receive, send)

    async def _checked(self, request: Request, receive) -> tuple[Response | None, bytes | None]:
        host = request.headers.get("host", "")
        if host.lower() not in self.hosts:  # a page of another site that renamed itself here
            return _refusal(400, "unknown Host"), None
        given = request.query_params.get("token")
        if given is not None:
            return self._start_session(request, given), None
        session = request.cookies.get(self.cookie, "")
        csrf = self.sessions.get(session) if session else None
        if csrf is None:
            return _refusal(401, "open the address `tracegraph serve` printed "
                                 "(with its token)"), None
        request.scope.setdefault("state", {})["csrf"] = csrf
        if request.method in SAFE_METHODS:
            return None, None
        body = await _read_body(receive)
        if body is None:
            return _refusal(413, "request too large"), None
        return self._cross_site(request, host, csrf, body), body

    def _start_session(self, request: Request, given: str) -> Response:
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return _refusal(403, "wrong token")
        session = secrets.token_urlsafe(32)
        self.sessions[session] = secrets.token_urlsafe(32)
        # the token leaves the address bar (and the history) at once
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        target = URL(path=request.url.path, query=urlencode(rest))
        response = RedirectResponse(str(target), status_code=303)
        response.set_cookie(self.cookie, session, httponly=True, samesite="strict", path="/")
        return response

    @staticmethod
    def _cross_site(request: Request, host: str, csrf: str, body: bytes) -> Response | None:
        origin = request.headers.get("origin")
        if origin is None or _host_of(origin) != host.lower():
            return _refusal(403, "cross-site request refused (Origin)")
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"):
            given = (parse_qs(body.decode("latin-1")).get(CSRF_FIELD) or [None])[0]
        if not isinstance(given, str) or not secrets.compare_digest(given.encode(),
                                                                     csrf.encode()):
            return _refusal(403, "missing or wrong CSRF token")
        return None


async def _read_body(receive) -> bytes | None:
    """The whole request body, or None past :data:`MAX_BODY`."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _host_of(origin: str) -> str | None:
    parts = urlsplit(origin)
    return parts.netloc.lower() if parts.scheme == "http" else None


def _refusal(status: int, why: str) -> Response:
    return PlainTextResponse(f"{status}: {why}\n", status_code=status)
