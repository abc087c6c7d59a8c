"""Front-company scoring on small hand-built frames with known answers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from queries import QueryError
from queries.chains import find_chains
from queries.fronts import FRONT_COLUMNS, score_fronts
from queries.reference import FRONT_MIN_SCORE

CHIPS = "854231"
FURNITURE = "940360"
TEA = "090240"


class World:
    """A tiny world built row by row; entity ids start with their country code."""

    def __init__(self):
        self.companies, self.shipments, self.officers = [], [], []

    def company(self, eid, inc, *, address=None, activity="46.90", dissolved=None,
                status=None, reg=None):
        self.companies.append({
            "entity_id": eid, "name": eid.upper(), "country": eid[:2].upper(),
            "registration_number": reg or f"REG-{eid}",
            "incorporation_date": dt.date.fromisoformat(inc),
            "dissolution_date": dt.date.fromisoformat(dissolved) if dissolved else None,
            "status": status or ("liquidated" if dissolved else "active"),
            "address_id": address, "activity_code": activity,
        })

    def ship(self, date, exporter, importer, qty, hs=CHIPS, value=None, rid=None):
        rid = rid or f"R{len(self.shipments) + 1}"
        self.shipments.append({
            "shipment_id": f"sh-{rid}", "record_id": rid, "date": dt.date.fromisoformat(date),
            "hs6": hs, "hs_code": hs, "quantity": float(qty), "unit": "pcs",
            "net_weight_kg": None, "value_usd": float(value if value is not None else qty * 10),
            "exporter_entity_id": exporter, "exporter_country": exporter[:2].upper(),
            "importer_entity_id": importer, "importer_country": importer[:2].upper(),
        })
        return rid

    def officer(self, person, company, rel="OFFICER_OF", role="director"):
        self.officers.append({"officer_entity_id": person, "officer_kind": "Person",
                              "company_entity_id": company, "rel": rel, "role": role})

    def pass_through(self, company, start, hs=CHIPS, qty=1000, buyer="ru-buyer",
                     supplier="cn-maker", times=2):
        day = dt.date.fromisoformat(start)
        for k in range(times):
            d_in = day + dt.timedelta(days=60 * k)
            self.ship(d_in.isoformat(), supplier, company, qty, hs)
            self.ship((d_in + dt.timedelta(days=10)).isoformat(), company, buyer, qty, hs,
                      value=qty * 13)

    def frames(self):
        return (pd.DataFrame(self.companies), pd.DataFrame(self.shipments),
                pd.DataFrame(self.officers) if self.officers else None)


def reasons_of(result, eid):
    row = result[result["entity_id"] == eid]
    return row.iloc[0]["reasons"].split(";") if len(row) else []


def codes_of(result, eid):
    return {r.split("(")[0] for r in reasons_of(result, eid)}


def cluster_world():
    w = World()
    w.company("cn-maker", "2001-01-01", activity="26.11")
    w.company("ru-buyer", "1999-01-01", activity="26.51")
    for i, inc in enumerate(("2023-01-10", "2023-02-01", "2023-03-15")):
        w.company(f"kg-front{i}", inc, address="ad-bishkek-1")
        w.officer("pe-nominee", f"kg-front{i}")
        w.pass_through(f"kg-front{i}", f"2023-0{4 + i}-20")
    return w


def test_new_cluster_sharing_address_and_director_is_flagged():
    co, s, of = cluster_world().frames()
    f = score_fronts(co, s, of)
    assert list(f.columns) == list(FRONT_COLUMNS)
    fronts = f[f["entity_id"].str.startswith("kg-front")]
    assert len(fronts) == 3
    r = reasons_of(f, "kg-front0")
    assert "NEW_COMPANY(days_to_first_trade=100)" in r  # 2023-01-10 -> 2023-04-20
    assert "PASS_THROUGH(ratio=1.00)" in r
    assert "DEST_SHARE(pct=100)" in r and "CHPL_SHARE(pct=100)" in r
    assert "SHARED_ADDRESS(companies=3,young=3)" in r
    assert "SHARED_OFFICER(companies=2)" in r
    assert "TRANSIT_JURISDICTION(country=KG)" in r
    assert (fronts["score"] > 0.8).all()
    # the supplier and the buyer are no fronts
    assert not {"cn-maker", "ru-buyer"} & set(f["entity_id"])
    assert f["score"].is_monotonic_decreasing
    row = fronts.set_index("entity_id").loc["kg-front0"]
    assert row["registration_number"] == "REG-kg-front0" and row["country"] == "KG"
    assert row["incorporation_date"] == dt.date(2023, 1, 10)


def test_business_centre_of_old_tenants_does_not_light_up():
    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-shop", "2001-01-01", activity="47.59")
    for i in range(6):
        w.company(f"kz-tenant{i}", f"200{i}-05-05", address="ad-almaty-plaza", activity="46.47")
        for k in range(4):  # an old trade in furniture, before and after the invasion
            if i % 2:
                w.ship(f"20{19 + k}-0{i + 1}-10", "cn-maker", f"kz-tenant{i}", 500, FURNITURE)
            else:
                w.ship(f"20{19 + k}-0{i + 1}-25", f"kz-tenant{i}", "ru-shop", 500, FURNITURE)
    # one young tenant, but in other goods
    w.company("kz-teahouse", "2023-01-05", address="ad-almaty-plaza", activity="56.10")
    w.ship("2023-03-01", "cn-maker", "kz-teahouse", 100, TEA)
    co, s, _ = w.frames()
    f = score_fronts(co, s, min_score=0.0)
    for i in range(6):
        assert "SHARED_ADDRESS" not in codes_of(f, f"kz-tenant{i}")
        assert "NEW_COMPANY" not in codes_of(f, f"kz-tenant{i}")
        assert "NO_PRIOR_HISTORY" not in codes_of(f, f"kz-tenant{i}")
    assert "SHARED_ADDRESS" not in codes_of(f, "kz-teahouse")
    # old tenants passing ordinary goods to Russia stay under the default threshold
    flagged = score_fronts(co, s)
    assert not flagged["entity_id"].str.startswith("kz-tenant").any()


def test_domestic_new_importer_ranks_below_the_cluster():
    w = cluster_world()
    w.company("kg-newshop", "2023-02-01")
    w.ship("2023-04-01", "cn-maker", "kg-newshop", 1000)
    w.ship("2023-06-01", "cn-maker", "kg-newshop", 800)
    co, s, of = w.frames()
    f = score_fronts(co, s, of, min_score=0.0)
    new = f.set_index("entity_id").loc["kg-newshop"]
    assert "PASS_THROUGH" not in new["reasons"] and "DEST_SHARE" not in new["reasons"]
    assert new["score"] < f[f["entity_id"].str.startswith("kg-front")]["score"].min()


def test_dormant_shell_woken_after_the_invasion():
    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-buyer", "1999-01-01")
    w.company("am-shell", "2010-06-01", activity="46.69")
    w.pass_through("am-shell", "2023-07-01")
    co, s, _ = w.frames()
    # the records start in 2023: they cannot show years of silence before
    assert not {"DORMANT_THEN_ACTIVE", "NO_PRIOR_HISTORY"} & codes_of(
        score_fronts(co, s, min_score=0), "am-shell")
    # with records from 2018 on (other companies' trade), the shell was silent 5 years
    w.ship("2018-06-15", "cn-maker", "ru-buyer", 10, FURNITURE)
    co, s, _ = w.frames()
    f = score_fronts(co, s)
    r = reasons_of(f, "am-shell")
    assert "DORMANT_THEN_ACTIVE(years=5)" in r
    assert "NO_PRIOR_HISTORY(pct=100)" in r
    assert not any(x.startswith("NEW_COMPANY") for x in r)
    # the old buyer and supplier were silent as long: they light up too, until records of
    # their trade in between turn up
    assert "DORMANT_THEN_ACTIVE" in codes_of(f, "ru-buyer")
    w.ship("2021-06-15", "cn-maker", "ru-buyer", 10, FURNITURE)
    co, s, _ = w.frames()
    f = score_fronts(co, s, min_score=0)
    assert "DORMANT_THEN_ACTIVE(years=5)" in reasons_of(f, "am-shell")
    assert "DORMANT_THEN_ACTIVE" not in codes_of(f, "ru-buyer")
    assert "DORMANT_THEN_ACTIVE" not in codes_of(f, "cn-maker")


def test_old_reexporter_with_a_history_in_the_goods():
    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-buyer", "1999-01-01")
    w.company("ae-old", "2005-01-01", activity="46.52")
    for year in range(2019, 2025):
        w.pass_through("ae-old", f"{year}-03-01", times=1)
    co, s, _ = w.frames()
    codes = codes_of(score_fronts(co, s, min_score=0.0), "ae-old")
    assert {"PASS_THROUGH", "DEST_SHARE", "CHPL_SHARE"} <= codes
    assert not {"NEW_COMPANY", "DORMANT_THEN_ACTIVE", "NO_PRIOR_HISTORY"} & codes


def test_liquidation_and_activity_mismatch_figures():
    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-buyer", "1999-01-01")
    w.company("kz-grocer", "2022-05-01", activity="47.11", dissolved="2023-10-23")
    w.pass_through("kz-grocer", "2022-07-01")
    w.company("kz-trader", "2022-05-01", activity="46.52")
    w.pass_through("kz-trader", "2022-07-01")
    co, s, _ = w.frames()
    f = score_fronts(co, s)
    grocer = reasons_of(f, "kz-grocer")
    assert "LIQUIDATED(days_active=540)" in grocer
    assert "ACTIVITY_MISMATCH(code=47.11)" in grocer
    assert not {"LIQUIDATED", "ACTIVITY_MISMATCH"} & codes_of(f, "kz-trader")
    # a grocer selling tea is no mismatch
    w2 = World()
    w2.company("kz-grocer", "2022-05-01", activity="47.11")
    w2.company("cn-maker", "2001-01-01")
    w2.ship("2023-01-01", "cn-maker", "kz-grocer", 100, TEA)
    co2, s2, _ = w2.frames()
    assert "ACTIVITY_MISMATCH" not in codes_of(score_fronts(co2, s2, min_score=0), "kz-grocer")


def test_officer_shared_with_the_russian_buyer():
    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-buyer", "1999-01-01")
    w.company("kg-a", "2023-01-01")
    w.pass_through("kg-a", "2023-03-01")
    w.company("kg-b", "2023-01-01")
    w.pass_through("kg-b", "2023-03-01")
    w.officer("pe-ivanov", "ru-buyer")
    w.officer("pe-ivanov", "kg-a", rel="OWNS", role="founder")
    w.officer("pe-other", "kg-b")
    co, s, of = w.frames()
    f = score_fronts(co, s, of)
    assert "SHARED_OFFICER_WITH_BUYER(buyers=1)" in reasons_of(f, "kg-a")
    assert "SHARED_OFFICER_WITH_BUYER" not in codes_of(f, "kg-b")


def test_mirror_declarations_count_once():
    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-buyer", "1999-01-01")
    w.company("kz-x", "2023-01-01")
    w.ship("2023-03-01", "cn-maker", "kz-x", 1000, rid="KZ-IM-1")
    w.ship("2023-03-10", "kz-x", "ru-buyer", 1000, rid="KZ-EX-2")
    w.ship("2023-03-12", "kz-x", "ru-buyer", 1000, rid="RU-IM-3")
    co, s, _ = w.frames()
    # without the mirror table the export looks twice as big as the import
    doubled = score_fronts(co, s, min_score=0, thresholds={"pass_through_ratio": 0.4})
    assert "PASS_THROUGH(ratio=0.50)" in reasons_of(doubled, "kz-x")
    m = pd.DataFrame({"shipment_id": ["sh-KZ-EX-2"], "mirror_id": ["sh-RU-IM-3"]})
    once = reasons_of(score_fronts(co, s, mirrors=m, min_score=0), "kz-x")
    assert "PASS_THROUGH(ratio=1.00)" in once


def test_chain_links_and_listings_add_their_flags():
    co, s, of = cluster_world().frames()
    chains = find_chains(s, co)
    assert len(chains.links) == 6
    lst = pd.DataFrame({"entity_id": ["kg-front1"], "list": ["OFAC-SDN"],
                        "category": ["sanctioned"]})
    f = score_fronts(co, s, of, lst, chains_links=chains.links)
    assert "CHAIN_INTERMEDIARY(links=2)" in reasons_of(f, "kg-front0")
    assert "LISTED(list=OFAC-SDN)" in reasons_of(f, "kg-front1")


def test_weights_thresholds_and_min_score():
    co, s, of = cluster_world().frames()
    no_address = score_fronts(co, s, of, weights={"SHARED_ADDRESS": 0.0})
    assert "SHARED_ADDRESS" not in codes_of(no_address, "kg-front0")
    full = score_fronts(co, s, of)
    assert (full.set_index("entity_id").loc["kg-front0", "score"]
            > no_address.set_index("entity_id").loc["kg-front0", "score"])
    strict = score_fronts(co, s, of, thresholds={"pass_through_ratio": 1.01})
    assert "PASS_THROUGH" not in codes_of(strict, "kg-front0")
    assert (full["score"] >= FRONT_MIN_SCORE).all()
    assert len(score_fronts(co, s, of, min_score=1.01)) == 0
    with pytest.raises(QueryError, match="NOT_A_FLAG"):
        score_fronts(co, s, of, weights={"NOT_A_FLAG": 1.0})
    with pytest.raises(QueryError, match="since"):
        score_fronts(co, s, of, since="not a date")


def test_since_moves_the_line():
    co, s, of = cluster_world().frames()
    later = score_fronts(co, s, of, since="2024-01-01", min_score=0)
    # nothing traded after 2024: no flag that looks at recent trade holds
    assert later.empty or not later["reasons"].str.contains("PASS_THROUGH|NEW_COMPANY").any()


def _officers_through_the_resolver(rows):
    """The officers frame as a load makes it: persons by the resolver, with their
    ``resolved_by`` as graph.read returns it."""
    from loaders.resolve import Resolver

    resolver = Resolver()
    people = [(resolver.resolve_person(name, country, oid, company=company), company)
              for name, country, oid, company in rows]
    evidence = resolver.person_evidence()
    return pd.DataFrame([{"officer_entity_id": p, "officer_kind": "Person",
                          "company_entity_id": c, "rel": "OFFICER_OF", "role": "director",
                          "officer_resolved_by": evidence[p]} for p, c in people])


def _cluster_with_old_neighbours():
    """Three fronts run by one nominee; two old traders of furniture, one sharing a namesake
    of a front's director, one the nominee himself."""
    w = cluster_world()
    for eid in ("kz-furniture", "kz-oldtimer"):
        w.company(eid, "2004-05-05", activity="46.47")
        for k in range(4):
            w.ship(f"20{19 + k}-03-10", "cn-maker", eid, 500, FURNITURE)
            w.ship(f"20{19 + k}-04-10", eid, "ru-buyer", 500, FURNITURE)
    return w


