"""Read bureau registers (CSV, Excel, GeoJSON) as text, exactly as written.

A register written by people has title rows above the header, Chinese column
names that vary between bureaus, two-row headers with merged cells, several
sheets, GBK/GB18030 or UTF-8 with BOM. :func:`read_register` finds the header
row with the aliases of :mod:`etl.aliases`, keeps every value as a stripped
string (parsing is the job of :mod:`etl.values` and :mod:`etl.coords`) and
records the source row number of every row.

The CSV path is vectorised (pyarrow.csv); Python per-row code runs only for
files pyarrow cannot read as a regular table (ragged rows).

Guards run before a file is parsed (limits in :data:`LIMITS`): its size, its type by
extension *and* by its first bytes, for Excel the sizes the zip declares (a zip bomb is
refused before openpyxl opens it) and the sheet's width before its rows are read. Excel
is read as cached values: formulas are never evaluated and macros are never loaded.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from etl import aliases
from etl.values import string_bytes

#: Header rows are looked for among the first rows of a sheet.
HEADER_SEARCH_ROWS = 20
#: A header row has at least this many cells that are aliases of the kind's fields.
MIN_HEADER_MATCHES = 2
#: Cell texts that mark a totals row (dropped, with a note).
TOTAL_TOKENS: tuple[str, ...] = ("合计", "总计", "小计", "全县合计", "全县", "总数", "total", "sum")
#: A row whose only cell starts with one of these is a footnote (dropped, with a note).
NOTE_PREFIXES: tuple[str, ...] = ("注", "备注", "说明", "填表", "制表", "审核", "负责人", "数据来源",
                                  "来源：", "单位负责人")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)
_XLSX_READ_ONLY_BYTES = 20_000_000


@dataclass(frozen=True)
class Limit:
    """One guard on the files read: a default, the environment variable that overrides it."""

    key: str
    default: float
    unit: str
    env: str
    help: str


#: Guards on the files read, declared as data (overridden by the named environment variable).
LIMITS: dict[str, Limit] = {x.key: x for x in (
    Limit("max_file_mb", 50, "MB", "EQUITY_MAX_FILE_MB",
          "Largest register file read; a larger file is refused before it is read."),
    Limit("max_unzipped_mb", 500, "MB", "EQUITY_MAX_UNZIPPED_MB",
          "Largest total uncompressed size an .xlsx may declare (zip bomb guard)."),
    Limit("max_zip_ratio", 100, "x", "EQUITY_MAX_ZIP_RATIO",
          "Largest compression ratio of an .xlsx part over 10 MB uncompressed (zip bomb guard)."),
    Limit("max_zip_members", 10_000, "files", "EQUITY_MAX_ZIP_MEMBERS",
          "Most files an .xlsx (a zip) may hold."),
    Limit("max_columns", 1_000, "columns", "EQUITY_MAX_COLUMNS",
          "Most columns a sheet or CSV may have; checked before its rows are read."),
    Limit("max_field_chars", 10_000, "characters", "EQUITY_MAX_FIELD_CHARS",
          "Longest text of one cell; a row with a longer cell is rejected (the other rows load)."),
)}

#: First bytes of binary formats that are sometimes renamed to .csv, with their names.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "ZIP/XLSX"), (b"\xd0\xcf\x11\xe0", "Excel 97-2003/WPS (OLE2)"),
    (b"%PDF", "PDF"), (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "7-Zip"), (b"Rar!", "RAR"), (b"\x7fELF", "ELF"), (b"MZ", "Windows EXE"),
    (b"SQLite format 3", "SQLite"),
)


def limit(key: str) -> float:
    """The value of guard ``key`` of :data:`LIMITS` (its environment variable wins).

    >>> limit("max_columns")
    1000
    """
    spec = LIMITS[key]
    raw = os.environ.get(spec.env)
    if raw:
        try:
            return float(raw)
        except ValueError:
            pass
    return spec.default


class RegisterReadError(Exception):
    """A file that cannot be read at all; ``str()`` gives ``'zh / en'``."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


@dataclass
class RawSheet:
    """One sheet of a register, all values as text.

    ``row_numbers`` are 1-based source rows: the physical CSV line (title and
    header lines counted), the Excel row number, or the 1-based feature number
    for GeoJSON (``header_row`` 0). ``row_info`` holds per-row facts that are not
    columns (a GeoJSON feature's geometry type), aligned with ``frame``.
    """

    file_name: str
    sheet: str | None
    columns: list[str]
    frame: pd.DataFrame
    row_numbers: np.ndarray
    encoding: str | None
    header_row: int
    skipped: list[str]
    titles: list[str] = field(default_factory=list)
    #: Per-row arrays aligned with ``frame`` that are not register columns (GeoJSON:
    #: ``geometry``, ``geometry_error``, ``extent_m``; see :func:`_read_geojson`).
    row_info: dict[str, np.ndarray] = field(default_factory=dict)


