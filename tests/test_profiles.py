"""Source profiles: validation errors that name the key, and what each key does to rows."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from loaders.pipeline import read_file
from loaders.profiles import ProfileError, load_profile, parse_profile, profile_names


def _profile(tmp_path, text: str, name: str = "p.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _load(path, profile, **options):
    load = read_file(path, profile=profile, **options)
    chunks = list(load.chunks())
    rows = pd.concat([c.rows for c in chunks], ignore_index=True)
    rejects = pd.concat([c.rejects for c in chunks], ignore_index=True)
    return load, rows, rejects


def test_packaged_profiles_load():
    assert {"eu-sanctions", "ru-customs"} <= set(profile_names())
    eu = load_profile("eu-sanctions")
    assert eu.kind == "watchlist" and eu.constants["list"] == "EU"
    assert "%d.%m.%Y" in eu.date_formats
    ru = load_profile("ru-customs")
    assert ru.kind == "shipments" and ru.decimal_comma and ru.delimiter == ";"
    assert ru.encoding == "cp1251" and ru.constants == {"importer_country": "RU", "reporter": "RU"}


@pytest.mark.parametrize("body, key", [
    ("kind: shipments\ncolumn: {a: record_id}\n", "column"),
    ("kind: cargo\n", "kind"),
    ("kind: shipments\ncolumns: {Absender: exporter_nmae}\n", "columns.Absender"),
    ("kind: shipments\ncolumns: [a, b]\n", "columns"),
    ("kind: shipments\ndate_formats: ['DD.MM.YYYY']\n", "date_formats"),
    ("kind: shipments\ndecimal_comma: 'yes'\n", "decimal_comma"),
    ("kind: shipments\ndelimiter: ':'\n", "delimiter"),
    ("kind: shipments\nencoding: klingon-8\n", "encoding"),
    ("kind: shipments\nconstants: {reporter: [RU]}\n", "constants.reporter"),
    ("kind: shipments\ncurrency: {value: V, currency: C, rates: {EUR: 0}}\n", "currency.rates.EUR"),
    ("kind: shipments\ncurrency: {value: V, rates: {EUR: 1.1}}\n", "currency.currency"),
    ("kind: shipments\ncurrency: {value: V, currency: C, rates: {EUR: 1}, rate: 2}\n", "currency.rate"),
    ("kind: companies\nidentifiers: [{in: [X], pattern: '(\\d+', to: tax_id}]\n", "identifiers[0].pattern"),
    ("kind: companies\nidentifiers: [{in: [X], pattern: '\\d+', to: tax_id}]\n", "identifiers[0].pattern"),
    ("kind: companies\nidentifiers: [{in: [X], pattern: '(\\d+)', to: inn}]\n", "identifiers[0].to"),
    ("kind: companies\nidentifiers: [{in: [X], pattern: '(\\d+)', to: tax_id, as: x}]\n", "identifiers[0].as"),
    ("kind: companies\nfirst_value: [address]\n", "first_value"),
    ("kind: shipments\ncountry_from: [address]\n", "country_from"),
    ("kind: watchlist\nrules: [{when: {schema: Vessel}}]\n", "rules[0]"),
    ("kind: watchlist\nrules: [{when: {schema: X}, set: {kind: Company}}]\n", "rules[0].set.kind"),
    ("kind: watchlist\nrules: [{when: {}, reject: no}]\n", "rules[0].when"),
    ("kind: watchlist\nrules: [{when: {a: b}, reject: x, unless: y}]\n", "rules[0].unless"),
    ("kind: shipments\ncompose: {record_id: 'no fields'}\n", "compose.record_id"),
    ("kind: shipments\noptional: [exporter_nam]\n", "optional"),
])
def test_profile_errors_name_the_key_and_the_file(tmp_path, body, key):
    path = _profile(tmp_path, body)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert f"key {key!r}" in message, message
    assert str(path) in message and "\n" not in message


def test_unknown_name_bad_yaml_and_not_a_mapping(tmp_path):
    with pytest.raises(ProfileError, match="no such profile .*eu-sanctions"):
        load_profile("us-customs")
    bad = _profile(tmp_path, "kind: [shipments\n")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="must be a mapping"):
        parse_profile(["kind", "shipments"], "inline")


def test_columns_compose_values_constants_and_decimal_comma(tmp_path):
    profile = _profile(tmp_path, """
        kind: shipments
        columns:
          DECL NO: record_id
          Datum: date
          Absender: exporter_name
          Absender Land: exporter_country
          Empfänger: importer_name
          Empfänger (alt): importer_name
          Empfänger Land: importer_country
          Zolltarif: hs_code
          Menge: quantity
          Einheit: unit
        compose:
          record_id: "{DECL NO}-{Pos}"
        date_formats: ["%d.%m.%Y"]
        decimal_comma: true
        values:
          unit: {Stk: pcs, KG: kg}
        constants:
          reporter: DE
          importer_country: RU
    """)
    data = tmp_path / "de.csv"
    data.write_text(
        "decl no;Pos;DATUM;Absender;Absender Land;Empfänger;Empfänger (alt);Empfänger Land;"
        "Zolltarif;Menge;Einheit;Bemerkung\n"
        "D1;1;01.02.2023;Alpha GmbH;DE;;Beta OOO;;8542 31;1.234,5;Stk;eilig\n"
        "D1;2;02.02.2023;Alpha GmbH;DE;Gamma OOO;;KZ;8542 32;7;kg;\n",
        encoding="utf-8",
    )
    load, rows, rejects = _load(data, profile)
    assert rejects.empty and load.kind == "shipments"
    assert rows["record_id"].tolist() == ["D1-1", "D1-2"]
    assert [d.isoformat() for d in rows["date"]] == ["2023-02-01", "2023-02-02"]
    # the first non-empty of the mapped headers wins
    assert rows["importer_name"].tolist() == ["Beta OOO", "Gamma OOO"]
    # a constant fills only where the file has no value
    assert rows["importer_country"].tolist() == ["RU", "KZ"]
    assert rows["reporter"].tolist() == ["DE", "DE"]
    assert rows["quantity"].tolist() == [1234.5, 7.0]
    assert rows["unit"].tolist() == ["pcs", "kg"]
    assert rows["hs6"].tolist() == ["854231", "854232"]
    # unmapped columns are kept as extra properties
    assert rows["Bemerkung"].tolist() == ["eilig", None]


def test_currency_conversion_and_unknown_currency(tmp_path):
    profile = _profile(tmp_path, """
        kind: shipments
        currency:
          value: Wert
          currency: Währung
          rates: {EUR: 1.1, RUB: 0.011, USD: 1}
    """)
    data = tmp_path / "v.csv"
    header = "record_id,date,exporter_name,exporter_country,importer_name,importer_country,hs_code,Wert,Währung\n"
    body = "".join(
        f"R{i},2023-01-0{i},A,KG,B,RU,854231,{value},{code}\n"
        for i, (value, code) in enumerate(
            [("100", "EUR"), ("1000", "rub"), ("50", "USD"), ("10", "XTS"), ("5", "")], start=1)
    )
    data.write_text(header + body, encoding="utf-8")
    load, rows, rejects = _load(data, profile)
    assert rows["value_usd"].tolist() == pytest.approx([110.0, 11.0, 50.0])
    assert rejects["line_number"].tolist() == [5, 6]
    reasons = rejects["reject_reason"].tolist()
    assert reasons[0].startswith("unknown currency 'XTS' (the profile has rates for EUR, RUB, USD)")
    assert reasons[1].startswith("no currency for the value in column Wert")
    assert load.rows_read == 5 and load.rows_loaded == 3 and load.rows_rejected == 2


def test_identifier_patterns_rules_and_country_from(tmp_path):
    profile = _profile(tmp_path, """
        kind: watchlist
        columns:
          Name: name
          Ids: registration_number
          Address: address
        list_separator: ";"
        first_value: [address]
        country_from: [Address]
        constants: {list: TEST}
        identifiers:
          - in: [Ids]
            pattern: '(?<![0-9])(\\d{10}|\\d{12}) \\(INN\\)'
            to: tax_id
          - in: [Ids]
            pattern: '(\\d{13}) \\(OGRN\\)'
            to: registration_number
        rules:
          - when: {Type: Vessel}
            reject: "a ship"
          - when: {Type: person}
            set: {entity_kind: Person}
    """)
    data = tmp_path / "w.csv"
    data.write_text(
        "Name,Type,Ids,Address\n"
        'Alpha,Company,"7704730655 (INN); 1027700132195 (OGRN)","Moscow, Tverskaya 1; Russian Federation"\n'
        "Beta,Company,KG-77-1,\"Bishkek, Kievskaya 77, Kyrgyz Republic\"\n"
        "Gamma,vessel,,\n"
        "Delta,Person,,\"Almaty, Kazakhstan\"\n",
        encoding="utf-8",
    )
    load, rows, rejects = _load(data, profile)
    assert rows["name"].tolist() == ["Alpha", "Beta", "Delta"]
    assert rows["tax_id"].tolist() == ["7704730655", None, None]
    assert rows["registration_number"].tolist() == ["1027700132195", "KG771", None]
    assert rows["id"].tolist() == ["1027700132195", "KG771", None]
    assert rows["country"].tolist() == ["RU", "KG", "KZ"]
    assert rows["address"].tolist()[:2] == ["Moscow, Tverskaya 1", "Bishkek, Kievskaya 77, Kyrgyz Republic"]
    assert rows["entity_kind"].tolist() == ["Company", "Company", "Person"]
    assert rejects["reject_reason"].tolist() == ["a ship; missing country"]


def test_optional_and_lenient_columns(tmp_path):
    strict = _profile(tmp_path, "kind: companies\n", "strict.yaml")
    relaxed = _profile(tmp_path, "kind: companies\noptional: [country]\nlenient: [incorporation_date]\n",
                       "relaxed.yaml")
    data = tmp_path / "c.csv"
    data.write_text(
        "name,country,registration_number,incorporation_date\n"
        "Alpha,,1027700132195,2020-01-01\n"
        "Beta,KG,123456-3301-OOO,established 2001\n",
        encoding="utf-8",
    )
    _, rows, rejects = _load(data, strict)
    assert rows.empty
    assert rejects["reject_reason"].tolist() == [
        "missing country", "unparseable date 'established 2001' in column incorporation_date"]
    _, rows, rejects = _load(data, relaxed)
    assert rejects.empty
    assert rows["country"].tolist() == [None, "KG"]
    assert rows["incorporation_date"].tolist()[1] is None
    assert rows["incorporation_date_text"].tolist() == [None, "established 2001"]
