r"""The trained KID-PPG heart-rate network (Section V-B), read from Keras HDF5 into torch.

The paper's Section V-B looks inside a trained PPG heart-rate model: three
convolutional blocks, a multi-head self-attention layer, layer normalisation
and two dense layers. The weights are a Keras 2 HDF5 file; this module reads it
with ``h5py`` alone (no TensorFlow) and rebuilds the network in torch.

What the file says (``model_config`` attribute, checked by
:func:`read_architecture`, which refuses anything it does not port):

* input ``(256, 1)``: 256 samples at 32 Hz, one channel, channels last;
* block ``i`` (a nested functional model, ``model_20`` .. ``model_22``): three
  ``Conv1D`` (kernel 5, dilation 2, stride 1, ``padding="causal"``, bias,
  ReLU), 1 -> 32 -> 32 -> 32, 32 -> 48 x 3, 48 -> 64 x 3 channels; then
  ``AveragePooling1D`` with pool 4, 2, 2 (stride = pool, valid) and
  ``Dropout(0.5)`` (the identity at inference);
* ``MultiHeadAttention`` (4 heads, key and value size 16, bias, self-attention
  over time: query = value = key = block 3's output, shape ``(16, 64)``),
  **no** residual connection, then ``LayerNormalization`` (last axis,
  epsilon 1e-3), ``Flatten`` (time-major: feature ``t * 64 + c``),
  ``Dense(32, ReLU)``, ``Dense(1)``. Training used the mean absolute error
  (``training_config``), so the single output is the heart rate in the units of
  the training labels (beats per minute in PPG-DaLiA).

Porting conventions
-------------------
A Keras ``Conv1D`` kernel is stored as ``(kernel, in, out)``; torch's
``Conv1d`` wants ``(out, in, kernel)``: :func:`keras_kernel_to_torch`. Keras'
causal padding puts :math:`(k-1)d` zeros on the left only (:func:`causal_padding`),
so with kernel :math:`W` and bias :math:`b` a channel computes the
cross-correlation

.. math:: y[m] = b + \sum_{j=0}^{k-1} \sum_c W[j, c]\, x_c[m - (k-1-j) d],
          \qquad x_c[\text{negative}] = 0,

which is exactly what ``torch.nn.functional.conv1d`` computes on the left-padded
input. For the first layer (one input channel) this is a causal FIR filter
whose taps in convolution order, :math:`h[(k-1-j)d] = W[j]` with zeros in
between, are returned by :func:`first_layer_taps`.

torch is imported lazily: importing this module costs nothing; the classes are
built on first use.

Examples
--------
>>> arch = default_architecture()
>>> [(b.name, [c.filters for c in b.convs], b.pool_size) for b in arch.blocks]
[('block1', [32, 32, 32], 4), ('block2', [48, 48, 48], 2), ('block3', [64, 64, 64], 2)]
>>> causal_padding(5, 2)
8
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from symrelu.numeric.errors import NumericInputError, NumericTypeError

from symrelu.errors import SymreluError

__all__ = [
    "KidPPGFormatError",
    "ConvSpec",
    "BlockSpec",
    "Architecture",
    "default_architecture",
    "BUNDLED_WEIGHTS",
    "BUNDLED_SHA256",
    "bundled_weights",
    "read_architecture",
    "read_weights",
    "random_weights",
    "causal_padding",
    "keras_kernel_to_torch",
    "activation_keys",
    "build_frontend",
    "load_frontend",
    "build_model",
    "load_model",
    "first_layer_taps",
]


class KidPPGFormatError(SymreluError, ValueError):
    """The HDF5 file is missing, unreadable, or holds a network this port does not handle."""


#: the trained weights shipped inside the package (``numeric/data/kidppg``; GPL-3.0, see the
#: ``NOTICE.md`` beside the file for its provenance and licence)
BUNDLED_WEIGHTS = "data/kidppg/model_S5.h5"
#: SHA-256 of the shipped ``model_S5.h5`` (the authors' file, unmodified; see its NOTICE.md)
BUNDLED_SHA256 = "81ff983368d130c9e0bf1f09b488d1088805b1a55d61f3460244ec84850da6a6"


def bundled_weights() -> Path:
    """The path of the KID-PPG weights shipped with symrelu, checked against their SHA-256.

    The file is package data of :mod:`symrelu.numeric` (``numeric/data/kidppg/model_S5.h5``),
    found with :mod:`importlib.resources`, so a checkout and a pip install both
    have it. It is the authors' file under GPL-3.0 (``NOTICE.md`` beside it).

    Raises
    ------
    KidPPGFormatError
        The shipped file is missing (an installation without package data) or
        its content is not the file symrelu shipped (SHA-256 mismatch).

    Examples
    --------
    >>> p = bundled_weights()
    >>> p.name, p.stat().st_size
    ('model_S5.h5', 1897984)
    """
    import hashlib
    from importlib import resources

    res = resources.files("symrelu.numeric").joinpath(BUNDLED_WEIGHTS)
    path = Path(str(res))
    if not path.is_file():
        raise KidPPGFormatError(
            f"the KID-PPG weights shipped with symrelu are missing ({path}): the installation "
            "lacks its package data; reinstall symrelu or pass --weights PATH")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != BUNDLED_SHA256:
        raise KidPPGFormatError(
            f"the KID-PPG weights shipped with symrelu ({path}) have SHA-256 {digest}, not "
            f"{BUNDLED_SHA256}: the file was changed or damaged; reinstall symrelu")
    return path


@dataclass(frozen=True)
class ConvSpec:
    """One Keras ``Conv1D`` layer (causal, stride 1, channels last)."""

    name: str
    in_channels: int
    filters: int
    kernel_size: int
    dilation: int
    activation: str


@dataclass(frozen=True)
class BlockSpec:
    """One convolutional block: convolutions, average pooling, dropout."""

    name: str
    keras_name: str
    convs: tuple[ConvSpec, ...]
    pool_size: int
    dropout: float


@dataclass(frozen=True)
class Architecture:
    """The network read from ``model_config`` (or :func:`default_architecture`).

    Attributes
    ----------
    input_length, input_channels : int
        256 and 1.
    blocks : tuple of BlockSpec
    attention : dict or None
        ``keras_name``, ``num_heads``, ``key_dim``, ``value_dim``, ``channels``.
    layer_norm : dict or None
        ``keras_name``, ``epsilon``, ``channels``.
    dense : tuple of dict
        ``keras_name``, ``in_features``, ``units``, ``activation`` per layer.
    loss : str or None
        The training loss from ``training_config``.
    """

    input_length: int
    input_channels: int
    blocks: tuple[BlockSpec, ...]
    attention: dict | None = field(default=None, compare=True)
    layer_norm: dict | None = None
    dense: tuple[dict, ...] = ()
    loss: str | None = None

    @property
    def frontend_length(self) -> int:
        """Time steps after the last block's pooling (16 for KID-PPG)."""
        n = self.input_length
        for b in self.blocks:
            n //= b.pool_size
        return n

    def sampling_rates(self, fs: float) -> dict[str, float]:
        """Sampling rate of every activation of :func:`activation_keys`, for input rate ``fs``.

        Examples
        --------
        >>> default_architecture().sampling_rates(32.0)["block2.pool"]
        4.0
        """
        rates, rate = {}, float(fs)
        for key in activation_keys(self):
            rates[key] = rate
            if key.endswith(".pool"):
                rates[key] = rate = rate / self._block(key).pool_size
        return rates

    def _block(self, key: str) -> BlockSpec:
        name = key.split(".")[0]
        return next(b for b in self.blocks if b.name == name)


