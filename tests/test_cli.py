"""The command line end to end: help texts, and every result command on a loaded world.

The help tests need nothing. The others share one generated world (seed 1) loaded through
``tracegraph load`` into the session's real Neo4j server; chains and fronts are run once
with their defaults when the world is loaded, a test that asks other questions puts the
default results back afterwards, and a test that empties the graph makes the next one load
the world again, so the tests do not depend on their order.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from loaders.normalize import normalize_identifier
from loaders.world import generate_world
from queries.network import BROKER_COLUMNS, COMMUNITY_COLUMNS, EXPOSURE_COLUMNS
from queries.reference import CHAIN_MIN_SCORE, FRONT_SUSPECT_SCORE
from tracegraph.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
SEED = 1

# CONTRACT.md "Outputs", in its order: outside scripts read these names.
CHAIN_COLUMNS = ["chain_id", "score", "hs_code", "hops", "countries", "entity_ids",
                 "entity_names", "registration_numbers", "record_ids", "first_date",
                 "last_date", "max_lag_days", "quantity_ratio", "value_usd_in",
                 "value_usd_out", "reasons"]
FRONT_COLUMNS = ["entity_id", "name", "country", "registration_number", "incorporation_date",
                 "score", "reasons"]
# look-alikes that pass goods on but are no scheme: none may sit in a strong chain
CHAIN_LOOKALIKES = ("old_reexporter", "different_hs", "ordinary_passthrough")


def _invoke(*args: str, ok: bool = True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _one_line_error(result, *words: str) -> str:
    """The single ``Error:`` line of a failed command; no traceback, the words in it."""
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    for word in words:
        assert word in errors[0]
    return errors[0]


# --------------------------------------------------------------------------- help


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


COMMAND_PATHS = list(_command_paths(cli))


def _command(path: tuple[str, ...]) -> click.Command:
    command = cli
    for name in path:
        command = command.commands[name]
    return command


def test_the_walk_finds_commands_and_subcommands():
    # control: the parametrised tests below prove nothing if the walk finds nothing
    assert {("load",), ("chains",), ("demo",), ("neo4j", "start"), ("query", "run"),
            ("network", "brokers")} <= set(COMMAND_PATHS)


@pytest.mark.parametrize("path", [(), *COMMAND_PATHS], ids=lambda p: " ".join(p) or "tracegraph")
def test_every_command_has_help_with_an_example(path):
    command = _command(path)
    assert command.help and "Example:" in command.help, f"{path}: docstring without Example:"
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="tracegraph")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(('tracegraph', *path))} ")
    # the first line of the docstring, wrapped to the terminal
    assert " ".join(command.help.splitlines()[0].split()) in " ".join(result.output.split())
    example = result.output.split("Example:", 1)[1].splitlines()
    # the example calls this very command (a group's example one of its subcommands)
    called = " ".join(("tracegraph", *path))
    assert any(line.strip().startswith(called) for line in example), result.output


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_every_command_is_in_the_readme(path):
    readme = README.read_text(encoding="utf-8")
    name = " ".join(("tracegraph", *path))
    assert re.search(re.escape(name) + r"(?![\w-])", readme), f"{name} missing from README.md"


# --------------------------------------------------------------------------- a loaded world


@dataclass
class World:
    folder: Path
    truth: dict
    report: dict
    chains: pd.DataFrame            # `tracegraph chains --out` with the defaults
    forwarded: set[tuple[str, str]]  # FORWARDED_AS (record id -> record id) just after it
    roles: dict[str, set[str]]       # role label -> entity ids just after it
    fronts: pd.DataFrame            # `tracegraph fronts --out` with the defaults
    suspects: set[str]               # FrontSuspect ids just after it


def _roles(graph) -> dict[str, set[str]]:
    return {label: {r["id"] for r in graph.read(f"MATCH (c:{label}) RETURN c.id AS id")}
            for label in ("Supplier", "Intermediary", "DefenceBuyer", "FrontSuspect")}


def _forwarded(graph) -> set[tuple[str, str]]:
    rows = graph.read("MATCH (a:Shipment)-[:FORWARDED_AS]->(b:Shipment) "
                      "RETURN a.record_id AS a, b.record_id AS b")
    return {(r["a"], r["b"]) for r in rows}


def _load_world(graph, folder: Path, paths) -> World:
    graph.reset()
    report_path = folder / "load.json"  # rejects land beside it, not in the working dir
    _invoke("load", str(paths.companies), str(paths.officers), str(paths.watchlist),
            str(paths.shipments), "--report", str(report_path))
    chains_path, fronts_path = folder / "chains.csv", folder / "fronts.csv"
    _invoke("chains", "--out", str(chains_path))
    forwarded, roles = _forwarded(graph), _roles(graph)
    _invoke("fronts", "--out", str(fronts_path))
    return World(folder=folder, truth=json.loads(paths.truth.read_text(encoding="utf-8")),
                 report=json.loads(report_path.read_text(encoding="utf-8")),
                 chains=_frame(chains_path.read_text(encoding="utf-8")),
                 forwarded=forwarded, roles=roles,
                 fronts=_frame(fronts_path.read_text(encoding="utf-8")),
                 suspects=_roles(graph)["FrontSuspect"])


@pytest.fixture(scope="module")
def _world_cache(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("cli-world")
    return {"folder": folder, "paths": generate_world(folder / "data", seed=SEED), "world": None}


@pytest.fixture
def world(graph, _world_cache) -> World:
    """The world, loaded once per module; loaded again only if a test emptied the graph."""
    paths = _world_cache["paths"]
    expected = {str(Path(p).resolve()) for p in (paths.companies, paths.officers,
                                                 paths.watchlist, paths.shipments)}
    held = {r["path"] for r in graph.read("MATCH (s:Source) RETURN s.path AS path")}
    if _world_cache["world"] is None or held != expected:
        _world_cache["world"] = _load_world(graph, _world_cache["folder"], paths)
    return _world_cache["world"]


@pytest.fixture
def default_detection_after(world):
    """Put the default chain results back in the graph after a test asked another question."""
    yield
    _invoke("chains", "--out", str(world.folder / "chains-restored.csv"))


def _steps(path: str) -> list[list[str]]:
    return [[part for part in step.split(";") if part] for step in path.split(">")]


def _links(record_ids) -> set[tuple[str, str]]:
    """(arrival, onward) record id pairs of chains' ``record_ids`` cells."""
    links = set()
    for cell in record_ids:
        steps = _steps(cell)
        for arrivals, onwards in zip(steps, steps[1:]):
            links.update((a, b) for a in arrivals for b in onwards)
    return links


