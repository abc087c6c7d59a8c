"""Where tracegraph keeps things and which Neo4j it talks to, read from the environment in
one place and handed down to the libraries as arguments.

``TRACEGRAPH_HOME`` (default ``$XDG_DATA_HOME/tracegraph``, else
``~/.local/share/tracegraph``): the managed server's data, logs and password.
``TRACEGRAPH_CACHE`` (default ``$XDG_CACHE_HOME/tracegraph``, else ``~/.cache/tracegraph``):
what can be fetched or built again — the Neo4j jars, rigour's territory table.
``TRACEGRAPH_NEO4J_PORT``, ``_HEAP``, ``_PAGECACHE``, ``_VERSION``, ``_START_TIMEOUT``,
``TRACEGRAPH_MAVEN_ARGS`` and ``JAVA_HOME``: how the managed server runs
(:func:`server_config`).
``TRACEGRAPH_AUTHOR``: the name judgements are signed with (:func:`author`).
``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``: a server of the
user's own, when no flag names one (:func:`connection_settings`).
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import click

from graph.connection import ConnectionSettings, resolve_settings
from graph.server import NEO4J_VERSION, ServerConfig

__all__ = ["SettingsError", "home_dir", "cache_dir", "author", "server_config", "connection_values",
           "connection_settings"]


class SettingsError(click.ClickException):
    """A ``TRACEGRAPH_*`` variable holds a value that cannot work; the message names it.
    A click error, so any command prints it as one line."""


# what Neo4j and the JVM both take as a size: a whole number and k, m or g (a bare number
# would be bytes, never what anyone meant)
_SIZE = re.compile(r"[1-9][0-9]{0,8}[kKmMgG]")
_VERSION = re.compile(r"5\.[0-9]{1,3}\.[0-9]{1,3}")


def _env_size(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if not _SIZE.fullmatch(value):
        raise SettingsError(f"{name}={value!r} is not a memory size: write e.g. 512m or 2g")
    return value


def _env_number(name: str, default, kind, low, high):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        what = "whole number" if kind is int else "number"
        raise SettingsError(f"{name}={raw!r} is not a {what} from {low} to {high}")
    return value


def _env_version() -> str:
    value = os.environ.get("TRACEGRAPH_NEO4J_VERSION", "").strip() or NEO4J_VERSION
    if not _VERSION.fullmatch(value):
        raise SettingsError(f"TRACEGRAPH_NEO4J_VERSION={value!r} is not a Neo4j 5 version "
                            f"such as {NEO4J_VERSION}")
    return value


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
    variables, ``TRACEGRAPH_MAVEN_ARGS`` and ``JAVA_HOME``.

    Raises
    ------
    SettingsError
        When a variable holds a value that cannot work (a port out of range, a heap of
        ``lots``, a version that is not Neo4j 5): one line naming it.
    """
    java_home = os.environ.get("JAVA_HOME")
    try:
        maven_args = tuple(shlex.split(os.environ.get("TRACEGRAPH_MAVEN_ARGS", "")))
    except ValueError as error:
        raise SettingsError(f"TRACEGRAPH_MAVEN_ARGS cannot be split into words: {error}") \
            from error
    return ServerConfig(
        home=home_dir(),
        cache=cache_dir(),
        version=_env_version(),
        port=_env_number("TRACEGRAPH_NEO4J_PORT", None, int, 1, 65535),
        heap=_env_size("TRACEGRAPH_NEO4J_HEAP", "1g"),
        pagecache=_env_size("TRACEGRAPH_NEO4J_PAGECACHE", "512m"),
        start_timeout=_env_number("TRACEGRAPH_NEO4J_START_TIMEOUT", 180.0, float, 1, 86400),
        maven_args=maven_args,
        java_home=Path(java_home) if java_home else None,
    )


def author() -> str:
    """Who makes a judgement (``tracegraph review``, the workbench's triage):
    ``TRACEGRAPH_AUTHOR``, else the user name, else ``unknown``."""
    import getpass

    name = os.environ.get("TRACEGRAPH_AUTHOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment: say so rather than fail
        return "unknown"


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
