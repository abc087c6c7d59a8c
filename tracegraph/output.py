"""Write a result frame as CSV, JSON lines or a terminal table (CONTRACT.md "Outputs")."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click
import pandas as pd


def _cell(value):
    # lists inside a cell are joined with ';' (CONTRACT.md)
    if isinstance(value, (list, tuple, set)):
        return ";".join(str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime
        return value.iso_format()
    return value


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).map(_cell) if len(frame) else frame


def write_frame(frame: pd.DataFrame, fmt: str = "csv", out: str | Path | None = None) -> None:
    """Write ``frame`` to ``out`` (a path) or standard output."""
    frame = _plain(frame)
    if fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "jsonl":
        text = "".join(
            json.dumps(row, ensure_ascii=False, default=str) + "\n"
            for row in frame.to_dict(orient="records")
        )
    else:
        text = _table(frame)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(frame)} rows to {out}", err=True)
    else:
        sys.stdout.write(text)


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _table(frame: pd.DataFrame, max_width: int = 48) -> str:
    if frame.empty:
        return "(no rows)\n"
    cells = [[_shown(v) for v in row] for row in frame.itertuples(index=False)]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    headers = list(map(str, frame.columns))
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"