def test_load_accounts_for_every_row(world):
    assert {f["kind"] for f in world.report["files"]} == {"companies", "officers", "watchlist",
                                                          "shipments"}
    for entry in world.report["files"]:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_rejected"], entry


def test_chains_out_writes_the_contract_columns(world):
    assert list(world.chains.columns) == CHAIN_COLUMNS
    assert len(world.chains) > 0
    scores = world.chains["score"].astype(float)
    assert (scores >= CHAIN_MIN_SCORE).all()
    assert scores.is_monotonic_decreasing
    assert world.chains["chain_id"].is_unique


def test_chains_csv_jsonl_and_table_to_stdout(world):
    csv = _invoke("chains", "--format", "csv")
    assert csv.stderr == ""  # nothing said about a file when writing to standard output
    frame = _frame(csv.stdout)
    assert list(frame.columns) == CHAIN_COLUMNS
    pd.testing.assert_frame_equal(frame, world.chains)  # same data, same answer

    jsonl = _invoke("chains", "--format", "jsonl")
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(rows) == len(world.chains)
    assert all(list(row) == CHAIN_COLUMNS for row in rows)
    assert [row["chain_id"] for row in rows] == world.chains["chain_id"].tolist()
    assert isinstance(rows[0]["score"], float) and isinstance(rows[0]["hops"], int)

    table = _invoke("chains", "--format", "table").stdout.splitlines()
    assert table[0].split() == CHAIN_COLUMNS
    assert set(table[1]) == {"-", " "}
    assert len(table) == 2 + len(world.chains)
    assert [line.split()[0] for line in table[2:]] == world.chains["chain_id"].tolist()


def test_chains_out_says_where_it_wrote(world, tmp_path):
    out = tmp_path / "chains.jsonl"
    result = _invoke("chains", "--format", "jsonl", "--out", str(out))
    assert result.stdout == ""
    assert f"wrote {len(world.chains)} rows to {out}" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(world.chains)


def test_chains_are_stored_as_forwarded_as_and_role_labels(world):
    assert world.forwarded, "no FORWARDED_AS after chains"
    assert world.forwarded == _links(world.chains["record_ids"])
    paths = [_steps(ids) for ids in world.chains["entity_ids"]]
    assert world.roles["Intermediary"]
    assert world.roles["Intermediary"] == {e for p in paths for step in p[1:-1] for e in step}
    assert world.roles["Supplier"] == {e for p in paths for e in p[0]}
    assert world.roles["DefenceBuyer"] and world.roles["DefenceBuyer"] <= {
        e for p in paths for e in p[-1]}


