"""Seconds to write the monitoring report from the default database, per format (issue 15).

Runs ``python -m metrics report --format F --out FILE`` for Word and PDF, each in a new
process as a user would, into a temporary directory, and prints the seconds of each and
their sum. Target: both formats within 60 s.

    python bench/bench_report.py [--db PATH] [--lang zh|en] [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 60.0


def run(fmt: str, out: Path, db: str | None, lang: str) -> float:
    cmd = [sys.executable, "-m", "metrics", "report", "--format", fmt, "--out", str(out),
           "--lang", lang]
    if db:
        cmd += ["--db", db]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True)
    seconds = time.perf_counter() - t0
    if not out.exists() or out.stat().st_size == 0:
        raise SystemExit(f"{fmt}: no file written")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=None, help="database file (default data/equity.duckdb)")
    ap.add_argument("--lang", choices=("zh", "en"), default="zh")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        total = 0.0
        for fmt in ("docx", "pdf"):
            times = [run(fmt, Path(tmp) / f"report.{fmt}", args.db, args.lang)
                     for _ in range(args.repeat)]
            best = min(times)
            total += best
            size = (Path(tmp) / f"report.{fmt}").stat().st_size
            print(f"{fmt:5s} {best:6.1f} s  ({size / 1e6:.1f} MB; runs: "
                  + ", ".join(f"{t:.1f}" for t in times) + ")")
    print(f"both  {total:6.1f} s  (target {TARGET_S:.0f} s: {'met' if total <= TARGET_S else 'NOT met'})")
    return 0 if total <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
