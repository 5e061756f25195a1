"""Exact periodic-regime values against mpmath.quad split at the zeros, and properties."""

import mpmath
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.exact.periodic import zero_crossings

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])


def _quad_coefficient(sig, n, act, dps):
    """Reference: mpmath.quad of act(x) exp(-i n tau) split at the zeros of x."""
    _, lam, c = sr.exact._common.activation_weights(act)
    with mpmath.workdps(dps + 10):
        num = sr.exact._common.numeric_signal(sig)
        lam, c = sr.exact._common.to_mp(lam), sr.exact._common.to_mp(c)

        def x(tau):
            return num.offset + mpmath.fsum(
                A * mpmath.cos(m * tau + p)
                for A, m, p in zip(num.amplitudes, sig.harmonics, num.phases))

        pts = [-mpmath.pi, *zero_crossings(sig), mpmath.pi]
        value = mpmath.quad(lambda t: (lam * x(t) + c * abs(x(t))) * mpmath.expj(-n * t), pts)
        return value / (2 * mpmath.pi)


def test_paper_signal_dc_50_digits():
    value = sr.exact_dc(PAPER, dps=50)
    assert mpmath.nstr(value, 14) == "0.57444169533948"  # DESIGN.md 1.2 (published there)
    with mpmath.workdps(50):
        ref = _quad_coefficient(PAPER, 0, "relu", 50).real
        assert abs(value - ref) < mpmath.mpf(10) ** -48


@pytest.mark.parametrize(
    "sig, n",
    [
        (PAPER, 15),
        (PAPER, 40),
        (sr.MultiTone(amplitudes=[1, "0.6"], frequencies=[3, 7], phases=[0, "0.9"],
                      offset="0.2"), 3),
        (sr.MultiTone(amplitudes=[sympy.sqrt(2), 1], frequencies=[1, 2], offset="-0.3"), 2),
        (sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2]), 0),  # a double zero at pi
    ],
)
@pytest.mark.parametrize("act", ["relu", "abs", sr.LeakyReLU("0.1")])
def test_coefficients_match_quadrature(sig, n, act):
    f0 = sig.base_frequency
    value = sr.exact_coefficient(sig, n * f0, activation=act, dps=30)
    with mpmath.workdps(30):
        ref = _quad_coefficient(sig, n, act, 30)
        assert abs(value - ref) <= mpmath.mpf(10) ** -28 * (abs(ref) + 1e-20)


def test_single_tone_dc_is_a_over_pi():
    with mpmath.workdps(40):
        assert abs(sr.exact_dc(sr.MultiTone(amplitudes=["2.5"], frequencies=[3]), dps=40)
                   - mpmath.mpf("2.5") / mpmath.pi) < mpmath.mpf(10) ** -39


def test_negative_frequency_is_conjugate_and_grid_is_checked():
    sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2], phases=["0.3", 0])
    assert sr.exact_coefficient(sig, -1, dps=20) == mpmath.conj(sr.exact_coefficient(sig, 1, dps=20))
    with pytest.raises(sr.FrequencyNotPresentError):
        sr.exact_coefficient(PAPER, 7, dps=20)
    with pytest.raises(sr.FrequencyNotPresentError):
        sr.exact_coefficient(PAPER, (1, 0, 0, 0), dps=20)


def test_bad_input_is_a_clear_error():
    with pytest.raises(sr.SymbolicValueError, match="A"):
        sr.exact_dc(sr.MultiTone(amplitudes=["A"], frequencies=[1]))
    with pytest.raises(sr.PrecisionLimitError):
        sr.exact_dc(PAPER, dps=10**6)
    with pytest.raises(sr.ToneSpecError):
        sr.exact_dc(PAPER, dps=0)
    with pytest.raises(sr.ToneSpecError):
        sr.exact_dc([1, 2])


def test_zero_result_is_exactly_zero():
    neg = sr.MultiTone(amplitudes=[1], frequencies=[1], offset=-2)
    assert sr.exact_dc(neg, dps=20) == 0
    one = sr.MultiTone(amplitudes=[1], frequencies=[1])
    assert sr.exact_coefficient(one, 3, activation="abs", dps=20) == 0  # |cos| has no odd harmonic


def test_precision_is_left_alone():
    before = mpmath.mp.dps
    sr.exact_dc(PAPER, dps=40)
    assert mpmath.mp.dps == before


amp = st.integers(-9, 9).filter(bool).map(lambda v: sympy.Rational(v, 4))


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(amp, st.integers(1, 6)), min_size=1, max_size=3,
                unique_by=lambda t: t[1]),
       st.integers(0, 7))
@example([(sympy.Rational(1, 4), 3)], 1)  # mpf.man_exp dropped the sign of a negative value
@example([(sympy.Rational(3, 4), 1), (sympy.Rational(3, 2), 4), (sympy.Rational(-9, 4), 3)], 3)
# a tangency at the midpoint of an interval decided its sign
def test_dc_invariant_under_permutation_and_time_shift(tones, shift):
    amps, harms = zip(*tones)
    sig = sr.MultiTone(amplitudes=amps, frequencies=harms)
    perm = sr.MultiTone(amplitudes=amps[::-1], frequencies=harms[::-1])
    # a common time shift t -> t + s/8 adds phase 2 pi f s/8 to each tone
    phases = [sympy.pi * f * shift / 4 for f in harms]
    shifted = sr.MultiTone(amplitudes=amps, frequencies=harms, phases=phases)
    dc = sr.exact_dc(sig, dps=20)
    assert sr.exact_dc(perm, dps=20) == dc
    with mpmath.workdps(20):
        assert abs(sr.exact_dc(shifted, dps=20) - dc) <= mpmath.mpf(10) ** -18 * dc


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(amp, st.integers(1, 6)), min_size=1, max_size=3,
                unique_by=lambda t: t[1]))
def test_relu_dc_is_half_mean_abs_without_offset(tones):
    amps, harms = zip(*tones)
    sig = sr.MultiTone(amplitudes=amps, frequencies=harms)
    with mpmath.workdps(25):
        assert abs(sr.exact_dc(sig, dps=25) - sr.exact_dc(sig, activation="abs", dps=25) / 2) \
            <= mpmath.mpf(10) ** -23
