"""Network analytics on small hand-built graphs whose answers are known."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd
import pytest

from queries import QueryError
from queries import network
from queries.network import (
    BROKER_COLUMNS,
    COMMUNITY_COLUMNS,
    EXPOSURE_COLUMNS,
    NetworkInputError,
    brokers,
    communities,
    exposure,
)


def _company(g, node, country="KG", listed=False, roles=()):
    g.add_node(node, kind="Company", name=f"{node} LLC", country=country, listed=listed,
               roles=list(roles))


def _person(g, node, listed=False):
    g.add_node(node, kind="Person", name=f"Mr {node}", country="RU", listed=listed, roles=[])


# --- communities -------------------------------------------------------------------------


def _two_clusters() -> nx.MultiDiGraph:
    """A five-company trade ring and a four-company officer/address cluster, one weak link."""
    g = nx.MultiDiGraph()
    big = ["a1", "a2", "a3", "a4", "a5"]
    small = ["b1", "b2", "b3", "b4"]
    for node in big:
        _company(g, node, roles=["FrontSuspect"] if node in ("a1", "a2") else [])
    for node in small:
        _company(g, node, country="RU", listed=node == "b1")
    for u, v in itertools.combinations(big, 2):
        g.add_edge(u, v, type="TRADES_WITH", value_usd=1000.0)
    _person(g, "p")
    g.add_node("addr", kind="Address", name="Bishkek, Chui 1", country="KG")
    for node in small:
        g.add_edge("p", node, type="OFFICER_OF", role="director")
        g.add_edge(node, "addr", type="REGISTERED_AT")
    g.add_edge("b1", "b2", type="OWNS", share_pct=100.0)
    g.add_edge("a5", "b4", type="TRADES_WITH", value_usd=10.0)  # the one weak link
    return g


def test_communities_finds_the_two_clusters_largest_first():
    frame = communities(_two_clusters())

    assert list(frame.columns) == list(COMMUNITY_COLUMNS)
    groups = frame.groupby("community")["entity_id"].apply(set).to_dict()
    assert groups == {
        0: {"b1", "b2", "b3", "b4", "p", "addr"},
        1: {"a1", "a2", "a3", "a4", "a5"},
    }
    sizes = frame.groupby("community")["community_size"].first().to_dict()
    assert sizes == {0: 6, 1: 5}


def test_communities_count_listed_and_fronts_per_community():
    frame = communities(_two_clusters()).groupby("community").first()
    assert frame.loc[0, "community_listed"] == 1
    assert frame.loc[0, "community_fronts"] == 0
    assert frame.loc[1, "community_listed"] == 0
    assert frame.loc[1, "community_fronts"] == 2


def test_communities_are_stable_for_the_same_seed():
    first = communities(_two_clusters(), seed=7)
    second = communities(_two_clusters(), seed=7)
    pd.testing.assert_frame_equal(first, second)


def test_communities_carry_member_attributes():
    frame = communities(_two_clusters()).set_index("entity_id")
    assert frame.loc["p", "kind"] == "Person"
    assert frame.loc["addr", "kind"] == "Address"
    assert frame.loc["a1", "roles"] == "FrontSuspect"
    assert frame.loc["b1", "name"] == "b1 LLC"
    assert bool(frame.loc["b1", "listed"]) is True


def test_communities_leave_out_nodes_that_are_not_entities():
    g = _two_clusters()
    g.add_node("shipment-1", kind="Shipment")
    g.add_edge("a1", "shipment-1", type="EXPORTED")
    assert "shipment-1" not in set(communities(g)["entity_id"])


def test_communities_put_isolated_entities_last_as_singletons():
    g = _two_clusters()
    _company(g, "loner")
    frame = communities(g)
    loner = frame[frame["entity_id"] == "loner"].iloc[0]
    assert loner["community"] == frame["community"].max()
    assert loner["community_size"] == 1


def test_communities_of_an_empty_graph_is_an_empty_frame():
    frame = communities(nx.MultiDiGraph())
    assert frame.empty and list(frame.columns) == list(COMMUNITY_COLUMNS)


def test_communities_reject_a_bad_resolution():
    with pytest.raises(NetworkInputError, match="resolution"):
        communities(_two_clusters(), resolution=0)


# --- brokers -----------------------------------------------------------------------------


def _bridge_graph() -> nx.MultiDiGraph:
    """Three suppliers sell to each other and to 'hub'; only 'hub' sells to three buyers."""
    g = nx.MultiDiGraph()
    suppliers = ["s1", "s2", "s3"]
    buyers = ["r1", "r2", "r3"]
    for node in suppliers:
        _company(g, node, country="CN")
    for node in buyers:
        _company(g, node, country="RU")
    _company(g, "hub", country="KG", roles=["Intermediary"])
    for u, v in itertools.permutations(suppliers, 2):
        g.add_edge(u, v, type="TRADES_WITH", value_usd=1.0)
    for u, v in itertools.permutations(buyers, 2):
        g.add_edge(u, v, type="TRADES_WITH", value_usd=1.0)
    for s in suppliers:
        g.add_edge(s, "hub", type="TRADES_WITH", value_usd=100.0, shipments=2)
    for r in buyers:
        g.add_edge("hub", r, type="TRADES_WITH", value_usd=110.0, shipments=2)
    return g


def test_brokers_rank_the_only_bridge_first():
    frame = brokers(_bridge_graph())
    assert list(frame.columns) == list(BROKER_COLUMNS)
    top = frame.iloc[0]
    assert top["entity_id"] == "hub"
    # every one of the 3*3 supplier->buyer pairs routes through hub: 9 / ((7-1)*(7-2))
    assert top["betweenness"] == pytest.approx(9 / 30)
    assert frame.iloc[1]["betweenness"] < top["betweenness"]
    assert (top["in_degree"], top["out_degree"]) == (3, 3)
    assert (top["value_in_usd"], top["value_out_usd"]) == (300.0, 330.0)
    assert top["roles"] == "Intermediary"


def test_brokers_follow_the_direction_of_trade():
    # reversing the flow through hub leaves nobody able to reach the buyers through it
    g = _bridge_graph()
    g.remove_edges_from([("hub", r) for r in ("r1", "r2", "r3")])
    for r in ("r1", "r2", "r3"):
        g.add_edge(r, "hub", type="TRADES_WITH", value_usd=1.0)
    frame = brokers(g).set_index("entity_id")
    assert frame.loc["hub", "betweenness"] == 0.0


def test_brokers_ignore_links_that_are_not_trade():
    g = _bridge_graph()
    g.add_edge("s1", "r1", type="OFFICER_OF")  # a shared director is no trade route
    assert brokers(g).iloc[0]["betweenness"] == pytest.approx(9 / 30)


def test_brokers_top_limits_rows():
    assert len(brokers(_bridge_graph(), top=2)) == 2
    assert len(brokers(_bridge_graph(), top=None)) == 7


def test_brokers_sample_pivots_reproducibly():
    g = _bridge_graph()
    sampled = brokers(g, k=3, seed=1)
    again = brokers(g, k=3, seed=1)
    pd.testing.assert_frame_equal(sampled, again)
    # one pivot: hub scores when the pivot is a supplier and nothing when it is a buyer
    hub_scores = {
        float(brokers(g, k=1, seed=seed).set_index("entity_id").loc["hub", "betweenness"])
        for seed in range(10)
    }
    assert len(hub_scores) > 1 and 0.0 in hub_scores


def test_brokers_sample_automatically_on_large_graphs(monkeypatch):
    g = _bridge_graph()
    monkeypatch.setattr(network, "AUTO_SAMPLE_ABOVE", 5)
    monkeypatch.setattr(network, "AUTO_PIVOTS", 3)
    assert brokers(g, seed=1)["betweenness"].tolist() == brokers(g, k=3, seed=1)[
        "betweenness"
    ].tolist()


def test_brokers_of_a_graph_without_trade_is_empty():
    g = nx.MultiDiGraph()
    g.add_edge("p", "c", type="OFFICER_OF")
    frame = brokers(g)
    assert frame.empty and list(frame.columns) == list(BROKER_COLUMNS)


def test_brokers_reject_a_bad_k():
    with pytest.raises(NetworkInputError, match="k must"):
        brokers(_bridge_graph(), k=0)


# --- exposure ----------------------------------------------------------------------------


def _exposure_graph() -> nx.MultiDiGraph:
    """L (listed) owns A; A sells to B; B's director also runs C; C sells to D; D sells to E."""
    g = nx.MultiDiGraph()
    _company(g, "L", country="RU", listed=True)
    for node in "ABCDE":
        _company(g, node)
    _person(g, "p")
    g.add_node("addr", kind="Address", name="Chui 1", country="KG")
    g.add_edge("L", "A", type="OWNS", share_pct=10.0)
    g.add_edge("A", "B", type="TRADES_WITH", value_usd=5.0)
    g.add_edge("p", "B", type="OFFICER_OF", role="director")
    g.add_edge("p", "C", type="OFFICER_OF", role="director")
    g.add_edge("D", "C", type="TRADES_WITH", value_usd=5.0)
    g.add_edge("D", "E", type="TRADES_WITH", value_usd=5.0)
    # an address shared with L is no link for exposure
    g.add_edge("L", "addr", type="REGISTERED_AT")
    g.add_edge("E", "addr", type="REGISTERED_AT")
    return g


