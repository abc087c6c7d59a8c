"""Follow the links lists draw between their entries once every list of a load is in the
graph, so the link holds whichever list or load brought its target."""

from __future__ import annotations

from graph.connection import Graph
from graph.links import link_listed, listing_links
from loaders.normalize import name_key, person_key

__all__ = ["link_listed_entries"]


def link_listed_entries(graph: Graph) -> dict:
    """``LINKED_TO`` for every ``Linked To:`` name of the listings in the graph that names one
    listed company or person. Counts: ``linked``, ``not_listed`` (no listed entity of that
    name: a vessel, an entry of a list not loaded), ``ambiguous`` (several; none linked)."""
    links = [dict(link, company_key=name_key(link["name"]), person_key=person_key(link["name"]))
             for link in listing_links(graph)]
    found = link_listed(graph, links) if links else []
    return {"linked": sum(1 for n in found if n == 1),
            "not_listed": sum(1 for n in found if n == 0),
            "ambiguous": sum(1 for n in found if n > 1)}
