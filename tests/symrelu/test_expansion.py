"""expand(): exact spectra checked against direct evaluation of eq. 7 and against an FFT."""

import math
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

import symrelu as sr
from symrelu import MultiTone, expand

PAPER = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])


# ------------------------------------------------------------------ helpers
def mp_value(expr):
    """Evaluate an exact sympy value in mpmath at the current precision."""
    return sympy.lambdify([], expr, "mpmath")()


def signal_at(sig, t):
    return mp_value(sig.offset) + mpmath.fsum(
        mp_value(a) * mpmath.cos(2 * mpmath.pi * mp_value(f) * t + mp_value(p))
        for a, f, p in sig.tones
    )


def eq7_at(e, t):
    """The paper's eq. 7, generalised: lambda x + c sqrt(C) sum a_n g^n, evaluated directly."""
    x = signal_at(e.signal, t)
    C = mp_value(e.center)
    g = x**2 / C - 1
    a = sr.taylor_coefficients(e.order + 1)
    series = mpmath.fsum(mp_value(a_n) * g**n for n, a_n in enumerate(a))
    return (
        mp_value(e.activation.linear) * x
        + mp_value(e.activation.abs_weight) * mpmath.sqrt(C) * series
    )


def spectrum_at(e, t):
    total = mpmath.mpf(0)
    for label, c in e.spectrum().items():
        f = label if e.regime == "periodic" else e.model.frequency(label)
        z = mp_value(c) * mpmath.expj(2 * mpmath.pi * mp_value(f) * t)
        zero_key = label == 0 if e.regime == "periodic" else not any(label)
        total += z if zero_key else 2 * z
    return mpmath.re(total)


@st.composite
def signals(draw, max_tones=4, phases=True, offset=True):
    K = draw(st.integers(1, max_tones))
    harmonics = draw(st.lists(st.integers(1, 6), min_size=K, max_size=K, unique=True))
    base = Fraction(draw(st.integers(1, 5)), draw(st.integers(1, 3)))
    nonzero = st.integers(-4, 4).filter(bool)
    amps = [Fraction(draw(nonzero), draw(st.integers(1, 4))) for _ in range(K)]
    n_phased = draw(st.integers(0, min(K, 2))) if phases else 0
    phs = [Fraction(draw(st.integers(-12, 12)), 4) if i < n_phased else 0 for i in range(K)]
    b = Fraction(draw(st.integers(-8, 8)), 4) if offset and draw(st.booleans()) else 0
    return MultiTone(
        amplitudes=amps, frequencies=[m * base for m in harmonics], phases=phs, offset=b
    )


activations = st.sampled_from(
    ["relu", "abs", sr.LeakyReLU(Fraction(1, 10)), sr.LeakyReLU(Fraction(-1, 3))]
)


# ------------------------------------------------------------------ properties
@given(sig=signals(), order=st.integers(0, 4), act=activations, t=st.floats(0, 3))
def test_spectrum_equals_direct_evaluation_of_eq7(sig, order, act, t):
    e = expand(sig, order=order, center="peak", activation=act)
    with mpmath.workdps(40):
        t = (
            mpmath.mpf(Fraction(t).limit_denominator(10**6).numerator)
            / Fraction(t).limit_denominator(10**6).denominator
        )
        direct = eq7_at(e, t)
        via_spectrum = spectrum_at(e, t)
        scale = 1 + abs(direct)
        assert abs(direct - via_spectrum) <= 1e-12 * scale


@given(
    sig=signals(phases=False, offset=False, max_tones=3), order=st.integers(0, 3), t=st.floats(0, 3)
)
def test_generic_regime_spectrum_equals_eq7_on_the_torus(sig, order, t):
    # In the generic regime every multi-index is its own frequency; evaluated at real
    # frequencies the sum is the same function of time.
    e = expand(sig, order=order, center="peak", regime="generic")
    with mpmath.workdps(40):
        t = mpmath.mpf(str(t))
        assert abs(eq7_at(e, t) - spectrum_at(e, t)) <= 1e-12 * (1 + abs(eq7_at(e, t)))


