"""Read a CSV/text register: encoding, delimiter, header, then the body with pyarrow.

The CSV path is vectorised (pyarrow.csv); Python per-row code runs only for files
pyarrow cannot read as a regular table (ragged rows).
"""

from __future__ import annotations

import codecs
import csv
import io
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from etl.header_rows import HEADER_SEARCH_ROWS, find_header, header_error
from etl.raw_sheet import RawSheet, finish_sheet
from etl.read_errors import RegisterReadError
from etl.read_limits import limit, too_wide


def decode(data: bytes, file_name: str) -> tuple[bytes, str]:
    """UTF-8 bytes of the content and the detected encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:], "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best).encode("utf-8"), best.encoding
    raise RegisterReadError(
        f"无法识别“{file_name}”的文字编码（已尝试 UTF-8、GB18030 和自动检测），请另存为 UTF-8 CSV",
        f'cannot decode "{file_name}" (tried UTF-8, GB18030 and charset-normalizer); '
        "save it as UTF-8 CSV")


_CSV_LIMIT_LOCK = threading.Lock()


def _csv_reader(text: str, delim: str):
    """A :func:`csv.reader` over ``text`` that takes fields of any length up to the text's.

    The csv module refuses a field over ``csv.field_size_limit()`` (128 KB by default), a
    process-wide setting: it is raised (never lowered) to the text's length, so a long cell
    reaches the validation, which rejects its row (``max_field_chars``).
    """
    with _CSV_LIMIT_LOCK:
        if csv.field_size_limit() < len(text) + 1:
            csv.field_size_limit(len(text) + 1)
    return csv.reader(io.StringIO(text), delimiter=delim)


def _sniff_delimiter(lines: list[str]) -> str:
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(path: Path, kind: str, overrides: dict[str, str] | None = None,
             name: str | None = None) -> RawSheet:
    name = name or path.name
    raw = path.read_bytes()
    # a UTF-8 head is checked strictly here; the rest is validated by pyarrow while parsing
    try:
        if raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnicodeError
        codecs.getincrementaldecoder("utf-8")("strict").decode(raw[:65536],
                                                              final=len(raw) <= 65536)
    except UnicodeError:
        data, encoding = decode(raw, name)
        return _read_csv_data(name, kind, data, encoding, overrides)
    try:
        return _read_csv_data(name, kind, raw, "utf-8", overrides)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if not isinstance(exc, UnicodeDecodeError) and "utf8" not in str(exc).lower() \
                and "utf-8" not in str(exc).lower():
            raise
        data, encoding = decode(raw, name)
        return _read_csv_data(name, kind, data, encoding, overrides)


def _read_csv_data(name: str, kind: str, data: bytes, encoding: str,
                   overrides: dict[str, str] | None = None) -> RawSheet:
    """Parse UTF-8 CSV content: header detection on the head, pyarrow on the body."""
    if not data[:65536].strip() and not data.strip():
        raise RegisterReadError(f"“{name}”是空文件", f'"{name}" is empty')
    head_text = data[:_nth_newline(data, 200)].decode("utf-8", errors="replace")
    delim = _sniff_delimiter(head_text.splitlines()[:HEADER_SEARCH_ROWS])
    widest = max((line.count(delim) + 1 for line in head_text.splitlines()), default=0)
    if widest > limit("max_columns"):
        raise too_wide(name, "", widest)
    reader = _csv_reader(head_text, delim)
    rows, ends = [], []
    for rec in reader:
        rows.append(rec)
        ends.append(reader.line_num)
        if len(rows) >= HEADER_SEARCH_ROWS + 1:
            break
    header = find_header(rows, kind, overrides=overrides)
    if header is None:
        # a file in an unexpected encoding (e.g. Shift-JIS) decodes to text with no header
        raise header_error(name, kind, encoding=encoding, overrides=overrides)
    header_line = ends[header.index]  # physical line of the last header row
    offset = _nth_newline(data, header_line)
    width = len(header.columns)
    try:
        table, row_numbers = _parse_fast(data, offset, width, delim, header_line)
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise
        table, row_numbers, width = _parse_slow(data, offset, width, delim, header_line,
                                                  name)
    names = header.columns + [""] * (width - len(header.columns))
    _check_unclosed_quote(name, data, offset, names, table, row_numbers)
    return finish_sheet(name, None, names, table, row_numbers, encoding, header_line, header.titles)


def _check_unclosed_quote(name: str, data: bytes, offset: int, names: list[str],
                          table: pa.Table, row_numbers: np.ndarray) -> None:
    """Refuse a CSV whose last record swallowed the rest of the file into a quote never closed.

    Told by an odd number of quote characters in the body together with a line break
    inside a field of the last record (where an unterminated quote ends up).
    """
    if not table.num_rows:
        return
    # the last record is looked at first: counting the quotes reads the whole body
    hit = next((j for j, col in enumerate(table.columns)
                if (value := col[-1].as_py()) and "\n" in value), None)
    if hit is None or data.count(b'"', offset) % 2 == 0:
        return
    column = names[hit] or f"列{hit + 1}"
    row = int(row_numbers[-1])
    raise RegisterReadError(
        f"“{name}”第 {row} 行“{column}”列的引号没有闭合，其后的内容都被读进了这一格；"
        "请补上引号后再导入",
        f'"{name}" row {row}, column "{column}": a quote is opened and never closed, so '
        "the rest of the file ran into this cell; close the quote and load again")


def _nth_newline(data: bytes, n: int) -> int:
    """Byte offset just after the n-th newline (or the end of the data)."""
    pos = 0
    for _ in range(n):
        nxt = data.find(b"\n", pos)
        if nxt < 0:
            return len(data)
        pos = nxt + 1
    return pos


#: Rows per part in which a large register is validated and written (``etl.pipeline``):
#: three DuckDB row groups (smaller parts cost DuckDB more per row; 122,880 and 245,760
#: were slower in ``bench/bench_etl.py``). A CSV body is parsed in blocks of about this
#: many lines (and at least :data:`_MIN_BLOCK` bytes), so that each arrow chunk is one part.
PART_ROWS = 368_640
_MIN_BLOCK = 1 << 24


def _parse_fast(data: bytes, offset: int, width: int, delim: str, header_line: int
                ) -> tuple[pa.Table, np.ndarray]:
    """pyarrow parse of the body; row numbers exact when lines and records agree."""
    body = memoryview(data)[offset:]
    cols = [f"c{j}" for j in range(width)]
    n_breaks, quoted_newlines = _line_breaks(data, offset)
    # a large body is parsed in blocks of about PART_ROWS lines: each arrow chunk is then a
    # part the pipeline validates and writes as it is, without concatenating chunks
    parts = -(-n_breaks // PART_ROWS)
    block = max(_MIN_BLOCK, -(-len(body) // max(parts, 1)) + 1)

    def read(block_size: int) -> pa.Table:
        return pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pcsv.ReadOptions(column_names=cols, block_size=block_size),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=quoted_newlines),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(cols, pa.large_string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )

    try:
        table = read(block)
    except pa.ArrowInvalid as exc:
        # a record longer than a block ("straddles two block boundaries"): one block
        if "straddl" not in str(exc).lower() or block > len(body):
            raise
        table = read(len(body) + 1)
    n_lines = n_breaks + (0 if data.endswith(b"\n") or len(body) == 0 else 1)
    if table.num_rows == n_lines:
        return table, np.arange(header_line + 1, header_line + 1 + n_lines, dtype=np.int64)
    # blank lines (skipped by pyarrow) or quoted newlines: map records to lines exactly
    return table, _record_lines(bytes(body), delim, header_line, table.num_rows)


def _has_quoted_newline(data: bytes, offset: int) -> bool:
    r"""Cheap test whether a quoted field may span lines (a quote next to a line break).

    >>> _has_quoted_newline(b'a,b\n1,"x\ny"\n', 4), _has_quoted_newline(b'a,"b"c\n1,2\n', 0)
    (True, False)
    """
    return _line_breaks(data, offset)[1]


#: Bytes scanned per numpy block by :func:`_line_breaks` (small enough to stay in cache).
_SCAN_BLOCK = 1 << 20


def _line_breaks(data: bytes, offset: int) -> tuple[int, bool]:
    r"""Number of line feeds after ``offset``, and whether a quote touches one (``"\n``,
    ``"\r\n`` or ``\n"``: a quoted field may span lines).

    One pass in cache-sized blocks: the line feeds are counted and the quotes located;
    only the bytes next to each quote are then looked at (quotes are far fewer than line
    feeds). A body without any quote is not scanned for quotes.

    >>> _line_breaks(b'a,b\n1,"x\ny"\n2,3', 4), _line_breaks(b'a\n"b"c\n', 0)
    ((2, True), (2, True))
    >>> _line_breaks(b'h\n1,"2,3",4\r\n5,6\r\n', 2), _line_breaks(b'"a"\n', 3)
    ((2, False), (1, False))
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    n = len(arr)
    quoted = data.find(b'"', offset) >= 0
    buf = np.empty(min(_SCAN_BLOCK, max(n - offset, 0)), dtype=bool)
    n_breaks, touching = 0, False
    for start in range(offset, n, _SCAN_BLOCK):
        block = arr[start:start + _SCAN_BLOCK]
        mask = buf[:len(block)]
        np.equal(block, 10, out=mask)
        n_breaks += int(np.count_nonzero(mask))
        if quoted and not touching:
            np.equal(block, 34, out=mask)
            touching = _quote_touches_newline(arr, np.flatnonzero(mask) + start, offset)
    return n_breaks, touching


