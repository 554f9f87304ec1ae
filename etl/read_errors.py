"""The one error a register read raises, and its messages without paths.

A file that cannot be read at all is a :class:`RegisterReadError` in Chinese and English;
a parser's own exception becomes one (:func:`read_error`) naming the file as the user
knows it and holding no path of the server (:func:`scrub`).
"""

from __future__ import annotations

import re
from pathlib import Path


class RegisterReadError(Exception):
    """A file that cannot be read at all; ``str()`` gives ``'zh / en'``."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


#: An absolute path in a message: POSIX (``/var/x/y.csv``) or Windows (``C:\\x\\y.csv``).
_ABS_PATH = re.compile(r"(?<![\w.~])(?:[A-Za-z]:[\\/]|\\\\|/)(?:[^\s'\"<>|:*?\\/]+[\\/])+"
                       r"([^\s'\"<>|:*?\\/]*)")
#: Longest parser message quoted in a :class:`RegisterReadError`.
_MAX_DETAIL = 300


def scrub(text: object, path: Path | None = None, name: str | None = None) -> str:
    """``text`` without any absolute path: ``path`` becomes ``name``, any other absolute path
    its last part; cut to :data:`_MAX_DETAIL` characters.

    >>> scrub("No such file: '/var/lib/equity-upload-1/a.xlsx'")
    "No such file: 'a.xlsx'"
    >>> scrub("There is no item named 'xl/worksheets/sheet1.xml' in /srv/up/b.xlsx")
    "There is no item named 'xl/worksheets/sheet1.xml' in b.xlsx"
    """
    out = str(text)
    if path is not None:
        for p in {str(path), str(path.absolute()), str(path.resolve())}:
            out = out.replace(p, name or path.name)
    out = _ABS_PATH.sub(lambda m: m.group(1) or "…", out)
    return out if len(out) <= _MAX_DETAIL else out[:_MAX_DETAIL] + "…"


def read_error(name: str, exc: BaseException, path: Path | None = None) -> RegisterReadError:
    """A :class:`RegisterReadError` for a parser's own exception ``exc`` reading file ``name``:
    what went wrong in words, the parser's message without any path, never a traceback."""
    detail = scrub(f"{type(exc).__name__}: {exc}", path, name)
    if isinstance(exc, UnicodeError | LookupError):
        return RegisterReadError(
            f"无法识别“{name}”的文字编码（{detail}）；请另存为 UTF-8 CSV 后再导入",
            f'cannot decode the text of "{name}" ({detail}); save it as UTF-8 CSV and load again')
    if isinstance(exc, MemoryError):
        return RegisterReadError(f"“{name}”太大，内存不足，未读取；请拆分文件",
                                 f'"{name}" is too large to read in memory; split the file')
    return RegisterReadError(
        f"无法读取“{name}”：文件已损坏或不是所选类型的有效文件（{detail}）；"
        "请用 Excel/WPS 打开后重新保存（或另存为 UTF-8 CSV）再导入",
        f'cannot read "{name}": the file is damaged or not a valid file of its type ({detail}); '
        "open it in Excel/WPS and save it again (or save it as UTF-8 CSV), then load again")
