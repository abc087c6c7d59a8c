"""Result files are safe to open: no live spreadsheet formulas, no terminal escapes."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tracegraph.output import frame_text

HOSTILE = ['=HYPERLINK("http://evil","click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1-2",
           "-2+3", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_that_a_spreadsheet_would_run_are_text(text):
    frame = pd.DataFrame({"name": [text, "Radiokom LLC"], "score": [-0.5, 0.9]})
    back = pd.read_csv(io.StringIO(frame_text(frame, "csv")), keep_default_na=False)
    assert back["name"].tolist() == ["'" + text, "Radiokom LLC"]
    assert back["score"].tolist() == [-0.5, 0.9]  # numbers stay numbers


def test_lists_joined_in_a_cell_are_neutralised_too():
    frame = pd.DataFrame({"names": [["=1+1", "ok"]]})
    assert frame_text(frame, "csv").splitlines()[1] == "'=1+1;ok"


def test_jsonl_stays_verbatim():
    frame = pd.DataFrame({"name": ["=1+1"]})
    assert frame_text(frame, "jsonl") == '{"name": "=1+1"}\n'


def test_terminal_table_drops_controls_and_bidi_overrides():
    frame = pd.DataFrame({"name": ["ACME\u202eCLL\x1b[2J\x07", "Ok"]})
    text = frame_text(frame, "table")
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "ACMECLL[2J" in text


def test_progress_bar_draws_on_a_terminal_only(capsys):
    from tracegraph.progress import TerminalProgress

    with TerminalProgress(enabled=True, delay=0) as progress:
        progress("shipments.csv", 512, 1024)
        progress("shipments.csv", 1024, 1024)
    drawn = capsys.readouterr().err
    assert "shipments.csv" in drawn and "100%" in drawn

    with TerminalProgress(enabled=False) as progress:
        progress("shipments.csv", 1024, 1024)
    assert capsys.readouterr().err == ""