def _quote_touches_newline(arr: np.ndarray, quotes: np.ndarray, offset: int) -> bool:
    r"""Whether any quote at the byte positions ``quotes`` (all >= ``offset``) is followed
    by ``\n`` or ``\r\n``, or preceded by a ``\n`` at or after ``offset``."""
    if not len(quotes):
        return False
    n = len(arr)
    nxt = arr[np.minimum(quotes + 1, n - 1)]
    after = (quotes + 1 < n) & ((nxt == 10)
                                | ((nxt == 13) & (quotes + 2 < n)
                                   & (arr[np.minimum(quotes + 2, n - 1)] == 10)))
    before = (quotes - 1 >= offset) & (arr[np.maximum(quotes - 1, 0)] == 10)
    return bool((after | before).any())


def _record_lines(body: bytes, delim: str, header_line: int, n_records: int) -> np.ndarray:
    arr = np.frombuffer(body, dtype=np.uint8)
    nl = np.flatnonzero(arr == 10)
    starts = np.concatenate([[0], nl + 1])
    ends = np.concatenate([nl, [len(arr)]])
    lengths = ends - starts
    has_cr = (lengths == 1) & (arr[np.minimum(starts, len(arr) - 1)] == 13) if len(arr) else lengths
    nonempty = np.flatnonzero((lengths > 0) & ~has_cr)
    if b'"' not in body and len(nonempty) == n_records:
        return (nonempty + header_line + 1).astype(np.int64)
    # quoted newlines: the csv module knows where each record starts
    text = body.decode("utf-8")
    reader = _csv_reader(text, delim)
    out, prev = [], 0
    for rec in reader:
        if rec:
            out.append(header_line + prev + 1)
        prev = reader.line_num
    return np.asarray(out[:n_records], dtype=np.int64)


def _parse_slow(data: bytes, offset: int, width: int, delim: str, header_line: int,
                name: str = "") -> tuple[pa.Table, np.ndarray, int]:
    """Python csv parse for ragged files: short rows padded, extra cells kept as new columns."""
    text = data[offset:].decode("utf-8")
    reader = _csv_reader(text, delim)
    recs, lines, prev = [], [], 0
    for rec in reader:
        if rec:
            recs.append(rec)
            lines.append(header_line + prev + 1)
        prev = reader.line_num
    width = max([width, *(len(r) for r in recs)]) if recs else width
    if width > limit("max_columns"):
        raise too_wide(name, "", width)
    cols = [[r[j] if j < len(r) else "" for r in recs] for j in range(width)]
    table = pa.table({f"c{j}": pa.array(c, pa.large_string()) for j, c in enumerate(cols)})
    return table, np.asarray(lines, dtype=np.int64), width
