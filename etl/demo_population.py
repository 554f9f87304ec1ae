"""The synthetic population of the default dataset: unit points and residents by age band.

Part of ``python -m etl demo`` (entry point and writers in ``etl.demo``). The county
publishes no village points and no population by village; this module invents them
by one seeded procedure that keeps the real totals: the census 2020 age groups, the
urban/rural split and two township populations. It also holds the numeric helpers
(largest remainder, IPF) and the :class:`World` that ``etl.demo_facilities`` places
facilities in. The procedure is documented in ``docs/demo-data.md``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon, shape

from etl import paths, reference
from etl.schema import AGE_BANDS

SYNTHETIC = "示例数据（合成）"
POP_YEAR = 2020
EARTH_RADIUS_M = 6_371_008.8

#: Population register headers (the eight bands follow ``schema.AGE_BANDS``).
BAND_HEADERS: tuple[str, ...] = (
    "0-2岁", "3-5岁", "6-11岁", "12-14岁", "15-17岁", "18-59岁", "60-64岁", "65岁及以上",
)
POP_HEADERS: tuple[str, ...] = (
    "村（社区）代码", "村（社区）", "乡镇（街道）", "经度", "纬度", *BAND_HEADERS,
    "合计", "年份", "数据性质",
)

#: Real totals used below (sources in data/reference/SOURCES.md).
URBAN_POP = 180_354
TOTAL_POP = 414_310
TOWNSHIP_POP = {"甘棠镇": 31_515, "任市镇": 58_455}
COUNTY_TOWN = "淙城街道"

#: Relative age profile of urban and rural units (multiplies the county band shares
#: before fitting): rural units are older, urban ones hold more working-age adults
#: and the pupils who moved to town schools.
AGE_PROFILE = {
    "urban": (1.00, 1.05, 1.10, 1.15, 1.25, 1.12, 0.90, 0.72),
    "rural": (1.00, 0.97, 0.93, 0.88, 0.80, 0.90, 1.08, 1.25),
}


# ---------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------

def largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to non-negative ``values`` that sum exactly to ``total``.

    Hamilton's method: scale to ``total``, take floors, then give the units left
    over to the largest fractional parts (ties to the earlier position).

    >>> largest_remainder(np.array([1.0, 1.0, 1.0]), 10).tolist()
    [4, 3, 3]
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0 or (v < 0).any() or v.sum() <= 0:
        raise ValueError("values must be non-negative with a positive sum")
    exact = v * (total / v.sum())
    base = np.floor(exact).astype(np.int64)
    left = int(total - base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:left]] += 1
    return base


def parse_age_group(label: str) -> tuple[int, int | None]:
    """Single-year range of a census age-group label.

    >>> parse_age_group("0岁"), parse_age_group("1到4岁"), parse_age_group("85岁以上")
    ((0, 0), (1, 4), (85, None))
    """
    if m := re.fullmatch(r"(\d+)岁", label):
        return int(m[1]), int(m[1])
    if m := re.fullmatch(r"(\d+)到(\d+)岁", label):
        return int(m[1]), int(m[2])
    if m := re.fullmatch(r"(\d+)岁以上", label):
        return int(m[1]), None
    raise ValueError(f"unknown age group {label!r}")


def census_band_totals(census_age_df: pd.DataFrame) -> dict[str, int]:
    """County population per ``schema.AGE_BANDS`` band from the census 5-year groups.

    Each group's total is split uniformly over its single years (``0岁`` is age 0;
    the open group ``85岁以上`` falls wholly in the open band 65+), the shares are
    summed per band exactly (fractions), and the band totals are integerised by
    largest remainder so that they sum to the census total. For Kaijiang:
    ``0-2 = 3431 + 2/4 * 17094 = 11978``.

    Parameters
    ----------
    census_age_df : columns ``age_group`` and ``total``.

    Returns
    -------
    dict from band column name (``pop_0_2`` ...) to persons.
    """
    exact = {b[0]: Fraction(0) for b in AGE_BANDS}
    for label, n in zip(census_age_df["age_group"], census_age_df["total"], strict=True):
        lo, hi = parse_age_group(str(label))
        if hi is None:
            bands = [b for b in AGE_BANDS if b[2] is None and b[1] <= lo]
            if not bands:
                raise ValueError(f"open group {label!r} does not fit an open band")
            exact[bands[0][0]] += Fraction(int(n))
            continue
        width = hi - lo + 1
        for col, blo, bhi in AGE_BANDS:
            top = hi if bhi is None else min(hi, bhi)
            overlap = top - max(lo, blo) + 1
            if overlap > 0:
                exact[col] += Fraction(int(n) * overlap, width)
    total = int(census_age_df["total"].sum())
    floors = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(floors.values())
    order = sorted(exact, key=lambda k: -(exact[k] - floors[k]))  # stable: band order on ties
    for k in order[:left]:
        floors[k] += 1
    return {b[0]: floors[b[0]] for b in AGE_BANDS}


def ipf(seed: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray,
        tol: float = 1e-9, max_iter: int = 1000) -> np.ndarray:
    """Iterative proportional fitting of a positive matrix to row and column totals.

    Alternately scales rows and columns (Deming & Stephan 1940) until both margins
    hold within ``tol`` (relative).

    >>> ipf(np.ones((2, 2)), np.array([3.0, 1.0]), np.array([2.0, 2.0])).round(6).tolist()
    [[1.5, 1.5], [0.5, 0.5]]
    """
    m = np.asarray(seed, dtype=float).copy()
    r = np.asarray(row_totals, dtype=float)
    c = np.asarray(col_totals, dtype=float)
    if not math.isclose(r.sum(), c.sum(), rel_tol=1e-12):
        raise ValueError("row and column totals differ")
    for _ in range(max_iter):
        m *= (r / m.sum(axis=1))[:, None]
        m *= c / m.sum(axis=0)
        if np.abs(m.sum(axis=1) - r).max() <= tol * r.max():
            return m
    raise RuntimeError("IPF did not converge")


def integerise_matrix(fitted: np.ndarray, row_totals: np.ndarray,
                      col_totals: np.ndarray) -> np.ndarray:
    """Round a fitted matrix to integers keeping both margins exact.

    Every column but the last is rounded by largest remainder to its total; the last
    column is what each row still lacks, so rows are exact and the last column sums
    to its total as well. Raises ``ValueError`` if that leaves a negative cell.
    """
    rows = np.asarray(row_totals, dtype=np.int64)
    cols = np.asarray(col_totals, dtype=np.int64)
    if rows.sum() != cols.sum():
        raise ValueError("row and column totals differ")
    out = np.zeros(fitted.shape, dtype=np.int64)
    for j in range(fitted.shape[1] - 1):
        out[:, j] = largest_remainder(fitted[:, j], int(cols[j]))
    out[:, -1] = rows - out[:, :-1].sum(axis=1)
    if (out < 0).any():
        raise ValueError("integerisation left a negative cell")
    return out


def split_cells(row_totals: np.ndarray, col_totals: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """Integer table with exact margins, close to ``seed`` (IPF + integerisation)."""
    fitted = ipf(seed, row_totals, col_totals)
    return integerise_matrix(fitted, row_totals, col_totals)


@dataclass(frozen=True)
class LocalFrame:
    """Equirectangular metres around a reference point (error < 0.1 % over a county)."""

    lon0: float
    lat0: float

    def to_xy(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = math.pi / 180 * EARTH_RADIUS_M
        x = (np.asarray(lon) - self.lon0) * k * math.cos(math.radians(self.lat0))
        return x, (np.asarray(lat) - self.lat0) * k

    def to_lonlat(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = math.pi / 180 * EARTH_RADIUS_M
        lon = np.asarray(x) / (k * math.cos(math.radians(self.lat0))) + self.lon0
        return lon, np.asarray(y) / k + self.lat0


def voronoi_cells(xy: np.ndarray, clip: Polygon) -> list[Polygon]:
    """Voronoi cell of each point (same order), clipped to ``clip``."""
    env = clip.envelope.buffer(50_000)
    cells = shapely.voronoi_polygons(MultiPoint(xy), extend_to=env).geoms
    out = []
    for x, y in xy:
        p = Point(x, y)
        cell = next(c for c in cells if c.contains(p))
        out.append(cell.intersection(clip))
    return out


def sample_point(rng: np.random.Generator, region: Polygon, placed: list[tuple[float, float]],
                 min_gap_m: float, centre: tuple[float, float] | None = None,
                 r_max_m: float | None = None, bias_m: float | None = None,
                 tries: int = 4000) -> tuple[float, float]:
    """A random point of ``region`` at least ``min_gap_m`` from every placed point.

    With ``centre`` and ``r_max_m`` the point is drawn in that disc; with ``bias_m``
    a uniform candidate at distance d from ``centre`` is kept with probability
    ``0.25 + 0.75 * exp(-d / bias_m)``. If no candidate fits, the gap shrinks by 10 %.
    """
    minx, miny, maxx, maxy = region.bounds
    pts = np.array(placed) if placed else np.empty((0, 2))
    gap = min_gap_m
    while gap > 1:
        for _ in range(tries):
            if r_max_m is not None and centre is not None:
                r = r_max_m * math.sqrt(rng.random())
                a = 2 * math.pi * rng.random()
                x, y = centre[0] + r * math.cos(a), centre[1] + r * math.sin(a)
            else:
                x, y = minx + (maxx - minx) * rng.random(), miny + (maxy - miny) * rng.random()
            if not shapely.contains_xy(region, x, y):
                continue
            if bias_m is not None and centre is not None:
                d = math.hypot(x - centre[0], y - centre[1])
                if rng.random() > 0.25 + 0.75 * math.exp(-d / bias_m):
                    continue
            if len(pts) and np.hypot(pts[:, 0] - x, pts[:, 1] - y).min() < gap:
                continue
            return x, y
        gap *= 0.9
    raise RuntimeError("no room for a point")


# ---------------------------------------------------------------------------
# The world: units with points and population
# ---------------------------------------------------------------------------

@dataclass
class World:
    frame: LocalFrame
    county: Polygon          # boundary, local metres
    inner: Polygon           # boundary shrunk by 300 m
    townships: pd.DataFrame  # + x, y
    units: pd.DataFrame      # + township, x, y, lon, lat, bands, population
    bands: dict[str, int]
    old_seats: pd.DataFrame  # 20 pre-merger seats: old_name, township, unit_code, x, y


def step_rng(seed: int, step: int) -> np.random.Generator:
    """The generator of one random step: ``default_rng([seed, step])``."""
    return np.random.default_rng([seed, step])


def unit_label(row: pd.Series) -> str:
    """Short display name: 花朝门村, 淙城社区."""
    return f"{row['short_name']}{'社区' if row['unit_type'] == '社区' else '村'}"


def place_units(units: pd.DataFrame, townships: pd.DataFrame, inner: Polygon,
                rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic unit points (local metres): seats by the township point, other
    communities within 1.5 km of it, villages spread over the township's Voronoi
    cell with a bias to the point; 600 m apart and 300 m inside the boundary."""
    txy = townships[["x", "y"]].to_numpy()
    cells = dict(zip(townships["code"], voronoi_cells(txy, inner), strict=True))
    centre = {c: (x, y) for c, x, y in townships[["code", "x", "y"]].itertuples(index=False)}
    u = units.copy()
    u["role"] = np.where(u["code"].str.endswith("001"), 0, np.where(u["unit_type"] == "社区", 1, 2))
    placed: list[tuple[float, float]] = []
    xy: dict[str, tuple[float, float]] = {}
    for _, row in u.sort_values(["role", "code"]).iterrows():
        cell, c = cells[row["township_code"]], centre[row["township_code"]]
        if row["role"] == 0:
            p = sample_point(rng, cell, placed, 600, c, r_max_m=450)
        elif row["role"] == 1:
            p = sample_point(rng, cell, placed, 600, c, r_max_m=1_500)
        else:
            p = sample_point(rng, cell, placed, 600, c, bias_m=math.sqrt(cell.area / math.pi) / 2)
        placed.append(p)
        xy[row["code"]] = p
    u["x"] = [xy[c][0] for c in u["code"]]
    u["y"] = [xy[c][1] for c in u["code"]]
    return u.drop(columns="role")


