"""A one-page brief as standalone HTML: opens offline, prints on A4, escapes all data.

plotly.js is inlined once; every title, card, caption, table cell and source line
goes through :func:`html.escape` (tables through ``DataFrame.to_html(escape=True)``).
The only markup not escaped is our own template and Plotly's figure divs.

Map figures must be built with ``county_map(..., static=True)``: a WebGL map stays
blank when the saved file is opened from disk (MapLibre's worker does not start on a
``file://`` page), so :func:`brief_html` refuses them.

:func:`page_brief` is the brief of a page of this app (the overview and the domain pages):
:func:`brief_html` with the sources of the data on screen and the generated-data note.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from ui.format import display_frame
from ui.i18n import DEFAULT_LANG, normalise_lang, t

__all__ = ["brief_html", "page_brief"]

_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       color: #1f2933; margin: 0 auto; max-width: 190mm; padding: 8mm 0; font-size: 10.5pt; }
h1 { font-size: 17pt; margin: 0 0 2px; }
.subtitle { color: #52606d; margin: 0 0 8px; }
.synthetic { border: 1px solid #f0b429; background: #fffbea; padding: 6px 10px;
             border-radius: 4px; margin: 6px 0 10px; font-size: 9.5pt; }
.cards { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
.card { flex: 1 1 0; min-width: 38mm; border: 1px solid #d9e2ec; border-radius: 6px; padding: 6px 10px; }
.card .label { color: #52606d; font-size: 9pt; }
.card .value { font-size: 16pt; font-weight: 700; margin: 2px 0; }
.card .note { color: #7b8794; font-size: 8.5pt; }
.figures { display: grid; grid-template-columns: repeat(2, 350px); gap: 8px 18px; }
.figure { min-width: 0; overflow: hidden; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid #d9e2ec; padding: 2px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
caption { text-align: left; font-weight: 700; padding: 4px 0; }
.sources { color: #52606d; font-size: 8.5pt; border-top: 1px solid #d9e2ec; margin-top: 8px; padding-top: 4px; }
.sources ul { margin: 2px 0; padding-left: 16px; }
.meta { color: #9aa5b1; font-size: 8pt; }
@media print { .noprint { display: none; } body { padding: 0; } }
"""

_MAP_TRACES = ("scattermap", "choroplethmap", "densitymap", "scattermapbox",
               "choroplethmapbox", "densitymapbox", "scattergeo", "choropleth")


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _plain(spec: Any) -> Any:
    """A figure specification as plain dicts and lists (a cached one is read-only, and
    plotly takes its input apart while validating it).

    >>> from ui.cache import freeze
    >>> _plain(freeze({"data": [{"type": "bar", "x": [1]}]}))
    {'data': [{'type': 'bar', 'x': [1]}]}
    """
    if isinstance(spec, Mapping):
        return {k: _plain(v) for k, v in spec.items()}
    if isinstance(spec, list | tuple):
        return [_plain(v) for v in spec]
    return spec


def _figure_div(fig: go.Figure | dict, i: int, height: int, width: int) -> str:
    # a copy (or a validated specification, see ui.charts); cached ones are read-only
    f = go.Figure(fig if isinstance(fig, go.Figure) else _plain(fig))
    bad = sorted({tr.type for tr in f.data if tr.type in _MAP_TRACES})
    if bad:
        raise ValueError(
            f"figure {i} has {', '.join(bad)} traces: build maps for the brief with "
            "county_map(..., static=True) (WebGL and geo maps are blank or fetch data offline)")
    # a fixed size: the page is a fixed A4 width and the print must not reflow
    f.update_layout(height=min(f.layout.height or height, 2 * height), width=width, autosize=False)
    return f.to_html(
        full_html=False, include_plotlyjs=False, div_id=f"fig{i}",
        default_width=f"{width}px", default_height=f"{f.layout.height}px",
        config={"displaylogo": False, "responsive": False, "displayModeBar": False,
                "plotlyServerURL": ""},
    )


