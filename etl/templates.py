"""Blank register templates with the preferred Chinese headers of each kind."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from etl import aliases


def template_bytes(kind: str, fmt: str = "xlsx") -> bytes:
    """A blank register for ``kind`` as XLSX or CSV (UTF-8 with BOM, as Excel expects)."""
    headers = aliases.template_columns(kind)
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerow(headers)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = kind
    ws.append(headers)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_template(kind: str, out: Path) -> None:
    out.write_bytes(template_bytes(kind, "csv" if out.suffix.lower() == ".csv" else "xlsx"))
