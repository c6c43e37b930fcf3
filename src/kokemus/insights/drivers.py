"""Key-driver analysis: how much of an outcome's explained variance each driver carries.

Two measures of relative importance for a linear model, both from correlations:

- `lmg`: the Shapley value of R² (Lindeman, Merenda and Gold; relaimpo's "lmg"), the
  R² a driver adds averaged over every order of entering the drivers. Exact up to
  `EXACT_LIMIT` drivers, estimated from sampled orders beyond.
- `relative_weights`: Johnson's (2000) relative weights, as in the rwa R package.

Importances are on the R² scale and sum to R²; shares are the same in % of R². Rows
are respondents; a row missing any value is left out (listwise deletion).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from kokemus.errors import DomainError

Method = Literal["lmg", "relative_weights"]
Vector = npt.NDArray[np.float64]
Matrix = npt.NDArray[np.float64]

METHODS: tuple[Method, ...] = ("lmg", "relative_weights")
EXACT_LIMIT = 15
DEFAULT_PERMUTATIONS = 5000
DEFAULT_SEED = 0
DEFAULT_LEVEL = 0.95
MIN_ROWS = 30
ROWS_PER_DRIVER = 10
# A pair this correlated splits what it explains between the two drivers almost at will,
# so their separate importances (and intervals) deserve less trust than their sum.
COLLINEAR_R = 0.8
# VIF 5 means 80 % of a driver's variance is explained by the other drivers: the common
# "look closer" level, stricter than the 10 often quoted for coefficients, because
# importances are read one driver at a time.
VIF_LIMIT = 5.0
# Below this smallest eigenvalue the driver correlations leave a driver nothing of its own.
SINGULAR = 1e-10
_PERMUTATION_CHUNK = 1000


class DriverDataError(DomainError):
    status_code = 422


@dataclass(frozen=True, slots=True)
class AnalysisWarning:
    code: str
    message: str
    # The facts in `message`, so that a report can say it in its own language.
    params: dict[str, str | int | float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class DriverImportance:
    name: str
    importance: float
    share: float
    ci_low: float | None
    ci_high: float | None
    # Pearson r with the outcome: the direction, which importances do not show.
    correlation: float


@dataclass(frozen=True, slots=True)
class DriverAnalysis:
    method: Method
    r2: float
    n: int
    rows_dropped: int
    drivers: tuple[DriverImportance, ...]
    warnings: tuple[AnalysisWarning, ...]
    sampled: bool
    permutations: int | None
    resamples: int
    level: float

    def to_dict(self) -> dict[str, Any]:
        # The JSON keeps each warning as its code and English message, as it always has.
        view = asdict(self)
        view["warnings"] = [{"code": w.code, "message": w.message} for w in self.warnings]
        return view


class _Degenerate(Exception):
    """A (resampled) data set on which the importances are not defined."""


def analyse_drivers(
    drivers: npt.ArrayLike,
    outcome: npt.ArrayLike,
    names: Sequence[str],
    *,
    method: Method = "lmg",
    resamples: int | None = None,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    exact_limit: int = EXACT_LIMIT,
    permutations: int = DEFAULT_PERMUTATIONS,
) -> DriverAnalysis:
    """Importance of each driver column for the outcome, with bootstrap intervals.

    `resamples=None` picks `default_resamples(method, p)`; 0 gives no intervals. The
    same seed gives the same result; the point estimate does not depend on `resamples`.
    """
    x, y = _matrices(drivers, outcome, names, method, level)
    complete = np.isfinite(x).all(axis=1) & np.isfinite(y)
    x, y = x[complete], y[complete]
    rows_dropped = int(complete.size - complete.sum())
    constant = np.ptp(x, axis=0) == 0 if len(y) else np.ones(len(names), dtype=bool)
    _check_estimable(x, y, names, constant, rows_dropped)

    permutation_seed, bootstrap_seed = np.random.SeedSequence(seed).spawn(2)
    estimate = _Estimator(method, exact_limit, permutations, permutation_seed)
    try:
        values, r2 = estimate(x, y)
    except _Degenerate as error:
        raise DriverDataError(str(error)) from None
    varying = int((~constant).sum())
    count = default_resamples(method, varying) if resamples is None else max(0, resamples)
    intervals, skipped = _bootstrap(x, y, estimate, count, level, bootstrap_seed)
    correlations = _outcome_correlations(x, y, constant)
    warnings = _warnings(x, y, names, constant, rows_dropped, skipped, count)
    sampled = estimate.sampled(varying)
    if sampled:
        warnings.append(_sampled_orders(varying, exact_limit, permutations))
    return DriverAnalysis(
        method=method,
        r2=r2,
        n=len(y),
        rows_dropped=rows_dropped,
        drivers=_driver_rows(names, values, r2, intervals, correlations),
        warnings=tuple(warnings),
        sampled=sampled,
        permutations=_even(permutations) if sampled else None,
        resamples=count,
        level=level,
    )


def default_resamples(method: Method, p: int) -> int:
    """1000 resamples, fewer for LMG on many drivers: exact LMG costs 2^p regressions.

    Chosen so that the intervals take a few seconds on one core (13 drivers: ~10 ms
    an estimate, 15: ~45 ms, sampled 30: ~90 ms).
    """
    if method == "relative_weights" or p <= 12:
        return 1000
    return 400 if p <= 14 else 100


# --- importance from correlations --------------------------------------------------


def r_squared(rxx: Matrix, rxy: Vector) -> float:
    """R² of the outcome on all drivers, from the driver correlations and theirs with it."""
    return float(rxy @ np.linalg.solve(rxx, rxy))


def subset_r_squared(rxx: Matrix, rxy: Vector) -> Vector:
    """R² of every subset of drivers, indexed by bit mask (bit j set: driver j is in)."""
    p = len(rxy)
    r2 = np.zeros(1 << p)
    for members, masks in _subsets(p):
        blocks = rxx[members[:, :, None], members[:, None, :]]
        vectors = rxy[members]
        solved = np.linalg.solve(blocks, vectors[..., None])[..., 0]
        r2[masks] = np.einsum("ij,ij->i", vectors, solved)
    return r2


def shapley_from_subsets(r2: Vector) -> Vector:
    """Each driver's R² gain averaged over all orders, from `subset_r_squared`."""
    p = int(r2.size).bit_length() - 1
    masks = np.arange(r2.size)
    sizes = np.bitwise_count(masks)
    # A subset of size s precedes driver j in s! (p - s - 1)! of the p! orders.
    order_share = np.array(
        [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)]
    )
    values = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        gains = r2[without | (1 << j)] - r2[without]
        values[j] = order_share[sizes[without]] @ gains
    return values


