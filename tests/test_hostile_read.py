"""The reader on hostile files (tests/hostile.py): every physical record accounted, broken
records costing their own line only, bombs bounded, one-line errors."""

from __future__ import annotations

import time
import tracemalloc

import pandas as pd
import pytest

import hostile
from loaders import raw
from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.csvrows import MAX_RECORD_LINES
from loaders.normalize import clean_name, name_key, person_key
from loaders.normalize.names import MAX_NAME_CHARS
from loaders.read import UnreadableFile, open_table


def read_all(path, chunk_rows: int = 50_000, **options):
    """(source, good frame, broken frame, sheets of the chunks) of a whole file."""
    source = open_table(path, **options)
    chunks = list(source.chunks(chunk_rows))
    good = pd.concat([c.frame for c in chunks], ignore_index=True)
    broken = pd.concat([c.broken for c in chunks], ignore_index=True)
    return source, good, broken, [c.sheet for c in chunks]


def assert_accounted(source, good, broken, rows: int) -> None:
    """rows read = good + broken = the data rows written; no line counted twice."""
    assert len(good) + len(broken) == rows
    lines = pd.concat([good[LINE_NUMBER], broken[LINE_NUMBER]])
    assert lines.is_unique
    assert source.lines_read >= lines.max()


@pytest.mark.parametrize("chunk_rows", [50_000, 7])
def test_a_stray_quote_costs_its_own_line_only(tmp_path, chunk_rows):
    path = hostile.stray_quote(tmp_path, rows=1000, at_line=120)
    source, good, broken, _ = read_all(path, chunk_rows)
    assert_accounted(source, good, broken, 1000)
    assert source.lines_read == 1001
    assert broken[LINE_NUMBER].tolist() == [120]
    assert "stray quote" in broken[REJECT_REASON].iloc[0]
    # the rows after it are read as they stand, with their own line numbers
    assert good[LINE_NUMBER].tolist() == [n for n in range(2, 1002) if n != 120]
    assert good["exporter_name"].str.len().max() < 100
    # the row with the partner quote is read as written (a quote inside a cell is text)
    assert 'Omega 5" Drive Co' in good["exporter_name"].tolist()


def test_a_quote_never_closed_costs_its_own_line_only(tmp_path):
    path = hostile.endless_quoted_cell(tmp_path, rows=200, at_line=50)
    source, good, broken, _ = read_all(path, chunk_rows=13)
    assert_accounted(source, good, broken, 200)
    assert broken[LINE_NUMBER].tolist() == [50]
    assert f"within {MAX_RECORD_LINES} lines" in broken[REJECT_REASON].iloc[0]


def test_a_multi_line_cell_within_the_limit_is_one_record(tmp_path):
    path = tmp_path / "ok.csv"
    text = "a,b\n" + '"two\nlines",x\n' + "c,d\n" + '"' + "\n".join("l" * MAX_RECORD_LINES) + '",y\n'
    path.write_text(text)
    source, good, broken, _ = read_all(path)
    assert good[LINE_NUMBER].tolist() == [2, 4, 5] and broken.empty
    assert good["a"].iloc[0] == "two\nlines"


def test_a_stray_quote_closed_on_another_row_gives_back_the_rows_between(tmp_path):
    # the quote's partner 3 lines down: a 3-line 'record' of the wrong width
    path = tmp_path / "near.csv"
    rows = ["id,name,country", '1,"Alpha,KZ', "2,Beta,KZ", "3,Gamma,KZ", '4,Del"ta,KZ', "5,Eps,KZ"]
    path.write_text("\n".join(rows) + "\n")
    source, good, broken, _ = read_all(path)
    assert_accounted(source, good, broken, 5)
    assert broken[LINE_NUMBER].tolist() == [2]
    assert good["id"].tolist() == ["2", "3", "4", "5"]


def test_a_cell_over_64_kb_is_rejected_with_its_size(tmp_path):
    path = hostile.big_cell(tmp_path, rows=50, at_line=10, size=100_000)
    source, good, broken, _ = read_all(path)
    assert_accounted(source, good, broken, 50)
    assert broken[LINE_NUMBER].tolist() == [10]
    assert "100,000 characters" in broken[REJECT_REASON].iloc[0]


