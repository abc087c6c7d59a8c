"""Run the detections on the graph: read frames, find, write the findings back.

The algorithms (queries.chains, queries.fronts, queries.network) know nothing of Neo4j;
this job feeds them from the graph and stores what they found (FORWARDED_AS, role labels,
front scores).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import networkx as nx
import pandas as pd

from graph.connection import Graph, QueryFailed, write_refused
from graph.read import projection, read_frames, records_start
from graph.store import GraphWriter
from queries.chains import ChainResult, find_chains
from queries.fronts import score_fronts
from queries.network import suspect_subgraph
from queries.reference import (
    CHAIN_MIN_SCORE,
    CHAIN_TOLERANCE,
    CHAIN_WINDOW_DAYS,
    DEFENCE_ACTIVITY_CODES,
    DESTINATIONS,
    FRONT_MIN_SCORE,
    FRONT_SUSPECT_SCORE,
    INVASION_DATE,
)

__all__ = ["detect_chains", "detect_fronts", "read_chain_frames", "network_projection",
           "CHAIN_ROLES", "CHAIN_FRAME_KINDS", "CHAIN_SHIPMENT_COLUMNS"]

CHAIN_ROLES = ("Supplier", "Intermediary", "DefenceBuyer")

Progress = Callable[[str, int, int], None]
Notice = Callable[[str], None]


def _steps(progress: Progress | None, label: str, total: int):
    """``step(n)`` reports step n of ``total`` to ``progress`` (if any)."""
    return (lambda done: progress(label, done, total)) if progress else (lambda done: None)


# What chain finding reads: the shipments into or out of companies that both import and
# export (every link is an arrival at such a company and an onward shipment from it), and of
# those only the columns find_chains looks at; no officers. Front scoring reads everything.
CHAIN_FRAME_KINDS = ("shipments", "companies", "listings", "mirrors")
CHAIN_SHIPMENT_COLUMNS = (
    "shipment_id", "record_id", "date", "hs_code", "hs6", "quantity", "unit", "net_weight_kg",
    "value_usd", "exporter_entity_id", "exporter_country", "importer_entity_id",
    "importer_country", "origin_country",
)


def _store(graph: Graph, write: Callable[[GraphWriter], None], notice: Notice | None) -> None:
    """Write findings back with ``write``; a server that refuses writes (a read-only user or
    database) is told to ``notice`` when given (the findings are still returned), else
    raised."""
    try:
        write(GraphWriter(graph))
    except QueryFailed as error:
        if notice is None or not write_refused(error):
            raise
        notice(f"findings not stored in the graph (it refused the write): {error}")


def read_chain_frames(graph: Graph) -> dict[str, pd.DataFrame]:
    """The frames :func:`detect_chains` needs, and no more: it finds the same chains on them
    as on the full :func:`graph.read.read_frames`."""
    return read_frames(graph, through_only=True, columns=CHAIN_SHIPMENT_COLUMNS,
                       kinds=CHAIN_FRAME_KINDS)


def _chains(frames: dict[str, pd.DataFrame], **params) -> ChainResult:
    return find_chains(frames["shipments"], frames["companies"], frames["listings"],
                       frames["mirrors"], **params)


def detect_chains(graph: Graph, *, hs_prefix: str | None = None,
                  window_days: int = CHAIN_WINDOW_DAYS, tolerance: float = CHAIN_TOLERANCE,
                  min_score: float = CHAIN_MIN_SCORE,
                  destinations: Iterable[str] = DESTINATIONS,
                  defence_codes: Iterable[str] = DEFENCE_ACTIVITY_CODES,
                  same_heading_only: bool = False,
                  write: bool = True, frames: dict | None = None,
                  progress: Progress | None = None, notice: Notice | None = None
                  ) -> ChainResult:
    """Find transshipment chains in the graph; store their links and roles.

    Links of the chains returned become ``FORWARDED_AS`` relationships and their
    companies get the ``Supplier``, ``Intermediary`` and ``DefenceBuyer`` labels; results of
    an earlier run are replaced, so the graph shows the latest question asked.

    Without ``frames`` only what chain finding needs is read (:func:`read_chain_frames`);
    ``frames`` may also be the full :func:`graph.read.read_frames`, with the same result.
    ``progress(label, step, steps)`` hears of each step: read, find, write. With ``notice``,
    a graph that refuses writes is told there and the chains are returned all the same.
    """
    step = _steps(progress, "chains", 3)
    step(0)
    frames = frames or read_chain_frames(graph)
    step(1)
    # an intermediary's silence is counted from where the records begin, not from the first
    # of the shipments read
    result = _chains(frames, hs_prefix=hs_prefix, window_days=window_days,
                     tolerance=tolerance, min_score=min_score,
                     destinations=tuple(destinations), defence_codes=tuple(defence_codes),
                     same_heading_only=same_heading_only, data_start=records_start(graph))
    step(2)
    if write:
        def store(writer: GraphWriter) -> None:
            writer.write_forwarded(result.links)
            for role in CHAIN_ROLES:
                writer.write_roles(role, result.roles.loc[result.roles["role"] == role,
                                                          "entity_id"])
        _store(graph, store, notice)
    step(3)
    return result


def detect_fronts(graph: Graph, *, since: str = INVASION_DATE,
                  min_score: float = FRONT_MIN_SCORE,
                  suspect_score: float = FRONT_SUSPECT_SCORE,
                  weights: Mapping[str, float] | None = None,
                  destinations: Iterable[str] = DESTINATIONS,
                  write: bool = True, frames: dict | None = None,
                  progress: Progress | None = None, notice: Notice | None = None
                  ) -> pd.DataFrame:
    """Score every company as a possible front; label the strong ones ``FrontSuspect``.

    The links of chains at the default chain threshold feed the scoring (an intermediary in
    a chain, a buyer sharing officers with it). ``progress(label, step, steps)`` hears of
    each step: read, chains, scores, write. ``notice`` as for :func:`detect_chains`.
    """
    step = _steps(progress, "fronts", 4)
    step(0)
    frames = frames or read_frames(graph)
    step(1)
    chains = _chains(frames, min_score=CHAIN_MIN_SCORE, destinations=tuple(destinations),
                     data_start=records_start(graph))
    step(2)
    # every company from the suspect score up is scored and labelled, whatever min_score
    # trims from the rows returned
    fronts = score_fronts(frames["companies"], frames["shipments"], frames["officers"],
                          frames["listings"], frames["mirrors"], chains.links, since=since,
                          weights=weights, min_score=min(min_score, suspect_score),
                          destinations=tuple(destinations))
    step(3)
    if write:
        def store(writer: GraphWriter) -> None:
            writer.write_front_scores(fronts)
            writer.write_roles("FrontSuspect",
                               fronts.loc[fronts["score"] >= suspect_score, "entity_id"])
        _store(graph, store, notice)
    step(4)
    return fronts[fronts["score"] >= min_score].reset_index(drop=True)


def network_projection(graph: Graph, suspects_only: bool = False) -> nx.MultiDiGraph:
    """The trade + officer + ownership + address projection, optionally cut to suspects."""
    g = projection(graph)
    return suspect_subgraph(g) if suspects_only else g
