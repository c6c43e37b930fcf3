from itertools import combinations

import numpy as np
import pytest

from kokemus.insights.drivers import (
    DEFAULT_PERMUTATIONS,
    METHODS,
    DriverAnalysis,
    DriverDataError,
    Matrix,
    Method,
    Vector,
    analyse_drivers,
    default_resamples,
    relative_weights,
    sampled_shapley,
    shapley_from_subsets,
    subset_r_squared,
)
from tests.insights.reference import RELAIMPO, columns, needs_relaimpo, published

TOLERANCE = 1e-6


def codes(analysis: DriverAnalysis) -> list[str]:
    return [warning.code for warning in analysis.warnings]


def importances(analysis: DriverAnalysis) -> Vector:
    return np.array([driver.importance for driver in analysis.drivers])


def shares(analysis: DriverAnalysis) -> Vector:
    return np.array([driver.share for driver in analysis.drivers])


def correlations(x: Matrix, y: Vector) -> tuple[Matrix, Vector]:
    full = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    return full[:-1, :-1], full[:-1, -1]


def two_blocks(size: int = 8) -> tuple[Matrix, Vector, Vector]:
    """Two uncorrelated blocks of exchangeable drivers, and each driver's Shapley value.

    Within a block of k drivers correlated ρ, each correlated a with the outcome, the
    block's R² is k a² / (1 + (k - 1) ρ); the blocks add, and the drivers of a block
    share its R² equally.
    """
    within, to_outcome = (0.5, 0.3), (0.5, 0.3)
    rxx = np.zeros((2 * size, 2 * size))
    for block, rho in enumerate(within):
        rxx[block * size : (block + 1) * size, block * size : (block + 1) * size] = rho
    np.fill_diagonal(rxx, 1.0)
    rxy = np.repeat(to_outcome, size)
    shapley = np.repeat(
        [a * a / (1 + (size - 1) * rho) for a, rho in zip(to_outcome, within, strict=True)], size
    )
    return rxx, rxy, shapley


def survey(n: int, p: int, seed: int, shared: float = 0.6) -> tuple[Matrix, Vector]:
    """Drivers that share one general factor, and an outcome that depends on all of them."""
    rng = np.random.default_rng(seed)
    general = rng.normal(size=(n, 1))
    x = shared * general + rng.normal(size=(n, p))
    y = x @ np.linspace(1.0, 0.2, p) + rng.normal(scale=2.0, size=n)
    return x, y


# --- published values ---------------------------------------------------------------


@needs_relaimpo
def test_lmg_reproduces_relaimpo_on_swiss() -> None:
    swiss = published()["swiss_relaimpo"]
    x, y = columns(RELAIMPO / "swiss.csv", "Fertility", swiss["predictors"])
    analysis = analyse_drivers(x, y, swiss["predictors"], method="lmg", resamples=0)
    assert analysis.n == swiss["n"]
    assert analysis.r2 == pytest.approx(swiss["r2"], abs=TOLERANCE)
    assert importances(analysis) == pytest.approx(swiss["lmg"], abs=TOLERANCE)
    # Published in % with 6 decimals: compared as fractions of R².
    assert shares(analysis) / 100 == pytest.approx(
        np.array(swiss["lmg_rela_percent"]) / 100, abs=TOLERANCE
    )
    assert not analysis.sampled
    assert analysis.permutations is None


@needs_relaimpo
def test_every_subset_r_squared_matches_relaimpo_on_swiss() -> None:
    swiss = published()["swiss_relaimpo"]
    x, y = columns(RELAIMPO / "swiss.csv", "Fertility", swiss["predictors"])
    r2 = subset_r_squared(*correlations(x, y))
    p = len(swiss["predictors"])
    masks = [
        sum(1 << j for j in subset)
        for size in range(p + 1)
        for subset in combinations(range(p), size)
    ]
    expected = swiss["all_subset_r2_gfs_hierpart_order"]["values"]
    assert r2[masks] == pytest.approx(expected, abs=TOLERANCE)
    # relaimpo's "first" is each driver alone, "last" what it adds to all the others.
    full = (1 << p) - 1
    assert [r2[1 << j] for j in range(p)] == pytest.approx(swiss["first"], abs=TOLERANCE)
    last = [r2[full] - r2[full & ~(1 << j)] for j in range(p)]
    assert last == pytest.approx(swiss["last"], abs=TOLERANCE)


