"""Facility siting: p-median, maximal covering, set covering and p-center, as exact MILPs.

Every model has a core constructor on a plain cost matrix ``cost`` (demand rows i ×
candidate columns j, e.g. travel minutes; a non-finite entry forbids the pair), the
demand weights ``w_i`` (residents, pupils), optional ``required`` candidates that must
be open (existing facilities) and optional ``capacities`` Q_j (same unit as ``w``).
The caller passes the solver in (:func:`make_solver`; default CBC through PuLP, or
HiGHS through ``highspy``); the choice lives in :data:`DEFAULT_SOLVER` only. A model
with no feasible solution raises :class:`InfeasibleError` with a readable reason; a
solver that stops without proving optimality raises :class:`SolverError`.

Models (y_j = 1 if candidate j is open, x_ij = share of row i served by j,
N_i = {j : c_ij ≤ t} the candidates within the threshold t, R the required sites):

* p-median (Hakimi 1964; ReVelle & Swain 1970): min Σ_i Σ_j w_i c_ij x_ij
  s.t. Σ_j x_ij = 1, x_ij ≤ y_j, Σ_j y_j = p, y_j = 1 (j ∈ R), Σ_i w_i x_ij ≤ Q_j y_j.
* maximal covering, MCLP (Church & ReVelle 1974): max Σ_i w_i z_i
  s.t. z_i ≤ Σ_{j∈N_i} y_j, z_i ≤ 1, Σ_j y_j = p, y_j = 1 (j ∈ R); with capacities
  z_i = Σ_{j∈N_i} x_ij, x_ij ≤ y_j, Σ_i w_i x_ij ≤ Q_j y_j (a row may be part-covered).
* set covering, LSCP (Toregas et al. 1971): min Σ_j y_j s.t. Σ_{j∈N_i} y_j ≥ 1 for
  every row, y_j = 1 (j ∈ R); with capacities by assignment as above.
* p-center (Hakimi 1964): min D s.t. Σ_j c_ij x_ij ≤ D, Σ_j x_ij = 1, x_ij ≤ y_j,
  Σ_j y_j = p, y_j = 1 (j ∈ R); then, among the sites with that worst travel, the
  least weighted travel (a second p-median stage on the pairs with c_ij ≤ D*).

For large p-median instances, :func:`p_median_knearest` solves the model with each
row limited to its k nearest candidates plus a "beyond" slack priced at the (k+1)-th
nearest cost: a relaxation of the full model (so its optimum is a lower bound), exact
when no slack is used; k doubles until it is. :func:`p_median_lagrangian` is the
province-scale method (kernel in :mod:`metrics.pmedian_large`): a Lagrangian lower bound
(Cornuéjols, Fisher & Nemhauser 1977; Beasley 1993) computed on each row's nearest
candidates yet valid for the full matrix, fast swap search (Teitz & Bart 1968; Resende &
Werneck 2003) for the solution, and the certified gap between them.

Pure: numpy arrays in, a new :class:`SitingResult` out; inputs are never modified.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from metrics import travel

__all__ = [
    "DEFAULT_SOLVER",
    "SOLVERS",
    "InfeasibleError",
    "Milp",
    "SitingError",
    "SitingResult",
    "SolverError",
    "assignment_frame",
    "make_solver",
    "max_coverage",
    "p_center",
    "p_median",
    "p_median_knearest",
    "p_median_lagrangian",
    "set_cover",
    "solve_milp",
    "travel_matrix_min",
]

#: The one place the default solver is chosen: CBC, bundled with PuLP, works offline.
DEFAULT_SOLVER: str = "cbc"
#: Solver names accepted by :func:`make_solver` (``scipy`` = HiGHS bundled in SciPy).
SOLVERS: tuple[str, ...] = ("cbc", "highs", "scipy")
#: Relative MIP gap asked of the solvers: the results are optimal to this tolerance.
MIP_REL_GAP: float = 1e-7


class SitingError(ValueError):
    """Inputs that cannot define a model (wrong shapes, p out of range, bad indices)."""


class InfeasibleError(SitingError):
    """The model has no feasible solution; the message says why in plain words."""


class SolverError(RuntimeError):
    """The solver stopped without an optimal solution (time limit, numerical trouble)."""


@dataclass(frozen=True)
class SitingResult:
    """The solution of a siting model.

    Attributes
    ----------
    model
        Model name.
    sites
        Chosen candidate column indices, sorted (required sites included).
    assignment
        Candidate index serving each demand row: the nearest chosen site, or the
        solver's assignment when capacities bind; ``-1`` where no chosen site is reachable.
    objective
        Objective value of the model, recomputed from ``cost`` (p-median: Σ w_i c_i,a(i);
        MCLP: covered weight; LSCP: number of sites; p-center: worst travel).
    bound
        A proven bound on the optimum (lower for minimisation) when the method is not an
        exact solve, else equal to ``objective``.
    gap
        (objective − bound) / bound: the solution is proven within this share of the
        optimum; 0 for an exact solve.
    covered
        Share of each row's weight within the threshold (covering models), else None.
    """

    model: str
    sites: NDArray[np.int64]
    assignment: NDArray[np.int64]
    objective: float
    bound: float
    gap: float = 0.0
    status: str = "optimal"
    solver: str = ""
    time_s: float = 0.0
    covered: NDArray[np.float64] | None = None
    info: Mapping[str, Any] = field(default_factory=dict)


# -- solvers ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Solver:
    name: str
    time_limit: float | None = None
    msg: bool = False
    pulp_solver: Any = None


def make_solver(
    solver: str | Any | None = None, time_limit: float | None = None, msg: bool = False
) -> _Solver:
    """Resolve a solver choice: ``None`` (:data:`DEFAULT_SOLVER`), a name, or a PuLP solver.

    ``"cbc"`` is PuLP's bundled CBC (``pulp.PULP_CBC_CMD``), ``"highs"`` HiGHS through
    ``highspy`` with the matrix passed directly (fastest to build), ``"scipy"`` HiGHS
    through :func:`scipy.optimize.milp`. Any ``pulp.LpSolver`` instance is used as given.

    Examples
    --------
    >>> make_solver().name
    'cbc'
    >>> make_solver("highs", time_limit=10).time_limit
    10
    """
    if isinstance(solver, _Solver):
        return solver
    if solver is None:
        solver = DEFAULT_SOLVER
    if isinstance(solver, str):
        name = solver.lower()
        if name not in SOLVERS:
            raise SitingError(f"unknown solver {solver!r}; choose one of {list(SOLVERS)}")
        return _Solver(name, time_limit, msg)
    if hasattr(solver, "actualSolve"):
        return _Solver("pulp:" + type(solver).__name__, time_limit, msg, solver)
    raise SitingError(f"solver must be a name {list(SOLVERS)} or a PuLP solver, got {solver!r}")


@dataclass
class Milp:
    """min c·x  s.t.  row_lo ≤ A x ≤ row_hi,  lb ≤ x ≤ ub,  x_k integer where ``integer``."""

    c: np.ndarray
    a: sparse.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    integer: np.ndarray


def solve_milp(milp: Milp, solver: _Solver, what: str) -> tuple[np.ndarray, float]:
    """Solve; return (x, objective) or raise a readable error."""
    if solver.name == "highs":
        x, obj, status = _solve_highspy(milp, solver)
    elif solver.name == "scipy":
        x, obj, status = _solve_scipy(milp, solver)
    else:
        x, obj, status = _solve_pulp(milp, solver)
    if status == "infeasible":
        raise InfeasibleError(f"{what}: the solver found no feasible solution")
    if status != "optimal":
        raise SolverError(f"{what}: the solver ({solver.name}) stopped with status {status!r} "
                          "before proving optimality; raise the time limit or shrink the model")
    return x, obj


def _solve_highspy(milp: Milp, solver: _Solver) -> tuple[np.ndarray, float, str]:
    import highspy

    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(solver.msg))
    h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    if solver.time_limit:
        h.setOptionValue("time_limit", float(solver.time_limit))
    lp = highspy.HighsLp()
    n_row, n_col = milp.a.shape
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = milp.c
    lp.col_lower_ = np.where(np.isfinite(milp.lb), milp.lb, -inf)
    lp.col_upper_ = np.where(np.isfinite(milp.ub), milp.ub, inf)
    lp.row_lower_ = np.where(np.isfinite(milp.row_lo), milp.row_lo, -inf)
    lp.row_upper_ = np.where(np.isfinite(milp.row_hi), milp.row_hi, inf)
    csc = milp.a.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
                       for b in milp.integer]
    h.passModel(lp)
    h.run()
    status = h.modelStatusToString(h.getModelStatus()).lower()
    if status == "optimal":
        x = np.asarray(h.getSolution().col_value, dtype=np.float64)
        return x, float(h.getInfo().objective_function_value), "optimal"
    return np.empty(0), math.nan, "infeasible" if "infeasible" in status else status


def _solve_scipy(milp: Milp, solver: _Solver) -> tuple[np.ndarray, float, str]:
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.optimize import milp as scipy_milp

    options: dict[str, Any] = {"mip_rel_gap": MIP_REL_GAP, "disp": bool(solver.msg)}
    if solver.time_limit:
        options["time_limit"] = float(solver.time_limit)
    res = scipy_milp(milp.c, integrality=milp.integer.astype(int),
                     bounds=Bounds(milp.lb, milp.ub),
                     constraints=LinearConstraint(milp.a, milp.row_lo, milp.row_hi),
                     options=options)
    if res.status == 0:
        return np.asarray(res.x), float(res.fun), "optimal"
    return np.empty(0), math.nan, {2: "infeasible"}.get(res.status, res.message)


def _solve_pulp(milp: Milp, solver: _Solver) -> tuple[np.ndarray, float, str]:
    import pulp

    prob = pulp.LpProblem("siting", pulp.LpMinimize)
    # PuLP >= 3.3 attaches variables to the model; older versions construct them directly
    new_var = getattr(prob, "add_variable", None) or pulp.LpVariable
    xs = [new_var(f"x{k}", None if not np.isfinite(lo) else float(lo),
                  None if not np.isfinite(hi) else float(hi),
                  pulp.LpInteger if integer else pulp.LpContinuous)
          for k, (lo, hi, integer) in enumerate(zip(milp.lb, milp.ub, milp.integer,
                                                    strict=True))]
    nz = np.flatnonzero(milp.c)
    prob += pulp.LpAffineExpression([(xs[k], float(milp.c[k])) for k in nz])
    a = milp.a
    for r in range(a.shape[0]):
        cols = a.indices[a.indptr[r]:a.indptr[r + 1]]
        vals = a.data[a.indptr[r]:a.indptr[r + 1]]
        expr = pulp.LpAffineExpression([(xs[k], float(v)) for k, v in zip(cols, vals,
                                                                          strict=True)])
        lo, hi = milp.row_lo[r], milp.row_hi[r]
        if lo == hi:
            prob += expr == float(lo)
        else:
            if np.isfinite(lo):
                prob += expr >= float(lo)
            if np.isfinite(hi):
                prob += expr <= float(hi)
    engine = solver.pulp_solver
    with warnings.catch_warnings():
        # PuLP 3.3 announces that 4.0 moves the bundled CBC to the ``pulp[cbc]`` extra
        warnings.simplefilter("ignore", DeprecationWarning)
        if engine is None:
            engine = pulp.PULP_CBC_CMD(msg=solver.msg, timeLimit=solver.time_limit,
                                       gapRel=MIP_REL_GAP)
        prob.solve(engine)
    status = pulp.LpStatus[prob.status].lower()
    # a time-limited CBC run can report "optimal" with only a feasible solution
    if status == "optimal" and getattr(prob, "sol_status", 1) not in (1, None):
        status = "not proven optimal"
    if status != "optimal":
        return np.empty(0), math.nan, status
    x = np.array([v.varValue if v.varValue is not None else 0.0 for v in xs])
    return x, float(pulp.value(prob.objective) or 0.0), "optimal"


# -- input checks ---------------------------------------------------------------------------

def _check_cost(cost: ArrayLike) -> np.ndarray:
    c = np.asarray(cost, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] == 0 or c.shape[1] == 0:
        raise SitingError(f"cost must be a non-empty 2-D array (demand × candidate), got {c.shape}")
    if (c < 0).any():  # NaN compares False; -inf counts as negative
        raise SitingError("cost must be non-negative (travel time or distance)")
    return c


def _check_weights(weights: ArrayLike | None, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if w.shape[0] != n:
        raise SitingError(f"weights has {w.shape[0]} values for {n} demand rows")
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise SitingError("weights must be finite and non-negative")
    return w


def _check_required(required: Sequence[int] | ArrayLike | None, m: int) -> np.ndarray:
    if required is None:
        return np.empty(0, dtype=np.int64)
    r = np.unique(np.asarray(required, dtype=np.int64).reshape(-1))
    if r.size and (r.min() < 0 or r.max() >= m):
        raise SitingError(f"required sites must be candidate indices 0..{m - 1}, got {r.tolist()}")
    return r


def _check_p(p: int, m: int, required: np.ndarray) -> int:
    if p is None or int(p) != p or p < 1:
        raise SitingError(f"p must be a positive integer, got {p!r}")
    p = int(p)
    if p > m:
        raise InfeasibleError(f"p = {p} sites asked for but there are only {m} candidates")
    if required.size > p:
        raise InfeasibleError(f"{required.size} required sites do not fit in p = {p}; "
                              "raise p or require fewer sites")
    return p


def _check_capacities(capacities: ArrayLike | None, m: int) -> np.ndarray | None:
    if capacities is None:
        return None
    q = np.asarray(capacities, dtype=np.float64).reshape(-1)
    if q.shape[0] != m:
        raise SitingError(f"capacities has {q.shape[0]} values for {m} candidates")
    if np.any(np.isnan(q)) or np.any(q < 0):
        raise SitingError("capacities must be non-negative (inf = unlimited)")
    return q


def _capacity_precheck(w: np.ndarray, q: np.ndarray, p: int, required: np.ndarray,
                       what: str) -> None:
    """The p largest capacities (required ones first) must hold the whole demand."""
    rest = np.delete(q, required)
    best = q[required].sum() + np.sort(rest)[::-1][:p - required.size].sum()
    if best < w.sum() - 1e-9:
        raise InfeasibleError(
            f"{what}: the largest capacity p = {p} sites can offer ({best:g}) is less than the "
            f"demand ({w.sum():g}); raise p or the capacities")


def _unreachable_rows(allowed: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    counts = np.diff(allowed.indptr)
    return rows[counts[rows] == 0]


def _rows_text(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:10])
    return shown + (f" … ({rows.size} rows)" if rows.size > 10 else "")


# -- model builders ---------------------------------------------------------------------------

def _pairs(c: np.ndarray, mask: np.ndarray) -> sparse.csr_matrix:
    """Allowed (row, candidate) pairs as a CSR matrix holding the costs (explicit zeros kept)."""
    rows, cols = np.nonzero(mask)
    return sparse.csr_matrix((c[rows, cols], (rows, cols)), shape=c.shape)


def _assignment_model(
    pairs: sparse.csr_matrix,
    w: np.ndarray,
    p: int | None,
    required: np.ndarray,
    q: np.ndarray | None,
    *,
    pair_cost: np.ndarray,
    extra_cost: np.ndarray | None = None,
    equality: bool = True,
    integral_x: bool = False,
    site_cost: np.ndarray | None = None,
    minmax: bool = False,
) -> tuple[Milp, int]:
    """Variables [y (m), x (pairs), u (rows, optional slack), D (optional)].

    Rows: Σ_j x_ij (+ u_i) = 1 (or ≤ 1), x_ij ≤ y_j, Σ y = p, Σ_i w_i x_ij ≤ Q_j y_j,
    and with ``minmax`` Σ_j c_ij x_ij − D ≤ 0.
    """
    n, m = pairs.shape
    rows = np.repeat(np.arange(n), np.diff(pairs.indptr))
    cols = pairs.indices
    n_x = cols.size
    has_u = extra_cost is not None
    n_u = n if has_u else 0
    n_var = m + n_x + n_u + (1 if minmax else 0)
    x0, u0, d0 = m, m + n_x, m + n_x + n_u
    blocks: list[sparse.csr_matrix] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    # assignment rows
    ar = [rows, np.arange(n)] if has_u else [rows]
    ac = [x0 + np.arange(n_x), u0 + np.arange(n)] if has_u else [x0 + np.arange(n_x)]
    blocks.append(sparse.csr_matrix((np.ones(n_x + n_u), (np.concatenate(ar),
                                                         np.concatenate(ac))), shape=(n, n_var)))
    lo.append(np.ones(n) if equality else np.full(n, -np.inf))
    hi.append(np.ones(n))
    # linking x_ij - y_j <= 0
    k = np.arange(n_x)
    blocks.append(sparse.csr_matrix(
        (np.concatenate([np.ones(n_x), -np.ones(n_x)]),
         (np.concatenate([k, k]), np.concatenate([x0 + k, cols]))), shape=(n_x, n_var)))
    lo.append(np.full(n_x, -np.inf))
    hi.append(np.zeros(n_x))
    # number of sites
    if p is not None:
        blocks.append(sparse.csr_matrix((np.ones(m), (np.zeros(m, int), np.arange(m))),
                                        shape=(1, n_var)))
        lo.append(np.array([float(p)]))
        hi.append(np.array([float(p)]))
    # capacities: sum_i w_i x_ij - Q_j y_j <= 0
    if q is not None:
        finite = np.isfinite(q)
        keep = finite[cols]
        jj = np.flatnonzero(finite)
        blocks.append(sparse.csr_matrix(
            (np.concatenate([w[rows[keep]], -q[jj]]),
             (np.concatenate([np.searchsorted(jj, cols[keep]), np.arange(jj.size)]),
              np.concatenate([x0 + k[keep], jj]))), shape=(jj.size, n_var)))
        lo.append(np.full(jj.size, -np.inf))
        hi.append(np.zeros(jj.size))
    if minmax:
        blocks.append(sparse.csr_matrix(
            (np.concatenate([pair_cost, -np.ones(n)]),
             (np.concatenate([rows, np.arange(n)]),
              np.concatenate([x0 + k, np.full(n, d0)]))), shape=(n, n_var)))
        lo.append(np.full(n, -np.inf))
        hi.append(np.zeros(n))
    c = np.zeros(n_var)
    if minmax:
        c[d0] = 1.0
    else:
        c[x0:x0 + n_x] = pair_cost
        if has_u:
            c[u0:u0 + n] = extra_cost
    if site_cost is not None:
        c[:m] = site_cost
    lb = np.zeros(n_var)
    ub = np.ones(n_var)
    lb[required] = 1.0
    if minmax:
        ub[d0] = np.inf
    integer = np.zeros(n_var, dtype=bool)
    integer[:m] = True
    if integral_x:
        integer[x0:x0 + n_x] = True
    a = sparse.vstack(blocks, format="csr")
    return Milp(c, a, np.concatenate(lo), np.concatenate(hi), lb, ub, integer), x0


def _sites(x: np.ndarray, m: int) -> np.ndarray:
    return np.flatnonzero(x[:m] > 0.5).astype(np.int64)


def _nearest_of(c: np.ndarray, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest chosen site of every row (-1 / inf where none is reachable)."""
    sub = c[:, sites]
    sub = np.where(np.isfinite(sub), sub, np.inf)
    pos = np.argmin(sub, axis=1)
    best = sub[np.arange(c.shape[0]), pos]
    return np.where(np.isfinite(best), sites[pos], -1).astype(np.int64), best


