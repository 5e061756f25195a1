"""Closed forms against both numeric methods (periodic integration, torus average) at 30+ digits."""

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr

DPS = 32


def _n(expr):
    return mpmath.mpmathify(sympy.N(expr, DPS + 10))


@pytest.mark.parametrize("A, b, phase", [("1.3", 0, 0), ("-0.8", 0, "0.4"), ("2", "0.5", 0),
                                         ("2", "-1.2", "1.1"), ("1", "1.5", 0), ("-1", "-3", 0)])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7])
def test_single_tone_coefficients_against_both_methods(A, b, phase, n):
    sig = sr.MultiTone(amplitudes=[A], frequencies=[1], phases=[phase], offset=b)
    closed = sr.closed_form_coefficient(sig, n)
    periodic = sr.exact_coefficient(sig, n, dps=DPS)
    generic = sr.exact_coefficient(sig, (n,), regime="generic", dps=DPS)
    with mpmath.workdps(DPS + 10):
        ref = mpmath.mpc(_n(sympy.re(closed)), _n(sympy.im(closed)))
        tol = mpmath.mpf(10) ** -(DPS - 1) * (abs(ref) + 1e-30)
        assert abs(periodic - ref) <= tol
        assert abs(generic - ref) <= tol


def test_single_tone_series_and_symbolic_harmonic():
    A = sympy.Symbol("A", positive=True)
    sig = sr.MultiTone(amplitudes=[A], frequencies=["w"])
    series = sr.closed_form(sig)
    assert series.has(sympy.Sum)
    assert sympy.simplify(sr.closed_form_dc(sig) - A / sympy.pi) == 0
    n = sympy.Symbol("n", integer=True, positive=True)
    general = sr.closed_form_coefficient(sig, n)
    assert sympy.simplify(general.subs(n, 6) - sr.closed_form_coefficient(sig, 6)) == 0


def test_paper_order_zero_is_eleven_percent_high():
    ratio = (sympy.sqrt(2) / 4) / sr.closed_form_dc(sr.MultiTone(amplitudes=[1], frequencies=[1]))
    assert abs(float(ratio) - 1.11072) < 1e-5


def test_offset_series_matches_numeric_value():
    sig = sr.MultiTone(amplitudes=[2], frequencies=[1], offset="0.5")
    t = sympy.Symbol("t", real=True)
    series = sr.closed_form(sig, t=t).subs(t, sympy.Rational(1, 7))
    (total_sum,) = series.atoms(sympy.Sum)
    m = total_sum.variables[0]
    term = sympy.lambdify(m, total_sum.function, "mpmath")
    with mpmath.workdps(20):
        partial = mpmath.fsum(term(k) for k in range(1, 400))
        rest = mpmath.mpmathify(sympy.N(series.subs(total_sum, 0), 20))
        x = mpmath.mpf("0.5") + 2 * mpmath.cos(2 * mpmath.pi / 7)
        assert abs(rest + partial / 2 - max(x, 0)) < 1e-5  # ReLU weight 1/2; m <= 399


def test_two_tone_generic_dc_against_both_numeric_methods():
    sig = sr.MultiTone(amplitudes=["1.5", "-0.4"], frequencies=[1, sympy.sqrt(2)])
    closed = sr.closed_form_dc(sig, activation="abs")
    numeric = sr.exact_dc(sig, activation="abs", dps=DPS)
    with sr.exact.balls.arb_precision(4 * (DPS + 20)):   # the proven Bessel ball, signal / 2
        half = [sympy.Rational(3, 4), sympy.Rational(1, 5)]
        ball = 2 * sr.exact.bessel.torus_abs_ball(sympy.Integer(0), half, [0, 0])
        text = ball.mid().str(DPS + 10, radius=False)
    with mpmath.workdps(DPS + 10):
        bessel = mpmath.mpf(text)
        ref = _n(closed)
        assert abs(numeric - ref) < mpmath.mpf(10) ** -(DPS - 1)
        assert abs(bessel - ref) < mpmath.mpf(10) ** -(DPS - 1)


def test_two_commensurate_tones_refuse_the_torus_form_unless_asked():
    sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2])
    with pytest.raises(sr.NoClosedFormError, match="commensurate"):
        sr.closed_form_dc(sig)
    torus = sr.closed_form_dc(sig, regime="generic")
    with mpmath.workdps(30):
        assert abs(_n(torus) - sr.exact_dc(sig, regime="generic", dps=25)) < 1e-24
        assert abs(_n(torus) - sr.exact_dc(sig, dps=25)) > 1e-3  # 0.40528 vs 0.41350


def test_no_closed_form_is_an_error():
    with pytest.raises(sr.NoClosedFormError):
        sr.closed_form(sr.MultiTone(amplitudes=[1, 1, 1], frequencies=[1, 2, 3]))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 50), st.integers(1, 9), st.integers(-30, 30), st.integers(0, 6))
def test_exact_coefficient_of_a_single_tone_matches_closed_form(a, w, phase, n):
    sig = sr.MultiTone(amplitudes=[sympy.Rational(a, 10)], frequencies=[w],
                       phases=[sympy.Rational(phase, 10)])
    value = sr.exact_coefficient(sig, n * w, dps=25)
    closed = sr.closed_form_coefficient(sig, n)
    with mpmath.workdps(30):
        ref = mpmath.mpc(sympy.N(sympy.re(closed), 30), sympy.N(sympy.im(closed), 30))
        assert abs(value - ref) <= mpmath.mpf(10) ** -23 * (abs(ref) + 1e-25)
