"""Page responsiveness on the Kaijiang data: cold page load and a widget change, server time.

Runs each page through Streamlit's AppTest (the scripts themselves, no browser): a cold load
after clearing every cache (as after a restart: connection, tables, indicators, bootstrap),
a warm load (a new visitor on a running server) and widget changes (a rerun in the same
session). Targets from issue 4: cold load < 2 s, widget change < 300 ms.

What runs: a page load (cold or warm) is the whole frame, ``app.py`` with the page, for
every page (the page scripts live in ``views/``, so Streamlit never runs one alone). Widget
changes rerun the same session through ``app.py`` too.

    python bench/bench_pages.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLD_TARGET_S = 2.0
CHANGE_TARGET_S = 0.300


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from etl import db, paths

    path = Path(os.environ.get("EQUITY_DB", paths.DEFAULT_DB))
    db.ensure(path)
    os.environ["EQUITY_DB"] = str(path)
    app = str(ROOT / "app.py")

    # imports of the app's modules are a one-off per process: take them out of the figures
    warm = AppTest.from_file(app, default_timeout=120)
    warm.run()
    assert not warm.exception, warm.exception

    def fresh(page: str | None = None) -> AppTest:
        at = AppTest.from_file(app, default_timeout=120)
        if page:
            at.switch_page(page)
        return at

    rows = []
    domain_pages = ("views/education.py", "views/health.py", "views/elderly_care.py",
                    "views/culture.py")
    for page in ("views/overview.py", "views/data.py", *domain_pages):
        cold, warm_load = [], []
        for _ in range(args.repeat):
            st.cache_data.clear()
            st.cache_resource.clear()
            at = fresh(page)
            cold.append(_timed(at.run))
            assert not at.exception, at.exception
            at = fresh(page)
            warm_load.append(_timed(at.run))
            assert not at.exception, at.exception
        rows.append((page, "cold load (caches cleared)", statistics.median(cold), COLD_TARGET_S))
        rows.append((page, "load, warm caches", statistics.median(warm_load), COLD_TARGET_S))

    changes = {
        "views/overview.py": [
            ("indicator", lambda at, i: at.selectbox(key="ind").set_value(
                ["health_township_beds_per_1000", "edu_primary_share_30min"][i % 2])),
            ("threshold", lambda at, i: at.slider(key="primary_lower_max_min").set_value(20 + i)),
            ("township", lambda at, i: at.selectbox(key="town").set_value(
                ["511723107", "511723109"][i % 2])),
        ],
        "views/data.py": [
            ("register kind", lambda at, i: at.selectbox(key="kind").set_value(
                ["clinics", "culture"][i % 2])),
        ],
        # domain pages: the township filter, and the education page's threshold slider
        **{page: [("township", lambda at, i: at.selectbox(key="town").set_value(
            ["511723107", "511723109"][i % 2]))] for page in domain_pages},
    }
    changes["views/education.py"].append(
        ("threshold", lambda at, i: at.slider(key="primary_lower_max_min").set_value(20 + i)))
    for page, actions in changes.items():
        at = fresh(page)
        at.run()
        for name, act in actions:
            if page.endswith("overview.py"):  # every action starts from an indicator with a threshold
                at.selectbox(key="ind").set_value("edu_primary_share_30min").run()
            times = []
            for i in range(args.repeat):
                act(at, i)
                times.append(_timed(at.run))
                assert not at.exception, at.exception
            rows.append((page, f"widget change: {name}", statistics.median(times), CHANGE_TARGET_S))

    print(f"{'page':<20} {'what':<30} {'median':>9} {'target':>8}  ok")
    ok_all = True
    for page, what, secs, target in rows:
        ok = secs < target
        ok_all &= ok
        print(f"{page:<20} {what:<30} {secs * 1000:7.0f} ms {target * 1000:6.0f} ms  {'yes' if ok else 'NO'}")
    print("AppTest time is server time for the whole script run (no browser, no network).")
    print("Definitions. cold load: st.cache_data and st.cache_resource cleared, then a new "
          "session opens the page; warm load: a new session with the caches of the runs before; "
          "widget change: a rerun of the same session after one widget changed (median of "
          "--repeat runs alternating between two values, so the first two runs are views not "
          "seen before and later ones come back to a seen view).")
    print("Every page load and every widget change includes the frame (app.py).")
    return 0 if ok_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
