"""Section V-D: exact per-sample prediction of the zero-training CNN, and the many-inits study."""

from __future__ import annotations

import json
import math
from functools import lru_cache

import mpmath as mp
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from symrelu.numeric.experiments import vc, vd  # noqa: E402

pytestmark = pytest.mark.torch


@lru_cache(maxsize=1)
def _reduced():
    # CI size: 200 initialisations, 64 signals per class
    return vd.run(vd.Config(inits=200, samples_per_class=64, out=None, threads=1,
                            predictor="reference"), progress=False)


def test_torch_layer_is_the_causal_filter_with_reversed_taps():
    # torch Conv1d is a cross-correlation: out[m] = w[0] x[m-1] + w[1] x[m]
    w = np.array([[0.25, -1.5]], np.float32)
    x = np.array([[1.0, 2.0, -3.0, 0.5]])
    y = np.array([-1.5 * 1.0, 0.25 * 1 - 1.5 * 2, 0.25 * 2 + 4.5, 0.25 * -3 - 0.75])
    assert vd.dc_torch(x, w)[0, 0] == pytest.approx(np.maximum(y, 0).mean(), rel=1e-7)
    # the output at time t does not depend on inputs after t
    net = torch.nn.Conv1d(1, 1, 2, bias=False)
    with torch.no_grad():
        net.weight[:] = torch.from_numpy(w)[:, None, :]
    a = torch.randn(1, 1, 32, generator=torch.Generator().manual_seed(0))
    b = a.clone()
    b[..., 20:] = 7.0
    pa = net(torch.nn.functional.pad(a, (1, 0)))
    pb = net(torch.nn.functional.pad(b, (1, 0)))
    assert torch.equal(pa[..., :20], pb[..., :20])


@pytest.mark.parametrize("f", [3.0, 4.9371, 10.12])
def test_reference_prediction_matches_an_independent_float64_sum(f):
    taps = [0.8125, -0.3]
    exact = vd._reference_filtered_dc(f, taps, 32.0, 256)
    m = np.arange(256)
    x = np.cos(2 * np.pi * f * m / 32.0)
    y = taps[0] * x + taps[1] * np.concatenate([[0.0], x[:-1]])
    assert float(exact) == pytest.approx(np.maximum(y, 0).mean(), rel=1e-13)
    # long window -> |H(f)| / pi (DESIGN 1.4)
    with mp.workdps(30):
        long = vd._reference_filtered_dc(f, taps, 32.0, 4096)
    H = abs(taps[0] + taps[1] * np.exp(-2j * np.pi * f / 32))
    assert float(long) == pytest.approx(H / math.pi, rel=2e-3)


def test_symrelu_filtered_dc_agrees_with_reference():
    for f in (3.0, 5.1234):
        a, name = vd.predict_dc(f, [0.7, 0.4], predictor="symrelu")
        b, _ = vd.predict_dc(f, [0.7, 0.4], predictor="reference")
        assert name == "symrelu.filtered_dc"
        assert abs(a - b) <= mp.mpf(10) ** -25 * abs(b)


def test_prediction_matches_torch_per_sample_at_float32_rounding():
    r = _reduced()
    assert len(r.predicted) == len(r.dc) == 192
    rel = np.array([float(abs((mp.mpf(float(d)) - p) / p)) for d, p in zip(r.dc, r.predicted,
                                                                           strict=True)])
    assert rel.max() == pytest.approx(r.max_relative_error)
    assert r.max_relative_error < 1e-6  # float32: eps = 1.2e-7, 256-term mean
    # the long-window formula is only approximate on 256 samples; the exact one is not
    assert r.window_gap > 10 * r.max_relative_error


def test_threshold_accuracy():
    y = np.repeat([0, 1, 2], 50)
    rng = np.random.default_rng(0)
    assert vd.threshold_accuracy(np.array([5.0, 1.0, 3.0])[y] + 0.1 * rng.random(150), y) == 1.0
    assert vd.threshold_accuracy(np.zeros(150), y) == pytest.approx(1 / 3)
    # brute force on a small noisy case
    dc = rng.normal(size=30) + np.repeat([0, 1, 2], 10) * 0.8
    yy = np.repeat([0, 1, 2], 10)
    xs = np.sort(np.concatenate([[-np.inf], dc]))
    best = 0
    for i, t1 in enumerate(xs):
        for t2 in xs[i:]:
            reg = (dc > t1).astype(int) + (dc > t2)
            for perm in ([0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]):
                best = max(best, (np.array(perm)[reg] == yy).mean())
    assert vd.threshold_accuracy(dc, yy) == pytest.approx(best)


