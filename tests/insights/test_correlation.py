import math

import numpy as np
import pytest

from kokemus.insights.correlation import RankCorrelation, average_ranks, spearman


def interval(result: RankCorrelation) -> tuple[float, float]:
    assert result.ci_low is not None
    assert result.ci_high is not None
    return result.ci_low, result.ci_high


def test_tied_values_share_the_mean_of_their_ranks() -> None:
    ranks = average_ranks(np.array([10.0, 20.0, 20.0, 5.0, 20.0]))
    assert ranks.tolist() == [2.0, 4.0, 4.0, 1.0, 4.0]


def test_a_hand_computed_case_without_ties() -> None:
    # d = (-1, 1, -1, 1, 0): rho = 1 - 6 · 4 / (5 · 24) = 0.8. z = atanh 0.8 = 1.098612,
    # se = √((1 + 0.32) / 2) = 0.812404, z ± 1.959964 · se → tanh: (-0.457124, 0.990843).
    result = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert result.n == 5
    assert result.rho == pytest.approx(0.8, abs=1e-12)
    assert result.ci_low == pytest.approx(-0.457124, abs=1e-6)
    assert result.ci_high == pytest.approx(0.990843, abs=1e-6)


def test_a_hand_computed_case_with_ties() -> None:
    # Ranks (1, 2.5, 2.5, 4, 5) and (1, 3, 2, 5, 4), both centred on 3: the cross products
    # sum to 8.5, the squares to 9.5 and 10, so rho = 8.5 / √95 = 0.872082; z = 1.341707,
    # se = √((1 + rho² / 2) / 2) = 0.830742 → (-0.278926, 0.994749).
    result = spearman([1, 2, 2, 3, 4], [1, 3, 2, 5, 4])
    assert result.rho == pytest.approx(8.5 / math.sqrt(95), abs=1e-12)
    assert result.ci_low == pytest.approx(-0.278926, abs=1e-6)
    assert result.ci_high == pytest.approx(0.994749, abs=1e-6)


def test_without_ties_rho_is_the_classic_difference_formula() -> None:
    rng = np.random.default_rng(1)
    x = rng.permutation(40).astype(float)
    y = x + rng.normal(scale=15, size=40)
    ranks_y = np.argsort(np.argsort(y)) + 1
    d = (x + 1) - ranks_y
    result = spearman(x, y)
    assert result.rho == pytest.approx(1 - 6 * (d**2).sum() / (40 * (40**2 - 1)), abs=1e-12)


def test_only_the_order_of_the_values_matters() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=30), rng.normal(size=30)
    assert spearman(np.exp(x), y**3) == spearman(x, y)


def test_a_lower_level_gives_a_narrower_interval() -> None:
    x = np.arange(20.0)
    y = np.sin(x) + x / 5
    wide, narrow = spearman(x, y), spearman(x, y, level=0.8)
    assert wide.rho == narrow.rho
    (wide_low, wide_high), (narrow_low, narrow_high) = interval(wide), interval(narrow)
    assert wide_low < narrow_low < narrow_high < wide_high


def test_perfect_agreement_has_a_degenerate_interval() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == RankCorrelation(4, 1.0, 1.0, 1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]).ci_high == -1.0


def test_pairs_with_a_missing_value_are_left_out() -> None:
    result = spearman([1, 2, float("nan"), 3, 4, 5], [2, 1, 7, 4, 3, float("nan")])
    assert result == spearman([1, 2, 3, 4], [2, 1, 4, 3])
    assert result.n == 4


@pytest.mark.parametrize(
    ("x", "y", "n"),
    [
        ([1, 2, 3], [3, 1, 2], 3),
        ([1, 1, 1, 1, 1], [1, 2, 3, 4, 5], 5),
        ([1, 2, 3, 4, 5], [2, 2, 2, 2, 2], 5),
        ([], [], 0),
    ],
)
def test_too_few_pairs_or_a_constant_side_give_no_correlation(
    x: list[float], y: list[float], n: int
) -> None:
    assert spearman(x, y) == RankCorrelation(n=n, rho=None, ci_low=None, ci_high=None)


def test_unpaired_input_is_refused() -> None:
    with pytest.raises(ValueError, match="equally long"):
        spearman([1, 2, 3, 4], [1, 2, 3])
