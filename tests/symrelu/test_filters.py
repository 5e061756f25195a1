"""filter_signal and filtered_dc: infinite limit and finite causal window."""

import mpmath
import numpy as np
import pytest
import sympy

import symrelu as sr


def test_single_tone_dc_is_a_h_over_pi():
    sig = sr.MultiTone(amplitudes=["0.8"], frequencies=[3])
    dc = sr.filtered_dc(sig, [1, -1], 32, dps=30)
    with mpmath.workdps(30):
        ref = mpmath.mpf("0.8") * 2 * mpmath.sin(mpmath.pi * 3 / 32) / mpmath.pi
        assert abs(dc - ref) < mpmath.mpf(10) ** -29


def test_filter_signal_exact_gain_and_phase():
    out = sr.filter_signal(sr.MultiTone(amplitudes=[1], frequencies=[8], offset=2), [1, 1], 32,
                           bias="0.5")
    assert out.amplitudes == (sympy.sqrt(2),)
    assert out.phases == (-sympy.pi / 4,)
    assert out.offset == sympy.Rational(9, 2)


def test_finite_window_matches_numpy_and_tends_to_limit():
    sig = sr.MultiTone(amplitudes=[1, "0.5"], frequencies=[3, 5], phases=[0, "0.3"])
    taps = np.array([0.25, -0.5, 0.125])
    n = 256
    t = np.arange(n) / 32
    x = np.cos(2 * np.pi * 3 * t) + 0.5 * np.cos(2 * np.pi * 5 * t + 0.3)
    y = np.convolve(x, taps)[:n] + 0.1
    dc = sr.filtered_dc(sig, taps, 32, n=n, bias=0.1, dps=25)
    assert abs(float(dc) - np.maximum(y, 0).mean()) < 1e-12
    limit = sr.filtered_dc(sig, taps, 32, bias=0.1, dps=25)
    long = sr.filtered_dc(sig, taps, 32, n=32 * 40, bias=0.1, dps=25)
    assert abs(long - limit) < 0.01  # edge effect of 2 samples out of 1280


def test_exact_zero_samples_are_decided():
    sig = sr.MultiTone(amplitudes=[1], frequencies=[3])
    # fs = 6: x[m] = (-1)^m, so y[m] = x[m] + x[m-1] = 0 exactly for m >= 1
    with mpmath.workdps(30):
        assert sr.filtered_dc(sig, [1, 1], 6, n=10, dps=30) == mpmath.mpf(1) / 10
    assert sr.filtered_dc(sig, [1, 1], 6, dps=30) == 0


def test_leaky_relu_and_bad_input():
    sig = sr.MultiTone(amplitudes=[1], frequencies=[3])
    a = sr.filtered_dc(sig, ["1/2", "1/2"], 32, n=64, activation=sr.LeakyReLU("0.1"), dps=20)
    b = sr.filtered_dc(sig, ["1/2", "1/2"], 32, n=64, activation="relu", dps=20)
    assert a != b
    with pytest.raises(sr.ToneSpecError):
        sr.filtered_dc(sig, [1], 32, n=0)
    with pytest.raises(sr.SymbolicValueError):
        sr.filtered_dc(sig, ["h"], 32)
    with pytest.raises(sr.ToneSpecError):
        sr.filtered_dc(sig, [1], -2)