def test_monotonicity_derivation():
    import sympy as sp

    d = vd.monotonicity_conditions()
    w, h0, h1, h2 = sp.symbols("w h0 h1 h2", real=True)
    assert sp.simplify(d["k2"]["derivative"] + 2 * h0 * h1 * sp.sin(w)) == 0
    expected = -2 * sp.sin(w) * (h1 * (h0 + h2) + 4 * h0 * h2 * sp.cos(w))
    assert sp.simplify(d["k3"]["derivative"] - expected) == 0
    # numeric check of |H|^2 for kernel 3 at a random point
    vals = {h0: 0.3, h1: -1.1, h2: 0.7, w: 0.9}
    H = abs(0.3 - 1.1 * np.exp(-0.9j) + 0.7 * np.exp(-1.8j)) ** 2
    assert float(d["k3"]["H2"].subs(vals)) == pytest.approx(H)


def test_monotonicity_condition_holds_on_the_runs():
    r = _reduced()
    c2, c3 = r.checks["k2"], r.checks["k3"]
    # kernel 2: every kernel gives a monotone class order, direction set by sign(h0 h1)
    assert c2["observed_monotone_class_order"] == c2["inits"] == 200
    assert c2["observed_direction_matches_sign_of_h0h1"] == 200
    # kernel 3: monotone when predicted; non-monotone orders only with the extremum in band
    assert c3["monotone_predicted_but_observed_not"] == 0
    assert c3["observed_non_monotone_class_order"] > 0
    assert c3["observed_non_monotone_with_extremum_in_band"] == \
        c3["observed_non_monotone_class_order"]
    assert c3["class_order_from_H_at_class_means_matches"] == 200
    # most random kernel-2 initialisations separate the classes with one number
    assert np.median(r.accuracy[2]) > 0.99


def test_outputs_and_reproducibility(tmp_path):
    cfg = dict(inits=30, samples_per_class=16, threads=1, predictor="reference")
    vd.run(vd.Config(out=str(tmp_path / "a"), **cfg), progress=False)
    vd.run(vd.Config(out=str(tmp_path / "b"), figures=False, **cfg), progress=False)
    for name in ("results.json", "summary.txt", "fig5.png", "fig5.pdf", "fig5_inits.png"):
        assert (tmp_path / "a" / name).stat().st_size > 0
    # a fixed seed gives identical numbers; only the provenance's time stamp may differ
    rec, rec_b = (json.loads((tmp_path / d / "results.json").read_text()) for d in "ab")
    prov, prov_b = rec.pop("provenance"), rec_b.pop("provenance")
    assert rec == rec_b
    assert prov.pop("created").endswith("+00:00") and prov_b.pop("created")
    # (+dirty may flip between the runs while the checkout is being edited)
    prov_b["git_revision"] = prov["git_revision"]
    assert prov == prov_b
    assert prov["seed"] == 0 and prov["versions"]["torch"] and prov["threads"] == 1
    assert prov["symrelu"] == prov["versions"]["symrelu"] and prov["command"]
    assert len(rec["threshold_accuracy"]["2"]) == 30
    assert "max relative error" in (tmp_path / "a/summary.txt").read_text()


def test_uses_vc_data():
    r = vd.run(vd.Config(inits=2, samples_per_class=8, kernel3=False, out=None),
               progress=False)
    _, y, f = vc.make_dataset(0, 0, 8)
    np.testing.assert_array_equal(r.frequencies, f)
    np.testing.assert_array_equal(r.labels, y)


# ----------------------------------------------------------- other activations


@pytest.mark.parametrize("act", ["tanh", "gelu", "softplus", "hardtanh", "deadzone:-1/4:1/2",
                                 "sign", "heaviside", "abs", "elu", "hardsigmoid"])
