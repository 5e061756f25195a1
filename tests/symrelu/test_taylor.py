"""Table I and the tail identity, exactly."""

import pytest
import sympy

import symrelu as sr


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