def default_architecture() -> Architecture:
    """The KID-PPG architecture as stored in ``model_S5.h5`` (see the module docstring).

    Useful without the file (tests, :func:`random_weights`); :func:`read_architecture`
    reads the same thing from a file and the tests check they agree.

    Examples
    --------
    >>> arch = default_architecture()
    >>> c = arch.blocks[0].convs[0]
    >>> c.name, c.in_channels, c.filters, c.kernel_size, c.dilation, c.activation
    ('conv1d_45', 1, 32, 5, 2, 'relu')
    >>> arch.frontend_length, arch.attention["num_heads"], arch.dense[0]["in_features"]
    (16, 4, 1024)
    """
    blocks = []
    layer, ch_in = 45, 1
    for i, (width, pool) in enumerate(((32, 4), (48, 2), (64, 2)), start=1):
        convs = []
        for _ in range(3):
            convs.append(ConvSpec(f"conv1d_{layer}", ch_in, width, 5, 2, "relu"))
            ch_in, layer = width, layer + 1
        blocks.append(BlockSpec(f"block{i}", f"model_{19 + i}", tuple(convs), pool, 0.5))
    return Architecture(
        input_length=256,
        input_channels=1,
        blocks=tuple(blocks),
        attention={
            "keras_name": "multi_head_attention_5",
            "num_heads": 4,
            "key_dim": 16,
            "value_dim": 16,
            "channels": 64,
        },
        layer_norm={"keras_name": "layer_normalization_5", "epsilon": 1e-3, "channels": 64},
        dense=(
            {"keras_name": "dense_10", "in_features": 1024, "units": 32, "activation": "relu"},
            {"keras_name": "dense_11", "in_features": 32, "units": 1, "activation": "linear"},
        ),
        loss="mae",
    )


