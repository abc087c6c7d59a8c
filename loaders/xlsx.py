"""Read an XLSX workbook: the first worksheet's header, and the rows of every worksheet with
that header (or of the one asked for) as chunks of text, one sheet per chunk.

Cells come out as text the way a person reads them in Excel (dates as ``YYYY-MM-DD``, whole
numbers without ``.0``); line numbers are the worksheet's row numbers. :mod:`loaders.read`
opens the file and calls these on a seekable local copy.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from loaders.columns import LINE_NUMBER
from loaders.raw import CELL_SEP, RawChunk, UnreadableFile, broken_frame, local_copy, row_keys

__all__ = ["xlsx_header", "xlsx_chunks", "check_zip", "MAX_XLSX_UNPACKED", "MAX_XLSX_RATIO"]

#: Bytes an XLSX's zip members may unpack to together, and the unpacked / packed ratio a
#: member over :data:`_RATIO_FLOOR` bytes may have: checked before openpyxl opens the file.
MAX_XLSX_UNPACKED = 200 << 20
MAX_XLSX_RATIO = 100
_RATIO_FLOOR = 1 << 20


def check_zip(path: Path, local: Path) -> None:
    """Refuse a workbook whose zip members unpack beyond the limits (a shared-string or sheet
    bomb), from the zip directory alone."""
    if not zipfile.is_zipfile(local):
        raise UnreadableFile(path, "not a readable .xlsx workbook")
    try:
        with zipfile.ZipFile(local) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(path, f"not a readable .xlsx workbook: {exc}") from exc
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNPACKED:
        raise UnreadableFile(path, (
            f"the workbook unpacks to {total:,} bytes (limit {MAX_XLSX_UNPACKED:,}); "
            "save it as CSV"))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > MAX_XLSX_RATIO:
            raise UnreadableFile(path, (
                f"{member.filename} in the workbook unpacks {ratio:,.0f} times its size "
                f"(limit {MAX_XLSX_RATIO}; a compression bomb?); save it as CSV"))


def _open(path: Path, local: Path):
    check_zip(path, local)
    try:
        return openpyxl.load_workbook(local, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise UnreadableFile(path, f"not a readable .xlsx workbook: {exc}") from exc


def _sheet_rows(sheet):
    """(row number, cell texts) of a sheet, the declared dimension ignored (a sheet claiming
    the whole grid would otherwise pad every row to 16,384 cells)."""
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, values


def _header_of(sheet) -> tuple[list[str], int] | None:
    for number, values in _sheet_rows(sheet):
        cells = [_cell_text(v) for v in values]
        if any(c.strip() for c in cells):
            while cells and not cells[-1].strip():
                cells.pop()
            return cells, number
    return None


def xlsx_header(source) -> None:
    """Fill ``source`` (a :class:`loaders.read.TableSource`): the header (first non-empty
    row) of its sheet or of the first worksheet, the sheets to read (those with the same
    header) and the sheets skipped with a reason."""
    from loaders.read import canonical_header

    path = source.path
    with local_copy(path, source.compressed) as local:
        book = _open(path, local)
        try:
            names = [ws.title for ws in book.worksheets]
            if not names:
                raise UnreadableFile(path, "the workbook has no worksheet")
            if source.sheet is not None and source.sheet not in names:
                raise UnreadableFile(path, (
                    f"no worksheet {source.sheet!r}; the workbook has {', '.join(names)}"))
            wanted = [source.sheet] if source.sheet is not None else names
            header, headers = None, {}
            for name in wanted:
                found = _header_of(book[name])
                if found is None:
                    source.skipped_sheets.append((name, "empty"))
                    continue
                if header is None:
                    header = found
                if [canonical_header(c) for c in found[0]] != \
                        [canonical_header(c) for c in header[0]]:
                    source.skipped_sheets.append((name, (
                        "its header differs from the first sheet's: "
                        + ", ".join(c for c in found[0] if c.strip())[:200])))
                    continue
                headers[name] = found[1]
        finally:
            book.close()
    if header is None:
        raise UnreadableFile(path, "empty file: no worksheet has rows")
    source.columns, source._header_line = header
    source.sheets = list(headers)
    source._sheet_headers = headers


def xlsx_chunks(source, local: Path, chunk_rows: int) -> Iterator[RawChunk]:
    """The rows below the header of each sheet read (empty ones skipped) in chunks of at most
    ``chunk_rows``, one sheet per chunk; a row with values beyond the header's columns is
    broken."""
    book = _open(source.path, local)
    seen = 0
    try:
        for name in source.sheets:
            for chunk, rows in _sheet_chunks(book[name], name, source.columns,
                                             source._sheet_headers[name], chunk_rows):
                source._rows_seen = seen + rows
                yield chunk
            seen = source._rows_seen
    finally:
        book.close()


def _sheet_chunks(sheet, name: str, columns: list[str], header_line: int, chunk_rows: int):
    width = len(columns)
    rows, lines, broken = [], [], []
    number = 0
    for number, values in _sheet_rows(sheet):
        if number <= header_line:
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
            yield _rows_chunk(columns, rows, lines, broken, name), number
            rows, lines, broken = [], [], []
    if rows or broken:
        yield _rows_chunk(columns, rows, lines, broken, name), number


def _rows_chunk(columns: list[str], rows, lines, broken, sheet: str) -> RawChunk:
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frame[LINE_NUMBER] = np.asarray(lines, dtype=np.int64)
    return RawChunk(frame, broken_frame(columns, broken, ","), row_keys(map(CELL_SEP.join, rows)),
                    sheet)


def _cell_text(value) -> str:
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
