"""Write a result frame as CSV, JSON lines or a terminal table (CONTRACT.md "Outputs").

Text comes from investigators' files and can be built to attack whoever opens the result:
a CSV cell starting with ``= + - @``, a tab or a carriage return is prefixed with ``'`` so a
spreadsheet shows it as text instead of running it (OWASP "CSV injection"; the rule lives in
``exports.cells.spreadsheet_safe``, shared with the exports); a terminal
table drops control characters and bidirectional overrides, which could rewrite what the
screen shows. JSON lines stay verbatim: they are for programs.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

import click
import pandas as pd
from tabulate import tabulate

from exports.cells import spreadsheet_safe

__all__ = ["write_frame", "save_frame", "frame_text", "table_text", "spreadsheet_safe",
           "terminal_safe"]


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


# C0 and C1 controls (tab and newline included: a table cell is one line) and the Unicode
# bidirectional embeddings, overrides and isolates
_UNSAFE_ON_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` without control characters and bidirectional overrides.

    >>> terminal_safe("ACME\u202eCLL\x1b[2J")
    'ACMECLL[2J'
    """
    return _UNSAFE_ON_TERMINAL.sub("", text)


def frame_text(frame: pd.DataFrame, fmt: str = "csv") -> str:
    """``frame`` as the text of one output format: ``csv``, ``jsonl`` or ``table``."""
    frame = _plain(frame)
    if fmt == "csv":
        # CRLF ends a record (RFC 4180): with it a bare CR inside a cell is quoted too
        safe = frame.map(spreadsheet_safe) if len(frame) else frame
        return safe.to_csv(index=False, lineterminator="\r\n")
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n"
                       for row in frame.to_dict(orient="records"))
    return _table(frame)


def save_frame(frame: pd.DataFrame, fmt: str, out: str | Path) -> Path:
    """Write ``frame`` to the file ``out``; return its path."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frame_text(frame, fmt), encoding="utf-8")
    return path


def write_frame(frame: pd.DataFrame, fmt: str = "csv", out: str | Path | None = None) -> None:
    """Write ``frame`` to ``out`` (a path, saying so on standard error) or standard output."""
    if out:
        save_frame(frame, fmt, out)
        click.echo(f"wrote {len(frame)} rows to {out}", err=True)
    else:
        sys.stdout.write(frame_text(frame, fmt))


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _truncated(text: str, max_width: int) -> str:
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def table_text(rows, headers, max_width: int = 48, align=None) -> str:
    """``rows`` under ``headers`` as an aligned terminal table, long cells cut at
    ``max_width`` characters; every terminal table of tracegraph goes through here.
    ``align``: one of "left", "right", "center" per column (default: all left)."""
    cells = [[_truncated(terminal_safe(_shown(v)), max_width) for v in row] for row in rows]
    # cells are already text: tabulate must not re-parse "1,234.00" or "0012" as numbers
    return tabulate(cells, headers=[terminal_safe(str(h)) for h in headers], tablefmt="simple",
                    disable_numparse=True, colalign=align) + "\n"


def _table(frame: pd.DataFrame, max_width: int = 48) -> str:
    if frame.empty:
        return "(no rows)\n"
    return table_text(frame.itertuples(index=False), frame.columns, max_width)
