"""V-C with other activations: the torch functions, the seeding, the fast path, the CLI."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from symrelu.cli.experiment_cmd import run_folder  # noqa: E402
from symrelu.cli.main import main  # noqa: E402
from symrelu.numeric.experiments import vc  # noqa: E402
from symrelu.numeric.experiments.torch_activations import torch_activation  # noqa: E402

import symrelu as sr  # noqa: E402

pytestmark = pytest.mark.torch

#: every activation name of the activation contract (issue 17), with a parameter where it takes one
NAMES = ("relu", "leaky:1/10", "abs", "relu6", "hardtanh", "hardtanh:-2:1/2", "clip:0:3",
         "deadzone", "deadzone:-1/2:2", "hardsigmoid", "sign", "heaviside", "linear", "gelu",
         "gelu_tanh", "silu", "swish", "tanh", "sigmoid", "softplus", "elu", "elu:1/2", "selu",
         "mish")

SMALL = dict(epochs=2, samples_per_class=64, threads=1, figures=False, out=None)


@pytest.mark.parametrize("name", NAMES)
def test_torch_function_is_the_activation(name):
    # torch's function against symrelu's own evaluation of the exact activation
    act = sr.as_activation(name)
    t = torch_activation(name)
    assert t.name == act.name
    x = np.concatenate([np.linspace(-9, 9, 3601), [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 6]])
    got = t.function(torch.from_numpy(x)).numpy()
    want = np.asarray(act.numpy(x), dtype=np.float64)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=name)
    assert t.zero_at_zero == (float(act.numpy(np.zeros(1))[0]) == 0.0)


def test_the_torch_gradients_of_the_step_functions_are_zero():
    x = torch.linspace(-2, 2, 9, requires_grad=True)
    for name in ("sign", "heaviside"):
        x.grad = None
        torch_activation(name).function(x).sum().backward()
        assert torch.count_nonzero(x.grad) == 0, name


def test_a_piecewise_linear_activation_from_its_terms():
    # no torch function of its own: computed from a + b x + sum c|x - t| + sum h sign(x - t)
    act = sr.PiecewiseLinear(breakpoints=[-1, 0, 2], slopes=[0, 1, -1, 1 / 2], value=0)
    t = torch_activation(act)
    x = np.linspace(-4, 4, 801)
    np.testing.assert_allclose(t.function(torch.from_numpy(x)).numpy(), act.numpy(x),
                               rtol=1e-12, atol=1e-12)


def test_unknown_or_untrainable_activations_are_refused():
    with pytest.raises(sr.errors.ActivationError):
        vc.Config(activation=("nope",))
    import sympy

    from symrelu.smooth import Smooth

    # a user's smooth expression has no torch function
    x = sympy.Symbol("x")
    user = Smooth(x ** 3 / (1 + x ** 2))
    with pytest.raises(sr.errors.ActivationError, match="torch"):
        vc.Config(activation=(user,))


def test_models_names_and_the_default_stays_the_papers():
    assert vc.Config().models() == vc.MODELS
    cfg = vc.Config(activation=("tanh", "relu", "identity", "tanh", "leaky_relu:0.1"))
    assert cfg.activation == ("tanh", "relu", "leaky:1/10")
    assert cfg.models() == ("tanh", "relu", "leaky:1/10", "linear", "linear_dc")
    # the fingerprint of the committed reference repetitions (reports/vc/repetitions/*.json)
    assert vc.Config().fingerprint() == {
        "experiment": "vc", "epochs": 60, "seed": 0, "batch_size": 64,
        "samples_per_class": 1024, "method": "fast", "device": "cpu"}
    assert cfg.fingerprint()["activation"] == ["tanh", "relu", "leaky:1/10"]


def test_default_run_folder_is_the_one_before_the_field_existed():
    cfg = vc.Config(reps=3)
    fields = {k: v for k, v in dataclasses.asdict(cfg).items()
              if k not in ("out", "executor", "workers", "scheduler", "activation")}
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()
    assert run_folder("vc", cfg).name == f"vc-{digest[:10]}"
    assert run_folder("vc", dataclasses.replace(cfg, activation=("gelu",))) != run_folder("vc", cfg)


def test_every_activation_model_starts_from_relus_weights():
    relu = vc.initial_parameters(3, 7, "relu")
    for name in ("tanh", "gelu", "hardtanh:-1:1"):
        other = vc.initial_parameters(3, 7, name)
        assert all(np.array_equal(relu[k], other[k]) for k in relu)
    lin = vc.initial_parameters(3, 7, "linear")
    assert not np.array_equal(relu["conv2.weight"], lin["conv2.weight"])


def test_relu_beside_other_activations_is_bit_for_bit_the_default_relu():
    default = vc.run_repetition(vc.Config(**SMALL), 1)
    cfg = vc.Config(activation=("gelu", "relu", "softplus"), **SMALL)
    wide = vc.run_repetition(cfg, 1)
    models = cfg.models()
    for key in ("distance1", "distance2", "accuracy", "loss"):
        for m in vc.MODELS:
            assert wide[key][models.index(m)] == default[key][vc.MODELS.index(m)], (key, m)


@pytest.mark.parametrize("acts", [("tanh", "softplus"), ("hardsigmoid", "gelu", "sigmoid")])
def test_fast_path_matches_the_plain_loop_for_other_activations(acts):
    # softplus, sigmoid, hardsigmoid map 0 to a nonzero value: the fast path's single
    # padding must then zero layer 2's causal padding by hand (the plain loop pads each layer)
    cfg = vc.Config(activation=acts, **SMALL)
    fast = vc.run_repetition(cfg, 2)
    plain = vc.run_repetition(dataclasses.replace(cfg, method="plain"), 2)
    n = len(acts)
    for key in ("loss", "distance1", "distance2", "accuracy"):
        np.testing.assert_allclose(np.array(fast[key])[:n], np.array(plain[key])[:n],
                                   rtol=1e-6, atol=1e-7, err_msg=key)


def test_sign_never_moves_its_convolutions():
    # torch.sign has zero gradient: nothing before it learns
    cfg = vc.Config(activation=("sign", "relu"), **SMALL)
    m = vc.run_repetition(cfg, 0)
    assert m["distance1"][0] == [0.0, 0.0] and m["distance2"][0] == [0.0, 0.0]
    assert min(m["distance1"][1]) > 0


@pytest.mark.parametrize("name", ["relu", "tanh", "softplus", "gelu", "hardtanh", "sign",
                                  "deadzone", "relu6", "elu", "linear", "heaviside"])
def test_is_odd_agrees_with_the_sampled_function(name):
    act = sr.as_activation(name)
    x = np.linspace(-7, 7, 1401)
    sampled = bool(np.allclose(act.numpy(x) + act.numpy(-x), 0, atol=1e-12))
    assert vc.is_odd(name) == sampled


def test_the_finding_compares_each_activation_with_relu_and_linear(tmp_path):
    cfg = vc.Config(reps=2, epochs=2, samples_per_class=64, threads=1, out=str(tmp_path),
                    activation=("relu", "tanh", "softplus"), figures=True)
    res = vc.run(cfg, progress=False)
    assert res.loss.shape == (2, 5, 2)
    rec = json.loads((tmp_path / "results.json").read_text())
    assert rec["models"] == ["relu", "tanh", "softplus", "linear", "linear_dc"]
    assert rec["provenance"]["parameters"]["activation"] == ["relu", "tanh", "softplus"]
    rows = rec["finding"]["activations"]
    assert sorted(rows) == ["softplus", "tanh"]
    assert rows["tanh"]["odd"] and rows["tanh"]["predicted"] == "linear"
    assert not rows["softplus"]["odd"] and rows["softplus"]["predicted"] == "relu"
    d2 = res.distance2[:, :, -1].mean(0)
    lin, relu = d2[3], d2[0]
    for i, m in ((1, "tanh"), (2, "softplus")):
        nearer = "relu" if abs(np.log(d2[i] / relu)) < abs(np.log(d2[i] / lin)) else "linear"
        assert rows[m]["distance2"] == nearer
    summary = (tmp_path / "summary.txt").read_text()
    assert "five CNNs (relu, tanh, softplus, linear, linear_dc)" in summary
    assert "tanh: odd" in summary and (tmp_path / "fig4.png").stat().st_size > 0
    assert (tmp_path / "fig4_activations.pdf").stat().st_size > 0
    assert sorted(res.paths) == ["fig4_activations_pdf", "fig4_activations_png", "fig4_pdf",
                                 "fig4_png", "results", "summary", "timing"]


def test_default_records_no_activation(tmp_path):
    vc.run(vc.Config(reps=1, out=str(tmp_path), **{k: v for k, v in SMALL.items()
                                                    if k != "out"}), progress=False)
    rec = json.loads((tmp_path / "results.json").read_text())
    assert "activation" not in rec["provenance"]["parameters"]
    assert rec["models"] == list(vc.MODELS) and "activations" not in rec["finding"]


def test_command_line_activation(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["experiment", "vc", "--reps", "1", "--epochs", "1", "--samples-per-class", "32",
               "--no-figures", "--quiet", "--activation", "tanh,gelu", "--out", str(out)])
    assert rc == 0
    rec = json.loads((out / "results.json").read_text())
    assert rec["models"] == ["tanh", "gelu", "linear", "linear_dc"]
    capsys.readouterr()
    rc = main(["experiment", "vc", "--activation", "tanh,bogus", "--out", "none"])
    err = capsys.readouterr().err
    assert rc == 2 and "bogus" in err and len(err.strip().splitlines()) == 1
