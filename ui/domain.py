"""The shared shape of the four domain pages: indicator → map → comparison → ranking → tables → brief.

A domain page is its header, :func:`render_domain` and a few domain tables shown with
:func:`show_table`. View state lives in the URL (``ind``, ``town`` and one parameter per
setting the indicator uses, named by its key in :data:`metrics.settings.SETTINGS`, e.g.
``primary_lower_max_min``), so a copied link reopens the same view.

The functions above the ``# -- Streamlit`` line are pure formatting helpers (tables in,
tables and text out) and are tested without a running app. Below it, what the common
section shows is cached per view (indicator, settings, township, language and database):
the township-independent half (comparison, ranking, township table) once per indicator
and settings, the rest (map, distribution, village table) once per township too; the
charts are figure specifications (:mod:`ui.charts`). A page's own tables come through
:meth:`DomainView.audit` / :func:`ui.data.audit_table`, cached the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from metrics import settings
from metrics.indicators import CATALOGUE, INDICATORS, Indicator, IndicatorTable
from ui.i18n import facility_label, group_label, md_text, setting_unit, t, with_unit

__all__ = [
    "DomainView", "SLIDERS", "default_indicator", "domain_indicators", "fmt_value",
    "metric_label", "metric_value",
    "footer", "gap_rows", "glance_table", "header", "indicator_facts", "localise", "overrides_from", "render_domain",
    "settings_of", "show_table", "slider_format", "township_table", "unit_table",
    "kinds_of_types", "missing_note", "missing_section", "missing_text", "show_glance",
]

#: Slider range of each setting a domain page can change: key -> (min, max, step).
SLIDERS: dict[str, tuple[float, float, float]] = {
    "primary_lower_max_min": (10.0, 90.0, 5.0),
    "medical_circle_min": (5.0, 60.0, 5.0),
    "fca_catchment_min": (10.0, 90.0, 5.0),
    "speed_walk_kmh": (2.0, 8.0, 0.5),
    "speed_bicycle_kmh": (5.0, 25.0, 1.0),
    "speed_ebike_kmh": (5.0, 30.0, 1.0),
    "speed_car_kmh": (10.0, 80.0, 5.0),
    "speed_school_bus_kmh": (10.0, 60.0, 5.0),
}
ALL = "all"


# -- pure helpers ----------------------------------------------------------------------------

def domain_indicators(domain: str) -> list[Indicator]:
    """The catalogue entries of a domain, in catalogue order.

    >>> [i.key for i in domain_indicators("elderly_care")][:1]
    ['elderly_care_beds_per_1000_60plus']
    """
    return [i for i in CATALOGUE if i.domain == domain]


def default_indicator(domain: str) -> str:
    """The first headline indicator of the domain (else its first indicator).

    >>> default_indicator("education")
    'edu_primary_share_30min'
    """
    inds = domain_indicators(domain)
    return next((i.key for i in inds if i.headline), inds[0].key)


def settings_of(ind: Indicator) -> list[str]:
    """Setting keys of the indicator shown as sliders: its threshold, then its mode's speed.

    >>> settings_of(domain_indicators("health")[1])
    ['medical_circle_min', 'speed_car_kmh']
    >>> settings_of(domain_indicators("culture")[1])
    []
    """
    keys = []
    if ind.threshold is not None and ind.threshold in SLIDERS:
        keys.append(ind.threshold)
    if ind.mode is not None and settings.speed_key(ind.mode) in SLIDERS:
        keys.append(settings.speed_key(ind.mode))
    return keys


def slider_format(step: float) -> str:
    """The printf format of a slider's value: no more decimals than its step has.

    >>> slider_format(5.0), slider_format(0.5), slider_format(0.05)
    ('%.0f', '%.1f', '%.2f')
    """
    text = f"{step:g}"
    return f"%.{len(text.split('.')[1]) if '.' in text else 0}f"


def overrides_from(values: Mapping[str, float]) -> dict[str, float]:
    """Only the settings that differ from their defaults (so views share the cache).

    >>> overrides_from({"speed_walk_kmh": 4.5, "primary_lower_max_min": 45.0})
    {'primary_lower_max_min': 45.0}
    """
    return {k: float(v) for k, v in values.items() if float(v) != settings.SETTINGS[k].default}


def value_format(ind: Indicator) -> str:
    """Format spec for an indicator's values: two decimals for small rates, else one."""
    return ",.2f" if ind.kind in ("provision", "fca") or ind.denominator == "boarders" else ",.1f"


