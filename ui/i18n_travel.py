"""UI strings of travel along roads: the comparison page (路网与直线), road classes on maps;
key -> (中文, English).

Merged into :data:`ui.i18n.TEXT`; keys here must not repeat keys of ``ui/i18n.py`` or the
other ``ui/i18n_*.py`` tables (all of them start with ``tc.``, ``road.`` or ``map.road``, and
the page title ``page.travel_compare``).
"""

TRAVEL_TEXT: dict[str, tuple[str, str]] = {
    "page.travel_compare": ("路网与直线", "Roads vs straight lines"),
    # road classes (metrics.road_speeds.CLASSES) on maps
    "map.roads": ("道路（已导入的路网）", "Roads (loaded network)"),
    "road.motorway": ("高速公路", "Expressway"),
    "road.trunk": ("国道", "National road"),
    "road.primary": ("省道", "Provincial road"),
    "road.secondary": ("县道", "County road"),
    "road.tertiary": ("乡道", "Township road"),
    "road.unclassified": ("村道", "Village road"),
    "road.residential": ("城市道路", "Town street"),
    "road.living_street": ("生活街道", "Living street"),
    "road.service": ("专用公路", "Service road"),
    "road.track": ("机耕道", "Farm track"),
    "road.path": ("小路", "Path"),
    "road.footway": ("人行道", "Footway"),
    "road.cycleway": ("自行车道", "Cycleway"),
    "road.steps": ("台阶", "Steps"),
    "road.ferry": ("渡口", "Ferry"),
    "map.roads_dropped": ("全县视图中未画出：{classes}（路段过多；计算时全部使用）。",
                          "Not drawn at county zoom: {classes} (too many segments; every one is "
                          "used in the travel times)."),
    # the comparison page
    "tc.intro": (
        "同一问题由两种出行模型回答：**直线估算**（直线距离 × 绕行系数 ÷ 速度）与**路网**"
        "（沿已导入道路的最短时间，含村点到最近道路的步行段）。差值 = 路网 − 直线估算：为正时直线估算"
        "低估了出行时间。各指标按其自身的出行方式和设施类型计算，设置为默认值。",
        "The same question answered by two travel models: the **straight-line estimate** "
        "(straight km × detour factor ÷ speed) and the **road network** (the quickest trip "
        "along the loaded roads, with the walk from each place to the nearest road). "
        "Difference = network − straight line: positive where the straight line understates "
        "the trip. Each indicator by its own mode and facility types, at the default settings."),
    "tc.empty": (
        "尚未导入路网：所有出行时间均为直线估算（直线距离 × 绕行系数 ÷ 速度）。",
        "No road network loaded: every travel time is a straight-line estimate (straight km "
        "× detour factor ÷ speed)."),
    "tc.empty_gives": (
        "导入一份道路文件（OpenStreetMap .osm.pbf/.osm，或 GeoJSON、GeoPackage、压缩的 Shapefile "
        "线图层，含道路等级列）后，所有页面改用沿道路的出行时间，本页将逐村比较两种模型：哪些村的"
        "出行被直线低估最多、哪些村离道路较远或沿道路无法到达，以及各标准内人口比例在两种模型下的差别。"
        "管理员可在“数据”页上传，或在服务器上运行：",
        "Once a roads file is loaded (OpenStreetMap .osm.pbf/.osm, or a GeoJSON, GeoPackage or "
        "zipped Shapefile line layer with a road class column), every page uses travel times "
        "along the roads, and this page compares the two models village by village: where "
        "straight lines understate the trip most, which villages are far from any road or "
        "cannot be reached along roads, and the shares within each standard under both. An "
        "administrator uploads it on the Data page, or runs on the server:"),
    "tc.to_data": ("前往“数据”页上传路网", "Go to the Data page to upload roads"),
    "tc.indicator": ("指标", "Indicator"),
    "tc.measure": ("地图显示", "Map shows"),
    "tc.measure.diff": ("差值（分钟）", "Difference (min)"),
    "tc.measure.ratio": ("倍数（路网 ÷ 直线）", "Ratio (network ÷ straight)"),
    "tc.mode": ("出行方式：{mode}；设施：{types}", "Mode: {mode}; facilities: {types}"),
    "tc.m.n": ("比较的村（社区）", "Villages compared"),
    "tc.m.over_5": ("低估 5 分钟以上", "Understated by > 5 min"),
    "tc.m.over_15": ("低估 15 分钟以上", "Understated by > 15 min"),
    "tc.m.median": ("差值中位数", "Median difference"),
    "tc.m.unreachable": ("沿道路无法到达", "Unreachable along roads"),
    "tc.m.far": ("离道路较远（> {km} km）", "Far from any road (> {km} km)"),
    "tc.map_heading": ("直线估算低估出行时间的地方", "Where straight lines understate the trip"),
    "tc.map_value.diff": ("路网 − 直线", "Network − straight"),
    "tc.map_value.ratio": ("路网 ÷ 直线", "Network ÷ straight"),
    "tc.mark.far": ("离道路较远的村", "Villages far from any road"),
    "tc.mark.unreachable": ("沿道路无法到达的村", "Villages unreachable along roads"),
    "tc.map_caption.ratio": (
        "村（社区）范围按倍数（路网 ÷ 直线估算）着色，色阶止于第 95 百分位（紧邻设施的村，一分钟的路程也可能"
        "是几倍）。无值（灰色）为沿道路无法到达或无此类设施。道路按等级画出，主干道较粗。",
        "Villages coloured by the ratio network ÷ straight line; the scale stops at the 95th "
        "percentile (beside a facility a one-minute trip can be several times longer). No value "
        "(grey): unreachable along roads, or no facility of the types. Roads by class, main "
        "roads thicker."),
    "tc.map_caption.diff": (
        "村（社区）范围按差值着色：红色为直线估算低估、蓝色为高估（路网速度快于默认门到门速度）。"
        "无值（灰色）为沿道路无法到达或无此类设施。道路按等级画出，主干道较粗。",
        "Villages coloured by the difference: red where the straight line understates the "
        "trip, blue where it overstates it (roads faster than the default door-to-door "
        "speed). No value (grey): unreachable along roads, or no facility of the types. Roads "
        "by class, main roads thicker."),
    "tc.table_heading": ("两种模型下的标准内人口比例与平均时间",
                         "Shares within each standard and mean times under both models"),
    "tc.table_help": (
        "按人口加权：达标类指标为标准时间内的人口比例（%，沿道路无法到达者计为不达标）；"
        "时间类指标为到最近设施的平均分钟数（无法到达者不计入平均，另列村数）。差值 = 路网 − 直线估算。",
        "Population-weighted: for a standard, the share of the band within it (%, "
        "unreachable counted as outside); for a time, the mean minutes to the nearest "
        "facility (unreachable villages left out of the mean, counted apart). Difference = "
        "network − straight line."),
    "tc.col.indicator": ("指标", "Indicator"),
    "tc.col.standard": ("标准", "Standard"),
    "tc.col.group": ("人群", "Group"),
    "tc.col.straight": ("直线估算", "Straight line"),
    "tc.col.network": ("路网", "Road network"),
    "tc.col.diff": ("差值", "Difference"),
    "tc.col.unit": ("单位", "Unit"),
    "tc.col.unreachable": ("无法到达的村", "Villages unreachable"),
    "tc.col.village": ("村（社区）", "Village / community"),
    "tc.col.township": ("乡镇（街道）", "Township"),
    "tc.col.straight_min": ("直线估算（分钟）", "Straight line (min)"),
    "tc.col.network_min": ("路网（分钟）", "Road network (min)"),
    "tc.col.diff_min": ("差值（分钟）", "Difference (min)"),
    "tc.col.ratio": ("倍数", "Ratio"),
    "tc.col.snap_m": ("到最近道路（米）", "To the nearest road (m)"),
    "tc.col.flag": ("标记", "Flag"),
    "tc.standard": ("≤ {t0:g} 分钟", "≤ {t0:g} min"),
    "tc.mean_time": ("平均时间", "mean time"),
    "tc.villages": ("逐村明细", "Village by village"),
    "tc.villages_help": ("按差值从大到小排列；“∞”为沿道路无法到达。",
                         "Largest difference first; \"∞\" is unreachable along roads."),
    "tc.roads_source": ("路网：道路登记表 {id}（{file}，{year}）。道路速度按等级与出行方式取值，见 "
                        "metrics/road_speeds.py（JTG B01-2014 设计速度与假设）。",
                        "Roads: roads register {id} ({file}, {year}). Speeds by road class and "
                        "mode: metrics/road_speeds.py (JTG B01-2014 design speeds and "
                        "assumptions)."),
    "tc.brief_title": ("路网与直线估算的比较", "Road network against straight lines"),
}
