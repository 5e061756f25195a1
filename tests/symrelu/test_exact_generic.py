"""Generic-regime (torus) values against oracles that are not the engine's own methods.

exact_dc / exact_coefficient verify a torus value by two of: phase-out quadrature (mpmath, two
tones), the elliptic closed form (two tones, b = 0), the Bessel integral (two tones with an
offset or k != 0, and three or more tones) and the Arb walks (three or more tones). The expected
values here come from elsewhere: closed forms derived by hand, trapezoid rules on the torus
(written here, with an error bound or a measured convergence), and, for three tones, mpmath
nested phase-out quadrature (which the engine does not run for three or more tones).
"""

import mpmath
import numpy as np
import pytest
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.exact.generic import bessel_integral, phase_out
from symrelu.exact.walk import walk_mean

mp = mpmath.mpf


def _two_tone_mean_abs(A, B, digits):
    r"""mean |A cos t1 + B cos t2| over the torus, A > B > 0, to ``digits`` digits (mpmath).

    The mean over t1 is elementary, mean_t |s + A cos t| = (2/pi)(s asin(s/A) + sqrt(A^2 - s^2))
    for |s| < A; with s = B cos t2 it is analytic and 2 pi-periodic in t2 on the strip
    |Im t2| < a0 = acosh(A/B), so the N-point trapezoid rule converges geometrically. With
    a = 3 a0 / 4, r = B cosh(a) / A < 1, |asin z| <= |z| / sqrt(1 - |z|^2) and
    |sqrt(A^2 - s^2)| <= A sqrt(1 + r^2), the integrand is bounded on the strip by
    M = (2/pi) A (r^2 / sqrt(1 - r^2) + sqrt(1 + r^2)), and the mean's error is at most
    2 M / (e^{aN} - 1) (Trefethen & Weideman, SIAM Review 56 (2014), Theorem 3.2, divided by
    2 pi). N is the least that makes that bound below 10^-(digits + 2).
    """
    with mpmath.workdps(digits + 10):
        A, B = mp(A), mp(B)
        a = 3 * mpmath.acosh(A / B) / 4
        r = B * mpmath.cosh(a) / A
        M = 2 / mpmath.pi * A * (r**2 / mpmath.sqrt(1 - r**2) + mpmath.sqrt(1 + r**2))
        N = int(mpmath.ceil(mpmath.log(2 * M * mp(10) ** (digits + 2) + 1) / a))

        def kernel(s):
            return 2 / mpmath.pi * (s * mpmath.asin(s / A) + mpmath.sqrt(A**2 - s**2))

        total = mpmath.fsum(kernel(B * mpmath.cos(2 * mpmath.pi * j / N)) for j in range(N))
        return total / N


def _grid_coefficient(b, amps, ks, n):
    """Coefficient of exp(i k.theta) in |b + sum A_j cos theta_j| by the plain n^K trapezoid
    rule on the torus (numpy float64): mean of |x| cos(k_1 theta_1) ... cos(k_K theta_K)."""
    th = 2 * np.pi * np.arange(n) / n
    x, w = np.full((n,) * len(amps), float(b)), np.ones((n,) * len(amps))
    for j, (A, k) in enumerate(zip(amps, ks)):
        shape = [1] * len(amps)
        shape[j] = n
        x = x + float(A) * np.cos(th).reshape(shape)
        w = w * np.cos(k * th).reshape(shape)
    return float(np.mean(np.abs(x) * w))


def _phase_out_kernel(s, A, k):
    r"""(1/pi) int_0^pi |s + A cos t| cos(kt) dt for arrays s (numpy), by hand.

    For |s| < A the sign changes at alpha = acos(-s/A): the integral is 2 F(alpha) - F(pi) with
    F(t) = int_0^t (s + A cos u) cos(ku) du; for |s| >= A it is sign(s) F(pi).
    """
    s = np.asarray(s, dtype=float)
    end = np.pi * s if k == 0 else np.full_like(s, A * np.pi / 2 if k == 1 else 0.0)
    out = np.sign(s) * end / np.pi
    m = np.abs(s) < A
    t, sm = np.arccos(-s[m] / A), s[m]
    if k == 0:
        F = sm * t + A * np.sin(t)
    elif k == 1:
        F = sm * np.sin(t) + A / 2 * (t + np.sin(2 * t) / 2)
    else:
        F = sm * np.sin(k * t) / k + A / 2 * (np.sin((k + 1) * t) / (k + 1)
                                              + np.sin((k - 1) * t) / (k - 1))
    out[m] = (2 * F - end[m]) / np.pi
    return out


def _phased_grid(b, first, rest, n):
    """Torus coefficient of |x|: tone ``first = (A, k)`` phased out by hand, the ``rest``
    [(A, k), ...] on an n-point trapezoid grid per phase (numpy float64)."""
    th = 2 * np.pi * np.arange(n) / n
    s, w = np.full((n,) * len(rest), float(b)), np.ones((n,) * len(rest))
    for j, (A, k) in enumerate(rest):
        shape = [1] * len(rest)
        shape[j] = n
        s = s + A * np.cos(th).reshape(shape)
        w = w * np.cos(k * th).reshape(shape)
    return float(np.mean(_phase_out_kernel(s, *first) * w))


