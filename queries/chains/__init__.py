"""Transshipment chains: goods that arrive at an intermediary and leave it for Russia in kind.

An arrival of one HS6 heading at a company in a transit country is matched to the onward
shipments of that company of the same heading within a window of days whose quantity agrees
within a tolerance (several onward shipments may add up to one arrival). Matched pairs
(*links*) join into paths from a supplier through one or more intermediaries to a buyer in a
destination country, and each path is scored on the evidence it carries.

Modules: :mod:`~queries.chains.find` (:func:`find_chains`, the whole search),
:mod:`~queries.chains.links` (matching arrivals to onward shipments),
:mod:`~queries.chains.assembly` (chains from links, the output frames) and
:mod:`~queries.chains.scoring` (evidence, scores and reasons). Shipment preparation, shared
with front scoring, is :mod:`queries.shipments`.
"""

from queries.chains.assembly import CHAIN_COLUMNS, LINK_COLUMNS, ROLE_COLUMNS
from queries.chains.find import ChainResult, find_chains

__all__ = [
    "CHAIN_COLUMNS",
    "LINK_COLUMNS",
    "ROLE_COLUMNS",
    "ChainResult",
    "find_chains",
]
