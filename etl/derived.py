"""Areas generated from points, for maps when the county has loaded no polygons.

Each unit gets the Voronoi cell of its point, clipped to the county boundary;
a township's area is the union of its units' cells. These are approximations,
flagged ``is_synthetic`` and replaced by real polygons once loaded with
``--kind boundaries``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape


def generated_areas(units: pd.DataFrame, county_geojson: dict) -> pd.DataFrame:
    """Voronoi cells of ``units`` (code, township_code, lon, lat) clipped to the county.

    Returns rows (level, code, name, geojson, source, is_synthetic) for every unit
    and every township.

    >>> box = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]]]}
    >>> u = pd.DataFrame({"code": ["a", "b"], "township_code": ["t", "t"],
    ...                   "lon": [0.5, 1.5], "lat": [0.5, 0.5]})
    >>> out = generated_areas(u, box)
    >>> [round(shape(json.loads(g)).area, 6) for g in out["geojson"]]
    [1.0, 1.0, 2.0]
    """
    county = shape(county_geojson)
    pts = shapely.points(units["lon"].to_numpy(float), units["lat"].to_numpy(float))
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=county.envelope.buffer(0.1))
    cells = np.asarray(shapely.get_parts(cells))
    # voronoi_polygons does not keep input order: match each cell to the point inside it
    order = np.full(len(pts), -1)
    tree = shapely.STRtree(cells)
    idx_pt, idx_cell = tree.query(pts, predicate="within")
    order[idx_pt] = idx_cell
    rows = []
    unit_geoms = []
    for i, u in enumerate(units.itertuples()):
        g = cells[order[i]].intersection(county) if order[i] >= 0 else shapely.Point(u.lon, u.lat).buffer(0.005)
        unit_geoms.append(g)
        rows.append(("unit", u.code, None, g))
    frame = units.assign(geom=unit_geoms)
    for code, grp in frame.groupby("township_code", sort=True):
        rows.append(("township", code, None, shapely.union_all(grp["geom"].to_numpy())))
    return pd.DataFrame({
        "level": [r[0] for r in rows],
        "code": [r[1] for r in rows],
        "name": [r[2] for r in rows],
        "geojson": [json.dumps(mapping(shapely.set_precision(r[3], 1e-6))) for r in rows],
        "source": "generated: Voronoi cells of unit points clipped to the county boundary",
        "is_synthetic": True,
    })
