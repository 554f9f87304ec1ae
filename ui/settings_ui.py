"""The settings a view uses: sliders bound to the URL, and the same settings in words.

Every slider of a setting (:data:`metrics.settings.SETTINGS`) is drawn by
:func:`setting_slider`: range and step from :func:`metrics.settings.slider` (floats), the
URL parameter named by the setting's key, so a link means the same on every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metrics import settings
from metrics.indicators import Indicator
from ui.format import band_label, source_text, unit_of
from ui.i18n import setting_unit, t, with_unit

__all__ = [
    "bind_setting", "indicator_facts", "overrides_from", "setting_help", "setting_label",
    "setting_slider", "settings_of", "settings_text", "slider_format",
]


def settings_of(ind: Indicator) -> list[str]:
    """Setting keys of the indicator shown as sliders: its threshold, then its mode's speed
    (each only when the setting declares a slider).

    >>> from metrics.indicators import INDICATORS
    >>> settings_of(INDICATORS["health_centre_share_15min"])
    ['medical_circle_min', 'speed_car_kmh']
    >>> settings_of(INDICATORS["culture_village_centre_coverage"])
    []
    """
    keys = [ind.threshold] if ind.threshold is not None else []
    if ind.mode is not None:
        keys.append(settings.speed_key(ind.mode))
    return [k for k in keys if settings.SETTINGS[k].slider is not None]


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


def setting_label(key: str, lang: str) -> str:
    """A setting's name with its unit, for a slider.

    >>> setting_label("primary_lower_max_min", "en")
    'Primary grades 1-3: one-way school trip, maximum (min)'
    """
    s = settings.SETTINGS[key]
    return with_unit(s.en if lang == "en" else s.zh, setting_unit(s.unit, lang), lang)


def setting_help(key: str, lang: str, *, flag_unverified: bool = False) -> str:
    """A setting's help text and its source (with ``flag_unverified``, followed by the
    not-verified note when the value is an assumption).

    >>> setting_help("fca_catchment_min", "en", flag_unverified=True)[-50:]
    'standard. (assumption; (assumption, not verified))'
    """
    s = settings.SETTINGS[key]
    flag = "; " + t("dom.verified_no", lang) if flag_unverified and not s.verified else ""
    return f"{s.help_en if lang == 'en' else s.help_zh} ({source_text(s.source, lang)}{flag})"


def bind_setting(key: str) -> float:
    """The setting's value in this view: from the URL (within its slider range) or its default;
    seeds the widget of ``key`` (:func:`ui.state.bind`)."""
    from ui import state

    lo, hi, _ = settings.slider(key)
    return state.bind(key, float(settings.SETTINGS[key].default), cast=float, bounds=(lo, hi))


def setting_slider(container: Any, key: str, lang: str, *, help_text: str | None = None) -> float:
    """The slider of setting ``key`` in ``container`` (``st``, a column or a form), bound to
    the URL parameter ``key``; returns its value. Label, range, step and format come from the
    setting, the tooltip is ``help_text`` (default :func:`setting_help`)."""
    bind_setting(key)
    lo, hi, step = settings.slider(key)
    return container.slider(setting_label(key, lang), lo, hi, step=step, key=key,
                            format=slider_format(step),
                            help=setting_help(key, lang) if help_text is None else help_text)


def settings_text(values: Mapping[str, float], lang: str) -> str:
    """Settings in a line, ``name value unit`` joined by ``;`` (empty when none).

    >>> settings_text({"primary_lower_max_min": 45.0}, "zh")
    '小学1—3年级单程上学时间上限 45 分钟'
    """
    parts = []
    for k, v in values.items():
        s = settings.SETTINGS[k]
        parts.append(f"{s.en if lang == 'en' else s.zh} {v:g} {setting_unit(s.unit, lang)}")
    return "; ".join(parts)


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
    lines.append((t("dom.source", lang), source_text(ind.source, lang)))
    return lines
