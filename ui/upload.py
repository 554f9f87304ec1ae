"""Data changes from the app (admin only): a file uploaded on the Data page, and the rebuild.

A roads file (``kind == "roads"``: OpenStreetMap, GeoJSON, GeoPackage, zipped Shapefile) goes
the same way through :mod:`etl.road_store` (``process`` to check, ``load_file`` to load), as
``python -m etl validate|load --kind roads`` does; its outcome carries the network's counts,
length by class and connectivity (``roads``).

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

import dataclasses
import hashlib
import re
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import duckdb
import streamlit as st

from etl import aliases, db, locks, pipeline, readers, road_store, schema
from etl.read_limits import check_size
from ui import auth
from ui import data as ui_data
from ui import registers as ui_registers
from ui.i18n import facility_label, md_text, t

__all__ = ["CRS_OPTIONS", "RESULT_KEY", "ROADS", "UPLOAD_TYPES", "Settings", "load_bytes",
           "load_roads_bytes", "max_upload_mb", "parse_mapping", "rebuild", "rebuild_action",
           "safe_name", "scrub", "type_label", "type_options", "upload_action", "validate_bytes",
           "validate_roads_bytes"]

#: Extensions offered by the uploader (the readers check the content as well); the last four
#: are road files only (``.osm.pbf``, ``.osm``, GeoPackage, a zipped Shapefile).
UPLOAD_TYPES: tuple[str, ...] = ("csv", "txt", "xlsx", "xlsm", "geojson", "json", "pbf", "osm",
                                 "gpkg", "zip")
#: The register kind of road networks (not one of the facility kinds).
ROADS = schema.ROADS_KIND
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
                   overrides: dict[str, str] | None = None, year: int | None = None,
                   scope: tuple[str, ...] | None = None,
                   type: str | None = None) -> pipeline.LoadResult:  # noqa: A002 - as --type
    """Check an uploaded file as ``python -m etl validate`` does (a year required, from the
    file or ``year``); writes nothing. ``result.supersedes`` says what a load would replace."""
    auth.require_admin()

    def work(path: Path) -> pipeline.LoadResult:
        with ui_data.cursor() as cur:
            return pipeline.process_file(cur, path, kind, crs=crs, overrides=overrides,
                                         file_name=path.name, year=year, scope=scope or None,
                                         type=type, require_year=True)

    return _with_temp_file(data, name, work)


def load_bytes(data: bytes, name: str, kind: str, *, crs: str = "wgs84",
               overrides: dict[str, str] | None = None, year: int | None = None,
               scope: tuple[str, ...] | None = None, type: str | None = None,  # noqa: A002
               who: str | None = None,
               on_wait: locks.OnWait | None = None) -> pipeline.LoadResult:
    """Load an uploaded file as ``python -m etl load`` does (atomic; raw file kept; a year
    required), recorded as loaded by ``who``."""
    auth.require_admin()
    path_db = ui_data.db_path()

    def work(path: Path) -> pipeline.LoadResult:
        # one writer at a time across processes; viewers keep reading the published version
        with db.writing(path_db, what=f"upload {path.name}", on_wait=on_wait) as change:
            result = pipeline.load_file(change.con, path, kind, crs=crs, overrides=overrides,
                                        data_dir=path_db.parent, file_name=path.name,
                                        year=year, scope=scope or None, type=type,
                                        require_year=True, who=who)
            if result.already_loaded:
                change.discard()
        ui_data.refresh()
        return result

    return _with_temp_file(data, name, work)


def validate_roads_bytes(data: bytes, name: str, *, crs: str = "wgs84", year: int | None = None
                         ) -> tuple[pipeline.LoadResult, dict]:
    """Check an uploaded roads file as ``python -m etl validate --kind roads`` does (writes
    nothing); the result and the network's statistics (counts, km by class, connectivity)."""
    auth.require_admin()

    def work(path: Path) -> tuple[pipeline.LoadResult, dict]:
        check_size(path, path.name)  # the guard of every register, before reading a byte
        with ui_data.cursor() as cur:
            result, net = road_store.process(cur, path, crs=crs, year=year, file_name=path.name)
        return result, net.stats

    return _with_temp_file(data, name, work)


