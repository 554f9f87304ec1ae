"""The data contract: every final table, its columns and what they mean.

Declared as data so that the DDL, the README's schema section and the tests
all come from one place. Pages, metrics and tests read only these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Age bands of the population columns, in order: (column, lower age, upper age or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("pop_0_2", 0, 2),
    ("pop_3_5", 3, 5),
    ("pop_6_11", 6, 11),
    ("pop_12_14", 12, 14),
    ("pop_15_17", 15, 17),
    ("pop_18_59", 18, 59),
    ("pop_60_64", 60, 64),
    ("pop_65_plus", 65, None),
)
POP_COLUMNS: tuple[str, ...] = tuple(b[0] for b in AGE_BANDS)

DOMAINS: tuple[str, ...] = ("education", "health", "elderly_care", "culture")

#: Facility types: type -> (domain, tier, Chinese label, English label).
FACILITY_TYPES: dict[str, tuple[str, str, str, str]] = {
    # education
    "kindergarten": ("education", "township", "幼儿园", "Kindergarten"),
    "teaching_point": ("education", "village", "村小/教学点", "Village teaching point"),
    "primary": ("education", "township", "中心校(小学)", "Central primary school"),
    "nine_year": ("education", "township", "九年一贯制学校", "Nine-year school"),
    "junior": ("education", "township", "初级中学", "Junior middle school"),
    "senior_high": ("education", "county", "普通高中", "Senior high school"),
    "vocational": ("education", "county", "职业高中", "Vocational high school"),
    "special": ("education", "county", "特殊教育学校", "Special education school"),
    "teacher_training": ("education", "county", "教师进修校", "Teacher training school"),
    # health
    "county_hospital": ("health", "county", "县级医院", "County hospital"),
    "central_health_centre": ("health", "township", "中心卫生院", "Central township health centre"),
    "health_centre": ("health", "township", "乡镇卫生院", "Township health centre"),
    "community_health_centre": ("health", "township", "社区卫生服务中心", "Community health centre"),
    "village_clinic": ("health", "village", "村卫生室", "Village clinic"),
    # elderly and child care
    "care_home": ("elderly_care", "township", "敬老院/公办养老机构", "Public care home"),
    "day_care": ("elderly_care", "village", "日间照料中心", "Elderly day-care centre"),
    "medical_elderly": ("elderly_care", "county", "医养结合中心", "Medical-elderly care centre"),
    "infant_care": ("elderly_care", "township", "托育机构(0-2岁)", "Infant-care institution (0-2)"),
    # culture: the four tiers of the pilot plan, plus the library/culture-centre system
    "county_stage": ("culture", "county", "田园大舞台", "County rural stage"),
    "township_complex": ("culture", "township", "乡镇文化综合体", "Township cultural complex"),
    "village_centre": ("culture", "village", "村级文化服务中心", "Village cultural service centre"),
    "courtyard_post": ("culture", "group", "院坝文化驿家", "Courtyard cultural post"),
    "library": ("culture", "county", "图书馆(总馆)", "County library"),
    "library_branch": ("culture", "township", "图书馆分馆", "Library branch"),
    "culture_centre": ("culture", "county", "文化馆(总馆)", "County cultural centre"),
    "culture_branch": ("culture", "township", "文化馆分馆", "Cultural centre branch"),
}

#: Register kinds accepted by ``python -m etl load --kind`` and the facility types each may hold.
REGISTER_KINDS: dict[str, tuple[str, ...]] = {
    "schools": ("teaching_point", "primary", "nine_year", "junior", "senior_high",
                "vocational", "special", "teacher_training"),
    "kindergartens": ("kindergarten",),
    "hospitals": ("county_hospital", "central_health_centre", "health_centre",
                  "community_health_centre"),
    "clinics": ("village_clinic",),
    "elderly_care": ("care_home", "day_care", "medical_elderly", "infant_care"),
    "culture": ("county_stage", "township_complex", "village_centre", "courtyard_post",
                "library", "library_branch", "culture_centre", "culture_branch"),
    "population": (),
    "boundaries": (),
}
FACILITY_KINDS: tuple[str, ...] = tuple(k for k, v in REGISTER_KINDS.items() if v)
#: The roads register (``etl load --kind roads``, :mod:`etl.road_store`): loaded by the command
#: line and the Python API only, so it is not one of the :data:`REGISTER_KINDS` pages offer.
ROADS_KIND = "roads"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    zh: str
    en: str


def _c(name: str, sql_type: str, zh: str, en: str) -> Column:
    return Column(name, sql_type, zh, en)


_POP_COLS = [
    _c(col, "INTEGER", f"常住人口 {lo}{'-' + str(hi) if hi is not None else '+'} 岁",
       f"Residents aged {lo}{'-' + str(hi) if hi is not None else '+'}")
    for col, lo, hi in AGE_BANDS
]

CAPACITY_COLUMNS: tuple[str, ...] = (
    "students", "teachers", "boarders", "boarding_beds", "beds", "doctors", "nurses",
    "care_beds", "places", "seats", "area_m2", "hours_per_week",
)

TABLES: dict[str, list[Column]] = {
    "townships": [
        _c("code", "VARCHAR PRIMARY KEY", "乡镇（街道）9 位统计代码", "9-digit statistical code"),
        _c("code_12", "VARCHAR", "12 位统计代码", "12-digit statistical code"),
        _c("name", "VARCHAR", "名称", "Name"),
        _c("short_name", "VARCHAR", "简称（去掉镇/乡/街道）", "Short name (without 镇/乡/街道)"),
        _c("kind", "VARCHAR", "街道/镇/乡", "Kind: 街道, 镇 or 乡"),
        _c("zone", "VARCHAR", "所属片区（县乡镇级片区规划）", "Planning zone (片区)"),
        _c("lon", "DOUBLE", "代表点经度 WGS-84", "Representative point longitude, WGS-84"),
        _c("lat", "DOUBLE", "代表点纬度 WGS-84", "Representative point latitude, WGS-84"),
        _c("point_basis", "VARCHAR", "代表点来源说明", "Where the point comes from"),
        _c("n_communities", "INTEGER", "社区数", "Number of communities"),
        _c("n_villages", "INTEGER", "村数", "Number of villages"),
    ],
    "units": [
        _c("code", "VARCHAR PRIMARY KEY", "村（社区）12 位统计代码", "12-digit code of the village or community"),
        _c("name", "VARCHAR", "名称", "Name"),
        _c("short_name", "VARCHAR", "简称", "Short name"),
        _c("township_code", "VARCHAR", "所属乡镇 9 位代码", "Township code (9 digits)"),
        _c("unit_type", "VARCHAR", "社区 或 村", "社区 (community) or 村 (village)"),
        _c("urban_rural", "VARCHAR", "urban 城镇 / rural 乡村", "urban or rural"),
        _c("urban_rural_rule", "VARCHAR",
           "分类依据：2016 城乡分类代码代理（ur2016:代码）或类型规则（type:社区→城镇, 村→乡村）",
           "Rule applied: 2016 urban-rural code proxy (ur2016:CODE) or type rule (type)"),
        _c("lon", "DOUBLE", "村委会/居委会位置经度 WGS-84", "Longitude of the unit point, WGS-84"),
        _c("lat", "DOUBLE", "纬度 WGS-84", "Latitude, WGS-84"),
        *_POP_COLS,
        _c("population", "INTEGER", "常住人口合计", "Total residents"),
        _c("pop_year", "INTEGER", "人口数据年份", "Year of the population figures"),
        _c("is_synthetic", "BOOLEAN", "位置与人口为示例（合成）数据", "Point and population are synthetic"),
        _c("source", "VARCHAR", "来源", "Source"),
    ],
    "facilities": [
        _c("id", "VARCHAR", "设施编号，唯一（登记表编号，或由类型+名称+乡镇生成；再次导入同一编号即更新）",
           "Facility id (register code, or derived from type, name and township)"),
        _c("domain", "VARCHAR", "领域：education/health/elderly_care/culture", "Domain"),
        _c("type", "VARCHAR", "设施类型（见类型表）", "Facility type (see the type table)"),
        _c("tier", "VARCHAR", "层级：county/township/village/group", "Tier: county, township, village, group"),
        _c("name", "VARCHAR", "名称", "Name"),
        _c("township_code", "VARCHAR", "所属乡镇代码", "Township code"),
        _c("unit_code", "VARCHAR", "所在村（社区）代码，可为空", "Unit code, may be empty"),
        _c("lon", "DOUBLE", "经度 WGS-84", "Longitude, WGS-84"),
        _c("lat", "DOUBLE", "纬度 WGS-84", "Latitude, WGS-84"),
        _c("location_method", "VARCHAR",
           "定位方式：register:wgs84/gcj02/bd09（登记坐标）、gazetteer:unit/township（按村或乡镇代表点）、geocoder:名称",
           "How the point was obtained: register coordinates (with CRS), gazetteer point, or online geocoder"),
        _c("location_precision_m", "DOUBLE", "定位精度（米，估计）", "Location precision in metres (estimate)"),
        _c("students", "INTEGER", "在校生数（人）", "Students enrolled"),
        _c("teachers", "INTEGER", "专任教师数（人）", "Full-time teachers"),
        _c("boarders", "INTEGER", "寄宿生数（人）", "Boarding pupils"),
        _c("boarding_beds", "INTEGER", "寄宿床位（张）", "Boarding beds"),
        _c("beds", "INTEGER", "开放床位（张）", "Open hospital beds"),
        _c("doctors", "INTEGER", "执业（助理）医师数（人）", "Licensed (assistant) doctors"),
        _c("nurses", "INTEGER", "注册护士数（人）", "Registered nurses"),
        _c("care_beds", "INTEGER", "养老床位（张）", "Elderly-care beds"),
        _c("places", "INTEGER", "学位/托位（个）", "Places (kindergarten or infant care)"),
        _c("seats", "INTEGER", "座位/容纳人数", "Seats"),
        _c("area_m2", "DOUBLE", "建筑面积（平方米）", "Floor area, m²"),
        _c("hours_per_week", "DOUBLE", "周开放时长（小时）", "Opening hours per week"),
        _c("school_group", "VARCHAR", "所属教育集团/学区（\"4+1\"）", "School group (\"4+1\")"),
        _c("ownership", "VARCHAR", "举办性质：公办/民办", "Ownership: public (公办) or private (民办)"),
        _c("year", "INTEGER", "数据年份", "Year of the record"),
        _c("source", "VARCHAR", "来源（登记表文件）", "Source (register file)"),
        _c("load_id", "INTEGER", "导入批次", "Load that wrote the row"),
        _c("is_synthetic", "BOOLEAN", "示例（合成）数据", "Synthetic record"),
    ],
    "registers": [
        _c("register_id", "INTEGER PRIMARY KEY", "登记表编号（= 导入批次号 load_id）",
           "Register id (= the load id of the load that wrote it)"),
        _c("load_id", "INTEGER", "导入批次号（loads、facilities 的 load_id）",
           "Load id (links to loads and facilities)"),
        _c("kind", "VARCHAR", "登记表类型（clinics、schools …）", "Register kind (clinics, schools …)"),
        _c("year", "INTEGER", "登记表年份（文件的年份列，或导入时指定）；空：未注明年份",
           "Year of the register (from the file's year column or given at the load); empty: undated"),
        _c("scope", "VARCHAR", "范围：county（全县）或以逗号分隔的乡镇代码",
           "Scope: county (the whole county) or comma-separated township codes"),
        _c("scope_names", "VARCHAR", "范围（乡镇名称）", "Scope as township names"),
        _c("file_name", "VARCHAR", "文件名", "File name"),
        _c("sha256", "VARCHAR", "文件 SHA-256", "SHA-256 of the file"),
        _c("raw_path", "VARCHAR", "原始文件保存位置（相对 data/）", "Where the raw file is kept (relative to data/)"),
        _c("is_synthetic", "BOOLEAN", "示例（生成）登记表（data/registers/manifest.csv）；用户导入的均为真实登记表",
           "Generated register (data/registers/manifest.csv); every user load is real"),
        _c("status", "VARCHAR", "状态：active 有效 / superseded 已被取代 / withdrawn 已撤回",
           "Status: active, superseded or withdrawn"),
        _c("superseded_by", "VARCHAR", "取代它的登记表编号（逗号分隔；部分取代时也列出）",
           "Registers that supersede it (comma-separated; also for a partial supersession)"),
        _c("rows", "INTEGER", "导入的行数", "Rows loaded"),
        _c("rows_active", "INTEGER", "未被取代或撤回的行数", "Rows neither superseded nor withdrawn"),
        _c("rows_shown", "INTEGER", "facilities 中显示的行数（各乡镇取最新年份）",
           "Rows in facilities (the latest year of each township)"),
        _c("loaded_at", "TIMESTAMP", "导入时间（UTC）", "Time of the load (UTC)"),
        _c("loaded_by", "VARCHAR", "导入人", "Who loaded it"),
    ],
    "register_events": [
        _c("event_id", "INTEGER", "事件序号", "Event number"),
        _c("event_at", "TIMESTAMP", "时间（UTC）", "Time (UTC)"),
        _c("event", "VARCHAR", "load 导入 / supersede 被取代 / withdraw 撤回 / restore 恢复",
           "load, supersede, withdraw or restore"),
        _c("register_id", "INTEGER", "登记表编号", "Register id"),
        _c("who", "VARCHAR", "操作人", "Who did it"),
        _c("detail", "VARCHAR", "说明", "Detail"),
    ],
    "register_townships": [
        _c("register_id", "INTEGER", "登记表编号", "Register id"),
        _c("kind", "VARCHAR", "登记表类型", "Register kind"),
        _c("year", "INTEGER", "登记表年份", "Year of the register"),
        _c("township_code", "VARCHAR", "范围内的乡镇代码", "A township of the register's scope"),
        _c("active", "BOOLEAN", "该乡镇的行有效（未被取代、未撤回）",
           "The register's rows of this township are active (neither superseded nor withdrawn)"),
        _c("shown", "BOOLEAN", "该乡镇的行在 facilities 中（有效且为该类型该乡镇的最新年份）",
           "The rows are in facilities (active, and the latest active year of the kind there)"),
        _c("superseded_by", "INTEGER", "取代该乡镇各行的登记表编号", "Register that supersedes these rows"),
    ],
    "replaced_ids": [
        _c("load_id", "INTEGER", "被替换行的导入批次", "Load of the replaced row"),
        _c("id", "VARCHAR", "设施编号", "Facility id"),
        _c("replaced_by", "INTEGER", "以同一编号显示的较新导入批次", "Later load shown under the same id"),
    ],
    "loads": [
        _c("load_id", "INTEGER PRIMARY KEY", "导入批次号", "Load id"),
        _c("file_name", "VARCHAR", "文件名", "File name"),
        _c("sha256", "VARCHAR", "文件 SHA-256", "SHA-256 of the file"),
        _c("kind", "VARCHAR", "登记表类型", "Register kind"),
        _c("crs", "VARCHAR", "坐标系", "Coordinate system of the file"),
        _c("rows_read", "INTEGER", "读取行数", "Rows read"),
        _c("rows_loaded", "INTEGER", "导入行数", "Rows loaded"),
        _c("rows_rejected", "INTEGER", "拒绝行数", "Rows rejected"),
        _c("loaded_at", "TIMESTAMP", "导入时间（UTC）", "Time of the load (UTC)"),
        _c("raw_path", "VARCHAR", "原始文件保存位置（相对 data/）", "Where the raw file is kept (relative to data/)"),
    ],
    "rejects": [
        _c("load_id", "INTEGER", "导入批次号", "Load id"),
        _c("row_number", "INTEGER", "源文件行号（含表头，从 1 起）", "Row number in the source file (1-based, header rows counted)"),
        _c("sheet", "VARCHAR", "工作表", "Sheet"),
        _c("column_name", "VARCHAR", "出错的列（源文件列名）", "Offending column (as written in the file)"),
        _c("raw", "VARCHAR", "原始值（JSON）", "Raw values of the row (JSON)"),
        _c("reason_zh", "VARCHAR", "原因", "Reason (Chinese)"),
        _c("reason_en", "VARCHAR", "原因（英文）", "Reason (English)"),
    ],
    "township_aliases": [
        _c("alias", "VARCHAR", "名称写法（全称、简称、撤并前旧名、代码）", "A way of writing the township"),
        _c("township_code", "VARCHAR", "对应现乡镇代码", "Current township code"),
        _c("rule", "VARCHAR", "name/short/old_name/code", "Which rule produced the alias"),
    ],
    "census": [
        _c("indicator", "VARCHAR", "指标", "Indicator"),
        _c("value", "DOUBLE", "数值", "Value"),
        _c("unit", "VARCHAR", "单位", "Unit"),
        _c("source", "VARCHAR", "来源", "Source"),
    ],
    "census_age": [
        _c("age_group", "VARCHAR", "年龄组", "Age group"),
        _c("male", "INTEGER", "男", "Male"),
        _c("female", "INTEGER", "女", "Female"),
        _c("total", "INTEGER", "合计", "Total"),
    ],
    "boundaries": [
        _c("level", "VARCHAR", "county/township/unit", "Level"),
        _c("code", "VARCHAR", "代码", "Code"),
        _c("name", "VARCHAR", "名称", "Name"),
        _c("geojson", "VARCHAR", "GeoJSON 几何（WGS-84）", "GeoJSON geometry, WGS-84"),
        _c("source", "VARCHAR", "来源", "Source"),
        _c("is_synthetic", "BOOLEAN", "生成的区域（如 Voronoi）", "Generated area"),
    ],
    "facts": [
        _c("metric", "VARCHAR", "指标", "Metric"),
        _c("value", "VARCHAR", "数值", "Value"),
        _c("unit", "VARCHAR", "单位", "Unit"),
        _c("as_of", "VARCHAR", "时间", "As of"),
        _c("source", "VARCHAR", "来源（二手来源，约 2020 年）", "Source (secondary, about 2020)"),
        _c("note", "VARCHAR", "备注", "Note"),
    ],
}


TABLES["facilities_all"] = [
    *TABLES["facilities"],
    _c("register_status", "VARCHAR", "所属登记表状态（active/superseded/withdrawn）",
       "Status of the row's register (active, superseded or withdrawn)"),
    _c("active", "BOOLEAN", "该行有效（未被取代、未撤回）", "The row is neither superseded nor withdrawn"),
    _c("shown", "BOOLEAN", "该行在 facilities 中", "The row is in facilities"),
]


#: Facility fields stored only by the domains whose registers carry them (the registers'
#: fields per kind are declared in ``etl.aliases``; a test checks the two agree). Every
#: other column of ``facilities`` except ``domain`` is stored for every domain.
DOMAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "education": ("students", "teachers", "boarders", "boarding_beds", "places", "area_m2",
                  "school_group", "ownership"),
    "health": ("beds", "doctors", "nurses", "area_m2", "ownership"),
    "elderly_care": ("beds", "doctors", "nurses", "care_beds", "places", "area_m2",
                     "hours_per_week", "ownership"),
    "culture": ("seats", "area_m2", "hours_per_week", "ownership"),
}

#: Tables of the contract that are views over stored tables (readers cannot tell).
VIEWS: tuple[str, ...] = ("facilities", "facilities_all")


def facility_table(domain: str) -> str:
    """The stored table of one domain's facilities, e.g. ``facilities_health``."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; expected one of {DOMAINS}")
    return f"facilities_{domain}"