def test_exposure_counts_hops_through_ownership_officers_and_trade():
    frame = exposure(_exposure_graph(), max_hops=5)
    assert list(frame.columns) == list(EXPOSURE_COLUMNS)
    hops = frame.set_index("entity_id")["hops"].to_dict()
    assert pd.isna(hops.pop("E"))  # only an address links E to L, and addresses do not count
    assert hops == {"L": 0, "A": 1, "B": 2, "C": 4, "D": 5}
    row = frame.set_index("entity_id").loc["C"]
    assert row["path"] == "C>p>B>A>L"
    assert row["listed_entity_id"] == "L"
    assert row["listed_name"] == "L LLC"


def test_exposure_stops_at_max_hops():
    frame = exposure(_exposure_graph(), max_hops=2).set_index("entity_id")
    assert frame.loc["B", "hops"] == 2
    for node in "CDE":
        assert pd.isna(frame.loc[node, "hops"])
        assert frame.loc[node, "path"] == ""
        assert frame.loc[node, "listed_entity_id"] == ""


def test_exposure_rows_are_companies_nearest_first():
    frame = exposure(_exposure_graph(), max_hops=5)
    assert "p" not in set(frame["entity_id"]) and "addr" not in set(frame["entity_id"])
    assert frame["entity_id"].tolist() == ["L", "A", "B", "C", "D", "E"]


