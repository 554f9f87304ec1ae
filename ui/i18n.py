"""Translations as data: every UI string as key -> (中文, English).

Pages never write literal labels: they call :func:`t` with a key and the current
language (:func:`current_lang`). Facility-type, domain and tier labels come from
:data:`etl.schema.FACILITY_TYPES` so the two never drift apart.

>>> t("urban", "zh"), t("urban", "en")
('城镇', 'Urban')
>>> t("unit.min", "en")
'min'
>>> t("facility.village_clinic", "zh")
'村卫生室'
>>> plain("<b>x</b>")
'&lt;b&gt;x&lt;/b&gt;'
>>> print(md_text("[x](y)"))
\\[x\\]\\(y\\)
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from etl.schema import DOMAINS, FACILITY_TYPES
from ui.i18n_data import DATA_PAGE_TEXT
from ui.i18n_domains import DOMAIN_TEXT
from ui.i18n_planning import PLANNING_TEXT
from ui.i18n_travel import TRAVEL_TEXT

__all__ = [
    "DEFAULT_LANG", "LANGS", "TEXT", "current_lang", "domain_label", "facility_label",
    "group_label", "labels", "md_text", "normalise_lang", "plain", "setting_unit", "t", "with_unit",
]

#: Supported languages, the first is the default.
LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

_UI: dict[str, tuple[str, str]] = {
    # app and pages
    "app.title": ("开江县城乡公共服务均等化监测", "Kaijiang County urban-rural public-service monitor"),
    "app.subtitle": ("教育、卫生健康、养老托育、公共文化的城乡差距",
                     "Urban-rural gaps in education, health, elderly and child care, and culture"),
    "page.overview": ("总览", "Overview"),
    "page.education": ("教育", "Education"),
    "page.health": ("卫生健康", "Health"),
    "page.elderly_care": ("养老托育", "Elderly & child care"),
    "page.culture": ("公共文化", "Culture"),
    "page.data": ("数据", "Data"),
    "page.planning": ("规划", "Planning"),
    # groups
    "urban": ("城镇", "Urban"),
    "rural": ("乡村", "Rural"),
    "county": ("全县", "County"),
    "all": ("全部", "All"),
    "gap": ("城乡差距", "Urban-rural gap"),
    "township": ("乡镇（街道）", "Township"),
    "unit": ("村（社区）", "Village / community"),
    "facility": ("设施", "Facility"),
    "facility_type": ("设施类型", "Facility type"),
    "population": ("常住人口", "Residents"),
    "target": ("目标", "Target"),
    "value": ("数值", "Value"),
    "count": ("个数", "Count"),
    "share": ("占比", "Share"),
    "language": ("语言", "Language"),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    # tiers
    "tier.county": ("县级", "County level"),
    "tier.township": ("乡镇级", "Township level"),
    "tier.village": ("村级", "Village level"),
    "tier.group": ("组级（院坝）", "Group level (courtyard)"),
    # units of measurement
    "unit.km": ("公里", "km"),
    "unit.min": ("分钟", "min"),
    "unit.persons": ("人", "persons"),
    "unit.percent": ("%", "%"),
    "unit.beds_per_1000": ("张/千人", "beds per 1,000"),
    "unit.places_per_1000": ("个/千人", "places per 1,000"),
    "unit.per_1000": ("/千人", "per 1,000"),
    "unit.m2_per_1000": ("平方米/千人", "m² per 1,000"),
    "unit.facilities": ("个", "facilities"),
    "unit.hours_per_week": ("小时/周", "hours per week"),
    "unit.pp": ("个百分点", "pp"),
    "unit.kmh": ("km/h", "km/h"),
    "unit.share_of_mean": ("占均值的比例", "share of the mean"),
    "unit.regions": ("个", "regions"),
    # the urban-rural gap, said from the side behind (ui.cards, ui.tables, the overview)
    "gap.ratio": ("城乡比（{sides}）", "Ratio ({sides})"),
    "gap.ratio_help": ("城乡比 = 落后一方 ÷ 领先一方（此处{sides}），1 = 无差距。越高越好的指标小于 1"
                       "（落后方只有领先方的几成），越低越好的指标（如分钟）大于 1（落后方是领先方的几倍）。",
                       "Ratio = the side behind ÷ the side ahead (here {sides}); 1 = no gap. Below 1 "
                       "when higher is better (the side behind has that fraction of the other's "
                       "value), above 1 when lower is better, such as minutes (that many times "
                       "the other's)."),
    "gap.behind": ("{worse}落后（{direction}）", "{worse} areas are behind ({direction})"),
    "gap.equal": ("城镇与乡村相同", "urban and rural areas are equal"),
    "gap.times": ("{high}是{low}的 {factor} 倍", "the {high} value is {factor} times the {low} one"),
    "gap.zero": ("{low}为 0", "the {low} value is 0"),
    # sensitivity of a travel-time figure to its speed and mode (ui.cards.sensitivity_text)
    "sens.range": ("敏感性：{mode} {lo}–{hi} km/h 时，{groups}（当前 {now} km/h）。",
                   "Sensitivity: {mode} at {lo}–{hi} km/h gives {groups} (now {now} km/h)."),
    "sens.without": ("没有{own}、改用{mode}（{speed} km/h）：{groups}。",
                     "Without a {own}, by {mode} ({speed} km/h): {groups}."),
    "sens.case": ("{mode} {speed} km/h：{groups}。", "{mode} at {speed} km/h: {groups}."),
    "sens.groups": ("城镇 {urban}，乡村 {rural}", "urban {urban}, rural {rural}"),
    "sens.none": ("敏感性：不涉及出行速度或时间标准，按登记表数值计算。",
                  "Sensitivity: no travel speed or time standard involved; computed from the "
                  "registers' figures."),
    "sens.none.provision": ("敏感性：不涉及出行速度或时间标准；按登记的容量与人口计算"
                            "（县级机构由全县分摊，乡镇级由本乡镇分摊）。",
                            "Sensitivity: no travel speed or time standard involved; registered "
                            "capacity over residents (county facilities shared by the whole "
                            "county, township ones by their township)."),
    "sens.none.coverage": ("敏感性：不涉及出行速度或时间标准，按有无设施计。",
                           "Sensitivity: no travel speed or time standard involved; counts "
                           "whether a facility is there."),
    # how urban and rural are told apart (ui.tables.urban_rural_rule)
    "ur.rule": ("城镇/乡村的划分：按国家统计局 2016 年城乡分类代码（1 字头为城镇：111 主城区、112 城乡结合区、"
                "121 镇中心区、122 镇乡结合区；2 字头为乡村：210 乡中心区、220 村庄），取 2023 年村（社区）按名称"
                "对应的 2016 年村的代码；未对应上的按类型（社区 → 城镇，村 → 乡村）。因此 {urban_villages} 个村计为城镇、"
                "{rural_communities} 个社区计为乡村；共 {n_urban} 个城镇单元、{n_rural} 个乡村单元。各村（社区）的依据见各领域页“按村（社区）”表的“城乡划分依据”列。",
                "Urban and rural follow the NBS 2016 urban-rural codes (1xx urban: 111 city core, "
                "112 urban fringe, 121 town centre, 122 town fringe; 2xx rural: 210 township "
                "centre, 220 village) of the 2016 village matched by name to each 2023 unit; "
                "units without a match go by type (community → urban, village → rural). So "
                "{urban_villages} villages count as urban and {rural_communities} communities as "
                "rural: {n_urban} urban and {n_rural} rural units. Each unit's rule is in the "
                "\"Urban / rural by\" column of the by-village table on the domain pages."),
    "ur.code": ("2016 城乡代码 {code}（{name}）", "2016 code {code} ({name})"),
    "ur.type": ("无 2016 代码，按类型：{kind} → {group}", "no 2016 code: by type, {kind} → {group}"),
    "ur.code.111": ("主城区", "city core"),
    "ur.code.112": ("城乡结合区", "urban fringe"),
    "ur.code.121": ("镇中心区", "town centre"),
    "ur.code.122": ("镇乡结合区", "town fringe"),
    "ur.code.123": ("特殊区域", "special area"),
    "ur.code.210": ("乡中心区", "township centre"),
    "ur.code.220": ("村庄", "village"),
    "ur.kind.社区": ("社区", "community"),
    "ur.kind.村": ("村", "village"),
    # one order for township rankings, on the overview and the domain pages
    "rank.order": ("排名 1 = 比全县落后最多", "rank 1 = furthest behind the county"),
    "rank.title": ("乡镇（街道）排名（1 = 比全县落后最多）", "Townships ranked (1 = furthest behind the county)"),
    # indicators (axis and colour-bar titles add the unit: "{label}（{unit}）")
    "ind.travel_time_min": ("到最近设施的出行时间", "Travel time to the nearest facility"),
    "ind.distance_km": ("到最近设施的距离", "Distance to the nearest facility"),
    "ind.share_within": ("标准时间内可达的人口占比", "Share of residents within the standard time"),
    "ind.access_2sfca": ("可达性（两步移动搜索法）", "Accessibility (2SFCA)"),
    "ind.beds_per_1000": ("每千人床位", "Beds per 1,000 residents"),
    "ind.places_per_1000": ("每千人学位/托位", "Places per 1,000 residents"),
    "chart.frequency": ("村（社区）数", "Villages and communities"),
    "chart.residents": ("常住人口", "Residents"),
    "chart.group": ("城乡", "Urban / rural"),
    "chart.indicator": ("指标", "Indicator"),
    # map
    "map.county_outline": ("县界", "County boundary"),
    "map.units": ("村（社区）", "Villages and communities"),
    "map.areas": ("区域", "Areas"),
    "map.areas_generated": ("区域为按村点生成的近似范围（泰森多边形），非官方界线",
                            "Areas are approximations generated from village points (Voronoi), "
                            "not official boundaries"),
    # synthetic-data banner
    "synthetic.title": ("示例数据", "Synthetic data"),
    "synthetic.banner": (
        "**示例数据。** 乡镇、村（社区）名称与统计代码、县界、2020 年第七次人口普查总数为真实数据；"
        "村（社区）位置、分村人口和各类设施登记表为按真实总数生成的示例数据（合成），"
        "不是官方统计，不能作为决策依据。导入本县登记表后即替换。",
        "**Synthetic data.** Township and village names and codes, the county boundary and the "
        "2020 census totals are real; village points, population by village and the facility "
        "registers are generated to match the real totals. They are not official statistics and "
        "must not be used for decisions. Loading the county's own registers replaces them.",
    ),
    "synthetic.page": (
        "**示例数据。** 本页中{items}为按真实总数生成的示例数据（合成），不是官方统计，不能作为决策依据；"
        "导入本县登记表后即替换。乡镇、村（社区）名称与统计代码、县界、2020 年第七次人口普查总数为真实数据。",
        "**Synthetic data.** On this page, {items} are generated to match the real totals: not "
        "official statistics, not for decisions; loading the county's own registers replaces "
        "them. Township and village names and codes, the county boundary and the 2020 census "
        "totals are real.",
    ),
    "origin.real": ("真实数据：{items}。", "Real data: {items}."),
    "origin.missing": ("尚未导入{items}：相关指标暂无数据。",
                       "Not loaded yet: {items}; their indicators have no data."),
    "origin.units": ("村（社区）位置与人口", "village points and population"),
    "origin.register": ("{kind}登记表", "the {kind} register"),
    "origin.mixed": ("{item}（{real} 行为真实数据{years}，其余 {synthetic} 行为示例数据）",
                     "{item} ({real} rows real{years}, the other {synthetic} rows generated)"),
    "origin.years": ("，{years} 年", ", {years}"),
    "origin.real_item": ("{item}（{years}{sources}）", "{item} ({years}{sources})"),
    "plan.path": ("历年→2025 目标", "Path to 2025"),
    "plan.path_text": ("历年进展与 2025 年目标", "By year, and the 2025 target"),
    "plan.path_target": ("{year} 年目标：{value}", "{year} target: {value}"),
    "year.select": ("数据年份", "Data year"),
    "year.help": ("各类设施按所选年份及以前最近一年的登记表显示；默认最新（{latest} 年）。",
                  "Each kind of facility as in its latest register up to the chosen year; "
                  "default the latest ({latest})."),
    "year.change": ("较 {prev} 年", "vs {prev}"),
    "synthetic.short": ("含示例（合成）数据，非官方统计", "Contains synthetic data, not official statistics"),
    # data year and sources
    "data.year": ("数据年份：{year}", "Data year: {year}"),
    "data.pop_year": ("人口：{year} 年", "Population: {year}"),
    "data.sources": ("数据来源", "Sources"),
    "source.codes": ("国家统计局统计用区划代码（2023）", "NBS statistical division codes (2023)"),
    "source.census": ("第七次全国人口普查（2020）开江县数据", "7th national census (2020), Kaijiang"),
    "source.boundary": ("县界：高德地图/Vonng adcode（CC BY 4.0），已转换为 WGS-84",
                        "County boundary: Amap via Vonng/adcode (CC BY 4.0), converted to WGS-84"),
    "source.registers_synthetic": ("设施登记表：示例数据（合成，2024）",
                                   "Facility registers: synthetic sample data (2024)"),
    "source.registers": ("设施登记表：{source}", "Facility registers: {source}"),
    # empty states
    "empty.no_data": ("暂无数据。", "No data yet."),
    "empty.no_facilities": ("所选类型暂无设施记录。", "No facilities of the selected type."),
    "empty.no_selection": ("请至少选择一项。", "Select at least one item."),
    "empty.no_match": ("没有符合筛选条件的记录。", "No records match the filters."),
    "empty.no_boundary": ("未加载县界，地图无法显示。", "No boundary loaded: the map cannot be drawn."),
    "empty.no_target": ("该指标暂无配置标准。", "No target is defined for this indicator."),
    # sharing and downloads
    "share.title": ("分享当前视图", "Share this view"),
    "share.copy_link": ("复制链接", "Copy link"),
    "share.copied": ("已复制", "Copied"),
    "share.help": ("链接包含当前全部筛选条件，打开后显示同一视图（只读）。",
                   "The link holds every current filter and reopens this exact view (read-only)."),
    "download.csv": ("下载 CSV", "Download CSV"),
    "download.xlsx": ("下载 XLSX", "Download XLSX"),
    "download.brief": ("下载简报", "Download brief"),
    "brief.generated": ("生成时间：{time}", "Generated: {time}"),
    "brief.print_hint": ("可用浏览器“打印 → 另存为 PDF”导出", "Print to PDF from the browser"),
    # frame: navigation, header and footer (ui/frame.py, app.py)
    "nav.services": ("公共服务", "Public services"),
    "frame.registers_year": ("设施登记表：{year} 年", "Facility registers: {year}"),
    "frame.travel": ("出行时间：{model}", "Travel times: {model}"),
    "source.assumption": ("假设", "assumption"),
    "frame.registers_years": ("设施登记表：{years}", "Facility registers: {years}"),
    "frame.no_registers": ("尚未导入设施登记表", "No facility register loaded yet"),
    "frame.registers_loaded": ("设施登记表：{files}", "Facility registers: {files}"),
    "frame.real_data": ("当前数据均为导入的登记表与官方资料。",
                        "All data on screen comes from loaded registers and official sources."),
    # overview
    "ov.cards": ("各领域头条指标：城镇与乡村", "Headline indicator per domain: urban and rural"),
    "ov.cards_help": ("每个领域取指标目录中的头条指标；城镇、乡村数值为各村（社区）数值的加权平均，权重见各卡片。"
                      "卡片只列头条指标，上面的最大差距则在全部指标中查找（见“全部指标的城乡差距”）。"
                      "在下方“指标”中可为任一指标查看地图和排名。",
                      "One headline indicator per domain from the catalogue; urban and rural values "
                      "are weighted means over villages and communities (each card says how). The "
                      "cards show headline indicators only; the largest gap above is sought over "
                      "every indicator (see \"Urban-rural gaps of every indicator\"). Choose any "
                      "indicator below for the map and the ranking."),
    "ov.biggest": ("全部 {n} 项指标中，当前最大的城乡差距：{domain} · {indicator}。{behind}：城镇 {urban}，"
                   "乡村 {rural}，{times}。",
                   "Largest urban-rural gap now, over all {n} indicators: {domain} · {indicator}. "
                   "{behind}: urban {urban}, rural {rural}; {times}."),
    "ov.all_gaps": ("全部指标的城乡差距（差距从大到小）", "Urban-rural gaps of every indicator (largest first)"),
    "ov.all_gaps_help": ("差距倍数 = 较大值 ÷ 较小值，用来排序；城乡比 = 落后一方 ÷ 领先一方（越高越好的指标小于 1，"
                         "越低越好的大于 1）。头条指标之外的差距同样列出。",
                         "Gap factor = larger value ÷ smaller, which orders the table; ratio = the "
                         "side behind ÷ the side ahead (below 1 when higher is better, above 1 when "
                         "lower is better). Gaps beyond the headline indicators are listed too."),
    "ov.col.domain": ("领域", "Domain"),
    "ov.col.indicator": ("指标", "Indicator"),
    "ov.col.unit": ("单位", "Unit"),
    "ov.col.values": ("城镇 / 乡村", "Urban / rural"),
    "ov.col.direction": ("方向", "Direction"),
    "ov.col.behind": ("落后方", "Behind"),
    "ov.col.ratio": ("城乡比（落后方÷领先方）", "Ratio (behind ÷ ahead)"),
    "ov.col.factor": ("差距倍数（大÷小）", "Gap factor (larger ÷ smaller)"),
    "ov.gini": ("基尼系数", "Gini coefficient"),
    "ov.gini_help": ("村（社区）之间的不平等，0 = 完全均等，越接近 1 越集中在少数地方；{weighting}。",
                     "Inequality between villages and communities, 0 = equal, the closer to 1 the "
                     "more concentrated in few places; {weighting}."),
    "ov.ci": ("95% 区间 {lo}–{hi}：重抽各村（社区）的波动，不是抽样误差",
              "95% interval {lo}–{hi}: how it varies when villages are redrawn, not a sampling error"),
    "ov.ci_help": ("95% 区间：人口是普查全数而非抽样，所以它不是抽样误差；它把各村（社区）在城镇、乡村内分别"
                   "有放回地重抽 {n} 次，看基尼系数在多大范围内变动，表示结果有多依赖个别村（社区）。",
                   "The 95% interval: the population is a full census, not a sample, so this is no "
                   "sampling error; the villages and communities are redrawn {n} times (with "
                   "replacement, within urban and within rural), and the range shows how much "
                   "the Gini rests on a few of them."),
    "ov.one_year": ("仅有 {year} 年一年数据，暂无法与上年比较。",
                    "One year of data only ({year}): no change on the previous year to show."),
    "ov.no_value": ("无数值", "No value"),
    "ov.better_high": ("越高越好", "higher is better"),
    "ov.better_low": ("越低越好", "lower is better"),
    "ov.view": ("选择视图", "Choose the view"),
    "ov.indicator": ("指标", "Indicator"),
    "ov.threshold_help": ("{help} 来源：{source}。默认 {default:g}。",
                          "{help} Source: {source}. Default {default:g}."),
    "ov.no_threshold": ("该指标没有可调的时间标准。", "This indicator has no time standard to adjust."),
    "ov.all_townships": ("全部乡镇（街道）", "All townships"),
    "ov.facilities": ("地图上显示的设施类型", "Facility types on the map"),
    "ov.map": ("地图：{indicator}", "Map: {indicator}"),
    "ov.map_caption": ("颜色 = 各村（社区）的指标值（{direction}）；圆点 = 所选设施。",
                       "Colour = the indicator for each village or community ({direction}); "
                       "dots = the chosen facilities."),
    "ov.map_loaded_areas": ("区域为导入的边界。", "Areas are the loaded boundaries."),
    "ov.ranking_help": ("“与全县之差” = 乡镇值 − 全县值；“与全县相比”为正表示比全县平均差（落后），"
                        "为负表示好于全县；{order}。",
                        "\"Difference from county\" = township value − county value; \"vs county\": "
                        "positive = worse than the county average (behind), negative = better; "
                        "{order}."),
    "ov.selected": ("{name}：{value}（全县 {county}），在 {n} 个乡镇（街道）中排第 {rank}（{order}）。",
                    "{name}: {value} (county {county}); rank {rank} of {n} townships ({order})."),
    "ov.no_ranking": ("该指标没有分乡镇的数值。", "This indicator has no values by township."),
    "col.rank": ("排名", "Rank"),
    "col.value": ("数值", "Value"),
    "col.county": ("全县", "County"),
    "col.gap": ("与全县之差", "Difference from county"),
    "col.shortfall_pct": ("与全县相比（%，正数为落后）", "vs county (%, positive = behind)"),
    "col.n_units": ("村（社区）数", "Villages and communities"),
    "col.zone": ("片区", "Planning zone"),
    "ov.plan": ("试点方案公共服务任务进度（任务 13—16）", "Pilot plan: public-service tasks 13-16"),
    "ov.plan_help": (
        "《开江县城乡融合发展改革试点实施方案》（2022）中可计数的目标与当前数据对照；"
        "“无数据”表示登记表尚无相应字段或相应登记表未导入。",
        "The countable targets of the county's 2022 pilot plan against the current data; "
        "\"not in the data\" means the registers have no field for it or were not loaded."),
    "plan.task": ("任务", "Task"),
    "plan.target": ("方案目标（原文）", "Target in the plan"),
    "plan.lead": ("牵头单位", "Lead unit (牵头单位)"),
    "plan.measure": ("数据口径", "What the data counts"),
    "plan.planned": ("计划", "Planned"),
    "plan.in_data": ("数据中", "In the data"),
    "plan.status": ("状态", "Status"),
    "plan.detail": ("说明", "Detail"),
    "status.met": ("已达到", "Met"),
    "status.partly": ("部分达到", "Partly met"),
    "status.not_met": ("未达到", "Not met"),
    "status.no_data": ("无数据", "Not in the data"),
    "brief.overview_title": ("开江县城乡公共服务差距简报", "Kaijiang County: urban-rural public-service gaps"),
    "brief.overview_subtitle": ("指标：{indicator}；{setting}", "Indicator: {indicator}; {setting}"),
    "brief.no_setting": ("默认标准", "default standards"),
    "brief.heading": ("简报", "Brief"),
    "brief.help": ("当前视图的一页简报（HTML，可离线打开、打印）。",
                   "A one-page brief of this view (HTML; opens offline and prints)."),
    # admin login
    "auth.disabled": (
        "本应用未配置管理员，因此在应用内导入数据、重建数据库和删除情景均已停用；所有人只能查看。"
        "启用方法：在服务器上用 python -m etl hash-password 生成密码的哈希，写入 .streamlit/secrets.toml "
        "（见下例，切勿提交到代码库），或设置环境变量 EQUITY_ADMIN_PASSWORD，然后重启应用。",
        "No admin is configured, so loading data, rebuilding the database and deleting scenarios "
        "are disabled in the app; everyone can only read. To enable them, make a password hash on "
        "the server with python -m etl hash-password and put it in .streamlit/secrets.toml (as "
        "below; never commit it), or set the environment variable EQUITY_ADMIN_PASSWORD, then "
        "restart the app."),
    "auth.env_help": ("环境变量方式：EQUITY_ADMIN_PASSWORD（密码或哈希），账号名默认为 admin，可用 "
                      "EQUITY_ADMIN_USER 更改。详见 docs/deployment.md。",
                      "With the environment: EQUITY_ADMIN_PASSWORD (the password or a hash); the "
                      "account is admin unless EQUITY_ADMIN_USER names another. See "
                      "docs/deployment.md."),
    "auth.read_only": ("通过链接打开的所有人都只能查看。导入数据、重建数据库和删除情景需要管理员登录。",
                       "Everyone with a link can only read. Loading data, rebuilding the database "
                       "and deleting scenarios need an admin login."),
    "auth.name": ("账号", "Account"),
    "auth.password": ("密码", "Password"),
    "auth.login": ("管理员登录", "Admin login"),
    "auth.logout": ("退出登录", "Log out"),
    "auth.logged_in": ("已作为管理员“{name}”登录（仅本次会话有效，不写入链接）。",
                       "Logged in as admin “{name}” (this session only; never part of a link)."),
    "auth.failed": ("账号或密码不正确。", "Wrong account or password."),
    "auth.wait": ("登录失败次数过多：请 {s} 秒后再试（本次未检查密码）。",
                  "Too many failed logins: try again in {s} s (this attempt was not checked)."),
    "auth.admin_only": ("需要管理员登录（在“数据”页登录）。", "Needs an admin login (log in on the Data page)."),
    "kind.schools": ("学校", "Schools"),
    "kind.kindergartens": ("幼儿园", "Kindergartens"),
    "kind.hospitals": ("医院与卫生院", "Hospitals and health centres"),
    "kind.clinics": ("村卫生室", "Village clinics"),
    "kind.elderly_care": ("养老托育机构", "Elderly and infant care"),
    "kind.culture": ("文化设施", "Cultural facilities"),
    "kind.population": ("分村人口", "Population by village"),
    "kind.boundaries": ("边界", "Boundaries"),
    # the Word/PDF report
    "report.heading": ("监测报告（Word / PDF）", "Monitoring report (Word / PDF)"),
    "report.help": ("《开江县城乡基本公共服务均等化监测报告》：摘要、各领域指标、乡镇排名、地图与图表、"
                    "公共文化四级网络检查、试点方案任务进度和附录（公式、参数来源、数据来源），"
                    "数据年份与语言同本页。Word 文件可直接编辑；生成约需 20—40 秒，服务器上不保存任何文件。",
                    "The monitoring report: summary, every domain's headline indicators, township "
                    "rankings, maps and charts, the culture four-tier audit, the pilot plan's tasks "
                    "and an appendix (formulas, settings and data sources), for this page's data "
                    "year and language. The Word file can be edited; building it takes about "
                    "20-40 s and nothing is kept on the server."),
    "report.build_docx": ("生成 Word 报告", "Build the Word report"),
    "report.build_pdf": ("生成 PDF 报告", "Build the PDF report"),
    "report.building": ("正在生成报告（计算指标、绘制地图与图表、排版）…",
                        "Building the report (indicators, maps and charts, layout)…"),
    "report.download_docx": ("下载 Word 报告（.docx）", "Download the Word report (.docx)"),
    "report.download_pdf": ("下载 PDF 报告", "Download the PDF report"),
    "report.no_pdf": ("本服务器未安装 LibreOffice，无法生成 PDF：请下载 Word 报告，在 Word 或 WPS 中另存为 PDF。",
                      "LibreOffice is not installed on this server, so no PDF can be made: "
                      "download the Word report and save it as PDF from Word or WPS."),
    "report.failed": ("报告生成失败：{error}", "The report could not be built: {error}"),
    "report.scenarios": ("加入已保存的规划情景（可选）", "Add saved planning scenarios (optional)"),
    "report.scenarios_help": ("选中的情景各按其改动重新计算所属领域的主要指标，列入报告“规划情景”一节。",
                              "Each scenario chosen is applied to the facilities and its domain's "
                              "headline indicators recomputed, in the report's section on "
                              "planning scenarios."),
}


def _facility_text() -> dict[str, tuple[str, str]]:
    out = {f"facility.{k}": (zh, en) for k, (_d, _t, zh, en) in FACILITY_TYPES.items()}
    for d in DOMAINS:
        out[f"domain.{d}"] = _UI[f"page.{d}"]
    return out


#: Every UI string: key -> (中文, English).
TEXT: dict[str, tuple[str, str]] = {**_UI, **DATA_PAGE_TEXT, **_facility_text(), **DOMAIN_TEXT,
                                    **PLANNING_TEXT, **TRAVEL_TEXT}


def normalise_lang(value: Any) -> str:
    """A supported language code, or the default for anything else.

    >>> normalise_lang("en"), normalise_lang("EN "), normalise_lang("<x>"), normalise_lang(None)
    ('en', 'en', 'zh', 'zh')
    """
    v = str(value).strip().lower() if value is not None else ""
    return v if v in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """The language of this view from the ``lang`` query parameter (``zh`` by default)."""
    import streamlit as st

    return normalise_lang(st.query_params.get("lang"))


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Raises ``KeyError`` for an unknown key (the tests check that every key used exists).

    >>> t("data.year", "en", year=2024)
    'Data year: 2024'
    """
    zh, en = TEXT[key]
    text = en if normalise_lang(lang) == "en" else zh
    return text.format(**fmt) if fmt else text


