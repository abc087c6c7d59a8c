"""Server hygiene and large-graph behaviour: the password never on a command line, a pid file
never trusted blindly, settings checked, Maven strict, reset in server-side batches, and a
server-side error as one line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import server
from graph.connection import QueryFailed
from graph.server.config import ADMIN_CLASS, MAIN_CLASS
from tracegraph.cli import cli


def _invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


# -- without a server ------------------------------------------------------------------------


def test_password_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "neo4j-password"
    old_umask = os.umask(0)  # the mode must not depend on the caller's umask
    try:
        server.create_password_file(path, "pfirst-secret")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(server.PasswordFileExists, match="does not overwrite"):
        server.create_password_file(path, "psecond-secret")
    assert path.read_text().strip() == "pfirst-secret"
    # nor through a link planted where the file goes
    target = tmp_path / "elsewhere"
    target.write_text("untouched")
    link = tmp_path / "linked-password"
    link.symlink_to(target)
    with pytest.raises(server.PasswordFileExists):
        server.create_password_file(link, "pthird-secret")
    assert target.read_text() == "untouched"


@pytest.mark.parametrize("name, value", [
    ("TRACEGRAPH_NEO4J_HEAP", "lots"),
    ("TRACEGRAPH_NEO4J_HEAP", "-Xmx4g"),
    ("TRACEGRAPH_NEO4J_HEAP", "4"),
    ("TRACEGRAPH_NEO4J_PAGECACHE", "1g; rm -rf"),
    ("TRACEGRAPH_NEO4J_PORT", "70000"),
    ("TRACEGRAPH_NEO4J_PORT", "7687x"),
    ("TRACEGRAPH_NEO4J_VERSION", "latest"),
    ("TRACEGRAPH_NEO4J_START_TIMEOUT", "nan"),
])
def test_bad_server_setting_is_one_line_naming_it(tmp_path, name, value):
    env = {"TRACEGRAPH_HOME": str(tmp_path / "home"), name: value}
    for command in (("neo4j", "status"), ("stats",)):
        result = _invoke(*command, env=env)
        assert result.exit_code == 1, result.output
        lines = _lines(result.output)
        assert len(lines) == 1 and lines[0].startswith(f"Error: {name}="), lines
    assert not (tmp_path / "home").exists()  # nothing was started or written


def test_good_server_settings_pass(tmp_path, monkeypatch):
    from tracegraph.settings import server_config

    monkeypatch.setenv("TRACEGRAPH_NEO4J_HEAP", "2G")
    monkeypatch.setenv("TRACEGRAPH_NEO4J_PAGECACHE", "768m")
    monkeypatch.setenv("TRACEGRAPH_NEO4J_PORT", "17687")
    monkeypatch.setenv("TRACEGRAPH_NEO4J_VERSION", "5.26.1")
    config = server_config()
    assert (config.heap, config.pagecache, config.port, config.version) == \
        ("2G", "768m", 17687, "5.26.1")


def test_unknown_uri_scheme_is_one_line(isolated_env):
    result = _invoke("stats", "--uri", "nonsense://x", "--password", "x")
    assert result.exit_code == 1
    lines = _lines(result.output)
    assert len(lines) == 1 and lines[0].startswith("Error: bad Neo4j URI 'nonsense://x'")


def test_maven_runs_with_strict_checksums(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").write_text("#!/bin/sh\necho 'openjdk version \"17.0.9\"' >&2\n")
    record = tmp_path / "mvn-args"
    (bin_dir / "mvn").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n'
                                 'echo "[ERROR] stopped by the test"; exit 1\n')
    for tool in ("java", "mvn"):
        (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(server.MavenFailed, match="stopped by the test"):
        server.install(server.ServerConfig(home=tmp_path / "h", cache=tmp_path / "c"))
    assert "-C" in record.read_text().splitlines()


def _process_started(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


def _spawned(argv: list[str]) -> subprocess.Popen:
    """``argv`` started, returned once /proc shows its own command line: right after the fork
    the child can still show its parent's command line or an empty one."""
    process = subprocess.Popen(argv)
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    for _ in range(500):
        if cmdline.read_bytes().split(b"\0")[:len(argv)] == [a.encode() for a in argv]:
            return process
        threading.Event().wait(0.01)
    process.kill()
    raise AssertionError(f"{argv[0]} did not show its command line within 5 s")


