"""UI strings of the four domain pages (教育, 卫生健康, 养老托育, 公共文化): key -> (中文, English).

Merged into :data:`ui.i18n.TEXT`; keys here must not repeat keys of ``ui/i18n.py``
(all of them start with ``dom.``).
"""

DOMAIN_TEXT: dict[str, tuple[str, str]] = {
    # widgets
    "dom.indicator": ("指标", "Indicator"),
    "dom.township_filter": ("乡镇（街道）筛选", "Township filter"),
    "dom.all_townships": ("全县（不筛选）", "Whole county (no filter)"),
    "dom.settings": ("标准与出行速度", "Standard and travel speed"),
    "dom.settings_note": ("滑块默认值来自设置表；改动只影响本视图，并写入链接。",
                          "Slider defaults come from the settings table; changes apply to this "
                          "view only and are kept in the link."),
    # indicator description
    "dom.about": ("指标说明：公式、标准、来源", "About this indicator: formula, standard, source"),
    "dom.formula": ("公式", "Formula"),
    "dom.standard": ("标准", "Standard"),
    "dom.no_standard": ("无全国或省级数值标准，只比较城乡与乡镇之间的差距。",
                        "No national or provincial figure: only gaps between urban and rural "
                        "areas and between townships are compared."),
    "dom.source": ("来源", "Source"),
    "dom.unit_of_measure": ("单位", "Unit"),
    "dom.mode": ("出行方式", "Travel mode"),
    "dom.weight": ("加权人口", "Weighted by"),
    "dom.weight.unit": ("每个村（社区）计 1", "each village or community counts 1"),
    "dom.weight.township": ("每个乡镇计 1", "each township counts 1"),
    "dom.verified_no": ("（假设，未核验）", "(assumption, not verified)"),
    "dom.mode.walk": ("步行", "walking"),
    "dom.mode.walk_child": ("儿童步行", "children walking"),
    "dom.mode.walk_older": ("老人步行", "over-60s walking"),
    "dom.mode.bicycle": ("自行车", "bicycle"),
    "dom.mode.ebike": ("电动自行车", "e-bike"),
    "dom.mode.car": ("小汽车", "car"),
    "dom.mode.school_bus": ("校车", "school bus"),
    "dom.pop.population": ("全部常住人口", "all residents"),
    "dom.pop.pop_0_2": ("0—2岁", "aged 0-2"),
    "dom.pop.pop_3_5": ("3—5岁", "aged 3-5"),
    "dom.pop.pop_6_11": ("6—11岁", "aged 6-11"),
    "dom.pop.pop_12_14": ("12—14岁", "aged 12-14"),
    "dom.pop.pop_15_17": ("15—17岁", "aged 15-17"),
    "dom.pop.pop_18_59": ("18—59岁", "aged 18-59"),
    "dom.pop.pop_60_64": ("60—64岁", "aged 60-64"),
    "dom.pop.pop_65_plus": ("65岁及以上", "aged 65+"),
    # key numbers
    "dom.county_value": ("全县", "County"),
    "dom.urban_value": ("城镇", "Urban"),
    "dom.rural_value": ("乡村", "Rural"),
    "dom.township_value": ("所选乡镇：{name}", "Selected township: {name}"),
    "dom.status.met": ("达到标准 {target}", "Meets the standard of {target}"),
    "dom.status.not_met": ("未达标准 {target}", "Below the standard of {target}"),
    "dom.status.not_met_low": ("超过上限 {target}", "Above the limit of {target}"),
    "dom.no_road.mean": ("{n} 个村无道路连通，未计入平均", "{n} villages with no road connection, "
                         "left out of the mean"),
    "dom.no_road.share": ("{n} 个村无道路连通，计为未达标", "{n} villages with no road connection, "
                          "counted as not within the standard"),
    "dom.no_road.fca": ("{n} 个村无道路连通，可及性为 0", "{n} villages with no road connection, "
                        "counted with no access"),
    "dom.far_road.title": ("离道路较远的村（{n} 个，超过 {km} 公里）",
                           "Villages far from any road ({n}, over {km} km)"),
    "dom.far_road.note": ("出行时间按路网计算；这些村的中心点离最近道路超过 {km} 公里，离开道路的一段按"
                          "步行直线距离估算，结果较不可靠。",
                          "Travel times follow the road network; these villages' points lie more "
                          "than {km} km from the nearest road, and the leg off the road is "
                          "estimated as a straight walk, so their figures are less reliable."),
    "dom.far_road.col": ("离道路（米）", "To the road (m)"),
    "dom.better": ("越高越好", "higher is better"),
    "dom.worse": ("越低越好", "lower is better"),
    # sections
    "dom.map": ("地图：各村（社区）数值与设施位置", "Map: value per village or community, and facilities"),
    "dom.map_value": ("数值", "Value"),
    "dom.map_note": ("色块为村（社区），颜色越红越差；圆点为设施，深色线为乡镇界。离线底图，无道路。",
                     "Coloured areas are villages and communities, redder is worse; dots are "
                     "facilities, dark lines township borders. Offline map without roads."),
    "dom.map_note_roads": ("色块为村（社区），颜色越红越差；圆点为设施，深色线为乡镇界，灰线为已导入的道路"
                           "（按等级）。离线底图。",
                           "Coloured areas are villages and communities, redder is worse; dots are "
                           "facilities, dark lines township borders, grey lines the loaded roads "
                           "(by class). Offline map."),
    "dom.map_filtered": ("只显示 {name} 的村（社区）与设施。", "Only the villages and facilities of {name} are shown."),
    "dom.compare": ("城镇与乡村", "Urban versus rural"),
    "dom.gap_measures": ("差距怎么读", "How to read the gap"),
    "dom.measure": ("指标", "Measure"),
    "dom.meaning": ("含义", "What it means"),
    "dom.m.difference": ("差值（{sides}）", "Difference ({sides})"),
    "dom.m.ratio": ("城乡比（{sides}）", "Ratio ({sides})"),
    "dom.m.gini": ("基尼系数", "Gini coefficient"),
    "dom.m.theil": ("泰尔指数", "Theil index"),
    "dom.m.between": ("城乡之间占比", "Share between urban and rural"),
    "dom.m.between_town": ("乡镇之间占比", "Share between townships"),
    "dom.s.difference_pos": ("{worse}比{better}高 {abs} {unit}（{direction}，{worse}落后）。",
                             "Compared with {better} areas, {worse} areas are {abs} {unit} higher "
                             "({direction}, so {worse} areas are behind)."),
    "dom.s.difference_neg": ("{worse}比{better}低 {abs} {unit}（{direction}，{worse}落后）。",
                             "Compared with {better} areas, {worse} areas are {abs} {unit} lower "
                             "({direction}, so {worse} areas are behind)."),
    "dom.s.difference_zero": ("城镇与乡村相同。", "Urban and rural areas are the same."),
    "dom.points": ("个百分点", "percentage points"),
    "dom.s.ratio": ("{worse}是{better}的 {v} 倍（落后一方 ÷ 领先一方）；1 表示没有差距。",
                    "The {worse} value is {v} times the {better} one (the side behind ÷ the side "
                    "ahead); 1 means no gap."),
    "dom.s.ratio_none": ("领先一方为 0，比值无意义。", "The side ahead is at 0, so there is no ratio."),
    "dom.s.gini": ("0 表示每个村（社区）都一样，越接近 1 越集中在少数地方（{weighting}）。",
                   "0 means every village is the same; the closer to 1, the more the service "
                   "is concentrated in few places ({weighting})."),
    "dom.s.theil": ("村（社区）之间的总体不均，可拆成城乡之间与城乡内部两部分；0 表示完全均衡。",
                    "Overall inequality between villages, which splits into a part between urban "
                    "and rural areas and a part within them; 0 means fully equal."),
    "dom.s.between": ("总体不均中 {b}% 来自城乡之间的差距，{w}% 来自城镇内部和乡村内部各村之间。",
                      "{b}% of the overall inequality is the urban-rural gap; {w}% is between "
                      "villages within urban and within rural areas."),
    "dom.s.between_town": ("总体不均中 {b}% 来自乡镇之间的差距，{w}% 来自各乡镇内部。",
                           "{b}% of the overall inequality lies between townships; {w}% within them."),
    "dom.s.undefined": ("无法计算（数值全为 0 或缺失）。", "Cannot be computed (values all 0 or missing)."),
    "dom.ranking_help": ("与总览相同的顺序：按与全县之差排列，{order}；表“按乡镇”同序。",
                         "The overview's order: by the difference from the county, {order}; the "
                         "by-township table follows it."),
    "dom.distribution": ("出行时间分布（按人口）", "Travel time distribution (by residents)"),
    "dom.tables": ("数据表", "Tables"),
    "dom.table.townships": ("按乡镇", "By township"),
    "dom.table.units": ("按村（社区）", "By village or community"),
    "dom.col.township": ("乡镇（街道）", "Township"),
    "dom.col.unit": ("村（社区）", "Village / community"),
    "dom.col.code": ("统计代码", "Code"),
    "dom.col.urban_rural": ("城乡", "Urban / rural"),
    "dom.col.urban_rural_rule": ("城乡划分依据", "Urban / rural by"),
    "dom.col.value": ("数值", "Value"),
    "dom.col.weight_pop": ("人口（{band}）", "Residents ({band})"),
    "dom.col.n_units": ("村（社区）数", "Villages and communities"),
    "dom.col.status": ("是否达标", "Meets the standard"),
    "dom.col.type": ("类型", "Type"),
    "dom.col.tier": ("层级", "Tier"),
    "dom.col.name": ("名称", "Name"),
    "dom.col.n": ("数量（个）", "Number"),
    "dom.st.met": ("达标", "met"),
    "dom.st.not_met": ("未达标", "not met"),
    "dom.st.no_data": ("无数据", "no data"),
    "dom.st.short": ("床位不足", "short of beds"),
    "dom.st.enough": ("床位够用", "enough beds"),
    "dom.yes": ("是", "yes"),
    "dom.no": ("否", "no"),
    "dom.brief": ("一页简报", "One-page brief"),
    "dom.brief_help": ("当前视图（指标、标准、筛选）的一页 HTML 简报，离线可打开、可打印。",
                       "A one-page HTML brief of this view (indicator, standard, filter); opens "
                       "offline and prints on A4."),
    "dom.brief_subtitle": ("开江县 · {settings}", "Kaijiang County · {settings}"),
    "dom.brief.defaults": ("默认标准与速度", "default standard and speeds"),
    "dom.sources_line": ("单位：{unit}。", "Unit: {unit}."),
    "dom.source.standard": ("标准：{source}", "Standard: {source}"),
    # empty states
    "dom.empty.indicator": (
        "该指标暂无数值：登记表中没有所需类型的设施（{types}），或这些设施缺少所需的数值列（{column}）。"
        "导入相应登记表后即可计算。",
        "This indicator has no value: the registers hold no facility of the types needed "
        "({types}), or those facilities lack the column needed ({column}). Load the register "
        "to compute it."),
    "dom.empty.township": ("所选乡镇没有村（社区）记录。", "The selected township has no villages or communities."),
    "dom.empty.no_urban": ("数据中没有城镇或乡村单元，无法比较城乡。",
                           "The data hold no urban or no rural units: no urban-rural comparison."),
    "dom.empty.facility_none": ("数据中没有{what}。", "The data hold no {what}."),
    # what is missing (a database built without the demo, or some registers not loaded yet)
    "dom.missing": ("尚未导入{items}：{effect}。导入后即可显示：{how}。",
                    "Not loaded yet: {items}. {effect}. Shown once loaded: {how}."),
    "dom.missing.population": ("村（社区）人口与位置缺失", "the population and points of the "
                               "villages and communities are missing"),
    "dom.missing.how": ("`python -m etl load 文件 --kind {kind}`", "`python -m etl load FILE --kind {kind}`"),
    "dom.missing.upload": ("或由管理员在“数据”页上传", "or an admin uploads it on the Data page"),
    "dom.missing.indicator": ("无法计算“{name}”", "“{name}” cannot be computed"),
    "dom.missing.section": ("“{name}”暂无数据", "“{name}” has no data"),
    "dom.missing.map": ("地图上没有可显示的村（社区）数值或设施", "the map has no village values or "
                        "facilities to show"),
    "dom.missing.cards": ("各领域的城乡对比卡片无法计算", "the urban-rural cards cannot be computed"),
    "dom.missing.card": ("无法计算“{name}”的城乡值", "the urban and rural values of “{name}” "
                         "cannot be computed"),
    "dom.missing.ranking": ("乡镇排名无法计算", "the township ranking cannot be computed"),
    "dom.missing.tracker": ("尚未导入{items}", "Not loaded yet: {items}"),
    # education
    "dom.edu.kinds": ("学校与幼儿园（按类型）", "Schools and kindergartens by kind"),
    "dom.edu.students": ("在校生（人）", "Students"),
    "dom.edu.teachers": ("专任教师（人）", "Teachers"),
    "dom.edu.places": ("学位（个）", "Places"),
    "dom.edu.spt": ("生师比（生/专任教师）", "Students per full-time teacher"),
    "dom.edu.spt_title": ("各校生师比（最高的在上）", "Students per teacher by school (highest first)"),
    "dom.edu.boarding": ("寄宿：登记床位与登记寄宿生", "Boarding: registered beds against registered boarders"),
    "dom.edu.boarding_def": (
        "寄宿口径（各页相同）：只计义务教育学校——教学点、小学、九年一贯制学校、初中；普通高中和职业高中不计入。"
        "“登记寄宿生”是学校登记表中今天的寄宿人数（本页和总览的试点任务跟踪）；“需要寄宿的学生”是按走读时间规则"
        "测算的需求（“规划 → 寄宿制学校”）。两者是不同的数，从不相加。",
        "Boarding, one definition on every page: compulsory-education schools only — teaching "
        "points, primary, nine-year and junior middle schools; senior high and vocational "
        "schools are not counted. *Registered boarders* are today's boarders in the school "
        "register (this page and the plan tracker on the overview); *pupils who need a boarding "
        "place* are the need modelled from the day-trip rules (Planning → Boarding schools). "
        "They are different figures and are never added together."),
    "dom.edu.boarding_plan": ("试点方案在任市、长岭、甘棠建设寄宿制学校。床位余缺 = 寄宿床位 − 寄宿生：正数为富余床位，负数为缺床位（有寄宿生没有床位）。",
                          "The pilot plan builds boarding schools at 任市, 长岭 and 甘棠. "
                          "Beds spare (+) or short (−) = boarding beds − boarders: a positive number is "
                          "spare beds, a negative one boarders without a bed."),
    "dom.edu.boarding_by_town": ("按乡镇", "By township"),
    "dom.edu.boarding_by_school": ("按学校（缺口最大的在上）", "By school (largest shortfall first)"),
    "dom.edu.boarders": ("登记寄宿生（人）", "Registered boarders"),
    "dom.edu.boarding_beds": ("寄宿床位（张）", "Boarding beds"),
    "dom.edu.gap": ("床位余缺（张，负数为缺）", "Beds spare (+) / short (−)"),
    "dom.edu.beds_per_boarder": ("床/寄宿生", "Beds per boarder"),
    "dom.edu.n_boarding_schools": ("有寄宿的学校（所）", "Schools with boarding"),
    "dom.edu.in_plan": ("试点寄宿镇", "Plan boarding town"),
    "dom.edu.no_boarding": ("数据中没有寄宿生或寄宿床位记录。", "The data hold no boarders or boarding beds."),
    "dom.edu.short_summary": (
        "义务教育学校登记寄宿生 **{boarders}** 人、寄宿床位 **{beds}** 张（{n} 所学校有寄宿）：{n_short} 所学校床位不足，"
        "共缺 **{short}** 张；其他学校共富余 {spare} 张。床位 − 寄宿生 = 富余 − 短缺 = {balance} 张。"
        "富余床位在别的学校，不能直接抵消短缺，所以短缺按学校相加。",
        "The compulsory-education schools register **{boarders}** boarders and **{beds}** "
        "boarding beds ({n} schools with boarding): {n_short} schools are short of beds, "
        "**{short}** beds in all; the others have {spare} beds spare. Beds − boarders = spare − "
        "short = {balance}. Spare beds at one school do not make up for another's shortage, so "
        "the shortage is summed school by school."),
    "dom.edu.other_boarding": (
        "另有普通高中、职业高中登记寄宿生 {boarders} 人、寄宿床位 {beds} 张（非义务教育，不计入上面的数字和总览）。",
        "Senior high and vocational schools also register {boarders} boarders and {beds} "
        "boarding beds (not compulsory education: not in the figures above nor on the overview)."),
    "dom.edu.modelled": (
        "按走读时间规则测算的寄宿需求（需要寄宿的学生、安置到哪里、需新建多少床位）见“规划 → 寄宿制学校”。",
        "The modelled need (pupils who need a boarding place, where they board, the beds to "
        "build) is on Planning → Boarding schools."),
    "dom.edu.groups": ("教育集团（“4+1”）", "School groups (\"4+1\")"),
    "dom.edu.group": ("教育集团", "School group"),
    "dom.edu.n_schools": ("成员学校（所）", "Member schools"),
    "dom.edu.n_townships": ("覆盖乡镇（个）", "Townships covered"),
    "dom.edu.members": ("成员", "Members"),
    "dom.edu.no_groups": ("登记表没有“所属教育集团”（school_group）列或该列为空，无法显示“4+1”集团化办学。",
                      "The registers carry no school-group membership (school_group), so the "
                      "\"4+1\" groups cannot be shown."),
    # health
    "dom.health.kinds": ("医疗卫生机构（按类型）", "Health facilities by kind"),
    "dom.health.beds": ("床位（张）", "Beds"),
    "dom.health.doctors": ("执业（助理）医师（人）", "Doctors"),
    "dom.health.nurses": ("注册护士（人）", "Nurses"),
    "dom.health.by_town": ("各乡镇一览", "Townships at a glance"),
    "dom.health.sub_centre": ("试点方案原文：“设立医养结合中心1个，组建紧密型区域医合体5个”“建立县域医疗卫生次中心”。"
                              "医合体即县域医疗卫生共同体，常称医共体（规划页沿用“医共体”）。登记表未标注各机构属于哪个医合体，"
                              "暂无法显示现有分组；可在“规划 → {consortia}”“规划 → {subcentre}”中试算。",
                              "The pilot plan: \"one medical-elderly care centre, five close regional "
                              "medical consortia (紧密型区域医合体)\" and \"a county medical "
                              "sub-centre\". 医合体 is the plan's word for a county medical "
                              "community, usually called 医共体 (the Planning pages' word). The "
                              "registers do not record which consortium a facility belongs to, so the "
                              "actual grouping cannot be shown yet; try groupings and sites under "
                              "Planning → {consortia} and Planning → {subcentre}."),
    # elderly and child care
    "dom.care.kinds": ("养老与托育机构（按类型）", "Elderly and child-care facilities by kind"),
    "dom.care.care_beds": ("养老床位（张）", "Care beds"),
    "dom.care.places": ("托位（个）", "Places"),
    "dom.care.medical_elderly": ("医养结合", "Medical-elderly care"),
    "dom.care.medical_elderly_none": ("数据中没有医养结合中心。试点方案要求建设 1 个医养结合中心，目前登记表未见，按未建成计。",
                                  "The data hold no medical-elderly care centre. The pilot plan asks "
                                  "for one; none is in the registers, so it counts as not built."),
    "dom.care.medical_elderly_some": ("数据中有 {n} 个医养结合中心（试点方案要求 1 个）：{names}。",
                                  "The data hold {n} medical-elderly care centre(s) (the plan asks for "
                                  "one): {names}."),
    "dom.care.infant": ("婴幼儿托育（0—2岁）", "Infant care (0-2)"),
    "dom.care.infant_none": ("数据中没有托育机构（0—2岁）。", "The data hold no infant-care (0-2) institution."),
    "dom.care.by_town": ("各乡镇一览", "Townships at a glance"),
    # culture
    "dom.culture.tiers": ("四级公共文化设施网络覆盖检查", "Four-tier culture network: coverage audit"),
    "dom.culture.tiers_note": ("试点方案的四级网络：田园大舞台（县）→ 乡镇文化综合体（乡镇）→ 村级文化服务中心（村）→ 院坝文化驿家（院坝）。",
                           "The plan's four tiers: county rural stage → township cultural complex → "
                           "village cultural service centre → courtyard cultural post."),
    "dom.culture.county_stage_ok": ("县级：有田园大舞台 {n} 个。", "County: {n} county rural stage(s)."),
    "dom.culture.county_stage_none": ("县级：数据中没有田园大舞台。", "County: the data hold no county rural stage."),
    "dom.culture.missing_complex": ("缺乡镇文化综合体的乡镇：{names}。", "Townships without a township cultural complex: {names}."),
    "dom.culture.all_complex": ("每个乡镇都有乡镇文化综合体。", "Every township has a township cultural complex."),
    "dom.culture.missing_units": ("{n} 个村（社区）缺村级文化服务中心，{m} 个缺院坝文化驿家（见下表）。",
                              "{n} villages or communities lack a village cultural service centre and "
                              "{m} lack a courtyard cultural post (see the table)."),
    "dom.culture.by_town": ("按乡镇", "By township"),
    "dom.culture.units_lacking": ("缺设施的村（社区）", "Villages and communities lacking a facility"),
    "dom.culture.lack.village_centre": ("缺村级文化服务中心的村（社区）数",
                                        "Units without a village cultural service centre"),
    "dom.culture.lack.courtyard_post": ("缺院坝文化驿家的村（社区）数", "Units without a courtyard cultural post"),
    "dom.culture.branches": ("图书馆、文化馆总分馆", "Library and cultural-centre branch network"),
    "dom.culture.missing_branch": ("缺{what}的乡镇：{names}。", "Townships without a {what}: {names}."),
    "dom.culture.all_branch": ("每个乡镇都有{what}。", "Every township has a {what}."),
    "dom.culture.hours": ("每周开放时长与标准", "Weekly opening hours against the standard"),
    "dom.culture.hours_note": ("标准：县图书馆、文化馆每周不少于 {county} 小时；分馆每周不少于 {branch} 小时（分馆标准未核验）。",
                           "Standard: county library and cultural centre at least {county} h a week; "
                           "branches at least {branch} h a week (the branch standard is not verified)."),
    "dom.culture.hours_summary": ("{n} 个馆未达标。", "{n} venues fall short."),
    "dom.culture.hours_col": ("周开放（小时）", "Hours per week"),
    "dom.culture.standard_col": ("标准（小时）", "Standard (h)"),
    "dom.culture.gap_col": ("差距（小时）", "Gap (h)"),
}