def test_crlf_lf_and_cr_line_ends_are_all_line_ends(tmp_path):
    path = hostile.crlf_lf_mix(tmp_path, rows=100)
    source, good, broken, _ = read_all(path)
    assert_accounted(source, good, broken, 100)
    assert broken.empty
    # the record with a CRLF inside a quoted cell covers lines 12-13
    assert good[LINE_NUMBER].tolist() == list(range(2, 13)) + list(range(14, 103))
    assert source.lines_read == 102


def test_nul_bytes_cost_their_lines(tmp_path):
    path = hostile.nul_bytes(tmp_path, rows=100, at_lines=(5, 60))
    source, good, broken, _ = read_all(path)
    assert_accounted(source, good, broken, 100)
    assert broken[LINE_NUMBER].tolist() == [5, 60]
    assert broken[REJECT_REASON].str.contains("NUL").all()


def test_a_bad_byte_past_the_sample_costs_its_line(tmp_path):
    path = hostile.bad_byte(tmp_path, rows=30_000, at_line=25_000)
    source, good, broken, _ = read_all(path, chunk_rows=10_000)
    assert_accounted(source, good, broken, 30_000)
    assert broken[LINE_NUMBER].tolist() == [25_000]
    assert "\ufffd" in broken["exporter_name"].iloc[0]  # the rejects file stays valid UTF-8
    assert source.sha256 is not None


def test_a_utf8_mark_before_cp1251_text(tmp_path):
    path = hostile.bom_cp1251(tmp_path, rows=50)
    source, good, broken, _ = read_all(path)
    assert source.encoding == "cp1251" and source.columns[0] == "record_id"
    assert_accounted(source, good, broken, 50)
    assert good["importer_name"].iloc[3] == "ООО «Радиоком 3»"


def test_a_spreadsheets_unicode_text_export_reads(tmp_path):
    path = hostile.utf16_tab_text(tmp_path, rows=40)
    source, good, broken, _ = read_all(path)
    assert (source.encoding, source.delimiter) == ("utf-16", "\t")
    assert_accounted(source, good, broken, 40)
    assert len(broken) == 0 and source.lines_read == 41
    assert good["importer_name"].iloc[7] == "ООО «Радиоком 7»"


def test_ten_thousand_unknown_columns_cost_linear_time(tmp_path):
    """Every unknown column is kept; the columns are added in one step, not one at a time
    (which took four minutes of CPU at this width, against the bound of one here)."""
    from loaders.pipeline import Resolution, read_file

    path = hostile.wide_file(tmp_path, rows=20, extra_columns=10_000)
    load = read_file(path)
    started = time.process_time()
    chunks = list(load.chunks())
    resolved = [Resolution().to_resolved(chunk)["shipments"] for chunk in chunks]
    assert time.process_time() - started < 60
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (20, 20, 0)
    shipments = pd.concat(resolved, ignore_index=True)
    assert shipments.shape[0] == 20 and "src_extra_9999" in shipments.columns


def test_json_nested_too_deep_costs_its_line(tmp_path):
    from loaders.pipeline import read_file

    load = read_file(hostile.deep_json_ftm(tmp_path))
    rejects = pd.concat([chunk.rejects for chunk in load.chunks()], ignore_index=True)
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (3, 1, 2)
    assert rejects[LINE_NUMBER].tolist() == [1, 3]


def test_an_endless_line_is_cut_in_bounded_memory(tmp_path):
    path = hostile.gz_bomb(tmp_path, unpacked_mb=48)
    source = open_table(path)
    tracemalloc.start()
    started = time.perf_counter()
    chunks = list(source.chunks())
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    broken = pd.concat([c.broken for c in chunks])
    assert broken[LINE_NUMBER].tolist() == [2]
    assert "longer than" in broken[REJECT_REASON].iloc[0]
    assert peak < 40_000_000, peak  # the 48 MB line is never held whole
    assert elapsed < 20


def test_a_gzip_bomb_stops_at_the_cap_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(raw, "MAX_UNPACKED_BYTES", 8 << 20)
    path = hostile.gz_bomb(tmp_path, unpacked_mb=32)
    with pytest.raises(UnreadableFile, match="decompresses to more than") as info:
        for _ in open_table(path).chunks():
            pass
    assert "\n" not in str(info.value)


