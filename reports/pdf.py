"""Word to PDF with LibreOffice headless (the distribution's ``libreoffice-writer-nogui``).

Each conversion runs ``soffice`` with a private user profile in a temporary directory
(``-env:UserInstallation``), so concurrent conversions never share or lock a profile, and
removes the directory afterwards. Fonts are embedded by LibreOffice's PDF export.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PdfError", "ReportError", "available", "bookmark_pages", "docx_to_pdf", "soffice"]

#: Longest a conversion may take (seconds).
TIMEOUT_S = 120
#: The PDF export filter; Word bookmarks become named destinations (their pages are read back).
_FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'


class PdfError(RuntimeError):
    """LibreOffice is missing or the conversion failed."""


class ReportError(PdfError):
    """The report cannot be made, for a reason said in one line: no data of the year asked
    for, ``--out`` in a missing or read-only folder. A :class:`PdfError`, which the command
    line (``metrics/__main__.py``) reports as one line with exit status 2."""


def soffice() -> str | None:
    """The ``soffice`` (or ``libreoffice``) program on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """Whether a PDF can be made here."""
    return soffice() is not None


def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF of a Word document's bytes."""
    program = soffice()
    if program is None:
        raise PdfError("LibreOffice (soffice) is not installed: apt-get install "
                       "libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="kaijiang-pdf-") as tmp:
        work = Path(tmp)
        src = work / "report.docx"
        src.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", _FILTER, "--outdir", str(work),
               str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                  check=False, cwd=work)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice took longer than {TIMEOUT_S} s") from exc
        pdf = work / "report.pdf"
        if done.returncode != 0 or not pdf.exists():
            raise PdfError(f"LibreOffice could not convert the report: {done.stderr.strip()[:500]}")
        return pdf.read_bytes()


def bookmark_pages(pdf: bytes, pattern: str = r"Toc(\d+)") -> dict[str, int]:
    """Page of each named destination matching ``pattern`` (``_Toc00012`` -> 7), by its
    number group, read with poppler's ``pdfinfo -dests``; empty without poppler."""
    program = shutil.which("pdfinfo")
    if program is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="kaijiang-pdf-") as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        done = subprocess.run([program, "-dests", str(path)], capture_output=True, text=True,
                              timeout=60, check=False)
    out: dict[str, int] = {}
    for line in done.stdout.splitlines():
        m = re.match(r"\s*(\d+)\s.*\"(.*)\"\s*$", line)
        if m and (n := re.search(pattern, m.group(2))):
            out.setdefault(n.group(1), int(m.group(1)))
    return out