#: Columns of ``facilities`` that the view derives instead of storing: the domain (from
#: the table) and the tier (from the type, by :data:`FACILITY_TYPES`).
DERIVED_FACILITY_COLUMNS: tuple[str, ...] = ("domain", "tier")


def facility_storage(domain: str) -> list[Column]:
    """Columns of :func:`facility_table`, in the order of the contract: neither the
    :data:`DERIVED_FACILITY_COLUMNS` nor other domains' capacity fields."""
    only = {f for fields in DOMAIN_FIELDS.values() for f in fields}
    return [c for c in TABLES["facilities"]
            if c.name not in DERIVED_FACILITY_COLUMNS
            and (c.name not in only or c.name in DOMAIN_FIELDS[domain])]


#: Every stored table: the contract's tables that are not views, and the facility tables.
STORED_TABLES: tuple[str, ...] = (*(t for t in TABLES if t not in VIEWS),
                                  *(facility_table(d) for d in DOMAINS))


def _facility_rows(domain: str) -> str:
    """The stored rows of one domain with the contract's columns in order (derived columns
    computed; NULL where a domain does not store a field), aliased ``f``."""
    stored = {c.name for c in facility_storage(domain)}
    tiers = " ".join(f"WHEN '{t}' THEN '{v[1]}'" for t, v in FACILITY_TYPES.items()
                     if v[0] == domain)
    derived = {"domain": f"'{domain}' AS domain",
               "tier": f"CAST(CASE f.type {tiers} END AS VARCHAR) AS tier"}
    for c in TABLES["facilities"]:
        if c.name not in derived:
            derived[c.name] = (f"f.{c.name}" if c.name in stored
                               else f"CAST(NULL AS {c.sql_type}) AS {c.name}")
    cols = [derived[c.name] for c in TABLES["facilities"]]
    return f"SELECT {', '.join(cols)} FROM {facility_table(domain)} f"


