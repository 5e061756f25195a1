"""Table I and the tail identity, exactly."""

import math
from fractions import Fraction

import flint
import pytest
import sympy

import symrelu as sr
from symrelu.taylor import power_coefficients_fmpq


def test_table_one():
    R = sympy.Rational
    assert sr.taylor_coefficients(8) == [
        1,
        R(1, 2),
        R(-1, 8),
        R(1, 16),
        R(-5, 128),
        R(7, 256),
        R(-21, 1024),
        R(33, 2048),
    ]
    assert all(isinstance(a, sympy.Rational) for a in sr.taylor_coefficients(8))


def test_coefficients_are_binomials():
    a = sr.taylor_coefficients(40)
    assert a == [sympy.binomial(sympy.Rational(1, 2), n) for n in range(40)]


def test_coefficients_match_sympy_series():
    g = sympy.Symbol("g")
    series = sympy.series(sympy.sqrt(1 + g), g, 0, 12).removeO()
    assert [series.coeff(g, n) for n in range(12)] == sr.taylor_coefficients(12)


@pytest.mark.parametrize("N", range(0, 51))
def test_tail_identity(N):
    a = sr.taylor_coefficients(N + 1)
    # sum_{n>N} |a_n| = 1 - sum_{1<=n<=N} |a_n| because sum_{n>=1} |a_n| = 1 (sqrt(1+g) at g=-1)
    tail = 1 - sum(abs(c) for c in a[1:])
    assert tail == sr.tail_bound(N) == sympy.binomial(2 * N, N) / sympy.Integer(4) ** N


def test_tail_bound_decays_like_one_over_sqrt_pi_n():
    N = 2000
    ratio = sympy.N(sr.tail_bound(N) * sympy.sqrt(sympy.pi * N), 15)
    assert abs(ratio - 1) < 1e-3


def test_power_coefficients_reexpand_the_series():
    y = sympy.Symbol("y")
    for N in range(0, 9):
        a = sr.taylor_coefficients(N + 1)
        lhs = sympy.expand(sum(a[n] * (y - 1) ** n for n in range(N + 1)))
        rhs = sum(b * y**j for j, b in enumerate(sr.power_coefficients(N)))
        assert sympy.expand(lhs - rhs) == 0


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None, True])
def test_bad_order(bad):
    with pytest.raises(sr.SeriesOrderError, match="non-negative integer"):
        sr.taylor_coefficients(bad)


def _binomial_half(n: int) -> Fraction:
    """binom(1/2, n) as a Python Fraction, from its product formula (independent of FLINT)."""
    out = Fraction(1)
    for k in range(n):
        out *= (Fraction(1, 2) - k) / (k + 1)
    return out


def test_power_coefficients_in_flint_equal_the_binomial_double_sum_in_fractions():
    # beta_j = sum_{n=j}^{N} a_n binom(n, j) (-1)^(n-j), the re-expansion of sum a_n (y-1)^n
    for N in (0, 1, 2, 7, 30, 61):
        a = [_binomial_half(n) for n in range(N + 1)]
        beta = [
            sum(a[n] * math.comb(n, j) * (-1) ** (n - j) for n in range(j, N + 1))
            for j in range(N + 1)
        ]
        got = power_coefficients_fmpq(N)
        assert all(isinstance(b, flint.fmpq) for b in got)
        assert [Fraction(int(b.p), int(b.q)) for b in got] == beta
        assert list(sr.power_coefficients(N)) == [sympy.Rational(b.numerator, b.denominator)
                                                  for b in beta]


def test_table_one_at_high_order_equals_the_product_formula():
    a = sr.taylor_coefficients(300)
    assert all(type(c) is not float for c in a)
    assert [Fraction(int(c.p), int(c.q)) for c in a[::37]] == [
        _binomial_half(n) for n in range(0, 300, 37)
    ]
