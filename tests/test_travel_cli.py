"""``python -m metrics travel`` (issue 14, item 5): minutes by the active travel model, worked
out by hand on a tiny made-up road layer near the county town (never Kaijiang's roads),
loaded with ``python -m etl load --kind roads`` into a copy of a reference database.

The layer (WGS-84; P0 = 107.830,31.090 near 普安镇):

* 县道 P0 → P1 (0.01° east, about 952 m), both ways, car 40 km/h;
* 乡道 P1 → P2 (0.005° north, about 556 m), one-way along its drawing, car 30 km/h;
* 村道 F0 → F1, a piece on its own, connected to nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metrics import settings
from metrics.__main__ import main
from metrics.geo import haversine_km
from tests.conftest import reference_db
from tests.kit_roads import etl

ROOT = Path(__file__).resolve().parent.parent

P0, P1, P2 = (107.830, 31.090), (107.840, 31.090), (107.840, 31.095)
F0, F1 = (107.850, 31.100), (107.852, 31.100)
OFF = (107.835, 31.091)  # 0.001° (about 111 m) north of the 县道, halfway along it


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(haversine_km(a[1], a[0], b[1], b[0]))


def arg(p: tuple[float, float]) -> str:
    return f"{p[0]},{p[1]}"


def _line(cls: str, pts, oneway: str | None = None) -> dict:
    return {"type": "Feature", "properties": {"道路等级": cls, "单向": oneway},
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in pts]}}


@pytest.fixture(scope="module")
def plain_db(tmp_path_factory) -> Path:
    """A reference database (the county boundary, no roads, no facilities)."""
    path = tmp_path_factory.mktemp("plain") / "equity.duckdb"
    reference_db(path).close()
    return path


@pytest.fixture(scope="module")
def roads_db(plain_db, tmp_path_factory) -> Path:
    """A copy of ``plain_db`` with the hand-made layer loaded as the roads register."""
    folder = tmp_path_factory.mktemp("roads")
    dbfile = folder / "equity.duckdb"
    shutil.copyfile(plain_db, dbfile)
    layer = folder / "roads.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _line("县道", [P0, P1]), _line("乡道", [P1, P2], "是"), _line("村道", [F0, F1])]},
        ensure_ascii=False), encoding="utf-8")
    out = etl("--db", str(dbfile), "load", str(layer), "--kind", "roads", "--year", "2024")
    assert out.returncode == 0, out.stderr
    return dbfile


def travel(capsys, db: Path, mode: str, origin, *dests, extra: tuple[str, ...] = ()) -> dict:
    argv = ["travel", "--mode", mode, "--from", arg(origin), "--db", str(db), "--json", *extra]
    for d in dests:
        argv += ["--to", arg(d)]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def walk_min_per_km() -> float:
    return 60.0 / settings.get("speed_walk_kmh")


def test_car_along_the_roads_hand_worked(roads_db, capsys):
    got = travel(capsys, roads_db, "car", P0, P1, P2)
    assert got["model"] == "network" and got["mode"] == "car"
    # 县道 at 40 km/h, then 乡道 at 30 km/h; every place on a road: no off-road leg
    a, b = km(P0, P1) / 40 * 60, km(P1, P2) / 30 * 60
    assert got["minutes"] == pytest.approx([a, a + b], rel=1e-6)
    assert got["snap_m"] == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)


def test_a_one_way_road_the_car_may_not_take_back_but_walking_may(roads_db, capsys):
    car = travel(capsys, roads_db, "car", P2, P0)
    assert car["minutes"] == [None]  # the 乡道 is one-way and the only way out of P2
    walk = travel(capsys, roads_db, "walk", P2, P0)
    assert walk["minutes"] == pytest.approx([(km(P2, P1) + km(P1, P0)) * walk_min_per_km()],
                                            rel=1e-6)


def test_a_piece_not_connected_is_unreachable_never_zero(roads_db, capsys):
    got = travel(capsys, roads_db, "car", P0, F0, F1, P1)
    assert got["minutes"][:2] == [None, None]
    assert got["minutes"][2] == pytest.approx(km(P0, P1) / 40 * 60, rel=1e-6)
    same = travel(capsys, roads_db, "walk", F0, F1)  # within the piece: fine
    assert same["minutes"] == pytest.approx([km(F0, F1) * walk_min_per_km()], rel=1e-6)


def test_an_off_road_place_walks_to_the_road(roads_db, capsys):
    got = travel(capsys, roads_db, "car", P0, OFF)
    snap = km(OFF, (OFF[0], P0[1])) * 1000  # straight down to the 县道
    assert got["snap_m"][1] == pytest.approx(snap, rel=1e-3)
    leg = snap / 1000 * settings.get("detour_factor") * walk_min_per_km()
    expected = km(P0, (OFF[0], P0[1])) / 40 * 60 + leg
    assert got["minutes"] == pytest.approx([expected], rel=1e-3)


def test_settings_move_network_times(roads_db, capsys):
    base = travel(capsys, roads_db, "car", P0, P1)["minutes"][0]
    fast = travel(capsys, roads_db, "car", P0, P1, extra=("--set", "speed_car_kmh=50"))
    assert fast["minutes"][0] == pytest.approx(base * 40 / 50, rel=1e-9)


def test_straight_line_without_roads(plain_db, capsys):
    got = travel(capsys, plain_db, "car", P0, P1, F0)
    assert got["model"] == "straight_line" and got["snap_m"] == [None, None, None]
    per_km = settings.get("detour_factor") / settings.get("speed_car_kmh") * 60
    assert got["minutes"] == pytest.approx([km(P0, P1) * per_km, km(P0, F0) * per_km],
                                           rel=1e-9)


def test_text_output_in_both_languages(roads_db, plain_db, capsys):
    far = (107.830, 31.120)  # about 3.3 km north of the nearest road
    assert main(["travel", "--mode", "car", "--from", arg(P0), "--to", arg(P1), "--to",
                 arg(F0), "--to", arg(far), "--db", str(roads_db)]) == 0
    text = capsys.readouterr().out
    assert "路网 / road network" in text and "分钟 / min" in text
    assert "不可达 / unreachable" in text and "离道路较远 / far from any road" in text
    assert main(["travel", "--mode", "walk", "--from", arg(P0), "--to", arg(P1),
                 "--db", str(plain_db)]) == 0
    assert "直线估算 / straight-line estimate" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "words"), [
    (["--mode", "plane", "--from", "107.83,31.09", "--to", "107.84,31.09"], "invalid choice"),
    (["--mode", "car", "--from", "107.83", "--to", "107.84,31.09"], "LON,LAT"),
    (["--mode", "car", "--from", "31.09,107.83", "--to", "107.84,31.09"], "swapped"),
    (["--mode", "car", "--from", "107.83,31.09", "--to", "east,31.09"], "LON,LAT"),
    (["--mode", "car", "--from", "107.83,31.09"], "--to"),
])
def test_bad_arguments_exit_2_with_a_message(argv, words, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["travel", *argv])
    assert exc.value.code == 2 and words in capsys.readouterr().err


@pytest.mark.parametrize(("extra", "words"), [
    (("--set", "no_such_setting=3"), "no_such_setting"),
    (("--set", "speed_car_kmh"), "KEY=VALUE"),
    (("--set", "speed_car_kmh=fast"), "not a number"),
])
def test_bad_settings_exit_2(plain_db, extra, words, capsys):
    argv = ["travel", "--mode", "car", "--from", arg(P0), "--to", arg(P1), "--db",
            str(plain_db), *extra]
    assert main(argv) == 2 and words in capsys.readouterr().err


def test_a_missing_database_exits_2(tmp_path, capsys):
    argv = ["travel", "--mode", "car", "--from", arg(P0), "--to", arg(P1), "--db",
            str(tmp_path / "none.duckdb")]
    assert main(argv) == 2 and "no database" in capsys.readouterr().err


def test_the_command_line_as_a_bureau_runs_it(roads_db):
    out = subprocess.run([sys.executable, "-m", "metrics", "travel", "--mode", "car",
                          "--from", arg(P0), "--to", arg(P1), "--to", arg(F0), "--db",
                          str(roads_db), "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert set(got) == {"model", "mode", "minutes", "snap_m"}
    assert got["minutes"][1] is None and got["minutes"][0] > 0
