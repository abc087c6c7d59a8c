"""Lists to work through: transshipment chains, front suspects and candidate duplicates,
sortable and filterable, each row with its decision and the buttons to make one."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from graph import workbench as reads
from tracegraph.jobs.review import candidates, decision_states, read_judgements

__all__ = ["routes", "sorted_rows", "by_status"]

STATUSES = ("all", "unreviewed", "confirm", "dismiss", "merge", "split")


def _key(value):
    # missing values last whichever way the column sorts; numbers before text
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (2, 0)
    return (0, value) if isinstance(value, (int, float)) else (1, str(value).lower())


def sorted_rows(rows: list[dict], column: str, descending: bool, allowed) -> list[dict]:
    """``rows`` by ``column`` (one of ``allowed``, else the first of them).

    Examples
    --------
    >>> [r["a"] for r in sorted_rows([{"a": 1}, {"a": None}, {"a": 3}], "a", True, ["a"])]
    [3, 1, None]
    """
    column = column if column in allowed else allowed[0]
    present = [r for r in rows if _key(r.get(column))[0] < 2]
    missing = [r for r in rows if _key(r.get(column))[0] == 2]
    return sorted(present, key=lambda r: _key(r.get(column)), reverse=descending) + missing


def by_status(rows: list[dict], status: str) -> list[dict]:
    """Rows whose ``state`` matches ``status`` (``unreviewed``: no decision yet)."""
    if status == "unreviewed":
        return [r for r in rows if not (r["state"] and r["state"]["decision"])]
    if status in STATUSES[2:]:
        return [r for r in rows if r["state"] and r["state"]["decision"] == status]
    return rows


def _matches(row: dict, q: str, fields) -> bool:
    return not q or any(q in str(row.get(f) or "").lower() for f in fields)


def _shown(params: dict) -> str:
    """Chain parameters as the page states them.

    Examples
    --------
    >>> _shown({"hs_prefix": None, "window_days": 60, "destinations": ("BY", "RU")})
    'window_days=60, destinations=BY,RU'
    """
    return ", ".join(f"{k}={','.join(map(str, v)) if isinstance(v, (list, tuple)) else v}"
                     for k, v in params.items() if v not in (None, False, (), []))


def _here(request: Request) -> str:
    """This page's path and query: where a decision made on it returns to."""
    return request.url.path + ("?" + request.url.query if request.url.query else "")


def _options(request: Request, default_sort: str) -> dict:
    p = request.query_params
    status = p.get("status", "all")
    return {"q": p.get("q", "").strip().lower(), "status": status if status in STATUSES else "all",
            "sort": p.get("sort", default_sort), "desc": p.get("order", "desc") != "asc",
            "hs": p.get("hs", "").strip()}


def chain_rows(workbench) -> list[dict]:
    states = decision_states(read_judgements())
    rows = []
    for chain in workbench.chains().to_dict("records"):
        ids = [e for step in str(chain["entity_ids"]).split(">") for e in step.split(";") if e]
        names = str(chain["entity_names"]).split(">")
        steps = [{"id": ids[i] if i < len(ids) else None, "name": name}
                 for i, name in enumerate(names)]
        rows.append({**chain, "steps": steps, "ids": ids,
                     "state": states.get(("chain", (chain["chain_id"],)))})
    return rows


def routes(workbench) -> list:
    def chains(request: Request):
        o = _options(request, "score")
        rows = [r for r in chain_rows(workbench)
                if _matches(r, o["q"], ("chain_id", "entity_names", "countries", "record_ids",
                                         "reasons", "registration_numbers"))
                and str(r["hs_code"]).startswith(o["hs"])]
        rows = sorted_rows(by_status(rows, o["status"]), o["sort"], o["desc"],
                           ["score", "hops", "first_date", "last_date", "value_usd_out",
                            "max_lag_days", "hs_code", "countries"])
        return workbench.page(request, "chains.html.j2", rows=rows, o=o,
                              params=_shown(workbench.chain_params), back=_here(request))

    def fronts(request: Request):
        o = _options(request, "front_score")
        states = decision_states(read_judgements())
        rows = [{**n, "state": states.get(("front", (n["id"],)))}
                for n in reads.scored_fronts(workbench.graph)]
        rows = [r for r in rows if _matches(r, o["q"], ("id", "name", "names", "country",
                                                        "registration_number",
                                                        "front_reasons"))]
        rows = sorted_rows(by_status(rows, o["status"]), o["sort"], o["desc"],
                           ["front_score", "name", "country", "incorporation_date"])
        return workbench.page(request, "fronts.html.j2", rows=rows, o=o,
                              back=_here(request))

    def pairs(request: Request):
        o = _options(request, "score")
        states = decision_states(read_judgements())
        rows = [{**r, "state": states.get(("same_as", tuple(sorted((r["a_id"], r["b_id"])))))}
                for r in candidates(workbench.graph).to_dict("records")]
        rows = [r for r in rows if _matches(r, o["q"], ("a_id", "b_id", "a_names", "b_names",
                                                        "a_identifiers", "b_identifiers"))]
        rows = sorted_rows(by_status(rows, o["status"]), o["sort"], o["desc"],
                           ["score", "a_name", "b_name", "a_country"])
        return workbench.page(request, "candidates.html.j2", rows=rows, o=o,
                              back=_here(request))

    def refresh(request: Request):
        workbench.refresh_chains()
        return RedirectResponse("/chains", status_code=303)

    return [Route("/chains", chains), Route("/fronts", fronts), Route("/candidates", pairs),
            Route("/chains/refresh", refresh, methods=["POST"])]