def _lookalike(config: server.ServerConfig) -> subprocess.Popen:
    """A process whose command line names Neo4j's main class and our configuration: only
    its start time tells it from the server tracegraph launched."""
    return _spawned([sys.executable, "-c", "import time; time.sleep(60)",
                     MAIN_CLASS, f"--config-dir={config.conf_dir}"])


def test_stop_leaves_alone_a_pid_that_is_not_our_server(tmp_path):
    home = tmp_path / "home"
    config = server.ServerConfig(home=home, cache=tmp_path / "cache")
    config.run_dir.mkdir(parents=True)
    unrelated = _spawned(["sleep", "60"])
    lookalike = _lookalike(config)
    try:
        config.pid_file.write_text(str(unrelated.pid))
        result = _invoke("neo4j", "stop", env={"TRACEGRAPH_HOME": str(home)})
        assert result.exit_code == 0
        assert unrelated.poll() is None, "an unrelated process was signalled"
        said = [line for line in _lines(result.output) if "is not our Neo4j" in line]
        assert len(said) == 1 and f"pid {unrelated.pid}" in said[0] and "sleep" in said[0]
        assert not config.pid_file.exists()

        # the right command line, but not the start time recorded at launch: a reused pid
        config.pid_file.write_text(str(lookalike.pid))
        config.state_file.write_text(json.dumps({"pid": lookalike.pid, "started": "1"}))
        assert server.stop(config, timeout=5) is False
        assert lookalike.poll() is None
        assert server.status(config).pid is None

        # the look-alike with its true start time is what we launched: it is stopped
        config.pid_file.write_text(str(lookalike.pid))
        config.state_file.write_text(json.dumps(
            {"pid": lookalike.pid, "started": _process_started(lookalike.pid)}))
        assert server.stop(config, timeout=5) is True
        assert lookalike.wait(timeout=10) is not None
    finally:
        for process in (unrelated, lookalike):
            process.kill()
            process.wait()


# -- against a real server -------------------------------------------------------------------


class _CommandLines(threading.Thread):
    """Records the command line of every process that mentions ``marker`` while it runs."""

    def __init__(self, marker: str):
        super().__init__(daemon=True)
        self.marker, self.seen, self.done = marker, {}, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit() or entry.name in self.seen:
                    continue
                try:
                    argv = (entry / "cmdline").read_bytes().decode(errors="replace")
                except OSError:
                    continue
                if self.marker in argv:
                    self.seen[entry.name] = argv.replace("\0", " ")
            self.done.wait(0.02)


def test_password_never_on_a_command_line(managed_server, tmp_path):
    home = tmp_path / "own-home"
    watcher = _CommandLines(str(home))
    watcher.start()
    try:
        with managed_server(home) as config:
            password = server.read_password(config)
            running = dict(watcher.seen)
    finally:
        watcher.done.set()
        watcher.join()
    assert stat.S_IMODE(config.password_file.stat().st_mode) == 0o600
    assert any(ADMIN_CLASS in argv and "set-initial-password" in argv
               for argv in running.values()), "the admin tool was never seen running"
    assert any(MAIN_CLASS in argv for argv in running.values())
    assert not [argv for argv in watcher.seen.values() if password in argv]
    assert not list(home.glob(".initial-password*"))  # the argument file is gone


def _last_transaction(graph) -> int:
    """The sequence number of the newest transaction begun on the database (this one)."""
    rows = graph.read("SHOW TRANSACTIONS YIELD transactionId RETURN transactionId AS id")
    return max(int(row["id"].rsplit("-", 1)[1]) for row in rows)


def test_reset_deletes_in_server_side_batches(clean_graph):
    clean_graph.write("UNWIND range(1, 3000) AS i CREATE (:Company {id: 'c' + i})"
                      "-[:REGISTERED_AT]->(:Address {id: 'a' + i})")
    before = _last_transaction(clean_graph)
    assert clean_graph.reset(batch=250) == 6000
    assert clean_graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
    # 6,000 nodes in batches of 250: at least 24 transactions, not one
    assert _last_transaction(clean_graph) - before >= 24