@needs_relaimpo
@pytest.mark.parametrize("model", ["model_a", "model_b"])
def test_relative_weights_reproduce_rwa_on_mtcars(model: str) -> None:
    reference = published()["johnson_rw_mtcars_rwa_pkg"][model]
    names = reference["predictors"]
    x, y = columns(RELAIMPO / "mtcars.csv", "mpg", names)
    analysis = analyse_drivers(x, y, names, method="relative_weights", resamples=0)
    assert importances(analysis) == pytest.approx(reference["raw"], abs=TOLERANCE)
    assert analysis.r2 == pytest.approx(sum(reference["raw"]), abs=TOLERANCE)
    if "r2" in reference:
        assert analysis.r2 == pytest.approx(reference["r2"], abs=TOLERANCE)
    # Published in % with 5 or 6 decimals: compared as fractions of R².
    assert shares(analysis) / 100 == pytest.approx(
        np.array(reference["rescaled_percent"]) / 100, abs=TOLERANCE
    )


@needs_relaimpo
def test_relative_weights_reproduce_published_correlation_examples() -> None:
    values = published()
    iopsych = values["johnson_rw_iopsych_corr_example"]
    matrix = np.array(iopsych["corr_matrix_5x5"])
    assert relative_weights(matrix[:4, :4], matrix[:4, 4]) == pytest.approx(
        iopsych["eps"], abs=TOLERANCE
    )
    npm = values["johnson_rw_npm_example"]
    matrix = np.array(npm["corr_matrix_7x7"])
    weights = relative_weights(matrix[1:, 1:], matrix[1:, 0])
    assert weights == pytest.approx(npm["rawRelativeWeights"], abs=TOLERANCE)
    assert weights.sum() == pytest.approx(npm["rSquared"], abs=TOLERANCE)


# --- constructions with a known answer ----------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_orthogonal_drivers_each_carry_their_squared_correlation(method: Method) -> None:
    rng = np.random.default_rng(3)
    first = np.tile([1.0, -1.0, 1.0, -1.0], 20)
    second = np.tile([1.0, 1.0, -1.0, -1.0], 20)
    x = np.column_stack([first, second])
    y = 2 * first + second + rng.normal(size=80)
    analysis = analyse_drivers(x, y, ["first", "second"], method=method, resamples=0)
    squared = [np.corrcoef(column, y)[0, 1] ** 2 for column in x.T]
    assert importances(analysis) == pytest.approx(squared, abs=1e-12)
    assert analysis.r2 == pytest.approx(sum(squared), abs=1e-12)


def test_exact_shapley_on_sixteen_drivers_matches_the_construction() -> None:
    rxx, rxy, shapley = two_blocks()
    assert shapley_from_subsets(subset_r_squared(rxx, rxy)) == pytest.approx(shapley, abs=1e-12)


def test_sampled_shapley_on_sixteen_drivers_is_close_to_the_construction() -> None:
    rxx, rxy, shapley = two_blocks()
    rng = np.random.default_rng(0)
    estimate = sampled_shapley(rxx, rxy, DEFAULT_PERMUTATIONS, rng)
    assert estimate == pytest.approx(shapley, abs=0.002)
    # Every order hands out the whole R², so the estimate does too.
    assert estimate.sum() == pytest.approx(shapley.sum(), abs=1e-12)


