"""symrelu.numeric.testing: pass on correct inputs, fail with the listed message on wrong ones."""

import re

import numpy as np
import pytest
import sympy
from symrelu.numeric import sample, testing

import symrelu as sr

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])


@pytest.fixture(scope="module")
def paper_relu():
    _, x = sample(PAPER, fs=1024, duration=1)
    return np.maximum(x, 0)


@pytest.fixture(scope="module")
def paper_expansion():
    return sr.expand(PAPER, order=20, center="peak")


def test_spectrum_passes_against_truncated_expansion_within_certificate(paper_relu,
                                                                      paper_expansion):
    with pytest.warns(testing.TruncatedReferenceWarning):
        check = testing.assert_spectrum_close(paper_relu, 1024, paper_expansion,
                                              reference="truncated")
    assert check.passed and check.truncation > 0
    assert check.freqs.size == 513          # every bin 0..fs/2 compared
    assert check.max_difference < 2 * check.truncation


def test_spectrum_fails_without_truncation_allowance_and_lists_worst(paper_relu, paper_expansion):
    with pytest.raises(AssertionError) as info:
        testing.assert_spectrum_close(paper_relu, 1024, paper_expansion, truncation=False,
                                      reference="truncated", atol=1e-9, rtol=0,
                                      err_msg="layer 1")
    msg = str(info.value)
    assert msg.startswith("Spectra not close: layer 1")
    assert "reference: truncated series (order 20), folded" in msg
    assert re.search(r"frequency\s+expected\s+measured\s+difference\s+allowed", msg)
    rows = msg.splitlines()[5:]
    assert len(rows) == 5
    first = rows[0].split()
    assert first[0] == "DC"                 # the DC is where the order-20 series is worst
    assert msg.splitlines()[2].startswith("worst bin: DC (F = 0)")
    assert float(first[1]) == pytest.approx(float(paper_expansion.dc), rel=1e-7)
    assert float(first[2]) == pytest.approx(paper_relu.mean(), rel=1e-7)


def test_spectrum_mapping_listed_and_amplitude_convention():
    t = np.arange(128) / 128
    y = 0.3 + 2 * np.cos(2 * np.pi * 5 * t + 0.5)
    testing.assert_spectrum_close(y, 128, {0: sympy.Rational(3, 10), 5: np.exp(0.5j)})
    testing.assert_spectrum_close(y, 128, {0: 0.3, 5: 2.0}, convention="amplitude")
    with pytest.raises(AssertionError, match=r"1 fail"):
        testing.assert_spectrum_close(y, 128, {0: 0.3, 5: 1.0})      # c_5 is 1, not 1/2
    with pytest.raises(AssertionError, match=r"\n\s+7 "):               # spurious content at 7 Hz
        testing.assert_spectrum_close(y + 1e-3 * np.cos(2 * np.pi * 7 * t), 128,
                                      {0: 0.3, 5: np.exp(0.5j)}, compare="all")


def test_spectrum_against_exact_values_needs_the_sampling_allowance():
    sig = sr.MultiTone(amplitudes=[1], frequencies=[1])
    _, x = sample(sig, fs=64, duration=1)
    y = np.maximum(x, 0)
    exact = {0: 1 / np.pi, 1: 0.25, 2: 1 / (3 * np.pi), 4: -1 / (15 * np.pi)}
    with pytest.raises(AssertionError, match="Spectra not close"):
        testing.assert_spectrum_close(y, 64, exact, atol=1e-9)
    check = testing.assert_spectrum_close(y, 64, exact, atol=0, sampling_error="bound",
                                          signal=sig)
    assert check.sampling > 0


def test_dc_passes_with_sampling_bound_and_fails_without(paper_relu):
    exact = sr.exact_dc(PAPER, dps=30)
    check = testing.assert_dc_close(paper_relu, exact, rtol=0, sampling_error="bound",
                                    signal=PAPER, fs=1024)
    exact_f, measured = check
    assert abs(measured - exact_f) == check.abs_err < check.allowed
    with pytest.raises(AssertionError) as info:
        testing.assert_dc_close(paper_relu, exact, rtol=1e-9)
    msg = str(info.value)
    assert "DC not close" in msg and "expected   0.574441695339" in msg
    assert "hint: sampled ReLU differs from its exact DC by aliasing" in msg


def test_dc_against_truncated_expansion_uses_certificate(paper_relu, paper_expansion):
    with pytest.warns(testing.TruncatedReferenceWarning, match="at DC"):
        check = testing.assert_dc_close(paper_relu, paper_expansion, rtol=0,
                                        reference="truncated")
    assert check.truncation == pytest.approx(float(paper_expansion.certificate.sup_error_bound))
    with pytest.raises(AssertionError, match="truncation 0.000e"):
        testing.assert_dc_close(paper_relu, paper_expansion, rtol=1e-6, truncation=False,
                                reference="truncated")
    assert check.to_dict()["n_samples"] == 1024


def test_divergent_expansion_is_refused_as_truncated_reference(paper_relu):
    e = sr.expand(PAPER, order=3, center="mean_square")
    with pytest.raises(ValueError, match="convergence certificate"):
        testing.check_dc(paper_relu, e, reference="truncated")


def test_bad_arguments():
    with pytest.raises(ValueError, match="needs the signal and fs"):
        testing.check_dc(np.ones(4), 1.0, sampling_error="bound")
    with pytest.raises(TypeError, match="mapping"):
        testing.check_spectrum(np.ones(4), 4, [1, 2])
