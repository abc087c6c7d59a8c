"""The real Eurostat Comext extract through `tracegraph load --profile eurostat-comext` and
`tracegraph flows`, checked against sums computed here from the raw rows with pandas.

The file is loaded once for the module (about half a minute); skipped without ../shared/data.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import shared_data
from tracegraph.cli import cli

EUROSTAT = ("trade", "eurostat-eu27-exports-sanctioned-cn8-monthly-2020-2022.csv.gz")
# partners as Eurostat names them (read here without the project's normaliser)
NAMES = {"KG": "Kyrgyzstan", "KZ": "Kazakhstan", "AM": "Armenia", "GE": "Georgia",
         "UZ": "Uzbekistan", "RU": "Russian Federation (Russia)", "BY": "Belarus (Belorussia)"}


@pytest.fixture(scope="module")
def raw():
    frame = pd.read_csv(shared_data(*EUROSTAT), dtype={"cn8": str})
    return frame.assign(year=frame["period"].str[:4].astype(int),
                        month=frame["period"].str[5:7].astype(int),
                        heading=frame["cn8"].str[:4])


@pytest.fixture(scope="module")
def loaded(graph, raw, tmp_path_factory):
    graph.reset()
    report_path = tmp_path_factory.mktemp("flows") / "load.json"
    result = CliRunner().invoke(cli, ["load", str(shared_data(*EUROSTAT)), "--profile",
                                      "eurostat-comext", "--report", str(report_path)])
    assert result.exit_code == 0, result.output
    return json.loads(report_path.read_text())


def _heading_sum(raw: pd.DataFrame, heading: str, partners, year: int, months=(1, 11)) -> float:
    """EU27 exports of a heading: per reporter and month the 4-digit total where the file
    gives one, else the sum of the 8-digit rows (written apart from queries.flows)."""
    rows = raw[(raw["heading"] == heading) & raw["partner"].isin([NAMES[p] for p in partners])
               & (raw["year"] == year) & raw["month"].between(*months)]
    total = 0.0
    for _, cell in rows.groupby(["reporter", "partner", "period"]):
        four = cell[cell["cn8"].str.len() == 4]
        total += four["value_eur"].sum() if len(four) else cell["value_eur"].sum()
    return total


def _flows(*args) -> pd.DataFrame:
    result = CliRunner().invoke(cli, ["flows", *args])
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.output), dtype={"hs": str})


def test_load_counts_every_row_and_writes_one_node_per_code_and_year(loaded, raw):
    entry = loaded["files"][0]
    assert entry["kind"] == "trade_flows" and entry["profile"] == "eurostat-comext"
    assert entry["rows_read"] == len(raw) == entry["rows_loaded"] + entry["rows_rejected"]
    assert entry["rows_rejected"] == 0 and entry["lines_read"] == len(raw) + 1
    code = raw["cn8"].where(raw["cn8"].str.len() == 4, raw["cn8"].str[:6])
    nodes = raw.assign(code=code).groupby(["reporter", "partner", "code", "year"]).ngroups
    assert loaded["entities"]["TradeFlow"] == nodes


@pytest.mark.parametrize("heading,partner", [
    ("8542", "KG"),   # integrated circuits to Kyrgyzstan: the example
    ("8471", "KZ"),   # computers to Kazakhstan: a heading with 4-digit totals
    ("8528", "KG"),   # monitors and TVs to Kyrgyzstan
    ("8806", "AM"),   # drones to Armenia: a heading only from HS 2022
])
def test_eu27_exports_jan_nov_2022_against_2021_equal_the_raw_rows(loaded, raw, heading,
                                                                    partner):
    table = _flows("--hs", heading, "--reporter", "EU27", "--partner", partner,
                   "--months", "1-11", "--year", "2022")
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["hs"], row["reporter"], row["partner"], row["year"]) == (heading, "*", partner,
                                                                          2022)
    assert row["value"] == pytest.approx(_heading_sum(raw, heading, [partner], 2022))
    assert row["currency"] == "EUR"
    before = _heading_sum(raw, heading, [partner], 2021)
    if before:
        assert row["previous_value"] == pytest.approx(before)
        assert row["growth_pct"] == pytest.approx(round((row["value"] / before - 1) * 100, 1))
    else:
        assert pd.isna(row["growth_pct"]) and "only from HS 2022" in row["note"]
    months = raw[(raw["heading"] == heading) & (raw["partner"] == NAMES[partner])
                 & (raw["year"] == 2022) & (raw["month"] <= 11)]["month"].nunique()
    assert row["months"] == months and row["months_share"] == pytest.approx(round(months / 11, 3))


def test_heading_totals_are_never_added_to_their_sub_codes(loaded, raw):
    table = _flows("--hs", "8471", "--reporter", "EU27", "--partner", "KZ", "--year", "2021")
    value = table.iloc[0]["value"]
    rows = raw[(raw["heading"] == "8471") & (raw["partner"] == "Kazakhstan")
               & (raw["year"] == 2021)]
    naive = rows["value_eur"].sum()
    assert value == pytest.approx(_heading_sum(raw, "8471", ["KZ"], 2021, months=(1, 12)))
    assert value < naive * 0.75  # the naive sum counts the heading twice
    # at HS6 only the 8-digit rows count
    six = _flows("--hs", "8471", "--reporter", "EU27", "--partner", "KZ", "--year", "2021",
                 "--level", "6")
    assert six["value"].sum() == pytest.approx(rows.loc[rows["cn8"].str.len() == 8,
                                                        "value_eur"].sum())


def test_roundabout_for_8542_equals_the_raw_rows(loaded, raw):
    result = CliRunner().invoke(cli, ["flows", "roundabout", "--hs", "8542", "--months",
                                      "1-11", "--year", "2022"])
    assert result.exit_code == 0, result.output
    row = pd.read_csv(io.StringIO(result.output), dtype={"hs": str}).iloc[0]
    fall = (_heading_sum(raw, "8542", ["RU", "BY"], 2022)
            - _heading_sum(raw, "8542", ["RU", "BY"], 2021))
    rise = (_heading_sum(raw, "8542", ["AM", "GE", "KZ", "KG", "UZ"], 2022)
            - _heading_sum(raw, "8542", ["AM", "GE", "KZ", "KG", "UZ"], 2021))
    assert (row["origin"], row["destination"], row["transit"]) == ("EU27", "RU+BY", "CCA")
    assert row["destination_change"] == pytest.approx(fall)
    assert row["transit_change"] == pytest.approx(rise)
    assert row["substitution_ratio"] == pytest.approx(round(rise / -fall, 3))


def test_surges_name_the_drones_heading_as_new_in_hs2022(loaded):
    result = CliRunner().invoke(cli, ["flows", "surges", "--hs", "8806", "--months", "1-11",
                                      "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows and all(r["factor"] is None and "only from HS 2022" in r["note"] for r in rows)
    assert all(r["change"] == r["value"] > 0 for r in rows)


def test_companies_behind_a_surge_come_from_the_records(loaded, tmp_path):
    shipments = tmp_path / "shipments.csv"
    shipments.write_text(
        "record_id,date,exporter_name,exporter_country,importer_name,importer_country,"
        "hs_code,value_usd\n"
        "KG-IM-1,2022-05-03,Chipworks GmbH,DE,Altyn Trade OsOO,KG,85423190,250000\n"
        "KG-EX-1,2022-05-20,Altyn Trade OsOO,KG,OOO Radiokom,RU,85423190,310000\n",
        encoding="utf-8")
    assert CliRunner().invoke(cli, ["load", str(shipments)]).exit_code == 0
    result = CliRunner().invoke(cli, ["flows", "surges", "--hs", "8542", "--partner", "KG",
                                      "--months", "1-11", "--companies", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["surge_hs"], r["surge_partner"], r["name"]) for r in rows] == [
        ("8542", "KG", "Altyn Trade OsOO")]
    # lists are joined with ";" in every output format (CONTRACT.md "Outputs")
    assert (rows[0]["onward_countries"], rows[0]["supplier_countries"]) == ("RU", "DE")
    assert rows[0]["arrivals"] == 1 and rows[0]["onward_shipments"] == 1


def test_chart_is_written(loaded, tmp_path):
    chart = tmp_path / "kg.html"
    table = _flows("--hs", "8542", "--partner", "KG", "--partner", "RU", "--chart", str(chart))
    assert len(table) and chart.is_file()
    text = chart.read_text(encoding="utf-8")
    assert "2022-02-24" in text and "KG (EUR)" in text and "RU (EUR)" in text
