"""Generate the synthetic part of the default dataset as ordinary bureau registers.

The county publishes no village points, no population by village and no facility
registers with points and capacities. This module invents them by one seeded,
deterministic procedure that keeps every real total we have (census 2020 age groups
and urban/rural split, two township populations, the secondary facility counts and
the 2,328 open hospital beds) and writes them as registers that a user could have
supplied: CSV/XLSX files with Chinese headers in ``data/registers/``. Every row says
``数据性质 = 示例数据（合成）``. The procedure is documented in ``docs/demo-data.md``.

Same seed, same bytes: every random step draws from its own generator
``numpy.random.default_rng([seed, step])``, everything is sorted, floats are written
with fixed decimals, and XLSX files get fixed document times and zip entry times.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from openpyxl import Workbook
from shapely.geometry import MultiPoint, Point, Polygon, shape

from etl import paths, reference
from etl.schema import AGE_BANDS, FACILITY_TYPES

SYNTHETIC = "示例数据（合成）"
POP_YEAR = 2020
FACILITY_YEAR = 2024
EARTH_RADIUS_M = 6_371_008.8
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)

#: Population register headers (the eight bands follow ``schema.AGE_BANDS``).
BAND_HEADERS: tuple[str, ...] = (
    "0-2岁", "3-5岁", "6-11岁", "12-14岁", "15-17岁", "18-59岁", "60-64岁", "65岁及以上",
)
POP_HEADERS: tuple[str, ...] = (
    "村（社区）代码", "村（社区）", "乡镇（街道）", "经度", "纬度", *BAND_HEADERS,
    "合计", "年份", "数据性质",
)
_HEAD = ("编号", "名称", "类型", "乡镇（街道）", "村（社区）", "经度", "纬度")
_TAIL = ("年份", "数据性质")
HEADERS: dict[str, tuple[str, ...]] = {
    "schools": (*_HEAD, "在校生数", "专任教师数", "寄宿生数", "寄宿床位", "所属教育集团", *_TAIL),
    "kindergartens": (*_HEAD[:3], "办园性质", *_HEAD[3:], "学位数", "在校生数", "专任教师数",
                      *_TAIL),
    "hospitals": (*_HEAD, "开放床位", "执业（助理）医师数", "注册护士数", *_TAIL),
    "clinics": (*_HEAD, "执业（助理）医师数", *_TAIL),
    "elderly_care": (*_HEAD, "养老床位", "托位数", *_TAIL),
    "culture": (*_HEAD, "座位数", "建筑面积（平方米）", "周开放时长（小时）", *_TAIL),
}
SCHOOLS_TITLE = "开江县中小学校基本情况统计表（2024年，示例数据）"

#: Real totals used below (sources in data/reference/SOURCES.md).
URBAN_POP = 180_354
TOTAL_POP = 414_310
TOWNSHIP_POP = {"甘棠镇": 31_515, "任市镇": 58_455}
OPEN_BEDS = 2_328
N_CLINICS = 194
COUNTY_TOWN = "淙城街道"
#: The plan's boarding-school task names these towns; their schools get too few beds.
BOARDING_GAP_TOWNS = ("任市镇", "长岭镇", "甘棠镇")
BOARDER_SHARE = 0.6  # share of junior students assumed to need a boarding bed

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


def _rng(seed: int, step: int) -> np.random.Generator:
    return np.random.default_rng([seed, step])


def _unit_label(row: pd.Series) -> str:
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
    u = place_units(u, t, inner, _rng(seed, 1))
    u["lon"], u["lat"] = frame.to_lonlat(u["x"].to_numpy(), u["y"].to_numpy())
    bands = census_band_totals(reference.census_age(ref))
    totals = unit_totals(u, unit_weights(u, _rng(seed, 2)), URBAN_POP, TOTAL_POP, TOWNSHIP_POP)
    mat = unit_bands(u, totals, bands, _rng(seed, 3))
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


# ---------------------------------------------------------------------------
# Facilities
# ---------------------------------------------------------------------------

class _Sites:
    """Places facility points 50-400 m from their unit point, inside the county."""

    def __init__(self, world: World, rng: np.random.Generator):
        self.w, self.rng = world, rng
        self.by_code = world.units.set_index("code")
        self.safe = world.county.buffer(-30)

    def point(self, unit_code: str) -> tuple[float, float]:
        u = self.by_code.loc[unit_code]
        for _ in range(1000):
            r = 50 + 350 * self.rng.random()
            a = 2 * math.pi * self.rng.random()
            x, y = u["x"] + r * math.cos(a), u["y"] + r * math.sin(a)
            if shapely.contains_xy(self.safe, x, y):
                lon, lat = self.w.frame.to_lonlat(np.array(x), np.array(y))
                return float(lon), float(lat)
        raise RuntimeError(f"no facility point near {unit_code}")

    def row(self, fid: str, name: str, ftype: str, unit_code: str, **values) -> dict:
        u = self.by_code.loc[unit_code]
        lon, lat = self.point(unit_code)
        return {"编号": fid, "名称": name, "类型": FACILITY_TYPES[ftype][2],
                "乡镇（街道）": u["township"], "村（社区）": u["name"],
                "经度": lon, "纬度": lat, **values, "年份": FACILITY_YEAR, "数据性质": SYNTHETIC}


def _county_town_units(world: World) -> list[str]:
    u = world.units
    return u[(u["township"] == COUNTY_TOWN) & (u["unit_type"] == "社区")]["code"].tolist()


def _seat(world: World, township: str) -> str:
    return world.units[(world.units["township"] == township)
                       & world.units["code"].str.endswith("001")]["code"].iloc[0]


def _catchment(world: World, school_units: list[str], band: str) -> np.ndarray:
    """Band population of the units nearest to each school's unit, shared equally by
    schools in the same unit; county-town schools pool the whole county town's."""
    u = world.units
    sites = sorted(set(school_units))
    pos = u.set_index("code").loc[sites, ["x", "y"]].to_numpy()
    d = np.hypot(u["x"].to_numpy()[:, None] - pos[None, :, 0],
                 u["y"].to_numpy()[:, None] - pos[None, :, 1])
    per_site = np.bincount(d.argmin(axis=1), weights=u[band].to_numpy(), minlength=len(sites))
    n_at = pd.Series(school_units).value_counts()
    out = np.array([per_site[sites.index(c)] / n_at[c] for c in school_units])
    town = set(u.loc[u["township"] == COUNTY_TOWN, "code"])
    in_town = np.array([c in town for c in school_units])
    if in_town.any():
        out[in_town] = out[in_town].sum() / in_town.sum()
    return out


