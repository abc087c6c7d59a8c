"""The front page and search: any spelling in any script, identifiers, record ids."""

from __future__ import annotations

from starlette.routing import Route

from graph import workbench as reads
from loaders.normalize import name_key, normalize_identifier, person_key

__all__ = ["routes", "search"]

MAX_QUERY = 200


def search(graph, q: str) -> dict:
    """What the search page lists for ``q``, by kind: companies, people, addresses and
    shipments. Names match on the one name key of the loaders (the same company written
    in Cyrillic or Latin, with or without its legal form, has the same key), identifiers
    as written and as the loaders normalise them."""
    q = q.strip()[:MAX_QUERY]
    if not q:
        return {"companies": [], "persons": [], "addresses": [], "shipments": []}
    identifiers = sorted({q, *(i for i in [normalize_identifier(q)] if i)})
    text = q.lower() if len(q) >= 3 else ""
    return {
        "companies": reads.search_companies(graph, name_key(q), text, identifiers),
        "persons": reads.search_persons(graph, person_key(q), text, identifiers),
        "addresses": reads.search_addresses(graph, text, identifiers),
        "shipments": reads.search_shipments(graph, identifiers),
    }


def routes(workbench) -> list:
    def home(request):
        from tracegraph.jobs.review import read_judgements

        counts = [("companies with a front score", len(reads.scored_fronts(workbench.graph))),
                  ("decisions recorded", len(read_judgements()))]
        return workbench.page(request, "home.html.j2", counts=counts)

    def search_page(request):
        q = request.query_params.get("q", "")
        found = search(workbench.graph, q)
        return workbench.page(request, "search.html.j2", q=q, found=found,
                              total=sum(len(v) for v in found.values()))

    return [Route("/", home), Route("/search", search_page)]
