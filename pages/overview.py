"""总览: the county's headline numbers, straight from the database."""

import streamlit as st

from ui.data import query, status

s = status()
census = query("SELECT indicator, value FROM census").set_index("indicator")["value"]

st.title("开江县城乡公共服务均等化监测")
st.caption("Kaijiang County urban-rural public-service equalisation monitor")
if s["units_synthetic"] or s["facilities_synthetic"]:
    st.warning(
        "**示例数据 / Synthetic data on screen.** 乡镇、村（社区）名称与代码、县界、2020 年人口普查总数为真实数据；"
        "村（社区）位置、分村人口和设施登记表为按真实总数生成的示例数据（合成），不是官方统计。 "
        "Townships, villages, codes, the boundary and the 2020 census totals are real; village points, "
        "population by village and the facility registers are generated to match the real totals."
    )

c1, c2, c3, c4 = st.columns(4)
c1.metric("乡镇（街道） Townships", s["townships"])
c2.metric("村（社区） Villages and communities", s["units"])
c3.metric("常住人口 Residents (2020)", f"{s['residents']:,}")
c4.metric("城镇化率 Urban share (2020 census)", f"{census.get('urbanization_rate_2020', float('nan')):.2f} %")

st.subheader("设施 Facilities")
d1, d2, d3, d4 = st.columns(4)
d1.metric("教育 Education", s["facilities_education"])
d2.metric("卫生健康 Health", s["facilities_health"])
d3.metric("养老托育 Elderly & child care", s["facilities_elderly_care"])
d4.metric("公共文化 Culture", s["facilities_culture"])

st.caption(
    "数据来源 Sources: 国家统计局统计用区划代码（2023）; 第七次全国人口普查（2020）开江县数据; "
    "县界 Amap/Vonng adcode (CC BY 4.0); 设施登记表为示例数据（合成，2024）。"
)
