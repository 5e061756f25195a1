"""Section V-B: spectra shares, the exact two-tone DC prediction against the port, a reduced run."""

from __future__ import annotations

import json
from pathlib import Path

import mpmath
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from symrelu.numeric import kidppg, ppg  # noqa: E402
from symrelu.numeric.experiments import vb  # noqa: E402

pytestmark = pytest.mark.torch

ROOT = Path(__file__).resolve().parents[2]
# the authors' model_S5.h5 shipped with the package (checked by its SHA-256 on load)
WEIGHTS = kidppg.bundled_weights()


def _frontend(source):
    if source == "file":
        return kidppg.load_frontend(WEIGHTS)
    return kidppg.build_frontend(kidppg.random_weights(seed=7))


# ------------------------------------------------------------------ shares


def test_power_shares_of_known_signals():
    fs, n, f0 = 32.0, 256, 1.25  # coherent: 10 cycles in the window
    t = np.arange(n) / fs
    x = 0.5 + np.cos(2 * np.pi * f0 * t) + 0.5 * np.cos(2 * np.pi * 3 * f0 * t + 1) \
        + 0.25 * np.cos(2 * np.pi * 7.0 * t)
    s = vb.power_shares(x, fs, f0, f_max=16.0, n_harmonics=4, halfwidth=0)
    total = 0.25 + 0.5 + 0.125 + 0.03125  # mean squares
    assert s["dc"] == pytest.approx(0.25 / total, rel=1e-12)
    assert s["harmonics"] == pytest.approx(0.625 / total, rel=1e-12)
    assert s["other"] == pytest.approx(0.03125 / total, rel=1e-12)
    assert s["harmonic_bin_fraction"] == pytest.approx(4 / 128)
    dead = vb.power_shares(np.zeros((2, 64)), 8.0, 1.0, f_max=4.0)
    assert np.all(np.isnan(dead["dc"]))


def test_harmonic_mask_folds_like_decimation():
    # 1.25 Hz at fs = 4: harmonics 1.25, 2.5 -> 1.5, 3.75 -> 0.25, 5 -> 1.0 Hz
    m = vb.harmonic_mask(32, 4.0, 1.25, f_max=16.0, n_harmonics=4, halfwidth=0)
    assert np.flatnonzero(m).tolist() == [2, 8, 10, 12]  # bins of 0.125 Hz
    # folding agrees with what decimating a sampled tone does
    t = np.arange(256) / 32
    tone = np.cos(2 * np.pi * 3.75 * t)[::8]  # 32 samples at 4 Hz
    assert np.abs(np.fft.rfft(tone)).argmax() == 2


# ------------------------------------------------------------------ prediction


def _reference_dc(fit, taps, bias, n, dps=30):
    """Finite-window post-ReLU means by the plain finite sum, in mpmath (a second method).

    The mean of ReLU over ``n`` samples is a finite sum of ReLU of numbers computed here
    to any precision: the causal convolution of the samples, x[negative] = 0. Inputs are
    taken as the decimals their floats print as, like ``symrelu.MultiTone``.
    """
    def mp(v):
        return mpmath.mpf(repr(float(v)))

    with mpmath.workdps(dps + 10):
        b = mp(fit.offset)
        (a1, a2), (p1, p2) = (mp(a) for a in fit.amplitudes), (mp(p) for p in fit.phases)
        w = 2 * mpmath.pi * mp(fit.frequency) / mp(fit.fs)
        x = [b + a1 * mpmath.cos(w * m + p1) + a2 * mpmath.cos(2 * w * m + p2) for m in range(n)]
        out = []
        for h, beta in zip(taps, bias):
            nz = [(j, mp(v)) for j, v in enumerate(h) if v != 0]
            acc = mpmath.mpf(0)
            for m in range(n):
                y = mp(beta) + mpmath.fsum(v * x[m - j] for j, v in nz if m >= j)
                if y > 0:
                    acc += y
            out.append(acc / n)
    return out


