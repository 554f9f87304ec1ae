"""The monitoring report as documents: Word (python-docx) and PDF (LibreOffice headless).

``python -m metrics report --format docx|pdf --out FILE`` and the overview's download call
:func:`write_report` / :func:`report_bytes`. Unlike :mod:`metrics`, this package does I/O: it
reads the database, renders figures with Kaleido and runs LibreOffice.
"""

from reports.document import FORMATS, report_bytes, write_report

__all__ = ["FORMATS", "report_bytes", "write_report"]
