"""Apply a source profile to a raw chunk: the file's headers mapped onto the canonical columns.

The order is the profile's contract (see :mod:`loaders.profiles`): identifier patterns first
(they decide which cells are copied verbatim), then the column mapping and canonical headers,
composed columns, value translation, the country found in a text, first values, constants,
rules, and the currency conversion last. What the profile did not consume stays as extra
columns under the file's own header.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from loaders.columns import LINE_NUMBER, kind_columns
from loaders.read import canonical_header

if TYPE_CHECKING:
    from loaders.profiles import Profile

__all__ = ["apply_profile", "add_reason", "with_columns", "TEMPLATE_FIELD"]

# a header named inside a compose template: "{Номер декларации}/{№ товара}"
TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")
_PIECES = re.compile(r"[,()\[\]]")
_TAIL_WORDS = 4


def apply_profile(prof: Profile, raw: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, pd.Series]:
    """Map a raw chunk (file headers + line_number) to canonical columns + extras.

    Returns the mapped frame (text columns, ``""`` when empty; a currency target as float)
    and a Series of reject reasons (``""`` where the profile has no objection).
    """
    chunk = _Mapping(prof, raw, kind)
    chunk.take_columns(chunk.identifiers())
    chunk.compose()
    chunk.translate()
    chunk.country_from_text()
    chunk.first_values()
    chunk.constants()
    chunk.rules()
    chunk.currency()
    return chunk.frame(), chunk.reasons


def with_columns(frame: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """``frame`` with ``columns`` (name -> Series on its index, or array) added at its end,
    in place of any of its own of the same names: in one step, since a column at a time is
    quadratic in a wide file (thousands of unknown columns)."""
    if not columns:
        return frame
    return pd.concat([frame.drop(columns=list(columns), errors="ignore"),
                      pd.DataFrame(columns, index=frame.index)], axis=1)


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


class _Mapping:
    """One raw chunk being mapped: its headers by canonical form, the canonical columns made
    so far (``out``), the headers they used up, and the rows' reject reasons."""

    def __init__(self, prof: Profile, raw: pd.DataFrame, kind: str):
        self.prof = prof
        self.raw = raw
        self.headers = [c for c in raw.columns if c != LINE_NUMBER]
        self.by_key = {canonical_header(h): h for h in self.headers}
        self.index = raw.index
        self.empty = pd.Series("", index=self.index, dtype=object)
        self.reasons = self.empty.copy()
        self.canon = set(kind_columns(kind))
        self.out: dict[str, pd.Series] = {}
        self.consumed: set[str] = set()
        self.matched_in: dict[str, pd.Series] = {}  # header -> cells an identifier matched in

    def source(self, name: str) -> pd.Series | None:
        """The file's column under ``name`` (matched as a header), or None."""
        header = self.by_key.get(canonical_header(name))
        return None if header is None else _text(self.raw[header])

    def value(self, name: str) -> pd.Series | None:
        """A canonical column made so far, else the file's column of that name."""
        text = self.out.get(name)
        return self.source(name) if text is None else text

    def identifiers(self) -> dict[str, pd.Series]:
        """What the identifier patterns found, per target column (None where nothing)."""
        found: dict[str, pd.Series] = {}
        for rule in self.prof.identifiers:
            for name in rule.sources:
                text = self.source(name)
                if text is None:
                    continue
                hit = text.str.extract(rule.pattern, expand=True)[0]
                hit = hit.where(hit.notna(), None)
                header = self.by_key[canonical_header(name)]
                before = self.matched_in.get(header, pd.Series(False, index=self.index))
                self.matched_in[header] = before | hit.notna()
                current = found.get(rule.target)
                found[rule.target] = hit if current is None else current.where(current.notna(), hit)
        return found

    def _verbatim(self, header: str) -> pd.Series:
        # a cell in which an identifier pattern matched is not copied as it is
        text = _text(self.raw[header])
        if header in self.matched_in:
            text = text.where(~self.matched_in[header], "")
        return text

    def take_columns(self, found: dict[str, pd.Series]) -> None:
        """The profile's ``columns`` (first non-empty header wins), the canonical headers it
        does not map, and the identifiers found over them."""
        for target, sources in self.prof.columns.items():
            value = None
            for name in sources:
                header = self.by_key.get(canonical_header(name))
                if header is None:
                    continue
                self.consumed.add(header)
                text = self._verbatim(header)
                value = text if value is None else value.where(value != "", text)
            if value is not None:
                self.out[target] = value
        # canonical headers the profile does not map are taken as they are
        for key, header in self.by_key.items():
            if key in self.canon and key not in self.out and header not in self.consumed:
                self.out[key] = self._verbatim(header)
                self.consumed.add(header)
        for target, hits in found.items():
            base = self.out.get(target, self.empty)
            self.out[target] = pd.Series(np.where(hits.notna(), hits, base), index=self.index,
                                         dtype=object)

    def compose(self) -> None:
        for target, template in self.prof.compose.items():
            fields = TEMPLATE_FIELD.findall(template)
            if all(canonical_header(f) in self.by_key for f in fields):
                self.out[target] = _compose(template, self.source, self.index)
                self.consumed.update(self.by_key[canonical_header(f)] for f in fields)

    def translate(self) -> None:
        for column, table in self.prof.values.items():
            if column in self.out:
                self.out[column] = _translate(self.out[column], table)

    def country_from_text(self) -> None:
        prof = self.prof
        if not prof.country_from:
            return
        country = self.out.get("country", self.empty)
        missing = country == ""
        if not missing.any():
            return
        derived = pd.Series(None, index=self.index, dtype=object)
        for name in prof.country_from:
            text = self.value(name)
            if text is None:
                continue
            need = missing & derived.isna() & (text != "")
            if need.any():
                derived[need] = _country_in_text(
                    text[need], prof.list_separator, prof.values.get("country", {}))
        self.out["country"] = country.where(~missing | derived.isna(), derived).fillna("")

    def first_values(self) -> None:
        separator = self.prof.list_separator
        if not separator:
            return
        for column in self.prof.first_value:
            if column in self.out:
                self.out[column] = self.out[column].str.split(separator, n=1).str[0].str.strip()

    def constants(self) -> None:
        for column, value in self.prof.constants.items():
            base = self.out.get(column, self.empty)
            self.out[column] = base.where(base != "", value)

    def rules(self) -> None:
        for rule in self.prof.rules:
            mask = pd.Series(True, index=self.index)
            for column, wanted in rule.when:
                text = self.value(column)
                if text is None:
                    mask &= False
                    break
                mask &= text.str.casefold().isin(wanted)
            if not mask.any():
                continue
            if rule.reject:
                self.reasons = add_reason(self.reasons, mask, rule.reject)
            for column, value in rule.set:
                base = self.out.get(column, self.empty)
                self.out[column] = base.where(~mask, value)

    def currency(self) -> None:
        if self.prof.currency:
            self.out, self.reasons = _convert_currency(
                self.prof, self.out, self.source, self.reasons, self.index)

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.out, index=self.index)
        # everything the profile did not consume stays, under its own header, as extra
        # properties
        extra: dict[str, pd.Series] = {}
        for header in self.headers:
            if header not in self.consumed and header not in frame.columns:
                key = canonical_header(header)
                name = header if key not in self.canon else f"source_{header}"
                extra[name] = _text(self.raw[header])
        extra[LINE_NUMBER] = self.raw[LINE_NUMBER]
        return with_columns(frame, extra)


def _text(series: pd.Series) -> pd.Series:
    """A column as text with ``""`` for missing values (the readers hand over trimmed text)."""
    if series.dtype == object:
        return series
    series = series.astype(object)
    return series.where(series.notna(), "")


def _compose(template: str, source, index) -> pd.Series:
    parts = TEMPLATE_FIELD.split(template)
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
        given = existing.map({u: parse_amount(u, decimal_comma=prof.decimal_comma)
                              for u in existing.unique()})
        converted = given.astype(float).where(existing != "", converted)
    out[target] = converted
    return out, reasons
