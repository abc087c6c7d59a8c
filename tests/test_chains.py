"""Transshipment-chain detection on small hand-built frames with known answers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from queries.chains import CHAIN_COLUMNS, LINK_COLUMNS, find_chains
from queries.reference import CHAIN_MIN_SCORE, parts_subheadings
from queries.shipments import DetectionInputError, collapse_mirrors

CHIPS = "854231"       # CHPL tier 1
FURNITURE = "940360"   # not on the CHPL


def ship(rid, date, exporter, importer, qty=None, *, hs=CHIPS, value=None, unit="pcs",
         weight=None):
    """One resolved shipment; an entity id's first two letters are its country."""
    return {
        "shipment_id": f"sh-{rid}", "record_id": rid, "date": dt.date.fromisoformat(date),
        "hs_code": hs + "00", "hs6": hs, "quantity": qty, "unit": unit if qty else None,
        "net_weight_kg": weight, "value_usd": value,
        "exporter_entity_id": exporter, "exporter_country": exporter[:2].upper(),
        "importer_entity_id": importer, "importer_country": importer[:2].upper(),
        "reporter": importer[:2].upper(), "source": "test",
    }


def frame(*rows):
    return pd.DataFrame(list(rows))


def companies(*rows):
    cols = ["entity_id", "name", "country", "registration_number", "incorporation_date",
            "activity_code"]
    out = pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)
    out["incorporation_date"] = [dt.date.fromisoformat(d) if d else None
                                 for d in out["incorporation_date"]]
    return out


def pairs(result):
    return set(zip(result.links["in_record_id"], result.links["out_record_id"]))


def test_two_hop_chain_found_with_its_record_ids():
    s = frame(
        ship("CN-EX-1", "2023-03-01", "cn-maker", "kg-front", 1000, value=20_000),
        ship("KG-EX-7", "2023-03-13", "kg-front", "ru-plant", 1000, value=27_000),
    )
    co = companies(
        ("cn-maker", "Shenzhen Maker", "CN", "91440300X", "2005-01-01", "26.11"),
        ("kg-front", "Asia Trade OsOO", "KG", "KG-123", "2023-01-20", "46.90"),
        ("ru-plant", "AO Radiozavod", "RU", "1027700000000", "1995-05-05", "26.51"),
    )
    r = find_chains(s, co)
    assert list(r.chains.columns) == list(CHAIN_COLUMNS)
    assert list(r.links.columns) == list(LINK_COLUMNS)
    assert len(r.chains) == 1
    c = r.chains.iloc[0]
    assert c["record_ids"] == "CN-EX-1>KG-EX-7"
    assert c["countries"] == "CN>KG>RU"
    assert c["entity_ids"] == "cn-maker>kg-front>ru-plant"
    assert c["entity_names"] == "Shenzhen Maker>Asia Trade OsOO>AO Radiozavod"
    assert c["registration_numbers"] == "91440300X>KG-123>1027700000000"
    assert c["hops"] == 2 and c["hs_code"] == CHIPS
    assert c["first_date"] == dt.date(2023, 3, 1) and c["last_date"] == dt.date(2023, 3, 13)
    assert c["max_lag_days"] == 12 and c["quantity_ratio"] == 1.0
    assert c["value_usd_in"] == 20_000 and c["value_usd_out"] == 27_000
    reasons = c["reasons"].split(";")
    assert reasons[:3] == ["QTY_MATCH(ratio=1.00)", "LAG(days=12)", "CHPL(tier=1)"]
    assert "DEFENCE_BUYER" in reasons  # activity 26.51
    assert "YOUNG_INTERMEDIARY(days=40)" in reasons  # incorporated 40 days before first trade
    assert "MARKUP(pct=35)" in reasons
    assert c["score"] >= 0.9
    assert pairs(r) == {("CN-EX-1", "KG-EX-7")}
    link = r.links.iloc[0]
    assert link["lag_days"] == 12 and link["intermediary_entity_id"] == "kg-front"
    assert link["chain_id"] == c["chain_id"]
    roles = set(map(tuple, r.roles[["entity_id", "role"]].to_numpy()))
    assert roles == {("cn-maker", "Supplier"), ("kg-front", "Intermediary"),
                     ("ru-plant", "DefenceBuyer")}