def _dc_by_frequency_response(fit, h, beta, n, dps=40):
    r"""The post-ReLU mean of one channel, with the filter applied in the frequency domain.

    An oracle independent of :func:`_reference_dc` (which convolves the samples) and of the
    probe: for ``m >= J = len(h) - 1`` the causal filter's output on
    ``b + A1 cos(w m + p1) + A2 cos(2 w m + p2)`` is the steady state
    ``beta + b H(0) + Re(A1 H(w) e^{i(w m + p1)}) + Re(A2 H(2w) e^{i(2 w m + p2)})`` with
    ``H(v) = sum_j h_j e^{-i v j}``; for the first J samples the taps that reach before
    ``m = 0`` (zero padding) are subtracted from it. Inputs are read as the decimals their
    floats print as, like ``symrelu.MultiTone``.
    """
    with mpmath.workdps(dps):
        def mp(v):
            return mpmath.mpf(repr(float(v)))

        w = 2 * mpmath.pi * mp(fit.frequency) / mp(fit.fs)
        a1, a2 = (mp(a) for a in fit.amplitudes)
        p1, p2 = (mp(p) for p in fit.phases)
        b, beta = mp(fit.offset), mp(beta)
        hs = [mp(v) for v in h]

        def H(v):
            return mpmath.fsum(hj * mpmath.expj(-v * j) for j, hj in enumerate(hs))

        def x(m):
            return b + a1 * mpmath.cos(w * m + p1) + a2 * mpmath.cos(2 * w * m + p2)

        h0, h1, h2 = H(0).real, H(w), H(2 * w)
        total = mpmath.mpf(0)
        for m in range(n):
            y = beta + b * h0 + (a1 * h1 * mpmath.expj(w * m + p1)).real \
                + (a2 * h2 * mpmath.expj(2 * w * m + p2)).real
            y -= mpmath.fsum(hs[j] * x(m - j) for j in range(m + 1, len(hs)))  # padding
            total += max(y, 0)
        return total / n


def _causal_net(taps, bias, kernel, dilation):
    """The port's causal Conv1d -> ReLU with the given taps (convolution order), float64."""
    spec = kidppg.ConvSpec("c", 1, taps.shape[0], kernel, dilation, "relu")
    conv = kidppg._classes().CausalConv1d(spec).double()
    with torch.no_grad():
        for j in range(kernel):
            conv.weight[:, 0, j] = torch.from_numpy(taps[:, (kernel - 1 - j) * dilation])
        conv.bias.copy_(torch.from_numpy(np.asarray(bias, dtype=float)))
    return torch.nn.Sequential(conv, torch.nn.ReLU())


def _two_tone(seed=0, hr=72.0):
    rng = np.random.default_rng(seed)
    return ppg.TwoToneFit(
        float(rng.normal(0, 0.3)), (float(rng.uniform(0.5, 1.5)), float(rng.uniform(0.1, 0.6))),
        (float(rng.uniform(-3, 3)), float(rng.uniform(-3, 3))), hr / 60, 32.0, 0.0,
    )


def test_probe_prediction_agrees_with_the_frequency_response_oracle():
    fit = _two_tone(1)
    taps = np.array([[0.3, 0.0, -0.2, 0.0, 0.5, 0.0, 0.1, 0.0, -0.4]] * 3)
    bias = np.array([-0.3, 0.0, 0.2])
    fl = vb.predict_first_layer(_causal_net(taps, bias, 5, 2), fit, n=64, dps=30)
    assert np.array_equal(fl.taps, taps)  # torch's cross-correlation flipped back
    for c in range(3):
        want = _dc_by_frequency_response(fit, taps[c], bias[c], 64)
        with mpmath.workdps(40):
            got = mpmath.mpf(fl.dc_window_exact[c])
            assert abs(got - want) < mpmath.mpf(10) ** -27  # 30 digits asked, 40 in the oracle
            assert abs(_reference_dc(fit, taps[c:c + 1], bias[c:c + 1], 64)[0] - want) \
                < mpmath.mpf(10) ** -28


