"""Timing shared by the benchmarks: the best of a few runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np


def best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The shortest wall time of ``repeat`` calls of ``fn`` (seconds) and the last result."""
    fastest, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        fastest = min(fastest, time.perf_counter() - t0)
    return fastest, out