def test_split_onward_shipments_add_up_to_one_arrival():
    s = frame(
        ship("HK-IM-1", "2023-05-01", "cn-a", "hk-b", 1000),
        ship("RU-IM-5", "2023-05-10", "hk-b", "ru-c", 600),
        ship("RU-IM-9", "2023-05-20", "hk-b", "ru-c", 390),
        # unrelated small shipment that would overshoot the sum
        ship("RU-IM-12", "2023-05-21", "hk-b", "ru-d", 300),
    )
    r = find_chains(s)
    assert len(r.chains) == 1
    c = r.chains.iloc[0]
    assert c["record_ids"] == "HK-IM-1>RU-IM-5;RU-IM-9"
    assert c["quantity_ratio"] == pytest.approx(0.99)
    assert c["max_lag_days"] == 19
    assert pairs(r) == {("HK-IM-1", "RU-IM-5"), ("HK-IM-1", "RU-IM-9")}
    assert set(r.links["quantity_ratio"]) == {0.99}


def test_three_hop_chain():
    s = frame(
        ship("CN-1", "2023-01-05", "cn-a", "hk-b", 5000, value=50_000),
        ship("HK-2", "2023-01-20", "hk-b", "kg-c", 4950, value=55_000),
        ship("KG-3", "2023-02-10", "kg-c", "ru-d", 4900, value=70_000),
    )
    r = find_chains(s)
    assert len(r.chains) == 1
    c = r.chains.iloc[0]
    assert c["record_ids"] == "CN-1>HK-2>KG-3"
    assert c["countries"] == "CN>HK>KG>RU"
    assert c["hops"] == 3
    assert c["max_lag_days"] == 21
    assert c["quantity_ratio"] == pytest.approx(0.98)
    assert pairs(r) == {("CN-1", "HK-2"), ("HK-2", "KG-3")}
    assert set(r.roles.loc[r.roles["role"] == "Intermediary", "entity_id"]) == {"hk-b", "kg-c"}


def test_kg_kz_ru_chain_through_two_transit_countries():
    s = frame(
        ship("KG-1", "2023-01-05", "kg-a", "kz-b", 200, hs="852691"),
        ship("KZ-2", "2023-01-25", "kz-b", "ru-c", 200, hs="852691"),
    )
    r = find_chains(s)
    assert r.chains["countries"].tolist() == ["KG>KZ>RU"]
    assert "CHPL(tier=2)" in r.chains.loc[0, "reasons"]


def test_mirror_pair_counts_once_and_fills_missing_quantity():
    # the KG->RU shipment is declared by Kyrgyz customs (no quantity) and by Russian customs
    s = frame(
        ship("CN-1", "2023-04-01", "cn-a", "kg-b", 800),
        ship("KG-EXP-9", "2023-04-11", "kg-b", "ru-c", None, weight=40.0),
        ship("RU-IMP-3", "2023-04-12", "kg-b", "ru-c", 800, weight=40.0),
    )
    m = pd.DataFrame({"shipment_id": ["sh-KG-EXP-9"], "mirror_id": ["sh-RU-IMP-3"]})
    collapsed = collapse_mirrors(s, m)
    assert len(collapsed) == 2
    assert collapsed.set_index("record_id").loc["KG-EXP-9", "quantity"] == 800
    r = find_chains(s, mirrors=m)
    assert r.chains["record_ids"].tolist() == ["CN-1>KG-EXP-9"]
    assert pairs(r) == {("CN-1", "KG-EXP-9")}
    # without the mirror table both declarations would look like two shipments: the second
    # must not be counted as a second onward piece of the same arrival
    r2 = find_chains(s)
    assert len(r2.links) == 1


def test_quantity_outside_tolerance_not_matched():
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000),
        ship("B", "2023-03-05", "kg-b", "ru-c", 820),
    )
    assert len(find_chains(s).chains) == 0
    # but a wider tolerance takes it
    assert len(find_chains(s, tolerance=0.2).chains) == 1


def test_outside_window_not_matched():
    base = [ship("A", "2023-03-01", "cn-a", "kg-b", 1000)]
    late = frame(*base, ship("B", "2023-05-01", "kg-b", "ru-c", 1000))   # 61 days
    edge = frame(*base, ship("B", "2023-04-30", "kg-b", "ru-c", 1000))   # 60 days
    early = frame(*base, ship("B", "2023-02-27", "kg-b", "ru-c", 1000))  # before arrival
    assert len(find_chains(late).chains) == 0
    assert len(find_chains(edge).chains) == 1
    assert len(find_chains(early).chains) == 0
    assert len(find_chains(late, window_days=61).chains) == 1


def test_different_hs_not_matched():
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000, hs="854231"),
        ship("B", "2023-03-05", "kg-b", "ru-c", 1000, hs="854232"),
    )
    assert len(find_chains(s).chains) == 0