def _solver_assignment(x: np.ndarray, x0: int, pairs: sparse.csr_matrix) -> np.ndarray:
    """The candidate carrying the largest share of each row in the solver's x."""
    n = pairs.shape[0]
    share = sparse.csr_matrix((x[x0:x0 + pairs.nnz], pairs.indices, pairs.indptr),
                              shape=pairs.shape)
    out = np.asarray(share.argmax(axis=1)).reshape(-1).astype(np.int64)
    none = np.asarray(share.max(axis=1).todense()).reshape(-1) <= 1e-9
    out[none] = -1
    return out[:n]


def _weighted_cost(c: np.ndarray, w: np.ndarray, assignment: np.ndarray) -> float:
    ok = assignment >= 0
    return float(np.sum(w[ok] * c[np.flatnonzero(ok), assignment[ok]]))


# -- p-median -------------------------------------------------------------------------------

def p_median(
    cost: ArrayLike,
    weights: ArrayLike,
    p: int,
    required: Sequence[int] | ArrayLike | None = None,
    solver: str | Any | None = None,
    *,
    capacities: ArrayLike | None = None,
    time_limit: float | None = None,
) -> SitingResult:
    """p-median: open p sites minimising population-weighted travel (exact MILP).

    .. math:: \\min \\sum_i \\sum_j w_i c_{ij} x_{ij} \\quad\\text{s.t.}\\quad
              \\sum_j x_{ij} = 1,\\; x_{ij} \\le y_j,\\; \\sum_j y_j = p,\\;
              y_j = 1\\ (j \\in R),\\; \\sum_i w_i x_{ij} \\le Q_j y_j,\\;
              y_j \\in \\{0, 1\\}

    (ReVelle & Swain 1970). Without capacities x is continuous (the optimum sends each
    row to its nearest open site); with capacities x is binary (single sourcing).

    Parameters
    ----------
    cost
        Demand × candidate costs (minutes or km); ``inf``/NaN forbids a pair.
    weights
        Demand of each row (residents, pupils); rows with weight 0 do not enter the model
        and are assigned to their nearest chosen site afterwards.
    p
        Number of sites to open, required ones included.
    required
        Candidate indices that must be open (existing facilities).
    solver
        ``None`` (CBC), ``"cbc"``, ``"highs"``, ``"scipy"`` or a PuLP solver instance.
    capacities
        Q_j per candidate in the unit of ``weights`` (``inf`` = unlimited).

    Returns
    -------
    SitingResult
        ``objective`` = Σ w_i c_i,assignment(i).

    Examples
    --------
    Three villages on a line at 0, 1 and 10 km with 1, 1 and 3 residents; candidates at
    the villages. One site: the far village (1·10 + 1·9 = 19; the middle one costs
    1 + 3·9 = 28); two sites: {0 or 1, 2}, cost 1.

    >>> import numpy as np
    >>> pos = np.array([0.0, 1.0, 10.0])
    >>> cost = np.abs(pos[:, None] - pos[None, :])
    >>> r = p_median(cost, [1, 1, 3], 1)
    >>> r.sites.tolist(), r.objective
    ([2], 19.0)
    >>> p_median(cost, [1, 1, 3], 2).objective
    1.0
    >>> p_median(cost, [1, 1, 3], 2, required=[0]).assignment.tolist()
    [0, 0, 2]
    """
    t0 = time.perf_counter()
    c = _check_cost(cost)
    n, m = c.shape
    w = _check_weights(weights, n)
    req = _check_required(required, m)
    p = _check_p(p, m, req)
    q = _check_capacities(capacities, m)
    slv = make_solver(solver, time_limit)
    active = np.flatnonzero(w > 0)
    result = _p_median_core(c, w, p, req, q, slv, np.isfinite(c), active)
    return _finish(result, t0)


