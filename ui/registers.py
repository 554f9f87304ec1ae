"""Registers on the Data page: what is loaded and in use, withdraw and restore, the log.

Reads go through the app's read-only connection (:func:`ui.data.cursor`) and are cached per
database version (:mod:`ui.cache`, latest data: registers do not depend on the session's
data year); their results are read-only. Withdraw and restore check the admin login
themselves and write through :func:`etl.db.writing` (one writer at a time, published
atomically), as ``python -m etl withdraw|restore`` does; the account name is logged as
``who``.

Texts are built per language from the ETL's structured results (``supersedes``,
``brought_back``), never by splitting its bilingual notes. Every function returns plain
strings: the page passes those that carry data (file and township names) through
:func:`ui.i18n.md_text` before Markdown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from etl import db, locks, readers, schema
from etl import registers as reg
from ui import auth
from ui import data as ui_data
from ui.cache import cached
from ui.i18n import facility_label, t

__all__ = ["FLASH_KEY", "admin_name", "change_lines", "events", "events_view", "kind_label",
           "register_label", "register_lines", "registers", "registers_view", "road_register_lines",
           "set_withdrawn", "status_action", "status_text", "summary", "summary_view"]

#: Session State key of the last withdraw/restore outcome, shown after the rerun.
FLASH_KEY = "_dp_reg_flash"


def admin_name() -> str | None:
    """The account this session is logged in as (``who`` of its changes)."""
    name = st.session_state.get(auth.SESSION_KEY)
    return None if name is None else str(name)


def kind_label(kind: str, lang: str) -> str:
    key = f"kind.{kind}"
    return t(key, lang) if kind in schema.REGISTER_KINDS or kind == schema.ROADS_KIND else str(kind)


# -- loaders (cached per database version) -----------------------------------------------------

@cached(max_entries=4, per_year=False)
def registers(path: str | None = None) -> tuple[Mapping[str, Any], ...]:
    """Every register (:func:`etl.registers.list_registers`), in load order (read-only)."""
    with ui_data.cursor(path) as cur:
        return reg.list_registers(cur)


@cached(max_entries=4, per_year=False)
def summary(path: str | None = None) -> tuple[Mapping[str, Any], ...]:
    """Facility rows per kind: generated/real × in use/not (:func:`etl.registers.kind_summary`)."""
    with ui_data.cursor(path) as cur:
        return reg.kind_summary(cur)


@cached(max_entries=4, per_year=False)
def events(path: str | None = None) -> pd.DataFrame:
    """The register log (``register_events``), latest first."""
    with ui_data.cursor(path) as cur:
        return cur.execute(
            "SELECT e.event_id, e.event_at, e.event, e.register_id, g.kind, g.year, g.file_name, "
            "e.who, e.detail FROM register_events e LEFT JOIN registers g USING (register_id) "
            "ORDER BY e.event_id DESC").df()


# -- words --------------------------------------------------------------------------------------

def _plural(label: str) -> str:
    """An English facility label in the plural, lower case.

    >>> _plural("Village clinic"), _plural("County library"), _plural("Care home (敬老院)")
    ('village clinics', 'county libraries', 'care homes (敬老院)')
    """
    label = label[0].lower() + label[1:]
    head, sep, tail = label.partition(" (")
    head = head[:-1] + "ies" if head.endswith("y") and not head.endswith(("ay", "ey", "oy")) else head + "s"
    return head + sep + tail


def _year(year: object, lang: str) -> str:
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return t("dp.reg.undated", lang)
    return t("dp.reg.year_value", lang, year=int(year))


def _scope(scope: str | None, names: str | None, lang: str) -> str:
    if not scope or scope == reg.COUNTY:
        return t("dp.reg.county", lang)
    return str(names or scope)


def _types(types: dict[str, int], lang: str, synthetic: bool) -> str:
    if lang == "zh":
        return "、".join(f"{facility_label(k, 'zh')} {n} 行" for k, n in types.items()) or "0 行"
    parts = []
    for k, n in types.items():
        label = schema.FACILITY_TYPES[k][3] if k in schema.FACILITY_TYPES else str(k)
        label = _plural(label) if n != 1 else label[0].lower() + label[1:]
        parts.append(f"{n} {'generated ' if synthetic else ''}{label}")
    return ", ".join(parts) or "0 rows"


def change_lines(changes: Iterable[dict], lang: str, verb: str) -> list[str]:
    """One line per register touched, in ``lang``: ``verb`` is ``replace`` (a preview),
    ``replaced`` (done) or ``back`` (brought back by a withdrawal).

    >>> c = [{"register_id": 5, "is_synthetic": True, "types": {"village_clinic": 194}}]
    >>> change_lines(c, "zh", "replace"), change_lines(c, "en", "replace")
    (['将替换示例数据：村卫生室 194 行'], ['will replace 194 generated village clinics'])
    """
    out = []
    for c in changes:
        syn = bool(c.get("is_synthetic"))
        what = _types(c.get("types") or {}, lang, syn)
        if syn:
            out.append(t(f"dp.reg.{verb}_generated", lang, what=what))
        else:
            out.append(t(f"dp.reg.{verb}_real", lang, what=what, id=c["register_id"],
                         file=c.get("file_name") or "", year=_year(c.get("year"), lang),
                         scope=_scope(c.get("scope"), c.get("scope_names"), lang)))
    return out


def register_lines(kind: str, year: int | None, scope: Sequence[str] | None, supersedes: list[dict],
                   lang: str, *, done: bool = False, town_names: dict[str, str] | None = None) -> list[str]:
    """What a facility load is and does, in ``lang``: the register (kind, year, scope), then
    what it replaces (or that it replaces nothing)."""
    names = town_names or {}
    scope_text = (t("dp.reg.county", lang) if not scope
                  else "、".join(names.get(c, c) for c in scope))
    lines = [t("dp.reg.this", lang, kind=kind_label(kind, lang), year=_year(year, lang),
               scope=scope_text)]
    changes = change_lines(supersedes, lang, "replaced" if done else "replace")
    return lines + (changes or [t("dp.reg.replaces_nothing", lang)])


def road_register_lines(year: int | None, in_force: Sequence[Mapping[str, Any]], lang: str, *,
                        done: bool = False) -> list[str]:
    """What a roads load is and does, in ``lang``: the register (whole county), then the roads
    registers in force that it replaces (the latest roads register wins whatever its year)."""
    lines = [t("dp.reg.this", lang, kind=kind_label(schema.ROADS_KIND, lang), year=_year(year, lang),
               scope=t("dp.reg.county", lang))]
    verb = "dp.reg.replaced_real" if done else "dp.reg.replace_real"
    lines += [t(verb, lang, id=r["register_id"], file=r.get("file_name") or "",
                year=_year(r.get("year"), lang), scope=t("dp.reg.county", lang),
                what=t("dp.roads.what", lang, n=f"{int(r.get('rows') or 0):,}"))
              for r in in_force]
    return lines if in_force else [*lines, t("dp.roads.replaces_nothing", lang)]


def _status(r: dict, lang: str) -> str:
    status = r["status"]
    if status == reg.ACTIVE and r.get("superseded_by"):
        return t("dp.reg.st_partly", lang)
    if status == reg.ACTIVE and not r.get("rows_shown") and r.get("rows_active"):
        return t("dp.reg.st_earlier", lang)
    key = f"dp.reg.st_{status}"
    return t(key, lang) if status in (reg.ACTIVE, reg.SUPERSEDED, reg.WITHDRAWN) else str(status)


def register_label(r: dict, lang: str) -> str:
    """A register in one line (select boxes: plain text)."""
    return t("dp.reg.label", lang, id=r["register_id"], kind=kind_label(r["kind"], lang),
             year=_year(r["year"], lang), scope=_scope(r["scope"], r["scope_names"], lang),
             file=r["file_name"])


def status_text(r: dict, lang: str) -> str:
    """A register's status in words (active, partly superseded, earlier year, superseded,
    withdrawn)."""
    return _status(r, lang)


def registers_view(rows: Sequence[Mapping[str, Any]], lang: str) -> pd.DataFrame:
    """The registers table, headed and worded in ``lang``."""
    c = {k: t(f"dp.reg.col_{k}", lang) for k in (
        "id", "kind", "year", "scope", "rows", "shown", "status", "origin", "file", "at", "by",
        "superseded_by")}
    return pd.DataFrame({
        c["id"]: [r["register_id"] for r in rows],
        c["kind"]: [kind_label(r["kind"], lang) for r in rows],
        c["year"]: [_year(r["year"], lang) for r in rows],
        c["scope"]: [_scope(r["scope"], r["scope_names"], lang) for r in rows],
        c["origin"]: [t("dp.reg.generated" if r["is_synthetic"] else "dp.reg.real", lang) for r in rows],
        c["status"]: [_status(r, lang) for r in rows],
        c["superseded_by"]: [", ".join(map(str, r["superseded_by"])) or "—" for r in rows],
        c["rows"]: pd.array([r["rows"] for r in rows], dtype="Int64"),
        c["shown"]: pd.array([r["rows_shown"] for r in rows], dtype="Int64"),
        c["file"]: [str(r["file_name"] or "") for r in rows],
        c["at"]: [r["loaded_at"] or "" for r in rows],
        c["by"]: [str(r["loaded_by"] or "") for r in rows],
    })


def _in_use(s: dict, lang: str) -> str:
    gen, real = s["generated_active"], s["real_active"]
    key = ("dp.reg.use_real" if real and not gen else "dp.reg.use_mixed" if real
           else "dp.reg.use_generated" if gen else "dp.reg.use_none")
    return t(key, lang)


def summary_view(rows: Sequence[Mapping[str, Any]], lang: str) -> pd.DataFrame:
    """Per kind: which data is in use (in words) and the rows, generated/real × in use/not."""
    cols = ("generated_active", "real_active", "generated_inactive", "real_inactive")
    out = pd.DataFrame({t("dp.reg.col_kind", lang): [kind_label(s["kind"], lang) for s in rows],
                        t("dp.reg.col_in_use", lang): [_in_use(s, lang) for s in rows]})
    for col in cols:
        out[t(f"dp.reg.sum_{col}", lang)] = pd.array([s[col] for s in rows], dtype="Int64")
    return out


def events_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The register log in ``lang``: when (UTC), what, which register, who."""
    what = {e: t(f"dp.reg.ev_{e}", lang) for e in ("load", "supersede", "withdraw", "restore")}
    return pd.DataFrame({
        t("dp.reg.col_when", lang): [("" if pd.isna(x) else pd.Timestamp(x).isoformat(sep=" ", timespec="seconds"))
                                     for x in frame["event_at"]],
        t("dp.reg.col_event", lang): [what.get(e, e) for e in frame["event"]],
        t("dp.reg.col_id", lang): pd.array(frame["register_id"], dtype="Int64"),
        t("dp.reg.col_kind", lang): [kind_label(k, lang) if isinstance(k, str) else "" for k in frame["kind"]],
        t("dp.reg.col_file", lang): ["" if pd.isna(f) else str(f) for f in frame["file_name"]],
        t("dp.reg.col_who", lang): ["" if pd.isna(w) else str(w) for w in frame["who"]],
        t("dp.reg.col_detail", lang): ["" if pd.isna(d) else str(d) for d in frame["detail"]],
    })