def test_sixteen_drivers_are_sampled_and_agree_with_exact() -> None:
    x, y = survey(n=400, p=16, seed=5)
    names = [f"d{j}" for j in range(16)]
    sampled = analyse_drivers(x, y, names, resamples=0)
    exact = analyse_drivers(x, y, names, resamples=0, exact_limit=16)
    assert sampled.sampled
    assert sampled.permutations == DEFAULT_PERMUTATIONS
    assert codes(sampled) == ["sampled_orders"]
    assert "from 5000 random orders of the 16 drivers" in sampled.warnings[0].message
    assert not exact.sampled
    assert exact.warnings == ()
    assert importances(sampled) == pytest.approx(importances(exact), abs=0.002)
    assert sampled.r2 == pytest.approx(exact.r2, abs=1e-12)


# --- intervals ----------------------------------------------------------------------


def test_bootstrap_intervals_contain_the_estimate_and_repeat_with_the_seed() -> None:
    x, y = survey(n=120, p=4, seed=7)
    names = ["a", "b", "c", "d"]
    for method in METHODS:
        analysis = analyse_drivers(x, y, names, method=method, resamples=300, seed=11)
        for driver in analysis.drivers:
            assert driver.ci_low is not None
            assert driver.ci_high is not None
            assert driver.ci_low <= driver.importance <= driver.ci_high
            assert driver.ci_low < driver.ci_high
        again = analyse_drivers(x, y, names, method=method, resamples=300, seed=11)
        assert again == analysis
        other = analyse_drivers(x, y, names, method=method, resamples=300, seed=12)
        assert other.drivers[0].ci_low != analysis.drivers[0].ci_low
        assert importances(other) == pytest.approx(importances(analysis), abs=0)


def test_no_resamples_gives_no_intervals() -> None:
    x, y = survey(n=60, p=2, seed=1)
    analysis = analyse_drivers(x, y, ["a", "b"], resamples=0)
    assert analysis.resamples == 0
    assert all(d.ci_low is None and d.ci_high is None for d in analysis.drivers)


def test_default_resamples_fall_for_many_lmg_drivers() -> None:
    assert default_resamples("lmg", 8) == 1000
    assert default_resamples("lmg", 15) < default_resamples("lmg", 13) < 1000
    assert default_resamples("relative_weights", 40) == 1000


def test_resamples_with_a_constant_outcome_are_left_out_and_reported() -> None:
    x, y = survey(n=30, p=2, seed=2)
    rare = np.zeros(30)
    rare[:2] = 1.0
    analysis = analyse_drivers(x, rare, ["a", "b"], resamples=200)
    skipped = [w for w in analysis.warnings if w.code == "bootstrap_skipped"]
    assert len(skipped) == 1
    assert "of 200 resamples" in skipped[0].message


# --- warnings -----------------------------------------------------------------------


def test_clean_data_gives_no_warnings() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(200, 3))
    y = x @ [1.0, 0.5, 0.2] + rng.normal(size=200)
    assert analyse_drivers(x, y, ["a", "b", "c"], resamples=50).warnings == ()


def test_collinear_drivers_are_warned_about() -> None:
    rng = np.random.default_rng(5)
    base = rng.normal(size=200)
    x = np.column_stack([base, base + rng.normal(scale=0.3, size=200), rng.normal(size=200)])
    y = x.sum(axis=1) + rng.normal(size=200)
    analysis = analyse_drivers(x, y, ["price", "value", "speed"], resamples=0)
    assert codes(analysis) == ["collinear_drivers", "high_vif", "high_vif"]
    assert "price and value" in analysis.warnings[0].message
    assert "speed" not in " ".join(w.message for w in analysis.warnings)


def test_a_small_sample_is_warned_about() -> None:
    x, y = survey(n=25, p=2, seed=6)
    assert codes(analyse_drivers(x, y, ["a", "b"], resamples=0)) == ["small_sample"]
    x, y = survey(n=45, p=5, seed=6)
    warning = analyse_drivers(x, y, list("abcde"), resamples=0).warnings[0]
    assert warning.code == "small_sample"
    assert "below 50" in warning.message


