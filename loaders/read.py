"""Open an input file of any supported format and stream it as chunks of raw text rows.

The reader knows formats, encodings and delimiters, not meanings: every cell comes out as
text (``""`` when empty), under the header exactly as the file wrote it (trimmed), with the
file's own line number beside each row. Mapping columns to the canonical layout and
validating values is the job of :mod:`loaders.profiles` and :mod:`loaders.validate`.

Line numbers
------------
CSV: the physical line on which a record *starts*, 1-based, header = line 1. A quoted
field that spans lines makes its record cover several physical lines; the next record is
numbered by the physical line it starts on, so numbers stay what an editor shows.
Blank lines and rows whose cells are all empty are skipped (they hold no data and are
not counted as rows read).
XLSX: the worksheet row number (header row as Excel numbers it).
Parquet: the row's position as if a header were line 1 (first row = line 2).
FtM JSON lines: the physical line (no header, first entity = line 1).
"""

from __future__ import annotations

import codecs
import csv
import gc
import gzip
import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import LoaderError
from loaders.columns import INPUT_TABLES, LINE_NUMBER, REJECT_REASON

__all__ = [
    "UnreadableFile",
    "UnknownKind",
    "RawChunk",
    "TableSource",
    "open_table",
    "detect_kind",
    "canonical_header",
    "file_sha256",
    "DELIMITERS",
    "DEFAULT_CHUNK_ROWS",
    "row_keys",
]

DELIMITERS = (",", ";", "\t", "|")
DEFAULT_CHUNK_ROWS = 50_000

_SAMPLE_BYTES = 1 << 20
_SEP = "\x1f"  # cannot occur in a table cell
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SNIFF_LINES = 200
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_FTM_SUFFIXES = (".jsonl", ".json", ".ndjson", ".ftm")

csv.field_size_limit(1 << 30)


class UnreadableFile(LoaderError):
    """The file cannot be read as a table at all: binary junk, empty, unknown encoding, ..."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnknownKind(LoaderError):
    """The file's columns fit none of the input kinds."""

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


def canonical_header(name: str) -> str:
    """The form under which a header is matched: trimmed, lower case, blanks and dashes as ``_``.

    >>> canonical_header("  Exporter Name ")
    'exporter_name'
    """
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def detect_kind(columns: Iterable[str], path: str | os.PathLike = "<input>") -> str:
    """Tell the input kind (shipments, companies, officers, watchlist) from header names.

    A kind fits when all its required columns are present (and one column of each
    ``one_of`` group); when several fit, the one with the most required columns wins
    (a shipments file also has a ``date``, a watchlist also has a ``name``...).
    Raises :class:`UnknownKind`, naming the closest kind and what it lacks.
    """
    have = {canonical_header(c) for c in columns}
    fitting = []
    closest = None
    for table in INPUT_TABLES.values():
        missing = [c for c in table.required if c not in have]
        for group in table.one_of:
            if not have.intersection(group):
                missing.append(" or ".join(group))
        if not missing:
            fitting.append((len(table.required), table.kind))
        else:
            score = (len(table.required) - len(missing), -len(missing))
            if closest is None or score > closest[0]:
                closest = (score, table.kind, missing)
    if fitting:
        return max(fitting)[1]
    assert closest is not None
    _, kind, missing = closest
    raise UnknownKind(
        path,
        f"columns fit no input kind (closest is {kind}, which lacks {', '.join(missing)}); "
        "give --kind and --profile to map them",
    )


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, read in blocks (memory stays flat)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingRaw(io.RawIOBase):
    """Raw byte stream that feeds every byte read through SHA-256 on the way."""

    def __init__(self, handle):
        self._handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._handle.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
        return n

    def drain(self) -> None:
        # Hash what the parser did not need (e.g. bytes after the last line) as well.
        for block in iter(lambda: self._handle.read(1 << 20), b""):
            self.digest.update(block)

    def close(self) -> None:
        self._handle.close()
        super().close()


