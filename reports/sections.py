"""The report's later sections: the culture four-tier audit, the plan tracker, saved planning
scenarios and the appendix (formulas, settings with sources, travel model, data sources).

Each function appends blocks to a :class:`reports.model.Content`; the numbers come from
:mod:`metrics.audit`, :mod:`metrics.plan`, :mod:`metrics.scenario` and
:mod:`metrics.settings`, as the culture page, the overview's tracker and the planning pages
compute them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from etl.schema import FACILITY_KINDS, REGISTER_KINDS
from metrics import audit, provenance, settings, travel
from metrics.indicators import CATALOGUE
from metrics.plan import TARGET_YEAR, plan_path, plan_status
from reports.model import Content, Heading, Paragraph, Table
from reports.text import place, tr
from ui.format import display_frame, fmt_value, label_of, source_text, unit_of
from ui.i18n import facility_label, setting_unit, t
from ui.plan_text import lead_text, names_in
from ui.tables import localise

__all__ = ["appendix", "culture_audit", "item_label", "plan_tracker", "scenario_section"]

TOWNSHIP_TYPES = ("township_complex", "library_branch", "culture_branch")
UNIT_TYPES = ("village_centre", "courtyard_post")


def item_label(item: str, lang: str) -> str:
    """A data item in words: the village points and population, or a register by kind."""
    if item == provenance.UNITS:
        return t("origin.units", lang)
    kind = t(f"kind.{item}", lang)
    return t("origin.register", lang, kind=kind if lang == "zh" else kind.lower())


def _names(frame: pd.DataFrame, col: str, lang: str) -> pd.DataFrame:
    if col in frame.columns:
        frame[col] = frame[col].map(lambda n: place(n, lang))
    return frame


def culture_audit(content: Content, inputs: Any, no: str, lang: str) -> None:
    """The culture page's four-tier audit: county stage, township complexes, village centres,
    courtyard posts, branches, opening hours."""
    f = inputs.frames
    fac = f["facilities"]
    culture = fac.loc[fac["domain"] == "culture"]
    sep = "、" if lang == "zh" else ", "
    content.add(Heading(tr("h.culture_audit", lang, n=no), 1),
                Paragraph(t("dom.culture.tiers_note", lang)))
    if not len(culture):
        content.add(Paragraph(t("empty.no_data", lang)))
        return
    stage = audit.named_list(fac, "county_stage")
    cov = audit.township_coverage(f["units"], fac, f["townships"], TOWNSHIP_TYPES, UNIT_TYPES)
    lacking = audit.units_lacking(f["units"], fac, UNIT_TYPES)
    missing = [place(n, lang) for n in cov.loc[~cov["has_township_complex"], "name"]]
    lines = [t("dom.culture.county_stage_ok", lang, n=stage["n"]) if stage["n"]
             else t("dom.culture.county_stage_none", lang),
             t("dom.culture.missing_complex", lang, names=sep.join(missing)) if missing
             else t("dom.culture.all_complex", lang),
             t("dom.culture.missing_units", lang, n=int((~lacking["has_village_centre"]).sum()),
               m=int((~lacking["has_courtyard_post"]).sum()))]
    for kind in ("library_branch", "culture_branch"):
        gone = [place(n, lang) for n in cov.loc[~cov[f"has_{kind}"], "name"]]
        what = facility_label(kind, lang)
        lines.append(t("dom.culture.missing_branch", lang, what=what, names=sep.join(gone)) if gone
                     else t("dom.culture.all_branch", lang, what=what))
    content.add(*[Paragraph(x, style="List Bullet") for x in lines])
    columns = {"name": "dom.col.township", "n_units": "dom.col.n_units",
               **{f"has_{k}": f"facility.{k}" for k in TOWNSHIP_TYPES},
               **{f"lacking_{k}": f"dom.culture.lack.{k}" for k in UNIT_TYPES}}
    shown = _names(localise(cov, columns, lang), t("dom.col.township", lang), lang)
    content.add(Table("culture_coverage", tr("cap.culture", lang), display_frame(shown)))
    county_h = settings.get("library_hours_per_week", inputs.overrides)
    branch_h = settings.get("branch_hours_per_week", inputs.overrides)
    hours = audit.hours_against_standard(culture, {
        "library": county_h, "culture_centre": county_h,
        "library_branch": branch_h, "culture_branch": branch_h})
    content.add(Heading(t("dom.culture.hours", lang), 2),
                Paragraph(t("dom.culture.hours_note", lang, county=f"{county_h:g}",
                            branch=f"{branch_h:g}") + " " +
                          t("dom.culture.hours_summary", lang,
                            n=int((hours["status"] == "not_met").sum()))))
    shown = localise(hours, {"name": "dom.col.name", "type": "dom.col.type",
                             "township_code": "dom.col.township",
                             "hours_per_week": "dom.culture.hours_col",
                             "standard": "dom.culture.standard_col",
                             "gap": "dom.culture.gap_col", "status": "dom.col.status"},
                     lang, townships=f["townships"])
    shown = _names(shown, t("dom.col.township", lang), lang)
    content.add(Table("culture_hours", tr("cap.hours", lang), display_frame(shown)))


def _count(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else f"{int(v):,}"


def plan_tracker(content: Content, inputs: Any, no: str, lang: str) -> None:
    """The overview's plan tracker: tasks 13-16, their status, and the path toward 2025."""
    from reports.data import load_year

    f = inputs.frames
    content.add(Heading(tr("h.plan", lang, n=no), 1), Paragraph(t("ov.plan_help", lang)))
    if inputs.plan_tasks is None:
        content.add(Paragraph(tr("plan.none", lang)))
        return
    plan = plan_status(f["facilities"], f["units"], f["townships"], inputs.plan_tasks)
    zh = lang == "zh"
    years = sorted({y for ys in inputs.register_years.values() for y in ys
                    if inputs.year is None or y <= inputs.year})
    by_year = {y: plan_status(*(lambda fr: (fr["facilities"], fr["units"], fr["townships"]))(
        load_year(inputs, y)[0]), inputs.plan_tasks) for y in years if y != inputs.year} \
        if len(years) > 1 else {}
    if by_year:
        by_year[max(years) if inputs.year is None else inputs.year] = plan
    path = plan_path(by_year or ({years[-1]: plan} if years else {})).set_index("key")
    sep = "：" if zh else ": "

    def path_text(key: str, planned: Any) -> str:
        if key not in path.index or not path.loc[key, "years"]:
            return "–"
        row = path.loc[key]
        parts = [f"{y}{sep}{int(v):,}" for y, v in zip(row["years"], row["values"], strict=True)]
        if planned is not None and not pd.isna(planned) and row["years"][-1] < TARGET_YEAR:
            parts.append(t("plan.path_target", lang, year=TARGET_YEAR, value=f"{int(planned):,}"))
        return " → ".join(parts)

    table = pd.DataFrame({
        t("plan.task", lang): [str(int(x)) for x in plan["task"]],
        t("plan.target", lang): plan["plan_zh" if zh else "plan_en"],
        t("plan.lead", lang): [lead_text(x, lang) for x in plan["lead_unit"]],
        t("plan.status", lang): [t(f"status.{s}", lang) for s in plan["status"]],
        t("plan.planned", lang): [_count(v) for v in plan["planned"]],
        t("plan.in_data", lang): [_count(v) for v in plan["in_data"]],
        t("plan.path_text", lang): [path_text(k, p) for k, p in zip(plan["key"], plan["planned"],
                                                                     strict=True)],
        t("plan.measure", lang): plan["measure_zh" if zh else "measure_en"],
    })
    content.add(Table("plan", tr("cap.plan", lang), table))
    details = [f"{t('plan.task', lang)} {int(task)}{sep}{names_in(d, lang)}" for task, d in
               zip(plan["task"], plan["detail_zh" if zh else "detail_en"], strict=True)
               if isinstance(d, str) and d]
    content.add(*[Paragraph(d, style="List Bullet") for d in details])


