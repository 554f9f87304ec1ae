"""Cached access to the database for the pages: one read-only connection per process.

Loaders are cached at the expensive step: the tables once per process, the
threshold-independent ``metrics.indicators.prepare`` once, and each evaluation per
distinct set of setting overrides (bounded); then the derived pieces a page shows per
view (the Gini intervals, the plan tracker, the overview's figures), keyed by the
view's parameters and the data key (:func:`data_key`). Every loader follows the one cache
contract of :mod:`ui.cache`: a parameter ``path`` holds the data key (left out: the data on
screen), and results are read-only, shared by every session.

The app never writes the database file it reads. A load or rebuild (from this app, another
app process or the command line) writes a private copy and publishes it by renaming it over
the file (:func:`etl.db.writing`). Each rerun compares the file's version (inode, time, size)
with the one the process's connection has open; when a new version is there,
:func:`refresh` waits for the running queries (a readers-writer lock: queries hold it shared),
closes the old connection, and the next query opens the new version. Caches are keyed by
:func:`data_key` (path and version), so a result of the old version is never served for the
new one.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import shapely
import shapely.geometry
import streamlit as st

from etl import db, locks, paths, road_store
from metrics import audit, indicators, travel
from metrics.gaps import township_gaps
from metrics.inequality import summarise
from metrics.plan import plan_path, plan_status
from ui.cache import cached


def db_path() -> Path:
    return Path(os.environ.get("EQUITY_DB", paths.DEFAULT_DB))


#: Database files already found usable, by (path, inode, mtime, size): the check opens the file
#: and reads the catalogue, too slow to repeat on every rerun; a new version repeats it.
_USABLE: set[tuple[str, int, int, int]] = set()
#: Database paths whose leftovers of killed writers were looked for (once per process).
_CLEANED: set[str] = set()


def _file_key(path: Path | str) -> tuple[str, int, int, int] | None:
    try:
        s = os.stat(path)
    except OSError:
        return None
    return (str(path), s.st_ino, s.st_mtime_ns, s.st_size)


def _version(path: str) -> str:
    """The published file's version: a new file (load, rebuild) has a new inode and time."""
    key = _file_key(path)
    return "missing" if key is None else f"{key[1]}.{key[2]}.{key[3]}"


def _say_waiting(zh: str, en: str) -> None:
    st.info(f"{zh} / {en}")