def fmt_value(value: Any, ind: Indicator) -> str:
    """An indicator value for the screen; ``–`` when missing.

    >>> from metrics.indicators import INDICATORS
    >>> fmt_value(12.345, INDICATORS["edu_primary_walk_min"]), fmt_value(float("nan"), INDICATORS["edu_primary_walk_min"])
    ('12.3', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format(float(value), value_format(ind))


def metric_label(label: str, ind: Indicator, lang: str) -> str:
    """A key-number label with the unit, unless the unit is short enough for the value (%, min)."""
    unit = unit_of(ind, lang)
    return label if unit in ("%", "min", "分钟") else with_unit(label, unit, lang)


def metric_value(value: Any, ind: Indicator, lang: str) -> str:
    """A key number: the value, with ``%`` or minutes attached (longer units go in the label).

    >>> from metrics.indicators import INDICATORS
    >>> metric_value(77.49, INDICATORS["edu_primary_share_30min"], "en")
    '77.5 %'
    >>> metric_value(2.794, INDICATORS["health_beds_per_1000"], "zh")
    '2.79'
    """
    unit = unit_of(ind, lang)
    text = fmt_value(value, ind)
    return f"{text} {unit}" if unit in ("%", "min", "分钟") and text != "–" else text


def unit_of(ind: Indicator, lang: str) -> str:
    return ind.unit_en if lang == "en" else ind.unit_zh


def label_of(ind: Indicator, lang: str) -> str:
    return ind.en if lang == "en" else ind.zh


def band_label(ind: Indicator, lang: str) -> str:
    """Who the indicator counts: the age band, or the equal-weight rule."""
    if ind.weight != "population":
        return t(f"dom.weight.{ind.weight}", lang)
    return "+".join(t(f"dom.pop.{c}", lang) for c in ind.population)


def indicator_facts(ind: Indicator, over: Mapping[str, float], lang: str) -> list[tuple[str, str]]:
    """(label, text) lines that explain an indicator: formula, unit, mode, standard, source."""
    en = lang == "en"
    help_text = ind.help_en if en else ind.help_zh
    lines = [(t("dom.formula", lang), help_text), (t("dom.unit_of_measure", lang), unit_of(ind, lang)),
             (t("dom.weight", lang), band_label(ind, lang))]
    if ind.mode:
        speed = settings.speed_key(ind.mode)
        lines.append((t("dom.mode", lang),
                      f"{t('dom.mode.' + ind.mode, lang)} {settings.get(speed, over):g} km/h"))
    std = []
    for key in (ind.threshold, ind.target):
        if key is None:
            continue
        s = settings.SETTINGS[key]
        flag = "" if s.verified else t("dom.verified_no", lang)
        std.append(f"{s.en if en else s.zh}: {settings.get(key, over):g} {setting_unit(s.unit, lang)}{flag} — "
                   f"{s.help_en if en else s.help_zh}")
    lines.append((t("dom.standard", lang), "；".join(std) if std and not en else
                  "; ".join(std) if std else t("dom.no_standard", lang)))
    lines.append((t("dom.source", lang), ind.source))
    return lines


def _names(townships: pd.DataFrame) -> dict[str, str]:
    return dict(zip(townships["code"].astype(str), townships["name"].astype(str), strict=True))


def unit_table(table: IndicatorTable, ind: Indicator, units: pd.DataFrame,
               townships: pd.DataFrame, lang: str, township: str | None = None) -> pd.DataFrame:
    """One row per village or community: names, urban/rural, the value and its weight.

    Columns (language-neutral): ``code``, ``name``, ``township``, ``township_code``,
    ``urban_rural``, ``urban_rural_label``, ``lon``, ``lat``, ``value``, ``weight``.
    ``township`` filters to one township code.
    """
    u = units.set_index(units["code"].astype(str))
    names = _names(townships)
    out = pd.DataFrame({
        "code": table.values.index.astype(str),
        "value": table.values[ind.key].to_numpy(),
        "weight": table.weights[ind.key].to_numpy(),
    })
    out["name"] = out["code"].map(u["name"])
    out["township_code"] = out["code"].map(u["township_code"].astype(str))
    out["township"] = out["township_code"].map(names)
    out["urban_rural"] = out["code"].map(u["urban_rural"])
    out["urban_rural_label"] = out["urban_rural"].map(lambda g: group_label(g, lang))
    out["lon"], out["lat"] = out["code"].map(u["lon"]), out["code"].map(u["lat"])
    if township:
        out = out.loc[out["township_code"] == str(township)]
    cols = ["code", "name", "township", "township_code", "urban_rural", "urban_rural_label",
            "lon", "lat", "value", "weight"]
    return out[cols].reset_index(drop=True)


def township_table(table: IndicatorTable, ind: Indicator, townships: pd.DataFrame) -> pd.DataFrame:
    """Townships ranked best first: ``rank``, ``township_code``, ``name``, ``value``,
    ``weight`` (sum of the summary weights), ``n_units``, ``status`` against the target.

    Empty (same columns) when the indicator has no value anywhere.
    """
    cols = ["rank", "township_code", "name", "value", "weight", "n_units", "status"]
    s = table.summaries[ind.key]["township_code"]
    if s is None:
        return pd.DataFrame(columns=cols)
    g = s["groups"]
    out = pd.DataFrame({"township_code": g.index.astype(str), "value": g["mean"].to_numpy(),
                        "weight": g["population"].to_numpy(), "n_units": g["n_units"].to_numpy()})
    out["name"] = out["township_code"].map(_names(townships)).fillna(out["township_code"])
    target = table.county.loc[ind.key, "target"]
    if ind.target is not None and not pd.isna(target):
        ok = out["value"] >= target if ind.higher_is_better else out["value"] <= target
        out["status"] = ok.map({True: "met", False: "not_met"})
    else:
        out["status"] = None
    out = out.sort_values("value", ascending=not ind.higher_is_better).reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out[cols]


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def gap_rows(summary: Mapping[str, Any] | None, town_summary: Mapping[str, Any] | None,
             ind: Indicator, lang: str) -> pd.DataFrame:
    """The gap measures with one plain sentence each: columns measure, value, meaning.

    ``summary`` is the urban/rural :func:`metrics.inequality.summarise` dict,
    ``town_summary`` the township one (for the between-townships share).
    """
    rows: list[tuple[str, str, str]] = []
    if summary is None:
        return pd.DataFrame(rows, columns=["measure", "value", "meaning"])
    fmt = value_format(ind)
    unit = t("dom.points", lang) if unit_of(ind, lang) == "%" else unit_of(ind, lang)
    better = t("dom.better" if ind.higher_is_better else "dom.worse", lang)
    d = _num(summary.get("pair_difference"))
    if d is not None:
        key = "dom.s.difference_zero" if d == 0 else (
            "dom.s.difference_pos" if d > 0 else "dom.s.difference_neg")
        rows.append((t("dom.m.difference", lang), format(d, "+" + fmt.lstrip(",")),
                     t(key, lang, abs=format(abs(d), fmt), unit=unit, better=better)))
        r = _num(summary.get("pair_ratio"))
        rows.append((t("dom.m.ratio", lang), "–" if r is None else format(r, ".2f"),
                     t("dom.s.ratio_none", lang) if r is None else t("dom.s.ratio", lang, v=format(r, ".2f"))))
    undefined = t("dom.s.undefined", lang)
    g = _num(summary.get("gini"))
    rows.append((t("dom.m.gini", lang), "–" if g is None else format(g, ".3f"),
                 undefined if g is None else t("dom.s.gini", lang)))
    th = _num(summary.get("theil"))
    rows.append((t("dom.m.theil", lang), "–" if th is None else format(th, ".3f"),
                 undefined if th is None else t("dom.s.theil", lang)))
    share = _num(summary.get("theil_between_share"))
    if d is not None and th is not None and th > 0 and share is not None:
        b = 100 * share
        rows.append((t("dom.m.between", lang), f"{b:.0f}%",
                     t("dom.s.between", lang, b=f"{b:.0f}", w=f"{100 - b:.0f}")))
    ts = _num(town_summary.get("theil_between_share")) if town_summary else None
    if th is not None and th > 0 and ts is not None:
        b = 100 * ts
        rows.append((t("dom.m.between_town", lang), f"{b:.0f}%",
                     t("dom.s.between_town", lang, b=f"{b:.0f}", w=f"{100 - b:.0f}")))
    return pd.DataFrame(rows, columns=["measure", "value", "meaning"])


def localise(frame: pd.DataFrame, columns: Mapping[str, str], lang: str, *,
             townships: pd.DataFrame | None = None, formats: Mapping[str, str] | None = None
             ) -> pd.DataFrame:
    """A table for the screen and the downloads: chosen columns, translated values and headers.

    ``columns``: column -> i18n key of its header, in display order. Values of ``type``
    become facility labels, ``township_code`` township names, ``status`` and booleans
    words; ``formats`` rounds numeric columns (e.g. ``{"gap": ".0f"}``).
    """
    out = pd.DataFrame(index=frame.index)
    names = _names(townships) if townships is not None else {}
    for col in columns:
        s = frame[col]
        if col == "type":
            s = s.map(lambda v: facility_label(str(v), lang))
        elif col == "township_code":
            s = s.astype(str).map(lambda v: names.get(v, v))
        elif col == "status":
            s = s.map(lambda v: t(f"dom.st.{v}", lang) if isinstance(v, str) else "–")
        elif s.dtype == bool:
            s = s.map(lambda v: t("dom.yes" if v else "dom.no", lang))
        elif formats and col in formats and pd.api.types.is_numeric_dtype(s):
            digits = int(formats[col].strip(".f") or 0)
            s = s.astype("float64").round(digits)
        out[col] = s
    return out.rename(columns={c: t(k, lang) for c, k in columns.items()}).reset_index(drop=True)


def glance_table(table: IndicatorTable, keys: Sequence[str], townships: pd.DataFrame,
                 lang: str) -> pd.DataFrame:
    """Townships × indicators (group values), headers with units, plus the county row.

    Every township is listed in code order; a missing value is NaN.
    """
    from metrics.indicators import INDICATORS

    by = table.by_group("township_code")
    codes = townships["code"].astype(str)
    out = pd.DataFrame({t("dom.col.township", lang): townships["name"].astype(str).to_numpy()})
    for key in keys:
        ind = INDICATORS[key]
        col = by[key] if key in by.columns else pd.Series(dtype=float)
        col.index = col.index.astype(str)
        digits = 2 if value_format(ind) == ",.2f" else 1
        vals = [round(float(col.get(c, float("nan"))), digits) for c in codes]
        vals.append(round(float(table.county.loc[key, "value"]), digits))
        out.loc[len(codes), t("dom.col.township", lang)] = t("county", lang)
        out[with_unit(label_of(ind, lang), unit_of(ind, lang), lang)] = vals
    return out


def missing_text(items: Sequence[str], lang: str, what: str) -> str:
    """What a section lacks, in words: the registers not loaded (``items``: register kinds,
    ``population`` for the village points and population), what that leaves out (``what``)
    and how to load them.

    >>> missing_text(["population", "elderly_care"], "zh", "无法计算“养老床位”").split("。")[0]
    '尚未导入分村人口登记表、养老托育机构登记表：村（社区）人口与位置缺失，无法计算“养老床位”'
    >>> missing_text(["clinics"], "en", "the map has no values")[:60]
    'Not loaded yet: the village clinics register. The map has no'
    """
    zh = lang == "zh"
    labels = []
    for item in items:
        kind = t(f"kind.{item}", lang)
        labels.append(t("origin.register", lang, kind=kind if zh else kind.lower()))
    names = "、".join(labels) if zh or len(labels) < 2 else (
        ", ".join(labels[:-1]) + " and " + labels[-1])
    effect = what
    if "population" in items:
        effect = t("dom.missing.population", lang) + ("，" if zh else "; ") + what
    if not zh:
        effect = effect[:1].upper() + effect[1:]
    how = ("、" if zh else ", ").join(t("dom.missing.how", lang, kind=k) for k in items)
    how += ("，" if zh else ", ") + t("dom.missing.upload", lang)
    return t("dom.missing", lang, items=names, effect=effect, how=how)


# -- Streamlit -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DomainView:
    """What :func:`render_domain` chose and computed; pages read it for their own tables."""

    domain: str
    lang: str
    indicator: Indicator
    overrides: Mapping[str, float]
    township: str | None
    table: IndicatorTable
    frames: Mapping[str, pd.DataFrame]

    @property
    def township_name(self) -> str | None:
        if not self.township:
            return None
        return _names(self.frames["townships"]).get(self.township, self.township)

    def glance(self, keys: Sequence[str]) -> pd.DataFrame:
        """:func:`glance_table` of this view (cached per settings and language)."""
        from ui.data import data_key

        return _glance(data_key(), tuple(sorted(self.overrides.items())), tuple(keys), self.lang)

    def audit(self, name: str, *args: Any, types: Sequence[str] | None = None) -> Any:
        """``metrics.audit.<name>`` on :meth:`facilities` (``ui.data.FACILITIES`` among
        ``args``), cached per view; see :func:`ui.data.audit_table`."""
        from ui.data import audit_table

        return audit_table(name, *args, domain=None if types is not None else self.domain,
                           types=types, township=self.township)

    def facilities(self, types: Sequence[str] | None = None) -> pd.DataFrame:
        """Facilities of the domain (or ``types``), filtered to the selected township."""
        fac = self.frames["facilities"]
        fac = fac.loc[fac["type"].isin(types)] if types is not None else fac.loc[fac["domain"] == self.domain]
        if self.township:
            fac = fac.loc[fac["township_code"].astype(str) == self.township]
        return fac


def header(domain: str) -> str:
    """The shared page header (title, synthetic-data banner, data year); returns the language."""
    from ui.frame import page_header
    from ui.i18n import current_lang

    lang = current_lang()
    page_header(domain, lang)
    return lang


def footer(lang: str) -> None:
    """The shared footer: sources, data year and the link to this view (in the sidebar)."""
    from ui.frame import page_footer

    page_footer(lang)


def show_table(frame: pd.DataFrame, name: str, lang: str, *, key: str,
               empty: str | None = None) -> None:
    """A table with CSV and XLSX downloads (or an empty-state sentence)."""
    import streamlit as st

    from ui.frame import download_buttons

    if frame.empty:
        st.info(empty or t("empty.no_match", lang))
        return
    st.dataframe(frame, hide_index=True, width="stretch", placeholder="–")
    download_buttons(frame, name, lang, key)


def missing_note(kinds: Sequence[str], lang: str, what: str, *,
                 population: bool = True, every: bool = False) -> str | None:
    """:func:`missing_text` for a section that shows facilities of the register ``kinds``
    (and needs the village points and population unless ``population`` is False), or None
    when the current data hold all of them (with ``every``: any of the kinds)."""
    from etl.schema import REGISTER_KINDS
    from metrics.provenance import missing_items
    from ui.data import frames

    f = frames()
    items = missing_items(f["units"] if population else None, f["facilities"], REGISTER_KINDS,
                          kinds)
    if every and len([i for i in items if i in kinds]) < len(kinds):
        return None
    return missing_text(items, lang, what) if items else None


def missing_section(kinds: Sequence[str], lang: str, title: str, *,
                    population: bool = False, every: bool = False) -> str | None:
    """:func:`missing_note` for the section headed ``title`` (“{title}” has no data)."""
    return missing_note(kinds, lang, t("dom.missing.section", lang, name=title),
                        population=population, every=every)


def show_glance(view: DomainView, keys: Sequence[str], name: str, title: str, *,
                key: str) -> None:
    """The townships × indicators table of ``keys`` (:meth:`DomainView.glance`) with its
    downloads; when it holds no value, the sentence naming the registers it lacks."""
    import streamlit as st

    frame = view.glance(keys)
    if frame.iloc[:, 1:].isna().all().all():
        types = sorted({ty for k in keys for ty in INDICATORS[k].facility_types})
        st.info(missing_section(kinds_of_types(types), view.lang, title, population=True)
                or t("empty.no_data", view.lang))
        return
    show_table(frame, name, view.lang, key=key)


def kinds_of_types(types: Sequence[str]) -> list[str]:
    """The register kinds that hold facilities of ``types``, in register order.

    >>> kinds_of_types(["village_clinic", "health_centre"])
    ['hospitals', 'clinics']
    """
    from etl.schema import REGISTER_KINDS

    return [k for k, ts in REGISTER_KINDS.items() if set(ts) & set(types)]


def _widgets(domain: str, lang: str) -> tuple[Indicator, dict[str, float], str | None]:
    """Indicator, setting sliders and township filter, all bound to the URL."""
    import streamlit as st

    from ui import state
    from ui.data import frames

    inds = {i.key: i for i in domain_indicators(domain)}
    towns = frames()["townships"]
    names = _names(towns)
    town_options = [ALL, *names]
    state.bind("ind", default_indicator(domain), options=list(inds))
    state.bind("town", ALL, options=town_options)
    c1, c2 = st.columns([3, 2])
    key = c1.selectbox(t("dom.indicator", lang), list(inds), key="ind",
                       format_func=lambda k: label_of(inds[k], lang))
    town = c2.selectbox(t("dom.township_filter", lang), town_options, key="town",
                        format_func=lambda c: t("dom.all_townships", lang) if c == ALL else names[c])
    ind = inds[key]
    values: dict[str, float] = {}
    keys = settings_of(ind)
    if keys:
        cols = st.columns(len(keys) + 1)
        for col, skey in zip(cols, keys, strict=False):
            lo, hi, step = SLIDERS[skey]
            s = settings.SETTINGS[skey]
            state.bind(skey, float(s.default), cast=float, bounds=(lo, hi))
            values[skey] = col.slider(
                with_unit(s.en if lang == "en" else s.zh, setting_unit(s.unit, lang), lang), lo, hi,
                step=step, key=skey, format=slider_format(step),
                help=f"{s.help_en if lang == 'en' else s.help_zh} ({s.source})")
        cols[-1].caption(t("dom.settings_note", lang))
    # settings of other indicators of this domain leave the link
    unused = {k for i in inds.values() for k in settings_of(i)} - set(keys)
    state.sync(ind=key, town=town, **values, **dict.fromkeys(sorted(unused)))
    return ind, overrides_from(values), (None if town == ALL else town)


def _map(view: DomainView, units: pd.DataFrame, *, static: bool = False) -> dict[str, Any]:
    """Village areas coloured by the value, township outlines, the indicator's facilities.

    A figure specification (:mod:`ui.charts`); ``units`` is :func:`unit_table`'s rows shown.
    """
    from ui.charts import merge
    from ui.data import boundaries
    from ui.maps import county_map_spec

    ind, lang = view.indicator, view.lang
    fac = view.facilities(ind.facility_types)[["lon", "lat", "type", "name"]]
    b = boundaries()
    keep = set(units["code"])
    areas = {"type": "FeatureCollection",
             "features": [f for f in b["unit"]["features"] if str(f.get("id")) in keep]}
    sep = "，" if lang == "zh" else ", "
    names = {c: f"{n}{sep}{tn}" for c, n, tn in zip(units["code"], units["name"], units["township"],
                                                     strict=True)}
    size = 6 if len(fac) > 60 else 8 if static else 12
    height = 560 if not static else 460
    # colours span the whole county's values, so a township shown alone keeps its colours
    county_values = view.table.values[ind.key].dropna()
    lo, hi = (float(county_values.min()), float(county_values.max())) if len(county_values) else (0, 0)
    spec = county_map_spec(
        b["county"], areas, pd.Series(units["value"].to_numpy(), index=units["code"]), None,
        fac, lang,
        area_title=with_unit(t("dom.map_value", lang), unit_of(ind, lang), lang),
        area_names=names, reverse_scale=ind.higher_is_better, value_format=value_format(ind),
        height=height, width_hint=760, static=static, outlines=b["township"], facility_size=size,
        value_range=(lo, hi) if hi > lo else None)
    # the legend under the map, so it hides no village: a bottom margin as tall as the legend
    # keeps the map area (for which county_map fitted the zoom) at its full height
    n_types = int(fac["type"].nunique())
    legend_px = 34 + 24 * math.ceil(n_types / 2) if n_types else 0
    spec["layout"] = merge(spec["layout"], {
        "height": height + legend_px,
        "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "top", "xanchor": "left",
                   "title": {"side": "top left"}, "font": {"size": 12}, "entrywidth": 0.5,
                   "entrywidthmode": "fraction"},
        "margin": {"l": 0, "r": 0, "t": 0, "b": legend_px}})
    return spec


def _urban_rural(view: DomainView) -> dict[str, Any] | None:
    from ui.charts import urban_rural_bars_spec

    ind, lang = view.indicator, view.lang
    s = view.table.summaries[ind.key]["urban_rural"]
    if s is None:
        return None
    g = s["groups"]["mean"]
    frame = pd.DataFrame({k: [g[k]] for k in ("urban", "rural") if k in g.index}, index=[ind.key])
    frame["county"] = view.table.county.loc[ind.key, "value"]
    short = t("dom.col.value", lang)
    return urban_rural_bars_spec(frame, short, unit_of(ind, lang),
                                 indicator_labels={ind.key: label_of(ind, lang)},
                                 value_format=value_format(ind), lang=lang)


def _ranking(view: DomainView, ranked: pd.DataFrame) -> dict[str, Any]:
    from ui.charts import ranked_bar_spec

    ind, lang = view.indicator, view.lang
    target = view.table.county.loc[ind.key, "target"]
    if pd.isna(target) and ind.kind == "time_to_nearest" and ind.threshold:
        target = settings.get(ind.threshold, view.overrides)
    spec = ranked_bar_spec(ranked.assign(group="county"), "value", "name", t("dom.col.value", lang),
                           unit_of(ind, lang), group_col="group",
                           target=None if pd.isna(target) else float(target),
                           higher_is_better=ind.higher_is_better, value_format=value_format(ind),
                           lang=lang, colour="#5b7fa6")
    spec["layout"]["showlegend"] = False
    return spec


def _sources(view: DomainView) -> list[str]:
    from ui.frame import sources

    out = list(sources(view.lang))
    if view.indicator.source and view.indicator.source != "—":
        out.append(t("dom.source.standard", view.lang, source=view.indicator.source))
    return out


def _card_values(table: IndicatorTable, key: str) -> dict[str, float | None]:
    """County, urban and rural values of indicator ``key`` in ``table``."""
    s = table.summaries[key]["urban_rural"]
    groups = s["groups"]["mean"] if s is not None else pd.Series(dtype=float)
    return {"county": table.county.loc[key, "value"], "urban": groups.get("urban"),
            "rural": groups.get("rural")}


def signed(delta: float | None, ind: Indicator) -> str:
    """A change in the indicator's precision, with its sign; no "-0"; ``–`` when missing.

    >>> from metrics.indicators import INDICATORS
    >>> ind = INDICATORS["edu_primary_share_30min"]
    >>> signed(2.34, ind), signed(-0.04, ind), signed(None, ind)
    ('+2.3', '0.0', '–')
    """
    if delta is None:
        return "–"
    digits = 2 if value_format(ind) == ",.2f" else 1
    shown = round(delta, digits)
    return f"{shown:+,.{digits}f}" if shown else f"{0:.{digits}f}"


def fmt_change(delta: float, ind: Indicator, lang: str, prev: int) -> str:
    """A change from the previous year: percentage points for per-cent indicators.

    >>> from metrics.indicators import INDICATORS
    >>> fmt_change(2.34, INDICATORS["edu_primary_share_30min"], "zh", 2023)
    '+2.3 个百分点（较 2023 年）'
    >>> fmt_change(-0.004, INDICATORS["edu_primary_share_30min"], "en", 2023)
    '0.0 pp (vs 2023)'
    """
    unit = unit_of(ind, lang)
    text = signed(delta, ind)
    if unit == "%":
        text += " 个百分点" if lang == "zh" else " pp"
    elif unit:
        text += f" {unit}"
    since = t("year.change", lang, prev=prev)
    return f"{text}（{since}）" if lang == "zh" else f"{text} ({since})"


def _previous(view: DomainView) -> tuple[int, IndicatorTable] | None:
    """The year the cards compare with and its indicator table, when both years have
    registers of the indicator's kinds (:func:`metrics.years.previous_year`)."""
    from etl.schema import REGISTER_KINDS
    from metrics.years import kinds_of, previous_year
    from ui.data import YEAR_STATE, data_key, indicator_table, register_years

    kinds = kinds_of(view.indicator.facility_types, REGISTER_KINDS)
    prev = previous_year(st.session_state.get(YEAR_STATE), kinds, register_years())
    if prev is None:
        return None
    return prev, indicator_table(view.overrides, path=data_key(year=prev))


