"""Lambdified evaluation agrees with direct evaluation (numeric layer, issue 4)."""

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from symrelu.numeric import (
    lambdify_expansion,
    lambdify_expr,
    lambdify_signal,
    spectrum_arrays,
    to_numeric,
)

import symrelu as sr


@st.composite
def multitones(draw, max_tones=3, max_harmonic=6):
    k = draw(st.integers(1, max_tones))
    freqs = draw(st.lists(st.integers(1, max_harmonic), min_size=k, max_size=k, unique=True))
    amps = draw(st.lists(st.integers(-8, 8).filter(bool), min_size=k, max_size=k))
    phases = draw(st.lists(st.sampled_from([0, "pi/3", "1/2", "-2/5"]), min_size=k, max_size=k))
    offset = draw(st.sampled_from([0, 0, "1/4", "-1/2"]))
    return sr.MultiTone(amplitudes=[sympy.Rational(a, 4) for a in amps], frequencies=freqs,
                        phases=phases, offset=offset)


def test_to_numeric_values_and_errors():
    assert to_numeric(sympy.Rational(1, 3)) == 1 / 3
    assert to_numeric(sympy.sqrt(2) * (1 + sympy.I)) == pytest.approx(2**0.5 * (1 + 1j))
    huge = sympy.Rational(3 * 10**400 + 1, 10**400)  # would overflow a naive float(p)/float(q)
    assert to_numeric(huge) == 3.0
    with mpmath.workdps(40):
        v = to_numeric(sympy.pi, "mpmath", dps=40)
        assert abs(v - mpmath.pi) < mpmath.mpf(10) ** -39
    with pytest.raises(TypeError, match="free symbols"):
        to_numeric(sympy.Symbol("A") + 1)
    with pytest.raises(ValueError, match="backend"):
        to_numeric(1, "torch")


def test_lambdify_signal_matches_sympy_expression():
    sig = sr.MultiTone(amplitudes=["1/2", 2], frequencies=[3, "7/2"], phases=["pi/5", 0],
                       offset="1/3")
    t = sympy.Symbol("t", real=True)
    ref = sympy.lambdify(t, sig.expr(t), "numpy")
    ts = np.linspace(-1, 1, 101)
    np.testing.assert_allclose(lambdify_signal(sig)(ts), ref(ts), rtol=0, atol=1e-13)


def test_lambdify_signal_rejects_symbols():
    with pytest.raises(TypeError, match="symbolic values"):
        lambdify_signal(sr.MultiTone.symbolic(2))


@settings(max_examples=15)
@given(sig=multitones(), order=st.integers(0, 5), seed=st.integers(0, 2**16))
def test_lambdified_expansion_equals_direct_evaluation(sig, order, seed):
    e = sr.expand(sig, order=order, center="peak")
    t = np.random.default_rng(seed).uniform(-2, 2, 64)
    horner = lambdify_expansion(e)(t)
    # the exact spectrum summed as cosines: an independent path
    by_spectrum = lambdify_expansion(e, method="spectrum")(t)
    np.testing.assert_allclose(horner, by_spectrum, rtol=0, atol=1e-9)  # float rounding only
    # direct evaluation of eq. 7 with exact a_n in sympy, at a few points
    x = sig.expr(sympy.Symbol("t", real=True))
    a = sr.taylor_coefficients(order + 1)
    C = e.center
    g = x**2 / C - 1
    eq7 = e.activation.linear * x + e.activation.abs_weight * sympy.sqrt(C) * sum(
        a_n * g**n for n, a_n in enumerate(a))
    f = sympy.lambdify(sympy.Symbol("t", real=True), eq7, "mpmath")
    for ti in t[:3]:
        assert float(f(mpmath.mpf(float(ti)))) == pytest.approx(horner[list(t).index(ti)],
                                                                abs=1e-9)


def test_mpmath_backend_agrees_with_numpy_and_carries_digits():
    sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    e = sr.expand(sig, order=12)
    f_np, f_mp = lambdify_expansion(e), lambdify_expansion(e, "mpmath", dps=40)
    for t in ("1/7", "0.013"):
        v = f_mp(t)
        assert float(v) == pytest.approx(float(f_np(float(sympy.Rational(t)))), abs=1e-13)
    with mpmath.workdps(60):
        v40 = lambdify_expansion(e, "mpmath", dps=40)("1/7")
        v55 = lambdify_expansion(e, "mpmath", dps=55)("1/7")
        assert abs(v40 - v55) < mpmath.mpf(10) ** -38


def test_spectrum_method_needs_numpy_and_generic_regime_works():
    sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, sympy.sqrt(2)])
    e = sr.expand(sig, order=3)
    assert e.regime == "generic"
    t = np.linspace(0, 3, 50)
    np.testing.assert_allclose(lambdify_expansion(e)(t),
                               lambdify_expansion(e, method="spectrum")(t), atol=1e-9)
    freqs, coefs = spectrum_arrays(e)
    assert np.all(freqs >= 0) and np.all(np.diff(freqs) > 0)
    with pytest.raises(ValueError, match="numpy"):
        lambdify_expansion(e, "mpmath", method="spectrum")


def test_lambdify_expr_closed_form_single_tone():
    # ReLU(cos th) = 1/pi + cos(th)/2 + (2/pi) sum (-1)^(m+1)/(4m^2-1) cos(2 m th)
    t = sympy.Symbol("t", real=True)
    th = 2 * sympy.pi * t
    series = 1 / sympy.pi + sympy.cos(th) / 2 + 2 / sympy.pi * sum(
        (-1) ** (m + 1) * sympy.cos(2 * m * th) / (4 * m**2 - 1) for m in range(1, 200))
    f = lambdify_expr(series, t)
    ts = np.linspace(0, 1, 33)
    np.testing.assert_allclose(f(ts), np.maximum(np.cos(2 * np.pi * ts), 0), atol=2e-3)
    const = lambdify_expr(sympy.Rational(1, 2), t)
    assert const(np.zeros(3)).shape == (3,)
