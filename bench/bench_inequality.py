"""Timing of the inequality kernels against the naive loops, on a county-sized world.

Run from the repository root: ``python -m bench.bench_inequality``.
"""

from __future__ import annotations

import time

import numpy as np

from metrics.inequality import gini, summarise, theil_decomposition
from tests.reference_impl_inequality import gini_loops, theil_decomposition_loops


def _time(label: str, func, repeat: int = 3) -> None:
    best = min(_once(func) for _ in range(repeat))
    print(f"{label:<42} {best * 1000:9.2f} ms")


def _once(func) -> float:
    t0 = time.perf_counter()
    func()
    return time.perf_counter() - t0


def main(n_units: int = 330, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(1.0, 0.8, n_units)
    w = rng.integers(200, 5000, n_units).astype(float)
    g = rng.choice(["urban", "rural"], n_units)
    q = np.array(["q1", "q2", "q3", "q4", "q5"])[np.arange(n_units) % 5]
    _time("gini (vectorised)", lambda: gini(x, w))
    _time("gini (loops)", lambda: gini_loops(list(x), list(w)), repeat=1)
    _time("theil_decomposition (vectorised)", lambda: theil_decomposition(x, w, g))
    _time(
        "theil_decomposition (loops)", lambda: theil_decomposition_loops(list(x), list(w), list(g))
    )
    _time("summarise, no bootstrap", lambda: summarise(x, w, g, True))
    _time(
        "summarise, ordered, 1000 bootstrap",
        lambda: summarise(x, w, q, True, ordered=["q5", "q4", "q3", "q2", "q1"], n_boot=1000),
        repeat=1,
    )


if __name__ == "__main__":
    main()