def _cards(view: DomainView) -> list[dict[str, str]]:
    from metrics.years import change

    ind, lang = view.indicator, view.lang
    now = _card_values(view.table, ind.key)
    before = _previous(view)
    then = _card_values(before[1], ind.key) if before is not None else {}
    cards = []
    for g in ("county", "urban", "rural"):
        card = {"label": metric_label(t(f"dom.{g}_value", lang), ind, lang),
                "value": metric_value(now[g], ind, lang)}
        delta = change(now[g], then.get(g)) if before is not None else None
        if delta is not None:
            card["delta"] = fmt_change(delta, ind, lang, before[0])
            card["delta_color"] = "normal" if ind.higher_is_better else "inverse"
        cards.append(card)
    cards[0]["note"] = _status_note(view)
    return cards


def _status_note(view: DomainView) -> str:
    ind, lang = view.indicator, view.lang
    row = view.table.county.loc[ind.key]
    if row["status"] not in ("met", "not_met"):
        return t("dom.better" if ind.higher_is_better else "dom.worse", lang)
    target = f"{row['target']:g} {unit_of(ind, lang)}"
    if row["status"] == "met":
        return t("dom.status.met", lang, target=target)
    return t("dom.status.not_met" if ind.higher_is_better else "dom.status.not_met_low", lang, target=target)


