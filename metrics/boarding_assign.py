"""Placing boarders in beds: every school's beds counted, a maximum boarding trip, chosen
schools that may gain beds (pilot plan task 13).

Given the pupils of each village and grade band who need a boarding place, the schools that
teach each band, the boarding beds every school has today and the schools chosen to build
more, the placement solves the transportation problem

    minimise   Σ t_is x_bis  +  c_new Σ y_s  +  c_out Σ u_bi
    subject to Σ_s x_bis + u_bi = d_bi                 (every boarder placed or reported)
               k Σ_bi x_bis ≤ q_s + y_s               (beds; y_s = 0 unless s is chosen)
               x_bis = 0 unless s teaches band b and t_is ≤ T
               x, y, u ≥ 0

with d_bi the boarders of band b in village i, t_is the trip in minutes, T the longest
boarding trip allowed, q_s the beds at s, k beds per boarder, y_s the beds built at a chosen
school. The prices order the goals: a boarder left out costs more than any placement
(c_out > T + c_new), and a new bed costs more than any detour within T (c_new > T), so
spare beds anywhere within reach are used before a bed is built, and among placements of
equal bed use the total pupil-minutes are least. Solved as a linear programme with HiGHS
(:func:`scipy.optimize.linprog`); the constraint matrix is a network matrix, so the optimum
is integral whenever the boarders are.

A boarder not placed is reported with the reason: *no school within T* (no school teaching
the band with beds, or chosen, lies within T) or *beds full* (such schools exist but their
beds are taken and none of them may build more).

Pure: arrays in, new arrays and tables out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.optimize import linprog

__all__ = ["Placement", "place_boarders"]

#: Why a boarder was not placed.
NO_SCHOOL_IN_REACH = "no_school_in_reach"
BEDS_FULL = "beds_full"


@dataclass(frozen=True)
class Placement:
    """``flows``: one row per (band, village, school) with ``boarders`` placed and ``minutes``;
    ``unplaced``: one row per (band, village) left out, with ``boarders`` and ``reason``;
    ``schools``: per school ``boarders``, ``beds_needed`` (k × boarders), ``beds``,
    ``spare`` (beds not used), ``new_beds`` (to build; chosen schools only) and ``chosen``;
    ``totals``: need, placed, unplaced by reason, beds used, new beds — they add up:
    need = placed + unplaced."""

    flows: pd.DataFrame
    unplaced: pd.DataFrame
    schools: pd.DataFrame
    totals: pd.Series


def place_boarders(
    need: Mapping[str, ArrayLike],
    time_min: ArrayLike,
    teaches: Mapping[str, ArrayLike],
    beds: ArrayLike,
    chosen: ArrayLike,
    max_min: float,
    *,
    beds_per_boarder: float = 1.0,
    village_ids: Sequence[object] | None = None,
    school_ids: Sequence[object] | None = None,
) -> Placement:
    """Place the boarders of each band in beds (model in the module docstring).

    Parameters
    ----------
    need
        Band → boarders per village (length n each).
    time_min
        Villages × schools minutes (n × m); NaN/inf = unreachable.
    teaches
        Band → boolean per school: the school teaches that band (length m each).
    beds
        Boarding beds per school today (missing = 0).
    chosen
        Boolean per school: chosen to build beds (may gain any number).
    max_min
        The longest boarding trip allowed (minutes).
    beds_per_boarder
        Beds one boarder needs.

    Examples
    --------
    Village a is 10 min from school X (2 spare beds, not chosen) and 20 min from Y (chosen,
    no beds); village b is 50 min from both. 3 boarders in a, 1 in b, a 40-min limit:
    X's two beds are used first, the third boarder of a gets a new bed at Y, b is out of
    reach.

    >>> p = place_boarders({"junior": [3, 1]}, [[10, 20], [50, 50]], {"junior": [True, True]},
    ...                    beds=[2, 0], chosen=[False, True], max_min=40,
    ...                    village_ids=["a", "b"], school_ids=["X", "Y"])
    >>> p.schools[["boarders", "beds", "spare", "new_beds"]]  # doctest: +NORMALIZE_WHITESPACE
            boarders  beds  spare  new_beds
    school
    X            2.0   2.0    0.0       0.0
    Y            1.0   0.0    0.0       1.0
    >>> p.unplaced[["band", "village", "boarders", "reason"]].to_dict("records")
    [{'band': 'junior', 'village': 'b', 'boarders': 1.0, 'reason': 'no_school_in_reach'}]
    >>> p.totals[["need", "placed", "unplaced"]].tolist()
    [4.0, 3.0, 1.0]
    """
    t = np.asarray(time_min, dtype=np.float64)
    n, m = t.shape
    q = np.nan_to_num(np.asarray(beds, dtype=np.float64).reshape(-1), nan=0.0)
    ch = np.asarray(chosen, dtype=bool).reshape(-1)
    if q.shape != (m,) or ch.shape != (m,):
        raise ValueError(f"beds and chosen need one value per school ({m})")
    if max_min < 0 or beds_per_boarder <= 0:
        raise ValueError("max_min must be ≥ 0 and beds_per_boarder > 0")
    vids = np.asarray(range(n) if village_ids is None else list(village_ids), dtype=object)
    sids = np.asarray(range(m) if school_ids is None else list(school_ids), dtype=object)
    bands = list(need)
    reach = np.isfinite(t) & (t <= max_min)
    hosts = (q > 0) | ch

    # arcs (band, village, school) and the unplaced slack per (band, village)
    arc_b, arc_i, arc_s, demand = [], [], [], []
    for b, band in enumerate(bands):
        d = np.nan_to_num(np.asarray(need[band], dtype=np.float64).reshape(-1), nan=0.0)
        if d.shape != (n,) or (d < 0).any():
            raise ValueError(f"need[{band!r}] must hold {n} non-negative values")
        tb = np.asarray(teaches[band], dtype=bool).reshape(-1)
        ii, ss = np.nonzero(reach & (tb & hosts)[None, :] & (d > 0)[:, None])
        arc_b.append(np.full(ii.size, b)), arc_i.append(ii), arc_s.append(ss)
        demand.append(d)
    a_b, a_i, a_s = (np.concatenate(x) if x else np.zeros(0, int) for x in (arc_b, arc_i, arc_s))
    dem = np.concatenate(demand) if demand else np.zeros(0)
    n_arc, n_row, new_cols = a_b.size, len(bands) * n, np.flatnonzero(ch)
    c_new = float(max_min) + 1.0
    c_out = float(max_min) + c_new * beds_per_boarder + 1.0
    cost = np.concatenate([t[a_i, a_s], np.full(new_cols.size, c_new), np.full(n_row, c_out)])
    row = a_b * n + a_i
    # equalities: arcs + slack = demand
    a_eq = sparse.hstack([
        sparse.csr_matrix((np.ones(n_arc), (row, np.arange(n_arc))), shape=(n_row, n_arc)),
        sparse.csr_matrix((n_row, new_cols.size)), sparse.identity(n_row, format="csr")],
        format="csr")
    # beds: k Σ x - y ≤ q
    a_ub = sparse.hstack([
        sparse.csr_matrix((np.full(n_arc, beds_per_boarder), (a_s, np.arange(n_arc))),
                          shape=(m, n_arc)),
        sparse.csr_matrix((-np.ones(new_cols.size), (new_cols, np.arange(new_cols.size))),
                          shape=(m, new_cols.size)),
        sparse.csr_matrix((m, n_row))], format="csr")
    res = linprog(cost, A_ub=a_ub, b_ub=q, A_eq=a_eq, b_eq=dem, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - the slack makes every instance feasible
        raise RuntimeError(f"boarding placement failed: {res.message}")
    x = np.where(res.x < 1e-9, 0.0, res.x)
    flow, y, out = x[:n_arc], x[n_arc:n_arc + new_cols.size], x[n_arc + new_cols.size:]

    keep = flow > 0
    flows = pd.DataFrame({"band": np.asarray(bands, dtype=object)[a_b[keep]],
                          "village": vids[a_i[keep]], "school": sids[a_s[keep]],
                          "boarders": flow[keep], "minutes": t[a_i[keep], a_s[keep]]})
    has_arc = np.zeros(n_row, dtype=bool)
    has_arc[row] = True
    left = np.flatnonzero(out > 1e-9)
    unplaced = pd.DataFrame({
        "band": np.asarray(bands, dtype=object)[left // n] if len(bands) else [],
        "village": vids[left % n], "boarders": out[left],
        "reason": np.where(has_arc[left], BEDS_FULL, NO_SCHOOL_IN_REACH)})
    placed = np.bincount(a_s[keep], weights=flow[keep], minlength=m)
    new_beds = np.zeros(m)
    new_beds[new_cols] = y
    needed = beds_per_boarder * placed
    schools = pd.DataFrame({"boarders": placed, "beds_needed": needed, "beds": q,
                            "spare": np.maximum(q - needed, 0.0), "new_beds": new_beds,
                            "chosen": ch}, index=pd.Index(sids, name="school"))
    by_reason = unplaced.groupby("reason")["boarders"].sum()
    totals = pd.Series({
        "need": float(dem.sum()), "placed": float(flow.sum()), "unplaced": float(out.sum()),
        "unplaced_no_school_in_reach": float(by_reason.get(NO_SCHOOL_IN_REACH, 0.0)),
        "unplaced_beds_full": float(by_reason.get(BEDS_FULL, 0.0)),
        "beds_used": float(np.minimum(needed, q).sum()), "new_beds": float(new_beds.sum()),
        "mean_minutes": float(np.dot(flow, t[a_i, a_s]) / flow.sum()) if flow.sum() else np.nan,
    })
    return Placement(flows, unplaced, schools, totals)
