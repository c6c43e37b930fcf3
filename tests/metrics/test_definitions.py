import json
import math
from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kokemus.metrics.definitions import (
    SCALES,
    VALUE_RANGES,
    MetricName,
    estimate,
    response_rate,
    t_quantile,
    t_two_sided_p,
    to_histogram,
    trinomial_net,
    withheld,
    z_quantile,
)
from tests.conftest import SHARED

REFERENCE = SHARED / "reference" / "nps" / "nps_csat_ces_reference.json"
Z95 = 1.959963984540054
METRICS: tuple[MetricName, ...] = get_args(MetricName)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    if not REFERENCE.is_file():
        pytest.skip("../shared/reference/nps/nps_csat_ces_reference.json is not present")
    loaded: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return loaded


def worked_example(reference: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in reference["worked_examples"] if key in e)
    return found


def nps_histogram(detractors: int, passives: int, promoters: int) -> list[int]:
    return [detractors, 0, 0, 0, 0, 0, 0, passives, 0, 0, promoters]


def test_reference_integer_case_wald(reference: dict[str, Any]) -> None:
    example = worked_example(reference, "counts")
    counts = example["counts"]
    wald = example["wald_95"]
    net, variance = trinomial_net(counts["detractors"], counts["passives"], counts["promoters"])
    se = math.sqrt(variance / counts["n"])
    assert z_quantile(0.95) == pytest.approx(example["z"], abs=1e-12)
    assert net == pytest.approx(wald["nps"], abs=1e-6)
    assert variance == pytest.approx(wald["var"], abs=1e-6)
    assert se == pytest.approx(wald["se"], abs=1e-6)
    assert net - Z95 * se == pytest.approx(wald["lo"], abs=1e-6)
    assert net + Z95 * se == pytest.approx(wald["hi"], abs=1e-6)


def test_reference_integer_case_adjusted_wald(reference: dict[str, Any]) -> None:
    example = worked_example(reference, "counts")
    counts = example["counts"]
    adjusted = example["adjusted_wald_95"]
    result = estimate(
        "nps", nps_histogram(counts["detractors"], counts["passives"], counts["promoters"])
    )
    assert result.n == counts["n"]
    assert result.value == pytest.approx(100 * example["wald_95"]["nps"], abs=1e-4)
    # The reference is on -1..1; Estimate is in points on -100..100.
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low / 100 == pytest.approx(adjusted["lo"], abs=1e-6)
    assert result.ci_high / 100 == pytest.approx(adjusted["hi"], abs=1e-6)
    net, variance = trinomial_net(10.75, 21.5, 30.75)
    assert 10.75 + 21.5 + 30.75 == adjusted["n_adj"]
    assert net == pytest.approx(adjusted["nps_adj"], abs=1e-5)  # given to 5 decimals
    assert variance == pytest.approx(adjusted["var"], abs=1e-6)
    assert math.sqrt(variance / 63) == pytest.approx(adjusted["se"], abs=1e-6)


def test_reference_population_variance(reference: dict[str, Any]) -> None:
    example = worked_example(reference, "population_shares")
    shares = example["population_shares"]
    computed = example["computed_here"]
    net, variance = trinomial_net(shares["detractors"], shares["passives"], shares["promoters"])
    assert net == pytest.approx(1 / 3, abs=1e-6)
    assert variance == pytest.approx(computed["variance"], abs=1e-9)
    for n in (100, 300):
        se = math.sqrt(variance / n)
        assert se == pytest.approx(computed[f"se_n{n}"], abs=1e-6)
        assert Z95 * se == pytest.approx(computed[f"moe95_n{n}"], abs=1e-6)


def test_nps_by_hand() -> None:
    result = estimate("nps", to_histogram([10, 9, 8, 6, 0]))
    # 2 promoters, 1 passive, 2 detractors: NPS (2 - 2) / 5 = 0.
    # Adjusted: 2.75 / 2.5 / 2.75 of 8, net 0, variance (2.75 + 2.75) / 8 - 0 = 0.6875,
    # margin z * sqrt(0.6875 / 8) = 1.959964 * 0.293151 = 0.574566.
    assert result.value == 0
    assert result.n == 5
    assert result.ci_low == pytest.approx(-100 * Z95 * math.sqrt(0.6875 / 8))
    assert result.ci_high == pytest.approx(57.4566, abs=1e-4)
    assert result.shares == pytest.approx({"promoters": 40, "passives": 20, "detractors": 40})