def _brief(view: DomainView, units: pd.DataFrame, ranked: pd.DataFrame,
           gaps: pd.DataFrame) -> Callable[[], str]:
    """The brief as a deferred download (built only when the button is pressed)."""
    from ui.brief import brief_html

    ind, lang = view.indicator, view.lang

    def build() -> str:
        figs = [_map(view, units, static=True)]
        ur = _urban_rural(view)
        if ur is not None:
            figs.append(ur)
        if not ranked.empty:
            figs.append(_ranking(view, ranked))
        set_txt = "; ".join(f"{settings.SETTINGS[k].en if lang == 'en' else settings.SETTINGS[k].zh} "
                            f"{v:g} {setting_unit(settings.SETTINGS[k].unit, lang)}"
                            for k, v in view.overrides.items())
        subtitle = t("dom.brief_subtitle", lang, settings=set_txt or t("dom.brief.defaults", lang))
        if view.township_name:
            subtitle += " · " + t("dom.map_filtered", lang, name=view.township_name)
        tables = [(t("dom.ranking", lang), _ranked_display(view, ranked)),
                  (t("dom.gap_measures", lang), gaps.rename(columns={
                      "measure": t("dom.measure", lang), "value": t("value", lang),
                      "meaning": t("dom.meaning", lang)}))]
        synthetic = bool(view.frames["units"]["is_synthetic"].any())
        return brief_html(
            f"{t(f'page.{view.domain}', lang)}：{label_of(ind, lang)}" if lang == "zh"
            else f"{t(f'page.{view.domain}', lang)}: {label_of(ind, lang)}",
            subtitle, _cards(view), figs, tables, _sources(view),
            t("synthetic.short", lang) if synthetic else None, lang)

    return build


