"""UI strings of the four planning pages (规划): key -> (中文, English).

Merged into :data:`ui.i18n.TEXT`; keys here must not repeat keys of ``ui/i18n.py`` (all of
them start with ``plan.``, except the four page titles ``page.plan_*``).
"""

PLANNING_TEXT: dict[str, tuple[str, str]] = {
    # a tool without the data it needs (etl build --no-demo, registers not loaded yet)
    "plan.missing.tool": ("“{name}”无法运行", "“{name}” cannot run"),
    "plan.missing.candidates": ("医院与卫生院登记表中没有可作次中心候选的中心卫生院或乡镇卫生院，"
                                "“卫生次中心选址”无法运行。",
                                "The hospitals and health centres register holds no central or "
                                "township health centre to choose as a sub-centre: the sub-centre "
                                "siting cannot run."),
    "page.plan_subcentre": ("卫生次中心选址", "Medical sub-centre siting"),
    "page.plan_consortia": ("医共体分区", "Medical consortia regions"),
    "page.plan_boarding": ("寄宿制学校", "Boarding schools"),
    "page.plan_scenarios": ("情景对比", "Scenarios"),
    # shared
    "plan.run": ("运行优化", "Run the optimisation"),
    "plan.compute": ("计算", "Compute"),
    "plan.solving": ("正在求解…", "Solving…"),
    "plan.solved": ("求解完成", "Solved"),
    "plan.failed": ("无可行方案", "No feasible solution"),
    "plan.min": ("分钟", "min"),
    "plan.role": ("图例", "Legend"),
    "plan.col.role": ("类别", "Role"),
    "plan.role.candidate": ("其他候选卫生院", "Other candidate health centres"),
    "plan.role.kept": ("县级医院（保留）", "County hospitals (kept)"),
    "plan.role.chosen": ("选中的次中心", "Chosen sub-centres"),
    "plan.role.lead": ("牵头医院", "Lead hospital"),
    "plan.role.school": ("其他中小学", "Other schools"),
    "plan.role.boarding": ("寄宿制学校", "Boarding schools"),
    "plan.col.indicator": ("指标", "Indicator"),
    "plan.col.unit": ("单位", "Unit"),
    "plan.col.county_before": ("全县·现状", "County · now"),
    "plan.col.county_after": ("全县·情景", "County · scenario"),
    "plan.col.gap_before": ("城乡差·现状", "Urban−rural gap · now"),
    "plan.col.gap_after": ("城乡差·情景", "Urban−rural gap · scenario"),
    "plan.col.gini_before": ("基尼系数·现状", "Gini · now"),
    "plan.col.gini_after": ("基尼系数·情景", "Gini · scenario"),
    "plan.col.site": ("医院", "Hospital"),
    "plan.col.beds": ("床位", "Beds"),
    "plan.col.served": ("就近服务人口", "Residents for whom it is nearest"),
    "plan.col.served_min": ("这些居民的平均车程", "Their mean drive"),
    "plan.col.township": ("乡镇（街道）", "Township"),
    "plan.col.population": ("常住人口", "Residents"),
    "plan.col.lead_min": ("到牵头医院车程（分钟）", "Drive to the lead hospital (min)"),
    "plan.col.school": ("学校", "School"),
    "plan.col.id": ("编号", "ID"),
    "plan.col.name": ("名称", "Name"),
    "plan.col.type": ("类型", "Type"),
    "plan.col.open": ("开办", "Open"),
    "plan.field.students": ("在校生", "Students"),
    "plan.field.teachers": ("教师", "Teachers"),
    "plan.field.boarding_beds": ("寄宿床位", "Boarding beds"),
    "plan.field.beds": ("床位", "Beds"),
    "plan.field.doctors": ("医生", "Doctors"),
    "plan.field.nurses": ("护士", "Nurses"),
    "plan.field.care_beds": ("养老床位", "Care beds"),
    "plan.field.places": ("托位", "Places"),
    "plan.field.seats": ("座位", "Seats"),
    "plan.field.area_m2": ("面积（平方米）", "Area (m²)"),
    "plan.field.hours_per_week": ("每周开放小时", "Hours open per week"),
    # sub-centre
    "plan.sub.intro": (
        "试点方案第15项提出建立县域医疗卫生次中心。这里在 {n} 所乡镇卫生院中按所选候选范围选出次中心，"
        "使之与保留的县级医院（{required}，均在淙城街道）一起，让居民看病最近；每所入选卫生院的床位负荷同时列出。"
        "“现状”只计县级医院；“方案”加上选中的次中心。{travel}",
        "Task 15 of the pilot plan calls for county medical sub-centres. Here sub-centres are "
        "chosen among the {n} township health centres, within the chosen eligibility, so that, "
        "together with the county hospitals, which are kept ({required}, all in 淙城街道 Congcheng Jiedao), care "
        "is as close as possible; the load on each chosen centre's beds is shown with it. "
        "“Now” counts the county hospitals only; “plan” adds the chosen sub-centres. {travel}"),
    "plan.travel.straight_line": ("车程按直线距离×绕行系数÷车速估算（直线估算，非路网）。",
                                  "Drive times are straight-line distance × detour factor ÷ car "
                                  "speed (straight-line estimate, not a road network)."),
    "plan.travel.network": ("车程沿已导入的道路网计算（路网）；与任何站点都无道路连通的村不计入平均。",
                            "Drive times follow the loaded road network (road network); villages "
                            "with no road to any site are left out of the means."),
    "plan.sub.eligible": ("候选范围", "Eligible centres"),
    "plan.sub.no_road": ("{n} 个村（{people} 人）与县医院和任何可选卫生院都无道路连通：任何方案都覆盖不到，"
                         "不参与选址，不计入平均出行时间，计为未覆盖。",
                         "{n} villages ({people} residents) have no road connection to the county "
                         "hospitals or any eligible health centre: no proposal covers them; they "
                         "take no part in the siting, are left out of the mean travel and count "
                         "as not covered."),
    "plan.brd.no_road": ("{n} 个村的 {pupils} 名学生到同学段任何学校都无道路连通：不能走读，寄宿也无校可达，"
                         "计入未安置。",
                         "{pupils} pupils of {n} villages have no road connection to any school of "
                         "their level: no day trip, no boarding school in reach; counted as not "
                         "placed."),
    "plan.sub.eligible_note": (
        "候选范围：{rule}，{k} 所可选{others}。{help}",
        "Eligible: {rule}, {k} to choose from{others}. {help}"),
    "plan.sub.eligible_others": ("，其余 {other} 所不参与", "; the other {other} take no part"),
    "plan.sub.n_new": ("次中心数量", "Number of sub-centres"),
    "plan.sub.n_new_help": ("集合覆盖模型自己决定数量，不用此项。",
                            "Set covering finds the number itself and ignores this."),
    "plan.sub.objective": ("模型", "Model"),
    "plan.sub.objective_help": (
        "p-中位：人口加权平均车程最短。有容量 p-中位：同上，但每所次中心服务的居民不超过"
        "“床位 × 全县每床服务人口”，其余由县级医院承担。最大覆盖：N 分钟内居民最多。"
        "集合覆盖：所有居民都在 N 分钟内所需的最少次中心。p-中心：最远的村（社区）车程最短。",
        "p-median: the shortest population-weighted average drive. Capacitated p-median: the "
        "same, but no sub-centre serves more residents than its beds × the county's residents "
        "per bed; the county hospitals take the rest. Maximal covering: the most residents "
        "within N minutes. Set covering: the fewest sub-centres that put every resident within "
        "N minutes. p-center: the shortest drive for the farthest village."),
    "plan.sub.obj.pmedian": ("平均车程最短（p-中位）", "Shortest average drive (p-median)"),
    "plan.sub.obj.pmedian_cap": ("平均车程最短且不超床位容量（有容量 p-中位）",
                                 "Shortest drive within bed capacity (capacitated p-median)"),
    "plan.sub.obj.mclp": ("N 分钟内覆盖人口最多（最大覆盖）", "Most residents within N minutes (max. coverage)"),
    "plan.sub.obj.lscp": ("N 分钟内覆盖全部居民所需最少（集合覆盖）",
                          "Fewest sites with everyone within N minutes (set covering)"),
    "plan.sub.obj.pcenter": ("最远车程最短（p-中心）", "Shortest longest drive (p-center)"),
    "plan.sub.cover_min": ("N：覆盖时间（驾车）", "N: coverage time (by car)"),
    "plan.sub.within": ("{n} 分钟车程内人口占比", "Residents within a {n}-minute drive"),
    "plan.sub.within_help": ("到最近的县级医院或次中心", "To the nearest county hospital or sub-centre"),
    "plan.sub.mean": ("平均车程", "Average drive"),
    "plan.sub.people_gained": ("{n} 分钟内新增覆盖人口", "Residents newly within {n} minutes"),
    "plan.sub.press": ("选择候选范围、模型和数量后点击“运行优化”。下图为现状：只有县级医院时各村（社区）的车程。",
                       "Choose the eligible centres, the model and the number, then press “Run the "
                       "optimisation”. The map shows today: drive times when only the county "
                       "hospitals count."),
    "plan.sub.site_beds": ("{name}（{beds} 床）", "{name} ({beds} beds)"),
    "plan.sub.why.pmedian": ("在{rule}中、保留县级医院，这一组合使全县居民到最近医院的人口加权平均车程最短",
                             "among {rule}, keeping the county hospitals, this set gives the "
                             "shortest population-weighted average drive to the nearest hospital"),
    "plan.sub.why.pmedian_cap": (
        "在{rule}中、保留县级医院，每所次中心服务的居民不超过其床位 × 全县每床服务人口（{per_bed} 人），"
        "其余由县级医院承担；在此前提下，这一组合使居民到所分配医院的平均车程最短（{value} 分钟）",
        "among {rule}, keeping the county hospitals, with no sub-centre serving more "
        "residents than its beds × the county's residents per bed ({per_bed}) and the county "
        "hospitals taking the rest, this set gives the shortest average drive to the assigned "
        "hospital ({value} min)"),
    "plan.sub.why.mclp": ("在{rule}中、保留县级医院，这一组合使 {n} 分钟车程内的居民最多",
                          "among {rule}, keeping the county hospitals, this set puts the most "
                          "residents within a {n}-minute drive"),
    "plan.sub.why.lscp": ("在{rule}中、保留县级医院，要让每个村（社区）都在 {n} 分钟车程内，最少需要 {value} 所次中心",
                          "among {rule}, keeping the county hospitals, {value} sub-centres are "
                          "the fewest that put every village within a {n}-minute drive"),
    "plan.sub.why.pcenter": ("在{rule}中、保留县级医院，这一组合使车程最远的村（社区）的车程最短（{value} 分钟）",
                             "among {rule}, keeping the county hospitals, this set gives the "
                             "farthest village the shortest drive ({value} min)"),
    "plan.sub.result": (
        "**建议次中心：{sites}。** 原因：{why}。效果：{n} 分钟车程内居民从 {b_share} 增至 {a_share}"
        "（新增 {gained} 人）；平均车程从 {b_mean} 分钟降至 {a_mean} 分钟。（求解用时 {time} 秒，已证明最优。）",
        "**Suggested sub-centres: {sites}.** Why: {why}. What it buys: residents within a {n}-minute "
        "drive rise from {b_share} to {a_share} ({gained} more people); the average drive falls from "
        "{b_mean} to {a_mean} minutes. (Solved in {time} s, proven optimal.)"),
    "plan.sub.measure.pmedian": ("平均车程 {value} 分钟", "an average drive of {value} min"),
    "plan.sub.measure.pmedian_cap": ("到所分配医院的平均车程 {value} 分钟",
                                     "an average drive to the assigned hospital of {value} min"),
    "plan.sub.measure.mclp": ("{n} 分钟内居民 {value} 人", "{value} residents within {n} min"),
    "plan.sub.measure.lscp": ("需要次中心 {value} 所", "{value} sub-centres needed"),
    "plan.sub.measure.pcenter": ("最远车程 {value} 分钟", "a longest drive of {value} min"),
    "plan.sub.next_best": (
        "**次优方案：{sites}**（以{added}代替{dropped}）：{alt}，本方案为{best}；{detail}。"
        "次优方案是不选某一所建议的次中心时能得到的最好方案（每所各去掉一次、重新求解，取最好者）。",
        "**Next best: {sites}** ({added} instead of {dropped}): {alt}, against {best} for the "
        "proposal; {detail}. The next best is the best proposal without one of the suggested "
        "sub-centres (each left out in turn, solved again, the best kept)."),
    "plan.sub.next_equal": (
        "**同样好的另一方案：{sites}**（以{added}代替{dropped}）：{alt}，与本方案相同；{detail}。"
        "可按其他考虑（如现有床位）在两者之间选择。",
        "**An equally good alternative: {sites}** ({added} instead of {dropped}): {alt}, the "
        "same as the proposal; {detail}. Other grounds (such as the beds there today) can decide "
        "between the two."),
    "plan.sub.detail.share": ("{n} 分钟内居民 {alt}（本方案 {best}）",
                              "{alt} of residents within {n} min ({best} for the proposal)"),
    "plan.sub.detail.mean": ("到最近医院的平均车程 {alt} 分钟（本方案 {best} 分钟）",
                             "an average drive to the nearest hospital of {alt} min ({best} min "
                             "for the proposal)"),
    "plan.sub.next_none": ("没有其他可行方案：去掉任何一所建议的次中心，都无法满足模型的要求。",
                           "No other proposal is feasible: without any one of the suggested "
                           "sub-centres the model's requirement cannot be met."),
    "plan.sub.load_head": (
        "**床位负荷偏高**（每床服务人口超过全县水平每床 {county} 人的 {ratio} 倍即标出；作为次中心需要扩充）：",
        "**High load on beds** (flagged above {ratio} times the county's {county} residents per "
        "bed; as a sub-centre it would need to grow):"),
    "plan.sub.load_row": (
        "{name}：{beds} 张床就近服务 {served} 人，每床 {per_bed} 人，为全县水平的 {times} 倍；按全县水平约需 {need} 张床。",
        "{name}: {beds} beds for the {served} residents nearest to it, {per_bed} a bed, {times} "
        "times the county's; at the county's level it would need about {need} beds."),
    "plan.sub.load_ok": ("建议的次中心床位负荷均不超过全县水平（每床 {county} 人）的 {ratio} 倍。",
                         "No suggested sub-centre serves more than {ratio} times the county's "
                         "{county} residents per bed."),
    "plan.sub.load_note": (
        "每床服务人口 = 服务人口 ÷ 床位；全县水平 = 常住人口 {residents} ÷ 医院和卫生院床位 {beds} = 每床 {per_bed} 人"
        "（每名医生 {per_doctor} 人）。超过全县水平 {ratio} 倍标 ⚠（此阈值是本工具的假设）。"
        "按全县水平需床位 = 服务人口 ÷ {per_bed}。",
        "Residents per bed = residents served ÷ beds; the county's level = {residents} residents "
        "÷ {beds} beds of the hospitals and health centres = {per_bed} a bed ({per_doctor} a "
        "doctor). More than {ratio} times the county's is marked ⚠ (the threshold is an "
        "assumption of this tool). Beds at the county's level = residents served ÷ {per_bed}."),
    "plan.sub.cap_note": (
        "有容量 p-中位：每所次中心最多服务“床位 × {per_bed}”人，县级医院不设上限（承担其余居民）；"
        "表中服务人口是模型的分配，不一定是就近。上方的覆盖和平均车程仍按最近的医院计。",
        "Capacitated p-median: each sub-centre serves at most its beds × {per_bed} residents; "
        "the county hospitals have no limit and take the rest. The table's residents are the "
        "model's assignment, not always the nearest; the coverage and average drive above "
        "still count the nearest hospital."),
    "plan.sub.lscp_beyond": (
        "集合覆盖无解：在{rule}和县级医院中，{names}离最近的一所都超过 {n} 分钟车程。"
        "请把 N 调到 {limit} 分钟以上，或放宽候选范围。",
        "Set covering has no solution: among {rule} and the county hospitals, {names} "
        "lie more than {n} minutes' drive from the nearest. Raise N to {limit} minutes or more, "
        "or widen the eligible centres."),
    "plan.sub.too_few": ("候选范围（{rule}）只有 {k} 所，少于要选的 {n} 所：请减少数量或放宽候选范围。",
                         "Only {k} centres are eligible ({rule}), fewer than the {n} to choose: "
                         "choose fewer or widen the eligible centres."),
    "plan.sub.no_beds": ("医院与卫生院登记表中没有床位数，无法使用有容量 p-中位。",
                         "The hospitals register holds no beds: the capacitated p-median cannot run."),
    "plan.sub.role.ineligible": ("不在候选范围的卫生院", "Health centres not eligible"),
    "plan.sub.role.candidate": ("其他可选卫生院", "Other eligible health centres"),
    "plan.sub.role.kept": ("县级医院（保留）", "County hospitals (kept)"),
    "plan.sub.role.chosen": ("选中的次中心", "Chosen sub-centres"),
    "plan.sub.col.doctors": ("医生", "Doctors"),
    "plan.sub.col.assigned": ("分配的服务人口", "Residents assigned to it"),
    "plan.sub.col.per_bed": ("每床服务人口", "Residents per bed"),
    "plan.sub.col.per_doctor": ("每名医生服务人口", "Residents per doctor"),
    "plan.sub.col.times": ("负荷（为全县每床服务人口的倍数）", "Load (times the county's residents per bed)"),
    "plan.sub.times": ("{times} 倍", "{times} ×"),
    "plan.sub.times_flag": ("⚠ {times} 倍", "⚠ {times} ×"),
    "plan.sub.col.need": ("按全县水平需床位", "Beds at the county's level"),
    "plan.sub.unit.people": ("人", "people"),
    "plan.sub.unit.beds": ("张", "beds"),
    "plan.sub.unit.per_bed": ("人/床", "per bed"),
    "plan.sub.unit.per_doctor": ("人/医生", "per doctor"),
    "plan.sub.map_value": ("到最近医院车程", "Drive to nearest hospital"),
    "plan.sub.map_note": ("颜色：各村（社区）到最近的县级医院或选中次中心的车程；绿色大圆点为选中的次中心，红色为县级医院，"
                          "蓝色为其他可选卫生院，黑圈小白点为不在候选范围的卫生院。鼠标悬停可见床位数。",
                          "Colour: each village's drive to the nearest county hospital or chosen "
                          "sub-centre; large green dots are the chosen sub-centres, red the county "
                          "hospitals, blue the other eligible health centres, small white dots in a "
                          "dark ring the health centres that are not eligible. Hover for the beds."),
    "plan.sub.table": ("各医院服务的居民与床位负荷", "Residents served and the load on beds"),
    "plan.sub.same_place": (
        "相距不到 {km} 公里的医院合为一行（如县城的三家县级医院）：居民在它们之间只差一两分钟车程，"
        "按最近分配没有意义。",
        "Hospitals less than {km} km apart are one row (such as the three county hospitals in "
        "the county town): they are a minute or two apart, so splitting residents between them "
        "by the nearest one would mean nothing."),
    # consortia
    "plan.con.intro": (
        "试点方案第15项提出组建五个紧密型区域医共体。模型把 {n} 个乡镇（街道）分成 k 个相连的片，每片由一所牵头医院"
        "（{leads} 所候选：县人民医院及各乡镇最大的卫生院）带领，使居民到牵头医院的人口加权车程最短，且各片人口大致均衡。",
        "Task 15 of the pilot plan calls for five close regional medical consortia. The model groups "
        "the {n} townships into k connected regions, each led by one hospital ({leads} candidates: the "
        "county People's Hospital and the largest health centre of each township), so that the "
        "population-weighted drive to the lead is shortest and regions are of similar population."),
    "plan.con.k": ("分区数 k", "Number of regions k"),
    "plan.con.deviation": ("人口允许偏离均值", "Allowed population deviation from the mean"),
    "plan.con.deviation_help": ("0.5 表示每片人口在平均值的 50%—150% 之间。",
                                "0.5 means each region holds 50-150 % of the mean population."),
    "plan.con.press": ("点击“运行优化”划分医共体。地图先显示县里的四大片区。",
                       "Press “Run the optimisation” to draw the consortia. The map shows the "
                       "county's four planning zones meanwhile."),
    "plan.con.infeasible": ("在这些条件下无法分区：{reason}。请放宽人口偏离或改变 k。",
                            "No grouping meets these conditions: {reason}. Allow a larger population "
                            "deviation or change k."),
    "plan.con.result": (
        "**{k} 个医共体，牵头医院：{leads}。** 每片人口 {low}—{high} 人；{contiguous}；居民到牵头医院平均车程 {mean} 分钟。",
        "**{k} consortia, led by {leads}.** Regions hold {low}-{high} residents; {contiguous}; the "
        "average drive to the lead hospital is {mean} minutes."),
    "plan.con.contiguous": ("每片地域相连", "every region is one connected piece"),
    "plan.con.not_contiguous": ("注意：在这些条件下无法保证每片地域相连", "note: under these conditions "
                                "not every region could be kept connected"),
    "plan.con.region": ("医共体", "Consortium"),
    "plan.con.zone": ("片区", "Planning zone"),
    "plan.con.map_note": ("颜色为医共体，黑圈白点为牵头医院。", "Colours are the consortia; white dots "
                          "ringed in black are the lead hospitals."),
    "plan.con.map_zones": ("颜色为县里的四大片区（城乡融合、前厢、环宝石湖、后厢）。",
                           "Colours are the county's four planning zones."),
    "plan.con.user": ("您的分区", "Your grouping"),
    "plan.con.user_help": ("在右列为每个乡镇填写所属分区（任意名称，默认是四大片区），与模型结果比较。",
                           "Type a region for each township in the right column (any name; the four "
                           "planning zones to start with) to compare it with the model."),
    "plan.con.compare": ("与片区和您的分区比较", "Compared with the zones and your grouping"),
    "plan.con.compare_help": (
        "兰德指数：两种分法对每两个乡镇“同片/不同片”判断一致的比例；调整兰德指数扣除了偶然一致（1 = 完全相同，约 0 = 无关）；"
        "匹配人口占比：把两种分法的片一一对应后，被分在同一片的人口比例。人口偏离：最大一片与平均人口之差。"
        "平均到牵头医院：各乡镇驾车到本片牵头医院的时间按人口加权平均；片区和您的分区未指定牵头医院，"
        "每片取片内使全片出行最少的医院，片内没有时取片外最优的一家。",
        "Rand index: share of township pairs both groupings treat alike (together or apart); adjusted "
        "Rand removes chance agreement (1 = identical, about 0 = unrelated); matched population: share "
        "of residents in the same region after pairing up the regions one to one. Deviation: the "
        "largest gap between a region's population and the mean. Mean travel to the lead: "
        "population-weighted minutes by car from each township to its region's lead; a grouping "
        "that names no leads (the zones, yours) gets, per region, the hospital inside it with the "
        "least travel for the region, or the best one outside when none lies inside."),
    "plan.con.measure": ("指标", "Measure"),
    "plan.con.col_model": ("模型分区", "Model"),
    "plan.con.col_zones": ("四大片区", "Planning zones"),
    "plan.con.col_user": ("您的分区", "Your grouping"),
    "plan.con.m_regions": ("片数", "Regions"),
    "plan.con.m_deviation": ("人口最大偏离均值（%）", "Largest population deviation from the mean (%)"),
    "plan.con.m_connected": ("各片地域相连", "Every region connected"),
    "plan.con.m_travel": ("居民到牵头医院平均车程（分钟）", "Mean drive to the lead hospital (min)"),
    "plan.con.m_outside": ("片内无牵头医院的片数", "Regions with no lead hospital inside"),
    "plan.con.rand": ("与模型分区的兰德指数", "Rand index with the model"),
    "plan.con.ari": ("与模型分区的调整兰德指数", "Adjusted Rand with the model"),
    "plan.con.matched": ("与模型分区匹配的人口占比（%）", "Population matched with the model (%)"),
    "plan.con.members": ("各乡镇所属", "Township by township"),
    # boarding
    "plan.brd.intro": (
        "试点方案第13项提出在任市、长岭、甘棠建设寄宿制学校。按国办发〔2018〕27号的规则（下方可调）：1—3年级不寄宿，"
        "单程一般不超过半小时；4—6年级和初中学生到最近同学段学校的走读单程超过上限时需要寄宿。需要寄宿的学生安排到"
        "寄宿生单程上限以内、有寄宿床位的学校：先用各校（选中与否）现有的空床位，不够时由所选寄宿制学校新建床位；"
        "仍安排不下的学生单列，并说明原因。",
        "Task 13 of the pilot plan calls for boarding schools at 任市, 长岭 and 甘棠. Under the 2018 "
        "State Council rules (editable below) grades 1-3 do not board and travel at most about half "
        "an hour; pupils of grades 4-6 and junior school whose day trip to the nearest school of "
        "their level exceeds the limit need a boarding place. They are placed at schools with "
        "boarding beds within the boarders' trip limit: first in the empty beds every school has "
        "today (chosen or not), then in new beds at the chosen boarding schools; pupils who still "
        "cannot be placed are listed with the reason."),
    "plan.brd.schools": ("所选寄宿制学校（可新建床位）", "Chosen boarding schools (may build beds)"),
    "plan.brd.schools_help": (
        "其他学校的现有寄宿床位照样使用，只是不新建；所选学校在床位不够时新建。",
        "Every other school's boarding beds are used too, but only the chosen schools build "
        "new beds when those run out."),
    "plan.brd.rules": ("规则（国办发〔2018〕27号，可调）", "Rules (State Council 2018 No. 27, editable)"),
    "plan.brd.mode": ("走读上学方式", "Day pupils travel by"),
    "plan.brd.board_mode": ("寄宿生每周往返方式", "Boarders' weekly trip by"),
    "plan.brd.board_mode_help": (
        "“寄宿生单程最长交通时间”按这种方式计算。寄宿生每周往返一次，多由家长接送或乘车；"
        "按步行计算时，能在上限内到达寄宿学校的学生很少。",
        "The boarders' trip limit is measured by this mode. Boarders travel once a week, mostly "
        "driven or by bus; on foot few of them reach a boarding school within the limit."),
    "plan.brd.mode_note": (
        "走读按步行计算：走读时间上限内能到校的范围很小，寄宿需求因此远大于按校车计算。多数农村学生乘校车时请切换到“校车”；"
        "4—6年级与初中的45分钟上限为建模假设，应由县教育局按本地实际确定。",
        "Day trips are computed for walking: few villages lie within the day-trip limits on foot, "
        "so far more pupils must board than with a school bus. Switch to the school bus where most "
        "rural pupils ride one; the 45-minute limits for grades 4-6 and junior pupils are modelling "
        "assumptions for the county education bureau to set."),
    "plan.brd.n_close": ("撤并最小的 N 个教学点", "Merge the N smallest teaching points"),
    "plan.brd.n_close_help": ("学生转到最近的小学；教师是否随迁见右侧开关。",
                              "Pupils move to the nearest primary school; whether teachers "
                              "follow is the switch beside."),
    "plan.brd.need_pupils": ("需要寄宿（人）", "Need a boarding place"),
    "plan.brd.need_help": (
        "4—6年级（允许寄宿时）和初中学生中，到最近同学段学校的走读单程超过上限的人数（按人口测算，不是登记人数）。"
        "= 已安置 + 未能安置。",
        "Pupils of grades 4-6 (when they may board) and junior school whose day trip to the "
        "nearest school of their level exceeds the limit (modelled from the population, not the "
        "register). = placed + not placed."),
    "plan.brd.placed": ("已安置（人）", "Placed"),
    "plan.brd.placed_help": ("安置在寄宿生单程上限以内、有床位（或可新建床位）的学校。",
                             "Placed at a school within the boarders' trip limit that has a "
                             "bed (or may build one)."),
    "plan.brd.unplaced": ("未能安置（人）", "Not placed"),
    "plan.brd.unplaced_help": (
        "单程上限内没有可寄宿的学校，或附近学校床位已满且都不能新建。原因见下方各村表。",
        "No boarding school within the trip limit, or the schools within reach are full and "
        "none of them may build beds. Reasons per village in the table below."),
    "plan.brd.beds_needed": ("需要床位（张）", "Beds needed"),
    "plan.brd.beds_needed_help": ("已安置的学生 × 寄宿生人均床位。= 占用现有床位 + 新建床位。",
                                  "Pupils placed × beds per boarder. = existing beds used + new "
                                  "beds."),
    "plan.brd.beds_used": ("占用现有床位（张）", "Existing beds used"),
    "plan.brd.beds_used_help": (
        "全县义务教育学校（教学点、小学、九年一贯制、初中）现有寄宿床位中被安置学生占用的张数，选中与否的学校都算。",
        "Of today's boarding beds at every compulsory-education school (teaching points, "
        "primary, nine-year, junior), chosen or not, those the placed pupils take."),
    "plan.brd.new_beds": ("需新建床位（张）", "New beds to build"),
    "plan.brd.new_beds_help": (
        "所选寄宿制学校需要新建的床位之和：其他学校的空床位已先用上，只有现有床位不够时才新建。",
        "Beds the chosen boarding schools must build, summed: empty beds elsewhere are used first; "
        "beds are built only where today's run out."),
    "plan.brd.spare": ("空余床位（张）", "Beds left empty"),
    "plan.brd.spare_help": ("现有寄宿床位 − 占用的床位（多在寄宿生单程上限以外的学校）。",
                            "Today's boarding beds − the beds used (mostly at schools beyond the "
                            "boarders' trip limit)."),
    "plan.brd.day_mean": ("走读平均单程", "Day pupils' trip"),
    "plan.brd.day_mean_help": ("与“全部学生走读到最近学校”相比。", "Compared with every pupil going "
                               "by day to the nearest school."),
    "plan.brd.result": (
        "按上述规则，**{need}** 名学生需要寄宿（4—6年级 {need46} 名，初中 {needj} 名）：**{placed}** 名安置在寄宿生单程"
        " {limit} 分钟以内的学校（平均单程 {board_min} 分钟），**{unplaced}** 名未能安置。床位：安置的学生需要 {beds} 张"
        " = 占用现有床位 {used} 张 + 所选学校新建 **{new}** 张；全县义务教育学校现有寄宿床位 {have} 张 = 占用 {used} 张"
        " + 空余 {spare} 张。",
        "Under these rules **{need}** pupils need a boarding place ({need46} in grades 4-6, "
        "{needj} in junior school): **{placed}** are placed at schools within {limit} minutes "
        "(average trip {board_min} minutes) and **{unplaced}** cannot be placed. Beds: the placed "
        "pupils need {beds} = {used} existing beds used + **{new}** new beds at the chosen "
        "schools; the compulsory-education schools have {have} boarding beds today = {used} used "
        "+ {spare} left empty."),
    "plan.brd.unplaced_why": (
        "未能安置的原因：{reach} 名在 {limit} 分钟内没有可寄宿的学校（放宽“寄宿生单程最长交通时间”、改变往返方式，"
        "或在附近选定寄宿制学校）；{full} 名附近学校的床位已满，且都不是所选寄宿制学校（选中其中一所即可新建床位）。",
        "Why pupils are not placed: {reach} have no boarding school within {limit} minutes (raise "
        "the boarders' trip limit, change their mode of travel, or choose a boarding school near "
        "them); {full} live near schools whose beds are full and none of which is chosen "
        "(choosing one lets it build beds)."),
    "plan.brd.day_result": (
        "走读生平均单程从 {before} 分钟（全部走读）降到 {after} 分钟。{unmet13} 名1—3年级学生单程超过上限"
        "（不能寄宿，需就近办学或校车）。",
        "Day pupils' average trip falls from {before} minutes (everyone by day) to {after} "
        "minutes. {unmet13} pupils of grades 1-3 live beyond their limit (they may not board: "
        "a nearby school or a school bus is needed)."),
    "plan.brd.unmet46": ("另有 {n} 名4—6年级学生超过走读上限，但设置为不寄宿（不计入需要寄宿）。",
                         "{n} more pupils of grades 4-6 are beyond the day limit but set not to "
                         "board (not counted as needing a place)."),
    "plan.brd.registered": (
        "对照：学校登记表中，义务教育学校今天登记寄宿生 {boarders} 人、寄宿床位 {beds} 张（与“教育”页和总览的口径、数字相同）。"
        "上面“需要寄宿”是按规则测算的需求，不是登记人数，两者不相加。",
        "For comparison: the school register lists {boarders} boarders and {beds} boarding beds "
        "at the compulsory-education schools today (the same definition and figures as the "
        "Education page and the overview). “Need a boarding place” above is the need modelled "
        "from the rules, not the registered count; the two are never added."),
    "plan.brd.none": ("未选寄宿制学校：只能使用各校现有的寄宿床位，不新建床位。",
                      "No boarding school chosen: only the beds schools have today are used, "
                      "none is built."),
    "plan.brd.map_value": ("需要寄宿（人）", "Need a boarding place"),
    "plan.brd.map_note": ("颜色：各村（社区）需要寄宿的学生数（测算）；绿色大圆点为所选寄宿制学校，蓝色圆点为其他有寄宿床位的学校。",
                          "Colour: pupils who need a boarding place, per village (modelled); "
                          "large green dots are the chosen boarding schools, blue dots the other "
                          "schools with boarding beds."),
    "plan.brd.role.school": ("其他中小学", "Other schools"),
    "plan.brd.role.beds": ("有寄宿床位的学校", "Schools with boarding beds"),
    "plan.brd.role.boarding": ("所选寄宿制学校", "Chosen boarding schools"),
    "plan.brd.by_school": ("各校寄宿床位（有寄宿床位或所选的学校）", "Boarding beds by school (schools with beds, and the chosen)"),
    "plan.brd.by_school_note": ("最后一行为合计，与上方数字一致。", "The last row is the total, the "
                                "figures above."),
    "plan.brd.total": ("合计", "Total"),
    "plan.brd.col_chosen": ("所选（可新建）", "Chosen (may build)"),
    "plan.brd.col_boarders": ("安置寄宿生（人）", "Boarders placed"),
    "plan.brd.by_village": ("各村（社区）需要寄宿的学生安置在哪里", "Where each village's boarders are placed"),
    "plan.brd.by_village_note": (
        "一个村同一学段的学生分到几所学校时，列出人数最多的一所（“等 N 所”为其余学校数）。未能安置的排在前面。",
        "Where a village's pupils of one band are split between schools, the school taking most "
        "is shown (“+ N more”: the other schools). Pupils not placed come first."),
    "plan.brd.col_village": ("村（社区）", "Village / community"),
    "plan.brd.col_band": ("学段", "Grades"),
    "plan.brd.col_school": ("安置学校（人数最多的一所）", "Boarding school (taking most)"),
    "plan.brd.col_minutes": ("寄宿生单程（分钟）", "Boarders' trip (min)"),
    "plan.brd.col_reason": ("未能安置的原因", "Why not placed"),
    "plan.brd.reason.no_school_in_reach": ("单程上限内没有可寄宿的学校", "No boarding school within the trip limit"),
    "plan.brd.reason.beds_full": ("附近学校床位已满、不能新建", "Beds within reach full, none may build"),
    "plan.brd.band.g1_3": ("1—3年级", "Grades 1-3"),
    "plan.brd.band.g4_6": ("4—6年级", "Grades 4-6"),
    "plan.brd.band.junior": ("初中", "Junior middle"),
    "plan.brd.have": ("现有床位（张）", "Beds today"),
    "plan.brd.merge": ("撤并小规模教学点的影响", "Effect of merging small teaching points"),
    "plan.brd.merge_none": ("在上方把“撤并最小的 N 个教学点”设为大于 0 并点击“计算”。",
                            "Set “Merge the N smallest teaching points” above 0 and press Compute."),
    "plan.brd.spt": ("小学生师比（同教育页）", "Primary pupils per teacher"),
    "plan.brd.spt_help": (
        "小学和教学点的在校生 ÷ 专任教师，按各村6—11岁儿童加权（教育页“小学生师比（专任教师）”）。"
        "国家编制标准（中央编办发〔2014〕72号）小学 1:19 按全部教职工计，与专任教师口径不同，这里不作比较。",
        "Pupils ÷ full-time teachers of primary schools and teaching points, weighted by the "
        "children aged 6-11 of each village (the Education page's “Primary students per "
        "teacher”). The national staffing standard of 1:19 (中央编办发〔2014〕72号) counts all "
        "staff, not full-time teachers, so it is not compared here."),
    "plan.brd.posts_freed": ("腾出的教师岗位（个）", "Teaching posts freed"),
    "plan.brd.posts_freed_help": ("被撤并教学点中不随学生调入接收学校的专任教师人数（看“教师随迁”开关）。",
                                  "Full-time teachers of the closed teaching points who do not "
                                  "move with the pupils (the “teachers move” switch)."),
    "plan.brd.keep": ("保持接收校原生师比所需教师（人）", "Teachers to keep the receiving schools' ratio"),
    "plan.brd.keep_help": ("接收学校按各自原来的生师比，为转入学生需要增加的专任教师。",
                           "Full-time teachers the receiving schools would add for the pupils "
                           "taken in, at each school's own ratio before."),
    "plan.brd.merge_result": (
        "撤并 {n} 个教学点（{names}）：{moved} 名学生转入 {r} 所学校；小学生师比（专任教师，与“教育”页同口径）"
        "{spt_b} → {spt_a}。",
        "Merging {n} teaching points ({names}): {moved} pupils move to {r} schools; primary "
        "students per teacher (full-time teachers, as on the Education page) {spt_b} → {spt_a}."),
    "plan.brd.staff_move": (
        "被撤并教学点的 {tc} 名专任教师随学生调入接收学校，没有腾出岗位；接收学校若保持原来的生师比，只需增加 {keep} 名，"
        "其余 {extra} 名可另行调配。",
        "The {tc} full-time teachers of the closed teaching points move with their pupils, so no "
        "post is freed; at their own ratios the receiving schools would need only {keep} of them, "
        "and {extra} could be redeployed."),
    "plan.brd.staff_stay": (
        "被撤并教学点的 {tc} 名专任教师不随迁，腾出 {tc} 个岗位；接收学校保持原来的生师比需增加 {keep} 名专任教师。",
        "The {tc} full-time teachers of the closed teaching points do not move: {tc} posts are "
        "freed; the receiving schools would need {keep} more full-time teachers to keep their "
        "ratios."),
    "plan.brd.receiving": ("接收学校的师资变化", "Staffing at the receiving schools"),
    "plan.brd.travel_bands": ("各学段上学路程（撤并前后，走读方式）", "School trips by grade band (before and after, day mode)"),
    "plan.brd.col_in": ("转入学生（人）", "Pupils taken in"),
    "plan.brd.col_teachers_in": ("调入教师（人）", "Teachers moved in"),
    "plan.brd.col_students": ("在校生：撤并前 → 后（人）", "Pupils: before → after"),
    "plan.brd.col_teachers": ("专任教师：撤并前 → 后（人）", "Full-time teachers: before → after"),
    "plan.brd.col_spt": ("生师比：撤并前 → 后（生/专任教师）", "Pupils per teacher: before → after"),
    "plan.brd.and_more": ("{name} 等 {more} 所", "{name} + {more} more"),
    "plan.brd.col_trip_before": ("平均单程·撤并前（分钟）", "Average trip · before (min)"),
    "plan.brd.col_trip_after": ("平均单程·撤并后（分钟）", "Average trip · after (min)"),
    "plan.brd.col_beyond_before": ("超过走读上限·撤并前（人）", "Pupils beyond the day limit · before"),
    "plan.brd.col_beyond_after": ("超过走读上限·撤并后（人）", "Pupils beyond the day limit · after"),
    "plan.brd.col_limit": ("走读上限（分钟）", "Day limit (min)"),
    "plan.brd.closed": ("撤并的教学点", "Teaching points closed"),
    "plan.brd.moved_to": ("学生转入", "Pupils move to"),
    "plan.brd.students": ("学生（人）", "Pupils"),
    "plan.brd.teachers": ("专任教师（人）", "Full-time teachers"),
    # scenarios
    "plan.scn.intro": (
        "在下表中新增、移动、关闭、升级设施或修改规模，立即看到每个指标和城乡差距的变化。情景可以命名保存、再次打开、删除，"
        "并通过链接分享。",
        "Add, move, close or upgrade facilities or change their capacity in the table below and see "
        "every indicator and the urban-rural gaps change. Scenarios can be named, saved, reopened, "
        "deleted and shared by link."),
    "plan.scn.domain": ("领域", "Domain"),
    "plan.scn.not_found": ("找不到情景 {id}（可能已被删除）。", "Scenario {id} was not found (it may have been deleted)."),
    "plan.scn.opened": ("已打开情景：{name}", "Opened scenario: {name}"),
    "plan.scn.edit": ("编辑设施", "Edit facilities"),
    "plan.scn.edit_help": ("改经纬度 = 移动；改类型 = 升级；取消“开办” = 关闭；改数字 = 调整规模。",
                           "Change longitude/latitude to move, the type to upgrade, untick “Open” to close, a "
                           "number to change capacity."),
    "plan.scn.add": ("新增设施", "Add a facility"),
    "plan.col.lon": ("经度", "Longitude"),
    "plan.col.lat": ("纬度", "Latitude"),
    "plan.scn.at_unit": ("位置：村（社区）", "Place: village or community"),
    "plan.scn.use_lonlat": ("（用右侧经纬度）", "(use the longitude and latitude on the right)"),
    "plan.scn.add_button": ("新增", "Add"),
    "plan.scn.add_error": ("请选择一个村（社区）或填写经纬度。", "Choose a village or give the longitude and latitude."),
    "plan.scn.added_list": ("新增设施：{names}", "Added facilities: {names}"),
    "plan.scn.clear_added": ("清除新增设施", "Remove added facilities"),
    "plan.scn.computing": ("正在重新计算指标…", "Recomputing the indicators…"),
    "plan.scn.bad_change": ("有一项修改无效：{reason}", "One change is not valid: {reason}"),
    "plan.scn.results": ("现状与情景对比", "Now and the scenario side by side"),
    "plan.scn.n_changes": ("共 {n} 项修改。", "{n} changes."),
    "plan.scn.table_help": ("城乡差 = 城镇值 − 乡村值；基尼系数 0 = 完全均等。",
                            "Gap = urban value − rural value; Gini 0 = perfectly equal."),
    "plan.scn.what": ("变化", "What changed"),
    "plan.scn.role.same": ("未变", "Unchanged"),
    "plan.scn.role.changed": ("调整（类型或规模）", "Changed (type or capacity)"),
    "plan.scn.role.moved": ("移动", "Moved"),
    "plan.scn.role.closed": ("关闭", "Closed"),
    "plan.scn.role.added": ("新增", "Added"),
    "plan.scn.save": ("保存情景", "Save the scenario"),
    "plan.scn.name": ("情景名称", "Scenario name"),
    "plan.scn.save_button": ("保存", "Save"),
    "plan.scn.need_name": ("请填写情景名称。", "Give the scenario a name."),
    "plan.scn.name_too_long": ("情景名称过长：最多 {max} 个字符，现有 {n} 个。请缩短后再保存。",
                               "The scenario name is too long: at most {max} characters, this one "
                               "has {n}. Shorten it and save again."),
    "plan.scn.name_control": ("情景名称不能包含换行、制表符等控制字符。",
                              "A scenario name cannot hold line breaks, tabs or other control "
                              "characters."),
    "plan.scn.session_limit": ("本次会话已保存 {n} 个情景，达到每个会话的上限（{max} 个），不能再保存。",
                               "This session has saved {n} scenarios, the most one session may "
                               "save ({max}); nothing more can be saved."),
    "plan.scn.store_full": ("情景库已满（最多 {max} 个），未保存。请管理员删除不再需要的情景。",
                            "The scenario store is full ({max} scenarios); nothing was saved. An "
                            "admin can delete scenarios no longer needed."),
    "plan.scn.bad_id": ("链接中的情景编号无效（应为 12 位十六进制字符），已忽略。",
                        "The scenario id in the link is not valid (12 hexadecimal characters) "
                        "and was ignored."),
    "plan.scn.saved": ("已保存（编号 {id}）。侧栏“复制链接”即可分享此情景。",
                       "Saved (id {id}). Use “copy link” in the sidebar to share it."),
    "plan.scn.list": ("已保存的情景", "Saved scenarios"),
    "plan.scn.none": ("还没有保存的情景。", "No saved scenarios yet."),
    "plan.scn.created": ("保存时间（UTC）", "Saved at (UTC)"),
    "plan.scn.changes": ("修改项数", "Changes"),
    "plan.scn.pick": ("选择情景", "Choose a scenario"),
    "plan.scn.open": ("打开", "Open"),
    "plan.scn.delete": ("删除", "Delete"),
    "plan.scn.access_note": ("任何人都可以保存和分享情景；删除情景需要管理员登录（在“数据”页登录）。",
                             "Anyone can save and share a scenario; deleting one needs an admin "
                             "login (log in on the Data page)."),
    "plan.scn.delete_admin_only": ("只有管理员可以删除情景（在“数据”页登录）。",
                                   "Only an admin can delete a scenario (log in on the Data page)."),
    "plan.scn.deleted": ("已删除情景 {id}。", "Scenario {id} deleted."),
    "plan.scn.delete_refused": ("未删除：需要管理员登录。", "Not deleted: an admin login is needed."),
}