@dataclass
class TableSource:
    """An opened input file: its format, encoding, delimiter and header.

    Use :meth:`chunks` to stream the rows; :attr:`sha256` is filled once the stream has
    been read to the end (it is computed while streaming for CSV and JSON lines).
    """

    path: Path
    format: str  # csv, xlsx, parquet, ftm
    columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    compressed: bool = False
    sha256: str | None = None
    _header_line: int = 1

    def chunks(self, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Iterator[RawChunk]:
        """Yield the file's rows in chunks of at most ``chunk_rows`` rows."""
        if self.format == "csv":
            yield from self._csv_chunks(chunk_rows)
        elif self.format in ("xlsx", "parquet"):
            with _materialised(self.path, self.compressed) as local:
                if self.format == "xlsx":
                    yield from self._xlsx_chunks(local, chunk_rows)
                else:
                    yield from self._parquet_chunks(local, chunk_rows)
            self.sha256 = file_sha256(self.path)
        else:
            raise UnreadableFile(self.path, f"format {self.format} is not a table of rows")

    # -- CSV --------------------------------------------------------------------------------

    def open_text(self):
        """The file as a text stream (decompressed, decoded), hashing the raw bytes read."""
        raw = _HashingRaw(open(self.path, "rb"))
        binary = io.BufferedReader(raw, buffer_size=1 << 20)
        if self.compressed:
            binary = gzip.GzipFile(fileobj=binary, mode="rb")
        text = io.TextIOWrapper(binary, encoding=self.encoding, errors="strict", newline="")
        return raw, text

    def _csv_chunks(self, chunk_rows: int) -> Iterator[RawChunk]:
        width = len(self.columns)
        raw, text = self.open_text()
        try:
            reader = csv.reader(text, delimiter=self.delimiter)
            header_seen = False
            while True:
                try:
                    records, starts, texts, header_seen = _csv_records(
                        reader, chunk_rows, header_seen)
                except UnicodeDecodeError as exc:
                    raise UnreadableFile(
                        self.path,
                        f"not valid {self.encoding} near line {reader.line_num + 1} "
                        f"({exc.reason}); the encoding was judged from the first MiB — give it "
                        "in a profile",
                    ) from exc
                except csv.Error as exc:
                    raise UnreadableFile(
                        self.path, f"broken CSV near line {reader.line_num + 1}: {exc}") from exc
                except (OSError, EOFError, gzip.BadGzipFile) as exc:
                    raise UnreadableFile(
                        self.path, f"cannot read past line {reader.line_num}: {exc}") from exc
                if not records:
                    break
                chunk = self._records_chunk(records, starts, texts, width)
                del records, starts, texts
                yield chunk
                # dropped before the next chunk is read, so that one chunk at a time is held
                del chunk
            raw.drain()
            self.sha256 = raw.digest.hexdigest()
        finally:
            text.close()

    def _records_chunk(self, records: list[list[str]], starts: np.ndarray, texts: list[str],
                       width: int) -> RawChunk:
        """A chunk from parsed CSV records (trimmed, none blank): rows of the header's width
        go to the frame, others (after dropping empty surplus fields) to ``broken``."""
        lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
        odd = np.flatnonzero(lengths != width)
        broken = []
        if len(odd):
            wrong = np.zeros(len(records), dtype=bool)
            for i in odd:
                record = records[i]
                # A trailing delimiter gives empty surplus fields: no data lost there.
                while len(record) > width and not record[-1]:
                    record.pop()
                if len(record) != width:
                    wrong[i] = True
                    broken.append((int(starts[i]), record,
                                   f"row has {len(record)} fields where the header has {width}"))
                else:
                    texts[i] = _SEP.join(record)
            if wrong.any():
                keep = np.flatnonzero(~wrong)
                records = [records[i] for i in keep]
                texts = [texts[i] for i in keep]
                starts = starts[keep]
        digests = row_keys(texts)
        frame = pd.DataFrame(records, columns=self.columns, dtype=object) if records else \
            pd.DataFrame({c: pd.Series([], dtype=object) for c in self.columns})
        frame[LINE_NUMBER] = np.asarray(starts, dtype=np.int64)
        return RawChunk(frame, _broken_frame(self.columns, broken, self.delimiter or ","),
                        digests)

    def _rows_chunk(self, rows, lines, broken) -> RawChunk:
        frame = pd.DataFrame(rows, columns=self.columns, dtype=object) if rows else \
            pd.DataFrame({c: pd.Series([], dtype=object) for c in self.columns})
        frame[LINE_NUMBER] = np.asarray(lines, dtype=np.int64)
        return RawChunk(frame, _broken_frame(self.columns, broken, self.delimiter or ","),
                        row_keys(map(_SEP.join, rows)))

    # -- XLSX -------------------------------------------------------------------------------

    def _xlsx_chunks(self, local: Path, chunk_rows: int) -> Iterator[RawChunk]:
        import openpyxl

        try:
            book = openpyxl.load_workbook(local, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a bad workbook
            raise UnreadableFile(self.path, f"not a readable .xlsx workbook: {exc}") from exc
        try:
            sheet = book.worksheets[0]
            width = len(self.columns)
            rows, lines, broken = [], [], []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number <= self._header_line:
                    continue
                cells = [_cell_text(v).strip() for v in values]
                if not any(cells):
                    continue
                if len(cells) > width:
                    if any(cells[width:]):
                        broken.append((number, cells, (
                            f"row has values beyond the header's {width} columns"
                        )))
                        continue
                    cells = cells[:width]
                elif len(cells) < width:
                    cells += [""] * (width - len(cells))
                rows.append(cells)
                lines.append(number)
                if len(rows) + len(broken) >= chunk_rows:
                    yield self._rows_chunk(rows, lines, broken)
                    rows, lines, broken = [], [], []
            if rows or broken:
                yield self._rows_chunk(rows, lines, broken)
        finally:
            book.close()

    # -- Parquet ----------------------------------------------------------------------------

    def _parquet_chunks(self, local: Path, chunk_rows: int) -> Iterator[RawChunk]:
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(local)
        except Exception as exc:
            raise UnreadableFile(self.path, f"not a readable Parquet file: {exc}") from exc
        first_line = 2
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            frame = pd.DataFrame({
                name: _arrow_text(batch.column(i)) for i, name in enumerate(self.columns)
            })
            numbers = range(first_line, first_line + batch.num_rows)
            first_line += batch.num_rows
            frame[LINE_NUMBER] = np.asarray(numbers, dtype=np.int64)
            blank = (frame[self.columns] == "").all(axis=1) if self.columns else None
            if blank is not None and blank.any():
                frame = frame[~blank].reset_index(drop=True)
            texts = list(map(_SEP.join, zip(*(frame[c] for c in self.columns))))
            yield RawChunk(frame, _broken_frame(self.columns, [], ","), row_keys(texts))


# -- CSV records in bulk -------------------------------------------------------------------------
#
# The csv module parses in C; what costs is Python work per row. Records are therefore taken
# from the reader a chunk at a time (``islice``), and trimming, blank rows, line numbers and
# row keys are decided for the whole chunk at once, falling back to row by row only where a
# chunk needs it (a multi-line cell, blanks around a cell).

# blanks that trigger trimming wherever they stand in a row (see _trim_row)
_BLANKS_ANYWHERE = (" \x1f", "\x1f ", "\t", "\n", "\xa0")


def _trim_row(record: list[str], joined: str) -> tuple[list[str], str]:
    """The row with its cells trimmed when blanks stand around a cell, else as it is.

    Only rows with blanks around a cell, tabs, line breaks or no-break spaces pay for
    trimming every cell; :func:`_needs_trimming` tells, for a whole chunk, whether any does.
    """
    if joined[:1].isspace() or joined[-1:].isspace() or any(
            blank in joined for blank in _BLANKS_ANYWHERE):
        record = [v.strip() for v in record]
        joined = _SEP.join(record)
    return record, joined


def _needs_trimming(joined: list[str]) -> bool:
    """Whether :func:`_trim_row` would change any row (rows given as their joined cells):
    substring searches over the whole chunk and a strip of each row's ends, all in C."""
    text = _SEP.join(joined)
    if any(blank in text for blank in _BLANKS_ANYWHERE):
        return True  # found across two rows, a blank ends or opens one: a trigger too
    # whitespace of any kind opening or closing a row
    return sum(map(len, joined)) != sum(map(len, map(str.strip, joined)))


def _record_starts(records: list[list[str]], before: int, after: int) -> np.ndarray:
    """First physical line of each record when some span several lines (line breaks inside
    quoted cells): a record covers one line more per line break in its cells."""
    spans = np.ones(len(records), dtype=np.int64)
    for i, record in enumerate(records):
        for value in record:
            if "\n" in value or "\r" in value:
                spans[i] += value.count("\n") + value.count("\r") - value.count("\r\n")
    if before + int(spans.sum()) != after:
        raise csv.Error("cannot tell the line numbers of multi-line records")
    return before + 1 + np.cumsum(spans) - spans


def _trimmed(records: list[list[str]], starts: np.ndarray
             ) -> tuple[list[list[str]], np.ndarray, list[str]]:
    """Records with blanks trimmed as :func:`_trim_row` does, blank ones dropped (blank lines,
    rows of empty cells), their start lines, and each one's cells joined by the separator."""
    joined = list(map(_SEP.join, records))
    if _needs_trimming(joined):
        kept, lines, texts = [], [], []
        for record, line, text in zip(records, starts, joined):
            record, text = _trim_row(record, text)
            if len(text) >= max(len(record), 1):
                kept.append(record)
                lines.append(line)
                texts.append(text)
        return kept, np.asarray(lines, dtype=np.int64), texts
    n = len(records)
    lengths = np.fromiter(map(len, joined), dtype=np.int64, count=n)
    widths = np.fromiter(map(len, records), dtype=np.int64, count=n)
    blank = lengths < np.maximum(widths, 1)  # only separators, or nothing at all
    if blank.any():
        keep = np.flatnonzero(~blank)
        return [records[i] for i in keep], starts[keep], [joined[i] for i in keep]
    return records, starts, joined


def _csv_records(reader, chunk_rows: int, header_seen: bool):
    """Up to ``chunk_rows`` rows from a csv reader (blank ones not counted, the header
    skipped): (records, their start lines, their joined cells, whether the header is seen)."""
    records: list[list[str]] = []
    texts: list[str] = []
    starts = []
    while len(records) < chunk_rows:
        before = reader.line_num
        # The records hold only strings, so they make no reference cycles: the collector
        # would only walk every live object again and again while they pile up.
        collecting = gc.isenabled()
        gc.disable()
        try:
            part = list(islice(reader, chunk_rows - len(records)))
        finally:
            if collecting:
                gc.enable()
        if not part:
            break
        after = reader.line_num
        if after - before == len(part):  # no record spans lines: one line each
            lines = np.arange(before + 1, after + 1, dtype=np.int64)
        else:
            lines = _record_starts(part, before, after)
        part, lines, joined = _trimmed(part, lines)
        if not header_seen and part:
            part, lines, joined = part[1:], lines[1:], joined[1:]
            header_seen = True
        records += part
        texts += joined
        starts.append(lines)
    lines = np.concatenate(starts) if starts else np.empty(0, dtype=np.int64)
    return records, lines, texts, header_seen


def row_keys(texts: Iterable[str]) -> np.ndarray:
    """A 64-bit key (``uint64``) per text, e.g. per row as its cells joined by ``\\x1f``:
    equal texts, equal keys.

    The key is Python's own string hash (SipHash, keyed afresh in every process), computed in
    C: keys compare within one process only, which is where a file's rows are compared. Two
    different texts share a key with probability 2^-64; for a file of n rows the chance that
    any two do is about n^2 / 2^65 (3e-8 at a million rows).
    """
    return np.fromiter(map(hash, texts), dtype=np.int64).view(np.uint64)



def _broken_frame(columns: list[str], broken, delimiter: str) -> pd.DataFrame:
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


def _cell_text(value) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _arrow_text(column) -> pd.Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_timestamp(kind):
        midnight = pc.all(pc.equal(pc.cast(pc.cast(column, pa.date32()), kind), column)).as_py()
        if midnight in (True, None):
            column = pc.cast(column, pa.date32())
    if pa.types.is_floating(kind):
        # 12.0 -> "12": integral floats come from integer columns holding nulls
        as_int = pc.cast(column, pa.int64(), safe=False)
        integral = pc.equal(pc.cast(as_int, kind), column)
        text = pc.if_else(integral, pc.cast(as_int, pa.string()), pc.cast(column, pa.string()))
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column
    else:
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            text = pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
    return pd.Series(pc.utf8_trim_whitespace(pc.fill_null(text, "")).to_pylist(), dtype=object)


class _materialised:
    """Context manager giving a seekable local path: the file itself, or a gunzipped copy."""

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


def _read_head(path: Path) -> tuple[bytes, bool]:
    """The first bytes of the file's content (gunzipped when it is gzip) and whether it was."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(2)
            handle.seek(0)
            if magic == _GZIP_MAGIC:
                try:
                    with gzip.GzipFile(fileobj=handle) as unzipped:
                        return unzipped.read(_SAMPLE_BYTES), True
                except (OSError, EOFError) as exc:
                    raise UnreadableFile(path, f"broken gzip data: {exc}") from exc
            return handle.read(_SAMPLE_BYTES), False
    except FileNotFoundError as exc:
        raise UnreadableFile(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise UnreadableFile(path, "is a directory, not a file") from exc
    except PermissionError as exc:
        raise UnreadableFile(path, "permission denied") from exc


def _decode_sample(path: Path, sample: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode the sample; return (text, codec). utf-8-sig strictly, else cp1251, else junk."""
    if b"\x00" in sample:
        raise UnreadableFile(path, "binary data (NUL bytes), not a text table")
    candidates = [encoding] if encoding else ["utf-8-sig", "cp1251"]
    for codec in candidates:
        try:
            decoder = codecs.getincrementaldecoder(codec)(errors="strict")
            # final=False: the sample may end inside a multi-byte character
            text = decoder.decode(sample, final=len(sample) < _SAMPLE_BYTES)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, codec
        raise UnreadableFile(path, f"binary data, not a text table (decoded as {codec})")
    tried = " or ".join(candidates)
    raise UnreadableFile(path, f"unreadable encoding: the bytes are neither {tried}")


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    controls = len(_CONTROL.findall(text))
    return controls <= max(1, len(text) // 1000)


def _sniff_delimiter(path: Path, lines: list[str]) -> str:
    """The delimiter among , ; tab | that splits the header widest and the rows most evenly."""
    best = None
    for delimiter in DELIMITERS:
        records = [r for r in csv.reader(lines, delimiter=delimiter) if r]
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        body = records[1:]
        even = sum(1 for r in body if len(r) == width) / len(body) if body else 1.0
        score = (even >= 0.9, even, width)
        if best is None or score > best[0]:
            best = (score, delimiter)
    if best is None:
        raise UnreadableFile(path, "not a table: no , ; tab or | delimiter splits the first line")
    return best[1]


def _sample_lines(text: str, complete: bool) -> list[str]:
    lines = text.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample is partial
    return lines[:_SNIFF_LINES]


def open_table(
    path: str | os.PathLike,
    *,
    format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> TableSource:
    """Open ``path``, recognise its format, encoding, delimiter and header.

    Parameters
    ----------
    path : the input file (CSV / TSV, optionally ``.gz``; ``.xlsx``; Parquet; FtM JSON lines).
    format : ``csv``, ``xlsx``, ``parquet`` or ``ftm`` to skip recognition.
    delimiter, encoding : overrides (from a source profile).

    Raises
    ------
    UnreadableFile
        Empty, binary junk, an encoding that is neither UTF-8 nor cp1251, no delimiter, a
        broken workbook or Parquet file; the message is one line naming the file.
    """
    path = Path(path)
    head, compressed = _read_head(path)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UnreadableFile(path, "empty file")
    fmt = format or _recognise_format(path, head)
    source = TableSource(path=path, format=fmt, compressed=compressed)
    if fmt == "ftm":
        text, codec = _decode_sample(path, head, encoding or "utf-8-sig")
        source.encoding = codec
        return source
    if fmt == "xlsx":
        source.columns, source._header_line = _xlsx_header(path, compressed)
    elif fmt == "parquet":
        source.columns = _parquet_header(path, compressed)
    else:
        text, codec = _decode_sample(path, head, encoding)
        lines = _sample_lines(text, complete=len(head) < _SAMPLE_BYTES)
        lines = [ln for ln in lines if ln.strip()]
        if not lines:
            raise UnreadableFile(path, "empty file")
        source.encoding = codec
        source.delimiter = delimiter or _sniff_delimiter(path, lines)
        header = next(csv.reader(lines[:1], delimiter=source.delimiter))
        source.columns = header
    source.columns = _clean_header(path, source.columns)
    return source


def _recognise_format(path: Path, head: bytes) -> str:
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in (".xlsx", ".xlsm"):
        raise UnreadableFile(path, "not a readable .xlsx workbook (no zip signature)")
    if suffix in (".parquet", ".pq"):
        raise UnreadableFile(path, "not a readable Parquet file (no PAR1 signature)")
    if suffix in _FTM_SUFFIXES:
        return "ftm"
    if suffix == ".xls":
        raise UnreadableFile(path, "old binary .xls workbooks are not read; save it as .xlsx or CSV")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") and b'"schema"' in head[:4096]:
        return "ftm"
    return "csv"


def _xlsx_header(path: Path, compressed: bool) -> tuple[list[str], int]:
    import openpyxl

    with _materialised(path, compressed) as local:
        if not zipfile.is_zipfile(local):
            raise UnreadableFile(path, "not a readable .xlsx workbook")
        try:
            book = openpyxl.load_workbook(local, read_only=True, data_only=True)
        except Exception as exc:
            raise UnreadableFile(path, f"not a readable .xlsx workbook: {exc}") from exc
        try:
            if not book.worksheets:
                raise UnreadableFile(path, "the workbook has no worksheet")
            for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
                cells = [_cell_text(v) for v in values]
                if any(c.strip() for c in cells):
                    while cells and not cells[-1].strip():
                        cells.pop()
                    return cells, number
        finally:
            book.close()
    raise UnreadableFile(path, "empty file: the first worksheet has no rows")


def _parquet_header(path: Path, compressed: bool) -> list[str]:
    import pyarrow.parquet as pq

    with _materialised(path, compressed) as local:
        try:
            return list(pq.ParquetFile(local).schema_arrow.names)
        except Exception as exc:
            raise UnreadableFile(path, f"not a readable Parquet file: {exc}") from exc


def _clean_header(path: Path, columns: list[str]) -> list[str]:
    cleaned = []
    seen: dict[str, str] = {}
    for position, name in enumerate(columns, start=1):
        name = str(name).strip() or f"column_{position}"
        key = canonical_header(name)
        if key in seen:
            raise UnreadableFile(path, f"column {name!r} appears twice in the header (as {seen[key]!r})")
        if key == LINE_NUMBER or key == REJECT_REASON:
            # our own bookkeeping columns; keep the file's under another name
            name = f"source_{name}"
            key = canonical_header(name)
        seen[key] = name
        cleaned.append(name)
    if not cleaned:
        raise UnreadableFile(path, "no header row")
    return cleaned