def test_a_namesake_lends_no_shared_officer_and_a_real_nominee_does():
    co, s, _ = _cluster_with_old_neighbours().frames()
    nominee_id = "KG-P-20306199050077"
    rows = [("Asanov Bakyt", "KG", nominee_id, f"kg-front{i}") for i in range(3)]
    rows += [("Ivanov Sergey", "RU", None, "kg-front0"),       # a front's second director
             ("IVANOV SERGEY", "RU", None, "kz-furniture"),    # his namesake, an old trader's
             ("ASANOV BAKYT", "KG", nominee_id, "kz-oldtimer")]  # the nominee, by his id
    of = _officers_through_the_resolver(rows)
    f = score_fronts(co, s, of, min_score=0.0)
    scored = set(f["entity_id"])
    assert {"kz-furniture", "kz-oldtimer", "kg-front0"} <= scored
    assert "SHARED_OFFICER" not in codes_of(f, "kz-furniture")
    assert "SHARED_OFFICER(companies=3)" in reasons_of(f, "kz-oldtimer")
    assert "SHARED_OFFICER" in codes_of(f, "kg-front0")
    # what the old load did: one "Ivanov Sergey" on both boards lights the old trader up ...
    merged = of.assign(officer_entity_id=of["officer_entity_id"].where(
        of["company_entity_id"] != "kz-furniture", of["officer_entity_id"].iloc[3]))
    legacy = merged.drop(columns="officer_resolved_by")
    assert "SHARED_OFFICER" in codes_of(score_fronts(co, s, legacy, min_score=0.0),
                                        "kz-furniture")
    # ... and a person joined on the name alone still does not
    name_only = merged.assign(officer_resolved_by=merged["officer_resolved_by"].where(
        merged["officer_entity_id"] != of["officer_entity_id"].iloc[3], "name"))
    f2 = score_fronts(co, s, name_only, min_score=0.0)
    assert "SHARED_OFFICER" not in codes_of(f2, "kz-furniture")
    assert "SHARED_OFFICER(companies=3)" in reasons_of(f2, "kz-oldtimer")