def test_chains_recover_the_planted_links(world):
    truth = world.truth
    # either declaration of a mirror pair stands for the one physical shipment
    same = {}
    for importer_side, exporter_side in truth["mirrors"]:
        same[importer_side] = same[exporter_side] = importer_side

    def canonical(links):
        return {(same.get(a, a), same.get(b, b)) for a, b in links}

    planted = canonical(link for chain in truth["chains"] for link in chain["links"])
    found = canonical(_links(world.chains["record_ids"]))
    tp = len(found & planted)
    precision, recall = tp / len(found), tp / len(planted)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    assert f1 >= 0.95, (f"P={precision:.3f} R={recall:.3f}; missed {sorted(planted - found)}; "
                        f"false {sorted(found - planted)}")


def test_no_lookalike_in_a_strong_chain(world, graph):
    lookalikes = [row for row in world.truth["lookalikes"] if row["kind"] in CHAIN_LOOKALIKES]
    assert {row["kind"] for row in lookalikes} == set(CHAIN_LOOKALIKES)
    entity_kind = {}
    for row in lookalikes:
        found = graph.read("MATCH (c:Company {country: $country, registration_number: $reg}) "
                           "RETURN c.id AS id",
                           {"country": row["country"],
                            "reg": normalize_identifier(row["registration_number"])})
        assert len(found) == 1, f"look-alike {row['country']} {row['registration_number']}"
        entity_kind[found[0]["id"]] = row["kind"]
    in_chains = {e for path in world.chains["entity_ids"] for step in _steps(path)
                 for e in step}
    assert not {e: k for e, k in entity_kind.items() if e in in_chains}
    records = {r for row in lookalikes for r in row["record_ids"]}
    chain_records = {r for ids in world.chains["record_ids"] for step in _steps(ids)
                     for r in step}
    assert not records & chain_records


def test_fronts_columns_and_suspect_labels(world):
    assert list(world.fronts.columns) == FRONT_COLUMNS
    scores = world.fronts["score"].astype(float)
    strong = set(world.fronts.loc[scores >= FRONT_SUSPECT_SCORE, "entity_id"])
    assert strong, "no company scored as a front suspect"
    assert world.suspects == strong
    assert world.fronts["reasons"].str.len().gt(0).all()


def test_fronts_min_score_trims_the_output_not_the_suspects(world, graph):
    table = _invoke("fronts", "--format", "table", "--min-score", "0.8").stdout.splitlines()
    assert table[0].split() == FRONT_COLUMNS
    scores = world.fronts["score"].astype(float)
    assert 0 < len(table) - 2 == (scores >= 0.8).sum() < len(world.suspects)
    # FrontSuspect still comes from --suspect-score, whatever is printed
    assert _roles(graph)["FrontSuspect"] == world.suspects


def test_fronts_unknown_weight_is_one_line_error(world):
    result = _invoke("fronts", "--weight", "BOGUS=1", ok=False)
    _one_line_error(result, "BOGUS", "--weight")
    result = _invoke("fronts", "--weight", "NEW_COMPANY=lots", ok=False)
    _one_line_error(result, "NEW_COMPANY=lots")


@pytest.mark.parametrize("command,columns", [
    ("communities", COMMUNITY_COLUMNS),
    ("brokers", BROKER_COLUMNS),
    ("exposure", EXPOSURE_COLUMNS),
])
def test_network_commands(world, command, columns):
    frame = _frame(_invoke("network", command).stdout)
    assert list(frame.columns) == list(columns)
    assert len(frame) > 0
    assert frame["entity_id"].str.match(r"^(co|pe|ad)-").all()


def test_network_communities_hold_the_suspects(world):
    frame = _frame(_invoke("network", "communities").stdout)
    # communities are looked for among the suspects the detections labelled
    assert world.roles["Intermediary"] <= set(frame["entity_id"])
    assert world.suspects <= set(frame["entity_id"])


