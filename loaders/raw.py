"""What every reader hands over: raw text chunks, a key per row, and the unreadable-file error.

Shared by the CSV reader (:mod:`loaders.read`) and the XLSX and Parquet readers
(:mod:`loaders.xlsx`, :mod:`loaders.parquet`); :mod:`loaders.read` re-exports the public names.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import LoaderError
from loaders.columns import LINE_NUMBER, REJECT_REASON

__all__ = ["UnreadableFile", "RawChunk", "row_keys", "broken_frame", "local_copy", "CELL_SEP"]

CELL_SEP = "\x1f"  # joins a row's cells into one text; cannot occur in a table cell


class UnreadableFile(LoaderError):
    """The file cannot be read as a table at all: binary junk, empty, unknown encoding, ..."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass
class RawChunk:
    """Up to ``chunk_rows`` rows of one file, as text.

    ``frame`` has one column per header name (values ``str`` trimmed of surrounding blanks,
    ``""`` when empty) and the
    ``line_number`` column. ``broken`` holds rows that could not be split into the header's
    columns (a CSV row with the wrong number of fields): the values as far as they go,
    ``line_number`` and ``reject_reason`` (which quotes any surplus fields).
    ``digests`` holds a 64-bit key of each ``frame`` row's cells (:func:`row_keys`: equal rows,
    equal keys), so duplicates can be counted without keeping the rows.
    """

    frame: pd.DataFrame
    broken: pd.DataFrame
    digests: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.frame) + len(self.broken)


def row_keys(texts: Iterable[str]) -> np.ndarray:
    """A 64-bit key (``uint64``) per text, e.g. per row as its cells joined by ``\\x1f``:
    equal texts, equal keys.

    The key is Python's own string hash (SipHash, keyed afresh in every process), computed in
    C: keys compare within one process only, which is where a file's rows are compared. Two
    different texts share a key with probability 2^-64; for a file of n rows the chance that
    any two do is about n^2 / 2^65 (3e-8 at a million rows).
    """
    return np.fromiter(map(hash, texts), dtype=np.int64).view(np.uint64)


def broken_frame(columns: list[str], broken, delimiter: str) -> pd.DataFrame:
    """The rejects frame of rows that do not fit the header: ``(line, values, reason)`` each."""
    out_columns = list(columns) + [LINE_NUMBER, REJECT_REASON]
    records = []
    width = len(columns)
    for line, values, reason in broken:
        head = list(values[:width]) + [""] * max(0, width - len(values))
        if len(values) > width:
            # the surplus goes into the reason so the rejects file keeps one layout
            reason = f"{reason}; surplus fields: {delimiter.join(values[width:])}"
        records.append(head + [line, reason])
    frame = pd.DataFrame(records, columns=out_columns, dtype=object)
    frame[LINE_NUMBER] = frame[LINE_NUMBER].astype("int64")
    return frame


class local_copy:
    """Context manager giving a seekable local path: the file itself, or a gunzipped copy
    (XLSX and Parquet readers need to seek)."""

    def __init__(self, path: Path, compressed: bool):
        self.path = path
        self.compressed = compressed
        self._tmp: str | None = None

    def __enter__(self) -> Path:
        if not self.compressed:
            return self.path
        fd, self._tmp = tempfile.mkstemp(suffix=self.path.stem[-8:])
        with os.fdopen(fd, "wb") as out, gzip.open(self.path, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        return Path(self._tmp)

    def __exit__(self, *exc) -> None:
        if self._tmp:
            os.unlink(self._tmp)
