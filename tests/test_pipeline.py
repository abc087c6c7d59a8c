"""The public entry point: counted loads with rejects, and resolved frames across files."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from loaders import LoaderError
from loaders.columns import RESOLVED
from loaders.pipeline import (
    Resolution,
    load_report_entry,
    plan_load,
    read_file,
    rejects_path_for,
)
from loaders.read import UnknownKind
from loaders.resolve import company_id

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _consume(load, resolution=None):
    rows, rejects, frames = [], [], {}
    for chunk in load.chunks():
        rows.append(chunk.rows)
        rejects.append(chunk.rejects)
        if resolution is not None:
            for name, frame in resolution.to_resolved(chunk).items():
                frames.setdefault(name, []).append(frame)
    rows = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    rejects = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame()
    return rows, rejects, {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# -- the Russian customs extract ---------------------------------------------------------------


def test_ru_customs_fixture(tmp_path):
    assert (FIXTURES / "ru_customs_sample.csv").read_bytes().decode("cp1251").startswith("Номер")
    rejects_path = tmp_path / "ru.rejects.csv"
    load = read_file(FIXTURES / "ru_customs_sample.csv", profile="ru-customs",
                     rejects_path=rejects_path)
    assert load.kind == "shipments"
    rows, rejects, _ = _consume(load)
    assert (load.rows_read, load.rows_loaded, load.rows_rejected, load.rows_duplicate) == (30, 24, 6, 1)
    assert len(rows) == load.rows_loaded - load.rows_duplicate
    assert dict(zip(rejects["line_number"], rejects["reject_reason"])) == {
        9: "unparseable date '31.02.2023' in column date",
        14: "invalid HS code '85А2.39' in column hs_code",
        18: "unknown country 'Атлантида' in column exporter_country",
        22: "negative quantity '-5'",
        25: "missing importer_name",
        29: "none of quantity, net_weight_kg, value_usd given",
    }
    first = rows.iloc[0]
    assert first["record_id"] == "10702070/150323/3012345/1"
    assert first["date"] == dt.date(2023, 3, 15)
    assert (first["quantity"], first["net_weight_kg"], first["value_usd"]) == (1200.0, 12.5, 15320.75)
    assert (first["hs_code"], first["hs6"], first["unit"]) == ("8542319000", "854231", "pcs")
    assert (first["exporter_country"], first["importer_country"], first["reporter"]) == ("KG", "RU", "RU")
    assert first["importer_id"] == "7760181590" and first["origin_country"] == "CN"
    assert first["Таможенный пост"] == "Бишкекский таможенный пост"
    assert first["source"] == "fixtures/ru_customs_sample.csv"  # folder and name
    by_line = rows.set_index("line_number")
    assert by_line.loc[3, "origin_country"] == "TW"          # Тайвань (Китай)
    assert by_line.loc[6, "quantity"] == 150_000.0            # 150 000
    assert by_line.loc[6, "value_usd"] == 11250.5             # 11 250,5
    assert by_line.loc[8, "unit"] == "set"                    # компл
    assert by_line.loc[12, "exporter_country"] == "HK"        # Гонконг
    assert by_line.loc[11, "description"] == 'Оптические приборы; прицельные ("коллиматоры")'
    assert 28 not in by_line.index                           # the duplicate of line 27
    # the rejects file: the original Russian columns, the line number and the reason
    written = pd.read_csv(rejects_path, dtype=str, keep_default_na=False)
    assert list(written.columns[:2]) == ["Номер декларации", "№ товара"]
    assert written["line_number"].tolist() == ["9", "14", "18", "22", "25", "29"]
    assert written.loc[0, "Дата декларации"] == "31.02.2023"
    entry = load_report_entry(load)
    assert entry["rejects_path"] == str(rejects_path)
    assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_rejected"]


# -- canonical files: every planted bad row rejected with its reason ----------------------------

HEADER = ("record_id,date,exporter_name,exporter_country,exporter_id,importer_name,"
          "importer_country,importer_id,hs_code,quantity,net_weight_kg,value_usd,carrier\n")
GOOD = "2023-03-01,Alfa Trade,KG,,OOO Radiokom,RU,7707083893,8542.31.90,100,2.5,5000,DHL"


def test_each_bad_row_is_rejected_with_its_reason_across_chunks(tmp_path):
    lines = [f"S{i},{GOOD}" for i in range(1, 6)]
    planted = {
        "S6,2023-02-30,Alfa Trade,KG,,OOO Radiokom,RU,,8542.31,1,,,": "unparseable date '2023-02-30' in column date",
        "S7,2023-03-01,Alfa Trade,Narnia,,OOO Radiokom,RU,,8542.31,1,,,": "unknown country 'Narnia' in column exporter_country",
        "S8,2023-03-01,Alfa Trade,KG,,OOO Radiokom,RU,,85X2,1,,,": "invalid HS code '85X2' in column hs_code",
        "S9,2023-03-01,Alfa Trade,KG,,OOO Radiokom,RU,,8542.31,lots,,,": "unparseable number 'lots' in column quantity",
        "S10,2023-03-01,Alfa Trade,KG,,OOO Radiokom,RU,,8542.31,,-3,,": "negative net_weight_kg '-3'",
        "S11,2023-03-01,Alfa Trade,KG,,,RU,,8542.31,,,7,": "missing importer_name",
        "S12,2023-03-01,Alfa Trade,KG,,OOO Radiokom,RU,,8542.31,,,,": "none of quantity, net_weight_kg, value_usd given",
        ",,Alfa Trade,KG,,OOO Radiokom,RU,,8542.31,1,,,": "missing record_id; missing date",
        f"S1,{GOOD.replace('5000', '5001')}": "record_id 'S1' already used on line 2 with other values",
        "S13,2023-03-01,Alfa Trade,KG": "row has 4 fields where the header has 13",
    }
    body = lines + list(planted) + [f"S2,{GOOD}", f"S3,{GOOD}", f"S2,{GOOD}"]
    path = _write(tmp_path / "shipments.csv", HEADER + "\n".join(body) + "\n")
    load = read_file(path, chunk_rows=4)
    assert load.kind == "shipments"
    rows, rejects, _ = _consume(load)
    assert load.rows_read == len(body) == load.rows_loaded + load.rows_rejected
    assert load.rows_rejected == len(planted)
    assert load.rows_duplicate == 3  # S2, S3, S2 again: each equal to a row of an earlier chunk
    assert sorted(rows["record_id"]) == sorted(f"S{i}" for i in range(1, 6))
    expected = {i + 2: reason for i, reason in enumerate(planted.values(), start=len(lines))}
    assert dict(zip(rejects["line_number"], rejects["reject_reason"])) == expected
    assert rows["carrier"].tolist() == ["DHL"] * 5  # an extra column, kept


def test_a_file_whose_columns_fit_no_kind_stops_with_one_line(tmp_path):
    path = _write(tmp_path / "notes.csv", "when,what,who\n2023-01-01,meeting,Ivanov\n")
    with pytest.raises(UnknownKind) as info:
        read_file(path)
    assert str(info.value).startswith(f"{path}: columns fit no input kind")
    assert "\n" not in str(info.value)
    with pytest.raises(UnknownKind, match="not a shipments file: no column for record_id"):
        read_file(path, kind="shipments")
    with pytest.raises(LoaderError, match="unknown kind"):
        read_file(path, kind="vessels")


# -- one load across files: ids, order, trade-only companies, officers, listings ---------------


@pytest.fixture
def small_world(tmp_path):
    companies = _write(tmp_path / "companies.csv", """
        registration_number,country,name,name_latin,aliases,tax_id,incorporation_date,address,legal_form,status
        1027700132195,RU,ООО «Радиоком»,Radiokom LLC,РАДИОКОМ;Radiocom,7707083893,2003-01-15,"г. Москва, ул. Тверская, д. 1",,active
        1234567-3301-OOO,KG,ОсОО «Альфа Трейд»,Alfa Trade LLC,,01805202210181,2022-05-18,"720001, г. Бишкек, ул. Киевская, д. 77, офис 5",,active
        7654321-3301-OOO,KG,ОсОО «Бета Групп»,,,01703202210047,2022-06-01,"Bishkek city, Kievskaya street 77, office 5",,active
    """)
    officers = _write(tmp_path / "officers.csv", """
        company_registration_number,company_country,officer_name,officer_type,officer_id,officer_country,role,share_pct
        1027700132195,RU,Иванов Иван Иванович,person,,,director,
        1234567-3301-OOO,KG,Ivan Ivanovich Ivanov,person,,RU,founder,100
        1234567-3301-OOO,KG,ООО «Радиоком»,company,7707083893,RU,shareholder,
        7654321-3301-OOO,KG,Асанов Бакыт,,,,director,
        9999999-3301-OOO,KG,Someone Else,,,,director,
    """)
    watchlist = _write(tmp_path / "watchlist.csv", """
        name,country,id,list,program,listed_on,category
        RADIOKOM LLC,Russia,7707083893,defence-industry,,2022-03-01,defence_industry
        Alfa Trade,KG,,EU,RUSSIA-833,2024-06-25,military_end_user
    """)
    shipments = _write(tmp_path / "shipments.csv", """
        record_id,date,exporter_name,exporter_country,exporter_id,importer_name,importer_country,importer_id,hs_code,quantity,value_usd
        S1,2023-03-01,Shenzhen Hua Xin Electronics Co Ltd,CN,,Alfa Trade LLC,KG,01805202210181,8542.31,1000,5000
        S2,2023-03-10,ОсОО «Альфа Трейд»,KG,,OOO Radiokom,RU,7707083893,8542.31,990,6500
        S3,2023-03-12,SHENZHEN HUA XIN ELECTRONICS CO. LTD,Hong Kong,,ОсОО Бета Групп,KG,,8542.32,10,100
        S4,2023-03-13,Shenzhen Hua Xin Electronics Co Ltd,CN,,Alfa Trade LLC,KG,01805202210181,8542.31,5,50
    """)
    return tmp_path, [shipments, watchlist, officers, companies]


def test_one_load_resolves_across_files_in_kind_order(small_world):
    folder, paths = small_world
    report = folder / "out" / "report.json"
    loads = plan_load(paths, report_path=report)
    assert [load.kind for load in loads] == ["companies", "officers", "watchlist", "shipments"]
    resolution = Resolution()
    frames: dict[str, list[pd.DataFrame]] = {}
    for load in loads:
        for chunk in load.chunks():
            for name, frame in resolution.to_resolved(chunk).items():
                assert set(RESOLVED[name]) <= set(frame.columns), name
                frames.setdefault(name, []).append(frame.assign(_file=load.kind))
    out = {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}
    assert all(load.rows_rejected == 0 for load in loads)
    assert not (folder / "out").exists() or not list((folder / "out").glob("*.rejects.csv"))

    radiokom = company_id("RU", "1027700132195")
    alfa = company_id("KG", "1234567-3301-OOO")
    beta = company_id("KG", "7654321-3301-OOO")
    registry = out["companies"][out["companies"]["_file"] == "companies"].set_index("entity_id")
    assert list(registry.index) == [radiokom, alfa, beta]
    assert registry.loc[radiokom, "names"] == ["ООО «Радиоком»", "Radiokom LLC", "РАДИОКОМ", "Radiocom"]
    assert registry.loc[radiokom, "legal_form"] == "LLC"  # from the name when the registry has none
    assert registry.loc[alfa, "incorporation_date"] == dt.date(2022, 5, 18)
    assert bool(registry["from_registry"].all())
    # two spellings of one Bishkek address: one Address node
    assert registry.loc[alfa, "address_id"] == registry.loc[beta, "address_id"]
    assert len(out["addresses"]) == 2

    officers = out["officers"].set_index("role")
    person = officers.loc["director"]
    assert set(officers["company_entity_id"]) == {radiokom, alfa, beta, company_id("KG", "9999999-3301-OOO")}
    founder = officers.loc["founder"]
    assert founder["rel"] == "OWNS" and founder["share_pct"] == 100.0
    # Иванов Иван Иванович (country from his company, RU) and Ivan Ivanovich Ivanov (RU): one person
    assert founder["officer_entity_id"] == person.iloc[0]["officer_entity_id"]
    shareholder = officers.loc["shareholder"]
    assert (shareholder["rel"], shareholder["officer_kind"], shareholder["officer_entity_id"]) == (
        "OWNS", "Company", radiokom)
    persons = out["persons"]
    ivanov = persons[persons["entity_id"] == founder["officer_entity_id"]]
    assert set(ivanov["country"]) == {"RU"}
    # sent again when a new spelling turns up, with every spelling so far
    assert ivanov["names"].tolist()[-1] == ["Ivan Ivanovich Ivanov", "Иванов Иван Иванович"]
    asanov = persons[persons["name"] == "Асанов Бакыт"]
    assert asanov["country"].tolist() == ["KG"]  # no officer_country: the company's
    stub = out["companies"][out["companies"]["entity_id"] == company_id("KG", "9999999-3301-OOO")]
    assert stub["registration_number"].tolist() == ["99999993301OOO"]  # normalised

    listings = out["listings"].set_index("list")
    assert listings.loc["defence-industry", "entity_id"] == radiokom  # by its tax id
    assert listings.loc["EU", "entity_id"] == alfa                    # by name and country
    assert listings.loc["EU", "category"] == "military_end_user"

    shipments = out["shipments"].set_index("record_id")
    assert shipments.loc["S1", "importer_entity_id"] == alfa
    assert shipments.loc["S2", "exporter_entity_id"] == alfa
    assert shipments.loc["S2", "importer_entity_id"] == radiokom
    assert shipments.loc["S3", "importer_entity_id"] == beta
    assert shipments.loc["S1", "exporter_entity_id"] == shipments.loc["S4", "exporter_entity_id"]
    assert shipments.loc["S1", "exporter_entity_id"] != shipments.loc["S3", "exporter_entity_id"]
    assert shipments["shipment_id"].is_unique and shipments.loc["S1", "hs6"] == "854231"
    trade = out["companies"][out["companies"]["_file"] == "shipments"].set_index("entity_id")
    shenzhen = shipments.loc["S1", "exporter_entity_id"]
    assert trade.loc[shenzhen, "country"] == "CN"
    assert trade.loc[shenzhen, "names"] == ["Shenzhen Hua Xin Electronics Co Ltd"]
    # a registry company seen under a new spelling is sent again with its names, nothing else
    assert "OOO Radiokom" in trade.loc[radiokom, "names"]
    assert pd.isna(trade.loc[radiokom, "name"])
    assert set(resolution.finish()["candidates"].columns) == set(RESOLVED["candidates"])

    entry = load_report_entry(loads[-1])
    assert entry == {**entry, "path": str(paths[0]), "kind": "shipments", "rows_read": 4,
                     "rows_loaded": 4, "rows_rejected": 0, "rejects_path": None}
    assert len(entry["sha256"]) == 64


def test_rejects_paths(tmp_path):
    assert rejects_path_for("data/ship.csv.gz", tmp_path) == tmp_path / "ship.rejects.csv"
    # an existing file or an input of the run is never the rejects file
    _write(tmp_path / "ship.rejects.csv", "kept\n")
    assert rejects_path_for("ship.xlsx", tmp_path) == tmp_path / "ship.rejects-2.csv"
    assert rejects_path_for("ship.xlsx", tmp_path, [tmp_path / "ship.rejects-2.csv"]) == \
        tmp_path / "ship.rejects-3.csv"
    a = _write(tmp_path / "a" / "x.csv", "name,country,registration_number\nA,RU,\n") if (
        tmp_path / "a").mkdir() is None else None
    b = _write(tmp_path / "b" / "x.csv", "name,country,registration_number\nB,RU,\n") if (
        tmp_path / "b").mkdir() is None else None
    loads = plan_load([a, b], report_path=tmp_path / "report.json")
    assert [load.rejects_path.name for load in loads] == ["x.rejects.csv", "x.rejects-2.csv"]
    for load in loads:
        _consume(load)
        assert load.rows_rejected == 1 and load.rejects_path.exists()


def test_xlsx_and_parquet_load_through_the_pipeline(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Name", "Country", "Registration_Number", "Incorporation_Date"])
    book.active.append(["ОсОО «Альфа Трейд»", "Кыргызстан", "1234567-3301-OOO", dt.datetime(2022, 5, 18)])
    book.save(tmp_path / "registry.xlsx")
    load = read_file(tmp_path / "registry.xlsx")
    rows, _, _ = _consume(load)
    assert load.kind == "companies"
    assert rows[["country", "incorporation_date"]].values.tolist() == [["KG", dt.date(2022, 5, 18)]]

    frame = pd.DataFrame({"name": ["Alfa"], "country": ["KG"], "list": ["EU"], "listed_on": ["2024-06-25"]})
    frame.to_parquet(tmp_path / "list.parquet")
    load = read_file(tmp_path / "list.parquet")
    rows, _, _ = _consume(load)
    assert load.kind == "watchlist" and rows["listed_on"].tolist() == [dt.date(2024, 6, 25)]


# -- FollowTheMoney --------------------------------------------------------------------------


def test_ftm_entities_map_onto_the_tables(tmp_path):
    entities = [
        {"id": "co1", "schema": "Company", "properties": {
            "name": ["Alpha Trade LLC", "ОсОО Альфа Трейд"], "jurisdiction": ["kg"],
            "registrationNumber": ["1234567-3301-OOO"], "incorporationDate": ["2022-05"],
            "addressEntity": ["addr1"]}},
        {"id": "addr1", "schema": "Address", "properties": {"full": ["Bishkek, Kievskaya 77"]}},
        {"id": "own1", "schema": "Ownership", "properties": {
            "owner": ["pe1"], "asset": ["co1"], "percentage": ["100"]}},
        {"id": "pe1", "schema": "Person", "properties": {"name": ["Ivan Ivanov"], "nationality": ["ru"]}},
        {"id": "dir1", "schema": "Directorship", "properties": {
            "director": ["pe1"], "organization": ["co1"], "role": ["director"],
            "startDate": ["2022-05-18"]}},
        {"id": "san1", "schema": "Sanction", "properties": {
            "entity": ["co1"], "authority": ["European Union"], "program": ["EU-RUS"],
            "listingDate": ["2024-06-24"]}},
        {"id": "v1", "schema": "Vessel", "properties": {"name": ["Boat"]}},
        "not json at all",
        {"id": "dir2", "schema": "Directorship", "properties": {"director": ["pe9"], "organization": ["co1"]}},
        {"id": "co2", "schema": "Company", "properties": {"name": ["No Country Ltd"]}},
    ]
    path = tmp_path / "entities.jsonl"
    # a blank line in the middle and one at the end: physical lines, no rows
    lines = [e if isinstance(e, str) else json.dumps(e, ensure_ascii=False) for e in entities]
    path.write_text("\n".join(lines[:3] + [""] + lines[3:]) + "\n\n", encoding="utf-8")
    load = read_file(path)
    assert load.kind == "ftm"
    resolution = Resolution()
    kinds = []
    frames: dict[str, list] = {}
    rejects = []
    for chunk in load.chunks():
        kinds.append(chunk.kind)
        rejects.append(chunk.rejects)
        for name, frame in resolution.to_resolved(chunk).items():
            frames.setdefault(name, []).append(frame)
    out = {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}
    rejects = pd.concat(rejects, ignore_index=True)
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (10, 7, 3)
    assert load.lines_read == 12
    assert kinds.index("companies") < kinds.index("officers")
    assert rejects["line_number"].tolist() == [8, 9, 10]
    assert "Vessel is not loaded" in rejects["reject_reason"][0]
    assert "not a FollowTheMoney entity" in rejects["reject_reason"][1]
    assert "officer entity 'pe9' that is not in the file" in rejects["reject_reason"][2]

    companies = out["companies"].set_index("entity_id")
    alpha = company_id("KG", "1234567-3301-OOO")
    assert companies.loc[alpha, "incorporation_date"] == dt.date(2022, 5, 1)
    assert companies.loc[alpha, "names"] == ["Alpha Trade LLC", "ОсОО Альфа Трейд"]
    assert companies.loc[alpha, "address_id"] == out["addresses"]["address_id"].iloc[0]
    assert "No Country Ltd" in set(companies["name"])
    officers = out["officers"].set_index("role")
    person = out["persons"]["entity_id"].iloc[0]
    assert officers.loc["owner", "rel"] == "OWNS" and officers.loc["owner", "share_pct"] == 100.0
    assert officers.loc["director", "rel"] == "OFFICER_OF"
    assert set(officers["officer_entity_id"]) == {person}
    assert set(officers["company_entity_id"]) == {alpha}
    listing = out["listings"].iloc[0]
    assert (listing["entity_id"], listing["list"], listing["listed_on"]) == (
        alpha, "European Union", dt.date(2024, 6, 24))


# -- the EU consolidated lists with the eu-sanctions profile ------------------------------------


def _eu_files() -> list[Path]:
    folder = SHARED_DATA / "sanctions"
    files = sorted(folder.glob("eu-*.csv"))
    if len(files) < 2:
        pytest.skip(f"the EU sanctions lists are absent from {folder} (they ship beside the repo)")
    return files


def test_eu_sanctions_lists_load_as_listings_companies_and_persons():
    files = _eu_files()
    resolution = Resolution()
    companies, listings, persons, addresses = [], [], [], []
    for path in files:
        load = read_file(path, profile="eu-sanctions")
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows, rejects, out = _consume(load, resolution)
        assert load.rows_read == len(raw) == load.rows_loaded + load.rows_rejected
        # the only rows refused are vessels and other assets, and every one says so
        assets = raw["schema"].isin(["Vessel", "Asset"])
        assert load.rows_rejected == int(assets.sum())
        assert set(rejects["reject_reason"]) <= {"a vessel or other asset, not a company or person"}
        companies.append(out["companies"].assign(file=path.name))
        listings.append(out["listings"])
        addresses.append(out["addresses"])
        if "persons" in out:
            persons.append(out["persons"])
        # the 833/2014 Annex IV entries with a labelled BIN / INN in Central Asia: all parsed
        labelled = raw[raw["registrationNumber"].str.contains(r"\((?:BIN|Tax ID/INN|INN)\)")
                       & raw["address"].str.contains("Kyrgyz|Kazakhstan")]
        got = out["companies"].set_index("name").loc[labelled["name"]]
        assert (got["registration_number"].notna() | got["tax_id"].notna()).all()
        assert len(labelled) == (4 if "0833" in path.name else 0)
    companies = pd.concat(companies, ignore_index=True)
    listings = pd.concat(listings, ignore_index=True)
    persons = pd.concat(persons, ignore_index=True)
    addresses = pd.concat(addresses, ignore_index=True)

    assert len(persons) == 1984  # every Person of 269/2014
    assert set(listings["list"]) == {"EU"}
    assert (listings["category"] == "military_end_user").sum() == 921  # Annex IV of 833/2014
    assert set(listings.loc[listings["entity_kind"] == "Person", "entity_id"]) <= set(persons["entity_id"])

    def country(code):
        return companies[companies["country"] == code].set_index("name")

    kg, kz, ae = country("KG"), country("KZ"), country("AE")
    # counted by hand in the files: 3 Kyrgyz entities of 269/2014 with incorporation date,
    # registration and tax number; 2 of 833/2014 with a tax number in the text
    assert len(kg) == 5 and kg["tax_id"].notna().all()
    assert kg["incorporation_date"].notna().sum() == 3
    old_vector = kg.loc["Limited Liability Company Old Vector"]
    assert (old_vector["incorporation_date"], old_vector["tax_id"]) == (dt.date(2024, 12, 13), "01312202410041")
    assert kg.loc["Muller Markt LLC", "tax_id"] == "01805202210181"  # 14 digits, leading zero kept
    assert len(kz) == 5 and kz["registration_number"].notna().all()
    assert kz.loc["LLP “United Trading Group”", "incorporation_date"] == dt.date(2022, 3, 17)
    assert kz.loc["Da Group 22", ["registration_number", "tax_id"]].tolist() == ["220340015320"] * 2
    assert kz.loc["TOO Elem Group", "registration_number"] == "220340015717"
    assert ae["incorporation_date"].notna().sum() >= 10
    assert (ae["registration_number"].notna() | ae["tax_id"].notna()).sum() >= 18
    assert ae.loc["Eiger Shipping DMCC", "incorporation_date"] == dt.date(2022, 6, 17)
    assert ae.loc["I Jet Global DMCC", "registration_number"] == "11464425"

    # one address, one id: six ship managers at the Meydan Grandstand, and four companies of
    # both lists at the Meydan Hotel business centre
    grandstand = [f"{n} Shipmanagement LLC-FZ" for n in ("Twister", "Nova", "Lark", "Albatross",
                                                          "Dreamer", "Orchid")]
    assert ae.loc[grandstand, "address_id"].nunique() == 1
    hotel = ["Moonlight Shipmanagement L.L.C – FZ", "EDM LLC-FZ", "ITIC LLC FZ",
             "Al Baraka Group for Investment and Trading LLC FZ"]
    assert ae.loc[hotel, "address_id"].nunique() == 1
    assert ae.loc[hotel[0], "address_id"] != ae.loc[grandstand[0], "address_id"]
    assert addresses["address_id"].is_unique  # each Address row sent once per load
    assert re.fullmatch(r"ad-[0-9a-f]{40}", ae.loc[hotel[0], "address_id"])