#: Rows hidden from ``facilities``: of a (register, township) not shown, or of an id shown by a
#: later load (``replaced_ids``). Rows of no register (none are loaded so) are shown.
_SHOWN = ("NOT EXISTS (SELECT 1 FROM register_townships r WHERE NOT r.shown "
          "AND r.register_id = f.load_id AND r.township_code = f.township_code) "
          "AND NOT EXISTS (SELECT 1 FROM replaced_ids x WHERE x.load_id = f.load_id AND x.id = f.id)")


def _facilities_view() -> str:
    """``facilities``: the union of the domains' tables, the rows that are shown only: of an
    active register, the latest active year of their kind in their township, and not
    replaced by a later row of the same id (see :mod:`etl.registers`)."""
    parts = [f"{_facility_rows(d)} WHERE {_SHOWN}" for d in DOMAINS]
    return "CREATE OR REPLACE VIEW facilities AS\n" + "\nUNION ALL\n".join(parts)


def _facilities_all_view() -> str:
    """``facilities_all``: every stored row, with its register's status and whether it is
    active (neither superseded nor withdrawn) and shown (in ``facilities``)."""
    extra = ("g.status AS register_status, coalesce(r.active, true) AS active, "
             "coalesce(r.shown, true) AND x.id IS NULL AS shown")
    parts = [f"SELECT u.*, {extra} FROM ({_facility_rows(d)}) u "
             "LEFT JOIN register_townships r ON r.register_id = u.load_id "
             "AND r.township_code = u.township_code "
             "LEFT JOIN registers g ON g.register_id = u.load_id "
             "LEFT JOIN replaced_ids x ON x.load_id = u.load_id AND x.id = u.id"
             for d in DOMAINS]
    return "CREATE OR REPLACE VIEW facilities_all AS\n" + "\nUNION ALL\n".join(parts)