def test_ordinary_goods_score_below_threshold_even_when_everything_else_fits():
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000, hs=FURNITURE, value=10_000),
        ship("B", "2023-03-02", "kg-b", "ru-c", 1000, hs=FURNITURE, value=20_000),
    )
    co = companies(("kg-b", "New Trade", "KG", "1", "2023-02-01", "46.90"),
                   ("ru-c", "Mebel", "RU", "2", "2001-01-01", "47.59"))
    r = find_chains(s, co)
    assert len(r.chains) == 1
    c = r.chains.iloc[0]
    assert "YOUNG_INTERMEDIARY" in c["reasons"] and "MARKUP" in c["reasons"]
    assert "CHPL" not in c["reasons"]
    assert c["score"] < CHAIN_MIN_SCORE
    assert len(find_chains(s, co, min_score=CHAIN_MIN_SCORE).chains) == 0
    # the same goods to a listed buyer are worth a look
    lst = pd.DataFrame({"entity_id": ["ru-c"], "list": ["EU"], "category": ["sanctioned"]})
    listed = find_chains(s, co, lst).chains.iloc[0]
    assert "LISTED_BUYER(list=EU)" in listed["reasons"]
    assert listed["score"] >= CHAIN_MIN_SCORE


def test_defence_buyer_from_listing_category_and_extra_activity_codes():
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000, hs=FURNITURE),
        ship("B", "2023-03-02", "kg-b", "ru-c", 1000, hs=FURNITURE),
    )
    lst = pd.DataFrame({"entity_id": ["ru-c"], "list": ["defence-industry"],
                        "category": ["defence_industry"]})
    r = find_chains(s, listings=lst)
    assert "DEFENCE_BUYER" in r.chains.loc[0, "reasons"]
    assert ("ru-c", "DefenceBuyer") in set(map(tuple, r.roles.to_numpy()))
    co = companies(("ru-c", "Shipyard", "RU", "2", "1990-01-01", "30.11"))
    assert "DEFENCE_BUYER" not in find_chains(s, co).chains.loc[0, "reasons"]
    extra = find_chains(s, co, defence_codes={"25.40", "30.11"})
    assert "DEFENCE_BUYER" in extra.chains.loc[0, "reasons"]


def test_dormant_intermediary_counts_like_a_young_one_where_the_records_show_the_silence():
    # an old company that trades nothing from 2019 and wakes after the invasion to pass
    # printed circuits to an ordinary wholesaler
    s = frame(
        ship("X", "2019-01-02", "cn-x", "tr-y", 500, hs=FURNITURE),  # the records begin
        ship("A", "2023-05-01", "cn-a", "kz-b", 206, hs="853400", value=4_300),
        ship("B", "2023-06-05", "kz-b", "ru-c", 197, hs="853400", value=5_800),
    )
    co = companies(("kz-b", "Uralkomplekt", "KZ", "1", "2009-02-01", "46.90"),
                   ("ru-c", "Opt", "RU", "2", "2001-01-01", "46.90"))
    woken = find_chains(s, co).chains.iloc[0]
    assert "DORMANT_INTERMEDIARY(years=4)" in woken["reasons"].split(";")
    assert "YOUNG_INTERMEDIARY" not in woken["reasons"]
    # records that only begin in 2023 say nothing of its silence before
    late = find_chains(s, co, data_start=dt.date(2023, 1, 1)).chains.iloc[0]
    assert "INTERMEDIARY" not in late["reasons"]
    assert woken["score"] == pytest.approx(late["score"] + 0.10)
    # nor is a company that traded all along dormant
    busy = frame(*s.to_dict("records"),
                 ship("E", "2021-06-01", "cn-a", "kz-b", 50, hs=FURNITURE))
    assert "INTERMEDIARY" not in find_chains(busy, co).chains.iloc[0]["reasons"]


def test_one_arrival_one_onward_set_best_first():
    # two equal arrivals, one onward shipment: it goes to the nearer arrival only
    s = frame(
        ship("A1", "2023-03-01", "cn-a", "kg-b", 1000),
        ship("A2", "2023-03-20", "cn-a", "kg-b", 1000),
        ship("B", "2023-03-25", "kg-b", "ru-c", 1000),
    )
    r = find_chains(s)
    assert pairs(r) == {("A2", "B")}
    # two onward shipments, one arrival: the closer quantity wins
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000),
        ship("B1", "2023-03-05", "kg-b", "ru-c", 1100),
        ship("B2", "2023-03-06", "kg-b", "ru-d", 1010),
    )
    assert pairs(find_chains(s)) == {("A", "B2")}