def _p_median_core(
    c: NDArray[np.float64],
    w: NDArray[np.float64],
    p: int,
    req: NDArray[np.int64],
    q: NDArray[np.float64] | None,
    slv: _Solver,
    mask: NDArray[np.bool_],
    active: NDArray[np.int64],
    extra_cost: NDArray[np.float64] | None = None,
    what: str = "p-median",
) -> SitingResult:
    """Solve a p-median over the allowed ``mask`` for the ``active`` rows.

    ``c``: demand × candidate cost; ``w``: demand weights; ``p``: sites to open; ``req``:
    candidates that must open; ``q``: candidate capacities (None: uncapacitated); ``slv``:
    the solver; ``mask``: the demand-candidate pairs the model may use; ``active``: the
    demand rows with weight (rows of zero weight only get their nearest open site);
    ``extra_cost``: per-row price of a slack that lets a row leave its masked pairs (the
    k-nearest relaxation; None: no slack); ``what``: the model's name in messages.
    """
    n, m = c.shape
    if q is not None:
        _capacity_precheck(w[active], q, p, req, what)
    sub_mask = mask[active]
    pairs = _pairs(c[active], sub_mask)
    if extra_cost is None:
        bad = _unreachable_rows(pairs, np.arange(active.size))
        if bad.size:
            raise InfeasibleError(f"{what}: demand rows {_rows_text(active[bad])} cannot reach "
                                  "any candidate (every cost is missing or infinite)")
    wa = w[active]
    pair_cost = wa[np.repeat(np.arange(active.size), np.diff(pairs.indptr))] * pairs.data
    ec = None if extra_cost is None else extra_cost[active]
    milp, x0 = _assignment_model(pairs, wa, p, req, q, pair_cost=pair_cost, extra_cost=ec,
                                 integral_x=q is not None)
    x, obj = solve_milp(milp, slv, what)
    sites = _sites(x, m)
    if q is None:
        assignment, _ = _nearest_of(c, sites)
    else:
        assignment, _ = _nearest_of(c, sites)
        assignment[active] = _solver_assignment(x, x0, pairs)
    slack = 0.0 if ec is None else float(x[x0 + pairs.nnz:x0 + pairs.nnz + active.size].sum())
    objective = _weighted_cost(c, w, assignment)
    return SitingResult(what, sites, assignment, objective, objective, 0.0, "optimal",
                        slv.name, 0.0, None, {"solver_objective": obj, "slack_rows": slack})


