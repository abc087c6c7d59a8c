"""Every canned query against a real Neo4j server holding a small graph with planted answers.

The graph is written through the project's own writer (graph.store.GraphWriter) from resolved
frames, so the queries are checked against the properties and relationships a load really
produces, not against a hand-made imitation of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from loaders.columns import RESOLVED
from queries.catalog import (
    ParameterError,
    QueryRunError,
    load_catalog,
    parse_query,
)
from tracegraph.jobs.query import run_query

pytestmark = pytest.mark.neo4j

CATALOG = load_catalog()

D = dt.date.fromisoformat

# --- the planted graph ---------------------------------------------------------------------
#  - pass-through: Shenzhen Chipmaker (CN) -> Ala-Too Trade (KG) 1000 pcs of 854231 on
#    2023-03-01 (declared by CN and by KG), Ala-Too -> Radiokom (RU) 980 pcs on 2023-03-20
#    (declared by KG and by RU); decoys: 500 pcs on 2023-03-25 (quantity off) and 1000 pcs on
#    2023-08-01 (too late).
#  - mass registration: Ala-Too and five shell companies at Chui Avenue 1, Bishkek.
#  - shared officer: Ivan Petrov directs and owns Ala-Too and founded Radiokom.
#  - listed: Kalashnikov-Alpha (RU, OFAC-SDN) owns 60% of Araks Trade (AM); Araks sells to
#    Bosphorus Elektronik (TR), whose director Ayse Kaya also directs Kartli Tech (GE): four
#    links from the listed company.
#  - dormant: Steppe Machinery (KZ), incorporated 2010, one shipment in 2015, then to Radiokom
#    in 2023.
#  - flows: Tengri Components (KZ) sells US-made 854232 to Radiokom: 10,000 USD in 2022,
#    30,000 USD in 2023 (+200%).
#  - Shell Trade 1 (KG, incorporated 2022-07-01) is on the BIS Entity List: a listed company
#    in a transit country set up after the invasion.
#  - Radiokom is on a defence-industry list, so supplier exposure runs to it; its director Oleg
#    Sidorov also directs Kalashnikov-Alpha, so one listed company is two links from the other.

COMPANIES = [
    # entity_id, name, country, registration_number, incorporation_date, activity_code, address_id
    ("c-sup-cn", "Shenzhen Chipmaker Co", "CN", "91440300MA5F", "2008-04-02", "26.11", None),
    ("c-int-kg", "Ala-Too Trade OsOO", "KG", "238401-3301-OOO", "2022-05-10", "56.10", "a-bishkek"),
    ("c-buy-ru", "Radiokom OOO", "RU", "1027700000001", "2002-11-20", "26.51", "a-moscow"),
    ("c-listed-ru", "Kalashnikov-Alpha AO", "RU", "1021800000002", "1999-01-15", "25.40", None),
    ("c-own-am", "Araks Trade LLC", "AM", "286.110.01234", "2019-06-01", "46.52", None),
    ("c-hop-tr", "Bosphorus Elektronik AS", "TR", "TR-445566", "2015-09-09", "46.52", None),
    ("c-far-ge", "Kartli Tech LLC", "GE", "404112233", "2021-02-02", "62.01", None),
    ("c-old-kz", "Steppe Machinery TOO", "KZ", "100340012345", "2010-03-01", "28.41", None),
    ("c-int-kz", "Tengri Components TOO", "KZ", "200440098765", "2020-04-04", "46.52", None),
    ("c-dom-kz", "Almaty Metal TOO", "KZ", "050140011111", "2005-01-14", "46.72", None),
    ("c-us-maker", "Texan Semiconductors Inc", "US", "US-DE-778899", "1980-05-05", "26.11", None),
] + [
    (f"c-shell-{n}", f"Shell Trade {n} OsOO", "KG", f"2400{n}-3301-OOO", f"2022-07-0{n}", "46.90",
     "a-bishkek")
    for n in range(1, 6)
]

ADDRESSES = [
    ("a-bishkek", "Chui Avenue 1, Bishkek", "KG"),
    ("a-moscow", "Profsoyuznaya 65, Moscow", "RU"),
]

PERSONS = [("p-petrov", "Ivan Petrov", "RU"), ("p-kaya", "Ayse Kaya", "TR"),
           ("p-sidorov", "Oleg Sidorov", "RU")]

OFFICERS = [
    # officer, kind, company, rel, role, share_pct
    ("p-petrov", "Person", "c-int-kg", "OFFICER_OF", "director", None),
    ("p-petrov", "Person", "c-int-kg", "OWNS", "shareholder", 100.0),
    ("p-petrov", "Person", "c-buy-ru", "OFFICER_OF", "founder", None),
    ("p-kaya", "Person", "c-hop-tr", "OFFICER_OF", "director", None),
    ("p-kaya", "Person", "c-far-ge", "OFFICER_OF", "director", None),
    ("c-listed-ru", "Company", "c-own-am", "OWNS", "shareholder", 60.0),
    ("p-sidorov", "Person", "c-listed-ru", "OFFICER_OF", "director", None),
    ("p-sidorov", "Person", "c-buy-ru", "OFFICER_OF", "director", None),
]

LISTINGS = [
    ("l-sdn-1", "c-listed-ru", "OFAC-SDN", "RUSSIA-EO14024", "2022-06-28", "sanctioned"),
    ("l-def-1", "c-buy-ru", "defence-industry", "RU-DIB", "2023-01-01", "defence_industry"),
    ("l-bis-1", "c-shell-1", "BIS-ENTITY-LIST", "EAR-744", "2023-05-01", "military_end_user"),
]

SHIPMENTS = [
    # id, record_id, date, exporter, importer, hs_code, quantity, value_usd, origin, reporter
    ("s-01", "CN-EX-1", "2023-03-01", "c-sup-cn", "c-int-kg", "8542310000", 1000, 50000.0, "CN", "CN"),
    ("s-02", "KG-IM-1", "2023-03-03", "c-sup-cn", "c-int-kg", "8542310000", 1000, 52000.0, "CN", "KG"),
    ("s-03", "KG-EX-7", "2023-03-20", "c-int-kg", "c-buy-ru", "8542310000", 980, 70000.0, "CN", "KG"),
    ("s-04", "RU-IM-52", "2023-03-22", "c-int-kg", "c-buy-ru", "8542310000", 980, 69000.0, "CN", "RU"),
    ("s-05", "KG-EX-9", "2023-03-25", "c-int-kg", "c-buy-ru", "8542310000", 500, 36000.0, "CN", "KG"),
    ("s-06", "KG-EX-30", "2023-08-01", "c-int-kg", "c-buy-ru", "8542310000", 1000, 71000.0, "CN", "KG"),
    ("s-07", "AM-EX-3", "2023-02-10", "c-own-am", "c-hop-tr", "8471300000", 40, 24000.0, "CN", "AM"),
    ("s-08", "KZ-EX-2015", "2015-05-01", "c-old-kz", "c-dom-kz", "8460120000", 2, 80000.0, "KZ", "KZ"),
    ("s-09", "KZ-EX-2023", "2023-04-01", "c-old-kz", "c-buy-ru", "8460120000", 3, 95000.0, "DE", "KZ"),
    ("s-10", "KZ-EX-22", "2022-06-01", "c-int-kz", "c-buy-ru", "8542320000", 100, 10000.0, "US", "KZ"),
    ("s-11", "KZ-EX-23", "2023-06-01", "c-int-kz", "c-buy-ru", "8542320000", 300, 30000.0, "US", "KZ"),
    ("s-12", "US-EX-5", "2022-05-01", "c-us-maker", "c-int-kz", "8542320000", 100, 8000.0, "US", "US"),
]

# (kept, mirror): the importing side's declaration mirrors the exporting side's
MIRRORS = [("s-01", "s-02"), ("s-03", "s-04")]

# parameters that make the queries about one company or pair find something
EXAMPLE_PARAMS = {
    "company-profile": {"entity_id": "c-int-kg"},
    "trade-between": {"company_a": "c-int-kg", "company_b": "radiokom ooo"},
}


def _frames() -> dict[str, pd.DataFrame]:
    country = {c[0]: c[2] for c in COMPANIES}
    rows = {
        "addresses": [dict(address_id=a, text=t, country=c) for a, t, c in ADDRESSES],
        "companies": [
            dict(entity_id=e, name=n, names=[n], country=c, registration_number=r,
                 tax_id=None, incorporation_date=D(i), dissolution_date=None, status="active",
                 address_id=a, legal_form=None, activity_code=code, from_registry=True)
            for e, n, c, r, i, code, a in COMPANIES
        ],
        "persons": [dict(entity_id=e, name=n, names=[n], country=c) for e, n, c in PERSONS],
        "officers": [
            dict(officer_entity_id=o, officer_kind=k, company_entity_id=c, rel=r, role=role,
                 share_pct=share, start_date=None, end_date=None)
            for o, k, c, r, role, share in OFFICERS
        ],
        "listings": [
            dict(listing_id=i, entity_id=e, entity_kind="Company", list=lst, program=p,
                 listed_on=D(on), category=cat, linked_to=None, entries=None)
            for i, e, lst, p, on, cat in LISTINGS
        ],
        "shipments": [
            dict(shipment_id=i, record_id=r, date=D(d), hs_code=hs, hs6=hs[:6],
                 description=None, quantity=float(q), unit="pcs", net_weight_kg=q / 10,
                 value_usd=v, origin_country=o, reporter=rep, source="catalog-test",
                 exporter_entity_id=ex, exporter_country=country[ex], importer_entity_id=im,
                 importer_country=country[im])
            for i, r, d, ex, im, hs, q, v, o, rep in SHIPMENTS
        ],
    }
    frames = {}
    for name, data in rows.items():
        frame = pd.DataFrame(data)
        missing = set(RESOLVED[name]) - set(frame.columns)
        assert not missing, f"test frame {name} lacks {missing}"
        frames[name] = frame
    frames["mirrors"] = pd.DataFrame(MIRRORS, columns=list(RESOLVED["mirrors"]))
    return frames


@pytest.fixture(scope="module")
def catalog_graph(graph):
    """The session's server, emptied and loaded with the planted graph once for this module."""
    from graph.store import GraphWriter
    from queries.reference import chpl_tiers

    graph.reset()
    frames = _frames()
    writer = GraphWriter(graph)
    writer.write(frames)
    tiers = chpl_tiers()
    codes = set(frames["shipments"]["hs6"])
    writer.write_hs_codes(codes, {c: {"chpl_tier": tiers[c]} for c in codes if c in tiers})
    writer.write_mirrors(frames["mirrors"])
    writer.rebuild_trades_with()
    yield graph
    graph.reset()


