"""File accounting: open the input files, plan their load, stream checked chunks, count rows.

Counting (per file): ``rows_read = rows_loaded + rows_rejected`` always (CONTRACT.md). A
row is read when the reader hands it over (blank lines and rows whose cells are all empty are
not rows; a record broken over lines is one rejected row); ``lines_read`` counts the file's
physical lines. An exact duplicate of an earlier row of the same file counts as loaded and in
``rows_duplicate``; it is handed on once, so the rows handed on (``rows_new``) are
``rows_loaded - rows_duplicate``: ``rows_read = rows_new + rows_duplicate + rows_rejected``.
Workbooks count the same per sheet (``sheets``) and list the sheets not read.

Rejects: rows that fail are written, as the chunks go, to ``rejects_path``: the original
columns as the file had them (verbatim: a fixed rejects file loads again), ``line_number``,
``reject_reason`` and, for a workbook, ``sheet``. The folder is chosen by the caller (beside
the report, or a run folder); the name is ``<input stem>.rejects.csv``, or
``<stem>.rejects-2.csv``, ``-3``... when that name is taken by an existing file, an input or
another file of the run: a rejects file never overwrites anything (:func:`rejects_path_for`).
No rejects, no file (``rejects_path`` in the report is then null).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from loaders import LoaderError
from loaders.columns import INPUT_TABLES, LINE_NUMBER, RECORD_DIGEST, REJECT_REASON, SHEET
from loaders.ids import record_digests, shipment_ids
from loaders.profiles import Profile, load_profile
from loaders.read import (
    DEFAULT_CHUNK_ROWS,
    TableSource,
    UnknownKind,
    detect_kind,
    open_table,
)
from loaders.validate import Validator

__all__ = [
    "CanonicalChunk",
    "FileLoad",
    "read_file",
    "plan_load",
    "order_for_load",
    "rejects_path_for",
    "check_writable",
    "source_name",
    "RecordLedger",
    "load_report_entry",
    "KINDS",
    "LOAD_ORDER",
]

_COUNTERS = ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")
# what a shipment's content is, for telling a record loaded again from another under its id
_CONTENT = tuple(c for c in INPUT_TABLES["shipments"].columns if c not in ("record_id", "source"))

KINDS = ("shipments", "companies", "officers", "watchlist", "ftm")
# Registry companies first, so trade parties and listings resolve onto them; FtM files
# carry their own companies and relations; officers before listings; trade last.
LOAD_ORDER = {"companies": 0, "ftm": 1, "officers": 2, "watchlist": 3, "shipments": 4}


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


def source_name(path: str | os.PathLike) -> str:
    """What a file is called as a source when its rows name none: its folder and name
    (``y2023/shipments.csv``), so that two files of one name in two folders are two sources,
    whichever folder the load runs from.

    >>> source_name("/data/y2023/shipments.csv")
    'y2023/shipments.csv'
    """
    resolved = Path(os.path.abspath(path))
    return f"{resolved.parent.name}/{resolved.name}" if resolved.parent.name else resolved.name


class RecordLedger:
    """The shipments of a load by id, to catch a record id taken by other content.

    A shipment id is a (source, record id) pair. The same id with the same content
    (:func:`loaders.ids.record_digests`) is the same record loaded again; with other content
    it is a conflict: the later row is rejected, naming the source that holds the id.
    ``lookup(ids)``, when given, says which ids the graph holds already:
    ``{id: (digest or None, source)}`` (a digest of None, from an older load, is taken as
    the same record).
    """

    def __init__(self, lookup=None):
        self.lookup = lookup
        # an id's 64 bits -> its digest's 64 bits (bit 64 set; 0: unknown) << 20 | source
        # number: ~100 bytes an id, so a million-row load holds ~100 MB here
        self._seen: dict[int, int] = {}
        self._sources: list[str] = []
        self._numbers: dict[str, int] = {}

    def _source(self, name) -> int:
        name = str(name)
        number = self._numbers.get(name)
        if number is None:
            if len(self._sources) >= 1 << 20:
                raise LoaderError("more than a million sources in one load")
            number = self._numbers[name] = len(self._sources)
            self._sources.append(name)
        return number

    def _entry(self, digest: str | None, source) -> int:
        value = 0 if digest is None else int(digest[:16], 16) | 1 << 64
        return value << 20 | self._source(source)

    def claim(self, ids: list[str], digests: list[str], sources: list) -> list[str | None]:
        """Per row: None when the row may load, else the source already holding its id."""
        keys = [int(i[3:19], 16) for i in ids]  # "sh-" and the sha1's first 64 bits
        if self.lookup is not None:
            unknown = [i for i, k in zip(ids, keys) if k not in self._seen]
            if unknown:
                for sid, (digest, source) in self.lookup(list(set(unknown))).items():
                    self._seen[int(sid[3:19], 16)] = self._entry(digest, source)
        out: list[str | None] = []
        mask = (1 << 20) - 1
        for key, digest, source in zip(keys, digests, sources):
            prev = self._seen.get(key)
            if prev is None:
                self._seen[key] = self._entry(digest, source)
                out.append(None)
                continue
            held = prev >> 20
            same = held == 0 or held == int(digest[:16], 16) | 1 << 64
            out.append(None if same else self._sources[prev & mask])
        return out


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
                 rejects_path: Path | None = None, display_path: str | None = None,
                 ledger: RecordLedger | None = None):
        self.source = source
        self.path = source.path
        self.display_path = display_path or str(source.path)
        self.source_name = source_name(source.path)
        self.kind = kind
        self.profile = profile
        self.chunk_rows = chunk_rows
        self.rejects_path = Path(rejects_path) if rejects_path else None
        self.rows_read = 0
        self.rows_loaded = 0
        self.rows_rejected = 0
        self.rows_duplicate = 0
        self.by_sheet: dict[str, dict[str, int]] = {}
        self.ledger = ledger
        self.rejects_written = False
        self.finished = False
        self._started = False

    @property
    def sha256(self) -> str | None:
        return self.source.sha256

    @property
    def lines_read(self) -> int:
        """Physical lines of the file read so far (header and blank lines included)."""
        return self.source.lines_read

    def __repr__(self) -> str:
        return (f"FileLoad({self.display_path!r}, kind={self.kind!r}, read={self.rows_read}, "
                f"loaded={self.rows_loaded}, rejected={self.rows_rejected})")

    def chunks(self) -> Iterator[CanonicalChunk]:
        """Stream the file as checked chunks; rejects go to ``rejects_path`` as they come."""
        if self._started:
            raise LoaderError(f"{self.display_path}: chunks() can be consumed only once")
        self._started = True
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
            rows, taken = checked.rows, raw.frame.iloc[:0]
            if self.kind == "shipments" and len(rows):
                rows, taken = self._claim(rows, raw.frame)
            rejects = raw.frame[checked.rejected].copy()
            rejects[REJECT_REASON] = checked.reasons[checked.rejected].to_numpy()
            if len(raw.broken) or len(taken):
                rejects = pd.concat([rejects, raw.broken, taken], ignore_index=True)
                rejects = rejects.sort_values(LINE_NUMBER, kind="stable")
            rejects = rejects.reset_index(drop=True)
            if raw.sheet is not None:
                rejects[SHEET] = raw.sheet
            n_rejected = len(rejects)
            self._count(len(raw), len(raw) - n_rejected, n_rejected, checked.duplicates,
                        raw.sheet)
            self._write_rejects(rejects)
            chunk = CanonicalChunk(self.kind, rows, rejects, self.source_name)
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

    def _count(self, read: int, loaded: int, rejected: int, duplicates: int,
               sheet: str | None = None) -> None:
        self.rows_read += read
        self.rows_loaded += loaded
        self.rows_rejected += rejected
        self.rows_duplicate += duplicates
        assert self.rows_read == self.rows_loaded + self.rows_rejected
        if sheet is not None:
            counts = self.by_sheet.setdefault(sheet, dict.fromkeys(_COUNTERS, 0))
            for key, n in zip(_COUNTERS, (read, loaded, rejected, duplicates)):
                counts[key] += n

    def _claim(self, rows: pd.DataFrame, raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Shipment ids and content digests onto ``rows``; rows whose id another source (or
        another row of this one) holds with other content come back apart, as rejects in the
        file's own columns."""
        rows = rows.copy()
        rows["shipment_id"] = shipment_ids(rows["record_id"].tolist(), rows["source"].tolist())
        rows[RECORD_DIGEST] = record_digests(rows, _CONTENT)
        if self.ledger is None:
            return rows, raw.iloc[:0]
        holders = self.ledger.claim(rows["shipment_id"].tolist(), rows[RECORD_DIGEST].tolist(),
                                    rows["source"].tolist())
        bad = pd.notna(pd.Series(holders, dtype=object)).to_numpy()
        if not bad.any():
            return rows, raw.iloc[:0]
        reasons = {line: f"record id '{rid}' already loaded from '{holder}' with other content"
                   for line, rid, holder in zip(rows[LINE_NUMBER][bad], rows["record_id"][bad],
                                                (h for h in holders if h is not None))}
        taken = raw[raw[LINE_NUMBER].isin(reasons)].copy()
        taken[REJECT_REASON] = taken[LINE_NUMBER].map(reasons)
        return rows[~bad].reset_index(drop=True), taken

    def _write_rejects(self, rejects: pd.DataFrame) -> None:
        if self.rejects_path is None or rejects.empty:
            return
        # "x" on the first write: never onto a file that appeared since the name was chosen
        rejects.to_csv(self.rejects_path, mode="a" if self.rejects_written else "x",
                       header=not self.rejects_written, index=False, encoding="utf-8")
        self.rejects_written = True


