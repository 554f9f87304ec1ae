"""p-median at province size with a certified gap, and side by side with PySAL spopt.

    python bench/bench_pmedian.py                   # province 30,000 x 3,000, p = 50; ladder, 600 s per spopt run
    python bench/bench_pmedian.py --quick           # province 3,000 x 300, p = 20; ladder to 1,000 x 100, 60 s
    python bench/bench_pmedian.py --skip-ladder     # the province instance only
    python bench/bench_pmedian.py --skip-province   # the ladder only

The instance (``points``, seed 0): demand points clustered like villages round 40 towns
placed uniformly in a 400 km square (each point at a random town plus N(0, 25 km) in x and
y), candidates drawn from the demand points (plus N(0, 2 km)), log-normal weights
(median e^6 ≈ 400, rounded), cost = Euclidean km on the plane.

Province: ``p_median_lagrangian`` (metrics/pmedian_large.py) within 60 s; it prints the
wall and CPU time, the objective, the lower bound and the certified gap
(objective − bound) / bound (the bound is L(λ) of the full instance, see the module), and
PASS when gap ≤ 1 % and wall time ≤ 60 s.

Ladder: on growing instances spopt 0.7.0's ``PMedian`` (``from_cost_matrix``, CBC through
PuLP) and ``KNearestPMedian`` (``from_geodataframe``, k = 5 escalated by spopt itself, CBC)
run in a child process each, killed after the budget; the ladder stops at the first size
where ``PMedian`` does not finish. Every objective is recomputed from the chosen sites on
the full cost matrix. Ours runs on the same instance; ratios are spopt / ours for time and
ours / spopt for the objective.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.spatial.distance import cdist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metrics.siting import p_median_lagrangian  # noqa: E402

TOWNS, SQUARE_KM, SPREAD_KM, JITTER_KM = 40, 400.0, 25.0, 2.0


def points(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Demand points, candidate points (km) and demand weights of the seeded instance."""
    rng = np.random.default_rng(seed)
    centres = rng.random((TOWNS, 2)) * SQUARE_KM
    pts = centres[rng.integers(0, TOWNS, n)] + rng.normal(0.0, SPREAD_KM, (n, 2))
    cand = pts[rng.choice(n, m, replace=False)] + rng.normal(0.0, JITTER_KM, (m, 2))
    return pts, cand, rng.lognormal(6.0, 1.0, n).round()