@given(sig=signals(), order=st.integers(0, 5), act=activations)
def test_coefficients_match_fft_of_eq7(sig, order, act):
    e = expand(sig, order=order, center="peak", activation=act)
    f0 = sig.base_frequency
    top = 2 * order * max(sig.harmonics) + 1
    M = 1 << max(6, math.ceil(math.log2(4 * top + 1)))
    t = np.arange(M) / (M * float(f0))
    x = float(sig.offset) + sum(
        float(a) * np.cos(2 * np.pi * float(f) * t + float(p)) for a, f, p in sig.tones
    )
    C = float(e.center)
    a = [float(c) for c in sr.taylor_coefficients(order + 1)]
    g = x**2 / C - 1
    y = float(e.activation.linear) * x + float(e.activation.abs_weight) * math.sqrt(
        C
    ) * np.polynomial.polynomial.polyval(g, a)
    fft = np.fft.fft(y) / M
    spec = e.spectrum()
    scale = float(sig.peak)
    for n in range(M // 2):
        expected = complex(sympy.N(spec.get(n * f0, 0), 20))
        assert abs(fft[n] - expected) <= 1e-10 * scale, (n, fft[n], expected)


@given(sig=signals(), order=st.integers(0, 8))
@example(  # the peak P is reached at half the period, not at t = 0: convergence is exact
    sig=MultiTone(amplitudes=[-1, "1/2", "-1/2", "1/3"], frequencies=[1, 2, 3, 4]), order=0
)
def test_certificate_bound_holds_against_sampled_relu(sig, order):
    e = expand(sig, order=order, center="peak")
    cert = e.certificate
    assert cert.converges is True
    f0 = float(sig.base_frequency)
    t = np.linspace(0, 1 / f0, 4001)
    x = float(sig.offset) + sum(
        float(a) * np.cos(2 * np.pi * float(f) * t + float(p)) for a, f, p in sig.tones
    )
    C = float(e.center)
    a = [float(c) for c in sr.taylor_coefficients(order + 1)]
    approx = 0.5 * x + 0.5 * math.sqrt(C) * np.polynomial.polynomial.polyval(x**2 / C - 1, a)
    err = np.max(np.abs(np.maximum(x, 0) - approx))
    assert err <= float(cert.sup_error_bound) * (1 + 1e-9)


@given(
    amps=st.lists(
        st.fractions(min_value=Fraction(1, 8), max_value=3, max_denominator=8),
        min_size=1,
        max_size=3,
    ),
    order=st.integers(0, 4),
    center=st.sampled_from(["peak", "mean_square"]),
)
def test_symbolic_dc_substituted_equals_numeric_dc(amps, order, center):
    K = len(amps)
    s = MultiTone.symbolic(K)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sr.DivergenceWarning)
        symbolic = expand(s, order=order, center=center).dc
        numeric_sig = MultiTone(amplitudes=amps, frequencies=[1, math.sqrt(2), math.sqrt(3)][:K])
        numeric = expand(numeric_sig, order=order, center=center, regime="generic").dc
    substituted = symbolic.subs({A: a for A, a in zip(s.amplitudes, numeric_sig.amplitudes)})
    assert sympy.simplify(substituted - numeric) == 0


# ------------------------------------------------------------------ known values
def _power_coefficient(p, F):
    """[exp(2 pi i F t)] of (the paper's four unit cosines)^p, by brute-force enumeration."""
    import itertools

    freqs = [5, -5, 10, -10, 20, -20, 40, -40]
    hits = sum(1 for c in itertools.product(freqs, repeat=p) if sum(c) == F)
    return sympy.Rational(hits, 2**p)


def test_paper_signal_order_two():
    e = expand(PAPER, order=2, center="peak")
    # By hand: C = 8, beta = (3/8, 3/4, -1/8), so DC = sqrt(2) (3/8 + 3/4 m2/8 - m4/512)
    # with m2 = mean x^2 = 2 and m4 = mean x^4 = 10.5 (torus) + 2 * 1.5 for the two
    # relations 2*5 + 10 - 20 = 0 and 2*10 + 20 - 40 = 0 (12 * E[cos^2 a cos b cos c] = 1.5).
    m4 = sympy.Rational(27, 2)
    assert e.dc == sympy.sqrt(2) * (sympy.Rational(3, 8) + sympy.Rational(3, 16) - m4 / 512)
    # 15 Hz = 5 + 10 comes from x^2 and x^4: sqrt(C)/2 (beta_1 [x^2]/C + beta_2 [x^4]/C^2)
    expected = sympy.sqrt(2) * (
        sympy.Rational(3, 4) * _power_coefficient(2, 15) / 8
        - sympy.Rational(1, 8) * _power_coefficient(4, 15) / 64
    )
    assert e.coefficient(15) == sympy.radsimp(sympy.expand(expected))
    assert e.coefficient(-15) == e.coefficient(15)
    assert e.coefficient(5) == sympy.Rational(1, 4) + e.term(1)[5] + e.term(2)[5]