def _finish(r: SitingResult, t0: float, **changes: Any) -> SitingResult:
    from dataclasses import replace

    return replace(r, time_s=time.perf_counter() - t0, **changes)


def p_median_knearest(
    cost: ArrayLike,
    weights: ArrayLike,
    p: int,
    k: int = 10,
    required: Sequence[int] | ArrayLike | None = None,
    solver: str | Any | None = None,
    *,
    capacities: ArrayLike | None = None,
    max_gap: float = 0.0,
    time_limit: float | None = None,
) -> SitingResult:
    """p-median with each row limited to its k nearest candidates, exact by escalation.

    Row i may use its k nearest candidates K_i or a slack u_i priced at
    c̄_i = min_{j ∉ K_i} c_ij, the (k+1)-th nearest cost:

    .. math:: \\min \\sum_i w_i \\Big(\\sum_{j \\in K_i} c_{ij} x_{ij} + \\bar c_i u_i\\Big)
              \\quad\\text{s.t.}\\quad \\sum_{j \\in K_i} x_{ij} + u_i = 1,\\;
              x_{ij} \\le y_j,\\; \\sum_j y_j = p

    Any full solution maps to this model at no higher cost, so its optimum is a lower
    bound on the full p-median; if no slack is used the solution is feasible for the full
    model and therefore optimal. Otherwise the chosen sites are evaluated on the full
    costs (upper bound) and k doubles until no slack is used, the gap is at most
    ``max_gap``, or k reaches the number of candidates (the full model). Like PySAL
    spopt's ``KNearestPMedian``, but the escalation rule comes with a proof.

    Returns
    -------
    SitingResult
        ``bound`` = the last relaxation's optimum, ``gap`` = (objective − bound) / bound;
        ``info["k"]`` the k used, ``info["rounds"]`` the solves.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> pts, cand = rng.random((40, 2)), rng.random((15, 2))
    >>> cost = np.linalg.norm(pts[:, None] - cand[None], axis=2)
    >>> w = rng.integers(1, 10, 40)
    >>> red = p_median_knearest(cost, w, 3, k=2)
    >>> full = p_median(cost, w, 3)
    >>> bool(abs(red.objective - full.objective) < 1e-6), red.gap
    (True, 0.0)
    """
    t0 = time.perf_counter()
    c = _check_cost(cost)
    n, m = c.shape
    w = _check_weights(weights, n)
    req = _check_required(required, m)
    p = _check_p(p, m, req)
    q = _check_capacities(capacities, m)
    slv = make_solver(solver, time_limit)
    if k < 1:
        raise SitingError("k must be at least 1")
    active = np.flatnonzero(w > 0)
    finite = np.isfinite(c)
    c_inf = np.where(finite, c, np.inf)
    order = np.argsort(c_inf, axis=1, kind="stable")
    rounds = 0
    k = int(min(k, m))
    while True:
        rounds += 1
        mask = np.zeros_like(finite)
        np.put_along_axis(mask, order[:, :k], True, axis=1)
        mask &= finite
        beyond = (np.take_along_axis(c_inf, order[:, k:k + 1], axis=1).reshape(-1)
                  if k < m else np.full(n, np.inf))
        if k >= m or not np.isfinite(beyond[active]).any():
            full = _p_median_core(c, w, p, req, q, slv, finite, active, what="p-median")
            info = {"k": k, "rounds": rounds, "slack_rows": 0.0}
            return _finish(full, t0, model="p-median (k-nearest)", info=info)
        # a row whose finite candidates all lie in K_i never needs the slack in a full
        # solution, so any price keeps the relaxation valid: make it dear
        dear = 2.0 * float(c_inf[finite].max()) + 1.0
        extra = w * np.where(np.isfinite(beyond), beyond, dear)
        relaxed = _p_median_core(c, w, p, req, q, slv, mask, active, extra_cost=extra,
                                 what="p-median (k-nearest)")
        lower = float(relaxed.info["solver_objective"])
        slack = float(relaxed.info["slack_rows"])
        if slack <= 1e-6:
            info = {"k": k, "rounds": rounds, "slack_rows": 0.0}
            return _finish(relaxed, t0, bound=min(lower, relaxed.objective), gap=0.0, info=info)
        assignment, _ = _nearest_of(c, relaxed.sites)
        upper = _weighted_cost(c, w, assignment) if q is None else math.inf
        gap = (upper - lower) / lower if lower > 0 else (0.0 if upper <= 0 else math.inf)
        if gap <= max_gap:
            info = {"k": k, "rounds": rounds, "slack_rows": slack}
            return _finish(relaxed, t0, assignment=assignment, objective=upper, bound=lower,
                           gap=gap, status="within gap", info=info)
        k = min(2 * k, m)


