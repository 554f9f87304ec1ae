"""The report's maps and charts: the pages' own figure specifications, rendered to PNG offline.

The map is the overview's (:func:`ui.maps.county_map_spec`, its static SVG form: village
areas by value, the indicator's facilities), the chart the overview's township ranking
(:func:`ui.charts.ranked_bar_spec`, rank 1 on top). For paper the legend goes under the map
and the colour bar to the right of it, outside the plot. :func:`render` draws every figure
with Kaleido and the system Chromium in one browser session (no network).
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from metrics.gaps import township_gaps
from metrics.indicators import Indicator, IndicatorTable
from reports.model import Figure
from reports.text import place
from ui.charts import merge, ranked_bar_spec
from ui.format import unit_of, value_format
from ui.i18n import plain, t, with_unit
from ui.maps import county_map_spec

__all__ = ["MAP_SIZE", "bar_spec", "map_spec", "render", "shorten"]

#: Width and height (px) of a map as rendered; the document scales it to the text width.
MAP_SIZE = (900, 620)
_COLOURBAR_PX = 120
_SCALE = 1.6  # device pixels per layout pixel: about 230 dpi at the text width


def map_spec(ind: Indicator, table: IndicatorTable, frames: Mapping[str, pd.DataFrame],
             boundaries: Mapping[str, Any], lang: str) -> dict[str, Any] | None:
    """The overview's map of ``ind`` for paper; None without a county boundary."""
    if not boundaries.get("county"):
        return None
    units, towns = frames["units"], frames["townships"]
    town_names = dict(zip(towns["code"].astype(str), towns["name"].astype(str), strict=True))
    names = {str(c): place(town_names.get(str(tc), ""), lang) + " " + place(n, lang)
             for c, tc, n in zip(units["code"], units["township_code"], units["name"], strict=True)}
    fac = frames["facilities"]
    fac = fac.loc[fac["type"].isin(ind.facility_types), ["lon", "lat", "type", "name"]]
    areas = boundaries["unit"] if boundaries["unit"]["features"] else boundaries["township"]
    width, height = MAP_SIZE
    n_types = int(fac["type"].nunique())
    legend_px = 46 + 28 * math.ceil(n_types / 3) if n_types else 0
    spec = county_map_spec(
        boundaries["county"], areas=areas, area_values=table.values[ind.key], facilities=fac,
        lang=lang, area_title=with_unit(t("dom.map_value", lang), unit_of(ind, lang), lang),
        area_names=names, colorscale="YlOrRd", reverse_scale=ind.higher_is_better,
        value_format=value_format(ind), height=height - legend_px,
        width_hint=width - _COLOURBAR_PX, static=True, outlines=boundaries.get("township"),
        facility_size=7)
    # the colour bar right of the plot, clear of the county; the legend under the map
    data = []
    for trace in spec["data"]:
        marker = trace.get("marker") or {}
        if marker.get("showscale"):
            bar = merge(marker["colorbar"], {"x": 1.0, "xanchor": "left", "xpad": 16, "len": 0.8})
            trace = {**trace, "marker": {**marker, "colorbar": bar}}
        data.append(trace)
    layout = merge(spec["layout"], {
        "width": width, "height": height,
        "font": {"size": 15},
        "margin": {"l": 4, "r": _COLOURBAR_PX, "t": 4, "b": legend_px},
        "legend": {"orientation": "h", "x": 0, "y": 0, "xanchor": "left", "yanchor": "top",
                   "title": {"side": "top left"}, "font": {"size": 15}, "bgcolor": "white",
                   "borderwidth": 0}})
    return {"data": data, "layout": layout}


def bar_spec(ind: Indicator, table: IndicatorTable, towns: pd.DataFrame,
             lang: str) -> dict[str, Any] | None:
    """The overview's townships ranked by ``ind`` (rank 1, furthest behind, on top)."""
    summary = table.summaries[ind.key]["township_code"]
    gaps = township_gaps(summary, float(table.county.loc[ind.key, "value"]), ind.higher_is_better)
    if gaps.empty:
        return None
    names = dict(zip(towns["code"].astype(str), towns["name"].astype(str), strict=True))
    labels = [place(names.get(c, c), lang) for c in gaps.index]
    short = [shorten(n) for n in labels]
    frame = pd.DataFrame({"name": short if len(set(short)) == len(short) else labels,
                          "value": gaps["value"].to_numpy()})
    target = table.county.loc[ind.key, "target"]
    spec = ranked_bar_spec(frame, "value", "name", t("dom.map_value", lang), unit_of(ind, lang),
                           group_col=None, target=None if pd.isna(target) else float(target),
                           higher_is_better=not ind.higher_is_better,
                           value_format=value_format(ind), lang=lang)
    shown = {str(v) for tr in spec["data"] for v in tr.get("y", [])}
    order = [plain(n) for n in frame["name"] if plain(n) in shown][::-1]
    spec["layout"] = merge(spec["layout"], {"yaxis": {"categoryarray": order},
                                            "showlegend": False, "width": 900,
                                            "font": {"size": 15}})
    return spec


#: The widest a chart's category label may be (Latin characters; a Chinese one counts two).
LABEL_WIDTH = 36


def shorten(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` cut to ``width`` with an ellipsis, so that a long name leaves the chart its
    room (the table beside it gives the name in full).

    >>> shorten("任市镇 Renshi Zhen"), shorten("很长" * 30)
    ('任市镇 Renshi Zhen', '很长很长很长很长很长很长很长很长很…')
    """
    out, used = "", 0.0
    for ch in text:
        w = 2.0 if ord(ch) > 0x2E80 else 1.0
        if used + w > width - 1:
            return out.rstrip() + "…"
        out, used = out + ch, used + w
    return text


def render(figures: Sequence[Figure]) -> None:
    """Draw every figure to PNG (``Figure.png``) in one Kaleido session, offline."""
    import plotly.io as pio

    todo = [f for f in figures if f.png is None]
    if not todo:
        return
    with tempfile.TemporaryDirectory(prefix="kaijiang-figures-") as tmp:
        files = [Path(tmp) / f"figure-{i}.png" for i in range(len(todo))]
        pio.write_images([f.spec for f in todo], files, format="png",
                         width=[f.width_px for f in todo], height=[f.height_px for f in todo],
                         scale=_SCALE, validate=False)
        for fig, path in zip(todo, files, strict=True):
            fig.png = _opaque(path.read_bytes())


def _opaque(png: bytes) -> bytes:
    """The image without its alpha channel (every pixel is opaque): a smaller file."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        buf = io.BytesIO()
        im.convert("RGB").save(buf, format="PNG")
    return buf.getvalue()