def test_a_constant_driver_gets_no_importance_and_a_warning() -> None:
    x, y = survey(n=100, p=2, seed=8)
    with_constant = np.column_stack([x, np.full(100, 3.0)])
    analysis = analyse_drivers(with_constant, y, ["a", "b", "fixed"], resamples=50)
    alone = analyse_drivers(x, y, ["a", "b"], resamples=0)
    assert codes(analysis) == ["constant_driver"]
    assert "fixed" in analysis.warnings[0].message
    fixed = analysis.drivers[2]
    assert (fixed.importance, fixed.share, fixed.ci_low, fixed.ci_high) == (0, 0, 0, 0)
    assert importances(analysis)[:2] == pytest.approx(importances(alone), abs=1e-12)


def test_rows_with_missing_values_are_dropped_and_counted() -> None:
    x, y = survey(n=100, p=2, seed=9)
    x[3, 0] = np.nan
    y[10] = np.nan
    analysis = analyse_drivers(x, y, ["a", "b"], resamples=0)
    assert analysis.n == 98
    assert analysis.rows_dropped == 2
    assert analysis.warnings[0].code == "rows_dropped"
    assert "2 rows" in analysis.warnings[0].message
    kept = np.isfinite(y) & np.isfinite(x).all(axis=1)
    assert importances(analysis) == pytest.approx(
        importances(analyse_drivers(x[kept], y[kept], ["a", "b"], resamples=0)), abs=0
    )


# --- refusals -----------------------------------------------------------------------


def test_exactly_collinear_drivers_are_refused_by_name() -> None:
    x, y = survey(n=60, p=3, seed=10)
    x = np.column_stack([x, x[:, 0] + x[:, 1]])
    with pytest.raises(DriverDataError, match="drivers a, b, total are exactly collinear"):
        analyse_drivers(x, y, ["a", "b", "c", "total"])


@pytest.mark.parametrize(
    ("x", "y", "names", "message"),
    [
        (np.ones((10, 1)), np.arange(10.0), ["a"], "every driver has the same value"),
        (np.arange(10.0)[:, None], np.ones(10), ["a"], "the outcome has the same value"),
        (
            np.arange(6.0).reshape(3, 2),
            np.arange(3.0),
            ["a", "b"],
            "3 complete rows: need at least 4",
        ),
        (np.arange(6.0).reshape(3, 2), np.arange(3.0), ["a"], "expected 2 distinct driver names"),
        (np.arange(6.0).reshape(3, 2), np.arange(3.0), ["a", "a"], "distinct driver names"),
        (np.arange(6.0), np.arange(6.0), ["a"], "got shapes"),
    ],
)
def test_data_that_cannot_be_analysed_is_refused(
    x: Matrix, y: Vector, names: list[str], message: str
) -> None:
    with pytest.raises(DriverDataError, match=message):
        analyse_drivers(x, y, names)


def test_a_level_outside_0_and_1_is_refused() -> None:
    with pytest.raises(DriverDataError, match="level: expected a confidence level"):
        analyse_drivers(np.eye(5), np.arange(5.0), list("abcde"), level=95)


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(DriverDataError, match="method: expected one of lmg, relative_weights"):
        analyse_drivers(np.eye(5), np.arange(5.0), list("abcde"), method="ols")  # type: ignore[arg-type]


def test_a_constant_driver_does_not_count_towards_sampling() -> None:
    x, y = survey(n=200, p=15, seed=12)
    with_constant = np.column_stack([x, np.ones(200)])
    analysis = analyse_drivers(with_constant, y, [f"d{j}" for j in range(16)], resamples=0)
    assert not analysis.sampled
    assert codes(analysis) == ["constant_driver"]