# -- Lagrangian relaxation + swap local search (province scale) ----------------------------------

def p_median_lagrangian(
    cost: ArrayLike,
    weights: ArrayLike,
    p: int,
    required: Sequence[int] | ArrayLike | None = None,
    *,
    k: int | None = None,
    gap_tol: float = 0.001,
    time_limit: float = 60.0,
    max_iter: int = 5000,
) -> SitingResult:
    """Uncapacitated p-median with a certified gap: Lagrangian bound plus swap search.

    Relaxing Σ_j x_ij = 1 with multipliers λ_i gives, for every λ, the lower bound
    (Cornuéjols, Fisher & Nemhauser 1977; Beasley 1993)

    .. math:: L(\\lambda) = \\sum_i \\lambda_i + \\min_{|S| = p,\\, R \\subseteq S}
              \\sum_{j \\in S} \\rho_j, \\qquad
              \\rho_j = \\sum_i \\min(0,\\; w_i c_{ij} - \\lambda_i) \\;\\le\\; \\mathrm{OPT}.

    Each row keeps only its nearest candidates (at most ``k``, default max(64, 5m/p));
    capping λ_i at w_i times the cost of the first candidate not kept makes every other
    candidate add 0 to ρ_j, so the sparse value is L(λ) of the **full** matrix and the
    bound holds for the whole instance. λ follows Polyak subgradient steps towards the best
    solution; relaxed site sets are polished by best-improvement swaps (Teitz & Bart 1968;
    Resende & Werneck 2003) costed on the full matrix. Details: :mod:`metrics.pmedian_large`.
    Stops at ``gap_tol``, ``time_limit`` seconds or ``max_iter`` subgradient steps.

    Returns
    -------
    SitingResult
        ``objective`` the best solution's cost (upper bound), ``bound`` the certified
        L(λ) (float64, at the best λ), ``gap`` = (objective − bound) / bound, an upper
        limit on how far the solution is from the optimum.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> pts, cand = rng.random((60, 2)), rng.random((20, 2))
    >>> cost = np.linalg.norm(pts[:, None] - cand[None], axis=2)
    >>> w = rng.integers(1, 10, 60)
    >>> fast = p_median_lagrangian(cost, w, 4)
    >>> exact = p_median(cost, w, 4)
    >>> bool(fast.bound <= exact.objective + 1e-9 <= fast.objective + 2e-9)
    True
    """
    from metrics import pmedian_large

    t0 = time.perf_counter()
    c = _check_cost(cost)
    if not np.all(np.isfinite(c)):
        raise SitingError("p_median_lagrangian needs finite costs; use p_median for forbidden pairs")
    n, m = c.shape
    w = _check_weights(weights, n)
    req = _check_required(required, m)
    p = _check_p(p, m, req)
    if k is not None and k < 1:
        raise SitingError("k must be at least 1")
    active = np.flatnonzero(w > 0)
    if active.size == 0:
        sites = np.sort(np.concatenate([req, np.setdiff1d(np.arange(m), req)[:p - req.size]]))
        assignment, _ = _nearest_of(c, sites)
        return SitingResult("p-median (Lagrangian)", sites, assignment, 0.0, 0.0,
                            solver="lagrangian+swap", time_s=time.perf_counter() - t0)
    sol = pmedian_large.solve(c[active], w[active], p, req, k=k, gap_tol=gap_tol,
                              time_limit=time_limit, max_iter=max_iter)
    assignment, _ = _nearest_of(c, sol.sites)
    objective = _weighted_cost(c, w, assignment)
    lower = min(sol.bound, objective)
    gap = (objective - lower) / lower if lower > 0 else (0.0 if objective <= 0 else math.inf)
    status = "optimal" if gap <= 1e-9 else ("within gap" if gap <= gap_tol else "stopped")
    return SitingResult("p-median (Lagrangian)", sol.sites, assignment, objective, lower, gap,
                        status, "lagrangian+swap", time.perf_counter() - t0, None, sol.info)