def _run(catalog_graph, name, params=None) -> pd.DataFrame:
    return run_query(catalog_graph, name, params or {})


# --- every query ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_query_runs_and_returns_its_declared_columns(catalog_graph, name):
    query = CATALOG[name]
    # every declared parameter given explicitly, as the command line would give it
    params = {p.name: _as_text(p.default) for p in query.params}
    params.update(EXAMPLE_PARAMS.get(name, {}))
    frame = _run(catalog_graph, name, params)
    assert list(frame.columns) == list(query.column_names)
    assert len(frame) > 0, f"{name} found nothing in the planted graph"


def _as_text(value) -> str:
    if isinstance(value, list):
        return ",".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_query_honours_limit(catalog_graph, name):
    params = dict(EXAMPLE_PARAMS.get(name, {}), limit=1)
    assert len(_run(catalog_graph, name, params)) <= 1


# --- planted answers -----------------------------------------------------------------------


def test_pass_through_pairs_finds_the_planted_pair_once(catalog_graph):
    frame = _run(catalog_graph, "pass-through-pairs")
    kg = frame[frame["intermediary_id"] == "c-int-kg"]
    # the mirror declarations of arrival and onward shipment must not make four pairs
    assert len(kg) == 1
    row = kg.iloc[0]
    assert (row["supplier_id"], row["buyer_id"], row["hs6"]) == ("c-sup-cn", "c-buy-ru", "854231")
    assert (row["arrival_record_id"], row["onward_record_id"]) == ("CN-EX-1", "KG-EX-7")
    assert row["arrival_date"] == dt.date(2023, 3, 1)
    assert row["lag_days"] == 19
    assert row["quantity_ratio"] == pytest.approx(0.98)
    assert row["markup"] == pytest.approx(1.4)
    assert not set(frame["onward_record_id"]) & {"KG-EX-9", "KG-EX-30", "RU-IM-52"}