def test_enps_is_nps_over_employees() -> None:
    histogram = to_histogram([10, 10, 7, 3, 9, 6])
    nps, enps = estimate("nps", histogram), estimate("enps", histogram)
    assert enps.metric == "enps"
    assert (enps.value, enps.ci_low, enps.ci_high) == (nps.value, nps.ci_low, nps.ci_high)


def test_nps_interval_is_clipped_to_the_scale() -> None:
    result = estimate("nps", nps_histogram(0, 0, 10))
    # Adjusted 0.75 / 1.5 / 10.75 of 13: net 10/13 = 0.769231, variance 11.5/13 - 0.591716
    # = 0.292899, margin 1.959964 * sqrt(0.292899 / 13) = 0.294196: 1.063 is cut to 1.
    assert result.value == 100
    assert result.ci_high == 100
    assert result.ci_low == pytest.approx(100 * (10 / 13 - Z95 * math.sqrt(0.292899 / 13)), 1e-5)


def test_expectation_gap_by_hand() -> None:
    result = estimate("expectation", to_histogram([1, 2, 3, 4, 5, 5]))
    # weak 2 (1-2), good 1 (3), excellent 3 (4-5) of 6: net (3 - 2) / 6 = 16.67 points.
    # Adjusted 2.75 / 2.5 / 3.75 of 9: net 1/9, variance 6.5/9 - 1/81 = 0.709877,
    # margin 1.959964 * sqrt(0.709877 / 9) = 0.550450: -43.9339 .. 66.1562.
    assert result.value == pytest.approx(100 / 6)
    assert result.shares == pytest.approx({"weak": 100 / 3, "good": 100 / 6, "excellent": 50})
    assert result.ci_low == pytest.approx(-43.9339, abs=1e-4)
    assert result.ci_high == pytest.approx(66.1562, abs=1e-4)


def test_csat_by_hand() -> None:
    result = estimate("csat", [0, 1, 0, 1, 1, 2])  # a 1-5 histogram may stop at index 5
    # 4-5 are 3 of 5: 60 %. Wilson, z^2 = 3.841459: centre (0.6 + 0.384146) / 1.768292
    # = 0.556552, margin 1.959964 / 1.768292 * sqrt(0.048 + 0.038415) = 0.325827.
    assert result.value == pytest.approx(60)
    assert result.ci_low == pytest.approx(23.0724, abs=1e-4)
    assert result.ci_high == pytest.approx(88.2379, abs=1e-4)
    assert result.shares == pytest.approx({"weak": 20, "good": 20, "excellent": 60})


def test_ces_by_hand() -> None:
    result = estimate("ces", to_histogram([3, 4, 5, 6, 7, 3, 4, 5, 6, 7]))
    # Mean 5; squares 2 * (4 + 1 + 0 + 1 + 4) = 20, variance 20 / 9, se sqrt(20/9/10)
    # = 0.471405; t(0.975, 9) = 2.262157: margin 1.066392.
    assert result.value == pytest.approx(5)
    assert result.ci_low == pytest.approx(5 - 2.262157 * math.sqrt(20 / 90), abs=1e-6)
    assert result.ci_high == pytest.approx(6.066392, abs=1e-6)
    assert result.shares == pytest.approx({"weak": 20, "good": 20, "excellent": 60})


def test_stars_of_one_answer_span_the_scale() -> None:
    result = estimate("stars", to_histogram([4]))
    assert (result.value, result.ci_low, result.ci_high) == (4, 1, 5)


def test_stars_without_spread_have_a_point_interval() -> None:
    result = estimate("stars", to_histogram([5, 5, 5]))
    assert (result.value, result.ci_low, result.ci_high) == (5, 5, 5)


@pytest.mark.parametrize("metric", METRICS)
def test_no_answers_show_nothing(metric: MetricName) -> None:
    result = estimate(metric, [0] * 11)
    assert (result.value, result.n, result.ci_low, result.ci_high) == (None, 0, None, None)
    assert result.shares == {}
    assert not result.withheld


def test_withheld_shows_nothing() -> None:
    result = withheld("enps", 3)
    assert result.withheld
    assert (result.value, result.ci_low, result.ci_high, result.shares) == (None, None, None, {})


