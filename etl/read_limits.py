"""Guards on the files read, declared as data, and the checks run before a file is parsed.

Its size, its type by extension *and* by its first bytes, for Excel the sizes the zip
declares (a zip bomb is refused before openpyxl opens it) and a sheet's width before its
rows are read.
"""

from __future__ import annotations

import codecs
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from etl.read_errors import RegisterReadError, scrub


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


def check_size(path: Path, name: str) -> None:
    """Refuse a file over ``max_file_mb`` before reading a byte of it."""
    size, max_mb = path.stat().st_size, limit("max_file_mb")
    if size > max_mb * 1e6:
        raise RegisterReadError(
            f"“{name}”有 {size / 1e6:.1f} MB，超过上限 {max_mb:g} MB，未读取；请拆分文件",
            f'"{name}" is {size / 1e6:.1f} MB, over the {max_mb:g} MB limit; not read '
            "(split the file)")


def check_type(path: Path, suffix: str, name: str) -> None:
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


def check_zip(path: Path, name: str) -> None:
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


def too_wide(file_name: str, where: str, n_columns: int) -> RegisterReadError:
    cap = limit("max_columns")
    return RegisterReadError(
        f"“{file_name}”{where}有 {n_columns:,} 列，超过上限 {cap:g} 列，未读取；请删除多余的空列",
        f'"{file_name}"{where} has {n_columns:,} columns, over the {cap:g}-column limit; '
        "not read (delete the extra empty columns)")