def test_pass_through_pairs_parameters_change_the_answer(catalog_graph):
    narrow = _run(catalog_graph, "pass-through-pairs", {"tolerance": "0.01"})
    assert "c-int-kg" not in set(narrow["intermediary_id"])
    wide = _run(catalog_graph, "pass-through-pairs", {"window_days": "200"})
    assert "KG-EX-30" in set(wide["onward_record_id"])
    only_kz = _run(catalog_graph, "pass-through-pairs", {"transit_countries": "KZ"})
    assert set(only_kz["intermediary_id"]) == {"c-int-kz"}


def test_mass_registration_addresses_finds_the_planted_address(catalog_graph):
    frame = _run(catalog_graph, "mass-registration-addresses")
    assert frame["address_id"].tolist() == ["a-bishkek"]
    row = frame.iloc[0]
    assert row["companies"] == 6
    assert row["companies_since"] == 6
    assert row["companies_exporting_to_destinations"] == 1
    assert row["company_names"][0] == "Ala-Too Trade OsOO"
    assert _run(catalog_graph, "mass-registration-addresses", {"min_companies": "7"}).empty


def test_within_hops_of_listed_finds_the_planted_chain(catalog_graph):
    frame = _run(catalog_graph, "within-hops-of-listed", {"lists": "OFAC-SDN"}).set_index(
        "entity_id"
    )
    assert frame.loc["c-own-am", "hops"] == 1
    assert frame.loc["c-own-am", "path"] == "c-own-am>c-listed-ru"
    assert frame.loc["c-hop-tr", "hops"] == 2
    assert frame.loc["c-hop-tr", "link_types"] == "TRADES_WITH>OWNS"
    assert frame.loc["c-hop-tr", "listed_on"] == ["OFAC-SDN"]
    assert "c-far-ge" not in frame.index  # four links away
    assert "c-listed-ru" not in frame.index

    deeper = _run(catalog_graph, "within-hops-of-listed",
                  {"lists": "OFAC-SDN", "max_hops": "4"}).set_index("entity_id")
    assert deeper.loc["c-far-ge", "hops"] == 4
    assert deeper.loc["c-far-ge", "path"] == "c-far-ge>p-kaya>c-hop-tr>c-own-am>c-listed-ru"