def test_an_xlsx_gz_bomb_is_never_unpacked_past_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(raw, "MAX_UNPACKED_BYTES", 8 << 20)
    monkeypatch.setattr(raw.tempfile, "tempdir", str(tmp_path))
    path = hostile.gz_bomb(tmp_path, unpacked_mb=32, xlsx=True)
    with pytest.raises(UnreadableFile, match="decompresses to more than"):
        open_table(path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("tmp")]  # copy removed


def test_every_sheet_with_the_header_is_read_and_the_others_listed(tmp_path):
    path = hostile.xlsx_sheets(tmp_path, per_sheet=30)
    source, good, broken, sheets = read_all(path, chunk_rows=20)
    assert source.sheets == ["Q1", "Q2"]
    assert [name for name, _ in source.skipped_sheets] == ["Notes", "Empty"]
    assert "header differs" in dict(source.skipped_sheets)["Notes"]
    assert_accounted_rows = len(good) + len(broken)
    assert assert_accounted_rows == 60
    assert sheets == ["Q1", "Q1", "Q2", "Q2"]  # one sheet per chunk
    # rows numbered per sheet: both sheets' rows are 2..31
    assert sorted(good[LINE_NUMBER].tolist()) == sorted(list(range(2, 32)) * 2)
    assert good["record_id"].is_unique
    assert source.lines_read == 62


def test_one_sheet_by_name(tmp_path):
    path = hostile.xlsx_sheets(tmp_path)
    source, good, _, sheets = read_all(path, sheet="Notes")
    assert source.columns == ["note", "author"] and good["note"].tolist() == ["checked"]
    assert set(sheets) == {"Notes"}
    with pytest.raises(UnreadableFile, match="no worksheet 'Q3'; the workbook has Q1, Q2"):
        open_table(path, sheet="Q3")


def test_a_declared_whole_grid_dimension_is_ignored(tmp_path):
    path = hostile.xlsx_huge_dimension(tmp_path, rows=20)
    started = time.perf_counter()
    source, good, broken, _ = read_all(path)
    assert time.perf_counter() - started < 10
    assert_accounted(source, good, broken, 20)


def test_a_value_in_the_grids_last_cell_is_one_broken_row(tmp_path):
    path = hostile.xlsx_far_cell(tmp_path, rows=5)
    started = time.perf_counter()
    source, good, broken, _ = read_all(path)
    assert time.perf_counter() - started < 10
    assert_accounted(source, good, broken, 6)
    assert broken[LINE_NUMBER].tolist() == [1_048_576]
    assert len(broken[REJECT_REASON].iloc[0]) < 1_200  # 16,375 empty surplus cells not listed


def test_formulas_and_bidi_controls_are_read_verbatim(tmp_path):
    # the reader keeps what the file says; outputs neutralise formulas, terminals strip bidi
    _, good, broken, _ = read_all(hostile.formula_names(tmp_path))
    assert broken.empty and good["exporter_name"].iloc[0].startswith("=HYPERLINK(")
    _, good, _, _ = read_all(hostile.bidi_names(tmp_path))
    assert good["exporter_name"].iloc[0] == "Safe\u202eCo Ltd"


@pytest.mark.parametrize("unpacked_mb", [64, 210])
def test_a_shared_string_bomb_is_refused_before_opening(tmp_path, unpacked_mb):
    path = hostile.xlsx_shared_string_bomb(tmp_path, unpacked_mb=unpacked_mb)
    assert path.stat().st_size < 1_000_000
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match="compression bomb|unpacks to") as info:
        open_table(path)
    assert time.perf_counter() - started < 2
    assert "\n" not in str(info.value)


def test_a_40000_character_name_is_refused_at_once():
    name = "a" * 39_999 + "-"
    started = time.perf_counter()
    assert clean_name(name) is None and name_key(name) is None and person_key(name) is None
    assert time.perf_counter() - started < 0.5
    limit = "Ala-" * (MAX_NAME_CHARS // 4)
    assert clean_name(limit) is not None and name_key(limit)
    assert clean_name(limit + "Too") is None


def test_the_long_name_file_reads_and_leaves_the_limit_to_validation(tmp_path):
    path = hostile.long_hyphenated_name(tmp_path)
    source, good, broken, _ = read_all(path)
    assert_accounted(source, good, broken, 5)
    assert good["exporter_name"].str.len().max() == 40_000
