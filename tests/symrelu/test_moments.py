"""Single generic-regime coefficients by torus moments (issue 15, requirement 1).

The moment route (symrelu.moments) is checked against three independent things: the whole
phasor-polynomial expansion (symrelu.trigpoly.even_polynomial_spectrum, a different
algorithm: products of Laurent polynomials in FLINT), an exact trapezoidal average over the
torus in mpmath (exact for trigonometric polynomials of lower degree than the grid), and
closed forms (mean square, moments of one cosine, SymPy's product-to-sum route).
"""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import sympy
from sympy.simplify.fu import TR8

import symrelu as sr
from symrelu import budget
from symrelu.errors import FrequencyNotPresentError, RegimeError, SeriesOrderError
from symrelu.expansion import resolve_center
from symrelu.moments import estimate_moment_terms, torus_coefficient, torus_moment
from symrelu.taylor import power_coefficients
from symrelu.trigpoly import SignalModel, even_polynomial_spectrum

A, B, b = sympy.symbols("A B b", positive=True)

CASES = [
    ("1@1 + 1@sqrt(2)", 4, "peak"),                          # numeric, rational C
    ("2@1 + 1/3@3 + 1/2@7:pi/3 + 1/5", 3, "peak"),           # offset and a phase
    ("-1@1 + 3/2@2 + 1/4@5 - 1/3", 3, "mean_square"),        # negative amplitude, offset
    ("A@1 + B@2 + 1@3", 3, "peak"),                          # symbolic amplitudes, symbolic C
    ("A@1 + B@2", 4, 3),                                     # symbolic amplitudes, C = 3
    ("A@1 + 1@2:0.3 + B", 3, "peak"),                        # symbolic offset, a phase
    ("sqrt(2)@1 + sqrt(2)@2 + 1@3", 3, "peak"),              # a shared irrational amplitude
    ("1@1 + 1@2 + 1@3 + sqrt(3)", 3, "peak"),                # an irrational offset
]


def _full(sig, N, center):
    model = SignalModel.build(sig, "generic")
    C = resolve_center(sig, center)
    pref = sympy.sqrt(C) / 2
    return model, C, pref, even_polynomial_spectrum(model, power_coefficients(N), center=C,
                                                    prefactor=pref)


@pytest.mark.parametrize("text, N, center", CASES)
def test_every_coefficient_equals_the_full_expansion(text, N, center):
    sig = sr.MultiTone.parse(text)
    model, C, pref, full = _full(sig, N, center)
    gammas = power_coefficients(N)
    for key in full:
        got = torus_coefficient(model, gammas, key, center=C, prefactor=pref)
        assert got.value == full[key], key            # the same sympy expression
        assert got.n_terms == full.terms_at(key), key
    for key in [(2 * N + 1,) + (0,) * (sig.K - 1), (1,) * sig.K if sig.K % 2 else (3,) * sig.K]:
        if key not in full:                            # a key the expansion does not reach
            assert torus_coefficient(model, gammas, key, center=C, prefactor=pref).value == 0


def _symbolic_phases():
    return sr.MultiTone(amplitudes=[A, 1, sympy.Rational(1, 2)], frequencies=[1, 2, 5],
                        phases=sympy.symbols("phi_1:4", real=True), offset=b)


@pytest.mark.parametrize("make, N, center, activation", [
    (lambda: sr.MultiTone.parse("1@1 + 1/2@sqrt(2) + 1/3@sqrt(3)"), 4, "peak", "relu"),
    (lambda: sr.MultiTone.parse("1@1 + 1/2@2:pi/5 + 1/4"), 4, "peak", "abs"),
    (lambda: sr.MultiTone.symbolic(3), 4, "peak", "relu"),
    (lambda: sr.MultiTone.symbolic(2, phases=True, offset=True), 3, "peak",
     sr.LeakyReLU("1/10")),
    (_symbolic_phases, 3, "peak", "relu"),
])
def test_expansion_queries_equal_the_full_route(make, N, center, activation):
    # the moment route (a fresh expansion) against the same expansion with its whole spectrum
    # built first, which routes every query to the full polynomial
    sig = make()
    fresh = sr.expand(sig, order=N, center=center, activation=activation, regime="generic")
    built = sr.expand(sig, order=N, center=center, activation=activation, regime="generic")
    spectrum = built.spectrum()
    assert fresh.dc == built.dc
    keys = [k for k in spectrum if any(k)][:12]
    for k in keys:
        assert fresh.coefficient(k) == built.coefficient(k) == spectrum[k]
        neg = tuple(-e for e in k)                     # the conjugate side
        assert fresh.coefficient(neg) == built.coefficient(neg)


