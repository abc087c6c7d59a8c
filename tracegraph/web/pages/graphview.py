"""The graph view: an entity's neighbourhood drawn as the maps draw it, expanded a step (and a
page of neighbours) at a time, filtered by date range and HS prefix; a link's evidence; the
view exported as a self-contained map and GEXF."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from graph import workbench as reads
from graph.dossier import shipment_records
from tracegraph.web.graphdata import (PAGE, FilterError, shipment_filter, view_graph,
                                      view_payload)

__all__ = ["routes", "exports_dir"]

_MAX_IDS = 1500
_EXPORT_NAME = re.compile(r"view-[0-9]{8}T[0-9]{6}-[0-9a-f]{8}\.(html|gexf)")


def exports_dir():
    from tracegraph.settings import home_dir

    return home_dir() / "exports"


def _json(value, status: int = 200) -> JSONResponse:
    return JSONResponse(value, status_code=status)


def _ids(value) -> list[str]:
    if not isinstance(value, list) or len(value) > _MAX_IDS:
        raise FilterError(f"ids must be a list of at most {_MAX_IDS} entity ids")
    return [v for v in value if isinstance(v, str) and v]


def _text(value, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _view(workbench, body: dict) -> dict:
    where = shipment_filter(body.get("from"), body.get("to"), body.get("hs"))
    ids = _ids(body.get("ids", []))
    focus = _text(body.get("focus"))
    expand = _text(body.get("expand"))
    paging = None
    if expand:
        offset = body.get("offset", 0)
        offset = offset if isinstance(offset, int) and offset >= 0 else 0
        total, page = reads.neighbour_page(workbench.graph, expand, where, offset, PAGE)
        ids = ids + [expand] + page
        paging = {"id": expand, "total": total, "next": offset + len(page)}
    g = view_graph(workbench.graph, ids + ([focus] if focus else []), where)
    return {"payload": view_payload(g, [focus]), "ids": sorted(g.nodes), "paging": paging}


def _evidence(workbench, params) -> dict:
    where = shipment_filter(params.get("from"), params.get("to"), params.get("hs"))
    a, b = params.get("a", ""), params.get("b", "")
    total, record_ids = reads.link_record_ids(workbench.graph, a, b, where)
    rows = shipment_records(workbench.graph, record_ids=record_ids) if record_ids else []
    shipments = [{
        "record_id": r["record_id"], "date": r["date"].isoformat() if r["date"] else None,
        "hs_code": r["hs_code"], "quantity": r["quantity"], "unit": r["unit"],
        "value_usd": r["value_usd"], "exporter": r["exporter"], "importer": r["importer"],
        "mirrors": r["mirrors"],
        "sources": [{"file": s.get("name"), "path": s.get("path"), "row": s.get("row"),
                     "sha256": s.get("sha256")} for s in r["sources"]],
    } for r in rows]
    return {"total": total, "shown": len(shipments), "shipments": shipments}


def _with_shipments(graph, g, where):
    """A copy of the view with each shipment under its filter as a SHIPMENT edge, so the
    export carries the records the view stands on (and no shipment the filter hid)."""
    from tracegraph.jobs.export import shipment_edge

    out = g.copy()
    record_ids = reads.view_record_ids(graph, list(g.nodes), where)
    for row in shipment_records(graph, record_ids=record_ids) if record_ids else []:
        if row["exporter"] in out and row["importer"] in out:
            out.add_edge(row["exporter"], row["importer"], **shipment_edge(row))
    return out


def _export(workbench, body: dict) -> dict:
    from tracegraph.jobs.export import enrich, write_export
    from viz import write_map

    where = shipment_filter(body.get("from"), body.get("to"), body.get("hs"))
    focus = _text(body.get("focus"))
    g = view_graph(workbench.graph, _ids(body.get("ids", [])) + [focus], where)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    stem = f"view-{stamp}-{secrets.token_hex(4)}"
    folder = exports_dir()
    shown = {k: str(v) for k, v in {"entity": focus, **where}.items() if v}
    html = write_map(folder / f"{stem}.html", g, title=f"Workbench view of {focus}",
                     parameters=shown, focus=[focus])
    gexf = write_export(enrich(workbench.graph, _with_shipments(workbench.graph, g, where)),
                        "gexf", folder / f"{stem}.gexf")
    return {"files": [{"name": p.name, "path": str(p), "url": f"/exports/{p.name}"}
                      for p in [html, *gexf]]}


async def _body(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError as error:
        raise FilterError("the request body is not JSON") from error
    if not isinstance(body, dict):
        raise FilterError("the request body is not a JSON object")
    return body


def routes(workbench) -> list:
    def page(request: Request) -> Response:
        entity_id = request.path_params["entity_id"]
        summary = reads.entity_kind(workbench.graph, entity_id)
        if summary is None:
            return workbench.page(request, "error.html.j2", status=404, heading="Not found",
                                  message=f"No company, person or address with id {entity_id}")
        ids: list[str] = []
        chain_id = request.query_params.get("chain")
        if chain_id:
            from tracegraph.web.pages.lists import chain_rows

            ids = next((r["ids"] for r in chain_rows(workbench) if r["chain_id"] == chain_id), [])
        first, last = reads.shipment_span(workbench.graph)
        config = {"focus": entity_id, "ids": ids, "expand": not ids, "page": PAGE,
                  "first": first.isoformat() if first else None,
                  "last": last.isoformat() if last else None}
        return workbench.page(request, "graph.html.j2", n=summary, config=config,
                              chain=chain_id)

    async def view(request: Request) -> Response:
        try:
            return _json(await run_in_threadpool(_view, workbench, await _body(request)))
        except FilterError as error:
            return _json({"error": str(error)}, 400)

    def evidence(request: Request) -> Response:
        try:
            return _json(_evidence(workbench, request.query_params))
        except FilterError as error:
            return _json({"error": str(error)}, 400)

    async def export(request: Request) -> Response:
        try:
            return _json(await run_in_threadpool(_export, workbench, await _body(request)))
        except FilterError as error:
            return _json({"error": str(error)}, 400)

    def download(request: Request) -> Response:
        name = request.path_params["name"]
        path = exports_dir() / name
        if not _EXPORT_NAME.fullmatch(name) or not path.is_file():
            return _json({"error": "no such export"}, 404)
        return FileResponse(path, filename=name,
                            content_disposition_type="attachment")

    return [Route("/graph/{entity_id:path}", page),
            Route("/api/view", view, methods=["POST"]),
            Route("/api/evidence", evidence),
            Route("/api/export", export, methods=["POST"]),
            Route("/exports/{name}", download)]
