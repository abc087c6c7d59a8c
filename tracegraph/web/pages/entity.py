"""The entity page: who a company, person or address is, where each fact came from, who
runs and owns it, its lists, red flags, chains, trade by year and heading, and candidates."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from graph import workbench as reads
from graph.dossier import entity_records, listings_of, officers_of
from tracegraph.jobs.review import decision_states, read_judgements
from tracegraph.web.charts import trade_chart
from tracegraph.web.pages.lists import chain_rows

__all__ = ["routes", "entity_facts"]

# properties shown under their own heading, not again among "other properties"
_SHOWN = {"id", "name", "names", "name_key", "country", "registration_number", "tax_id",
          "incorporation_date", "incorporation_date_source", "front_score", "front_reasons",
          "registry_names", "in_registry", "text", "merged_ids"}


def entity_facts(workbench, entity_id: str) -> dict | None:
    """Everything the entity page shows of ``entity_id``; None when there is no such
    company, person or address."""
    graph = workbench.graph
    summary = reads.entity_kind(graph, entity_id)
    if summary is None:
        return None
    record = (entity_records(graph, [entity_id]) or [{"props": {}, "sources": []}])[0]
    props = record["props"]
    states = decision_states(read_judgements())
    chains = [r for r in chain_rows(workbench) if entity_id in r["ids"]]
    return {
        "n": summary, "props": props, "sources": record["sources"],
        "other": sorted((k, v) for k, v in props.items()
                        if k not in _SHOWN and not k.startswith("_")),
        "officers": officers_of(graph, [entity_id]),
        "roles": reads.officer_roles(graph, entity_id),
        "addresses": reads.addresses_of(graph, entity_id),
        "listings": listings_of(graph, [entity_id]),
        "candidates": [{**c, "state": states.get(("same_as", tuple(sorted((entity_id,
                                                                          c["id"])))))}
                       for c in reads.candidates_of(graph, entity_id)],
        "chains": chains,
        "chart": trade_chart(reads.trade_by_year(graph, entity_id)),
        "front_state": states.get(("front", (entity_id,))),
    }


def routes(workbench) -> list:
    def page(request: Request):
        entity_id = request.path_params["entity_id"]
        facts = entity_facts(workbench, entity_id)
        if facts is None:
            return workbench.page(request, "error.html.j2", status=404, heading="Not found",
                                  message=f"No company, person or address with id {entity_id}")
        return workbench.page(request, "entity.html.j2", back=request.url.path, **facts)

    return [Route("/entity/{entity_id:path}", page)]