def test_listed_companies_in_transit_incorporated_after(catalog_graph):
    name = "listed-companies-in-transit-incorporated-after"
    frame = _run(catalog_graph, name).set_index("entity_id")
    # listed, in Kyrgyzstan, incorporated after 2022-02-24; Ala-Too is as young but not listed,
    # Kalashnikov-Alpha listed but Russian and old
    assert list(frame.index) == ["c-shell-1"]
    assert frame.loc["c-shell-1", "lists"] == ["BIS-ENTITY-LIST"]
    assert _run(catalog_graph, name, {"after": "2022-08-01"}).empty


def test_within_hops_of_listed_reaches_from_every_list_by_default(catalog_graph):
    frame = _run(catalog_graph, "within-hops-of-listed").set_index("entity_id")
    # Ala-Too sells to Radiokom, which is on the defence-industry list
    assert frame.loc["c-int-kg", "listed_entity_id"] == "c-buy-ru"
    assert frame.loc["c-int-kg", "hops"] == 1
    assert "c-buy-ru" not in frame.index


def test_within_hops_of_listed_can_show_listed_companies_too(catalog_graph):
    params = {"lists": "OFAC-SDN", "include_listed": "true"}
    frame = _run(catalog_graph, "within-hops-of-listed", params).set_index("entity_id")
    assert frame.loc["c-buy-ru", "hops"] == 2
    assert frame.loc["c-buy-ru", "path"] == "c-buy-ru>p-sidorov>c-listed-ru"
    assert "c-listed-ru" not in frame.index  # a company is not near itself