def activation_keys(arch: Architecture | None = None) -> list[str]:
    """The keys of the front-end's activation dictionary, in forward order.

    Examples
    --------
    >>> activation_keys()[:3], activation_keys()[-1]
    (['block1.conv1', 'block1.conv1.relu', 'block1.conv2'], 'block3.pool')
    """
    arch = arch or default_architecture()
    keys = []
    for b in arch.blocks:
        for j in range(1, len(b.convs) + 1):
            keys += [f"{b.name}.conv{j}", f"{b.name}.conv{j}.relu"]
        keys.append(f"{b.name}.pool")
    return keys


def causal_padding(kernel_size: int, dilation: int) -> int:
    """Zeros Keras' ``padding="causal"`` puts on the left: ``(kernel_size - 1) * dilation``.

    Examples
    --------
    >>> causal_padding(5, 2), causal_padding(3, 1)
    (8, 2)
    """
    return (int(kernel_size) - 1) * int(dilation)


def keras_kernel_to_torch(kernel: np.ndarray) -> np.ndarray:
    """A Keras ``Conv1D`` kernel ``(kernel, in, out)`` as torch's ``(out, in, kernel)``.

    Examples
    --------
    >>> k = np.arange(2 * 3 * 4).reshape(2, 3, 4)  # kernel 2, in 3, out 4
    >>> t = keras_kernel_to_torch(k)
    >>> t.shape, bool(t[3, 1, 0] == k[0, 1, 3])
    ((4, 3, 2), True)
    """
    kernel = np.asarray(kernel)
    if kernel.ndim != 3:
        raise KidPPGFormatError(f"a Conv1D kernel has 3 axes (kernel, in, out); got {kernel.shape}")
    return np.ascontiguousarray(kernel.transpose(2, 1, 0))


# ------------------------------------------------------------------ reading


def _open(path: str | os.PathLike | None):
    import h5py

    path = bundled_weights() if path is None else Path(path)
    if not path.is_file():
        raise KidPPGFormatError(
            f"weights file not found: {str(path)!r} (leave the weights unset to use the "
            "KID-PPG model_S5.h5 shipped with symrelu)"
        )
    try:
        return h5py.File(path, "r")
    except OSError as exc:
        raise KidPPGFormatError(f"{path.name} is not a readable HDF5 file ({exc})") from None


def _name(path: str | os.PathLike | None) -> str:
    return "the shipped model_S5.h5" if path is None else Path(path).name


def _attr_text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _one(value: Any, what: str) -> int:
    v = value[0] if isinstance(value, (list, tuple)) else value
    if isinstance(value, (list, tuple)) and len(value) != 1:
        raise KidPPGFormatError(f"{what}: expected one number, got {value!r}")
    return int(v)


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise KidPPGFormatError(f"unsupported model: {message}")


def _inbound(layer: dict) -> list[str]:
    nodes = layer.get("inbound_nodes") or []
    return [n[0] for n in nodes[0]] if nodes else []


