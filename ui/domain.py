"""The shared shape of the four domain pages: indicator → map → comparison → ranking → tables → brief.

A domain page is its header, :func:`render_domain` and a few domain tables shown with
:func:`show_table`. View state lives in the URL (``ind``, ``town`` and one parameter per
setting the indicator uses, named by its key in :data:`metrics.settings.SETTINGS`, e.g.
``primary_lower_max_min``, with the range and step the setting declares), so a copied link
reopens the same view.

The parts live by job, and are re-exported here for the pages: number formats and labels
(:mod:`ui.format`), setting sliders and their words (:mod:`ui.settings_ui`), tables
(:mod:`ui.tables`), key-number cards (:mod:`ui.cards`), the page's charts
(:mod:`ui.domain_charts`), missing-register sentences (:mod:`ui.missing`). What the common
section shows is cached per view (indicator, settings, township, language and database):
the township-independent half (comparison, ranking, township table) once per indicator
and settings, the rest (map, distribution, village table) once per township too; the
charts are figure specifications (:mod:`ui.charts`). A page's own tables come through
:meth:`DomainView.audit` / :func:`ui.data.audit_table`, cached the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from metrics import settings
from metrics.indicators import (
    CATALOGUE,
    INDICATORS,
    NO_SUMMARY_TEXT,
    Indicator,
    IndicatorTable,
    current_key,
    served_by_county_note,
)
from ui.cache import cached
from ui.cards import group_cards, status_note
from ui.data import on_roads
from ui.domain_charts import map_spec, ranking_spec, urban_rural_spec
from ui.format import (
    band_label,
    digits,
    fmt_change,
    fmt_value,
    label_of,
    metric_label,
    metric_value,
    round_format,
    signed,
    source_text,
    unit_of,
    value_format,
)
from ui.i18n import facility_label, md_text, t, with_unit
from ui.missing import kinds_of_types, missing_note, missing_section, missing_text
from ui.pinyin import place_label
from ui.settings_ui import (
    indicator_facts,
    overrides_from,
    setting_slider,
    settings_of,
    settings_text,
    slider_format,
)
from ui.tables import (
    gap_rows,
    gap_unit,
    glance_table,
    localise,
    names_by_code,
    township_table,
    unit_table,
    urban_rural_rule,
)

__all__ = [
    "DomainView", "band_label", "default_indicator", "digits", "domain_indicators", "fmt_change",
    "fmt_value", "footer", "gap_rows", "glance_table", "header", "indicator_facts", "kinds_of_types",
    "label_of", "localise", "metric_label", "metric_value", "missing_note", "missing_section",
    "missing_text", "overrides_from", "render_domain", "settings_of", "show_glance", "show_kinds",
    "show_table",
    "signed", "slider_format", "township_table", "unit_of", "unit_table", "value_format",
]

ALL = "all"


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
        return names_by_code(self.frames["townships"]).get(self.township, self.township)

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


def show_kinds(view: DomainView, types: Sequence[str], capacity: Mapping[str, str],
               registers: Sequence[str], title_key: str, file_name: str) -> None:
    """A domain page's facilities of ``types`` by kind with their ``capacity`` totals
    (column -> i18n key of its header; counts as whole numbers), or the sentence naming the
    ``registers`` not loaded rather than a table of zeros."""
    from ui.data import FACILITIES, audit_table

    lang = view.lang
    st.subheader(t(title_key, lang))
    absent = missing_section(tuple(registers), lang, t(title_key, lang), every=True)
    if absent:
        st.info(absent)
        return
    kinds = audit_table("counts_by_type", FACILITIES, tuple(types), tuple(capacity), view.township)
    show_table(localise(kinds, {"type": "dom.col.type", "n": "dom.col.n", **capacity}, lang,
                        formats=dict.fromkeys(("n", *capacity), ".0f")),
               file_name, lang, key="dl_kinds")


def show_table(frame: pd.DataFrame, name: str, lang: str, *, key: str,
               empty: str | None = None, formats: Mapping[str, int | None] | None = None,
               helps: Mapping[str, str] | None = None) -> None:
    """A table with CSV and XLSX downloads (or an empty-state sentence); numbers with
    thousands separators and their decimals (:func:`ui.frame.number_columns`, ``formats``
    column -> decimals, None to leave a column as it is; ``helps`` column tooltips)."""
    from ui.frame import download_buttons, number_columns

    if frame.empty:
        st.info(empty or t("empty.no_match", lang))
        return
    st.dataframe(frame, hide_index=True, width="stretch", placeholder="–",
                 column_config=number_columns(frame, formats, helps))
    download_buttons(frame, name, lang, key)


def show_glance(view: DomainView, keys: Sequence[str], name: str, title: str, *,
                key: str) -> None:
    """The townships × indicators table of ``keys`` (:meth:`DomainView.glance`) with its
    downloads; when it holds no value, the sentence naming the registers it lacks."""
    frame = view.glance(keys)
    if frame.iloc[:, 1:].isna().all().all():
        types = sorted({ty for k in keys for ty in INDICATORS[k].facility_types})
        st.info(missing_section(kinds_of_types(types), view.lang, title, population=True)
                or t("empty.no_data", view.lang))
        return
    show_table(frame, name, view.lang, key=key)


def _widgets(domain: str, lang: str) -> tuple[Indicator, dict[str, float], str | None]:
    """Indicator, setting sliders and township filter, all bound to the URL."""
    from ui import state
    from ui.data import frames

    inds = {i.key: i for i in domain_indicators(domain)}
    names = names_by_code(frames()["townships"])
    town_options = [ALL, *names]
    state.bind("ind", default_indicator(domain), options=list(inds), cast=current_key)
    state.bind("town", ALL, options=town_options)
    c1, c2 = st.columns([3, 2])
    key = c1.selectbox(t("dom.indicator", lang), list(inds), key="ind",
                       format_func=lambda k: label_of(inds[k], lang))
    town = c2.selectbox(t("dom.township_filter", lang), town_options, key="town",
                        format_func=lambda c: (t("dom.all_townships", lang) if c == ALL
                                             else place_label(names[c], lang)))
    ind = inds[key]
    values: dict[str, float] = {}
    keys = settings_of(ind)
    if keys:
        cols = st.columns(len(keys) + 1)
        for col, skey in zip(cols, keys, strict=False):
            values[skey] = setting_slider(col, skey, lang)
        cols[-1].caption(t("dom.settings_note", lang))
    # settings of other indicators of this domain leave the link
    unused = {k for i in inds.values() for k in settings_of(i)} - set(keys)
    state.sync(ind=key, town=town, **values, **dict.fromkeys(sorted(unused)))
    return ind, overrides_from(values), (None if town == ALL else town)


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
    cards = group_cards(view.table, view.indicator, view.lang, before=_previous(view))
    cards[0]["note"] = status_note(view.table, view.indicator, view.lang)
    return cards


def _brief(view: DomainView, units: pd.DataFrame, ranked: pd.DataFrame,
           gaps: pd.DataFrame) -> Callable[[], str]:
    """The brief as a deferred download (built only when the button is pressed)."""
    from ui.brief import page_brief

    ind, lang = view.indicator, view.lang

    def build() -> str:
        figs = [map_spec(view, units, static=True)]
        ur = urban_rural_spec(view)
        if ur is not None:
            figs.append(ur)
        if not ranked.empty:
            figs.append(ranking_spec(view, ranked))
        subtitle = t("dom.brief_subtitle", lang,
                     settings=settings_text(view.overrides, lang) or t("dom.brief.defaults", lang))
        if view.township_name:
            subtitle += " · " + t("dom.map_filtered", lang,
                                  name=place_label(view.township_name, lang))
        tables = [(t("rank.title", lang), _ranked_display(view, ranked)),
                  (t("dom.gap_measures", lang), gaps.rename(columns={
                      "measure": t("dom.measure", lang), "value": t("value", lang),
                      "meaning": t("dom.meaning", lang)}))]
        title = (f"{t(f'page.{view.domain}', lang)}：{label_of(ind, lang)}" if lang == "zh"
                 else f"{t(f'page.{view.domain}', lang)}: {label_of(ind, lang)}")
        cards = _cards(view)
        sens = _sensitivity(view)
        if sens:
            cards[2] = {**cards[2], "note": sens}
        return page_brief(title, subtitle, cards, figs, tables, lang,
                          synthetic=bool(view.frames["units"]["is_synthetic"].any()),
                          standard=source_text(ind.source, lang))

    return build


def _ranked_display(view: DomainView, ranked: pd.DataFrame) -> pd.DataFrame:
    from metrics.years import change

    ind, lang = view.indicator, view.lang
    cols = {"rank": "col.rank", "name": "dom.col.township", "value": "dom.col.value",
            "gap": "col.gap"}
    frame = ranked.copy()
    if ind.weight == "population":
        cols["weight"] = "dom.col.weight_pop"
    cols["n_units"] = "dom.col.n_units"
    if ind.target is not None:
        cols["status"] = "dom.col.status"
    out = localise(frame, cols, lang, formats={"value": round_format(ind), "gap": round_format(ind),
                                               "weight": ".0f", "n_units": ".0f", "rank": ".0f"})
    header_value = with_unit(t("dom.col.value", lang), unit_of(ind, lang), lang)
    before = _previous(view)
    if before is not None and len(frame):
        # the change of each township since the previous year with registers of these kinds
        then = township_table(before[1], ind, view.frames["townships"])
        old = dict(zip(then["township_code"].astype(str), then["value"], strict=True))
        unit = gap_unit(ind, lang)
        out.insert(list(out.columns).index(t("dom.col.value", lang)) + 1,
                   with_unit(t("year.change", lang, prev=before[0]), unit, lang),
                   [signed(change(v, old.get(str(c))), ind)
                    for c, v in zip(frame["township_code"], frame["value"], strict=True)])
    rename = {t("dom.col.value", lang): header_value,
              t("col.gap", lang): with_unit(t("col.gap", lang), gap_unit(ind, lang), lang)}
    if ind.weight == "population":
        rename[t("dom.col.weight_pop", lang)] = t("dom.col.weight_pop", lang, band=band_label(ind, lang))
    return out.rename(columns=rename)


def _units_display(view: DomainView, units: pd.DataFrame) -> pd.DataFrame:
    ind, lang = view.indicator, view.lang
    ucols = {"code": "dom.col.code", "name": "dom.col.unit", "township": "dom.col.township",
             "urban_rural_label": "dom.col.urban_rural",
             "urban_rural_rule": "dom.col.urban_rural_rule", "value": "dom.col.value"}
    if ind.weight == "population":
        ucols["weight"] = "dom.col.weight_pop"
    shown = localise(units, ucols, lang, formats={"value": round_format(ind), "weight": ".0f"})
    return shown.rename(columns={
        t("dom.col.value", lang): with_unit(t("dom.col.value", lang), unit_of(ind, lang), lang),
        t("dom.col.weight_pop", lang): t("dom.col.weight_pop", lang, band=band_label(ind, lang))})


# Per-view caches: everything the common section shows, keyed by the view's parameters and the
# database, built once per distinct view and shared by every session (read-only, see ui.cache).
# The township-independent half (comparison, ranking) survives a change of the township filter.

def _view(path: str, ind_key: str, over: tuple[tuple[str, float], ...], town: str | None,
          lang: str) -> DomainView:
    from ui.data import frames, indicator_table

    ind = INDICATORS[ind_key]
    return DomainView(ind.domain, lang, ind, dict(over), town, indicator_table(dict(over), path),
                      frames(path))


@cached(max_entries=64)
def _glance(path: str, over: tuple[tuple[str, float], ...], keys: tuple[str, ...],
            lang: str) -> pd.DataFrame:
    from ui.data import frames, indicator_table

    return glance_table(indicator_table(dict(over), path), keys, frames(path)["townships"], lang)


@cached(max_entries=64)
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
        "compare": urban_rural_spec(view),
        "ranking": ranking_spec(view, ranked),
    }


@cached(max_entries=64)
def _township_part(path: str, ind_key: str, over: tuple[tuple[str, float], ...], town: str | None,
                   lang: str) -> dict[str, Any]:
    from ui.charts import travel_time_distribution_spec

    view = _view(path, ind_key, over, town, lang)
    ind = view.indicator
    units = unit_table(view.table, ind, view.frames["units"], view.frames["townships"], lang, town)
    out = {"units": units, "units_display": _units_display(view, units), "map": map_spec(view, units),
           "distribution": None}
    if ind.kind == "time_to_nearest":
        thr = settings.get(ind.threshold, view.overrides) if ind.threshold else None
        dist = units.rename(columns={"value": "time_min", "weight": "population"})
        out["distribution"] = travel_time_distribution_spec(dist, threshold_min=thr, lang=lang)
    return out



def _show_cards(view: DomainView, ranked: pd.DataFrame) -> None:
    """County, urban and rural values (and the selected township's) in a row."""
    ind, lang, town = view.indicator, view.lang, view.township
    cards = _cards(view)
    cols = st.columns(4 if town else 3)
    for col, card in zip(cols, cards, strict=False):
        col.metric(card["label"], card["value"], help=card.get("note"), delta=card.get("delta"),
                   delta_color=card.get("delta_color", "normal"))
    cols[0].caption(cards[0]["note"])
    if town:
        tv = ranked.set_index("township_code")["value"]
        cols[3].metric(metric_label(t("dom.township_value", lang, name=md_text(place_label(view.township_name, lang))),
                                    ind, lang),
                       metric_value(tv.get(town), ind, lang))
    sens = _sensitivity(view)
    if sens:
        st.caption(sens)


def _sensitivity(view: DomainView) -> str:
    """How far a travel-time figure moves with its assumed speed and mode (empty for an
    indicator without a travel mode): :func:`ui.cards.sensitivity_text`."""
    from ui.cards import sensitivity_text
    from ui.data import indicator_sensitivity

    ind = view.indicator
    if ind.mode is None:
        return ""
    own = {k: v for k, v in view.overrides.items() if k in ind.depends_on}
    return sensitivity_text(indicator_sensitivity(ind.key, own), ind, view.lang)


def _show_map_and_gaps(view: DomainView, common: Mapping[str, Any], local: Mapping[str, Any]) -> None:
    """The map (left) and the urban-rural comparison with the gap measures (right)."""
    from ui.charts import show_chart
    from ui.data import boundaries

    ind, lang, town = view.indicator, view.lang, view.township
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("dom.map", lang))
        if local["units"].empty:
            st.info(t("dom.empty.township", lang))
        show_chart(local["map"], key="map")
        note = t("dom.map_note_roads" if on_roads() else "dom.map_note", lang)
        if boundaries()["generated"].get("unit"):
            note += " " + t("map.areas_generated", lang) + "."
        if town:
            note += " " + t("dom.map_filtered", lang,
                            name=md_text(place_label(view.township_name, lang)))
        st.caption(note)
    s_ur = view.table.summaries[ind.key]["urban_rural"]
    with right:
        st.subheader(t("dom.compare", lang))
        fig = common["compare"]
        if fig is None or s_ur is None or s_ur.get("pair") is None:
            # a township-level yes/no is not split into urban and rural: say why
            why = view.table.why_no_summary(ind.key, "urban_rural")
            st.info(NO_SUMMARY_TEXT[why][0 if lang == "zh" else 1] if why == "township_level"
                    else t("dom.empty.no_urban", lang))
        if fig is not None:
            show_chart(fig, key="urban_rural")
        st.caption(urban_rural_rule(view.frames["units"], lang))
        st.markdown(f"**{t('dom.gap_measures', lang)}**")
        colon = "：" if lang == "zh" else ": "
        st.markdown("\n".join(f"- **{md_text(r.measure)}{colon}{md_text(r.value)}** — {md_text(r.meaning)}"
                              for r in common["gaps"].itertuples()))