def test_officers_shared_with_russian_buyer(catalog_graph):
    frame = _run(catalog_graph, "officers-shared-with-russian-buyer")
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["officer_id"], row["company_id"], row["buyer_id"]) == (
        "p-petrov", "c-int-kg", "c-buy-ru")
    assert sorted(row["roles_at_company"]) == ["director", "shareholder 100.0%"]
    assert row["roles_at_buyer"] == ["founder"]
    assert row["shipments"] == 3  # KG-EX-7 (its RU mirror counted once), KG-EX-9, KG-EX-30
    assert row["value_usd"] == pytest.approx(177000.0)


def test_new_intermediaries(catalog_graph):
    frame = _run(catalog_graph, "new-intermediaries")
    assert frame["entity_id"].tolist() == ["c-int-kg"]
    assert frame.iloc[0]["days_to_first_trade"] == (D("2023-03-01") - D("2022-05-10")).days
    assert frame.iloc[0]["buyers"] == ["Radiokom OOO"]


def test_supplier_exposure_goes_through_the_intermediary(catalog_graph):
    frame = _run(catalog_graph, "supplier-exposure")
    routes = {(r.supplier_id, r.intermediary_id, r.buyer_id) for r in frame.itertuples()}
    assert routes == {("c-sup-cn", "c-int-kg", "c-buy-ru"), ("c-us-maker", "c-int-kz", "c-buy-ru")}
    cn = frame[frame["supplier_id"] == "c-sup-cn"].iloc[0]
    assert (cn["supplier_shipments"], cn["onward_shipments"]) == (1, 3)
    assert cn["buyer_lists"] == ["defence-industry"]
    us = frame[frame["supplier_id"] == "c-us-maker"].iloc[0]
    assert us["onward_shipments"] == 1  # the 2023 sale is beyond 180 days of the arrival


def test_top_intermediaries_by_chpl_value(catalog_graph):
    frame = _run(catalog_graph, "top-intermediaries-by-chpl-value")
    assert frame["entity_id"].tolist()[:2] == ["c-int-kg", "c-int-kz"]
    assert frame.iloc[0]["chpl_value_usd"] == pytest.approx(70000 + 36000 + 71000)
    assert frame.iloc[0]["tiers"] == ["1"]
    assert "c-old-kz" not in set(frame["entity_id"])  # grinding machines are not on the CHPL


def test_flows_by_country_year_gives_year_on_year_growth(catalog_graph):
    frame = _run(catalog_graph, "flows-by-country-year", {"importer_countries": "RU"})
    kz = frame[(frame["route"] == "US>KZ>RU") & (frame["hs_group"] == "85")].set_index("year")
    assert kz.loc[2022, "value_usd"] == pytest.approx(10000.0)
    assert pd.isna(kz.loc[2022, "yoy_growth_pct"])
    assert kz.loc[2023, "previous_year_value_usd"] == pytest.approx(10000.0)
    assert kz.loc[2023, "yoy_growth_pct"] == pytest.approx(200.0)
    kg = frame[frame["route"] == "CN>KG>RU"]
    # KG-EX-7 declared again by Russia counts once
    assert kg["shipments"].sum() == 3