def test_pure_tone_through_a_delay_has_the_closed_form_dc():
    # A cos(w m) through h = [0, 1] (a one-sample delay) over n = 32 samples at 8 samples per
    # period: y[0] = 0 (padding), y[m] = A cos(w (m - 1)) after; the window then holds 31 of
    # the 32 samples of 4 whole periods of ReLU(A cos), missing m - 1 = 31 where
    # cos(2 pi 31 / 8) = cos(-pi/4) > 0. Per period sum_k ReLU(cos(2 pi k/8)) = 1 + sqrt 2,
    # so the mean is (4 (1 + sqrt 2) A - A cos(pi/4)) / 32 = A (4 + 7 sqrt(2) / 2) / 32.
    A = 1.5
    fit = ppg.TwoToneFit(0.0, (A, 0.0), (0.0, 0.0), 4.0, 32.0, 0.0)
    fl = vb.predict_first_layer(_causal_net(np.array([[0.0, 1.0]]), [0.0], 2, 1), fit, n=32)
    with mpmath.workdps(40):
        want = mpmath.mpf("1.5") * (4 + 7 * mpmath.sqrt(2) / 2) / 32
        assert abs(mpmath.mpf(fl.dc_window_exact[0]) - want) < mpmath.mpf(10) ** -28
        # the steady state: 4 whole periods of ReLU(A cos) at 8 samples per period
        assert abs(fl.dc_steady[0] - float(A * (1 + mpmath.sqrt(2)) / 8)) < 1e-15


def test_probe_agrees_with_the_reference_on_the_port():
    net = _frontend("random").double()
    fit = _two_tone(2)
    fl = vb.predict_first_layer(net, fit, dps=30)
    ref = _reference_dc(fit, fl.taps[:6], fl.bias[:6], 256)
    with mpmath.workdps(40):
        for u, v in zip(fl.dc_window_exact[:6], ref):
            assert abs(mpmath.mpf(u) - v) < mpmath.mpf(10) ** -25


@pytest.mark.parametrize("source", ["random", "file"])
def test_prediction_matches_the_port_on_a_pure_two_tone(source):
    """No PPG model error: the port's channel means equal the finite-window exact value."""
    net = _frontend(source)
    for seed in (0, 3):
        fit = _two_tone(seed, hr=60.0 + 20 * seed)
        x = fit.samples(256)
        exact = vb.predict_first_layer(net.double(), fit, dps=30).dc_window
        with torch.no_grad():
            m64 = net.double()(torch.from_numpy(x[None, None, :]))["block1.conv1.relu"]
            m32 = net.float()(torch.tensor(x[None, None, :], dtype=torch.float32))
        m64 = m64[0].numpy().mean(axis=1)
        m32 = m32["block1.conv1.relu"][0].numpy().astype(float).mean(axis=1)
        np.testing.assert_allclose(m64, exact, rtol=0, atol=1e-13)  # float64 sums of 256 terms
        np.testing.assert_allclose(m32, exact, rtol=0, atol=2e-6)  # float32 port
        assert np.ptp(exact) > 0.05  # the channels differ: a real test
    # the infinite-window DC differs: the causal edge matters at this precision
    fit = _two_tone(0)
    fl = vb.predict_first_layer(net.double(), fit, dps=30)
    c = int(np.argmax(fl.dc_window))
    long = _reference_dc(fit, fl.taps[c:c + 1], fl.bias[c:c + 1], 1024)[0]
    short = _reference_dc(fit, fl.taps[c:c + 1], fl.bias[c:c + 1], 256)[0]
    assert abs(long - short) > 1e-6


def test_predict_first_layer_needs_a_causal_first_layer():
    net = torch.nn.Sequential(torch.nn.Conv1d(1, 2, 3, padding=1), torch.nn.ReLU()).double()
    with pytest.raises(ValueError, match="no causal Conv1d -> ReLU"):
        vb.predict_first_layer(net, _two_tone(0), n=64)


def test_probe_rate_has_a_short_period():
    from fractions import Fraction

    for hr in (50.0, 61.7, 72.0, 99.9, 143.2, 170.0):
        h = vb.probe_rate(hr)
        assert abs(h - hr) <= 10 and Fraction(1920, int(h)).numerator <= 320


