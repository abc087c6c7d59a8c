"""The real sanctions lists (EU, OFAC SDN, BIS Entity List), loaded into the real server with
their profiles: rows accounted for, one node per company across lists, loading twice idempotent."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import shared_data

from tracegraph.cli import cli


def test_both_eu_lists_load_into_the_graph(clean_graph, tmp_path):
    files = [str(shared_data("sanctions", name))
             for name in ("eu-32014R0269.csv", "eu-32014R0833.csv")]
    report_path = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["load", *files, "--profile", "eu-sanctions",
                                      "--report", str(report_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text())
    assert len(report["files"]) == 2
    for entry in report["files"]:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_rejected"]
        assert entry["rows_loaded"] > 0
    # every listing is attached to the entity it names
    orphans = clean_graph.read("MATCH (l:Listing) WHERE NOT ()-[:LISTED_AS]->(l) "
                               "RETURN count(l) AS n")
    assert orphans == [{"n": 0}]
    # Central Asian and Emirati entities carry incorporation dates and parsed identifiers
    rows = clean_graph.read(
        "MATCH (c:Company:Listed) WHERE c.country IN ['KG', 'KZ', 'AE'] "
        "RETURN c.country AS country, count(c) AS n, "
        "count(c.incorporation_date) AS dated, "
        "count(coalesce(c.registration_number, c.tax_id)) AS identified")
    by_country = {r["country"]: r for r in rows}
    assert set(by_country) == {"KG", "KZ", "AE"}
    assert by_country["KG"]["identified"] == by_country["KG"]["n"]
    assert by_country["KZ"]["identified"] == by_country["KZ"]["n"]
    assert by_country["AE"]["dated"] >= 5 and by_country["AE"]["identified"] >= 10
    assert by_country["KG"]["dated"] >= 1
    # entities registered at one address share one Address node
    shared = clean_graph.read(
        "MATCH (a:Address)<-[:REGISTERED_AT]-(c:Company) WITH a, count(c) AS n "
        "WHERE n >= 2 RETURN count(a) AS addresses, max(n) AS most")
    assert shared[0]["addresses"] >= 5 and shared[0]["most"] >= 4


# the three lists that name PROFFLAB, each with its own profile (OFAC's SDN file with its
# address and alias companions is one list)
LIST_LOADS = (
    ("ofac-sdn", ("ofac-sdn-2024-05-03.csv", "ofac-add-2025-02.csv", "ofac-alt-2025-02.csv")),
    ("eu-sanctions", ("eu-32014R0833.csv",)),
    ("bis-entity-list", ("bis-entity-list-2026-07-09.json",)),
)


def _load_lists(graph, directory) -> list[dict]:
    """Load LIST_LOADS into ``graph``; the load reports, one per profile."""
    from tracegraph.jobs.load import load_files

    reports = []
    for profile, names in LIST_LOADS:
        paths = [str(shared_data("sanctions", name)) for name in names]
        reports.append(load_files(graph, paths, profile=profile,
                                  report_path=directory / f"{profile}.json"))
    return reports


def _counts(graph) -> dict:
    stats = graph.stats()
    return {"nodes": stats["nodes"], "relationships": stats["relationships"],
            "listings": stats["listings"]}


@pytest.fixture(scope="module")
def lists_graph(graph, tmp_path_factory):
    """The session graph emptied, then OFAC, EU 833/2014 and BIS loaded; with the reports."""
    for _, names in LIST_LOADS:  # skip before emptying anything when the files are absent
        [shared_data("sanctions", name) for name in names]
    graph.reset()
    reports = _load_lists(graph, tmp_path_factory.mktemp("lists-once"))
    return graph, reports


def test_every_row_of_the_lists_is_accounted_for(lists_graph):
    _, reports = lists_graph
    files = [entry for report in reports for entry in report["files"]]
    assert len(files) == 5
    for entry in files:
        assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_rejected"], entry["path"]
        assert entry["rows_loaded"] > 0, entry["path"]
    assert set(_counts(lists_graph[0])["listings"]) >= {"OFAC-SDN", "EU", "BIS-ENTITY-LIST"}


def test_profflab_is_one_company_with_three_listings(lists_graph):
    graph, _ = lists_graph
    rows = graph.read(
        "MATCH (c:Company) WHERE any(n IN coalesce(c.names, [c.name]) "
        "WHERE toUpper(n) CONTAINS 'PROFFLAB') "
        "OPTIONAL MATCH (c)-[:LISTED_AS]->(l:Listing) "
        "RETURN c.id AS id, c.country AS country, c.tax_id AS tax_id, "
        "collect(l.list) AS lists")
    assert len(rows) == 1, f"PROFFLAB is {len(rows)} nodes: {rows}"
    company = rows[0]
    assert company["country"] == "KG"
    assert company["tax_id"] == "01703202210047"
    assert len(company["lists"]) == 3, company
    assert {lst.split("-")[0] for lst in company["lists"]} >= {"OFAC", "EU", "BIS"}, company
    # the look-alike: Müller Markt, another Bishkek LLC on the same BIS page, stays apart
    other = graph.read(
        "MATCH (c:Company) WHERE any(n IN coalesce(c.names, [c.name]) "
        "WHERE toUpper(n) CONTAINS 'MÜLLER MARKT') RETURN c.id AS id")
    assert other and company["id"] not in {r["id"] for r in other}


def test_linked_to_names_become_links_to_the_listed_entry(lists_graph):
    graph, reports = lists_graph
    rows = graph.read(
        "MATCH (a {name: 'VTB BANK ARMENIA CLOSED JOINT STOCK COMPANY'})-[r:LINKED_TO]->(b) "
        "RETURN b.name AS target, r.list AS list")
    assert rows == [{"target": "VTB BANK PUBLIC JOINT STOCK COMPANY", "list": "OFAC-SDN"}]
    person = graph.read(
        "MATCH (p:Person)-[:LINKED_TO]->(c:Company) WHERE p.name CONTAINS 'TIMCHENKO' "
        "RETURN c.name AS target")
    assert {"target": "OOO VOLGA GROUP"} in person
    # every link is counted: linked, or why not
    links = reports[0]["derived"]["list_links"]
    assert links["linked"] >= 3000 and links["not_listed"] + links["ambiguous"] > 0, links
    total = graph.read("MATCH (l:Listing) UNWIND l.linked_to AS n "
                       "RETURN count(DISTINCT [l.list, n]) AS n")[0]["n"]
    assert total > 0


def test_loading_the_lists_twice_changes_nothing(lists_graph, tmp_path):
    graph, _ = lists_graph
    before = _counts(graph)
    _load_lists(graph, tmp_path)
    after = _counts(graph)
    assert after == before, {group: {k: (v, after[group].get(k)) for k, v in counts.items()
                                     if after[group].get(k) != v}
                             for group, counts in before.items()}


def _snapshot(graph) -> dict:
    """What must not depend on the order of loads: counts, the companies and their listings."""
    stats = graph.stats()
    listed = graph.read(
        "MATCH (c:Company)-[:LISTED_AS]->(l:Listing) RETURN c.id AS company, l.id AS listing "
        "ORDER BY company, listing")
    return {"nodes": stats["nodes"], "relationships": stats["relationships"],
            "companies": [r["id"] for r in graph.read(
                "MATCH (c:Company) RETURN c.id AS id ORDER BY id")],
            "listed": [(r["company"], r["listing"]) for r in listed]}


def test_lists_before_or_after_a_trade_world_give_the_same_graph(clean_graph, tmp_path):
    from loaders.world import generate_world
    from tracegraph.jobs.load import load_files

    eu = str(shared_data("sanctions", "eu-32014R0833.csv"))
    world = generate_world(tmp_path / "world", seed=5, scale=0.3)
    trade = [str(p) for p in (world.companies, world.officers, world.shipments)]
    lists = [((str(world.watchlist),), None), ((eu,), "eu-sanctions")]

    def load(order):
        clean_graph.reset()
        for paths, profile in order:
            load_files(clean_graph, list(paths), profile=profile,
                       report_path=tmp_path / f"report-{len(paths)}.json")
        return _snapshot(clean_graph)

    lists_first = load([*lists, (trade, None)])
    lists_after = load([(trade, None), *lists])
    assert lists_first["listed"], "the world's watchlist names companies"
    assert lists_first == lists_after