def read_file(
    path: str | os.PathLike,
    kind: str | None = None,
    profile: str | os.PathLike | Profile | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    rejects_path: str | os.PathLike | None = None,
    sheet: str | None = None,
    ledger: RecordLedger | None = None,
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
    sheet : a workbook's one worksheet to read (default: every sheet with the file's header).
    ledger : the load's shipments by id (:class:`RecordLedger`), shared by its files.

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
        delimiter=prof.delimiter, encoding=prof.encoding, sheet=sheet,
    )
    if source.format == "ftm":
        if kind not in (None, "ftm"):
            raise UnknownKind(path, f"a FollowTheMoney entity file, not a {kind} table")
        return FileLoad(source, "ftm", prof, chunk_rows, rejects_path, str(path), ledger)
    if kind is not None and prof.kind is not None and kind != prof.kind:
        raise UnknownKind(path, f"the profile {prof.name} is for {prof.kind}, not {kind}")
    columns = prof.output_columns(source.columns)
    kind = kind or prof.kind or detect_kind(columns, path)
    _check_columns(path, kind, columns, prof)
    return FileLoad(source, kind, prof, chunk_rows, rejects_path, str(path), ledger)


def _check_columns(path, kind: str, columns: set[str], prof: Profile) -> None:
    """A file without a required column cannot load a single row: say so up front."""
    table = INPUT_TABLES[kind]
    missing = [c for c in table.required if c not in columns and c not in prof.optional]
    missing += [" or ".join(g) for g in table.one_of if not columns.intersection(g)]
    if missing:
        hint = "" if prof.name != "canonical" else "; map them with --profile"
        raise UnknownKind(path, f"not a {kind} file: no column for {', '.join(missing)}{hint}")