def test_chain_needs_a_destination_and_an_intermediary_outside_it():
    not_dest = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000),
        ship("B", "2023-03-05", "kg-b", "kz-c", 1000),
    )
    assert len(find_chains(not_dest).chains) == 0
    # a Russian importer forwarding inside Russia is not a transit intermediary
    inside = frame(
        ship("A", "2023-03-01", "cn-a", "ru-b", 1000),
        ship("B", "2023-03-05", "ru-b", "ru-c", 1000),
    )
    assert len(find_chains(inside).chains) == 0
    # a German re-exporter only counts when the transit set allows anywhere
    de = frame(
        ship("A", "2023-03-01", "cn-a", "de-b", 1000),
        ship("B", "2023-03-05", "de-b", "by-c", 1000),
    )
    assert len(find_chains(de).chains) == 0
    assert find_chains(de, transit=None).chains["countries"].tolist() == ["CN>DE>BY"]


def test_weight_then_value_when_quantity_missing_same_kind_both_sides():
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", None, weight=50.0, value=9_000),
        ship("B", "2023-03-05", "kg-b", "ru-c", None, weight=49.0, value=12_000),
    )
    c = find_chains(s).chains.iloc[0]
    assert c["quantity_ratio"] == pytest.approx(0.98)
    # quantities in different units are not compared as quantities
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000, unit="pcs", weight=50.0),
        ship("B", "2023-03-05", "kg-b", "ru-c", 50, unit="kg", weight=50.0),
    )
    assert find_chains(s).chains.loc[0, "quantity_ratio"] == 1.0
    # one side with only a weight, the other only a value: nothing to compare
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", None, weight=50.0),
        ship("B", "2023-03-05", "kg-b", "ru-c", None, value=50.0),
    )
    assert len(find_chains(s).chains) == 0


def test_chain_id_stable_under_row_order_and_hs_prefix_filter():
    rows = [
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000),
        ship("B", "2023-03-05", "kg-b", "ru-c", 1000),
        ship("C", "2023-04-01", "cn-a", "am-d", 70, hs=FURNITURE),
        ship("D", "2023-04-05", "am-d", "by-e", 70, hs=FURNITURE),
    ]
    r1 = find_chains(frame(*rows))
    r2 = find_chains(frame(*reversed(rows)))
    assert len(r1.chains) == 2
    pd.testing.assert_frame_equal(r1.chains, r2.chains)
    only_chips = find_chains(frame(*rows), hs_prefix="8542.31")
    assert only_chips.chains["record_ids"].tolist() == ["A>B"]
    assert only_chips.chains.loc[0, "chain_id"] in set(r1.chains["chain_id"])


def test_max_hops_keeps_the_steps_nearest_the_buyer():
    s = frame(
        ship("1", "2023-01-01", "cn-a", "hk-b", 100),
        ship("2", "2023-01-10", "hk-b", "ae-c", 100),
        ship("3", "2023-01-20", "ae-c", "kz-d", 100),
        ship("4", "2023-01-30", "kz-d", "ru-e", 100),
    )
    assert find_chains(s).chains["record_ids"].tolist() == ["1>2>3>4"]
    assert find_chains(s, max_hops=3).chains["record_ids"].tolist() == ["2>3>4"]


def test_missing_columns_raise_a_clear_error():
    s = frame(ship("A", "2023-03-01", "cn-a", "kg-b", 1000)).drop(columns=["importer_country"])
    with pytest.raises(DetectionInputError, match="importer_country"):
        find_chains(s)
    with pytest.raises(DetectionInputError, match="quantity, net_weight_kg, value_usd"):
        find_chains(frame(ship("A", "2023-03-01", "cn-a", "kg-b", 1000)).drop(
            columns=["quantity", "net_weight_kg", "value_usd"]))


def test_empty_input_gives_empty_frames_with_contract_columns():
    s = frame(ship("A", "2023-03-01", "cn-a", "kg-b", 1000)).iloc[:0]
    r = find_chains(s)
    assert list(r.chains.columns) == list(CHAIN_COLUMNS) and len(r.chains) == 0
    assert list(r.links.columns) == list(LINK_COLUMNS) and len(r.roles) == 0


# --------------------------------------------------------------------------- on the graph


