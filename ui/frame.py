"""The frame every page shares: header (title, synthetic-data banner, data year), footer
(sources, link to this view) and small helpers for formatting and downloads.

Usage in a page::

    from ui.frame import page_footer, page_header
    from ui.i18n import current_lang

    lang = current_lang()          # the language switch lives in app.py's sidebar
    page_header("health", lang)
    ...                            # widgets -> cached loader -> metric -> chart/table/map
    state.sync(...)                # write the view to the URL first,
    page_footer(lang)              # then the footer shows the link to this exact view

The frame (``app.py``) owns the sidebar: the language switch and, after the page has run,
the "copy link" control for the current view. Pages do not call
:func:`ui.state.copy_link` themselves and draw nothing in the sidebar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from etl.schema import FACILITY_KINDS, REGISTER_KINDS
from metrics import provenance
from ui.cache import cached
from ui.data import frames, query, status, travel_label, travel_model
from ui.downloads import model_file_name, to_csv_bytes, to_xlsx_bytes, travel_about
from ui.format import column_formats, plain_number
from ui.i18n import md_text, normalise_lang, t

__all__ = ["data_facts", "download_buttons", "fmt", "number_columns", "page_footer", "page_header",
           "sources", "synthetic_on_screen"]


@cached(max_entries=8)
def data_facts(path: str | None = None) -> Mapping[str, Any]:
    """Years and files of the data on screen, from the ``facilities``/``units``/``loads`` tables."""
    fac = frames(path)["facilities"]
    kind_of = {ty: k for k in FACILITY_KINDS for ty in REGISTER_KINDS[k]}
    dated = fac.loc[fac["year"].notna(), ["type", "year"]]
    kind_years: dict[str, list[int]] = {}
    for kind, sub in dated.groupby(dated["type"].map(kind_of), sort=True):
        kind_years[str(kind)] = sorted({int(y) for y in sub["year"]})
    pop = query("SELECT DISTINCT pop_year FROM units WHERE pop_year IS NOT NULL ORDER BY pop_year",
                (), path)
    files = query("SELECT file_name FROM loads WHERE kind NOT IN ('population', 'boundaries') "
                  "ORDER BY load_id", (), path)
    return {
        "years": sorted({int(y) for y in dated["year"]}),
        "kind_years": kind_years,
        "pop_years": [int(y) for y in pop["pop_year"]],
        "files": [str(f) for f in files["file_name"]],
    }


#: The register kinds each page shows: its banner names what of them (and of the village
#: points and population, shown on every page) is generated, real or not loaded yet.
PAGE_KINDS: dict[str, tuple[str, ...]] = {
    "overview": FACILITY_KINDS, "education": ("schools", "kindergartens"),
    "health": ("hospitals", "clinics"), "elderly_care": ("elderly_care",),
    "culture": ("culture",), "plan_subcentre": ("hospitals", "clinics"),
    "plan_consortia": ("hospitals", "clinics"), "plan_boarding": ("schools",),
    "plan_scenarios": FACILITY_KINDS, "data": FACILITY_KINDS,
}


@cached(max_entries=4)
def _origin(path: str | None = None) -> pd.DataFrame:
    f = frames(path)
    return provenance.origin(f["units"], f["facilities"],
                             {k: REGISTER_KINDS[k] for k in FACILITY_KINDS})


def data_origin(kinds: tuple[str, ...] | None = None) -> pd.DataFrame:
    """:func:`metrics.provenance.origin` of the current data: the ``units`` row, then one
    row per register kind (of ``kinds`` only, when given). A new frame."""
    out = _origin()
    if kinds is not None:
        out = out.loc[out["item"].isin([provenance.UNITS, *kinds])]
    return out.reset_index(drop=True)


def _item_label(item: str, lang: str) -> str:
    if item == provenance.UNITS:
        return t("origin.units", lang)
    kind = t(f"kind.{item}", lang)
    return t("origin.register", lang, kind=kind if lang == "zh" else kind.lower())


def join_items(items: list[str], lang: str) -> str:
    """A list in words: ``甲、乙、丙`` or ``a, b and c``.

    >>> join_items(["甲", "乙", "丙"], "zh"), join_items(["a", "b", "c"], "en"), join_items(["a"], "en")
    ('甲、乙、丙', 'a, b and c', 'a')
    """
    if lang == "zh" or len(items) < 2:
        return "、".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def origin_messages(page_key: str, lang: str) -> dict[str, str]:
    """What this page's banner says, by message: ``synthetic`` (a warning naming every
    generated item, the mixed ones with their counts), ``real`` (the real items with their
    years and files) and ``missing`` (kinds with no rows); a message is left out when it has
    nothing to say. File names are escaped for Markdown."""
    lang = normalise_lang(lang)
    sep = "、" if lang == "zh" else ", "
    rows = data_origin(PAGE_KINDS.get(page_key, FACILITY_KINDS))
    synthetic, real, missing = [], [], []
    for r in rows.itertuples():
        label = _item_label(r.item, lang)
        years = "–".join(str(y) for y in (r.real_years[:1] + r.real_years[1:][-1:]))
        if r.status == provenance.SYNTHETIC:
            synthetic.append(label)
        elif r.status == provenance.MIXED:
            synthetic.append(t("origin.mixed", lang, item=label, real=f"{r.real_rows:,}",
                               synthetic=f"{r.synthetic_rows:,}",
                               years=t("origin.years", lang, years=years) if years else ""))
        elif r.status == provenance.MISSING:
            missing.append(label)
        if r.status in (provenance.REAL, provenance.MIXED):
            files = sep.join(md_text(x) for x in r.real_sources[:3])
            more = "…" if len(r.real_sources) > 3 else ""
            yr = (f"{years} 年" if lang == "zh" else years) if years else ""
            real.append(t("origin.real_item", lang, item=label, years=yr,
                          sources=(("，" if lang == "zh" else ", ") if yr and files else "")
                          + files + more))
    out: dict[str, str] = {}
    if synthetic:
        out["synthetic"] = t("synthetic.page", lang, items=join_items(synthetic, lang))
    if real:
        out["real"] = t("origin.real", lang, items=join_items(real, lang))
    if missing:
        out["missing"] = t("origin.missing", lang, items=join_items(missing, lang))
    return out


def synthetic_on_screen() -> bool:
    s = status()
    return bool(s["units_synthetic"] or s["facilities_synthetic"])


def _years(values: list[int]) -> str:
    if not values:
        return "–"
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def year_line(lang: str, page_key: str | None = None) -> str:
    """``设施登记表：2024 年 · 人口：2020 年`` in the chosen language: the years of the
    registers the page's figures rest on (per kind when they differ)."""
    f = data_facts()
    kinds = PAGE_KINDS.get(page_key or "", FACILITY_KINDS)
    per_kind = {k: f["kind_years"][k] for k in kinds if f["kind_years"].get(k)}
    spans = {_years(v) for v in per_kind.values()}
    if not per_kind:
        reg = t("frame.no_registers", lang)
    elif len(spans) == 1:
        reg = t("frame.registers_year", lang, year=spans.pop())
    else:
        label = (lambda k: t(f"kind.{k}", lang)) if lang == "zh" else (
            lambda k: t(f"kind.{k}", lang).lower())
        parts = [f"{label(k)} {_years(v)}" + (" 年" if lang == "zh" else "")
                 for k, v in per_kind.items()]
        reg = t("frame.registers_years", lang, years=join_items(parts, lang))
    return (f"{reg} · {t('data.pop_year', lang, year=_years(f['pop_years']))} · "
            f"{t('frame.travel', lang, model=travel_label(lang))}")