# -- withdraw and restore -------------------------------------------------------------------------

def set_withdrawn(register_id: int, withdraw: bool, *,
                  on_wait: locks.OnWait | None = None) -> dict:
    """Withdraw (or restore) a register as ``python -m etl withdraw|restore`` does, logged
    under this session's account; publishes nothing when nothing changed.

    Raises ``PermissionError`` without the admin login; :class:`etl.registers.RegisterError`,
    :class:`etl.locks.BusyError`, :class:`etl.db.DatabaseInUseError` as the writer does.
    """
    auth.require_admin()
    path = ui_data.db_path()
    act = reg.withdraw if withdraw else reg.restore
    verb = "withdraw" if withdraw else "restore"
    with db.writing(path, what=f"app {verb} {int(register_id)}", on_wait=on_wait) as change:
        out = act(change.con, int(register_id), who=admin_name(), data_dir=path.parent)
        if not out["changed"]:
            change.discard()
    ui_data.refresh()
    return out


def outcome_lines(out: dict, withdraw: bool, file_name: str, lang: str) -> list[str]:
    """What a withdrawal or restoration did, in ``lang`` (first line: the register itself)."""
    rid = out["register_id"]
    if not out["changed"]:
        return [t("dp.reg.already_withdrawn" if withdraw else "dp.reg.not_withdrawn", lang,
                  id=rid, file=file_name)]
    head = t("dp.reg.withdrew" if withdraw else "dp.reg.restored", lang, id=rid, file=file_name,
             status=_status({"status": out["status"]}, lang))
    lines = [head, *change_lines(out.get("brought_back") or [], lang, "back"),
             *change_lines(out.get("superseded") or [], lang, "replaced")]
    return lines