def scenario_section(content: Content, inputs: Any, scenarios: Sequence[dict[str, Any]],
                     no: str, lang: str) -> None:
    """Each chosen saved scenario: its edits applied to the facility table, the headline
    indicators of its domain recomputed (county, urban, rural: now and with the scenario)."""
    from metrics.scenario import apply_changes
    from reports.data import evaluate

    content.add(Heading(tr("h.scenarios", lang, n=no), 1), Paragraph(tr("scen.intro", lang)))
    rows = []
    for sc in scenarios:
        fac = apply_changes(inputs.frames["facilities"], sc.get("changes") or [])
        after = evaluate({**inputs.frames, "facilities": fac}, inputs.overrides, inputs.model)
        for ind in [i for i in CATALOGUE if i.headline and i.domain == sc.get("domain")]:
            for group in ("county", "urban", "rural"):
                rows.append({
                    tr("col.scenario", lang): str(sc.get("name", "")),
                    tr("col.changes", lang): f"{len(sc.get('changes') or []):,}",
                    tr("col.indicator", lang): label_of(ind, lang),
                    tr("col.unit", lang): unit_of(ind, lang) or "–",
                    tr("col.group", lang): t(group, lang),
                    tr("col.before", lang): fmt_value(_group(inputs.table, ind.key, group), ind),
                    tr("col.after", lang): fmt_value(_group(after, ind.key, group), ind),
                })
    if rows:
        content.add(Table("scenarios", tr("cap.scenarios", lang), pd.DataFrame(rows)))


