"""Sanctions lists read by loaders.lists: OFAC legacy CSV, BIS Entity List, OpenSanctions."""

from __future__ import annotations

import collections
import datetime as dt

import pandas as pd
import pytest

from loaders.accounting import plan_load
from loaders.lists.remarks import date_from_identifier, parse_remarks, split_identifier_cell
from loaders.lists.rows import retype_identifiers
from conftest import shared_data



@pytest.mark.parametrize("text, column, expected", [
    ("TAXPAYERIDENTIFICATIONNUMBER1828020110", "registration_number", [("INN", "1828020110")]),
    ("7726700943KPP772601001", "tax_id", [("INN", "7726700943"), ("KPP", "772601001")]),
    ("3525023010OKPO07500548KPP352501001", "tax_id",
     [("INN", "3525023010"), ("OKPO", "07500548"), ("KPP", "352501001")]),
    ("3159395TAXIDINN", "registration_number", [("INN", "3159395")]),
    ("04343841UNITEDKINGDOM", "registration_number", [("REGISTRATION", "04343841")]),
    # a plain number stays what its column says
    ("7707083893", "tax_id", [("INN", "7707083893")]),
])
def test_glued_identifiers_split_by_label(text, column, expected):
    assert [(i.scheme, i.value) for i in split_identifier_cell(text, column)] == expected


def test_glued_cells_retyped_and_clean_cells_left_alone():
    rows = pd.DataFrame({"tax_id": ["7726700943KPP772601001", None, "7707083893"],
                         "registration_number": [None, "TAXPAYERIDENTIFICATIONNUMBER1828020110",
                                                 "1027700132195"]})
    out = retype_identifiers(rows)
    assert list(out["tax_id"]) == ["7726700943", "1828020110", "7707083893"]
    assert out["kpp"][0] == "772601001" and pd.isna(out["registration_number"][1])
    assert out["registration_number"][2] == "1027700132195"  # the look-alike is untouched


def test_ofac_remarks():
    r = parse_remarks("Secondary sanctions risk: ...; Tax ID No. 01703202210047 (Kyrgyzstan); "
                      "Registration Number 204218-3300-OOO (Kyrgyzstan); a.k.a. 'PROFF'; "
                      "Organization Established Date 17 Mar 2022; Linked To: ACME LLC.")
    assert [(i.scheme, i.value, i.country) for i in r.identifiers] == [
        ("TAX_ID", "01703202210047", "KG"), ("REGISTRATION", "204218-3300-OOO", "KG")]
    assert r.incorporation_date == dt.date(2022, 3, 17)
    assert r.aliases == ["PROFF"] and r.links == ["ACME LLC"]


def test_dates_from_identifiers():
    assert date_from_identifier("TAX_ID", "01703202210047", "KG") == (dt.date(2022, 3, 17), "kg_inn")
    # a Kyrgyz personal INN (kind 1 or 2) encodes a birth date, not a registration
    assert date_from_identifier("TAX_ID", "21703199010047", "KG") is None
    assert date_from_identifier("BIN", "220340015320", "KZ") == (dt.date(2022, 3, 1), "kz_bin")
    assert date_from_identifier("OGRN", "1027700132195", "RU") == (dt.date(2002, 1, 1), "ru_ogrn_year")
    assert date_from_identifier("OGRN", "1027700132196", "RU") is None  # bad check digit


def _load(files, profile):
    out = []
    for load in plan_load(files, profile=profile):
        reasons, frames = collections.Counter(), []
        for chunk in load.chunks():
            reasons.update(chunk.rejects["reject_reason"])
            frames.append(chunk.rows)
        assert load.rows_read == load.rows_loaded + load.rows_rejected
        assert sum(reasons.values()) == load.rows_rejected
        out.append((load, reasons, pd.concat(frames, ignore_index=True)))
    return out


def test_real_lists_accounted():
    d = shared_data("sanctions")
    loads = _load([d / "ofac-sdn-2024-05-03.csv", d / "ofac-add-2025-02.csv",
                   d / "ofac-alt-2025-02.csv"], "ofac-sdn")
    loads += _load([d / "bis-entity-list-2026-07-09.json"], "bis-entity-list")
    loads += _load([d / "ua-war-sanctions-targets-simple-2026-03.csv"], "opensanctions-simple")
    loads += _load([d / "eu-32014R0269.csv", d / "eu-32014R0833.csv"], "eu-sanctions")
    by_name = {load.path.name: (load, reasons, rows) for load, reasons, rows in loads}
    sdn, reasons, rows = by_name["ofac-sdn-2024-05-03.csv"]
    assert sdn.rows_read == 14966 and reasons["a vessel, not a company or person"] == 851
    assert (rows["entity_kind"] == "Person").sum() > 6000  # individuals kept as persons
    add = by_name["ofac-add-2025-02.csv"][0]
    assert add.rows_read == 22642 and add.rows_loaded > 15000  # joined on the entity number
    bis = by_name["bis-entity-list-2026-07-09.json"]
    assert bis[0].rows_read == 3409 and set(bis[2]["category"]) == {"military_end_user"}
    ua = by_name["ua-war-sanctions-targets-simple-2026-03.csv"]
    assert ua[1]["a Vessel, not a company or person"] == 1340
    assert (ua[2]["category"] == "defence_industry").sum() >= 800


def test_kyrgyz_ofac_companies_carry_registration_date():
    d = shared_data("sanctions")
    (load, _, rows), = _load([d / "ofac-sdn-2024-05-03.csv"], "ofac-sdn")
    kg = rows[(rows["country"] == "KG") & rows["tax_id"].notna()
              & rows["tax_id"].astype(str).str.match(r"^0\d{13}$")]
    dated = kg[kg["tax_id"].map(lambda t: dt.date(int(t[5:9]), int(t[3:5]), int(t[1:3])))
               > dt.date(2022, 2, 24)]
    assert len(dated) >= 5  # 7 in the 2024-05-03 file
    for _, row in dated.iterrows():
        t = row["tax_id"]
        assert row["incorporation_date"] == dt.date(int(t[5:9]), int(t[3:5]), int(t[1:3]))
    profflab = rows[rows["name"] == "LIMITED LIABILITY COMPANY PROFFLAB"].iloc[0]
    assert profflab["incorporation_date"] == dt.date(2022, 3, 17)
    assert profflab["incorporation_date_source"] == "kg_inn"


def test_opensanctions_recognised_without_profile():
    d = shared_data("sanctions")
    (load, reasons, rows), = _load([d / "ua-war-sanctions-targets-simple-2026-03.csv"], None)
    assert load.source.format == "opensanctions-simple" and load.kind == "watchlist"
    with_ogrn = rows[rows["registration_number"].notna()]
    assert len(with_ogrn) > 500 and with_ogrn["tax_id"].notna().mean() > 0.9