def test_two_tone_dc_30_digits_against_a_trapezoid_oracle():
    g = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    value = sr.exact_dc(g, regime="generic", dps=30)
    with mpmath.workdps(40):
        ref = _two_tone_mean_abs(1, "0.7", 35) / 2  # ReLU = (x + |x|)/2 and mean x = 0
        assert abs(value - ref) < mp(10) ** -29


def test_two_equal_tones_have_the_closed_form_dc():
    # cos t1 + cos t2 = 2 cos u cos v with u = (t1 + t2)/2, v = (t1 - t2)/2 uniform and
    # independent on the torus, so mean |cos t1 + cos t2| = 2 (2/pi)^2 = 8/pi^2 (equivalently
    # (4/pi^2)(A + B) E(4AB/(A + B)^2) at A = B = 1 with E(1) = 1)
    for amp, (p, q) in (("1", (1, 1)), ("3/7", (3, 7))):
        g = sr.MultiTone(amplitudes=[amp, amp], frequencies=[1, 2])
        abs_dc = sr.exact_dc(g, activation="abs", regime="generic", dps=30)
        relu_dc = sr.exact_dc(g, regime="generic", dps=30)
        with mpmath.workdps(40):
            want = 8 * mp(p) / q / mpmath.pi**2
            assert abs(abs_dc - want) < mp(10) ** -29
            assert abs(relu_dc - want / 2) < mp(10) ** -29


@pytest.mark.parametrize("b, ks", [("0.3", (0, 0)), ("0.3", (1, 1)), ("0", (2, 0)),
                                   ("0", (1, 1))])
def test_two_tone_coefficients_against_a_torus_grid(b, ks):
    # x = b + cos t1 + 0.7 cos t2 has kinks along its zero curve; the 1024^2-point trapezoid
    # error was measured at <= 2e-8 for N = 512, 1024 and 2048 (it decays like N^-2 or faster)
    sig = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2], offset=b)
    c = sr.exact_coefficient(sig, ks, activation="abs", regime="generic", dps=20)
    assert abs(complex(c) - _grid_coefficient(b, [1, 0.7], ks, 1024)) < 1e-7


@pytest.mark.parametrize("b, ks", [(mp(0), [0, 0]), (mp("0.3"), [0, 0]), (mp("0.3"), [1, 1]),
                                   (mp(0), [2, 0])])
def test_bessel_integral_matches_phase_out_two_tones(b, ks):
    # a unit test of the two internal methods against each other at 28 digits; their values are
    # checked against independent oracles above
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
    # the 20 digits are the engine's (Bessel integral and planar walk agree, a regression
    # value); independently, one tone phased out by hand and a 41^4 trapezoid grid over the
    # other four give them to 2e-6 (odd grids of 37..57 points measured within 6e-7)
    assert mpmath.nstr(value, 20) == "1.2784355369056296638"
    assert abs(float(value) - _phased_grid(0, (1.0, 0), [(1.0, 0)] * 4, 41)) < 2e-6


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
    # oracle: the 0.8 tone phased out by hand (k = 2), a 128^3 trapezoid grid over the others;
    # its error was measured 2e-6, 2e-7, 1e-8, 3e-10 at 32, 64, 128, 256 points per phase
    ref = _phased_grid(0.2, (0.8, 2), [(1.0, 0), (0.5, 0), (0.3, 0)], 128)
    assert abs(complex(c) - ref) < 1e-7 and abs(c) > 1e-3
    # three tones, intermodulation: nested phase-out over two phases
    t = sr.MultiTone(amplitudes=[1, "0.7", "0.4"], frequencies=[1, 2, 3])
    d = sr.exact_coefficient(t, (1, -1, 0), regime="generic", dps=25)
    # oracle: tone 1 phased out by hand (k = 1), a 1024^2 grid over the others (measured error
    # below 1e-9 at 256, 512 and 1024 points); ReLU's coefficient is half of |x|'s here
    ref = _phased_grid(0, (1.0, 1), [(0.7, 1), (0.4, 0)], 1024) / 2
    assert abs(complex(d) - ref) < 1e-8


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
    # oracle: mpmath nested phase-out quadrature (not one of the engine's methods for a
    # three-tone DC: those are the Bessel integral and the planar walk), fine enough to tell
    # the 1e-12 error injected above
    with mpmath.workdps(18):
        ref = phase_out(mp(0), [mp(1)] * 3, [0] * 3) / 2
        assert abs(good - ref) < mp(10) ** -15


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
        A, B = mp(max(a, b)) / 10, mp(min(a, b)) / 10
        # equal amplitudes: 8A/pi^2 (test_two_equal_tones_have_the_closed_form_dc)
        ref = 8 * A / mpmath.pi**2 if a == b else _two_tone_mean_abs(A, B, 22)
        assert abs(dc - ref / 2) < mp(10) ** -19


def test_second_method_stops_at_its_evaluation_budget(monkeypatch):
    import symrelu.exact.generic as generic

    monkeypatch.setattr(generic, "_EVALUATION_BUDGET", 100_000)  # passes the estimate
    s = sr.MultiTone(amplitudes=[1, "0.8", "0.5", "0.3", "0.2"], frequencies=[1, 2, 3, 4, 5],
                     offset="0.3")
    with pytest.raises(sr.PrecisionLimitError, match="stopped after 100,000"):
        sr.exact_dc(s, regime="generic", dps=10)