def load_roads_bytes(data: bytes, name: str, *, crs: str = "wgs84", year: int | None = None,
                     who: str | None = None, on_wait: locks.OnWait | None = None
                     ) -> tuple[pipeline.LoadResult, dict]:
    """Load an uploaded roads file as ``python -m etl load --kind roads`` does (one writer,
    published by rename, raw file kept; the same file once); it supersedes the roads in force."""
    auth.require_admin()
    if year is None:
        raise ValueError("a roads register needs its year")
    path_db = ui_data.db_path()

    def work(path: Path) -> tuple[pipeline.LoadResult, dict]:
        check_size(path, path.name)
        with db.writing(path_db, what=f"upload {path.name}", on_wait=on_wait) as change:
            result, net = road_store.load_file(change.con, path, crs=crs, year=year,
                                               data_dir=path_db.parent, file_name=path.name,
                                               who=who)
            if result.already_loaded:
                change.discard()
        ui_data.refresh()
        return result, {} if net is None else net.stats

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

    >>> scrub("No such file: '/var/lib/equity-upload-x1/清单.csv' (in /srv/app/data)")
    "No such file: '清单.csv' (in data)"
    """
    return _PATH.sub(lambda m: m.group(0).rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1],
                     str(text))


# --- the page's actions: progress on screen, outcome kept in Session State ----------------------

@dataclasses.dataclass(frozen=True)
class Settings:
    """What the upload form says besides the file: as ``etl load``'s options."""

    kind: str
    crs: str = "wgs84"
    map_text: str = ""
    year: int | None = None
    scope: tuple[str, ...] = ()
    type: str | None = None

    def signature(self, data: bytes, name: str) -> str:
        """The file's content and name with these settings: a preview is confirmed only for
        the same signature."""
        h = hashlib.sha256(data)
        h.update(repr((name, self.kind, self.crs, str(self.map_text or "").strip(), self.year,
                       tuple(sorted(self.scope)), self.type)).encode("utf-8"))
        return h.hexdigest()


def type_options() -> list[str | None]:
    """The form's facility types (as ``--type``): None (from the file) and every type, kind by kind."""
    return [None, *(c for k in schema.FACILITY_KINDS for c in schema.REGISTER_KINDS[k])]


def type_label(code: str | None, lang: str) -> str:
    """An option of the form's type select: the kind and the type, or "from the file"."""
    if code is None:
        return t("dp.up_type_file", lang)
    kind = next((k for k, v in schema.REGISTER_KINDS.items() if code in v), "")
    return f"{ui_registers.kind_label(kind, lang)} · {facility_label(code, lang)}"


#: ETL notes that :func:`ui.registers.register_lines` says per language instead, and the
#: roads summary the page shows as figures (``roads``).
_REGISTER_NOTES = ("登记表：", "将替换", "已替换")
_ROADS_NOTES = ("道路 ", "县界外", "按等级", "连通性")


def _roads_in_force() -> list[dict]:
    """The roads registers a roads load would supersede (those in force)."""
    return [dict(r) for r in ui_registers.registers()
            if r["kind"] == ROADS and r["status"] == "active"]


def _outcome(result: pipeline.LoadResult, settings: Settings, mode: str, lang: str,
             roads: tuple[list[dict], dict] | None = None) -> dict:
    done = mode == "loaded"
    if done or result.already_loaded:
        summary = result.summary_zh() if lang == "zh" else result.summary_en()
    else:
        summary = t("dp.pv_summary", lang, file=result.file_name, read=result.rows_read,
                    ok=result.rows_loaded, rejected=result.rows_rejected)
    lines = []
    if settings.kind in schema.FACILITY_KINDS and not result.already_loaded:
        lines = ui_registers.register_lines(settings.kind, result.year, result.scope,
                                            result.supersedes, lang, done=done,
                                            town_names=ui_data.township_names())
    notes = [n for n in result.notes if not n.startswith(_REGISTER_NOTES)]
    if roads is not None:
        if not result.already_loaded:
            lines = ui_registers.road_register_lines(result.year, roads[0], lang, done=done)
        notes = [n for n in notes if not n.startswith(_ROADS_NOTES)]
    return {"mode": mode, "summary": summary, "rows_read": result.rows_read,
            "rows_loaded": result.rows_loaded, "rows_rejected": result.rows_rejected,
            "load_id": result.load_id, "already": result.already_loaded, "register": lines,
            "replaces": bool(result.supersedes),
            "notes": notes, "rejects": result.rejects.copy(),
            "roads": None if roads is None else roads[1]}


