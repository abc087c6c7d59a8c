"""Source profiles: YAML files that map a foreign layout onto the canonical input columns.

A profile is data, validated when loaded; every error names the file and the bad key. Named
profiles live in ``loaders/profiles/<name>.yaml``; any other profile is given as a path.

Keys (all optional):

``kind``
    shipments, companies, officers or watchlist (else recognised from the mapped columns).
``columns``
    ``source header: canonical column``; headers match case-insensitively and trimmed.
    Several headers may map to one column ("or similar" spellings, or a fallback column):
    the first non-empty in the profile's order wins.
``compose``
    ``canonical column: "{Header A}/{Header B}"`` — a column built from several headers
    (e.g. a record id from declaration number and item number), when the file has all of
    them; it takes precedence over ``columns`` for that column.
``date_formats``
    ``strptime`` formats tried after ISO ``YYYY-MM-DD``.
``decimal_comma``
    numbers are written ``1 234,50``.
``delimiter`` / ``encoding``
    override the sniffed CSV delimiter and the detected encoding.
``constants``
    ``column: value`` — fills the column where the row has no value.
``values``
    ``column: {source value: replacement}`` — value translation, case-insensitive
    (``шт: pcs``). For ``country`` it also applies to the pieces ``country_from`` tries.
``currency``
    ``{value: COLUMN, currency: COLUMN, rates: {EUR: 1.08, ...}, target: value_usd}`` —
    ``value`` in ``currency`` times the rate (USD per unit) gives ``target``; a row whose
    currency has no rate is rejected with the reason.
``identifiers``
    a list of ``{in: [headers], pattern: REGEX, to: column}``: the first capture group of the
    first match fills ``to``. A cell in which any identifier pattern matched is not copied
    verbatim into the column its header maps to (its labelled numbers went where they belong).
``list_separator`` / ``first_value``
    cells holding several values separated by ``list_separator`` (a text or a list of
    texts, e.g. ``[";", "\\n"]``); for the columns listed in
    ``first_value`` only the first value is kept (a company has one registered address).
``country_from``
    headers or columns whose text names the country when ``country`` is empty: the pieces
    of the text (split at the list separator, commas and brackets) are tried from the end.
``rules``
    a list of ``{when: {column: value | [values]}, set: {column: value}}`` or
    ``{when: ..., reject: reason}``, applied in order after the constants.
``optional``
    columns the contract requires that this source does not always have (a sanctions list
    that names no country for some entries): rows without them load with the value empty.
``lenient``
    optional columns whose unreadable values do not reject the row: the value is left
    empty and its text kept in ``<column>_text`` (a founding year written as prose in a
    sanctions list should not drop the listing).
``name`` / ``description``
    free text.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from loaders import LoaderError
from loaders.columns import INPUT_TABLES, LINE_NUMBER
from loaders.read import DELIMITERS, canonical_header

__all__ = [
    "ProfileError",
    "IdentifierRule",
    "Rule",
    "Profile",
    "load_profile",
    "profile_names",
    "PROFILE_DIR",
    "WATCHLIST_ENTITY_COLUMNS",
    "kind_columns",
]

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"

# A watchlist row may describe the listed entity the way a registry does; these columns carry
# that description to the Company / Person the listing points at. entity_kind says which.
WATCHLIST_ENTITY_COLUMNS = (
    "entity_kind", "aliases", "registration_number", "tax_id", "incorporation_date",
    "dissolution_date", "status", "address", "legal_form", "name_latin",
)

_KEYS = {
    "name", "description", "kind", "columns", "compose", "date_formats", "decimal_comma",
    "delimiter", "encoding", "constants", "values", "currency", "identifiers",
    "list_separator", "first_value", "country_from", "rules", "optional", "lenient",
}
_CURRENCY_KEYS = {"value", "currency", "rates", "target"}
_IDENTIFIER_KEYS = {"in", "pattern", "to"}
_RULE_KEYS = {"when", "set", "reject"}
_FIELD = re.compile(r"\{([^{}]+)\}")


class ProfileError(LoaderError):
    """A source profile that cannot be used: unknown name, bad YAML, bad or unknown key."""

    def __init__(self, where: str, key: str | None, reason: str):
        self.where = where
        self.key = key
        at = f" key {key!r}" if key else ""
        super().__init__(f"profile {where}:{at} {reason}")


def kind_columns(kind: str | None) -> tuple[str, ...]:
    """Canonical columns a profile may write for ``kind`` (all kinds' when None)."""
    if kind is None:
        out: list[str] = []
        for table in INPUT_TABLES.values():
            out += [c for c in table.columns if c not in out]
        return tuple(out) + tuple(c for c in WATCHLIST_ENTITY_COLUMNS if c not in out)
    columns = INPUT_TABLES[kind].columns
    if kind == "watchlist":
        columns += tuple(c for c in WATCHLIST_ENTITY_COLUMNS if c not in columns)
    return columns


@dataclass(frozen=True)
class IdentifierRule:
    sources: tuple[str, ...]
    pattern: re.Pattern[str]
    target: str


@dataclass(frozen=True)
class Rule:
    when: tuple[tuple[str, frozenset[str]], ...]
    set: tuple[tuple[str, str], ...] = ()
    reject: str | None = None


@dataclass
class Profile:
    """A parsed, validated source profile; ``Profile()`` is the canonical layout itself."""

    name: str = "canonical"
    kind: str | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> headers
    compose: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    decimal_comma: bool = False
    delimiter: str | None = None
    encoding: str | None = None
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    currency: dict[str, Any] | None = None
    identifiers: tuple[IdentifierRule, ...] = ()
    list_separator: re.Pattern[str] | None = None
    first_value: tuple[str, ...] = ()
    country_from: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    optional: tuple[str, ...] = ()
    lenient: tuple[str, ...] = ()
    description: str = ""

    def output_columns(self, headers: list[str]) -> set[str]:
        """Canonical columns a file with ``headers`` will have once this profile is applied."""
        have = {canonical_header(h) for h in headers}
        out = {canonical_header(h) for h in headers}
        for target, sources in self.columns.items():
            if have.intersection(canonical_header(s) for s in sources):
                out.add(target)
        out.update(c for c, t in self.compose.items()
                   if all(canonical_header(f) in have for f in _FIELD.findall(t)))
        out.update(self.constants)
        out.update(r.target for r in self.identifiers if have.intersection(
            canonical_header(s) for s in r.sources))
        if self.currency and canonical_header(self.currency["value"]) in out:
            out.add(self.currency["target"])
        if self.country_from:
            out.add("country")
        for rule in self.rules:
            out.update(col for col, _ in rule.set)
        return out

    def apply(self, raw: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, pd.Series]:
        """Map a raw chunk (file headers + line_number) to canonical columns + extras.

        Returns the mapped frame (text columns, ``""`` when empty; a currency target as
        float) and a Series of reject reasons (``""`` where the profile has no objection).
        """
        return _apply(self, raw, kind)


def profile_names() -> list[str]:
    """Names of the profiles packaged with tracegraph."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def load_profile(profile: str | os.PathLike | Profile | None) -> Profile:
    """Load a profile by packaged name (``eu-sanctions``) or path; None gives the canonical one.

    Raises
    ------
    ProfileError
        Unknown name, unreadable file, bad YAML, an unknown key, or a value of the wrong
        shape; the message names the file and the key.
    """
    if profile is None:
        return Profile()
    if isinstance(profile, Profile):
        return profile
    text = str(profile)
    path = Path(text)
    if not path.suffix and not path.exists():
        candidate = PROFILE_DIR / f"{text}.yaml"
        if not candidate.exists():
            names = ", ".join(profile_names()) or "none"
            raise ProfileError(text, None, f"no such profile (packaged profiles: {names})")
        path = candidate
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(str(path), None, "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(str(path), None, f"cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ProfileError(str(path), None, f"not valid YAML: {str(exc).splitlines()[0]}") from exc
    return parse_profile(data, str(path), default_name=path.stem)


def parse_profile(data: Any, where: str, default_name: str = "profile") -> Profile:
    """Validate a profile's parsed YAML (a mapping) and build the :class:`Profile`."""
    if not isinstance(data, dict):
        raise ProfileError(where, None, "must be a mapping of keys to values")
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise ProfileError(where, unknown[0], f"unknown key (known keys: {', '.join(sorted(_KEYS))})")
    prof = Profile(name=str(data.get("name") or default_name))
    prof.description = _string(data, "description", where, default="")
    kind = data.get("kind")
    if kind is not None and kind not in INPUT_TABLES:
        raise ProfileError(where, "kind", f"must be one of {', '.join(INPUT_TABLES)}, not {kind!r}")
    prof.kind = kind
    allowed = set(kind_columns(kind))

    def target(name: Any, key: str) -> str:
        if not isinstance(name, str) or name not in allowed:
            what = f"the {kind} columns" if kind else "the canonical columns"
            raise ProfileError(where, key, f"{name!r} is not one of {what}: {', '.join(sorted(allowed))}")
        return name

    columns: dict[str, list[str]] = {}
    for header, canon in _mapping(data, "columns", where).items():
        columns.setdefault(target(canon, f"columns.{header}"), []).append(str(header))
    prof.columns = {k: tuple(v) for k, v in columns.items()}

    for canon, template in _mapping(data, "compose", where).items():
        target(canon, f"compose.{canon}")
        if not isinstance(template, str) or not _FIELD.search(template):
            raise ProfileError(where, f"compose.{canon}", "must be a text naming headers as {Header}")
        prof.compose[canon] = template

    formats = data.get("date_formats", [])
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        raise ProfileError(where, "date_formats", "must be a list of strptime formats such as '%d.%m.%Y'")
    prof.date_formats = tuple(formats)

    decimal_comma = data.get("decimal_comma", False)
    if not isinstance(decimal_comma, bool):
        raise ProfileError(where, "decimal_comma", "must be true or false")
    prof.decimal_comma = decimal_comma

    delimiter = data.get("delimiter")
    if delimiter is not None:
        if delimiter in ("tab", "\\t"):
            delimiter = "\t"
        if delimiter not in DELIMITERS:
            raise ProfileError(where, "delimiter", "must be one of ',', ';', tab, '|'")
    prof.delimiter = delimiter
    encoding = data.get("encoding")
    if encoding is not None:
        try:
            codecs.lookup(str(encoding))
        except LookupError as exc:
            raise ProfileError(where, "encoding", f"unknown encoding {encoding!r}") from exc
        encoding = str(encoding)
    prof.encoding = encoding

    for canon, value in _mapping(data, "constants", where).items():
        target(canon, f"constants.{canon}")
        prof.constants[canon] = _scalar(value, where, f"constants.{canon}")

    for canon, table in _mapping(data, "values", where).items():
        target(canon, f"values.{canon}")
        if not isinstance(table, dict):
            raise ProfileError(where, f"values.{canon}", "must map source values to replacements")
        prof.values[canon] = {
            str(k).strip().casefold(): _scalar(v, where, f"values.{canon}.{k}") for k, v in table.items()
        }

    if "currency" in data:
        prof.currency = _currency(data["currency"], where, target)

    rules = data.get("identifiers", [])
    if not isinstance(rules, list):
        raise ProfileError(where, "identifiers", "must be a list of {in, pattern, to}")
    parsed = []
    for i, rule in enumerate(rules):
        key = f"identifiers[{i}]"
        if not isinstance(rule, dict):
            raise ProfileError(where, key, "must be a mapping with in, pattern, to")
        bad = sorted(str(k) for k in rule if k not in _IDENTIFIER_KEYS)
        if bad:
            raise ProfileError(where, f"{key}.{bad[0]}", "unknown key (known: in, pattern, to)")
        for needed in ("in", "pattern", "to"):
            if needed not in rule:
                raise ProfileError(where, f"{key}.{needed}", "is missing")
        sources = rule["in"]
        sources = [sources] if isinstance(sources, str) else sources
        if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
            raise ProfileError(where, f"{key}.in", "must be a header or a list of headers")
        try:
            pattern = re.compile(str(rule["pattern"]))
        except re.error as exc:
            raise ProfileError(where, f"{key}.pattern", f"not a valid regular expression: {exc}") from exc
        if pattern.groups < 1:
            raise ProfileError(where, f"{key}.pattern", "needs a capture group around the identifier")
        parsed.append(IdentifierRule(tuple(sources), pattern, target(rule["to"], f"{key}.to")))
    prof.identifiers = tuple(parsed)

    separator = data.get("list_separator")
    if separator is not None:
        separators = [separator] if isinstance(separator, str) else separator
        if not isinstance(separators, list) or not separators or not all(
                isinstance(x, str) and x for x in separators):
            raise ProfileError(where, "list_separator", "must be a text such as ';' or a list of them")
        separator = re.compile("|".join(re.escape(x) for x in separators))
    prof.list_separator = separator
    prof.first_value = tuple(target(c, "first_value") for c in _strings(data, "first_value", where))
    if prof.first_value and not separator:
        raise ProfileError(where, "first_value", "needs list_separator")
    prof.country_from = tuple(_strings(data, "country_from", where))
    if prof.country_from and "country" not in allowed:
        raise ProfileError(where, "country_from", f"the {kind} kind has no country column")

    prof.optional = tuple(target(c, "optional") for c in _strings(data, "optional", where))
    prof.lenient = tuple(target(c, "lenient") for c in _strings(data, "lenient", where))

    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise ProfileError(where, "rules", "must be a list of {when, set} or {when, reject}")
    prof.rules = tuple(_rule(r, f"rules[{i}]", where, target) for i, r in enumerate(rules))
    return prof


def _rule(rule: Any, key: str, where: str, target) -> Rule:
    if not isinstance(rule, dict):
        raise ProfileError(where, key, "must be a mapping with when and set or reject")
    bad = sorted(str(k) for k in rule if k not in _RULE_KEYS)
    if bad:
        raise ProfileError(where, f"{key}.{bad[0]}", "unknown key (known: when, set, reject)")
    when = rule.get("when")
    if not isinstance(when, dict) or not when:
        raise ProfileError(where, f"{key}.when", "must map columns to a value or a list of values")
    conditions = []
    for column, wanted in when.items():
        wanted = wanted if isinstance(wanted, list) else [wanted]
        conditions.append((str(column), frozenset(
            _scalar(w, where, f"{key}.when.{column}").casefold() for w in wanted)))
    if ("set" in rule) == ("reject" in rule):
        raise ProfileError(where, key, "needs exactly one of set and reject")
    if "set" in rule:
        if not isinstance(rule["set"], dict) or not rule["set"]:
            raise ProfileError(where, f"{key}.set", "must map columns to values")
        sets = tuple(
            (target(c, f"{key}.set.{c}"), _scalar(v, where, f"{key}.set.{c}"))
            for c, v in rule["set"].items()
        )
        return Rule(tuple(conditions), set=sets)
    reason = rule["reject"]
    if not isinstance(reason, str) or not reason.strip():
        raise ProfileError(where, f"{key}.reject", "must be the reason text")
    return Rule(tuple(conditions), reject=reason.strip())


def _currency(spec: Any, where: str, target) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ProfileError(where, "currency", "must be a mapping with value, currency, rates")
    bad = sorted(str(k) for k in spec if k not in _CURRENCY_KEYS)
    if bad:
        raise ProfileError(where, f"currency.{bad[0]}", "unknown key (known: value, currency, rates, target)")
    for needed in ("value", "currency", "rates"):
        if needed not in spec:
            raise ProfileError(where, f"currency.{needed}", "is missing")
        if needed != "rates" and not isinstance(spec[needed], str):
            raise ProfileError(where, f"currency.{needed}", "must be a column header")
    rates = spec["rates"]
    if not isinstance(rates, dict) or not rates:
        raise ProfileError(where, "currency.rates", "must map currency codes to USD per unit")
    clean = {}
    for code, rate in rates.items():
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0:
            raise ProfileError(where, f"currency.rates.{code}", "must be a positive number (USD per unit)")
        clean[str(code).strip().upper()] = float(rate)
    return {
        "value": spec["value"], "currency": spec["currency"], "rates": clean,
        "target": target(spec.get("target", "value_usd"), "currency.target"),
    }


def _mapping(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProfileError(where, key, "must be a mapping")
    return value


def _strings(data: dict, key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(where, key, "must be a list of column names")
    return value


def _string(data: dict, key: str, where: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ProfileError(where, key, "must be text")
    return value


def _scalar(value: Any, where: str, key: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise ProfileError(where, key, "must be a text or a number")
    return str(value)


# ---------------------------------------------------------------------------------------------
# applying a profile to a chunk


def _apply(prof: Profile, raw: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, pd.Series]:
    headers = [c for c in raw.columns if c != LINE_NUMBER]
    by_key = {canonical_header(h): h for h in headers}
    index = raw.index
    empty = pd.Series("", index=index, dtype=object)
    reasons = empty.copy()

    def source(name: str) -> pd.Series | None:
        header = by_key.get(canonical_header(name))
        return None if header is None else _text(raw[header])

    # identifier patterns first: they decide which cells are copied verbatim
    matched_in: dict[str, pd.Series] = {}
    found: dict[str, pd.Series] = {}
    for rule in prof.identifiers:
        for name in rule.sources:
            text = source(name)
            if text is None:
                continue
            hit = text.str.extract(rule.pattern, expand=True)[0]
            hit = hit.where(hit.notna(), None)
            header = by_key[canonical_header(name)]
            matched_in[header] = matched_in.get(header, pd.Series(False, index=index)) | hit.notna()
            current = found.get(rule.target)
            found[rule.target] = hit if current is None else current.where(current.notna(), hit)

    out: dict[str, pd.Series] = {}
    consumed: set[str] = set()
    canon = set(kind_columns(kind))
    for target, sources in prof.columns.items():
        value = None
        for name in sources:
            header = by_key.get(canonical_header(name))
            if header is None:
                continue
            consumed.add(header)
            text = _text(raw[header])
            if header in matched_in:
                text = text.where(~matched_in[header], "")
            value = text if value is None else value.where(value != "", text)
        if value is not None:
            out[target] = value
    # canonical headers the profile does not map are taken as they are
    for key, header in by_key.items():
        if key in canon and key not in out and header not in consumed:
            text = _text(raw[header])
            if header in matched_in:
                text = text.where(~matched_in[header], "")
            out[key] = text
            consumed.add(header)
    for target, hits in found.items():
        base = out.get(target, empty)
        out[target] = pd.Series(np.where(hits.notna(), hits, base), index=index, dtype=object)

    for target, template in prof.compose.items():
        fields = _FIELD.findall(template)
        if all(canonical_header(f) in by_key for f in fields):
            out[target] = _compose(template, source, index)
            consumed.update(by_key[canonical_header(f)] for f in fields)

    for column, table in prof.values.items():
        if column in out:
            out[column] = _translate(out[column], table)

    if prof.country_from:
        country = out.get("country", empty)
        missing = country == ""
        if missing.any():
            derived = pd.Series(None, index=index, dtype=object)
            for name in prof.country_from:
                text = out.get(name)
                if text is None:
                    text = source(name)
                if text is None:
                    continue
                need = missing & derived.isna() & (text != "")
                if need.any():
                    derived[need] = _country_in_text(
                        text[need], prof.list_separator, prof.values.get("country", {}))
            out["country"] = country.where(~missing | derived.isna(), derived).fillna("")

    if prof.list_separator:
        for column in prof.first_value:
            if column in out:
                out[column] = out[column].str.split(prof.list_separator, n=1).str[0].str.strip()

    for column, value in prof.constants.items():
        base = out.get(column, empty)
        out[column] = base.where(base != "", value)

    for rule in prof.rules:
        mask = pd.Series(True, index=index)
        for column, wanted in rule.when:
            text = out.get(column)
            if text is None:
                text = source(column)
            if text is None:
                mask &= False
                break
            mask &= text.str.casefold().isin(wanted)
        if not mask.any():
            continue
        if rule.reject:
            reasons = add_reason(reasons, mask, rule.reject)
        for column, value in rule.set:
            base = out.get(column, empty)
            out[column] = base.where(~mask, value)

    if prof.currency:
        out, reasons = _convert_currency(prof, out, source, reasons, index)

    frame = pd.DataFrame(out, index=index)
    # everything the profile did not consume stays, under its own header, as extra properties
    for header in headers:
        if header not in consumed and header not in frame.columns:
            key = canonical_header(header)
            name = header if key not in canon else f"source_{header}"
            frame[name] = _text(raw[header])
    frame[LINE_NUMBER] = raw[LINE_NUMBER]
    return frame, reasons


def add_reason(reasons: pd.Series, mask: pd.Series, text: Any) -> pd.Series:
    """Append ``text`` (a string or a per-row Series) to the reasons of the rows in ``mask``."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return reasons
    out = reasons.to_numpy(dtype=object).copy()
    message = (text.to_numpy(dtype=object)[mask] if isinstance(text, pd.Series)
               else np.full(int(mask.sum()), text, dtype=object))
    before = out[mask]
    out[mask] = [m if not b else f"{b}; {m}" for b, m in zip(before, message)]
    return pd.Series(out, index=reasons.index, dtype=object)


def _text(series: pd.Series) -> pd.Series:
    """A column as text with ``""`` for missing values (the readers hand over trimmed text)."""
    if series.dtype == object:
        return series
    series = series.astype(object)
    return series.where(series.notna(), "")


def _compose(template: str, source, index) -> pd.Series:
    parts = _FIELD.split(template)
    value = pd.Series("", index=index, dtype=object)
    any_field = pd.Series(False, index=index)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if part:
                value = value + part
        else:
            text = source(part)
            if text is None:
                text = pd.Series("", index=index, dtype=object)
            any_field |= text != ""
            value = value + text
    # a template over empty cells is no value at all
    return value.where(any_field, "")


def _translate(series: pd.Series, table: dict[str, str]) -> pd.Series:
    uniques = series.unique()
    mapping = {u: table.get(u.casefold(), u) for u in uniques if isinstance(u, str)}
    return series.map(mapping).fillna("")


_PIECES = re.compile(r"[,()\[\]]")
_TAIL_WORDS = 4


def _country_in_text(text: pd.Series, separator: re.Pattern[str] | None,
                     table: dict[str, str]) -> pd.Series:
    """The country a free text names: its pieces tried from the last to the first."""
    from loaders.normalize import normalize_country

    def find(value: str) -> str | None:
        items = separator.split(value) if separator else [value]
        for item in reversed(items):
            for piece in reversed(_PIECES.split(item)):
                words = piece.strip().strip(".").split()
                # only the words after the last one with a digit: "Office 209 Russian
                # Federation" names its country in the tail, a street or postcode never does
                for i in range(len(words) - 1, -1, -1):
                    if any(ch.isdigit() for ch in words[i]):
                        words = words[i + 1:]
                        break
                starts = [0] + list(range(max(1, len(words) - _TAIL_WORDS), len(words)))
                for start in starts:
                    tail = " ".join(words[start:]).strip(".")
                    # "St." or "HQ" would read as a country code; codes count in capitals only
                    if not tail or (len(tail) <= 3 and not tail.isupper()):
                        continue
                    code = normalize_country(table.get(tail.casefold(), tail))
                    if code:
                        return code
        return None

    uniques = {u: find(u) for u in text.unique()}
    return text.map(uniques)


def _convert_currency(prof: Profile, out: dict, source, reasons: pd.Series, index):
    from loaders.normalize import parse_amount

    spec = prof.currency
    value = out.get(spec["value"])
    if value is None:
        value = source(spec["value"])
    code = out.get(spec["currency"])
    if code is None:
        code = source(spec["currency"])
    if value is None:
        return out, reasons
    if code is None:
        code = pd.Series("", index=index, dtype=object)
    amounts = value.map({u: parse_amount(u, decimal_comma=prof.decimal_comma) for u in value.unique()})
    code = code.str.upper()
    rate = code.map(spec["rates"])
    has_value = value != ""
    bad_number = has_value & amounts.isna()
    reasons = add_reason(reasons, bad_number, "unparseable number '" + value + f"' in column {spec['value']}")
    no_code = has_value & (code == "")
    reasons = add_reason(reasons, no_code, f"no currency for the value in column {spec['value']}")
    known = ", ".join(sorted(spec["rates"]))
    unknown = has_value & (code != "") & rate.isna()
    reasons = add_reason(reasons, unknown, "unknown currency '" + code + f"' (the profile has rates for {known})")
    converted = (amounts.astype(float) * rate.astype(float)).round(2)
    target = spec["target"]
    existing = out.get(target)
    if existing is not None and (existing != "").any():
        from loaders.normalize import parse_amount as _pa

        given = existing.map({u: _pa(u, decimal_comma=prof.decimal_comma) for u in existing.unique()})
        converted = given.astype(float).where(existing != "", converted)
    out[target] = converted
    return out, reasons
