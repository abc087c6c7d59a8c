"""File accounting: open the input files, plan their load, stream checked chunks, count rows.

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

import pandas as pd

from loaders import LoaderError
from loaders.columns import INPUT_TABLES, LINE_NUMBER, REJECT_REASON
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
    "load_report_entry",
    "KINDS",
    "LOAD_ORDER",
]

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