GRAPES, TSHIRTS = "080610", "610910"


def test_goods_matter_ordinary_pass_through_stays_below_the_chpl_one():
    from queries.reference import FRONT_SUSPECT_SCORE

    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-buyer", "1999-01-01")
    w.company("ru-grocer", "1999-01-01")
    w.company("kg-chips", "2022-06-01")
    w.company("kg-fruit", "2022-06-01")
    w.pass_through("kg-chips", "2022-08-01", times=3)
    w.pass_through("kg-fruit", "2022-08-01", hs=GRAPES, buyer="ru-grocer", times=2)
    w.pass_through("kg-fruit", "2022-09-15", hs=TSHIRTS, buyer="ru-grocer", times=2)
    co, s, _ = w.frames()
    f = score_fronts(co, s, min_score=0.0).set_index("entity_id")
    assert f.loc["kg-chips", "score"] >= FRONT_SUSPECT_SCORE
    assert f.loc["kg-fruit", "score"] < FRONT_SUSPECT_SCORE
    # the look-alike keeps its figures, weakened by its goods, and says so
    fruit = reasons_of(f.reset_index(), "kg-fruit")
    assert "PASS_THROUGH(ratio=1.00,goods=0.00)" in fruit
    assert "DEST_SHARE(pct=100,goods=0.00)" in fruit
    assert not any("goods=" in r for r in reasons_of(f.reset_index(), "kg-chips"))


