"""symrelu.numeric.kidppg: the torch port of KID-PPG against independent NumPy computations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
h5py = pytest.importorskip("h5py")

from symrelu.numeric import kidppg  # noqa: E402

pytestmark = pytest.mark.torch

ROOT = Path(__file__).resolve().parents[2]
# the authors' model_S5.h5 shipped with the package (checked by its SHA-256 on load)
WEIGHTS = kidppg.bundled_weights()


def _ppg_batch(n=3, seed=0):
    from symrelu.numeric import ppg

    return ppg.standardise(ppg.synthetic_ppg(80, n_windows=n, seed=seed).windows)


# ------------------------------------------------ independent NumPy reference


def _numpy_block1(path, x):
    """Block 1 computed straight from the HDF5 datasets with explicit index arithmetic.

    x: (batch, 256) float64. Keras causal dilated Conv1D: out[m, o] = b[o] +
    sum_j sum_c K[j, c, o] * in[m - (k-1-j)*d, c], zero for negative indices.
    """
    with h5py.File(path, "r") as f:
        g = f["model_weights/model_20"]
        layers = [(g[f"conv1d_{i}/kernel:0"][()].astype(np.float64),
                   g[f"conv1d_{i}/bias:0"][()].astype(np.float64)) for i in (45, 46, 47)]
    k_size, dil = 5, 2
    out = {}
    h = x[:, :, None]  # (batch, time, channels): Keras layout
    n = h.shape[1]
    for i, (kern, bias) in enumerate(layers, start=1):
        y = np.broadcast_to(bias, (h.shape[0], n, kern.shape[2])).copy()
        for j in range(k_size):
            shift = (k_size - 1 - j) * dil
            src = np.zeros_like(h)
            src[:, shift:, :] = h[:, : n - shift, :]
            y += src @ kern[j]  # (batch, time, in) @ (in, out)
        out[f"block1.conv{i}"] = y
        h = np.maximum(y, 0)
        out[f"block1.conv{i}.relu"] = h
    out["block1.pool"] = h.reshape(h.shape[0], n // 4, 4, h.shape[2]).mean(axis=2)
    return {k: v.transpose(0, 2, 1) for k, v in out.items()}  # to (batch, channels, time)


def test_block1_matches_independent_numpy_float32():
    x = _ppg_batch(4)
    ref = _numpy_block1(WEIGHTS, x)
    net = kidppg.load_frontend(WEIGHTS)
    with torch.no_grad():
        acts = net(torch.tensor(x[:, None, :], dtype=torch.float32))
    worst = 0.0
    for key, want in ref.items():
        got = acts[key].numpy()
        assert got.dtype == np.float32 and got.shape == want.shape
        scale = np.abs(want).max()
        err = np.abs(got - want).max()
        worst = max(worst, err)
        assert err <= 2e-6 * max(scale, 1.0), (key, err, scale)  # float32 accumulation
    print(f"port (float32) vs NumPy (float64), block 1: max abs error {worst:.3g}")


def test_block1_matches_independent_numpy_float64_tightly():
    x = _ppg_batch(2, seed=5)
    ref = _numpy_block1(WEIGHTS, x)
    net = kidppg.load_frontend(WEIGHTS).double()
    with torch.no_grad():
        acts = net(torch.from_numpy(x[:, None, :]))
    for key, want in ref.items():
        np.testing.assert_allclose(acts[key].numpy(), want, rtol=0, atol=1e-12, err_msg=key)


def test_architecture_read_from_file_is_the_documented_one():
    arch = kidppg.read_architecture(WEIGHTS)
    assert arch == kidppg.default_architecture()
    assert arch.loss == "mae"
    for block in arch.blocks:
        for c in block.convs:
            assert (c.kernel_size, c.dilation, c.activation) == (5, 2, "relu")
    assert [b.pool_size for b in arch.blocks] == [4, 2, 2]
    assert [b.dropout for b in arch.blocks] == [0.5, 0.5, 0.5]


def test_weights_are_read_and_transposed():
    w = kidppg.read_weights(WEIGHTS)
    assert w["conv1d_45/kernel"].shape == (5, 1, 32)
    assert w["multi_head_attention_5/attention_output/kernel"].shape == (4, 16, 64)
    net = kidppg.load_frontend(WEIGHTS)
    conv = net.blocks[1].convs[2]  # conv1d_50: 48 -> 48
    k = w["conv1d_50/kernel"]
    assert tuple(conv.weight.shape) == (48, 48, 5)
    assert conv.weight[7, 3, 1].item() == k[1, 3, 7]  # (out, in, kernel) <- (kernel, in, out)
    assert conv.dilation == (2,) and conv.left == 8


# ------------------------------------------------------------ shapes, causality


EXPECTED = {"block1": (32, 256, 64), "block2": (48, 64, 32), "block3": (64, 32, 16)}


@pytest.fixture(scope="module")
def random_net():
    return kidppg.build_frontend(kidppg.random_weights(seed=2))


def _nets(random_net):
    return [random_net, kidppg.load_frontend(WEIGHTS)]


def test_keys_shapes_and_pooling(random_net):
    for net in _nets(random_net):
        assert not net.training  # dropout off
        x = torch.randn(3, 1, 256, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            acts = net(x)
        assert list(acts) == kidppg.activation_keys()
        for block, (ch, n_in, n_out) in EXPECTED.items():
            for j in (1, 2, 3):
                assert acts[f"{block}.conv{j}"].shape == (3, ch, n_in)
                assert torch.equal(acts[f"{block}.conv{j}.relu"], acts[f"{block}.conv{j}"].clamp(min=0))
            pooled = acts[f"{block}.pool"]
            assert pooled.shape == (3, ch, n_out)
            pool = n_in // n_out
            want = acts[f"{block}.conv3.relu"].reshape(3, ch, n_out, pool).mean(-1)
            torch.testing.assert_close(pooled, want)
        assert kidppg.default_architecture().sampling_rates(32.0)["block3.pool"] == 2.0


def test_port_is_causal(random_net):
    x = torch.randn(2, 1, 256, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    t0 = 120
    y = x.clone()
    y[..., t0:] += 1.0
    for net in _nets(random_net):
        net = net.double()
        with torch.no_grad():
            a, b = net(x), net(y)
        for key in a:
            factor = 256 // a[key].shape[-1]  # decimation so far
            cut = t0 // factor  # pooled samples built only from inputs before t0
            assert torch.equal(a[key][..., :cut], b[key][..., :cut]), key
        # the present sample matters: the kernel's last tap sits at lag 0
        z = x.clone()
        z[..., t0] += 1.0
        with torch.no_grad():
            assert not torch.equal(net(z)["block1.conv1"][..., t0], a["block1.conv1"][..., t0])
            first = net(z)["block1.conv1"]
        # and lag 8 is the reach of the first layer: nothing moves at t0 + 9
        torch.testing.assert_close(first[..., t0 + 9 :], a["block1.conv1"][..., t0 + 9 :],
                                   rtol=0, atol=0)
        net.float()


def test_first_layer_taps_reproduce_the_first_convolution(random_net):
    for net in _nets(random_net):
        taps, bias = kidppg.first_layer_taps(net)
        assert taps.shape == (32, 9)
        np.testing.assert_array_equal(taps[:, 1::2], 0)  # dilation 2: zeros between taps
        x = _ppg_batch(2)
        with torch.no_grad():
            got = net.double()(torch.from_numpy(x[:, None, :]))["block1.conv1"].numpy()
        net.float()
        for b in range(2):
            for c in (0, 5, 31):
                want = bias[c] + np.convolve(x[b], taps[c])[:256]
                np.testing.assert_allclose(got[b, c], want, rtol=0, atol=1e-12)


def test_bad_input_shapes(random_net):
    with pytest.raises(ValueError, match=r"shape \(batch, 1, time\)"):
        random_net(torch.zeros(2, 256))
    model = kidppg.build_model(kidppg.random_weights())
    with pytest.raises(ValueError, match=r"\(batch, 1, 256\)"):
        model(torch.zeros(2, 1, 200))


# ------------------------------------------------------------------ the head


def _numpy_head(w, z):
    """Keras MultiHeadAttention + LayerNormalization + Flatten + Dense x 2, per head, in NumPy."""
    n = "multi_head_attention_5"
    out = np.zeros_like(z)
    for h in range(4):
        q = z @ w[f"{n}/query/kernel"][:, h, :] + w[f"{n}/query/bias"][h]
        k = z @ w[f"{n}/key/kernel"][:, h, :] + w[f"{n}/key/bias"][h]
        v = z @ w[f"{n}/value/kernel"][:, h, :] + w[f"{n}/value/bias"][h]
        s = (q / np.sqrt(16)) @ k.T  # (time_q, time_k)
        a = np.exp(s - s.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
        out += (a @ v) @ w[f"{n}/attention_output/kernel"][h]
    out += w[f"{n}/attention_output/bias"]
    mu, var = out.mean(axis=1, keepdims=True), out.var(axis=1, keepdims=True)
    ln = (out - mu) / np.sqrt(var + 1e-3) * w["layer_normalization_5/gamma"]
    ln += w["layer_normalization_5/beta"]
    h1 = np.maximum(ln.reshape(-1) @ w["dense_10/kernel"] + w["dense_10/bias"], 0)
    return float(h1 @ w["dense_11/kernel"][:, 0] + w["dense_11/bias"][0])


@pytest.mark.parametrize("source", ["random", "file"])
def test_head_matches_numpy(source):
    w = kidppg.read_weights(WEIGHTS) if source == "file" else kidppg.random_weights(seed=4)
    w64 = {k: v.astype(np.float64) for k, v in w.items()}
    model = kidppg.build_model(w).double()
    x = torch.from_numpy(_ppg_batch(3)[:, None, :])
    with torch.no_grad():
        feats = model.features(x)
    z = feats["block3.pool"].numpy().transpose(0, 2, 1)  # (batch, 16, 64)
    for b in range(3):
        assert feats["output"][b].item() == pytest.approx(_numpy_head(w64, z[b]), rel=1e-10)
    assert feats["attention.weights"].shape == (3, 4, 16, 16)


def test_whole_network_estimates_the_heart_rate_in_its_range():
    from symrelu.numeric import ppg

    model = kidppg.load_model(WEIGHTS)
    s = ppg.synthetic_ppg(90, n_windows=4, seed=0)
    x = torch.tensor(ppg.standardise(s.windows)[:, None, :], dtype=torch.float32)
    with torch.no_grad():
        est = model(x).numpy()
    # the output is in BPM; standardised synthetic windows at 90 BPM land within a few BPM
    np.testing.assert_allclose(est, s.hr_bpm, atol=5.0)


# ------------------------------------------------------------------ errors


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(kidppg.KidPPGFormatError, match="weights file not found"):
        kidppg.load_frontend(tmp_path / "nope.h5")
    (tmp_path / "junk.h5").write_bytes(b"not hdf5")
    with pytest.raises(kidppg.KidPPGFormatError, match="not a readable HDF5"):
        kidppg.read_architecture(tmp_path / "junk.h5")


@pytest.mark.parametrize(
    "old, new, match",
    [
        ('"padding": "causal"', '"padding": "same"', "padding 'same', not causal"),
        ('"class_name": "LayerNormalization"', '"class_name": "BatchNormalization"',
         "BatchNormalization"),
    ],
)
def test_unsupported_architectures_are_refused(tmp_path, old, new, match):
    with h5py.File(WEIGHTS, "r") as f:
        config = f.attrs["model_config"]
        config = config.decode() if isinstance(config, bytes) else config
    json.loads(config)
    assert old in config
    with h5py.File(tmp_path / "m.h5", "w") as g:
        g.attrs["model_config"] = config.replace(old, new, 1)
    with pytest.raises(kidppg.KidPPGFormatError, match=match):
        kidppg.read_architecture(tmp_path / "m.h5")


def test_missing_weight_is_named():
    w = kidppg.random_weights()
    del w["conv1d_47/bias"]
    with pytest.raises(kidppg.KidPPGFormatError, match="'conv1d_47/bias' is missing"):
        kidppg.build_frontend(w)
    w = kidppg.random_weights()
    w["conv1d_45/kernel"] = w["conv1d_45/kernel"][:3]
    with pytest.raises(kidppg.KidPPGFormatError, match=r"shape \(3, 1, 32\), expected \(5, 1, 32\)"):
        kidppg.build_frontend(w)


def test_importing_the_module_does_not_import_torch():
    code = "import sys, symrelu.numeric.kidppg; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ------------------------------------------------ the shipped weights


def test_shipped_weights_are_checked_by_sha256(monkeypatch):
    # the digest in the code is the one the NOTICE beside the file publishes
    notice = (WEIGHTS.parent / "NOTICE.md").read_text()
    assert kidppg.BUNDLED_SHA256 in notice
    assert "GPL" in notice and "https://www.gnu.org/licenses/gpl-3.0" in notice
    assert "esl-epfl/relu_dc_is_all_you_need" in notice
    # a changed file (here: a different expected digest) is refused with our error
    monkeypatch.setattr(kidppg, "BUNDLED_SHA256", "0" * 64)
    with pytest.raises(kidppg.KidPPGFormatError, match="SHA-256"):
        kidppg.bundled_weights()
    with pytest.raises(kidppg.KidPPGFormatError, match="SHA-256"):
        kidppg.read_architecture()


def test_wheel_ships_the_weights_and_their_notice(tmp_path):
    # what a pip install gets: build the wheel from a copy of this tree (setuptools writes
    # build/ beside the sources) and look inside
    import shutil
    import zipfile

    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "reports", "*.egg-info", "__pycache__", ".hypothesis",
        ".ruff_cache", ".pytest_cache", "symrelu-runs", "symrelu-paper", "tests"))
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("symrelu-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "symrelu/numeric/data/kidppg/model_S5.h5" in names
    assert "symrelu/numeric/data/kidppg/NOTICE.md" in names
    data = zipfile.ZipFile(wheel).read("symrelu/numeric/data/kidppg/model_S5.h5")
    import hashlib

    assert hashlib.sha256(data).hexdigest() == kidppg.BUNDLED_SHA256


def test_activations_are_modules_that_hooks_see(random_net):
    """The probe (symrelu.numeric.probe_model) hooks modules: each ReLU must be one."""
    seen = []
    handles = [m.register_forward_hook(lambda m, i, o: seen.append(type(m).__name__))
               for m in random_net.modules() if isinstance(m, torch.nn.ReLU)]
    with torch.no_grad():
        random_net(torch.zeros(1, 1, 256))
    for h in handles:
        h.remove()
    assert seen == ["ReLU"] * 9
