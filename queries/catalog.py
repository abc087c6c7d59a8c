"""The canned Cypher catalogue: one question per ``queries/cypher/<name>.cypher`` file, and its runner.

File format
-----------
A catalogue file is a Cypher query preceded by a header of ``//`` line comments::

    // name: pass-through-pairs
    // title: Pass-through pairs
    // description: Goods that arrive at a company in a transit country and leave it
    //   for Russia or Belarus soon after in nearly the same quantity.
    // param: window_days int 60 Days allowed between arrival and onward shipment
    // param: destinations list[str] RU,BY Countries the goods end up in
    // param: hs_prefix str "" Only goods whose HS code starts with this ("" for all)
    // column: intermediary Name of the company the goods passed through
    MATCH ...

``name``
    kebab-case (``[a-z0-9]+(-[a-z0-9]+)*``), unique, and the file's name without
    ``.cypher``.
``title``, ``description``
    what the analyst learns; once each.
``param: <name> <type> <default> <description>``
    one line per query parameter (``$name`` in the query). ``<type>`` is ``int``, ``float``,
    ``str``, ``bool`` (``true``/``false``), ``date`` (``YYYY-MM-DD``) or ``list[str]``
    (comma-separated, e.g. ``RU,BY``). ``<default>`` is written the way a user writes the value
    on the command line: one word, or a double-quoted string (JSON escapes) when it holds
    spaces or is empty (``""``, which for ``list[str]`` is the empty list). Every parameter
    has a default, so every query runs as it stands.
``column: <name> <description>``
    one line per returned column, in ``RETURN`` order; the query must return exactly these.

A line ``//`` followed by two or more spaces continues the previous entry's text; a bare
``//`` line is ignored. The header is the file's first block of ``//`` lines: a blank line or
a line that is not a comment ends it, so the query itself may start with a comment after a
blank line.
Every ``$parameter`` the query uses must be declared and every declared one used.

Values reach the server only as query parameters: the query text is sent as written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from queries import QueryError

__all__ = [
    "CATALOG_DIR",
    "PARAM_TYPES",
    "CatalogError",
    "UnknownQuery",
    "ParameterError",
    "QueryRunError",
    "QueryParam",
    "QueryColumn",
    "CannedQuery",
    "parse_query",
    "load_catalog",
    "get_query",
    "run_query",
]

CATALOG_DIR = Path(__file__).resolve().parent / "cypher"
PARAM_TYPES = ("int", "float", "str", "bool", "date", "list[str]")

NAME_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
IDENTIFIER_PATTERN = re.compile(r"[a-z][a-z0-9_]*")

_HEADER_LINE = re.compile(r"//(?P<rest>.*)")
_ENTRY = re.compile(r" ?(?P<key>[a-z]+):(?:\s+(?P<value>.*))?$")
_CONTINUATION = re.compile(r" {2,}(?P<text>\S.*)$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# string literals and comments, blanked before looking for $parameters
_LITERAL_OR_COMMENT = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL
)
_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})
_SINGLE_KEYS = ("name", "title", "description")


class CatalogError(QueryError):
    """A catalogue file is malformed; the message names the file and line."""


class UnknownQuery(QueryError):
    """No catalogued query has the requested name."""


class ParameterError(QueryError):
    """A parameter given to a canned query is unknown or its value is not of its type."""


class QueryRunError(QueryError):
    """The server failed a canned query, or it returned other columns than it declares."""


@dataclass(frozen=True)
class QueryParam:
    """One declared parameter of a canned query."""

    name: str
    type: str
    default: Any
    description: str

    def convert(self, value: object, query: str = "?") -> Any:
        """The value as this parameter's type; a ``str`` is parsed as on the command line."""
        try:
            if isinstance(value, str):
                return _parse_value(self.type, value)
            return _check_value(self.type, value)
        except ValueError as e:
            raise ParameterError(
                f"parameter '{self.name}' of query '{query}' expects {_TYPE_WORDS[self.type]}, "
                f"got {value!r}" + (f" ({e})" if str(e) else "")
            ) from None


