import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kokemus.metrics.comparison import Comparison, compare
from kokemus.metrics.definitions import t_two_sided_p, to_histogram


def nps_histogram(detractors: int, passives: int, promoters: int) -> list[int]:
    return [detractors, 0, 0, 0, 0, 0, 0, passives, 0, 0, promoters]


def test_nps_difference_by_hand() -> None:
    result = compare("nps", nps_histogram(10, 20, 30), nps_histogram(20, 20, 20))
    # Raw: 33.33 - 0 = 33.33 points.
    # Adjusted now 10.75 / 21.5 / 30.75 of 63: net 20/63 = 0.317460, variance 0.557949,
    # of the mean 0.557949 / 63 = 0.0088563. Before 20.75 / 21.5 / 20.75 of 63: net 0,
    # variance 41.5/63 = 0.658730, of the mean 0.0104560. se = sqrt(0.0193123) = 0.138969,
    # z = 0.317460 / 0.138969 = 2.28440; 2 * (1 - Phi(2.2844)) = 2 * 0.011174 = 0.022348.
    assert result.delta == pytest.approx(100 / 3)
    assert result.p_value == pytest.approx(0.022348, abs=1e-6)
    assert result.significant
    assert result.method == "adjusted_wald_z"


def test_expectation_net_uses_the_same_test() -> None:
    result = compare("expectation", to_histogram([1, 3, 5, 5]), to_histogram([1, 1, 3, 5]))
    # Now weak 1, good 1, excellent 2: net 25; before 2 / 1 / 1: net -25.
    # Adjusted now 1.75 / 2.5 / 2.75 of 7: net 1/7, variance 4.5/7 - 1/49 = 0.622449;
    # before 2.75 / 2.5 / 1.75: net -1/7, the same variance. se = sqrt(2 * 0.622449 / 7)
    # = 0.421714, z = (2/7) / 0.421714 = 0.677507, p = 0.498084.
    assert result.delta == pytest.approx(50)
    assert result.p_value == pytest.approx(0.498084, abs=1e-6)
    assert not result.significant


def test_csat_difference_by_hand() -> None:
    current = [0, 10, 5, 5, 40, 40]  # 80 of 100 give 4-5
    previous = [0, 20, 5, 5, 40, 30]  # 70 of 100
    result = compare("csat", current, previous)
    # Pooled 150 / 200 = 0.75; se = sqrt(0.75 * 0.25 * (1/100 + 1/100)) = 0.0612372;
    # z = 0.10 / 0.0612372 = 1.632993; 2 * (1 - Phi(1.633)) = 0.102470.
    assert result.delta == pytest.approx(10)
    assert result.p_value == pytest.approx(0.102470, abs=1e-6)
    assert not result.significant
    assert result.method == "two_proportion_z"


def test_csat_all_satisfied_twice_is_no_difference() -> None:
    result = compare("csat", to_histogram([5, 4, 5]), to_histogram([4, 4]))
    assert result == Comparison(0.0, 1.0, False, "two_proportion_z")


def test_ces_difference_by_hand() -> None:
    result = compare("ces", to_histogram([3, 4, 5, 6, 7] * 2), to_histogram([2, 3, 4, 4, 2]))
    # Now: mean 5, variance 20/9, of the mean 0.222222. Before: mean 3, squares
    # 1 + 0 + 1 + 1 + 1 = 4, variance 1, of the mean 0.2. se = sqrt(0.422222) = 0.649786,
    # t = 2 / 0.649786 = 3.077935; df = 0.422222^2 / (0.222222^2 / 9 + 0.2^2 / 4)
    # = 0.178272 / 0.015487 = 11.5112; two-sided p at t 3.0779, df 11.51 = 0.010007.
    assert result.delta == pytest.approx(2)
    assert result.p_value == pytest.approx(0.010007, abs=1e-6)
    assert result.significant
    assert result.method == "welch_t"


def test_welch_at_integer_df_matches_a_table() -> None:
    # Equal n and spread give df = 2 (n - 1) = 18. Each period: squares 2 * (4 + 1 + 0 + 1 + 4)
    # = 20, variance 20/9; se = sqrt(2 * (20/9) / 10) = 0.666667, delta = -2, |t| = 3.0.
    # A t table at df 18 has 2.878440 at two-sided 1 % and 3.196574 at 0.5 %.
    current = to_histogram([1, 2, 3, 4, 5] * 2)
    previous = to_histogram([3, 4, 5, 6, 7] * 2)
    result = compare("ces", current, previous)
    assert result.delta == pytest.approx(-2)
    assert result.p_value is not None
    assert 0.005 < result.p_value < 0.01
    assert result.p_value == pytest.approx(t_two_sided_p(3.0, 18))


@pytest.mark.parametrize(
    ("current", "previous"),
    [([0] * 11, to_histogram([9, 10])), (to_histogram([9, 10]), [0] * 11)],
)
def test_a_period_without_answers_compares_to_nothing(
    current: list[int], previous: list[int]
) -> None:
    assert compare("nps", current, previous) == Comparison(None, None, False, "adjusted_wald_z")


def test_a_mean_of_one_answer_has_no_test() -> None:
    result = compare("stars", to_histogram([5, 4, 4]), to_histogram([2]))
    assert result.delta == pytest.approx(13 / 3 - 2)
    assert (result.p_value, result.significant) == (None, False)


def test_means_without_spread() -> None:
    same = compare("stars", to_histogram([5, 5]), to_histogram([5, 5, 5]))
    apart = compare("stars", to_histogram([5, 5]), to_histogram([4, 4]))
    assert (same.delta, same.p_value) == (0, 1.0)
    assert (apart.delta, apart.p_value, apart.significant) == (1, None, False)


def test_alpha_is_checked() -> None:
    with pytest.raises(ValueError, match="alpha"):
        compare("nps", [1] * 11, [1] * 11, alpha=0)


nps_counts = st.lists(st.integers(0, 30), min_size=11, max_size=11).filter(lambda c: sum(c) > 0)


@given(nps_counts, nps_counts)
def test_swapping_periods_flips_delta_and_keeps_p(current: list[int], previous: list[int]) -> None:
    forward, backward = compare("nps", current, previous), compare("nps", previous, current)
    assert forward.delta is not None
    assert backward.delta is not None
    assert forward.delta == pytest.approx(-backward.delta)
    assert forward.p_value is not None
    assert backward.p_value is not None
    assert forward.p_value == pytest.approx(backward.p_value)
    assert 0 <= forward.p_value <= 1
    assert math.isclose(compare("nps", current, current).p_value or 0, 1)
