"""Convergence study: honest RRMSE, the paper's metric, DC error, max error vs bound."""

import csv
import io
import json

import numpy as np
import pytest

import symrelu as sr
from numeric.convergence import convergence_study, exact_dc_value, reference_dc

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])


@pytest.fixture(scope="module")
def study():
    return convergence_study(PAPER, 12, fs=1024)


def test_rows_and_monotone_errors(study):
    assert [r["order"] for r in study.rows] == list(range(13))
    assert study.n_samples == 1024          # 5 base periods: the fewest holding whole samples
    rrmse = study.column("rrmse")
    assert np.all(np.diff(rrmse) < 0)
    assert all(r["bound_ok"] for r in study.rows)
    # the max error is attained at the zero crossings, where the bound is tight
    np.testing.assert_allclose(study.column("max_error"), study.column("bound"), rtol=5e-3)


def test_paper_metric_does_not_converge(study):
    paper = study.column("rrmse_paper")
    assert paper[-1] > 60            # compares with x, not ReLU(x): stays near 63 %
    assert study.column("rrmse")[-1] < 6


def test_dc_errors_against_exact(study):
    exact, _ = exact_dc_value(PAPER)
    assert study.exact_dc == pytest.approx(float(exact), abs=1e-14)
    dc = study.column("dc")
    np.testing.assert_allclose(study.column("dc_error"), np.abs(dc - float(exact)))
    assert study.rows[0]["dc"] == pytest.approx(2**0.5)   # order 0 with C = 8: sqrt(C)/2


def test_reference_dc_single_tone_and_offset():
    assert float(reference_dc(sr.MultiTone(amplitudes=[2], frequencies=[3]))) == pytest.approx(
        2 / np.pi, abs=1e-15)
    # b + A cos with b >= A never crosses zero: ReLU is the identity, DC = b
    assert float(reference_dc(sr.MultiTone(amplitudes=[1], frequencies=[1], offset=2))) == 2


def test_csv_and_json_outputs(study, tmp_path):
    text = study.to_csv(tmp_path / "c.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert float(rows[5]["rrmse"]) == study.rows[5]["rrmse"]
    study.to_json(tmp_path / "c.json")
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["rows"][-1]["order"] == 12 and data["centre"] == "8"


def test_divergent_centre_refused():
    with pytest.raises(ValueError, match="does not converge"):
        convergence_study(PAPER, 2, center="mean_square")


@pytest.mark.parametrize("text", ["1@5 + 1@10 + 1@20 + 1@40", "0.3 + 1@1 + 0.5@3:0.7", "2@2"])
def test_reference_dc_agrees_with_symrelu_exact_dc(text):
    if not hasattr(sr, "exact_dc"):
        pytest.skip("symrelu.exact_dc not available")
    sig = sr.MultiTone.parse(text)
    assert abs(reference_dc(sig, dps=30) - sr.exact_dc(sig, dps=30)) < 1e-25
