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
        "试点方案第15项提出建设县域医疗次中心。这里在 {n} 所乡镇卫生院（中心卫生院和卫生院）中选出 1—3 所，"
        "使之与保留的县级医院（{required}，均在淙城街道）一起，让居民看病最近。“现状”只计县级医院；"
        "“方案”加上选中的次中心。车程按直线距离×绕行系数÷车速估算（非路网）。",
        "Task 15 of the pilot plan calls for a county medical sub-centre. Here 1-3 of the {n} township "
        "health centres (central and ordinary) are chosen so that, together with the county hospitals, "
        "which are kept ({required}, all in 淙城街道), care is as close as possible. “Now” counts the "
        "county hospitals only; “plan” adds the chosen sub-centres. Drive times are straight-line "
        "distance × detour factor ÷ car speed (not a road network)."),
    "plan.sub.n_new": ("次中心数量", "Number of sub-centres"),
    "plan.sub.objective": ("目标", "Objective"),
    "plan.sub.obj.pmedian": ("平均车程最短（p-中位）", "Shortest average drive (p-median)"),
    "plan.sub.obj.mclp": ("N 分钟内覆盖人口最多（最大覆盖）", "Most residents within N minutes (max. coverage)"),
    "plan.sub.cover_min": ("N：覆盖时间（驾车）", "N: coverage time (by car)"),
    "plan.sub.within": ("{n} 分钟车程内人口占比", "Residents within a {n}-minute drive"),
    "plan.sub.within_help": ("到最近的县级医院或次中心", "To the nearest county hospital or sub-centre"),
    "plan.sub.mean": ("平均车程", "Average drive"),
    "plan.sub.people_gained": ("{n} 分钟内新增覆盖人口", "Residents newly within {n} minutes"),
    "plan.sub.press": ("选择数量和目标后点击“运行优化”。下图为现状：只有县级医院时各村（社区）的车程。",
                       "Choose the number and the objective, then press “Run the optimisation”. The "
                       "map shows today: drive times when only the county hospitals count."),
    "plan.sub.why.pmedian": ("在保留县级医院的前提下，这一组合使全县居民到最近医院的人口加权平均车程最短",
                             "keeping the county hospitals, this set gives the shortest population-"
                             "weighted average drive to the nearest hospital"),
    "plan.sub.why.mclp": ("在保留县级医院的前提下，这一组合使 {n} 分钟车程内的居民最多",
                          "keeping the county hospitals, this set puts the most residents within a "
                          "{n}-minute drive"),
    "plan.sub.result": (
        "**建议次中心：{sites}。** 原因：{why}。效果：{n} 分钟车程内居民从 {b_share} 增至 {a_share}"
        "（新增 {gained} 人）；平均车程从 {b_mean} 分钟降至 {a_mean} 分钟。（求解用时 {time} 秒，已证明最优。）",
        "**Suggested sub-centres: {sites}.** Why: {why}. What it buys: residents within a {n}-minute "
        "drive rise from {b_share} to {a_share} ({gained} more people); the average drive falls from "
        "{b_mean} to {a_mean} minutes. (Solved in {time} s, proven optimal.)"),
    "plan.sub.map_value": ("到最近医院车程", "Drive to nearest hospital"),
    "plan.sub.map_note": ("颜色：各村（社区）到最近的县级医院或选中次中心的车程；绿色大圆点为选中的次中心，红色为县级医院，灰色为其他候选卫生院。",
                          "Colour: each village's drive to the nearest county hospital or chosen "
                          "sub-centre; large green dots are the chosen sub-centres, red the county "
                          "hospitals, grey the other candidate health centres."),
    "plan.sub.table": ("各医院服务的居民", "Residents served by each hospital"),
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
        "单程一般不超过半小时；4—6年级和初中超过走读时间上限的学生到最近的寄宿制学校寄宿。",
        "Task 13 of the pilot plan calls for boarding schools at 任市, 长岭 and 甘棠. Under the 2018 "
        "State Council rules (editable below): grades 1-3 do not board and travel at most about half "
        "an hour; pupils of grades 4-6 and junior school beyond the day-trip limit board at the "
        "nearest boarding school."),
    "plan.brd.schools": ("寄宿制学校", "Boarding schools"),
    "plan.brd.rules": ("规则（国办发〔2018〕27号，可调）", "Rules (State Council 2018 No. 27, editable)"),
    "plan.brd.mode": ("上学方式", "Travel to school"),
    "plan.brd.mode_note": (
        "按步行计算：走读时间上限内能到校的范围很小，寄宿需求因此远大于按校车计算。多数农村学生乘校车时请切换到“校车”；"
        "4—6年级与初中的45分钟上限为建模假设，应由县教育局按本地实际确定。",
        "Computed for walking: few villages lie within the day-trip limits on foot, so far more pupils "
        "must board than with a school bus. Switch to the school bus where most rural pupils ride one; "
        "the 45-minute limits for grades 4-6 and junior pupils are modelling assumptions for the county "
        "education bureau to set."),
    "plan.brd.n_close": ("撤并最小的 N 个教学点", "Merge the N smallest teaching points"),
    "plan.brd.n_close_help": ("学生转到最近的小学，教师随迁（设置可改）。",
                              "Pupils move to the nearest primary school, teachers with them."),
    "plan.brd.boarders": ("寄宿生", "Boarders"),
        "plan.brd.beds_help": ("只计所选寄宿制学校。", "Chosen boarding schools only."),
    "plan.brd.shortfall": ("床位缺口", "Bed shortfall"),
    "plan.brd.shortfall_help": ("逐校计算后相加：一所学校富余的床位不能给另一所学校用，所以缺口可能大于“需要床位 − 现有床位”。",
                                "Summed school by school: spare beds at one school cannot serve "
                                "another, so the shortfall can exceed beds needed − beds available."),
    "plan.brd.day_mean": ("走读平均单程", "Day pupils' trip"),
    "plan.brd.day_mean_help": ("与“全部学生走读到最近学校”相比。", "Compared with every pupil going "
                               "by day to the nearest school."),
    "plan.brd.result": (
        "所选 {n} 所寄宿制学校需接收 **{boarders}** 名寄宿生，需要床位 **{need}** 张，现有 {have} 张，缺口 **{short}** 张。"
        "走读生平均单程从 {before} 分钟（全部走读）降到 {after} 分钟。仍有 {unmet13} 名1—3年级学生单程超过上限"
        "（不能寄宿，需就近办学或校车），{unmet} 名高年级/初中学生既超过走读上限又无寄宿学校可去。",
        "The {n} chosen boarding schools take **{boarders}** boarders and need **{need}** beds; they "
        "have {have}, a shortfall of **{short}**. Day pupils' average trip falls from {before} minutes "
        "(everyone by day) to {after} minutes. {unmet13} pupils of grades 1-3 still live beyond their "
        "limit (they may not board: a nearby school or a school bus is needed) and {unmet} older pupils "
        "are beyond the day limit with no boarding school to go to."),
    "plan.brd.none": ("未选寄宿制学校：超过走读上限的学生都无处寄宿。", "No boarding school chosen: "
                      "pupils beyond the day limit have nowhere to board."),
    "plan.brd.map_value": ("寄宿生（人）", "Boarders"),
    "plan.brd.map_note": ("颜色：各村（社区）需要寄宿的学生数；绿色大圆点为所选寄宿制学校。",
                          "Colour: pupils who must board, per village; large green dots are the "
                          "chosen boarding schools."),
    "plan.brd.by_school": ("各寄宿制学校", "By boarding school"),
    "plan.brd.need": ("需要床位", "Beds needed"),
    "plan.brd.have": ("现有床位", "Beds available"),
    "plan.brd.merge": ("撤并小规模教学点的影响", "Effect of merging small teaching points"),
    "plan.brd.merge_none": ("在上方把“撤并最小的 N 个教学点”设为大于 0 并点击“计算”。",
                            "Set “Merge the N smallest teaching points” above 0 and press Compute."),
    "plan.brd.spt": ("全县生师比（撤并后）", "Students per teacher, county (after)"),
    "plan.brd.primary_travel": ("小学生平均单程（撤并后）", "Primary pupils' average trip (after)"),
    "plan.brd.beyond": ("1—3年级超过上限人数（撤并后）", "Grades 1-3 beyond the limit (after)"),
    "plan.brd.merge_result": (
        "撤并 {n} 个教学点（{names}）：全县生师比 {spt_b} → {spt_a}；小学生平均单程 {tb} → {ta} 分钟。",
        "Merging {n} teaching points ({names}): students per teacher {spt_b} → {spt_a}; primary "
        "pupils' average trip {tb} → {ta} minutes."),
    "plan.brd.moved_to": ("学生转入", "Pupils move to"),
    "plan.brd.students": ("学生", "Pupils"),
    "plan.brd.teachers": ("教师", "Teachers"),
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