def _ranked_display(view: DomainView, ranked: pd.DataFrame) -> pd.DataFrame:
    from metrics.years import change

    ind, lang = view.indicator, view.lang
    cols = {"rank": "dom.col.rank", "name": "dom.col.township", "value": "dom.col.value"}
    frame = ranked.copy()
    if ind.weight == "population":
        cols["weight"] = "dom.col.weight_pop"
    cols["n_units"] = "dom.col.n_units"
    if ind.target is not None:
        cols["status"] = "dom.col.status"
    out = localise(frame, cols, lang, formats={"value": value_format(ind)[-3:], "weight": ".0f"})
    header_value = with_unit(t("dom.col.value", lang), unit_of(ind, lang), lang)
    before = _previous(view)
    if before is not None and len(frame):
        # the change of each township since the previous year with registers of these kinds
        then = township_table(before[1], ind, view.frames["townships"])
        old = dict(zip(then["township_code"].astype(str), then["value"], strict=True))
        unit = unit_of(ind, lang)
        unit = ("个百分点" if lang == "zh" else "pp") if unit == "%" else unit
        out.insert(list(out.columns).index(t("dom.col.value", lang)) + 1,
                   with_unit(t("year.change", lang, prev=before[0]), unit, lang),
                   [signed(change(v, old.get(str(c))), ind)
                    for c, v in zip(frame["township_code"], frame["value"], strict=True)])
    rename = {t("dom.col.value", lang): header_value}
    if ind.weight == "population":
        rename[t("dom.col.weight_pop", lang)] = t("dom.col.weight_pop", lang, band=band_label(ind, lang))
    return out.rename(columns=rename)


