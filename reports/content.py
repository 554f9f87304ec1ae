"""The monitoring report's content: title page facts, summary and one section per domain.

:func:`build_content` turns :class:`reports.data.Inputs` into a :class:`reports.model.Content`
in one language: the summary (the headline gap of each domain in one sentence, the largest
gaps, the change since the previous year), per domain each headline indicator's county,
urban and rural values, ratio (behind ÷ ahead, :func:`metrics.gaps.urban_rural_gap`) and Gini
with its bootstrap interval (:func:`metrics.inequality.summarise`, seed 2022 as the
overview), a township ranking table, a map and a chart; then the sections of
:mod:`reports.sections` (culture audit, plan tracker, scenarios, appendix). Numbers are
written by :mod:`ui.format`'s rules, as on the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from etl.schema import FACILITY_KINDS, REGISTER_KINDS
from metrics import provenance, travel
from metrics.gaps import headline_by_domain, largest_gaps, township_gaps, urban_rural_gap
from metrics.indicators import CATALOGUE, DOMAINS, INDICATORS, Indicator, IndicatorTable
from metrics.inequality import summarise
from metrics.years import change, kinds_of, previous_year
from reports import figures, sections
from reports.data import Inputs, data_year, load_year
from reports.model import Content, Figure, Heading, Paragraph, Table
from reports.text import place, tr
from ui.cards import behind_text, group_values
from ui.format import (
    digits,
    display_frame,
    fmt_change,
    fmt_value,
    label_of,
    plain_number,
    ratio_label,
    unit_of,
    weighting_text,
)
from ui.i18n import domain_label, t
from ui.tables import all_gaps_table, township_gap_table

__all__ = ["N_BOOT", "ZH_NUMERALS", "build_content", "gini_ci", "headline_rows"]

#: Bootstrap draws of the Gini interval (as the overview's cards).
N_BOOT = 100
#: Section numbers of the Chinese report.
ZH_NUMERALS = "一二三四五六七八九十"
#: How many of the largest gaps the summary lists.
N_LARGEST = 8


def gini_ci(table: IndicatorTable, key: str) -> tuple[float | None, tuple[float, float] | None]:
    """Gini between units of indicator ``key`` and its bootstrap 95 % interval (seed 2022),
    as ``ui.data.gini_ci`` computes it for the overview."""
    try:
        s = summarise(table.values[key], table.weights[key], table.units["urban_rural"],
                      higher_is_better=INDICATORS[key].higher_is_better, n_boot=N_BOOT, seed=2022)
    except ValueError:  # no unit with both a value and a weight: no Gini to report
        return None, None
    ci = s["ci"].get("gini")
    g = s["gini"]
    return (None if g is None or pd.isna(g) else float(g),
            None if ci is None else (float(ci[0]), float(ci[1])))


def _value(value: Any, ind: Indicator, lang: str, *, unit: bool = False) -> str:
    text = fmt_value(value, ind)
    u = unit_of(ind, lang)
    return f"{text} {u}" if unit and u and text != "–" else text


def _sep(lang: str) -> str:
    return "" if lang == "zh" else " "


def headline_rows(table: IndicatorTable, inds: Sequence[Indicator], lang: str,
                  ginis: dict[str, tuple]) -> pd.DataFrame:
    """One row per indicator: name, unit, county, urban, rural, ratio, side behind, Gini."""
    rows = []
    for ind in inds:
        v = group_values(table, ind.key)
        gap = urban_rural_gap(table.summaries[ind.key]["urban_rural"], ind.higher_is_better)
        g, ci = ginis[ind.key]
        gini = plain_number(g, 3)
        if ci is not None:
            gini += f"（{plain_number(ci[0], 3)}–{plain_number(ci[1], 3)}）" if lang == "zh" \
                else f" ({plain_number(ci[0], 3)}–{plain_number(ci[1], 3)})"
        rows.append({
            tr("col.indicator", lang): label_of(ind, lang),
            tr("col.unit", lang): unit_of(ind, lang) or "–",
            tr("col.county", lang): fmt_value(v["county"], ind),
            tr("col.urban", lang): fmt_value(v["urban"], ind),
            tr("col.rural", lang): fmt_value(v["rural"], ind),
            tr("col.ratio", lang): plain_number(None if gap is None else gap["ratio"], 2),
            tr("col.behind", lang): (t(gap["worse"], lang) if gap and gap["worse"] else "–"),
            tr("col.gini", lang): gini,
        })
    return pd.DataFrame(rows)


def _summary_sentence(table: IndicatorTable, ind: Indicator, lang: str,
                      gini: tuple) -> str:
    domain = domain_label(ind.domain, lang)
    gap = urban_rural_gap(table.summaries[ind.key]["urban_rural"], ind.higher_is_better)
    if gap is None:
        return tr("sum.domain_none", lang, domain=domain, indicator=label_of(ind, lang))
    v = group_values(table, ind.key)
    g, ci = gini
    behind = behind_text(gap, ind, lang)
    return tr("sum.domain", lang, domain=domain, indicator=label_of(ind, lang),
              urban=_value(v["urban"], ind, lang, unit=True),
              rural=_value(v["rural"], ind, lang, unit=True),
              behind=behind if lang == "zh" else behind[0].lower() + behind[1:],
              sides=ratio_label(gap["worse"], gap["better"], lang),
              ratio=plain_number(gap["ratio"], 2), county=_value(v["county"], ind, lang, unit=True),
              gini=plain_number(g, 3), lo=plain_number(ci[0], 3) if ci else "–",
              hi=plain_number(ci[1], 3) if ci else "–")


def _heading_no(i: int, lang: str) -> str:
    return ZH_NUMERALS[i - 1] if lang == "zh" else str(i)


def _ranking(table: IndicatorTable, ind: Indicator, towns: pd.DataFrame,
             lang: str) -> pd.DataFrame | None:
    county = float(table.county.loc[ind.key, "value"])
    gaps = township_gaps(table.summaries[ind.key]["township_code"], county, ind.higher_is_better)
    if gaps.empty:
        return None
    frame = township_gap_table(gaps, ind, towns, lang)
    name_col = t("township", lang)
    frame[name_col] = frame[name_col].map(lambda n: place(n, lang))
    n = digits(ind)
    cols = list(frame.columns)
    frame[cols[5]] = frame[cols[5]].map(lambda z: place(z, lang))  # the planning zone
    # rank and counts as integers, values and gaps in the indicator's precision
    return display_frame(frame, {cols[0]: 0, cols[2]: n, cols[3]: n, cols[4]: 1, cols[6]: 0})


def _changes(inputs: Inputs, lang: str) -> list[Paragraph]:
    """What changed since the previous year, for the headline indicators that have one."""
    year = data_year(inputs)
    heads = [i for i in CATALOGUE if i.headline]
    by_prev: dict[int, list[Indicator]] = {}
    for ind in heads:
        prev = previous_year(inputs.year, kinds_of(ind.facility_types, REGISTER_KINDS),
                             inputs.register_years)
        if prev is not None:
            by_prev.setdefault(prev, []).append(ind)
    if not by_prev:
        return [Paragraph(tr("sum.one_year", lang, year=year if year is not None else "–"))]
    out = []
    for prev, inds in sorted(by_prev.items()):
        _, before = load_year(inputs, prev)
        out.append(Paragraph(tr("sum.change_intro", lang, prev=prev)))
        for ind in inds:
            now, then = group_values(inputs.table, ind.key), group_values(before, ind.key)
            parts = {g: (lambda d: "–" if d is None else fmt_change(d, ind, lang, prev))(
                change(now[g], then[g])) for g in ("county", "urban", "rural")}
            out.append(Paragraph(tr("sum.change", lang, indicator=label_of(ind, lang), **parts),
                                 style="List Bullet"))
    return out


def _domain_section(content: Content, inputs: Inputs, domain: str, no: int, lang: str,
                    ginis: dict[str, tuple]) -> None:
    table, towns = inputs.table, inputs.frames["townships"]
    name = domain_label(domain, lang)
    inds = [i for i in CATALOGUE if i.domain == domain and i.headline]
    content.add(Heading(tr("h.domains", lang, n=_heading_no(no, lang), domain=name), 1),
                Paragraph(tr("dom.intro", lang, domain=name, n=len(inds), boot=N_BOOT)),
                Table(f"indicators:{domain}", tr("cap.indicators", lang, domain=name),
                      headline_rows(table, inds, lang, ginis)))
    for ind in inds:
        label = label_of(ind, lang)
        content.add(Heading(label, 2))
        content.add(Paragraph(_summary_sentence(table, ind, lang, ginis[ind.key])))
        direction = t("ov.better_high" if ind.higher_is_better else "ov.better_low", lang)
        content.add(Paragraph(tr("dom.ind_text", lang, help=ind.help_zh if lang == "zh"
                                 else ind.help_en, direction=direction,
                                 weighting=weighting_text(ind, lang))))
        ranking = _ranking(table, ind, towns, lang)
        county = _value(table.county.loc[ind.key, "value"], ind, lang, unit=True)
        if ranking is None:
            content.add(Paragraph(tr("dom.no_rank", lang)))
        else:
            content.add(Paragraph(tr("dom.rank_intro", lang, county=county)),
                        Table(f"rank:{ind.key}", tr("cap.rank", lang, indicator=label), ranking))
        spec = figures.map_spec(ind, table, inputs.frames, inputs.boundaries, lang)
        if spec is not None and table.values[ind.key].notna().any():
            w, h = figures.MAP_SIZE
            content.add(Figure(f"map:{ind.key}", tr("cap.map", lang, indicator=label), spec, w, h))
        bar = figures.bar_spec(ind, table, towns, lang)
        if bar is not None:
            content.add(Figure(f"chart:{ind.key}", tr("cap.chart", lang, indicator=label), bar,
                               900, int(bar["layout"]["height"])))


def _synthetic_items(inputs: Inputs, lang: str) -> list[str]:
    rows = provenance.origin(inputs.frames["units"], inputs.frames["facilities"],
                             {k: REGISTER_KINDS[k] for k in FACILITY_KINDS})
    out = []
    for r in rows.itertuples():
        if r.status not in (provenance.SYNTHETIC, provenance.MIXED):
            continue
        label = sections.item_label(r.item, lang)
        if r.status == provenance.MIXED:
            label += (f"（{r.synthetic_rows:,} 条）" if lang == "zh" else f" ({r.synthetic_rows:,} rows)")
        out.append(label)
    if inputs.boundaries["generated"].get("unit"):
        out.append(tr("generated_areas", lang))
    return out


def build_content(inputs: Inputs, lang: str = "zh",
                  scenarios: Sequence[dict[str, Any]] = ()) -> Content:
    """The whole report in ``lang`` (``zh`` or ``en``); ``scenarios``: saved scenarios
    (:func:`etl.scenarios.get`) to report on, in the order given."""
    lang = "en" if lang == "en" else "zh"
    table, report = inputs.table, inputs.report
    meta = report["meta"]
    year = data_year(inputs)
    year_text = str(year) if year is not None else "–"
    items = _synthetic_items(inputs, lang)
    synthetic = bool(meta["synthetic"]) or bool(items)
    sep = "、" if lang == "zh" else ", "
    content = Content(
        lang=lang, title=tr("title", lang, year=year_text), subtitle=tr("subtitle", lang),
        made=tr("made", lang, date=date.today().isoformat(), year=year_text,
                model=travel.describe(inputs.model, lang)),
        header=tr("header", lang, year=year_text) + (tr("header_synthetic", lang) if synthetic else ""),
        synthetic=synthetic,
        synthetic_text=tr("synthetic_items", lang, items=sep.join(items)) if synthetic else "",
        report=report)
    heads = headline_by_domain(CATALOGUE)
    ginis = {i.key: gini_ci(table, i.key) for i in CATALOGUE if i.headline}

    # -- summary
    content.add(Heading(tr("h.summary", lang), 1))
    pop = meta["population"]
    content.add(Paragraph(tr("sum.intro", lang, units=f"{meta['n_units']:,}",
                             towns=f"{meta['n_townships']:,}",
                             pop="–" if pop is None else f"{int(pop):,}",
                             fac=f"{meta['n_facilities']:,}")))
    if meta["overrides"]:
        content.add(Paragraph(tr("overrides", lang, items=", ".join(
            f"{k} = {v:g}" for k, v in meta["overrides"].items()))))
    content.add(Heading(tr("h.headline_gaps", lang), 2))
    for ind in heads.values():
        content.add(Paragraph(_summary_sentence(table, ind, lang, ginis[ind.key]), style="List Bullet"))
    content.add(Heading(tr("h.largest", lang), 2))
    gaps = largest_gaps({k: v["urban_rural"] for k, v in table.summaries.items()}, CATALOGUE)
    content.add(Paragraph(tr("sum.largest", lang, n=len(CATALOGUE), k=min(N_LARGEST, len(gaps)))))
    largest = all_gaps_table(table, CATALOGUE, lang).head(N_LARGEST)
    if len(largest):
        content.add(Table("largest", tr("cap.largest", lang), _largest_text(largest, lang)))
    content.add(Heading(tr("h.change", lang), 2))
    content.add(*_changes(inputs, lang))

    # -- one section per domain, then the audits, the plan, scenarios and the appendix
    no = 2
    for domain in DOMAINS:
        _domain_section(content, inputs, domain, no, lang, ginis)
        no += 1
    sections.culture_audit(content, inputs, _heading_no(no, lang), lang)
    no += 1
    sections.plan_tracker(content, inputs, _heading_no(no, lang), lang)
    no += 1
    if scenarios:
        sections.scenario_section(content, inputs, scenarios, _heading_no(no, lang), lang)
    sections.appendix(content, inputs, lang, boot=N_BOOT)
    return content


def _largest_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The largest-gaps table as text: urban and rural values in each indicator's precision."""
    by_label = {label_of(i, lang): i for i in CATALOGUE}
    out = frame.copy()
    ind_col, urban, rural = t("ov.col.indicator", lang), t("urban", lang), t("rural", lang)
    inds = [by_label[n] for n in out[ind_col]]
    for col in (urban, rural):
        out[col] = [fmt_value(v, i) for v, i in zip(out[col], inds, strict=True)]
    return display_frame(out, {t("ov.col.ratio", lang): 2, t("ov.col.factor", lang): 2})
