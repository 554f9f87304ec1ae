"""Nearest facility: ours (cKDTree on unit vectors) vs scikit-learn's haversine BallTree.

    python bench/bench_nearest.py           # 600,000 units x 1,000,000 facilities
    python bench/bench_nearest.py --quick   # 60,000 x 100,000, for CI

Each contender runs in a fresh child process that makes the same seeded points;
the peak memory is the child's peak RSS (inputs included) from getrusage.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metrics.geo import EARTH_RADIUS_KM, nearest_km  # noqa: E402


def _points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(18.0, 54.0, n), rng.uniform(73.0, 135.0, n)


def _run(which: str, n_src: int, n_dst: int, queue) -> None:
    sla, slo = _points(n_src, 1)
    dla, dlo = _points(n_dst, 2)
    from sklearn.neighbors import BallTree

    t0 = time.perf_counter()
    if which == "ours":
        dist, idx = nearest_km(sla, slo, dla, dlo)
    else:
        tree = BallTree(np.radians(np.column_stack([dla, dlo])), metric="haversine")
        d, i = tree.query(np.radians(np.column_stack([sla, slo])), k=1)
        dist, idx = d[:, 0] * EARTH_RADIUS_KM, i[:, 0]
    seconds = time.perf_counter() - t0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak_mib, dist[:2000].copy(), idx[:2000].copy()))


def measure(which: str, n_src: int, n_dst: int) -> tuple[float, float, np.ndarray, np.ndarray]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(which, n_src, n_dst, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes for CI")
    args = parser.parse_args()
    n_src, n_dst = (60_000, 100_000) if args.quick else (600_000, 1_000_000)
    print(f"nearest facility: {n_src:,} units x {n_dst:,} facilities (uniform over China's box)")
    ours = measure("ours", n_src, n_dst)
    peer = measure("sklearn", n_src, n_dst)
    same = np.array_equal(ours[3], peer[3]) and np.allclose(ours[2], peer[2], rtol=1e-9)
    print(f"  ours  cKDTree unit vectors : {ours[0]:6.2f} s   peak RSS {ours[1]:7.0f} MiB")
    print(f"  peer  sklearn BallTree hav.: {peer[0]:6.2f} s   peak RSS {peer[1]:7.0f} MiB")
    print(f"  speed-up {peer[0] / ours[0]:.1f}x; same answers on a 2,000-unit sample: {same}")
    if not args.quick:
        print(f"  target ours < 3 s and < 4 GiB: {ours[0] < 3 and ours[1] < 4096}")


if __name__ == "__main__":
    main()
