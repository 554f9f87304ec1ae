"""p-median at province size (Lagrangian bound + swap search), and side by side with spopt.

    python bench/bench_pmedian.py                  # 30,000 x 3,000, p = 50; spopt ladder <= 600 s
    python bench/bench_pmedian.py --quick          # 3,000 x 300, p = 20; spopt ladder <= 60 s

The instance: demand points clustered round 40 towns in a 400 km square, log-normal
weights, candidates drawn from the demand points; Euclidean km. The gap is against the
Lagrangian lower bound, so "gap <= 1 %" proves the solution within 1 % of the optimum.
spopt (PySAL, CBC through PuLP) runs in a child process on a growing ladder of sizes until
one does not finish within the budget; the largest finished size is compared with our exact
MILP (``p_median``, HiGHS) and ``p_median_lagrangian``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.spatial.distance import cdist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metrics.siting import p_median, p_median_lagrangian  # noqa: E402


def instance(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.random((40, 2)) * 400.0
    pts = centres[rng.integers(0, 40, n)] + rng.normal(0.0, 25.0, (n, 2))
    cand = pts[rng.choice(n, m, replace=False)] + rng.normal(0.0, 2.0, (m, 2))
    return cdist(pts, cand), rng.lognormal(6.0, 1.0, n).round()


def _spopt_child(n: int, m: int, p: int, out) -> None:
    import pulp
    from spopt.locate import PMedian

    cost, w = instance(n, m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        model = PMedian.from_cost_matrix(cost, w, p_facilities=p).solve(pulp.PULP_CBC_CMD(msg=False))
        out.put((time.perf_counter() - t0, float(model.problem.objective.value())))


def spopt_run(n: int, m: int, p: int, budget: float) -> tuple[float, float] | None:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_spopt_child, args=(n, m, p, q))
    proc.start()
    proc.join(budget)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return q.get() if not q.empty() else None


def province(n: int, m: int, p: int, limit: float) -> None:
    cost, w = instance(n, m)
    t0 = time.perf_counter()
    r = p_median_lagrangian(cost, w, p, time_limit=limit, gap_tol=0.005)
    dt = time.perf_counter() - t0
    print(f"province {n:,} x {m:,}, p = {p}: {dt:.1f} s, objective {r.objective:,.0f}, "
          f"lower bound {r.bound:,.0f}, gap {r.gap:.2%} ({r.status}; {r.info})")


def ladder(sizes: list[tuple[int, int, int]], budget: float) -> None:
    last = None
    for n, m, p in sizes:
        res = spopt_run(n, m, p, budget)
        if res is None:
            print(f"spopt {n:,} x {m:,}, p = {p}: not finished within {budget:.0f} s")
            break
        print(f"spopt {n:,} x {m:,}, p = {p}: {res[0]:.1f} s, objective {res[1]:,.2f}")
        last = (n, m, p, *res)
    if last is None:
        return
    n, m, p, t_sp, obj_sp = last
    cost, w = instance(n, m)
    t0 = time.perf_counter()
    exact = p_median(cost, w, p, solver="highs")
    t_ex = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = p_median_lagrangian(cost, w, p, time_limit=60)
    t_fa = time.perf_counter() - t0
    print(f"side by side at {n:,} x {m:,}, p = {p}:")
    print(f"  spopt PMedian (CBC)      {t_sp:8.1f} s  objective {obj_sp:,.2f}")
    print(f"  p_median (HiGHS)         {t_ex:8.1f} s  objective {exact.objective:,.2f}  "
          f"ratio to spopt {exact.objective / obj_sp:.6f}")
    print(f"  p_median_lagrangian      {t_fa:8.1f} s  objective {fast.objective:,.2f}  "
          f"ratio to spopt {fast.objective / obj_sp:.6f}, gap {fast.gap:.3%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for CI")
    ap.add_argument("--budget", type=float, default=None, help="seconds allowed per spopt run")
    ap.add_argument("--skip-spopt", action="store_true")
    args = ap.parse_args()
    if args.quick:
        province(3000, 300, 20, 20.0)
        sizes = [(200, 20, 3), (500, 50, 5)]
        budget = args.budget or 60.0
    else:
        province(30_000, 3_000, 50, 60.0)
        sizes = [(500, 50, 5), (1000, 100, 10), (2000, 200, 20), (3000, 300, 30)]
        budget = args.budget or 600.0
    if not args.skip_spopt:
        ladder(sizes, budget)


if __name__ == "__main__":
    main()
