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
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo,
                      field_validator, model_validator)

from queries import QueryError

__all__ = [
    "CATALOG_DIR", "PARAM_TYPES", "CatalogError", "UnknownQuery", "ParameterError",
    "QueryRunError", "QueryParam", "QueryColumn", "CannedQuery", "parse_query", "load_catalog",
    "get_query",
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
# what a param line's default is when its opening quote has no end
_UNTERMINATED = object()


class CatalogError(QueryError):
    """A catalogue file is malformed; the message names the file and line."""


class UnknownQuery(QueryError):
    """No catalogued query has the requested name."""


class ParameterError(QueryError):
    """A parameter given to a canned query is unknown or its value is not of its type."""


class QueryRunError(QueryError):
    """The server failed a canned query, or it returned other columns than it declares."""


class _Entry(BaseModel):
    """A checked piece of a header; ``_wording`` says pydantic's errors the catalogue's way."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # (field, pydantic error type) -> message; {field}, {input} and {name} are filled in
    _wording: ClassVar[dict[tuple[str, str], str]] = {}

    @classmethod
    def wording(cls, error: Mapping[str, Any], data: Mapping[str, Any]) -> str:
        """What is wrong, in one line naming the bad key or value."""
        if error["type"] == "value_error":  # raised by a validator here, already in our words
            return str(error["ctx"]["error"])
        field = str(error["loc"][0]) if error["loc"] else ""
        template = cls._wording.get((field, error["type"]), "'{field}': {msg}")
        return template.format(field=field, input=error["input"], name=data.get("name"),
                               msg=error["msg"])


class QueryParam(_Entry):
    """One declared parameter of a canned query (``// param:``; a ``str`` default is parsed
    by the type, as on the command line)."""

    name: Annotated[str, Field(pattern=f"^(?:{IDENTIFIER_PATTERN.pattern})$")]
    type: Literal[PARAM_TYPES]
    default: Any
    description: str
    _wording = {
        ("name", "string_pattern_mismatch"): "parameter name '{input}' must be lower_snake_case",
        ("type", "literal_error"): "parameter '{name}' has unknown type '{input}' "
                                   f"(expected one of {', '.join(PARAM_TYPES)})",
    }

    @field_validator("default")
    @classmethod
    def _typed(cls, token: Any, info: ValidationInfo) -> Any:
        kind = info.data.get("type")
        if kind is None:  # the type is wrong: that is reported instead
            return token
        if token is _UNTERMINATED:
            raise ValueError("unterminated quoted default")
        try:
            return _parse_value(kind, token) if isinstance(token, str) else _check_value(
                kind, token)
        except ValueError:
            raise ValueError(
                f"default {token!r} of parameter '{info.data['name']}' is not {_TYPE_WORDS[kind]}"
            ) from None

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


class QueryColumn(_Entry):
    """One declared result column of a canned query (``// column:``)."""

    name: Annotated[str, Field(pattern=f"^(?:{IDENTIFIER_PATTERN.pattern})$")]
    description: str
    _wording = {
        ("name", "string_pattern_mismatch"): "column name '{input}' must be lower_snake_case",
    }


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

    Examples
    --------
    >>> q = parse_query(CATALOG_DIR / "trade-between.cypher")
    >>> q.title, [p.name for p in q.params]
    ('Trade between two companies', ['company_a', 'company_b', 'limit'])
    """
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CatalogError(f"{path}: cannot read: {e}") from e
    lines = source.splitlines()
    entries, body_start = _read_header(lines, path.name)
    header = _validated(_Header, entries, path.name, context={"path": path})
    text = "\n".join(lines[body_start:]).strip()
    # the driver sends one statement; a trailing semicolon is a habit from cypher-shell
    text = text[:-1].rstrip() if text.endswith(";") else text
    _check_text(path.name, header.params, text)
    return CannedQuery(
        name=header.name,
        title=header.title,
        description=header.description,
        params=header.params,
        columns=header.columns,
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


_TYPE_WORDS = {
    "int": "an integer", "float": "a number", "str": "text", "bool": "true or false",
    "date": "a date YYYY-MM-DD", "list[str]": "a comma-separated list",
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


# --- the header --------------------------------------------------------------------------


class _Header(_Entry):
    """A whole header; validated with ``context={"path": ...}`` (the file must bear its name)."""

    name: Annotated[str, Field(pattern=f"^(?:{NAME_PATTERN.pattern})$")]
    title: str
    description: str
    params: tuple[QueryParam, ...]
    columns: tuple[QueryColumn, ...] = Field(min_length=1)
    _wording = {
        **{(key, "missing"): "header has no '{field}:'" for key in _SINGLE_KEYS},
        ("name", "string_pattern_mismatch"): "query name '{input}' must be kebab-case",
        ("columns", "too_short"): "header declares no 'column:'",
    }

    @field_validator("name")
    @classmethod
    def _names_the_file(cls, name: str, info: ValidationInfo) -> str:
        path = info.context["path"]
        if path.stem != name or path.suffix != ".cypher":
            raise ValueError(f"file must be called {name}.cypher, like the query")
        return name

    @model_validator(mode="after")
    def _distinct_and_described(self) -> _Header:
        for kind, items in (("parameter", self.params), ("column", self.columns)):
            seen: set[str] = set()
            for item in items:
                if item.name in seen:
                    raise ValueError(f"{kind} '{item.name}' declared twice")
                if not item.description:
                    # a description may come on continuation lines, so it is checked at the end
                    raise ValueError(f"{kind} '{item.name}' has no description")
                seen.add(item.name)
        return self


def _validated(model: type[_Entry], data: dict, where: str, context: dict | None = None) -> Any:
    """`data` as a `model`; its first error, in the catalogue's words, as a CatalogError."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as e:
        # a missing key is reported before what is wrong with the keys that are there
        error = min(e.errors(), key=lambda err: err["type"] != "missing")
        raise CatalogError(f"{where}: {model.wording(error, data)}") from None


def _read_header(lines: list[str], filename: str) -> tuple[dict[str, Any], int]:
    """The header's entries, each line checked as it comes, and the index where the query
    starts."""
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    columns: list[QueryColumn] = []
    # (container, key) of the entry a continuation line extends
    last: tuple[Any, Any] | None = None
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
        where = f"{filename}:{number}"
        if not rest.strip():
            last = None
            continue
        continued = _CONTINUATION.match(rest)
        if continued and last is not None:
            _extend(last, continued.group("text"))
            continue
        key, value = _entry(rest, line, where)
        if key in _SINGLE_KEYS:
            if key in fields:
                raise CatalogError(f"{where}: '{key}' given twice")
            fields[key] = value
            last = (fields, key)
        elif key == "param":
            params.append(_validated(QueryParam, _param_parts(value, where), where))
            last = (params, len(params) - 1)
        elif key == "column":
            name, _, description = value.partition(" ")
            columns.append(_validated(
                QueryColumn, {"name": name, "description": description.strip()}, where))
            last = (columns, len(columns) - 1)
        else:
            raise CatalogError(f"{where}: unknown header key '{key}' (expected name, title, "
                               "description, param or column)")
    return {**fields, "params": params, "columns": columns}, body_start


def _entry(rest: str, line: str, where: str) -> tuple[str, str]:
    """Key and value of a ``// key: value`` line."""
    entry = _ENTRY.match(rest)
    if not entry:
        raise CatalogError(f"{where}: expected '// key: value' in the header, got {line!r}")
    key, value = entry.group("key"), (entry.group("value") or "").strip()
    if not value:
        raise CatalogError(f"{where}: '{key}' has no value")
    return key, value


def _param_parts(value: str, where: str) -> dict[str, Any]:
    """The words of a param line: name, type, default token (bare or JSON-quoted), description."""
    parts = value.split(None, 2)
    if len(parts) < 3:
        raise CatalogError(f"{where}: expected 'param: <name> <type> <default> <description>'")
    name, kind, rest = parts
    token, _, description = rest.partition(" ")
    if rest.startswith('"'):
        try:
            token, end = json.JSONDecoder().raw_decode(rest)
            description = rest[end:]
        except json.JSONDecodeError:
            # reported once the name and type are known to be right, as they come first
            token, description = _UNTERMINATED, ""
    return {"name": name, "type": kind, "default": token, "description": description.strip()}


def _extend(last: tuple[Any, Any], text: str) -> None:
    container, key = last
    entry = container[key]
    if isinstance(entry, str):
        container[key] = f"{entry} {text}"
    else:
        container[key] = entry.model_copy(
            update={"description": f"{entry.description} {text}".strip()})


def _check_text(where: str, params: tuple[QueryParam, ...], text: str) -> None:
    """The query is there and uses exactly the declared parameters."""
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