def test_reference_prediction_for_other_activations_matches_a_float64_sum(act):
    import symrelu as sr

    f, taps = 4.9371, [0.8125, -0.3]
    exact = vd._reference_filtered_dc(f, taps, 32.0, 256, activation=act)
    m = np.arange(256)
    x = np.cos(2 * np.pi * f * m / 32.0)
    y = taps[0] * x + taps[1] * np.concatenate([[0.0], x[:-1]])
    # symrelu's float64 evaluation of the activation (no sample sits on a kink here)
    want = np.asarray(sr.as_activation(act).numpy(y), dtype=np.float64).mean()
    assert abs(float(exact) - want) <= 1e-13 * max(1.0, abs(want))


@pytest.mark.parametrize("act", ["tanh", "gelu", "softplus", "hardtanh"])
def test_long_windows_approach_the_exact_engines_limit(act):
    # the mpmath finite sum against the exact engine (symrelu.filtered_dc, n=None: exact_dc of
    # the filtered tone): the finite-window mean converges to the limit as 1/n
    f, taps = 5.1234, [0.7, 0.4]
    limit, _ = vd.predict_dc(f, taps, n=None, dps=20, predictor="symrelu", activation=act)
    gaps = [abs(float(vd._reference_filtered_dc(f, taps, 32.0, n, 20, activation=act) - limit))
            for n in (256, 4096)]
    assert gaps[1] < 2e-4 and gaps[1] < gaps[0] / 4
    if vc.is_odd(act):
        assert limit == 0  # an odd activation makes no DC from a tone


@pytest.mark.parametrize("act", ["gelu", "tanh", "hardtanh", "sign", "softplus"])
def test_symrelu_filtered_dc_agrees_with_the_reference_for_other_activations(act):
    # the engine's finite window (verified digits) against this module's mpmath finite sum
    a, name = vd.predict_dc(5.1234, [0.7, 0.4], predictor="symrelu", activation=act)
    b, _ = vd.predict_dc(5.1234, [0.7, 0.4], predictor="reference", activation=act)
    assert name == "symrelu.filtered_dc"
    assert abs(a - b) <= mp.mpf(10) ** -25 * max(abs(b), mp.mpf(10) ** -3)


def test_linear_is_kept_and_the_default_is_relu():
    assert vd.Config(predictor="symrelu", activation=("abs",)).activation == ("relu", "abs")
    # V-D keeps linear (the filter alone: its mean is the edge effect); V-C always trains it
    assert vd.Config(activation=("identity", "tanh")).activation == ("relu", "linear", "tanh")


def test_other_activations_predicted_per_sample_and_recorded(tmp_path):
    cfg = vd.Config(inits=12, samples_per_class=16, threads=1, out=str(tmp_path),
                    activation=("tanh", "gelu", "abs"), crosscheck=1)
    r = vd.run(cfg, progress=False)
    assert sorted(r.activations) == ["abs", "gelu", "tanh"]
    for sec in r.activations.values():
        err = max(abs(float(d) - float(p)) for d, p in zip(sec["dc"], sec["predicted"],
                                                           strict=True))
        assert err == pytest.approx(sec["max_abs_error"])
        assert err < 1e-6  # float32 rounding of a 256-term mean of values below 1
        assert len(sec["accuracy"][2]) == 12 and len(sec["accuracy"][3]) == 12
    assert r.activations["tanh"]["odd"] and not r.activations["gelu"]["odd"]
    # each cross-checked against symrelu.filtered_dc's finite window
    for sec in r.activations.values():
        assert sec["symrelu_filtered_dc_crosscheck"]["max_abs_difference"] < 1e-25
    rec = json.loads((tmp_path / "results.json").read_text())
    assert sorted(rec["activations"]) == ["abs", "gelu", "tanh"]
    assert rec["provenance"]["parameters"]["activation"] == ["relu", "tanh", "gelu", "abs"]
    assert (tmp_path / "fig5_activations.png").stat().st_size > 0
    assert "tanh (odd" in (tmp_path / "summary.txt").read_text()


def test_default_run_records_no_activation():
    r = vd.run(vd.Config(inits=2, samples_per_class=8, kernel3=False, out=None),
               progress=False)
    assert r.activations == {} and r.config.activation == ("relu",)
