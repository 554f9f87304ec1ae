"""``python -m metrics travel``: minutes from one place to each destination (issue 14, item 5).

::

    python -m metrics travel --mode car --from 107.83,31.09 --to 107.84,31.095 [--to ...]
                             [--db PATH] [--json] [--set KEY=VALUE ...]

The travel model is the one every screen uses: the road network of the roads register in
force in the database (:class:`metrics.network.NetworkModel`), else the straight-line
estimate (:data:`metrics.travel.STRAIGHT`). Places are ``LON,LAT`` in WGS-84 degrees
(longitude first, as in GeoJSON). ``--json`` prints::

    {"model": "network" | "straight_line", "mode": "car",
     "minutes": [one per --to], "snap_m": [the --from place, then one per --to]}

``minutes`` is ``null`` where no road connects the two places; ``snap_m`` holds the straight
metres from each place to the nearest road the mode may use (``null`` for the straight-line
model, which knows no roads, and where the mode may use no road at all). Errors (a bad
``LON,LAT``, an unknown mode or setting, no database) print one line and exit with 2.

The adapter between the database and the pure travel models: it reads the roads with
:func:`etl.store.read_network` (imported here, lazily).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

FAR_WORDS = "离道路较远 / far from any road"


def lon_lat(text: str) -> tuple[float, float]:
    """``"LON,LAT"`` → ``(lon, lat)``, WGS-84 degrees; anything else raises a readable error.

    >>> lon_lat(" 107.83, 31.09 "), lon_lat("107.83，31.09")
    ((107.83, 31.09), (107.83, 31.09))
    >>> lon_lat("31.09,107.83")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '31.09,107.83': latitude 107.83 is beyond ±90 (LON,LAT: longitude first — swapped?)
    """
    parts = text.replace("，", ",").split(",")  # a full-width comma as typed in Chinese
    try:
        if len(parts) != 2:
            raise ValueError
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected LON,LAT in degrees, e.g. 107.83,31.09 (经度,纬度)") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise argparse.ArgumentTypeError(f"{text!r}: LON,LAT must be finite numbers")
    if abs(lat) > 90:
        raise argparse.ArgumentTypeError(
            f"{text!r}: latitude {lat:g} is beyond ±90 (LON,LAT: longitude first — swapped?)")
    if abs(lon) > 180:
        raise argparse.ArgumentTypeError(f"{text!r}: longitude {lon:g} is beyond ±180")
    return lon, lat


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of ``python -m metrics travel``."""
    from metrics import settings

    def one_line(message: str) -> None:  # argparse would print the usage first
        print(f"{ap.prog}: {message}", file=sys.stderr)
        sys.exit(2)

    ap.error = one_line  # type: ignore[method-assign]
    modes = sorted(settings.MODES)
    ap.add_argument("--mode", required=True, choices=modes, metavar="MODE",
                    help=f"travel mode: {', '.join(modes)}")
    ap.add_argument("--from", dest="origin", required=True, type=lon_lat, metavar="LON,LAT",
                    help="the place the trips start from (WGS-84 degrees, longitude first)")
    ap.add_argument("--to", dest="dest", required=True, action="append", type=lon_lat,
                    metavar="LON,LAT", help="a destination (repeat for several)")
    ap.add_argument("--db", default=None, help="database file (default data/equity.duckdb)")
    ap.add_argument("--json", action="store_true",
                    help='print {"model", "mode", "minutes", "snap_m"} as JSON')
    ap.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="override a setting, e.g. --set speed_car_kmh=50")


def parse_overrides(items: Sequence[str] | None) -> dict[str, float]:
    """``["KEY=VALUE", ...]`` → settings overrides, checked against the declared settings.

    >>> parse_overrides(["speed_walk_kmh=4"])
    {'speed_walk_kmh': 4.0}
    """
    from metrics import settings

    out: dict[str, float] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set expects KEY=VALUE, got {item!r}")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--set {key}: {value!r} is not a number") from None
    for key in out:
        try:
            settings.get(key, out)
        except KeyError as exc:
            raise ValueError(f"--set: {exc.args[0] if exc.args else key}") from None
    return out


