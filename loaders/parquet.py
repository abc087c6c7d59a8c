"""Read a Parquet file: its column names as the header and its rows, in batches, as text.

Numbers and dates become the text a person would write (``12`` not ``12.0``, ``2023-01-01``
for a midnight timestamp); line numbers count as if a header were line 1. :mod:`loaders.read`
opens the file and calls these on a seekable local copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from loaders.columns import LINE_NUMBER
from loaders.raw import CELL_SEP, RawChunk, UnreadableFile, broken_frame, local_copy, row_keys

__all__ = ["parquet_header", "parquet_chunks"]


def parquet_header(path: Path, compressed: bool) -> list[str]:
    """The file's column names."""
    with local_copy(path, compressed) as local:
        try:
            return list(pq.ParquetFile(local).schema_arrow.names)
        except Exception as exc:
            raise UnreadableFile(path, f"not a readable Parquet file: {exc}") from exc


def parquet_chunks(path: Path, columns: list[str], local: Path,
                   chunk_rows: int) -> Iterator[RawChunk]:
    """The rows in batches of at most ``chunk_rows`` (rows of empty cells skipped)."""
    try:
        parquet = pq.ParquetFile(local)
    except Exception as exc:
        raise UnreadableFile(path, f"not a readable Parquet file: {exc}") from exc
    first_line = 2
    for batch in parquet.iter_batches(batch_size=chunk_rows):
        frame = pd.DataFrame({
            name: _arrow_text(batch.column(i)) for i, name in enumerate(columns)
        })
        numbers = range(first_line, first_line + batch.num_rows)
        first_line += batch.num_rows
        frame[LINE_NUMBER] = np.asarray(numbers, dtype=np.int64)
        blank = (frame[columns] == "").all(axis=1) if columns else None
        if blank is not None and blank.any():
            frame = frame[~blank].reset_index(drop=True)
        texts = list(map(CELL_SEP.join, zip(*(frame[c] for c in columns))))
        yield RawChunk(frame, broken_frame(columns, [], ","), row_keys(texts))


def _arrow_text(column) -> pd.Series:
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
