"""Years of registers: which year to compare with, and the change from it.

Registers come every year; a figure of year Y is compared with the latest earlier year that
has registers of the same kinds, and only when year Y has registers of those kinds itself
(else the two figures would rest on the same register). Pure functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["change", "kinds_of", "previous_year"]


def kinds_of(types: Iterable[str], kind_types: Mapping[str, Sequence[str]]) -> list[str]:
    """The register kinds whose registers hold any of ``types``.

    >>> kinds_of(["village_clinic", "health_centre"], {"clinics": ("village_clinic",),
    ...          "hospitals": ("health_centre",), "schools": ("primary",)})
    ['clinics', 'hospitals']
    """
    wanted = set(types)
    return [k for k, ts in kind_types.items() if wanted & set(ts)]


def previous_year(year: int | None, kinds: Iterable[str],
                  years: Mapping[str, Sequence[int]]) -> int | None:
    """The year to compare ``year`` with for figures resting on registers of ``kinds``.

    ``years`` gives, per kind, the years it has registers of. The answer is the latest year
    before ``year`` with a register of one of ``kinds``, provided some kind of ``kinds``
    has a register of ``year`` itself; else ``None`` (nothing to compare). ``year`` None
    means the latest year of those kinds.

    >>> ys = {"clinics": (2023, 2024), "hospitals": (2024,), "schools": (2022,)}
    >>> previous_year(2024, ["clinics", "hospitals"], ys)
    2023
    >>> previous_year(None, ["clinics"], ys), previous_year(2023, ["clinics"], ys)
    (2023, None)
    >>> previous_year(2024, ["schools"], ys) is None  # no school register of 2024
    True
    """
    own = sorted({y for k in kinds for y in years.get(k, ())})
    if not own:
        return None
    year = own[-1] if year is None else int(year)
    if year not in own:
        return None
    earlier = [y for y in own if y < year]
    return earlier[-1] if earlier else None


def change(now: float | None, before: float | None) -> float | None:
    """``now - before``; ``None`` when either is missing.

    For an indicator in per cent the difference is in percentage points.

    >>> change(77.5, 70.25), change(None, 3.0), change(float("nan"), 1.0)
    (7.25, None, None)
    """
    if now is None or before is None:
        return None
    now, before = float(now), float(before)
    if math.isnan(now) or math.isnan(before):
        return None
    return now - before
