"""The real EU sanctions lists, loaded into the real server with the eu-sanctions profile."""

from __future__ import annotations

import json

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
