"""symrelu.numeric.ppg: the synthetic PPG model, loading users' windows, the two-tone fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from symrelu.numeric import ppg
from symrelu.numeric.ppg import PPGInputError

# ------------------------------------------------------------------ synthetic


def test_shapes_rates_and_determinism():
    a = ppg.synthetic_ppg(72, n_windows=5, seed=3)
    assert a.windows.shape == (5, 256) and a.hr_bpm.shape == (5,) and a.fs == 32.0
    b = ppg.synthetic_ppg(72, n_windows=5, seed=3)
    np.testing.assert_array_equal(a.windows, b.windows)  # seeded
    c = ppg.synthetic_ppg(72, n_windows=2, seed=3)
    np.testing.assert_array_equal(a.windows[:2], c.windows)  # window i independent of the count
    d = ppg.synthetic_ppg(72, n_windows=5, seed=4)
    assert not np.allclose(a.windows, d.windows)


@pytest.mark.parametrize("hr", [45, 72, 100, 150])
def test_true_rate_and_spectral_peak(hr):
    s = ppg.synthetic_ppg(hr, n_windows=6, seed=0)
    assert np.all(np.abs(s.hr_bpm - hr) < 0.1 * hr)  # HRV moves the mean rate a little
    est = ppg.estimate_hr(s.windows, 32.0)
    # the fundamental is the highest peak; resolution of an 8 s window is 7.5 BPM
    np.testing.assert_allclose(est, s.hr_bpm, atol=5.0)


def test_heart_rate_variability_is_present_and_controlled():
    def rr_spread(hrv, rsa):
        s = ppg.synthetic_ppg(72, n_windows=20, seed=1, hrv=hrv, rsa=rsa)
        return np.std(s.hr_bpm)

    assert rr_spread(0.0, 0.0) < 1e-9  # no variability: every window has the nominal rate
    assert rr_spread(0.05, 0.05) > 0.2


def test_pulse_shape_has_systolic_peak_notch_and_diastolic_wave():
    u = np.linspace(0, 1, 2001)
    p = ppg.pulse_shape(u)
    d = np.diff(p)
    maxima = u[1:-1][(d[:-1] > 0) & (d[1:] <= 0)]
    minima = u[1:-1][(d[:-1] < 0) & (d[1:] >= 0)]
    assert maxima[0] == pytest.approx(0.2, abs=0.01)  # systolic peak
    assert len(maxima) == 2 and 0.4 < maxima[1] < 0.6  # diastolic wave
    assert np.any((minima > 0.3) & (minima < 0.45))  # the dicrotic notch between them


def test_noise_free_model_is_smooth_and_noise_adds_power():
    clean = ppg.synthetic_ppg(72, seed=2, noise=0.0).windows[0]
    noisy = ppg.synthetic_ppg(72, seed=2, noise=0.2).windows[0]
    hf = slice(100, None)  # bins above 12.5 Hz (0.125 Hz per bin)
    p_clean = np.abs(np.fft.rfft(clean))[hf].sum()
    p_noisy = np.abs(np.fft.rfft(noisy))[hf].sum()
    assert p_noisy > 5 * p_clean


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"hr_bpm": 5}, "between 20 and 300"),
        ({"hr_bpm": float("nan")}, "positive finite"),
        ({"hr_bpm": 72, "fs": 0}, "fs must be"),
        ({"hr_bpm": 72, "n_windows": 0}, "n_windows"),
        ({"hr_bpm": 72, "noise": -1}, "noise"),
    ],
)
def test_synthetic_bad_arguments(kwargs, match):
    with pytest.raises(PPGInputError, match=match):
        ppg.synthetic_ppg(**kwargs)


def test_standardise():
    x = ppg.standardise(ppg.synthetic_ppg(80, n_windows=3).windows)
    np.testing.assert_allclose(x.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(x.std(axis=1), 1, rtol=1e-12)
    with pytest.raises(PPGInputError, match="constant"):
        ppg.standardise(np.ones((2, 256)))


# ------------------------------------------------------------------ loading


def test_load_npy_2d_1d_and_csv(tmp_path):
    w = ppg.synthetic_ppg(72, n_windows=3).windows
    np.save(tmp_path / "w.npy", w)
    np.testing.assert_array_equal(ppg.load_windows(tmp_path / "w.npy", fs=32), w)
    np.save(tmp_path / "one.npy", w[0])
    assert ppg.load_windows(tmp_path / "one.npy", fs=32).shape == (1, 256)
    np.savetxt(tmp_path / "w.csv", w, delimiter=",", header="three windows")
    np.testing.assert_allclose(ppg.load_windows(tmp_path / "w.csv", fs=32.0), w, rtol=1e-15)


@pytest.mark.parametrize(
    "array, match",
    [
        (np.zeros((3, 200)), r"expected windows of 256 samples.*got shape \(3, 200\)"),
        (np.zeros((2, 3, 256)), r"got shape \(2, 3, 256\)"),
        (np.zeros((0, 256)), r"got shape \(0, 256\)"),
        (np.full((2, 256), np.nan), r"NaN or infinite values in window\(s\) \[0, 1\]"),
        (np.array([["a"] * 256]), "expected real numbers"),
    ],
)
def test_load_wrong_shapes_and_values(tmp_path, array, match):
    np.save(tmp_path / "bad.npy", array)
    with pytest.raises(PPGInputError, match=match):
        ppg.load_windows(tmp_path / "bad.npy", fs=32)


def test_load_wrong_sampling_rate_says_how_to_fix(tmp_path):
    np.save(tmp_path / "w.npy", np.zeros((1, 256)))
    with pytest.raises(PPGInputError, match=r"64 Hz but the model needs 32 Hz.*resample_poly\(x, 1, 2"):
        ppg.load_windows(tmp_path / "w.npy", fs=64)
    with pytest.raises(PPGInputError, match="up/down = 32/25"):
        ppg.load_windows(tmp_path / "w.npy", fs=25)
    with pytest.raises(PPGInputError, match="positive finite"):
        ppg.load_windows(tmp_path / "w.npy", fs=-32)


def test_load_file_problems(tmp_path):
    with pytest.raises(PPGInputError, match="no such file"):
        ppg.load_windows(tmp_path / "missing.npy", fs=32)
    (tmp_path / "w.txt").write_text("1,2,3")
    with pytest.raises(PPGInputError, match="unknown file type '.txt'"):
        ppg.load_windows(tmp_path / "w.txt", fs=32)
    (tmp_path / "ragged.csv").write_text("1,2,3\n1,2\n")
    with pytest.raises(PPGInputError, match="could not read numbers"):
        ppg.load_windows(tmp_path / "ragged.csv", fs=32)


# ------------------------------------------------------------------ two-tone fit


@given(
    b=st.floats(-2, 2),
    a1=st.floats(0.1, 3),
    a2=st.floats(0.0, 3),
    p1=st.floats(-3.1, 3.1),
    p2=st.floats(-3.1, 3.1),
    hr=st.floats(40, 200),
)
def test_fit_recovers_an_exact_two_tone(b, a1, a2, p1, p2, hr):
    t = np.arange(256) / 32
    w = 2 * np.pi * hr / 60
    x = b + a1 * np.cos(w * t + p1) + a2 * np.cos(2 * w * t + p2)
    fit = ppg.fit_two_tone(x, hr, 32)
    np.testing.assert_allclose(fit.samples(), x, atol=1e-9)  # least squares, exact model
    assert fit.offset == pytest.approx(b, abs=1e-9)
    assert fit.amplitudes == pytest.approx((a1, a2), abs=1e-9)
    assert np.cos(fit.phases[0] - p1) == pytest.approx(1, abs=1e-9)
    assert fit.residual_share < 1e-15


def test_fit_on_ppg_leaves_a_residual_and_builds_a_multitone():
    s = ppg.synthetic_ppg(72, seed=0)
    x = ppg.standardise(s.windows)[0]
    fit = ppg.fit_two_tone(x, s.hr_bpm[0])
    assert 0.05 < fit.residual_share < 0.8  # a pulse is more than two harmonics
    assert fit.amplitudes[0] > fit.amplitudes[1] > 0
    sig = fit.multitone()
    assert len(sig.amplitudes) == 2
    assert float(sig.frequencies[1]) == pytest.approx(2 * fit.frequency, rel=1e-12)


def test_fit_rejects_aliased_second_harmonic_and_bad_shapes():
    with pytest.raises(PPGInputError, match="Nyquist"):
        ppg.fit_two_tone(np.zeros(256), 290, fs=8)
    with pytest.raises(PPGInputError, match="one window"):
        ppg.fit_two_tone(np.zeros((2, 256)), 72)