def read_register(path: str | Path, kind: str, *, sheet: str | None = None,
                  overrides: dict[str, str] | None = None,
                  file_name: str | None = None) -> list[RawSheet]:
    """Read a register file into one :class:`RawSheet` per sheet with a recognisable header.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt`` (comma, tab, semicolon or ``|`` separated), ``.xlsx``/``.xlsm``
        (cached values; formulas are not evaluated), ``.geojson``/``.json`` (features:
        properties plus ``lon``/``lat`` columns from a Point geometry, or from a polygon's
        representative point; see :func:`_feature_point`).
    kind : str
        Register kind (key of ``etl.schema.REGISTER_KINDS``); its header aliases find
        the header row.
    sheet : str, optional
        Read only this Excel sheet.
    overrides : dict, optional
        ``{source column: field}`` as given to ``--map``; a header cell naming a source
        column counts as a recognisable column name, like an alias. Every field must be
        one of the kind's and every source column must be in the file (else
        :class:`MappingError`).
    file_name : str, optional
        The name the user knows the file by (an upload is read from a temporary file);
        messages name the file by it, never by a path. Default: the path's last part.

    Returns
    -------
    list of RawSheet

    Raises
    ------
    RegisterReadError
        The file is missing, of an unsupported type, undecodable, corrupt, or no
        sheet has a header with at least two recognisable column names. Any other
        failure of a parser (pyarrow, openpyxl, zipfile, XML, an unknown encoding …)
        is turned into one too, naming the file by ``file_name`` and holding no path.
    MappingError
        ``overrides`` name a field the kind does not have or a column not in the file.
    """
    path = Path(path)
    aliases.valid_fields(kind)  # ValueError for an unknown kind
    name = file_name or path.name
    check_overrides(overrides, kind)
    try:
        sheets = _read_any(path, name, kind, sheet, overrides)
    except RegisterReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - every parser failure becomes a clear message
        raise read_error(name, exc, path) from exc
    check_mapped_columns(sheets, overrides, name)
    return sheets


def _read_any(path: Path, name: str, kind: str, sheet: str | None,
              overrides: dict[str, str] | None) -> list[RawSheet]:
    """:func:`read_register` by file type, after the guards."""
    if not path.is_file():
        raise RegisterReadError(f"找不到文件“{name}”", f'file "{name}" not found')
    suffix = path.suffix.lower()
    _check_size(path, name)
    _check_type(path, suffix, name)
    if suffix in (".csv", ".txt"):
        return [_read_csv(path, kind, overrides, name)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, kind, sheet, overrides, name)
    if suffix in (".geojson", ".json"):
        return [_read_geojson(path, kind, overrides, name)]
    if suffix in (".xls", ".et", ".wps"):
        raise RegisterReadError(
            f"“{name}”是旧版 Excel/WPS 格式，请另存为 .xlsx 或 .csv 后再导入",
            f'"{name}" is an old Excel/WPS format; save it as .xlsx or .csv first')
    raise RegisterReadError(
        f"不支持的文件类型“{name}”：可用 .csv、.txt、.xlsx、.xlsm、.geojson、.json",
        f'unsupported file type "{name}": use .csv, .txt, .xlsx, .xlsm, .geojson or .json')


# --- messages without paths ---------------------------------------------------

#: An absolute path in a message: POSIX (``/var/x/y.csv``) or Windows (``C:\\x\\y.csv``).
_ABS_PATH = re.compile(r"(?<![\w.~])(?:[A-Za-z]:[\\/]|\\\\|/)(?:[^\s'\"<>|:*?\\/]+[\\/])+"
                       r"([^\s'\"<>|:*?\\/]*)")
#: Longest parser message quoted in a :class:`RegisterReadError`.
_MAX_DETAIL = 300


def scrub(text: object, path: Path | None = None, name: str | None = None) -> str:
    """``text`` without any absolute path: ``path`` becomes ``name``, any other absolute path
    its last part; cut to :data:`_MAX_DETAIL` characters.

    >>> scrub("No such file: '/var/lib/equity-upload-1/a.xlsx'")
    "No such file: 'a.xlsx'"
    >>> scrub("There is no item named 'xl/worksheets/sheet1.xml' in /srv/up/b.xlsx")
    "There is no item named 'xl/worksheets/sheet1.xml' in b.xlsx"
    """
    out = str(text)
    if path is not None:
        for p in {str(path), str(path.absolute()), str(path.resolve())}:
            out = out.replace(p, name or path.name)
    out = _ABS_PATH.sub(lambda m: m.group(1) or "…", out)
    return out if len(out) <= _MAX_DETAIL else out[:_MAX_DETAIL] + "…"


