"""Validate and load a roads register (``python -m etl validate|load --kind roads``).

A roads load is a register like the others (:mod:`etl.registers`): the raw file is kept
under ``raw/<sha256><suffix>`` and listed in ``raw/index.csv`` (``build`` loads it again),
the load is one transaction, the same file is loaded once, rejected rows go to
``rejects``. It covers the whole county, and the latest roads register that is not
withdrawn supersedes every earlier one whatever its year; withdrawing it brings the
previous one back (``etl withdraw ID``). Its network is stored in ``road_nodes`` and
``road_edges`` (:data:`etl.schema.ROAD_TABLES`) under its register id;
:func:`active_register` tells which register the network model should read.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from etl import coords, paths, registers, road_graph, roads, schema, write
from etl.db import transaction
from etl.readers import RegisterReadError
from etl.result import LoadResult

KIND = schema.ROADS_KIND


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``road_nodes`` and ``road_edges`` in a database made before they existed."""
    for stmt in schema.road_ddl():
        con.execute(stmt)


def has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                       "('road_nodes', 'road_edges')").fetchone()[0] == 2


def active_register(con: duckdb.DuckDBPyConnection) -> int | None:
    """The roads register whose network is in force (the latest not withdrawn), or None."""
    row = con.execute("SELECT max(register_id) FROM registers WHERE kind = ? AND status = ?",
                      [KIND, registers.ACTIVE]).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def read_network(con: duckdb.DuckDBPyConnection) -> tuple[int, dict] | None:
    """The active roads register's id and its network as ``{"nodes": …, "edges": …}`` frames
    (the columns of :data:`etl.schema.ROAD_TABLES` but ``register_id``), or None when no
    roads register is in force: then travel falls back to straight lines."""
    if not has_tables(con):
        return None
    rid = active_register(con)
    if rid is None:
        return None
    cols = {t: [c.name for c in schema.ROAD_TABLES[t] if c.name != "register_id"]
            for t in ("road_nodes", "road_edges")}
    nodes = con.execute(f"SELECT {', '.join(cols['road_nodes'])} FROM road_nodes "
                        "WHERE register_id = ? ORDER BY node_id", [rid]).df()
    edges = con.execute(f"SELECT {', '.join(cols['road_edges'])} FROM road_edges "
                        "WHERE register_id = ? ORDER BY u, v", [rid]).df()
    if nodes.empty or edges.empty:
        return None
    return rid, {"nodes": nodes, "edges": edges}


def _sha256(path: Path) -> str:
    from etl.pipeline import file_sha256  # the pipeline imports the whole validation stack

    return file_sha256(path)


def raw_suffix(path: Path) -> str:
    """The ending of the raw copy's name: an OpenStreetMap file keeps its whole ending, which
    tells the reader its format when ``build`` loads it again (``.osm.gz``, not ``.gz``).

    >>> raw_suffix(Path("开江.osm.gz")), raw_suffix(Path("x.OSM.PBF")), raw_suffix(Path("r.zip"))
    ('.osm.gz', '.osm.pbf', '.zip')
    """
    name = path.name.lower()
    for end in (".osm.pbf", ".osm.gz", ".osm.bz2"):
        if name.endswith(end):
            return end
    return path.suffix.lower()


def _check_name(path: Path, name: str) -> None:
    if path.suffix.lower() == ".shp":
        raise RegisterReadError(
            f"{name}：Shapefile 由多个文件组成（.shp .shx .dbf .prj .cpg），请压缩成一个 .zip "
            "再导入（原始文件要完整保存）",
            f"{name}: a Shapefile is several files (.shp .shx .dbf .prj .cpg); zip them into "
            "one .zip and load that (the raw file is kept whole)")