def sampled_shapley(
    rxx: Matrix, rxy: Vector, permutations: int, rng: np.random.Generator
) -> Vector:
    """Shapley values of R² estimated from `permutations` random orders of the drivers.

    Along one order the R² gains are the squares of L⁻¹ r, L the Cholesky factor of the
    reordered correlations, so each order costs one factorisation. Orders come in
    reversed pairs, which cancels much of the sampling noise.
    """
    p = len(rxy)
    totals = np.zeros(p)
    pairs = _even(permutations) // 2
    for start in range(0, pairs, _PERMUTATION_CHUNK):
        count = min(_PERMUTATION_CHUNK, pairs - start)
        orders = rng.permuted(np.tile(np.arange(p), (count, 1)), axis=1)
        orders = np.concatenate([orders, orders[:, ::-1]])
        factors = np.linalg.cholesky(rxx[orders[:, :, None], orders[:, None, :]])
        gains = np.linalg.solve(factors, rxy[orders][..., None])[..., 0] ** 2
        totals += np.bincount(orders.ravel(), weights=gains.ravel(), minlength=p)
    return totals / (2 * pairs)


def relative_weights(rxx: Matrix, rxy: Vector) -> Vector:
    """Johnson's raw relative weights: driver shares of R² through orthogonal proxies."""
    eigenvalues, vectors = np.linalg.eigh(rxx)
    root = (vectors * np.sqrt(eigenvalues)) @ vectors.T
    proxy_weights = np.linalg.solve(root, rxy)
    return np.asarray((root**2) @ proxy_weights**2, dtype=np.float64)


def _even(permutations: int) -> int:
    return 2 * max(1, permutations // 2)


@lru_cache(maxsize=EXACT_LIMIT + 1)
def _subsets(p: int) -> tuple[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]], ...]:
    groups = []
    for size in range(1, p + 1):
        members = np.array(list(combinations(range(p), size)), dtype=np.intp)
        groups.append((members, (1 << members).sum(axis=1)))
    return tuple(groups)


