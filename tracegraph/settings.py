"""Where tracegraph keeps things and which Neo4j it talks to, read from the environment in
one place and handed down to the libraries as arguments.

``TRACEGRAPH_HOME`` (default ``$XDG_DATA_HOME/tracegraph``, else
``~/.local/share/tracegraph``): the managed server's data, logs and password.
``TRACEGRAPH_CACHE`` (default ``$XDG_CACHE_HOME/tracegraph``, else ``~/.cache/tracegraph``):
what can be fetched or built again — the Neo4j jars, rigour's territory table.
``TRACEGRAPH_NEO4J_PORT``, ``_HEAP``, ``_PAGECACHE``, ``_VERSION``, ``_START_TIMEOUT``,
``TRACEGRAPH_MAVEN_ARGS`` and ``JAVA_HOME``: how the managed server runs
(:func:`server_config`).
``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``: a server of the
user's own, when no flag names one (:func:`connection_settings`).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from graph.connection import ConnectionSettings, resolve_settings
from graph.server import NEO4J_VERSION, ServerConfig

__all__ = ["home_dir", "cache_dir", "server_config", "connection_values",
           "connection_settings"]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def home_dir() -> Path:
    xdg_data = _env_path("XDG_DATA_HOME", Path.home() / ".local" / "share")
    return _env_path("TRACEGRAPH_HOME", xdg_data / "tracegraph")


def cache_dir() -> Path:
    xdg_cache = _env_path("XDG_CACHE_HOME", Path.home() / ".cache")
    return _env_path("TRACEGRAPH_CACHE", xdg_cache / "tracegraph")


def server_config() -> ServerConfig:
    """The managed server's configuration: home and cache, then the ``TRACEGRAPH_NEO4J_*``
    variables, ``TRACEGRAPH_MAVEN_ARGS`` and ``JAVA_HOME``."""
    port = os.environ.get("TRACEGRAPH_NEO4J_PORT")
    java_home = os.environ.get("JAVA_HOME")
    return ServerConfig(
        home=home_dir(),
        cache=cache_dir(),
        version=os.environ.get("TRACEGRAPH_NEO4J_VERSION", NEO4J_VERSION),
        port=int(port) if port else None,
        heap=os.environ.get("TRACEGRAPH_NEO4J_HEAP", "1g"),
        pagecache=os.environ.get("TRACEGRAPH_NEO4J_PAGECACHE", "512m"),
        start_timeout=float(os.environ.get("TRACEGRAPH_NEO4J_START_TIMEOUT", "180")),
        maven_args=tuple(shlex.split(os.environ.get("TRACEGRAPH_MAVEN_ARGS", ""))),
        java_home=Path(java_home) if java_home else None,
    )


def connection_values(uri: str | None = None, user: str | None = None,
                      password: str | None = None, database: str | None = None) -> dict:
    """``uri``, ``user``, ``password`` and ``database``: the values given (flags), else the
    ``NEO4J_*`` variables; ``uri`` None means the managed local server."""
    return {
        "uri": uri or os.environ.get("NEO4J_URI"),
        "user": user or os.environ.get("NEO4J_USER") or "neo4j",
        "password": password if password is not None else os.environ.get("NEO4J_PASSWORD"),
        "database": database or os.environ.get("NEO4J_DATABASE") or None,
    }


def connection_settings(uri: str | None = None, user: str | None = None,
                        password: str | None = None, database: str | None = None,
                        *, start_local: bool = True, echo=None) -> ConnectionSettings:
    """Where to connect: the values given, else the ``NEO4J_*`` variables, else the managed
    local server (started when it is not running, unless not ``start_local``)."""
    return resolve_settings(**connection_values(uri, user, password, database),
                            server_config=server_config(), start_local=start_local,
                            echo=echo)
