"""Read commands on a server that refuses writes (issue 11, item 11).

Neo4j Community has no roles, so a read-only *user* cannot be made here; a read-only
*database* (``server.databases.default_to_read_only=true``) refuses the same things a reader
role does: schema changes and writes. A world is loaded into a server of the test's own,
which is then restarted read-only and reached as a configured server (``NEO4J_URI``).
Every command that only reads must answer as it does on a writable graph; chains and
fronts print their findings and say on standard error that they were not stored; commands
that must write stop with one line.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from graph import server
from graph.server import process
from loaders.world import generate_world
from tracegraph.cli import cli


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _ok(*args: str) -> str:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def read_only(managed_server, tmp_path_factory):
    """Chains, fronts and a query result from the writable graph; then the same server
    read-only, reached through NEO4J_URI; yields the writable results and a work folder."""
    folder = tmp_path_factory.mktemp("read-only")
    paths = generate_world(folder / "data", seed=2)
    with managed_server(folder / "home") as config:
        _ok("load", str(paths.companies), str(paths.officers), str(paths.watchlist),
            str(paths.shipments), "--report", str(folder / "load.json"))
        writable = {"chains": _ok("chains"), "fronts": _ok("fronts"),
                    "stats": _ok("stats"),
                    "query": _ok("query", "run", "new-intermediaries")}
        server.stop(config)
        patch = pytest.MonkeyPatch()
        original = process._write_conf

        def read_only_conf(config, *args, **kwargs):
            original(config, *args, **kwargs)
            with (config.conf_dir / "neo4j.conf").open("a", encoding="utf-8") as f:
                f.write("server.databases.default_to_read_only=true\n")

        patch.setattr(process, "_write_conf", read_only_conf)
        try:
            status = server.start(config)
        finally:
            patch.undo()
        patch.setenv("NEO4J_URI", status.uri)
        patch.setenv("NEO4J_PASSWORD", server.read_password(config))
        try:
            yield {"writable": writable, "folder": folder, "paths": paths}
        finally:
            patch.undo()


@pytest.mark.parametrize("command", [
    ("load", "{companies}", "--report", "{folder}/refused.json"), ("reset", "--yes")])
def test_commands_that_write_stop_with_one_line(read_only, command):
    args = [a.format(companies=read_only["paths"].companies, folder=read_only["folder"])
            for a in command]
    result = _run(*args)
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert errors[0].endswith("(a read-only user or database)"), errors[0]
    assert "Traceback" not in result.output


def test_read_commands_answer_as_on_a_writable_graph(read_only):
    writable = read_only["writable"]
    assert _ok("stats") == writable["stats"]
    assert _ok("query", "run", "new-intermediaries") == writable["query"]
    assert len(_frame(writable["query"])) > 0


def test_chains_and_fronts_print_their_findings_and_say_they_were_not_stored(read_only):
    writable = read_only["writable"]
    for command in ("chains", "fronts"):
        result = _run(command)
        assert result.exit_code == 0, result.output
        assert result.stdout == writable[command]
        notes = [line for line in result.stderr.splitlines() if line.startswith("Note:")]
        assert len(notes) == 1 and "not stored" in notes[0], result.stderr
    assert len(_frame(writable["chains"])) > 0


def test_maps_exports_network_and_case_files_need_no_writes(read_only):
    folder = read_only["folder"]
    chain_id = _frame(read_only["writable"]["chains"])["chain_id"].iloc[0]
    _ok("map", "--chain", chain_id, "--out", str(folder / "chain.html"))
    assert (folder / "chain.html").stat().st_size > 0
    _ok("export", "--fronts", "--format", "gexf", "--out", str(folder / "fronts.gexf"))
    assert (folder / "fronts.gexf").stat().st_size > 0
    _ok("case", chain_id, "--out", str(folder / "case"))
    assert any((folder / "case").iterdir())
    assert _ok("network", "brokers")
    _ok("review", "list")