def _group(table: Any, key: str, group: str) -> Any:
    if group == "county":
        return table.county.loc[key, "value"]
    s = table.summaries[key]["urban_rural"]
    return None if s is None else s["groups"]["mean"].get(group)


#: Setting "units" that are not units: a switch is shown as 1 (yes) / 0 (no), a share or a
#: weight as the bare number.
_SWITCH, _BARE = "1 = yes, 0 = no", ("0–1", "weight")


def setting_text(value: float, declared: str, unit: str, lang: str) -> str:
    """A setting's value with its unit (joined by a no-break space); a switch as 是/否.

    >>> setting_text(4.5, "km/h", "km/h", "en"), setting_text(1.0, _SWITCH, "", "zh")
    ('4.5\xa0km/h', '1（是）')
    >>> setting_text(0.5, "0–1", "0–1", "en"), setting_text(0.0, _SWITCH, "", "en")
    ('0.5', '0 (no)')
    """
    if declared == _SWITCH:
        word = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        return f"{value:g}（{word}）" if lang == "zh" else f"{value:g} ({word})"
    if declared in _BARE:
        return f"{value:g}"
    return f"{value:g}\u00a0{unit}".strip()


def appendix(content: Content, inputs: Any, lang: str, *, boot: int) -> None:
    """Formulas, settings with their sources (which are assumptions), the travel model, the
    data sources and exactly which data are generated."""
    zh = lang == "zh"
    content.add(Heading(tr("h.appendix", lang), 1), Heading(tr("h.formulas", lang), 2))
    rows = [{tr("col.indicator", lang): label_of(i, lang),
             tr("col.unit", lang): unit_of(i, lang) or "–",
             tr("col.formula", lang): i.help_zh if zh else i.help_en,
             tr("col.source", lang): source_text(i.source, lang)} for i in CATALOGUE if i.headline]
    content.add(Table("formulas", tr("cap.formulas", lang), pd.DataFrame(rows)),
                Heading(tr("h.measures", lang), 3), Paragraph(tr("measures.text", lang, boot=boot)))

    content.add(Heading(tr("h.settings", lang), 2))
    used = inputs.report["meta"]["settings"]
    rows = []
    for s in settings.SETTINGS.values():
        unit = setting_unit(s.unit, lang)
        value = used.get(s.key, s.default)
        rows.append({
            tr("col.setting", lang): f"{s.zh if zh else s.en}（{s.key}）" if zh else f"{s.en} ({s.key})",
            tr("col.value", lang): setting_text(value, s.unit, unit, lang),
            tr("col.default", lang): setting_text(s.default, s.unit, unit, lang),
            tr("col.kind", lang): tr("verified" if s.verified else "assumption", lang),
            tr("col.source", lang): source_text(s.source, lang),
        })
    content.add(Table("settings", tr("cap.settings", lang), pd.DataFrame(rows)))

    content.add(Heading(tr("h.travel", lang), 2))
    model = inputs.model
    content.add(Paragraph(tr("travel.used", lang, model=travel.describe(model, lang))))
    content.add(Paragraph(tr("travel.network" if model.key == "network" else "travel.straight_line",
                             lang, detour=f"{used.get('detour_factor', 1.3):g}")))
    speeds = [f"{settings.SETTINGS[k].zh if zh else settings.SETTINGS[k].en} {used[k]:g} km/h"
              for k in used if k.startswith("speed_") and k in settings.SETTINGS]
    content.add(Paragraph(("；" if zh else "; ").join(speeds) + ("。" if zh else ".")))

    content.add(Heading(tr("h.sources", lang), 2))
    f = inputs.frames
    origin = provenance.origin(f["units"], f["facilities"],
                               {k: REGISTER_KINDS[k] for k in FACILITY_KINDS})
    rows = [{tr("col.item", lang): item_label(r.item, lang),
             tr("col.origin", lang): tr(f"origin.{r.status}", lang),
             tr("col.rows", lang): f"{int(r.rows):,}",
             tr("col.synthetic_rows", lang): f"{int(r.synthetic_rows):,}",
             tr("col.files", lang): ("、" if zh else ", ").join(r.real_sources[:5]) or "–"}
            for r in origin.itertuples()]
    content.add(Table("sources", tr("cap.sources", lang), pd.DataFrame(rows)))
    if inputs.boundaries["generated"].get("unit"):
        content.add(Paragraph(tr("boundaries_generated", lang)))
    if content.synthetic:
        content.add(Paragraph(content.synthetic_text))
