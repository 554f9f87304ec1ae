"""Place names in pinyin beside the Chinese for the English view (issue 15, item 5).

``任市镇`` → ``任市镇 Renshi Zhen``: the proper name's syllables joined and capitalised (an
apostrophe before a syllable starting with a, o or e, as in ``Pu'an``), the generic part
(镇 Zhen, 乡 Xiang, 街道 Jiedao, 村 Cun, 社区 Shequ) as a separate word, as in the national
standard for place names in romanisation (GB/T 16159-2012). Readings are pypinyin's, with
the place-name readings it gets wrong fixed in :data:`READINGS`.

>>> place_label("任市镇", "en"), place_label("任市镇", "zh")
('任市镇 Renshi Zhen', '任市镇')
>>> romanise("长岭镇"), romanise("普安镇"), romanise("淙城街道")
('Changling Zhen', "Pu'an Zhen", 'Congcheng Jiedao')
"""

from __future__ import annotations

from functools import lru_cache

#: generic parts of a place name, longest first, and their romanisation
GENERIC: tuple[tuple[str, str], ...] = (
    ("街道", "Jiedao"), ("社区", "Shequ"), ("居委会", "Juweihui"), ("村委会", "Cunweihui"),
    ("镇", "Zhen"), ("乡", "Xiang"), ("村", "Cun"), ("县", "Xian"),
)

#: characters whose place-name reading differs from pypinyin's default
READINGS: dict[str, str] = {"长": "chang"}


@lru_cache(maxsize=4096)
def romanise(name: str) -> str:
    """The pinyin of a Chinese place name (empty for a name without Chinese characters)."""
    from pypinyin import lazy_pinyin

    name = str(name).strip()
    generic = ""
    for zh, en in GENERIC:
        if name.endswith(zh) and len(name) > len(zh):
            name, generic = name[: -len(zh)], en
            break
    syllables = [READINGS.get(ch, s) if len(ch) == 1 else s
                 for ch, s in zip(name, lazy_pinyin(name), strict=False)] \
        if len(lazy_pinyin(name)) == len(name) else lazy_pinyin(name)
    word = ""
    for s in syllables:
        if not s.isascii() or not s.isalpha():
            continue  # not a Chinese character (digits, latin letters pass through below)
        if word and s[0] in "aoe":
            word += "'"
        word += s
    if not word:
        return ""
    out = word[0].upper() + word[1:]
    return f"{out} {generic}" if generic else out


def place_label(name: object, lang: str) -> str:
    """``name`` as shown in ``lang``: the Chinese alone in zh, with its pinyin in en."""
    text = "" if name is None else str(name)
    if lang != "en" or not text:
        return text
    roman = romanise(text)
    return f"{text} {roman}" if roman else text