def read_error(name: str, exc: BaseException, path: Path | None = None) -> RegisterReadError:
    """A :class:`RegisterReadError` for a parser's own exception ``exc`` reading file ``name``:
    what went wrong in words, the parser's message without any path, never a traceback."""
    detail = scrub(f"{type(exc).__name__}: {exc}", path, name)
    if isinstance(exc, UnicodeError | LookupError):
        return RegisterReadError(
            f"无法识别“{name}”的文字编码（{detail}）；请另存为 UTF-8 CSV 后再导入",
            f'cannot decode the text of "{name}" ({detail}); save it as UTF-8 CSV and load again')
    if isinstance(exc, MemoryError):
        return RegisterReadError(f"“{name}”太大，内存不足，未读取；请拆分文件",
                                 f'"{name}" is too large to read in memory; split the file')
    return RegisterReadError(
        f"无法读取“{name}”：文件已损坏或不是所选类型的有效文件（{detail}）；"
        "请用 Excel/WPS 打开后重新保存（或另存为 UTF-8 CSV）再导入",
        f'cannot read "{name}": the file is damaged or not a valid file of its type ({detail}); '
        "open it in Excel/WPS and save it again (or save it as UTF-8 CSV), then load again")


# --- --map ----------------------------------------------------------------------

class MappingError(RegisterReadError, ValueError):
    """A ``--map 源列=字段`` that cannot apply: an unknown field, or a column not in the file.

    The whole load is refused (nothing is read or written); ``str()`` gives ``'zh / en'``.
    """


def check_overrides(overrides: dict[str, str] | None, kind: str) -> None:
    """Refuse ``--map`` items naming a field the register kind does not have.

    Raises
    ------
    MappingError
        Listing the fields accepted for ``kind``.

    >>> check_overrides({"学校全称": "name"}, "schools")
    >>> try:
    ...     check_overrides({"人数": "pupils"}, "schools")
    ... except MappingError as exc:
    ...     print(exc.en[:50])
    --map 人数=pupils: 'pupils' is not a field of a scho
    """
    if not overrides:
        return
    allowed = aliases.valid_fields(kind)
    for src, fld in overrides.items():
        if not str(src).strip() or not str(fld).strip():
            raise MappingError(
                f"--map “{src}={fld}”：源列和字段都不能为空，应写成 源列=字段",
                f'--map "{src}={fld}": neither the source column nor the field may be empty; '
                "write SOURCE=field")
        if fld not in allowed:
            listed = ", ".join(allowed) if allowed else "—"
            raise MappingError(
                f"--map {src}={fld}：“{fld}”不是{kind}登记表的字段；可用字段：{listed}",
                f"--map {src}={fld}: {fld!r} is not a field of a {kind} register; "
                f"accepted fields: {listed}")


def check_mapped_columns(sheets: list[RawSheet], overrides: dict[str, str] | None,
                         name: str) -> None:
    """Refuse ``--map`` items whose source column is in none of the sheets read.

    A column matches when written exactly or after :func:`etl.aliases.normalise_header`
    (as :func:`etl.aliases.match_columns` applies overrides).

    Raises
    ------
    MappingError
        Listing the file's columns.
    """
    if not overrides:
        return
    columns = list(dict.fromkeys(c for s in sheets for c in s.columns))
    exact = set(columns)
    norm = {aliases.normalise_header(c) for c in columns}
    missing = [src for src in overrides
               if src not in exact and aliases.normalise_header(src) not in norm]
    if missing:
        shown = columns[:60] + (["…"] if len(columns) > 60 else [])
        raise MappingError(
            f"--map 指定的源列“{'、'.join(missing)}”不在“{name}”中，未导入；"
            f"文件的列：{'、'.join(shown)}",
            f'--map names the column(s) {", ".join(map(repr, missing))}, not in "{name}"; '
            f"nothing loaded. The file's columns: {', '.join(shown)}")

# --- guards -----------------------------------------------------------------

def _check_size(path: Path, name: str) -> None:
    """Refuse a file over ``max_file_mb`` before reading a byte of it."""
    size, max_mb = path.stat().st_size, limit("max_file_mb")
    if size > max_mb * 1e6:
        raise RegisterReadError(
            f"“{name}”有 {size / 1e6:.1f} MB，超过上限 {max_mb:g} MB，未读取；请拆分文件",
            f'"{name}" is {size / 1e6:.1f} MB, over the {max_mb:g} MB limit; not read '
            "(split the file)")