def instance(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The cost matrix (km) and weights of the seeded instance."""
    pts, cand, w = points(n, m, seed)
    return cdist(pts, cand), w


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_s(children: bool = False) -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    t = ru.ru_utime + ru.ru_stime
    if children:
        rc = resource.getrusage(resource.RUSAGE_CHILDREN)
        t += rc.ru_utime + rc.ru_stime
    return t


def objective_of(cost: np.ndarray, w: np.ndarray, sites: np.ndarray) -> float:
    return float(np.sum(w * cost[:, sites].min(axis=1)))


def _spopt_child(kind: str, n: int, m: int, p: int, out) -> None:
    import pulp
    from spopt.locate import KNearestPMedian, PMedian

    pts, cand, w = points(n, m)
    cost = cdist(pts, cand)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        solver = pulp.PULP_CBC_CMD(msg=False)
        t0, c0 = time.perf_counter(), cpu_s(children=True)
        if kind == "PMedian":
            model = PMedian.from_cost_matrix(cost, w, p_facilities=p).solve(solver)
        else:
            import geopandas as gpd

            dem = gpd.GeoDataFrame({"w": w}, geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]),
                                   crs="EPSG:3857")
            fac = gpd.GeoDataFrame(geometry=gpd.points_from_xy(cand[:, 0], cand[:, 1]),
                                   crs="EPSG:3857")
            model = KNearestPMedian.from_geodataframe(dem, fac, "geometry", "geometry", "w",
                                                      p_facilities=p).solve(solver)
        dt, dc = time.perf_counter() - t0, cpu_s(children=True) - c0
    fac = model.fac_vars
    pairs = fac.items() if isinstance(fac, dict) else enumerate(fac)
    sites = np.array([j for j, v in pairs if (v.value() or 0) > 0.5], dtype=np.int64)
    out.put((dt, dc, objective_of(cost, w, sites)))


def spopt_run(kind: str, n: int, m: int, p: int, budget: float) -> tuple[float, float, float] | None:
    """(wall s, CPU s incl. CBC, objective) or None when not finished within ``budget``."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_spopt_child, args=(kind, n, m, p, q))
    proc.start()
    proc.join(budget)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return q.get() if not q.empty() else None


def ours(n: int, m: int, p: int, limit: float, gap_tol: float):
    cost, w = instance(n, m)
    t0, c0 = time.perf_counter(), cpu_s()
    r = p_median_lagrangian(cost, w, p, time_limit=limit, gap_tol=gap_tol)
    return time.perf_counter() - t0, cpu_s() - c0, r


def province(n: int, m: int, p: int, limit: float) -> None:
    print(f"province {n:,} x {m:,}, p = {p} ({load()})", flush=True)
    dt, dc, r = ours(n, m, p, limit, gap_tol=0.01)
    ok = r.gap <= 0.01 and dt <= limit
    print(f"  time {dt:.1f} s wall, {dc:.1f} s CPU; objective {r.objective:,.0f}; "
          f"lower bound {r.bound:,.0f}; certified gap {r.gap:.3%}  "
          f"{'PASS' if ok else 'FAIL'} (gap <= 1 %, wall <= {limit:.0f} s)")
    print(f"  {r.info}  ({load()})", flush=True)


def ladder(sizes: list[tuple[int, int, int]], budget: float) -> None:
    print(f"ladder, {budget:.0f} s per spopt run ({load()})", flush=True)
    knearest = True
    for n, m, p in sizes:
        dt, dc, r = ours(n, m, p, 60.0, gap_tol=1e-4)
        print(f"{n:,} x {m:,}, p = {p}:")
        print(f"  ours p_median_lagrangian  {dt:8.1f} s ({dc:7.1f} s CPU)  objective "
              f"{r.objective:,.2f}  bound {r.bound:,.2f}  gap {r.gap:.4%}", flush=True)
        finished = True
        for kind in ("PMedian", "KNearestPMedian"):
            if kind == "KNearestPMedian" and not knearest:
                print(f"  spopt {kind:<19} skipped (did not finish on a smaller size)")
                continue
            res = spopt_run(kind, n, m, p, budget)
            if res is None:
                print(f"  spopt {kind:<19} not finished within {budget:.0f} s", flush=True)
                finished = finished and kind != "PMedian"
                knearest = knearest and kind != "KNearestPMedian"
                continue
            t_sp, c_sp, obj = res
            print(f"  spopt {kind:<19} {t_sp:8.1f} s ({c_sp:7.1f} s CPU)  objective {obj:,.2f}  "
                  f"time ratio spopt/ours {t_sp / dt:7.1f}  objective ours/spopt "
                  f"{r.objective / obj:.6f}", flush=True)
        if not finished:
            print(f"  ladder stops: spopt PMedian did not finish {n:,} x {m:,} ({load()})")
            break
    print(f"ladder done ({load()})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for CI")
    ap.add_argument("--budget", type=float, default=None, help="seconds allowed per spopt run")
    ap.add_argument("--skip-ladder", "--skip-spopt", action="store_true", dest="skip_ladder")
    ap.add_argument("--skip-province", action="store_true")
    args = ap.parse_args()
    if args.quick:
        prov, limit = (3000, 300, 20), 20.0
        sizes = [(200, 20, 3), (500, 50, 5), (1000, 100, 10)]
        budget = args.budget or 60.0
    else:
        prov, limit = (30_000, 3_000, 50), 60.0
        sizes = [(500, 50, 5), (1000, 100, 10), (2000, 200, 20), (3000, 300, 30),
                 (5000, 500, 50)]
        budget = args.budget or 600.0
    if not args.skip_province:
        province(*prov, limit)
    if not args.skip_ladder:
        ladder(sizes, budget)


if __name__ == "__main__":
    main()
