"""Canonical form of a header or label text, as header and type matching compare them."""

from __future__ import annotations

import re
import unicodedata

from etl.values import is_invisible

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")",
                           "{": "(", "}": ")", "〈": "(", "〉": ")", "《": "(", "》": ")",
                           "～": "-", "~": "-", "〜": "-", "–": "-", "—": "-", "−": "-",
                           "：": ":", "﹙": "(", "﹚": ")"})
_SPACE_RE = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """Canonical form of a header text for matching.

    NFKC (full-width to half-width), all whitespace, newlines and invisible characters
    (zero-width, bidi controls, BOM: :func:`etl.values.is_invisible`) removed, brackets
    unified to ``()``, range dashes unified to ``-``, required-field stars dropped,
    ASCII lower-cased.

    Examples
    --------
    >>> normalise_header(" 乡镇（街道）\\n")
    '乡镇(街道)'
    >>> normalise_header("Ｌｎｇ*")
    'lng'
    >>> normalise_header("0～2岁")
    '0-2岁'
    """
    text = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS)
    text = "".join(c for c in _SPACE_RE.sub("", text) if not is_invisible(c)).strip("*:")
    return "".join(c.lower() if c.isascii() else c for c in text)
