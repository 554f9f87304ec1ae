"""Read bureau registers (CSV, Excel, GeoJSON) as text, exactly as written.

A register written by people has title rows above the header, Chinese column
names that vary between bureaus, two-row headers with merged cells, several
sheets, GBK/GB18030 or UTF-8 with BOM. :func:`read_register` finds the header
row with the aliases of :mod:`etl.aliases`, keeps every value as a stripped
string (parsing is the job of :mod:`etl.values` and :mod:`etl.coords`) and
records the source row number of every row.

This module is the front door (and the ``--map`` checks); the work is done by
:mod:`etl.read_limits` (the guards run before a file is parsed, limits in
:data:`LIMITS`), :mod:`etl.csv_reader`, :mod:`etl.xlsx_reader`,
:mod:`etl.geojson_reader`, :mod:`etl.header_rows` (finding the header) and
:mod:`etl.raw_sheet` (the sheet read, and its finishing). Their public names used
elsewhere are re-exported here.
"""

from __future__ import annotations

from pathlib import Path

from etl import aliases, csv_reader, geojson_reader, xlsx_reader
from etl.csv_reader import PART_ROWS
from etl.geojson_reader import POLYGON_TYPES
from etl.header_rows import HEADER_SEARCH_ROWS, MIN_HEADER_MATCHES
from etl.raw_sheet import NOTE_PREFIXES, TOTAL_TOKENS, RawSheet
from etl.read_errors import RegisterReadError, read_error, scrub
from etl.read_limits import LIMITS, Limit, check_size, check_type, limit

#: The names other modules use from the readers (defined in the modules named above).
__all__ = [
    "HEADER_SEARCH_ROWS", "LIMITS", "MIN_HEADER_MATCHES", "NOTE_PREFIXES", "PART_ROWS",
    "POLYGON_TYPES", "TOTAL_TOKENS", "Limit", "MappingError", "RawSheet", "RegisterReadError",
    "check_mapped_columns", "check_overrides", "limit", "read_error", "read_register", "scrub",
]


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
        representative point; see :func:`etl.geojson_reader.read_geojson`).
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
    check_size(path, name)
    check_type(path, suffix, name)
    if suffix in (".csv", ".txt"):
        return [csv_reader.read_csv(path, kind, overrides, name)]
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_reader.read_xlsx(path, kind, sheet, overrides, name)
    if suffix in (".geojson", ".json"):
        return [geojson_reader.read_geojson(path, kind, overrides, name)]
    if suffix in (".xls", ".et", ".wps"):
        raise RegisterReadError(
            f"“{name}”是旧版 Excel/WPS 格式，请另存为 .xlsx 或 .csv 后再导入",
            f'"{name}" is an old Excel/WPS format; save it as .xlsx or .csv first')
    raise RegisterReadError(
        f"不支持的文件类型“{name}”：可用 .csv、.txt、.xlsx、.xlsm、.geojson、.json",
        f'unsupported file type "{name}": use .csv, .txt, .xlsx, .xlsm, .geojson or .json')


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
