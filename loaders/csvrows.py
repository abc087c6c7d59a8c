"""CSV records from physical lines, every line accounted, a broken record never swallowing others.

The text is read a block of physical lines at a time (:class:`PhysicalLines`, line ends
``\\n``, ``\\r\\n`` and ``\\r`` as an editor counts them) and each block is parsed by the csv
module, in C. A record is *broken* and handed on with a reason instead of parsed when

- it spans more than :data:`MAX_RECORD_LINES` physical lines (a quote opened and never closed),
- it spans several lines and has not the header's number of fields (a stray quote that closed
  on another row's quote),
- a cell holds more than :data:`MAX_CELL_CHARS` characters, or a physical line more than
  :data:`MAX_LINE_CHARS` (the rest of such a line is skipped, never held in memory),
- a line holds a NUL character or a byte the encoding cannot decode.

A broken multi-line record stands for its first physical line alone: the reader starts again
at the next line, so a stray quote costs one row, not the hundreds of rows after it.
Blank lines and rows of empty cells are skipped (not counted as rows).
"""

from __future__ import annotations

import codecs
import csv
import gc
import re
from itertools import islice

import numpy as np

__all__ = ["MAX_RECORD_LINES", "MAX_CELL_CHARS", "MAX_LINE_CHARS", "DECODE_ERRORS",
           "PhysicalLines", "parse_block"]

MAX_RECORD_LINES = 20
MAX_CELL_CHARS = 1 << 16
MAX_LINE_CHARS = 1 << 22
_BLOCK_CHARS = 1 << 20
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# NUL, and bytes that did not decode (kept as lone surrogates by errors="surrogateescape")
_BAD_CHAR = re.compile("[\x00\udc80-\udcff]")


_DECODE_ERRORS = [0]


def _count_and_escape(exc: UnicodeDecodeError):
    _DECODE_ERRORS[0] += 1
    return codecs.lookup_error("surrogateescape")(exc)


#: The ``errors`` handler to decode a CSV stream with: bytes that do not decode become lone
#: surrogates (as with ``surrogateescape``), and :class:`PhysicalLines` learns that there are
#: some without searching every block for them.
DECODE_ERRORS = "tracegraph-csv-escape"
codecs.register_error(DECODE_ERRORS, _count_and_escape)


def _split_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    if len(lines) == ends + (text[-1:] not in ("\r", "\n", "")):
        return lines
    return _LINE.findall(text)  # other characters str.splitlines breaks at (\x0c, \u2028...)


