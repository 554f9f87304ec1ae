"""The report's content model: headings, paragraphs, numbered tables and figures, in order.

The writers (:mod:`reports.document`) only lay these out; every number is already text,
formatted as on the screen (:mod:`ui.format`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Block", "Content", "Figure", "Heading", "Paragraph", "Table"]


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    style: str | None = None


@dataclass
class Table:
    """A numbered table: ``frame`` holds text only (numbers formatted); ``key`` names it for
    tests and readers (``indicators:<domain>``, ``rank:<indicator>``, ``plan`` …)."""

    key: str
    caption: str
    frame: pd.DataFrame
    note: str | None = None


@dataclass
class Figure:
    """A numbered figure: a Plotly figure specification rendered to PNG (``png``) in one batch."""

    key: str
    caption: str
    spec: dict[str, Any]
    width_px: int = 900
    height_px: int = 520
    png: bytes | None = None


Block = Heading | Paragraph | Table | Figure


@dataclass
class Content:
    """Everything the document says, in order, plus the facts of its title page and header."""

    lang: str
    title: str
    subtitle: str
    made: str
    header: str
    synthetic: bool
    synthetic_text: str
    blocks: list[Block] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]
