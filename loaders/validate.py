"""Check and normalise mapped rows column by column: canonical rows out, rejected rows aside.

Every check is a column operation; the normalisers of :mod:`loaders.normalize` run once
per distinct value of a column (names, countries and dates repeat heavily in trade data)
and their results are mapped back. A row that fails any check is rejected with all its
reasons, ``; ``-separated, e.g. ``unparseable date '31.02.2023' in column date``.

Bookkeeping: ``rows_read = rows_loaded + rows_rejected`` always. An exact duplicate of a
row loaded earlier in the same file (every cell equal, as the file wrote it after the
profile's mapping) counts as loaded and in ``rows_duplicate``, but is handed on only once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from loaders.columns import INPUT_TABLES, LINE_NUMBER, WATCHLIST_ENTITY_COLUMNS, InputTable
from loaders.mapping import add_reason, with_columns
from loaders.memo import memo_map, memo_map_missing
from loaders.read import row_keys

__all__ = [
    "Validator",
    "Checked",
    "DATE_COLUMNS",
    "COUNTRY_COLUMNS",
    "NUMBER_COLUMNS",
    "IDENTIFIER_COLUMNS",
    "NAME_COLUMNS",
    "KEY_COLUMNS",
    "MAX_KEY_CHARS",
    "OWNER_ROLES",
    "PERSONS",
    "TABLES",
    "tidy_frame",
]

DATE_COLUMNS = frozenset({
    "date", "incorporation_date", "dissolution_date", "start_date", "end_date", "listed_on",
})
COUNTRY_COLUMNS = frozenset({
    "exporter_country", "importer_country", "origin_country", "reporter", "country",
    "company_country", "officer_country",
})
NUMBER_COLUMNS = frozenset({"quantity", "net_weight_kg", "value_usd", "share_pct"})
NON_NEGATIVE = frozenset({"quantity", "net_weight_kg", "value_usd", "share_pct"})
IDENTIFIER_COLUMNS = frozenset({
    "exporter_id", "importer_id", "registration_number", "tax_id",
    "company_registration_number", "officer_id", "id",
})
NAME_COLUMNS = frozenset({"exporter_name", "importer_name", "name", "officer_name", "name_latin"})
# Cells that identify or match something: longer than MAX_KEY_CHARS, no real value is meant (a
# stray quote swallowed rows, or the text was built to slow matching down); such a row is
# rejected before any normaliser sees the cell
KEY_COLUMNS = NAME_COLUMNS | IDENTIFIER_COLUMNS | COUNTRY_COLUMNS | {
    "record_id", "hs_code", "company_name", "list", "program", "category"}
MAX_KEY_CHARS = 1_000
OWNER_ROLES = frozenset({"shareholder", "beneficial_owner", "owner", "participant", "member"})
_OFFICER_TYPES = {"person": "person", "individual": "person", "natural_person": "person",
                  "company": "company", "organization": "company", "legal_entity": "company",
                  "legalentity": "company", "organisation": "company"}
_ENTITY_KINDS = {"company": "Company", "organization": "Company", "organisation": "Company",
                 "legalentity": "Company", "legal_entity": "Company", "person": "Person",
                 "individual": "Person"}
# FtM rows name their company / listed entity by the FtM id, which stands in for these.
FTM_REF = {"officers": "company_ftm_id", "watchlist": "entity_ftm_id"}
# FtM Person entities that are no officer or listing of their own: people to keep as nodes.
PERSONS = InputTable(kind="persons", required=("name",), optional=("country", "aliases", "id"))
TABLES: dict[str, InputTable] = {**INPUT_TABLES, "persons": PERSONS}
_MAX_SHOWN = 80


@dataclass
class Checked:
    """One chunk, checked: the canonical rows to load, the rejected positions and why."""

    rows: pd.DataFrame
    rejected: np.ndarray  # bool per input row
    reasons: pd.Series  # per input row, "" where accepted
    duplicates: int = 0


@dataclass
class Validator:
    """Validates the chunks of one file, remembering what it saw to count duplicates.

    Parameters
    ----------
    kind : shipments, companies, officers, watchlist.
    source_name : the default of the ``source`` column (the file name).
    date_formats, decimal_comma : from the source profile.
    optional : required columns the source profile declares optional.
    lenient : optional columns whose unreadable values are dropped (text kept in
        ``<column>_text``) instead of rejecting the row.
    ftm : rows come from FollowTheMoney entities; their company / listed entity may be
        named by FtM id instead of registration number and country, and FtM companies need
        only a name (sanctions data often lacks the rest).
    """

    kind: str
    source_name: str = ""
    date_formats: Sequence[str] = ()
    decimal_comma: bool = False
    ftm: bool = False
    optional: Sequence[str] = ()
    lenient: Sequence[str] = ()
    _seen: "_SortedKeys" = field(default_factory=lambda: _SortedKeys())
    _record_ids: "_SortedKeys" = field(default_factory=lambda: _SortedKeys())

    def check(self, frame: pd.DataFrame, reasons: pd.Series | None = None,
              digests: np.ndarray | None = None) -> Checked:
        """Check a mapped chunk (text cells, ``""`` empty) and build its canonical rows.

        ``digests``: one per row, equal for rows whose cells are all equal (the reader's);
        without them the mapped cells are hashed here.
        """
        chunk = _Chunk(frame, reasons)
        table = TABLES[self.kind]
        columns = list(table.columns)
        if self.kind == "watchlist":
            columns += [c for c in WATCHLIST_ENTITY_COLUMNS if c not in columns]
        for name in columns:
            if name in KEY_COLUMNS:
                chunk.limit(name, MAX_KEY_CHARS)
        for name in columns:
            self._checker(name)(chunk, name, table)
        self._fill(chunk.out, columns)
        self._require(chunk, table)
        rows = chunk.rows()
        rejected = _given(chunk.reasons)
        good = rows[~rejected]
        if digests is None or len(digests) != len(frame):
            digests = _digests(frame.drop(columns=[LINE_NUMBER]))
        good, duplicates, reasons, rejected = self._dedupe(
            good, np.asarray(digests, dtype=np.uint64)[~rejected], chunk.reasons, rejected)
        return Checked(good.reset_index(drop=True), rejected, reasons, duplicates)

    # -- one check per value type: each puts the column's canonical values in chunk.out ------

    def _checker(self, name: str) -> Callable[[_Chunk, str, InputTable], None]:
        if name in DATE_COLUMNS:
            return self._date
        if name in COUNTRY_COLUMNS:
            return self._country
        if name in NUMBER_COLUMNS:
            return self._number
        if name == "hs_code":
            return self._hs_code
        if name in IDENTIFIER_COLUMNS:
            return self._identifier
        if name in NAME_COLUMNS:
            return self._name
        return {"role": self._role, "officer_type": self._officer_type,
                "entity_kind": self._entity_kind}.get(name, self._text)

    def _lenient(self, name: str, table: InputTable) -> bool:
        return name in self.lenient and name not in table.required

    def _date(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        from loaders.normalize import parse_date

        value, missing = memo_map_missing(chunk.text(name), parse_date, tuple(self.date_formats),
                                       key="parse_date")
        chunk.fail(chunk.given(name) & missing, name, "unparseable date '{}' in column " + name,
                   self._lenient(name, table))
        chunk.out[name] = value

    def _country(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        from loaders.normalize import normalize_country

        value, missing = memo_map_missing(chunk.text(name), normalize_country)
        chunk.fail(chunk.given(name) & missing, name, "unknown country '{}' in column " + name,
                   self._lenient(name, table))
        chunk.out[name] = value

    def _number(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        frame, raw, given = chunk.frame, chunk.text(name), chunk.given(name)
        if name not in frame.columns or frame[name].dtype == object:
            value = _amounts(raw, given, self.decimal_comma)
            chunk.fail(given & np.isnan(value), name, "unparseable number '{}' in column " + name)
        else:
            # already numeric: a profile converted it (currency); NaN there is not a failure
            value = frame[name].to_numpy(dtype=float)
        if name in NON_NEGATIVE:
            chunk.fail(np.nan_to_num(value, nan=0.0) < 0, name, "negative " + name + " '{}'")
        if name == "share_pct":
            chunk.fail(np.nan_to_num(value, nan=0.0) > 100, name, "share_pct '{}' above 100")
        chunk.out[name] = value

    def _hs_code(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        from loaders.normalize import hs6, normalize_hs

        value, missing = memo_map_missing(chunk.text(name), normalize_hs)
        chunk.fail(chunk.given(name) & missing, name, "invalid HS code '{}' in column hs_code")
        chunk.out[name] = value
        chunk.out["hs6"] = memo_map(pd.Series(value, index=chunk.index), hs6)

    def _identifier(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        from loaders.normalize import normalize_identifier

        raw = chunk.text(name)
        value, missing = memo_map_missing(raw, normalize_identifier)
        bad = chunk.given(name) & missing
        if name in table.required:
            chunk.fail(bad, name, "invalid identifier '{}' in column " + name)
        elif bad.any():
            # an optional identifier that is junk is dropped, its text kept beside it
            chunk.out[f"{name}_text"] = np.where(bad, raw, None)
        chunk.out[name] = value

    def _name(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        from loaders.normalize import clean_name

        value, missing = memo_map_missing(chunk.text(name), clean_name)
        chunk.fail(chunk.given(name) & missing, name, "no usable name '{}' in column " + name)
        chunk.out[name] = value

    def _role(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        chunk.out[name] = _as_key(chunk.text(name))

    def _officer_type(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        key = _as_key(chunk.text(name))
        value = np.array([_OFFICER_TYPES.get(k, k) if k else "person" for k in key], dtype=object)
        chunk.fail(chunk.given(name) & ~np.isin(value, ["person", "company"]), name,
                   "unknown officer_type '{}' (person or company)")
        chunk.out[name] = value

    def _entity_kind(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        key = _as_key(chunk.text(name))
        value = np.array([_ENTITY_KINDS.get(k, k) if k else "Company" for k in key], dtype=object)
        chunk.fail(chunk.given(name) & ~np.isin(value, ["Company", "Person"]), name,
                   "unknown entity_kind '{}' (company or person)")
        chunk.out[name] = value

    def _text(self, chunk: _Chunk, name: str, table: InputTable) -> None:
        chunk.out[name] = np.where(chunk.given(name), chunk.text(name).to_numpy(dtype=object), None)

    # -- across columns -----------------------------------------------------------------------

    def _fill(self, out: dict[str, Any], columns: list[str]) -> None:
        """The file name where a row names no source; a listed entity's id from its numbers."""
        if "source" in columns:
            out["source"] = np.where(pd.isna(out["source"]), self.source_name or None, out["source"])
        if self.kind == "watchlist":
            ident = out["id"]
            for fallback in ("registration_number", "tax_id"):
                ident = np.where(pd.isna(ident), out[fallback], ident)
            out["id"] = ident

    def _require(self, chunk: _Chunk, table: InputTable) -> None:
        """Required columns and one-of groups (FtM references stand in for the company /
        entity they name)."""
        ftm_ref = FTM_REF.get(self.kind) if self.ftm else None
        has_ref = chunk.given(ftm_ref) if ftm_ref else np.zeros(len(chunk.frame), bool)
        for name in table.required:
            if name in self.optional:
                continue
            if self.ftm and self.kind == "companies" and name != "name":
                continue
            if self.ftm and has_ref.any() and name in ("company_registration_number",
                                                       "company_country", "country"):
                missing = ~chunk.given(name) & ~has_ref
            else:
                missing = ~chunk.given(name)
            chunk.reject(missing, f"missing {name}")
        for group in table.one_of:
            if self.ftm and self.kind == "companies":
                continue
            present = np.zeros(len(chunk.frame), bool)
            for name in group:
                present |= chunk.given(name)
            if len(group) == 2:
                message = f"neither {group[0]} nor {group[1]} given"
            else:
                message = f"none of {', '.join(group)} given"
            chunk.reject(~present, message)

    def _dedupe(self, good: pd.DataFrame, keys: np.ndarray, reasons: pd.Series,
                rejected: np.ndarray):
        # duplicates are judged on the row's cells as the file has them (every cell equal)
        if good.empty:
            return good, 0, reasons, rejected
        keep = _first_in_chunk(keys) & ~self._seen.contains(keys)
        self._seen.add(keys[keep])
        duplicates = int((~keep).sum())
        good = good[keep]
        if self.kind == "shipments" and len(good):
            good, reasons, rejected = self._record_id_conflicts(good, reasons, rejected)
        return good, duplicates, reasons, rejected

    def _record_id_conflicts(self, good, reasons, rejected):
        # One record id on two different lines would become one Shipment node: the later
        # line is rejected instead of silently overwriting the first.
        ids = row_keys(map(str, good["record_id"].to_numpy(dtype=object)))
        lines = good[LINE_NUMBER].to_numpy().astype(np.int64)
        earlier = self._record_ids.lookup(ids)  # first line of an earlier chunk, or -1
        conflict = earlier >= 0
        first_line = np.where(conflict, earlier, 0)
        # within the chunk, every occurrence after the first conflicts with the first
        _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        first_pos = first[inverse]
        repeat = first_pos != np.arange(len(ids))
        within = repeat & ~conflict
        first_line[within] = lines[first_pos[within]]
        conflict |= repeat
        self._record_ids.add(ids[~conflict], lines[~conflict])
        if conflict.any():
            positions = good.index[conflict]
            message = pd.Series("", index=reasons.index, dtype=object)
            message[positions] = [
                f"record_id '{_shown(r)}' already used on line {line} with other values"
                for r, line in zip(good.loc[positions, "record_id"], first_line[conflict])
            ]
            mask = pd.Series(False, index=reasons.index)
            mask[positions] = True
            reasons = add_reason(reasons, mask, message)
            rejected = rejected | mask.to_numpy()
            good = good[~conflict]
        return good, reasons, rejected


class _Chunk:
    """One mapped chunk under check: its columns as text (told once each), which cells hold a
    value, the canonical values made so far (``out``, in column order) and the rows' reasons."""

    def __init__(self, frame: pd.DataFrame, reasons: pd.Series | None):
        self.frame = frame
        self.index = frame.index
        self.reasons = pd.Series("", index=self.index, dtype=object) if reasons is None else reasons
        self.out: dict[str, Any] = {}
        self._text: dict[str, pd.Series] = {}
        self._given: dict[str, np.ndarray] = {}

    def text(self, name: str) -> pd.Series:
        if name not in self._text:
            value = self.frame[name] if name in self.frame.columns else None
            if value is None:
                value = pd.Series("", index=self.index, dtype=object)
            elif value.dtype != object:
                value = value.astype(object).where(value.notna(), "")
            self._text[name] = value
        return self._text[name]

    def given(self, name: str) -> np.ndarray:
        if name not in self._given:
            self._given[name] = _given(self.text(name))
        return self._given[name]

    def fail(self, bad: np.ndarray, name: str, template: str, lenient: bool = False) -> None:
        """Reject the ``bad`` rows quoting their value in ``template`` (at its ``{}``), or,
        ``lenient``, keep the value's text aside in ``<name>_text`` instead."""
        if not bad.any():
            return
        raw = self.text(name)
        if lenient:
            self.out[f"{name}_text"] = np.where(bad, raw.to_numpy(dtype=object), None)
            return
        message = pd.Series("", index=self.index, dtype=object)
        before, after = template.split("{}")
        message[bad] = before + raw[bad].map(_shown) + after
        self.reject(bad, message)

    def limit(self, name: str, max_chars: int) -> None:
        """Reject the rows whose ``name`` cell is over ``max_chars`` characters, and blank the
        cell so no check of the column spends time on it."""
        text = self.text(name)
        lengths = text.str.len().to_numpy(dtype=float, na_value=0.0)
        bad = lengths > max_chars
        if not bad.any():
            return
        message = pd.Series("", index=self.index, dtype=object)
        message[bad] = [f"cell of {int(n):,} characters in column {name} (at most {max_chars:,})"
                        for n in lengths[bad]]
        self.reject(bad, message)
        self._text[name] = text.where(~bad, "")
        self._given.pop(name, None)

    def reject(self, bad: np.ndarray, message: str | pd.Series) -> None:
        self.reasons = add_reason(self.reasons, pd.Series(bad, index=self.index), message)

    def rows(self) -> pd.DataFrame:
        """The canonical columns, then the file's other columns (None where empty), then
        ``line_number``."""
        index = self.index
        rows = pd.DataFrame({k: pd.Series(v, index=index, dtype=float if
                                           np.asarray(v).dtype.kind == "f" else object)
                             for k, v in self.out.items()}, index=index)
        known = set(rows.columns)
        extra: dict[str, pd.Series] = {}
        for name in self.frame.columns:
            if name not in known and name != LINE_NUMBER:
                values = self.text(name).to_numpy(dtype=object).copy()
                values[~values.astype(bool)] = None
                extra[name] = pd.Series(values, index=index, dtype=object)
        extra[LINE_NUMBER] = pd.Series(self.frame[LINE_NUMBER].to_numpy(), index=index)
        return with_columns(rows, extra)


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as ``object`` with None for missing values (pandas would infer its
    string dtype and turn None into NaN); float columns keep NaN."""
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            values = column.to_numpy(dtype=object)
            missing = pd.isna(values)
            if missing.any():
                values = values.copy()
                values[missing] = None
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _amounts(raw: pd.Series, given: np.ndarray, decimal_comma: bool) -> np.ndarray:
    """parse_amount over a column, NaN where empty or junk.

    Most cells are plain numbers, which parse_amount reads with ``float()`` first; that
    same first step runs here for the whole column at once (``pd.to_numeric``), and only
    the cells it cannot read go to parse_amount. With a decimal comma every cell does.
    """
    from loaders.normalize import parse_amount

    value = np.full(len(raw), np.nan)
    todo = given
    if not decimal_comma:
        fast = pd.to_numeric(raw.where(given, None), errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(fast)
        value[ok] = fast[ok]
        todo = given & ~ok
    if todo.any():
        parsed = memo_map(raw[todo], parse_amount, decimal_comma, key="parse_amount")
        value[todo] = pd.array(parsed, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    return value


def _given(values: pd.Series) -> np.ndarray:
    """Which cells hold a value: truthiness of the text ("" and None are empty), in C."""
    return values.to_numpy(dtype=object).astype(bool)


def _as_key(raw: pd.Series) -> np.ndarray:
    keys = raw.str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return np.where(keys != "", keys, None)


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _digests(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit key per row of cells (for frames that come without the reader's)."""
    columns = [frame[c].to_numpy(dtype=object) for c in frame.columns]
    return row_keys("\x1f".join("" if v is None else str(v) for v in row)
                    for row in zip(*columns))


def _first_in_chunk(keys: np.ndarray) -> np.ndarray:
    """True at the first occurrence of each key."""
    first = np.zeros(len(keys), bool)
    if len(keys):
        first[np.unique(keys, return_index=True)[1]] = True
    return first


class _SortedKeys:
    """The row keys (:func:`~loaders.read.row_keys`) a file has shown so far, optionally with a number each
    (the line a record id was first used on).

    A Python set of ints costs ~60 bytes a row and a dict ~100; sorted numpy arrays cost 8
    bytes a key and 4 a number (8 past line 4,294,967,295), so remembering a million rows
    takes 8-12 MB. Chunks are merged in as they come (the chunk sorted, then inserted).
    """

    def __init__(self):
        self.keys = np.empty(0, dtype=np.uint64)
        self.values = np.empty(0, dtype=np.uint32)

    def _positions(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.searchsorted(self.keys, keys)
        found = np.zeros(len(keys), bool)
        inside = pos < len(self.keys)
        found[inside] = self.keys[pos[inside]] == keys[inside]
        return pos, found

    def contains(self, keys: np.ndarray) -> np.ndarray:
        return self._positions(keys)[1]

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 where the key is unknown."""
        pos, found = self._positions(keys)
        out = np.full(len(keys), -1, dtype=np.int64)
        out[found] = self.values[pos[found]]
        return out

    def add(self, keys: np.ndarray, values: np.ndarray | None = None) -> None:
        """Add keys not yet present (the caller makes sure of that), with their values."""
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        # insert the sorted newcomers in place: one copy of what is known, not a re-sort of
        # it at every chunk
        at = np.searchsorted(self.keys, keys)
        self.keys = np.insert(self.keys, at, keys)
        if values is not None:
            values = np.asarray(values)[order]
            if len(values) and values.max() > np.iinfo(self.values.dtype).max:
                self.values = self.values.astype(np.int64)
            self.values = np.insert(self.values, at, values.astype(self.values.dtype))