def test_query_run_with_params(world):
    flows = _frame(_invoke("query", "run", "flows-by-country-year", "--param", "limit=4").stdout)
    assert len(flows) == 4
    assert {"route", "year", "value_usd"} <= set(flows.columns)

    near = _frame(_invoke("query", "run", "within-hops-of-listed", "--param", "max_hops=1",
                          "--format", "csv").stdout)
    assert len(near) > 0
    assert set(near["hops"].astype(int)) <= {0, 1} and 1 in set(near["hops"].astype(int))
    wider = _frame(_invoke("query", "run", "within-hops-of-listed",
                           "--param", "max_hops=2").stdout)
    assert len(wider) > len(near)


def test_query_run_bad_params_are_one_line_errors(world):
    result = _invoke("query", "run", "new-intermediaries", "--param", "bogus=1", ok=False)
    _one_line_error(result, "bogus", "new-intermediaries")
    result = _invoke("query", "run", "within-hops-of-listed", "--param", "max_hops=two",
                     ok=False)
    _one_line_error(result, "max_hops", "two")
    result = _invoke("query", "run", "no-such-question", ok=False)
    _one_line_error(result, "no-such-question")


def test_stats_json_matches_direct_counts(world, graph):
    stats = json.loads(_invoke("stats", "--format", "json").stdout)
    labels = {r["label"]: r["n"] for r in graph.read(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")}
    types = {r["type"]: r["n"] for r in graph.read(
        "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")}
    assert set(labels) <= set(stats["nodes"]), "a label of the graph is not counted"
    assert set(types) <= set(stats["relationships"]), "a relationship type is not counted"
    assert stats["nodes"] == {label: labels.get(label, 0) for label in stats["nodes"]}
    assert stats["relationships"] == {t: types.get(t, 0) for t in stats["relationships"]}
    assert stats["nodes"]["Shipment"] == world.truth["counts"]["shipments_valid_distinct"]
    assert stats["relationships"]["FORWARDED_AS"] > 0
    lists = {r["list"]: r["n"] for r in graph.read(
        "MATCH (l:Listing) RETURN l.list AS list, count(*) AS n")}
    assert lists and stats["listings"] == lists, "listings by list differ from the graph's"
    assert sum(stats["listings"].values()) == stats["nodes"]["Listing"]
    table = _invoke("stats").stdout.splitlines()
    name, count = max(lists.items(), key=lambda item: item[1])
    assert any(line.split()[:2] == ["listing", name] and line.split()[-1] == f"{count:,}"
               for line in table), "the table has no listing row per list"


def test_chains_min_score_and_hs_filter(world, default_detection_after):
    strict = _frame(_invoke("chains", "--min-score", "0.99").stdout)
    assert list(strict.columns) == CHAIN_COLUMNS
    assert len(strict) < len(world.chains)
    assert (strict["score"].astype(float) >= 0.99).all()

    none = _invoke("chains", "--hs", "9999")
    assert _frame(none.stdout).empty
    assert none.stdout.strip() == ",".join(CHAIN_COLUMNS)  # the header is still written
    assert _invoke("chains", "--hs", "9999", "--format", "jsonl").stdout == ""
    assert _invoke("chains", "--hs", "9999", "--format", "table").stdout == "(no rows)\n"


def test_chains_hs_prefix_keeps_only_those_goods(world, default_detection_after):
    hs = world.chains["hs_code"].iloc[0][:4]
    frame = _frame(_invoke("chains", "--hs", hs).stdout)
    expected = world.chains[world.chains["hs_code"].str.startswith(hs)]
    assert len(frame) == len(expected) > 0
    assert frame["hs_code"].str.startswith(hs).all()


def test_load_of_declarations_without_twins(clean_graph, tmp_path, monkeypatch):
    # Customs records say whose customs declared them (`reporter`); a small file in which no
    # declaration has a possible mirror twin must load like any other.
    monkeypatch.chdir(tmp_path)
    shipments = tmp_path / "declarations.csv"
    shipments.write_text(
        "record_id,date,exporter_name,exporter_country,importer_name,importer_country,"
        "hs_code,quantity,unit,value_usd,reporter\n"
        "KG-IM-1,2023-05-02,Shenzhen Lianda Electronics Co. Ltd,CN,OsOO Altyn Trade,KG,"
        "854231,1000,pcs,40000,KG\n"
        "RU-IM-1,2023-05-22,OsOO Altyn Trade,KG,OOO Radiokom,RU,854231,990,pcs,61000,RU\n",
        encoding="utf-8")
    result = _invoke("load", str(shipments))
    assert "read 2, loaded 2, rejected 0" in result.output
    assert clean_graph.stats()["relationships"]["TRADES_WITH"] == 2