def _units_display(view: DomainView, units: pd.DataFrame) -> pd.DataFrame:
    ind, lang = view.indicator, view.lang
    ucols = {"code": "dom.col.code", "name": "dom.col.unit", "township": "dom.col.township",
             "urban_rural_label": "dom.col.urban_rural", "value": "dom.col.value"}
    if ind.weight == "population":
        ucols["weight"] = "dom.col.weight_pop"
    shown = localise(units, ucols, lang, formats={"value": value_format(ind)[-3:], "weight": ".0f"})
    return shown.rename(columns={
        t("dom.col.value", lang): with_unit(t("dom.col.value", lang), unit_of(ind, lang), lang),
        t("dom.col.weight_pop", lang): t("dom.col.weight_pop", lang, band=band_label(ind, lang))})


# Per-view caches: everything the common section shows, keyed by the view's parameters and the
# database, built once per distinct view and shared by every session (never modify them).
# The township-independent half (comparison, ranking) survives a change of the township filter.

def _view(path: str, ind_key: str, over: tuple[tuple[str, float], ...], town: str | None,
          lang: str) -> DomainView:
    from ui.data import frames, indicator_table

    ind = INDICATORS[ind_key]
    return DomainView(ind.domain, lang, ind, dict(over), town, indicator_table(dict(over), path),
                      frames(path))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _glance(path: str, over: tuple[tuple[str, float], ...], keys: tuple[str, ...],
            lang: str) -> pd.DataFrame:
    from ui.data import frames, indicator_table

    return glance_table(indicator_table(dict(over), path), keys, frames(path)["townships"], lang)


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _county_part(path: str, ind_key: str, over: tuple[tuple[str, float], ...],
                 lang: str) -> dict[str, Any]:
    view = _view(path, ind_key, over, None, lang)
    ind, table = view.indicator, view.table
    ranked = township_table(table, ind, view.frames["townships"])
    return {
        "ranked": ranked,
        "ranked_display": _ranked_display(view, ranked),
        "gaps": gap_rows(table.summaries[ind.key]["urban_rural"],
                         table.summaries[ind.key]["township_code"], ind, lang),
        "compare": _urban_rural(view),
        "ranking": _ranking(view, ranked),
    }


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _township_part(path: str, ind_key: str, over: tuple[tuple[str, float], ...], town: str | None,
                   lang: str) -> dict[str, Any]:
    from ui.charts import travel_time_distribution_spec

    view = _view(path, ind_key, over, town, lang)
    ind = view.indicator
    units = unit_table(view.table, ind, view.frames["units"], view.frames["townships"], lang, town)
    out = {"units": units, "units_display": _units_display(view, units), "map": _map(view, units),
           "distribution": None}
    if ind.kind == "time_to_nearest":
        thr = settings.get(ind.threshold, view.overrides) if ind.threshold else None
        dist = units.rename(columns={"value": "time_min", "weight": "population"})
        out["distribution"] = travel_time_distribution_spec(dist, threshold_min=thr, lang=lang)
    return out