def process(con: duckdb.DuckDBPyConnection, path: Path, *, crs: str = "wgs84",
            year: int | None = None, file_name: str | None = None, sha256: str | None = None,
            clip: bool = True) -> tuple[LoadResult, road_graph.Network]:
    """Read ``path`` and make its network clipped to the county plus
    :data:`etl.road_graph.CLIP_KM` (``clip=False`` only in tests: the network is then not
    Kaijiang's); writes nothing. The result's notes hold the summary."""
    path = Path(path)
    if crs not in ("wgs84", "gcj02", "bd09"):
        raise ValueError(f"unknown crs {crs!r}; expected wgs84, gcj02 or bd09")
    name = file_name or path.name
    _check_name(path, name)
    read = roads.read_roads(path, crs, name)
    area = coords.Area(county_geometry(con), buffer_km=road_graph.CLIP_KM) if clip else None
    net = road_graph.build(read.ways, area)
    result = LoadResult(file_name=name, kind=KIND, sha256=sha256 or _sha256(path),
                        rows_read=read.rows_read, rows_loaded=read.rows_loaded,
                        rows_rejected=len(read.rejects), rejects=read.rejects_frame())
    result.year = None if year is None else int(year)
    result.notes += read.notes
    if not clip:
        result.notes.append("未按县界裁剪（仅用于测试）：不是开江县的路网 / not clipped to the "
                            "county (tests only): this is not Kaijiang's network")
    result.notes += road_graph.summary_lines(net.stats)
    if net.edges.empty:
        zh, en = _nothing_to_load(result, net)
        result.notes.append(f"{zh} / {en}")
    result.notes.append(_register_line(result))
    result.notes += _replace_lines(_active_rows(con), done=False)
    return result, net


def _nothing_to_load(result: LoadResult, net: road_graph.Network) -> tuple[str, str]:
    """Why a roads file gives no network (zh, en): every row rejected, or every road
    beyond the county and its buffer (another area, or the wrong ``--crs``)."""
    name = result.file_name
    if net.segments_read == 0 and result.rows_rejected == 0:
        return (f"{name}：文件中没有道路（读取 {result.rows_read} 行，没有可用的线）；未导入",
                f"{name}: the file holds no road ({result.rows_read} rows read, no usable "
                "line); nothing loaded")
    if net.segments_read == 0:
        first = ""
        if len(result.rejects):
            r = result.rejects.iloc[0]
            first = (f"（第 {r['row_number']} 行 [{r['column_name']}]：{r['reason_zh']}）",
                     f" (row {r['row_number']} [{r['column_name']}]: {r['reason_en']})")
        return (f"{name}：没有可用的道路：{result.rows_rejected} 行全部被拒绝"
                f"{first[0] if first else ''}；未导入",
                f"{name}: no usable road: all {result.rows_rejected} rows were rejected"
                f"{first[1] if first else ''}; nothing loaded")
    return (f"{name}：县界及周边 {road_graph.CLIP_KM:g} km 内没有道路（{net.segments_read} 段"
            "全部在外：文件是别的地区的，或 --crs 不对？）；未导入",
            f"{name}: no road inside the county or within {road_graph.CLIP_KM:g} km of it (all "
            f"{net.segments_read} segments lie outside: another area, or the wrong --crs?); "
            "nothing loaded")


def county_geometry(con: duckdb.DuckDBPyConnection) -> dict:
    """The county boundary (GeoJSON geometry, WGS-84) the roads are clipped to."""
    row = con.execute("SELECT geojson FROM boundaries WHERE level = 'county' LIMIT 1").fetchone()
    if row is None:
        raise RegisterReadError("数据库中没有县界，无法裁剪道路",
                                "the database has no county boundary to clip the roads to")
    return json.loads(row[0])


def _active_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT register_id, file_name, year FROM registers WHERE kind = ? "
                       "AND status = ? ORDER BY register_id", [KIND, registers.ACTIVE]).fetchall()


def _register_line(result: LoadResult) -> str:
    year = result.year if result.year is not None else "未注明 / undated"
    return f"登记表：道路，{year} 年，范围：全县 / register: roads, {year}, scope: whole county"


def _replace_lines(rows: list[tuple], *, done: bool) -> list[str]:
    """The roads registers a load replaces (``done``) or would replace."""
    zh, en = ("已替换", "replaced") if done else ("将替换", "will replace")
    return [f"{zh}道路登记表 {rid}（{file_name}，{y if y is not None else '未注明年份'}）"
            f" / {en} roads register {rid} ({file_name}, {y if y is not None else 'undated'})"
            for rid, file_name, y in rows]


