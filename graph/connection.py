"""Connect to Neo4j: a server named by its URI, else the managed local server.

The application resolves where to look (flags, then ``NEO4J_*`` variables, then the managed
server's :class:`~graph.server.ServerConfig`: see ``tracegraph.settings``) and passes it
here.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

import neo4j
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Forbidden,
    ForbiddenOnReadOnlyDatabase,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph import GraphError, server
from graph.schema import NODES, RELATIONSHIPS, ROLE_LABELS, ensure_schema

__all__ = [
    "ConnectionSettings",
    "Graph",
    "ConnectionFailed",
    "AuthenticationFailed",
    "QueryFailed",
    "translate_error",
    "write_refused",
    "translated",
    "resolve_settings",
    "connect",
]


class ConnectionFailed(GraphError):
    """The server could not be reached."""


class AuthenticationFailed(GraphError):
    """The server refused the user name or password."""


class QueryFailed(GraphError):
    """The server refused or failed a query; the message is one line, with a hint where one
    helps. ``code`` is Neo4j's status code (e.g.
    ``Neo.TransientError.General.MemoryPoolOutOfMemoryError``), None for a driver error."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


def _one_line(text: str, limit: int = 300) -> str:
    """The first line of a server message (a syntax error adds the query and a caret),
    whitespace collapsed, cut at ``limit`` characters."""
    first = next((line for line in str(text).splitlines() if line.strip()), "")
    first = " ".join(first.split())
    return first if len(first) <= limit else first[:limit - 3] + "..."


# a user without the right, a read-only database (two codes), a write in a read transaction
_REFUSED = re.compile(r"Security\.Forbidden|ForbiddenOnReadOnlyDatabase|WriteOnReadOnly|"
                      r"AccessMode")


def write_refused(error: Exception) -> bool:
    """True when ``error`` is the server refusing a write: a user without write rights, a
    read-only database."""
    return isinstance(error, QueryFailed) and bool(_REFUSED.search(error.code or ""))


def _hint(code: str, settings: "ConnectionSettings") -> str:
    if re.search(r"OutOfMemory|MemoryLimit|MemoryPool", code):
        if settings.managed:
            return ("the server ran out of memory: raise TRACEGRAPH_NEO4J_HEAP (e.g. 4g), "
                    "then 'tracegraph neo4j stop' and start again")
        return ("the server ran out of memory: give it more heap "
                "(server.memory.heap.max_size) or a higher db.memory.transaction.total.max")
    if _REFUSED.search(code):
        return (f"user {settings.user!r} may not do this on that database "
                "(a read-only user or database)")
    if re.search(r"TransactionTimedOut|Timeout", code):
        return "the server's transaction timeout cut it short"
    return ""


def translate_error(error: Exception, settings: "ConnectionSettings") -> GraphError:
    """A driver or server error as a :class:`GraphError` of one line (raise it ``from``
    the original, which keeps the full story for a debugger)."""
    if isinstance(error, AuthError):
        return AuthenticationFailed(
            f"Neo4j at {settings.uri} refused user {settings.user!r}: wrong password? "
            "(--password or NEO4J_PASSWORD)")
    if isinstance(error, (ServiceUnavailable, SessionExpired)):
        return ConnectionFailed(f"lost Neo4j at {settings.uri}: {_one_line(error)}")
    if isinstance(error, Neo4jError):
        code = error.code or ""
        hint = _hint(code, settings)
        message = f"Neo4j said ({code or 'no code'}): {_one_line(error.message or error)}"
        return QueryFailed(message + (f"; {hint}" if hint else ""), code or None)
    return QueryFailed(f"Neo4j driver: {_one_line(error)}")


@contextlib.contextmanager
def translated(settings: "ConnectionSettings"):
    """Turn driver and server errors raised inside into one-line :class:`GraphError` s."""
    try:
        yield
    except (Neo4jError, DriverError) as error:
        raise translate_error(error, settings) from error