def upload_action(file: object, settings: Settings, *, mode: str, lang: str) -> None:
    """Check or load the uploaded ``file`` with progress shown; keep the outcome for the page.

    ``mode``: ``validate`` checks only; ``load`` checks and keeps the check as a preview to
    confirm (what the load will read, reject and replace); ``confirm`` loads, but only the
    file and settings of that preview: when either changed the preview is void and the file
    is checked again instead. After a preview, or a load that wrote rows, the script reruns
    (the form then offers the confirmation; after a load every table shows the new data).
    """
    if file is None:
        st.session_state[RESULT_KEY] = {"error": t("dp.up_need_file", lang)}
        return
    name = safe_name(getattr(file, "name", "upload"))
    kind = settings.kind
    if kind == ROADS and (str(settings.map_text or "").strip() or settings.scope or settings.type):
        st.session_state[RESULT_KEY] = {"file": name, "error": t("dp.up_roads_options", lang)}
        return
    if kind == ROADS and mode != "validate" and settings.year is None:
        st.session_state[RESULT_KEY] = {"file": name, "error": t("dp.up_roads_year", lang),
                                        "hint": t("dp.up_year_hint", lang)}
        return
    try:
        overrides = {} if kind == ROADS else parse_mapping(settings.map_text, kind)
    except ValueError as exc:
        st.session_state[RESULT_KEY] = {"file": name, "error": t("dp.up_bad_map", lang, line=str(exc))}
        return
    if settings.type is not None and settings.type not in schema.REGISTER_KINDS.get(kind, ()):
        allowed = "、".join(facility_label(c, lang) for c in schema.REGISTER_KINDS.get(kind, ()))
        st.session_state[RESULT_KEY] = {"file": name, "error": t(
            "dp.up_bad_type", lang, type=facility_label(settings.type, lang),
            kind=ui_registers.kind_label(kind, lang), types=allowed or "—")}
        return
    data = file.getvalue()
    signature = settings.signature(data, name)
    previous = st.session_state.get(RESULT_KEY) or {}
    write = mode == "confirm" and previous.get("pending") == signature
    changed = mode == "confirm" and not write
    outcome: dict = {"file": name}
    roads = None
    with st.status(t("dp.up_running", lang, file=md_text(name)), expanded=True) as box:
        box.write(t("dp.up_step_save", lang))
        box.write(t("dp.up_step_read", lang))
        if write:
            box.write(t("dp.up_step_write", lang))
        try:
            kwargs = {"crs": settings.crs, "overrides": overrides or None, "year": settings.year,
                      "scope": tuple(settings.scope) or None, "type": settings.type}
            if kind == ROADS:
                before = _roads_in_force()
                result, stats = (
                    load_roads_bytes(data, name, crs=settings.crs, year=settings.year,
                                     who=ui_registers.admin_name(),
                                     on_wait=lambda zh, en: box.info(zh if lang == "zh" else en))
                    if write else validate_roads_bytes(data, name, crs=settings.crs,
                                                       year=settings.year))
                roads = (before, stats)
            elif write:
                result = load_bytes(data, name, kind, who=ui_registers.admin_name(),
                                    on_wait=lambda zh, en: box.info(zh if lang == "zh" else en),
                                    **kwargs)
            else:
                result = validate_bytes(data, name, kind, **kwargs)
        except (readers.RegisterReadError, locks.BusyError, db.DatabaseInUseError) as exc:
            outcome["error"] = exc.zh if lang == "zh" else exc.en
            if "--year" in outcome["error"]:
                outcome["hint"] = t("dp.up_year_hint", lang)
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
    mode_done = "loaded" if write else ("validate" if mode == "validate" else "preview")
    outcome.update(_outcome(result, settings, mode_done, lang, roads), changed=changed,
                   pending=signature if mode_done == "preview" else None)
    st.session_state[RESULT_KEY] = outcome
    if mode_done == "preview":
        st.rerun()  # the form now offers "Confirm load" beside what the load will do
    if write and not result.already_loaded:
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
