"""Read an XLSX workbook's first worksheet: its header and its rows as chunks of text.

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

__all__ = ["xlsx_header", "xlsx_chunks"]


def xlsx_header(path: Path, compressed: bool) -> tuple[list[str], int]:
    """The first non-empty row of the first worksheet and its row number."""
    with local_copy(path, compressed) as local:
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


def xlsx_chunks(path: Path, columns: list[str], header_line: int, local: Path,
                chunk_rows: int) -> Iterator[RawChunk]:
    """The rows below the header (empty ones skipped) in chunks of at most ``chunk_rows``;
    a row with values beyond the header's columns is broken."""
    try:
        book = openpyxl.load_workbook(local, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise UnreadableFile(path, f"not a readable .xlsx workbook: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        width = len(columns)
        rows, lines, broken = [], [], []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
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
                yield _rows_chunk(columns, rows, lines, broken)
                rows, lines, broken = [], [], []
        if rows or broken:
            yield _rows_chunk(columns, rows, lines, broken)
    finally:
        book.close()


def _rows_chunk(columns: list[str], rows, lines, broken) -> RawChunk:
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frame[LINE_NUMBER] = np.asarray(lines, dtype=np.int64)
    return RawChunk(frame, broken_frame(columns, broken, ","), row_keys(map(CELL_SEP.join, rows)))


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
