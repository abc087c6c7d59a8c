"""The managed local Neo4j server, the schema, stats and reset, against a real server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from graph import server
from graph.schema import NODES, ROLE_LABELS, RELATIONSHIPS, schema_statements
from tracegraph.cli import cli
from tracegraph.settings import server_config


def _invoke(*args, input=None, env=None):
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


# -- without a server ------------------------------------------------------------------------


def test_schema_statements_cover_every_label():
    text = "\n".join(schema_statements())
    for label in NODES:
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in text
    assert all("IF NOT EXISTS" in s for s in schema_statements())


def test_no_java_gives_install_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(server.JavaMissing, match="openjdk-17"):
        server.install(server.ServerConfig(home=tmp_path / "h", cache=tmp_path / "c"))


def _fake_java(folder: Path, version: str) -> None:
    java = folder / "java"
    java.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2020-01-01\' >&2\n')
    java.chmod(0o755)


def test_old_java_is_refused(tmp_path, monkeypatch):
    _fake_java(tmp_path, "11.0.2")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(server.JavaTooOld, match="Java 11 found"):
        server.install(server.ServerConfig(home=tmp_path / "h", cache=tmp_path / "c"))


def test_missing_maven_is_named(tmp_path, monkeypatch):
    _fake_java(tmp_path, "17.0.15")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(server.MavenFailed, match="apt-get install maven"):
        server.install(server.ServerConfig(home=tmp_path / "h", cache=tmp_path / "c"))


def test_unreachable_maven_central_is_one_clear_line(tmp_path, monkeypatch):
    # a Maven whose only repository is a closed local port: the same failure as no network
    settings = tmp_path / "settings.xml"
    settings.write_text(
        "<settings><mirrors><mirror><id>closed</id><mirrorOf>*</mirrorOf>"
        "<url>http://127.0.0.1:9/</url></mirror></mirrors>"
        f"<localRepository>{tmp_path / 'm2'}</localRepository></settings>"
    )
    config = server.ServerConfig(home=tmp_path / "h", cache=tmp_path / "c",
                                 maven_args=("-s", str(settings)))
    with pytest.raises(server.MavenFailed) as raised:
        server.install(config)
    message = str(raised.value)
    assert "\n" not in message
    assert "Maven" in message and "5.26" in message


# -- against the session's server ------------------------------------------------------------


def test_status_reports_a_running_526_server(neo4j_server):
    result = _invoke("neo4j", "status", "--json")
    status = json.loads(result.output)
    assert status["running"] is True
    assert status["version"].startswith("5.26.")
    assert status["uri"].startswith("bolt://127.0.0.1:")
    assert status["pid"] > 0 and status["store_bytes"] > 0
    assert status["data_dir"].startswith(str(neo4j_server.home))


def test_official_driver_runs_with_stored_password(neo4j_server):
    password_file = neo4j_server.password_file
    assert password_file.stat().st_mode & 0o777 == 0o600
    uri = server.status(neo4j_server).uri
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password_file.read_text().strip())) as d:
        records, _, _ = d.execute_query("RETURN 1 AS one")
    assert records[0]["one"] == 1


def test_start_and_stop_are_idempotent(neo4j_server):
    before = server.status(neo4j_server)
    again = _invoke("neo4j", "start")
    assert again.exit_code == 0
    assert server.status(neo4j_server).pid == before.pid


def test_schema_constraints_exist_after_connect(graph):
    names = {row["name"] for row in graph.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    for label, spec in NODES.items():
        assert f"{label.lower()}_{spec.key}" in names


def test_stats_json_shape(clean_graph):
    clean_graph.write("CREATE (:Company {id: 'c1'})-[:REGISTERED_AT]->(:Address {id: 'a1'})")
    result = _invoke("stats", "--format", "json")
    assert result.exit_code == 0
    stats = json.loads(result.output)
    # CONTRACT.md's keys, plus listings by list (keys are added, never renamed)
    assert set(stats) == {"nodes", "relationships", "listings"}
    assert stats["listings"] == {}
    assert set(stats["nodes"]) == set(NODES) | set(ROLE_LABELS)
    assert set(stats["relationships"]) == set(RELATIONSHIPS)
    assert stats["nodes"]["Company"] == 1 and stats["nodes"]["Address"] == 1
    assert stats["relationships"]["REGISTERED_AT"] == 1


def test_reset_asks_then_wipes(clean_graph):
    clean_graph.write("UNWIND range(1, 25) AS i CREATE (:Company {id: 'c' + i})")
    refused = _invoke("reset", input="n\n")
    assert refused.exit_code == 1
    assert clean_graph.stats()["nodes"]["Company"] == 25
    done = _invoke("reset", "--yes")
    assert done.exit_code == 0 and "deleted 25 nodes" in done.output
    assert clean_graph.stats()["nodes"]["Company"] == 0


def test_wrong_password_is_one_clear_line(neo4j_server):
    uri = server.status(neo4j_server).uri
    result = _invoke("stats", "--uri", uri, "--password", "not-the-password")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "refused user 'neo4j'" in lines[0]


def _listen_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_server_listens_on_loopback_only(neo4j_server):
    port = int(server.status(neo4j_server).uri.rsplit(":", 1)[1])
    addresses = _listen_addresses(port)
    assert addresses, "the Bolt port is not listening"
    loopback = {"0100007F", "0000000000000000FFFF00000100007F"}
    assert addresses <= loopback, addresses


def test_port_in_use_is_one_clear_line(neo4j_server, tmp_path, monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("TRACEGRAPH_HOME", str(tmp_path / "other"))
        monkeypatch.setenv("TRACEGRAPH_NEO4J_PORT", str(port))
        result = _invoke("neo4j", "start")
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_second_server_start_stop_status_cycle(neo4j_server, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACEGRAPH_HOME", str(tmp_path / "second"))
    monkeypatch.delenv("TRACEGRAPH_NEO4J_PORT", raising=False)
    assert _invoke("neo4j", "start").exit_code == 0
    assert json.loads(_invoke("neo4j", "status", "--json").output)["running"] is True
    assert "Neo4j stopped" in _invoke("neo4j", "stop").output
    assert "was not running" in _invoke("neo4j", "stop").output
    assert json.loads(_invoke("neo4j", "status", "--json").output)["running"] is False


def test_server_that_dies_at_start_shows_log_tail(neo4j_server, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACEGRAPH_HOME", str(tmp_path / "broken"))
    monkeypatch.delenv("TRACEGRAPH_NEO4J_PORT", raising=False)
    monkeypatch.setenv("TRACEGRAPH_NEO4J_HEAP", "8m")  # far too small: the server dies
    result = _invoke("neo4j", "start")
    assert result.exit_code == 1
    assert "exited at start" in result.output and "log tail" in result.output
    assert server.status(server_config()).running is False


def test_unfinished_bulk_load_is_dropped_only_when_its_process_is_gone(tmp_path, capsys):
    config = server.ServerConfig(home=tmp_path / "h", cache=tmp_path / "c")
    store = config.data_dir / "databases" / "neo4j"
    store.mkdir(parents=True)
    (config.data_dir / "databases" / "system").mkdir()
    server.mark_bulk_load(config, "neo4j")  # this process: a load in progress
    assert not server.recover_unfinished_bulk_load(config)
    assert store.exists() and config.bulk_marker.exists()

    gone = subprocess.Popen(["true"])
    gone.wait()
    config.bulk_marker.write_text(json.dumps({"pid": gone.pid, "started": "1",
                                              "database": "neo4j"}))
    assert server.recover_unfinished_bulk_load(config)
    assert not store.exists() and (config.data_dir / "databases" / "system").exists()
    assert not config.bulk_marker.exists()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "did not finish" in lines[0]