def test_mirror_declarations(catalog_graph):
    frame = _run(catalog_graph, "mirror-declarations")
    pairs = set(zip(frame["record_id"], frame["mirror_record_id"]))
    assert pairs == {("CN-EX-1", "KG-IM-1"), ("KG-EX-7", "RU-IM-52")}
    row = frame.set_index("record_id").loc["CN-EX-1"]
    assert row["value_gap_pct"] == pytest.approx(3.8)
    assert row["days_apart"] == 2
    assert _run(catalog_graph, "mirror-declarations", {"min_value_gap_pct": "3"})[
        "record_id"].tolist() == ["CN-EX-1"]


def test_dormant_then_active(catalog_graph):
    frame = _run(catalog_graph, "dormant-then-active")
    assert frame["entity_id"].tolist() == ["c-old-kz"]
    row = frame.iloc[0]
    assert (row["dormant_since"], row["resumed_on"]) == (D("2015-05-01"), D("2023-04-01"))
    assert (row["shipments_before"], row["shipments_after"]) == (1, 1)
    assert row["shipments_to_destinations"] == 1


def test_activity_code_mismatch(catalog_graph):
    frame = _run(catalog_graph, "activity-code-mismatch")
    assert frame["entity_id"].tolist() == ["c-int-kg"]
    assert frame.iloc[0]["activity_code"] == "56.10"
    assert frame.iloc[0]["chpl_shipments"] == 3


def test_company_profile_by_id_and_by_name(catalog_graph):
    by_id = _run(catalog_graph, "company-profile", {"entity_id": "c-int-kg"})
    assert len(by_id) == 1
    row = by_id.iloc[0]
    assert row["address"] == "Chui Avenue 1, Bishkek"
    assert row["incorporation_date"] == D("2022-05-10")
    assert sorted(row["officers"]) == ["Ivan Petrov (director)"]
    assert row["owners"] == ["Ivan Petrov 100.0%"]
    assert (row["shipments_in"], row["shipments_out"]) == (1, 3)
    assert row["trade_partners"] == 2
    by_name = _run(catalog_graph, "company-profile", {"name": "shell trade"})
    assert len(by_name) == 5
    listed = _run(catalog_graph, "company-profile", {"name": "radiokom"}).iloc[0]
    assert listed["listings"] == ["defence-industry RU-DIB"]
    assert "Listed" in listed["roles"]


def test_trade_between_lists_both_declarations(catalog_graph):
    frame = _run(catalog_graph, "trade-between", EXAMPLE_PARAMS["trade-between"])
    assert frame["record_id"].tolist() == ["KG-EX-7", "RU-IM-52", "KG-EX-9", "KG-EX-30"]
    assert frame.iloc[0]["mirror_record_ids"] == ["RU-IM-52"]


def test_values_travel_as_parameters_not_as_text(catalog_graph):
    # a value that would break out of a quoted string if it were pasted into the query
    hostile = "x' OR 1=1 OR c.name = '"
    frame = _run(catalog_graph, "trade-between", {"company_a": hostile, "company_b": hostile})
    assert frame.empty


# --- the runner's errors -------------------------------------------------------------------


def test_run_query_rejects_bad_parameters_before_sending(catalog_graph):
    with pytest.raises(ParameterError, match="max_hops"):
        _run(catalog_graph, "within-hops-of-listed", {"max_hops": "three"})