def schools(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """56 schools by the real breakdown plus synthetic village teaching points."""
    s = _Sites(world, rng)
    ct = _county_town_units(world)
    seats = world.old_seats
    abolished = seats[~seats["old_name"].isin(world.townships["name"])]
    specs: list[dict] = []  # name, type, unit, group key

    def add(name: str, ftype: str, unit: str) -> None:
        specs.append({"name": name, "type": ftype, "unit": unit})

    town_primary = ["开江县实验小学", "开江县第一小学", "开江县第二小学", "开江县第三小学",
                    "开江县城东小学"]
    first = seats.loc[seats["old_name"] == "新宁镇", "unit_code"].iloc[0]
    add(town_primary[0], "primary", first)
    spread = rng.choice([c for c in ct if c != first], 7, replace=False)
    for name, unit in zip(town_primary[1:], spread[:4], strict=True):
        add(name, "primary", unit)
    for _, r in seats[seats["old_name"] != "新宁镇"].iterrows():
        add(f"开江县{r['old_name']}中心小学", "primary", r["unit_code"])
    for t in ("任市镇", "普安镇", "甘棠镇"):
        u = world.units
        big = u[(u["township"] == t) & (u["urban_rural"] == "urban") & (u["code"] != _seat(world, t))]
        unit = big.sort_values(["population", "code"], ascending=[False, True])["code"].iloc[0]
        add(f"开江县{t[:-1]}第二小学", "primary", unit)
    for _, r in abolished.iterrows():
        add(f"开江县{r['short']}九年一贯制学校", "nine_year", r["unit_code"])
    add("开江县梅家九年一贯制学校", "nine_year", _seat(world, "梅家乡"))
    for name, unit in zip(("开江县城关初级中学", "开江县城东初级中学", "开江县城北初级中学"),
                          spread[4:], strict=True):
        add(name, "junior", unit)
    # 新宁镇 and 梅家乡 are served by their nine-year schools (沙坝场, 梅家)
    for t in world.townships["name"]:
        if t not in (COUNTY_TOWN, "新宁镇", "梅家乡"):
            add(f"开江县{t[:-1]}初级中学", "junior", _seat(world, t))
    add("四川省开江中学", "senior_high", ct[2])
    for t in ("任市镇", "永兴镇", "讲治镇"):
        add(f"开江县{t[:-1]}中学", "senior_high", _seat(world, t))
    add("开江县职业中学", "vocational", ct[7])
    add("开江县特殊教育学校", "special", ct[9])
    add("开江县教师进修学校", "teacher_training", ct[3])
    # teaching points: remote villages, far from every primary-level school
    prim_units = [p["unit"] for p in specs if p["type"] in ("primary", "nine_year")]
    u = world.units
    pos = u.set_index("code").loc[prim_units, ["x", "y"]].to_numpy()
    villages = u[(u["unit_type"] == "村") & ~u["code"].isin(prim_units)]
    dist = np.hypot(villages["x"].to_numpy()[:, None] - pos[None, :, 0],
                    villages["y"].to_numpy()[:, None] - pos[None, :, 1]).min(axis=1)
    n_tp = int(rng.integers(25, 36))
    pick = rng.choice(len(villages), n_tp, replace=False, p=dist**2 / (dist**2).sum())
    for _, v in villages.iloc[np.sort(pick)].iterrows():
        add(f"开江县{v['township']}{v['short_name']}村小", "teaching_point", v["code"])
    df = pd.DataFrame(specs)
    df["township"] = df["unit"].map(u.set_index("code")["township"])
    _enrol(world, df, rng)
    _groups(df)
    rows = [s.row(f"JY-{i + 1:04d}", r["name"], r["type"], r["unit"], 在校生数=r["students"],
                  专任教师数=r["teachers"], 寄宿生数=r["boarders"], 寄宿床位=r["beds"],
                  所属教育集团=r["group"])
            for i, r in df.iterrows()]
    return pd.DataFrame(rows, columns=HEADERS["schools"])


def _enrol(world: World, df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Students, teachers and boarding beds consistent with the age bands."""
    n = len(df)
    prim = np.zeros(n, dtype=np.int64)
    jun = np.zeros(n, dtype=np.int64)
    sen = np.zeros(n, dtype=np.int64)
    town = (df["township"] == COUNTY_TOWN).to_numpy()
    pull = np.where(town, 1.35, 1.0) * np.exp(rng.normal(0, 0.1, n))
    b = world.bands
    u = world.units.set_index("code")
    tp = (df["type"] == "teaching_point").to_numpy()
    tp_students = np.array([max(12, min(120, round(0.35 * u.loc[c, "pop_6_11"]
                                                   * (0.5 + 0.5 * rng.random()))))
                            for c in df.loc[tp, "unit"]], dtype=np.int64)
    prim[tp] = tp_students
    is_p = df["type"].isin(["primary", "nine_year"]).to_numpy()
    w = _catchment(world, df.loc[is_p, "unit"].tolist(), "pop_6_11") * pull[is_p]
    prim[is_p] = largest_remainder(w, round(0.99 * b["pop_6_11"]) - int(tp_students.sum()))
    is_j = df["type"].isin(["junior", "nine_year"]).to_numpy()
    w = _catchment(world, df.loc[is_j, "unit"].tolist(), "pop_12_14") * pull[is_j]
    jun[is_j] = largest_remainder(w, round(0.98 * b["pop_12_14"]))
    is_s = (df["type"] == "senior_high").to_numpy()
    w = np.where(df.loc[is_s, "name"] == "四川省开江中学", 3.0, 1.0) * pull[is_s]
    sen[is_s] = largest_remainder(w, round(0.60 * b["pop_15_17"]))
    other = {"vocational": round(0.14 * b["pop_15_17"]), "special": 130 + int(rng.integers(0, 60)),
             "teacher_training": 0}
    extra = df["type"].map(other).fillna(0).astype(np.int64).to_numpy()
    ratio = {"primary": (15.5, 19.5), "nine_year": (15.0, 18.0), "teaching_point": (5.0, 12.0),
             "junior": (11.0, 14.0), "senior_high": (12.0, 14.5), "vocational": (15.0, 19.0),
             "special": (3.0, 4.5)}
    teachers = []
    for i, t in enumerate(df["type"]):
        if t == "teacher_training":
            teachers.append(int(rng.integers(18, 30)))
        elif t == "nine_year":
            teachers.append(round(prim[i] / (15.5 + 3 * rng.random())
                                  + jun[i] / (11 + 3 * rng.random())))
        else:
            lo, hi = ratio[t]
            teachers.append(max(1, math.ceil((prim[i] + jun[i] + sen[i] + extra[i])
                                             / (lo + (hi - lo) * rng.random()))))
    beds = []
    boarders = []
    for i, (t, tw) in enumerate(zip(df["type"], df["township"], strict=True)):
        need = BOARDER_SHARE * (jun[i] + 0.2 * prim[i] if t == "nine_year" else jun[i] + sen[i])
        if t == "vocational":
            need = 0.7 * extra[i]
        if t not in ("junior", "nine_year", "senior_high", "vocational") or need == 0 or (
                tw == COUNTY_TOWN and t == "junior"):
            beds.append(0)
            boarders.append(0)
            continue
        if tw in BOARDING_GAP_TOWNS:
            beds.append(round(need * (0.35 + 0.2 * rng.random())))
        else:
            beds.append(round(need * (1.05 + 0.25 * rng.random())))
        # pupils boarding now: those who need it (in the gap towns more than there are beds)
        boarders.append(round(need))
    df["students"] = prim + jun + sen + extra
    df["teachers"] = teachers
    df["beds"] = beds
    df["boarders"] = boarders


#: "4+1" school groups: four led by county-town schools, one rural (任市中学).
GROUPS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("开江中学教育集团", "四川省开江中学", ("senior_high",), ("永兴镇", "讲治镇")),
    ("开江县实验小学教育集团", "开江县实验小学", ("primary",), ("普安镇", "新宁镇")),
    ("开江县第一小学教育集团", "开江县第一小学", ("primary", "nine_year"), ("永兴镇", "回龙镇")),
    ("开江县城关初级中学教育集团", "开江县城关初级中学", ("junior", "nine_year"),
     ("讲治镇", "灵岩镇", "梅家乡")),
    ("开江县任市中学教育集团", "开江县任市中学", ("junior", "nine_year"),
     ("任市镇", "长岭镇", "甘棠镇")),
)


def _groups(df: pd.DataFrame) -> None:
    """Members of the "4+1" groups: the lead school and schools of given types in
    the given townships (teaching points and county-level schools stay outside)."""
    df["group"] = ""
    for group, lead, types, towns in GROUPS:
        df.loc[df["name"] == lead, "group"] = group
        mask = df["type"].isin(types) & df["township"].isin(towns) & (df["group"] == "")
        df.loc[mask, "group"] = group


PRIVATE_KG = ("金太阳", "小天使", "阳光", "童心", "蓝天", "启航", "贝贝", "育才", "博雅", "七彩",
              "彩虹", "星星", "春苗", "童乐", "新蕾", "智慧树", "爱心", "欣欣", "快乐岛", "小博士",
              "明珠", "苗苗", "开心", "蒙特梭利", "英才", "睿智", "小太阳", "金色摇篮", "红黄蓝",
              "和美")


def kindergartens(world: World, schools_df: pd.DataFrame,
                  rng: np.random.Generator) -> pd.DataFrame:
    """95 kindergartens: 2 independent public, 35 attached to primary/nine-year
    schools, 58 private (mostly county town and big towns)."""
    s = _Sites(world, rng)
    u = world.units
    name_to_code = dict(zip(u["name"], u["code"], strict=True))
    specs = []
    ct = _county_town_units(world)
    for name, unit in (("开江县幼儿园", ct[0]), ("开江县第二幼儿园", ct[4])):
        specs.append((name, "公办", unit, 1.6))
    att = schools_df[schools_df["类型"].isin([FACILITY_TYPES[t][2]
                                              for t in ("primary", "nine_year")])]
    # one county-town primary (not the first) has no kindergarten of its own: 35 attached
    town_p = att[(att["乡镇（街道）"] == COUNTY_TOWN)]["名称"].tolist()[1:]
    att = att[att["名称"] != town_p[int(rng.integers(0, len(town_p)))]]
    for _, r in att.iterrows():
        specs.append((f"{r['名称']}附属幼儿园", "公办", name_to_code[r["村（社区）"]],
                      1.0 if r["乡镇（街道）"] == COUNTY_TOWN else 0.45))
    # private: 30 in the county town, the rest by town population
    town_pop = u[u["unit_type"] == "社区"].groupby("township")["population"].sum()
    others = town_pop.drop(COUNTY_TOWN)
    n_rest = largest_remainder(others.to_numpy(dtype=float), 28)
    for t, n in [(COUNTY_TOWN, 30), *zip(others.index, n_rest, strict=True)]:
        cands = u[(u["township"] == t) & ((u["unit_type"] == "社区") | (u["urban_rural"] == "urban"))]
        first = int(rng.integers(0, len(PRIVATE_KG)))
        for j in range(int(n)):
            unit = cands["code"].iloc[int(rng.integers(0, len(cands)))]
            brand = PRIVATE_KG[(first + j) % len(PRIVATE_KG)]
            place = "" if t == COUNTY_TOWN else t
            specs.append((f"开江县{place}{brand}幼儿园", "民办", unit,
                          0.8 if t == COUNTY_TOWN else 0.6))
    w = np.array([sp[3] for sp in specs]) * np.exp(rng.normal(0, 0.25, len(specs)))
    students = largest_remainder(w, round(0.9 * world.bands["pop_3_5"]))
    rows = []
    for i, ((name, kind, unit, _), st) in enumerate(zip(specs, students, strict=True)):
        fill = 0.95 + 0.1 * rng.random() if kind == "公办" else 0.7 + 0.25 * rng.random()
        places = max(30, int(round(st / fill / 30) * 30))
        r = s.row(f"YEY-{i + 1:04d}", name, "kindergarten", unit, 学位数=places, 在校生数=int(st),
                  专任教师数=max(2, round(st / (12 + 6 * rng.random()))))
        r["办园性质"] = kind
        rows.append(r)
    return pd.DataFrame(rows, columns=HEADERS["kindergartens"])


def hospitals(world: World, named: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """3 county hospitals, 1 community health centre, 20 township health centres at
    the pre-merger seats (4 central); open beds sum exactly to 2,328."""
    s = _Sites(world, rng)
    ct = _county_town_units(world)
    county_names = [re.sub(r"\s*\(.*\)$", "", n) for n in named["name"]
                    if n.startswith(("开江县人民医院", "开江县中医院", "开江县妇幼"))]
    specs = [(n, "county_hospital", unit, lo, hi) for n, unit, (lo, hi) in
             zip(county_names, (ct[0], ct[6], ct[10]), ((780, 860), (480, 540), (120, 160)),
                 strict=True)]
    specs.append(("开江县淙城街道社区卫生服务中心", "community_health_centre", ct[8], 20, 40))
    central = {"任市镇", "永兴镇", "讲治镇", "回龙镇"}
    for _, r in world.old_seats.iterrows():
        if r["old_name"] in central:
            specs.append((f"开江县{r['old_name']}中心卫生院", "central_health_centre",
                          r["unit_code"], 70, 110))
        else:
            specs.append((f"开江县{r['old_name']}卫生院", "health_centre", r["unit_code"], 20, 55))
    raw = np.array([lo + (hi - lo) * rng.random() for *_, lo, hi in specs])
    beds = largest_remainder(raw, OPEN_BEDS)
    rows = []
    for i, ((name, ftype, unit, *_), b) in enumerate(zip(specs, beds, strict=True)):
        if ftype == "county_hospital":
            doc, nur = b * (0.28 + 0.08 * rng.random()), b * (0.45 + 0.15 * rng.random())
        else:
            doc, nur = 3 + b * (0.22 + 0.15 * rng.random()), 2 + b * (0.25 + 0.2 * rng.random())
        rows.append(s.row(f"WS-{i + 1:04d}", name, ftype, unit, 开放床位=int(b),
                          **{"执业（助理）医师数": round(doc), "注册护士数": round(nur)}))
    return pd.DataFrame(rows, columns=HEADERS["hospitals"])


def clinics(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """194 village clinics: one per village, one per community outside the county
    town, a second one in the largest villages to reach 194."""
    s = _Sites(world, rng)
    u = world.units
    villages = u[u["unit_type"] == "村"]
    comms = u[(u["unit_type"] == "社区") & (u["township"] != COUNTY_TOWN)]
    n_second = N_CLINICS - len(villages) - len(comms)
    second = set(villages.sort_values(["population", "code"], ascending=[False, True])
                 ["code"].iloc[:n_second])
    specs = []
    for _, r in pd.concat([villages, comms]).sort_values("code").iterrows():
        base = f"{r['township']}{_unit_label(r)}"
        if r["code"] in second:
            specs += [(f"{base}第一卫生室", r["code"]), (f"{base}第二卫生室", r["code"])]
        else:
            specs.append((f"{base}卫生室", r["code"]))
    rows = [s.row(f"WSS-{i + 1:04d}", name, "village_clinic", unit,
                  **{"执业（助理）医师数": int(rng.choice([1, 1, 2, 2, 2, 3]))})
            for i, (name, unit) in enumerate(specs)]
    return pd.DataFrame(rows, columns=HEADERS["clinics"])


def elderly_care(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Public care homes at old seats, day-care centres, infant care; no
    medical-elderly care centre (the plan's target is still open)."""
    s = _Sites(world, rng)
    u = world.units
    ct = _county_town_units(world)
    rows: list[dict] = []

    def add(name: str, ftype: str, unit: str, **v: int | None) -> None:
        rows.append(s.row(f"MZ-{len(rows) + 1:04d}", name, ftype, unit, **v))

    add("开江县社会福利院", "care_home", ct[11], 养老床位=int(rng.integers(100, 121)), 托位数=None)
    seats = world.old_seats[world.old_seats["old_name"] != "新宁镇"]
    hubs = {"任市镇", "永兴镇", "讲治镇"}
    n_homes = int(rng.integers(12, 17)) - 1
    others = seats[~seats["old_name"].isin(hubs)]
    keep = set(others["old_name"].iloc[np.sort(rng.choice(len(others), n_homes - len(hubs),
                                                           replace=False))]) | hubs
    for _, r in seats[seats["old_name"].isin(keep)].iterrows():
        if r["old_name"] in hubs:
            name, lo, hi = f"开江县{r['short']}区域养老服务中心", 80, 121
        else:
            name, lo, hi = f"开江县{r['old_name']}敬老院", 30, 91
        add(name, "care_home", r["unit_code"], 养老床位=int(rng.integers(lo, hi)), 托位数=None)
    comms = u[u["unit_type"] == "社区"]
    n_comm = int(rng.integers(28, 34))
    chosen = comms.iloc[np.sort(rng.choice(len(comms), n_comm, replace=False))]
    big_v = u[u["unit_type"] == "村"].sort_values(["population", "code"],
                                                   ascending=[False, True]).iloc[:15]
    chosen_v = big_v.iloc[np.sort(rng.choice(len(big_v), int(rng.integers(7, 12)), replace=False))]
    for _, r in pd.concat([chosen, chosen_v]).sort_values("code").iterrows():
        add(f"{r['township']}{_unit_label(r)}日间照料中心", "day_care", r["code"],
            养老床位=int(rng.integers(0, 11)), 托位数=None)
    infants = [("开江县普惠托育服务中心", ct[1]), ("开江县贝贝托育园", ct[3]),
               ("开江县任市镇小星星托育园", _seat(world, "任市镇")),
               ("开江县爱心宝贝托育中心", ct[6]), ("开江县童乐托育园", ct[12]),
               ("开江县小树苗托育园", ct[5])]
    for name, unit in infants[:int(rng.integers(3, 7))]:
        add(name, "infant_care", unit, 养老床位=None, 托位数=int(rng.integers(2, 9)) * 10)
    return pd.DataFrame(rows, columns=HEADERS["elderly_care"])


def culture(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """The four-tier network (stage, township complex, village centre, courtyard
    post) and the library / cultural-centre main and branch system."""
    s = _Sites(world, rng)
    u = world.units
    ct = _county_town_units(world)
    rows: list[dict] = []

    def add(name: str, ftype: str, unit: str, seats: int | None, area: int,
            hours: int | None) -> None:
        rows.append(s.row(f"WH-{len(rows) + 1:04d}", name, ftype, unit,
                          **{"座位数": seats, "建筑面积（平方米）": area, "周开放时长（小时）": hours}))

    add("开江县田园大舞台", "county_stage", ct[6], 1_500, 3_200, None)
    add("开江县图书馆", "library", ct[3], 320, 4_600, 63)
    add("开江县文化馆", "culture_centre", ct[2], 450, 3_900, 56)
    rural = world.townships["name"].tolist()[1:]
    small = [t for t in rural if t not in ("任市镇", "永兴镇", "讲治镇", "普安镇")]
    no_complex = set(np.array(small)[np.sort(rng.choice(len(small), 2, replace=False))])
    no_lib = str(rng.choice(rural))
    no_cc = set(np.array(rural)[np.sort(rng.choice(len(rural), 2, replace=False))])
    for t in world.townships["name"]:
        seat = _seat(world, t)
        if t not in no_complex:
            add(f"{t}文化综合体", "township_complex", seat, int(rng.integers(20, 51)) * 10,
                int(rng.integers(8, 31)) * 100, int(rng.integers(36, 57)))
        if t == COUNTY_TOWN:
            continue
        if t != no_lib:
            add(f"开江县图书馆{t}分馆", "library_branch", seat, int(rng.integers(3, 9)) * 10,
                int(rng.integers(15, 61)) * 10, int(rng.choice([20, 24, 28, 32, 36, 42, 42, 48])))
        if t not in no_cc:
            add(f"开江县文化馆{t}分馆", "culture_branch", seat, int(rng.integers(5, 16)) * 10,
                int(rng.integers(20, 81)) * 10, int(rng.choice([20, 28, 35, 40, 42, 42, 48])))
    # village centres: missing in ~15 % of units, mostly remote villages
    tp = world.townships.set_index("code")
    d = np.hypot(u["x"] - u["township_code"].map(tp["x"]), u["y"] - u["township_code"].map(tp["y"]))
    p = np.where(u["unit_type"] == "村", d.to_numpy() ** 2, 0.02 * d.to_numpy().mean() ** 2)
    missing = set(u["code"].iloc[rng.choice(len(u), round(0.15 * len(u)), replace=False,
                                             p=p / p.sum())])
    for _, r in u.iterrows():
        if r["code"] not in missing:
            add(f"{r['township']}{_unit_label(r)}综合文化服务中心", "village_centre", r["code"],
                int(rng.integers(5, 21)) * 10, int(rng.integers(20, 61)) * 10,
                int(rng.choice([20, 24, 30, 36, 40])))
    # courtyard posts: uneven, several in a few villages, none in most
    villages = u[u["unit_type"] == "村"]
    n_posts = int(rng.integers(50, 71))
    hosts = villages.iloc[np.sort(rng.choice(len(villages), int(rng.integers(20, 27)),
                                             replace=False))]
    counts = 1 + rng.multinomial(n_posts - len(hosts), rng.dirichlet(np.full(len(hosts), 0.5)))
    while counts.max() > 6:  # at most 6 per village: move the excess to the least served
        counts[counts.argmax()] -= 1
        counts[counts.argmin()] += 1
    for (_, r), k in zip(hosts.iterrows(), counts, strict=True):
        for grp in np.sort(rng.choice(np.arange(1, 12), int(k), replace=False)):
            add(f"{r['township']}{_unit_label(r)}{grp}组院坝文化驿家", "courtyard_post",
                r["code"], int(rng.integers(2, 7)) * 10, int(rng.integers(4, 16)) * 10,
                int(rng.choice([8, 10, 12, 14, 16])))
    return pd.DataFrame(rows, columns=HEADERS["culture"])


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def _cell(v: object, col: str) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if col in ("经度", "纬度"):
        return f"{float(v):.6f}"
    if isinstance(v, np.integer | int) and not isinstance(v, bool):
        return str(int(v))
    return v


def write_csv(df: pd.DataFrame, path: Path, encoding: str) -> None:
    """CSV with CRLF line ends (as Excel exports), coordinates with 6 decimals."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(df.columns)
    for row in df.itertuples(index=False):
        w.writerow([_cell(v, c) for v, c in zip(row, df.columns, strict=True)])
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(df: pd.DataFrame, path: Path, sheet: str, title: str | None = None) -> None:
    """One-sheet workbook (optional title row above the header), byte-reproducible:
    fixed document times and fixed zip entry times."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(df.columns))
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        vals = []
        for v, c in zip(row, df.columns, strict=True):
            if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
                vals.append(None)
            elif c in ("经度", "纬度"):
                vals.append(round(float(v), 6))
            elif isinstance(v, np.integer):
                vals.append(int(v))
            else:
                vals.append(v)
        ws.append(vals)
    for col in ("经度", "纬度"):
        j = list(df.columns).index(col) + 1
        for r in range(2 + bool(title), ws.max_row + 1):
            ws.cell(r, j).number_format = "0.000000"
    wb.properties.creator = "etl.demo"
    wb.properties.description = f"{SYNTHETIC}：由 etl.demo 按固定随机种子生成，不是官方统计。"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


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


def generate(out_dir: Path = paths.REGISTERS, seed: int = 2022,
             ref: Path = paths.REFERENCE) -> list[Path]:
    """Write the synthetic registers and ``manifest.csv`` into ``out_dir``.

    Returns the paths written, manifest last. Same seed and reference data give
    byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(seed, ref)
    named = pd.read_csv(ref / "kaijiang_facilities_named.csv")
    sch = schools(world, _rng(seed, 10))
    files = [
        ("population_2020.csv", "population", population_register(world), "utf-8-sig", None),
        ("schools_2024.xlsx", "schools", sch, "学校", SCHOOLS_TITLE),
        ("kindergartens_2024.csv", "kindergartens", kindergartens(world, sch, _rng(seed, 11)),
         "utf-8-sig", None),
        ("hospitals_2024.xlsx", "hospitals", hospitals(world, named, _rng(seed, 12)), "医疗机构",
         None),
        ("clinics_2024.csv", "clinics", clinics(world, _rng(seed, 13)), "gb18030", None),
        ("elderly_care_2024.xlsx", "elderly_care", elderly_care(world, _rng(seed, 14)), "养老托育",
         None),
        ("culture_2024.csv", "culture", culture(world, _rng(seed, 15)), "utf-8", None),
    ]
    written = []
    for name, _kind, df, enc_or_sheet, title in files:
        path = out_dir / name
        if name.endswith(".csv"):
            write_csv(df, path, enc_or_sheet)
        else:
            write_xlsx(df, path, enc_or_sheet, title)
        written.append(path)
    manifest = pd.DataFrame({"file": [f[0] for f in files], "kind": [f[1] for f in files],
                             "crs": "wgs84"})
    mpath = out_dir / "manifest.csv"
    mpath.write_bytes(manifest.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return [*written, mpath]