def _facilities_in_year_macro() -> str:
    """``facilities_in_year(y)``: the facilities as of year ``y``: per kind and township, the
    rows of the latest active register year not after ``y`` (undated registers count as
    earliest), one row per id (the latest load)."""
    cols = ", ".join(f"a.{c.name}" for c in TABLES["facilities"])
    return f"""CREATE OR REPLACE MACRO facilities_in_year(y) AS TABLE
SELECT {cols} FROM facilities_all a
JOIN (SELECT register_id, township_code FROM register_townships
      WHERE active AND coalesce(year, 0) <= y
      QUALIFY coalesce(year, 0) = max(coalesce(year, 0)) OVER (PARTITION BY kind, township_code)) p
  ON p.register_id = a.load_id AND p.township_code = a.township_code
QUALIFY row_number() OVER (PARTITION BY a.id ORDER BY a.load_id DESC) = 1"""


#: The road network of the roads registers (:mod:`etl.road_store`), every register's rows
#: (the active one: ``registers.kind = 'roads' AND status = 'active'``). Not part of the
#: contract's :data:`TABLES`: created by :func:`ddl` and by the first roads load.
ROAD_TABLES: dict[str, list[Column]] = {
    "road_nodes": [
        _c("node_id", "BIGINT", "节点编号（OSM 节点号；GIS 图层按坐标取整编号）",
           "Node id (the OSM node id; for GIS layers one per rounded position)"),
        _c("lon", "DOUBLE", "经度（WGS-84）", "Longitude, WGS-84"),
        _c("lat", "DOUBLE", "纬度（WGS-84）", "Latitude, WGS-84"),
        _c("register_id", "INTEGER", "道路登记表编号", "Roads register id"),
    ],
    "road_edges": [
        _c("u", "BIGINT", "起点节点", "From node"),
        _c("v", "BIGINT", "终点节点", "To node"),
        _c("length_m", "DOUBLE", "长度（米，大圆距离）", "Length in metres (great-circle)"),
        _c("road_class", "VARCHAR", "道路等级（motorway … ferry）", "Road class (motorway … ferry)"),
        _c("oneway", "SMALLINT", "单向：0 双向，1 u→v，-1 v→u", "One-way: 0 both, 1 u→v, -1 v→u"),
        _c("maxspeed_kph", "DOUBLE", "限速（km/h）；空：未注明", "Speed limit (km/h); NULL: not given"),
        _c("surface", "VARCHAR", "路面", "Surface"),
        _c("bridge", "BOOLEAN", "桥梁", "Bridge"),
        _c("ferry", "BOOLEAN", "渡口航线", "Ferry route"),
        _c("name", "VARCHAR", "路名", "Name"),
        _c("register_id", "INTEGER", "道路登记表编号", "Roads register id"),
    ],
}