def unit_weights(units: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Relative unit sizes before fitting: county-town communities largest, then seat
    communities, other communities, villages (uniform draws in fixed ranges)."""
    w = np.empty(len(units))
    for i, (_, r) in enumerate(units.iterrows()):
        if r["township"] == COUNTY_TOWN and r["unit_type"] == "社区":
            lo, hi = 7_500, 11_000
        elif r["code"].endswith("001"):
            lo, hi = 2_400, 3_600
        elif r["unit_type"] == "社区":
            lo, hi = 1_800, 3_000
        elif r["urban_rural"] == "urban":
            lo, hi = 1_200, 2_200
        else:
            lo, hi = 1_100, 3_000
        w[i] = lo + (hi - lo) * rng.random()
    return w


def unit_totals(units: pd.DataFrame, weights: np.ndarray, urban_total: int, total: int,
                township_totals: dict[str, int]) -> np.ndarray:
    """Unit populations with exact urban and rural sums and exact known township sums.

    The 2 x (k+1) table urban/rural x (known townships, rest) is fitted to its margins
    by IPF from the summed weights and integerised; each cell is then shared among its
    units by largest remainder on the weights.
    """
    names = list(township_totals)
    tw = units["township"].to_numpy()
    grp = np.array([names.index(t) if t in township_totals else len(names) for t in tw])
    ur = units["urban_rural"].to_numpy()
    kinds = ("urban", "rural")
    seed = np.array([[weights[(ur == k) & (grp == j)].sum() for j in range(len(names) + 1)]
                     for k in kinds])
    rest = total - sum(township_totals.values())
    cells = split_cells(np.array([urban_total, total - urban_total]),
                        np.array([*township_totals.values(), rest]), seed)
    out = np.zeros(len(units), dtype=np.int64)
    for i, k in enumerate(kinds):
        for j in range(len(names) + 1):
            mask = (ur == k) & (grp == j)
            out[mask] = largest_remainder(weights[mask], int(cells[i, j]))
    return out


def unit_bands(units: pd.DataFrame, totals: np.ndarray, bands: dict[str, int],
               rng: np.random.Generator) -> np.ndarray:
    """Unit x band matrix: urban/rural age profile with noise, fitted by IPF to the unit
    totals and the county band totals, integerised column by column."""
    share = np.array(list(bands.values()), dtype=float) / sum(bands.values())
    prof = np.array([AGE_PROFILE[k] for k in units["urban_rural"]])
    noise = np.exp(rng.normal(0, 0.08, prof.shape))
    seed = totals[:, None] * share[None, :] * prof * noise
    col = np.array(list(bands.values()))
    return split_cells(totals, col, seed)


def build_world(seed: int = 2022, ref: Path = paths.REFERENCE) -> World:
    """Units with synthetic points and population; township and old-seat points."""
    geom = shape(reference.boundary_geojson(ref / paths.BOUNDARY_WGS84.name))
    c = geom.centroid
    frame = LocalFrame(round(c.x, 3), round(c.y, 3))
    county = shapely.transform(geom, lambda a: np.column_stack(frame.to_xy(a[:, 0], a[:, 1])))
    inner = county.buffer(-300)
    t = reference.townships(ref).sort_values("code").reset_index(drop=True)
    t["x"], t["y"] = frame.to_xy(t["lon"].to_numpy(), t["lat"].to_numpy())
    u = reference.units(ref).sort_values("code").reset_index(drop=True)
    u["township"] = u["township_code"].map(dict(zip(t["code"], t["name"], strict=True)))
    u = place_units(u, t, inner, step_rng(seed, 1))
    u["lon"], u["lat"] = frame.to_lonlat(u["x"].to_numpy(), u["y"].to_numpy())
    bands = census_band_totals(reference.census_age(ref))
    totals = unit_totals(u, unit_weights(u, step_rng(seed, 2)), URBAN_POP, TOTAL_POP, TOWNSHIP_POP)
    mat = unit_bands(u, totals, bands, step_rng(seed, 3))
    for j, (col, *_) in enumerate(AGE_BANDS):
        u[col] = mat[:, j]
    u["population"] = totals
    return World(frame, county, inner, t, u, bands, old_seats(ref, t, u, frame))


def old_seats(ref: Path, townships: pd.DataFrame, units: pd.DataFrame,
              frame: LocalFrame) -> pd.DataFrame:
    """The 20 pre-merger township seats, each tied to a current township and unit.

    A seat whose point lies within 1 km of a current township point belongs to that
    township (its seat unit); any other belongs to the township that absorbed it in
    2019 (change table), at that township's unit nearest to the old point.
    """
    old = pd.read_csv(ref / "kaijiang_townships_2016_prereform.csv", dtype={"code_12": str})
    old = old[old["level"] == "town"].sort_values("code_12").reset_index(drop=True)
    x, y = frame.to_xy(old["lon_wgs84_converted"].to_numpy(), old["lat_wgs84_converted"].to_numpy())
    merged = reference.township_changes(ref).set_index("old_name")["township_code"].to_dict()
    used: set[str] = set()
    rows = []
    for name, ox, oy in zip(old["name"], x, y, strict=True):
        d = np.hypot(townships["x"] - ox, townships["y"] - oy)
        if d.min() < 1_000:
            tc = townships["code"].iloc[int(d.argmin())]
            cand = units[units["code"] == tc + "001"]
        else:
            tc = merged[name]
            cand = units[(units["township_code"] == tc) & ~units["code"].isin(used)]
        dd = np.hypot(cand["x"] - ox, cand["y"] - oy)
        unit = cand.iloc[int(dd.argmin())]
        used.add(unit["code"])
        rows.append({"old_name": name, "short": re.sub(r"(镇|乡)$", "", name),
                     "township": unit["township"], "unit_code": unit["code"]})
    return pd.DataFrame(rows)


def population_register(world: World) -> pd.DataFrame:
    """The population register rows (one per unit, code order)."""
    u = world.units.sort_values("code")
    df = pd.DataFrame({"村（社区）代码": u["code"], "村（社区）": u["name"],
                       "乡镇（街道）": u["township"], "经度": u["lon"], "纬度": u["lat"]})
    for h, (col, *_) in zip(BAND_HEADERS, AGE_BANDS, strict=True):
        df[h] = u[col].to_numpy()
    df["合计"] = u["population"].to_numpy()
    df["年份"] = POP_YEAR
    df["数据性质"] = SYNTHETIC
    return df[list(POP_HEADERS)].reset_index(drop=True)