def test_reading_only_pass_through_trade_finds_the_same_chains(clean_graph, tmp_path):
    """``detect_chains`` reads only shipments into or out of companies that both import and
    export; on a generated world (most companies only buy or only sell) that must give what
    the full read gives, chain for chain and link for link, whatever the parameters."""
    from graph.read import read_frames
    from loaders.world import generate_world
    from tracegraph.jobs.detect import detect_chains, read_chain_frames
    from tracegraph.jobs.load import load_files

    paths = generate_world(tmp_path / "world", seed=3, n_shipments=6000)
    load_files(clean_graph, [paths.companies, paths.officers, paths.watchlist, paths.shipments],
               report_path=tmp_path / "load.json")
    full = read_frames(clean_graph)
    narrow = read_chain_frames(clean_graph)
    assert "officers" not in narrow
    assert 0 < len(narrow["shipments"]) < len(full["shipments"]) / 2
    assert set(narrow["shipments"]["shipment_id"]) <= set(full["shipments"]["shipment_id"])

    for params in ({}, {"window_days": 120, "tolerance": 0.3, "min_score": 0.0}):
        by_default = detect_chains(clean_graph, write=False, **params)
        from_full = detect_chains(clean_graph, write=False, frames=full, **params)
        assert len(from_full.chains) > 0
        pd.testing.assert_frame_equal(by_default.chains, from_full.chains)
        pd.testing.assert_frame_equal(by_default.links, from_full.links)
        pd.testing.assert_frame_equal(by_default.roles, from_full.roles)


# --- consolidation, cover headings, units (issue 17) ---------------------------------------


def test_consolidated_arrivals_leave_as_one_onward_shipment():
    s = frame(
        ship("A1", "2023-03-01", "cn-a", "kz-mid", 400, value=4_000),
        ship("A2", "2023-03-10", "cn-b", "kz-mid", 600, value=6_000),
        ship("D", "2023-04-01", "kz-mid", "ru-buyer", 990, value=13_000),
        # look-alike: an arrival that would complete another sum, but outside the window
        ship("X1", "2022-10-01", "cn-c", "kz-mid", 500, value=5_000),
        ship("X2", "2023-05-10", "cn-d", "kz-mid", 500, value=5_000),
        ship("Y", "2023-05-20", "kz-mid", "ru-buyer", 1000, value=11_000),
    )
    r = find_chains(s)
    assert pairs(r) == {("A1", "D"), ("A2", "D")}
    c = r.chains.iloc[0]
    assert c["record_ids"] == "A1;A2>D" and c["entity_ids"] == "cn-a;cn-b>kz-mid>ru-buyer"
    assert c["quantity_ratio"] == 0.99


def test_cover_heading_link_needs_conserved_goods_and_scores_below_same_heading():
    def world(out_hs, out_weight=50.0, out_value=120_000):
        return frame(
            ship("IN", "2023-03-01", "cn-maker", "kz-mid", 100, hs="880730", weight=50.0,
                 value=100_000),
            ship("OUT", "2023-03-20", "kz-mid", "ru-buyer", 100, hs=out_hs,
                 weight=out_weight, value=out_value),
        )
    covered = find_chains(world("842441"))
    assert pairs(covered) == {("IN", "OUT")}
    assert "HS_MISMATCH(in=880730,out=842441)" in covered.chains.loc[0, "reasons"]
    plain = find_chains(world("880730"))
    assert "HS_MISMATCH" not in plain.chains.loc[0, "reasons"]
    assert covered.chains.loc[0, "score"] < plain.chains.loc[0, "score"]
    assert len(find_chains(world("842441"), same_heading_only=True).chains) == 0
    # look-alikes: other goods with the same value and count; weight not conserved; a
    # heading pair no table nor HS4 joins
    assert len(find_chains(world("842441", out_weight=500.0)).chains) == 0
    assert len(find_chains(world("842441", out_value=300_000)).chains) == 0
    assert len(find_chains(world("940360")).chains) == 0


def test_same_hs4_counts_as_a_cover_heading():
    s = frame(
        ship("IN", "2023-03-01", "cn-a", "kg-b", 1000, hs="854231", weight=10.0, value=9_000),
        ship("OUT", "2023-03-05", "kg-b", "ru-c", 1000, hs="854239", weight=10.2,
             value=11_000),
    )
    r = find_chains(s)
    assert pairs(r) == {("IN", "OUT")}
    assert "HS_MISMATCH(in=854231,out=854239)" in r.chains.loc[0, "reasons"]


