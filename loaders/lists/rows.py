"""Canonical watchlist rows built by the list readers, and their hand-over as raw chunks.

Every reader of :mod:`loaders.lists` gives records (dicts of text, one per entry, with the
entry's line number and, for an entry that is not a company or a person, a ``reject_reason``);
:func:`raw_chunks` turns them into :class:`loaders.raw.RawChunk` s with the columns of
:data:`COLUMNS`, so the rest of the load (profile, validation, accounting) is the one of
every table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.lists.remarks import Identifier, date_from_identifier
from loaders.raw import CELL_SEP, RawChunk, row_keys

__all__ = ["COLUMNS", "raw_chunks", "add_identifiers"]

COLUMNS = [
    "name", "country", "list", "program", "listed_on", "category", "entity_kind", "aliases",
    "registration_number", "tax_id", "kpp", "okpo", "identifiers", "incorporation_date",
    "incorporation_date_source", "incorporation_date_conflict", "address", "linked_to",
    "source_entity_id",
]


def add_identifiers(record: dict, identifiers: Iterable[Identifier]) -> None:
    """Put typed identifiers into their columns (the first of each kind wins; all are listed
    in ``identifiers`` as ``SCHEME:value``), a country the entry lacks, and the registration
    date an identifier encodes where the list gives none (one that disagrees with the list's
    own date is kept aside in ``incorporation_date_conflict``)."""
    listed = []
    for ident in identifiers:
        listed.append(f"{ident.scheme}:{ident.value}" + (f"({ident.country})" if ident.country
                                                          else ""))
        if not record.get(ident.target):
            record[ident.target] = ident.value
        if ident.country and not record.get("country") and ident.target != "kpp":
            record["country"] = ident.country
        found = date_from_identifier(ident.scheme, ident.value,
                                     ident.country or record.get("country"))
        if found is None:
            continue
        date, source = found
        given = record.get("incorporation_date")
        if not given:
            record["incorporation_date"] = date.isoformat()
            record["incorporation_date_source"] = source
        elif given != date.isoformat() and record.get("incorporation_date_source") != source \
                and not (source == "ru_ogrn_year" and given[:4] == date.isoformat()[:4]):
            record["incorporation_date_conflict"] = f"{source}:{date.isoformat()}"
    if listed:
        record["identifiers"] = ";".join(dict.fromkeys(listed))


def _frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([[str(r.get(c) or "") for c in COLUMNS] for r in records],
                         columns=COLUMNS, dtype=object)
    frame[LINE_NUMBER] = pd.Series([int(r[LINE_NUMBER]) for r in records], dtype="int64")
    return frame


def raw_chunks(records: Iterable[dict], chunk_rows: int) -> Iterator[RawChunk]:
    """Records in chunks: rejected ones (with ``reject_reason``) as the chunk's broken rows."""
    batch: list[dict] = []
    for record in records:
        batch.append(record)
        if len(batch) >= chunk_rows:
            yield _chunk(batch)
            batch = []
    if batch:
        yield _chunk(batch)


def _chunk(batch: list[dict]) -> RawChunk:
    good = [r for r in batch if not r.get(REJECT_REASON)]
    bad = [r for r in batch if r.get(REJECT_REASON)]
    frame = _frame(good) if good else pd.DataFrame(
        {**{c: pd.Series(dtype=object) for c in COLUMNS},
         LINE_NUMBER: pd.Series(dtype="int64")})
    broken = _frame(bad) if bad else frame.iloc[0:0].copy()
    broken[REJECT_REASON] = pd.Series([r[REJECT_REASON] for r in bad], dtype=object)
    digests = row_keys(CELL_SEP.join(str(r.get(c) or "") for c in COLUMNS) for r in good)
    return RawChunk(frame, broken, digests)


def retype_identifiers(rows: pd.DataFrame) -> pd.DataFrame:
    """Watchlist rows whose ``tax_id`` / ``registration_number`` hold labels glued to the
    numbers (``7726700943KPP772601001``, ``TAXPAYERIDENTIFICATIONNUMBER1828020110``) split
    into their typed columns (:func:`loaders.lists.remarks.split_identifier_cell`); other rows
    are left as they are."""
    from loaders.lists.remarks import split_identifier_cell

    columns = [c for c in ("tax_id", "registration_number") if c in rows.columns]
    glued = [(i, c) for c in columns for i, v in enumerate(rows[c].to_numpy(dtype=object))
             if isinstance(v, str) and _GLUED.search(v)]
    if not glued:
        return rows
    rows = rows.copy()
    for target in ("tax_id", "registration_number", "kpp", "okpo"):
        if target not in rows.columns:
            rows[target] = pd.Series([None] * len(rows), index=rows.index, dtype=object)
    at = rows.columns.get_loc
    for i, column in glued:
        found = split_identifier_cell(rows.iat[i, at(column)], column)
        if not found:
            continue
        rows.iat[i, at(column)] = None
        for ident in found:
            current = rows.iat[i, at(ident.target)]
            if current is None or current == "" or pd.isna(current) or ident.target == column:
                rows.iat[i, at(ident.target)] = ident.value
    return rows


_GLUED = __import__("re").compile(
    r"\d{4,}(?:KPP|OKPO|OGRN|TAXID|INN|UNITED|[A-Z]{6,})|^(?:TAXPAYER|TAXID|INN|KPP|OGRN)")