def road_ddl() -> list[str]:
    """CREATE statements of :data:`ROAD_TABLES` (no-op for tables that exist)."""
    return [f"CREATE TABLE IF NOT EXISTS {t} (\n  "
            + ",\n  ".join(f"{c.name} {c.sql_type}" for c in cols) + "\n)"
            for t, cols in ROAD_TABLES.items()]


def ddl() -> list[str]:
    """CREATE statements for every table of the contract (views last)."""
    out = []
    tables = {**{t: c for t, c in TABLES.items() if t not in VIEWS},
              **{facility_table(d): facility_storage(d) for d in DOMAINS}}
    for table, cols in tables.items():
        body = ",\n  ".join(f"{c.name} {c.sql_type}" for c in cols)
        out.append(f"CREATE TABLE IF NOT EXISTS {table} (\n  {body}\n)")
    out += road_ddl()
    out += [_facilities_view(), _facilities_all_view(), _facilities_in_year_macro()]
    return out


def markdown() -> str:
    """The data contract as Markdown tables (the README's schema section is this text)."""
    parts = []
    for table, cols in TABLES.items():
        parts.append(f"#### `{table}`\n\n| column | type | 说明 | meaning |\n|---|---|---|---|")
        for c in cols:
            parts.append(f"| `{c.name}` | {c.sql_type.split()[0]} | {c.zh} | {c.en} |")
        parts.append("")
        if table == "registers":
            parts.append(
                "Every facility load is a register (`python -m etl registers`). A new register "
                "supersedes, township by township within its scope, the earlier registers of "
                "the same kind and year, and the first real register of a kind supersedes the "
                "generated rows of that kind in its scope whatever their year. Nothing is "
                "deleted: superseded and withdrawn registers keep their rows (see "
                "`facilities_all`); `register_townships` holds, per register and township of "
                "its scope, whether its rows are active and shown, and `replaced_ids` the rows "
                "shown under the same id by a later load. `register_events` logs who loaded, "
                "withdrew or restored what and when.\n")
        if table == "facilities":
            parts.append(
                "`facilities` is a view: each domain's rows are stored in their own table, "
                "which holds only the capacity fields that domain's registers carry "
                "(the view shows the others as NULL); `domain` comes from the table and "
                "`tier` from the type (see the type table below). It holds the **shown** rows "
                "only: rows of active registers (neither superseded nor withdrawn), per kind "
                "and township those of the latest year with an active register, one row per "
                "`id` (the latest load). Every stored row, with its register's status, is in "
                "`facilities_all`; `facilities_in_year(y)` (a DuckDB table macro: "
                "`SELECT * FROM facilities_in_year(2023)`) gives the facilities as of a "
                "year: per kind and township the latest active year not after `y`.\n")
            parts.append("| stored table | domain fields besides the common ones |\n|---|---|")
            for d in DOMAINS:
                parts.append(f"| `{facility_table(d)}` | "
                             f"{', '.join(f'`{f}`' for f in DOMAIN_FIELDS[d])} |")
            parts.append("")
    parts.append("#### Facility types 设施类型\n\n| type | domain | tier | 中文 | English |\n|---|---|---|---|---|")
    for t, (domain, tier, zh, en) in FACILITY_TYPES.items():
        parts.append(f"| `{t}` | {domain} | {tier} | {zh} | {en} |")
    return "\n".join(parts) + "\n"