def _torus_average(amps, phases, offset, poly, key, L, dps=40):
    """mpmath mean of poly(x) e^{-i k.theta} on an L^K grid (exact below degree L)."""
    with mpmath.workdps(dps):
        total = mpmath.mpc(0)
        grid = [2 * mpmath.pi * j / L for j in range(L)]
        for thetas in itertools.product(grid, repeat=len(amps)):
            x = offset + sum(a * mpmath.cos(t + p) for a, t, p in zip(amps, thetas, phases))
            total += poly(x) * mpmath.expj(-sum(k * t for k, t in zip(key, thetas)))
        return total / L ** len(amps)


@pytest.mark.parametrize("text, N, key", [
    ("1@1 + 1/2@sqrt(2) + 1/3@sqrt(3)", 4, (0, 0, 0)),
    ("1@1 + 1/2@sqrt(2):pi/3 + 1/5", 5, (0, 0)),
    ("1@1 + 1/2@sqrt(2):pi/3 + 1/5", 5, (3, -2)),
    ("3/2@1 + 1@sqrt(5):2pi/7 + 1/2@sqrt(7) - 1/4", 3, (1, 1, -1)),
])
def test_coefficients_equal_an_exact_torus_average(text, N, key):
    sig = sr.MultiTone.parse(text)
    e = sr.expand(sig, order=N, center="peak", regime="generic")
    got = e.coefficient(key)
    with mpmath.workdps(50):  # every input at 50 digits (mpf() rounds to the working precision)
        C = mpmath.mpf(sympy.N(e.center, 50))
        beta = [mpmath.mpf(sympy.N(g, 50)) for g in power_coefficients(N)]

        def relu_series(x):  # x/2 + sqrt(C)/2 sum_j beta_j (x^2/C)^j, the truncated eq. 7
            return x / 2 + mpmath.sqrt(C) / 2 * sum(g * (x * x / C) ** j
                                                    for j, g in enumerate(beta))

        amps = [mpmath.mpf(sympy.N(a, 50)) for a in sig.amplitudes]
        phases = [mpmath.mpf(sympy.N(p, 50)) for p in sig.phases]
        offset = mpmath.mpf(sympy.N(sig.offset, 50))
        L = 2 * N + max(abs(k) for k in key) + 1
        ref = _torus_average(amps, phases, offset, relu_series, key, L, dps=50)
        value = mpmath.mpc(sympy.N(sympy.re(got), 50), sympy.N(sympy.im(got), 50))
        assert abs(value - ref) < mpmath.mpf(10) ** -40, (value, ref)


def test_symbolic_amplitudes_agree_with_sympys_product_to_sum_route():
    # the naive route: the cosine expression, expanded and linearised by fu's TR8
    N = 2
    sig = sr.MultiTone(amplitudes=[A, B], frequencies=[1, sympy.sqrt(2)], offset=b)
    e = sr.expand(sig, order=N, center=3, regime="generic")
    t = sympy.Symbol("t", real=True)
    x = sig.expr(t)
    a = sr.taylor_coefficients(N + 1)
    y = x / 2 + sympy.sqrt(3) / 2 * sum(a[n] * (x**2 / 3 - 1) ** n for n in range(N + 1))
    y = sympy.expand(y)
    while True:  # product-to-sum until no product or power of cosines is left
        nxt = sympy.expand(TR8(y))
        if nxt == y:
            break
        y = nxt
    assert not any(p.base.has(t) for p in y.atoms(sympy.Pow))
    naive_dc = y.as_independent(t)[0]
    assert sympy.expand(e.dc - naive_dc) == 0


def test_symbolic_amplitudes_at_rational_values_give_the_numeric_route():
    N = 6
    sym = sr.MultiTone(amplitudes=[A, B, 1], frequencies=[1, 2, 3], offset=b)
    num = sr.MultiTone(amplitudes=["1/2", "2/3", 1], frequencies=[1, 2, 3], offset="1/7")
    for key in [(0, 0, 0), (2, 0, 1), (1, -3, 2)]:
        got = sr.expand(sym, order=N, center=5, regime="generic").coefficient(key)
        want = sr.expand(num, order=N, center=5, regime="generic").coefficient(key)
        values = {A: sympy.Rational(1, 2), B: sympy.Rational(2, 3), b: sympy.Rational(1, 7)}
        assert sympy.nsimplify(got.subs(values) - want) == 0


