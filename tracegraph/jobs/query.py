"""Run a canned question of the catalogue on the graph."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from graph.views import ReadFailed, run_read
from queries.catalog import CannedQuery, QueryRunError, get_query

__all__ = ["run_query"]


def run_query(graph, name: str, params: Mapping[str, object] | None = None,
              catalog: Mapping[str, CannedQuery] | None = None) -> pd.DataFrame:
    """Run the catalogued question ``name`` as a read transaction; return its declared
    columns, in declared order (Neo4j dates as ``datetime`` values, lists as lists).

    Unknown names and bad parameters raise before anything is sent (UnknownQuery,
    ParameterError); a refusal or failure of the server raises QueryRunError.
    """
    query = get_query(name, catalog)
    bound = query.bind(params)
    columns = list(query.column_names)
    try:
        rows = run_read(graph, query.text, bound, columns, name)
    except ReadFailed as error:
        raise QueryRunError(str(error)) from error
    return pd.DataFrame(rows, columns=columns)