# ------------------------------------------------------------------ config


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_windows": 0}, "n_windows"),
        ({"hr": 400}, "between 20 and 300"),
        ({"input_gain": 0}, "input_gain"),
        ({"harmonic_halfwidth": -1}, "harmonic_halfwidth"),
    ],
)
def test_config_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vb.Config(**kwargs)


def test_config_heart_rate_defaults():
    assert vb.Config().resolved_hr() == 72.0
    assert vb.Config(ppg="w.npy").resolved_hr() is None  # estimated from the windows
    assert vb.Config(ppg="w.npy", hr=65).resolved_hr() == 65.0


# ------------------------------------------------------------------ runs


def test_reduced_run_writes_figures_and_json(tmp_path):
    cfg = vb.Config(n_windows=2, out=str(tmp_path), hr_sweep=(72.0,),
                    gain_sweep=(1.0,), sweep_windows=1, dps=20)
    res = vb.run(cfg, progress=False)
    for stem in ("fig3", "shares", "prediction", "probe", "hr"):
        for ext in ("png", "pdf"):
            p = tmp_path / f"{stem}.{ext}"
            assert p.is_file() and p.stat().st_size > 1000, p
    rec = json.loads((tmp_path / "results.json").read_text())
    assert rec["provenance"]["parameters"]["n_windows"] == 2
    assert rec["provenance"]["seed"] == 0 and "torch" in rec["provenance"]["versions"]
    assert len(rec["weights"]["sha256"]) == 64
    pr = rec["prediction"]
    assert pr["self_check_max_abs_error_on_two_tone_input"] < 1e-12
    pb = rec["probe"]
    assert pb["period_samples"] == 80 and pb["max_prediction_error"] < 1e-9
    assert sum(d["status"] == "predicted" for d in pb["layers"]) == 9
    assert all(0 <= d["aliased_fraction_max"] <= 1 for d in pb["layers"]
               if d["status"] == "predicted")
    assert pr["pearson_all_pairs"] > 0.95
    assert np.array(pr["measured"]).shape == (2, 32)
    for key in ("input", "block1.conv3.relu", "block1.pool", "block2.conv3.relu", "block2.pool",
                "block3.conv3.relu", "block3.pool"):
        summary = rec["shares"]["summary"][key]
        assert set(summary) >= {"dc", "harmonics", "other", "harmonic_bin_fraction"}
    # the input is standardised: no DC; ReLU creates it
    assert rec["shares"]["summary"]["input"]["dc"]["max"] < 1e-20
    assert rec["shares"]["summary"]["block1.conv3.relu"]["dc"]["median"] > 0.01
    assert (tmp_path / "summary.txt").read_text() == res.summary
    assert "Pearson r" in res.summary and "heart-rate output" in res.summary
    assert res.hr_estimate.shape == (2,)


def test_run_on_user_windows_estimates_the_rate(tmp_path):
    s = ppg.synthetic_ppg(85, n_windows=2, seed=9)
    np.save(tmp_path / "mine.npy", s.windows)
    cfg = vb.Config(weights=str(WEIGHTS), ppg=str(tmp_path / "mine.npy"), out=None,
                    figures=False, hr_sweep=(), dps=15)
    res = vb.run(cfg, progress=False)
    assert res.hr_source == "estimated"
    np.testing.assert_allclose(res.hr_bpm, s.hr_bpm, atol=5.0)
    assert res.record["input"]["kind"] == "user" and res.paths == []
    bad = vb.Config(weights=str(WEIGHTS), ppg=str(tmp_path / "mine.npy"), fs=64, out=None)
    with pytest.raises(ppg.PPGInputError, match="needs 32 Hz"):
        vb.run(bad, progress=False)


def test_run_without_weights_says_where_they_should_be(tmp_path):
    cfg = vb.Config(weights=str(tmp_path / "none.h5"), out=None)
    with pytest.raises(kidppg.KidPPGFormatError, match="weights file not found"):
        vb.run(cfg, progress=False)
