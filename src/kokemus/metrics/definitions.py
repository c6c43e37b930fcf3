"""The metric definitions every part of Kokemus shares, each with its n and an interval.

Pure functions over a histogram of integer scores (index = score, 0..10). Units:

| metric | scale | value | interval |
|---|---|---|---|
| nps, enps | 0..10 | % promoters (9-10) - % detractors (0-6), points on -100..100 | adjusted Wald |
| expectation | 1..5 | net = % excellent (4-5) - % weak (1-2), points on -100..100 | adjusted Wald |
| csat | 1..5 | % of 4-5 (top-2-box), 0..100 | Wilson score |
| ces | 1..7 | mean | Student t |
| stars | 1..5 | mean | Student t |
| response rate | | % of invitations answered, 0..100 | Wilson score |

The adjusted Wald interval (Rocks 2016) adds 0.75 to the bottom band, 1.5 to the middle
and 0.75 to the top (n + 3) and centres the Wald interval on the adjusted net score; the
expectation net uses the same adjustment over weak / good / excellent, for one method
across every net score (Rocks studied it for NPS only). The value shown is always the
unadjusted score. With one answer the interval may miss it (one promoter: 100, interval
-48.5..98.5 at 95 %); that is the published method, kept as it is.

Shares are in % of n: detractors / passives / promoters for nps and enps; weak / good /
excellent for the rest, 1-2 / 3 / 4-5 on the 1..5 scales and 1-3 / 4 / 5-7 for ces;
responded / not_responded for the response rate.

Wilson rather than Wald for shares: it stays within 0..100, holds the observed share and
keeps its coverage near 0 % and 100 %. The t quantile is exact (through the regularized
incomplete beta function), at every n.

Intervals are clipped to the value's range. A mean of one answer has the whole scale as
its interval, since one answer says nothing about the spread.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal, assert_never

Histogram = Sequence[int]
MetricName = Literal["nps", "enps", "csat", "ces", "stars", "expectation"]
# (name, lowest score, highest score) of one band of a scale.
Band = tuple[str, int, int]

SCALES: Mapping[MetricName, tuple[int, int]] = {
    "nps": (0, 10),
    "enps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    "stars": (1, 5),
    "expectation": (1, 5),
}
_NPS_BANDS = (("detractors", 0, 6), ("passives", 7, 8), ("promoters", 9, 10))
_FIVE_BANDS = (("weak", 1, 2), ("good", 3, 3), ("excellent", 4, 5))
# Bottom, middle and top band of each scale; every score shown has these shares.
BANDS: Mapping[MetricName, tuple[Band, Band, Band]] = {
    "nps": _NPS_BANDS,
    "enps": _NPS_BANDS,
    "csat": _FIVE_BANDS,
    # CES 2.0 asks how far one agrees it was easy: disagree, neutral, agree.
    "ces": (("weak", 1, 3), ("good", 4, 4), ("excellent", 5, 7)),
    "stars": _FIVE_BANDS,
    "expectation": _FIVE_BANDS,
}
NET_RANGE = (-100.0, 100.0)
VALUE_RANGES: Mapping[str, tuple[float, float]] = {
    "nps": NET_RANGE,
    "enps": NET_RANGE,
    "expectation": NET_RANGE,
    "csat": (0.0, 100.0),
    "ces": (1.0, 7.0),
    "stars": (1.0, 5.0),
    "response_rate": (0.0, 100.0),
}
# Rocks (2016): pseudo-answers added to the bottom, middle and top band.
ADJUSTMENT = (0.75, 1.5, 0.75)
HISTOGRAM_LENGTH = 11


@dataclass(frozen=True)
class Estimate:
    metric: str
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    # Share of each band in %, summing to 100; empty when there is nothing to show.
    shares: Mapping[str, float]
    withheld: bool = False


def estimate(metric: MetricName, histogram: Histogram, *, confidence: float = 0.95) -> Estimate:
    counts = checked_counts(metric, histogram)
    n = sum(counts)
    if n == 0:
        return Estimate(metric, None, 0, None, None, {})
    bands = band_counts(metric, counts)
    shares = {
        name: 100 * count / n for (name, _, _), count in zip(BANDS[metric], bands, strict=True)
    }
    match metric:
        case "nps" | "enps" | "expectation":
            bottom, middle, top = bands
            value = 100 * (top - bottom) / n
            low, high = net_interval(bottom, middle, top, confidence=confidence)
        case "csat":
            value = 100 * bands[2] / n
            low, high = (100 * bound for bound in wilson_interval(bands[2], n, confidence))
        case "ces" | "stars":
            value, (low, high) = mean_and_interval(counts, SCALES[metric], confidence)
        case _:
            assert_never(metric)
    return Estimate(metric, value, n, low, high, shares)


def response_rate(responses: int, invitations: int, *, confidence: float = 0.95) -> Estimate:
    """Responses per invitation in %, n = invitations."""
    if not 0 <= responses <= invitations:
        raise ValueError(f"responses: {responses} is not within 0..{invitations} invitations")
    if invitations == 0:
        return Estimate("response_rate", None, 0, None, None, {})
    rate = responses / invitations
    low, high = wilson_interval(responses, invitations, confidence)
    shares = {"responded": 100 * rate, "not_responded": 100 * (1 - rate)}
    return Estimate("response_rate", 100 * rate, invitations, 100 * low, 100 * high, shares)


def withheld(metric: str, n: int) -> Estimate:
    """An Estimate that shows nothing: a group under the anonymity threshold.

    n is kept for the caller's bookkeeping; what a page shows of it is the caller's call.
    """
    return Estimate(metric, None, n, None, None, {}, withheld=True)


def to_histogram(scores: Iterable[int]) -> list[int]:
    counts = [0] * HISTOGRAM_LENGTH
    for score in scores:
        counts[score] += 1
    return counts


def checked_counts(metric: MetricName, histogram: Histogram) -> list[int]:
    """The histogram as 11 counts; a count below zero or off the metric's scale is an error."""
    if len(histogram) > HISTOGRAM_LENGTH:
        raise ValueError(f"histogram: {len(histogram)} counts, at most 11 (scores 0..10)")
    counts = list(histogram) + [0] * (HISTOGRAM_LENGTH - len(histogram))
    lowest, highest = SCALES[metric]
    for score, count in enumerate(counts):
        if count < 0:
            raise ValueError(f"histogram: score {score} has a negative count {count}")
        if count and not lowest <= score <= highest:
            raise ValueError(f"histogram: score {score} is off the {metric} scale")
    return counts