def rejects_path_for(input_path: str | os.PathLike, folder: str | os.PathLike,
                     taken: Iterable[Path] = ()) -> Path:
    """``<stem>.rejects.csv`` in ``folder``, or ``<stem>.rejects-2.csv``, ``-3``... when that
    name is an existing file or among ``taken`` (inputs, other rejects of the run).

    >>> str(rejects_path_for("data/shipments.csv.gz", "/nonexistent/out"))
    '/nonexistent/out/shipments.rejects.csv'
    """
    name = Path(input_path).name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem = Path(name).stem or name
    taken = {Path(os.path.abspath(t)) for t in taken}
    target, n = Path(folder) / f"{stem}.rejects.csv", 2
    while Path(os.path.abspath(target)) in taken or os.path.lexists(target):
        target, n = Path(folder) / f"{stem}.rejects-{n}.csv", n + 1
    return target


def check_writable(folder: str | os.PathLike, what: str) -> Path:
    """Create ``folder`` if needed and make sure files can be written in it, before anything
    is loaded; LoaderError in one line otherwise."""
    folder = Path(folder)
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise LoaderError(f"cannot write the {what} in {folder}: {blocker} is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LoaderError(f"cannot create the {what} folder {folder}: "
                          f"{error.strerror or error}") from None
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise LoaderError(f"cannot write the {what} in {folder}: not a writable folder")
    return folder