def status_action(register: dict, withdraw: bool, lang: str) -> None:
    """Withdraw or restore ``register`` with a progress box; keep the outcome (shown after the
    rerun) and rerun with fresh caches when something changed. Never a traceback."""
    label = t("dp.reg.withdrawing" if withdraw else "dp.reg.restoring", lang, id=register["register_id"])
    with st.status(label, expanded=False) as box:
        try:
            out = set_withdrawn(register["register_id"], withdraw,
                                on_wait=lambda zh, en: box.info(zh if lang == "zh" else en))
        except (readers.RegisterReadError, locks.BusyError, db.DatabaseInUseError) as exc:
            message = exc.zh if lang == "zh" else exc.en
        except PermissionError:
            message = t("auth.admin_only", lang)
        except (duckdb.Error, OSError, ValueError) as exc:
            from ui.upload import scrub

            message = t("dp.up_error", lang, reason=scrub(str(exc)))
        except Exception as exc:  # noqa: BLE001 - never a traceback; the database is as it was
            message = t("dp.up_error", lang, reason=type(exc).__name__)
        else:
            message = None
        if message is not None:
            box.update(label=t("dp.reg.failed", lang), state="error")
            st.session_state[FLASH_KEY] = ("error", [message, t("dp.reg.unchanged", lang)])
            return
        box.update(label=t("dp.up_done", lang), state="complete")
    lines = outcome_lines(out, withdraw, str(register.get("file_name") or ""), lang)
    st.session_state[FLASH_KEY] = ("success" if out["changed"] else "info", lines)
    if out["changed"]:
        st.rerun()
