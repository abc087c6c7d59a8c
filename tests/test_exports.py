"""The exports without a server: GEXF and GraphML read back the same, FollowTheMoney lines
valid and stable, CSV tables safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import json

import networkx as nx
import pytest
from click.testing import CliRunner
from followthemoney import model
from followthemoney.cli.cli import validate

from exports.ftm import write_ftm
from exports.gexf import write_gexf
from exports.graphml import write_graphml
from exports.tables import write_csv_tables

HOSTILE = '=HYPERLINK("http://evil","x")'


def _world() -> nx.MultiDiGraph:
    """A chain as chain_map and the export job draw it: two shipments, an officer, an
    address, a listing."""
    g = nx.MultiDiGraph()
    g.add_node("co-s", kind="Company", name=HOSTILE, country="CN", roles=["Supplier"],
               sources=["shipments.csv:2"])
    g.add_node("co-i", kind="Company", name="ОсОО «Тест Транзит»", country="KG",
               registration_number="1203202300011", incorporation_date=dt.date(2023, 3, 1),
               roles=["Intermediary", "FrontSuspect"], score=0.81,
               reasons="NEW_COMPANY(days_to_first_trade=62)",
               names=["TEST TRANZIT", "ОсОО «Тест Транзит»"],
               sources=["companies.csv:2", "shipments.csv:2"], listed=False, chain_score=None)
    g.add_node("co-b", kind="Company", name="ООО «Радиокомп»", country="RU",
               roles=["DefenceBuyer", "Listed"], listed=True, sources=["shipments.csv:3"])
    g.add_node("pe-1", kind="Person", name="Иванов Иван", country="RU",
               sources=["officers.csv:2"])
    g.add_node("ad-1", kind="Address", name="г. Бишкек, ул. Токтогула, 125", country="KG",
               sources=["companies.csv:2"])
    g.add_node("li-1", kind="Listing", name="OFAC-SDN RUSSIA-EO14024", list="OFAC-SDN",
               program="RUSSIA-EO14024", listed_on=dt.date(2023, 5, 19),
               category="sanctioned", sources=["sdn.csv:7"])
    g.add_edge("co-s", "co-i", type="SHIPMENT", record_ids=["KG-IM-1", "CN-EX-1"],
               hs_code="854231", date=dt.date(2023, 5, 2), quantity=1000, unit="pcs",
               value_usd=40000.0, description=None, source="shipments.csv", row=2)
    g.add_edge("co-i", "co-b", type="SHIPMENT", record_ids=["RU-IM-2"], hs_code="854231",
               date=dt.date(2023, 5, 22), quantity=990.0, unit="pcs", value_usd=61000.0,
               source="shipments.csv", row=3)
    g.add_edge("pe-1", "co-i", type="OFFICER_OF", role="director",
               start_date=dt.date(2023, 3, 1))
    g.add_edge("pe-1", "co-b", type="OWNS", role="founder", share_pct=51.0)
    g.add_edge("co-i", "ad-1", type="REGISTERED_AT")
    g.add_edge("co-b", "li-1", type="LISTED_AS")
    return g


def _edge_set(g, type_key):
    return sorted((u, v, d[type_key], d.get("record_ids", "")) for u, v, d in g.edges(data=True))


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_files_read_back_the_same(fmt, tmp_path):
    g = _world()
    path = tmp_path / f"g.{fmt}"
    if fmt == "gexf":
        write_gexf(g, path)
        back, type_key = nx.read_gexf(path), "relation"
    else:
        write_graphml(g, path)
        back, type_key = nx.read_graphml(path), "type"
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges() == 6
    assert _edge_set(back, type_key) == sorted(
        (u, v, d["type"], ";".join(d.get("record_ids", [])))
        for u, v, d in g.edges(data=True))
    for n, attrs in g.nodes(data=True):
        for key in ("kind", "name", "country", "registration_number"):
            if key in attrs:
                assert back.nodes[n][key] == attrs[key], (n, key)
    intermediary = back.nodes["co-i"]
    assert intermediary["roles"] == "Intermediary;FrontSuspect"
    assert intermediary["incorporation_date"] == "2023-03-01"
    assert float(intermediary["score"]) == pytest.approx(0.81)
    assert "chain_score" not in intermediary  # None dropped, not written as "None"
    (first,) = [d for u, v, d in back.edges(data=True) if u == "co-s"]
    assert first["hs_code"] == "854231" and first["date"] == "2023-05-02"
    assert float(first["quantity"]) == 1000.0 and first["source"] == "shipments.csv"
    assert int(first["row"]) == 2


def test_shipments_as_nodes(tmp_path):
    back = nx.read_graphml(write_graphml(_world(), tmp_path / "g.graphml",
                                         shipments_as_nodes=True))
    shipments = {n for n, k in back.nodes(data="kind") if k == "Shipment"}
    assert shipments == {"shipment:KG-IM-1", "shipment:RU-IM-2"}
    assert back.has_edge("co-s", "shipment:KG-IM-1") and back.has_edge("shipment:KG-IM-1", "co-i")
    assert not back.has_edge("co-s", "co-i")
    assert back.nodes["shipment:KG-IM-1"]["record_ids"] == "KG-IM-1;CN-EX-1"


def _ftm_lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_ftm_lines_are_valid_and_stable(tmp_path):
    first = write_ftm(_world(), tmp_path / "a.ftm.json")
    second = write_ftm(_world(), tmp_path / "b.ftm.json")
    lines = _ftm_lines(first)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    schemata = sorted(model.get_proxy(line).schema.name for line in lines)
    assert schemata == ["Address", "Company", "Company", "Company", "Directorship",
                        "EconomicActivity", "EconomicActivity", "Ownership", "Person",
                        "Sanction"]
    by_id = {line["id"]: model.get_proxy(line) for line in lines}
    for entity in by_id.values():  # every entity says where it came from
        assert entity.get("publisher") and entity.get("summary"), entity.to_dict()
        for prop, value in entity.itervalues():  # links point at entities in the file
            if prop.type.name == "entity":
                assert value in by_id, (entity.schema.name, prop.name)
    trade = [e for e in by_id.values() if e.schema.name == "EconomicActivity"]
    assert sorted(e.first("ccdNumber") for e in trade) == ["KG-IM-1", "RU-IM-2"]
    assert {e.first("vedCode") for e in trade} == {"854231"}
    # the package's own validation re-parses every value: nothing may be dropped
    result = CliRunner().invoke(validate, ["-i", str(first), "-o", str(tmp_path / "v.json")])
    assert result.exit_code == 0, result.output
    cleaned = {line["id"]: line["properties"] for line in _ftm_lines(tmp_path / "v.json")}
    assert cleaned == {line["id"]: line["properties"] for line in lines}


def test_ftm_ids_follow_our_ids(tmp_path):
    g = _world()
    nx.relabel_nodes(g, {"co-b": "co-other"}, copy=False)
    ids_a = {line["id"] for line in _ftm_lines(write_ftm(_world(), tmp_path / "a.json"))}
    ids_b = {line["id"] for line in _ftm_lines(write_ftm(g, tmp_path / "b.json"))}
    assert ids_a != ids_b and len(ids_a & ids_b) >= 4  # the untouched entities keep theirs


def test_csv_tables_are_spreadsheet_safe(tmp_path):
    nodes, edges = write_csv_tables(_world(), tmp_path / "n.csv", tmp_path / "e.csv")
    with open(nodes, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["id:ID"] for r in rows} == set(_world().nodes)
    supplier = next(r for r in rows if r["id:ID"] == "co-s")
    assert supplier["name"] == "'" + HOSTILE and supplier[":LABEL"] == "Company"
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    with open(edges, encoding="utf-8", newline="") as handle:
        links = list(csv.DictReader(handle))
    assert len(links) == 6
    first = next(r for r in links if r[":START_ID"] == "co-s")
    assert first[":TYPE"] == "SHIPMENT" and first["record_ids"] == "KG-IM-1;CN-EX-1"
