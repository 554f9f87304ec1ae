"""Data changes from the app (admin only): a file uploaded on the Data page, and the rebuild.

An uploaded file is written to a temporary folder under its own (sanitised) name and goes
through the same public ETL path as ``python -m etl load``: :func:`etl.pipeline.load_file`
with the raw copy kept beside the database, in one transaction. The rebuild is
:func:`etl.db.build` (a new file renamed over the old one). Both check the admin login
themselves, not only the page's disabled buttons.

A write runs inside :func:`etl.db.writing`: one writer at a time across processes (a load
from the command line or another app process is waited for, with a message), on a private
copy of the database that is published by an atomic rename. Viewers keep reading the old
version meanwhile; every session moves to the new one at its next rerun (``ui.data``).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import duckdb
import streamlit as st

from etl import aliases, db, locks, pipeline, readers
from ui import auth
from ui import data as ui_data
from ui.i18n import md_text, t

__all__ = ["CRS_OPTIONS", "RESULT_KEY", "UPLOAD_TYPES", "load_bytes", "max_upload_mb", "parse_mapping",
           "rebuild", "rebuild_action", "safe_name", "scrub", "upload_action", "validate_bytes"]

#: Extensions offered by the uploader (the readers check the content as well).
UPLOAD_TYPES: tuple[str, ...] = ("csv", "txt", "xlsx", "xlsm", "geojson", "json")
#: Coordinate systems a register may use (as ``--crs``).
CRS_OPTIONS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")
#: Session State keys: the last upload's outcome, the load to select after a rerun, a message.
RESULT_KEY, SELECT_LOAD_KEY, FLASH_KEY, UPLOADER_KEY = ("_dp_upload_result", "_dp_select_load",
                                                        "_dp_flash", "_dp_uploader")
_MAX_NAME = 120


def max_upload_mb() -> int:
    """The upload limit in MB: the smaller of the ETL guard and Streamlit's ``maxUploadSize``."""
    return max(1, int(min(readers.limit("max_file_mb"), st.get_option("server.maxUploadSize"))))


def safe_name(name: str) -> str:
    """The file name to keep: no folders, no control characters, at most 120 characters.

    >>> safe_name("../../etc/清单 2024.csv"), safe_name("C:\\\\x\\\\a.xlsx"), safe_name(" \\x00 ")
    ('清单 2024.csv', 'a.xlsx', 'upload')
    """
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    if len(base) > _MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: _MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:_MAX_NAME]
    return base or "upload"


def parse_mapping(text: str, kind: str) -> dict[str, str]:
    """``源列=field`` lines (as ``--map``) into ``{source column: field}``.

    Raises ``ValueError`` naming the line for a line without ``=`` or an unknown field.

    >>> parse_mapping("学校全称 = name\\n\\n人数=students", "schools")
    {'学校全称': 'name', '人数': 'students'}
    """
    out: dict[str, str] = {}
    fields = set(aliases.valid_fields(kind))
    for i, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        src, eq, fld = line.partition("=")
        src, fld = src.strip(), fld.strip()
        if not eq or not src or fld not in fields:
            raise ValueError(f"line {i}: {line.strip()!r}")
        out[src] = fld
    return out


def _with_temp_file(data: bytes, name: str, work: Callable[[Path], pipeline.LoadResult]
                    ) -> pipeline.LoadResult:
    with tempfile.TemporaryDirectory(prefix="equity-upload-") as folder:
        path = Path(folder) / safe_name(name)
        path.write_bytes(data)
        return work(path)


def validate_bytes(data: bytes, name: str, kind: str, *, crs: str = "wgs84",
                   overrides: dict[str, str] | None = None) -> pipeline.LoadResult:
    """Check an uploaded file as ``python -m etl validate`` does; writes nothing."""
    auth.require_admin()

    def work(path: Path) -> pipeline.LoadResult:
        with ui_data.cursor() as cur:
            return pipeline.process_file(cur, path, kind, crs=crs, overrides=overrides,
                                         file_name=path.name)

    return _with_temp_file(data, name, work)


def load_bytes(data: bytes, name: str, kind: str, *, crs: str = "wgs84",
               overrides: dict[str, str] | None = None,
               on_wait: locks.OnWait | None = None) -> pipeline.LoadResult:
    """Load an uploaded file as ``python -m etl load`` does (atomic; raw file kept)."""
    auth.require_admin()
    path_db = ui_data.db_path()

    def work(path: Path) -> pipeline.LoadResult:
        # one writer at a time across processes; viewers keep reading the published version
        with db.writing(path_db, what=f"upload {path.name}", on_wait=on_wait) as change:
            result = pipeline.load_file(change.con, path, kind, crs=crs, overrides=overrides,
                                        data_dir=path_db.parent, file_name=path.name)
            if result.already_loaded:
                change.discard()
        ui_data.refresh()
        return result

    return _with_temp_file(data, name, work)


