"""Run the workbench: bind the address, make the start token, print the address with it,
serve until interrupted."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
import webbrowser
from collections.abc import Callable

import uvicorn

from graph.connection import Graph
from tracegraph.web.app import Workbench, create_app

__all__ = ["serve", "prepare", "is_loopback", "ServeError"]

LOOPBACK = "127.0.0.1"


class ServeError(Exception):
    """The address cannot be bound; the message is one line."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _hosts(host: str, port: int) -> list[str]:
    """The Host headers this server answers to (DNS rebinding stops at any other)."""
    names = {host, LOOPBACK, "localhost"} if is_loopback(host) else {host}
    return [f"{'[' + n + ']' if ':' in n else n}:{port}" for n in sorted(names)]


def prepare(graph: Graph | None, host: str = LOOPBACK, port: int = 0,
            chain_params: dict | None = None) -> tuple[uvicorn.Server, socket.socket, str]:
    """The server, its bound socket and the address to open (with the start token);
    ``server.run(sockets=[sock])`` serves until ``server.should_exit``."""
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    shown = f"[{host}]" if ":" in host else host
    app = create_app(Workbench(graph, chain_params), token=token,
                     cookie=f"tracegraph_{port}", hosts=_hosts(host, port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           server_header=False, date_header=False))
    return server, sock, f"http://{shown}:{port}/?token={token}"


def serve(graph: Graph, host: str = LOOPBACK, port: int = 0, open_browser: bool = True,
          echo: Callable[[str], None] = print, chain_params: dict | None = None) -> None:
    """Serve the workbench on ``host:port`` (0: a free port) until interrupted; ``echo``
    hears the address to open, with its token."""
    server, sock, url = prepare(graph, host, port, chain_params)
    echo(url)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    server.run(sockets=[sock])
