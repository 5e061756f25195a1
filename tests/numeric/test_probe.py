"""symrelu.numeric.probe_model: predicted spectra against the model's own outputs and the exact core."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from symrelu.numeric.probe_fold import pwl_spectra  # noqa: E402
from symrelu.numeric.probe_model import ProbeError, probe, signal_period  # noqa: E402

import symrelu as sr  # noqa: E402

pytestmark = pytest.mark.torch
nn = torch.nn
SIG = "0.2 + 1@3 + 0.5@7:0.4"


def _unit_conv(bias=0.0):
    """Conv1d(1, 1, 1) with weight 1: the pre-activation is the input signal plus bias."""
    conv = nn.Conv1d(1, 1, 1)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        conv.bias.fill_(bias)
    return conv


def _check_predicted(p, tol=1e-9):
    predicted = p.activations
    assert predicted, "no layer was predicted"
    for r in predicted:
        assert r.prediction_error.max() < tol, (r.name, r.prediction_error.max())
        assert r.window.stop - r.window.start == r.window.periods * r.window.period
    return predicted


# ------------------------------------------------------------ random networks

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ModuleNotFoundError:  # pragma: no cover - hypothesis is a test dependency
    given = None


if given is not None:
    layer = st.tuples(st.integers(1, 5), st.integers(0, 4), st.integers(1, 3),
                      st.sampled_from(["relu", "leaky", "relu6", "hardtanh", "maxpool", "avg"]),
                      st.integers(1, 2))

    @settings(max_examples=40, deadline=None)
    @given(st.lists(layer, min_size=1, max_size=3), st.integers(0, 2**31 - 1))
    def test_prediction_equals_measurement_on_random_networks(spec, seed):
        torch.manual_seed(seed)
        mods, ch = [], 1
        for k, pad, dil, act, stride in spec:
            out = int(torch.randint(1, 4, ()).item())
            mods.append(nn.Conv1d(ch, out, k, padding=pad, dilation=dil, stride=stride,
                                  bias=True))
            ch = out
            mods.append({"relu": nn.ReLU(), "leaky": nn.LeakyReLU(0.2), "relu6": nn.ReLU6(),
                         "hardtanh": nn.Hardtanh(-0.3, 0.3), "maxpool": nn.MaxPool1d(2),
                         "avg": nn.AvgPool1d(2)}[act])
            if act in ("maxpool", "avg"):
                mods.append(nn.ReLU())
        model = nn.Sequential(*mods).double()
        p = probe(model, SIG, fs=32, periods=2)
        _check_predicted(p)
        if p.first_layer is not None:
            assert p.first_layer.error_steady.max() < 1e-10


def test_first_layer_against_the_model_and_filtered_dc():
    """Causal conv (left padding (k-1)d): the finite window by filtered_dc, steady state exact."""
    torch.manual_seed(3)
    model = nn.Sequential(nn.ConstantPad1d((8, 0), 0.0), nn.Conv1d(1, 5, 5, dilation=2),
                          nn.ReLU()).double()
    p = probe(model, SIG, fs=32, periods=3)
    assert p.first_layer is None  # a pad layer comes first: no analytic first layer
    conv = nn.Conv1d(1, 5, 5, dilation=2, padding=8).double()
    # padding 8 on both sides, cropped: torch's own causal conv spelled with padding
    p = probe(nn.Sequential(conv, nn.ReLU()), SIG, fs=32, periods=3)
    fl = p.first_layer
    assert fl.error_steady.max() < 1e-10
    assert "not causal" in fl.note


def test_causal_first_layer_window_by_filtered_dc():
    from symrelu.numeric import kidppg

    net = kidppg.build_frontend(kidppg.random_weights(seed=1)).double()
    sig = sr.MultiTone(amplitudes=["1.3", "0.4"], frequencies=["1.2", "2.4"],
                       phases=["0.3", "-1.1"], offset="0.05")
    p = probe(net, sig, fs=32, n=256)
    fl = p.first_layer
    assert fl.conv == "blocks.0.convs.0" and fl.activation == "blocks.0.acts.0"
    assert fl.error_window.max() < 1e-10 and fl.error_steady.max() < 1e-10
    # independent: the finite window's mean straight from the model's output
    with torch.no_grad():
        out = net(torch.from_numpy(_input(sig, 256)))
    measured = out["block1.conv1.relu"][0].numpy().mean(axis=1)
    assert np.max(np.abs(measured - fl.dc_window)) < 1e-10
    _check_predicted(p)
    # the taps are torch's weights flipped into convolution order
    w = net.blocks[0].convs[0].weight.detach().numpy()[:, 0, :]
    assert np.array_equal(fl.taps[:, 0], w[:, -1]) and np.array_equal(fl.taps[:, 8], w[:, 0])


def _input(sig, n):
    t = np.arange(n) / 32
    x = float(sig.offset) + sum(float(a) * np.cos(2 * np.pi * float(f) * t + float(ph))
                                for a, f, ph in sig.tones)
    return x[None, None, :]


def test_kidppg_port_with_the_shipped_weights():
    from symrelu.numeric import kidppg

    net = kidppg.load_frontend().double()
    p = probe(net, "0.1 + 1@1.2 + 0.3@2.4:0.5", fs=32, n=256, first_layer=False)
    predicted = _check_predicted(p)
    assert [r.name for r in predicted][:3] == ["blocks.0.acts.0", "blocks.0.acts.1",
                                               "blocks.0.acts.2"]
    assert all("CausalConv1d pads inside forward: left padding 8" in r.note
               for r in p.layers if r.kind == "conv")


# ------------------------------------------------------------- aliasing


def test_no_aliasing_where_the_channel_never_crosses_zero():
    conv = nn.Conv1d(1, 2, 1)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        conv.bias.copy_(torch.tensor([5.0, 0.0]))  # channel 0: 5.2 + tones > 0 always
    p = probe(nn.Sequential(conv, nn.ReLU()).double(), SIG, fs=32, periods=2)
    r = p["1"]
    assert r.aliased_fraction[0] < 1e-28 and np.max(np.abs(r.aliased[0])) < 1e-15
    assert r.aliased_fraction[1] > 1e-6  # channel 1 crosses zero


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_aliased_part_follows_the_fold_of_the_exact_spectrum(activation):
    """At several fs: aliased = sampled DFT (numpy, at fs) - exact in-band c_m (exact core)."""
    sig = sr.MultiTone(amplitudes=[1, "1/2"], frequencies=[1, 3], offset="1/8")
    act_mod, act = ((nn.ReLU(), sr.ReLU()) if activation == "relu"
                    else (nn.Hardtanh(-0.5, 0.5), sr.HardTanh("-1/2", "1/2")))
    powers = []
    for fs in (8, 16, 32, 64):
        p = probe(nn.Sequential(_unit_conv(), act_mod).double(), sig, fs=fs, periods=1,
                  first_layer=False)
        r = p["1"]
        n = fs  # base frequency 1: the period is fs samples
        x = _input_at(sig, fs, n)
        dft = np.fft.fft(act.numpy(x)) / n
        exact = np.zeros(n, dtype=complex)
        for m in range(-(n // 2), n // 2 + 1):
            c = complex(sr.exact_coefficient(sig, abs(m), activation=act, dps=20))
            exact[m % n] += c if m >= 0 else c.conjugate()
        ref = dft - exact
        q = r.window.periods
        got = r.aliased[0, ::q] * np.exp(-2j * np.pi * np.arange(n) * r.window.start / n)
        assert np.max(np.abs(got - ref)) < 1e-12, fs
        powers.append(float(np.sum(np.abs(ref) ** 2)))
    assert all(b < a for a, b in zip(powers, powers[1:]))


def _input_at(sig, fs, n):
    t = np.arange(n) / fs
    return float(sig.offset) + sum(float(a) * np.cos(2 * np.pi * float(f) * t + float(ph))
                                   for a, f, ph in sig.tones)


def test_inband_against_exact_coefficient_on_a_rational_pre_activation():
    """Dyadic amplitudes: the pre-activation is the rational MultiTone itself (to rounding)."""
    sig = sr.MultiTone(amplitudes=["1", "1/2", "1/4"], frequencies=[1, 2, 5],
                       phases=["1/2", "0", "-1/4"], offset="1/8")
    n = 32
    x = _input_at(sig, n, n)[None, :]
    for act in (sr.ReLU(), sr.LeakyReLU("1/10"), sr.ReLU6(), sr.HardTanh("-1/2", "1/2")):
        a, b = float(act.intercept), float(act.linear)
        inband, total = pwl_spectra(x, a, b, [(float(t), float(c)) for t, c in act.kinks])
        assert np.max(np.abs(total[0] - np.fft.fft(act.numpy(x[0])) / n)) < 1e-15
        for m in range(0, n // 2):
            c = complex(sr.exact_coefficient(sig, m, activation=act, dps=20))
            assert abs(inband[0, m] - c) < 1e-13, (act.name, m)


def test_pwl_spectra_single_tone_closed_form():
    """ReLU(cos): c_0 = 1/pi, c_1 = 1/4, c_2 = 1/(3 pi) (Fourier series of a half-wave rectifier)."""
    n = 16
    v = np.cos(2 * np.pi * np.arange(n) / n)[None, :]
    inband, _ = pwl_spectra(v, 0.0, 0.5, [(0.0, 0.5)])
    assert abs(inband[0, 0] - 1 / np.pi) < 1e-15
    assert abs(inband[0, 1] - 0.25) < 1e-15
    assert abs(inband[0, 2] - 1 / (3 * np.pi)) < 1e-15


def test_crossings_on_sample_points_and_touches():
    """A pulse train's interpolant (a Dirichlet kernel) meets 0 on samples, touching it at some.

    Found by hypothesis on a kernel-2 max pool after a dead ReLU: coincident crossings found
    from both sides of a grid point must keep their order. Total against the sampled DFT;
    in band against a 2^16-point dense grid of the same interpolant (its own aliasing is
    below 1e-7 here).
    """
    from symrelu.numeric.probe_fold import interpolant, to_bins

    for n, where in ((16, [8]), (16, [0, 5]), (15, [3])):
        d = np.zeros((1, n))
        d[0, where] = 0.03
        inband, total = pwl_spectra(d, 0.0, 0.0, [(0.0, 1.0)])  # |d|
        assert np.max(np.abs(total - np.fft.fft(np.abs(d)) / n)) < 1e-16  # 0.03: rounding
        k, s = interpolant(d)
        m = 1 << 16
        pad = np.zeros((1, m), dtype=complex)
        pad[:, k % m] = s
        dense = np.abs(np.fft.ifft(pad, axis=-1).real * m)
        ref = np.fft.fft(dense, axis=-1) / m
        kk = n // 2
        mm = np.arange(-kk, kk + 1)
        assert np.max(np.abs(inband - to_bins(mm, ref[:, mm % m], n))) < 1e-9


# ------------------------------------------------------------- layers


def test_unsupported_layer_is_measured_and_marked():
    class Reverse(nn.Module):
        def forward(self, x):
            return x.flip(-1) * 0.5

    model = nn.Sequential(nn.Conv1d(1, 2, 3), Reverse(), nn.ReLU()).double()
    p = probe(model, SIG, fs=32, periods=2)
    r = p["1"]
    assert r.status == "measured" and "not a layer the probe knows" in r.note
    assert p["2"].status == "measured" and p["2"].window is None


def test_functional_activation_is_not_seen_and_said():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Conv1d(1, 2, 3), nn.Conv1d(2, 2, 3)

        def forward(self, x):
            return self.b(torch.relu(self.a(x)))

    p = probe(Net().double(), SIG, fs=32, periods=2)
    assert [r.name for r in p.layers] == ["a", "b"]
    assert "unseen operation" in p["b"].note and p["b"].window is not None


def test_maxpool_kernel_two_is_predicted_and_larger_is_measured():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv1d(1, 3, 3), nn.MaxPool1d(2), nn.MaxPool1d(3, stride=1),
                          nn.ReLU()).double()
    p = probe(model, SIG, fs=32, periods=2)
    assert p["1"].status == "predicted" and p["1"].prediction_error.max() < 1e-9
    assert p["2"].status == "measured" and "nests maxima" in p["2"].note
    assert p["3"].status == "predicted" and p["3"].window.period == 16


def test_strides_groups_batchnorm_and_global_pooling():
    torch.manual_seed(2)
    bn = nn.BatchNorm1d(4)
    with torch.no_grad():
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
    model = nn.Sequential(nn.Conv1d(2, 4, 5, stride=2, groups=2, padding="valid"), bn.eval(),
                          nn.LeakyReLU(0.05), nn.Conv1d(4, 4, 3, padding="same"), nn.ReLU(),
                          nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(4, 1)).double()
    p = probe(model, SIG, fs=32, periods=3)
    _check_predicted(p)
    assert p["0"].window.period == 16 and p["0"].fs == 16.0
    assert p["5"].kind == "global_pool" and p["7"].kind == "linear"
    assert p.first_layer is None  # a norm layer sits between the conv and its activation
    # global average pooling: the full-length mean of its input
    assert np.allclose(p["5"].dc, p["4"].output.mean(axis=-1), atol=1e-15)


def test_smooth_activation_is_predicted_when_symrelu_knows_it():
    if sr.as_activation("gelu") is None:  # pragma: no cover
        pytest.fail("symrelu.as_activation('gelu') returned None")
    model = nn.Sequential(_unit_conv(0.1), nn.GELU(), nn.Conv1d(1, 1, 1), nn.Tanh()).double()
    p = probe(model, SIG, fs=32, periods=2)
    for name in ("1", "3"):
        assert p[name].status == "predicted" and p[name].prediction_error.max() < 1e-9
        assert p[name].dense_points >= 8 * 32


def test_smooth_inband_against_exact_coefficient():
    """tanh, GELU, ELU, SELU of a rational pre-activation: in band against the exact core."""
    from symrelu.numeric.probe_fold import smooth_spectra

    sig = sr.MultiTone(amplitudes=["1", "1/2"], frequencies=[1, 3], offset="1/8")
    n = 16
    x = _input_at(sig, n, n)[None, :]
    for name in ("tanh", "gelu", "elu", "elu:1/2", "selu"):
        act = sr.as_activation(name)  # ELU and SELU: analytic on each side of 0 only
        inband, total, dense, tail = smooth_spectra(x, act.numpy,
                                                    breaks=[float(b) for b in act.breaks])
        assert tail < 1e-13 and dense % n == 0
        assert np.max(np.abs(total[0] - np.fft.fft(act.numpy(x[0])) / n)) < 1e-15
        for m in (0, 1, 3, 7):
            c = complex(sr.exact_coefficient(sig, m, activation=act, dps=20))
            assert abs(inband[0, m] - c) < 1e-14, (name, m)


def test_prelu_and_kinked_derivatives():
    prelu = nn.PReLU(init=0.3)
    p = probe(nn.Sequential(_unit_conv(0.1), prelu, nn.Conv1d(1, 1, 1), nn.SELU()).double(),
              SIG, fs=32, periods=2)
    # the slope the float64 model computes with (float32 0.3 cast up), as its decimal
    slope = float(prelu.weight.detach().double().item())
    assert sr.as_activation(p["1"].activation) == sr.LeakyReLU(repr(slope))
    assert p["1"].prediction_error.max() < 1e-9
    # SELU's derivative jumps at 0: integrated piece by piece, no accuracy warning
    assert p["3"].prediction_error.max() < 1e-9 and p["3"].note == ""
    per_channel = nn.Sequential(nn.Conv1d(1, 2, 1), nn.PReLU(2)).double()
    assert "one per channel" in probe(per_channel, SIG, fs=32, periods=2)["1"].note


def test_hooks_removed_and_model_unchanged():
    model = nn.Sequential(nn.Conv1d(1, 2, 3), nn.ReLU()).double()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    probe(model, SIG, fs=32, periods=2)
    assert all(not m._forward_hooks for m in model.modules())
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_errors():
    model = nn.Sequential(nn.Conv1d(1, 2, 3), nn.ReLU()).double()
    with pytest.raises(ProbeError, match="Nyquist"):
        probe(model, "1@16", fs=32)
    with pytest.raises(ProbeError, match="rational"):
        probe(model, "1@pi", fs=32)
    with pytest.raises(ProbeError, match="no Conv1d"):
        probe(nn.Sequential(nn.ReLU()), SIG, fs=32)
    with pytest.raises(ProbeError, match="does not take"):
        probe(nn.Sequential(nn.Conv1d(1, 2, 3), nn.Linear(5, 2)).double(), SIG, fs=32,
              n=64)
    with pytest.raises(TypeError):
        probe("model", SIG, fs=32)
    assert signal_period(sr.MultiTone.parse("1@1.2"), 32) == 80


def test_results_as_json_frame_and_plot(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    model = nn.Sequential(nn.Conv1d(1, 3, 3, padding=1), nn.ReLU(), nn.AvgPool1d(2)).double()
    p = probe(model, SIG, fs=32, periods=2)
    doc = json.loads(json.dumps(p.to_dict(), allow_nan=False))
    assert doc["layers"][1]["status"] == "predicted" and doc["period_samples"] == 32
    fig = p.plot(channels=3)
    fig.savefig(tmp_path / "probe.png")
    pandas = pytest.importorskip("pandas")
    frame = p.to_frame()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 9  # 3 layers x 3 channels
    assert set(frame["layer"]) == {"0", "1", "2"}
