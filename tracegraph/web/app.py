"""The workbench's application: its state (the graph, the chains of the session), the
templates, the routes of each page and the guard in front of them."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import jinja2
import pandas as pd
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from graph.connection import Graph
from tracegraph.web.security import CSRF_FIELD, Guard

__all__ = ["Workbench", "create_app"]

HERE = Path(__file__).resolve().parent


class Workbench:
    """What every page reads: the graph and the chains found under the session's chain
    parameters (found once, on first need: chain ids are stable for the same data and
    parameters, so they stay valid until the data changes; ``refresh_chains`` finds them
    again)."""

    def __init__(self, graph: Graph, chain_params: dict | None = None):
        self.graph = graph
        self.chain_params = dict(chain_params or {})
        self._chains: pd.DataFrame | None = None
        self._lock = threading.Lock()
        self.templates = _environment()

    def chains(self) -> pd.DataFrame:
        with self._lock:
            if self._chains is None:
                from tracegraph.jobs.maps import find_chains

                self._chains = find_chains(self.graph, self.chain_params)
            return self._chains

    def refresh_chains(self) -> None:
        with self._lock:
            self._chains = None

    def page(self, request: Request, template: str, status: int = 200, **context) -> Response:
        html = self.templates.get_template(template).render(
            request=request, csrf=getattr(request.state, "csrf", ""), csrf_field=CSRF_FIELD,
            **context)
        return HTMLResponse(html, status_code=status)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True,  # every {{ }} is HTML-escaped
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    from tracegraph.web import render

    env.filters.update(render.FILTERS)
    env.globals.update(render.GLOBALS)
    return env


def _routes(workbench: Workbench) -> list:
    from tracegraph.web.pages import assets, entity, graphview, home, lists, questions, triage

    routes: list = []
    for module in (home, assets, entity, graphview, lists, questions, triage):
        routes.extend(module.routes(workbench))
    routes.append(Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"))
    return routes


def create_app(workbench: Workbench, *, token: str, cookie: str,
               hosts: Iterable[str]) -> Starlette:
    """The ASGI app: every route behind :class:`~tracegraph.web.security.Guard`, which lets
    through the start ``token`` (once, for a session cookie named ``cookie``) and requests
    whose Host is one of ``hosts`` (``host:port`` texts)."""
    guard = Middleware(Guard, token=token, cookie=cookie,
                       hosts=frozenset(h.lower() for h in hosts))
    return Starlette(routes=_routes(workbench), middleware=[guard])


def route(path: str, endpoint, methods: Iterable[str] = ("GET",)) -> Route:
    return Route(path, endpoint, methods=list(methods))
