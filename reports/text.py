"""The report's own words: key -> (中文, English); the app's labels come from :mod:`ui.i18n`."""

from __future__ import annotations

import re
from typing import Any

from ui.pinyin import place_label

__all__ = ["REPORT_TEXT", "place", "tr"]

REPORT_TEXT: dict[str, tuple[str, str]] = {
    "title": ("开江县城乡基本公共服务均等化监测报告（{year}年）",
              "Kaijiang County urban-rural equalisation of basic public services: "
              "monitoring report ({year})"),
    "subtitle": ("教育 · 卫生健康 · 养老托育 · 公共文化",
                 "Education · Health · Elderly and child care · Culture"),
    "made": ("生成日期：{date}　数据年份：{year}　出行时间：{model}",
             "Produced {date} · data year {year} · travel times: {model}"),
    "synthetic_title": ("⚠ 含示例（生成）数据，不是官方统计，不能作为决策依据",
                        "⚠ Includes generated (synthetic) data: not official statistics, "
                        "not for decisions"),
    "synthetic_items": ("以下数据为按真实总数生成的示例数据：{items}。导入本县登记表后即替换；"
                        "乡镇、村（社区）名称与代码、县界、2020 年人口普查总数为真实数据。",
                        "Generated to match the real totals: {items}. Loading the county's own "
                        "registers replaces them; township and village names and codes, the "
                        "county boundary and the 2020 census totals are real."),
    "generated_areas": ("村（社区）范围（按村点生成的泰森多边形）",
                        "village areas (Voronoi polygons generated from the village points)"),
    "header": ("开江县城乡基本公共服务均等化监测报告（{year}年）",
               "Kaijiang public-service monitoring report ({year})"),
    "header_synthetic": ("　｜　含示例（生成）数据，非官方统计", " | includes generated data, "
                         "not official statistics"),
    "page": ("第 {page} 页", "Page {page}"),
    "toc": ("目录", "Contents"),
    "toc_hint": ("（在 Word 中右键单击目录并选择“更新域”可刷新页码）",
                 "(in Word, right-click the contents and choose Update Field to refresh it)"),
    "table": ("表", "Table"),
    "figure": ("图", "Figure"),
    # sections
    "h.summary": ("一、摘要", "1 Summary"),
    "h.domains": ("{n}、{domain}", "{n} {domain}"),
    "h.culture_audit": ("{n}、公共文化四级网络检查", "{n} Culture: the four-tier network audit"),
    "h.plan": ("{n}、试点方案任务进度（任务 13—16）", "{n} Pilot plan: tasks 13-16 toward 2025"),
    "h.scenarios": ("{n}、规划情景", "{n} Planning scenarios"),
    "h.appendix": ("附录", "Appendix"),
    "h.headline_gaps": ("各领域主要差距", "The headline gap of each domain"),
    "h.largest": ("差距最大的指标", "The largest gaps"),
    "h.change": ("与上一年相比", "Change since the previous year"),
    "h.indicators": ("主要指标的城乡对比", "Headline indicators: urban and rural"),
    "h.formulas": ("A. 指标公式", "A. Formulas"),
    "h.settings": ("B. 参数设置及来源", "B. Settings and their sources"),
    "h.travel": ("C. 出行时间模型", "C. The travel model"),
    "h.sources": ("D. 数据来源与生成数据", "D. Data sources and generated data"),
    "h.measures": ("不平等指标", "Inequality measures"),
    # summary
    "sum.intro": ("本报告监测开江县 {units} 个村（社区）、{towns} 个乡镇（街道）、常住人口 {pop} 人的"
                  "基本公共服务，共 {fac} 处设施。以下各领域主要指标的城乡差距均按落后方与领先方之比"
                  "（落后方 ÷ 领先方）表述。",
                  "This report monitors the basic public services of Kaijiang County: {units} "
                  "villages and communities in {towns} townships, {pop} residents and {fac} "
                  "facilities. Each urban-rural gap is stated as the ratio of the side behind "
                  "to the side ahead (behind ÷ ahead)."),
    "sum.domain": ("{domain}：{indicator}，城镇 {urban}、乡村 {rural}，{behind}，城乡比（{sides}）{ratio}；"
                   "全县 {county}，基尼系数 {gini}（95% 区间 {lo}—{hi}）。",
                   "{domain}: {indicator}, urban {urban}, rural {rural}; {behind}; ratio "
                   "({sides}) {ratio}; county {county}, Gini {gini} (95% interval {lo}-{hi})."),
    "sum.domain_none": ("{domain}：{indicator} 暂无城乡对比（数据不足）。",
                        "{domain}: {indicator} has no urban-rural comparison (not enough data)."),
    "sum.largest": ("全部 {n} 项指标中城乡差距最大的 {k} 项如下（差距倍数 = 较大值 ÷ 较小值）。",
                    "The {k} largest urban-rural gaps among all {n} indicators (gap factor = "
                    "larger ÷ smaller value)."),
    "sum.one_year": ("数据库中只有 {year} 年的设施登记表，暂无上一年可比较；导入上一年登记表后本节列出变化。",
                     "The database holds facility registers of {year} only: there is no "
                     "previous year to compare with; load the previous year's registers and "
                     "this section lists the changes."),
    "sum.change_intro": ("与 {prev} 年相比（同一组登记表口径）：",
                         "Compared with {prev} (registers of the same kinds):"),
    "sum.change": ("{indicator}：全县 {county}，城镇 {urban}，乡村 {rural}。",
                   "{indicator}: county {county}, urban {urban}, rural {rural}."),
    # domain sections
    "dom.intro": ("本节列出{domain}的 {n} 项主要指标：全县、城镇、乡村值，城乡比（落后方 ÷ 领先方），"
                  "村（社区）间的基尼系数及其 95% 区间（自助法重抽 {boot} 次，随机种子 2022）。",
                  "The {n} headline indicators of {domain}: county, urban and rural values, the "
                  "ratio behind ÷ ahead, and the Gini coefficient between villages with its 95% "
                  "interval ({boot} bootstrap draws, seed 2022)."),
    "dom.ind_heading": ("{indicator}", "{indicator}"),
    "dom.ind_text": ("{help}　方向：{direction}；{weighting}。", "{help} Direction: {direction}; {weighting}."),
    "dom.rank_intro": ("乡镇（街道）按与全县的差距排名（排名 1 = 比全县落后最多），全县 {county}。",
                       "Townships ranked by their gap to the county (rank 1 = furthest behind), "
                       "county {county}."),
    "dom.no_rank": ("该指标暂无乡镇排名（数据不足）。", "No township ranking for this indicator (not enough data)."),
    "cap.indicators": ("{domain}主要指标的城乡对比", "{domain}: headline indicators, urban and rural"),
    "cap.rank": ("{indicator}：乡镇排名", "{indicator}: townships ranked"),
    "cap.map": ("{indicator}：分村（社区）地图", "{indicator}: map by village"),
    "cap.chart": ("{indicator}：乡镇排名图", "{indicator}: townships ranked (chart)"),
    "cap.largest": ("城乡差距最大的指标", "The largest urban-rural gaps"),
    "cap.culture": ("各乡镇公共文化设施覆盖", "Cultural facilities by township"),
    "cap.hours": ("文化馆、图书馆开放时长对照标准", "Opening hours of libraries and culture centres"),
    "cap.plan": ("试点方案任务 13—16 进度", "Pilot plan tasks 13-16"),
    "cap.scenarios": ("规划情景对主要指标的影响", "Planning scenarios: effect on the headline indicators"),
    "cap.formulas": ("主要指标的计算方法", "How the headline indicators are computed"),
    "cap.settings": ("参数设置", "Settings"),
    "cap.sources": ("数据来源", "Data sources"),
    "col.indicator": ("指标", "Indicator"),
    "col.unit": ("单位", "Unit"),
    "col.county": ("全县", "County"),
    "col.urban": ("城镇", "Urban"),
    "col.rural": ("乡村", "Rural"),
    "col.ratio": ("城乡比（落后方 ÷ 领先方）", "Ratio (behind ÷ ahead)"),
    "col.behind": ("落后方", "Behind"),
    "col.gini": ("基尼系数（95% 区间）", "Gini (95% interval)"),
    "col.formula": ("计算方法", "Formula"),
    "col.source": ("来源", "Source"),
    "col.setting": ("参数", "Setting"),
    "col.value": ("取值", "Value"),
    "col.default": ("默认值", "Default"),
    "col.kind": ("性质", "Status"),
    "col.item": ("数据项", "Item"),
    "col.rows": ("行数（条）", "Rows"),
    "col.synthetic_rows": ("生成行数（条）", "Generated rows"),
    "col.origin": ("来源性质", "Origin"),
    "col.files": ("文件", "Files"),
    "col.group": ("组别", "Group"),
    "col.scenario": ("情景名称", "Scenario"),
    "col.changes": ("改动（项）", "Changes"),
    "col.before": ("现状", "Now"),
    "col.after": ("实施情景后", "With the scenario"),
    "verified": ("已核对文件", "checked against the source"),
    "assumption": ("假设", "assumption"),
    "origin.real": ("真实", "real"),
    "origin.synthetic": ("生成（示例）", "generated (synthetic)"),
    "origin.mixed": ("部分生成", "partly generated"),
    "origin.missing": ("未导入", "not loaded"),
    "boundaries_generated": ("村（社区）范围为按村点生成的近似范围（泰森多边形），非官方界线。",
                             "Village areas are approximations generated from village points "
                             "(Voronoi polygons), not official boundaries."),
    # culture, plan, scenarios
    "culture.hours_note": ("标准：县级馆每周 {county} 小时，乡镇分馆每周 {branch} 小时。",
                           "Standard: {county} hours a week for county venues, {branch} for "
                           "township branches."),
    "plan.none": ("方案任务表未找到。", "The plan's task list was not found."),
    "plan.path": ("{target}：{path}", "{target}: {path}"),
    "scen.intro": ("以下为用户选定的已保存规划情景：按情景改动设施表后重新计算该领域主要指标（其余条件不变）。",
                   "The saved planning scenarios chosen: the facility table with each "
                   "scenario's edits, the domain's headline indicators recomputed (all else "
                   "unchanged)."),
    "scen.missing": ("情景 {sid} 未找到。", "Scenario {sid} was not found."),
    # appendix
    "measures.text": ("城乡比 = 落后方均值 ÷ 领先方均值（低于 1 表示越高越好的指标落后，高于 1 表示越低越好的指标落后）；"
                      "差距倍数 = 较大值 ÷ 较小值；基尼系数按各村（社区）的指标值、以指标的人口口径加权计算"
                      "（WHO HEAT 技术说明），95% 区间为对村（社区）有放回重抽 {boot} 次（种子 2022）的百分位区间，"
                      "反映结果对个别村的依赖，不是抽样误差。",
                      "Ratio = mean of the side behind ÷ mean of the side ahead (below 1 when a "
                      "higher-is-better indicator is behind, above 1 for lower-is-better); gap "
                      "factor = larger ÷ smaller value; the Gini coefficient is between "
                      "villages, weighted by the indicator's population band (WHO HEAT "
                      "technical notes); its 95% interval is the percentile interval of {boot} "
                      "bootstrap redraws of the villages (seed 2022): how much it rests on a "
                      "few villages, not a sampling error."),
    "travel.straight_line": ("直线估算：出行时间 = 到最近设施的大圆距离（千米）× 绕行系数 {detour} ÷ 出行方式速度 × 60。",
                             "Straight-line estimate: minutes = great-circle km to the nearest "
                             "facility × detour factor {detour} ÷ speed of the mode × 60."),
    "travel.network": ("路网模型：出行时间沿已导入路网（道路登记表）的最短路径计算，各道路等级按设定速度。",
                       "Road network: minutes along the shortest path of the loaded road "
                       "network (roads register), each road class at its set speed."),
    "travel.used": ("本报告所用模型：{model}。", "Model used in this report: {model}."),
    "overrides": ("本报告调整的设置：{items}。", "Settings changed for this report: {items}."),
}


def tr(key: str, lang: str, **fmt: Any) -> str:
    """The report text ``key`` in ``lang`` (``zh`` or ``en``), ``{placeholders}`` filled."""
    zh, en = REPORT_TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def place(name: Any, lang: str) -> str:
    """A place name as the report shows it: with its pinyin in English, added once (a name
    that already has Latin letters, e.g. from a table that added them, is left as it is).

    >>> place("任市镇", "en"), place("任市镇 Renshi Zhen", "en"), place("任市镇", "zh")
    ('任市镇 Renshi Zhen', '任市镇 Renshi Zhen', '任市镇')
    """
    text = "" if name is None else str(name)
    return text if lang != "en" or re.search(r"[A-Za-z]", text) else place_label(text, lang)