def brief_html(
    title: str,
    subtitle: str,
    cards: Sequence[dict],
    figures: Sequence[go.Figure | dict],
    tables: Sequence[tuple[str, pd.DataFrame]],
    sources: Sequence[str],
    synthetic_note: str | None,
    lang: str = DEFAULT_LANG,
    *,
    generated: datetime | None = None,
    figure_height: int = 320,
    figure_width: int = 350,
    travel: str | None = None,
) -> str:
    """A standalone, print-friendly HTML page.

    Parameters
    ----------
    title, subtitle : str
        Headline and the line under it (e.g. the view and its filters).
    cards : list of dict
        Key numbers: ``{"label": ..., "value": ..., "note": ...}`` (``note`` optional).
    figures : list of go.Figure or figure specifications (dict, see ui.charts)
        Charts; maps must be static (SVG) figures, see the module docstring.
    tables : list of (caption, DataFrame)
        Small tables, shown without their index; numbers as on the screen
        (:func:`ui.format.display_frame`: separators, their decimals, no "-0").
    sources : list of str
        One line per source.
    synthetic_note : str or None
        Shown as a highlighted box when the view contains generated data.
    lang : {"zh", "en"}
        Language of the page's own labels and ``<html lang>``.
    generated : datetime, optional
        Time stamp printed in the footer (now by default).
    figure_height : int
        Height in pixels of figures that do not set one (at most twice this).
    figure_width : int
        Width in pixels of every figure; two figures sit side by side on A4.
    travel : str, optional
        The travel model every time in the brief used (``出行时间：路网``), under the subtitle.

    Returns
    -------
    str
        The whole HTML document; plotly.js is inlined once, nothing is fetched.
    """
    lang = normalise_lang(lang)
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style>",
    ]
    if figures:
        parts.append(f'<script type="text/javascript">{get_plotlyjs()}</script>')
    parts += ["</head><body>", f"<h1>{_e(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="subtitle">{_e(subtitle)}</p>')
    if travel:
        parts.append(f'<p class="subtitle travel">{_e(travel)}</p>')
    if synthetic_note:
        parts.append(f'<div class="synthetic"><b>{_e(t("synthetic.title", lang))}</b> · '
                     f"{_e(synthetic_note)}</div>")
    if cards:
        parts.append('<div class="cards">')
        for c in cards:
            note = f'<div class="note">{_e(c.get("note"))}</div>' if c.get("note") else ""
            parts.append(f'<div class="card"><div class="label">{_e(c.get("label"))}</div>'
                         f'<div class="value">{_e(c.get("value"))}</div>{note}</div>')
        parts.append("</div>")
    if figures:
        parts.append('<div class="figures">')
        for i, fig in enumerate(figures):
            parts.append(f'<div class="figure">{_figure_div(fig, i, figure_height, figure_width)}</div>')
        parts.append("</div>")
    for caption, frame in tables:
        # numbers as on the screen: counts with separators, no "-0", no 20419.0; a column of
        # small charts (lists of values) has no place on paper
        charts = [c for c in frame.columns
                  if frame[c].map(lambda v: isinstance(v, list | tuple)).any()]
        body = display_frame(frame.drop(columns=charts)).to_html(index=False, escape=True, border=0,
                                                                 na_rep="–")
        # the caption goes right after the opening <table ...> tag
        parts.append(body.replace(">", f"><caption>{_e(caption)}</caption>", 1))
    if sources:
        items = "".join(f"<li>{_e(s)}</li>" for s in sources)
        parts.append(f'<div class="sources"><b>{_e(t("data.sources", lang))}</b><ul>{items}</ul></div>')
    parts.append(f'<p class="meta">{_e(t("brief.generated", lang, time=when))} · '
                 f'<span class="noprint">{_e(t("brief.print_hint", lang))}</span></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def page_brief(
    title: str,
    subtitle: str,
    cards: Sequence[dict],
    figures: Sequence[go.Figure | dict],
    tables: Sequence[tuple[str, pd.DataFrame]],
    lang: str,
    *,
    synthetic: bool,
    standard: str | None = None,
) -> str:
    """The brief of a page of this app: :func:`brief_html` with one line per source of the
    data on screen (:func:`ui.frame.sources`), then the indicator's ``standard`` (its source
    document) when it has one, the generated-data note when ``synthetic``, and the travel
    model of every time in it (出行时间：路网 / 直线估算, :func:`ui.data.travel_label`)."""
    from ui.data import travel_label
    from ui.frame import sources

    lines = list(sources(lang))
    if standard and standard != "—":
        lines.append(t("dom.source.standard", lang, source=standard))
    return brief_html(title, subtitle, cards, figures, tables, lines,
                      t("synthetic.short", lang) if synthetic else None, lang,
                      travel=t("frame.travel", lang, model=travel_label(lang)))