def test_chpl_goods_declared_as_parts_of_their_chapter_are_a_cover_heading():
    # oscilloscopes (CHPL 903020) leave as parts of optical appliances (901390): a pair no
    # table row names, joined because 901390 is a parts subheading of chapter 90
    def world(in_hs, out_hs, out_weight=20.0):
        return frame(
            ship("IN", "2023-03-01", "cn-a", "uz-b", 240, hs=in_hs, weight=20.0,
                 value=90_000),
            ship("OUT", "2023-03-12", "uz-b", "ru-c", 236, hs=out_hs, weight=out_weight,
                 value=110_000),
        )
    r = find_chains(world("903020", "901390"))
    assert pairs(r) == {("IN", "OUT")}
    assert "HS_MISMATCH(in=903020,out=901390)" in r.chains.loc[0, "reasons"]
    assert len(find_chains(world("903020", "901390"), same_heading_only=True).chains) == 0
    # look-alikes: the same for goods off the CHPL (electric ovens as welding machine parts),
    # CHPL goods as parts of another chapter, as a subheading that is not parts, weight off
    assert len(find_chains(world("851660", "851590")).chains) == 0
    assert len(find_chains(world("903020", "847330")).chains) == 0
    assert len(find_chains(world("903020", "901390", out_weight=60.0)).chains) == 0
    assert len(find_chains(world("903020", "903180")).chains) == 0


def test_parts_subheadings_are_the_nomenclatures():
    """The package's parts subheadings are the HS 2022 subheadings of chapters 84, 85, 88
    and 90 whose description names parts, as in the shared copy of the nomenclature."""
    from conftest import shared_data
    hs = pd.read_csv(shared_data("hs", "harmonized-system.csv"), dtype=str)
    hs6 = hs[(hs["level"] == "6") & hs["hscode"].str[:2].isin(["84", "85", "88", "90"])]
    named = hs6[hs6["description"].str.contains(r"\bparts?\b", case=False, regex=True)]
    assert parts_subheadings() == frozenset(named["hscode"])
    assert {"901390", "847330", "880730"} <= parts_subheadings()


def test_unit_spellings_compare_as_one_unit():
    s = frame(
        ship("IN", "2023-03-01", "cn-a", "am-b", 1000, unit="PCS", weight=100.0),
        ship("O1", "2023-03-05", "am-b", "ru-c", 600, unit="шт", weight=80.0),
        ship("O2", "2023-03-09", "am-b", "ru-c", 400, unit="pcs", weight=80.0),
        # look-alike: 1000 kg are not 1000 pieces (and the weights disagree)
        ship("IN2", "2023-06-01", "cn-a", "am-b", 1000, unit="pcs", weight=600.0),
        ship("O3", "2023-06-05", "am-b", "ru-c", 1000, unit="кг", weight=1000.0),
    )
    r = find_chains(s)
    assert pairs(r) == {("IN", "O1"), ("IN", "O2")}


def test_pieces_against_kilograms_match_on_weight_backed_by_value():
    s = frame(
        ship("IN", "2023-03-01", "cn-a", "kz-b", 90_000, weight=85.0, value=900_000),
        ship("OUT", "2023-03-20", "kz-b", "ru-c", 99, unit="kg", weight=99.0,
             value=1_030_000),
        # look-alike: the same weights, but the value of other goods
        ship("IN2", "2023-06-01", "cn-a", "kz-b", 90_000, weight=85.0, value=900_000),
        ship("OUT2", "2023-06-20", "kz-b", "ru-c", 99, unit="kg", weight=99.0, value=90_000),
    )
    r = find_chains(s)
    assert pairs(r) == {("IN", "OUT")}
    reasons = r.chains.loc[0, "reasons"].split(";")
    assert reasons[0] == "QTY_MATCH(ratio=1.16,measure=weight+value)"


def test_split_and_consolidation_are_named_in_the_reasons():
    s = frame(
        ship("A", "2023-03-01", "cn-a", "kg-b", 1000),
        ship("B1", "2023-03-05", "kg-b", "ru-c", 500),
        ship("B2", "2023-03-06", "kg-b", "ru-c", 500),
        ship("C1", "2023-06-01", "cn-a", "kg-b", 300),
        ship("C2", "2023-06-02", "cn-a", "kg-b", 700),
        ship("D", "2023-06-20", "kg-b", "ru-c", 1000),
    )
    reasons = set(";".join(find_chains(s).chains["reasons"]).split(";"))
    assert {"SPLIT(out=2)", "CONSOLIDATED(in=2)"} <= reasons


# --- origin rules --------------------------------------------------------------------------