# -- maximal covering -------------------------------------------------------------------------

def max_coverage(
    cost: ArrayLike,
    weights: ArrayLike,
    threshold: float,
    p: int,
    required: Sequence[int] | ArrayLike | None = None,
    solver: str | Any | None = None,
    *,
    capacities: ArrayLike | None = None,
    time_limit: float | None = None,
) -> SitingResult:
    """Maximal covering (MCLP): open p sites covering the most weight within ``threshold``.

    .. math:: \\max \\sum_i w_i z_i \\quad\\text{s.t.}\\quad
              z_i \\le \\sum_{j \\in N_i} y_j,\\; z_i \\le 1,\\; \\sum_j y_j = p,\\;
              y_j = 1\\ (j \\in R), \\qquad N_i = \\{j : c_{ij} \\le t\\}

    (Church & ReVelle 1974). With capacities a covered row is served by assignment,
    z_i = Σ_{j∈N_i} x_ij, x_ij ≤ y_j, Σ_i w_i x_ij ≤ Q_j y_j, and may be part-covered.

    Returns
    -------
    SitingResult
        ``objective`` = covered weight; ``covered`` = share of each row covered;
        ``assignment`` = nearest chosen site (or the covering site when capacities bind).

    Examples
    --------
    >>> import numpy as np
    >>> pos = np.array([0.0, 1.0, 10.0])
    >>> cost = np.abs(pos[:, None] - pos[None, :])
    >>> r = max_coverage(cost, [1, 1, 2], threshold=1.0, p=1)
    >>> r.sites.tolist(), r.objective, r.covered.tolist()
    ([2], 2.0, [0.0, 0.0, 1.0])
    >>> max_coverage(cost, [1, 1, 2], 1.0, 2).objective
    4.0
    """
    t0 = time.perf_counter()
    c = _check_cost(cost)
    n, m = c.shape
    w = _check_weights(weights, n)
    req = _check_required(required, m)
    p = _check_p(p, m, req)
    q = _check_capacities(capacities, m)
    if not np.isfinite(threshold) or threshold < 0:
        raise SitingError(f"threshold must be a non-negative number, got {threshold!r}")
    slv = make_solver(solver, time_limit)
    active = np.flatnonzero(w > 0)
    within = np.isfinite(c) & (c <= threshold)
    pairs = _pairs(c[active], within[active])
    wa = w[active]
    prow = np.repeat(np.arange(active.size), np.diff(pairs.indptr))
    if q is None:
        milp = _cover_model(pairs, wa, p, req)
        x, obj = solve_milp(milp, slv, "maximal covering")
        sites = _sites(x, m)
        assignment, best = _nearest_of(c, sites)
        covered = (best <= threshold).astype(np.float64)
    else:
        milp, x0 = _assignment_model(pairs, wa, p, req, q, pair_cost=-wa[prow], equality=False)
        x, obj = solve_milp(milp, slv, "maximal covering")
        sites = _sites(x, m)
        assignment, _ = _nearest_of(c, sites)
        share = np.bincount(prow, x[x0:x0 + pairs.nnz], minlength=active.size)
        covered = np.zeros(n)
        covered[active] = np.clip(share, 0.0, 1.0)
        served = _solver_assignment(x, x0, pairs)
        assignment[active] = np.where(served >= 0, served, assignment[active])
    objective = float(np.sum(w * covered))
    return SitingResult("maximal covering", sites, assignment, objective, objective, 0.0,
                        "optimal", slv.name, time.perf_counter() - t0, covered,
                        {"solver_objective": -obj, "threshold": float(threshold)})


