"""The overview's download of the monitoring report as Word and PDF (:mod:`reports`).

:func:`report_file` is the cached loader (:mod:`ui.cache`): the document's bytes per data key
(database version and data year), format and language, built in memory; the only files
written are the temporary ones of the figures and of LibreOffice, removed when done.
:func:`report_section` draws the buttons: one press builds the document with progress shown,
then its download button appears.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.cache import cached
from ui.i18n import t

__all__ = ["pdf_available", "report_file", "report_section"]

_MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}
#: Session State key: the (data key, language) each format was last built for.
_READY = "_report_ready_{fmt}"


def pdf_available() -> bool:
    """Whether this server can convert the report to PDF (LibreOffice installed)."""
    from reports.pdf import available

    return available()


@cached(max_entries=8, ttl=3600)
def report_file(fmt: str, lang: str, scenario_ids: tuple[str, ...] = (),
                path: str | None = None) -> bytes:
    """The report's bytes (``docx`` or ``pdf``) for the data key ``path`` in ``lang``, with
    the saved planning scenarios ``scenario_ids`` (:mod:`etl.scenarios`)."""
    from etl import scenarios as store
    from reports import report_bytes
    from ui.data import year_of

    db_file = Path(str(path).split("#", 1)[0])
    chosen = [store.get(store.store_path(db_file), sid) for sid in scenario_ids]
    return report_bytes(db_file, fmt, year=year_of(str(path)), lang=lang,
                        scenarios=[sc for sc in chosen if sc is not None])


def _pick_scenarios(lang: str) -> tuple[str, ...]:
    """The saved planning scenarios to add to the report (a choice only when some exist)."""
    from etl import scenarios as store
    from ui.data import db_path

    path = store.store_path(db_path())
    if not path.exists():  # never create the store just to look into it
        return ()
    try:
        saved = store.list_all(path)
    except Exception:  # noqa: BLE001 - a busy or unreadable store: the report without them
        return ()
    if saved.empty:
        return ()
    names = dict(zip(saved["id"].astype(str), saved["name"].astype(str), strict=True))
    chosen = st.multiselect(t("report.scenarios", lang), list(names), key="report_scenarios",
                            format_func=lambda sid: names.get(sid, sid),
                            help=t("report.scenarios_help", lang))
    return tuple(chosen)


def _file_name(lang: str, year: int | None, fmt: str) -> str:
    stem = "开江县城乡基本公共服务均等化监测报告" if lang == "zh" else "kaijiang_monitoring_report"
    return f"{stem}_{year}.{fmt}" if year is not None else f"{stem}.{fmt}"


def _data_year(key: str) -> int | None:
    """The year the report speaks of (as on its title page): the page's year, else the
    latest register year of a facility kind."""
    from ui.data import data_years, year_of

    year = year_of(key)
    if year is not None:
        return year
    try:
        years = data_years(key)
    except Exception:  # noqa: BLE001 - the file name only: without the year then
        return None
    return max(years) if years else None


def report_section(lang: str) -> None:
    """The report's heading, help and the Word and PDF buttons (PDF only with LibreOffice)."""
    from ui.data import data_key

    st.subheader(t("report.heading", lang))
    st.caption(t("report.help", lang))
    key = data_key()
    picked = _pick_scenarios(lang)
    cols = st.columns(2)
    for fmt, col in zip(("docx", "pdf"), cols, strict=True):
        if fmt == "pdf" and not pdf_available():
            col.info(t("report.no_pdf", lang))
            continue
        ready = _READY.format(fmt=fmt)
        if col.button(t(f"report.build_{fmt}", lang), key=f"report_build_{fmt}",
                      icon=":material/article:"):
            with col, st.spinner(t("report.building", lang), show_time=True):
                try:
                    report_file(fmt, lang, picked, path=key)
                    st.session_state[ready] = (key, lang, picked)
                except Exception as exc:  # noqa: BLE001 - say why, keep the page working
                    st.session_state.pop(ready, None)
                    col.error(t("report.failed", lang, error=str(exc)[:300]))
        if st.session_state.get(ready) == (key, lang, picked):
            col.download_button(t(f"report.download_{fmt}", lang),
                                data=report_file(fmt, lang, picked, path=key),
                                file_name=_file_name(lang, _data_year(key), fmt), mime=_MIME[fmt],
                                key=f"report_download_{fmt}", on_click="ignore",
                                icon=":material/download:")
