"""symrelu.numeric.testing as an oracle: the signal's exact values are the default reference.

The layer under test is the paper's signal x = cos 2pi5t + cos 2pi10t + cos 2pi20t + cos 2pi40t
sampled at fs = 1024 for 1 s (1024 samples, a coherent window), through ReLU. A correct output
passes; a 0.1 % DC bias or a 0.1 % error in one harmonic fails with a message naming the bin.
Independent oracles for the reference itself: the Dirichlet-kernel closed form of sampled
ReLU(cos), symrelu.exact_dc with the rigorous sampling bound, and plain float64 evaluation.
"""

import math
import re
import warnings

import numpy as np
import pytest
import sympy
from symrelu.numeric import exact_samples, sample, sampling_error_bound, testing

import symrelu as sr

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
FS = N = 1024


@pytest.fixture(scope="module")
def paper_relu():
    _, x = sample(PAPER, fs=FS, duration=1)
    return np.maximum(x, 0)


def _scale_bin(y, k, factor):
    Y = np.fft.rfft(y)
    Y[k] *= factor
    return np.fft.irfft(Y, n=y.size)


# --------------------------------------------------------------- correct outputs
def test_correct_relu_passes_with_default_arguments(paper_relu):
    check = testing.assert_spectrum_close(paper_relu, FS, PAPER)
    assert check.freqs.size == N // 2 + 1 and check.reference == "exact samples"
    assert check.coherent is True and check.truncation == check.sampling == 0
    # numpy float64 samples against 30-digit ones: only rounding separates them
    assert check.max_difference < 1e-13
    dc = testing.assert_dc_close(paper_relu, PAPER, fs=FS)
    assert dc.reference == "exact mean of the samples" and dc.abs_err < 1e-14
    # the default slack is 1e-4 of a value's own size + 1e-5 of the peak (4): far below the
    # 0.177 per bin an order-20 expansion's certificate allowed
    assert check.allowed.max() < 1.1e-4 and dc.allowed < 1e-4


def test_float32_torch_relu_passes():
    torch = pytest.importorskip("torch")  # a third-party optional dependency, not ours
    t = torch.arange(N, dtype=torch.float32) / FS
    x = sum(torch.cos(2 * torch.pi * f * t) for f in (5, 10, 20, 40))  # all in float32
    y = torch.relu(x)
    assert y.dtype == torch.float32
    check = testing.assert_spectrum_close(y, FS, PAPER)
    # float32 rounding (6e-8 relative, plus phase error 2 pi f t 6e-8) stays far inside
    assert 1e-8 < check.max_difference < 1e-5
    testing.assert_dc_close(y, PAPER, fs=FS)


# ------------------------------------------------------------------ wrong outputs
@pytest.mark.parametrize("bias", [1e-3 * 0.5744, 1e-3 * 4.0], ids=["0.1% of DC", "0.1% of peak"])
def test_dc_bias_of_a_tenth_of_a_percent_fails_naming_dc(paper_relu, bias):
    y = paper_relu + bias
    with pytest.raises(AssertionError) as info:
        testing.assert_spectrum_close(y, FS, PAPER)
    msg = str(info.value)
    assert "worst bin: DC (F = 0)" in msg and "1 fail" in msg
    table = msg.splitlines()[msg.splitlines().index(next(
        s for s in msg.splitlines() if s.lstrip().startswith("frequency"))) + 1:]
    assert table[0].split()[0] == "DC"
    assert float(table[0].split()[3]) == pytest.approx(bias, rel=1e-6)
    with pytest.raises(AssertionError, match="DC not close"):
        testing.assert_dc_close(y, PAPER, fs=FS)


def test_harmonic_error_of_a_tenth_of_a_percent_fails_naming_the_bin(paper_relu):
    y = _scale_bin(paper_relu, 10, 1.001)           # bin 10 is 10 Hz (fs / n = 1 Hz)
    with pytest.raises(AssertionError) as info:
        testing.assert_spectrum_close(y, FS, PAPER)
    msg = str(info.value)
    assert re.search(r"worst bin: 10: expected 0\.684\d+, measured 0\.685\d+", msg), msg
    assert "1 fail" in msg
    testing.assert_dc_close(y, PAPER, fs=FS)         # the DC was not touched