class PhysicalLines:
    """A text stream as blocks of physical lines, line ends kept, lines over
    :data:`MAX_LINE_CHARS` cut (their numbers in :attr:`cut`, with their length)."""

    def __init__(self, text, block_chars: int = _BLOCK_CHARS):
        self._text = text
        self._block = block_chars
        self._carry = ""
        self._skipping = 0  # length so far of a cut line whose end is not yet found
        self.lines_read = 0
        self.eof = False
        self.cut: dict[int, int] = {}
        self.bad: set[int] = set()  # lines with a NUL or a byte that did not decode
        self._errors_seen = _DECODE_ERRORS[0]
        self._recheck = 0  # characters still to search after a decoding error

    def block(self) -> list[str]:
        """The next physical lines (at least one unless at the end); a final line without a
        line end is returned at the end of the stream."""
        while not self.eof:
            data = self._text.read(self._block)
            if not data:
                self.eof = True
                lines = [self._carry] if self._carry else []
                self._carry = ""
            else:
                if self._skipping:
                    data = self._skip_rest(data)
                    if data is None:
                        continue
                lines = _split_lines(self._carry + data)
                self._carry = ""
                last = lines[-1] if lines else ""
                # a last line without its end (or with a lone \r, a \n may follow) waits
                if last and (last[-1] not in "\r\n" or last[-1] == "\r"):
                    self._carry = lines.pop()
                    if len(self._carry) > MAX_LINE_CHARS:
                        lines.append(self._carry[:MAX_CELL_CHARS + 1] + "\n")
                        self._skipping = len(self._carry)
                        self._carry = ""
                        self.cut[self.lines_read + len(lines)] = -1
            self._find_bad(lines)
            for i, line in enumerate(lines):
                if len(line) > MAX_LINE_CHARS:
                    self.cut[self.lines_read + i + 1] = len(line)
                    lines[i] = line[:MAX_CELL_CHARS + 1] + "\n"
            self.lines_read += len(lines)
            if lines:
                return lines
        return []

    def _find_bad(self, lines: list[str]) -> None:
        # the decoder runs ahead of the text returned (by a chunk of 8 KiB): after a decoding
        # error the next 64 Ki characters are searched too
        text = "".join(lines)
        if _DECODE_ERRORS[0] != self._errors_seen:
            self._errors_seen = _DECODE_ERRORS[0]
            self._recheck = 1 << 16
        search = self._recheck > 0
        self._recheck = max(0, self._recheck - len(text))
        if search or "\x00" in text:
            for i, line in enumerate(lines):
                if _BAD_CHAR.search(line):
                    self.bad.add(self.lines_read + i + 1)

    def _skip_rest(self, data: str) -> str | None:
        """Drop the rest of a cut line from ``data``; None when the line goes on past it."""
        match = re.search("[\r\n]", data)
        if match is None:
            self._skipping += len(data)
            return None
        end = match.end() + (data[match.start():match.start() + 2] == "\r\n")
        self.cut[self.lines_read] = self._skipping + end
        self._skipping = 0
        return data[end:]


def _line_spans(records: list[list[str]]) -> np.ndarray:
    spans = np.ones(len(records), dtype=np.int64)
    for i, record in enumerate(records):
        for value in record:
            if "\n" in value or "\r" in value:
                spans[i] += value.count("\n") + value.count("\r") - value.count("\r\n")
    return spans


def _records(lines: list[str], start: int, delimiter: str):
    """Records of ``lines[start:]`` and each one's first line (index into ``lines``); the
    csv error of a record that cannot be parsed ends the list, its start given as third."""
    reader = csv.reader(islice(lines, start, None), delimiter=delimiter)
    collecting = gc.isenabled()
    gc.disable()  # records hold only strings: no cycles for the collector to find
    try:
        part = list(reader)
    except csv.Error:
        part = None
    finally:
        if collecting:
            gc.enable()
    if part is not None and reader.line_num == len(part):
        return part, np.arange(start, start + len(part), dtype=np.int64), None
    if part is not None:
        spans = _line_spans(part)
        if int(spans.sum()) == reader.line_num:
            return part, start + np.cumsum(spans) - spans, None
    # slow path, exact: record by record with the reader's line count
    reader = csv.reader(islice(lines, start, None), delimiter=delimiter)
    part, starts, before, failed = [], [], 0, None
    try:
        for record in reader:
            part.append(record)
            starts.append(start + before)
            before = reader.line_num
    except csv.Error as exc:
        failed = (start + before, str(exc))
    return part, np.asarray(starts, dtype=np.int64), failed


def _problem(record: list[str], span: int, width: int, cut: bool, bad_char: bool,
             inner: list[str], delimiter: str) -> str | None:
    """Why a record is broken, or None; ``inner`` are its physical lines after the first."""
    if cut:
        return f"line longer than {MAX_LINE_CHARS:,} characters (cut)"
    if bad_char:
        return ("NUL character or a byte that is not valid in the file's encoding (the encoding "
                "was judged from the first MiB; give it in a profile if it is wrong)")
    if span > MAX_RECORD_LINES:
        return (f"a quote opened on this line is not closed within {MAX_RECORD_LINES} lines "
                "(stray quote?); the line was read alone")
    longest = max(map(len, record), default=0)
    if longest > MAX_CELL_CHARS:
        return f"a cell of {longest:,} characters (limit {MAX_CELL_CHARS:,})"
    if span > 1:
        trimmed = len(record)
        while trimmed > width and not record[trimmed - 1]:
            trimmed -= 1
        if trimmed != width:
            return (f"a quoted cell spans {span} lines and the row has {trimmed} fields where "
                    f"the header has {width} (stray quote?); the line was read alone")
        if width > 2 and any(len(_alone(line, delimiter)) == width for line in inner):
            return (f"a quoted cell spans {span} lines that read as rows of their own "
                    "(stray quote?); the line was read alone")
    return None


