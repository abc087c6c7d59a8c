"""Source profiles: YAML files that map a foreign layout onto the canonical input columns.

A profile is data, validated when loaded by a typed model (:class:`_ProfileSpec`, pydantic);
every error is one line naming the file and the bad key. Named profiles live in
``loaders/profiles/<name>.yaml``; any other profile is given as a path. Applying a profile to
the rows of a file is :mod:`loaders.mapping`'s job.

Keys (all optional):

``kind``
    shipments, companies, officers, watchlist or trade_flows (else recognised from the mapped
    columns).
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
``scale``
    ``column: factor`` — numbers of a trade_flows column multiplied once read (CEPII BACI
    gives values in thousands of USD and quantities in tonnes: ``{value: 1000,
    net_weight_kg: 1000}``).
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
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

import pandas as pd
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from loaders import LoaderError
from loaders.columns import INPUT_TABLES, WATCHLIST_ENTITY_COLUMNS, kind_columns
from loaders.mapping import TEMPLATE_FIELD, add_reason, apply_profile
from loaders.read import DELIMITERS, canonical_header

__all__ = [
    "ProfileError",
    "IdentifierRule",
    "Rule",
    "Profile",
    "load_profile",
    "parse_profile",
    "profile_names",
    "PROFILE_DIR",
    "WATCHLIST_ENTITY_COLUMNS",
    "kind_columns",
    "add_reason",
]

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"


class ProfileError(LoaderError):
    """A source profile that cannot be used: unknown name, bad YAML, bad or unknown key."""

    def __init__(self, where: str, key: str | None, reason: str):
        self.where = where
        self.key = key
        at = f" key {key!r}" if key else ""
        super().__init__(f"profile {where}:{at} {reason}")


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
    scale: dict[str, float] = field(default_factory=dict)
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
                   if all(canonical_header(f) in have for f in TEMPLATE_FIELD.findall(t)))
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
        return apply_profile(self, raw, kind)


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
    """Validate a profile's parsed YAML (a mapping) and build the :class:`Profile`.

    >>> parse_profile({"kind": "shipments", "columns": {"Datum": "date"}}, "inline").columns
    {'date': ('Datum',)}
    >>> parse_profile({"kind": "shipments", "columns": {"Datum": "datum"}}, "inline")
    Traceback (most recent call last):
    ...
    loaders.profiles.ProfileError: profile inline: key 'columns.Datum' 'datum' is not one of ...
    """
    kind = data.get("kind") if isinstance(data, dict) else None
    # the columns a key may name depend on the kind: told to the model up front
    kind = kind if isinstance(kind, str) and kind in INPUT_TABLES else None
    context = {"kind": kind, "allowed": frozenset(kind_columns(kind))}
    try:
        spec = _ProfileSpec.model_validate(data, context=context)
    except ValidationError as exc:
        key, reason = _explain(exc)
        raise ProfileError(where, key, reason) from exc
    return _profile(spec, default_name)


# ---------------------------------------------------------------------------------------------
# the profile as a typed model


def _invalid(reason: str) -> PydanticCustomError:
    """An error that says in our words what is wrong (the key comes from where it stands)."""
    return PydanticCustomError("profile", "{reason}", {"reason": reason})


def _listed(value: Any) -> Any:
    """One text stands for a list of one."""
    return [value] if isinstance(value, str) else value


def _column(name: Any, info: ValidationInfo) -> str:
    allowed = info.context["allowed"]
    if not isinstance(name, str) or name not in allowed:
        kind = info.context["kind"]
        what = f"the {kind} columns" if kind else "the canonical columns"
        raise _invalid(f"{name!r} is not one of {what}: {', '.join(sorted(allowed))}")
    return name


def _columns(names: list[str], info: ValidationInfo) -> list[str]:
    return [_column(name, info) for name in names]


def _has_country(headers: list[str], info: ValidationInfo) -> list[str]:
    if headers and "country" not in info.context["allowed"]:
        raise _invalid(f"the {info.context['kind']} kind has no country column")
    return headers


def _encoding(name: Any) -> str:
    try:
        codecs.lookup(str(name))
    except LookupError:
        raise _invalid(f"unknown encoding {name!r}") from None
    return str(name)


def _pattern(text: Any) -> re.Pattern[str]:
    try:
        pattern = re.compile(str(text))
    except re.error as exc:
        raise _invalid(f"not a valid regular expression: {exc}") from None
    if pattern.groups < 1:
        raise _invalid("needs a capture group around the identifier")
    return pattern


# a canonical column the profile writes (which ones depends on the kind)
_Column = Annotated[Any, AfterValidator(_column)]
_ColumnList = Annotated[list[str], BeforeValidator(_listed), AfterValidator(_columns)]
# a cell value a profile writes or compares with: text, a number or a date, never a list
_Scalar = Annotated[Union[str, int, float, dt.datetime, dt.date], AfterValidator(str)]
_NonEmpty = Annotated[str, StringConstraints(min_length=1)]
_Template = Annotated[str, StringConstraints(pattern=TEMPLATE_FIELD.pattern)]  # "{Header A}/{B}"


class _Spec(BaseModel):
    # strict: YAML's true is no text, 1 no boolean; unknown keys are errors
    model_config = ConfigDict(extra="forbid", strict=True)


class _CurrencySpec(_Spec):
    value: str
    currency: str
    rates: Annotated[dict[Any, Annotated[float, Field(gt=0)]], Field(min_length=1)]
    target: Annotated[_Column, Field(validate_default=True)] = "value_usd"


class _IdentifierSpec(_Spec):
    sources: Annotated[list[str], BeforeValidator(_listed), Field(alias="in", min_length=1)]
    pattern: Annotated[Any, AfterValidator(_pattern)]
    to: _Column


class _RuleSpec(_Spec):
    when: Annotated[dict[Any, Union[_Scalar, list[_Scalar]]],
                    Field(min_length=1, validate_default=True)] = None
    set: Annotated[dict[_Column, _Scalar], Field(min_length=1)] = None
    reject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = None

    @model_validator(mode="after")
    def _set_or_reject(self) -> _RuleSpec:
        if ("set" in self.model_fields_set) == ("reject" in self.model_fields_set):
            raise _invalid("needs exactly one of set and reject")
        return self


class _ProfileSpec(_Spec):
    """The keys of a profile, in the order they are checked (the first error is told)."""

    name: Any = None
    description: str = ""
    kind: Optional[Literal[tuple(INPUT_TABLES)]] = None
    columns: Optional[dict[Any, _Column]] = None
    compose: Optional[dict[_Column, _Template]] = None
    date_formats: Annotated[list[Annotated[str, StringConstraints(pattern="%")]],
                            BeforeValidator(_listed)] = []
    decimal_comma: bool = False
    delimiter: Optional[Literal[(*DELIMITERS, "tab", "\\t")]] = None
    encoding: Optional[Annotated[Any, AfterValidator(_encoding)]] = None
    constants: Optional[dict[_Column, _Scalar]] = None
    values: Optional[dict[_Column, dict[Any, _Scalar]]] = None
    currency: _CurrencySpec = None
    scale: Optional[dict[_Column, Annotated[float, Field(gt=0)]]] = None
    identifiers: list[_IdentifierSpec] = []
    list_separator: Optional[Annotated[list[_NonEmpty], BeforeValidator(_listed),
                                       Field(min_length=1)]] = None
    first_value: _ColumnList = []
    country_from: Annotated[list[str], BeforeValidator(_listed), AfterValidator(_has_country)] = []
    optional: _ColumnList = []
    lenient: _ColumnList = []
    rules: list[_RuleSpec] = []

    @field_validator("first_value")
    @classmethod
    def _needs_separator(cls, columns: list[str], info: ValidationInfo) -> list[str]:
        if columns and not info.data.get("list_separator"):
            raise _invalid("needs list_separator")
        return columns


_NESTED: dict[str, type[_Spec]] = {
    "currency": _CurrencySpec, "identifiers": _IdentifierSpec, "rules": _RuleSpec,
}
_LISTS = ("identifiers", "rules")  # their items are told as key[i]
_UNKNOWN = ("extra_forbidden", "invalid_key")
_COLUMN_NAMES = "must be a list of column names"
_TEXT_OR_NUMBER = "must be a text or a number"
# what a value of the wrong shape at a key must be ("*": any key or position)
_SHAPES: dict[tuple[str, ...], Any] = {
    (): "must be a mapping of keys to values",
    ("description",): "must be text",
    ("kind",): lambda value: f"must be one of {', '.join(INPUT_TABLES)}, not {value!r}",
    ("columns",): "must be a mapping",
    ("compose",): "must be a mapping",
    ("compose", "*"): "must be a text naming headers as {Header}",
    ("date_formats",): "must be a list of strptime formats such as '%d.%m.%Y'",
    ("decimal_comma",): "must be true or false",
    ("delimiter",): "must be one of ',', ';', tab, '|'",
    ("constants",): "must be a mapping",
    ("constants", "*"): _TEXT_OR_NUMBER,
    ("values",): "must be a mapping",
    ("values", "*"): "must map source values to replacements",
    ("values", "*", "*"): _TEXT_OR_NUMBER,
    ("currency",): "must be a mapping with value, currency, rates",
    ("currency", "value"): "must be a column header",
    ("currency", "currency"): "must be a column header",
    ("currency", "rates"): "must map currency codes to USD per unit",
    ("currency", "rates", "*"): "must be a positive number (USD per unit)",
    ("scale",): "must map columns to factors",
    ("scale", "*"): "must be a positive number",
    ("identifiers",): "must be a list of {in, pattern, to}",
    ("identifiers", "*"): "must be a mapping with in, pattern, to",
    ("identifiers", "*", "in"): "must be a header or a list of headers",
    ("list_separator",): "must be a text such as ';' or a list of them",
    ("first_value",): _COLUMN_NAMES,
    ("country_from",): _COLUMN_NAMES,
    ("optional",): _COLUMN_NAMES,
    ("lenient",): _COLUMN_NAMES,
    ("rules",): "must be a list of {when, set} or {when, reject}",
    ("rules", "*"): "must be a mapping with when and set or reject",
    ("rules", "*", "when"): "must map columns to a value or a list of values",
    ("rules", "*", "when", "*"): _TEXT_OR_NUMBER,
    ("rules", "*", "set"): "must map columns to values",
    ("rules", "*", "set", "*"): _TEXT_OR_NUMBER,
    ("rules", "*", "reject"): "must be the reason text",
}


def _explain(error: ValidationError) -> tuple[str | None, str]:
    """The first error of a profile, as (key, reason); an unknown key is told before anything
    else wrong in the same mapping."""
    errors = error.errors(include_url=False)
    first = errors[0]
    loc = first["loc"]
    outer = [e for e in errors
             if e["type"] in _UNKNOWN and loc[:len(e["loc"]) - 1] == e["loc"][:-1]]
    if outer:
        depth = min(len(e["loc"]) for e in outer)
        first = min((e for e in outer if len(e["loc"]) == depth), key=lambda e: str(e["loc"][-1]))
    loc = tuple(part for part in first["loc"] if part != "[key]")
    if first["type"] == "profile":
        return _key(loc), first["msg"]
    if first["type"] in _UNKNOWN:
        return _key(loc), _unknown_key(loc[:-1])
    if first["type"] == "missing":
        return _key(loc), "is missing"
    shape = max((s for s in _SHAPES if len(s) <= len(loc) and all(
        p in ("*", part) for p, part in zip(s, loc))), key=len, default=None)
    if shape is None:
        return _key(loc), first["msg"]
    message = _SHAPES[shape]
    return _key(loc[:len(shape)]), message(first["input"]) if callable(message) else message


def _key(loc: tuple) -> str | None:
    """``rules[0].set.kind`` for the location ``("rules", 0, "set", "kind")``."""
    key = ""
    for position, part in enumerate(loc):
        if position == 1 and loc[0] in _LISTS and isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else str(part)
    return key or None


def _unknown_key(container: tuple) -> str:
    if not container:
        return f"unknown key (known keys: {', '.join(sorted(_ProfileSpec.model_fields))})"
    model = _NESTED[container[0]]
    known = [info.alias or name for name, info in model.model_fields.items()]
    return f"unknown key (known: {', '.join(known)})"


def _profile(spec: _ProfileSpec, default_name: str) -> Profile:
    """The :class:`Profile` a valid spec describes."""
    columns: dict[str, list[str]] = {}
    for header, canon in (spec.columns or {}).items():
        columns.setdefault(canon, []).append(str(header))
    separator = spec.list_separator
    return Profile(
        name=str(spec.name or default_name),
        kind=spec.kind,
        columns={k: tuple(v) for k, v in columns.items()},
        compose=dict(spec.compose or {}),
        date_formats=tuple(spec.date_formats),
        decimal_comma=spec.decimal_comma,
        delimiter="\t" if spec.delimiter in ("tab", "\\t") else spec.delimiter,
        encoding=spec.encoding,
        constants=dict(spec.constants or {}),
        values={column: {str(k).strip().casefold(): v for k, v in table.items()}
                for column, table in (spec.values or {}).items()},
        currency=_currency(spec.currency) if spec.currency is not None else None,
        scale={str(column): float(factor) for column, factor in (spec.scale or {}).items()},
        identifiers=tuple(IdentifierRule(tuple(r.sources), r.pattern, r.to)
                          for r in spec.identifiers),
        list_separator=re.compile("|".join(map(re.escape, separator))) if separator else None,
        first_value=tuple(spec.first_value),
        country_from=tuple(spec.country_from),
        rules=tuple(_rule(r) for r in spec.rules),
        optional=tuple(spec.optional),
        lenient=tuple(spec.lenient),
        description=spec.description,
    )


def _currency(spec: _CurrencySpec) -> dict[str, Any]:
    rates = {str(code).strip().upper(): float(rate) for code, rate in spec.rates.items()}
    return {"value": spec.value, "currency": spec.currency, "rates": rates, "target": spec.target}


def _rule(spec: _RuleSpec) -> Rule:
    conditions = tuple(
        (str(column), frozenset(w.casefold() for w in (wanted if isinstance(wanted, list)
                                                       else [wanted])))
        for column, wanted in spec.when.items())
    if spec.set is not None:
        return Rule(conditions, set=tuple(spec.set.items()))
    return Rule(conditions, reject=spec.reject)