def ensure_database() -> None:
    """Build the database from data/ when it is missing or unreadable, with progress shown.

    A file that another process holds open for writing is reported, never rebuilt; a build
    or load running in another process is waited for (the writer lock), never built over.
    """
    path = db_path()
    if str(path) not in _CLEANED:
        _CLEANED.add(str(path))
        db.clean_stale_if_idle(path)
    key = _file_key(path)
    if key is not None and key in _USABLE:
        return
    found = db.state(path)
    if found == db.OK:
        if key is not None:
            _USABLE.add(key)
        return
    if found == db.BUSY:
        err = db.DatabaseInUseError(path)
        st.error(f"{err.zh}\n\n{err.en}")
        st.stop()
    bar = st.progress(0.0, text="正在从 data/ 构建数据库… / Building the database from data/…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"构建数据库 / Building: {message}")

    try:
        db.ensure(path, progress=progress, on_wait=_say_waiting)
    except (locks.BusyError, db.DatabaseInUseError) as exc:
        bar.empty()
        st.error(f"{exc.zh}\n\n{exc.en}")
        st.stop()
    bar.empty()


class _SharedLock:
    """Many holders at once (``shared``: queries) or one alone (``exclusive``: a data change).

    A waiting exclusive holder goes first: new shared holders wait behind it, so a stream of
    queries cannot starve an upload. A thread may re-enter while it holds the lock in either
    mode (a loader calling another loader, or a write that reads).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._waiting = 0
        self._writer: int | None = None
        self._local = threading.local()

    @contextmanager
    def shared(self) -> Iterator[None]:
        if self._writer == threading.get_ident():
            yield
            return
        local = self._local
        depth = getattr(local, "depth", 0)
        with self._cond:
            while not depth and (self._writer is not None or self._waiting):
                self._cond.wait()
            self._readers += 1
        local.depth = depth + 1
        try:
            yield
        finally:
            local.depth = depth
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    def held_here(self) -> bool:
        """Whether this thread holds the lock (shared or alone)."""
        return self._writer == threading.get_ident() or bool(getattr(self._local, "depth", 0))

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._writer == me:
            yield
            return
        if getattr(self._local, "depth", 0):
            raise RuntimeError("a query of this thread still holds the connection")
        with self._cond:
            self._waiting += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._writer = me
        try:
            yield
        finally:
            with self._cond:
                self._writer = None
                self._cond.notify_all()


#: Guards the shared connections: queries hold it shared, closing an old version holds it alone.
_CONNECTION_LOCK = _SharedLock()
#: The process's read-only connection per database path, with the file version it opened.
_OPEN: dict[str, tuple[str, duckdb.DuckDBPyConnection]] = {}
_OPEN_GUARD = threading.Lock()

# Every cache is keyed by :func:`data_key` (the database path and the version of the file the
# connection has open; :func:`ui.cache.cached` passes it), so two databases, or two versions of
# one, never share results.


def _opened(path: str) -> tuple[str, duckdb.DuckDBPyConnection]:
    """The open connection to ``path`` (opened now if there is none) and its version."""
    with _OPEN_GUARD:
        entry = _OPEN.get(path)
        if entry is None:
            version = _version(path)
            entry = _OPEN[path] = (version, db.connect(path, read_only=True))
        return entry


def refresh(path: str | None = None) -> bool:
    """Close the connection to ``path`` if a newer version of the file has been published
    (a load or rebuild in this or another process), once every running query has ended; the
    next query opens the new version. Returns whether it did. Call outside any query.

    DuckDB gives a new connection to a path the same open database while any connection to it
    is open, so the old one must be closed first.
    """
    path = path or str(db_path())
    entry = _OPEN.get(path)
    if entry is None or entry[0] == _version(path) or _CONNECTION_LOCK.held_here():
        return False
    with _CONNECTION_LOCK.exclusive(), _OPEN_GUARD:
        entry = _OPEN.get(path)
        if entry is None or entry[0] == _version(path):
            return False
        del _OPEN[path]
        with suppress(duckdb.Error):
            entry[1].close()
    return True


#: Session State key of the data year chosen in the sidebar (``None``: the latest data).
YEAR_STATE = "_data_year"


def _session_year() -> int | None:
    try:
        year = st.session_state.get(YEAR_STATE)
    except Exception:  # noqa: BLE001 - outside a script run there is no session: latest data
        return None
    return int(year) if year is not None else None


def set_year(year: int | None) -> None:
    """Show the facilities as of ``year`` in this session (``None``: the latest of each kind
    and township, the ``facilities`` view); every loader of the session follows."""
    st.session_state[YEAR_STATE] = None if year is None else int(year)


def data_key(path: str | None = None, *, year: int | None | str = "session") -> str:
    """The cache key of the data shown: ``<path>#<version>`` of the file the process's
    connection reads (moving to a newly published version first), plus ``#y<year>`` when a
    year other than the latest is shown (``year``: the session's choice by default)."""
    path = path or str(db_path())
    refresh(path)
    key = f"{path}#{_opened(path)[0]}"
    year = _session_year() if year == "session" else year
    return key if year is None else f"{key}#y{int(year)}"


def _path_of(key: str) -> str:
    """The database path of a :func:`data_key` (a plain path is returned as it is)."""
    return key.split("#", 1)[0]


def year_of(key: str) -> int | None:
    """The data year of a :func:`data_key`, ``None`` for the latest data.

    >>> year_of("data/equity.duckdb#12.34.56#y2023"), year_of("data/equity.duckdb#12.34.56")
    (2023, None)
    """
    last = key.rsplit("#", 1)[-1]
    return int(last[1:]) if key.count("#") >= 2 and last.startswith("y") else None


def version_key(key: str) -> str:
    """The key without its year: the same database version, latest data."""
    return key.rsplit("#", 1)[0] if year_of(key) is not None else key


def close_all() -> None:
    """Close every connection of this process (tests, and a server that shuts down)."""
    with _CONNECTION_LOCK.exclusive(), _OPEN_GUARD:
        for _, con in _OPEN.values():
            with suppress(duckdb.Error):
                con.close()
        _OPEN.clear()


@contextmanager
def cursor(key: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the process's read-only connection, closed after the block.

    The block holds the connection lock shared: closing an old version waits until it ends.
    """
    path = _path_of(key) if key else str(db_path())
    with _CONNECTION_LOCK.shared():
        cur = _opened(path)[1].cursor()
        try:
            yield cur
        finally:
            cur.close()


@cached(max_entries=64)
def query(sql: str, params: Sequence = (), path: str | None = None) -> pd.DataFrame:
    """Run a read-only query with bound parameters on the data of ``path`` (a data key,
    default the data on screen); cached (:mod:`ui.cache`)."""
    with cursor(path) as cur:
        return cur.execute(sql, list(params)).df()


@cached(max_entries=4, per_year=False)
def register_years(path: str | None = None) -> Mapping[str, tuple[int, ...]]:
    """Register kind -> the years it has registers of (withdrawn ones left out)."""
    rows = query("SELECT kind, year FROM registers WHERE status <> 'withdrawn' "
                 "AND year IS NOT NULL GROUP BY kind, year ORDER BY kind, year", (), path)
    out: dict[str, list[int]] = {}
    for r in rows.itertuples():
        out.setdefault(str(r.kind), []).append(int(r.year))
    return {k: tuple(v) for k, v in out.items()}


def data_years(path: str | None = None) -> list[int]:
    """Every year with a register of a facility kind, earliest first (the year selector)."""
    from etl.schema import FACILITY_KINDS

    years = register_years(path)
    return sorted({y for k in FACILITY_KINDS for y in years.get(k, ())})


@cached(max_entries=4)
def status(path: str | None = None) -> Mapping[str, int]:
    """Row counts and generated-data flags of the database (:func:`etl.db.status`)."""
    with cursor(path) as cur:
        return db.status(cur)


@cached(max_entries=4)
def frames(path: str | None = None) -> Mapping[str, pd.DataFrame]:
    """units, facilities (as of the key's year) and townships as in the data contract, of
    ``path`` (a data key, default the data on screen)."""
    year = year_of(path)
    return {
        "units": query("SELECT * FROM units ORDER BY code", (), path),
        "facilities": (query("SELECT * FROM facilities ORDER BY id", (), path) if year is None
                       else query("SELECT * FROM facilities_in_year(?) ORDER BY id", (year,), path)),
        "townships": query("SELECT * FROM townships ORDER BY code", (), path),
    }


@cached(max_entries=2, ttl=None, spinner="读取路网… / Reading the road network…", per_year=False)
def road_network(path: str | None = None) -> tuple[int, Mapping[str, pd.DataFrame]] | None:
    """The active roads register's id and its ``nodes``/``edges`` frames, read once for the
    travel model and the maps (:func:`etl.road_store.read_network`); None without one."""
    with cursor(path) as cur:
        return road_store.read_network(cur)


@cached(max_entries=2, ttl=None, per_year=False)
def travel_model(path: str | None = None) -> travel.TravelModel:
    """The one travel model of the data on screen: along the roads of the active roads
    register (:class:`metrics.network.NetworkModel`) when one is loaded, else the straight-line
    estimate (:data:`metrics.travel.STRAIGHT`). Every consumer takes its times from here."""
    found = road_network(path)
    if found is None:
        return travel.STRAIGHT
    from metrics.network import NetworkModel

    _, net = found
    return NetworkModel.from_frames(net["nodes"], net["edges"])


def travel_label(lang: str, path: str | None = None) -> str:
    """路网 / 直线估算 (road network / straight-line estimate): the model every figure used."""
    return travel.describe(travel_model(path), lang)


def on_roads(path: str | None = None) -> bool:
    """Whether the figures on screen are travel along a loaded road network."""
    return travel_model(path).key == "network"


@cached(max_entries=4, ttl=None, spinner="计算指标… / Computing indicators…")
def prepared(path: str | None = None) -> indicators.Prepared:
    """The threshold-independent part of every indicator, once per process and database."""
    f = frames(path)
    return indicators.prepare(f["units"], f["facilities"], model=travel_model(path))


@cached(max_entries=32, ttl=None)
def indicator_table(overrides: Mapping[str, float] | None = None,
                    path: str | None = None) -> indicators.IndicatorTable:
    """Every indicator under the settings; cached per distinct overrides."""
    return indicators.evaluate(prepared(path), dict(overrides or {}))


@cached(max_entries=4)
def boundaries(path: str | None = None) -> Mapping[str, Any]:
    """GeoJSON per level: ``county`` (a geometry), ``township`` and ``unit`` (FeatureCollections
    with feature id = code), plus which levels are generated (``generated``)."""
    rows = query("SELECT level, code, name, geojson, is_synthetic FROM boundaries", (), path)
    out: dict[str, dict] = {"generated": {}}
    county = rows[rows["level"] == "county"]
    out["county"] = _for_display(county["geojson"].iloc[0]) if len(county) else {}
    for level in ("township", "unit"):
        sub = rows[rows["level"] == level]
        out[level] = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": r.code, "properties": {"code": r.code},
             "geometry": _for_display(r.geojson)} for r in sub.itertuples()]}
        out["generated"][level] = bool(len(sub)) and bool(sub["is_synthetic"].all())
    return out


#: Tolerance (degrees, ≈ 20 m) of the geometry simplification for maps: invisible at county
#: scale, and it keeps the GeoJSON sent to the browser (and validated by plotly) small.
DISPLAY_TOLERANCE_DEG = 0.0002


def _for_display(geojson_text: str) -> dict:
    geom = shapely.geometry.shape(json.loads(geojson_text))
    return shapely.geometry.mapping(shapely.set_precision(
        geom.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True), 1e-6))


@cached(max_entries=2)
def plan_tasks() -> pd.DataFrame:
    """The pilot plan's task list (``data/reference/plan/tasks.csv``), read-only reference data."""
    return pd.read_csv(paths.REFERENCE / "plan" / "tasks.csv", dtype={"task": int})


@cached(max_entries=4)
def plan_table(path: str | None = None) -> pd.DataFrame:
    """The plan tracker: every task of the plan with its status in the data."""
    f = frames(path)
    return plan_status(f["facilities"], f["units"], f["townships"], plan_tasks())


@cached(max_entries=4)
def plan_history(path: str | None = None) -> pd.DataFrame:
    """Each plan target's path from its baseline year to 2025 (:func:`metrics.plan.plan_path`)
    over every year with registers, up to the year shown."""
    key = path or data_key()
    chosen, latest = year_of(key), version_key(key)
    return plan_path({y: plan_table(f"{latest}#y{y}") for y in data_years(latest)
                      if chosen is None or y <= chosen})


@cached(max_entries=128)
def gini_ci(key: str, overrides: Mapping[str, float] | None = None, n_boot: int = 100,
            path: str | None = None) -> tuple[float | None, tuple | None]:
    """Gini between units of indicator ``key`` and its bootstrap 95 % interval (seed 2022).

    Cached per indicator and settings: pass only the overrides the indicator depends on,
    so views that differ in other settings share the result.
    """
    tab = indicator_table(overrides, path)
    s = summarise(tab.values[key], tab.weights[key], tab.units["urban_rural"],
                  higher_is_better=indicators.INDICATORS[key].higher_is_better, n_boot=n_boot,
                  seed=2022)
    return s["gini"], s["ci"].get("gini")


@cached(max_entries=64)
def indicator_sensitivity(key: str, overrides: Mapping[str, float] | None = None,
                          path: str | None = None) -> pd.DataFrame:
    """:func:`metrics.sensitivity.sensitivity` of indicator ``key``: its county, urban and
    rural values at the plausible speeds of its mode and for people without the mode
    (empty for an indicator without a travel mode). Cached per indicator and settings:
    pass only the overrides the indicator depends on."""
    from metrics.sensitivity import sensitivity

    ind = indicators.INDICATORS[key]
    return sensitivity(prepared(path), ind, dict(overrides or {}))


def township_names(path: str | None = None) -> dict[str, str]:
    """Township code -> name (a new dict)."""
    towns = frames(path)["townships"]
    return dict(zip(towns["code"].astype(str), towns["name"].astype(str), strict=True))


@cached(max_entries=48)
def overview_map(key: str, overrides: Mapping[str, float], types: tuple[str, ...], lang: str,
                 static: bool = False, path: str | None = None) -> Mapping[str, Any]:
    """The overview's map of indicator ``key``: village areas by value, the chosen facility
    types; a figure specification (see ``ui.charts``), cached per view."""
    from ui.i18n import t, with_unit
    from ui.maps import county_map_spec
    from ui.pinyin import place_label

    ind = indicators.INDICATORS[key]
    f, b = frames(path), boundaries(path)
    towns = township_names(path)
    u = f["units"]
    # hover: "township village", each with its pinyin in English
    names = {str(c): f"{place_label(towns.get(str(tc), ''), lang)} {place_label(n, lang)}".strip()
             for c, tc, n in zip(u["code"], u["township_code"], u["name"], strict=True)}
    fac = f["facilities"].loc[f["facilities"]["type"].isin(types), ["lon", "lat", "type", "name"]]
    areas = b["unit"] if b["unit"]["features"] else b["township"]
    unit = ind.unit_zh if lang == "zh" else ind.unit_en
    # the colour bar says "value (unit)": the indicator's name is the map's heading, and in
    # English it would not fit beside the map
    return county_map_spec(
        b["county"], areas=areas, area_values=indicator_table(overrides, path).values[key],
        facilities=fac, lang=lang, area_title=with_unit(t("dom.map_value", lang), unit, lang),
        area_names=names,
        colorscale="YlOrRd", reverse_scale=ind.higher_is_better, height=420 if static else 620,
        static=static, roads=road_lines(path))


@cached(max_entries=48)
def overview_bar(key: str, overrides: Mapping[str, float], lang: str,
                 path: str | None = None) -> Mapping[str, Any]:
    """The overview's townships ranked by indicator ``key``; a cached figure specification."""
    from ui.charts import ranked_bar_spec
    from ui.i18n import t
    from ui.pinyin import place_label

    ind = indicators.INDICATORS[key]
    table = indicator_table(overrides, path)
    gaps = township_gaps(table.summaries[key]["township_code"],
                         float(table.county.loc[key, "value"]), ind.higher_is_better)
    towns = township_names(path)
    frame = pd.DataFrame({"name": [place_label(towns.get(c, c), lang) for c in gaps.index],
                          "value": gaps["value"].to_numpy()})
    target = table.county.loc[key, "target"]
    unit = ind.unit_zh if lang == "zh" else ind.unit_en
    # the largest gap at the top, as rank 1 heads the table under the chart (ties too)
    spec = ranked_bar_spec(frame, "value", "name", t("dom.map_value", lang), unit, group_col=None,
                           target=None if pd.isna(target) else float(target),
                           higher_is_better=not ind.higher_is_better, lang=lang)
    return in_rank_order(spec, frame["name"])


def in_rank_order(spec: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """A ranked bar chart with its bars in the table's order, rank 1 on top (tied values
    would otherwise be in any order)."""
    from ui.charts import merge
    from ui.i18n import plain

    shown = {str(v) for tr in spec["data"] for v in tr.get("y", [])}
    order = [plain(n) for n in names if plain(n) in shown][::-1]
    spec["layout"] = merge(spec["layout"], {"yaxis": {"categoryarray": order}})
    return spec


#: Stand-ins for this database's tables among the arguments of :func:`audit_table`.
UNITS, FACILITIES, TOWNSHIPS = "@units", "@facilities", "@townships"


@cached(max_entries=256)
def audit_table(name: str, *args: object, domain: str | None = None,
                types: Sequence[str] | None = None, township: str | None = None,
                path: str | None = None) -> pd.DataFrame | Mapping[str, Any]:
    """``metrics.audit.<name>(*args)`` on this database, cached per arguments.

    Tables are passed as the stand-ins :data:`UNITS`, :data:`FACILITIES`, :data:`TOWNSHIPS`
    (hashing a table for the cache key would cost more than most audits); the other
    arguments are strings, numbers, tuples or small dicts. :data:`FACILITIES` is every
    facility, or those of ``types`` (else of ``domain``), of ``township`` when given.
    """
    if name not in audit.__all__:
        raise ValueError(f"metrics.audit has no table {name!r}")
    f = frames(path)
    fac = f["facilities"]
    if types is not None:
        fac = fac.loc[fac["type"].isin(list(types))]
    elif domain is not None:
        fac = fac.loc[fac["domain"] == domain]
    if township:
        fac = fac.loc[fac["township_code"].astype(str) == township]
    tables = {UNITS: f["units"], FACILITIES: fac, TOWNSHIPS: f["townships"]}
    return getattr(audit, name)(*(tables.get(a, a) if isinstance(a, str) else a for a in args))


@cached(max_entries=4, per_year=False)
def far_from_road(path: str | None = None) -> pd.DataFrame:
    """Villages whose point lies more than :data:`metrics.network.FAR_FROM_ROAD_M` from the
    nearest road (``code``, ``name``, ``township_code``, ``snap_m``, farthest first); empty
    with straight lines."""
    from metrics import network

    model = travel_model(path)
    units = frames(path)["units"]
    if model.key != "network":
        return units.reindex(columns=["code", "name", "township_code"]).iloc[0:0].assign(snap_m=[])
    snap = model.snap_m(units)  # type: ignore[attr-defined]
    far = units.reindex(columns=["code", "name", "township_code"]).assign(snap_m=snap)
    far = far.loc[network.far_from_road(snap)]
    return far.sort_values("snap_m", ascending=False, kind="stable").reset_index(drop=True)



@cached(max_entries=2, ttl=None, per_year=False)
def road_lines(path: str | None = None) -> Mapping[str, Any] | None:
    """The active roads register for county maps (:func:`ui.maps.road_lines`, with its
    ``register_id``); None without one (maps then draw no road)."""
    from ui.maps import road_lines as simplified

    found = road_network(path)
    return None if found is None else {"register_id": found[0], **simplified(**found[1])}


@cached(max_entries=4, ttl=None, spinner="比较路网与直线… / Comparing roads and straight lines…")
def travel_comparison(path: str | None = None) -> Any:
    """Roads against straight lines (:func:`metrics.travel_compare.compare`, default settings);
    None without a roads register."""
    from metrics.travel_compare import compare

    model, f = travel_model(path), frames(path)
    return None if model.key != "network" else compare(f["units"], f["facilities"], model)
