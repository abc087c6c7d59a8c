"""What every reader hands over: raw text chunks, a key per row, and the unreadable-file error.

Shared by the CSV reader (:mod:`loaders.read`) and the XLSX and Parquet readers
(:mod:`loaders.xlsx`, :mod:`loaders.parquet`); :mod:`loaders.read` re-exports the public names.
"""

from __future__ import annotations

import gzip
import io
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

__all__ = ["UnreadableFile", "RawChunk", "row_keys", "broken_frame", "local_copy", "CELL_SEP",
           "MAX_UNPACKED_BYTES", "CappedReader"]

CELL_SEP = "\x1f"  # joins a row's cells into one text; cannot occur in a table cell
#: Bytes a compressed input may unpack to: a gzip copy on disk, an XLSX's zip members together.
MAX_UNPACKED_BYTES = 2 << 30
#: Unpacked / packed size above which a large stream is taken for a bomb.
MAX_RATIO = 100


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
    ``sheet`` names the worksheet of an XLSX chunk (a chunk never mixes sheets; line numbers
    are the sheet's row numbers). ``digests`` holds a 64-bit key of each ``frame`` row's cells (:func:`row_keys`: equal rows,
    equal keys), so duplicates can be counted without keeping the rows.
    """

    frame: pd.DataFrame
    broken: pd.DataFrame
    digests: np.ndarray | None = None
    sheet: str | None = None  # the worksheet all the chunk's rows come from (XLSX)

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
            # the surplus goes into the reason so the rejects file keeps one layout (its
            # trailing empty fields dropped, and cut after 1,000 characters)
            surplus = list(values[width:])
            while surplus and not surplus[-1]:
                surplus.pop()
            text = delimiter.join(surplus)
            if len(text) > 1_000:
                text = f"{text[:1_000]}... ({len(text):,} characters)"
            reason = f"{reason}; surplus fields: {text}"
        records.append(head + [line, reason])
    frame = pd.DataFrame(records, columns=out_columns, dtype=object)
    frame[LINE_NUMBER] = frame[LINE_NUMBER].astype("int64")
    return frame


class CappedReader(io.RawIOBase):
    """A decompressing stream that stops with :class:`UnreadableFile` past ``limit`` bytes
    (and, when ``packed_size`` is given, only while the output is over ``MAX_RATIO`` times it)."""

    def __init__(self, stream, path: Path, limit: int | None = None,
                 packed_size: int | None = None):
        self._stream = stream
        self._path = path
        self._limit = MAX_UNPACKED_BYTES if limit is None else limit
        self._packed = packed_size
        self.unpacked = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._stream.readinto(buffer)
        self.unpacked += n or 0
        if self.unpacked > self._limit and (
                self._packed is None or self.unpacked > MAX_RATIO * self._packed):
            raise UnreadableFile(self._path, (
                f"decompresses to more than {self._limit:,} bytes (a compression bomb?); "
                "unpack it yourself if it is genuine"))
        return n

    def close(self) -> None:
        self._stream.close()
        super().close()


class local_copy:
    """Context manager giving a seekable local path: the file itself, or a gunzipped copy
    (XLSX and Parquet readers need to seek) of at most ``limit`` bytes, removed on exit."""

    def __init__(self, path: Path, compressed: bool, limit: int | None = None):
        self.path = path
        self.compressed = compressed
        self.limit = MAX_UNPACKED_BYTES if limit is None else limit
        self._tmp: str | None = None

    def __enter__(self) -> Path:
        if not self.compressed:
            return self.path
        fd, self._tmp = tempfile.mkstemp(suffix=self.path.stem[-8:])
        try:
            with os.fdopen(fd, "wb") as out, \
                    CappedReader(gzip.open(self.path, "rb"), self.path, self.limit) as src:
                shutil.copyfileobj(src, out, 1 << 20)
        except (OSError, EOFError) as exc:
            self.__exit__()
            raise UnreadableFile(self.path, f"broken gzip data: {exc}") from exc
        except BaseException:
            self.__exit__()
            raise
        return Path(self._tmp)

    def __exit__(self, *exc) -> None:
        if self._tmp:
            os.unlink(self._tmp)
            self._tmp = None