def test_smaller_harmonics_caught_above_the_documented_threshold(paper_relu):
    # 0.1 % of a bin is caught once the bin exceeds 4e-5 / (1e-3 - 1e-4) = 0.044 (module doc)
    _, amps = np.fft.rfftfreq(N, 1 / FS), 2 * np.abs(np.fft.rfft(paper_relu)) / N
    big = [k for k in range(1, N // 2) if amps[k] > 0.05]
    small = [k for k in range(1, N // 2) if 1e-6 < amps[k] < 0.03]
    assert big and small
    for k in big[:6]:
        assert not testing.check_spectrum(_scale_bin(paper_relu, k, 1.001), FS, PAPER).passed
    for k in small[:6]:
        assert testing.check_spectrum(_scale_bin(paper_relu, k, 1.001), FS, PAPER).passed


@pytest.mark.parametrize("order", [20, 50])
def test_expansion_as_expected_means_its_exact_values(paper_relu, order):
    e = sr.expand(PAPER, order=order, center="peak")
    testing.assert_spectrum_close(paper_relu, FS, e)
    testing.assert_dc_close(paper_relu, e, fs=FS)
    with pytest.raises(AssertionError, match="worst bin: DC"):
        testing.assert_spectrum_close(paper_relu + 0.05, FS, e)   # the 5 % bias
    with pytest.raises(AssertionError, match="DC not close"):
        testing.assert_dc_close(paper_relu + 0.05, e, fs=FS)


@pytest.mark.parametrize("order", [20, 50])
def test_truncated_reference_warns_that_its_allowance_hides_errors(paper_relu, order):
    e = sr.expand(PAPER, order=order, center="peak")
    with pytest.warns(testing.TruncatedReferenceWarning, match="errors up to"):
        check = testing.check_spectrum(paper_relu + 0.05, FS, e, reference="truncated")
    assert check.passed        # what the warning is about: 2B per bin swallows the bias
    assert check.truncation == pytest.approx(float(e.certificate.sup_error_bound))
    with pytest.warns(testing.TruncatedReferenceWarning, match="at DC"):
        assert testing.check_dc(paper_relu + 0.05, e, fs=FS, reference="truncated").passed
    # asking only for what the series can certify: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        testing.check_spectrum(paper_relu, FS, e, reference="truncated", atol=1.0)


# ------------------------------------------------------ the reference, independently
def test_reference_matches_the_dirichlet_closed_form_of_sampled_relu_cos():
    # ReLU(cos(2 pi k/64)) is cos(2 pi k/64) for |k| <= 15 (k = +-16 give 0), 0 otherwise, so its
    # DFT is (D(j-1) + D(j+1)) / 128 with D(j) = sum_{|k|<=15} e^{-2 pi i jk/64} =
    # sin(31 pi j/64) / sin(pi j/64) (D(0) = 31): a closed form for every bin.
    def D(j):
        return 31.0 if j % 64 == 0 else math.sin(31 * math.pi * j / 64) / math.sin(math.pi * j / 64)

    closed = np.array([(D(j - 1) + D(j + 1)) / 128 for j in range(33)])
    sig = sr.MultiTone(amplitudes=[1], frequencies=[1])
    y = np.maximum(np.cos(2 * np.pi * np.arange(64) / 64), 0)
    check = testing.check_spectrum(y, 64, sig)
    np.testing.assert_allclose(check.expected.real, closed, rtol=0, atol=1e-15)
    np.testing.assert_allclose(check.expected.imag, 0, atol=1e-15)
    assert testing.check_dc(y, sig, fs=64).exact == pytest.approx(closed[0], rel=1e-15)


def test_exact_mean_of_samples_versus_the_continuous_dc():
    # the numbers: the mean of the samples is 2.4e-6 below the exact DC, inside the
    # rigorous bound 6.3e-3 of sampling_error_bound
    mean = float(np.mean(exact_samples(PAPER, FS, N)))
    exact = float(sr.exact_dc(PAPER))
    assert 2.3e-6 < exact - mean < 2.5e-6
    assert exact - mean < sampling_error_bound(PAPER, FS).dc
    # without fs the helper falls back on the continuous DC, and says so
    _, x = sample(PAPER, fs=FS, duration=1)
    check = testing.check_dc(np.maximum(x, 0), PAPER)
    assert check.reference == "continuous exact DC" and check.exact == pytest.approx(exact)


def test_incommensurate_signal_and_non_coherent_window():
    # frequency 1 and sqrt(2): no window is coherent; exact samples still give the DFT a correct
    # output must have (the float64 signal agrees to rounding)
    sig = sr.MultiTone(amplitudes=[1, "1/2"], frequencies=[1, sympy.sqrt(2)])
    t = np.arange(256) / 32
    y = np.maximum(np.cos(2 * np.pi * t) + 0.5 * np.cos(2 * np.pi * math.sqrt(2) * t), 0)
    check = testing.assert_spectrum_close(y, 32, sig)
    assert check.coherent is False and check.max_difference < 1e-12
    with pytest.raises(AssertionError, match="worst bin: DC"):
        testing.assert_spectrum_close(y + 1e-3 * y.mean(), 32, sig)


def test_other_activations_and_start_times(paper_relu):
    _, x = sample(PAPER, fs=FS, duration=1)
    testing.assert_spectrum_close(np.abs(x), FS, PAPER, activation="abs")
    leaky = sr.LeakyReLU("0.1")
    testing.assert_spectrum_close(np.where(x > 0, x, 0.1 * x), FS, PAPER, activation=leaky)
    with pytest.raises(AssertionError):
        testing.assert_spectrum_close(paper_relu, FS, PAPER, activation="abs")
    t, xs = sample(PAPER, fs=FS, duration=1, t0=0.03)
    testing.assert_spectrum_close(np.maximum(xs, 0), FS, PAPER, t0=0.03)
    testing.assert_dc_close(np.maximum(xs, 0), PAPER, fs=FS, t0=0.03)
    with pytest.raises(AssertionError, match="worst bin"):     # wrong start time: phases differ
        testing.assert_spectrum_close(np.maximum(xs, 0), FS, PAPER)


def test_divergent_expansion_is_a_fine_exact_reference(paper_relu):
    e = sr.expand(PAPER, order=3, center="mean_square")      # g reaches 7: no certificate
    testing.assert_spectrum_close(paper_relu, FS, e)
    with pytest.raises(ValueError, match="convergence certificate"):
        testing.check_spectrum(paper_relu, FS, e, reference="truncated")


def test_result_objects_and_bad_arguments(paper_relu):
    d = testing.check_spectrum(paper_relu, FS, PAPER).to_dict()
    assert d["reference"] == "exact samples" and d["peak"] == 4.0 and d["passed"] is True
    assert testing.check_dc(paper_relu, PAPER, fs=FS).to_dict()["peak"] == 4.0
    with pytest.raises(ValueError, match="no use with the exact reference"):
        testing.check_spectrum(paper_relu, FS, PAPER, sampling_error="bound")
    with pytest.raises(ValueError, match="needs an Expansion"):
        testing.check_spectrum(paper_relu, FS, PAPER, reference="truncated")
    with pytest.raises(ValueError, match="reference must be"):
        testing.check_dc(paper_relu, PAPER, reference="series")
    with pytest.raises(ValueError, match="needs a mapping"):
        testing.check_spectrum(paper_relu, FS, PAPER, compare="listed")
    with pytest.raises(ValueError, match="differs from the signal"):
        testing.check_dc(paper_relu, PAPER, signal=sr.MultiTone(amplitudes=[1], frequencies=[5]))
    with pytest.raises(ValueError, match="rtol must be"):
        testing.check_spectrum(paper_relu, FS, PAPER, rtol=-1)
    with pytest.raises(ValueError, match="1-D array of samples or a 2-D array, channels x time"):
        testing.check_dc(np.ones((2, 2, 2)), PAPER, fs=FS)  # 2-D is a batch of channels
    with pytest.raises(TypeError, match="symbolic"):
        testing.check_spectrum(paper_relu, FS, sr.MultiTone.symbolic(2))
