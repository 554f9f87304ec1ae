"""Place names in pinyin beside the Chinese for the English view (issue 15, item 5).

``任市镇`` → ``任市镇 Renshi Zhen``: the proper name's syllables joined and capitalised (an
apostrophe before a syllable starting with a, o or e, as in ``Pu'an``), the generic part
(镇 Zhen, 乡 Xiang, 街道 Jiedao, 村 Cun, 社区 Shequ, the county's planning zones' 片区 Pianqu)
as a separate word, as in the national
standard for place names in romanisation (GB/T 16159-2012, 6.1; GB 17733-2008). A village
committee's full name (``…村民委员会``, ``…社区居民委员会``) is romanised as its village or
community (``Cun``, ``Shequ``), the short form the registers use. Readings are pypinyin's,
with the place-name readings it gets wrong fixed in :data:`READINGS`, :data:`PHRASES` and
:data:`SURNAMES`. Characters that are not Chinese (digits, Latin letters) pass through.

>>> place_label("任市镇", "en"), place_label("任市镇", "zh")
('任市镇 Renshi Zhen', '任市镇')
>>> romanise("长岭镇"), romanise("普安镇"), romanise("淙城街道")
('Changling Zhen', "Pu'an Zhen", 'Congcheng Jiedao')
>>> romanise("沙坝场社区居民委员会"), romanise("长田村民委员会"), romanise("曾家沟村")
('Shabachang Shequ', 'Changtian Cun', 'Zengjiagou Cun')
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["GENERIC", "PHRASES", "READINGS", "SURNAMES", "place_label", "romanise"]

#: generic parts of a place name, longest first, and their romanisation
GENERIC: tuple[tuple[str, str], ...] = (
    ("社区居民委员会", "Shequ"), ("社区村民委员会", "Shequ"), ("村民委员会", "Cun"),
    ("居民委员会", "Shequ"), ("街道办事处", "Jiedao"), ("街道", "Jiedao"), ("社区", "Shequ"),
    ("居委会", "Shequ"), ("村委会", "Cun"), ("片区", "Pianqu"), ("镇", "Zhen"), ("乡", "Xiang"), ("村", "Cun"),
    ("县", "Xian"),
)

#: characters whose place-name reading differs from pypinyin's default, always:
#: 长 cháng (长岭, 长田, 长堰沟; pypinyin reads 长 as zhǎng in some phrases, e.g. 长子)
READINGS: dict[str, str] = {"长": "chang"}

#: words whose place-name reading differs from pypinyin's phrase reading: 朝阳 Cháoyáng
#: (pypinyin: zhāoyáng, "morning sun"), 朝天 Cháotiān (Guangyuan's 朝天区)
PHRASES: dict[str, tuple[str, ...]] = {"朝阳": ("chao", "yang"), "朝天": ("chao", "tian")}

#: surnames read differently from the character's common reading, in ``X家`` (the X
#: family's: 曾家沟 Zengjiagou, not Cengjiagou); 乐 is left to pypinyin (both yuè and lè
#: are surnames)
SURNAMES: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "查": "zha", "仇": "qiu", "区": "ou", "盖": "ge",
    "朴": "piao", "翟": "zhai", "缪": "miao", "覃": "qin", "尉": "yu",
}

_HAN = re.compile(r"[\u3400-\u9fff]+")


def _syllables(run: str) -> list[str]:
    """The readings of a run of Chinese characters, one per character, overrides applied."""
    from pypinyin import lazy_pinyin

    out = list(lazy_pinyin(run))
    if len(out) != len(run):  # pypinyin gives one syllable per Chinese character
        return out
    for i, ch in enumerate(run):
        if ch in READINGS:
            out[i] = READINGS[ch]
        if ch in SURNAMES and run[i + 1:i + 2] == "家":
            out[i] = SURNAMES[ch]
    for word, readings in PHRASES.items():
        for m in re.finditer(re.escape(word), run):
            out[m.start():m.end()] = readings
    return out


def _word(syllables: list[str]) -> str:
    """Syllables joined into one word, an apostrophe before a, o or e after the first."""
    word = ""
    for s in syllables:
        if word and s[:1] in ("a", "o", "e"):
            word += "'"
        word += s
    return word


@lru_cache(maxsize=4096)
def romanise(name: str) -> str:
    """The pinyin of a Chinese place name; empty for a name without Chinese characters.

    The proper name as one capitalised word, the generic part as a separate word.

    >>> romanise("八庙镇"), romanise("开江县"), romanise("梅家乡"), romanise("Pingtan")
    ('Bamiao Zhen', 'Kaijiang Xian', 'Meijia Xiang', '')
    >>> romanise("朝阳村"), romanise("马鞍山"), romanise("花朝门村")
    ('Chaoyang Cun', "Ma'anshan", 'Huachaomen Cun')
    """
    text = str(name).strip()
    if not _HAN.search(text):
        return ""
    generic = ""
    for zh, en in GENERIC:
        if text.endswith(zh) and len(text) > len(zh):
            text, generic = text[: -len(zh)], en
            break
    # Chinese runs become pinyin, anything else passes through as it is
    parts, pos = [], 0
    for m in _HAN.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        parts.append(_word(_syllables(m.group())))
        pos = m.end()
    parts.append(text[pos:])
    out = "".join(parts).strip()
    out = out[:1].upper() + out[1:]
    return f"{out} {generic}" if generic else out


def place_label(name: object, lang: str) -> str:
    """``name`` as shown in ``lang``: the Chinese alone in zh, with its pinyin in en.

    Missing names (None, NaN) give an empty string; a name already romanised is kept.

    >>> place_label("长岭镇", "en"), place_label(None, "en"), place_label("County", "en")
    ('长岭镇 Changling Zhen', '', 'County')
    >>> place_label("长岭镇 Changling Zhen", "en")
    '长岭镇 Changling Zhen'
    """
    text = "" if name is None or name != name else str(name)  # NaN != NaN
    if lang != "en" or not text:
        return text
    head, _, tail = text.partition(" ")
    if tail and romanise(head) == tail:  # labelled already
        return text
    roman = romanise(text)
    return f"{text} {roman}" if roman else text