def test_a_reexporter_whose_quantities_never_pair_loses_its_destination_flag():
    w = World()
    w.company("cn-maker", "2001-01-01")
    w.company("ru-buyer", "1999-01-01")
    for eid in ("kz-stock", "kz-conduit"):
        w.company(eid, "2010-05-12", activity="46.52")
    for k in range(4):
        day = dt.date(2022, 6, 1) + dt.timedelta(days=45 * k)
        w.ship(day.isoformat(), "cn-maker", "kz-stock", 40000 + 7000 * k)
        # onward lots from its own stock: a third, then twice what arrived
        w.ship((day + dt.timedelta(days=20)).isoformat(), "kz-stock", "ru-buyer",
               (40000 + 7000 * k) * (0.3 if k % 2 else 2.1), value=1)
    w.pass_through("kz-conduit", "2022-06-01", times=4)
    co, s, _ = w.frames()
    f = score_fronts(co, s, min_score=0.0)
    stock, conduit = reasons_of(f, "kz-stock"), reasons_of(f, "kz-conduit")
    assert "DEST_SHARE(pct=100,paired=0.00)" in stock
    assert "DEST_SHARE(pct=100)" in conduit
    by = f.set_index("entity_id")["score"]
    assert by["kz-stock"] < by["kz-conduit"]