def test_single_tone_mean_square_dc_is_rational_times_A_sqrt2_and_tends_to_A_over_pi():
    A = sympy.Symbol("A", positive=True)
    sig = MultiTone(amplitudes=[A], frequencies=[1])
    previous = None
    for N in range(0, 41, 5):
        e = expand(sig, order=N, center="mean_square")
        ratio = sympy.simplify(e.dc / (A * sympy.sqrt(2)))
        assert ratio.is_Rational, ratio
        err = abs(float(ratio) * math.sqrt(2) - 1 / math.pi)
        assert err <= float(e.certificate.sup_error_bound / A)
        if previous is not None:
            assert err < previous
        previous = err
    assert previous < 2e-3
    # the paper's order-0 value sqrt(2)/4 A is 11% above the exact A/pi
    dc0 = expand(sig, order=0, center="mean_square").dc
    assert dc0 == sympy.sqrt(2) * A / 4
    assert 0.11 < float(dc0 / (A / sympy.pi)) - 1 < 0.111


def test_regimes_differ_when_frequencies_are_commensurate():
    sig = MultiTone(amplitudes=[1, 1], frequencies=[1, 2])
    periodic = expand(sig, order=3, regime="periodic").dc
    generic = expand(sig, order=3, regime="generic").dc
    assert periodic != generic
    # the difference is the cross terms with k.m = 0: k = (4, -2) at order 3 (x^6)
    generic = expand(sig, order=3, regime="generic")
    assert (4, -2) in generic.indices() and (2, -1) not in generic.indices()
    cross = generic.coefficient((4, -2)) + generic.coefficient((-4, 2))
    assert sympy.simplify(periodic - generic.dc - cross) == 0


def test_frequency_sets():
    e = expand(PAPER, order=3)
    f = [5, 10, 20, 40]
    x2 = {0} | {a + b for a in f for b in f} | {abs(a - b) for a in f for b in f}
    assert e.frequencies(order=1) == frozenset(x2)
    assert e.frequencies(order=0) == frozenset({0})
    sym = expand(MultiTone.symbolic(2), order=2)
    assert sym.indices(order=1) == {(0, 0), (2, 0), (0, 2), (1, 1), (1, -1)}
    with_offset = expand(MultiTone.symbolic(2, offset=True), order=2)
    assert (1, 0) in with_offset.indices(order=1)
    # g**n holds k with sum|k| <= 2n and sum k even (no offset)
    for k in sym.indices(order=2):
        assert sum(map(abs, k)) <= 4 and sum(k) % 2 == 0


def test_term_sums_to_the_spectrum():
    e = expand(PAPER, order=4)
    total: dict = {}
    for n in range(5):
        for F, c in e.term(n).items():
            total[F] = total.get(F, 0) + c
    for F, c in e.spectrum().items():
        lin = sympy.Rational(1, 4) if F in (5, 10, 20, 40) else 0
        assert sympy.simplify(total.get(F, 0) + lin - c) == 0


def test_leaky_relu_is_linear_plus_abs():
    alpha = sympy.Rational(1, 10)
    sig = MultiTone(amplitudes=[1, "1/2"], frequencies=[1, 3], offset="1/4")
    leaky = expand(sig, order=4, activation=sr.LeakyReLU(alpha)).dc
    absval = expand(sig, order=4, activation="abs").dc
    assert (
        sympy.simplify(leaky - ((1 + alpha) / 2 * sympy.Rational(1, 4) + (1 - alpha) / 2 * absval))
        == 0
    )


def test_generic_phases_multiply_by_exp_i_k_phi():
    phi = sympy.Rational(3, 10)
    plain = expand(MultiTone(amplitudes=[1, 1], frequencies=[1, sympy.sqrt(2)]), order=3)
    phased = expand(
        MultiTone(amplitudes=[1, 1], frequencies=[1, sympy.sqrt(2)], phases=[phi, 0]), order=3
    )
    assert plain.regime == "generic"
    for k in [(2, 0), (1, 1), (3, -1)]:
        expected = plain.coefficient(k) * sympy.exp(sympy.I * k[0] * phi)
        assert abs(complex(sympy.N(phased.coefficient(k) - expected, 30))) < 1e-25


# ------------------------------------------------------------------ certificate and divergence
def test_mean_square_diverges_for_the_paper_signal():
    e = expand(PAPER, order=4, center="mean_square")
    cert = e.certificate
    assert cert.converges is False
    assert cert.g_max == 7 and cert.kind == "exact"
    with pytest.warns(sr.DivergenceWarning, match="g reaches 7"):
        _ = e.dc
    with pytest.raises(sr.DivergenceError):
        _ = expand(PAPER, order=4, center="mean_square", strict=True).spectrum()


@pytest.mark.parametrize("K", [2, 3, 5])
def test_mean_square_diverges_for_every_generic_multi_tone(K):
    assert (
        expand(MultiTone.symbolic(K), order=2, center="mean_square").certificate.converges is False
    )
    sig = MultiTone(amplitudes=[1] * K, frequencies=[sympy.sqrt(p) for p in (2, 3, 5, 7, 11)][:K])
    assert expand(sig, order=2, center="mean_square").certificate.converges is False


