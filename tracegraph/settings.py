"""Where tracegraph keeps things on this machine, each read from the environment in one place.

``TRACEGRAPH_HOME`` (default ``$XDG_DATA_HOME/tracegraph``, else
``~/.local/share/tracegraph``): the managed server's data, logs and password.
``TRACEGRAPH_CACHE`` (default ``$XDG_CACHE_HOME/tracegraph``, else ``~/.cache/tracegraph``):
what can be fetched or built again — the Neo4j jars, rigour's territory table.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["home_dir", "cache_dir"]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def home_dir() -> Path:
    xdg_data = _env_path("XDG_DATA_HOME", Path.home() / ".local" / "share")
    return _env_path("TRACEGRAPH_HOME", xdg_data / "tracegraph")


def cache_dir() -> Path:
    xdg_cache = _env_path("XDG_CACHE_HOME", Path.home() / ".cache")
    return _env_path("TRACEGRAPH_CACHE", xdg_cache / "tracegraph")
