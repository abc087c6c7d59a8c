"""The bulk path (neo4j-admin import, then replay) against the transactional one, on a real
server of its own: the same world gives the same graph, a killed bulk load run again too."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from graph import server
from graph.connection import connect
from tracegraph.jobs.load import load_files
from loaders.world import generate_world
from tracegraph.cli import cli
from tracegraph.settings import connection_settings, server_config

@pytest.fixture(scope="module")
def bulk_server(managed_server, tmp_path_factory):
    """A managed server in a home of its own: these tests stop and restart it."""
    with managed_server(tmp_path_factory.mktemp("tracegraph-bulk-home")) as config:
        yield config


@pytest.fixture
def bulk_graph(bulk_server, tmp_path, monkeypatch):
    """An empty graph on the module's server; rejects files land in tmp_path."""
    monkeypatch.chdir(tmp_path)
    with connect(connection_settings()) as graph:
        graph.reset()
        yield graph


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    paths = generate_world(tmp_path_factory.mktemp("bulk-world"), seed=3)
    return [str(paths.companies), str(paths.officers), str(paths.watchlist),
            str(paths.shipments)]


def _value(value):
    """Comparable form of a property value: dates as text, sums of floats to 12 digits (the
    server and pandas may add in another order), lists as lists."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [_value(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def dump(graph) -> tuple[list, list]:
    """Every node (labels, properties but load times) and relationship (type, end ids,
    properties), sorted: two graphs are the same when their dumps are equal."""
    nodes = []
    for row in graph.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"):
        props = {k: _value(v) for k, v in row["props"].items() if k != "loaded_at"}
        nodes.append(json.dumps([sorted(row["labels"]), props], sort_keys=True, default=str))
    rels = []
    for row in graph.read("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, "
                          "properties(r) AS props"):
        props = {k: _value(v) for k, v in row["props"].items()}
        if "hs6s" in props:  # collected in whatever order the server met them
            props["hs6s"] = sorted(props["hs6s"])
        rels.append(json.dumps([row["type"], row["a"], row["b"], props], sort_keys=True,
                               default=str))
    return sorted(nodes), sorted(rels)


def _files(report):
    return [{k: v for k, v in f.items()} for f in report["files"]]


def test_bulk_load_gives_the_graph_of_the_transactional_one(bulk_graph, world, tmp_path):
    plain = load_files(bulk_graph, world, bulk=False, report_path=tmp_path / "a" / "r.json")
    assert plain["path"] == "transactional"
    expected, expected_stats = dump(bulk_graph), bulk_graph.stats()
    assert expected_stats["nodes"]["Shipment"] > 1000
    bulk_graph.reset()

    report = load_files(bulk_graph, world, bulk=True, report_path=tmp_path / "b" / "r.json")
    assert report["path"] == "bulk"
    for key in ("bulk_stop", "bulk_import", "bulk_start", "bulk_replay"):
        assert key in report["timings"]
    assert [(f["rows_read"], f["rows_loaded"], f["rows_rejected"]) for f in report["files"]] \
        == [(f["rows_read"], f["rows_loaded"], f["rows_rejected"]) for f in plain["files"]]
    assert report["entities"] == plain["entities"] and report["derived"] == plain["derived"]
    assert bulk_graph.stats() == expected_stats
    assert dump(bulk_graph) == expected
    assert not server_config().bulk_marker.exists()

    # loading again: the graph is no longer empty, so the transactional path, which
    # finds everything there already
    again = load_files(bulk_graph, world)
    assert again["path"] == "transactional"
    assert dump(bulk_graph) == expected


def test_bulk_refused_on_a_graph_that_holds_nodes(bulk_graph, world):
    bulk_graph.write("CREATE (:Company {id: 'co-x'})")
    result = CliRunner().invoke(cli, ["load", "--bulk", world[0]])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "empty graph" in lines[0], result.output


def test_bulk_refused_on_a_configured_server(bulk_server, world):
    uri = server.status(bulk_server).uri
    result = CliRunner().invoke(cli, ["load", "--bulk", world[0], "--uri", uri, "--password",
                                      server.read_password(bulk_server)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "managed local server" in lines[0], result.output


def _in_import(config) -> bool:
    return (config.home / "bulk" / "import.log").exists()


def _in_replay(config) -> bool:
    if not config.bulk_marker.exists() or _in_import(config) is False:
        return False
    try:  # never starting the server: the load does that
        with connect(connection_settings(start_local=False), schema=False) as graph:
            return graph.read("MATCH (s:Shipment) RETURN count(s) AS n")[0]["n"] > 0
    except Exception:
        return False


@pytest.mark.parametrize("moment", [_in_import, _in_replay], ids=["import", "replay"])
def test_killed_bulk_load_run_again_ends_in_the_same_graph(bulk_graph, bulk_server, world,
                                                           moment):
    result = CliRunner().invoke(cli, ["load", "--no-bulk", *world], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    expected = dump(bulk_graph)
    bulk_graph.reset()
    bulk_graph.close()

    process = subprocess.Popen([sys.executable, "-m", "tracegraph.cli", "load", "--bulk", *world],
                               env=dict(os.environ), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if moment(bulk_server):
                break
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the load finished before it could be killed"
    assert bulk_server.bulk_marker.exists()

    result = CliRunner().invoke(cli, ["load", "--bulk", *world], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "did not finish" in result.output  # the warning, on stderr (mixed in here)
    with connect(connection_settings()) as graph:
        assert dump(graph) == expected


def test_failed_import_names_the_reason_and_leaves_the_graph_empty(bulk_graph, world,
                                                                   monkeypatch, tmp_path):
    from graph.bulk import BulkWriter

    arguments = BulkWriter.import_arguments
    missing = tmp_path / "no-such-file.csv"
    monkeypatch.setattr(BulkWriter, "import_arguments",
                        lambda self: [*arguments(self), f"--nodes=Shipment={missing}"])
    result = CliRunner().invoke(cli, ["load", "--bulk", *world])
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and "no-such-file.csv" in errors[0], result.output
    assert not server_config().bulk_marker.exists()
    monkeypatch.undo()  # the import runs again as it is (and the working directory is back)
    with connect(connection_settings()) as graph:
        assert not any(graph.stats()["nodes"].values())
        report = load_files(graph, world, bulk=True, report_path=tmp_path / "report.json")
        assert report["path"] == "bulk"
        assert graph.stats()["nodes"]["Shipment"] > 1000


# -- without a server: what goes to the import files and what to the replay -------------------


def _chunk(rows):
    import datetime as dt

    import pandas as pd

    frame = pd.DataFrame([{"shipment_id": sid, "record_id": sid.upper(),
                           "date": dt.date(2023, 1, 2), "hs6": "854231", "quantity": q,
                           "exporter_entity_id": exporter, "importer_entity_id": "co-b",
                           "reporter": "KG", "line_number": line}
                          for sid, q, exporter, line in rows])
    return {"shipments": frame}


def test_first_row_of_an_id_is_imported_later_rows_and_unlinked_rows_are_replayed(tmp_path):
    import csv
    import pickle
    import types

    from graph.bulk import BulkWriter

    config = server.ServerConfig(home=tmp_path / "home", cache=tmp_path / "cache")
    graph = types.SimpleNamespace(database=None, settings=None)  # not used before finish
    writer = BulkWriter(graph, config, kept_columns=("shipment_id", "exporter_entity_id"),
                        groups=2)
    writer.write(_chunk([("sh-a", 1.0, "co-a", 2), ("sh-b", 2.5, "co-a", 3),
                         ("sh-a", 9.0, "co-a", 4), ("sh-c", 3.0, None, 5)]), "src-1")
    writer.write(_chunk([("sh-b", 7.0, "co-a", 2), ("sh-d", float("nan"), "co-c", 3)]), "src-1")
    writer.close_files()

    assert writer.imported == 3 and writer.replayed_rows == 3
    nodes = [row for path in sorted(writer.folder.glob("shipments-*.csv"))
             for row in csv.DictReader(path.open())]
    assert [(r[":ID(Shipment)"], r["id"], r["quantity:double"]) for r in nodes] == \
        [("0", "sh-a", "1"), ("1", "sh-b", "2.5"), ("2", "sh-d", "")]
    assert nodes[0]["date:date"] == "2023-01-02"
    args = writer.import_arguments()  # writes the bare nodes' files
    companies = {r[":ID(Company)"]: r["id"] for r in
                 csv.DictReader((writer.folder / "Company.csv").open())}
    assert sorted(companies.values()) == ["co-a", "co-b", "co-c"]  # exporters, the importer
    shipment = {r[":ID(Shipment)"]: r["id"] for r in nodes}
    exported = list(csv.reader((writer.folder / "EXPORTED.csv").open()))
    assert exported[0] == [":START_ID(Company)", ":END_ID(Shipment)"]
    assert [(companies[c], shipment[s]) for c, s in exported[1:]] == \
        [("co-a", "sh-a"), ("co-a", "sh-b"), ("co-c", "sh-d")]
    sources = list(csv.DictReader((writer.folder / "Source.csv").open()))
    assert [r["id"] for r in sources] == ["src-1"]
    provenance = list(csv.reader((writer.folder / "FROM_SOURCE.csv").open()))
    assert provenance[0][2] == "row:long"
    assert provenance[1] == ["0", sources[0][":ID(Source)"], "2"]

    replayed = []
    with open(writer.folder / "replay.pickle", "rb") as spool:
        while True:
            try:
                replayed.append(pickle.load(spool))
            except EOFError:
                break
    ids = [list(args[0]["shipments"]["shipment_id"]) for _, args in replayed]
    assert ids == [["sh-a", "sh-c"], ["sh-b"]]  # GraphWriter skips what exists, as it would
    kept = sorted(i for frame in writer.shipment_groups() for i in frame["shipment_id"])
    assert kept == ["sh-a", "sh-b", "sh-d"]
    assert "--ignore-empty-strings=true" in args and "--id-type=integer" in args
    assert not any(a.startswith("--multiline-fields") for a in args)
    writer.abandon()
    assert not writer.folder.exists()


def test_files_with_line_breaks_in_values_are_read_as_multiline(tmp_path):
    import types

    from graph.bulk import BulkWriter

    config = server.ServerConfig(home=tmp_path / "home", cache=tmp_path / "cache")
    writer = BulkWriter(types.SimpleNamespace(database=None, settings=None), config)
    frames = _chunk([("sh-a", 1.0, "co-a", 2)])
    frames["shipments"]["description"] = ["Микросхемы\nинтегральные"]
    writer.write(frames, "src-1")
    writer.write(_chunk([("sh-b", 1.0, "co-a", 3)]), "src-1")
    writer.close_files()
    args = writer.import_arguments()
    multiline = [a for a in args if a.startswith("--multiline-fields=")]
    assert multiline == [f"--multiline-fields={writer.folder / 'shipments-00000.csv'}"]
    writer.abandon()