def _score_with_origins(origins):
    from queries.chains.scoring import PartyFacts, score_chain
    from queries.reference import CHAIN_TOLERANCE, CHAIN_WEIGHTS, CHAIN_WINDOW_DAYS

    facts = PartyFacts(names={}, registration_numbers={}, born={}, trade={}, listed={},
                       defence=set(), invasion=pd.Timestamp("2022-02-24"))
    figures = {"quantity_ratio": 0.98, "worst_dev": 0.02, "max_lag_days": 10,
               "value_kind": False, "origins": origins}
    return score_chain(figures, CHIPS, ["ru-c"], ["kz-b"], 10_000.0, 12_000.0, facts,
                       CHAIN_WINDOW_DAYS, CHAIN_TOLERANCE, CHAIN_WEIGHTS)


def test_coalition_origin_named_for_de_goods_and_not_for_cn_goods():
    de_score, de_reasons = _score_with_origins("DE")
    cn_score, cn_reasons = _score_with_origins("CN")
    assert "COALITION_ORIGIN(origin=DE)" in de_reasons
    assert not any(r.startswith("COALITION_ORIGIN") for r in cn_reasons)
    assert not any(r.startswith("COALITION_ORIGIN") for r in _score_with_origins(None)[1])
    # a legal fact, not evidence of a chain: by default it moves no score
    assert de_score == cn_score
    # several inbound records: the coalition ones, once each
    assert "COALITION_ORIGIN(origin=DE,US)" in _score_with_origins("us;CN;DE;de")[1]


def test_coalition_origin_group_and_weight_are_configurable():
    from queries.chains.scoring import PartyFacts, score_chain
    from queries.reference import CHAIN_WEIGHTS

    facts = PartyFacts(names={}, registration_numbers={}, born={}, trade={}, listed={},
                       defence=set(), invasion=pd.Timestamp("2022-02-24"))
    figures = {"quantity_ratio": 1.0, "worst_dev": 0.0, "max_lag_days": 0,
               "value_kind": False, "origins": "CN"}
    args = (figures, FURNITURE, ["ru-c"], ["kz-b"], None, None, facts, 60, 0.15)
    base, reasons = score_chain(*args, CHAIN_WEIGHTS)
    assert not any(r.startswith("COALITION_ORIGIN") for r in reasons)
    weighted, reasons = score_chain(*args, {**CHAIN_WEIGHTS, "coalition_origin": 0.1},
                                    coalition=frozenset({"CN"}))
    assert "COALITION_ORIGIN(origin=CN)" in reasons
    assert weighted == pytest.approx(base + 0.1)


def test_coalition_query_defaults_follow_the_reference_sets():
    from queries.catalog import load_catalog
    from queries.reference import COALITION, TRANSIT

    query = load_catalog()["coalition-origin-onward-to-russia"]
    defaults = {p.name: p.default for p in query.params}
    assert set(defaults["coalition"]) == COALITION
    assert set(defaults["transit_countries"]) == TRANSIT
    assert {"DE", "US", "GB", "JP"} <= COALITION and not {"CN", "KZ", "RU"} & COALITION


def test_coalition_origin_of_the_inbound_record_reaches_the_chain():
    de = dict(ship("A", "2023-03-01", "de-a", "kz-b", 1000), origin_country="DE")
    cn = dict(ship("C", "2023-05-01", "cn-a", "kz-b", 700), origin_country="CN")
    s = frame(de, ship("B", "2023-03-10", "kz-b", "ru-c", 990),
              cn, ship("D", "2023-05-10", "kz-b", "ru-c", 700))
    chains = find_chains(s).chains.set_index("record_ids")["reasons"]
    assert "COALITION_ORIGIN(origin=DE)" in chains["A>B"]
    assert "COALITION_ORIGIN" not in chains["C>D"]


def _plain_chain(hs, hs_out=None):
    """An arrival and its onward shipment, everything conserved, an ordinary buyer."""
    return frame(
        ship("IN", "2023-03-01", "cn-a", "kg-b", 1000, hs=hs, weight=10.0, value=10_000),
        ship("OUT", "2023-03-11", "kg-b", "ru-c", 1000, hs=hs_out or hs, weight=10.0,
             value=12_000),
    )


