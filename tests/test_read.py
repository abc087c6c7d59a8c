"""Reading input files: formats, encodings, delimiters, chunks, line numbers, unreadable files."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import tracemalloc

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from loaders import LoaderError
from loaders.columns import LINE_NUMBER, REJECT_REASON
from loaders.read import UnknownKind, UnreadableFile, detect_kind, open_table

SHIPMENT_HEADER = ["record_id", "date", "exporter_name", "exporter_country", "importer_name",
                   "importer_country", "hs_code", "quantity", "value_usd"]


def _shipments(n: int = 5) -> pd.DataFrame:
    return pd.DataFrame({
        "record_id": [f"R-{i}" for i in range(n)],
        "date": [f"2023-03-{i % 28 + 1:02d}" for i in range(n)],
        "exporter_name": ["ОсОО «Альфа Трейд»", "Shenzhen Hua Xin, Ltd", "Gulf | Star", "Beta; Co", "Ömer A.Ş."][:1] * n,
        "exporter_country": ["KG"] * n,
        "importer_name": ["ООО «Радиоком»"] * n,
        "importer_country": ["RU"] * n,
        "hs_code": ["8542.31"] * n,
        "quantity": [str(100 + i) for i in range(n)],
        "value_usd": [str(1000 + i) for i in range(n)],
    })


def _all_rows(source, chunk_rows=50_000):
    frames = [c.frame for c in source.chunks(chunk_rows)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    frame = _shipments(6)
    frame.loc[1, "exporter_name"] = f"Alpha{delimiter} Beta"  # a quoted delimiter inside a cell
    path = tmp_path / "s.csv"
    frame.to_csv(path, sep=delimiter, index=False)
    source = open_table(path)
    assert source.format == "csv"
    assert source.delimiter == delimiter
    assert source.columns == SHIPMENT_HEADER
    rows = _all_rows(source)
    assert rows["exporter_name"].tolist() == frame["exporter_name"].tolist()
    assert rows["line_number"].tolist() == list(range(2, 8))


def test_utf8_with_bom_and_cp1251(tmp_path):
    frame = _shipments(3)
    bom = tmp_path / "bom.csv"
    frame.to_csv(bom, sep=";", index=False, encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    source = open_table(bom)
    assert source.encoding == "utf-8-sig"
    assert source.columns[0] == "record_id"  # no BOM glued to the first header
    assert _all_rows(source)["importer_name"].tolist() == ["ООО «Радиоком»"] * 3

    win = tmp_path / "win.csv"
    win.write_bytes(frame.to_csv(sep=";", index=False).encode("cp1251"))
    source = open_table(win)
    assert source.encoding == "cp1251"
    assert _all_rows(source)["exporter_name"].tolist() == ["ОсОО «Альфа Трейд»"] * 3


def test_gzip_and_sha256_of_the_stored_bytes(tmp_path):
    path = tmp_path / "s.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        _shipments(4).to_csv(handle, index=False)
    source = open_table(path)
    assert source.compressed and source.format == "csv"
    assert len(_all_rows(source)) == 4
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_xlsx_first_sheet_with_excel_row_numbers(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Record_ID ", "Date", "Exporter_Name", "importer_id", "Quantity"])
    sheet.append(["A-1", dt.datetime(2023, 3, 15), "Alpha", 7707083893, 12.0])
    sheet.append([None, None, None, None, None])  # an empty row in the middle
    sheet.append(["A-2", dt.date(2023, 3, 16), "Beta", None, 2.5])
    book.create_sheet("other").append(["ignored"])
    path = tmp_path / "book.xlsx"
    book.save(path)

    source = open_table(path)
    assert source.format == "xlsx"
    assert source.columns == ["Record_ID", "Date", "Exporter_Name", "importer_id", "Quantity"]
    rows = _all_rows(source)
    assert rows["line_number"].tolist() == [2, 4]
    assert rows["Date"].tolist() == ["2023-03-15", "2023-03-16"]
    assert rows["importer_id"].tolist() == ["7707083893", ""]
    assert rows["Quantity"].tolist() == ["12", "2.5"]
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_parquet_in_batches(tmp_path):
    table = pa.table({
        "record_id": [f"P-{i}" for i in range(7)],
        "date": pa.array([dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(7)]),
        "quantity": pa.array([1.0, 2.0, None, 4.5, 5.0, 6.0, 7.0]),
        "importer_id": pa.array([7707083893, None, 1, 2, 3, 4, 5], pa.int64()),
    })
    path = tmp_path / "s.parquet"
    pq.write_table(table, path)
    source = open_table(path)
    assert source.format == "parquet"
    chunks = list(source.chunks(3))
    assert [len(c.frame) for c in chunks] == [3, 3, 1]
    rows = pd.concat([c.frame for c in chunks], ignore_index=True)
    assert rows["line_number"].tolist() == list(range(2, 9))
    assert rows["date"].tolist()[:2] == ["2023-01-01", "2023-01-02"]
    assert rows["quantity"].tolist()[:4] == ["1", "2", "", "4.5"]
    assert rows["importer_id"].tolist()[:2] == ["7707083893", ""]


def test_gzipped_parquet(tmp_path):
    plain = tmp_path / "t.parquet"
    pq.write_table(pa.table({"name": ["Alfa"], "country": ["KG"]}), plain)
    packed = tmp_path / "t.parquet.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    source = open_table(packed)
    assert (source.format, source.compressed) == ("parquet", True)
    assert _all_rows(source)["name"].tolist() == ["Alfa"]
    assert source.sha256 == hashlib.sha256(packed.read_bytes()).hexdigest()


def test_line_numbers_across_chunks_with_multiline_cells_and_blank_lines(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "record_id,description,quantity\n"        # line 1
        "A,plain,1\n"                             # line 2
        '"B","two\nlines",2\n'                    # lines 3-4
        "\n"                                      # line 5, blank
        ",,\n"                                    # line 6, cells all empty
        "C,  padded  ,3\n"                        # line 7
        "D,too,many,fields\n"                     # line 8
        "E,last,5\n",                             # line 9
        encoding="utf-8",
    )
    chunks = list(open_table(path).chunks(2))
    rows = pd.concat([c.frame for c in chunks], ignore_index=True)
    broken = pd.concat([c.broken for c in chunks], ignore_index=True)
    assert rows["record_id"].tolist() == ["A", "B", "C", "E"]
    assert rows["line_number"].tolist() == [2, 3, 7, 9]
    assert rows["description"].tolist() == ["plain", "two\nlines", "padded", "last"]
    assert broken["line_number"].tolist() == [8]
    assert broken["reject_reason"].iloc[0] == (
        "row has 4 fields where the header has 3; surplus fields: fields")
    assert sum(len(c) for c in chunks) == 5


def test_line_numbers_with_crlf_endings_and_line_breaks_inside_cells(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(
        b"record_id,description,quantity\r\n"     # line 1
        b'A,"one\r\ntwo\r\nthree",1\r\n'          # lines 2-4
        b"\r\n"                                  # line 5, blank
        b'B,"lone\nbreak",2\r\n'                  # lines 6-7
        b"C,plain,3\r\n"                         # line 8
    )
    for chunk_rows in (1, 2, 50):
        rows = _all_rows(open_table(path), chunk_rows)
        assert rows["record_id"].tolist() == ["A", "B", "C"]
        assert rows["line_number"].tolist() == [2, 6, 8]
        assert rows["description"].tolist()[2] == "plain"


def test_cells_are_trimmed_only_in_rows_with_blanks_around_a_cell(tmp_path):
    # a row with a blank next to a separator, a tab or a no-break space has every cell
    # trimmed; others are kept as written (an em space inside a row is text)
    path = tmp_path / "s.csv"
    path.write_text("a,b,c\nx ,y\u2003,z\nx,y\u2003,z\n1,\xa02,3\n", encoding="utf-8")
    rows = _all_rows(open_table(path))
    assert rows.drop(columns="line_number").values.tolist() == [
        ["x", "y", "z"], ["x", "y\u2003", "z"], ["1", "2", "3"]]


def test_duplicate_rows_have_equal_digests(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\n1,x\n2,y\n1,x\n 1 , x \n", encoding="utf-8")
    chunk = next(open_table(path).chunks())
    digests = list(chunk.digests)
    assert digests[0] == digests[2] == digests[3] != digests[1]


def test_reading_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    n = 40_000
    with path.open("w", encoding="utf-8") as handle:
        handle.write("record_id,exporter_name,quantity\n")
        for i in range(n):
            handle.write(f"R-{i:07d},Exporter number {i % 977} trading company,{i}\n")
    source = open_table(path)
    tracemalloc.start()
    rows = 0
    for chunk in source.chunks(1_000):
        rows += len(chunk.frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == n
    # the whole file as Python strings would take well over 10 MB; chunks of 1,000 rows do not
    assert peak < 4_000_000, peak


def test_kind_detection_from_columns():
    assert detect_kind(SHIPMENT_HEADER) == "shipments"
    assert detect_kind(["Name", "COUNTRY", "registration_number", "address"]) == "companies"
    assert detect_kind(["name", "country", "list", "program"]) == "watchlist"
    assert detect_kind(["company_registration_number", "company_country", "officer_name",
                        "role", "share_pct"]) == "officers"
    with pytest.raises(UnknownKind) as info:
        detect_kind(["Name", "registration_number", "vat"], "x.csv")
    message = str(info.value)
    assert message.startswith("x.csv: ") and "\n" not in message
    assert "closest is companies, which lacks country" in message


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"  \r\n\n  ", "empty file"),
    (bytes(range(256)) * 40, "binary data"),
    (b"a,b\n\x98\x81\x98,x\n", "unreadable encoding"),
    (b"name,country\n" + b"ab\x00cd,RU\n" * 50, "binary data"),
    (b"This is a letter, not a table; it goes on\nand on without any structure at all.\n"
     b"Really nothing here.\n", None),
])
def test_unreadable_files_give_one_line_naming_the_file(tmp_path, content, reason):
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    if reason is None:
        # prose: whatever splits, it is no table of any kind
        with pytest.raises(LoaderError) as info:
            source = open_table(path)
            detect_kind(source.columns, path)
    else:
        with pytest.raises(UnreadableFile) as info:
            open_table(path)
        assert reason in str(info.value)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


@pytest.mark.parametrize("name", ["book.xlsx", "table.parquet"])
def test_junk_with_a_binary_format_extension(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"record_id,date\n1,2023-01-01\n")
    with pytest.raises(UnreadableFile) as info:
        open_table(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_missing_file_and_repeated_header(tmp_path):
    with pytest.raises(UnreadableFile, match="no such file"):
        open_table(tmp_path / "absent.csv")
    path = tmp_path / "dup.csv"
    path.write_text("name,Name,country\na,b,c\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="appears twice"):
        open_table(path)


def test_broken_utf8_after_the_sample_is_one_rejected_line(tmp_path):
    # a bad byte past the sniffed sample costs its line, not the file (nor a half-read file)
    path = tmp_path / "late.csv"
    good = "a,b\n" + "ok,ok\n" * 200_000  # 1.2 MB of ASCII, beyond the sniffed sample
    path.write_bytes(good.encode() + b"\xff\xfe,bad\nok,end\n")
    source = open_table(path)
    assert source.encoding == "utf-8-sig"
    chunks = list(source.chunks())
    good_rows = sum(len(c.frame) for c in chunks)
    broken = pd.concat([c.broken for c in chunks])
    assert good_rows == 200_001 and len(broken) == 1
    assert broken[LINE_NUMBER].tolist() == [200_002]
    assert "not valid in the file's encoding" in broken[REJECT_REASON].iloc[0]
    assert source.lines_read == 200_003


def test_a_few_nul_bytes_cost_their_lines(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"name,country\nab\x00cd,RU\nok,KZ\n")
    source = open_table(path)
    (chunk,) = source.chunks()
    assert chunk.frame["name"].tolist() == ["ok"]
    assert chunk.broken[LINE_NUMBER].tolist() == [2]
    assert "NUL" in chunk.broken[REJECT_REASON].iloc[0]
