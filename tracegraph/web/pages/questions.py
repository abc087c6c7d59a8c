"""The canned questions: a form per catalogued query made from its header (typed inputs,
defaults), run through the same job as `tracegraph query run`, results as tables that link
entities."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.routing import Route

from queries import QueryError
from queries.catalog import load_catalog
from tracegraph.jobs.query import run_query

__all__ = ["routes", "form_fields", "cell_parts"]

_INPUT = {"int": ("number", "1"), "float": ("number", "any"), "str": ("text", None),
          "date": ("date", None), "list[str]": ("text", None), "bool": ("select", None)}
_ENTITY_PREFIXES = ("co-", "pe-", "ad-")


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def form_fields(query, given) -> list[dict]:
    """One input per declared parameter: name, input type, step, value (given, else the
    default as a user writes it), default and description."""
    fields = []
    for param in query.params:
        kind, step = _INPUT[param.type]
        fields.append({"name": param.name, "input": kind, "step": step, "type": param.type,
                       "value": given.get(param.name, _shown(param.default)),
                       "default": _shown(param.default), "description": param.description})
    return fields


def cell_parts(column: str, value) -> list[tuple[str, bool]]:
    """A result cell as (text, is an entity id) parts: id columns (``…_id``, ``…_ids``) link
    each entity id they hold.

    Examples
    --------
    >>> cell_parts("company_ids", ["co-1", "sh-2"])
    [('co-1', True), ('sh-2', False)]
    >>> cell_parts("name", "ООО «Радиоком»")
    [('ООО «Радиоком»', False)]
    """
    if not (column.endswith("_id") or column.endswith("_ids")):
        return [(_shown(value) if not isinstance(value, float) or value == value else "", False)]
    values = value if isinstance(value, (list, tuple)) else str(value or "").split(";")
    return [(str(v), str(v).startswith(_ENTITY_PREFIXES)) for v in values if v not in (None, "")]


def routes(workbench) -> list:
    def catalogue(request: Request):
        return workbench.page(request, "queries.html.j2",
                              queries=sorted(load_catalog().values(), key=lambda q: q.name))

    def question(request: Request):
        catalog = load_catalog()
        query = catalog.get(request.path_params["name"])
        if query is None:
            return workbench.page(request, "error.html.j2", status=404, heading="Not found",
                                  message=f"No canned query {request.path_params['name']}")
        declared = {p.name for p in query.params}
        given = {k: v for k, v in request.query_params.items() if k in declared}
        run = request.query_params.get("run") == "1"
        rows, error = None, None
        if run:
            try:
                frame = run_query(workbench.graph, query.name, given, catalog)
                rows = frame.to_dict("records")
            except QueryError as failure:
                error = str(failure)
        return workbench.page(request, "question.html.j2", query=query,
                              fields=form_fields(query, given), rows=rows, error=error,
                              columns=list(query.column_names), cell_parts=cell_parts)

    return [Route("/queries", catalogue), Route("/queries/{name}", question)]
