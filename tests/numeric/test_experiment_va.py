"""Section V-A at reduced size: the files and the key numbers."""

import json
from fractions import Fraction

import numpy as np
import pytest
from symrelu.numeric.experiments import va


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("va")
    # the paper's signal, fs and order; 1 s instead of 8 s (still 5 whole periods)
    cfg = va.Config(duration=1.0, convergence_order=6, out=str(out))
    return va.run(cfg), out


def test_files_written(result):
    res, out = result
    for name in ("fig1.png", "fig1.pdf", "fig2.png", "fig2.pdf", "table1.csv",
                 "convergence.csv", "convergence.json", "convergence.png", "results.json"):
        assert (out / name).stat().st_size > 0, name
    record = json.loads((out / "results.json").read_text())
    assert record["provenance"]["parameters"]["order"] == 50
    assert record["numbers"]["table1"][4]["a_n"] == "-5/128"


def _eq7_direct(tau: np.ndarray, order: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """x and the paper's eq. 7 with the peak centre, evaluated term by term in numpy.

    An oracle that shares nothing with the experiment: x = cos tau + cos 2tau + cos 4tau +
    cos 8tau (tau = 2 pi 5 t), C = P^2/2 = 8, a_n = binom(1/2, n) by its recurrence.
    """
    x = np.cos(tau) + np.cos(2 * tau) + np.cos(4 * tau) + np.cos(8 * tau)
    C = 8.0
    g = x**2 / C - 1
    a, total, power = Fraction(1), np.zeros_like(x), np.ones_like(x)
    for n in range(order + 1):
        total += float(a) * power
        power = power * g
        a *= (Fraction(1, 2) - n) / (n + 1)
    return x, x / 2 + np.sqrt(C) / 2 * total


def test_honest_rrmse_and_paper_metric(result):
    n = result[0].numbers
    t = np.arange(1024) / 1024  # the experiment's 1 s at fs = 1024
    x, approx = _eq7_direct(2 * np.pi * 5 * t)
    relu = np.maximum(x, 0)
    honest = 100 * np.linalg.norm(approx - relu) / np.linalg.norm(relu)
    paper = 100 * np.linalg.norm(approx - x) / np.linalg.norm(x)  # the authors' metric
    assert n["rrmse_honest_percent"] == pytest.approx(honest, rel=1e-9)
    assert n["rrmse_paper_metric_percent"] == pytest.approx(paper, rel=1e-9)
    assert n["max_error_within_bound"]


def test_dc_numbers(result):
    dc = result[0].numbers["dc"]
    exact = 0.57444169533948081649  # DESIGN.md 1.2, and mpmath.quad split at the zeros
    assert dc["exact_float"] == pytest.approx(exact, abs=1e-13)
    # the order-50 series is a trig polynomial of degree 800 in tau: the mean of 2048 equally
    # spaced samples of one period is its DC exactly (up to rounding)
    _, approx = _eq7_direct(2 * np.pi * np.arange(2048) / 2048)
    assert dc["truncation_error"] == pytest.approx(approx.mean() - exact, rel=1e-8)
    assert abs(dc["sampling_error"]) < dc["sampling_bound_rigorous"]
    assert abs(dc["sampling_error"]) < 1e-5
    assert dc["check"]["passed"]


def test_fft_checks(result):
    n = result[0].numbers
    assert n["fft_of_approximation"]["max_difference"] < 1e-12
    spec = n["fft_of_relu_vs_expansion"]
    assert spec["passed"]
    # the paper's comparison is against the truncated series, so the DC bin alone differs by
    # at least the truncation error less the sampling error (both measured in test_dc_numbers)
    assert "truncated series" in spec["reference"]
    dc = n["dc"]
    assert spec["max_difference"] >= abs(dc["truncation_error"]) - abs(dc["sampling_error"]) > 1e-4


def test_chains(result):
    chains = result[0].numbers["chains"]
    ma = chains["moving_average"]
    assert all(f > 0.999 for f in ma["power_fraction_below_first_null"])
    for chain in chains.values():
        assert chain["stage1_vs_filtered_expansion"]["passed"]
        for grid in chain["grid"]:
            # nothing off the predicted 5 Hz grid except its folded aliases
            assert grid["max_amplitude_elsewhere"] < 1e-9 * grid["max_amplitude_on_grid"]
    pred = result[0].numbers["predicted_frequencies"]
    assert pred["stage1_base_frequency"] == "5" and pred["stage2_base_frequency"] == "5"
