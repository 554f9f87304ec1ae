"""开江县城乡公共服务均等化监测 — the app's frame: pages and the shared banner."""

import streamlit as st

from ui.data import ensure_database

st.set_page_config(page_title="开江县城乡公共服务均等化监测", page_icon="🏫", layout="wide")
ensure_database()

pages = {
    "总览 Overview": [st.Page("pages/overview.py", title="总览 Overview", default=True)],
}
st.navigation(pages).run()