def _check_type(path: Path, suffix: str, name: str) -> None:
    """The first bytes must agree with the extension: .xlsx/.xlsm a zip, .csv/.txt text."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if suffix in (".xlsx", ".xlsm"):
        if head.startswith(b"PK\x03\x04"):
            return
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise RegisterReadError(
                f"“{name}”实际是旧版 Excel/WPS 文件或加密的工作簿（不是 .xlsx）；请另存为 .xlsx 或 .csv",
                f'"{name}" is really an old Excel/WPS file or an encrypted workbook (not .xlsx); '
                "save it as .xlsx or .csv")
        what = "空文件" if not head else "不是 zip 格式"
        raise RegisterReadError(f"“{name}”不是有效的 Excel 文件（{what}）",
                                f'"{name}" is not a valid Excel file '
                                f"({'empty file' if not head else 'not a zip archive'})")
    if suffix in (".csv", ".txt", ".geojson", ".json"):
        for magic, label in _BINARY_MAGIC:
            if head.startswith(magic):
                raise RegisterReadError(
                    f"“{name}”是 {label} 二进制文件，不是文本表格；请导出为 CSV 后再导入",
                    f'"{name}" is a {label} binary file, not a text table; export it as CSV')
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            even, odd = head[0::2].count(0), head[1::2].count(0)
            utf16 = max(even, odd) > 4 * min(even, odd) + 2
            raise RegisterReadError(
                f"“{name}”含有二进制零字节" + ("（像是没有 BOM 的 UTF-16 文本）" if utf16 else "")
                + "，无法作为文本读取；请另存为 UTF-8 CSV",
                f'"{name}" contains NUL bytes' + (" (it looks like UTF-16 without a BOM)" if utf16
                                                  else " (a binary file)")
                + "; save it as UTF-8 CSV")


def _check_zip(path: Path, name: str) -> None:
    """Refuse an .xlsx whose declared sizes are absurd (a zip bomb) before openpyxl opens it.

    The sizes are the ones the zip's central directory declares; :mod:`zipfile` never
    inflates a member past its declared size (it stops and fails the CRC check).
    """
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            heads = {i.filename: z.open(i).read(4096) for i in infos
                     if i.filename.endswith((".xml", ".rels")) and i.file_size
                     and len(infos) <= limit("max_zip_members")}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError,
            RuntimeError) as exc:
        detail = scrub(exc, path, name)
        raise RegisterReadError(f"“{name}”不是有效的 Excel 文件（{detail}）",
                                f'"{name}" is not a valid Excel file ({detail})') from exc
    max_members, max_mb = limit("max_zip_members"), limit("max_unzipped_mb")
    max_ratio = limit("max_zip_ratio")
    total = sum(i.file_size for i in infos)
    ratio = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 10e6),
                default=0.0)
    if len(infos) > max_members or total > max_mb * 1e6 or ratio > max_ratio:
        raise RegisterReadError(
            f"“{name}”解压后大小异常（{len(infos)} 个部件，共 {total / 1e6:,.0f} MB，压缩比 "
            f"{ratio:,.0f}），疑似压缩炸弹，未读取",
            f'"{name}" would unpack to an absurd size ({len(infos)} parts, {total / 1e6:,.0f} MB, '
            f"compression ratio {ratio:,.0f}); refused as a possible zip bomb")
    if any(b"<!DOCTYPE" in h or b"<!ENTITY" in h for h in heads.values()):
        raise RegisterReadError(
            f"“{name}”的 XML 含有 DOCTYPE/ENTITY 声明（正常 Excel 文件没有），未读取",
            f'"{name}" holds XML with a DOCTYPE/ENTITY declaration (a real workbook has none); '
            "refused")


def _too_wide(file_name: str, where: str, n_columns: int) -> RegisterReadError:
    cap = limit("max_columns")
    return RegisterReadError(
        f"“{file_name}”{where}有 {n_columns:,} 列，超过上限 {cap:g} 列，未读取；请删除多余的空列",
        f'"{file_name}"{where} has {n_columns:,} columns, over the {cap:g}-column limit; '
        "not read (delete the extra empty columns)")


# --- header detection --------------------------------------------------------

@dataclass
class _Header:
    index: int          # 0-based index (in the rows given) of the last header row
    n_rows: int         # 1 or 2
    columns: list[str]  # one per source column; "" where blank
    titles: list[str]


def _clean_text(v: object) -> str:
    return " ".join(str(v).split()) if v is not None else ""


def _looks_numeric(text: str) -> bool:
    t = text.replace(",", "").replace(".", "", 1).lstrip("-+")
    return t.isdigit()


def _count_matches(cells: list[object], kind: str, overrides: dict[str, str] | None = None) -> int:
    """How many cells are header aliases of the kind or source columns named by ``overrides``."""
    if not overrides:
        return aliases.count_matches(cells, kind)
    keys = {aliases.normalise_header(k) for k in overrides}
    return sum(1 for c in cells if isinstance(c, str) and c.strip()
               and (aliases.normalise_header(c) in keys or aliases.count_matches([c], kind)))


def _find_header(rows: list[list[str | None]], kind: str,
                 merged_above: set[int] | None = None,
                 overrides: dict[str, str] | None = None) -> _Header | None:
    """Header row (and optional sub-header row) among the first rows of a sheet.

    `merged_above` holds the column indices covered by a horizontal merge in a
    row (Excel), keyed as ``row_index * 100000 + column``.
    """
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_clean_text(c) for c in row]
        if _count_matches(texts, kind, overrides) < MIN_HEADER_MATCHES:
            continue
        titles = [" ".join(dict.fromkeys(t for t in map(_clean_text, r) if t)) for r in rows[:i]]
        upper = texts
        n_rows = 1
        if i + 1 < len(rows):
            lower = [_clean_text(c) for c in rows[i + 1]]
            lower += [""] * (len(upper) - len(lower))
            upper += [""] * (len(lower) - len(upper))
            has_merge = bool(merged_above) and any(i * 100000 + j in merged_above
                                                   for j in range(len(upper)))
            filled = _fill_right(upper, lower)
            joined = [_join(u, lo) for u, lo in zip(filled, lower, strict=True)]
            sub_hits = sum(1 for j, lo in enumerate(lower)
                           if lo and lo != filled[j]
                           and _count_matches([joined[j]], kind, overrides))
            numeric = any(_looks_numeric(lo) for lo in lower if lo)
            blank_over_sub = any(not u and lo for u, lo in zip(upper, lower, strict=True))
            if not numeric and (sub_hits >= 1 or has_merge) and (
                    sub_hits >= 1 or blank_over_sub):
                return _Header(i + 1, 2, joined, titles)
        return _Header(i, n_rows, upper, titles)
    return None


def _fill_right(upper: list[str], lower: list[str]) -> list[str]:
    """Carry a merged upper header cell to the right over blanks that have sub-headers."""
    out, last = [], ""
    for u, lo in zip(upper, lower, strict=True):
        if u:
            last = u
            out.append(u)
        elif lo and last:
            out.append(last)
        else:
            last = ""
            out.append("")
    return out


def _join(upper: str, lower: str) -> str:
    if upper and lower and upper != lower:
        return f"{upper}/{lower}"
    return upper or lower


def _unique_columns(names: list[str]) -> list[str]:
    """Blank names become 列N; repeats get #2, #3."""
    out, seen = [], {}
    for j, name in enumerate(names):
        name = name or f"列{j + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}#{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _header_error(file_name: str, kind: str, where: str = "", *,
                  encoding: str | None = None,
                  overrides: dict[str, str] | None = None) -> RegisterReadError:
    # text decoded from an unexpected encoding (e.g. Shift-JIS read as GB18030) has no header
    enc_zh = enc_en = ""
    if encoding and encoding not in ("utf-8", "utf-8-sig"):
        enc_zh = f"（按 {encoding} 编码读取；若文件是其他编码，请另存为 UTF-8）"
        enc_en = f" (read as {encoding}; if it is in another encoding, save it as UTF-8)"
    req = [r.split("|") for r in aliases.REQUIRED.get(kind, ())]
    expected = [aliases.FIELD_BY_NAME[f].aliases[0] for alts in req for f in alts]
    for f in ("township", "lon", "lat"):
        expected.append(aliases.FIELD_BY_NAME[f].aliases[0])
    exp = "、".join(dict.fromkeys(expected))
    map_zh = map_en = ""
    if overrides:
        # the columns named by --map count towards the header: say they were not found either
        map_zh = f"；--map 指定的源列“{'、'.join(overrides)}”也没有找到"
        map_en = f"; the --map column(s) {', '.join(map(repr, overrides))} were not found either"
    return RegisterReadError(
        f"“{file_name}”{where}{enc_zh}前 {HEADER_SEARCH_ROWS} 行中找不到表头：表头至少要有 "
        f"{MIN_HEADER_MATCHES} 个可识别的列名，例如 {exp}（可用 --map 源列=字段 指定）{map_zh}",
        f'no header found in the first {HEADER_SEARCH_ROWS} rows of "{file_name}"{where}{enc_en}: '
        f"at least {MIN_HEADER_MATCHES} recognisable column names are needed, e.g. {exp} "
        f"(or use --map source=field){map_en}")


