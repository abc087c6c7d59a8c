"""Read every Company node with all the names it was seen under, to check how entities resolved.

One row per node: its id, every spelling of its name the loads gave it, and its registration
number. Scorers of resolution (../shared/eval/score.py, bench/eval.py) compare these rows with
a world's truth: a true company spread over several nodes was split, a node holding names of
several true companies merged them.
"""

from __future__ import annotations

import pandas as pd

from graph.connection import Graph
from graph.schema import node

__all__ = ["company_names", "COMPANY_NAME_COLUMNS"]

COMPANY_NAME_COLUMNS = ("entity_id", "names", "registration_number")


def company_names(graph: Graph) -> pd.DataFrame:
    """Every Company node: ``entity_id``, ``names`` (a sorted list of every variant seen, the
    display name included) and ``registration_number`` (None where unknown), by entity id."""
    rows = graph.read(
        f"MATCH (c:{node('Company')}) "
        "RETURN c.id AS entity_id, c.name AS name, c.names AS names, "
        "c.registration_number AS registration_number ORDER BY entity_id"
    )
    return pd.DataFrame(
        [{"entity_id": r["entity_id"],
          "names": sorted({n for n in [r["name"], *(r["names"] or [])] if n}),
          "registration_number": r["registration_number"]} for r in rows],
        columns=list(COMPANY_NAME_COLUMNS),
    )
