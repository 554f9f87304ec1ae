"""Find the header row (and a sub-header row) of a sheet with the aliases of :mod:`etl.aliases`."""

from __future__ import annotations

from dataclasses import dataclass

from etl import aliases
from etl.read_errors import RegisterReadError

#: Header rows are looked for among the first rows of a sheet.
HEADER_SEARCH_ROWS = 20
#: A header row has at least this many cells that are aliases of the kind's fields.
MIN_HEADER_MATCHES = 2


@dataclass
class Header:
    """The header found among a sheet's first rows."""

    index: int          # 0-based index (in the rows given) of the last header row
    n_rows: int         # 1 or 2
    columns: list[str]  # one per source column; "" where blank
    titles: list[str]


def _clean_text(v: object) -> str:
    return " ".join(str(v).split()) if v is not None else ""


def _looks_numeric(text: str) -> bool:
    t = text.replace(",", "").replace(".", "", 1).lstrip("-+")
    return t.isdigit()


def count_matches(cells: list[object], kind: str, overrides: dict[str, str] | None = None) -> int:
    """How many cells are header aliases of the kind or source columns named by ``overrides``."""
    if not overrides:
        return aliases.count_matches(cells, kind)
    keys = {aliases.normalise_header(k) for k in overrides}
    return sum(1 for c in cells if isinstance(c, str) and c.strip()
               and (aliases.normalise_header(c) in keys or aliases.count_matches([c], kind)))


def find_header(rows: list[list[str | None]], kind: str,
                merged_above: set[int] | None = None,
                overrides: dict[str, str] | None = None) -> Header | None:
    """Header row (and optional sub-header row) among the first rows of a sheet.

    `merged_above` holds the column indices covered by a horizontal merge in a
    row (Excel), keyed as ``row_index * 100000 + column``.
    """
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_clean_text(c) for c in row]
        if count_matches(texts, kind, overrides) < MIN_HEADER_MATCHES:
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
                           and count_matches([joined[j]], kind, overrides))
            numeric = any(_looks_numeric(lo) for lo in lower if lo)
            blank_over_sub = any(not u and lo for u, lo in zip(upper, lower, strict=True))
            if not numeric and (sub_hits >= 1 or has_merge) and (
                    sub_hits >= 1 or blank_over_sub):
                return Header(i + 1, 2, joined, titles)
        return Header(i, n_rows, upper, titles)
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


def unique_columns(names: list[str]) -> list[str]:
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


def header_error(file_name: str, kind: str, where: str = "", *,
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
