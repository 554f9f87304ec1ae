"""2SFCA: ours (numpy bincount) vs PySAL ``access``, then from points at province and nation size.

    python bench/bench_2sfca.py           # 1,000,000-pair table; 30k x 80k; 600k x 1M
    python bench/bench_2sfca.py --quick   # 100,000 pairs; 3k x 8k; 60k x 100k, for CI

Timings are the best of three runs (cost table) or one run (from points).
The nation run is in a fresh child process; its peak RSS (inputs included)
comes from getrusage.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import best  # noqa: E402
from metrics.access import step_weights, two_step_fca, two_step_fca_points  # noqa: E402


def cost_table(n_pairs: int) -> None:
    from access import fca, weights

    n_supply = 500
    n_demand = n_pairs // n_supply
    rng = np.random.default_rng(0)
    demand = pd.Series(rng.integers(1, 5000, n_demand).astype(float),
                       index=pd.Index(np.arange(n_demand) + 10**10, name="geoid"), name="pop")
    supply = pd.Series(rng.integers(0, 50, n_supply).astype(float),
                       index=pd.Index(np.arange(n_supply) + 2 * 10**10, name="geoid"), name="doc")
    o, d = np.meshgrid(demand.index.to_numpy(), supply.index.to_numpy(), indexing="ij")
    cost = pd.DataFrame({"origin": o.ravel(), "dest": d.ravel(),
                         "cost": rng.uniform(0, 60, o.size)})
    print(f"cost table: {len(cost):,} pairs ({n_demand:,} demand x {n_supply} supply), d0 = 30")
    demand_df = demand.reset_index()
    supply_df = supply.to_frame()
    for label, ours_decay, their_fn in [
        ("classic 2SFCA", None, None),
        ("E2SFCA steps", step_weights([(10, 1.0), (20, 0.68), (30, 0.22)]),
         weights.step_fn({10: 1.0, 20: 0.68, 30: 0.22})),
    ]:
        t_ours, ours = best(lambda dec=ours_decay: two_step_fca(demand, supply, cost, 30, dec))
        t_peer, theirs = best(lambda fn=their_fn: fca.two_stage_fca(
            demand_df, supply_df, cost, max_cost=30, demand_index="geoid", demand_name="pop",
            supply_name="doc", weight_fn=fn), repeat=1 if their_fn else 3)
        diff = float(np.abs(ours.to_numpy() - theirs.reindex(demand.index).fillna(0).to_numpy()).max())
        print(f"  {label:14s} ours {t_ours:7.3f} s | PySAL access {t_peer:7.3f} s | "
              f"ratio {t_peer / t_ours:5.1f}x | max |diff| {diff:.1e}")


def _points(n: int, seed: int, box) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(box[0], box[1], n), rng.uniform(box[2], box[3], n)


def _from_points(n_demand: int, n_supply: int, box, queue=None) -> tuple[float, float]:
    dla, dlo = _points(n_demand, 1, box)
    sla, slo = _points(n_supply, 2, box)
    rng = np.random.default_rng(3)
    pop = rng.integers(0, 3000, n_demand).astype(float)
    cap = rng.integers(0, 40, n_supply).astype(float)
    t0 = time.perf_counter()
    res = two_step_fca_points(dla, dlo, pop, sla, slo, cap, threshold_min=30, mode="car")
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    served = float(cap[res.demand_in_reach > 0].sum())
    out = (seconds, peak, float((pop * res.access).sum()), served)
    if queue is not None:
        queue.put(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes for CI")
    args = parser.parse_args()
    q = args.quick
    cost_table(100_000 if q else 1_000_000)

    sichuan = (26.0, 34.3, 97.3, 108.5)
    n_d, n_s = (3_000, 8_000) if q else (30_000, 80_000)
    t, _, lhs, rhs = _from_points(n_d, n_s, sichuan)
    print(f"from points, province box: {n_d:,} demand x {n_s:,} supply, 30 min by car: "
          f"{t:.2f} s (check Σ P·A = served supply: {np.isclose(lhs, rhs)})")

    china = (18.0, 54.0, 73.0, 135.0)
    n_d, n_s = (60_000, 100_000) if q else (600_000, 1_000_000)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_from_points, args=(n_d, n_s, china, queue))
    proc.start()
    t, peak, lhs, rhs = queue.get()
    proc.join()
    print(f"from points, nation box: {n_d:,} demand x {n_s:,} supply, 30 min by car: "
          f"{t:.2f} s, peak RSS {peak:.0f} MiB (check: {np.isclose(lhs, rhs)})")


if __name__ == "__main__":
    main()
