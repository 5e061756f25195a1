"""The polynomial lens of smooth activations: its certificate against sampled errors and
against the proven exact values, its exact spectrum against hand expansions.
"""

from __future__ import annotations

import warnings

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.errors import CenterError, DivergenceError, DivergenceWarning, NoProofError
from symrelu.polylens import PolyLens, expand_smooth, lens_polynomial
from symrelu.smooth import X

ANALYTIC = ["gelu", "gelu_tanh", "silu", "tanh", "sigmoid", "softplus", "mish"]


def _sampled_error(act, poly, P, n=801):
    """max |f - p| on n points of [-P, P] (mpmath, 30 digits)."""
    f = sympy.lambdify(X, act.expr, modules="mpmath")
    p = sympy.lambdify(X, poly, modules="mpmath")
    with mpmath.workdps(30):
        Pm = mpmath.mpf(sympy.Rational(P).p) / sympy.Rational(P).q
        return max(abs(f(x) - p(x)) for x in mpmath.linspace(-Pm, Pm, n))


@settings(max_examples=14, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(ANALYTIC), degree=st.integers(2, 14),
       P=st.sampled_from(["1/4", "1/2", "1", "3/2", "5/2", "4"]))
def test_certified_sup_error_is_never_below_the_sampled_error(name, degree, P):
    act = sr.as_activation(name)
    for kind in ("taylor", "chebyshev"):
        try:
            groups, cert = lens_polynomial(act, degree, sympy.Rational(P), kind=kind)
        except NoProofError:
            continue            # no Taylor disc holds [-P, P] (tanh beyond pi/2, ...)
        poly = sum((k * sum(c * X**i for i, c in enumerate(row)) for k, row in groups.items()),
                   sympy.Integer(0))
        assert cert["kind"] == kind or (kind == "chebyshev" and cert["kind"] == "taylor")
        sampled = _sampled_error(act, poly, P)
        assert sampled <= mpmath.mpf(str(sympy.N(cert["sup_error"], 30))), (name, kind)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(ANALYTIC), degree=st.integers(4, 16),
       amps=st.lists(st.sampled_from(["0.3", "0.5", "0.8", "1.2"]), min_size=1, max_size=2),
       offset=st.sampled_from(["0", "0.2", "-0.4"]))
@example(name="gelu", degree=15, amps=["0.3"], offset="0")  # a certified error of 1.4e-19
def test_lens_values_within_the_certificate_of_the_exact_values(name, degree, amps, offset):
    sig = sr.MultiTone(amplitudes=amps, frequencies=[1, 3][: len(amps)], offset=offset)
    lens = sr.expand(sig, order=degree, activation=name)
    assert isinstance(lens, PolyLens) and lens.certificate.covers
    err = mpmath.mpf(str(sympy.N(lens.certificate.coefficient_error, 30)))
    for n in (0, 1, 2, 4):
        exact = sr.exact_coefficient(sig, n, activation=name, dps=25)
        # the lens' exact coefficient at 30 digits (a Python complex would round it to 1e-17,
        # above the certified error of a high degree)
        value = sympy.N(lens.coefficient(n), 30)
        with mpmath.workdps(30):
            lens_value = mpmath.mpc(str(sympy.re(value)), str(sympy.im(value)))
            assert abs(exact - lens_value) <= err * (1 + mpmath.mpf(10) ** -12) + abs(
                exact) * mpmath.mpf(10) ** -24


def test_chebyshev_lens_has_exact_rational_coefficients():
    lens = sr.expand(sr.MultiTone.parse("0.3 + 1@5 + 0.6@7"), order=16, activation="tanh")
    cert = lens.certificate
    assert cert.kind == "chebyshev" and cert.interval == (-sympy.Rational(19, 10),
                                                          sympy.Rational(19, 10))
    coeffs = sympy.Poly(lens.polynomial, X).all_coeffs()
    assert all(c.is_Rational for c in coeffs) and len(coeffs) <= 17
    assert all(v.is_Rational for v in lens.spectrum().values())
    assert cert.sup_error == cert.coefficient_error and cert.sup_error.is_Rational
    # the exact spectrum of p(x(t)) against mpmath.quad of p(x(t)) over the period
    p = sympy.lambdify(X, lens.polynomial, modules="mpmath")
    with mpmath.workdps(40):
        def xt(t):
            return (mpmath.mpf(3) / 10 + mpmath.cos(2 * mpmath.pi * 5 * t)
                    + mpmath.mpf(3) / 5 * mpmath.cos(2 * mpmath.pi * 7 * t))
        for n in (0, 3, 12):
            q = mpmath.quad(lambda t, n=n: p(xt(t)) * mpmath.expj(-2 * mpmath.pi * n * t),
                            mpmath.linspace(0, 1, 25))
            c = lens.coefficient(n)
            assert abs(q - mpmath.mpf(c.p) / c.q) < mpmath.mpf(10) ** -30