def rebuild(progress: Callable[[float, str], None],
            on_wait: locks.OnWait | None = None) -> dict[str, int]:
    """Rebuild the database from ``data/`` plus the kept raw loads (atomic, as ``etl build``)."""
    auth.require_admin()
    summary = db.build(ui_data.db_path(), progress=progress, on_wait=on_wait)
    ui_data.refresh()
    return summary


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\'\"]+)+[/\\]?")


def scrub(text: str) -> str:
    """A message without server paths: every absolute path shortened to its last part.

    >>> scrub("No such file: '/tmp/equity-upload-x1/清单.csv' (in /srv/app/data)")
    "No such file: '清单.csv' (in data)"
    """
    return _PATH.sub(lambda m: m.group(0).rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1],
                     str(text))


# --- the page's actions: progress on screen, outcome kept in Session State ----------------------

def upload_action(file: object, kind: str, crs: str, map_text: str, *, validate_only: bool,
                  lang: str) -> None:
    """Validate or load the uploaded ``file`` with progress shown; keep the outcome for the page.

    After a load that wrote rows the caches are cleared and the script reruns, so every
    table on the page (and on every other page) shows the new data.
    """
    if file is None:
        st.session_state[RESULT_KEY] = {"error": t("dp.up_need_file", lang)}
        return
    name = safe_name(getattr(file, "name", "upload"))
    try:
        overrides = parse_mapping(map_text, kind)
    except ValueError as exc:
        st.session_state[RESULT_KEY] = {"file": name, "error": t("dp.up_bad_map", lang, line=str(exc))}
        return
    outcome: dict = {"file": name, "validated": validate_only}
    with st.status(t("dp.up_running", lang, file=md_text(name)), expanded=True) as box:
        box.write(t("dp.up_step_save", lang))
        box.write(t("dp.up_step_read", lang))
        if not validate_only:
            box.write(t("dp.up_step_write", lang))
        try:
            data = file.getvalue()
            if validate_only:
                result = validate_bytes(data, name, kind, crs=crs, overrides=overrides or None)
            else:
                result = load_bytes(data, name, kind, crs=crs, overrides=overrides or None,
                                    on_wait=lambda zh, en: box.info(zh if lang == "zh" else en))
        except (readers.RegisterReadError, locks.BusyError, db.DatabaseInUseError) as exc:
            outcome["error"] = exc.zh if lang == "zh" else exc.en
        except PermissionError:
            outcome["error"] = t("auth.admin_only", lang)
        except (ValueError, OSError, duckdb.Error) as exc:
            outcome["error"] = t("dp.up_error", lang, reason=scrub(str(exc)))
        except Exception as exc:  # noqa: BLE001 - never a traceback on screen; nothing was changed
            outcome["error"] = t("dp.up_error", lang, reason=type(exc).__name__)
        if "error" in outcome:
            box.update(label=t("dp.up_failed", lang), state="error")
            st.session_state[RESULT_KEY] = outcome
            return
        box.update(label=t("dp.up_done", lang), state="complete", expanded=False)
    outcome.update(summary=result.summary_zh() if lang == "zh" else result.summary_en(),
                   rows_read=result.rows_read, rows_loaded=result.rows_loaded,
                   rows_rejected=result.rows_rejected, load_id=result.load_id,
                   already=result.already_loaded, notes=list(result.notes),
                   rejects=result.rejects.copy())
    st.session_state[RESULT_KEY] = outcome
    if not validate_only and not result.already_loaded:
        # show the new load's rejects in the page's table, and start with an empty uploader
        st.session_state[SELECT_LOAD_KEY] = str(result.load_id)
        st.session_state[UPLOADER_KEY] = st.session_state.get(UPLOADER_KEY, 0) + 1
        st.rerun()


def rebuild_action(lang: str) -> None:
    """Rebuild with a progress bar; on success keep a message and rerun with fresh caches."""
    with st.status(t("dp.rebuild_running", lang), expanded=True) as box:
        bar = box.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        try:
            summary = rebuild(progress, on_wait=lambda zh, en: box.info(zh if lang == "zh" else en))
        except (locks.BusyError, db.DatabaseInUseError) as exc:
            message = exc.zh if lang == "zh" else exc.en
            box.update(label=message, state="error")
            st.session_state[FLASH_KEY] = ("error", message)
            return
        except PermissionError:
            box.update(label=t("auth.admin_only", lang), state="error")
            st.session_state[FLASH_KEY] = ("error", t("auth.admin_only", lang))
            return
        except Exception as exc:  # any failure: the old database is still in place
            reason = scrub(str(exc))
            box.update(label=t("dp.rebuild_failed", lang, reason=reason), state="error")
            st.session_state[FLASH_KEY] = ("error", t("dp.rebuild_failed", lang, reason=reason))
            return
        box.update(label=t("dp.up_done", lang), state="complete")
    st.session_state[FLASH_KEY] = ("success", t("dp.rebuild_done", lang, loads=summary["loads"],
                                                facilities=summary["facilities"],
                                                units=summary["units"]))
    st.session_state.pop(RESULT_KEY, None)
    st.rerun()
