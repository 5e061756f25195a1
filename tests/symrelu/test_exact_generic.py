"""Generic-regime (torus) values: Bessel integral, phase-out, elliptic form agree."""

import mpmath
import pytest
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.exact.generic import bessel_integral, phase_out, two_tone_elliptic
from symrelu.exact.walk import walk_mean

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


def test_three_tones_against_mpmath_phase_out():
    # mpmath's nested phase-out quadrature is slow at full precision; 15 digits suffice here
    with mpmath.workdps(18):
        ref = phase_out(mp(0), [mp(3), mp(2), mp(1)], [0, 0, 0])
    value = sr.exact_dc(sr.MultiTone(amplitudes=[1, 2, 3], frequencies=[1, 2, 3]),
                        activation="abs", regime="generic", dps=30)
    with mpmath.workdps(30):
        assert abs(value - ref) < mp(10) ** -15


def test_four_tone_harmonic_and_intermodulation_coefficients():
    s = sr.MultiTone(amplitudes=[1, "0.8", "0.5", "0.3"], frequencies=[1, 2, 3, 5], offset="0.2")
    # a harmonic of one tone: the walk of the other three with a phase-out kernel
    c = sr.exact_coefficient(s, (0, 2, 0, 0), activation="abs", regime="generic", dps=20)
    with mpmath.workdps(30):
        ref = bessel_integral(mp("0.2"), [mp(1), mp("0.8"), mp("0.5"), mp("0.3")],
                              [0, 2, 0, 0], 30)
        assert abs(c - ref) < mp(10) ** -20 and abs(c) > 1e-3
    # three tones, intermodulation: nested phase-out over two phases
    t = sr.MultiTone(amplitudes=[1, "0.7", "0.4"], frequencies=[1, 2, 3])
    d = sr.exact_coefficient(t, (1, -1, 0), regime="generic", dps=25)
    with mpmath.workdps(30):
        ref = bessel_integral(mp(0), [mp(1), mp("0.7"), mp("0.4")], [1, 1, 0], 30) / 2
        assert abs(d - ref) < mp(10) ** -25


def test_unaffordable_second_method_is_refused_with_the_feasible_digits():
    s = sr.MultiTone(amplitudes=[1] * 4, frequencies=[1, 2, 3, 4])
    with pytest.raises(sr.PrecisionLimitError, match=r"at most \d+ digits|no digits"):
        sr.exact_coefficient(s, (1, 1, 0, 0), regime="generic", dps=20)
    seven = sr.MultiTone(amplitudes=[1] * 7, frequencies=range(1, 8))
    with pytest.raises(sr.PrecisionLimitError, match="7-tone torus DC"):
        sr.exact_dc(seven, regime="generic", dps=20)


def test_disagreeing_methods_raise_after_a_finer_retry(monkeypatch):
    import symrelu.exact.generic as generic

    calls = []

    def wrong(b, amps, rule):
        calls.append(rule.digits)
        return walk_mean(b, amps, rule) * (1 + arb(10) ** -12)

    monkeypatch.setattr(generic, "walk_mean", wrong)
    s = sr.MultiTone(amplitudes=[1, 1, 1], frequencies=[1, 2, 3])
    with pytest.raises(sr.VerificationError, match="planar random walk"):
        sr.exact_dc(s, regime="generic", dps=20)
    assert calls == [25, 35]

    def wrong_once(b, amps, rule):
        calls.append(rule.digits)
        value = walk_mean(b, amps, rule)
        return value * (1 + arb(10) ** -12) if len(calls) == 1 else value

    calls.clear()
    monkeypatch.setattr(generic, "walk_mean", wrong_once)
    good = sr.exact_dc(s, regime="generic", dps=20)
    assert calls == [25, 35]
    with mpmath.workdps(30):
        ref = bessel_integral(mp(0), [mp(1)] * 3, [0] * 3, 30) / 2
        assert abs(good - ref) < mp(10) ** -20


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


def test_second_method_stops_at_its_evaluation_budget(monkeypatch):
    import symrelu.exact.generic as generic

    monkeypatch.setattr(generic, "_EVALUATION_BUDGET", 100_000)  # passes the estimate
    s = sr.MultiTone(amplitudes=[1, "0.8", "0.5", "0.3", "0.2"], frequencies=[1, 2, 3, 4, 5],
                     offset="0.3")
    with pytest.raises(sr.PrecisionLimitError, match="stopped after 100,000"):
        sr.exact_dc(s, regime="generic", dps=10)