def test_reset_deletes_a_busy_node_s_relationships_in_batches_too(clean_graph):
    # like the Source node every shipment comes FROM_SOURCE: deleted with its relationships,
    # it would take the whole graph into one transaction
    clean_graph.write("CREATE (s:Source {id: 's'}) WITH s UNWIND range(1, 3000) AS i "
                      "CREATE (:Shipment {id: 'sh' + i})-[:FROM_SOURCE]->(s)")
    before = _last_transaction(clean_graph)
    assert clean_graph.reset(batch=250) == 3001
    assert clean_graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
    # 3,000 relationships, then 3,001 nodes, in batches of 250: 12 + 13 transactions at
    # least (by nodes alone, the first would hold the Source and all 3,000 relationships)
    assert _last_transaction(clean_graph) - before >= 25


class _OutOfMemoryDriver:
    """A driver whose server counts 5 nodes and runs out of memory on any auto-commit
    query, as a server with too small a heap does on a big reset."""

    def __init__(self):
        from neo4j.exceptions import Neo4jError

        self.error = Neo4jError._hydrate_neo4j(
            code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
            message="Unable to complete transaction.: The memory pool limit was exceeded."
                    "\nThe corresponding setting can be found in the error message")

    def execute_query(self, *args, **kwargs):
        class Record:
            def data(self):
                return {"n": 5}

        return [Record()], None, None

    def session(self, **kwargs):
        driver = self

        class Session:
            def run(self, *args, **kwargs):
                raise driver.error

            def close(self):
                pass

        return Session()

    def close(self):
        pass


def test_reset_out_of_memory_is_one_line_with_the_heap_hint(monkeypatch):
    from graph.connection import ConnectionSettings, Graph

    settings = ConnectionSettings("bolt://127.0.0.1:7687", "neo4j", "p", None, managed=True)
    monkeypatch.setattr("tracegraph.options.connection_settings", lambda *a, **k: settings)
    monkeypatch.setattr("tracegraph.options.connect",
                        lambda s: Graph(_OutOfMemoryDriver(), s))
    result = _invoke("reset", "--yes")
    assert result.exit_code == 1
    lines = _lines(result.output)
    assert len(lines) == 1 and lines[0].startswith("Error:"), lines
    assert "MemoryPoolOutOfMemoryError" in lines[0] and "TRACEGRAPH_NEO4J_HEAP" in lines[0]
    assert "Traceback" not in result.output


def test_server_memory_error_is_one_line_with_the_heap_hint():
    from neo4j.exceptions import Neo4jError

    from graph.connection import ConnectionSettings, translate_error

    # the error as the driver builds it from the server's answer
    error = Neo4jError._hydrate_neo4j(
        code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        message="The allocation of an extra 2.0 MiB would use more than the limit 1.0 GiB."
                "\nCurrently using 1.0 GiB. dbms.memory.transaction.total.max threshold reached")
    managed = ConnectionSettings("bolt://127.0.0.1:7687", "neo4j", "p", None, managed=True)
    own = ConnectionSettings("neo4j://db.example:7687", "neo4j", "p", None, managed=False)
    said = str(translate_error(error, managed))
    assert "\n" not in said and "MemoryPoolOutOfMemoryError" in said
    assert "raise TRACEGRAPH_NEO4J_HEAP" in said
    assert "TRACEGRAPH_NEO4J_HEAP" not in str(translate_error(error, own))
    assert "server.memory.heap.max_size" in str(translate_error(error, own))


def test_server_side_error_is_one_line_through_the_cli(graph):
    result = _invoke("stats", "--database", "nosuchdatabase")
    assert result.exit_code == 1
    lines = _lines(result.output)
    assert len(lines) == 1 and lines[0].startswith("Error:"), lines
    assert "DatabaseNotFound" in lines[0] or "nosuchdatabase" in lines[0]