def _parse_block(index: int, layer: dict, ch_in: int) -> BlockSpec:
    sub = layer["config"]["layers"]
    convs, pool, rate, prev = [], None, 0.0, None
    for item in sub:
        cls, cfg = item["class_name"], item["config"]
        name = cfg["name"]
        if prev is not None:
            _require(_inbound(item) == [prev], f"{name} does not follow {prev} in a chain")
        prev = name
        if cls == "InputLayer":
            continue
        if cls == "Conv1D":
            _require(pool is None, f"{name}: a convolution after the pooling")
            _require(cfg["padding"] == "causal", f"{name}: padding {cfg['padding']!r}, not causal")
            _require(_one(cfg["strides"], "strides") == 1, f"{name}: stride is not 1")
            _require(cfg.get("data_format", "channels_last") == "channels_last",
                     f"{name}: not channels_last")
            _require(cfg.get("groups", 1) == 1, f"{name}: grouped convolution")
            _require(cfg["use_bias"], f"{name}: no bias")
            _require(cfg["activation"] in ("relu", "linear"),
                     f"{name}: activation {cfg['activation']!r}")
            spec = ConvSpec(
                name,
                ch_in,
                int(cfg["filters"]),
                _one(cfg["kernel_size"], "kernel_size"),
                _one(cfg["dilation_rate"], "dilation_rate"),
                cfg["activation"],
            )
            convs.append(spec)
            ch_in = spec.filters
        elif cls == "AveragePooling1D":
            p = _one(cfg["pool_size"], "pool_size")
            _require(_one(cfg["strides"], "strides") == p, f"{name}: stride differs from pool")
            _require(cfg["padding"] == "valid", f"{name}: padding {cfg['padding']!r}")
            pool = p
        elif cls == "Dropout":
            rate = float(cfg["rate"])
        else:
            _require(False, f"layer {name} of class {cls} inside a convolutional block")
    _require(bool(convs) and pool is not None, f"{layer['config']['name']}: no conv or no pooling")
    return BlockSpec(f"block{index}", layer["config"]["name"], tuple(convs), pool, rate)


def read_architecture(path: str | os.PathLike | None = None) -> Architecture:
    """Read and check the network described by the file's ``model_config`` attribute.

    Parameters
    ----------
    path : path-like, optional
        The Keras HDF5 file; None (default): the ``model_S5.h5`` shipped with symrelu.

    Returns
    -------
    Architecture

    Raises
    ------
    KidPPGFormatError
        When the file is missing or unreadable, or describes anything this port
        does not implement (non-causal padding, strides, other layer types,
        a non-chain topology, cross-attention, ...): the message names the layer.

    Examples
    --------
    >>> read_architecture() == default_architecture()   # the shipped model_S5.h5
    True
    """
    with _open(path) as f:
        if "model_config" not in f.attrs:
            raise KidPPGFormatError(f"{_name(path)} has no model_config attribute")
        config = json.loads(_attr_text(f.attrs["model_config"]))
        training = f.attrs.get("training_config")
        loss = json.loads(_attr_text(training)).get("loss") if training is not None else None
    layers = config["config"]["layers"]
    _require(layers[0]["class_name"] == "InputLayer", "the first layer is not an InputLayer")
    shape = layers[0]["config"]["batch_input_shape"]
    _require(len(shape) == 3, f"input shape {shape} is not (batch, time, channels)")
    length, channels = int(shape[1]), int(shape[2])
    blocks: list[BlockSpec] = []
    attention = layer_norm = None
    dense: list[dict] = []
    ch, steps, prev = channels, length, layers[0]["config"]["name"]
    for layer in layers[1:]:
        cls, cfg = layer["class_name"], layer["config"]
        name = cfg["name"]
        _require(_inbound(layer) == [prev], f"{name} does not follow {prev} in a chain")
        prev = name
        if cls in ("Functional", "Model"):
            _require(attention is None and not dense, f"block {name} after the head")
            block = _parse_block(len(blocks) + 1, layer, ch)
            blocks.append(block)
            ch, steps = block.convs[-1].filters, steps // block.pool_size
        elif cls == "MultiHeadAttention":
            kwargs = layer["inbound_nodes"][0][0][3]
            value = kwargs.get("value", [None])[0]
            key = kwargs.get("key", [value])[0]
            _require(value == key == _inbound(layer)[0], f"{name} is not self-attention")
            _require(cfg.get("attention_axes") in (None, [1]), f"{name}: attention axes")
            _require(cfg.get("output_shape") is None, f"{name}: output_shape")
            _require(cfg["use_bias"], f"{name}: no bias")
            attention = {
                "keras_name": name,
                "num_heads": int(cfg["num_heads"]),
                "key_dim": int(cfg["key_dim"]),
                "value_dim": int(cfg.get("value_dim") or cfg["key_dim"]),
                "channels": ch,
            }
        elif cls == "LayerNormalization":
            axis = cfg["axis"]
            _require(axis in ([2], [-1], 2, -1), f"{name}: axis {axis}")
            _require(cfg["center"] and cfg["scale"], f"{name}: without center or scale")
            layer_norm = {"keras_name": name, "epsilon": float(cfg["epsilon"]), "channels": ch}
        elif cls == "Flatten":
            ch, steps = ch * steps, 1
        elif cls == "Dense":
            _require(steps == 1, f"{name}: a Dense layer before Flatten")
            _require(cfg["use_bias"], f"{name}: no bias")
            _require(cfg["activation"] in ("relu", "linear"),
                     f"{name}: activation {cfg['activation']!r}")
            dense.append({
                "keras_name": name,
                "in_features": ch,
                "units": int(cfg["units"]),
                "activation": cfg["activation"],
            })
            ch = int(cfg["units"])
        else:
            _require(False, f"layer {name} of class {cls}")
    _require(bool(blocks), "no convolutional block")
    return Architecture(length, channels, tuple(blocks), attention, layer_norm, tuple(dense), loss)