def test_response_rate_by_hand() -> None:
    result = response_rate(0, 10)
    # Wilson at 0 of 10: high = z^2/n / (1 + z^2/n) = 0.384146 / 1.384146 = 27.75 %.
    assert result.n == 10
    assert (result.value, result.ci_low) == (0, 0)
    assert result.ci_high == pytest.approx(27.7533, abs=1e-4)
    assert result.shares == {"responded": 0, "not_responded": 100}
    assert response_rate(0, 0).value is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: estimate("csat", to_histogram([7])), "score 7 is off the csat scale"),
        (lambda: estimate("nps", [-1] + [0] * 10), "negative count"),
        (lambda: estimate("nps", [0] * 12), "at most 11"),
        (lambda: estimate("nps", [1] * 11, confidence=1.0), "confidence"),
        (lambda: response_rate(11, 10), "responses"),
        (lambda: t_quantile(1.0, 3), "p: 1.0"),
    ],
)
def test_bad_input_names_the_field(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706205),
        (0.975, 2, 4.302653),
        (0.975, 9, 2.262157),
        (0.975, 30, 2.042272),
        (0.975, 100, 1.983972),
        (0.975, 1000, 1.962339),
        (0.995, 10, 3.169273),
        (0.95, 5, 2.015048),
        (0.9995, 1, 636.619249),
        (0.75, 1, 1.0),  # tan(pi / 4)
    ],
)
def test_t_quantile_matches_tables(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-6)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, abs=1e-6)


def test_t_quantile_closed_forms_and_the_normal_limit() -> None:
    # df = 2 has the closed form (2p - 1) / sqrt(2p(1 - p)).
    assert t_quantile(0.9, 2) == pytest.approx(0.8 / math.sqrt(0.18), abs=1e-9)
    assert t_quantile(0.975, 10**7) == pytest.approx(Z95, abs=1e-6)
    assert t_two_sided_p(2.262157, 9) == pytest.approx(0.05, abs=1e-6)
    assert t_two_sided_p(0, 4.5) == 1


def scale_histograms(metric: MetricName) -> st.SearchStrategy[list[int]]:
    lowest, highest = SCALES[metric]
    size = highest - lowest + 1
    counts = st.lists(st.integers(0, 40), min_size=size, max_size=size)
    return counts.filter(lambda c: sum(c) > 0).map(lambda c: [0] * lowest + c)


def metric_histograms() -> st.SearchStrategy[tuple[MetricName, list[int]]]:
    return st.sampled_from(METRICS).flatmap(
        lambda metric: st.tuples(st.just(metric), scale_histograms(metric))
    )


@given(metric_histograms(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_every_estimate_stays_in_range(
    case: tuple[MetricName, list[int]], confidence: float
) -> None:
    metric, histogram = case
    result = estimate(metric, histogram, confidence=confidence)
    low, high = VALUE_RANGES[metric]
    assert result.value is not None
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert low <= result.ci_low <= result.ci_high <= high
    assert low <= result.value <= high
    assert sum(result.shares.values()) == pytest.approx(100)
    assert all(0 <= share <= 100 for share in result.shares.values())
    assert result.n == sum(histogram)


@given(metric_histograms())
def test_the_value_lies_in_its_interval(case: tuple[MetricName, list[int]]) -> None:
    metric, histogram = case
    result = estimate(metric, histogram)
    assert result.value is not None
    assert result.ci_low is not None
    assert result.ci_high is not None
    if metric in ("nps", "enps", "expectation") and result.n == 1:
        return  # adjusted Wald at n = 1 is centred away from the lone answer (see the module)
    assert result.ci_low - 1e-9 <= result.value <= result.ci_high + 1e-9


@given(metric_histograms(), st.integers(2, 20))
def test_intervals_shrink_with_n(case: tuple[MetricName, list[int]], factor: int) -> None:
    metric, histogram = case
    small = estimate(metric, histogram)
    large = estimate(metric, [factor * count for count in histogram])
    assert small.ci_low is not None
    assert small.ci_high is not None
    assert large.ci_low is not None
    assert large.ci_high is not None
    assert large.ci_high - large.ci_low <= small.ci_high - small.ci_low + 1e-9


@given(st.integers(0, 500), st.integers(1, 500))
def test_response_rate_interval_holds_the_rate(responses: int, extra: int) -> None:
    result = response_rate(responses, responses + extra)
    assert result.value is not None
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert 0 <= result.ci_low <= result.value <= result.ci_high <= 100
