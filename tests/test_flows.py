"""Trade-flow statistics without a server: the Comtrade and BACI profiles on their fixtures,
the canonical layout, and the tables of queries.flows on hand-made figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders import LoaderError
from loaders.flows import aggregate_flows, is_flow_load, read_flows
from loaders.profiles import ProfileError, parse_profile
from queries.flows import (growth_table, heading_values, roundabout_table, surge_table)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flows"


def _load(path, profile, tmp_path):
    load = read_flows(path, profile, rejects_path=tmp_path / "rejects.csv")
    figures = aggregate_flows(list(load.chunks()))
    rejects = (pd.read_csv(tmp_path / "rejects.csv", dtype=str)
               if load.rejects_written else pd.DataFrame())
    return load, figures, rejects


def test_fixture_script_writes_the_files_in_the_repository(tmp_path):
    # the fixtures are what their script writes: regenerate in a copy and compare
    script = FIXTURES / "make_fixtures.py"
    copy = tmp_path / "make_fixtures.py"
    copy.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([sys.executable, str(copy)], check=True)
    for name in ("comtrade-sample.csv", "baci-sample.csv"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes()


def test_comtrade_layout_loads_through_its_profile(tmp_path):
    load, figures, rejects = _load(FIXTURES / "comtrade-sample.csv", "comtrade", tmp_path)
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (10, 6, 4)
    assert load.kind == "trade_flows"
    reasons = dict(zip(rejects["line_number"].astype(int), rejects["reject_reason"]))
    assert reasons[8] == "partner is the world (a total over countries, not one)"
    assert "Re-Export" in reasons[9] and "TOTAL" in reasons[10] and "ATL" in reasons[11]
    row = figures.set_index(["reporter", "partner", "hs_code", "period"]).loc[
        ("KZ", "RU", "854231", "2022")]
    assert (row["value"], row["quantity"], row["net_weight_kg"], row["currency"]) == (
        18_000_000.0, 90_000.0, 260.0, "USD")
    # numeric codes of Comtrade's own (699 India, 842 USA) where no ISO code is given
    assert {("IN", "US")} == set(map(tuple, figures.loc[figures["hs_code"] == "880699",
                                                        ["reporter", "partner"]].to_numpy()))
    assert set(figures.loc[figures["reporter"] == "KG", "flow"]) == {"import"}


def test_comtrade_heading_row_is_a_total_never_added_to_its_subheadings(tmp_path):
    _, figures, _ = _load(FIXTURES / "comtrade-sample.csv", "comtrade", tmp_path)
    totals = figures[figures["total"]]
    assert totals["hs_code"].tolist() == ["8542"] and totals["hs6"].isna().all()
    level4 = heading_values(figures[figures["flow"] == "export"], 4)
    kz_2022 = level4[(level4["reporter"] == "KZ") & (level4["year"] == 2022)
                     & (level4["hs"] == "8542")]
    assert kz_2022["value"].tolist() == [18_600_000.0]  # the total, not 18.6M + 18.5M
    level6 = heading_values(figures[figures["flow"] == "export"], 6)
    assert level6.loc[level6["year"] == 2022, "value"].sum() == 18_000_000 + 500_000 + 75_000


def test_baci_layout_loads_through_its_profile(tmp_path):
    load, figures, rejects = _load(FIXTURES / "baci-sample.csv", "baci", tmp_path)
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (7, 5, 2)
    assert sorted(rejects["reject_reason"]) == ["negative value",
                                                "not an HS code of 4 to 10 digits: '854231x'"]
    by = figures.set_index(["reporter", "partner", "hs_code", "period"])
    # thousands of USD and tonnes scaled to USD and kg
    assert by.loc[("DE", "KG", "854231", "2022"), "value"] == pytest.approx(980_125.0)
    assert by.loc[("DE", "KG", "854231", "2022"), "net_weight_kg"] == pytest.approx(1_900.0)
    assert np.isnan(by.loc[("US", "KZ", "880699", "2022"), "net_weight_kg"])  # "NA"
    assert ("FR", "AM", "010121", "2022") in by.index  # 251 France; leading zero restored
    assert ("AF", "UZ", "620342", "2022") in by.index  # 4 = 004 Afghanistan
    assert set(figures["currency"]) == {"USD"} and set(figures["month"]) == {0}


def test_canonical_layout_is_recognised_and_counts_every_row(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text(
        "reporter,partner,hs_code,period,value,currency\n"
        "Germany,Kyrgyzstan,85423190,2022-03,100,EUR\n"
        "Germany,Kyrgyzstan,85423190,2022-03,100,EUR\n"     # exact copy: a duplicate
        "Germany,Kyrgyzstan,85423190,2022-03,250,EUR\n"     # same figure, other value
        "Germany,Kyrgyzstan,8542,2022M03,400,EUR\n"
        "Germany,Kyrgyzstan,85423190,2022-13,1,EUR\n"
        "Germany,Kyrgyzstan,85423190,2022-04,abc,EUR\n", encoding="utf-8")
    assert is_flow_load([path], None, None)
    load, figures, rejects = _load(path, None, tmp_path)
    assert load.rows_read == load.rows_loaded + load.rows_rejected == 6
    assert (load.rows_rejected, load.rows_duplicate) == (3, 1)
    assert sorted(rejects["line_number"].astype(int)) == [4, 6, 7]
    assert figures[["hs_code", "period", "value"]].to_dict("records") == [
        {"hs_code": "8542", "period": "2022-03", "value": 400.0},
        {"hs_code": "854231", "period": "2022-03", "value": 100.0}]


def test_flow_files_are_not_mixed_with_records(tmp_path):
    flows = tmp_path / "flows.csv"
    flows.write_text("reporter,partner,hs_code,period,value\nDE,KG,8542,2022,1\n")
    registry = tmp_path / "companies.csv"
    registry.write_text("country,name,registration_number\nKG,Altyn,123\n")
    with pytest.raises(LoaderError, match="apart from other kinds"):
        is_flow_load([flows, registry], None, None)
    assert not is_flow_load([registry], None, None)


def test_profile_scale_is_validated():
    with pytest.raises(ProfileError, match="scale.value"):
        parse_profile({"kind": "trade_flows", "scale": {"value": -1}}, "inline")
    with pytest.raises(ProfileError, match="scale"):
        parse_profile({"kind": "trade_flows", "scale": {"record_id": 2}}, "inline")


def _figures(rows):
    frame = pd.DataFrame(rows, columns=["reporter", "partner", "hs_code", "year", "month",
                                        "value"])
    code = frame["hs_code"]
    return frame.assign(currency="EUR", total=code.str.len() < 6,
                        hs6=code.str[:6].where(code.str.len() >= 6),
                        heading=code.str[:4])


def test_growth_compares_the_same_months_and_notes_a_new_hs2022_heading():
    figures = _figures([
        ("DE", "KG", "854231", 2021, 1, 10.0), ("DE", "KG", "854231", 2021, 12, 1000.0),
        ("FR", "KG", "854231", 2022, 1, 30.0), ("DE", "KG", "854231", 2022, 2, 5.0),
        ("DE", "KG", "880699", 2022, 3, 7.0),
    ])
    table = growth_table(figures, months=(1, 11), years=[2022])
    chips = table[table["hs"] == "8542"].iloc[0]
    assert (chips["reporter"], chips["value"], chips["previous_value"]) == ("*", 35.0, 10.0)
    assert chips["growth_pct"] == 250.0 and chips["months"] == 2
    assert chips["months_share"] == round(2 / 11, 3)
    drones = table[table["hs"] == "8806"].iloc[0]
    assert np.isnan(drones["growth_pct"]) and "only from HS 2022" in drones["note"]
    per_reporter = growth_table(figures, by_reporter=True, years=[2022], hs=["8542"])
    assert sorted(per_reporter["reporter"]) == ["DE", "FR"]


def test_roundabout_and_surges_on_hand_made_figures():
    figures = _figures([
        ("DE", "RU", "854231", 2021, 1, 100.0), ("DE", "RU", "854231", 2022, 1, 20.0),
        ("DE", "BY", "854231", 2021, 1, 20.0), ("DE", "BY", "854231", 2022, 1, 0.0),
        ("DE", "KG", "854231", 2021, 1, 5.0), ("DE", "KG", "854231", 2022, 1, 55.0),
        ("IT", "KZ", "854231", 2021, 1, 10.0), ("IT", "KZ", "854231", 2022, 1, 10.0),
        ("DE", "RU", "847130", 2021, 1, 1.0), ("DE", "RU", "847130", 2022, 1, 9.0),
        ("US", "KG", "854231", 2022, 1, 1e6),  # not an EU27 reporter
    ])
    table = roundabout_table(figures, years=[2022])
    chips = table[table["hs"] == "8542"].iloc[0]
    assert (chips["destination_change"], chips["transit_change"]) == (-100.0, 50.0)
    assert chips["substitution_ratio"] == 0.5 and chips["destination"] == "RU+BY"
    computers = table[table["hs"] == "8471"].iloc[0]
    assert np.isnan(computers["substitution_ratio"]) and "did not fall" in computers["note"]
    assert table["hs"].tolist() == ["8542", "8471"]  # largest ratio first, undefined last
    surges = surge_table(figures, factor=5)
    assert surges[["hs", "partner", "change", "factor"]].to_dict("records") == [
        {"hs": "8542", "partner": "KG", "change": 50.0, "factor": 11.0}]
