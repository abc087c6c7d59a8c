"""The loaders' public entry point: files in, canonical chunks and resolved frames out.

The graph writer drives it chunk by chunk, so memory stays flat whatever the file size::

    loads = plan_load(paths, kind=None, profile=None, report_path=None)   # opens, orders
    resolution = Resolution()                 # one Resolver for the whole load
    for load in loads:                        # companies, ftm, officers, watchlist, shipments
        for chunk in load.chunks():           # rejects stream to load.rejects_path
            frames = resolution.to_resolved(chunk)   # keys among RESOLVED
            ...write frames...
        report.append(load_report_entry(load))
    ...write resolution.finish()...           # SAME_AS_CANDIDATE pairs

Counting (per file): ``rows_read = rows_loaded + rows_rejected`` always. A row is read when
the reader hands it over (blank lines and rows whose cells are all empty are not rows). An
exact duplicate of an earlier row of the same file counts as loaded and in
``rows_duplicate``; it is handed on once, so the rows handed on are
``rows_loaded - rows_duplicate``.

Rejects: rows that fail are written, as the chunks go, to ``rejects_path``: the original
columns as the file had them, ``line_number`` and ``reject_reason``. With a report file
the rejects go beside it as ``<input stem>.rejects.csv``; without one, into the current
directory under that name (:func:`rejects_path_for`). No rejects, no file
(``rejects_path`` in the report is then null).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from loaders import LoaderError
from loaders.columns import INPUT_TABLES, LINE_NUMBER, REJECT_REASON, RESOLVED
from loaders.profiles import Profile, WATCHLIST_ENTITY_COLUMNS, load_profile
from loaders.read import (
    DEFAULT_CHUNK_ROWS,
    TableSource,
    UnknownKind,
    detect_kind,
    open_table,
)
from loaders.validate import OWNER_ROLES, Validator, memo_map, tidy_frame

__all__ = [
    "CanonicalChunk",
    "FileLoad",
    "Resolution",
    "read_file",
    "plan_load",
    "order_for_load",
    "rejects_path_for",
    "load_report_entry",
    "KINDS",
    "LOAD_ORDER",
]

KINDS = ("shipments", "companies", "officers", "watchlist", "ftm")
# Registry companies first, so trade parties and listings resolve onto them; FtM files
# carry their own companies and relations; officers before listings; trade last.
LOAD_ORDER = {"companies": 0, "ftm": 1, "officers": 2, "watchlist": 3, "shipments": 4}
_FOUNDER_ROLES = frozenset({"founder", "co_founder", "учредитель"})


@dataclass
class CanonicalChunk:
    """Up to ``chunk_rows`` rows of one file, checked.

    ``rows``: canonical columns of ``kind`` (normalised: ISO countries, ``datetime.date``
    dates, float numbers, HS digits + ``hs6``, None where empty), any extra columns of the
    file, and ``line_number``. ``rejects``: the file's own columns, ``line_number`` and
    ``reject_reason``. ``kind`` is an input kind, or ``persons`` for FtM Person entities.
    """

    kind: str
    rows: pd.DataFrame
    rejects: pd.DataFrame
    source_name: str = ""


class FileLoad:
    """One input file being loaded: what it is, its counters, and its chunks (one pass).

    Attributes
    ----------
    path, kind, profile : the file, its kind (``ftm`` for FollowTheMoney files), the profile.
    sha256 : of the file's bytes; known once :meth:`chunks` has run to the end.
    rows_read, rows_loaded, rows_rejected, rows_duplicate : filled as chunks are consumed.
    rejects_path : where rejects are written (None: kept only in the chunks).
    """

    def __init__(self, source: TableSource, kind: str, profile: Profile, chunk_rows: int,
                 rejects_path: Path | None = None, display_path: str | None = None):
        self.source = source
        self.path = source.path
        self.display_path = display_path or str(source.path)
        self.kind = kind
        self.profile = profile
        self.chunk_rows = chunk_rows
        self.rejects_path = Path(rejects_path) if rejects_path else None
        self.rows_read = 0
        self.rows_loaded = 0
        self.rows_rejected = 0
        self.rows_duplicate = 0
        self.rejects_written = False
        self.finished = False
        self._started = False

    @property
    def sha256(self) -> str | None:
        return self.source.sha256

    @property
    def source_name(self) -> str:
        return self.path.name

    def __repr__(self) -> str:
        return (f"FileLoad({self.display_path!r}, kind={self.kind!r}, read={self.rows_read}, "
                f"loaded={self.rows_loaded}, rejected={self.rows_rejected})")

    def chunks(self) -> Iterator[CanonicalChunk]:
        """Stream the file as checked chunks; rejects go to ``rejects_path`` as they come."""
        if self._started:
            raise LoaderError(f"{self.display_path}: chunks() can be consumed only once")
        self._started = True
        if self.rejects_path and self.rejects_path.exists():
            self.rejects_path.unlink()  # a previous run's rejects would mislead
        if self.kind == "ftm":
            yield from self._ftm_chunks()
        else:
            yield from self._table_chunks()
        self.finished = True

    def _table_chunks(self) -> Iterator[CanonicalChunk]:
        prof = self.profile
        validator = Validator(
            self.kind, source_name=self.source_name, date_formats=prof.date_formats,
            decimal_comma=prof.decimal_comma, optional=prof.optional, lenient=prof.lenient,
        )
        for raw in self.source.chunks(self.chunk_rows):
            mapped, reasons = prof.apply(raw.frame, self.kind)
            checked = validator.check(mapped, reasons, raw.digests)
            rejects = raw.frame[checked.rejected].copy()
            rejects[REJECT_REASON] = checked.reasons[checked.rejected].to_numpy()
            if len(raw.broken):
                rejects = pd.concat([rejects, raw.broken], ignore_index=True)
                rejects = rejects.sort_values(LINE_NUMBER, kind="stable")
            rejects = rejects.reset_index(drop=True)
            n_rejected = int(checked.rejected.sum()) + len(raw.broken)
            self._count(len(raw), len(raw.frame) - int(checked.rejected.sum()), n_rejected,
                        checked.duplicates)
            self._write_rejects(rejects)
            chunk = CanonicalChunk(self.kind, checked.rows, rejects, self.source_name)
            del mapped, reasons, checked, rejects
            yield chunk
            # dropped before the next chunk is read, so that one chunk at a time is held
            del chunk, raw

    def _ftm_chunks(self) -> Iterator[CanonicalChunk]:
        from loaders.ftm import FTM_DATE_FORMATS, ftm_chunks

        validators: dict[str, Validator] = {}
        for part in ftm_chunks(self.source, self.chunk_rows):
            validator = validators.get(part.kind)
            if validator is None:
                validator = validators[part.kind] = Validator(
                    part.kind, source_name=self.source_name, date_formats=FTM_DATE_FORMATS,
                    ftm=True,
                )
            if len(part.frame):
                checked = validator.check(part.frame)
                bad = part.frame[checked.rejected]
                invalid = pd.DataFrame({
                    "id": bad["ftm_id"] if "ftm_id" in bad else "",
                    "schema": bad["schema"] if "schema" in bad else part.kind,
                    "entity": "",
                    LINE_NUMBER: bad[LINE_NUMBER],
                    REJECT_REASON: checked.reasons[checked.rejected],
                })
                rows, n_bad, dups = checked.rows, int(checked.rejected.sum()), checked.duplicates
            else:
                invalid, rows, n_bad, dups = None, part.frame, 0, 0
            rejects = part.rejects if invalid is None or invalid.empty else pd.concat(
                [part.rejects, invalid], ignore_index=True).sort_values(LINE_NUMBER)
            rejects = rejects.reset_index(drop=True)
            self._count(len(part.frame) + len(part.rejects) + part.absorbed,
                        len(part.frame) - n_bad + part.absorbed, len(part.rejects) + n_bad, dups)
            self._write_rejects(rejects)
            yield CanonicalChunk(part.kind, rows, rejects, self.source_name)

    def _count(self, read: int, loaded: int, rejected: int, duplicates: int) -> None:
        self.rows_read += read
        self.rows_loaded += loaded
        self.rows_rejected += rejected
        self.rows_duplicate += duplicates
        assert self.rows_read == self.rows_loaded + self.rows_rejected

    def _write_rejects(self, rejects: pd.DataFrame) -> None:
        if self.rejects_path is None or rejects.empty:
            return
        self.rejects_path.parent.mkdir(parents=True, exist_ok=True)
        rejects.to_csv(self.rejects_path, mode="a" if self.rejects_written else "w",
                       header=not self.rejects_written, index=False, encoding="utf-8")
        self.rejects_written = True


def read_file(
    path: str | os.PathLike,
    kind: str | None = None,
    profile: str | os.PathLike | Profile | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    rejects_path: str | os.PathLike | None = None,
) -> FileLoad:
    """Open one input file and say what it is; its rows stream from ``FileLoad.chunks()``.

    Parameters
    ----------
    path : CSV (``, ; tab |``; UTF-8, UTF-8 BOM, cp1251; optionally ``.gz``), ``.xlsx``,
        Parquet, or FollowTheMoney JSON lines.
    kind : shipments, companies, officers, watchlist or ftm; recognised from the columns
        (after the profile's mapping) when None.
    profile : a packaged profile name (``eu-sanctions``, ``ru-customs``), a YAML path, a
        :class:`Profile`, or None for the canonical layout.
    chunk_rows : rows per chunk.
    rejects_path : where to write rejected rows (see :func:`rejects_path_for`); None keeps
        them in the chunks only.

    Raises
    ------
    loaders.read.UnreadableFile, loaders.read.UnknownKind, loaders.profiles.ProfileError
        One line naming the file (or profile) and the reason.
    """
    if kind is not None and kind not in KINDS:
        raise LoaderError(f"{path}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if chunk_rows < 1:
        raise LoaderError(f"chunk_rows must be at least 1, not {chunk_rows}")
    prof = load_profile(profile)
    source = open_table(
        path, format="ftm" if kind == "ftm" else None,
        delimiter=prof.delimiter, encoding=prof.encoding,
    )
    if source.format == "ftm":
        if kind not in (None, "ftm"):
            raise UnknownKind(path, f"a FollowTheMoney entity file, not a {kind} table")
        return FileLoad(source, "ftm", prof, chunk_rows, rejects_path, str(path))
    if kind is not None and prof.kind is not None and kind != prof.kind:
        raise UnknownKind(path, f"the profile {prof.name} is for {prof.kind}, not {kind}")
    columns = prof.output_columns(source.columns)
    kind = kind or prof.kind or detect_kind(columns, path)
    _check_columns(path, kind, columns, prof)
    return FileLoad(source, kind, prof, chunk_rows, rejects_path, str(path))


def _check_columns(path, kind: str, columns: set[str], prof: Profile) -> None:
    """A file without a required column cannot load a single row: say so up front."""
    table = INPUT_TABLES[kind]
    missing = [c for c in table.required if c not in columns and c not in prof.optional]
    missing += [" or ".join(g) for g in table.one_of if not columns.intersection(g)]
    if missing:
        hint = "" if prof.name != "canonical" else "; map them with --profile"
        raise UnknownKind(path, f"not a {kind} file: no column for {', '.join(missing)}{hint}")


def rejects_path_for(input_path: str | os.PathLike, report_path: str | os.PathLike | None = None
                     ) -> Path:
    """``<stem>.rejects.csv`` beside the report, or in the current directory without one.

    >>> str(rejects_path_for("data/shipments.csv.gz", "out/report.json"))
    'out/shipments.rejects.csv'
    """
    name = Path(input_path).name
    for suffix in (".gz",):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    stem = Path(name).stem or name
    folder = Path(report_path).parent if report_path else Path.cwd()
    return folder / f"{stem}.rejects.csv"


def order_for_load(loads: Iterable[FileLoad]) -> list[FileLoad]:
    """Files in loading order: companies, ftm, officers, watchlist, shipments (stable)."""
    return sorted(loads, key=lambda load: LOAD_ORDER.get(load.kind, len(LOAD_ORDER)))


def plan_load(
    paths: Sequence[str | os.PathLike],
    kind: str | None = None,
    profile: str | os.PathLike | Profile | None = None,
    report_path: str | os.PathLike | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> list[FileLoad]:
    """Open every file (so an unreadable one stops the load before anything is written),
    give each its rejects path (two inputs with one stem get ``-2``, ``-3``...), and put
    them in loading order."""
    prof = load_profile(profile)
    loads = []
    taken: set[Path] = set()
    for path in paths:
        target = rejects_path_for(path, report_path)
        n = 2
        while target in taken:
            target = target.with_name(target.name.replace(".rejects.csv", f"-{n}.rejects.csv"))
            n += 1
        taken.add(target)
        loads.append(read_file(path, kind=kind, profile=prof, chunk_rows=chunk_rows,
                               rejects_path=target))
    return order_for_load(loads)


def load_report_entry(file_load: FileLoad) -> dict[str, Any]:
    """The load report's entry for one file (CONTRACT.md), with a few extra keys."""
    return {
        "path": file_load.display_path,
        "kind": file_load.kind,
        "rows_read": file_load.rows_read,
        "rows_loaded": file_load.rows_loaded,
        "rows_rejected": file_load.rows_rejected,
        "rows_duplicate": file_load.rows_duplicate,
        "rejects_path": str(file_load.rejects_path) if file_load.rejects_written else None,
        "profile": file_load.profile.name,
        "sha256": file_load.sha256,
    }


# ---------------------------------------------------------------------------------------------
# resolution


def _none(values: Any) -> np.ndarray:
    """An object array with None for every missing value (NaN, NaT, None)."""
    array = np.asarray(values, dtype=object)
    missing = pd.isna(array)
    if missing.any():
        array = array.copy()
        array[missing] = None
    return array


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A canonical column as an object array (canonical rows hold None where empty)."""
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)


def _set(frame: pd.DataFrame, name: str, values: Any) -> None:
    """Assign a text column keeping ``object`` dtype and None (see :func:`_frame`)."""
    frame[name] = pd.Series(_objects(values, len(frame)), index=frame.index, dtype=object)


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    """A frame whose text columns stay ``object`` with None (pandas would infer its string
    dtype and turn None into NaN); float and bool arrays keep their dtype, scalars repeat."""
    n = max((len(v) for v in columns.values() if isinstance(v, (list, np.ndarray, pd.Series))),
            default=0)
    out = {}
    for name, values in columns.items():
        if isinstance(values, (np.ndarray, pd.Series)) and values.dtype.kind in "fbi":
            out[name] = pd.Series(np.asarray(values), dtype=values.dtype)
            continue
        out[name] = pd.Series(_objects(values, n), dtype=object)
    return pd.DataFrame(out)


def _objects(values: Any, n: int) -> np.ndarray:
    """An object array of ``n`` items: the values one by one (lists stay lists), or a scalar."""
    array = np.empty(n, dtype=object)
    if isinstance(values, (list, tuple)):
        for i, value in enumerate(values):
            array[i] = value
    elif isinstance(values, (np.ndarray, pd.Series)):
        array[:] = np.asarray(values, dtype=object)
    else:
        array[:] = values
    return array


class Resolution:
    """Turns canonical chunks into RESOLVED frames, with one Resolver for the whole load.

    Ids
    ---
    Companies (registry rows): :meth:`Resolver.add_company` — (country, registration
    number) > (country, tax id) > name key; a registry row whose country is unknown gets
    :func:`company_id` without a country. Trade parties, corporate officers and listed
    companies without an identifier: :meth:`Resolver.resolve_company`, so a registry
    company loaded earlier in the same load is joined. Listed companies with an identifier
    are added like registry companies (the list describes them). Persons:
    :meth:`Resolver.resolve_person`: the officer's own id, else the name (with or without
    patronymic) within the country; an officer without
    ``officer_country`` takes the company's country (directors mostly live where their
    company is registered; a foreign nominee without a stated country may then split from
    his other boards, which is the safer error). Trade parties' identifiers are kept as
    ``tax_id`` (INN / BIN / VAT numbers are what customs records carry). Shipment ids are
    :func:`shipment_id` of (record id, source), the source defaulting to the file name.

    Officers: ``rel`` is ``OWNS`` for the roles shareholder, beneficial_owner, owner,
    participant and member, and for a founder with a ``share_pct`` (a founder of a Russian
    or Central Asian LLC holds its shares); every other role is ``OFFICER_OF``. An officer
    of type company is resolved like a trade party, in the officer's country.

    Frames carry only what a row knows (None elsewhere, which the writer must not write
    over existing values); a company or person already sent in this load is sent again only
    when new name variants appeared, with its ``names`` so far.
    """

    def __init__(self, resolver=None):
        from loaders.resolve import Resolver

        self.resolver = resolver if resolver is not None else Resolver()
        self._names: dict[str, set[str]] = {}  # entity id -> names already sent
        self._addresses: set[str] = set()
        self._ftm: dict[str, str] = {}  # FtM id -> entity id

    def to_resolved(self, chunk: CanonicalChunk) -> dict[str, pd.DataFrame]:
        """RESOLVED frames (plus extra columns and ``line_number``) for one chunk."""
        rows = chunk.rows
        if rows.empty:
            return {}
        handler = {
            "companies": self._companies, "officers": self._officers,
            "watchlist": self._watchlist, "shipments": self._shipments,
            "persons": self._persons,
        }.get(chunk.kind)
        if handler is None:
            raise LoaderError(f"no resolution for chunks of kind {chunk.kind!r}")
        frames = handler(rows.reset_index(drop=True))
        return {k: _complete(k, v) for k, v in frames.items() if v is not None and len(v)}

    def finish(self) -> dict[str, pd.DataFrame]:
        """What only the whole load knows: the SAME_AS_CANDIDATE pairs."""
        return {"candidates": self.resolver.candidates()}

    # -- shared helpers -----------------------------------------------------------------------

    def _new_names(self, entity_id: str, names: Iterable[str | None]) -> list[str] | None:
        """All names of an entity if some are new to this load, else None."""
        sent = self._names.get(entity_id)
        fresh = [n for n in names if n]
        if sent is not None and sent.issuperset(fresh):
            return None
        if sent is None:
            sent = self._names[entity_id] = set()
        sent.update(fresh)
        return sorted(sent)

    def _address_frame(self, text: np.ndarray, country: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
        from loaders.resolve import address_id

        pairs = pd.Series([f"{t}\x1f{c or ''}" if t else None for t, c in zip(text, country)],
                          dtype=object)
        ids = memo_map(pairs, lambda p: address_id(*p.split("\x1f")) if p else None,
                       key="address_id")
        new = []
        for i, aid in enumerate(ids):
            if aid and aid not in self._addresses:
                self._addresses.add(aid)
                new.append((aid, text[i], country[i]))
        return ids, tidy_frame(pd.DataFrame(new, columns=list(RESOLVED["addresses"])))

    @staticmethod
    def _extras(rows: pd.DataFrame, used: Iterable[str]) -> pd.DataFrame:
        used = set(used) | {LINE_NUMBER}
        return rows[[c for c in rows.columns if c not in used]]

    def _company_rows(self, rows: pd.DataFrame, ids: np.ndarray, names: list[list[str]],
                      from_registry: bool, extras: pd.DataFrame | None) -> pd.DataFrame:
        from loaders.normalize import legal_form, name_key

        country = _col(rows, "country")
        out = _frame({
            "entity_id": ids,
            "name": _col(rows, "name"),
            "names": names,
            "country": country,
            "registration_number": _col(rows, "registration_number"),
            "tax_id": _col(rows, "tax_id"),
            "incorporation_date": _col(rows, "incorporation_date"),
            "dissolution_date": _col(rows, "dissolution_date"),
            "status": _col(rows, "status"),
            "address_id": None,
            "legal_form": _col(rows, "legal_form"),
            "activity_code": _col(rows, "activity_code"),
        })
        forms = memo_map(pd.Series(out["name"], dtype=object), legal_form)
        _set(out, "legal_form", np.where(pd.isna(out["legal_form"]), forms, out["legal_form"]))
        _set(out, "name_key", memo_map(pd.Series(out["name"], dtype=object), name_key))
        out["from_registry"] = from_registry
        if extras is not None and not extras.empty:
            for name in extras.columns:
                if name not in out.columns:
                    _set(out, name, _none(extras[name].to_numpy(dtype=object)))
        out[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        for i, eid in enumerate(ids):
            self._new_names(eid, names[i])
        return out

    def _with_addresses(self, out: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
        address_ids, addresses = self._address_frame(_col(rows, "address"), _col(rows, "country"))
        _set(out, "address_id", address_ids)
        return addresses

    # -- kinds --------------------------------------------------------------------------------

    def _companies(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        ids = self.resolver.add_companies(rows).to_numpy(dtype=object)
        ids = self._fallback_ids(rows, ids)
        if "ftm_id" in rows.columns:
            self._remember_ftm(rows["ftm_id"], ids)
        names = _name_lists(rows)
        used = set(INPUT_TABLES["companies"].columns) | {"ftm_id", "schema"}
        out = self._company_rows(rows, ids, names, True, self._extras(rows, used))
        addresses = self._with_addresses(out, rows)
        keep = pd.notna(out["entity_id"])
        return {"addresses": addresses, "companies": out[keep]}

    def _fallback_ids(self, rows: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
        from loaders.resolve import company_id

        missing = pd.isna(ids)
        if missing.any():
            country, reg, tax, name = (_col(rows, c) for c in
                                       ("country", "registration_number", "tax_id", "name"))
            ids = ids.copy()
            for i in np.flatnonzero(missing):
                ids[i] = company_id(country[i], reg[i], tax[i], name[i])
        return ids

    def _remember_ftm(self, ftm_ids: pd.Series, ids: Iterable[str | None]) -> None:
        for ftm_id, eid in zip(ftm_ids, ids):
            if ftm_id and eid:
                self._ftm[str(ftm_id)] = eid

    def _persons(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        from loaders.resolve import person_id

        name, country, ident = _col(rows, "name"), _col(rows, "country"), _col(rows, "id")
        ids = np.array([self.resolver.resolve_person(n, c, i)
                        for n, c, i in zip(name, country, ident)], dtype=object)
        if "ftm_id" in rows.columns:
            self._remember_ftm(rows["ftm_id"], ids)
        names = _name_lists(rows)
        used = {"name", "country", "aliases", "id", "ftm_id", "schema"}
        persons = self._person_rows(ids, name, names, country, rows[LINE_NUMBER].to_numpy(),
                                    self._extras(rows, used))
        return {"persons": persons}

    def _person_rows(self, ids, name, names, country, lines, extras=None) -> pd.DataFrame:
        from loaders.normalize import person_key

        out = _frame({"entity_id": ids, "name": name, "names": names, "country": country})
        _set(out, "name_key", memo_map(pd.Series(name, dtype=object), person_key))
        if extras is not None:
            for column in extras.columns:
                if column not in out.columns:
                    _set(out, column, _none(extras[column].to_numpy(dtype=object)))
        out[LINE_NUMBER] = lines
        # a person already sent goes again only with new spellings, carrying all of them
        updated = [self._new_names(eid, n) if eid else None for eid, n in zip(ids, names)]
        _set(out, "names", updated)
        keep = np.array([u is not None for u in updated], dtype=bool)
        return out[keep]

    def _officers(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        from loaders.resolve import company_id, person_id

        n = len(rows)
        company_country = _col(rows, "company_country")
        company_reg = _col(rows, "company_registration_number")
        company_ref = _col(rows, "company_ftm_id")
        company_ids = np.empty(n, dtype=object)
        memo: dict[tuple, str | None] = {}
        for i in range(n):
            key = (company_country[i], company_reg[i], company_ref[i])
            if key not in memo:
                eid = self._ftm.get(company_ref[i]) if company_ref[i] else None
                if eid is None and company_reg[i]:
                    eid = self.resolver.resolve_company(None, company_country[i], company_reg[i])
                    eid = eid or company_id(company_country[i], company_reg[i])
                memo[key] = eid
            company_ids[i] = memo[key]

        name = _col(rows, "officer_name")
        otype = _col(rows, "officer_type")
        oid = _col(rows, "officer_id")
        ocountry = _col(rows, "officer_country")
        country = np.where(pd.isna(ocountry), company_country, ocountry)
        oref = _col(rows, "officer_ftm_id")
        is_company = otype == "company"
        officer_ids = np.empty(n, dtype=object)
        memo = {}
        for i in range(n):
            key = (name[i], country[i], oid[i], bool(is_company[i]), oref[i])
            if key not in memo:
                eid = self._ftm.get(oref[i]) if oref[i] else None
                if eid is None and is_company[i]:
                    eid = self.resolver.resolve_company(name[i], country[i], oid[i])
                    eid = eid or company_id(country[i], oid[i], name=name[i])
                elif eid is None:
                    eid = self.resolver.resolve_person(name[i], country[i], oid[i])
                memo[key] = eid
            officer_ids[i] = memo[key]

        role = _col(rows, "role")
        share = rows["share_pct"].to_numpy(dtype=float) if "share_pct" in rows else np.full(n, np.nan)
        owns = np.isin(role, list(OWNER_ROLES)) | (np.isin(role, list(_FOUNDER_ROLES)) & ~np.isnan(share))
        officers = _frame({
            "officer_entity_id": officer_ids,
            "officer_kind": np.where(is_company, "Company", "Person"),
            "company_entity_id": company_ids,
            "rel": np.where(owns, "OWNS", "OFFICER_OF"),
            "role": role,
            "share_pct": _none(np.where(np.isnan(share), None, share)),
            "start_date": _col(rows, "start_date"),
            "end_date": _col(rows, "end_date"),
        })
        used = set(INPUT_TABLES["officers"].columns) | {"officer_ftm_id", "company_ftm_id", "ftm_id"}
        extras = self._extras(rows, used)
        for column in extras.columns:
            if column not in officers.columns:
                _set(officers, column, _none(extras[column].to_numpy(dtype=object)))
        officers[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        officers = officers[pd.notna(officers["officer_entity_id"]) & pd.notna(officers["company_entity_id"])]

        # the nodes the relationships need: companies seen first here, persons, corporate officers
        stubs = []
        lines = rows[LINE_NUMBER].to_numpy()
        for i in range(n):
            eid = company_ids[i]
            if eid and eid not in self._names:
                self._names[eid] = set()
                stubs.append({"entity_id": eid, "country": company_country[i],
                              "registration_number": company_reg[i], "names": [],
                              LINE_NUMBER: lines[i]})
        corporate = np.flatnonzero(is_company)
        for i in corporate:
            eid = officer_ids[i]
            names = self._new_names(eid, [name[i]]) if eid else None
            if names is not None:
                stubs.append({"entity_id": eid, "name": self.resolver.display_name(eid) or name[i],
                              "names": names, "country": country[i], "tax_id": oid[i],
                              LINE_NUMBER: lines[i]})
        companies = tidy_frame(pd.DataFrame(stubs)) if stubs else None
        if companies is not None:
            companies["from_registry"] = False
        people = np.flatnonzero(~is_company)
        persons = self._person_rows(
            officer_ids[people], name[people], [[x] for x in name[people]], country[people],
            lines[people],
        ) if len(people) else None
        return {"companies": companies, "persons": persons, "officers": officers}

    def _watchlist(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        from loaders.resolve import company_id, make_id, person_id

        n = len(rows)
        kind = _col(rows, "entity_kind")
        kind = np.where(pd.isna(kind), "Company", kind)
        name, country, ident = _col(rows, "name"), _col(rows, "country"), _col(rows, "id")
        reg, tax = _col(rows, "registration_number"), _col(rows, "tax_id")
        latin, aliases = _col(rows, "name_latin"), _col(rows, "aliases")
        ref = _col(rows, "entity_ftm_id")
        ids = np.empty(n, dtype=object)
        for i in range(n):
            eid = self._ftm.get(ref[i]) if ref[i] else None
            if eid is None and kind[i] == "Person":
                eid = self.resolver.resolve_person(name[i], country[i],
                                                   tax[i] or reg[i] or ident[i])
            elif eid is None and (reg[i] or tax[i]):
                eid = self.resolver.add_company(country[i], name[i], reg[i], tax[i], latin[i], aliases[i])
                eid = eid or company_id(country[i], reg[i], tax[i], name[i])
            elif eid is None:
                eid = self.resolver.resolve_company(name[i], country[i], ident[i])
                eid = eid or company_id(country[i], ident[i], name=name[i])
            ids[i] = eid

        names = _name_lists(rows)
        is_person = kind == "Person"
        entity_columns = set(WATCHLIST_ENTITY_COLUMNS) | {"name", "country", "id"}
        frames: dict[str, pd.DataFrame] = {}
        # a listed company gets a full row when the list describes it or it is new to the
        # load; one already known (registry, earlier listing) only its new name variants
        details = np.zeros(n, dtype=bool)
        for column in WATCHLIST_ENTITY_COLUMNS:
            if column != "entity_kind" and column in rows.columns:
                details |= pd.notna(rows[column].to_numpy(dtype=object))
        fresh = np.array([eid is not None and eid not in self._names for eid in ids], dtype=bool)
        full_at = np.flatnonzero(~is_person & (details | fresh))
        parts = []
        if len(full_at):
            sub = rows.iloc[full_at].reset_index(drop=True)
            out = self._company_rows(sub, ids[full_at], [names[i] for i in full_at], False, None)
            frames["addresses"] = self._with_addresses(out, sub)
            parts.append(out[pd.notna(out["entity_id"])])
        lines = rows[LINE_NUMBER].to_numpy()
        renamed = []
        for i in np.flatnonzero(~is_person & ~(details | fresh)):
            updated = self._new_names(ids[i], names[i]) if ids[i] else None
            if updated is not None:
                renamed.append({"entity_id": ids[i], "names": updated, LINE_NUMBER: lines[i]})
        if renamed:
            parts.append(tidy_frame(pd.DataFrame(renamed)).assign(from_registry=False))
        if parts:
            frames["companies"] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        persons_at = np.flatnonzero(is_person)
        if len(persons_at):
            frames["persons"] = self._person_rows(
                ids[persons_at], name[persons_at], [names[i] for i in persons_at],
                country[persons_at], rows[LINE_NUMBER].to_numpy()[persons_at],
            )
        lists, program, category = _col(rows, "list"), _col(rows, "program"), _col(rows, "category")
        listings = _frame({
            "listing_id": [make_id("li", lists[i], program[i], category[i], ids[i])
                           if ids[i] else None for i in range(n)],
            "entity_id": ids,
            "entity_kind": kind,
            "list": lists,
            "program": program,
            "listed_on": _col(rows, "listed_on"),
            "category": category,
        })
        used = set(INPUT_TABLES["watchlist"].columns) | entity_columns | {"entity_ftm_id", "ftm_id"}
        extras = self._extras(rows, used)
        for column in extras.columns:
            if column not in listings.columns:
                _set(listings, column, _none(extras[column].to_numpy(dtype=object)))
        listings[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        frames["listings"] = listings[pd.notna(listings["listing_id"])]
        return frames

    def _shipments(self, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
        from loaders.resolve import shipment_ids

        companies = []
        resolved = {}
        lines = rows[LINE_NUMBER].to_numpy()
        for side in ("exporter", "importer"):
            name, country, ident = (_col(rows, f"{side}_{c}") for c in ("name", "country", "id"))
            # the distinct parties in order of first appearance, each resolved once
            codes, first = _distinct_rows(name, country, ident)
            names_u, countries_u, idents_u = (c[first].tolist() for c in (name, country, ident))
            resolve = self.resolver.resolve_company
            ids = np.empty(len(first), dtype=object)
            ids[:] = [resolve(*party) for party in zip(names_u, countries_u, idents_u)]
            resolved[side] = ids[codes]
            # one company row per party entity that is new to this load or has new names
            by_entity: dict[str, list[int]] = {}
            for j, eid in enumerate(ids.tolist()):
                if eid:
                    by_entity.setdefault(eid, []).append(j)
            for eid, parts in by_entity.items():
                spellings = [names_u[j] for j in parts]
                known = eid in self._names
                names = self._new_names(eid, spellings)
                if names is None:
                    continue
                j = parts[0]
                row = {"entity_id": eid, "names": names, LINE_NUMBER: lines[first[j]]}
                if not known:
                    row.update(name=self.resolver.display_name(eid) or spellings[0],
                               country=countries_u[j], tax_id=idents_u[j])
                companies.append(row)
        record_id = _col(rows, "record_id")
        source = _col(rows, "source")
        ship = _frame({
            "shipment_id": shipment_ids(record_id, source),
            "record_id": record_id,
        })
        for column in RESOLVED["shipments"][2:]:
            if column in ("exporter_entity_id", "importer_entity_id"):
                _set(ship, column, resolved[column.split("_")[0]])
            elif column in ("quantity", "net_weight_kg", "value_usd"):
                ship[column] = rows[column].to_numpy(dtype=float) if column in rows else np.nan
            else:
                _set(ship, column, _col(rows, column))
        extras = self._extras(rows, set(INPUT_TABLES["shipments"].columns) | {"hs6"})
        for column in extras.columns:
            if column not in ship.columns:
                _set(ship, column, _none(extras[column].to_numpy(dtype=object)))
        ship[LINE_NUMBER] = rows[LINE_NUMBER].to_numpy()
        frames = {"shipments": ship}
        if companies:
            frame = tidy_frame(pd.DataFrame(companies))
            frame["from_registry"] = False
            frames["companies"] = frame
        return frames


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the columns taken together: a code per row (0, 1, ... in order of first
    appearance) and the position of each code's first row. Missing values (None) are values
    like any other."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        # renumbered after each column, so the combined key stays below rows x values
        key = pd.factorize(key * len(uniques) + codes)[0]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    # np.unique orders by key; number the rows by first appearance instead
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(first), dtype=np.int64)
    rank[order] = np.arange(len(first))
    return rank[inverse.reshape(-1)], first[order]


def _complete(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every RESOLVED column of its kind (None where the rows do not say),
    those first, then the extras and ``line_number``."""
    frame = frame.reset_index(drop=True)
    for column in RESOLVED[name]:
        if column not in frame.columns:
            frame[column] = pd.Series([None] * len(frame), dtype=object)
    first = list(RESOLVED[name])
    return frame[first + [c for c in frame.columns if c not in first]]


def _name_lists(rows: pd.DataFrame) -> list[list[str]]:
    """Per row: name, Latin name and the ``;``-separated aliases, cleaned and de-duplicated."""
    from loaders.normalize import clean_name

    name, latin, aliases = _col(rows, "name"), _col(rows, "name_latin"), _col(rows, "aliases")
    cache: dict[str, str | None] = {}

    def clean(text: str) -> str | None:
        if text not in cache:
            cache[text] = clean_name(text)
        return cache[text]

    out = []
    for n, l, a in zip(name, latin, aliases):
        seen: list[str] = []
        for variant in [n, l, *(a.split(";") if a else [])]:
            value = clean(variant) if variant else None
            if value and value not in seen:
                seen.append(value)
        out.append(seen)
    return out