def test_torus_moments_closed_forms():
    # mean square (MultiTone.mean_square), one cosine: E[cos^4] = 3/8 and [z^2] cos^4 = 1/4
    sig = sr.MultiTone.parse("1@1 + 1/2@sqrt(2) + 2@sqrt(3):pi/4 + 1/3")
    assert torus_moment(sig, 2) == sig.mean_square
    one = sr.MultiTone(amplitudes=[A], frequencies=[1])
    assert torus_moment(one, 4) == 3 * A**4 / 8
    assert torus_moment(one, 4, (2,)) == A**4 / 4
    assert torus_moment(one, 3) == 0 and torus_moment(one, 0) == 1
    # binom(2m, m) / 4^m for every m: the walk count of z + 1/z
    unit = sr.MultiTone.parse("1@1")
    assert all(torus_moment(unit, 2 * m) == sympy.Rational(math.comb(2 * m, m), 4**m)
               for m in range(12))
    # a phase: [z^1] (cos(theta + pi/3)) = e^{i pi/3} / 2
    assert sympy.expand(torus_moment(sr.MultiTone.parse("1@1:pi/3"), 1, (1,))
                        - sympy.exp(sympy.I * sympy.pi / 3) / 2, complex=True) == 0


def test_errors_are_clear():
    periodic = SignalModel.build(sr.MultiTone.parse("1@1 + 1@2"))
    with pytest.raises(RegimeError, match="generic regime"):
        torus_coefficient(periodic, [1], (0,))
    generic = SignalModel.build(sr.MultiTone.parse("1@1 + 1@2"), "generic")
    with pytest.raises(FrequencyNotPresentError, match="tuple of 2 integers"):
        torus_coefficient(generic, [1], (0,))
    with pytest.raises(FrequencyNotPresentError):
        torus_coefficient(generic, [1], (0, 1.5))
    with pytest.raises(SeriesOrderError):
        torus_moment(sr.MultiTone.parse("1@1"), -1)


@pytest.mark.parametrize("text, N, center", CASES + [
    ("A@1 + B@2 + 1@3 + b", 5, "peak"), ("A@1 + A@2 + 1@3", 4, "peak"),
])
def test_the_term_estimate_bounds_the_terms(text, N, center):
    sig = sr.MultiTone.parse(text)
    model = SignalModel.build(sig, "generic")
    C = resolve_center(sig, center)
    for key in [(0,) * sig.K, (1,) + (0,) * (sig.K - 2) + (1,)]:
        got = torus_coefficient(model, power_coefficients(N), key, center=C).n_terms
        bound = estimate_moment_terms(model, N, key, center_rational=C.is_Rational)
        assert got <= bound <= 25 * max(got, 1), (key, got, bound)


def test_twenty_tones_at_order_100(unit_tones_relu_dc):
    # issue 15's case (its time is a row of tests/benchmarks/bench_core.py); the value against the certificate's bound around the Bessel-integral
    # DC of relu: E relu(x) = E|x| / 2, E|x| = (2 / pi) int_0^oo (1 - prod_j J0(A_j s)) / s^2
    sig = sr.MultiTone(amplitudes=[1] * 20, frequencies=[sympy.sqrt(p) for p in
                                                         sympy.primerange(2, 72)])
    e = sr.expand(sig, order=100, center="peak")
    dc = e.dc
    assert e.regime == "generic" and dc.is_number
    ref = unit_tones_relu_dc(20, 40)
    assert abs(float(dc) - float(ref)) <= float(e.certificate.sup_error_bound)


def test_many_coefficients_switch_to_the_whole_expansion():
    # each coefficient alone costs more than the whole (small) expansion after a few: the
    # queries then read the full polynomial; values are the same either way
    sig = sr.MultiTone.parse("1@1 + 1/2@sqrt(2)")
    e = sr.expand(sig, order=3, regime="generic")
    ref = sr.expand(sig, order=3, regime="generic").spectrum()
    for k in ref:
        assert e.coefficient(k) == ref[k]
    assert e.dc == ref[(0, 0)]


def test_the_moment_estimate_admits_what_the_expansion_refuses():
    model = SignalModel.build(sr.MultiTone(amplitudes=[1] * 8, frequencies=range(1, 9)),
                              "generic")
    assert budget.moment_estimate(model, 50).fits()
    assert not budget.expansion_estimate(10**13, 50).fits()