def order_for_load(loads: Iterable[FileLoad]) -> list[FileLoad]:
    """Files in loading order: companies, ftm, officers, watchlist, shipments (stable)."""
    return sorted(loads, key=lambda load: LOAD_ORDER.get(load.kind, len(LOAD_ORDER)))


def plan_load(
    paths: Sequence[str | os.PathLike],
    kind: str | None = None,
    profile: str | os.PathLike | Profile | None = None,
    report_path: str | os.PathLike | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    rejects_dir: str | os.PathLike | None = None,
    sheet: str | None = None,
    ledger: RecordLedger | None = None,
) -> list[FileLoad]:
    """Open every file (so an unreadable one stops the load before anything is written),
    give each its rejects path, and put them in loading order.

    Rejects go to ``rejects_dir``, else beside the report; with neither, they stay in the
    chunks (no file is written: a library call never litters the current directory). That
    folder (and the report's) is checked writable first. No rejects file takes the name of an
    input or of an existing file (:func:`rejects_path_for`). One ``ledger`` (a new one by
    default) catches a record id taken by other content across the files.
    """
    prof = load_profile(profile)
    if report_path:
        check_writable(Path(report_path).parent, "report")
    folder = rejects_dir or (Path(report_path).parent if report_path else None)
    if folder is not None:
        check_writable(folder, "rejects")
    ledger = ledger if ledger is not None else RecordLedger()
    loads = []
    taken: set[Path] = {Path(p) for p in paths}
    for path in paths:
        target = None if folder is None else rejects_path_for(path, folder, taken)
        taken.add(target)
        loads.append(read_file(path, kind=kind, profile=prof, chunk_rows=chunk_rows,
                               rejects_path=target, sheet=sheet, ledger=ledger))
    return order_for_load(loads)


def load_report_entry(file_load: FileLoad) -> dict[str, Any]:
    """The load report's entry for one file (CONTRACT.md), with a few extra keys:
    ``lines_read`` (physical lines), ``rows_new`` (loaded, not duplicates), ``source`` (the
    source name of its rows when they name none), ``status`` (``loaded``, ``partial``: the
    load stopped inside the file, its counts say how far it got; ``not started``) and, for a
    workbook, ``sheets`` (the counts per sheet read) and ``skipped_sheets`` (with reasons)."""
    entry = {
        "path": file_load.display_path,
        "kind": file_load.kind,
        "rows_read": file_load.rows_read,
        "rows_loaded": file_load.rows_loaded,
        "rows_rejected": file_load.rows_rejected,
        "rows_duplicate": file_load.rows_duplicate,
        "rejects_path": str(file_load.rejects_path) if file_load.rejects_written else None,
        "profile": file_load.profile.name,
        "sha256": file_load.sha256,
        "lines_read": file_load.lines_read,
        "rows_new": file_load.rows_loaded - file_load.rows_duplicate,
        "source": file_load.source_name,
        "status": ("loaded" if file_load.finished else
                   "partial" if file_load.rows_read or file_load.lines_read else "not started"),
    }
    if file_load.source.format == "xlsx":
        entry["sheets"] = [{"sheet": name, **counts}
                           for name, counts in file_load.by_sheet.items()]
        entry["skipped_sheets"] = [{"sheet": name, "reason": reason}
                                   for name, reason in file_load.source.skipped_sheets]
    return entry
