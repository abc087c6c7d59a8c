"""Human decisions that last: candidates listed with evidence, one pair merged, one split, the
data reloaded, and both decisions still hold; contradictions refused; the judgements file
exported and imported."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracegraph.cli import cli
from tracegraph.jobs.load import load_files
from tracegraph.jobs.review import (ReviewError, export_judgements, import_judgements,
                                    judgements_path, read_judgements)

# two registry pairs of one name with two registration numbers each (the resolver flags both,
# name_exact), and a company that is no one's duplicate
REGISTRY = """registration_number,country,name,address
123456-01,KG,Alfa Trade LLC,"Bishkek, Chui 12"
223456-02,KG,Alfa Trade LLC,"Bishkek, Chui 12"
323456-03,KG,Beta Service LLC,"Osh, Lenina 1"
423456-04,KG,Beta Service LLC,"Bishkek, Manasa 40"
523456-05,KG,Gamma Industries LLC,"Bishkek, Manasa 40"
"""
SHIPMENTS = """record_id,date,exporter_name,exporter_country,exporter_id,importer_name,importer_country,hs_code,quantity,value_usd
R-1,2023-03-01,Alfa Trade LLC,KG,123456-01,Orion OOO,RU,854231,100,5000
R-2,2023-03-09,Alfa Trade LLC,KG,223456-02,Orion OOO,RU,854231,80,4000
R-3,2023-04-02,Gamma Industries LLC,KG,523456-05,Orion OOO,RU,847130,10,900
"""
# arrives in the second load: it names the merged-away registration number
LATER = """record_id,date,exporter_name,exporter_country,exporter_id,importer_name,importer_country,hs_code,quantity,value_usd
R-4,2023-05-01,Alfa Trade LLC,KG,223456-02,Orion OOO,RU,854231,50,2500
"""


@pytest.fixture
def judgements(monkeypatch):
    """The session home's judgements file, absent before and after the test."""
    monkeypatch.setenv("TRACEGRAPH_AUTHOR", "tester")
    path = judgements_path()
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def _invoke(*args: str, ok: bool = True):
    result = CliRunner().invoke(cli, list(args))
    assert (result.exit_code == 0) == ok, result.output
    if not ok:
        assert "Traceback" not in result.output
        assert len([x for x in result.output.splitlines() if x.startswith("Error:")]) == 1
    return result


def _list(fmt: str = "jsonl") -> list[dict]:
    return [json.loads(line) for line in
            _invoke("review", "list", "--format", fmt).output.splitlines() if line.strip()]


def _companies(graph, name: str) -> list[dict]:
    return graph.read("MATCH (c:Company {name: $n}) RETURN c.id AS id, c.names AS names, "
                      "c.merged_ids AS merged ORDER BY id", {"n": name})


def _exports(graph, company_id: str) -> list[str]:
    rows = graph.read("MATCH (:Company {id: $id})-[:EXPORTED]->(s:Shipment) "
                      "RETURN s.record_id AS r ORDER BY r", {"id": company_id})
    return [row["r"] for row in rows]