@dataclass(frozen=True)
class ConnectionSettings:
    uri: str
    user: str
    password: str
    database: str | None
    managed: bool  # True when this is the local server tracegraph runs
    # the managed server's configuration (what a bulk load stops, imports into and starts)
    server_config: server.ServerConfig | None = field(default=None, compare=False,
                                                      repr=False)

    def describe(self) -> str:
        where = "managed local server" if self.managed else "configured server"
        return f"{self.uri} ({where}, database {self.database or 'default'})"


def resolve_settings(uri: str | None = None, user: str | None = None,
                     password: str | None = None, database: str | None = None,
                     *, server_config: server.ServerConfig | None = None,
                     start_local: bool = True, echo=None) -> ConnectionSettings:
    """Pick the server: the one at ``uri`` when given, else the managed local server that
    ``server_config`` describes, started if it is not running (unless not ``start_local``).

    The values come already resolved from the application (flags, then ``NEO4J_*``
    variables): nothing here reads the environment.
    """
    user = user or "neo4j"
    database = database or None
    if uri:
        if password is None:
            raise AuthenticationFailed(
                f"no password for {uri}: pass --password or set NEO4J_PASSWORD"
            )
        return ConnectionSettings(uri, user, password, database, managed=False)
    if server_config is None:
        raise ConnectionFailed("no Neo4j URI given and no managed server configured")
    server.recover_unfinished_bulk_load(server_config, echo=echo)
    current = server.status(server_config)
    if not current.running:
        if not start_local:
            raise ConnectionFailed(
                "no Neo4j configured and the local server is not running: "
                "run 'tracegraph neo4j start' or set NEO4J_URI"
            )
        current = server.start(server_config, echo=echo)
    return ConnectionSettings(current.uri, server.USER, server.read_password(server_config),
                              database, managed=True, server_config=server_config)