def test_hs2017_heading_takes_the_chpl_tier_of_the_hs2022_heading_it_became():
    from queries.reference import CHAIN_WEIGHTS, TIER_STRENGTH

    # 8541.40 (HS 2017) was split into 8541.41-8541.49; only 854149 is on the CHPL (3A)
    old = find_chains(_plain_chain("854140")).chains
    assert "CHPL(tier=3A,hs2022=854149)" in old.loc[0, "reasons"].split(";")
    # look-alikes: the HS 2022 split-off headings outside the CHPL (solar panels, LEDs)
    # and a heading of neither version stay without a tier
    for hs in ("854143", "854141", "854100"):
        other = find_chains(_plain_chain(hs)).chains
        assert "CHPL" not in other.loc[0, "reasons"], hs
        assert old.loc[0, "score"] == pytest.approx(
            other.loc[0, "score"] + CHAIN_WEIGHTS["chpl"] * TIER_STRENGTH["3A"], abs=1e-3)
    # the CHPL heading itself keeps its plain reason
    assert "CHPL(tier=3A)" in find_chains(_plain_chain("854149")).chains.loc[0, "reasons"]
    # heading 8803 was renumbered 8807; 8525.80 split into 8525.81-8525.89
    assert "CHPL(tier=3B,hs2022=880730)" in find_chains(_plain_chain("880330")).chains.loc[
        0, "reasons"]
    assert "CHPL(tier=3A,hs2022=852589)" in find_chains(_plain_chain("852580")).chains.loc[
        0, "reasons"]


def test_hs2017_correspondence_names_only_retired_codes_and_takes_the_highest_tier():
    from conftest import shared_data

    from queries.reference import chpl_hs2017, chpl_tier_hs2022, chpl_tiers

    hs2022 = set(pd.read_csv(shared_data("hs", "harmonized-system.csv"), dtype=str)["hscode"])
    table = chpl_hs2017()
    # a code read as HS 2017 must not be a valid HS 2022 heading, each target must be one,
    # and each row must reach the CHPL (no row is there for nothing)
    assert not set(table) & hs2022
    assert {c for targets in table.values() for c in targets} <= hs2022
    assert all(any(c in chpl_tiers() for c in targets) for targets in table.values())
    assert chpl_tier_hs2022("854150") == ("3A", "854151")  # both targets 3A: lower code
    assert chpl_tier_hs2022("854890") == ("2", "854800")
    assert chpl_tier_hs2022("847180") == ("4A", None)      # unchanged in HS 2022


def test_hs_prefix_keeps_a_cover_heading_chain_under_either_heading():
    # radio navigation aid apparatus declared on the way as radio parts (cover pair 8526/8529)
    rows = [
        ship("NAV-IN", "2023-03-01", "cn-a", "kg-b", 200, hs="852691", weight=40.0,
             value=50_000),
        ship("NAV-OUT", "2023-03-12", "kg-b", "ru-c", 200, hs="852990", weight=41.0,
             value=60_000),
        # look-alike: an ordinary radio-parts chain of other parties, never under 852691
        ship("P-IN", "2023-05-01", "cn-x", "am-y", 300, hs="852990", weight=9.0,
             value=3_000),
        ship("P-OUT", "2023-05-09", "am-y", "by-z", 300, hs="852990", weight=9.0,
             value=3_300),
        # look-alike: a 852691 arrival whose 852990 onward shipment weighs ten times more
        ship("L-IN", "2023-07-01", "cn-q", "kz-r", 50, hs="852691", weight=10.0,
             value=20_000),
        ship("L-OUT", "2023-07-08", "kz-r", "ru-s", 50, hs="852990", weight=100.0,
             value=21_000),
    ]
    everything = find_chains(frame(*rows))
    assert set(everything.chains["record_ids"]) == {"NAV-IN>NAV-OUT", "P-IN>P-OUT"}
    nav = find_chains(frame(*rows), hs_prefix="852691")
    assert nav.chains["record_ids"].tolist() == ["NAV-IN>NAV-OUT"]
    assert "HS_MISMATCH(in=852691,out=852990)" in nav.chains.loc[0, "reasons"]
    assert set(nav.links["chain_id"]) == set(nav.chains["chain_id"])
    # the same chain, scored as without the filter
    pd.testing.assert_frame_equal(
        nav.chains, everything.chains[everything.chains["record_ids"] == "NAV-IN>NAV-OUT"]
        .reset_index(drop=True))
    # the onward heading finds it too, beside the plain radio-parts chain
    parts = find_chains(frame(*rows), hs_prefix="852990")
    assert set(parts.chains["record_ids"]) == {"NAV-IN>NAV-OUT", "P-IN>P-OUT"}
    assert find_chains(frame(*rows), hs_prefix="8526", same_heading_only=True).chains.empty
