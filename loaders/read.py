"""Open an input file of any supported format and stream it as chunks of raw text rows.

The reader knows formats, encodings and delimiters, not meanings: every cell comes out as
text (``""`` when empty), under the header exactly as the file wrote it (trimmed), with the
file's own line number beside each row. Mapping columns to the canonical layout and
validating values is the job of :mod:`loaders.mapping` and :mod:`loaders.validate`.
CSV is read here; XLSX and Parquet by :mod:`loaders.xlsx` and :mod:`loaders.parquet`, FtM
JSON lines by :mod:`loaders.ftm`; what they all hand over is in :mod:`loaders.raw`.

Line numbers
------------
CSV: the physical line on which a record *starts*, 1-based, header = line 1. A quoted
field that spans lines makes its record cover several physical lines; the next record is
numbered by the physical line it starts on, so numbers stay what an editor shows. A record
that cannot be right (a quote open for more than 20 lines, a huge cell, a bad byte) is a
broken row of its first line and reading starts again at the next line (:mod:`loaders.csvrows`).
Blank lines and rows whose cells are all empty are skipped (they hold no data and are
not counted as rows read).
XLSX: the worksheet row number (header row as Excel numbers it), per sheet: each chunk says its
sheet (:attr:`RawChunk.sheet`).
Parquet: the row's position as if a header were line 1 (first row = line 2).
FtM JSON lines: the physical line (no header, first entity = line 1).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import LoaderError
from loaders.columns import INPUT_TABLES, LINE_NUMBER, REJECT_REASON
from loaders.csvrows import DECODE_ERRORS, PhysicalLines, parse_block
from loaders.raw import (
    CELL_SEP,
    CappedReader,
    RawChunk,
    UnreadableFile,
    broken_frame,
    local_copy,
    row_keys,
)

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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SNIFF_LINES = 200
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_FTM_SUFFIXES = (".jsonl", ".json", ".ndjson", ".ftm")
# sanctions lists read by loaders.lists (OFAC legacy CSV, BIS Entity List JSON, OpenSanctions)
LIST_FORMATS = ("ofac-sdn", "ofac-add", "ofac-alt", "bis-entity-list", "opensanctions-simple")

csv.field_size_limit(1 << 30)


class UnknownKind(LoaderError):
    """The file's columns fit none of the input kinds."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


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
        self.bytes_read = 0  # of the file as stored (compressed, when it is)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._handle.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
            self.bytes_read += n
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
    sheet: str | None = None  # XLSX: the one worksheet asked for, else every matching sheet
    sheets: list[str] = field(default_factory=list)  # XLSX: the worksheets read
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, reason)
    _header_line: int = 1
    _raw: _HashingRaw | None = field(default=None, repr=False)
    _lines: PhysicalLines | None = field(default=None, repr=False)
    _rows_seen: int = 0
    _sheet_headers: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def lines_read(self) -> int:
        """Physical lines read so far (CSV, header and blank lines included; XLSX: worksheet
        rows; Parquet: rows and a header line): rows read never exceed them."""
        if self._lines is not None:
            return self._lines.lines_read
        return self._rows_seen

    @property
    def bytes_read(self) -> int:
        """Bytes of the stored file read so far: the measure of a load's progress."""
        if self._raw is not None:
            return self._raw.bytes_read
        return self.path.stat().st_size if self.sha256 else 0

    def chunks(self, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Iterator[RawChunk]:
        """Yield the file's rows in chunks of at most ``chunk_rows`` rows."""
        if self.format == "csv":
            yield from self._csv_chunks(chunk_rows)
        elif self.format in LIST_FORMATS:
            from loaders.lists.read import list_chunks

            yield from list_chunks(self, chunk_rows)
            self.sha256 = file_sha256(self.path)
        elif self.format in ("xlsx", "parquet"):
            with local_copy(self.path, self.compressed) as local:
                yield from self._binary_chunks(local, chunk_rows)
            self.sha256 = file_sha256(self.path)
        else:
            raise UnreadableFile(self.path, f"format {self.format} is not a table of rows")

    def _binary_chunks(self, local: Path, chunk_rows: int) -> Iterator[RawChunk]:
        # imported here: openpyxl and pyarrow load only when such a file is read
        if self.format == "xlsx":
            from loaders.xlsx import xlsx_chunks

            yield from xlsx_chunks(self, local, chunk_rows)
        else:
            from loaders.parquet import parquet_chunks

            for chunk in parquet_chunks(self.path, self.columns, local, chunk_rows):
                self._rows_seen = int(chunk.frame[LINE_NUMBER].max()) if len(chunk) else \
                    self._rows_seen
                yield chunk

    # -- CSV --------------------------------------------------------------------------------

    def open_text(self, errors: str = "strict"):
        """The file as a text stream (decompressed, decoded), hashing the raw bytes read;
        ``errors="surrogateescape"`` keeps bytes that do not decode as lone surrogates."""
        raw = self._raw = _HashingRaw(open(self.path, "rb"))
        binary = io.BufferedReader(raw, buffer_size=1 << 20)
        if self.compressed:
            binary = io.BufferedReader(CappedReader(
                gzip.GzipFile(fileobj=binary, mode="rb"), self.path,
                packed_size=self.path.stat().st_size), buffer_size=1 << 20)
        text = io.TextIOWrapper(binary, encoding=self.encoding, errors=errors, newline="")
        return raw, text

    def _csv_chunks(self, chunk_rows: int) -> Iterator[RawChunk]:
        width = len(self.columns)
        # bytes the encoding cannot decode stay as lone surrogates: their line is rejected
        raw, text = self.open_text(errors=DECODE_ERRORS)
        # a block of text about the size of a chunk's rows, so one chunk at a time is held
        lines = self._lines = PhysicalLines(text, min(max(chunk_rows * 64, 1 << 16), 1 << 20))
        records: list[list[str]] = []
        starts: list[np.ndarray] = []
        texts: list[str] = []
        broken: list = []
        pending: list[str] = []
        try:
            while True:
                try:
                    block = lines.block()
                except (OSError, EOFError, gzip.BadGzipFile) as exc:
                    raise UnreadableFile(
                        self.path, f"cannot read past line {lines.lines_read}: {exc}") from exc
                if not block and not pending:
                    break
                first = lines.lines_read - len(block) - len(pending) + 1
                got, at, bad, pending = parse_block(
                    pending + block, first, self.delimiter or ",", width, lines.eof, lines.cut,
                    lines.bad)
                got, at, joined = _trimmed(got, at)
                if len(at) and at[0] <= self._header_line:
                    header = at == self._header_line
                    got = [r for r, h in zip(got, header) if not h]
                    joined = [t for t, h in zip(joined, header) if not h]
                    at = at[~header]
                records += got
                texts += joined
                starts.append(at)
                broken += [b for b in bad if b[0] != self._header_line]
                while len(records) + len(broken) >= chunk_rows or (
                        lines.eof and not pending and (records or broken)):
                    yield self._take_chunk(records, starts, texts, broken, chunk_rows, width)
            raw.drain()
            self.sha256 = raw.digest.hexdigest()
        finally:
            text.close()

    def _take_chunk(self, records: list, starts: list, texts: list, broken: list,
                    chunk_rows: int, width: int) -> RawChunk:
        """A chunk of the first ``chunk_rows`` rows gathered (good and broken, by line number);
        the rest stays in the lists given."""
        lines = np.concatenate(starts) if starts else np.empty(0, dtype=np.int64)
        broken.sort(key=lambda b: b[0])
        n, m = len(lines), len(broken)
        if n + m > chunk_rows:
            every = np.sort(np.concatenate([lines, np.asarray([b[0] for b in broken],
                                                               dtype=np.int64)]))
            last = int(every[chunk_rows - 1])
            n = int(np.searchsorted(lines, last, "right"))
            m = sum(1 for b in broken if b[0] <= last)
        chunk = self._records_chunk(records[:n], lines[:n], texts[:n], width, broken[:m])
        del records[:n], texts[:n], broken[:m]
        starts[:] = [lines[n:]]
        return chunk

    def _records_chunk(self, records: list[list[str]], starts: np.ndarray, texts: list[str],
                       width: int, broken: list) -> RawChunk:
        """A chunk from parsed CSV records (trimmed, none blank): rows of the header's width
        go to the frame, others (after dropping empty surplus fields) to ``broken``."""
        lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
        odd = np.flatnonzero(lengths != width)
        broken = list(broken)
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
                    texts[i] = CELL_SEP.join(record)
            if wrong.any():
                keep = np.flatnonzero(~wrong)
                records = [records[i] for i in keep]
                texts = [texts[i] for i in keep]
                starts = starts[keep]
        digests = row_keys(texts)
        frame = pd.DataFrame(records, columns=self.columns, dtype=object) if records else \
            pd.DataFrame({c: pd.Series([], dtype=object) for c in self.columns})
        frame[LINE_NUMBER] = np.asarray(starts, dtype=np.int64)
        return RawChunk(frame, broken_frame(self.columns, broken, self.delimiter or ","),
                        digests)


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
        joined = CELL_SEP.join(record)
    return record, joined


def _needs_trimming(joined: list[str]) -> bool:
    """Whether :func:`_trim_row` would change any row (rows given as their joined cells):
    substring searches over the whole chunk and a strip of each row's ends, all in C."""
    text = CELL_SEP.join(joined)
    if any(blank in text for blank in _BLANKS_ANYWHERE):
        return True  # found across two rows, a blank ends or opens one: a trigger too
    # whitespace of any kind opening or closing a row
    return sum(map(len, joined)) != sum(map(len, map(str.strip, joined)))


def _trimmed(records: list[list[str]], starts: np.ndarray
             ) -> tuple[list[list[str]], np.ndarray, list[str]]:
    """Records with blanks trimmed as :func:`_trim_row` does, blank ones dropped (blank lines,
    rows of empty cells), their start lines, and each one's cells joined by the separator."""
    joined = list(map(CELL_SEP.join, records))
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
    """Decode the sample; return (text, codec). UTF-16 when it opens with its byte-order mark
    (a spreadsheet's "Unicode text"), else utf-8-sig strictly, else cp1251, else junk."""
    if not encoding and sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = codecs.getincrementaldecoder("utf-16")().decode(
                sample, final=len(sample) < _SAMPLE_BYTES)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(path, "not valid UTF-16 after its byte-order mark") from exc
        if _looks_like_text(text) and "\x00" not in text:
            return text, "utf-16"
        raise UnreadableFile(path, "binary data, not a text table (decoded as utf-16)")
    if sample.count(b"\x00") > max(1, len(sample) // 1000):
        raise UnreadableFile(path, "binary data (NUL bytes), not a text table")
    candidates = [encoding] if encoding else ["utf-8-sig", "cp1251"]
    for codec in candidates:
        try:
            text = _decode(sample, codec, "strict")
        except UnicodeDecodeError:
            # a stray byte or two in a file that is clearly of this encoding costs its lines
            # only (rejected when read), not the file; ASCII with a stray byte is cp1251
            text = _decode(sample, codec, "surrogateescape")
            bad = len(_ESCAPED.findall(text))
            if bad > max(1, len(sample) // 10_000) or not (
                    encoding or _MULTIBYTE.search(text)):
                continue
            text = _ESCAPED.sub("\ufffd", text)
        except LookupError:
            continue
        if _looks_like_text(text):
            if codec != "utf-8-sig" and sample.startswith(codecs.BOM_UTF8):
                # a UTF-8 mark before text of another encoding: the mark is no header text
                text = text[len(codecs.BOM_UTF8.decode(codec)):]
            return text, codec
        raise UnreadableFile(path, f"binary data, not a text table (decoded as {codec})")
    tried = " or ".join(candidates)
    raise UnreadableFile(path, f"unreadable encoding: the bytes are neither {tried}")


_ESCAPED = re.compile("[\udc80-\udcff]")
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _decode(sample: bytes, codec: str, errors: str) -> str:
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    # final=False: the sample may end inside a multi-byte character
    return decoder.decode(sample.replace(b"\x00", b""), final=len(sample) < _SAMPLE_BYTES)


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
    sheet: str | None = None,
) -> TableSource:
    """Open ``path``, recognise its format, encoding, delimiter and header.

    Parameters
    ----------
    path : the input file (CSV / TSV, optionally ``.gz``; ``.xlsx``; Parquet; FtM JSON lines).
    format : ``csv``, ``xlsx``, ``parquet`` or ``ftm`` to skip recognition.
    delimiter, encoding : overrides (from a source profile).
    sheet : XLSX only: read this worksheet alone; by default every worksheet whose header is
        the first one's is read, the others listed in :attr:`TableSource.skipped_sheets`.

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
    fmt = format or _recognise(path, head)
    source = TableSource(path=path, format=fmt, compressed=compressed, sheet=sheet)
    if fmt == "ftm":
        text, codec = _decode_sample(path, head, encoding or "utf-8-sig")
        source.encoding = codec
        return source
    if fmt in LIST_FORMATS:
        from loaders.lists.read import open_list

        open_list(source, head)
        return source
    if fmt == "xlsx":
        from loaders.xlsx import xlsx_header

        xlsx_header(source)
    elif fmt == "parquet":
        from loaders.parquet import parquet_header

        source.columns = parquet_header(path, compressed)
    else:
        text, codec = _decode_sample(path, head, encoding)
        lines = _sample_lines(text, complete=len(head) < _SAMPLE_BYTES)
        blank = next((i for i, ln in enumerate(lines) if ln.strip()), len(lines))
        source._header_line = blank + 1
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


def _recognise(path: Path, head: bytes) -> str:
    """The format, a sanctions list's own layout (:mod:`loaders.lists`) first."""
    if not head.startswith((_ZIP_MAGIC, _PARQUET_MAGIC)):
        from loaders.lists.read import recognise_list

        fmt = recognise_list(head)
        if fmt:
            return fmt
    return _recognise_format(path, head)


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