def load_file(con: duckdb.DuckDBPyConnection, path: Path, *, crs: str = "wgs84",
              year: int | None = None, data_dir: Path = paths.DATA, keep_raw: bool = True,
              raw_path: str | None = None, file_name: str | None = None,
              who: str | None = None, loaded_at: dt.datetime | None = None,
              synthetic: bool = False, clip: bool = True
              ) -> tuple[LoadResult, road_graph.Network | None]:
    """Validate ``path`` and write its network, the load, its rejects and its register in
    one transaction (call inside :func:`etl.db.writing`). The same file is loaded once."""
    path = Path(path)
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    sha = _sha256(path)
    prev = con.execute("SELECT load_id FROM loads WHERE sha256 = ? AND kind = ?",
                       [sha, KIND]).fetchone()
    if prev:
        return LoadResult(file_name=file_name or path.name, kind=KIND, sha256=sha,
                          load_id=prev[0], already_loaded=True), None
    result, net = process(con, path, crs=crs, year=year, file_name=file_name, sha256=sha,
                          clip=clip)
    if net.edges.empty:
        raise RegisterReadError(*_nothing_to_load(result, net))
    raw_name = f"{sha}{raw_suffix(path)}"
    with ThreadPoolExecutor(max_workers=1) as pool:
        copy = write.RawCopy(pool, path, data_dir / "raw", raw_name) if keep_raw else None
        try:
            with transaction(con):
                _write(con, result, net, crs=crs, loaded_at=loaded_at, who=who,
                       synthetic=synthetic, raw_path=raw_path or f"raw/{raw_name}")
                if copy is not None:
                    copy.finish()
                    write.index_raw(data_dir / "raw", raw_name, result, crs, None,
                                    year=result.year, who=who, loaded_at=loaded_at)
        except BaseException:
            if copy is not None:
                copy.discard()
            raise
    return result, net


def _write(con: duckdb.DuckDBPyConnection, result: LoadResult, net: road_graph.Network, *,
           crs: str, loaded_at: dt.datetime, who: str | None, synthetic: bool,
           raw_path: str) -> None:
    """Inside the load's transaction: the network, the load, its rejects and its register."""
    ensure_tables(con)
    rid = write.next_load_id(con)
    result.load_id = rid
    replaced = _active_rows(con)
    nodes = net.nodes.assign(register_id=rid)
    edges = net.edges.assign(register_id=rid)
    for table, frame in (("road_nodes", nodes), ("road_edges", edges)):
        cols = [c.name for c in schema.ROAD_TABLES[table]]
        con.register("_roads", frame[cols])
        try:
            con.execute(f"INSERT INTO {table} ({', '.join(cols)}) "
                        f"SELECT {', '.join(cols)} FROM _roads")
        finally:
            con.unregister("_roads")
    write.record_load(con, result, rid, crs=crs, loaded_at=loaded_at, raw_path=raw_path)
    write.write_rejects(con, result, rid)
    con.execute(
        "INSERT INTO registers (register_id, load_id, kind, year, scope, scope_names, file_name, "
        "sha256, raw_path, is_synthetic, status, rows, loaded_at, loaded_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rid, rid, KIND, result.year, registers.COUNTY, "全县", result.file_name, result.sha256,
         raw_path, synthetic, registers.ACTIVE, len(net.edges), loaded_at, who])
    _event(con, "load", rid, who, loaded_at, f"roads {result.year or '-'} county: "
           f"{len(net.edges)} segments, {len(net.nodes)} nodes")
    registers.refresh(con)
    for old, _file, _year in replaced:
        _event(con, "supersede", old, who, loaded_at, f"by {rid}")
    result.notes = [n for n in result.notes if not n.startswith("将替换")]
    result.notes += _replace_lines(replaced, done=True)


def _event(con: duckdb.DuckDBPyConnection, event: str, register_id: int, who: str | None,
           at: dt.datetime, detail: str) -> None:
    con.execute("INSERT INTO register_events SELECT coalesce(max(event_id), 0) + 1, ?, ?, ?, ?, ? "
                "FROM register_events", [at, event, register_id, who, detail])
