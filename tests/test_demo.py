"""The synthetic default dataset: real totals kept, every row flagged, reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook
from shapely.geometry import shape

from etl import demo, paths, reference
from etl.schema import FACILITY_TYPES, REGISTER_KINDS

ZH = {k: v[2] for k, v in FACILITY_TYPES.items()}


# --- pure helpers: tiny worlds with hand-computed answers -----------------------------

def test_census_band_totals_by_hand():
    bands = demo.census_band_totals(reference.census_age())
    # exact shares from the census groups, worked out by hand:
    # 0-2   = 3431 + 2/4*17094                         = 11978
    # 3-5   = 2/4*17094 + 1/5*27897                    = 14126.4 -> 14126
    # 6-11  = 4/5*27897 + 2/5*32875                    = 35467.6 -> 35468
    # 12-14 = 3/5*32875                                = 19725
    # 15-17 = 3/5*25643                                = 15385.8 -> 15386
    # 18-59 = 2/5*25643 + (20-24 ... 55-59 = 206602)   = 216859.2 -> 216859
    # 60-64 = 19317; 65+ = 30763+21773+14236+8989+5690 = 81451
    # remainders .4 .6 .8 .2 leave 2 persons: they go to .8 (15-17) and .6 (6-11)
    assert bands == {
        "pop_0_2": 11978, "pop_3_5": 14126, "pop_6_11": 35468, "pop_12_14": 19725,
        "pop_15_17": 15386, "pop_18_59": 216859, "pop_60_64": 19317, "pop_65_plus": 81451,
    }
    assert sum(bands.values()) == 414_310


def test_census_band_totals_tiny():
    df = pd.DataFrame({"age_group": ["0岁", "1到4岁", "5到9岁", "85岁以上"],
                       "total": [1, 4, 10, 7]})
    bands = demo.census_band_totals(df)
    # 0-2: 1 + 2; 3-5: 2 + 2; 6-11: 8; 65+: 7
    assert bands["pop_0_2"] == 3 and bands["pop_3_5"] == 4 and bands["pop_6_11"] == 8
    assert bands["pop_65_plus"] == 7 and sum(bands.values()) == 22


@pytest.mark.parametrize(("label", "expected"), [
    ("0岁", (0, 0)), ("1到4岁", (1, 4)), ("80到84岁", (80, 84)), ("85岁以上", (85, None)),
])
def test_parse_age_group(label, expected):
    assert demo.parse_age_group(label) == expected


def test_parse_age_group_rejects_unknown():
    with pytest.raises(ValueError):
        demo.parse_age_group("老年")


@pytest.mark.parametrize(("values", "total", "expected"), [
    ([1, 1, 1], 10, [4, 3, 3]),
    ([0.5, 0.3, 0.2], 7, [4, 2, 1]),   # 3.5 2.1 1.4 -> floors 3 2 1, one left to .5
    ([5, 0, 5], 3, [2, 0, 1]),
])
def test_largest_remainder(values, total, expected):
    out = demo.largest_remainder(np.array(values, dtype=float), total)
    assert out.tolist() == expected and out.sum() == total


def test_largest_remainder_naive_loop():
    rng = np.random.default_rng(7)
    v = rng.random(40)
    out = demo.largest_remainder(v, 1000)
    exact = v / v.sum() * 1000
    # naive: floors, then one unit at a time to the largest remaining fraction
    naive = [int(np.floor(x)) for x in exact]
    fracs = sorted(range(len(v)), key=lambda i: -(exact[i] - naive[i]))
    for i in fracs[:1000 - sum(naive)]:
        naive[i] += 1
    assert out.tolist() == naive


def test_ipf_and_integerise_keep_margins():
    rng = np.random.default_rng(1)
    rows = np.array([120, 30, 55, 795])
    cols = np.array([100, 200, 700])
    fitted = demo.ipf(rng.random((4, 3)) + 0.1, rows, cols)
    assert fitted.sum(axis=1) == pytest.approx(rows) and fitted.sum(axis=0) == pytest.approx(cols)
    m = demo.integerise_matrix(fitted, rows, cols)
    assert (m.sum(axis=1) == rows).all() and (m.sum(axis=0) == cols).all() and (m >= 0).all()


def test_integerise_refuses_negative():
    fitted = np.array([[5.0, 0.0], [0.0, 5.0]])
    with pytest.raises(ValueError):
        demo.integerise_matrix(fitted, np.array([3, 7]), np.array([5, 5]))


# --- the generated registers ---------------------------------------------------------

@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("registers")
    written = demo.generate(d)
    return d, written


@pytest.fixture(scope="module")
def pop(out):
    return pd.read_csv(out[0] / "population_2020.csv", encoding="utf-8-sig",
                       dtype={"村（社区）代码": str})


@pytest.fixture(scope="module")
def regs(out):
    d = out[0]
    return {
        "schools": pd.read_excel(d / "schools_2024.xlsx", sheet_name="学校", header=1),
        "kindergartens": pd.read_csv(d / "kindergartens_2024.csv", encoding="utf-8-sig"),
        "hospitals": pd.read_excel(d / "hospitals_2024.xlsx", sheet_name="医疗机构"),
        "clinics": pd.read_csv(d / "clinics_2024.csv", encoding="gb18030"),
        "elderly_care": pd.read_excel(d / "elderly_care_2024.xlsx", sheet_name="养老托育"),
        "culture": pd.read_csv(d / "culture_2024.csv", encoding="utf-8"),
    }


def test_manifest(out):
    d, written = out
    m = pd.read_csv(d / "manifest.csv")
    assert list(m.columns) == ["file", "kind", "crs"]
    assert m["kind"].iloc[0] == "population" and set(m["crs"]) == {"wgs84"}
    assert set(m["kind"]) <= set(REGISTER_KINDS)
    assert sorted(p.name for p in written) == sorted([*m["file"], "manifest.csv"])


def test_encodings_and_headers(out, regs):
    d = out[0]
    assert (d / "population_2020.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (d / "kindergartens_2024.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (d / "culture_2024.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        (d / "clinics_2024.csv").read_bytes().decode("utf-8")
    ws = load_workbook(d / "schools_2024.xlsx").active
    assert ws.title == "学校" and ws["A1"].value == demo.SCHOOLS_TITLE
    assert [c.value for c in ws[2]] == list(demo.HEADERS["schools"])
    for kind, df in regs.items():
        assert list(df.columns) == list(demo.HEADERS[kind])


def test_population_register(pop):
    assert list(pop.columns) == list(demo.POP_HEADERS)
    units = reference.units()
    assert sorted(pop["村（社区）代码"]) == sorted(units["code"])  # all 162, once each
    assert pop["村（社区）代码"].is_unique and len(pop) == 162
    bands = pop[list(demo.BAND_HEADERS)]
    assert (bands >= 0).all().all()
    assert (bands.sum(axis=1) == pop["合计"]).all()
    expected = demo.census_band_totals(reference.census_age())
    assert bands.sum().tolist() == list(expected.values())
    assert pop["合计"].sum() == 414_310
    ur = pop["村（社区）代码"].map(units.set_index("code")["urban_rural"])
    assert pop.loc[ur == "urban", "合计"].sum() == 180_354
    assert pop.loc[ur == "rural", "合计"].sum() == 233_956
    by_town = pop.groupby("乡镇（街道）")["合计"].sum()
    assert by_town["甘棠镇"] == 31_515 and by_town["任市镇"] == 58_455
    assert set(pop["数据性质"]) == {demo.SYNTHETIC} and set(pop["年份"]) == {2020}


def test_population_shape(pop):
    units = reference.units().set_index("code")
    kind = pop["村（社区）代码"].map(units["unit_type"])
    town = pop["乡镇（街道）"] == demo.COUNTY_TOWN
    county_town = pop.loc[town & (kind == "社区"), "合计"]
    assert county_town.min() > pop.loc[~town, "合计"].max()  # county-town communities biggest
    villages = pop.loc[kind == "村", "合计"]
    assert villages.between(1_000, 3_500).mean() > 0.9
    ur = pop["村（社区）代码"].map(units["urban_rural"])
    old = pop["65岁及以上"] / pop["合计"]
    work = pop["18-59岁"] / pop["合计"]
    assert old[ur == "rural"].mean() > old[ur == "urban"].mean() + 0.05
    assert work[ur == "rural"].mean() < work[ur == "urban"].mean()


def test_points_inside_county(pop, regs):
    geom = shape(reference.boundary_geojson())
    frame = demo.LocalFrame(107.87, 31.03)
    county = shapely.transform(geom, lambda a: np.column_stack(frame.to_xy(a[:, 0], a[:, 1])))
    ux, uy = frame.to_xy(pop["经度"].to_numpy(), pop["纬度"].to_numpy())
    assert shapely.contains_xy(county, ux, uy).all()
    edge = shapely.distance(county.exterior, shapely.points(ux, uy))
    assert edge.min() > 290
    gaps = np.hypot(ux[:, None] - ux[None, :], uy[:, None] - uy[None, :])
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > 550
    unit_xy = dict(zip(pop["村（社区）"], zip(ux, uy, strict=True), strict=True))
    for df in regs.values():
        fx, fy = frame.to_xy(df["经度"].to_numpy(), df["纬度"].to_numpy())
        assert shapely.contains_xy(county, fx, fy).all()
        home = np.array([unit_xy[n] for n in df["村（社区）"]])
        d = np.hypot(fx - home[:, 0], fy - home[:, 1])
        assert d.min() > 45 and d.max() < 405


def test_township_seats_near_township_points(pop):
    t = reference.townships().set_index("name")
    seats = pop[pop["村（社区）代码"].str.endswith("001")]
    frame = demo.LocalFrame(107.87, 31.03)
    sx, sy = frame.to_xy(seats["经度"].to_numpy(), seats["纬度"].to_numpy())
    tx, ty = frame.to_xy(seats["乡镇（街道）"].map(t["lon"]).to_numpy(),
                         seats["乡镇（街道）"].map(t["lat"]).to_numpy())
    assert np.hypot(sx - tx, sy - ty).max() < 500


def test_every_row_synthetic_and_ids_unique(regs):
    ids = pd.concat([df["编号"] for df in regs.values()])
    assert ids.is_unique
    units = reference.units()
    towns = set(reference.townships()["name"])
    for kind, df in regs.items():
        assert set(df["数据性质"]) == {demo.SYNTHETIC} and set(df["年份"]) == {2024}
        assert set(df["类型"]) <= {ZH[t] for t in REGISTER_KINDS[kind]}
        assert set(df["乡镇（街道）"]) <= towns and set(df["村（社区）"]) <= set(units["name"])
        assert df["名称"].is_unique


def test_schools(regs, pop):
    s = regs["schools"]
    n = s["类型"].value_counts()
    assert {t: n.get(ZH[t], 0) for t in REGISTER_KINDS["schools"] if t != "teaching_point"} == {
        "primary": 27, "nine_year": 9, "junior": 13, "senior_high": 4, "vocational": 1,
        "special": 1, "teacher_training": 1}
    assert 25 <= n[ZH["teaching_point"]] <= 35
    students = s.groupby("类型")["在校生数"].sum()
    basic = students[[ZH[t] for t in ("primary", "teaching_point", "nine_year", "junior")]].sum()
    assert basic == pytest.approx(pop["6-11岁"].sum() + pop["12-14岁"].sum(), rel=0.03)
    assert 0.55 <= students[ZH["senior_high"]] / pop["15-17岁"].sum() <= 0.65
    ratio = s["在校生数"] / s["专任教师数"]
    for t, lo, hi in (("primary", 14, 20), ("teaching_point", 4, 12), ("junior", 11, 14)):
        assert ratio[s["类型"] == ZH[t]].between(lo, hi).all(), t
    assert "四川省开江中学" in set(s["名称"])
    # boarding: rural junior schools; the plan's three towns lack beds
    junior = s[s["类型"] == ZH["junior"]]
    rural = junior[junior["乡镇（街道）"] != demo.COUNTY_TOWN]
    gap = rural["乡镇（街道）"].isin(demo.BOARDING_GAP_TOWNS)
    need = demo.BOARDER_SHARE * rural["在校生数"]
    assert (rural.loc[gap, "寄宿床位"] < need[gap]).all()
    assert (rural.loc[~gap, "寄宿床位"] >= need[~gap]).all()
    groups = s["所属教育集团"].dropna()
    assert groups.nunique() == 5 and 0.4 <= len(groups) / 56 <= 0.6


def test_kindergartens(regs):
    k = regs["kindergartens"]
    assert len(k) == 95 and k["办园性质"].value_counts().to_dict() == {"民办": 58, "公办": 37}
    assert (k["学位数"] > 0).all() and (k["在校生数"] > 0).all()


def test_hospitals(regs):
    h = regs["hospitals"]
    assert h["类型"].value_counts().to_dict() == {
        ZH["health_centre"]: 16, ZH["central_health_centre"]: 4, ZH["county_hospital"]: 3,
        ZH["community_health_centre"]: 1}
    assert h["开放床位"].sum() == 2_328
    county = h[h["类型"] == ZH["county_hospital"]]
    assert set(county["乡镇（街道）"]) == {demo.COUNTY_TOWN}
    assert county["开放床位"].sum() > 2_328 / 2
    assert "开江县天师镇卫生院" in set(h.loc[h["乡镇（街道）"] == "回龙镇", "名称"])


def test_clinics(regs, pop):
    c = regs["clinics"]
    assert len(c) == 194 and set(c["类型"]) == {ZH["village_clinic"]}
    assert c["执业（助理）医师数"].between(1, 3).all()
    villages = reference.units().query("unit_type == '村'")["name"]
    per_unit = c["村（社区）"].value_counts()
    assert set(villages) <= set(per_unit.index)  # at least one in every village
    size = pop.set_index("村（社区）")["合计"]
    two, one = per_unit[per_unit == 2].index, per_unit[per_unit == 1].index.intersection(villages)
    assert size[two].min() >= size[one].max()  # the second ones go to the largest villages


def test_elderly_care(regs):
    e = regs["elderly_care"]
    n = e["类型"].value_counts()
    assert 12 <= n[ZH["care_home"]] <= 16 and 35 <= n[ZH["day_care"]] <= 45
    assert 3 <= n[ZH["infant_care"]] <= 6 and ZH["medical_elderly"] not in n
    homes = e[e["类型"] == ZH["care_home"]]
    assert homes["养老床位"].between(30, 120).all()
    assert e.loc[e["类型"] == ZH["day_care"], "养老床位"].between(0, 10).all()
    assert (e.loc[e["类型"] == ZH["infant_care"], "托位数"] > 0).all()


def test_culture(regs):
    c = regs["culture"]
    n = c["类型"].value_counts()
    assert n[ZH["county_stage"]] == 1 and n[ZH["library"]] == 1 and n[ZH["culture_centre"]] == 1
    assert c.loc[c["类型"] == ZH["library"], "周开放时长（小时）"].iloc[0] >= 56
    complexes = c[c["类型"] == ZH["township_complex"]]
    assert len(complexes) == 11 and demo.COUNTY_TOWN in set(complexes["乡镇（街道）"])
    assert 0.80 <= n[ZH["village_centre"]] / 162 <= 0.90
    assert 50 <= n[ZH["courtyard_post"]] <= 70
    branches = c[c["类型"].isin([ZH["library_branch"], ZH["culture_branch"]])]
    assert branches["周开放时长（小时）"].between(20, 48).all()
    assert (branches["周开放时长（小时）"] < 42).any()
    assert (c["建筑面积（平方米）"] > 0).all()


def test_deterministic(out, tmp_path):
    d, written = out
    again = demo.generate(tmp_path)
    assert [p.name for p in again] == [p.name for p in written]
    for a, b in zip(written, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_committed_registers_are_what_the_generator_writes(out):
    """data/registers/ is exactly ``python -m etl demo`` (seed 2022): a refactoring of the
    generator that changes one byte, or a register edited by hand, fails here."""
    d, written = out
    committed = sorted(p.name for p in paths.REGISTERS.iterdir() if p.is_file())
    assert committed == sorted(p.name for p in written)
    for path in written:
        assert path.read_bytes() == (paths.REGISTERS / path.name).read_bytes(), path.name