# --- CSV --------------------------------------------------------------------

def _decode(data: bytes, file_name: str) -> tuple[bytes, str]:
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


def _read_csv(path: Path, kind: str, overrides: dict[str, str] | None = None,
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
        data, encoding = _decode(raw, name)
        return _read_csv_data(name, kind, data, encoding, overrides)
    try:
        return _read_csv_data(name, kind, raw, "utf-8", overrides)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if not isinstance(exc, UnicodeDecodeError) and "utf8" not in str(exc).lower() \
                and "utf-8" not in str(exc).lower():
            raise
        data, encoding = _decode(raw, name)
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
        raise _too_wide(name, "", widest)
    reader = _csv_reader(head_text, delim)
    rows, ends = [], []
    for rec in reader:
        rows.append(rec)
        ends.append(reader.line_num)
        if len(rows) >= HEADER_SEARCH_ROWS + 1:
            break
    header = _find_header(rows, kind, overrides=overrides)
    if header is None:
        # a file in an unexpected encoding (e.g. Shift-JIS) decodes to text with no header
        raise _header_error(name, kind, encoding=encoding, overrides=overrides)
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
    return _finish(name, None, names, table, row_numbers, encoding, header_line, header.titles)


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
        raise _too_wide(name, "", width)
    cols = [[r[j] if j < len(r) else "" for r in recs] for j in range(width)]
    table = pa.table({f"c{j}": pa.array(c, pa.large_string()) for j, c in enumerate(cols)})
    return table, np.asarray(lines, dtype=np.int64), width


_TOTALS = pa.array([*TOTAL_TOKENS, *(t.upper() for t in TOTAL_TOKENS),
                    *(t.title() for t in TOTAL_TOKENS), "合 计", "总 计", "小 计"], pa.large_string())


#: ASCII whitespace as trimmed by ``pc.ascii_trim_whitespace`` (by byte value).
_ASCII_WS = np.zeros(256, dtype=bool)
_ASCII_WS[[9, 10, 11, 12, 13, 32]] = True


def _edges(chunk: pa.Array) -> tuple[bool, bool]:
    """Whether any value of a string chunk has surrounding ASCII whitespace, or is empty.

    Read from the offsets and the first and last byte of each value: no string is copied.
    A chunk whose value bytes hold no byte up to 0x20 (no whitespace or control character
    at all, as in most columns) is answered by one vectorised comparison instead.
    """
    if not pa.types.is_large_string(chunk.type) and not pa.types.is_string(chunk.type):
        return True, True
    offsets, data = string_bytes(chunk)
    lengths = np.diff(offsets)
    nonempty = lengths > 0
    empty = bool((~nonempty).any())
    if empty and chunk.null_count:
        empty = bool((~nonempty & pc.is_valid(chunk).to_numpy(zero_copy_only=False)).any())
    if not data.size or not nonempty.any():
        return False, empty
    if not (data <= 32).any():
        return False, empty
    first = data[offsets[:-1][nonempty]]
    last = data[offsets[1:][nonempty] - 1]
    return bool(_ASCII_WS[first].any() or _ASCII_WS[last].any()), empty


def _strip_blank(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Trim surrounding ASCII whitespace and make empty strings null.

    Full-width spaces (U+3000) are left to the value parsers, which apply NFKC.
    Columns that need neither are returned as they are.
    """
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    edges = [_edges(c) for c in chunks]
    if any(e[0] for e in edges):
        col = pc.ascii_trim_whitespace(col)
        empty = pc.equal(col, "")
        if not pc.any(empty).as_py():
            return col
    elif any(e[1] for e in edges):
        empty = pc.equal(col, "")
    else:
        return col
    return pc.if_else(empty, pa.scalar(None, col.type), col)


def _finish(file_name: str, sheet: str | None, names: list[str], table: pa.Table,
            row_numbers: np.ndarray, encoding: str | None, header_row: int,
            titles: list[str], row_info: dict[str, np.ndarray] | None = None) -> RawSheet:
    """Strip, blank -> NA, drop blank rows/columns and totals/footnote rows; build the frame.

    ``row_info`` arrays are filtered with the rows; a row with a ``geometry`` in it is
    never blank (a feature without properties is still a row to accept or reject).
    """
    row_info = row_info or {}
    skipped: list[str] = []
    arrays = [_strip_blank(col) for col in table.columns]
    keep_cols = [j for j, a in enumerate(arrays) if names[j] or a.null_count < len(a)]
    names = [names[j] for j in keep_cols]
    arrays = [arrays[j] for j in keep_cols]
    n = table.num_rows
    if arrays:
        filled = np.zeros(n, dtype=np.int32)
        for a in arrays:
            filled += pc.is_valid(a).to_numpy(zero_copy_only=False)
        keep = filled > 0
        if "geometry" in row_info:
            keep |= np.array([g is not None for g in row_info["geometry"]], dtype=bool)
        totals = np.zeros(n, dtype=bool)
        for a in arrays[:3]:
            totals |= pc.fill_null(pc.is_in(a, value_set=_TOTALS), False).to_numpy(
                zero_copy_only=False)
        notes = np.zeros(n, dtype=bool)
        single = np.flatnonzero(filled == 1)
        if len(single):
            for a in arrays:
                sub = a.take(pa.array(single))
                hit = pc.fill_null(pc.starts_with(sub, NOTE_PREFIXES[0]), False)
                for p in NOTE_PREFIXES[1:]:
                    hit = pc.or_(hit, pc.fill_null(pc.starts_with(sub, p), False))
                notes[single[hit.to_numpy(zero_copy_only=False)]] = True
        for mask, what_zh, what_en in ((totals & keep, "合计行", "totals row"),
                                       (notes & keep, "表尾说明行", "footnote row")):
            if mask.any():
                rows = ", ".join(map(str, row_numbers[mask][:10]))
                skipped.append(f"已跳过{what_zh} / skipped {what_en}(s): row {rows}")
        keep &= ~totals & ~notes
    else:
        keep = np.zeros(n, dtype=bool)
    columns = _unique_columns(names)
    idx = None if keep.all() else pa.array(np.flatnonzero(keep))
    data = {}
    for c, a in zip(columns, arrays, strict=True):
        a = a if idx is None else a.take(idx)
        data[c] = pd.Series(a.to_pandas(types_mapper={pa.string(): _STR,
                                                      pa.large_string(): _STR}.get))
    frame = pd.DataFrame(data, columns=columns)
    frame.index = pd.RangeIndex(len(frame))
    rn = row_numbers if idx is None else row_numbers[keep]
    info = {k: (v if idx is None else v[keep]) for k, v in row_info.items()}
    return RawSheet(file_name, sheet, columns, frame, rn.astype(np.int64), encoding,
                    header_row, skipped, titles, info)


# --- Excel ------------------------------------------------------------------

def _cell_text(value: object, number_format: str | None = None) -> str | None:
    """A cell value as the text a person sees (no evaluation, no rounding of decimals)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        v = float(value)
        if number_format and "%" in number_format:
            pct = round(v * 100, 10)
            return (str(int(pct)) if pct.is_integer() else repr(pct)) + "%"
        if isinstance(value, int) or (v.is_integer() and abs(v) < 1e15):
            return str(int(v))
        return repr(v)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _read_xlsx(path: Path, kind: str, only: str | None,
               overrides: dict[str, str] | None = None, name: str | None = None
               ) -> list[RawSheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = name or path.name
    _check_zip(path, name)
    read_only = path.stat().st_size > _XLSX_READ_ONLY_BYTES
    try:
        # cached values only (no formula is evaluated); keep_vba=False: macros are never loaded
        wb = load_workbook(path, data_only=True, read_only=read_only, keep_vba=False,
                           keep_links=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        detail = scrub(exc, path, name)
        raise RegisterReadError(f"“{name}”不是有效的 Excel 文件（{detail}）",
                                f'"{name}" is not a valid Excel file ({detail})') from exc
    try:
        names = wb.sheetnames
        if only is not None and only not in names:
            raise RegisterReadError(f"“{name}”中没有工作表“{only}”；现有：{'、'.join(names)}",
                                    f'no sheet "{only}" in "{name}"; sheets: {", ".join(names)}')
        out, skipped = [], []
        for ws in wb.worksheets:
            if only is not None and ws.title != only:
                continue
            sheet = _read_worksheet(ws, name, kind, read_only, overrides)
            if sheet is None:
                skipped.append(f"已跳过工作表“{ws.title}”：未找到表头 / "
                               f'skipped sheet "{ws.title}": no header found')
            else:
                out.append(sheet)
    finally:
        wb.close()
    if not out:
        where = f"（工作表：{'、'.join(names) if only is None else only}）"
        raise _header_error(name, kind, where, overrides=overrides)
    out[0].skipped[:0] = skipped
    return out


def _read_worksheet(ws, file_name: str, kind: str, read_only: bool,
                    overrides: dict[str, str] | None = None) -> RawSheet | None:
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    cap = limit("max_columns")
    where = f"（工作表“{ws.title}”）"
    if read_only:
        ws.reset_dimensions()
        for r, row in enumerate(ws.iter_rows(), start=1):
            if len(row) > cap:
                raise _too_wide(file_name, where, len(row))
            rows.append([_cell_text(c.value, getattr(c, "number_format", None)) for c in row])
            numbers.append(r)
        merged_above: set[int] = set()
    else:
        # the width is known from the cells read, before iter_rows pads every row to it
        if ws.max_column > cap:
            raise _too_wide(file_name, where, ws.max_column)
        for row in ws.iter_rows():
            rows.append([_cell_text(c.value, c.number_format) for c in row])
            numbers.append(row[0].row if row else len(numbers) + 1)
        merged_above = set()
        for rng in ws.merged_cells.ranges:
            anchor = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if r - 1 < len(rows):
                        row = rows[r - 1]
                        row += [None] * (c - len(row))
                        row[c - 1] = anchor
                        if rng.max_col > rng.min_col:
                            merged_above.add((r - 1) * 100000 + (c - 1))
    if not rows:
        return None
    header = _find_header(rows, kind, merged_above, overrides)
    if header is None:
        return None
    body = rows[header.index + 1:]
    width = max([len(header.columns), *(len(r) for r in body)]) if body else len(header.columns)
    cols = [pa.array([r[j] if j < len(r) else None for r in body], pa.large_string())
            for j in range(width)]
    table = pa.table({f"c{j}": c for j, c in enumerate(cols)}) if cols else pa.table({})
    names = header.columns + [""] * (width - len(header.columns))
    row_numbers = np.asarray(numbers[header.index + 1:], dtype=np.int64)
    return _finish(file_name, ws.title, names, table, row_numbers, None,
                   numbers[header.index], header.titles)


# --- GeoJSON ----------------------------------------------------------------

def _json_text(v: object) -> str | None:
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return _cell_text(v)


#: GeoJSON geometry types read as a polygon's representative point.
POLYGON_TYPES: tuple[str, ...] = ("Polygon", "MultiPolygon")


def _feature_point(geom: object) -> tuple[str | None, str | None, str | None, str | None, float]:
    """The point a GeoJSON feature's geometry stands for, as the register would write it.

    Returns ``(lon, lat, geometry type, error, extent_m)``: a Point gives its coordinates;
    a Polygon/MultiPolygon its representative point (shapely ``representative_point``,
    always inside the shape) and ``extent_m``, half its bounding box's diagonal in metres
    (the point's precision); no geometry gives no point and no error. Any other type
    (LineString, MultiLineString, MultiPoint, …) is the error ``not_a_point``; a geometry
    that cannot be read (a Point without two coordinates, an invalid or empty polygon) is
    ``bad_geometry``.

    >>> _feature_point({"type": "Point", "coordinates": [107.8, 31.1]})
    ('107.8', '31.1', 'Point', None, nan)
    >>> _feature_point({"type": "LineString", "coordinates": [[107.8, 31.1], [107.9, 31.2]]})[2:4]
    ('LineString', 'not_a_point')
    >>> _feature_point({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]})[:4]
    ('1', '1', 'Polygon', None)
    """
    if not isinstance(geom, dict) or not geom.get("type"):
        return None, None, None, None, float("nan")
    gtype = str(geom.get("type"))
    coords = geom.get("coordinates")
    if gtype == "Point":
        if isinstance(coords, list) and len(coords) >= 2 and all(
                isinstance(c, int | float | str) and not isinstance(c, bool) for c in coords[:2]):
            return _json_text(coords[0]), _json_text(coords[1]), gtype, None, float("nan")
        return None, None, gtype, "bad_geometry", float("nan")
    if gtype not in POLYGON_TYPES:
        return None, None, gtype, "not_a_point", float("nan")
    from shapely.geometry import shape

    try:
        shp = shape(geom)
        ok = shp.is_valid and not shp.is_empty
        pt = shp.representative_point() if ok else None
    except Exception:  # noqa: BLE001 - shapely/GEOS on malformed coordinates
        ok, pt = False, None
    if not ok or pt is None or pt.is_empty:
        return None, None, gtype, "bad_geometry", float("nan")
    x0, y0, x1, y1 = shp.bounds
    k = float(np.cos(np.radians(max(min(pt.y, 89.0), -89.0))))
    extent = 0.5 * float(np.hypot((x1 - x0) * 111_320.0 * k, (y1 - y0) * 110_574.0))
    return _cell_text(pt.x), _cell_text(pt.y), gtype, None, extent


def _read_geojson(path: Path, kind: str, overrides: dict[str, str] | None = None,
                  name: str | None = None) -> RawSheet:
    """Features as rows: properties as columns, plus ``lon``/``lat`` from the geometry.

    The geometry of each row is kept in ``RawSheet.row_info`` (``geometry``: its type,
    ``geometry_error``: ``not_a_point``/``bad_geometry`` or None, ``extent_m``: a polygon's
    half diagonal), for :mod:`etl.pipeline` to reject lines and note polygons.
    """
    name = name or path.name
    raw = path.read_bytes()
    data, encoding = _decode(raw, name)
    try:
        doc = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise RegisterReadError(f"“{name}”不是有效的 JSON（{exc}）",
                                f'"{name}" is not valid JSON ({exc})') from exc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
    else:
        raise RegisterReadError(f"“{name}”不是 GeoJSON FeatureCollection",
                                f'"{name}" is not a GeoJSON FeatureCollection')
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise RegisterReadError(f"“{name}”的 features 不是要素列表",
                                f'the "features" of "{name}" are not a list of features')
    keys: dict[str, None] = {}
    for f in features:
        props = f.get("properties")
        keys.update(dict.fromkeys(props.keys() if isinstance(props, dict) else ()))
    names = [str(k) for k in keys]
    cols = {k: [] for k in keys}
    lon, lat, gtypes, gerrors, extents, polygons, bare = [], [], [], [], [], [], []
    for i, f in enumerate(features, start=1):
        props = f.get("properties")
        props = props if isinstance(props, dict) else {}
        for k in keys:
            cols[k].append(_json_text(props.get(k)))
        x, y, gtype, gerr, extent = _feature_point(f.get("geometry"))
        lon.append(x)
        lat.append(y)
        gtypes.append(gtype)
        gerrors.append(gerr)
        extents.append(extent)
        if gtype in POLYGON_TYPES and gerr is None:
            polygons.append(i)
        elif gtype is None:
            bare.append(i)
    columns = [*names, "lon", "lat"]
    if _count_matches(columns, kind, overrides) < MIN_HEADER_MATCHES:
        raise _header_error(name, kind, "（GeoJSON 属性）", overrides=overrides)
    arrays = [pa.array(v, pa.large_string()) for v in (*(cols[k] for k in keys), lon, lat)]
    table = pa.table({f"c{j}": a for j, a in enumerate(arrays)})
    info = {"geometry": np.array(gtypes, dtype=object),
            "geometry_error": np.array(gerrors, dtype=object),
            "extent_m": np.array(extents, dtype=float)}
    sheet = _finish(name, None, columns, table, np.arange(1, len(features) + 1), encoding,
                    0, [], row_info=info)
    sheet.encoding = None
    if bare:
        shown = ", ".join(map(str, bare[:10])) + ("…" if len(bare) > 10 else "")
        sheet.skipped.insert(0, f"要素 {shown} 没有几何，无坐标 / feature {shown} has no geometry: "
                                "no coordinates")
    if polygons:
        shown = ", ".join(map(str, polygons[:10])) + ("…" if len(polygons) > 10 else "")
        sheet.skipped.insert(0, f"要素 {shown} 是面，取其代表点（面内一点）作为位置 / feature {shown}"
                                " is a polygon: located at its representative point (inside it)")
    return sheet
