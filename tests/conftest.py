"""Shared fixtures: one real managed Neo4j server for the whole test session.

Tests that need it are marked ``neo4j``; ``pytest -m "not neo4j"`` runs the rest without a
server. The server lives in a temporary TRACEGRAPH_HOME on a free port and is stopped at
the end of the session; its jars come from the user's cache (installed once).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

_CONNECTION_VARS = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE",
                    "TRACEGRAPH_NEO4J_PORT")


def shared_data(*parts: str) -> Path:
    """A path in ../shared/data, or skip the test saying why."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (it ships beside the repo in CI only)")
    return path


# fixtures that start a server: a test using one (directly or through another fixture) is an
# integration test, whatever its author marked
_SERVER_FIXTURES = frozenset({"neo4j_server", "managed_server"})


def pytest_collection_modifyitems(items):
    for item in items:
        if _SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


@contextlib.contextmanager
def _managed_server_in(home: Path):
    """The managed server with ``home`` as TRACEGRAPH_HOME, no connection variables from the
    shell; stopped and the environment restored on exit."""
    from graph import server
    from tracegraph.settings import server_config

    patch = pytest.MonkeyPatch()
    patch.setenv("TRACEGRAPH_HOME", str(home))
    for name in _CONNECTION_VARS:
        patch.delenv(name, raising=False)
    config = server_config()
    try:
        server.start(config)
        yield config
    finally:
        server.stop(config)
        patch.undo()


@pytest.fixture(scope="session")
def managed_server():
    """``with managed_server(home) as config:`` a server of the test's own, for tests that
    stop and restart it (the session's shared one must stay up)."""
    return _managed_server_in


@pytest.fixture(scope="session")
def neo4j_server(managed_server, tmp_path_factory):
    """Start the managed server in a temporary home; yield its ServerConfig."""
    with managed_server(tmp_path_factory.mktemp("tracegraph-home")) as config:
        yield config


@pytest.fixture(scope="session")
def graph(neo4j_server):
    """A connected graph.connection.Graph on the session's server, schema created."""
    from graph.connection import connect
    from tracegraph.settings import connection_settings

    with connect(connection_settings()) as connected:
        yield connected


@pytest.fixture
def clean_graph(graph):
    """The session graph, emptied before the test."""
    graph.reset()
    return graph


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module, offline, recording every request."""
    from browser import Browser, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(f"browser tests need headless Chromium: {reason}")
    with Browser() as browser:
        yield browser


@pytest.fixture
def isolated_env(monkeypatch):
    """No connection variables from the developer's shell leak into a test."""
    for name in _CONNECTION_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def pytest_report_header(config):
    from tracegraph.settings import cache_dir

    return [f"shared data: {SHARED_DATA} ({'present' if SHARED_DATA.exists() else 'absent'})",
            f"TRACEGRAPH_CACHE: {cache_dir()}"]
