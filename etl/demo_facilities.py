"""The synthetic facility registers of the default dataset (schools, kindergartens,
hospitals, village clinics, elderly and infant care, culture), placed in the
:class:`~etl.demo_population.World`.

Part of ``python -m etl demo`` (entry point and writers in ``etl.demo``). The real
facility counts (56 schools by kind, 95 kindergartens, 3 county hospitals, 20 township
health centres, 194 village clinics) and the 2,328 open beds are kept exactly;
points and capacities are made up. The procedure is documented in ``docs/demo-data.md``.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import shapely

from etl.demo_population import COUNTY_TOWN, SYNTHETIC, World, largest_remainder, unit_label
from etl.schema import FACILITY_TYPES

FACILITY_YEAR = 2024

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

#: Real totals kept exactly (sources in data/reference/SOURCES.md).
OPEN_BEDS = 2_328
N_CLINICS = 194
#: The plan's boarding-school task names these towns; their schools get too few beds.
BOARDING_GAP_TOWNS = ("任市镇", "长岭镇", "甘棠镇")
BOARDER_SHARE = 0.6  # share of junior students assumed to need a boarding bed


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
        base = f"{r['township']}{unit_label(r)}"
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
        add(f"{r['township']}{unit_label(r)}日间照料中心", "day_care", r["code"],
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
            add(f"{r['township']}{unit_label(r)}综合文化服务中心", "village_centre", r["code"],
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
            add(f"{r['township']}{unit_label(r)}{grp}组院坝文化驿家", "courtyard_post",
                r["code"], int(rng.integers(2, 7)) * 10, int(rng.integers(4, 16)) * 10,
                int(rng.choice([8, 10, 12, 14, 16])))
    return pd.DataFrame(rows, columns=HEADERS["culture"])
