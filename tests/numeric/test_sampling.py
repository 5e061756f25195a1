"""Sampling: coherence and aliasing diagnostics, and the sampling-error bound of ReLU."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from symrelu.numeric import (
    AliasingError,
    AliasingWarning,
    CoherenceWarning,
    is_coherent,
    sample,
    sampling_error_bound,
)

import symrelu as sr

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])


def test_paper_setting_is_coherent_and_quiet():
    t, x = sample(PAPER, fs=1024, duration=8)  # filterwarnings=error: no warning allowed
    assert t.size == 8192 and t[1] == 1 / 1024
    assert x[0] == 4.0


def test_non_coherent_window_warns_with_leakage_size():
    with pytest.warns(CoherenceWarning, match=r"not coherent.*0.637.*A/\(pi d\)"):
        sample(PAPER, fs=1000, duration=0.25)   # 1.25 periods of 5 Hz
    assert not is_coherent(PAPER, 1000, 250)
    irrational = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, sympy.sqrt(2)])
    with pytest.warns(CoherenceWarning, match="incommensurate"):
        sample(irrational, fs=64, duration=1)


def test_input_aliasing_is_an_error_naming_both_numbers():
    with pytest.raises(AliasingError, match=r"fs = 64 Hz .*\(40 Hz, so fs > 80 Hz"):
        sample(PAPER, fs=64, duration=1)
    with pytest.raises(AliasingError):
        sample(PAPER, fs=80, duration=1)   # exactly twice is not enough


def test_expansion_content_above_nyquist_warns_with_fitting_order():
    e = sr.expand(PAPER, order=50)
    with pytest.warns(AliasingWarning, match=r"order 50 \(4000 Hz, so fs > 8000 Hz.*up to 6 fit"):
        sample(e, fs=1024, duration=1)
    with pytest.warns(AliasingWarning, match="order 3"):
        sample(PAPER, fs=400, duration=1, order=3)
    sample(e, fs=1024, duration=1, aliasing="ignore")
    sample(sr.expand(PAPER, order=6), fs=1024, duration=1)  # 480 Hz < 512: quiet


def test_duration_must_hold_whole_samples():
    with pytest.raises(ValueError, match="whole number of samples"):
        sample(PAPER, fs=1024, duration=0.0001)
    with pytest.raises(ValueError, match="exactly one"):
        sample(PAPER, fs=1024)


@settings(max_examples=10)
@given(
    harmonics=st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True),
    amps=st.lists(st.integers(1, 4), min_size=3, max_size=3),
    offset=st.sampled_from([0, "1/3", "-1/2"]),
    fs=st.sampled_from([16, 32, 64, 128]),
)
def test_sampling_error_bound_holds(harmonics, amps, offset, fs):
    sig = sr.MultiTone(amplitudes=amps[: len(harmonics)], frequencies=harmonics, offset=offset)
    _, x = sample(sig, fs=fs, duration=1)
    err = abs(np.maximum(x, 0).mean() - float(sr.exact_dc(sig, dps=30)))
    assert err <= sampling_error_bound(sig, fs).dc * (1 + 1e-9) + 1e-13
