"""The seeded sample world: deterministic, canonical, and its truth file tells the truth."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from loaders.columns import COMPANIES, OFFICERS, SHIPMENTS, WATCHLIST
from loaders.world import (
    CHPL_HS6,
    COUNTRY_FORMS,
    DEFENCE_ACTIVITY_CODES,
    DESTINATION_COUNTRIES,
    INVASION_DAY,
    ORDINARY_HS6,
    TRANSIT_COUNTRIES,
    WorldError,
    generate_world,
)
from loaders.world.names import _translit
from loaders.world.plan import _World
from queries.reference import chpl_tier_hs2022, cover_headings, parts_subheadings

FILES = ("shipments.csv", "companies.csv", "officers.csv", "watchlist.csv", "truth.json")
CYRILLIC = re.compile("[\u0400-\u04ff]")
LATIN = re.compile("[A-Za-z]")


def _country_of() -> dict[str, str]:
    names = {}
    for code, forms in COUNTRY_FORMS.items():
        names[code] = code
        for form in forms:
            names[form] = code
    return names


COUNTRY = _country_of()


def _hs6(text: str) -> str:
    return re.sub(r"[\s.]", "", text)[:6]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _valid_rows(frame: pd.DataFrame, bad: list[dict]) -> pd.DataFrame:
    return frame.drop(index=[b["line"] - 2 for b in bad])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("world0")
    paths = generate_world(out, seed=0, cover_headings=cover_headings(),
                           parts_subheadings=parts_subheadings())
    truth = json.loads(paths.truth.read_text(encoding="utf-8"))
    ships = _read(paths.shipments)
    ships["line"] = range(2, len(ships) + 2)
    bad_ids = {b["record_id"] for b in truth["bad_rows"]["shipments"]}
    valid = ships[~ships.record_id.isin(bad_ids) & (ships.record_id != "")]
    valid = valid.drop_duplicates("record_id").copy()
    valid["hs6"] = valid.hs_code.map(_hs6)
    valid["day"] = pd.to_datetime(valid.date)
    valid["qty"] = pd.to_numeric(valid.quantity)
    valid["kg"] = pd.to_numeric(valid.net_weight_kg)
    valid["exp_cc"] = valid.exporter_country.map(COUNTRY)
    valid["imp_cc"] = valid.importer_country.map(COUNTRY)
    return {
        "paths": paths,
        "truth": truth,
        "ships": ships,
        "valid": valid.set_index("record_id", drop=False),
        "companies": _read(paths.companies),
        "officers": _valid_rows(_read(paths.officers), truth["bad_rows"]["officers"]),
        "all_officers": _read(paths.officers),
        "watchlist": _read(paths.watchlist),
    }


def _ids_of(world, entity: dict) -> set[str]:
    """Every number a row may carry for the entity: its registration and tax numbers."""
    reg = entity["registration_number"]
    comp = world["companies"]
    rows = comp[(comp.registration_number == reg) & (comp.country == entity["country"])]
    return {reg} | set(rows.tax_id) - {""}


# -- files and determinism --------------------------------------------------------------------


def test_columns_are_the_canonical_ones(world):
    paths = world["paths"]
    for path, table in ((paths.shipments, SHIPMENTS), (paths.companies, COMPANIES),
                        (paths.officers, OFFICERS), (paths.watchlist, WATCHLIST)):
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        expected = table.columns + (("entity_kind",) if table is WATCHLIST else ())
        assert tuple(header) == expected, path.name


def test_same_seed_gives_identical_bytes_and_another_seed_differs(world, tmp_path):
    again = generate_world(tmp_path / "again", seed=0, cover_headings=cover_headings(),
                           parts_subheadings=parts_subheadings())
    other = generate_world(tmp_path / "other", seed=1, cover_headings=cover_headings(),
                           parts_subheadings=parts_subheadings())
    for name in FILES:
        first = (world["paths"].out_dir / name).read_bytes()
        assert (again.out_dir / name).read_bytes() == first, name
        assert (other.out_dir / name).read_bytes() != first, name


def test_default_world_has_the_promised_size(world):
    truth = world["truth"]
    assert 3000 <= len(world["ships"]) <= 6000
    assert len(world["ships"]) == truth["counts"]["shipment_rows"] == truth["n_shipments"]
    assert 150 <= truth["counts"]["companies"] <= 900
    assert truth["counts"]["persons"] > 100
    # every registry company (valid row) is counted
    comp = world["companies"]
    registry = comp[(comp.name != "") & (comp.country != "") & (comp.registration_number != "")]
    assert truth["counts"]["companies"] >= len(registry.drop_duplicates(
        ["country", "registration_number"]))


def test_record_ids_unique_except_the_recorded_duplicates(world):
    ships, truth = world["ships"], world["truth"]
    counts = Counter(ships.record_id[ships.record_id != ""])
    twice = sorted(r for r, n in counts.items() if n > 1)
    assert twice == truth["duplicates"]["shipments"]
    assert len(twice) >= 2
    for rid in twice:
        same = ships[ships.record_id == rid].drop(columns="line")
        assert len(same.drop_duplicates()) == 1, "a duplicate differs from its original"
    expected = (len(ships) - len(truth["bad_rows"]["shipments"]) - len(twice))
    assert truth["counts"]["shipments_valid_distinct"] == expected


# -- bad rows ----------------------------------------------------------------------------------


def _defect(row: pd.Series, reason: str, column: str) -> bool:
    if reason == "missing_required":
        return row[column] == ""
    if reason == "bad_date":
        try:
            date.fromisoformat(row["date"])
        except ValueError:
            return True
        return False
    if reason == "bad_hs_code":
        digits = re.sub(r"[\s.]", "", row["hs_code"])
        return not (digits.isdigit() and 4 <= len(digits) <= 10 and digits[:2] != "00")
    if reason == "negative_quantity":
        return float(row["quantity"]) < 0
    if reason == "no_amount":
        return row["quantity"] == row["net_weight_kg"] == row["value_usd"] == ""
    if reason == "unknown_country":
        return row[column] not in COUNTRY
    raise AssertionError(f"unknown reason {reason}")


def test_bad_shipment_rows_are_where_the_truth_says_and_broken_as_it_says(world):
    ships, bad = world["ships"], world["truth"]["bad_rows"]["shipments"]
    assert 24 <= len(bad) <= 60
    assert {b["reason"] for b in bad} == {"missing_required", "bad_date", "bad_hs_code",
                                         "negative_quantity", "no_amount", "unknown_country"}
    for b in bad:
        row = ships.iloc[b["line"] - 2]
        assert b["row"] == b["line"] - 1
        assert row["record_id"] == b["record_id"]
        assert _defect(row, b["reason"], b["column"]), b


def test_every_other_shipment_row_is_valid(world):
    ships, truth = world["ships"], world["truth"]
    bad_lines = {b["line"] for b in truth["bad_rows"]["shipments"]}
    good = ships[~ships.line.isin(bad_lines)]
    for col in SHIPMENTS.required:
        assert (good[col] != "").all(), col
    assert good.date.map(lambda d: date(2019, 1, 1) <= date.fromisoformat(d)
                         <= date(2025, 12, 31)).all()
    assert good.hs_code.map(lambda h: re.sub(r"[\s.]", "", h).isdigit()).all()
    assert good.hs_code.map(lambda h: 6 <= len(re.sub(r"[\s.]", "", h)) <= 10).all()
    for col in ("exporter_country", "importer_country"):
        assert good[col].isin(list(COUNTRY)).all(), col
    amounts = good[["quantity", "net_weight_kg", "value_usd"]]
    assert (amounts != "").any(axis=1).all()
    assert (pd.to_numeric(good.quantity[good.quantity != ""]) > 0).all()


def test_bad_registry_and_officer_rows(world):
    bad = world["truth"]["bad_rows"]
    for table, rows in (("companies", world["companies"]), ("officers", world["all_officers"])):
        assert bad[table], table
        for b in bad[table]:
            row = rows.iloc[b["line"] - 2]
            assert row[b["column"]] == "", (table, b)
    # a bad registry row describes a company that also has a valid row
    comp = world["companies"]
    for b in bad["companies"]:
        if b["registration_number"]:
            rows = comp[comp.registration_number == b["registration_number"]]
            assert ((rows.name != "") & (rows.country != "")).any()


# -- chains ------------------------------------------------------------------------------------


# chains whose links all leave one intermediary: one arrival in pieces, or pieces in one
ONE_HOP = ("split", "consolidation")
# chains that state the count in one unit on both sides of every link
COUNTED = ("2hop", "3hop", "split", "consolidation", "cover_heading")


def test_planted_chains_of_every_kind(world):
    chains = world["truth"]["chains"]
    kinds = Counter(c["kind"] for c in chains)
    assert kinds["2hop"] >= 5 and kinds["3hop"] >= 3 and kinds["split"] >= 3
    for pattern in ("consolidation", "cover_heading", "unit_switch", "no_quantity"):
        assert kinds[pattern] >= 2, pattern
    ids = [c["chain_id"] for c in chains]
    assert len(set(ids)) == len(ids)
    for c in chains:
        assert c["hs6"] in CHPL_HS6
        assert c["countries"][-1] in DESTINATION_COUNTRIES
        assert all(cc in TRANSIT_COUNTRIES for cc in c["countries"][1:-1])
        assert len(c["countries"]) == len(c["entities"]) == (4 if c["kind"] == "3hop" else 3)
        assert ("hs6_out" in c) == (c["kind"] == "cover_heading")
    three = [c["countries"] for c in chains if c["kind"] == "3hop"]
    assert any(cs[1] == "HK" and cs[0] == "CN" for cs in three)
    assert any(cs[2] == "KZ" for cs in three)


def test_chain_links_hold_in_the_csv(world):
    valid = world["valid"]
    for chain in world["truth"]["chains"]:
        cs, ents = chain["countries"], chain["entities"]
        arrivals: dict[str, list] = defaultdict(list)
        for k, (a, b) in enumerate(chain["links"]):
            arr, out = valid.loc[a], valid.loc[b]
            hop = 0 if chain["kind"] in ONE_HOP else k
            assert arr.hs6 == chain["hs6"], chain["chain_id"]
            assert out.hs6 == chain.get("hs6_out", chain["hs6"]), chain["chain_id"]
            lag = (out.day - arr.day).days
            assert 0 <= lag <= 60, (chain["chain_id"], lag)
            assert (arr.exp_cc, arr.imp_cc) == (cs[hop], cs[hop + 1])
            assert (out.exp_cc, out.imp_cc) == (cs[hop + 1], cs[hop + 2])
            # where a row names its parties by number, they are the chain's entities
            for row, who, idx in ((arr, "importer_id", hop + 1), (out, "exporter_id", hop + 1),
                                  (arr, "exporter_id", hop), (out, "importer_id", hop + 2)):
                if row[who]:
                    assert row[who] in _ids_of(world, ents[idx]), (chain["chain_id"], who)
            arrivals[a].append(out.qty)
            assert out.value_usd and float(out.value_usd) > 0
        if chain["kind"] not in COUNTED:
            continue
        if chain["kind"] == "consolidation":
            (onward,) = {b for _, b in chain["links"]}
            lots = [valid.loc[a].qty for a, _ in chain["links"]]
            assert len(lots) in (2, 3)
            assert 0.85 <= valid.loc[onward].qty / sum(lots) <= 1.15, chain["chain_id"]
            assert all(not 0.85 <= valid.loc[onward].qty / q <= 1.15 for q in lots)
            continue
        for a, outs in arrivals.items():
            ratio = sum(outs) / valid.loc[a].qty
            assert 0.85 <= ratio <= 1.15, (chain["chain_id"], ratio)
            if chain["kind"] == "split":
                assert len(outs) in (2, 3)
                assert all(not 0.85 <= q / valid.loc[a].qty <= 1.15 for q in outs)
            else:
                assert len(outs) == 1


def _pattern_chains(world, kind: str) -> list[dict]:
    found = [c for c in world["truth"]["chains"] if c["kind"] == kind]
    assert len(found) >= 2, kind
    return found


def _cover_route(arrival: str, onward: str) -> str | None:
    """How detection may join two headings: a pair of the sourced table, the same HS4, or
    CHPL goods leaving as a parts subheading of their chapter; None when nothing joins them."""
    if any(arrival.startswith(a) and onward.startswith(b) for a, b in cover_headings()):
        return "table"
    if arrival[:4] == onward[:4]:
        return "hs4"
    if (chpl_tier_hs2022(arrival)[0] is not None and onward in parts_subheadings()
            and arrival[:2] == onward[:2]):
        return "parts"
    return None


def test_cover_heading_chains_declare_the_goods_as_plausibly_the_same(world):
    """The onward shipment carries another heading (a pair of the sourced table, the same
    HS4, or for CHPL goods a parts subheading of their chapter that neither joins), with the
    description of that heading; count, net weight and value move as goods do (weights
    within 10 %, a mark-up below 50 %). The parts route reaches more than one chapter."""
    valid = world["valid"]
    routes = Counter()
    chapters = set()
    for chain in _pattern_chains(world, "cover_heading"):
        ((a, b),) = chain["links"]
        arr, out = valid.loc[a], valid.loc[b]
        assert out.hs6 != arr.hs6 and out.description != arr.description
        route = _cover_route(arr.hs6, out.hs6)
        assert route, chain["chain_id"]
        routes[route] += 1
        if route == "parts":
            chapters.add(arr.hs6[:2])
        assert out.unit == arr.unit == "pcs" and 0.97 <= out.qty / arr.qty <= 1.03
        assert 0.9 <= out.kg / arr.kg <= 1.1
        assert 1.0 < float(out.value_usd) / float(arr.value_usd) < 1.5
    # scale 1: three cover chains of the patterns (two by the table, one by the HS4), three
    # more by the parts route, one per chapter it can reach
    assert routes == {"table": 2, "hs4": 1, "parts": 3}
    assert len(chapters) == 3
    # the case among them: oscilloscopes declared as parts of optical appliances
    assert any(c["hs6"] == "903020" and c["hs6_out"] == "901390"
               for c in world["truth"]["chains"])


def test_without_a_cover_table_cover_chains_stay_within_the_hs4(tmp_path):
    truth = json.loads(generate_world(tmp_path, seed=0).truth.read_text(encoding="utf-8"))
    covers = [c for c in truth["chains"] if c["kind"] == "cover_heading"]
    assert covers and all(c["hs6"][:4] == c["hs6_out"][:4] for c in covers)
    assert not [x for x in truth["lookalikes"]
                if x["kind"] in ("cover_coincidence", "ordinary_as_parts")]


def test_parts_subheadings_alone_add_the_parts_route(tmp_path):
    """Without the table but with the parts subheadings: cover chains by the HS4 and by the
    parts route, and the ordinary goods declared as parts; the rest of the world as without."""
    plain = json.loads(generate_world(tmp_path / "plain", seed=1).truth.read_text(
        encoding="utf-8"))
    parts = json.loads(generate_world(tmp_path / "parts", seed=1,
                                      parts_subheadings=parts_subheadings()
                                      ).truth.read_text(encoding="utf-8"))
    routes = Counter(_cover_route(c["hs6"], c["hs6_out"]) for c in parts["chains"]
                     if c["kind"] == "cover_heading")
    assert routes == {"hs4": 3, "parts": 3}
    n = len(plain["chains"])
    assert [c["kind"] for c in parts["chains"][:n]] == [c["kind"] for c in plain["chains"]]
    assert [c["entities"] for c in parts["chains"][:n]] == [c["entities"] for c in
                                                            plain["chains"]]
    assert Counter(x["kind"] for x in parts["lookalikes"]) - Counter(
        x["kind"] for x in plain["lookalikes"]) == {"ordinary_as_parts": 2}


def test_goods_are_on_the_chpl_exactly_when_the_list_says_so():
    """The generator keeps its own copy of the CHPL flags (loaders import no queries); the
    parts route and its look-alike rely on them agreeing with the list detection reads."""
    from loaders.world.goods import _GOODS
    wrong = [g.hs6 for g in _GOODS if g.chpl != (chpl_tier_hs2022(g.hs6)[0] is not None)]
    assert not wrong
    assert "903020" in CHPL_HS6


@pytest.mark.parametrize("kind", ["unit_switch", "no_quantity"])
def test_unit_patterns_hide_the_count_on_one_side_and_keep_the_weight(world, kind):
    valid = world["valid"]
    sides = Counter()
    for chain in _pattern_chains(world, kind):
        ((a, b),) = chain["links"]
        arr, out = valid.loc[a], valid.loc[b]
        assert arr.hs6 == out.hs6
        hidden = [r for r in (arr, out) if r.unit != "pcs"]
        assert len(hidden) == 1, chain["chain_id"]
        if kind == "unit_switch":
            assert hidden[0].unit == "kg" and hidden[0].qty == hidden[0].kg
        else:
            assert hidden[0].quantity == hidden[0].unit == ""
        sides["out" if hidden[0] is out else "in"] += 1
        assert 0.9 <= out.kg / arr.kg <= 1.1
    assert sides["out"] >= 1


def test_chains_mark_up_the_value(world):
    valid = world["valid"]
    marked_up = 0
    for chain in world["truth"]["chains"]:
        for a, b in chain["links"]:
            arr, out = valid.loc[a], valid.loc[b]
            if arr.unit != "pcs" or out.unit != "pcs":
                continue  # a count hidden as weight or left out: no price per piece
            unit_in = float(arr.value_usd) / arr.qty
            unit_out = float(out.value_usd) / out.qty
            assert 1.0 < unit_out / unit_in < 1.7
            marked_up += 1
    assert marked_up > 20


def test_mirrors_are_one_shipment_declared_twice(world):
    valid, truth = world["valid"], world["truth"]
    assert len(truth["mirrors"]) >= 5
    cited_second = {b for _, b in truth["mirrors"]}
    for a, b in truth["mirrors"]:
        x, y = valid.loc[a], valid.loc[b]
        assert a != b and x.reporter != y.reporter
        assert x.reporter == x.imp_cc and y.reporter == y.exp_cc
        assert x.hs6 == y.hs6 and x.qty == y.qty
        assert (x.exp_cc, x.imp_cc) == (y.exp_cc, y.imp_cc)
        assert 0 <= (x.day - y.day).days <= 5
        if x.reporter == "RU" and x.exp_cc in ("KG", "KZ"):
            assert CYRILLIC.search(x.exporter_name) and CYRILLIC.search(x.importer_name)
            assert not CYRILLIC.search(y.exporter_name + y.importer_name)
    linked = {r for c in truth["chains"] for link in c["links"] for r in link}
    assert not linked & cited_second, "links cite the importer's declaration"
    assert any(a in linked for a, _ in truth["mirrors"])
    assert any(a not in linked for a, _ in truth["mirrors"])


def test_no_unplanned_chain_in_the_world():
    """Brute force over the true parties: every arrival/onward pair that looks like a chain
    link (same HS6, 0-60 days, quantity in one unit within 15 %, or several onward shipments
    adding up, or several arrivals) is a planted link, an ordinary pass-through look-alike,
    or a hub's trade, which never leads to RU or BY. (The patterns that hide the count or
    the heading are checked by detection, tests/test_detection_accuracy.py.)"""
    world = _World(0, 1.0, None, cover_headings(), parts_subheadings())
    records = []
    for rows, exp, imp in world.iter_shipment_chunks():
        for row, e, i in zip(rows, exp.tolist(), imp.tolist()):
            records.append((row[0], row[1], row[6], row[11], row[12], e, i))
    bad = {id(r) for r, _, _ in world.bad_shipments}
    bad_ids = {r["record_id"] for r in world.planted if id(r) in bad}
    df = pd.DataFrame(records, columns=["rid", "date", "hs", "qty", "unit", "exp", "imp"])
    df = df[~df.rid.isin(bad_ids) & (df.rid != "")].drop_duplicates("rid")
    df = df[df.qty != ""]
    df["hs6"] = df.hs.map(_hs6)
    df["day"] = pd.to_datetime(df.date)
    df["qty"] = df.qty.astype(float)
    country = {c.idx: c.country for c in world.companies}
    df["imp_country"] = df.imp.map(country)
    df["exp_country"] = df.exp.map(country)
    arrivals = df.rename(columns=lambda c: f"a_{c}")
    onward = df[df.imp_country != df.exp_country].rename(columns=lambda c: f"o_{c}")
    pairs = arrivals.merge(onward, left_on=["a_imp", "a_hs6", "a_unit"],
                           right_on=["o_exp", "o_hs6", "o_unit"])
    lag = (pairs.o_day - pairs.a_day).dt.days
    pairs = pairs[(lag >= 0) & (lag <= 60)]

    # hubs pass goods on by the lot, but never what they import to RU or BY, and their
    # customers only buy
    hubs = {h.idx for h in world.hubs}
    assert hubs and len(df[df.exp.isin(hubs) | df.imp.isin(hubs)]) > 0.05 * len(df)
    customers = set(df.loc[df.exp.isin(hubs), "imp"]) - hubs
    assert not df.exp.isin(customers).any()
    via_hub = pairs.a_imp.isin(hubs)
    assert via_hub.any()
    assert not pairs[via_hub].o_imp_country.isin(DESTINATION_COUNTRIES).any()
    pairs = pairs[~via_hub]

    mirror_of = {}
    for cited, other in world.mirrors:
        mirror_of[other["record_id"]] = cited["record_id"]
    allowed = set()
    for chain in world.chains:
        for a, b in chain.links:
            allowed.add((a["record_id"], b["record_id"]))
    for kind, _, rows in world.lookalikes:
        if kind == "ordinary_passthrough":
            allowed.add((rows[0]["record_id"], rows[1]["record_id"]))
    split_arrivals = {c.links[0][0]["record_id"] for c in world.chains if c.kind == "split"}
    merged_onward = {c.links[0][1]["record_id"] for c in world.chains
                     if c.kind == "consolidation"}
    hidden = {(a["record_id"], b["record_id"]) for c in world.chains
              if c.kind in ("unit_switch", "no_quantity", "cover_heading") for a, b in c.links}
    single = {link for link in allowed if link[0] not in split_arrivals
              and link[1] not in merged_onward and link not in hidden}

    def canon(rid: str) -> str:
        return mirror_of.get(rid, rid)

    close = pairs[(pairs.o_qty / pairs.a_qty).between(0.85, 1.15)]
    unplanned = [(a, o) for a, o in zip(close.a_rid, close.o_rid)
                 if (canon(a), canon(o)) not in allowed]
    assert not unplanned
    assert {(canon(a), canon(o)) for a, o in zip(close.a_rid, close.o_rid)} == single

    # several onward shipments adding up to one arrival happen only for planted splits
    grouped = pairs.groupby("a_rid").agg(n=("o_rid", "nunique"), out=("o_qty", "sum"),
                                         arrival=("a_qty", "first"))
    summed = grouped[(grouped.n > 1) & (grouped.out / grouped.arrival).between(0.85, 1.15)]
    assert set(map(canon, summed.index)) <= split_arrivals
    assert split_arrivals <= set(map(canon, summed.index))
    # and several arrivals adding up to one onward shipment only for planted consolidations
    shipped = pairs.assign(a_rid=pairs.a_rid.map(canon), o_rid=pairs.o_rid.map(canon))
    grouped = shipped.drop_duplicates(["a_rid", "o_rid"]).groupby("o_rid").agg(
        n=("a_rid", "nunique"), arrived=("a_qty", "sum"), onward=("o_qty", "first"))
    summed = grouped[(grouped.n > 1) & (grouped.onward / grouped.arrived).between(0.85, 1.15)]
    assert set(summed.index) == merged_onward


# -- fronts ------------------------------------------------------------------------------------


def _registry_row(world, entity: dict) -> pd.Series:
    comp = world["companies"]
    rows = comp[(comp.registration_number == entity["registration_number"])
                & (comp.country == entity["country"]) & (comp.name != "")]
    assert len(rows) >= 1, entity
    return rows.iloc[0]


def _person_key(name: str) -> tuple[str, str]:
    words = _translit(name).casefold().split()
    return words[0], words[1]


def _key(entity: dict) -> tuple[str, str]:
    return entity["country"], entity["registration_number"]


def _chains_through(world, entity: dict) -> list[dict]:
    return [c for c in world["truth"]["chains"]
            if _key(entity) in [_key(e) for e in c["entities"]]]


def _first_trade(world, entity: dict) -> date:
    days = []
    for chain in _chains_through(world, entity):
        for link in chain["links"]:
            days += [world["valid"].loc[r].day.date() for r in link]
    assert days, entity
    return min(days)


def test_front_clusters(world):
    fronts = world["truth"]["fronts"]
    officers = world["officers"]
    clusters = defaultdict(list)
    for f in fronts:
        clusters[f["cluster"]].append(f)
    new = {k: v for k, v in clusters.items() if v[0]["kind"] == "new_cluster"}
    assert len(new) >= 2 and all(3 <= len(v) <= 6 for v in new.values())
    liquidated = 0
    for members in new.values():
        rows = [_registry_row(world, m) for m in members]
        # one address, written with small variations
        digits = {tuple(sorted(re.findall(r"\d+", r.address))) for r in rows}
        assert len(digits) == 1, [r.address for r in rows]
        assert len({r.address for r in rows}) > 1
        # one nominee directs them all, in Cyrillic in some rows and Latin in others
        directors = officers[officers.company_registration_number.isin(
            [m["registration_number"] for m in members]) & (officers.role == "director")]
        assert len(directors) == len(members)
        assert len({_person_key(n) for n in directors.officer_name}) == 1
        assert any(CYRILLIC.search(n) for n in directors.officer_name)
        assert any(not CYRILLIC.search(n) for n in directors.officer_name)
        for m, r in zip(members, rows):
            inc = date.fromisoformat(r.incorporation_date)
            assert inc > INVASION_DAY
            assert (_first_trade(world, m) - inc).days <= 200
            if r.status == "liquidated":
                liquidated += 1
                assert (date.fromisoformat(r.dissolution_date) - inc).days <= 730
    assert liquidated >= 1


def test_front_imports_match_exports_and_go_to_russia(world):
    valid = world["valid"]
    dest = total = 0
    for f in world["truth"]["fronts"]:
        ins, outs = 0.0, 0.0
        for chain in _chains_through(world, f):
            pos = [_key(e) for e in chain["entities"]].index(_key(f))
            assert 0 < pos < len(chain["entities"]) - 1
            for k, (a, b) in enumerate(chain["links"]):
                hop = 0 if chain["kind"] in ONE_HOP else k
                if hop + 1 != pos:
                    continue
                arr, out = valid.loc[a], valid.loc[b]
                # on weight where a declaration hides the count: the goods are the same
                measure = "qty" if arr.unit == out.unit == "pcs" else "kg"
                ins += arr[measure] if k == 0 or chain["kind"] != "split" else 0
                outs += out[measure] if k == 0 or chain["kind"] != "consolidation" else 0
                dest += out.imp_cc in DESTINATION_COUNTRIES
                total += 1
        assert ins > 0, f
        assert 0.8 <= outs / ins <= 1.2
    assert dest > total / 2


def test_some_front_shares_an_officer_with_its_buyer(world):
    fronts, officers = world["truth"]["fronts"], world["officers"]
    sharing = [f for f in fronts if f["shares_officer_with_buyer"]]
    assert sharing
    for f in sharing:
        buyers = [c["entities"][-1] for c in _chains_through(world, f)]
        front_people = {_person_key(n) for n in officers.officer_name[
            officers.company_registration_number == f["registration_number"]]}
        buyer_people = {_person_key(n) for n in officers.officer_name[
            officers.company_registration_number.isin(
                [b["registration_number"] for b in buyers])]}
        assert front_people & buyer_people, f


def test_dormant_shells_wake_after_2022(world):
    dormant = [f for f in world["truth"]["fronts"] if f["kind"] == "dormant_shell"]
    assert dormant
    for f in dormant:
        inc = date.fromisoformat(_registry_row(world, f).incorporation_date)
        assert inc.year <= 2016
        assert date(2022, 3, 1) <= _first_trade(world, f) <= date(2024, 1, 31)
        ids = _ids_of(world, f)
        valid = world["valid"]
        touched = valid[valid.exporter_id.isin(ids) | valid.importer_id.isin(ids)]
        assert (touched.day >= pd.Timestamp(2022, 1, 1)).all()


# -- look-alikes -------------------------------------------------------------------------------


def _lookalikes(world, kind: str) -> list[dict]:
    found = [x for x in world["truth"]["lookalikes"] if x["kind"] == kind]
    assert len(found) >= 2, kind
    return found


def test_old_reexporters_never_match_an_arrival(world):
    valid = world["valid"]
    by_company = defaultdict(list)
    for x in _lookalikes(world, "old_reexporter"):
        by_company[x["registration_number"]].extend(x["record_ids"])
        inc = date.fromisoformat(_registry_row(world, x).incorporation_date)
        assert inc.year < 2015
    for reg, rids in by_company.items():
        rows = valid.loc[rids]
        assert rows.day.min() < pd.Timestamp(2020, 1, 1)
        onward = rows[rows.imp_cc.isin(DESTINATION_COUNTRIES)]
        arrivals = rows[~rows.imp_cc.isin(DESTINATION_COUNTRIES)]
        assert len(onward) and len(arrivals)
        assert set(onward.hs6) <= set(CHPL_HS6)
        for _, arr in arrivals.iterrows():
            lag = (onward.day - arr.day).dt.days
            near = onward[(onward.hs6 == arr.hs6) & (lag >= 0) & (lag <= 60)]
            assert not ((near.qty / arr.qty).between(0.85, 1.15)).any()
            assert near.qty.sum() < 0.85 * arr.qty


def test_different_hs_lookalikes(world):
    valid = world["valid"]
    for x in _lookalikes(world, "different_hs"):
        arr, out = valid.loc[x["record_ids"][0]], valid.loc[x["record_ids"][1]]
        assert arr.hs6[:4] != out.hs6[:4]
        assert abs(out.qty / arr.qty - 1) <= 0.02
        assert 0 <= (out.day - arr.day).days <= 60
        assert out.imp_cc in DESTINATION_COUNTRIES


def test_cover_coincidence_lookalikes_sell_genuine_goods_of_a_cover_heading(world):
    """Goods of one side of a cover pair in, the same count of the other side's genuine
    goods out to Russia: heading and count agree, weight and value do not."""
    valid, table = world["valid"], cover_headings()
    for x in _lookalikes(world, "cover_coincidence"):
        arr, out = valid.loc[x["record_ids"][0]], valid.loc[x["record_ids"][1]]
        assert any(arr.hs6.startswith(a) and out.hs6.startswith(b) for a, b in table)
        assert out.qty == arr.qty and out.unit == arr.unit == "pcs"
        assert not 0.5 <= out.kg / arr.kg <= 2.0
        assert 0 <= (out.day - arr.day).days <= 60 and out.imp_cc in DESTINATION_COUNTRIES
        assert date.fromisoformat(_registry_row(world, x).incorporation_date).year <= 2016


def test_ordinary_as_parts_lookalikes_keep_the_goods_off_the_chpl(world):
    """Goods off the CHPL leave for Russia declared as a parts subheading of their chapter
    that no table row and no HS4 joins, count, weight and value kept as goods do."""
    valid, table = world["valid"], cover_headings()
    chapters = set()
    for x in _lookalikes(world, "ordinary_as_parts"):
        arr, out = valid.loc[x["record_ids"][0]], valid.loc[x["record_ids"][1]]
        assert chpl_tier_hs2022(arr.hs6)[0] is None
        assert out.hs6 in parts_subheadings() and out.hs6[:2] == arr.hs6[:2]
        assert out.hs6[:4] != arr.hs6[:4]
        assert not any(arr.hs6.startswith(a) and out.hs6.startswith(b) for a, b in table)
        assert out.unit == arr.unit == "pcs" and 0.97 <= out.qty / arr.qty <= 1.03
        assert 0.9 <= out.kg / arr.kg <= 1.1
        assert 1.0 < float(out.value_usd) / float(arr.value_usd) < 1.5
        assert 0 <= (out.day - arr.day).days <= 60 and out.imp_cc in DESTINATION_COUNTRIES
        assert date.fromisoformat(_registry_row(world, x).incorporation_date).year <= 2016
        chapters.add(arr.hs6[:2])
    assert len(chapters) == 2


def test_unit_coincidence_lookalikes_write_the_count_as_kilograms(world):
    valid = world["valid"]
    for x in _lookalikes(world, "unit_coincidence"):
        arr, out = valid.loc[x["record_ids"][0]], valid.loc[x["record_ids"][1]]
        assert arr.hs6 == out.hs6 and (arr.unit, out.unit) == ("pcs", "kg")
        assert out.qty == arr.qty == out.kg
        assert not 0.33 <= out.kg / arr.kg <= 3.0
        assert 0 <= (out.day - arr.day).days <= 60 and out.imp_cc in DESTINATION_COUNTRIES


def test_domestic_new_companies_never_export(world):
    valid = world["valid"]
    home = 0
    for x in _lookalikes(world, "domestic_new"):
        inc = date.fromisoformat(_registry_row(world, x).incorporation_date)
        assert inc > INVASION_DAY
        rows = valid.loc[x["record_ids"]]
        sold = rows[rows.exp_cc == x["country"]]
        assert (sold.imp_cc == x["country"]).all()
        home += len(sold)
    assert home > 0


def test_ordinary_passthrough_is_ordinary(world):
    valid, comp = world["valid"], world["companies"]
    defence = set(comp.tax_id[comp.activity_code.isin(DEFENCE_ACTIVITY_CODES)]) - {""}
    for x in _lookalikes(world, "ordinary_passthrough"):
        arr, out = valid.loc[x["record_ids"][0]], valid.loc[x["record_ids"][1]]
        assert arr.hs6 == out.hs6 and arr.hs6 in ORDINARY_HS6
        assert 0.85 <= out.qty / arr.qty <= 1.15
        assert out.imp_cc == "RU" and out.importer_id not in defence


def test_hubs_are_busy_distributors_of_standard_lots_that_never_pass_imports_to_russia(
        world):
    valid = world["valid"]
    standard = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000,
                100_000, 200_000, 500_000}
    sizes = []
    for x in _lookalikes(world, "hub"):
        assert x["country"] in TRANSIT_COUNTRIES
        inc = date.fromisoformat(_registry_row(world, x).incorporation_date)
        assert inc < date(2016, 1, 1)  # long-established
        rows = valid.loc[valid.index.intersection(x["record_ids"])]
        assert len(rows) >= 0.95 * len(x["record_ids"])
        bought = rows[rows.imp_cc == x["country"]]
        sold = rows[rows.exp_cc == x["country"]]
        assert len(bought) > 10 and len(sold) > 10
        # what it imports it sells at home and to third countries; Russia and Belarus only
        # get goods it never imports
        to_dest = sold.imp_cc.isin(DESTINATION_COUNTRIES)
        assert to_dest.any() and (~to_dest).any()
        assert set(sold[~to_dest].hs6) <= set(bought.hs6)
        assert not set(sold[to_dest].hs6) & set(bought.hs6)
        qty = rows.qty.dropna()
        assert qty.isin(standard).mean() > 0.99
        sizes.append(len(rows))
    # a heavy tail: the busiest hub trades several times as much as the quietest
    assert max(sizes) >= 2 * min(sizes)


def test_more_rows_bring_more_hubs(tmp_path):
    small = _World(0, 1.0, None)
    big = _World(0, 1.0, 200_000)
    assert 1 <= len(small.hubs) < len(big.hubs)


def test_business_centre_is_shared_by_many_old_companies(world):
    found = _lookalikes(world, "business_centre")
    assert len(found) >= 10
    rows = [_registry_row(world, x) for x in found]
    assert all(date.fromisoformat(r.incorporation_date).year < 2015 for r in rows)
    assert len({tuple(sorted(re.findall(r"\d+", r.address))) for r in rows}) == 1
    assert len({r.activity_code for r in rows}) >= 5


# -- registry, people, watchlist, names ----------------------------------------------------------


def test_russian_identifiers_have_valid_check_digits(world):
    from stdnum.by import unp
    from stdnum.ru import inn, ogrn

    comp = world["companies"]
    ru = comp[(comp.country == "RU") & (comp.registration_number != "")]
    assert len(ru) > 50
    assert ru.registration_number.map(lambda x: len(x) == 13 and ogrn.is_valid(x)).all()
    assert ru.tax_id.map(lambda x: len(x) == 10 and inn.is_valid(x)).all()
    by = comp[(comp.country == "BY") & (comp.registration_number != "")]
    assert by.registration_number.map(unp.is_valid).all()
    people = world["officers"]
    ru_people = people[(people.officer_country == "RU") & (people.officer_type == "person")
                       & (people.officer_id != "")]
    assert len(ru_people) and ru_people.officer_id.map(
        lambda x: len(x) == 12 and inn.is_valid(x)).all()


def test_defence_buyers_and_watchlist(world):
    comp, wl = world["companies"], world["watchlist"]
    defence = comp[comp.activity_code.isin(DEFENCE_ACTIVITY_CODES) & (comp.country == "RU")]
    assert len(defence) >= 3
    assert CYRILLIC.search(defence.name.iloc[0]) and LATIN.search(defence.name_latin.iloc[0])
    assert {"EU", "defence-industry"} <= set(wl.list)
    assert set(wl.category[wl.list == "EU"]) == {"sanctioned"}
    assert set(wl.category[wl.list == "defence-industry"]) == {"defence_industry"}
    # some listed entities never trade
    traded = set(world["valid"].exporter_id) | set(world["valid"].importer_id)
    ids = set(comp.tax_id) | set(comp.registration_number)
    listed_ids = set(wl.id) - {""}
    assert listed_ids & ids
    buyers = {c["entities"][-1]["registration_number"] for c in world["truth"]["chains"]}
    listed_buyers = set(comp.registration_number[comp.tax_id.isin(listed_ids)
                                                 | comp.registration_number.isin(listed_ids)])
    assert buyers & listed_buyers
    silent = [i for i in listed_ids if i not in traded]
    assert silent


def test_names_and_countries_are_written_in_many_ways(world):
    valid = world["valid"]
    names = pd.concat([valid.exporter_name, valid.importer_name])
    assert names.map(lambda n: bool(CYRILLIC.search(n))).sum() > 100
    # a homoglyph: Latin letters inside a Cyrillic word
    mixed = names[names.map(lambda n: any(CYRILLIC.search(w) and LATIN.search(w)
                                          for w in n.split()))]
    assert len(mixed) > 0
    countries = pd.concat([valid.exporter_country, valid.importer_country])
    forms = {COUNTRY_FORMS[COUNTRY[c]].index(c) + 1 if c in COUNTRY_FORMS[COUNTRY[c]] else 0
             for c in countries}
    assert forms >= {0, 1, 2, 4}
    assert (valid.exporter_id == "").mean() > 0.05
    assert (valid.exporter_id != "").mean() > 0.6
    # one Russian buyer's spellings: Cyrillic and Latin, legal form moved
    buyer = world["truth"]["chains"][0]["entities"][-1]
    ids = _ids_of(world, buyer)
    spellings = set(valid.importer_name[valid.importer_id.isin(ids)])
    assert len(spellings) >= 3
    assert any(CYRILLIC.search(s) for s in spellings) and any(not CYRILLIC.search(s)
                                                            for s in spellings)


# -- size and arguments ------------------------------------------------------------------------


def test_n_shipments_sets_the_row_count_across_chunks(tmp_path):
    paths = generate_world(tmp_path, seed=3, n_shipments=45_000)
    truth = json.loads(paths.truth.read_text(encoding="utf-8"))
    ships = _read(paths.shipments)
    assert len(ships) == 45_000
    for b in truth["bad_rows"]["shipments"]:
        assert ships.record_id.iloc[b["line"] - 2] == b["record_id"]
    for chain in truth["chains"]:
        for a, b in chain["links"]:
            assert (ships.record_id == a).sum() >= 1 and (ships.record_id == b).sum() >= 1
    # background rows fill the volume; planted ones keep their share small
    assert ships.record_id.str.match(r"^[A-Z]{2}-(IM|EX)-\d{7}$|^$").all()


def test_hundred_thousand_rows(tmp_path):
    paths = generate_world(tmp_path, seed=0, n_shipments=100_000)
    with paths.shipments.open(encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == 100_001


@pytest.mark.parametrize("kwargs", [
    {"seed": -1}, {"scale": 0}, {"scale": float("nan")}, {"n_shipments": 50},
    {"cover_headings": [("8807", "sprayers")]}, {"cover_headings": ["880730"]},
    {"cover_headings": 8424},
    {"parts_subheadings": "901390"}, {"parts_subheadings": [90139]},
    {"parts_subheadings": 901390},
])
def test_bad_arguments_raise_world_error(tmp_path, kwargs):
    with pytest.raises(WorldError):
        generate_world(tmp_path, **kwargs)
