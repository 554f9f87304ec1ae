"""What a section lacks, in words: the registers not loaded yet and how to load them; and,
along roads, the villages whose road leg is uncertain (far from any road).

:func:`missing_text` is pure; :func:`missing_note` and :func:`missing_section` look at the
data of this app (:func:`ui.data.frames`); :func:`show_far_from_road` draws the villages
of :func:`ui.data.far_from_road`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ui.i18n import t
from ui.pinyin import place_label

__all__ = ["far_from_road_table", "kinds_of_types", "missing_note", "missing_section",
           "missing_text", "show_far_from_road"]


def kinds_of_types(types: Sequence[str]) -> list[str]:
    """The register kinds that hold facilities of ``types``, in register order.

    >>> kinds_of_types(["village_clinic", "health_centre"])
    ['hospitals', 'clinics']
    """
    from etl.schema import REGISTER_KINDS

    return [k for k, ts in REGISTER_KINDS.items() if set(ts) & set(types)]


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


def far_from_road_table(far: pd.DataFrame, towns: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The villages far from any road for the screen: name, township, metres to the road.

    >>> far = pd.DataFrame({"code": ["a"], "name": ["甲村"], "township_code": ["t"],
    ...                     "snap_m": [2345.6]})
    >>> far_from_road_table(far, {"t": "乙镇"}, "en").values.tolist()
    [['甲村 Jia Cun', '乙镇 Yi Zhen', 2346]]
    >>> far.loc[0, "snap_m"] = float("inf")  # no road walkers may use at all: no distance
    >>> pd.isna(far_from_road_table(far, {"t": "乙镇"}, "en").iloc[0, 2])
    True
    """
    metres = far["snap_m"].astype(float)
    return pd.DataFrame({
        t("dom.col.name", lang): [place_label(n, lang) for n in far["name"].astype(str)],
        t("dom.col.township", lang): [place_label(towns.get(str(c), str(c)), lang)
                                      for c in far["township_code"]],
        t("dom.far_road.col", lang): pd.array(metres.where(np.isfinite(metres)).round()
                                              .to_numpy(), dtype="Int64")})


def show_far_from_road(lang: str) -> None:
    """Along roads, the villages whose point lies more than 2 km from any road
    ('离道路较远 / far from any road', :data:`metrics.network.FAR_FROM_ROAD_M`), in a closed
    expander with the distance; nothing with straight lines or when there are none."""
    import streamlit as st

    from metrics.network import FAR_FROM_ROAD_M
    from ui.data import far_from_road, township_names

    far = far_from_road()
    if far.empty:
        return
    km = f"{FAR_FROM_ROAD_M / 1000:g}"
    with st.expander(t("dom.far_road.title", lang, n=len(far), km=km), expanded=False):
        st.caption(t("dom.far_road.note", lang, km=km))
        st.dataframe(far_from_road_table(far, township_names(), lang), hide_index=True)
