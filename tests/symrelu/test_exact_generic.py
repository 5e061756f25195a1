"""Generic-regime (torus) values: Bessel integral, phase-out, elliptic form agree."""

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.exact.generic import bessel_integral, phase_out, two_tone_elliptic

mp = mpmath.mpf


def test_two_tone_dc_30_digits_by_elliptic_and_phase_out():
    g = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    value = sr.exact_dc(g, regime="generic", dps=30)
    with mpmath.workdps(40):
        ref = two_tone_elliptic(mp(1), mp("0.7")) / 2
        assert abs(value - ref) < mp(10) ** -29


@pytest.mark.parametrize("b, ks", [(mp(0), [0, 0]), (mp("0.3"), [0, 0]), (mp("0.3"), [1, 1]),
                                   (mp(0), [2, 0])])
def test_bessel_integral_matches_phase_out_two_tones(b, ks):
    with mpmath.workdps(30):
        amps = [mp(1), mp("0.7")]
        assert abs(bessel_integral(b, amps, ks, 30) - phase_out(b, amps, ks)) < mp(10) ** -28


def test_multi_index_coefficient_includes_phase():
    g = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2], phases=["0.4", "0.1"])
    plain = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    c = sr.exact_coefficient(g, (1, -1), regime="generic", dps=20)
    c0 = sr.exact_coefficient(plain, (1, -1), regime="generic", dps=20)
    with mpmath.workdps(20):
        assert abs(c - c0 * mpmath.expj(mp("0.3"))) < mp(10) ** -18
    with pytest.raises(sr.FrequencyNotPresentError):
        sr.exact_coefficient(g, 3, regime="generic")


def test_single_tone_generic_equals_periodic():
    s = sr.MultiTone(amplitudes=[2], frequencies=[1], offset="0.5")
    with mpmath.workdps(30):
        assert abs(sr.exact_dc(s, regime="generic", dps=30) - sr.exact_dc(s, dps=30)) \
            < mp(10) ** -29


def test_five_equal_tones_20_digits():
    s = sr.MultiTone(amplitudes=[1] * 5, frequencies=[1, 2, 3, 4, 5])
    value = sr.exact_dc(s, activation="abs", regime="generic", dps=20)
    assert mpmath.nstr(value, 20) == "1.2784355369056296638"


def test_three_tones_bessel_vs_phase_out():
    with mpmath.workdps(10):
        ref = phase_out(mp(0), [mp(3), mp(2), mp(1)], [0, 0, 0])
    value = sr.exact_dc(sr.MultiTone(amplitudes=[1, 2, 3], frequencies=[1, 2, 3]),
                        activation="abs", regime="generic", dps=12)
    assert abs(value - ref) < 1e-7


def test_too_many_digits_is_refused():
    s = sr.MultiTone(amplitudes=[1] * 4, frequencies=[1, 2, 3, 4])
    with pytest.raises(sr.PrecisionLimitError):
        sr.exact_dc(s, regime="generic", dps=500)


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40))
def test_two_tone_dc_is_symmetric_and_half_mean_abs(a, b):
    s = sr.MultiTone(amplitudes=[a / 10, b / 10], frequencies=[1, 2])
    t = sr.MultiTone(amplitudes=[b / 10, a / 10], frequencies=[1, 2])
    dc = sr.exact_dc(s, regime="generic", dps=20)
    assert dc == sr.exact_dc(t, regime="generic", dps=20)
    with mpmath.workdps(25):
        A, B = mp(a) / 10, mp(b) / 10
        assert abs(dc - two_tone_elliptic(A, B) / 2) < mp(10) ** -19