def sources(lang: str, *, markdown: bool = False) -> list[str]:
    """One line per source of the data on screen (for the footer and the briefs); with
    ``markdown`` the file names of loaded registers are escaped for a Markdown element."""
    f = data_facts()
    out = [t("source.codes", lang), t("source.census", lang), t("source.boundary", lang)]
    if status()["facilities_synthetic"]:
        out.append(t("source.registers_synthetic", lang))
    elif f["files"]:
        files = [md_text(x) for x in f["files"]] if markdown else f["files"]
        out.append(t("source.registers", lang, source="、".join(files)))
    return out


def page_header(page_key: str, lang: str) -> None:
    """Title, subtitle, the synthetic-data banner (whenever it applies) and the data year."""
    lang = normalise_lang(lang)
    st.title(t(f"page.{page_key}", lang))
    st.caption(f"{t('app.title', lang)} · {t('app.subtitle', lang)}")
    said = origin_messages(page_key, lang)
    if "synthetic" in said:
        st.warning(said["synthetic"], icon=":material/warning:")
    if "missing" in said:
        st.info(said["missing"], icon=":material/info:")
    if "real" in said:
        st.caption(said["real"])
    st.session_state["_page_key"] = page_key
    st.caption(year_line(lang, page_key))


def page_footer(lang: str) -> None:
    """Sources and data year at the bottom of the page."""
    lang = normalise_lang(lang)
    st.divider()
    colon = "：" if lang == "zh" else ": "
    st.caption(f"{t('data.sources', lang)}{colon}{' · '.join(sources(lang, markdown=True))}")
    st.caption(year_line(lang, st.session_state.get("_page_key")))


def fmt(value: Any, unit: str = "", digits: int = 1) -> str:
    """A number for display with thousands separators and its unit; ``–`` when missing;
    never "-0".

    >>> fmt(77.4952, "%"), fmt(1234.5, "min", 0), fmt(float("nan"), "%"), fmt(None), fmt(-0.01, "%")
    ('77.5 %', '1,234 min', '–', '–', '0.0 %')
    """
    text = plain_number(value, digits)
    return text if text == "–" else f"{text} {unit}".strip()


def number_columns(frame: pd.DataFrame, formats: Mapping[str, int | None] | None = None,
                   helps: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``column_config`` for ``st.dataframe``: every number column with thousands separators
    and its decimals (:func:`ui.format.column_formats`; ``formats`` sets a column's
    decimals, None leaves it as it is): counts read 20,419, never 20419.0. ``helps``: a
    column's tooltip (e.g. what rank 1 means)."""
    specs = column_formats(frame, formats)
    helps = {c: h for c, h in (helps or {}).items() if c in frame.columns}
    return {col: st.column_config.NumberColumn(format=specs.get(col), help=helps.get(col))
            for col in [*specs, *(c for c in helps if c not in specs)]}


def download_buttons(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str, lang: str,
                     key: str) -> None:
    """CSV and XLSX buttons side by side for a table (files made when clicked)."""
    get = frame if callable(frame) else (lambda: frame)
    model = travel_model()  # the file says which travel times it holds: name and about sheet
    row = st.container(horizontal=True)
    row.download_button(t("download.csv", lang), data=lambda: to_csv_bytes(get()),
                       file_name=model_file_name(name, model.key, "csv"), mime="text/csv",
                       key=f"{key}_csv", on_click="ignore")
    row.download_button(t("download.xlsx", lang),
                       data=lambda: to_xlsx_bytes(get(), name, about=travel_about(model)),
                       file_name=model_file_name(name, model.key, "xlsx"), key=f"{key}_xlsx",
                       on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
