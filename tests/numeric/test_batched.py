"""Batches, channels x time: sample, coefficients/spectrum and check_dc/assert_dc_close.

Each channel of a batch is checked against what the 1-D call gives for it and against an
independent value (numpy's cosines, a cosine's known amplitude, the mean of numpy's ReLU).
"""

from __future__ import annotations

import numpy as np
import pytest
import symrelu.numeric.testing as testing
from symrelu.numeric import NumericInputError, coefficients, sample, spectrum

import symrelu as sr

FS, N = 64, 64
T = np.arange(N) / FS
SIGNALS = [sr.MultiTone.parse("1@1"), sr.MultiTone.parse("0.5@2:0.3"),
           sr.MultiTone.parse("-0.2 + 1@3")]


def test_sample_a_list_gives_one_row_per_signal():
    t, y = sample(SIGNALS, fs=FS, duration=1)
    np.testing.assert_array_equal(t, T)
    assert y.shape == (3, N)
    # numpy's own cosines
    np.testing.assert_allclose(y[0], np.cos(2 * np.pi * T), atol=1e-14)
    np.testing.assert_allclose(y[1], 0.5 * np.cos(4 * np.pi * T + 0.3), atol=1e-14)
    np.testing.assert_allclose(y[2], -0.2 + np.cos(6 * np.pi * T), atol=1e-14)
    for row, sig in zip(y, SIGNALS):
        np.testing.assert_array_equal(row, sample(sig, fs=FS, duration=1)[1])


def test_sample_refuses_an_empty_batch():
    with pytest.raises(NumericInputError, match="at least one signal"):
        sample([], fs=FS, duration=1)


def test_spectrum_of_a_batch_is_per_channel():
    y = np.stack([np.cos(2 * np.pi * 3 * T), 2 * np.cos(2 * np.pi * 5 * T + 0.4), 0 * T + 0.7])
    freqs, amps, phases = spectrum(y, FS)
    assert amps.shape == phases.shape == (3, N // 2 + 1) and freqs.shape == (N // 2 + 1,)
    # known amplitudes: a unit cosine reads 1, the DC reads its value
    assert amps[0, 3] == pytest.approx(1.0) and amps[1, 5] == pytest.approx(2.0)
    assert phases[1, 5] == pytest.approx(0.4) and amps[2, 0] == pytest.approx(0.7)
    for i, row in enumerate(y):
        f1, a1, p1 = spectrum(row, FS)
        np.testing.assert_allclose(amps[i], a1, atol=1e-15)
        np.testing.assert_array_equal(f1, freqs)
    _, c = coefficients(y, FS)
    np.testing.assert_allclose(c[1], coefficients(y[1], FS)[1], atol=1e-15)


def test_even_length_batch_keeps_the_nyquist_bin_one_sided():
    y = np.stack([np.cos(np.pi * np.arange(8)), np.ones(8)])  # the Nyquist tone, alternating
    _, amps, _ = spectrum(y, 8)
    assert amps[0, -1] == pytest.approx(1.0) and amps[1, 0] == pytest.approx(1.0)


def test_check_dc_of_a_batch_with_one_reference_per_channel():
    _, x = sample(SIGNALS, fs=FS, duration=1)
    y = np.maximum(x, 0)
    checks = testing.check_dc(y, SIGNALS, fs=FS)
    assert [c.passed for c in checks] == [True, True, True]
    for c, row in zip(checks, y):
        assert c.exact == pytest.approx(float(np.mean(row)), abs=1e-15)  # numpy's ReLU mean
    y[1] *= 1.001  # a 0.1 % error in one channel
    assert [c.passed for c in testing.check_dc(y, SIGNALS, fs=FS)] == [True, False, True]
    with pytest.raises(AssertionError, match="channel 1 of 3: DC not close") as info:
        testing.assert_dc_close(y, SIGNALS, fs=FS)
    assert "channel 0" not in str(info.value) and "channel 2" not in str(info.value)


def test_a_shared_reference_is_computed_once(monkeypatch):
    calls = []
    original = testing.exact_samples

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(testing, "exact_samples", counting)
    y = np.tile(np.maximum(np.cos(2 * np.pi * T), 0), (4, 1))
    checks = testing.assert_dc_close(y, SIGNALS[0], fs=FS)
    assert len(checks) == 4 and all(c.passed for c in checks) and len(calls) == 1


def test_check_dc_batch_needs_one_reference_per_channel():
    with pytest.raises(NumericInputError, match="2 references for 3 channels"):
        testing.check_dc(np.zeros((3, N)), SIGNALS[:2], fs=FS)


def test_one_dimensional_calls_are_unchanged():
    y = np.maximum(np.cos(2 * np.pi * T), 0)
    c = testing.check_dc(y, SIGNALS[0], fs=FS)
    assert isinstance(c, testing.DCCheck) and c.passed
    assert isinstance(testing.assert_dc_close(y, SIGNALS[0], fs=FS), testing.DCCheck)