def test_exposure_reaches_from_a_listed_person():
    g = nx.MultiDiGraph()
    _person(g, "oligarch", listed=True)
    _company(g, "X")
    g.add_edge("oligarch", "X", type="OFFICER_OF", role="beneficial_owner")
    row = exposure(g).set_index("entity_id").loc["X"]
    assert (row["hops"], row["path"], row["listed_entity_id"]) == (1, "X>oligarch", "oligarch")


def test_exposure_prefers_the_nearest_listed_entity():
    g = _exposure_graph()
    _company(g, "L2", country="RU", listed=True)
    g.add_edge("L2", "D", type="TRADES_WITH", value_usd=1.0)
    frame = exposure(g, max_hops=5).set_index("entity_id")
    assert (frame.loc["D", "hops"], frame.loc["D", "listed_entity_id"]) == (1, "L2")
    assert (frame.loc["C", "hops"], frame.loc["C", "path"]) == (2, "C>D>L2")


def test_exposure_aggregates_shares_of_two_listed_owners():
    g = nx.MultiDiGraph()
    _company(g, "L1", country="RU", listed=True)
    _person(g, "L2", listed=True)
    _company(g, "T")
    g.add_edge("L1", "T", type="OWNS", share_pct=30.0)
    g.add_edge("L2", "T", type="OWNS", share_pct=25.0)
    row = exposure(g).set_index("entity_id").loc["T"]
    assert row["listed_ownership_pct"] == pytest.approx(55.0)
    assert bool(row["owned_50pct_by_listed"]) is True


