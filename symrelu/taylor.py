r"""Exact Taylor coefficients of sqrt(1 + g) and the tail bound of the truncated series.

.. math:: \sqrt{1+g} = \sum_{n\ge 0} a_n g^n, \qquad a_n = \binom{1/2}{n}

.. math:: \sum_{n>N} |a_n| = \binom{2N}{N} 4^{-N}

The tail identity: (-1)^n a_n < 0 for every n >= 1, and at g = -1 the series
sums to sqrt(0) = 0, so sum_{n>N} |a_n| = sum_{n<=N} (-1)^n a_n, a partial sum
that equals binom(N - 1/2, N) = binom(2N, N)/4^N (tested up to N = 50).
"""

from __future__ import annotations

import math
from functools import lru_cache

import flint
import sympy

from symrelu.errors import SeriesOrderError

__all__ = [
    "taylor_coefficients",
    "tail_bound",
    "power_coefficients",
    "power_coefficients_fmpq",
    "check_order",
]

MAX_ORDER = 100_000


def check_order(order: object, what: str = "order") -> int:
    """Validate a truncation order: a non-negative integer (numpy integers accepted)."""
    import numbers

    if isinstance(order, bool) or not isinstance(order, numbers.Integral):
        raise SeriesOrderError(f"{what} must be a non-negative integer (got {order!r})")
    order = int(order)
    if order < 0:
        raise SeriesOrderError(f"{what} must be a non-negative integer (got {order})")
    if order > MAX_ORDER:
        raise SeriesOrderError(f"{what} {order} is above the supported maximum {MAX_ORDER}")
    return order


@lru_cache(maxsize=64)
def _coefficients(n: int) -> tuple[flint.fmpq, ...]:
    """a_0..a_{n-1} in FLINT rationals: a_k = a_{k-1} (3/2 - k) / k."""
    out = [flint.fmpq(1)]
    for k in range(1, n):
        out.append(out[-1] * flint.fmpq(3 - 2 * k, 2 * k))
    return tuple(out[:n])


def _sympy(q: flint.fmpq) -> sympy.Rational:
    return sympy.Rational(int(q.p), int(q.q))


def taylor_coefficients(n: int) -> list[sympy.Rational]:
    """The first ``n`` coefficients a_0..a_{n-1} of sqrt(1+g), exact (Table I).

    Parameters
    ----------
    n : int
        How many coefficients (n >= 0).

    Examples
    --------
    >>> taylor_coefficients(8)
    [1, 1/2, -1/8, 1/16, -5/128, 7/256, -21/1024, 33/2048]
    """
    n = check_order(n, "number of coefficients")
    return [_sympy(a) for a in _coefficients(n)]


def tail_bound(N: int) -> sympy.Rational:
    """``sum_{n>N} |a_n| = binom(2N, N) / 4^N``, exactly.

    With -1 <= g <= 1 this bounds ``|sqrt(1+g) - sum_{n<=N} a_n g^n|``.

    Examples
    --------
    >>> tail_bound(0), tail_bound(1), tail_bound(8)
    (1, 1/2, 6435/32768)
    """
    N = check_order(N)
    return sympy.Rational(math.comb(2 * N, N), 4**N)


@lru_cache(maxsize=64)
def power_coefficients(N: int) -> tuple[sympy.Rational, ...]:
    r"""beta_j with sum_{n<=N} a_n (y - 1)^n = sum_{j<=N} beta_j y^j, exactly.

    With y = x^2 / C the truncated series is an even polynomial in x:
    sqrt(C) * sum_j beta_j C^{-j} x^{2j}.

    Examples
    --------
    >>> power_coefficients(2)
    (3/8, 3/4, -1/8)
    """
    N = check_order(N)
    return tuple(_sympy(b) for b in power_coefficients_fmpq(N))


@lru_cache(maxsize=64)
def power_coefficients_fmpq(N: int) -> tuple[flint.fmpq, ...]:
    """The beta_j of :func:`power_coefficients` as python-flint rationals (no sympy).

    Examples
    --------
    >>> power_coefficients_fmpq(2)
    (3/8, 3/4, -1/8)
    """
    N = check_order(N)
    a = _coefficients(N + 1)
    # a_n binom(n, j) = binom(1/2, j) binom(1/2 - j, n - j) and
    # sum_{m <= M} (-1)^m binom(r, m) = (-1)^M binom(r - 1, M) give
    # beta_j = a_j (-1)^(N-j) b_j with b_j = binom(-1/2 - j, N - j), and
    # b_j = (-1/2 - j) / (N - j) * b_{j+1}, b_N = 1: O(N) rational steps (the double sum
    # in sympy took 7 s at N = 400)
    b = flint.fmpq(1)
    out = [flint.fmpq(0)] * (N + 1)
    for j in range(N, -1, -1):
        if j < N:
            b = b * flint.fmpq(-1 - 2 * j, 2 * (N - j))
        out[j] = a[j] * b if (N - j) % 2 == 0 else -(a[j] * b)
    return tuple(out)