def band_counts(metric: MetricName, counts: Sequence[int]) -> tuple[int, int, int]:
    bottom, middle, top = (sum(counts[low : high + 1]) for _, low, high in BANDS[metric])
    return bottom, middle, top


def z_quantile(confidence: float) -> float:
    """The two-sided normal quantile: 1.959964 for 0.95."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: {confidence} is not between 0 and 1")
    return NormalDist().inv_cdf((1 + confidence) / 2)


def trinomial_net(bottom: float, middle: float, top: float) -> tuple[float, float]:
    """Net score on -1..1 and its variance per respondent, (p + d) - (p - d)^2."""
    n = bottom + middle + top
    net = (top - bottom) / n
    return net, (top + bottom) / n - net**2


def adjusted(bottom: int, middle: int, top: int) -> tuple[float, float, float]:
    return bottom + ADJUSTMENT[0], middle + ADJUSTMENT[1], top + ADJUSTMENT[2]


def net_interval(bottom: int, middle: int, top: int, *, confidence: float) -> tuple[float, float]:
    """Adjusted Wald interval of a net score, in points on -100..100."""
    bottom_a, middle_a, top_a = adjusted(bottom, middle, top)
    net, variance = trinomial_net(bottom_a, middle_a, top_a)
    margin = z_quantile(confidence) * math.sqrt(variance / (bottom_a + middle_a + top_a))
    return clipped(100 * (net - margin), 100 * (net + margin), NET_RANGE)


def wilson_interval(successes: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson score interval of a proportion, on 0..1; always holds the observed share."""
    z = z_quantile(confidence)
    share = successes / n
    centre = (share + z**2 / (2 * n)) / (1 + z**2 / n)
    margin = z / (1 + z**2 / n) * math.sqrt(share * (1 - share) / n + z**2 / (4 * n**2))
    # At none or all the bound is exactly 0 or 1; the subtraction would leave a residue.
    low = 0.0 if successes == 0 else centre - margin
    high = 1.0 if successes == n else centre + margin
    return clipped(low, high, (0.0, 1.0))


def mean_and_variance(counts: Sequence[int]) -> tuple[float, float]:
    """Mean and sample variance (n - 1) of the scores counted; the variance needs n >= 2."""
    n = sum(counts)
    mean = sum(score * count for score, count in enumerate(counts)) / n
    squares = sum(count * (score - mean) ** 2 for score, count in enumerate(counts))
    return mean, squares / (n - 1) if n > 1 else math.nan


def mean_and_interval(
    counts: Sequence[int], scale: tuple[int, int], confidence: float
) -> tuple[float, tuple[float, float]]:
    n = sum(counts)
    mean, variance = mean_and_variance(counts)
    if n == 1:
        return mean, (float(scale[0]), float(scale[1]))
    margin = t_quantile((1 + confidence) / 2, n - 1) * math.sqrt(variance / n)
    return mean, clipped(mean - margin, mean + margin, (float(scale[0]), float(scale[1])))


def clipped(low: float, high: float, bounds: tuple[float, float]) -> tuple[float, float]:
    return max(low, bounds[0]), min(high, bounds[1])


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with df degrees of freedom (df may be fractional)."""
    if df <= 0:
        raise ValueError(f"df: {df} is not positive")
    if math.isinf(t):
        return 0.0
    return regularized_beta(df / (df + t * t), df / 2, 0.5)


def t_quantile(p: float, df: float) -> float:
    """The p quantile of Student's t: t_quantile(0.975, 9) = 2.262157."""
    if not 0 < p < 1:
        raise ValueError(f"p: {p} is not between 0 and 1")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    tail = 2 * (1 - p)
    low, high = 0.0, max(1.0, 2 * NormalDist().inv_cdf(p))
    while t_two_sided_p(high, df) > tail:
        low, high = high, 2 * high
    # Bisection: the tail falls steadily with t, and 100 halvings reach float precision.
    for _ in range(100):
        middle = (low + high) / 2
        if t_two_sided_p(middle, df) > tail:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * high:
            break
    return (low + high) / 2


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), by its continued fraction (DLMF 8.17.22) where that converges fast."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):
        return 1 - regularized_beta(1 - x, b, a)
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    return math.exp(log_front) / a / _beta_fraction(x, a, b)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_fraction(x: float, a: float, b: float) -> float:
    """1 + d1 / (1 + d2 / (1 + ...)), evaluated by the modified Lentz method."""
    tiny = 1e-300
    value, c, d = 1.0, 1.0, 0.0
    for j in range(1, 100_000):
        m = j // 2
        if j % 2:
            term = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        else:
            term = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + term * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + term / c
        c = c if abs(c) > tiny else tiny
        value *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return value
