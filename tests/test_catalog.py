"""The canned Cypher catalogue without a server: headers, names, parameters and binding."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from queries import QueryError
from queries import reference
from queries.catalog import (
    CATALOG_DIR,
    NAME_PATTERN,
    PARAM_TYPES,
    CannedQuery,
    CatalogError,
    ParameterError,
    UnknownQuery,
    get_query,
    load_catalog,
    parse_query,
)

CATALOG = load_catalog()
QUERY_NAMES = sorted(CATALOG)

# the questions the catalogue promises (README / issue 4)
PROMISED = {
    "pass-through-pairs", "new-intermediaries", "mass-registration-addresses",
    "officers-shared-with-russian-buyer", "within-hops-of-listed", "supplier-exposure",
    "top-intermediaries-by-chpl-value", "company-profile", "trade-between",
    "flows-by-country-year", "mirror-declarations", "dormant-then-active",
    "activity-code-mismatch",
}


def test_catalog_holds_the_promised_questions():
    assert PROMISED <= set(CATALOG)


def test_every_cypher_file_is_catalogued():
    files = sorted(CATALOG_DIR.glob("*.cypher"))
    assert len(files) == len(CATALOG)
    for path in files:
        assert " " not in path.name
        assert path.stem in CATALOG


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_header_is_complete(name):
    query = CATALOG[name]
    assert NAME_PATTERN.fullmatch(query.name)
    assert query.path.name == f"{query.name}.cypher"
    assert query.title and query.description
    assert query.columns, "a query must declare its columns"
    assert len(set(query.column_names)) == len(query.column_names)
    for param in query.params:
        assert param.type in PARAM_TYPES
        assert param.description
        assert param.default is not None


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_defaults_have_their_declared_type(name):
    python_type = {"int": int, "float": float, "str": str, "bool": bool, "date": dt.date,
                   "list[str]": list}
    for param in CATALOG[name].params:
        assert isinstance(param.default, python_type[param.type]), param


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_text_takes_values_only_as_parameters(name):
    text = CATALOG[name].text
    # Python str.format / %-formatting placeholders, and legacy {param} parameters
    assert not re.search(r"\{\s*[A-Za-z_]\w*\s*\}", text)
    assert not re.search(r"%\(?\w*\)?[sd]\b", text.replace("%'", ""))
    # parameters are never glued into strings in Cypher either
    assert not re.search(r"\+\s*\$\w+|\$\w+\s*\+", text)
    for literal in re.findall(r"'[^']*'|\"[^\"]*\"", text):
        assert "$" not in literal, f"parameter inside a string literal: {literal}"


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_that_return_many_rows_take_a_limit(name):
    query = CATALOG[name]
    names = {p.name for p in query.params}
    assert "limit" in names
    assert re.search(r"\bLIMIT \$limit\b", query.text)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_only_read(name):
    text = CATALOG[name].text.upper()
    for clause in ("CREATE", "MERGE", "DELETE", "SET ", "REMOVE", "LOAD CSV"):
        assert not re.search(rf"\b{clause}", text), clause


def test_catalogue_defaults_agree_with_the_algorithms():
    """The same knob must mean the same number in a canned query and in `tracegraph chains`."""
    pairs = CATALOG["pass-through-pairs"].defaults
    assert pairs["window_days"] == reference.CHAIN_WINDOW_DAYS
    assert pairs["tolerance"] == reference.CHAIN_TOLERANCE
    assert set(pairs["destinations"]) == set(reference.DESTINATIONS)
    assert set(pairs["transit_countries"]) == set(reference.TRANSIT)
    assert pairs["since"] == dt.date.fromisoformat(reference.INVASION_DATE)
    mismatch = CATALOG["activity-code-mismatch"].defaults
    assert set(mismatch["chapters"]) == set(reference.DUAL_USE_CHAPTERS)
    assert tuple(mismatch["fitting_activities"]) == reference.FITTING_ACTIVITY_PREFIXES
    exposure = CATALOG["supplier-exposure"].defaults
    assert set(exposure["buyer_categories"]) == set(reference.DEFENCE_CATEGORIES)


# --- bind -----------------------------------------------------------------------------


def test_bind_fills_defaults():
    query = CATALOG["pass-through-pairs"]
    assert query.bind({}) == query.defaults
    assert query.bind(None) == query.defaults


def test_bind_converts_command_line_strings():
    query = CATALOG["pass-through-pairs"]
    bound = query.bind({
        "window_days": "30", "tolerance": "0.1", "destinations": "RU, BY,",
        "since": "2023-01-31", "hs_prefix": "8542", "transit_countries": "",
    })
    assert bound["window_days"] == 30
    assert bound["tolerance"] == 0.1
    assert bound["destinations"] == ["RU", "BY"]
    assert bound["transit_countries"] == []
    assert bound["since"] == dt.date(2023, 1, 31)
    assert bound["hs_prefix"] == "8542"
    assert bound["limit"] == 500


@pytest.mark.parametrize("raw, expected", [
    ("true", True), ("FALSE", False), ("yes", True), ("0", False), ("on", True),
])
def test_bind_reads_booleans(raw, expected):
    assert CATALOG["within-hops-of-listed"].bind({"include_listed": raw})["include_listed"] is expected


def test_bind_accepts_typed_python_values():
    query = CATALOG["pass-through-pairs"]
    bound = query.bind({"window_days": 10, "tolerance": 1, "since": dt.date(2022, 1, 1),
                        "destinations": ("RU",)})
    assert bound["window_days"] == 10
    assert bound["tolerance"] == 1.0 and isinstance(bound["tolerance"], float)
    assert bound["destinations"] == ["RU"]


def test_bind_rejects_an_unknown_parameter():
    with pytest.raises(ParameterError, match="no parameter 'windw_days'") as caught:
        CATALOG["pass-through-pairs"].bind({"windw_days": "30"})
    assert "window_days" in str(caught.value)  # the message lists what it takes
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("param, value", [
    ("window_days", "sixty"),
    ("window_days", "6.5"),
    ("window_days", True),
    ("window_days", 6.5),
    ("tolerance", "a bit"),
    ("tolerance", "nan"),
    ("since", "24.02.2022"),
    ("since", "2022-02-30"),
    ("since", dt.datetime(2022, 2, 24, 12)),
    ("destinations", [1, 2]),
])
def test_bind_rejects_a_bad_value(param, value):
    with pytest.raises(ParameterError, match=param) as caught:
        CATALOG["pass-through-pairs"].bind({param: value})
    assert isinstance(caught.value, QueryError)
    assert "\n" not in str(caught.value)


def test_bind_rejects_a_bad_boolean():
    with pytest.raises(ParameterError, match="true or false"):
        CATALOG["within-hops-of-listed"].bind({"include_listed": "maybe"})


def test_get_query_names_close_matches():
    assert get_query("company-profile", CATALOG) is CATALOG["company-profile"]
    with pytest.raises(UnknownQuery, match="pass-through-pairs"):
        get_query("pass-thru-pairs", CATALOG)


# --- the header format ---------------------------------------------------------------

GOOD = """\
// name: tiny-question
// title: A tiny question
// description: What it says,
//   over two lines.
// param: limit int 10 Most rows
// param: label str "two words" A quoted default
// param: countries list[str] "" Empty list by default
// param: day date 2022-02-24 A day
// column: n Number of
//   companies
MATCH (c:Company)
WHERE c.country IN $countries OR c.name = $label OR c.incorporation_date = $day
RETURN count(c) AS n
LIMIT $limit;
"""


def _write(tmp_path: Path, text: str, name: str = "tiny-question") -> Path:
    path = tmp_path / f"{name}.cypher"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_reads_the_header_format(tmp_path):
    query = parse_query(_write(tmp_path, GOOD))
    assert isinstance(query, CannedQuery)
    assert query.description == "What it says, over two lines."
    assert query.defaults == {"limit": 10, "label": "two words", "countries": [],
                              "day": dt.date(2022, 2, 24)}
    assert query.columns[0].description == "Number of companies"
    assert query.text.startswith("MATCH (c:Company)")
    assert query.text.endswith("LIMIT $limit")  # the trailing semicolon is dropped


@pytest.mark.parametrize("change, message", [
    (("// name: tiny-question\n", "// name: Tiny_Question\n"), "kebab-case"),
    (("// name: tiny-question\n", "// name: other-question\n"), "other-question.cypher"),
    (("// title: A tiny question\n", ""), "no 'title:'"),
    (("// param: limit int 10 Most rows", "// param: limit integer 10 Most rows"), "unknown type"),
    (("// param: limit int 10 Most rows", "// param: limit int ten Most rows"), "not an integer"),
    (("// param: limit int 10 Most rows", "// param: limit int 10"), "no description"),
    (("// param: day date 2022-02-24 A day\n", ""), r"undeclared parameter\(s\) \$day"),
    (("// column: n Number of\n//   companies\n", ""), "declares no 'column:'"),
    (("// column: n Number of", "// column: n Number of\n// column: n Again"), "declared twice"),
    (("// title: A tiny question", "// title: A tiny question\n// colour: red"), "unknown header"),
    (("// title: A tiny question", "// title: A tiny question\n// just words"), "key: value"),
    (("// title: A tiny question", "// title: A tiny question\n// param: extra int 1 Unused"),
     "never used: extra"),
])
def test_parse_rejects_malformed_headers(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(CatalogError, match=message) as caught:
        parse_query(_write(tmp_path, GOOD.replace(old, new, 1)))
    assert "tiny-question.cypher" in str(caught.value)


def test_parse_ends_the_header_at_a_blank_line(tmp_path):
    text = GOOD.replace("MATCH (c:Company)\n", "\n// why the query starts here\nMATCH (c:Company)\n")
    query = parse_query(_write(tmp_path, text))
    assert query.text.startswith("// why the query starts here\nMATCH (c:Company)")


def test_parse_ignores_parameters_in_comments_and_strings(tmp_path):
    text = GOOD.replace("RETURN count(c) AS n", "// not $this\nRETURN count(c) AS n, '$that' AS s")
    text = text.replace("// column: n Number of", "// column: s Text\n// column: n Number of")
    assert parse_query(_write(tmp_path, text)).params  # neither $this nor $that is required


def test_load_catalog_rejects_a_duplicate_name(tmp_path):
    _write(tmp_path, GOOD)
    # same header name in a file named otherwise fails on the file-name rule first
    _write(tmp_path, GOOD, name="copy")
    with pytest.raises(CatalogError, match="copy.cypher"):
        load_catalog(tmp_path)


def test_load_catalog_of_a_missing_folder(tmp_path):
    with pytest.raises(CatalogError, match="no such catalogue folder"):
        load_catalog(tmp_path / "absent")
