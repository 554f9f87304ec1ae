"""The pilot plan's task list as the English view shows it: lead units translated with the
Chinese beside them, place names in the details with their pinyin (the plan's task list is
in Chinese only). Used by the overview's plan tracker and by the report."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ui.pinyin import place_label

__all__ = ["LEAD_UNITS_EN", "lead_text", "names_in"]


#: The plan's lead units in English (the plan's task list names them in Chinese only).
LEAD_UNITS_EN = {"县教科局": "County Education and Science Bureau",
                 "县文体旅游局": "County Culture, Sports and Tourism Bureau",
                 "县卫健局": "County Health Bureau", "县民政局": "County Civil Affairs Bureau"}
_INFERRED = "（推断：原文此处编码损坏）"


def lead_text(lead: Any, lang: str) -> str:
    """A lead unit of the plan; in English its translation with the Chinese beside it.

    >>> lead_text("县民政局", "en"), lead_text("县文体旅游局（推断：原文此处编码损坏）", "en")
    ('County Civil Affairs Bureau (县民政局)', 'County Culture, Sports and Tourism Bureau (县文体旅游局, inferred)')
    """
    if lead is None or pd.isna(lead) or not str(lead).strip():
        return "–"
    text = str(lead).strip()
    if lang != "en":
        return text
    inferred = text.endswith(_INFERRED)
    name = text.removesuffix(_INFERRED)
    note = ", inferred" if inferred else ""
    english = LEAD_UNITS_EN.get(name)
    return f"{english} ({name}{note})" if english else text


def names_in(text: Any, lang: str) -> str:
    """In English, each Chinese name in ``text`` with its pinyin (the plan's details name
    towns: ``任市: 798 beds`` → ``任市 Renshi: 798 beds``).

    >>> names_in("Missing: 甘棠镇, 广福镇", "en"), names_in("缺：甘棠镇", "zh")
    ('Missing: 甘棠镇 Gantang Zhen, 广福镇 Guangfu Zhen', '缺：甘棠镇')
    """
    text = "" if text is None else str(text)
    if lang != "en":
        return text
    return re.sub(r"[\u3400-\u9fff]+", lambda m: place_label(m.group(), "en"), text)
