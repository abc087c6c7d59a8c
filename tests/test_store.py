"""Batched writes of resolved frames: idempotent, provenance kept, summaries rebuilt."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from graph.read import read_frames, projection
from graph.store import GraphWriter, trade_summaries
from loaders.mirrors import find_mirrors


def _frames():
    companies = pd.DataFrame([
        {"entity_id": "co-sup", "name": "Shenzhen Chip Co", "names": ["Shenzhen Chip Co"],
         "country": "CN", "registration_number": "91440300", "from_registry": True,
         "address_id": None, "line_number": 2},
        {"entity_id": "co-mid", "name": "ОсОО Альфа", "names": ["ОсОО Альфа", "Alfa LLC"],
         "country": "KG", "registration_number": "123456-3301-OOO",
         "incorporation_date": dt.date(2022, 6, 1), "address_id": "ad-1",
         "from_registry": True, "line_number": 3},
        {"entity_id": "co-buy", "name": "АО Радиоком", "names": ["АО Радиоком"],
         "country": "RU", "tax_id": "7704730655", "activity_code": "26.51",
         "address_id": None, "from_registry": True, "line_number": 4},
    ])
    addresses = pd.DataFrame([{"address_id": "ad-1", "text": "Bishkek, Chui 1", "country": "KG"}])
    persons = pd.DataFrame([{"entity_id": "pe-1", "name": "Ivanov Ivan", "names": ["Иванов Иван"],
                             "country": "KG", "line_number": 5}])
    officers = pd.DataFrame([{"officer_entity_id": "pe-1", "officer_kind": "Person",
                              "company_entity_id": "co-mid", "rel": "OFFICER_OF",
                              "role": "director"},
                             {"officer_entity_id": "pe-1", "officer_kind": "Person",
                              "company_entity_id": "co-mid", "rel": "OWNS",
                              "role": "shareholder", "share_pct": 100.0}])
    shipments = pd.DataFrame([
        {"shipment_id": "sh-1", "record_id": "CN-1", "date": dt.date(2023, 3, 1),
         "hs_code": "85423190", "hs6": "854231", "quantity": 1000.0, "value_usd": 5000.0,
         "exporter_entity_id": "co-sup", "exporter_country": "CN",
         "importer_entity_id": "co-mid", "importer_country": "KG", "reporter": "CN",
         "line_number": 2},
        {"shipment_id": "sh-2", "record_id": "KG-EX-7", "date": dt.date(2023, 3, 15),
         "hs_code": "854231", "hs6": "854231", "quantity": 990.0, "value_usd": 7000.0,
         "exporter_entity_id": "co-mid", "exporter_country": "KG",
         "importer_entity_id": "co-buy", "importer_country": "RU", "reporter": "KG",
         "line_number": 3},
        {"shipment_id": "sh-3", "record_id": "RU-IM-9", "date": dt.date(2023, 3, 17),
         "hs_code": "8542319000", "hs6": "854231", "quantity": 990.0, "value_usd": 7000.0,
         "exporter_entity_id": "co-mid", "exporter_country": "KG",
         "importer_entity_id": "co-buy", "importer_country": "RU", "reporter": "RU",
         "line_number": 4},
    ])
    listings = pd.DataFrame([{"listing_id": "li-1", "entity_id": "co-buy",
                              "entity_kind": "Company", "list": "EU", "category": "sanctioned"}])
    return {"companies": companies, "addresses": addresses, "persons": persons,
            "officers": officers, "shipments": shipments, "listings": listings}


def _load(graph):
    writer = GraphWriter(graph, batch_size=2)
    writer.write_source("src-1", {"name": "test.csv", "rows_read": 3})
    frames = _frames()
    writer.write(frames, source_id="src-1")
    writer.write_mirrors(find_mirrors(frames["shipments"]))
    writer.rebuild_trades_with()
    return writer


def test_writes_are_idempotent_and_complete(clean_graph):
    _load(clean_graph)
    first = clean_graph.stats()
    _load(clean_graph)
    assert clean_graph.stats() == first
    nodes, rels = first["nodes"], first["relationships"]
    assert nodes["Company"] == 3 and nodes["Shipment"] == 3 and nodes["Person"] == 1
    assert nodes["HSCode"] == 1 and nodes["Listed"] == 1
    assert rels["EXPORTED"] == 3 and rels["IMPORTED_BY"] == 3 and rels["OF_GOODS"] == 3
    assert rels["MIRROR_OF"] == 1
    assert rels["OFFICER_OF"] == 1 and rels["OWNS"] == 1 and rels["REGISTERED_AT"] == 1
    # the mirror pair counts once in the trade summary
    summary = clean_graph.read(
        "MATCH (:Company {id: 'co-mid'})-[t:TRADES_WITH]->(:Company {id: 'co-buy'}) "
        "RETURN t.shipments AS n, t.value_usd AS v")
    assert summary == [{"n": 1, "v": 7000.0}]
    names = clean_graph.read("MATCH (c:Company {id: 'co-mid'}) RETURN c.names AS names")
    assert sorted(names[0]["names"]) == ["Alfa LLC", "ОсОО Альфа"]
    row = clean_graph.read("MATCH (:Shipment {id: 'sh-2'})-[p:FROM_SOURCE]->(:Source) "
                           "RETURN p.row AS row")
    assert row == [{"row": 3}]


def test_frames_read_back_for_detection(clean_graph):
    _load(clean_graph)
    frames = read_frames(clean_graph)
    shipments = frames["shipments"].set_index("record_id")
    assert shipments.loc["KG-EX-7", "exporter_entity_id"] == "co-mid"
    assert shipments.loc["KG-EX-7", "date"] == dt.date(2023, 3, 15)
    assert len(frames["mirrors"]) == 1
    assert set(frames["listings"]["category"]) == {"sanctioned"}
    companies = frames["companies"].set_index("entity_id")
    assert companies.loc["co-mid", "incorporation_date"] == dt.date(2022, 6, 1)
    assert companies.loc["co-mid", "address_id"] == "ad-1"
    g = projection(clean_graph)
    assert g.nodes["co-buy"]["listed"] is True and g.nodes["co-buy"]["kind"] == "Company"
    assert {d["type"] for _, _, d in g.edges(data=True)} >= {"TRADES_WITH", "OFFICER_OF", "OWNS"}


def _trades(graph):
    rows = graph.read("MATCH (e)-[t:TRADES_WITH]->(i) RETURN e.id AS e, i.id AS i, "
                      "t.hs6s AS hs6s, t.shipments AS n, t.value_usd AS v, "
                      "t.first_date AS first, t.last_date AS last ORDER BY e, i")
    return [{**r, "hs6s": sorted(r["hs6s"]), "first": r["first"].to_native(),
             "last": r["last"].to_native()} for r in rows]


def test_trade_summaries_in_python_are_the_servers(clean_graph):
    frames = _frames()
    writer = _load(clean_graph)
    rebuilt = _trades(clean_graph)
    mirrors = find_mirrors(frames["shipments"])
    summaries = trade_summaries(frames["shipments"], mirrors["mirror_id"])
    assert writer.write_trades_with(summaries) == len(rebuilt) == 2
    assert _trades(clean_graph) == rebuilt
