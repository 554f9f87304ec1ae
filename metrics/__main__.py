"""Command line: ``python -m metrics report --db PATH [--json] [--all] [--set KEY=VALUE ...]``.

The adapter between the database and the pure report: it reads the tables with
:func:`etl.store.read_frames` (imported here, lazily) and prints :mod:`metrics.report`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _overrides(items: list[str] | None) -> dict[str, float]:
    from metrics.travel_cli import parse_overrides

    try:
        return parse_overrides(items)
    except ValueError as exc:  # one line, exit 2 like every other bad argument
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)

    def one_line(message: str) -> None:  # argparse would print the usage first
        print(f"{ap.prog}: {message}", file=sys.stderr)
        sys.exit(2)

    ap.error = one_line  # type: ignore[method-assign]
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
    rep.add_argument("--format", choices=("text", "json", "docx", "pdf"), default=None,
                     help="text (default), json (as --json), or the monitoring report as a Word "
                          "document or a PDF (needs --out)")
    rep.add_argument("--out", default=None, help="file to write (docx, pdf)")
    rep.add_argument("--lang", choices=("zh", "en"), default="zh",
                     help="language of the Word/PDF report (default zh)")
    rep.add_argument("--scenario", action="append", metavar="ID", default=[],
                     help="a saved planning scenario to include in the Word/PDF report "
                          "(repeatable; ids as listed on the scenarios page)")
    trv = sub.add_parser("travel", help="minutes from one place to each destination by the "
                                        "active travel model (road network or straight line)")
    from metrics import travel_cli

    travel_cli.add_arguments(trv)
    args = ap.parse_args(argv)
    if args.cmd == "travel":
        return travel_cli.run(args)

    from etl import paths, store
    from metrics.network import NetworkModel
    from metrics.report import build_report, render_text

    overrides = _overrides(args.set)
    db_path = args.db or paths.DEFAULT_DB
    fmt = args.format or ("json" if args.json else "text")
    if fmt in ("docx", "pdf"):
        if not args.out:
            print("--format docx|pdf needs --out FILE", file=sys.stderr)
            return 2
        from etl import scenarios as saved
        from reports.document import write_report
        from reports.pdf import PdfError, ReportError

        picked = []
        for sid in args.scenario:
            found_s = saved.get(saved.store_path(db_path), sid) if Path(db_path).exists() else None
            if found_s is None:
                print(f"no saved scenario with id {sid!r}", file=sys.stderr)
                return 2
            picked.append(found_s)
        try:
            write_report(db_path, args.out, fmt=fmt, year=args.year, lang=args.lang,
                         overrides=overrides, scenarios=picked)
        except (FileNotFoundError, ReportError, PdfError) as exc:
            print(exc, file=sys.stderr)
            return 2
        return 0
    try:
        frames = store.read_frames(db_path, year=args.year)
        found = store.read_network(db_path)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    model = None if found is None else NetworkModel.from_frames(**found[1])
    report = build_report(frames, overrides, all_indicators=args.all, model=model)
    if args.year is not None:
        report["meta"]["year"] = args.year
    if fmt == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(render_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