def test_single_tone_sits_on_the_boundary():
    cert = expand(
        MultiTone(amplitudes=[3], frequencies=[2]), order=5, center="mean_square"
    ).certificate
    assert cert.converges is True and cert.g_max == 1 and cert.g_min == -1


def test_peak_center_certificate_values():
    cert = expand(PAPER, order=6).certificate
    assert cert.center == 8 and cert.g_max == 1 and cert.g_min == -1 and cert.kind == "exact"
    assert cert.sup_error_bound == sympy.sqrt(8) / 2 * sr.tail_bound(6)


def test_periodic_numeric_range_is_refined():
    # phases keep the peak P = 2 out of reach: max |x| is found from the critical points
    sig = MultiTone(amplitudes=[1, 1], frequencies=[1, 2], phases=[0, "pi/2"])
    cert = expand(sig, order=2, center="mean_square").certificate
    t = np.linspace(0, 1, 200001)
    sampled = np.max(np.abs(np.cos(2 * np.pi * t) + np.cos(4 * np.pi * t + np.pi / 2)))
    assert cert.kind == "numeric"
    assert abs(float(mpmath.sqrt(cert.g_max + 1)) - sampled) < 1e-8  # grid error ~ h^2
    assert cert.converges is False  # max x^2 = 2.7... > 2C = 2


def test_peak_reached_at_half_period_is_exact():
    sig = MultiTone(amplitudes=[-1, "1/2", "-1/2", "1/3"], frequencies=[1, 2, 3, 4])
    cert = expand(sig, order=3).certificate
    assert cert.converges is True and cert.g_max == 1 and cert.kind == "exact"


def test_offset_without_zero_crossing_has_g_min_above_minus_one():
    sig = MultiTone(amplitudes=[1], frequencies=[1], offset=3)
    cert = expand(sig, order=3, regime="generic").certificate
    assert cert.g_min == sympy.Rational(4, 8) - 1 and cert.g_max == 1


# ------------------------------------------------------------------ guards and errors
def test_resource_guard_refuses_quickly():
    sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[1, *(sympy.sqrt(p) for p in (2, 3, 5))])
    e = expand(sig, order=50, center="peak")
    with pytest.raises(sr.ResourceLimitError, match=r"about .* polynomial terms"):
        e.spectrum()


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        (dict(order=-1), sr.SeriesOrderError, "non-negative integer"),
        (dict(order=2.5), sr.SeriesOrderError, "non-negative integer"),
        (dict(center="median"), sr.CenterError, "unknown center 'median'"),
        (dict(center=-2), sr.CenterError, "must be positive"),
        (dict(center=0), sr.CenterError, "must be positive"),
        (dict(activation="nosuch"), sr.ActivationError, "unknown activation 'nosuch'"),
        (dict(regime="torus"), sr.RegimeError, "regime must be"),
    ],
)
def test_expand_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        expand(PAPER, **kwargs)


def test_periodic_regime_needs_one_base_frequency():
    # 1 and sqrt(2) are independent over Q (rank 2): no base frequency, no period
    with pytest.raises(sr.RegimeError, match="rank 2"):
        expand(MultiTone(amplitudes=[1, 1], frequencies=[1, sympy.sqrt(2)]), regime="periodic")


def test_coefficient_off_the_grid():
    e = expand(PAPER, order=2)
    with pytest.raises(sr.FrequencyNotPresentError, match="not a multiple of the base frequency 5"):
        e.coefficient(7.5)
    assert e.coefficient(10**6) == 0  # on the grid, beyond the reach of order 2
    g = expand(MultiTone.symbolic(2), order=2)
    with pytest.raises(sr.FrequencyNotPresentError, match="tuple of 2 integers"):
        g.coefficient(3)


def test_float_frequencies_with_a_huge_period_collapse_exactly():
    # 1.4142135623730951 is rational: the periodic regime applies, with harmonic numbers
    # too large to pack, so the generic spectrum is collapsed onto k.m.
    sig = MultiTone(amplitudes=[1, 1], frequencies=[1, math.sqrt(2)])
    e = expand(sig, order=3)
    assert e.regime == "periodic"
    generic = expand(sig, order=3, regime="generic")
    assert e.dc == generic.dc  # no k != 0 has k.m = 0 within order 3
    assert e.certificate.kind == "bound" and e.certificate.converges is True


def test_expand_needs_a_multitone():
    with pytest.raises(sr.ToneSpecError, match="needs a MultiTone"):
        expand("1@5", order=2)
