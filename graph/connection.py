"""Connect to Neo4j: a server named by its URI, else the managed local server.

The application resolves where to look (flags, then ``NEO4J_*`` variables, then the managed
server's :class:`~graph.server.ServerConfig`: see ``tracegraph.settings``) and passes it
here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import neo4j
from neo4j.exceptions import AuthError, ClientError, Neo4jError, ServiceUnavailable

from graph import GraphError, server
from graph.schema import NODES, RELATIONSHIPS, ROLE_LABELS, ensure_schema

__all__ = [
    "ConnectionSettings",
    "Graph",
    "ConnectionFailed",
    "AuthenticationFailed",
    "resolve_settings",
    "connect",
]


class ConnectionFailed(GraphError):
    """The server could not be reached."""


class AuthenticationFailed(GraphError):
    """The server refused the user name or password."""


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
        records, _, _ = self.driver.execute_query(
            query, parameters_=parameters or {}, database_=self.database,
            routing_=neo4j.RoutingControl.READ,
        )
        return [record.data() for record in records]

    def write(self, query: str, parameters: dict | None = None) -> list[dict]:
        records, _, _ = self.driver.execute_query(
            query, parameters_=parameters or {}, database_=self.database,
            routing_=neo4j.RoutingControl.WRITE,
        )
        return [record.data() for record in records]

    def session(self, **kwargs) -> neo4j.Session:
        return self.driver.session(database=self.database, **kwargs)

    def stats(self) -> dict:
        """Node counts per label and relationship counts per type of the model.

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
        return {"nodes": nodes, "relationships": relationships}

    def reset(self, batch: int = 10_000) -> int:
        """Delete every node and relationship (constraints stay); return nodes deleted."""
        deleted = 0
        # batches keep the transaction state small on big graphs
        while True:
            rows = self.write(
                "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n",
                {"batch": batch},
            )
            if rows[0]["n"] == 0:
                return deleted
            deleted += rows[0]["n"]

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


def connect(settings: ConnectionSettings | None = None, *, schema: bool = True,
            **kwargs) -> Graph:
    """Open a driver, check it answers, and create the schema if it does not exist.

    Without ``settings``, ``kwargs`` go to :func:`resolve_settings`.
    """
    settings = settings or resolve_settings(**kwargs)
    try:
        # counting a role label that no node carries yet is not worth a warning
        driver = neo4j.GraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password),
            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
        )
    except ValueError as error:  # a malformed URI
        raise ConnectionFailed(f"bad Neo4j URI {settings.uri!r}: {error}") from error
    try:
        driver.verify_connectivity()
        if schema:
            ensure_schema(driver, settings.database)
    except AuthError as error:
        driver.close()
        raise AuthenticationFailed(
            f"Neo4j at {settings.uri} refused user {settings.user!r}: wrong password? "
            "(--password or NEO4J_PASSWORD)"
        ) from error
    except ServiceUnavailable as error:
        driver.close()
        raise ConnectionFailed(f"cannot reach Neo4j at {settings.uri}: {error}") from error
    except (ClientError, Neo4jError) as error:
        driver.close()
        raise GraphError(f"Neo4j at {settings.uri} said: {error.message or error}") from error
    return Graph(driver, settings)
