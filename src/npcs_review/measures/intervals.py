"""Confidence intervals for counts, rates, proportions and ratios (exact where one exists).

Each function returns ``(low, high)`` and never raises on edge cases: a zero count or an
empty denominator gives the limits the method defines (or ``None`` where none exists).

- Poisson count: Garwood (1936), *Biometrika* 28:437-442 — ``L = ½chi2(a/2; 2x)``,
  ``U = ½chi2(1-a/2; 2x+2)``; ``L = 0`` when ``x = 0``.
- Proportion: Clopper & Pearson (1934), *Biometrika* 26:404-413: beta quantiles
  ``B(a/2; x, n-x+1)`` and ``B(1-a/2; x+1, n-x)`` (0 and 1 at the ends), as SciPy's
  ``binomtest(...).proportion_ci(method="exact")`` gives them, without its test.
- Ratio of two Poisson rates: exact conditional method — given ``x1 + x2``, ``x1`` is binomial
  with ``p = t1/(t1+t2)`` under equal rates; the Clopper-Pearson limits for ``p`` give
  ``RR = p/(1-p) · t2/t1`` (Fay, *rateratio.test* vignette, 2022).
- Ratio of two proportions: Katz, Baptista, Azen & Pike (1978), *Biometrics* 34:469-474 (the
  log method SciPy's ``relative_risk`` uses).
"""

from __future__ import annotations

import math

from scipy import stats

__all__ = [
    "Interval",
    "poisson_interval",
    "proportion_interval",
    "rate_ratio_interval",
    "risk_ratio_interval",
]

Interval = tuple[float | None, float | None]


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) limits for the mean of a Poisson count."""
    alpha = 1.0 - level
    low = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count) / 2)
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2)
    return low, high


def proportion_interval(successes: int, trials: int, level: float = 0.95) -> Interval:
    """Exact (Clopper-Pearson) limits for a binomial proportion (``None`` without trials)."""
    if trials <= 0:
        return None, None
    alpha = 1.0 - level
    low = (
        0.0
        if successes == 0
        else float(stats.beta.ppf(alpha / 2, successes, trials - successes + 1))
    )
    high = (
        1.0
        if successes == trials
        else float(stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes))
    )
    return low, high


def rate_ratio_interval(
    count1: int, base1: float, count2: int, base2: float, level: float = 0.95
) -> Interval:
    """Exact conditional limits for ``(count1/base1) / (count2/base2)``.

    With no events in either group there is no information: ``(None, None)``.
    """
    total = count1 + count2
    if total == 0 or base1 <= 0 or base2 <= 0:
        return None, None
    low_p, high_p = proportion_interval(count1, total, level)

    def ratio(p: float | None) -> float | None:
        return None if p is None or p >= 1.0 else p / (1.0 - p) * base2 / base1

    return ratio(low_p), ratio(high_p)


def risk_ratio_interval(
    cases1: int, total1: int, cases2: int, total2: int, level: float = 0.95
) -> Interval:
    """Katz log limits for ``(cases1/total1) / (cases2/total2)``.

    ``(0, None)`` (no upper limit) when either group has no cases: the method cannot be
    computed there.
    """
    if total1 <= 0 or total2 <= 0:
        return None, None
    if cases1 == 0 or cases2 == 0:
        return 0.0, None
    estimate = (cases1 / total1) / (cases2 / total2)
    se = math.sqrt(1 / cases1 - 1 / total1 + 1 / cases2 - 1 / total2)
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    return estimate * math.exp(-z * se), estimate * math.exp(z * se)
