"""Entity ids and company resolution: the pairwise decision on a labelled fixture, and the
Resolver's joins, merges, candidates and determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders import LoaderError
from loaders.columns import RESOLVED
from loaders.ids import (
    ResolveError,
    address_id,
    company_id,
    make_id,
    person_id,
    shipment_id,
    shipment_ids,
)
from loaders.normalize import identifier_checksum_ok, name_key
from loaders.resolve import CANDIDATE_THRESHOLD, MERGE_THRESHOLD, Resolver, same_company

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Valid Russian numbers (checked in test_numbers_are_what_the_tests_assume)
OGRN_A, INN_A = "1027700132195", "7707083893"
OGRN_B, INN_B = "1025400000010", "5401234566"
INN_C = "7720123457"
INN_BAD = "7707083894"   # INN_A with a wrong check digit


def test_numbers_are_what_the_tests_assume():
    for number in (OGRN_A, INN_A, OGRN_B, INN_B, INN_C):
        assert identifier_checksum_ok(number, "RU") is True, number
    assert identifier_checksum_ok(INN_BAD, "RU") is False


# ------------------------------------------------------------------------- pairwise decision

def test_same_company_precision_and_recall_on_name_pairs():
    pairs = pd.read_csv(FIXTURES / "name_pairs.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8")
    assert list(pairs.columns) == ["name_a", "country_a", "name_b", "country_b", "same", "note"]
    assert len(pairs) >= 300
    labels = pairs["same"].map({"1": True, "0": False})
    assert labels.notna().all()
    assert (~labels).sum() >= 100

    decisions = [same_company(r.name_a, r.country_a, r.name_b, r.country_b)[0]
                 for r in pairs.itertuples()]
    tp = sum(d and s for d, s in zip(decisions, labels))
    fp = sum(d and not s for d, s in zip(decisions, labels))
    fn = sum(s and not d for d, s in zip(decisions, labels))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    wrong = [f"{'missed' if s else 'merged'}: {r.name_a!r} / {r.name_b!r} ({r.note})"
             for r, d, s in zip(pairs.itertuples(), decisions, labels) if d != s]
    print(f"\nsame_company on {len(pairs)} pairs ({int(labels.sum())} same, "
          f"{int((~labels).sum())} different): precision {precision:.3f}, recall {recall:.3f}")
    for line in wrong:
        print("  " + line)
    assert precision >= 0.97
    assert recall >= 0.97


def test_same_company_is_symmetric_and_scores_in_range():
    pairs = pd.read_csv(FIXTURES / "name_pairs.csv", dtype=str, keep_default_na=False)
    for r in pairs.itertuples():
        forward = same_company(r.name_a, r.country_a, r.name_b, r.country_b)
        backward = same_company(r.name_b, r.country_b, r.name_a, r.country_a)
        assert forward == backward
        assert 0.0 <= forward[1] <= 1.0


def test_same_company_never_merges_across_countries_or_junk():
    assert same_company("Radiokom", "RU", "Radiokom", "KG") == (False, 1.0)
    assert same_company("Radiokom", "RU", "Radiokom", "nowhere")[0] is False
    assert same_company("n/a", "RU", "Radiokom", "RU") == (False, 0.0)


# ---------------------------------------------------------------------------------------- ids

def test_make_id_is_stable_and_tagged():
    a = make_id("co", "RU", "id", INN_A)
    assert a == make_id("co", " RU ", "id", INN_A)
    assert a.startswith("co-") and len(a) == 3 + 40
    assert a != make_id("pe", "RU", "id", INN_A)
    # parts are separated, not concatenated
    assert make_id("co", "ab", "c") != make_id("co", "a", "bc")
    with pytest.raises(ResolveError):
        make_id("co", None, "", float("nan"))
    with pytest.raises(LoaderError):
        make_id("", "x")


def test_ids_are_the_same_in_another_process():
    code = ("from loaders.resolve import company_id, shipment_id, person_id;"
            f"print(company_id('RU', '{OGRN_A}'), shipment_id('KG-IM-17'),"
            " person_id('Иванов Иван', 'RU'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1]).stdout.split()
    assert out == [company_id("RU", OGRN_A), shipment_id("KG-IM-17"),
                   person_id("Иванов Иван", "RU")]


def test_company_id_priority():
    by_reg = company_id("RU", OGRN_A, INN_A, "Radiokom")
    assert by_reg == company_id("Россия", OGRN_A)
    assert company_id("RU", None, INN_A, "Radiokom") == company_id("RU", tax_id=INN_A)
    # one id space: a trade party's id that is a registration number lands on the company
    assert company_id("RU", tax_id=OGRN_A) == by_reg
    by_name = company_id("RU", name="ООО «Радиоком»")
    assert by_name == company_id("RUS", name="RADIOKOM LLC")
    assert by_name != company_id("KG", name="ООО «Радиоком»")
    assert by_name != by_reg
    assert company_id("RU", "n/a", "", "---") is None


def test_person_address_shipment_ids():
    assert person_id("Иванов Иван Иванович", "RU") == person_id("Ivan Ivanovich Ivanov", "RUS")
    assert person_id("Ivan Ivanov", "RU") != person_id("Ivan Ivanov", "KG")
    assert person_id("Ivan Ivanov", "RU", "4510 123456") == person_id("I. I.", "KG", "4510123456")
    assert person_id(None) is None
    assert person_id("Ivan Ivanov").startswith("pe-")
    assert address_id("г. Бишкек, ул. Киевская, д. 77, офис 5", "KG") == address_id(
        "Bishkek city, Kievskaya street 77, office 5", "Kyrgyzstan")
    assert address_id("г. Бишкек, ул. Киевская, д. 77", "KG") != address_id(
        "г. Бишкек, ул. Киевская, д. 77", "KZ")
    assert address_id("", "KG") is None
    assert shipment_id("KG-IM-17").startswith("sh-")
    assert shipment_id("KG-IM-17") != shipment_id("KG-IM-18")
    assert shipment_id("1", source="a.csv") != shipment_id("1", source="b.csv")


@pytest.mark.parametrize("record_ids", [
    ["KG-IM-17", "KG-IM-18", "KG-IM-17"],           # plain: hashed a column at a time
    ["KG-IM-17", " KG-IM-18 ", "Ж-1", "n/a"],        # padded, Cyrillic, a placeholder
])
@pytest.mark.parametrize("sources", [
    None, ["kg.csv"] * 3, ["kg.csv", None, " ru.csv ", ""],
])
def test_shipment_ids_are_shipment_id_by_column(record_ids, sources):
    sources = None if sources is None else (sources * 2)[:len(record_ids)]
    try:
        expected = [shipment_id(r, None if sources is None else sources[i])
                    for i, r in enumerate(record_ids)]
    except ResolveError:  # a placeholder record id without a source names nothing
        with pytest.raises(ResolveError):
            shipment_ids(record_ids, sources)
        return
    assert shipment_ids(record_ids, sources) == expected
    with pytest.raises(ResolveError):
        shipment_ids(["a", "b"], ["x"])


# ----------------------------------------------------------------------------------- resolver

def _registry() -> pd.DataFrame:
    return pd.DataFrame([
        {"country": "RU", "name": "ООО «Радиоком»", "name_latin": None,
         "aliases": "Радиоком-Москва; RK Group", "registration_number": OGRN_A, "tax_id": INN_A},
        {"country": "Russia", "name": "АО «Спецстроймонтаж»", "name_latin": "Spetsstroymontazh JSC",
         "aliases": None, "registration_number": OGRN_B, "tax_id": INN_B},
        {"country": "KG", "name": "ОсОО «Ала-Тоо Трейд»", "name_latin": None, "aliases": None,
         "registration_number": "123456-3301-OOO", "tax_id": "01234567891011"},
    ])


@pytest.fixture()
def resolver() -> Resolver:
    return Resolver.from_companies(_registry())


def test_add_companies_returns_ids_aligned_with_the_frame():
    frame = _registry()
    frame.index = [10, 11, 12]
    ids = Resolver().add_companies(frame)
    assert list(ids.index) == [10, 11, 12]
    assert ids[10] == company_id("RU", OGRN_A)
    assert ids[11] == company_id("RU", OGRN_B)
    assert ids.nunique() == 3


def test_registry_join_by_id_in_another_script(resolver):
    radiokom = company_id("RU", OGRN_A)
    # the trade record's id is the INN, its name is written in Latin
    assert resolver.resolve_company("RADIOKOM LLC", "Russia", INN_A) == radiokom
    # or the OGRN, and a name the registry does not know at all
    assert resolver.resolve_company("Moscow Radio Components", "RU", OGRN_A) == radiokom
    names = resolver.names_seen()[radiokom]
    assert {"ООО «Радиоком»", "RADIOKOM LLC", "Moscow Radio Components", "RK Group"} <= names
    # a name first seen with the id now resolves without it
    assert resolver.resolve_company("Moscow Radio Components", "RU") == radiokom


def test_registry_join_by_name_key_without_id(resolver):
    radiokom = company_id("RU", OGRN_A)
    for name in ("OOO Radiokom", "Radiokom", "Общество с ограниченной ответственностью Радиоком",
                 "RK GROUP", "Radiokom-Moskva"):
        assert resolver.resolve_company(name, "RU") == radiokom, name
    # Latin name given by the registry
    assert resolver.resolve_company("SPETSSTROYMONTAZH", "RU") == company_id("RU", OGRN_B)
    # ids and names only join within the country
    assert resolver.resolve_company("Radiokom", "KZ") != radiokom
    assert resolver.resolve_company("Radiokom", "KG", INN_A) != radiokom
    assert resolver.resolve_company("Ala-Too Trade LLC", "Kyrgyzstan") == company_id(
        "KG", "123456-3301-OOO")


def test_typo_merges_only_above_the_threshold(resolver):
    stroy = company_id("RU", OGRN_B)
    # one slip in a long name: merged
    assert resolver.resolve_company("Spetsstroymontash", "RU") == stroy
    assert resolver.resolve_company("ООО Спецстроймотнаж", "RU") == stroy   # swapped letters
    # two slips are not a typo
    assert resolver.resolve_company("Spetsstroymantash", "RU") != stroy
    assert same_company("Spetsstroymontazh", "RU", "Spetsstroymontash", "RU")[1] >= MERGE_THRESHOLD

    # the same typo in a short name is no proof: not merged
    short = Resolver.from_companies(pd.DataFrame([
        {"country": "RU", "name": "Ромашка", "registration_number": OGRN_A}]))
    assert short.resolve_company("Ромашко", "RU") != company_id("RU", OGRN_A)
    # a stricter threshold turns the long-name merge down too
    strict = Resolver.from_companies(_registry(), merge_threshold=0.95)
    assert strict.resolve_company("Spetsstroymontash", "RU") != stroy


def test_near_miss_is_a_candidate_not_a_merge(resolver):
    radiokom = company_id("RU", OGRN_A)
    other = resolver.resolve_company("ООО «Радиокон»", "RU")
    assert other != radiokom
    assert other == company_id("RU", name="Радиокон")
    candidates = resolver.candidates()
    assert list(candidates.columns) == list(RESOLVED["candidates"])
    row = candidates[(candidates.entity_id == other) & (candidates.other_entity_id == radiokom)]
    assert len(row) == 1
    assert CANDIDATE_THRESHOLD <= row.score.iloc[0] < MERGE_THRESHOLD
    assert row.method.iloc[0] == "name_fuzzy"
    # numbered sister companies are candidates too, never merges
    one = resolver.resolve_company("Stroy-1", "RU")
    two = resolver.resolve_company("Stroy-2", "RU")
    assert one != two
    pairs = {frozenset(p) for p in zip(resolver.candidates().entity_id,
                                        resolver.candidates().other_entity_id)}
    assert frozenset((one, two)) in pairs
    # unrelated names are neither
    resolver.resolve_company("Gulf Star General Trading", "RU")
    assert len(resolver.candidates()) == 2


def test_failed_checksum_is_recorded_and_not_used(resolver):
    radiokom = company_id("RU", OGRN_A)
    # INN_BAD differs from INN_A by the check digit only; the name is someone else's
    got = resolver.resolve_company("Vostok Komplekt", "RU", INN_BAD)
    assert got != radiokom
    assert got == company_id("RU", name="Vostok Komplekt")   # not an id-based id
    problems = resolver.identifier_problems()
    assert ((problems.identifier == INN_BAD) & (problems.reason == "checksum_failed")).any()
    # a bad id beside a known name: the name decides
    assert resolver.resolve_company("OOO Radiokom", "RU", INN_BAD) == radiokom
    # and the bad id never became a key for anyone
    assert resolver.resolve_company("Something Else Entirely", "RU", INN_BAD) != got


def test_same_name_with_another_valid_id_is_another_company(resolver):
    radiokom = company_id("RU", OGRN_A)
    namesake = resolver.resolve_company("Radiokom LLC", "RU", INN_C)
    assert namesake != radiokom
    assert namesake == company_id("RU", tax_id=INN_C)
    row = resolver.candidates().query("entity_id == @namesake")
    assert row.other_entity_id.tolist() == [radiokom]
    assert row.method.tolist() == ["name_exact_other_id"]
    # now the bare name is ambiguous: neither company gets it silently
    bare = resolver.resolve_company("Radiokom", "RU")
    assert bare not in (radiokom, namesake)


def test_trade_only_parties_unify_among_themselves():
    resolver = Resolver()
    a = resolver.resolve_company("ООО «Тензор-Юг»", "RU")
    b = resolver.resolve_company("OOO Tenzor-Yug", "Россия")
    c = resolver.resolve_company("TENZOR YUG LLC", "RUS")
    assert a == b == c == company_id("RU", name="Тензор-Юг")
    assert resolver.names_seen()[a] == {"ООО «Тензор-Юг»", "OOO Tenzor-Yug", "TENZOR YUG LLC"}
    # the same unregistered id under two spellings is one company, and lends its name
    d = resolver.resolve_company("ООО «Микрон Плюс»", "RU", INN_C)
    e = resolver.resolve_company("Mikron Plus", "RU", INN_C)
    f = resolver.resolve_company("Микрон Плюс", "RU")
    assert d == e == f == company_id("RU", tax_id=INN_C)
    assert resolver.resolve_company("Tenzor-Yug", "KZ") != a
    assert len(resolver) == 3


def test_junk_parties_resolve_to_none(resolver):
    assert resolver.resolve_company("Radiokom", "Atlantis") is None
    assert resolver.resolve_company(None, "RU") is None
    assert resolver.resolve_company("n/a", "RU", "n/a") is None
    assert resolver.resolve_company(float("nan"), "RU", float("nan")) is None
    # an id alone is enough
    assert resolver.resolve_company(None, "RU", INN_A) == company_id("RU", OGRN_A)


def test_resolver_ids_are_deterministic_across_instances():
    parties = [("RADIOKOM LLC", "RU", INN_A), ("Radiokon", "RU", None),
               ("Spetsstroymontash", "Russia", None), ("Tenzor-Yug", "RU", None),
               ("Stroy-1", "RU", None), ("Mikron Plus", "RU", INN_C), ("Radiokom", "KG", None),
               ("Vostok", "RU", INN_BAD)]
    first, second = Resolver.from_companies(_registry()), Resolver.from_companies(_registry())
    ids_first = [first.resolve_company(*p) for p in parties]
    ids_second = [second.resolve_company(*p) for p in parties]
    assert ids_first == ids_second
    pd.testing.assert_frame_equal(first.candidates(), second.candidates())
    assert first.names_seen() == second.names_seen()


def test_cached_answers_equal_fresh_ones(resolver):
    names = ["OOO Radiokom", "Radiokon", "Spetsstroymontash", "Tenzor"] * 3
    got = resolver.resolve_companies(names, ["RU"] * len(names))
    assert got[:4] == got[4:8] == got[8:]
    fresh = Resolver.from_companies(_registry())
    assert [fresh.resolve_company(n, "RU") for n in names[:4]] == got[:4]


def test_entities_frame(resolver):
    resolver.resolve_company("Tenzor", "RU")
    frame = resolver.entities()
    assert list(frame.columns) == ["entity_id", "name", "names", "country", "identifiers",
                                   "in_registry"]
    radiokom = frame.set_index("entity_id").loc[company_id("RU", OGRN_A)]
    assert radiokom["name"] == "ООО «Радиоком»"
    assert radiokom["identifiers"] == sorted([OGRN_A, INN_A])
    assert bool(radiokom["in_registry"]) is True
    assert frame.in_registry.sum() == 3 and len(frame) == 4


def test_registry_rows_about_one_company_merge_and_namesakes_are_flagged():
    frame = pd.DataFrame([
        {"country": "RU", "name": "ООО «Радиоком»", "registration_number": OGRN_A},
        {"country": "RU", "name": "Radiokom LLC", "registration_number": OGRN_A,
         "tax_id": INN_A},
        {"country": "RU", "name": "ООО «Радиоком»", "registration_number": OGRN_B},
    ])
    resolver = Resolver()
    ids = resolver.add_companies(frame)
    assert ids[0] == ids[1] != ids[2]
    assert resolver.resolve_company("x", "RU", INN_A) == ids[0]
    candidates = resolver.candidates()
    assert candidates[["entity_id", "other_entity_id", "method"]].values.tolist() == [
        [ids[2], ids[0], "name_exact"]]


def test_enterprise_kinds_keep_namesakes_apart():
    resolver = Resolver.from_companies(pd.DataFrame([
        {"country": "RU", "name": "АО «КБ Меридиан»", "registration_number": OGRN_A},
        {"country": "RU", "name": "АО «НПО Меридиан»", "registration_number": OGRN_B},
    ]))
    kb, npo = company_id("RU", OGRN_A), company_id("RU", OGRN_B)
    # a Kyrgyz customs row writes the design bureau in Latin, without an id
    assert resolver.resolve_company("AO KB Meridian", "RU") == kb
    assert resolver.resolve_company("KB MERIDIAN JSC", "Russia") == kb
    assert resolver.resolve_company("AO KB Meridiian", "RU") == kb            # a slip
    assert resolver.resolve_company("NPO MERIDIAN JSC", "RU") == npo
    # one letter of the enterprise kind is another enterprise, not a slip
    npp = resolver.resolve_company("JSC NPP MERIDIAN", "RU")
    assert npp not in (kb, npo)
    assert resolver.resolve_company("Meridian", "RU") not in (kb, npo)


def test_slips_hidden_by_folding_still_merge():
    resolver = Resolver.from_companies(pd.DataFrame([
        {"country": "KZ", "name": "ТОО «Сункар Сервис»", "registration_number": "120340012345"},
        {"country": "RU", "name": "ООО «Инфоторг-Центр»", "registration_number": OGRN_A},
    ]))
    # Servis is a loanword (service) only when spelled right
    assert resolver.resolve_company("TOO Sunkar Sevris", "KZ") == company_id("KZ", "120340012345")
    # Tsntr folds to kntr, Tsentr to centr: two edits folded, one as written
    assert resolver.resolve_company("OOO Infotorg-Tsntr", "RU") == company_id("RU", OGRN_A)


def test_a_space_moved_by_one_letter_is_the_same_name():
    resolver = Resolver()
    a = resolver.resolve_company("Lakeshore Supply Inc.", "US")
    assert resolver.resolve_company("Lakeshor eSupply Inc.", "US") == a
    assert resolver.resolve_company("Lake Shore Supply", "US") == a


USCC_TIANYU = "91330200MA2GQ7LX16"   # valid check character


@pytest.mark.parametrize("order", [("full", "bare"), ("bare", "full")])
def test_a_name_without_its_place_joins_the_name_with_it(order):
    names = {"full": "Ningbo Tianyu International Co., Ltd.",
             "bare": "Tianyu International Co.,Ltd"}
    resolver = Resolver()
    first = resolver.resolve_company(names[order[0]], "CN")
    second = resolver.resolve_company(names[order[1]], "China", USCC_TIANYU)
    assert first == second
    # and the id joins every spelling from now on
    assert resolver.resolve_company("NINGBO TIANYU INTERNATIONAL COMPANY LIMITED", "CN",
                                    USCC_TIANYU) == first
    assert len(resolver) == 1
    # a place of another country is no place: Hong Kong's Tianyu International is another
    assert resolver.resolve_company("Tianyu International Limited", "HK") != first


def test_a_registry_name_with_hong_kong_joins_the_trade_name_without():
    resolver = Resolver.from_companies(pd.DataFrame([
        {"country": "HK", "name": "Hong Kong Eastern Star Import & Export Global Limited",
         "registration_number": "2723617"},
        {"country": "HK", "name": "Eastern Star Import & Export Limited",
         "registration_number": "1355303"},
    ]))
    assert resolver.resolve_company("Eastern Star Import & Export Global Ltd", "HK") == \
        company_id("HK", "2723617")
    assert resolver.resolve_company("EASTERN STAR IMPORT & EXPORT LTD", "HK") == \
        company_id("HK", "1355303")


def test_a_name_without_its_place_is_not_guessed_between_two_places():
    resolver = Resolver()
    shenzhen = resolver.resolve_company("Shenzhen Xinyuan Electronics Co., Ltd.", "CN")
    guangzhou = resolver.resolve_company("Guangzhou Xinyuan Electronics Co., Ltd.", "CN")
    assert shenzhen != guangzhou
    bare = resolver.resolve_company("Xinyuan Electronics Co.,Ltd", "CN")
    assert bare not in (shenzhen, guangzhou)
    candidates = resolver.candidates()
    ambiguous = candidates[candidates.method == "name_place_ambiguous"]
    assert set(ambiguous.other_entity_id) == {shenzhen, guangzhou}
    assert set(ambiguous.entity_id) == {bare}


def test_a_company_known_with_one_place_does_not_take_another():
    resolver = Resolver()
    shenzhen = resolver.resolve_company("Shenzhen Xinyuan Electronics Co., Ltd.", "CN")
    assert resolver.resolve_company("Xinyuan Electronics Co.,Ltd", "CN") == shenzhen
    # the bare name is Shenzhen's now; Guangzhou's namesake must not inherit it
    assert resolver.resolve_company("Guangzhou Xinyuan Electronics Co., Ltd.", "CN") != shenzhen


def test_a_place_match_with_another_valid_id_is_another_company():
    resolver = Resolver.from_companies(pd.DataFrame([
        {"country": "RU", "name": "Moscow Radio Components", "registration_number": OGRN_A,
         "tax_id": INN_A}]))
    other = resolver.resolve_company("Radio Components", "RU", INN_C)
    assert other == company_id("RU", tax_id=INN_C)
    row = resolver.candidates().query("entity_id == @other")
    assert row.method.tolist() == ["name_place_other_id"]
    assert resolver.resolve_company("Radio Components", "RU", INN_A) == company_id("RU", OGRN_A)


# ------------------------------------------------------------------------------------ persons

PERSON_INN = "500100732259"   # valid 12-digit INN
OTHER_INN = "771234567859"


def test_numbers_of_persons_and_chinese_companies_are_valid():
    assert identifier_checksum_ok(PERSON_INN, "RU") is True
    assert identifier_checksum_ok(OTHER_INN, "RU") is True
    assert identifier_checksum_ok(USCC_TIANYU, "CN") is True


@pytest.mark.parametrize("with_id_first", [True, False])
def test_a_person_with_and_without_his_id_is_one_person(with_id_first):
    resolver = Resolver()
    rows = [("Иванов Иван Иванович", "RU", PERSON_INN), ("Ivan Ivanovich Ivanov", "RU", None),
            ("IVANOV IVAN IVANOVICH", "Russia", "")]
    if not with_id_first:
        rows = rows[1:] + rows[:1]
    ids = {resolver.resolve_person(*row) for row in rows}
    assert len(ids) == 1
    expected = person_id(None, None, PERSON_INN) if with_id_first else person_id(
        "Ivan Ivanovich Ivanov", "RU")
    assert ids == {expected}
    # the id now finds him under any name
    assert resolver.resolve_person("I. I. Ivanov", "KZ", PERSON_INN) == expected


@pytest.mark.parametrize("short_first", [True, False])
def test_a_name_without_the_patronymic_joins_the_full_name(short_first):
    resolver = Resolver()
    full = ("Токтогулов Айбек Сагынбекович", "KG", "11605196560994")
    short = ("TOKTOGULOV AYBEK", "KG", None)
    first, second = (short, full) if short_first else (full, short)
    assert resolver.resolve_person(*first) == resolver.resolve_person(*second)
    assert resolver.resolve_person("Toktogulov Aybek Sagynbekovich", "KG") == \
        resolver.resolve_person(*full)


def test_namesakes_stay_apart():
    resolver = Resolver()
    a = resolver.resolve_person("Иванов Иван Иванович", "RU", PERSON_INN)
    b = resolver.resolve_person("Ivanov Ivan Ivanovich", "RU", OTHER_INN)
    assert a != b
    # the name alone now fits two people: it joins neither
    assert resolver.resolve_person("Ivanov Ivan Ivanovich", "RU") not in (a, b)
    # another country's Ivan Ivanov is another person
    assert resolver.resolve_person("Иванов Иван Иванович", "KZ") not in (a, b)
    # a short form known under one patronymic does not take another
    petrovich = resolver.resolve_person("Sidorov Petr Petrovich", "RU")
    assert resolver.resolve_person("SIDOROV PETR", "RU") == petrovich
    assert resolver.resolve_person("Sidorov Petr Sergeevich", "RU") != petrovich
    # two full names behind one short form: the short form is nobody's
    fresh = Resolver()
    p1 = fresh.resolve_person("Sidorov Petr Petrovich", "RU")
    p2 = fresh.resolve_person("Sidorov Petr Sergeevich", "RU")
    assert fresh.resolve_person("SIDOROV PETR", "RU") not in (p1, p2)


def test_a_person_without_a_country_joins_the_one_namesake_anywhere():
    resolver = Resolver()
    nominee = resolver.resolve_person("Matveev Maksim Pavlovich", "RU", PERSON_INN)
    assert resolver.resolve_person("Матвеев Максим Павлович", None) == nominee
    assert resolver.resolve_person("Matveev Maksim Pavlovich", "") == nominee
    # a guessed country is a country: the company's KG does not find the Russian
    assert resolver.resolve_person("Матвеев Максим Павлович", "KG") != nominee
    # with namesakes in two countries, a name without a country joins neither
    other = resolver.resolve_person("Asanov Bakyt", "KG")
    kz = resolver.resolve_person("Asanov Bakyt", "KZ")
    assert resolver.resolve_person("Asanov Bakyt", None) not in (other, kz)


def test_person_junk_and_determinism():
    resolver = Resolver()
    assert resolver.resolve_person(None) is None
    assert resolver.resolve_person("n/a", "RU", "n/a") is None
    assert resolver.resolve_person(None, "RU", PERSON_INN) == person_id(None, None, PERSON_INN)
    rows = [("Asanov Bakyt", "KG", None), ("Асанов Бакыт Жумабекович", "KG", "20306199050077"),
            ("ASANOV BAKYT", "KG", "20306199050077"), ("Petrov Ivan", None, None)]
    first, second = Resolver(), Resolver()
    assert [first.resolve_person(*r) for r in rows] == [second.resolve_person(*r) for r in rows]
    assert len({first.resolve_person(*r) for r in rows}) == 2


def test_thresholds_are_checked():
    with pytest.raises(ResolveError):
        Resolver(merge_threshold=0.7, candidate_threshold=0.8)
    with pytest.raises(ResolveError):
        Resolver(merge_threshold=1.5)


def test_name_keys_used_by_the_resolver_are_the_public_ones(resolver):
    # a party resolved by name lands on the entity whose key equals the party's key
    assert name_key("Радиоком-Москва") in {name_key(n) for n in
                                          resolver.names_seen()[company_id("RU", OGRN_A)]}


def test_docstring_examples_run():
    import doctest

    import loaders.resolve

    result = doctest.testmod(loaders.resolve)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------- namesakes on many boards

BOARD_A, BOARD_B = company_id("KG", "100001"), company_id("KZ", "200002")


def test_namesakes_at_unrelated_companies_stay_two_persons():
    resolver = Resolver()
    a = resolver.resolve_person("Ivanov Sergey", "RU", company=BOARD_A)
    b = resolver.resolve_person("IVANOV SERGEY", "RU", company=BOARD_B)
    assert a != b
    # the same name on the same board again (another spelling, another row) is one man
    assert resolver.resolve_person("Сергей Иванов", "RU", company=BOARD_A) == a
    assert resolver.resolve_person("Sergey Ivanov", "RU", company=BOARD_B) == b
    evidence = resolver.person_evidence()
    assert evidence[a] == evidence[b] == "company"
    counts = resolver.person_merge_counts()
    assert counts["company"] == 2 and counts["name_only"] == 0
    # ids are stable: another resolver given the same rows gives the same persons
    again = Resolver()
    assert [again.resolve_person("Ivanov Sergey", "RU", company=c)
            for c in (BOARD_A, BOARD_B)] == [a, b]


def test_namesakes_with_one_id_are_one_person_and_other_ids_keep_them_apart():
    resolver = Resolver()
    a = resolver.resolve_person("Ivanov Sergey", "RU", PERSON_INN, company=BOARD_A)
    b = resolver.resolve_person("Иванов Сергей", "RU", PERSON_INN, company=BOARD_B)
    assert a == b == person_id(None, None, PERSON_INN)
    assert resolver.person_evidence()[a] == "identifier"
    # another valid id at the same board is another man, even where the company agrees
    c = resolver.resolve_person("Ivanov Sergey", "RU", OTHER_INN, company=BOARD_A)
    assert c != a
    # the name alone at a third board joins neither
    assert resolver.resolve_person("Ivanov Sergey", "RU", company="co-third") not in (a, c)
    assert resolver.person_merge_counts()["name_only"] == 0


def test_same_address_joins_namesakes_and_other_addresses_do_not():
    resolver = Resolver()
    a = resolver.resolve_person("Asanov Bakyt", "KG", company=BOARD_A,
                                address="г. Бишкек, ул. Киевская, д. 77")
    b = resolver.resolve_person("ASANOV BAKYT", "KG", company=BOARD_B,
                                address="Bishkek city, Kievskaya str. 77")
    assert a == b and resolver.person_evidence()[a] == "address"
    c = resolver.resolve_person("Asanov Bakyt", "KG", company="co-third",
                                address="Osh, Lenina 1")
    assert c != a


def test_namesakes_on_boards_registered_at_one_address_are_one_person():
    resolver = Resolver()
    plaza, elsewhere = address_id("Bishkek, Manas ave 40", "KG"), address_id("Osh, Lenina 1", "KG")
    resolver.note_company_address(BOARD_A, plaza)
    resolver.note_company_address("co-next-door", plaza)
    resolver.note_company_address("co-elsewhere", elsewhere)
    a = resolver.resolve_person("Toktogulov Aybek", "KG", company=BOARD_A)
    assert resolver.resolve_person("TOKTOGULOV AYBEK", "KG", company="co-next-door") == a
    assert resolver.resolve_person("Toktogulov Aybek", "KG", company="co-elsewhere") != a
    assert resolver.person_evidence()[a] == "company_address"
    assert resolver.person_merge_counts()["company_address"] == 1


def test_a_rare_name_joins_on_its_own_and_is_counted_as_name_only():
    resolver = Resolver()
    full = resolver.resolve_person("Toktogulov Aybek Sagynbekovich", "KG", company=BOARD_A)
    # a full three-part name on another board: one man, but on the name alone
    assert resolver.resolve_person("Токтогулов Айбек Сагынбекович", "KG",
                                   company=BOARD_B) == full
    # its short form is a common name: on a third board it is someone else
    assert resolver.resolve_person("TOKTOGULOV AYBEK", "KG", company="co-third") != full
    assert resolver.person_evidence()[full] == "rare_name"
    # a name that gives nothing else to compare (a sanctions list) joins on the name alone
    listed = resolver.resolve_person("Petrov Oleg", "RU")
    assert resolver.resolve_person("PETROV OLEG", "RU", company=BOARD_A) == listed
    counts = resolver.person_merge_counts()
    assert counts["rare_name"] == 1 and counts["name"] == 1 and counts["name_only"] == 2
    assert resolver.person_evidence()[listed] == "name"
    # ... once, not on every board: the next board's Oleg Petrov is another man
    assert resolver.resolve_person("Petrov Oleg", "RU", company=BOARD_B) != listed


def test_rare_name_counts_words_not_particles():
    from loaders.resolve_persons import rare_name
    from loaders.normalize import person_key

    assert not rare_name(person_key("Ivanov Sergey"))
    assert not rare_name(person_key("Ahmed Al Suwaidi"))  # "al" says nothing
    assert rare_name(person_key("Ivanov Sergey Petrovich"))
    assert not rare_name(None)


def test_name_only_evidence_is_what_front_scoring_leaves_out():
    from loaders.resolve_persons import EVIDENCE, NAME_ONLY
    from queries.fronts import NAME_ONLY_EVIDENCE

    assert NAME_ONLY == NAME_ONLY_EVIDENCE and NAME_ONLY <= set(EVIDENCE)


def test_a_load_reports_person_joins_and_marks_each_person(clean_graph, tmp_path):
    """Through a real load: the report counts joins on the name alone, and every Person node
    says what holds it together."""
    from tracegraph.jobs.load import load_files

    (tmp_path / "companies.csv").write_text(
        "registration_number,country,name,address\n"
        "1027700132195,RU,Radiokom,Moscow Lenina 1\n"
        "1025400000010,RU,Tekhsnab,Novosibirsk Mira 2\n", encoding="utf-8")
    (tmp_path / "officers.csv").write_text(
        "company_registration_number,company_country,officer_name,officer_id,role\n"
        f"1027700132195,RU,Ivanov Sergey,{PERSON_INN},director\n"
        f"1025400000010,RU,IVANOV SERGEY,{PERSON_INN},founder\n", encoding="utf-8")
    report = load_files(clean_graph, [tmp_path / "companies.csv", tmp_path / "officers.csv"])
    resolution = report["resolution"]
    assert resolution["person_merges"]["identifier"] == 1
    assert resolution["person_merges_name_only"] == 0
    rows = clean_graph.read("MATCH (p:Person) RETURN p.id AS id, p.resolved_by AS by")
    assert rows == [{"id": person_id(None, None, PERSON_INN), "by": "identifier"}]


# ------------------------------------------------------------------- slips beyond one letter

@pytest.mark.parametrize("registry_name, country, trade_name", [
    ("Shinwa Systems Co., Ltd.", "KR", "SHINWA SYSTEMS C OLTD"),        # space into the form
    ("HongMei Industrial Technology Limited", "HK", "HONGMEI INDUSTRIALTECHNOLOGY LIMITED"),
    ('ОсОО «Систем Нова Ордо»', "KG", 'OsO "Sistem Nova Ordo"'),        # truncated form
    ("Invest FZCO", "AE", "INVEST FCZO"),                               # slip in the form
    ("Sejin Technologies Corporation", "JP", "Sejin Technologies Corportion"),
    ('SPY "Sistem Treid Meridian"', "AM", "SistemTreid Meridian, SPY"),  # form moved
    ("Start Radio Grupp OOO", "RU", "START RADIOGRUPP OOO"),
    ("Azia Tau LLP", "KZ", "Azia aTu LLP"),                             # swap across words
    ('SPY "Nova Sever"', "AM", 'LLC "Nova Sever"'),                     # SPY is a form
])
def test_slips_in_forms_and_word_boundaries_join_the_registry_company(
        registry_name, country, trade_name):
    resolver = Resolver()
    owner = resolver.add_company(country, registry_name, "REG-1")
    resolver.add_company(country, "Nippon Devices Co., Ltd." if country == "KR" else
                         "Alfa Servis Grupp LLC", "REG-2")
    assert resolver.resolve_company(trade_name, country) == owner


@pytest.mark.parametrize("registry_name, country, trade_name", [
    ("Radiotekhnika LLC", "RU", "Radiotekhnika M LLC"),      # a letter of its own
    ("Suzhou JiaKang Technology Co., Ltd.", "CN", "Suzhou JiaGuang Technology Co., Ltd."),
    ("Alfa PJSC", "RU", "ALFA-BANK PJSC"),                    # a word, not a form residue
    ("Radiokom LLC", "RU", "Radiokon LLC"),                   # short name, one letter
    ("Mikro Tranzit OsOO", "KG", "Makro Tranzit OsOO"),       # substitution in a short word
    ("Kaskad-3 OOO", "RU", "Kaskad-5 OOO"),
])
def test_look_alikes_of_those_slips_stay_apart(registry_name, country, trade_name):
    resolver = Resolver()
    owner = resolver.add_company(country, registry_name, "REG-1")
    assert resolver.resolve_company(trade_name, country) != owner


def test_a_name_held_by_a_trade_spelling_goes_to_the_registry_company_named_so():
    resolver = Resolver()
    kvant = resolver.add_company("KZ", 'TOO "Kvant"', "000640465181")
    ordo = resolver.add_company("KZ", 'TOO "Ordo Kvant"', "000640465199")
    # a trade row writes Ordo Kvant with a slip (ODO, a legal form) under its identifier
    assert resolver.resolve_company("ODO Kvant", "KZ", "000640465199") == ordo
    assert resolver.resolve_company("TOO KVANT", "KZ") == kvant
    # two registry companies of one name stay ambiguous: neither is guessed
    twin = resolver.add_company("KZ", 'TOO "Kvant"', "000640465204")
    assert resolver.resolve_company("Kvant LLP", "KZ") not in (kvant, twin)


# -- a numbered company after its name-only namesake: the same entity in either order ----------

KG_TAX = "01703202210047"


@pytest.mark.parametrize("numbered_first", [True, False])
def test_a_numbered_company_takes_over_its_name_only_namesake_in_either_order(numbered_first):
    resolver = Resolver()
    steps = [lambda: resolver.add_company("KG", "Profflab LLC", tax_id=KG_TAX),
             lambda: resolver.resolve_company("PROFFLAB LLC", "Kyrgyzstan")]
    ids = [step() for step in (steps if numbered_first else steps[::-1])]
    numbered = company_id("KG", KG_TAX)
    assert resolver.resolve_company("PROFFLAB LLC", "KG") == numbered
    assert len(resolver) == 1
    assert resolver.candidates().empty
    # the name-only id an earlier row was given is reported, for the graph's node to fold
    assert resolver.absorbed() == ({} if numbered_first else {ids[0]: numbered})
    assert resolver.names_seen() == {numbered: {"Profflab LLC", "PROFFLAB LLC"}}


def test_a_shared_alias_is_no_reason_to_take_over():
    # DKBA (name-only, alias "Dolgoprudny") and DNPP (numbered, alias "Dolgoprudny") are two
    # design bureaus of one town: resolving DKBA never looked at its alias, neither does this
    resolver = Resolver()
    bureau = resolver.add_known("co-dkba", "RU", ["Dolgoprudniy Design Bureau of Automatics",
                                                   "Dolgoprudny"])
    plant = resolver.add_company("RU", "Dolgoprudny Research Production Enterprise",
                                 OGRN_A, aliases=["Dolgoprudny"])
    assert plant != bureau
    assert resolver.absorbed() == {}
    assert resolver.resolve_company("Dolgoprudniy Design Bureau of Automatics", "RU") == bureau
    assert {frozenset(p) for p in resolver.candidates()[["entity_id", "other_entity_id"]]
            .itertuples(index=False)} == {frozenset((plant, bureau))}


def test_a_namesake_with_its_own_number_is_not_taken_over():
    resolver = Resolver()
    first = resolver.add_company("RU", "OOO Radiokom", OGRN_A)
    second = resolver.add_company("RU", "OOO Radiokom", "1037739010891")
    assert first != second and resolver.absorbed() == {}
    assert len(resolver.candidates()) == 1


def test_a_company_known_from_an_earlier_load_keeps_its_id():
    resolver = Resolver()
    resolver.add_known("co-earlier", "KG", ["PROFFLAB LLC", "ПРОФФЛАБ"], [KG_TAX])
    assert resolver.resolve_company("Профлаб", "KG", KG_TAX) == "co-earlier"
    assert resolver.resolve_company("PROFFLAB", "KG") == "co-earlier"
    assert resolver.add_company("KG", "Profflab", tax_id=KG_TAX) == "co-earlier"
