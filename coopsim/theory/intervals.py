"""95% intervals for a mean across replicates, chosen by the range the measure can take.

* A measure with a bound (a share in [0, 1], a count >= 0) gets a **BCa bootstrap** interval
  (bias-corrected and accelerated; Efron & Tibshirani 1993, ch. 14). Draw B = ``RESAMPLES``
  resamples of the n values with replacement, with mean theta*_b each; theta = the sample mean.
  Then

      z0 = Phi^-1( #{theta*_b < theta} / B )                               (bias correction)
      a  = sum (x_i - xbar)^3 / (6 (sum (x_i - xbar)^2)^(3/2))             (jackknife acceleration
                                                                            of the mean)
      alpha_k = Phi( z0 + (z0 + z_k) / (1 - a (z0 + z_k)) ),  z_k = Phi^-1(0.025), Phi^-1(0.975)

  and the interval is the alpha_1 and alpha_2 quantiles of the theta*_b (linear interpolation
  between order statistics, as numpy.percentile). Every theta*_b is a mean of sample values, so
  the interval never leaves [min x, max x], hence never the measure's range. The resamples come
  from a generator with a fixed seed (``SEED``): the same values always give the same interval.
* An unbounded measure (welfare) gets the **Student t** interval
  mean +- t_{n-1, 0.975} * s / sqrt(n).

With fewer than two values, or values that do not vary, the interval is the point itself.

A **difference of two means** from independent samples x (n values) and y (m values), theta =
xbar - ybar (:func:`difference_interval`; a one-at-a-time sensitivity effect: the result at a
parameter's high value minus that at its low value, each from its own replicates):

* bounded measure: **two-sample BCa bootstrap**: each resample draws n values from x and m from
  y, independently, theta*_b = xbar*_b - ybar*_b; z0 as above, and the acceleration from the
  empirical influence values of the two samples (Davison & Hinkley 1997, sec. 3.2 and 5.3.2),
  l_i = x_i - xbar and l_j = -(y_j - ybar):

      a = sum_k sum_i (l_ki / n_k)^3 / (6 (sum_k sum_i (l_ki / n_k)^2)^(3/2));

* unbounded measure: **Welch t**: theta +- t_{nu, 0.975} * sqrt(s_x^2/n + s_y^2/m), with the
  Welch-Satterthwaite nu = (s_x^2/n + s_y^2/m)^2 / ((s_x^2/n)^2/(n-1) + (s_y^2/m)^2/(m-1)).

With fewer than two values in a sample, or neither sample varying, the interval is the point.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri, stdtrit

CONFIDENCE = 0.95
RESAMPLES = 9999
SEED = 20191107  # any fixed value: intervals are a function of the values alone
BOOTSTRAP = "BCa bootstrap"
STUDENT_T = "Student t"
BOOTSTRAP_TWO_SAMPLES = "two-sample BCa bootstrap"
WELCH_T = "Welch t"
_CHUNK = 256  # groups bootstrapped at once (bounds memory at _CHUNK x RESAMPLES floats)

Bounds = tuple[float | None, float | None]


def interval_method(bounds: Bounds) -> str:
    """The method used for a measure with range ``bounds`` (lowest, highest; None = unbounded)."""
    return STUDENT_T if bounds == (None, None) else BOOTSTRAP


def t_half_width(std, n, confidence: float = CONFIDENCE) -> np.ndarray:
    """Half-width of the t-interval; 0 where n < 2 or the values do not vary."""
    std = np.asarray(std, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        quantile = stdtrit(np.maximum(n - 1, 1), 0.5 + confidence / 2)  # Student's t quantile
        half = quantile * std / np.sqrt(n)
    return np.where((n >= 2) & (std > 0), half, 0.0)


@lru_cache(maxsize=8)
def _resample_counts(n: int, stream: int = 0) -> np.ndarray:
    """How often each of n positions is drawn in each of the RESAMPLES resamples (B x n); a
    second sample resampled independently of the first takes ``stream`` 1."""
    draws = np.random.default_rng([SEED, n, stream] if stream else [SEED, n]).integers(0, n, size=(RESAMPLES, n))
    counts = np.zeros((RESAMPLES, n))
    np.add.at(counts, (np.arange(RESAMPLES)[:, None], draws), 1.0)
    counts.flags.writeable = False
    return counts


def bca_bootstrap(samples: np.ndarray, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """BCa interval of the mean of each row of ``samples`` (groups x n), as (low, high) arrays.

    Each row is sorted first, so the interval depends on the values, not their order (and equal
    rows are bootstrapped once). Rows that do not vary (or n < 2) get the point itself."""
    samples = np.sort(np.asarray(samples, dtype=float), axis=1)
    mean = samples.mean(axis=1)
    low, high = mean.copy(), mean.copy()
    if samples.shape[1] < 2:
        return low, high
    varies = np.flatnonzero(samples[:, -1] > samples[:, 0])
    if varies.size == 0:
        return low, high
    distinct, copies = np.unique(samples[varies], axis=0, return_inverse=True)
    ends = [_bca_rows(distinct[start:start + _CHUNK], confidence)
            for start in range(0, len(distinct), _CHUNK)]
    low[varies] = np.concatenate([e[0] for e in ends])[copies.ravel()]
    high[varies] = np.concatenate([e[1] for e in ends])[copies.ravel()]
    return low, high


def _bca_rows(x: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """The BCa ends for sorted rows that vary (see the module docstring)."""
    n = x.shape[1]
    theta = x.mean(axis=1)
    boot = x @ _resample_counts(n).T / n  # (rows, B) resample means
    # A resample mean equal to theta up to rounding counts as a tie, not as "below".
    tolerance = 1e-12 * np.abs(x).max(axis=1)
    below = (boot < (theta - tolerance)[:, None]).mean(axis=1)
    z0 = ndtri(np.clip(below, 0.5 / RESAMPLES, 1 - 0.5 / RESAMPLES))
    # a is scale-free; deviations in units of the row's range cannot underflow.
    d = (x - theta[:, None]) / (x[:, -1] - x[:, 0])[:, None]
    a = (d**3).sum(axis=1) / (6 * ((d**2).sum(axis=1)) ** 1.5)
    z = z0[:, None] + ndtri(np.array([(1 - confidence) / 2, (1 + confidence) / 2]))[None, :]
    denominator = 1 - a[:, None] * z
    # As the denominator falls to 0 the level tends to 0 or 1; past it BCa is undefined.
    shift = np.where(denominator > 0, z / np.where(denominator > 0, denominator, 1),
                     np.copysign(np.inf, z))
    position = ndtr(z0[:, None] + shift) * (RESAMPLES - 1)
    low, high = _order_statistics(boot, position[:, 0], position[:, 1])
    # A resample mean lies in [min x, max x]; clipping only removes rounding past the ends.
    return np.clip(low, x[:, 0], x[:, -1]), np.clip(high, x[:, 0], x[:, -1])


def _order_statistics(values: np.ndarray, low: np.ndarray, high: np.ndarray):
    """Per row, the order statistics at fractional positions ``low`` and ``high`` (0-based),
    interpolating linearly between neighbours as numpy.percentile does. Only each row's tails
    are sorted (after partitioning ``values`` in place), so long rows stay cheap."""
    rows = np.arange(values.shape[0])
    last = values.shape[1] - 1

    def at(part: np.ndarray, offset: int, position: np.ndarray) -> np.ndarray:
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, last)
        lower, upper = part[rows, below - offset], part[rows, above - offset]
        return lower + (position - below) * (upper - lower)

    keep = min(int(np.floor(low).max()) + 1, last)  # positions 0..keep are needed
    values.partition(keep, axis=1)
    lows = at(np.sort(values[:, :keep + 1], axis=1), 0, low)
    start = int(np.floor(high).min())  # positions start..last are needed
    values.partition(start, axis=1)
    highs = at(np.sort(values[:, start:], axis=1), start, high)
    return lows, highs


def mean_interval(values, bounds: Bounds, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) of one sample of a measure with range ``bounds``."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if interval_method(bounds) == BOOTSTRAP:
        low, high = bca_bootstrap(values[None, :], confidence)
        return mean, float(low[0]), float(high[0])
    std = float(values.std(ddof=1)) if values.size > 1 else 0.0
    half = float(t_half_width(std, values.size, confidence))
    return mean, mean - half, mean + half


def grouped_interval(table: pd.DataFrame, by: list[str], column: str, bounds: Bounds) -> pd.DataFrame:
    """Mean, low, high and count of `column` for every group of `by` (e.g. variant x round), by
    :func:`interval_method` for a measure with range ``bounds``."""
    grouped = table.groupby(by, sort=False)[column]
    result = grouped.agg(["mean", "std", "count"]).reset_index()
    if interval_method(bounds) == STUDENT_T:
        half = t_half_width(result["std"].fillna(0.0), result["count"])
        low, high = result["mean"] - half, result["mean"] + half
    else:
        low, high = result["mean"].to_numpy(copy=True), result["mean"].to_numpy(copy=True)
        values = table[column].to_numpy(dtype=float)
        valid = ~np.isnan(values)
        group = grouped.ngroup().to_numpy()[valid]
        values = values[valid][np.argsort(group, kind="stable")]  # grouped, in table order
        sizes = result["count"].to_numpy()
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        for n in np.unique(sizes[sizes > 1]):
            members = np.flatnonzero(sizes == n)
            rows = starts[members][:, None] + np.arange(n)[None, :]
            low[members], high[members] = bca_bootstrap(values[rows])
    return result.assign(low=low, high=high).drop(columns="std")


def difference_method(bounds: Bounds) -> str:
    """The method :func:`difference_interval` uses for a measure with range ``bounds``."""
    return WELCH_T if bounds == (None, None) else BOOTSTRAP_TWO_SAMPLES


def difference_interval(x, y, bounds: Bounds, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean(x) - mean(y), low, high): the 95% interval of a difference of means of two
    independent samples of a measure with range ``bounds`` (see the module docstring). NaN
    values are left out."""
    x, y = (np.sort(v[~np.isnan(v)]) for v in (np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
    theta = float(x.mean() - y.mean())
    n, m = x.size, y.size
    if n < 2 or m < 2 or (x[-1] == x[0] and y[-1] == y[0]):
        return theta, theta, theta
    if difference_method(bounds) == WELCH_T:
        vx, vy = x.var(ddof=1) / n, y.var(ddof=1) / m
        nu = (vx + vy) ** 2 / (vx**2 / (n - 1) + vy**2 / (m - 1))
        half = float(stdtrit(nu, 0.5 + confidence / 2) * np.sqrt(vx + vy))
        return theta, theta - half, theta + half
    boot = _resample_counts(n) @ x / n - _resample_counts(m, 1) @ y / m
    tolerance = 1e-12 * max(np.abs(x).max(), np.abs(y).max())
    below = float((boot < theta - tolerance).mean())
    z0 = ndtri(np.clip(below, 0.5 / RESAMPLES, 1 - 0.5 / RESAMPLES))
    scale = max(x[-1] - x[0], y[-1] - y[0])  # a is scale-free: influence values in units of the spread
    influence = np.concatenate([(x - x.mean()) / scale / n, -(y - y.mean()) / scale / m])
    a = (influence**3).sum() / (6 * (influence**2).sum() ** 1.5)
    ends = []
    for z in z0 + ndtri(np.array([(1 - confidence) / 2, (1 + confidence) / 2])):
        denominator = 1 - a * z
        level = ndtr(z0 + z / denominator) if denominator > 0 else (0.0 if z < 0 else 1.0)
        position = level * (RESAMPLES - 1)  # linear interpolation between order statistics
        ends.append(float(np.interp(position, np.arange(RESAMPLES), np.sort(boot))))
    return theta, ends[0], ends[1]