def _one_query_catalog(tmp_path: Path, body: str) -> dict:
    path = tmp_path / "broken-question.cypher"
    path.write_text(
        "// name: broken-question\n// title: Broken\n// description: For the test.\n"
        "// param: limit int 5 Rows\n// column: n A number\n" + body,
        encoding="utf-8",
    )
    query = parse_query(path)
    return {query.name: query}


def test_run_query_wraps_server_errors(catalog_graph, tmp_path):
    catalog = _one_query_catalog(tmp_path, "MATCH (c:Company) RETURN count(c) AS n LIMT $limit")
    with pytest.raises(QueryRunError, match="broken-question") as caught:
        run_query(catalog_graph, "broken-question", {}, catalog)
    assert "\n" not in str(caught.value)


def test_run_query_checks_the_returned_columns(catalog_graph, tmp_path):
    catalog = _one_query_catalog(
        tmp_path, "MATCH (c:Company) RETURN count(c) AS companies LIMIT $limit"
    )
    with pytest.raises(QueryRunError, match=r"returned columns \['companies'\]"):
        run_query(catalog_graph, "broken-question", {}, catalog)


def test_run_query_refuses_to_write(catalog_graph, tmp_path):
    catalog = _one_query_catalog(tmp_path, "CREATE (c:Company {id: 'x'}) RETURN $limit AS n")
    with pytest.raises(QueryRunError):
        run_query(catalog_graph, "broken-question", {}, catalog)
    assert catalog_graph.read("MATCH (c:Company {id: 'x'}) RETURN count(c) AS n")[0]["n"] == 0


# --- the same graph through the NetworkX projection ------------------------------------------


def test_network_exposure_agrees_with_the_canned_query(catalog_graph):
    """queries.network on graph.read's projection and the Cypher question measure the same."""
    from graph.read import projection
    from queries.network import exposure

    canned = _run(catalog_graph, "within-hops-of-listed", {"max_hops": "4"})
    computed = exposure(projection(catalog_graph), max_hops=4)
    unlisted = computed[~computed["listed"] & computed["hops"].notna()]
    assert dict(zip(unlisted["entity_id"], unlisted["hops"].astype(int))) == dict(
        zip(canned["entity_id"], canned["hops"])
    )
    owned = computed.set_index("entity_id").loc["c-own-am"]
    assert owned["listed_ownership_pct"] == pytest.approx(60.0)
    assert bool(owned["owned_50pct_by_listed"]) is True


def test_coalition_origin_onward_to_russia(catalog_graph):
    frame = _run(catalog_graph, "coalition-origin-onward-to-russia")
    rows = {(r.record_id, r.exporter_id, r.origin_country) for r in frame.itertuples()}
    # Tengri's US-made chips and Steppe's German machine from Kazakhstan's rule date
    # (2023-04-01) on; Ala-Too's Chinese chips stay out, and the US maker's own sale to
    # Kazakhstan is no onward shipment to Russia
    assert rows == {("KZ-EX-23", "c-int-kz", "US"), ("KZ-EX-2023", "c-old-kz", "DE")}
    # without rule dates every country counts from `since`: Tengri's 2022 sale comes in
    every = _run(catalog_graph, "coalition-origin-onward-to-russia", {"rule_dates": ""})
    assert set(every["record_id"]) == {"KZ-EX-22", "KZ-EX-23", "KZ-EX-2023"}
    assert every[every["record_id"] == "KZ-EX-22"].iloc[0]["chpl_tier"] == "1"
    moved = _run(catalog_graph, "coalition-origin-onward-to-russia",
                 {"rule_dates": "KZ:2023-05-01"})
    assert moved["record_id"].tolist() == ["KZ-EX-23"]
    later = _run(catalog_graph, "coalition-origin-onward-to-russia",
                 {"since": "2023-01-01", "transit_countries": "KZ", "coalition": "US"})
    assert later["record_id"].tolist() == ["KZ-EX-23"]
    assert len(_run(catalog_graph, "coalition-origin-onward-to-russia",
                    {"transit_countries": "KG"})) == 0