# --- from data to importances -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Estimator:
    method: Method
    exact_limit: int
    permutations: int
    seed: np.random.SeedSequence

    def sampled(self, p: int) -> bool:
        return self.method == "lmg" and p > self.exact_limit

    def __call__(self, x: Matrix, y: Vector) -> tuple[Vector, float]:
        """Importances of all drivers (0 for a constant one) and R², on these rows."""
        varying = np.ptp(x, axis=0) > 0
        if np.ptp(y) == 0:
            raise _Degenerate("the outcome has the same value in every row")
        rxx, rxy = _correlations(x[:, varying], y)
        if np.linalg.eigvalsh(rxx)[0] < SINGULAR:
            raise _Degenerate("the drivers are exactly collinear")
        values = np.zeros(x.shape[1])
        values[varying] = self._importances(rxx, rxy)
        return values, r_squared(rxx, rxy)

    def _importances(self, rxx: Matrix, rxy: Vector) -> Vector:
        if self.method == "relative_weights":
            return relative_weights(rxx, rxy)
        if len(rxy) > self.exact_limit:
            # Every call starts from the same seed: a resample differs by its rows only.
            rng = np.random.default_rng(self.seed)
            return sampled_shapley(rxx, rxy, self.permutations, rng)
        return shapley_from_subsets(subset_r_squared(rxx, rxy))


def _bootstrap(
    x: Matrix,
    y: Vector,
    estimate: Callable[[Matrix, Vector], tuple[Vector, float]],
    resamples: int,
    level: float,
    seed: np.random.SeedSequence,
) -> tuple[Matrix | None, int]:
    """Percentile intervals (2 × p) over resampled rows, and how many resamples failed."""
    if resamples <= 0:
        return None, 0
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(resamples):
        rows = rng.integers(0, len(y), len(y))
        try:
            estimates.append(estimate(x[rows], y[rows])[0])
        except _Degenerate:
            continue
    if not estimates:
        return None, resamples
    tail = (1 - level) / 2
    return np.quantile(np.array(estimates), [tail, 1 - tail], axis=0), resamples - len(estimates)


def _correlations(x: Matrix, y: Vector) -> tuple[Matrix, Vector]:
    full = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    return full[:-1, :-1], full[:-1, -1]


def _outcome_correlations(x: Matrix, y: Vector, constant: npt.NDArray[np.bool_]) -> Vector:
    correlations = np.zeros(x.shape[1])
    correlations[~constant] = _correlations(x[:, ~constant], y)[1]
    return correlations


def _driver_rows(
    names: Sequence[str],
    values: Vector,
    r2: float,
    intervals: Matrix | None,
    correlations: Vector,
) -> tuple[DriverImportance, ...]:
    return tuple(
        DriverImportance(
            name=name,
            importance=float(values[j]),
            share=float(100 * values[j] / r2) if r2 > 0 else 0.0,
            ci_low=None if intervals is None else float(intervals[0, j]),
            ci_high=None if intervals is None else float(intervals[1, j]),
            correlation=float(correlations[j]),
        )
        for j, name in enumerate(names)
    )


# --- checks and warnings ------------------------------------------------------------


