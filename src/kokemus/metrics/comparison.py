"""Has a metric moved since the previous period? A two-sided test on the difference.

delta is current - previous in the metric's own unit: points for the net scores (nps, enps,
expectation), percentage points for csat, scale units for the means (ces, stars).

- nps, enps, expectation: `adjusted_wald_z`, a z test on the difference of the adjusted
  net scores (+0.75 / +1.5 / +0.75 answers per period, as in definitions), each with its
  trinomial variance (p + d) - (p - d)^2 over the adjusted counts.
- csat: `two_proportion_z`, a z test with the share of 4-5 pooled over both periods.
- ces, stars: `welch_t`, Welch's t test, p from Student's t at the Welch-Satterthwaite df
  (the exact t, also for large n).

The adjustment keeps a period of only promoters from having no variance; delta is still
the unadjusted difference. p_value is None where the test says nothing: a period without
answers, a mean of one answer, or two means that differ with no spread in either period.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import assert_never

from kokemus.metrics.definitions import (
    Histogram,
    MetricName,
    adjusted,
    band_counts,
    checked_counts,
    estimate,
    mean_and_variance,
    t_two_sided_p,
    trinomial_net,
)

METHODS: dict[MetricName, str] = {
    "nps": "adjusted_wald_z",
    "enps": "adjusted_wald_z",
    "expectation": "adjusted_wald_z",
    "csat": "two_proportion_z",
    "ces": "welch_t",
    "stars": "welch_t",
}


@dataclass(frozen=True)
class Comparison:
    delta: float | None
    p_value: float | None
    significant: bool
    method: str


def compare(
    metric: MetricName, current: Histogram, previous: Histogram, *, alpha: float = 0.05
) -> Comparison:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: {alpha} is not between 0 and 1")
    now, before = estimate(metric, current), estimate(metric, previous)
    method = METHODS[metric]
    if now.value is None or before.value is None:
        return Comparison(None, None, False, method)
    counts = checked_counts(metric, current), checked_counts(metric, previous)
    p_value: float | None
    match metric:
        case "nps" | "enps" | "expectation":
            p_value = net_p_value(metric, *counts)
        case "csat":
            p_value = top_box_p_value(metric, *counts)
        case "ces" | "stars":
            p_value = welch_p_value(*counts)
        case _:
            assert_never(metric)
    significant = p_value is not None and p_value < alpha
    return Comparison(now.value - before.value, p_value, significant, method)


def net_p_value(metric: MetricName, current: Sequence[int], previous: Sequence[int]) -> float:
    net_now, variance_now = _adjusted_net(metric, current)
    net_before, variance_before = _adjusted_net(metric, previous)
    return _normal_p((net_now - net_before) / math.sqrt(variance_now + variance_before))


def _adjusted_net(metric: MetricName, counts: Sequence[int]) -> tuple[float, float]:
    """Adjusted net score on -1..1 and its variance of the mean."""
    bands = adjusted(*band_counts(metric, counts))
    net, variance = trinomial_net(*bands)
    return net, variance / sum(bands)


def top_box_p_value(metric: MetricName, current: Sequence[int], previous: Sequence[int]) -> float:
    (_, _, top_now), (_, _, top_before) = (
        band_counts(metric, current),
        band_counts(metric, previous),
    )
    n_now, n_before = sum(current), sum(previous)
    pooled = (top_now + top_before) / (n_now + n_before)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_now + 1 / n_before))
    if se == 0:
        return 1.0  # both periods all satisfied, or both none: the same share
    return _normal_p((top_now / n_now - top_before / n_before) / se)


def welch_p_value(current: Sequence[int], previous: Sequence[int]) -> float | None:
    n_now, n_before = sum(current), sum(previous)
    if n_now < 2 or n_before < 2:
        return None
    (mean_now, variance_now), (mean_before, variance_before) = (
        mean_and_variance(current),
        mean_and_variance(previous),
    )
    part_now, part_before = variance_now / n_now, variance_before / n_before
    if part_now + part_before == 0:
        return 1.0 if mean_now == mean_before else None
    t = (mean_now - mean_before) / math.sqrt(part_now + part_before)
    df = (part_now + part_before) ** 2 / (
        part_now**2 / (n_now - 1) + part_before**2 / (n_before - 1)
    )
    return t_two_sided_p(t, df)


def _normal_p(z: float) -> float:
    return 2 * NormalDist().cdf(-abs(z))