def _number(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def travel_minutes(model: Any, origin: tuple[float, float], dests: Sequence[tuple[float, float]],
                   mode: str, overrides: dict[str, float]) -> dict[str, Any]:
    """The answer as the JSON object: minutes from ``origin`` to each of ``dests`` by
    ``model`` (``None`` unreachable) and the snap metres of every place (origin first)."""
    import numpy as np

    o = (np.array([origin[1]]), np.array([origin[0]]))
    d = (np.array([p[1] for p in dests]), np.array([p[0] for p in dests]))
    minutes = np.asarray(model.matrix(o, d, mode, overrides), dtype=float)[0]
    if hasattr(model, "snap_m"):
        places = (np.r_[o[0], d[0]], np.r_[o[1], d[1]])
        snap: list[float | None] = [_number(s) for s in model.snap_m(places, mode)]
    else:
        snap = [None] * (len(dests) + 1)
    return {"model": model.key, "mode": mode, "minutes": [_number(m) for m in minutes],
            "snap_m": snap}


def render_text(answer: dict[str, Any], origin: tuple[float, float],
                dests: Sequence[tuple[float, float]], far_m: float) -> str:
    """The answer for people, in Chinese and English."""
    from metrics.network import NetworkModel
    from metrics.travel import STRAIGHT

    network = answer["model"] == NetworkModel.key
    model = (f"{NetworkModel.zh} / {NetworkModel.en}" if network
             else f"{STRAIGHT.zh} / {STRAIGHT.en}")
    snap = answer["snap_m"]

    def road(s: float | None) -> str:
        if not network:
            return ""
        if s is None:
            return f"   无可用道路 / no road this mode may use — {FAR_WORDS}"
        flag = f" — {FAR_WORDS}" if s > far_m else ""
        return f"   离道路 / to road {s:,.0f} m{flag}"

    lines = [f"出行方式 / mode: {answer['mode']}    模型 / model: {model}",
             f"起点 / from: {origin[0]:.6f},{origin[1]:.6f}{road(snap[0])}"]
    for i, (p, m) in enumerate(zip(dests, answer["minutes"], strict=True), start=1):
        time = f"{m:8.1f} 分钟 / min" if m is not None else "  不可达 / unreachable (no road connection)"
        lines.append(f"{i:>3}. {p[0]:.6f},{p[1]:.6f}  {time}{road(snap[i])}")
    if not network:
        lines.append("直线距离 × 绕行系数 ÷ 速度；未载入道路 / great-circle km × detour ÷ speed: "
                     "no roads register is loaded")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Answer ``python -m metrics travel``: 0, or 2 with a message on stderr."""
    from etl import paths, store
    from metrics import network, travel

    try:
        overrides = parse_overrides(args.set)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    import duckdb

    db = args.db or paths.DEFAULT_DB
    try:
        found = store.read_network(db)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (duckdb.Error, OSError) as exc:  # not a database, a folder, another version …
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"cannot read the database {db}: {first}", file=sys.stderr)
        return 2
    try:
        model: Any = (travel.STRAIGHT if found is None
                      else network.NetworkModel.from_frames(**found[1]))
    except ValueError as exc:  # a network stored by an older reader, damaged by hand …
        print(f"the roads register {found[0] if found else ''} in {db} cannot be used: {exc}",
              file=sys.stderr)
        return 2
    try:
        answer = travel_minutes(model, args.origin, args.dest, args.mode, overrides)
    except ValueError as exc:  # a speed set to 0, a mode without road speeds
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, allow_nan=False))
    else:
        print(render_text(answer, args.origin, args.dest, network.FAR_FROM_ROAD_M))
    return 0