def test_taylor_lens_with_symbolic_amplitude_matches_the_hand_expansion():
    A = sympy.Symbol("A", positive=True)
    sig = sr.MultiTone(amplitudes=[A], frequencies=[1])
    lens = sr.expand(sig, order=5, activation="tanh")       # x - x^3/3 + 2 x^5/15
    # E[cos^3 e^{-i t}] = 3/8, E[cos^5 e^{-i t}] = 10/32
    want = A / 2 - A**3 / 3 * sympy.Rational(3, 8) + 2 * A**5 / 15 * sympy.Rational(10, 32)
    assert sympy.simplify(lens.coefficient(1) - want) == 0
    assert lens.dc == 0 and lens.coefficient(2) == 0
    cert = lens.certificate
    assert cert.kind == "taylor" and cert.covers and "P <" in cert.valid_for
    assert cert.sup_error.has(A)
    # the bound as a function of P at P = 1 is not below the sampled error there
    bound = cert.sup_error.subs(A, 1)
    poly = lens.polynomial
    assert _sampled_error(sr.Tanh(), poly, 1) <= bound


def test_gelu_taylor_coefficients_are_exact():
    groups, cert = lens_polynomial(sr.GELU(), 6, sympy.Rational(1, 2), kind="taylor")
    series = sympy.series(sr.GELU().expr, X, 0, 7).removeO()
    poly = sum((k * sum(c * X**i for i, c in enumerate(row)) for k, row in groups.items()),
               sympy.Integer(0))
    assert sympy.simplify(series - poly) == 0
    assert cert["kind"] == "taylor"


def test_softplus_taylor_carries_log2():
    groups, _ = lens_polynomial(sr.Softplus(), 4, sympy.Rational(1, 2), kind="taylor")
    poly = sum((k * sum(c * X**i for i, c in enumerate(row)) for k, row in groups.items()),
               sympy.Integer(0))
    assert sympy.simplify(poly - sympy.series(sr.Softplus().expr, X, 0, 5).removeO()) == 0


def test_polynomial_activation_is_its_own_lens():
    act = sr.Smooth(X**3 / 3 + X)
    lens = sr.expand(sr.MultiTone.parse("1@1 + 1@2"), order=3, activation=act)
    assert lens.certificate.sup_error == 0
    # (c1 + c2)^3 / 3 + x: DC of x^3 = 3 * (1/2)(1/2)(1/2)... by direct integration
    t = sympy.Symbol("t", real=True)
    x = sympy.cos(t) + sympy.cos(2 * t)
    dc = sympy.integrate(sympy.expand(act.expr.subs(X, x)), (t, 0, 2 * sympy.pi)) / (2 * sympy.pi)
    assert lens.dc == dc


def test_generic_and_mixed_regimes():
    lens = sr.expand(sr.MultiTone.parse("1@1 + 0.5@sqrt(2)"), order=10, activation="silu")
    assert lens.regime == "generic"
    exact = sr.exact_coefficient(sr.MultiTone.parse("1@1 + 0.5@sqrt(2)"), (1, 1),
                                 activation="silu", regime="generic", dps=20)
    err = sympy.N(lens.certificate.sup_error, 20)
    assert abs(exact - complex(sympy.N(lens.coefficient((1, 1)), 25))) <= err
    mixed = sr.expand(sr.MultiTone.parse("1@1 + 0.5@2 + 0.5@sqrt(2)"), order=8,
                      activation="tanh")
    assert mixed.regime == "mixed"
    assert mixed.coefficient(2 - sympy.sqrt(2)) == mixed.coefficient((2, -1)) != 0


def test_refusals_and_coverage():
    sig = sr.MultiTone.parse("1@1 + 0.5@3")
    with pytest.raises(NoProofError, match="not analytic at 0"):
        _ = sr.expand(sig, order=6, activation="elu").dc
    with pytest.raises(CenterError):
        sr.expand(sig, order=6, activation="gelu", center="mean_square")
    short = sr.expand(sig, order=6, activation="gelu", center=1)   # [-1, 1] misses 1.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceWarning):
            _ = short.dc
    assert short.certificate.covers is False
    strict = expand_smooth(sig, 6, sr.GELU(), center=1, strict=True)
    with pytest.raises(DivergenceError):
        strict.spectrum()


def test_lens_is_immutable_and_prints():
    lens = sr.expand(sr.MultiTone.parse("1@1"), order=4, activation="gelu")
    with pytest.raises(AttributeError):
        lens.order = 5
    text = lens.latex()
    assert r"\approx" in text and r"\mathrm{GELU}" in text
    assert sr.latex(lens) == text
    assert "PolyLens" in repr(lens)
    spec = lens.spectrum()
    assert set(spec) <= {0, 1, 2, 3, 4} and all(f >= 0 for f in spec)


@pytest.mark.parametrize("name, order", [("tanh", 9), ("sigmoid", 8), ("silu", 8),
                                         ("mish", 6)])
def test_rational_taylor_coefficients_against_sympy_series(name, order):
    act = sr.as_activation(name)
    groups, _ = lens_polynomial(act, order, sympy.Rational(1, 4), kind="taylor")
    poly = sum((k * sum(c * X**i for i, c in enumerate(row)) for k, row in groups.items()),
               sympy.Integer(0))
    series = sympy.series(act.expr, X, 0, order + 1).removeO()
    assert sympy.simplify(sympy.expand(series - poly)) == 0