class Graph:
    """A driver bound to one database; reads go out as read transactions."""

    def __init__(self, driver: neo4j.Driver, settings: ConnectionSettings):
        self.driver = driver
        self.settings = settings
        self.database = settings.database

    def read(self, query: str, parameters: dict | None = None) -> list[dict]:
        with translated(self.settings):
            records, _, _ = self.driver.execute_query(
                query, parameters_=parameters or {}, database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )
        return [record.data() for record in records]

    def write(self, query: str, parameters: dict | None = None) -> list[dict]:
        with translated(self.settings):
            records, _, _ = self.driver.execute_query(
                query, parameters_=parameters or {}, database_=self.database,
                routing_=neo4j.RoutingControl.WRITE,
            )
        return [record.data() for record in records]

    def session(self, **kwargs) -> "_Session":
        """A driver session whose server and driver errors come out as one-line
        :class:`GraphError` s (from ``execute_read``/``execute_write``, and from anything in
        a ``with`` block); use it as the driver's own."""
        return _Session(self.driver.session(database=self.database, **kwargs), self.settings)

    def stats(self) -> dict:
        """Node counts per label and relationship counts per type of the model, and
        Listing nodes per list (``listings``: list name -> count, largest first).

        Counts by one label or one type come from Neo4j's count store, so this is cheap on
        a graph of millions.
        """
        nodes = {}
        for label in (*NODES, *ROLE_LABELS):
            rows = self.read(f"MATCH (n:{label}) RETURN count(n) AS n")
            nodes[label] = rows[0]["n"]
        relationships = {}
        for rel_type in RELATIONSHIPS:
            rows = self.read(f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS n")
            relationships[rel_type] = rows[0]["n"]
        listings = {row["list"]: row["n"] for row in self.read(
            "MATCH (l:Listing) RETURN coalesce(l.list, '') AS list, count(l) AS n "
            "ORDER BY n DESC, list")}
        return {"nodes": nodes, "relationships": relationships, "listings": listings}

    def reset(self, batch: int = 10_000) -> int:
        """Delete every node and relationship (constraints stay); return nodes deleted.

        The server deletes in transactions of ``batch`` relationships, then of ``batch``
        nodes (``CALL { } IN TRANSACTIONS``), so the transaction state stays small on a
        graph of millions. Relationships go first because deleting nodes with theirs would
        put a whole graph into one transaction: the first nodes (the source, HS codes,
        companies) touch every shipment. ``CALL { } IN TRANSACTIONS`` needs an auto-commit
        transaction, hence ``session.run``.
        """
        before = self.read("MATCH (n) RETURN count(n) AS n")[0]["n"]  # from the count store
        with self.session() as session:
            session.run("MATCH ()-[r]->() CALL (r) { DELETE r } "
                        "IN TRANSACTIONS OF $batch ROWS", {"batch": int(batch)}).consume()
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } "
                        "IN TRANSACTIONS OF $batch ROWS", {"batch": int(batch)}).consume()
        after = self.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
        return before - after

    def reconnect(self, settings: ConnectionSettings | None = None, *,
                  schema: bool = True) -> None:
        """A new driver (e.g. after the server restarted; with ``schema``, constraints and
        indexes ensured); the same object, so whoever holds this Graph keeps working."""
        settings = settings or self.settings
        fresh = connect(settings, schema=schema)
        self.driver.close()
        self.driver, self.settings, self.database = fresh.driver, settings, settings.database

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "Graph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Session:
    """A :class:`neo4j.Session` whose errors are :func:`translated` (see Graph.session)."""

    def __init__(self, session: neo4j.Session, settings: ConnectionSettings):
        self._session = session
        self._settings = settings

    def __getattr__(self, name):
        return getattr(self._session, name)

    def execute_read(self, *args, **kwargs):
        with translated(self._settings):
            return self._session.execute_read(*args, **kwargs)

    def execute_write(self, *args, **kwargs):
        with translated(self._settings):
            return self._session.execute_write(*args, **kwargs)

    def close(self) -> None:
        with translated(self._settings):
            self._session.close()

    def __enter__(self) -> "_Session":
        return self

    def __exit__(self, exc_type, error, traceback) -> None:
        self.close()
        if isinstance(error, (Neo4jError, DriverError)):
            raise translate_error(error, self._settings) from error


def connect(settings: ConnectionSettings | None = None, *, schema: bool = True,
            **kwargs) -> Graph:
    """Open a driver, check it answers, and (with ``schema``) create the schema if it does
    not exist.

    A user without the right to create constraints and indexes (a read-only user on a
    configured server, a read-only database) still connects: the schema step is skipped
    without a word, since reads need no schema of theirs and a write by such a user fails on
    its own, with its own one-line error. Without ``settings``, ``kwargs`` go to
    :func:`resolve_settings`.
    """
    settings = settings or resolve_settings(**kwargs)
    try:
        # counting a role label that no node carries yet is not worth a warning
        driver = neo4j.GraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password),
            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
        )
    except (ValueError, DriverError) as error:  # a malformed URI, an unknown scheme
        raise ConnectionFailed(
            f"bad Neo4j URI {settings.uri!r}: {_one_line(error)}") from error
    try:
        with translated(settings):
            driver.verify_connectivity()
            if schema:
                _ensure_schema_if_allowed(driver, settings.database)
    except ConnectionFailed as error:
        driver.close()
        raise ConnectionFailed(f"cannot reach Neo4j at {settings.uri}: "
                               f"{_one_line(error.__cause__ or error)}") from error.__cause__
    except GraphError:
        driver.close()
        raise
    return Graph(driver, settings)


def _ensure_schema_if_allowed(driver: neo4j.Driver, database: str | None) -> None:
    try:
        ensure_schema(driver, database)
    except (Forbidden, ForbiddenOnReadOnlyDatabase):
        pass  # a read-only user or database: see connect
    except Neo4jError as error:  # a read-only database says so with a code of its own
        if not _REFUSED.search(error.code or ""):
            raise