def _cover_model(pairs: sparse.csr_matrix, w: np.ndarray, p: int, req: np.ndarray) -> Milp:
    """[y (m), z (n)]: z_i − Σ_{j∈N_i} y_j ≤ 0, Σ y = p; min −Σ w z."""
    n, m = pairs.shape
    rows = np.repeat(np.arange(n), np.diff(pairs.indptr))
    a_cov = sparse.csr_matrix(
        (np.concatenate([np.ones(n), -np.ones(rows.size)]),
         (np.concatenate([np.arange(n), rows]), np.concatenate([m + np.arange(n), pairs.indices]))),
        shape=(n, m + n))
    a_p = sparse.csr_matrix((np.ones(m), (np.zeros(m, int), np.arange(m))), shape=(1, m + n))
    c = np.concatenate([np.zeros(m), -w])
    lb = np.zeros(m + n)
    lb[req] = 1.0
    integer = np.zeros(m + n, dtype=bool)
    integer[:m] = True
    return Milp(c, sparse.vstack([a_cov, a_p], format="csr"),
                 np.concatenate([np.full(n, -np.inf), [float(p)]]),
                 np.concatenate([np.zeros(n), [float(p)]]), lb, np.ones(m + n), integer)


# -- set covering -------------------------------------------------------------------------------

def set_cover(
    cost: ArrayLike,
    threshold: float,
    required: Sequence[int] | ArrayLike | None = None,
    solver: str | Any | None = None,
    *,
    weights: ArrayLike | None = None,
    capacities: ArrayLike | None = None,
    time_limit: float | None = None,
) -> SitingResult:
    """Set covering (LSCP): the fewest sites that put every demand row within ``threshold``.

    .. math:: \\min \\sum_j y_j \\quad\\text{s.t.}\\quad \\sum_{j \\in N_i} y_j \\ge 1\\ \\forall i,
              \\; y_j = 1\\ (j \\in R), \\qquad N_i = \\{j : c_{ij} \\le t\\}

    (Toregas, Swain, ReVelle & Bergman 1971). Rows with weight 0 need no cover. With
    capacities (unit of ``weights``) every row is assigned: Σ_{j∈N_i} x_ij = 1,
    x_ij ≤ y_j, Σ_i w_i x_ij ≤ Q_j y_j.

    Examples
    --------
    >>> import numpy as np
    >>> pos = np.array([0.0, 1.0, 10.0])
    >>> cost = np.abs(pos[:, None] - pos[None, :])
    >>> set_cover(cost, 1.0).objective
    2.0
    >>> set_cover(cost, 0.5).sites.tolist()
    [0, 1, 2]
    """
    t0 = time.perf_counter()
    c = _check_cost(cost)
    n, m = c.shape
    w = _check_weights(weights, n)
    req = _check_required(required, m)
    q = _check_capacities(capacities, m)
    if not np.isfinite(threshold) or threshold < 0:
        raise SitingError(f"threshold must be a non-negative number, got {threshold!r}")
    slv = make_solver(solver, time_limit)
    active = np.flatnonzero(w > 0)
    within = np.isfinite(c) & (c <= threshold)
    pairs = _pairs(c[active], within[active])
    bad = _unreachable_rows(pairs, np.arange(active.size))
    if bad.size:
        raise InfeasibleError(f"set covering: demand rows {_rows_text(active[bad])} have no "
                              f"candidate within {threshold:g}; raise the threshold or add "
                              "candidates")
    if q is None:
        rows = np.repeat(np.arange(active.size), np.diff(pairs.indptr))
        a = sparse.csr_matrix((np.ones(rows.size), (rows, pairs.indices)),
                              shape=(active.size, m))
        lb = np.zeros(m)
        lb[req] = 1.0
        milp = Milp(np.ones(m), a, np.ones(active.size), np.full(active.size, np.inf), lb,
                     np.ones(m), np.ones(m, dtype=bool))
        x, _ = solve_milp(milp, slv, "set covering")
        sites = _sites(x, m)
        assignment, _ = _nearest_of(c, sites)
    else:
        _capacity_precheck(w[active], q, m, req, "set covering")
        milp, x0 = _assignment_model(pairs, w[active], None, req, q,
                                     pair_cost=np.zeros(pairs.nnz), integral_x=True,
                                     site_cost=np.ones(m))
        x, _ = solve_milp(milp, slv, "set covering")
        sites = _sites(x, m)
        assignment, _ = _nearest_of(c, sites)
        assignment[active] = _solver_assignment(x, x0, pairs)
    _, best = _nearest_of(c, sites)
    covered = (best <= threshold).astype(np.float64)
    return SitingResult("set covering", sites, assignment, float(sites.size), float(sites.size),
                        0.0, "optimal", slv.name, time.perf_counter() - t0, covered,
                        {"threshold": float(threshold)})


