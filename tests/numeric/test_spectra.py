"""FFT spectra: amplitude convention, folding, and convergence of sampled ReLU."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from symrelu.numeric import coefficients, fold, sample, sampling_error_bound, spectrum

import symrelu as sr


def test_unit_cosine_reads_one_with_phase_dc_and_nyquist():
    fs, n = 32, 32
    t = np.arange(n) / fs
    y = -0.25 + 1.0 * np.cos(2 * np.pi * 3 * t - 1.0) + 0.5 * np.cos(np.pi * fs * t)
    f, a, p = spectrum(y, fs)
    assert f[3] == 3.0
    np.testing.assert_allclose([a[0], a[3], a[-1]], [0.25, 1.0, 0.5], atol=1e-14)
    np.testing.assert_allclose([p[0], p[3]], [np.pi, -1.0], atol=1e-14)


def test_fold_places_aliases_like_the_dft():
    fs, n = 10, 10
    t = np.arange(n) / fs
    # 13 Hz aliases to 3 Hz with the same phase; 7 Hz to 3 Hz conjugated
    y = np.cos(2 * np.pi * 13 * t + 0.4) + np.cos(2 * np.pi * 7 * t + 0.2)
    expected = fold({13: 0.5 * np.exp(0.4j), 7: 0.5 * np.exp(0.2j)}, fs, n)
    np.testing.assert_allclose(coefficients(y, fs)[1], expected, atol=1e-14)
    with pytest.raises(ValueError, match="not on the DFT grid"):
        fold({2.5: 1}, fs, n)


@settings(max_examples=12)
@given(
    harmonics=st.lists(st.integers(1, 5), min_size=1, max_size=3, unique=True),
    amps=st.lists(st.integers(-3, 3).filter(bool), min_size=3, max_size=3),
    phase=st.sampled_from([0, "pi/4", "1/3"]),
    order=st.integers(0, 6),
    fs=st.sampled_from([16, 64, 256]),
)
def test_fft_of_sampled_truncated_series_equals_exact_spectrum(harmonics, amps, phase, order, fs):
    sig = sr.MultiTone(amplitudes=amps[: len(harmonics)], frequencies=harmonics,
                       phases=[phase] + [0] * (len(harmonics) - 1))
    e = sr.expand(sig, order=order)
    t, y = sample(e, fs=fs, duration=2, aliasing="ignore")  # folding is part of the check
    measured = coefficients(y, fs)[1]
    np.testing.assert_allclose(measured, fold(e, fs, t.size), rtol=0, atol=1e-9)


def _relu_cos_coefficient(m):
    """Exact c_m of ReLU(cos th): 1/pi, 1/4, and (-1)^(k+1)/(pi (4k^2-1)) at m = 2k."""
    if m == 0:
        return 1 / np.pi
    if m == 1:
        return 0.25
    if m % 2:
        return 0.0
    k = m // 2
    return (-1) ** (k + 1) / (np.pi * (4 * k * k - 1))


def test_fft_of_sampled_relu_converges_at_rate_fs_minus_2():
    sig = sr.MultiTone(amplitudes=[1], frequencies=[1])
    rates = [16, 32, 64, 128, 256, 512]
    errors = []
    for fs in rates:
        _, x = sample(sig, fs=fs, duration=1)
        c = coefficients(np.maximum(x, 0), fs)[1]
        exact = np.array([_relu_cos_coefficient(m) for m in range(8)])
        err = np.max(np.abs(c[:8] - exact))
        assert err <= sampling_error_bound(sig, fs).coefficient
        errors.append(err)
    slope = np.polyfit(np.log(rates), np.log(errors), 1)[0]
    assert -2.2 < slope < -1.8   # the kinks make c_F ~ F^-2, so aliases sum to O(fs^-2)


def test_fft_of_sampled_relu_multitone_converges():
    sig = sr.MultiTone(amplitudes=[1, "1/2"], frequencies=[1, 3], phases=[0, "1/2"])
    ref_fs = 2**14
    _, x = sample(sig, fs=ref_fs, duration=1)
    ref = coefficients(np.maximum(x, 0), ref_fs)[1][:12]
    errs = []
    for fs in (32, 128, 512):
        _, x = sample(sig, fs=fs, duration=1)
        c = coefficients(np.maximum(x, 0), fs)[1][:12]
        errs.append(np.max(np.abs(c - ref)))
        assert errs[-1] <= sampling_error_bound(sig, fs).coefficient
    assert errs[2] < errs[1] < errs[0]
    assert errs[0] / errs[2] > 16**2 / 4   # roughly quadratic over a factor 16 in fs


def test_spectrum_rejects_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        spectrum(np.array([1.0, np.nan]), 2)
    with pytest.raises(ValueError, match="1-D array of samples or a 2-D array, channels x time"):
        spectrum(np.zeros((2, 2, 2)), 2)  # 2-D is a batch of channels
    assert sympy.Rational(1, 2)  # keep sympy imported for exact literals in future tests