def read_weights(path: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """Every weight array of the file, keyed ``"<layer>/<kernel|bias|gamma|...>"``.

    Nested blocks are flattened (``model_20/conv1d_45/kernel:0`` becomes
    ``conv1d_45/kernel``); multi-head attention keeps its sub-layer
    (``multi_head_attention_5/query/kernel``). Arrays are float32 as stored.

    Examples
    --------
    >>> w = read_weights()   # the shipped model_S5.h5
    >>> w["conv1d_45/kernel"].shape, w["conv1d_45/kernel"].dtype
    ((5, 1, 32), dtype('float32'))
    """
    weights: dict[str, np.ndarray] = {}
    with _open(path) as f:
        if "model_weights" not in f:
            raise KidPPGFormatError(f"{_name(path)} has no model_weights group")
        root = f["model_weights"]
        for top in root.attrs.get("layer_names", list(root.keys())):
            group = root[_attr_text(top)]
            for wname in group.attrs.get("weight_names", []):
                wname = _attr_text(wname)
                key = wname[:-2] if wname.endswith(":0") else wname
                weights[key] = np.asarray(group[wname], dtype=np.float32)
    return weights


def random_weights(arch: Architecture | None = None, seed: int = 0) -> dict[str, np.ndarray]:
    """Random float32 weights in the file's layout, for tests and examples without the file.

    Examples
    --------
    >>> w = random_weights(seed=1)
    >>> w["conv1d_48/kernel"].shape, w["multi_head_attention_5/query/kernel"].shape
    ((5, 32, 48), (64, 4, 16))
    """
    arch = arch or default_architecture()
    rng = np.random.default_rng(seed)

    def draw(*shape: int, scale: float = 1.0) -> np.ndarray:
        return (scale * rng.standard_normal(shape)).astype(np.float32)

    w: dict[str, np.ndarray] = {}
    for block in arch.blocks:
        for c in block.convs:
            fan = c.kernel_size * c.in_channels
            w[f"{c.name}/kernel"] = draw(c.kernel_size, c.in_channels, c.filters, scale=fan**-0.5)
            w[f"{c.name}/bias"] = draw(c.filters, scale=0.1)
    if arch.attention:
        a = arch.attention
        n, h, ch = a["keras_name"], a["num_heads"], a["channels"]
        dk, dv = a["key_dim"], a["value_dim"]
        for part, d in (("query", dk), ("key", dk), ("value", dv)):
            w[f"{n}/{part}/kernel"] = draw(ch, h, d, scale=ch**-0.5)
            w[f"{n}/{part}/bias"] = draw(h, d, scale=0.1)
        w[f"{n}/attention_output/kernel"] = draw(h, dv, ch, scale=(h * dv) ** -0.5)
        w[f"{n}/attention_output/bias"] = draw(ch, scale=0.1)
    if arch.layer_norm:
        ln = arch.layer_norm
        w[f"{ln['keras_name']}/gamma"] = 1 + draw(ln["channels"], scale=0.1)
        w[f"{ln['keras_name']}/beta"] = draw(ln["channels"], scale=0.1)
    for d in arch.dense:
        w[f"{d['keras_name']}/kernel"] = draw(d["in_features"], d["units"],
                                              scale=d["in_features"] ** -0.5)
        w[f"{d['keras_name']}/bias"] = draw(d["units"], scale=0.1)
    return w


def _get(weights: dict[str, np.ndarray], key: str, shape: tuple[int, ...]) -> np.ndarray:
    if key not in weights:
        raise KidPPGFormatError(f"weight {key!r} is missing from the file")
    arr = np.asarray(weights[key], dtype=np.float32)
    if arr.shape != shape:
        raise KidPPGFormatError(f"weight {key!r} has shape {arr.shape}, expected {shape}")
    return arr


# ------------------------------------------------------------------- torch


@functools.cache
def _classes() -> SimpleNamespace:
    """Build the torch module classes (torch imported here, on first use)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    def _check_input(x: torch.Tensor, channels: int, length: int | None) -> None:
        if not isinstance(x, torch.Tensor):
            raise NumericTypeError(
                f"expected a torch.Tensor of shape (batch, 1, 256), got {type(x)}"
            )
        if x.ndim != 3 or x.shape[1] != channels or (length is not None and x.shape[2] != length):
            want = f"(batch, {channels}, {length if length is not None else 'time'})"
            raise NumericInputError(f"expected input of shape {want}, got {tuple(x.shape)}")

    class CausalConv1d(nn.Conv1d):
        """``nn.Conv1d`` with Keras' causal padding: ``(k-1)*d`` zeros on the left only."""

        def __init__(self, spec: ConvSpec) -> None:
            super().__init__(spec.in_channels, spec.filters, spec.kernel_size,
                             dilation=spec.dilation, bias=True)
            self.left = causal_padding(spec.kernel_size, spec.dilation)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return super().forward(F.pad(x, (self.left, 0)))

    class Block(nn.Module):
        def __init__(self, spec: BlockSpec) -> None:
            super().__init__()
            self.name = spec.name
            self.convs = nn.ModuleList(CausalConv1d(c) for c in spec.convs)
            self.activations = [c.activation for c in spec.convs]
            # activation modules (not torch.relu calls), so forward hooks see them
            self.acts = nn.ModuleList(nn.ReLU() if a == "relu" else nn.Identity()
                                      for a in self.activations)
            self.pool = nn.AvgPool1d(spec.pool_size)
            self.dropout = nn.Dropout(spec.dropout)

        def forward(self, x: torch.Tensor, out: dict) -> torch.Tensor:
            for j, (conv, act) in enumerate(zip(self.convs, self.acts), start=1):
                x = conv(x)
                out[f"{self.name}.conv{j}"] = x
                x = act(x)
                out[f"{self.name}.conv{j}.relu"] = x
            x = self.pool(x)
            out[f"{self.name}.pool"] = x
            return self.dropout(x)  # the identity in eval mode

    class Frontend(nn.Module):
        """The three convolutional blocks; ``forward`` returns every activation.

        ``forward(x)`` with ``x`` of shape ``(batch, 1, time)`` returns a dict
        of ``(batch, channels, time)`` tensors keyed as :func:`activation_keys`.
        """

        def __init__(self, arch: Architecture) -> None:
            super().__init__()
            self.architecture = arch
            self.blocks = nn.ModuleList(Block(b) for b in arch.blocks)

        def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
            _check_input(x, self.architecture.input_channels, None)
            out: dict[str, torch.Tensor] = {}
            for block in self.blocks:
                x = block(x, out)
            return out

        def load_keras(self, weights: dict[str, np.ndarray]) -> None:
            with torch.no_grad():
                for block, spec in zip(self.blocks, self.architecture.blocks):
                    for conv, c in zip(block.convs, spec.convs):
                        k = _get(weights, f"{c.name}/kernel",
                                 (c.kernel_size, c.in_channels, c.filters))
                        b = _get(weights, f"{c.name}/bias", (c.filters,))
                        conv.weight.copy_(torch.from_numpy(keras_kernel_to_torch(k)))
                        conv.bias.copy_(torch.from_numpy(b))

    class KidPPG(nn.Module):
        """The whole network: front-end, self-attention, layer norm, dense head.

        ``forward(x)`` returns the output, shape ``(batch,)``;
        ``features(x)`` returns the front-end's activations plus
        ``"attention"``, ``"layer_norm"`` (both ``(batch, time, channels)``, as
        Keras lays them out), ``"dense1"`` and ``"output"``.
        """

        def __init__(self, arch: Architecture) -> None:
            super().__init__()
            _require(arch.attention is not None and arch.layer_norm is not None
                     and len(arch.dense) == 2, "the head is not attention + norm + 2 dense")
            self.architecture = arch
            self.frontend = Frontend(arch)
            a = arch.attention
            h, dk, dv, ch = a["num_heads"], a["key_dim"], a["value_dim"], a["channels"]
            self.key_dim = dk
            self.wq = nn.Parameter(torch.empty(ch, h, dk))
            self.wk = nn.Parameter(torch.empty(ch, h, dk))
            self.wv = nn.Parameter(torch.empty(ch, h, dv))
            self.bq, self.bk = nn.Parameter(torch.empty(h, dk)), nn.Parameter(torch.empty(h, dk))
            self.bv = nn.Parameter(torch.empty(h, dv))
            self.wo, self.bo = nn.Parameter(torch.empty(h, dv, ch)), nn.Parameter(torch.empty(ch))
            self.layer_norm = nn.LayerNorm(ch, eps=arch.layer_norm["epsilon"])
            d1, d2 = arch.dense
            self.dense1 = nn.Linear(d1["in_features"], d1["units"])
            self.dense2 = nn.Linear(d2["in_features"], d2["units"])
            self.dense_act = [d1["activation"], d2["activation"]]

        def features(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
            arch = self.architecture
            _check_input(x, arch.input_channels, arch.input_length)
            out = self.frontend(x)
            z = out[f"{arch.blocks[-1].name}.pool"].transpose(1, 2)  # (batch, time, channels)
            # Keras MultiHeadAttention (query = key = value = z)
            q = torch.einsum("btc,chd->bthd", z, self.wq) + self.bq
            k = torch.einsum("btc,chd->bthd", z, self.wk) + self.bk
            v = torch.einsum("btc,chd->bthd", z, self.wv) + self.bv
            scores = torch.einsum("bshd,bthd->bhts", k, q / self.key_dim**0.5)
            weights = torch.softmax(scores, dim=-1)
            o = torch.einsum("bhts,bshd->bthd", weights, v)
            att = torch.einsum("bthd,hdc->btc", o, self.wo) + self.bo
            out["attention"] = att
            out["attention.weights"] = weights
            ln = self.layer_norm(att)
            out["layer_norm"] = ln
            h = self.dense1(ln.reshape(ln.shape[0], -1))  # Flatten: time-major
            h = torch.relu(h) if self.dense_act[0] == "relu" else h
            out["dense1"] = h
            y = self.dense2(h)
            y = torch.relu(y) if self.dense_act[1] == "relu" else y
            out["output"] = y[:, 0]
            return out

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.features(x)["output"]

        def load_keras(self, weights: dict[str, np.ndarray]) -> None:
            self.frontend.load_keras(weights)
            a, ln = self.architecture.attention, self.architecture.layer_norm
            n, h, dk, dv, ch = (a["keras_name"], a["num_heads"], a["key_dim"], a["value_dim"],
                                a["channels"])
            pairs = [
                (self.wq, f"{n}/query/kernel", (ch, h, dk)), (self.bq, f"{n}/query/bias", (h, dk)),
                (self.wk, f"{n}/key/kernel", (ch, h, dk)), (self.bk, f"{n}/key/bias", (h, dk)),
                (self.wv, f"{n}/value/kernel", (ch, h, dv)), (self.bv, f"{n}/value/bias", (h, dv)),
                (self.wo, f"{n}/attention_output/kernel", (h, dv, ch)),
                (self.bo, f"{n}/attention_output/bias", (ch,)),
                (self.layer_norm.weight, f"{ln['keras_name']}/gamma", (ch,)),
                (self.layer_norm.bias, f"{ln['keras_name']}/beta", (ch,)),
            ]
            for lin, d in zip((self.dense1, self.dense2), self.architecture.dense):
                kern = _get(weights, f"{d['keras_name']}/kernel", (d["in_features"], d["units"]))
                pairs.append((lin.weight, None, np.ascontiguousarray(kern.T)))
                pairs.append((lin.bias, f"{d['keras_name']}/bias", (d["units"],)))
            with torch.no_grad():
                for param, key, shape in pairs:
                    arr = shape if key is None else _get(weights, key, shape)
                    param.copy_(torch.from_numpy(arr))

    return SimpleNamespace(Frontend=Frontend, KidPPG=KidPPG, CausalConv1d=CausalConv1d)


def build_frontend(weights: dict[str, np.ndarray], arch: Architecture | None = None) -> Any:
    """The torch front-end (three conv blocks) with the given Keras-layout weights.

    Parameters
    ----------
    weights : dict
        As returned by :func:`read_weights` (or :func:`random_weights`).
    arch : Architecture, optional
        Default: :func:`default_architecture`.

    Returns
    -------
    torch.nn.Module
        In eval mode (dropout off). Calling it on a ``(batch, 1, time)`` tensor
        returns a dict of ``(batch, channels, time)`` activations keyed as
        :func:`activation_keys`: ``"block1.conv1"`` (before ReLU),
        ``"block1.conv1.relu"``, ..., ``"block1.pool"``, ..., ``"block3.pool"``.

    Examples
    --------
    >>> import torch
    >>> net = build_frontend(random_weights(seed=0))
    >>> acts = net(torch.zeros(2, 1, 256))
    >>> acts["block1.conv1"].shape, acts["block2.pool"].shape, acts["block3.pool"].shape
    (torch.Size([2, 32, 256]), torch.Size([2, 48, 32]), torch.Size([2, 64, 16]))
    """
    net = _classes().Frontend(arch or default_architecture())
    net.load_keras(weights)
    return net.eval()


def load_frontend(path: str | os.PathLike | None = None) -> Any:
    """The KID-PPG convolutional front-end, read from a Keras HDF5 file into torch.

    Parameters
    ----------
    path : path-like
        A Keras HDF5 file; None (default): the ``model_S5.h5`` shipped with symrelu
        (:func:`bundled_weights`).

    Returns
    -------
    torch.nn.Module
        Float32, eval mode; see :func:`build_frontend` for what calling it returns.

    Raises
    ------
    KidPPGFormatError
        Missing or unreadable file, unsupported architecture, missing or
        misshapen weights.

    Examples
    --------
    >>> import torch
    >>> net = load_frontend()   # the shipped model_S5.h5
    >>> net(torch.zeros(1, 1, 256))["block1.pool"].shape
    torch.Size([1, 32, 64])
    """
    return build_frontend(read_weights(path), read_architecture(path))


def build_model(weights: dict[str, np.ndarray], arch: Architecture | None = None) -> Any:
    """The whole torch network (front-end and attention head), from Keras-layout weights.

    Returns
    -------
    torch.nn.Module
        Eval mode. ``model(x)`` gives the output, shape ``(batch,)``;
        ``model.features(x)`` every intermediate; ``model.frontend`` the
        front-end of :func:`build_frontend`.

    Examples
    --------
    >>> import torch
    >>> model = build_model(random_weights(seed=0))
    >>> model(torch.zeros(3, 1, 256)).shape
    torch.Size([3])
    """
    net = _classes().KidPPG(arch or default_architecture())
    net.load_keras(weights)
    return net.eval()


def load_model(path: str | os.PathLike | None = None) -> Any:
    """The whole KID-PPG network read from a Keras HDF5 file (see :func:`build_model`).

    Examples
    --------
    >>> import torch
    >>> model = load_model()   # the shipped model_S5.h5
    >>> model(torch.zeros(1, 1, 256)).shape
    torch.Size([1])
    """
    return build_model(read_weights(path), read_architecture(path))


def first_layer_taps(net: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""The first layer's channels as causal FIR filters: taps in convolution order and biases.

    Parameters
    ----------
    net : torch.nn.Module
        A front-end (:func:`load_frontend`) or a whole model (:func:`load_model`).

    Returns
    -------
    taps : numpy.ndarray
        Float64, shape ``(channels, (k-1) d + 1)``: channel ``c`` computes
        :math:`y[m] = b_c + \sum_n \mathrm{taps}[c, n]\, x[m - n]`, with
        ``taps[c, (k-1-j) d] = W[j, 0, c]`` and zeros between.
    bias : numpy.ndarray
        Float64, shape ``(channels,)``.

    Examples
    --------
    >>> w = random_weights(seed=0)
    >>> taps, bias = first_layer_taps(build_frontend(w))
    >>> taps.shape, bool(taps[3, 8] == w["conv1d_45/kernel"][0, 0, 3]), bool(taps[3, 1] == 0)
    ((32, 9), True, True)
    """
    front = getattr(net, "frontend", net)
    conv = front.blocks[0].convs[0]
    w = conv.weight.detach().cpu().double().numpy()  # (out, 1, k)
    if w.shape[1] != 1:
        raise NumericInputError(f"the first layer has {w.shape[1]} input channels; taps need one")
    k, d = w.shape[2], conv.dilation[0]
    taps = np.zeros((w.shape[0], (k - 1) * d + 1))
    for j in range(k):
        taps[:, (k - 1 - j) * d] = w[:, 0, j]
    return taps, conv.bias.detach().cpu().double().numpy()