def render_domain(domain: str, lang: str) -> DomainView:
    """The common section of a domain page; returns the view for the page's own tables."""
    import streamlit as st

    from ui.charts import show_chart
    from ui.data import boundaries, data_key, frames, indicator_table

    ind, over, town = _widgets(domain, lang)
    f = frames()
    table = indicator_table(over)
    view = DomainView(domain, lang, ind, over, town, table, f)

    with st.expander(t("dom.about", lang), expanded=False):
        for label, text in indicator_facts(ind, over, lang):
            st.markdown(f"**{md_text(label)}**：{md_text(text)}" if lang == "zh"
                        else f"**{md_text(label)}**: {md_text(text)}")

    unit = unit_of(ind, lang)
    county = table.county.loc[ind.key]
    if county["n_units"] == 0:
        # say which registers are missing (population, the indicator's kinds), else why
        note = missing_note(kinds_of_types(ind.facility_types), lang,
                            t("dom.missing.indicator", lang, name=label_of(ind, lang)))
        types = "、".join(facility_label(x, lang) for x in ind.facility_types)
        st.info(note or t("dom.empty.indicator", lang, types=md_text(types),
                          column=md_text(ind.numerator or "lon/lat")))
        return view

    key = (data_key(), ind.key, tuple(sorted(over.items())))
    common = _county_part(*key, lang)
    local = _township_part(*key, town, lang)
    units, ranked, gaps = local["units"], common["ranked"], common["gaps"]
    cards = _cards(view)
    cols = st.columns(4 if town else 3)
    for col, card in zip(cols, cards, strict=False):
        col.metric(card["label"], card["value"], help=card.get("note"), delta=card.get("delta"),
                   delta_color=card.get("delta_color", "normal"))
    cols[0].caption(cards[0]["note"])
    if town:
        tv = ranked.set_index("township_code")["value"]
        cols[3].metric(metric_label(t("dom.township_value", lang, name=md_text(view.township_name)),
                                    ind, lang),
                       metric_value(tv.get(town), ind, lang))

    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("dom.map", lang))
        if units.empty:
            st.info(t("dom.empty.township", lang))
        show_chart(local["map"], key="map")
        note = t("dom.map_note", lang)
        if boundaries()["generated"].get("unit"):
            note += " " + t("map.areas_generated", lang) + "."
        if town:
            note += " " + t("dom.map_filtered", lang, name=md_text(view.township_name))
        st.caption(note)
    s_ur = table.summaries[ind.key]["urban_rural"]
    with right:
        st.subheader(t("dom.compare", lang))
        fig = common["compare"]
        if fig is None or s_ur is None or s_ur.get("pair") is None:
            st.info(t("dom.empty.no_urban", lang))
        if fig is not None:
            show_chart(fig, key="urban_rural")
        st.markdown(f"**{t('dom.gap_measures', lang)}**")
        colon = "：" if lang == "zh" else ": "
        st.markdown("\n".join(f"- **{md_text(r.measure)}{colon}{md_text(r.value)}** — {md_text(r.meaning)}"
                              for r in gaps.itertuples()))

    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("dom.ranking", lang))
        show_chart(common["ranking"], key="ranking")
    if local["distribution"] is not None:
        with right:
            st.subheader(t("dom.distribution", lang))
            show_chart(local["distribution"], key="distribution")

    st.subheader(t("dom.tables", lang))
    std = (" " + t("dom.source.standard", lang, source=ind.source)) if ind.source != "—" else ""
    st.caption(t("dom.sources_line", lang, unit=unit) + std)
    tab1, tab2 = st.tabs([t("dom.table.townships", lang), t("dom.table.units", lang)])
    with tab1:
        show_table(common["ranked_display"], f"{ind.key}_townships", lang, key="dl_towns")
    with tab2:
        show_table(local["units_display"], f"{ind.key}_units", lang, key="dl_units",
                   empty=t("dom.empty.township", lang))

    st.download_button(t("download.brief", lang), _brief(view, units, ranked, gaps),
                       f"{ind.key}_brief.html", "text/html", key="dl_brief", on_click="ignore",
                       help=t("dom.brief_help", lang), icon=":material/description:")
    return view
