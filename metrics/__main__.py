"""Command line: ``python -m metrics report --db PATH [--json] [--all] [--set KEY=VALUE ...]``.

The adapter between the database and the pure report: it reads the tables with
:func:`etl.store.read_frames` (imported here, lazily) and prints :mod:`metrics.report`.
"""

from __future__ import annotations

import argparse
import json
import sys


def _overrides(items: list[str] | None) -> dict[str, float]:
    from metrics import settings

    out: dict[str, float] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise SystemExit(f"--set {key}: {value!r} is not a number") from None
    try:
        for key in out:
            settings.get(key, out)
    except (KeyError, ValueError) as exc:
        raise SystemExit(str(exc)) from None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    rep = sub.add_parser("report", help="urban-rural gap report of every domain")
    rep.add_argument("--db", default=None, help="database file (default data/equity.duckdb)")
    rep.add_argument("--json", action="store_true", help="print JSON (keys in docs/indicators.md)")
    rep.add_argument("--all", action="store_true", help="every indicator, not only the headline ones")
    rep.add_argument("--set", action="append", metavar="KEY=VALUE",
                     help="override a setting, e.g. --set speed_walk_kmh=4")
    rep.add_argument("--year", type=int, default=None,
                     help="the facilities as of this year (default: the latest register of "
                          "each kind and township)")
    args = ap.parse_args(argv)

    from etl import paths, store
    from metrics.report import build_report, render_text

    overrides = _overrides(args.set)
    try:
        frames = store.read_frames(args.db or paths.DEFAULT_DB, year=args.year)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    report = build_report(frames, overrides, all_indicators=args.all)
    if args.year is not None:
        report["meta"]["year"] = args.year
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(render_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