def facility_label(facility_type: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a facility type; an unknown type is returned as is (escaped by the caller)."""
    key = f"facility.{facility_type}"
    return t(key, lang) if key in TEXT else str(facility_type)


def domain_label(domain: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a service domain (education, health, elderly_care, culture)."""
    key = f"domain.{domain}"
    return t(key, lang) if key in TEXT else str(domain)


def group_label(group: Any, lang: str = DEFAULT_LANG) -> str:
    """Label of an urban/rural group value (``urban``, ``rural``, ``county``), else the value."""
    key = str(group)
    return t(key, lang) if key in ("urban", "rural", "county") else key


def with_unit(label: str, unit: str, lang: str = DEFAULT_LANG) -> str:
    """An axis title with its unit: ``出行时间（分钟）`` or ``Travel time (min)``.

    >>> with_unit("出行时间", "分钟", "zh"), with_unit("Travel time", "min", "en")
    ('出行时间（分钟）', 'Travel time (min)')
    """
    if not unit:
        return label
    return f"{label}（{unit}）" if normalise_lang(lang) == "zh" else f"{label} ({unit})"


#: Chinese for the units of :data:`metrics.settings.SETTINGS` (declared there in English).
SETTING_UNITS_ZH: dict[str, str] = {
    "min": "分钟",
    "km/h": "km/h",
    "m": "米",
    "×": "倍",
    "h/week": "小时/周",
    "beds / 1,000 residents": "张/千人",
    "beds / 1,000 aged 60+": "张/千名老人",
    "beds / boarder": "床/寄宿生",
    "students / staff": "生/教职工",
    "share": "比例",
    "weight": "权重",
    "1 = yes, 0 = no": "1 = 是，0 = 否",
}


def setting_unit(unit: str, lang: str = DEFAULT_LANG) -> str:
    """The unit of a setting in ``lang``; units without a translation are shown as declared.

    >>> setting_unit("min", "zh"), setting_unit("min", "en"), setting_unit("beds / boarder", "zh")
    ('分钟', 'min', '床/寄宿生')
    """
    return SETTING_UNITS_ZH.get(unit, unit) if normalise_lang(lang) == "zh" else unit


def plain(text: Any) -> str:
    """Text made safe for Plotly labels and HTML: ``<``, ``>``, ``&`` and quotes escaped.

    Plotly renders a subset of HTML (``<b>``, ``<br>``, ``<a href>``) in hover text,
    tick labels and legend names; data must go through this first. Not for Markdown
    (``st.markdown``, captions, alerts, labels): use :func:`md_text` there.
    """
    return html.escape("" if text is None else str(text), quote=True)


#: Bidirectional-text controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM):
#: they can make text read differently from what it is (``evil\u202egnp.exe``).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                          "\u200e\u200f\u061c")
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
#: C0 and C1 control characters (newlines and tabs included).
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, and
#: escaping all of them leaves no Markdown syntax (emphasis, links, images, code, headings,
#: lists, tables, strike-through, HTML, entities, LaTeX ``$``, Streamlit's ``:colour[...]``).
_MD_PUNCT_RE = re.compile(r"([!-/:-@\[-`{-~])")
#: U+2060 WORD JOINER: invisible, and breaks the patterns that Streamlit and GFM find in
#: text *after* the escapes are undone (``:smile:``, ``:material/icon:``, ``:streamlit:``,
#: ``https://…``, ``www.…``, ``someone@host``).
_WJ = "\u2060"
_WWW_RE = re.compile(r"(w{3})(\\\.)", re.IGNORECASE)


def md_text(text: Any) -> str:
    r"""Data text made safe for Streamlit Markdown (``st.markdown``, captions, alerts, labels).

    Shows exactly the characters of ``text`` (less bidi controls; control characters and
    line breaks become spaces) and never markup: every ASCII punctuation character is
    backslash-escaped, so no link, image, emphasis, heading, list, table, raw HTML, entity,
    ``$`` LaTeX or ``:red[...]`` directive can form; a word joiner (U+2060, invisible) after
    each ``:`` and ``@`` and inside ``www.`` stops the shortcodes (``:smile:``,
    ``:material/icon:``, ``:streamlit:``) and the bare-URL and e-mail auto-links that
    Streamlit and GitHub-flavoured Markdown find in the text after the escapes are undone.

    Use it for every user- or file-supplied string (names, file and column names, reject
    reasons, URL values) that reaches Markdown; not for Plotly or HTML (:func:`plain`), nor
    for text shown by ``st.text``, ``st.code``, tables or widget options (plain text there).

    Examples
    --------
    >>> print(md_text("**x** <b>![i](u)"))
    \*\*x\*\* \<b\>\!\[i\]\(u\)
    >>> md_text(":red[x] $y$").replace("\u2060", "|")
    '\\:|red\\[x\\] \\$y\\$'
    >>> md_text("开江县任市镇\u202e")
    '开江县任市镇'
    """
    s = _BIDI_RE.sub("", "" if text is None else str(text))
    s = _CONTROL_RE.sub(" ", s)
    s = _MD_PUNCT_RE.sub(r"\\\1", s)
    s = s.replace("\\:", "\\:" + _WJ).replace("\\@", "\\@" + _WJ)
    return _WWW_RE.sub(lambda m: m.group(1) + _WJ + m.group(2), s)


def labels(mapping: Mapping[str, str], lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Translate the values of ``{column: key}`` (handy for renaming table columns)."""
    return {col: t(key, lang) for col, key in mapping.items()}

