"""Triage: confirm, dismiss or note a chain, a front or a candidate pair (the same
judgements file as `tracegraph review`), and the decisions made, listed and exported."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tracegraph.jobs.review import ReviewError, judgement_lines, read_judgements, record

__all__ = ["routes", "safe_back"]


def safe_back(value: object) -> str:
    """Where to go after a decision: a path of this server, never another site.

    Examples
    --------
    >>> safe_back("/chains?status=unreviewed"), safe_back("//evil.example/"), safe_back(None)
    ('/chains?status=unreviewed', '/judgements', '/judgements')
    """
    text = value if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return "/judgements"
    return text


def routes(workbench) -> list:
    async def decide(request: Request) -> Response:
        form = await request.form()
        kind, decision = form.get("kind"), form.get("decision")
        subject = [s for s in form.getlist("subject") if isinstance(s, str)]
        note = form.get("note") if isinstance(form.get("note"), str) else None
        try:
            await run_in_threadpool(record, workbench.graph, str(kind), subject,
                                    str(decision), note)
        except ReviewError as error:
            return workbench.page(request, "error.html.j2", status=400,
                                  heading="Decision refused", message=str(error))
        return RedirectResponse(safe_back(form.get("back")), status_code=303)

    def listed(request: Request) -> Response:
        judgements = list(reversed(read_judgements()))
        return workbench.page(request, "judgements.html.j2", judgements=judgements)

    def exported(request: Request) -> Response:
        text, _ = judgement_lines()
        return Response(text, media_type="application/x-ndjson", headers={
            "Content-Disposition": 'attachment; filename="judgements.jsonl"'})

    return [Route("/triage", decide, methods=["POST"]), Route("/judgements", listed),
            Route("/judgements.jsonl", exported)]