def test_exposure_does_not_flag_below_fifty_percent():
    g = nx.MultiDiGraph()
    _company(g, "L1", country="RU", listed=True)
    _company(g, "L2", country="RU", listed=True)
    _company(g, "clean")
    _company(g, "T")
    g.add_edge("L1", "T", type="OWNS", share_pct=30.0)
    g.add_edge("L2", "T", type="OWNS", share_pct=15.0)
    g.add_edge("clean", "T", type="OWNS", share_pct=55.0)
    row = exposure(g).set_index("entity_id").loc["T"]
    assert row["listed_ownership_pct"] == pytest.approx(45.0)
    assert bool(row["owned_50pct_by_listed"]) is False


def test_exposure_applies_the_fifty_percent_rule_down_a_chain():
    g = nx.MultiDiGraph()
    _company(g, "L", country="RU", listed=True)
    _company(g, "A")
    _company(g, "B")
    _company(g, "C")
    g.add_edge("L", "A", type="OWNS", share_pct=60.0)
    g.add_edge("A", "B", type="OWNS", share_pct=60.0)
    g.add_edge("B", "C", type="OWNS", share_pct=50.0)
    frame = exposure(g).set_index("entity_id")
    assert frame.loc["B", "listed_ownership_pct"] == pytest.approx(60.0)
    assert bool(frame.loc["B", "owned_50pct_by_listed"]) is True
    assert bool(frame.loc["C", "owned_50pct_by_listed"]) is True  # exactly 50% counts


def test_exposure_does_not_count_holdings_through_an_unblocked_company():
    g = nx.MultiDiGraph()
    _company(g, "L", country="RU", listed=True)
    _company(g, "A")
    _company(g, "B")
    g.add_edge("L", "A", type="OWNS", share_pct=40.0)
    g.add_edge("A", "B", type="OWNS", share_pct=100.0)
    frame = exposure(g).set_index("entity_id")
    assert frame.loc["A", "listed_ownership_pct"] == pytest.approx(40.0)
    assert frame.loc["B", "listed_ownership_pct"] == 0.0
    assert not frame["owned_50pct_by_listed"].any()


def test_exposure_counts_a_holding_reported_twice_once():
    g = nx.MultiDiGraph()
    _company(g, "L", country="RU", listed=True)
    _company(g, "T")
    g.add_edge("L", "T", type="OWNS", share_pct=30.0)
    g.add_edge("L", "T", type="OWNS", share_pct=30.0)
    assert exposure(g).set_index("entity_id").loc["T", "listed_ownership_pct"] == 30.0


def test_exposure_terminates_on_circular_ownership():
    g = nx.MultiDiGraph()
    _company(g, "L", country="RU", listed=True)
    _company(g, "A")
    _company(g, "B")
    g.add_edge("L", "A", type="OWNS", share_pct=51.0)
    g.add_edge("A", "B", type="OWNS", share_pct=70.0)
    g.add_edge("B", "A", type="OWNS", share_pct=49.0)
    frame = exposure(g).set_index("entity_id")
    assert frame.loc["A", "listed_ownership_pct"] == pytest.approx(100.0)
    assert frame.loc["B", "listed_ownership_pct"] == pytest.approx(70.0)


def test_exposure_without_listed_entities_reaches_nobody():
    g = _exposure_graph()
    g.nodes["L"]["listed"] = False
    frame = exposure(g)
    assert frame["hops"].isna().all()
    assert (frame["listed_ownership_pct"] == 0.0).all()


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_exposure_rejects_a_bad_max_hops(bad):
    with pytest.raises(NetworkInputError, match="max_hops"):
        exposure(_exposure_graph(), max_hops=bad)


def test_functions_reject_what_is_not_a_graph():
    for function in (communities, brokers, exposure):
        with pytest.raises(QueryError, match="networkx graph"):
            function({"a": "b"})