def parse_block(lines: list[str], first_line: int, delimiter: str, width: int,
                final: bool, cut: dict[int, int], bad: set[int]):
    """Parse a block of physical lines, the first being line ``first_line``.

    Returns (records, their start lines, broken rows as (line, values, reason), the lines
    not used: the last record's when more lines may complete it, unless ``final``).
    """
    records: list[list[str]] = []
    starts: list[np.ndarray] = []
    broken: list[tuple[int, list[str], str]] = []
    position = 0
    while position < len(lines):
        part, at, failed = _records(lines, position, delimiter)
        end = failed[0] if failed is not None else len(lines)
        spans = np.diff(np.append(at, end))
        if not final and len(part) and failed is None:
            # the last record may go on in the next block: keep its lines back
            if at[-1] + spans[-1] >= len(lines) and spans[-1] <= MAX_RECORD_LINES:
                rest = int(at[-1])
                resync = _take(records, starts, broken, part[:-1], at[:-1], spans[:-1], lines,
                               first_line, delimiter, width, cut, bad)
                if resync is not None:
                    position = resync
                    continue
                return records, _joined(starts), broken, lines[rest:]
        resync = _take(records, starts, broken, part, at, spans, lines, first_line,
                       delimiter, width, cut, bad)
        if resync is not None:
            position = resync
            continue
        if failed is not None:
            line = failed[0]
            values = _alone(lines[line], delimiter)
            broken.append((first_line + line, values, f"not readable as CSV: {failed[1]}"))
            position = line + 1
            continue
        break
    return records, _joined(starts), broken, []


def _joined(starts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(starts) if starts else np.empty(0, dtype=np.int64)


def _alone(line: str, delimiter: str) -> list[str]:
    try:
        values = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        values = [line.rstrip("\r\n")]
    return [_BAD_CHAR.sub("\ufffd", v) for v in values]


def _take(records, starts, broken, part, at, spans, lines, first_line, delimiter, width,
          cut, bad) -> int | None:
    """Append the good records of a parsed run; at the first broken multi-line record, stop and
    return the line to start again from (the one after its first line)."""
    if not len(part):
        return None
    suspect = np.flatnonzero(spans > 1)
    low, high = int(at[0]), int(at[-1] + spans[-1])
    run = lines[low:high]
    if (max(map(len, run), default=0) > MAX_CELL_CHARS
            or any(first_line + low <= n < first_line + high for n in cut)
            or bad and any(first_line + i in bad for i in range(low, high))):
        suspect = np.arange(len(part))
    keep = np.ones(len(part), dtype=bool)
    for i in suspect:
        line, span = int(at[i]), int(spans[i])
        covered = range(first_line + line, first_line + line + span)
        reason = _problem(part[i], span, width, any(n in cut for n in covered),
                          any(n in bad for n in covered),
                          lines[line + 1:line + span], delimiter)
        if reason is None:
            continue
        if span > 1:
            records.extend(p for p, k in zip(part[:i], keep[:i]) if k)
            starts.append(first_line + at[:i][keep[:i]])
            broken.append((first_line + line, _alone(lines[line], delimiter), reason))
            return line + 1
        keep[i] = False
        broken.append((first_line + line, [_BAD_CHAR.sub("\ufffd", v) for v in part[i]], reason))
    if keep.all():
        records.extend(part)
        starts.append(first_line + at)
    else:
        records.extend(p for p, k in zip(part, keep) if k)
        starts.append(first_line + at[keep])
    return None