def _matrices(
    drivers: npt.ArrayLike,
    outcome: npt.ArrayLike,
    names: Sequence[str],
    method: str,
    level: float,
) -> tuple[Matrix, Vector]:
    if method not in METHODS:
        raise DriverDataError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    if not 0 < level < 1:
        raise DriverDataError(f"level: expected a confidence level between 0 and 1, got {level}")
    x = np.asarray(drivers, dtype=np.float64)
    y = np.asarray(outcome, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise DriverDataError(
            f"expected drivers as rows × columns and one outcome per row, "
            f"got shapes {x.shape} and {y.shape}"
        )
    if x.shape[1] != len(names) or len(set(names)) != len(names):
        raise DriverDataError(f"expected {x.shape[1]} distinct driver names, got {list(names)}")
    if not names:
        raise DriverDataError("name at least one driver")
    return x, y


def _check_estimable(
    x: Matrix,
    y: Vector,
    names: Sequence[str],
    constant: npt.NDArray[np.bool_],
    rows_dropped: int,
) -> None:
    varying = int((~constant).sum())
    if len(y) < varying + 2:
        dropped = f" ({rows_dropped} dropped for missing values)" if rows_dropped else ""
        raise DriverDataError(
            f"{len(y)} complete rows{dropped}: need at least {varying + 2} "
            f"for {varying} varying drivers"
        )
    if np.ptp(y) == 0:
        raise DriverDataError("the outcome has the same value in every row")
    if constant.all():
        raise DriverDataError("every driver has the same value in every row")
    rxx, _ = _correlations(x[:, ~constant], y)
    eigenvalues, vectors = np.linalg.eigh(rxx)
    if eigenvalues[0] < SINGULAR:
        involved = np.abs(vectors[:, 0]) > 1e-6
        tied = [name for name, c in zip(_varying(names, constant), involved, strict=True) if c]
        raise DriverDataError(
            f"drivers {', '.join(tied)} are exactly collinear (one is a combination of the "
            "others): leave one out"
        )


def _varying(names: Sequence[str], constant: npt.NDArray[np.bool_]) -> list[str]:
    return [name for name, fixed in zip(names, constant, strict=True) if not fixed]


def _warnings(
    x: Matrix,
    y: Vector,
    names: Sequence[str],
    constant: npt.NDArray[np.bool_],
    rows_dropped: int,
    skipped: int,
    resamples: int,
) -> list[AnalysisWarning]:
    warnings = []
    if rows_dropped:
        warnings.append(
            AnalysisWarning(
                "rows_dropped",
                f"{rows_dropped} rows with a missing value were left out",
                {"n": rows_dropped},
            )
        )
    warnings.extend(_small_sample(len(y), len(names)))
    for name in (name for name, fixed in zip(names, constant, strict=True) if fixed):
        warnings.append(
            AnalysisWarning(
                "constant_driver",
                f"{name} has the same value in every row: importance 0",
                {"driver": name},
            )
        )
    warnings.extend(_collinearity(x[:, ~constant], y, _varying(names, constant)))
    if skipped:
        warnings.append(
            AnalysisWarning(
                "bootstrap_skipped",
                f"{skipped} of {resamples} resamples had a constant outcome or collinear "
                "drivers and were left out of the intervals",
                {"skipped": skipped, "resamples": resamples},
            )
        )
    return warnings


def _small_sample(n: int, p: int) -> list[AnalysisWarning]:
    needed = max(MIN_ROWS, ROWS_PER_DRIVER * p)
    if n >= needed:
        return []
    return [
        AnalysisWarning(
            "small_sample",
            f"{n} respondents for {p} drivers: importances are unstable below {needed} "
            f"(at least {MIN_ROWS}, and {ROWS_PER_DRIVER} per driver)",
            {
                "n": n,
                "p": p,
                "needed": needed,
                "min_rows": MIN_ROWS,
                "per_driver": ROWS_PER_DRIVER,
            },
        )
    ]


def _sampled_orders(p: int, exact_limit: int, permutations: int) -> AnalysisWarning:
    return AnalysisWarning(
        "sampled_orders",
        f"LMG estimated from {_even(permutations)} random orders of the {p} drivers "
        f"(exact up to {exact_limit}): importances carry some sampling noise",
        {"orders": _even(permutations), "p": p, "exact_limit": exact_limit},
    )


def _collinearity(x: Matrix, y: Vector, names: Sequence[str]) -> list[AnalysisWarning]:
    rxx, _ = _correlations(x, y)
    warnings = [
        AnalysisWarning(
            "collinear_drivers",
            f"{names[i]} and {names[j]} correlate at r = {rxx[i, j]:.2f}: "
            "how their shared part is split between them is uncertain",
            {"first": names[i], "second": names[j], "r": float(rxx[i, j])},
        )
        for i, j in combinations(range(len(names)), 2)
        if abs(rxx[i, j]) >= COLLINEAR_R
    ]
    inflation = np.diag(np.linalg.inv(rxx))
    warnings.extend(
        AnalysisWarning(
            "high_vif",
            f"{name} has a variance inflation factor of {vif:.1f} (≥ {VIF_LIMIT:g}): "
            "it is largely explained by the other drivers",
            {"driver": name, "vif": float(vif), "limit": VIF_LIMIT},
        )
        for name, vif in zip(names, inflation, strict=True)
        if vif >= VIF_LIMIT
    )
    return warnings
