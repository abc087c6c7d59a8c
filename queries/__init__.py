"""Canned Cypher questions and the detection algorithms (NetworkX and pandas, no database)."""


class QueryError(Exception):
    """Base of the queries package's errors."""