def _show_ranking_and_tables(view: DomainView, common: Mapping[str, Any],
                             local: Mapping[str, Any]) -> None:
    """The township ranking and the travel-time distribution, then both tables with downloads."""
    from ui.charts import show_chart

    ind, lang = view.indicator, view.lang
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("rank.title", lang))
        show_chart(common["ranking"], key="ranking")
        st.caption(t("dom.ranking_help", lang, order=t("rank.order", lang)))
        served = view.table.not_applicable.get(ind.key, ())
        if served:  # townships without a value: the county-tier facilities serve them
            names = names_by_code(view.frames["townships"])
            st.caption(md_text(served_by_county_note(ind, [place_label(names.get(c, c), lang) for c in served], lang)))
    if local["distribution"] is not None:
        with right:
            st.subheader(t("dom.distribution", lang))
            show_chart(local["distribution"], key="distribution")

    st.subheader(t("dom.tables", lang))
    std = (" " + t("dom.source.standard", lang, source=source_text(ind.source, lang))
           if ind.source != "—" else "")
    st.caption(t("dom.sources_line", lang, unit=unit_of(ind, lang)) + std)
    tab1, tab2 = st.tabs([t("dom.table.townships", lang), t("dom.table.units", lang)])
    with tab1:
        show_table(common["ranked_display"], f"{ind.key}_townships", lang, key="dl_towns",
                   helps={t("col.rank", lang): t("rank.order", lang)})
    with tab2:
        show_table(local["units_display"], f"{ind.key}_units", lang, key="dl_units",
                   empty=t("dom.empty.township", lang))


def render_domain(domain: str, lang: str) -> DomainView:
    """The common section of a domain page; returns the view for the page's own tables."""
    from ui.data import data_key, frames, indicator_table

    ind, over, town = _widgets(domain, lang)
    table = indicator_table(over)
    view = DomainView(domain, lang, ind, over, town, table, frames())

    with st.expander(t("dom.about", lang), expanded=False):
        for label, text in indicator_facts(ind, over, lang):
            st.markdown(f"**{md_text(label)}**：{md_text(text)}" if lang == "zh"
                        else f"**{md_text(label)}**: {md_text(text)}")

    if table.county.loc[ind.key, "n_units"] == 0:
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
    _show_cards(view, common["ranked"])
    _show_map_and_gaps(view, common, local)
    _show_ranking_and_tables(view, common, local)
    st.download_button(t("download.brief", lang), _brief(view, local["units"], common["ranked"],
                                                         common["gaps"]),
                       f"{ind.key}_brief.html", "text/html", key="dl_brief", on_click="ignore",
                       help=t("dom.brief_help", lang), icon=":material/description:")
    return view