# -- p-center ------------------------------------------------------------------------------------

def p_center(
    cost: ArrayLike,
    weights: ArrayLike | int | None = None,
    p: int | None = None,
    required: Sequence[int] | ArrayLike | None = None,
    solver: str | Any | None = None,
    *,
    capacities: ArrayLike | None = None,
    tie_break: bool = True,
    time_limit: float | None = None,
) -> SitingResult:
    """p-center: open p sites minimising the worst travel of any demand row.

    .. math:: \\min D \\quad\\text{s.t.}\\quad \\sum_j c_{ij} x_{ij} \\le D,\\;
              \\sum_j x_{ij} = 1,\\; x_{ij} \\le y_j,\\; \\sum_j y_j = p,\\;
              y_j = 1\\ (j \\in R)

    (Hakimi 1964). ``weights`` do not scale the travel: rows of weight 0 are ignored
    (nobody lives there) and, with ``tie_break``, a second stage picks among the sites
    with worst travel D* those of least weighted travel Σ w_i c_ij (a p-median on the
    pairs c_ij ≤ D*). ``p_center(cost, p)`` is accepted as a shorthand.

    Examples
    --------
    >>> import numpy as np
    >>> pos = np.array([0.0, 1.0, 10.0])
    >>> cost = np.abs(pos[:, None] - pos[None, :])
    >>> r = p_center(cost, p=1)
    >>> r.sites.tolist(), r.objective
    ([1], 9.0)
    >>> p_center(cost, [1, 1, 2], 2).objective
    1.0
    """
    t0 = time.perf_counter()
    c = _check_cost(cost)
    n, m = c.shape
    if p is None and weights is not None and np.ndim(weights) == 0:
        weights, p = None, int(weights)  # type: ignore[arg-type]
    w = _check_weights(weights, n)
    req = _check_required(required, m)
    p = _check_p(p, m, req)  # type: ignore[arg-type]
    q = _check_capacities(capacities, m)
    slv = make_solver(solver, time_limit)
    active = np.flatnonzero(w > 0)
    if q is not None:
        _capacity_precheck(w[active], q, p, req, "p-center")
    finite = np.isfinite(c)
    pairs = _pairs(c[active], finite[active])
    bad = _unreachable_rows(pairs, np.arange(active.size))
    if bad.size:
        raise InfeasibleError(f"p-center: demand rows {_rows_text(active[bad])} cannot reach "
                              "any candidate")
    milp, x0 = _assignment_model(pairs, w[active], p, req, q, pair_cost=pairs.data,
                                 integral_x=q is not None, minmax=True)
    x, _ = solve_milp(milp, slv, "p-center")
    sites = _sites(x, m)
    if q is None:
        assignment, best = _nearest_of(c, sites)
        worst = float(best[active].max())
    else:
        assignment, _ = _nearest_of(c, sites)
        assignment[active] = _solver_assignment(x, x0, pairs)
        worst = float(c[active, assignment[active]].max())
    if tie_break:
        allowed = finite & (c <= worst * (1 + 1e-9) + 1e-12)
        second = _p_median_core(c, w, p, req, q, slv, allowed, active, what="p-center tie-break")
        sites, assignment = second.sites, second.assignment
    travel = _weighted_cost(c, w, assignment)
    return SitingResult("p-center", sites, assignment, worst, worst, 0.0, "optimal", slv.name,
                        time.perf_counter() - t0, None, {"weighted_travel": travel})


# -- adapters --------------------------------------------------------------------------------------

def travel_matrix_min(
    demand: pd.DataFrame,
    candidates: pd.DataFrame,
    mode: str = "car",
    overrides: Mapping[str, float] | None = None,
    model: travel.TravelModel | None = None,
) -> NDArray[np.float64]:
    """Demand × candidate travel minutes from ``lat``/``lon`` columns (WGS-84).

    The travel model's matrix (:func:`metrics.travel.matrix_min`, ``model`` default the
    straight line: t_ij = haversine_km(i, j) × detour ÷ speed(mode) × 60; along roads
    ``inf`` where no road connects a pair, which the models here treat as forbidden).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"lat": [31.0], "lon": [108.0]})
    >>> f = pd.DataFrame({"lat": [31.0, 31.1], "lon": [108.0, 108.0]})
    >>> travel_matrix_min(d, f, "car").round(1)
    array([[ 0. , 21.7]])
    """
    return travel.matrix_min(demand, candidates, mode, overrides, model=model)


def assignment_frame(
    result: SitingResult,
    cost: ArrayLike,
    demand_index: Sequence[Any] | pd.Index,
    candidate_ids: Sequence[Any] | pd.Index,
) -> pd.DataFrame:
    """The result as a table indexed like the demand: assigned candidate id and its cost.

    Examples
    --------
    >>> import numpy as np
    >>> cost = np.array([[0.0, 5.0], [4.0, 1.0]])
    >>> r = p_median(cost, [1, 1], 2)
    >>> assignment_frame(r, cost, ["v1", "v2"], ["A", "B"])
       site  cost
    v1    A   0.0
    v2    B   1.0
    """
    c = np.asarray(cost, dtype=np.float64)
    ids = np.asarray(list(candidate_ids), dtype=object)
    a = result.assignment
    ok = a >= 0
    site = np.where(ok, ids[np.where(ok, a, 0)], None)
    value = np.where(ok, c[np.arange(c.shape[0]), np.where(ok, a, 0)], np.nan)
    return pd.DataFrame({"site": site, "cost": value}, index=pd.Index(demand_index))