@dataclass(frozen=True)
class QueryColumn:
    """One declared result column of a canned query."""

    name: str
    description: str


@dataclass(frozen=True)
class CannedQuery:
    """A catalogued Cypher question: its header and the query text sent to the server."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    columns: tuple[QueryColumn, ...]
    text: str
    path: Path

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def bind(self, params: Mapping[str, object] | None = None) -> dict[str, Any]:
        """Every parameter of the query with its typed value: the given ones, else defaults.

        Parameters
        ----------
        params : mapping, optional
            Parameter name to value. Strings (``--param k=v`` on the command line) are parsed
            by the parameter's type; other values must already be of that type.

        Returns
        -------
        dict
            Ready for ``parameters_=`` of the driver.

        Raises
        ------
        ParameterError
            A name the query does not declare, or a value not of the declared type.

        Examples
        --------
        >>> q = load_catalog()["pass-through-pairs"]
        >>> bound = q.bind({"window_days": "30", "destinations": "RU, BY"})
        >>> bound["window_days"], bound["destinations"]
        (30, ['RU', 'BY'])
        """
        declared = {p.name: p for p in self.params}
        given = dict(params or {})
        unknown = sorted(set(given) - set(declared))
        if unknown:
            takes = ", ".join(declared) or "no parameters"
            raise ParameterError(
                f"query '{self.name}' has no parameter '{unknown[0]}' (it takes: {takes})"
            )
        return {
            name: param.convert(given[name], self.name) if name in given else param.default
            for name, param in declared.items()
        }


def parse_query(path: Path | str) -> CannedQuery:
    """Read and validate one catalogue file.

    Raises
    ------
    CatalogError
        When the header is malformed or disagrees with the query text.
    """
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CatalogError(f"{path}: cannot read: {e}") from e
    lines = source.splitlines()

    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    columns: list[QueryColumn] = []
    # (kind, index into params/columns or key) of the entry a continuation line extends
    last: tuple[str, Any] | None = None
    body_start = len(lines)
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        match = _HEADER_LINE.fullmatch(stripped)
        if not match:
            # a blank line ends the header too, so the query may open with a comment of its own
            if stripped or fields or params or columns:
                body_start = number - 1
                break
            continue
        rest = match.group("rest")
        where = f"{path.name}:{number}"
        if not rest.strip():
            last = None
            continue
        continued = _CONTINUATION.match(rest)
        if continued and last is not None:
            _extend(last, continued.group("text"), fields, params, columns)
            continue
        entry = _ENTRY.match(rest)
        if not entry:
            raise CatalogError(f"{where}: expected '// key: value' in the header, got {line!r}")
        key, value = entry.group("key"), (entry.group("value") or "").strip()
        if not value:
            raise CatalogError(f"{where}: '{key}' has no value")
        if key in _SINGLE_KEYS:
            if key in fields:
                raise CatalogError(f"{where}: '{key}' given twice")
            fields[key] = value
            last = ("field", key)
        elif key == "param":
            params.append(_parse_param(value, where))
            last = ("param", len(params) - 1)
        elif key == "column":
            columns.append(_parse_column(value, where))
            last = ("column", len(columns) - 1)
        else:
            raise CatalogError(
                f"{where}: unknown header key '{key}' (expected name, title, description, "
                "param or column)"
            )

    text = "\n".join(lines[body_start:]).strip()
    # the driver sends one statement; a trailing semicolon is a habit from cypher-shell
    text = text[:-1].rstrip() if text.endswith(";") else text
    _validate(path, fields, params, columns, text)
    return CannedQuery(
        name=fields["name"],
        title=fields["title"],
        description=fields["description"],
        params=tuple(params),
        columns=tuple(columns),
        text=text,
        path=path,
    )


def load_catalog(directory: Path | str | None = None) -> dict[str, CannedQuery]:
    """Every canned query of the catalogue, by name, validated.

    Parameters
    ----------
    directory : path, optional
        Folder of ``*.cypher`` files; the packaged catalogue by default.

    Returns
    -------
    dict
        Query name to :class:`CannedQuery`, in name order.

    Examples
    --------
    >>> "within-hops-of-listed" in load_catalog()
    True
    """
    folder = Path(directory) if directory is not None else CATALOG_DIR
    if not folder.is_dir():
        raise CatalogError(f"{folder}: no such catalogue folder")
    catalog: dict[str, CannedQuery] = {}
    for path in sorted(folder.glob("*.cypher")):
        query = parse_query(path)
        if query.name in catalog:
            raise CatalogError(
                f"{path.name}: query name '{query.name}' already used by "
                f"{catalog[query.name].path.name}"
            )
        catalog[query.name] = query
    return dict(sorted(catalog.items()))


def get_query(name: str, catalog: Mapping[str, CannedQuery] | None = None) -> CannedQuery:
    """The canned query called ``name``; :class:`UnknownQuery` names the closest ones."""
    catalog = load_catalog() if catalog is None else catalog
    try:
        return catalog[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(catalog), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see 'tracegraph query list'"
        raise UnknownQuery(f"no canned query named '{name}'{hint}") from None


def run_query(
    driver,
    name: str,
    params: Mapping[str, object] | None = None,
    database: str | None = None,
    catalog: Mapping[str, CannedQuery] | None = None,
) -> pd.DataFrame:
    """Run a canned query as a read transaction and return its declared columns.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver.
    name : str
        Catalogue name of the query.
    params : mapping, optional
        Parameter values as in :meth:`CannedQuery.bind`; the rest take their defaults.
    database : str, optional
        Database name; the server's default when omitted.
    catalog : mapping, optional
        Catalogue to look the name up in; the packaged one by default.

    Returns
    -------
    pandas.DataFrame
        Exactly the declared columns, in declared order. Neo4j dates and times come back as
        ``datetime`` values, lists as Python lists.

    Raises
    ------
    UnknownQuery, ParameterError
        Before anything is sent.
    QueryRunError
        When the server refuses or fails the query, or returns other columns.
    """
    import neo4j  # the database driver is only needed to run, not to read the catalogue
    from neo4j.exceptions import DriverError, Neo4jError

    query = get_query(name, catalog)
    bound = query.bind(params)
    try:
        result = driver.execute_query(
            query.text,
            parameters_=bound,
            database_=database,
            routing_=neo4j.RoutingControl.READ,
        )
    except Neo4jError as e:
        raise QueryRunError(f"query '{name}' failed on the server: {_first_line(e)}") from e
    except DriverError as e:
        raise QueryRunError(f"query '{name}' could not be run: {_first_line(e)}") from e

    keys = list(result.keys)
    if keys != list(query.column_names):
        raise QueryRunError(
            f"query '{name}' returned columns {keys} but declares {list(query.column_names)}"
        )
    rows = [[_native(value) for value in record.values()] for record in result.records]
    return pd.DataFrame(rows, columns=keys)


_TYPE_WORDS = {
    "int": "an integer",
    "float": "a number",
    "str": "text",
    "bool": "true or false",
    "date": "a date YYYY-MM-DD",
    "list[str]": "a comma-separated list",
}


def _parse_value(kind: str, raw: str) -> Any:
    """A command-line string as a value of the type; ``ValueError`` when it is not one."""
    text = raw.strip()
    if kind == "str":
        return raw
    if kind == "int":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError("")
        return int(text)
    if kind == "float":
        try:
            number = float(text)
        except ValueError:
            raise ValueError("") from None
        if not math.isfinite(number):
            raise ValueError("not finite")
        return number
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError("")
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError("")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("no such day") from None
    if kind == "list[str]":
        return [item.strip() for item in text.split(",") if item.strip()]
    raise ValueError(f"unknown type {kind}")


def _check_value(kind: str, value: object) -> Any:
    """A value given from Python, checked (and widened int -> float) rather than parsed."""
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError("not finite")
        return float(value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if kind == "list[str]" and isinstance(value, (list, tuple)) and all(
        isinstance(v, str) for v in value
    ):
        return list(value)
    raise ValueError("")


def _parse_param(value: str, where: str) -> QueryParam:
    parts = value.split(None, 2)
    if len(parts) < 3:
        raise CatalogError(f"{where}: expected 'param: <name> <type> <default> <description>'")
    name, kind, rest = parts
    if not IDENTIFIER_PATTERN.fullmatch(name):
        raise CatalogError(f"{where}: parameter name '{name}' must be lower_snake_case")
    if kind not in PARAM_TYPES:
        raise CatalogError(
            f"{where}: parameter '{name}' has unknown type '{kind}' "
            f"(expected one of {', '.join(PARAM_TYPES)})"
        )
    token, description = _split_default(rest, where)
    try:
        default = _parse_value(kind, token)
    except ValueError:
        raise CatalogError(
            f"{where}: default {token!r} of parameter '{name}' is not {_TYPE_WORDS[kind]}"
        ) from None
    return QueryParam(name=name, type=kind, default=default, description=description)


def _split_default(rest: str, where: str) -> tuple[str, str]:
    """The default token (bare word or JSON-quoted string) and the description after it."""
    if rest.startswith('"'):
        try:
            token, end = json.JSONDecoder().raw_decode(rest)
        except json.JSONDecodeError:
            raise CatalogError(f"{where}: unterminated quoted default") from None
        return token, rest[end:].strip()
    token, _, description = rest.partition(" ")
    return token, description.strip()


def _parse_column(value: str, where: str) -> QueryColumn:
    name, _, description = value.partition(" ")
    if not IDENTIFIER_PATTERN.fullmatch(name):
        raise CatalogError(f"{where}: column name '{name}' must be lower_snake_case")
    return QueryColumn(name=name, description=description.strip())


def _extend(last, text, fields, params, columns) -> None:
    kind, key = last
    if kind == "field":
        fields[key] = f"{fields[key]} {text}"
    elif kind == "param":
        p = params[key]
        params[key] = QueryParam(p.name, p.type, p.default, f"{p.description} {text}".strip())
    else:
        c = columns[key]
        columns[key] = QueryColumn(c.name, f"{c.description} {text}".strip())


def _validate(path: Path, fields, params, columns, text: str) -> None:
    where = path.name
    for key in _SINGLE_KEYS:
        if key not in fields:
            raise CatalogError(f"{where}: header has no '{key}:'")
    name = fields["name"]
    if not NAME_PATTERN.fullmatch(name):
        raise CatalogError(f"{where}: query name '{name}' must be kebab-case")
    if path.stem != name or path.suffix != ".cypher":
        raise CatalogError(f"{where}: file must be called {name}.cypher, like the query")
    if not columns:
        raise CatalogError(f"{where}: header declares no 'column:'")
    for kind, items in (("parameter", params), ("column", columns)):
        seen: set[str] = set()
        for item in items:
            if item.name in seen:
                raise CatalogError(f"{where}: {kind} '{item.name}' declared twice")
            if not item.description:
                # a description may come on continuation lines, so it is checked at the end
                raise CatalogError(f"{where}: {kind} '{item.name}' has no description")
            seen.add(item.name)
    if not text:
        raise CatalogError(f"{where}: no query after the header")
    used = set(_PARAM_USE.findall(_LITERAL_OR_COMMENT.sub(" ", text)))
    declared = {p.name for p in params}
    if used - declared:
        raise CatalogError(
            f"{where}: query uses undeclared parameter(s) "
            + ", ".join(f"${n}" for n in sorted(used - declared))
        )
    if declared - used:
        raise CatalogError(
            f"{where}: declared parameter(s) never used: " + ", ".join(sorted(declared - used))
        )


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "message", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _native(value: Any) -> Any:
    """Driver values as plain Python: neo4j dates and times become ``datetime`` ones."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    to_native = getattr(value, "to_native", None)
    if callable(to_native):
        return to_native()
    return value