def test_review_round_trip_survives_reload(clean_graph, judgements, tmp_path):
    graph = clean_graph
    (tmp_path / "companies.csv").write_text(REGISTRY)
    (tmp_path / "shipments.csv").write_text(SHIPMENTS)
    files = [tmp_path / "companies.csv", tmp_path / "shipments.csv"]
    load_files(graph, files, report_path=tmp_path / "first.json")

    listed = _list()
    assert len(listed) == 2  # Gamma, the look-alike at Beta's address, is no candidate
    alfa = next(p for p in listed if p["a_name"] == "Alfa Trade LLC")
    beta = next(p for p in listed if p["a_name"] == "Beta Service LLC")
    assert alfa["method"] == "name_exact" and float(alfa["score"]) == 1.0
    assert {alfa["a_identifiers"], alfa["b_identifiers"]} == {"12345601", "22345602"}
    assert alfa["shared_partners"] == "Orion OOO" and alfa["a_country"] == "KG"
    assert "Osh" in beta["a_addresses"] + beta["b_addresses"]
    assert "Alfa Trade LLC" in _invoke("review", "list", "--format", "table").output

    _invoke("review", "merge", alfa["a_id"], alfa["b_id"], "--note", "same address")
    _invoke("review", "split", beta["a_id"], beta["b_id"])
    kept = alfa["a_id"]
    assert [c["id"] for c in _companies(graph, "Alfa Trade LLC")] == [kept]
    assert _exports(graph, kept) == ["R-1", "R-2"]
    assert _list() == []

    # reload the same files and a new one naming the merged-away number: nothing undone
    (tmp_path / "later.csv").write_text(LATER)
    report = load_files(graph, [*files, tmp_path / "later.csv"],
                        report_path=tmp_path / "second.json")
    assert report["judgements"]["judgements"] == 2
    alfa_nodes = _companies(graph, "Alfa Trade LLC")
    assert [c["id"] for c in alfa_nodes] == [kept]
    assert alfa_nodes[0]["merged"] == [alfa["b_id"]]
    assert _exports(graph, kept) == ["R-1", "R-2", "R-4"]
    assert len(_companies(graph, "Beta Service LLC")) == 2  # the split pair stays two
    assert _list() == []
    assert graph.read("MATCH (j:Judgement) RETURN count(j) AS n")[0]["n"] == 2
    trade = graph.read("MATCH (:Company {id: $id})-[t:TRADES_WITH]->() RETURN t.shipments AS n",
                       {"id": kept})
    assert trade == [{"n": 3}]

    # contradictions are refused with both decisions in one line
    refused = _invoke("review", "split", alfa["b_id"], alfa["a_id"], ok=False).output
    assert "split" in refused and "merge" in refused and "same address" in refused
    refused = _invoke("review", "merge", beta["a_id"], beta["b_id"], ok=False).output
    assert "contradicts" in refused and "by tester" in refused
    _invoke("review", "merge", beta["a_id"], beta["a_id"], ok=False)
    _invoke("review", "merge", beta["a_id"], "co-nosuchcompany", ok=False)
    assert len(read_judgements()) == 2
    assert "already decided" in _invoke("review", "split", beta["a_id"], beta["b_id"]).output

    # export, then import into an empty file: the same decisions; again: nothing added
    out = tmp_path / "export.jsonl"
    _invoke("review", "export", str(out))
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(x["kind"], x["decision"], x["author"]) for x in lines] == [
        ("same_as", "merge", "tester"), ("same_as", "split", "tester")]
    other = tmp_path / "other.jsonl"
    assert import_judgements(out, path=other) == (2, 0)
    assert read_judgements(other) == read_judgements()
    assert import_judgements(out, path=other) == (0, 2)
    assert export_judgements(tmp_path / "again.jsonl", path=other) == 2
    assert (tmp_path / "again.jsonl").read_text() == out.read_text()
    assert "imported 0 judgements" in _invoke("review", "import", str(out)).output


def test_import_refuses_a_contradiction_whole(tmp_path):
    mine, theirs = tmp_path / "mine.jsonl", tmp_path / "theirs.jsonl"
    base = {"kind": "same_as", "note": None, "author": "a", "at": "2026-01-01T00:00:00+00:00"}
    mine.write_text(json.dumps({**base, "subject": ["co-a", "co-b"], "decision": "merge"})
                    + "\n" + json.dumps({**base, "subject": ["co-b", "co-c"],
                                         "decision": "merge"}) + "\n")
    theirs.write_text(
        json.dumps({**base, "subject": ["co-x", "co-y"], "decision": "split"}) + "\n"
        # co-a and co-c are one through co-b: a split of them contradicts the merges
        + json.dumps({**base, "subject": ["co-c", "co-a"], "decision": "split",
                      "author": "b"}) + "\n")
    with pytest.raises(ReviewError, match="contradicts the earlier merge co-a co-b"):
        import_judgements(theirs, path=mine)
    assert len(read_judgements(mine)) == 2  # nothing of theirs was added
    theirs.write_text('{"kind": "same_as", "subject": ["co-a", "co-a"], "decision": "merge", '
                      '"at": "2026-01-01"}\n')
    with pytest.raises(ReviewError, match="line 1: a same_as judgement"):
        import_judgements(theirs, path=mine)
