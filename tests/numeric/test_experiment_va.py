"""Section V-A at reduced size: the files and the key numbers."""

import json

import pytest

from numeric.experiments import va


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


def test_honest_rrmse_and_paper_metric(result):
    n = result[0].numbers
    assert n["rrmse_honest_percent"] == pytest.approx(1.686, abs=2e-3)
    assert n["rrmse_paper_metric_percent"] == pytest.approx(62.85, abs=0.01)
    assert n["max_error_within_bound"]


def test_dc_numbers(result):
    dc = result[0].numbers["dc"]
    assert dc["exact_float"] == pytest.approx(0.57444169533948, abs=1e-13)
    assert dc["truncation_error"] == pytest.approx(0.00612, abs=1e-5)
    assert abs(dc["sampling_error"]) < dc["sampling_bound_rigorous"]
    assert abs(dc["sampling_error"]) < 1e-5
    assert dc["check"]["passed"]


def test_fft_checks(result):
    n = result[0].numbers
    assert n["fft_of_approximation"]["max_difference"] < 1e-12
    assert n["fft_of_relu_vs_expansion"]["passed"]


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
