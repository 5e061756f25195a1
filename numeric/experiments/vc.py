r"""Section V-C: three small CNNs trained on pure tones, 100 repetitions.

The paper trains three copies of one architecture that differ only in the
activation of the two convolutional layers and reports how far each layer's
weights move from their initial values, and the training loss (Fig. 4):

* ``relu``: Conv1D(32, kernel 3, causal, no bias, ReLU) x 2;
* ``linear``: the same with the identity activation;
* ``linear_dc``: identity activation, with the DC the ReLU would create added
  to the input, :math:`a_n \sqrt 2 / 4` with :math:`a_n = 1, 5, 19` by class;

each followed by global average pooling, Dense(32, ReLU) and Dense(3) on logits.

Other activations (``activation``, ``--activation gelu,tanh,softplus``): each
named activation adds a convolutional model, the ``relu`` model with that
activation in both conv layers (the dense layer keeps its ReLU), named by the
activation's canonical name (:func:`symrelu.as_activation`); its torch function
is :func:`symrelu.numeric.experiments.torch_activations.torch_activation`'s.
The models of a run are the activation models in the order given, then
``linear`` and ``linear_dc`` (always trained: they are the baselines);
the default, ``activation=("relu",)``, is the paper's three.
Data: 1024 samples per class of :math:`\cos(2\pi f t)` with
:math:`f \sim N(3, 0.1), N(5, 0.1), N(10, 0.1)` Hz, :math:`f_s = 32` Hz, 256
samples, zero phase. Adam (lr 1e-3, eps 1e-7 as Keras), sparse categorical
cross-entropy on logits, batch 64, reshuffled every epoch, 60 epochs.

Keras defaults are emulated: Glorot-uniform kernels (fans of Conv1D are
``kernel * in`` and ``kernel * out``), zero biases, causal padding = two zeros
on the left of each convolution's input, and the per-epoch loss and accuracy
are the means over the epoch's batches (what ``model.fit`` reports).

Randomness and reproducibility
------------------------------
Everything random comes from NumPy generators seeded with
``SeedSequence([seed, rep, key])``: key 0 the data set, 1 the shuffling order
(shared by all models of a repetition, so they see the same batches), and
2, 3, 4 the initial weights of ``relu``, ``linear`` and ``linear_dc``. Every
activation model draws its initial weights with key 2, relu's: in a repetition
the activation models start from the same weights and see the same batches, so
they differ only by the activation (and ``relu`` in a run with other
activations is bit for bit the ``relu`` of a default run: each model's
gradient and its Adam step are its own). The default run's resume fingerprint,
provenance and run folder leave ``activation`` out, so the paper's reference
results (``reports/vc``) stay valid and resumable. A
repetition therefore depends only on ``(seed, rep)`` and the activations:
repetitions can run in any order, on any machine, in any worker, and a rerun
recomputes exactly the missing ones.

How it is made fast (``method="fast"``, the default)
----------------------------------------------------
* The two linear models are computed exactly without their convolutions.
  Without an activation, global average pooling commutes with both causal
  convolutions, so the pooled features are
  :math:`g_o = \sum_{c,k,j} W^{(2)}_{ock} W^{(1)}_{cj} S_{4-k-j}` with
  :math:`S_m = \frac1T \sum_{u=0}^{T-1-m} x_u` (five numbers per sample,
  computed once). The trained parameters, the loss and its gradient are the
  same functions as in the convolutional model; only the float32 rounding
  differs. The two linear models are stacked on a leading axis and trained as
  one tensor program (Adam is elementwise, so one Adam on stacked parameters is
  exactly two Adams).
* The activation models (ReLU in the paper) keep oneDNN's dense convolution
  (vectorising repetitions with grouped convolutions or batched matmuls
  measured 2-3x *slower* per repetition on this CPU; see
  ``tests/benchmarks/bench_vc.py``); their input is padded once
  for the whole data set (four zeros: the first two outputs of the first layer
  are then exactly the zeros the causal padding of the second layer needs
  when the activation maps 0 to 0; for one that does not, softplus, sigmoid,
  hardsigmoid, those two columns are set to zero).
* ``threads`` sets ``torch.set_num_threads`` deliberately (default: 1).

Executors
---------
Repetitions are independent (``executor``): ``"threads"`` (the default) runs
them one after another in this process with ``threads`` torch threads (default
1); ``"processes"`` runs them in ``workers`` worker processes (one per core by
default) with one torch thread each; ``"dask"`` runs them on a Dask cluster
(``scheduler``), or on a local one of ``workers`` processes started for the
run. A repetition's numbers depend only on ``(seed, rep)`` and its torch
thread count (oneDNN splits reductions by thread, so 1 and 2 threads differ in
the last bits): the executor and the number of workers never change them.

Why the default is one process with one thread. Measured on this project's
2-core machine (sched_autogroup on; three other users' CPU-bound sessions
running throughout, load average 4.3-5.0; ``python
tests/benchmarks/bench_vc.py --executors``; seconds per 60-epoch repetition,
from 3- to 10-epoch runs, scaled):

=========================  =========  =========  ===========  ===========
executor, procs x threads  s/rep      s/rep, +1  100 reps     100 reps, +1
=========================  =========  =========  ===========  ===========
threads, 1 x 2             404-468    760-980    11-13 h      21-27 h
processes, 2 x 1           30-45      34         50-65 min    56 min
threads, 1 x 1             15-26      23-27      26-43 min    38-44 min
=========================  =========  =========  ===========  ===========

("+1": one more CPU-bound process, in a session of its own, or for 980 in
ours; "100 reps": extrapolated, the processes' start-up included). Two threads
on two busy cores are 20-40x slower: oneDNN's threads wait for each other
whenever one of them is descheduled (the 752 s repetitions once seen on a
loaded machine). Two worker processes were 1.5-1.6x *slower* than one: Linux
shares CPU time between sessions first (autogroup), so our session's workers
split its share and compete for it. One thread needs 11.6 CPU seconds per
repetition, so the full run should take about 20 minutes on an otherwise idle
2-core machine, and about as long with one other program running (it leaves
a core to ours); a worker of ``"processes"`` needs the same CPU time per
repetition (two concurrent ones measured 2.0-2.7 CPU s per 10-epoch
repetition, one alone 1.9-3.2), so on a machine with idle cores
``--executor processes`` should divide the time by their number (not
measured here: this machine was never idle).

``method="plain"`` is the textbook per-model loop (three ``nn.Module`` models,
three ``torch.optim.Adam``), kept as the reference the fast path is tested
against.

Examples
--------
>>> cfg = Config(reps=1, epochs=1, samples_per_class=64, out=None, figures=False)
>>> res = run(cfg, progress=False)
>>> res.loss.shape  # (repetitions, models, epochs)
(1, 3, 1)
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from symrelu.numeric.experiments._repetitions import (
    check_executor,
    run_repetitions,
    usable_cores,
)
from symrelu.numeric.experiments.torch_activations import TORCH_NAMES
from symrelu.numeric.results import atomic_write_json, atomic_write_text, provenance

__all__ = [
    "Config",
    "Result",
    "MODELS",
    "DEFAULT_ACTIVATIONS",
    "CLASS_FREQUENCIES",
    "DC_AMPLITUDES",
    "FS",
    "N_SAMPLES",
    "make_dataset",
    "initial_parameters",
    "build_model",
    "run_repetition",
    "run",
]

#: The paper's models, in the order used on every ``models`` axis of a default run.
MODELS = ("relu", "linear", "linear_dc")
#: The activations of the convolutional models of a default run (the paper's ReLU model).
DEFAULT_ACTIVATIONS = ("relu",)
#: The two linear models, trained in every run (they are the baselines, and nearly free).
LINEAR_MODELS = ("linear", "linear_dc")
#: Mean frequency (Hz) of each class.
CLASS_FREQUENCIES = (3.0, 5.0, 10.0)
#: Standard deviation (Hz) of each class's frequency.
FREQUENCY_STD = 0.1
#: The ``a_n`` of the DC variant, by class (the DC added is ``a_n * sqrt(2) / 4``).
DC_AMPLITUDES = (1.0, 5.0, 19.0)
#: Sampling rate (Hz) and number of samples of each signal.
FS = 32.0
N_SAMPLES = 256
_FILTERS = 32
_KERNEL = 3
_HIDDEN = 32
_LR = 1e-3
_EPS = 1e-7  # Keras' Adam epsilon (torch's default is 1e-8)
_FOREACH = None  # torch's default Adam implementation (for-loop on CPU)

_KEY_DATA, _KEY_SHUFFLE, _KEY_INIT = 0, 1, 2
#: the seed key of each model's initial weights: every activation model draws relu's (key 2)
_INIT_KEYS = {"linear": 3, "linear_dc": 4}


@dataclass(frozen=True)
class Config:
    """Parameters of a V-C run (every field maps to a command-line option).

    Attributes
    ----------
    reps : int
        Number of repetitions (100 in the paper). Increasing it on an existing
        output directory computes only the new repetitions.
    epochs : int
        Training epochs per model (60 in the paper).
    seed : int
        Master seed; repetition ``r`` uses ``SeedSequence([seed, r, key])``.
    out : str or None
        Output directory (results.json, repetitions/, figures, summary.txt);
        None keeps everything in memory (no resume, no files).
    batch_size : int
        Mini-batch size (64).
    samples_per_class : int
        Training signals per class (1024).
    method : {"fast", "plain"}
        ``"fast"``: the optimised path; ``"plain"``: the reference per-model loop.
    device : str
        Torch device, ``"cpu"`` by default (``"cuda"`` for users with a GPU).
    threads : int or None
        Torch threads per repetition; None: 1 (two were 20-40x slower on a
        busy 2-core machine). Not part of the resume fingerprint; results are
        bitwise reproducible for a fixed thread count (oneDNN may split its
        reductions, hence round, differently with another count).
    executor : {"threads", "processes", "dask"}
        threads: the repetitions one after another in this process;
        processes: in parallel worker processes, one torch thread each (for a
        machine with idle cores); dask: on a Dask cluster (a local one of
        ``workers`` processes when no scheduler is given).
    workers : int or None
        Worker processes of the processes executor or of the local Dask
        cluster; None: one per usable core.
    scheduler : str or None
        Dask scheduler address (``"tcp://host:8786"``) for ``executor="dask"``.
    figures : bool
        Write Fig. 4 (PNG and PDF) when the run is complete.
    activation : tuple of str
        Activations of the convolutional models (comma-separated on the command line:
        relu, leaky:A, abs, relu6, hardtanh, clip:lo:hi, deadzone, hardsigmoid, sign,
        heaviside, gelu, gelu_tanh, silu, tanh, sigmoid, softplus, elu, selu, mish); each
        is a copy of the relu model with that activation in both conv layers, with relu's
        initial weights and batches; linear and linear_dc are always trained (naming
        linear here adds nothing).
    """

    #: fields left out of the resume fingerprint, the provenance and the run folder's
    #: hash while they hold their default (so the paper's reference run keeps them)
    OMIT_WHEN_DEFAULT: ClassVar[tuple[str, ...]] = ("activation",)

    reps: int = 100
    epochs: int = 60
    seed: int = 0
    out: str | None = "reports/vc"
    batch_size: int = 64
    samples_per_class: int = 1024
    method: str = "fast"
    device: str = "cpu"
    threads: int | None = None
    executor: str = "threads"
    workers: int | None = None
    scheduler: str | None = None
    figures: bool = True
    activation: tuple[str, ...] = DEFAULT_ACTIVATIONS

    def __post_init__(self) -> None:
        object.__setattr__(self, "activation", _canonical_activations(self.activation))
        for name in ("reps", "epochs", "batch_size", "samples_per_class"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer (got {value!r})")
        if self.method not in ("fast", "plain"):
            raise ValueError(f"method must be 'fast' or 'plain' (got {self.method!r})")
        check_executor(self.executor, self.workers, self.scheduler)
        if self.threads is not None and (not isinstance(self.threads, int)
                                         or isinstance(self.threads, bool) or self.threads < 1):
            raise ValueError(f"threads must be a positive integer or None (got {self.threads!r})")

    def repetition_threads(self) -> int:
        """The torch thread count of each repetition (``threads``, or its default).

        Examples
        --------
        >>> Config().repetition_threads(), Config(threads=2).repetition_threads()
        (1, 2)
        """
        return 1 if self.threads is None else self.threads

    def models(self) -> tuple[str, ...]:
        """The models of the run, in the order of every ``models`` axis.

        The convolutional models (one per activation, named by its canonical
        name), then ``linear`` and ``linear_dc``.

        Examples
        --------
        >>> Config().models()
        ('relu', 'linear', 'linear_dc')
        >>> Config(activation=("relu", "tanh", "linear")).models()
        ('relu', 'tanh', 'linear', 'linear_dc')
        """
        return (*self.activation, *LINEAR_MODELS)

    def fingerprint(self) -> dict[str, Any]:
        """The parameters that determine a repetition's numbers (checked on resume)."""
        return {
            "experiment": "vc",
            "epochs": self.epochs,
            "seed": self.seed,
            "batch_size": self.batch_size,
            "samples_per_class": self.samples_per_class,
            "method": self.method,
            "device": self.device,
            **({} if self.activation == DEFAULT_ACTIVATIONS
               else {"activation": list(self.activation)}),
        }


@dataclass
class Result:
    """What :func:`run` returns.

    Attributes
    ----------
    config : Config
    repetitions : list of int
        The finished repetitions, in order (all of ``range(reps)`` when complete).
    loss, accuracy, distance1, distance2 : numpy.ndarray
        Shape ``(repetitions, models, epochs)``, models in ``config.models()``
        order (:data:`MODELS` for a default run):
        mean training loss and accuracy of each epoch, and the Euclidean
        distance of conv layer 1 / 2 weights from their initial values at the
        end of each epoch.
    finding : dict
        Final-epoch means and whether the paper's finding holds.
    summary : str
        The text summary (also written to ``summary.txt``).
    paths : dict
        Files written (empty when ``config.out`` is None).
    seconds : dict
        Wall time of each repetition computed in this call.
    """

    config: Config
    repetitions: list[int]
    loss: np.ndarray
    accuracy: np.ndarray
    distance1: np.ndarray
    distance2: np.ndarray
    finding: dict[str, Any]
    summary: str
    paths: dict[str, Path] = dataclasses.field(default_factory=dict)
    seconds: dict[int, float] = dataclasses.field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every requested repetition is finished."""
        return len(self.repetitions) == self.config.reps


def _canonical_activations(values: Any, *, keep_linear: bool = False) -> tuple[str, ...]:
    """Canonical names of the conv models' activations (duplicates once; linear dropped,
    it is always trained, unless ``keep_linear``)."""
    from symrelu import as_activation
    from symrelu.errors import ActivationError

    if isinstance(values, str):
        values = tuple(v for v in values.split(",") if v.strip())
    try:
        items = tuple(values)
    except TypeError:
        raise ActivationError(f"activation must be a tuple of names (got {values!r})") from None
    names: list[str] = []
    for item in items:
        act = as_activation(item.strip() if isinstance(item, str) else item)
        name = act.name
        if not isinstance(name, str) or not name:
            raise ActivationError(f"activation {item!r} has no canonical name to record")
        if name.split(":")[0] not in TORCH_NAMES and act.kind != "piecewise_linear":
            raise ActivationError(f"activation {name!r} has no torch function for V-C; use "
                                  f"one of {', '.join(TORCH_NAMES)} or a piecewise-linear one")
        if name not in names and (keep_linear or name not in LINEAR_MODELS):
            names.append(name)
    return tuple(names)


def _activation_of(model: str):
    """The torch activation of a convolutional model (None for linear and linear_dc)."""
    from symrelu.numeric.experiments.torch_activations import torch_activation

    return None if model in LINEAR_MODELS else torch_activation(model)


# --------------------------------------------------------------------- data


def _rng(seed: int, rep: int, key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(rep), int(key)]))


def make_dataset(
    seed: int, rep: int, samples_per_class: int = 1024
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The V-C training set of repetition ``rep``: tones, labels and frequencies.

    Class ``c`` holds ``samples_per_class`` signals :math:`\cos(2\pi f t)`,
    :math:`t = n / f_s`, ``n = 0..255``, with :math:`f \sim N(\mu_c, 0.1)` and
    :math:`\mu = 3, 5, 10` Hz. The DC variant's input is
    ``x + DC_AMPLITUDES[y] * sqrt(2) / 4``.

    Returns
    -------
    x : ndarray, float64, shape (3 * samples_per_class, 256)
    y : ndarray, int64, class labels 0, 1, 2
    f : ndarray, float64, the frequency of each signal (Hz)

    Examples
    --------
    >>> x, y, f = make_dataset(0, 0, samples_per_class=4)
    >>> x.shape, y.tolist()
    ((12, 256), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    >>> bool(x[0, 0] == 1.0)  # zero phase
    True
    """
    rng = _rng(seed, rep, _KEY_DATA)
    f = np.concatenate(
        [rng.normal(mu, FREQUENCY_STD, samples_per_class) for mu in CLASS_FREQUENCIES]
    )
    y = np.repeat(np.arange(len(CLASS_FREQUENCIES), dtype=np.int64), samples_per_class)
    t = np.arange(N_SAMPLES) / FS
    x = np.cos(2 * np.pi * f[:, None] * t[None, :])
    return x, y, f


def _dc_offsets(y: np.ndarray) -> np.ndarray:
    return np.asarray(DC_AMPLITUDES)[y] * math.sqrt(2) / 4


def _glorot(rng: np.random.Generator, shape, fan_in: int, fan_out: int) -> np.ndarray:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def initial_parameters(seed: int, rep: int, model: str) -> dict[str, np.ndarray]:
    """Keras-default initial weights of ``model`` in repetition ``rep`` (torch layout).

    Glorot-uniform kernels, zero biases. Keys follow :func:`build_model`'s
    ``state_dict``. ``model`` is ``linear``, ``linear_dc`` or an activation's
    name: every activation model starts from the relu model's weights.

    Examples
    --------
    >>> p = initial_parameters(0, 0, "relu")
    >>> {k: v.shape for k, v in p.items()}["conv2.weight"]
    (32, 32, 3)
    >>> sum(v.size for v in p.values())
    4323
    """
    if model not in _INIT_KEYS:
        _canonical_activations((model,))  # an activation's name, or ActivationError
    rng = _rng(seed, rep, _INIT_KEYS.get(model, _KEY_INIT))
    k, c, h = _KERNEL, _FILTERS, _HIDDEN
    return {
        "conv1.weight": _glorot(rng, (c, 1, k), k * 1, k * c),
        "conv2.weight": _glorot(rng, (c, c, k), k * c, k * c),
        "dense1.weight": _glorot(rng, (h, c), c, h),
        "dense1.bias": np.zeros(h, np.float32),
        "dense2.weight": _glorot(rng, (3, h), h, 3),
        "dense2.bias": np.zeros(3, np.float32),
    }


def _permutations(seed: int, rep: int, epochs: int, n: int) -> np.ndarray:
    rng = _rng(seed, rep, _KEY_SHUFFLE)
    return np.stack([rng.permutation(n) for _ in range(epochs)])


# ------------------------------------------------------------------- models


def build_model(model: str):
    """The V-C network as a ``torch.nn.Module`` (the reference implementation).

    ``model`` is ``linear``, ``linear_dc`` (the same network: the DC is part
    of the input) or an activation's name (``relu``, ``tanh``, ...: the
    activation of both conv layers; the dense layer's is always ReLU). Input
    shape ``(batch, 1, 256)``, output logits ``(batch, 3)``.

    Examples
    --------
    >>> net = build_model("relu")
    >>> sum(p.numel() for p in net.parameters())
    4323
    """
    import torch
    from torch import nn
    from torch.nn import functional as F

    act = _activation_of(model)
    act = (lambda v: v) if act is None else act.function

    class CausalCNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv1d(1, _FILTERS, _KERNEL, bias=False)
            self.conv2 = nn.Conv1d(_FILTERS, _FILTERS, _KERNEL, bias=False)
            self.dense1 = nn.Linear(_FILTERS, _HIDDEN)
            self.dense2 = nn.Linear(_HIDDEN, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = act(self.conv1(F.pad(x, (_KERNEL - 1, 0))))  # causal: zeros on the left
            h = act(self.conv2(F.pad(h, (_KERNEL - 1, 0))))
            return self.dense2(F.relu(self.dense1(h.mean(-1))))

    return CausalCNN()


# ----------------------------------------------------------------- training


def _set_threads(n: int) -> None:
    """Import torch and give it ``n`` threads (also the worker processes' initializer)."""
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def _inputs(seed: int, rep: int, samples_per_class: int):
    x, y, _ = make_dataset(seed, rep, samples_per_class)
    x32 = x.astype(np.float32)
    xdc32 = (x + _dc_offsets(y)[:, None]).astype(np.float32)
    return x32, xdc32, y


def _train_plain(cfg: Config, rep: int) -> dict[str, list]:
    import torch
    from torch.nn import functional as F

    x32, xdc32, y = _inputs(cfg.seed, rep, cfg.samples_per_class)
    perms = _permutations(cfg.seed, rep, cfg.epochs, len(y))
    dev = torch.device(cfg.device)
    yt = torch.from_numpy(y).to(dev)
    out: dict[str, list] = {"loss": [], "accuracy": [], "distance1": [], "distance2": []}
    for name in cfg.models():
        net = build_model(name).to(dev)
        init = initial_parameters(cfg.seed, rep, name)
        net.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
        w0 = [net.conv1.weight.detach().clone(), net.conv2.weight.detach().clone()]
        opt = torch.optim.Adam(net.parameters(), lr=_LR, eps=_EPS)
        xt = torch.from_numpy(xdc32 if name == "linear_dc" else x32).to(dev)[:, None, :]
        rows = {k: [] for k in out}
        for e in range(cfg.epochs):
            order = torch.from_numpy(perms[e]).to(dev)
            losses, correct = [], 0
            for s in range(0, len(y), cfg.batch_size):
                idx = order[s : s + cfg.batch_size]
                logits = net(xt[idx])
                loss = F.cross_entropy(logits, yt[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                losses.append(loss.detach())
                correct += int((logits.argmax(1) == yt[idx]).sum())
            rows["loss"].append(float(torch.stack(losses).double().mean()))
            rows["accuracy"].append(correct / len(y))
            with torch.no_grad():
                rows["distance1"].append(float(torch.linalg.vector_norm(net.conv1.weight - w0[0])))
                rows["distance2"].append(float(torch.linalg.vector_norm(net.conv2.weight - w0[1])))
        for k in out:
            out[k].append(rows[k])
    return out


def _partial_means(x: np.ndarray) -> np.ndarray:
    """``S[:, m] = (1/T) sum_{u <= T-1-m} x[:, u]`` for m = 0..4 (float64)."""
    T = x.shape[1]
    c = np.cumsum(x.astype(np.float64), axis=1)
    return np.stack([c[:, T - 1 - m] for m in range(2 * _KERNEL - 1)], axis=1) / T


def _train_fast(cfg: Config, rep: int) -> dict[str, list]:
    import torch
    from torch.nn import functional as F

    x32, xdc32, y = _inputs(cfg.seed, rep, cfg.samples_per_class)
    perms = _permutations(cfg.seed, rep, cfg.epochs, len(y))
    dev = torch.device(cfg.device)
    n, k = len(y), _KERNEL
    yt = torch.from_numpy(y).to(dev)
    acts = [_activation_of(m) for m in cfg.activation]
    nc = len(acts)  # convolutional models, first on the models axis

    def params(name):
        init = initial_parameters(cfg.seed, rep, name)
        return {key: torch.from_numpy(v).to(dev) for key, v in init.items()}

    # Activation models: dense oneDNN convolutions, input padded once by 2 (k - 1) per layer.
    pc = [{key: v.requires_grad_(True) for key, v in params(m).items()} for m in cfg.activation]
    xr = F.pad(torch.from_numpy(x32).to(dev)[:, None, :], (2 * (k - 1), 0))
    # Linear models, stacked on axis 0: G[m, b, kk, j] = S[m, b, 4 - kk - j].
    S = np.stack([_partial_means(x32), _partial_means(xdc32)])  # (2, n, 5)
    hank = np.array([[2 * (k - 1) - kk - j for j in range(k)] for kk in range(k)])
    G = torch.from_numpy(S[:, :, hank].astype(np.float32)).to(dev)  # (2, n, 3, 3)
    lin = [params("linear"), params("linear_dc")]
    pl = {key: torch.stack([lin[0][key], lin[1][key]]).requires_grad_(True) for key in lin[0]}
    w1l = pl["conv1.weight"]  # (2, 32, 1, 3)
    # One Adam over the disjoint parameter sets of all models: elementwise, so it is
    # exactly one Adam per model; one call per step saves per-call overhead.
    opt = torch.optim.Adam([*(v for p in pc for v in p.values()), *pl.values()], lr=_LR,
                           eps=_EPS, foreach=_FOREACH)
    w0 = [[p[key].detach().clone() for p in pc]
          + [pl[key][m].detach().clone() for m in range(2)]
          for key in ("conv1.weight", "conv2.weight")]

    def conv_logits(p, act, xb):
        h = act.function(F.conv1d(xb, p["conv1.weight"]))  # (B, 32, T + 2)
        if not act.zero_at_zero:
            # the first 2 columns are act(0), not the zeros layer 2's causal padding needs
            h = F.pad(h[:, :, k - 1:], (k - 1, 0))
        h = act.function(F.conv1d(h, p["conv2.weight"]))  # (B, 32, T)
        h = F.relu(F.linear(h.mean(-1), p["dense1.weight"], p["dense1.bias"]))
        return F.linear(h, p["dense2.weight"], p["dense2.bias"])

    def linear_logits(Gb):  # Gb (2, B, 3, 3)
        q = torch.einsum("mcj,mbkj->mbck", w1l[:, :, 0, :], Gb)
        g = torch.einsum("mock,mbck->mbo", pl["conv2.weight"], q)
        d1, d2 = pl["dense1.weight"].transpose(1, 2), pl["dense2.weight"].transpose(1, 2)
        h = F.relu(torch.baddbmm(pl["dense1.bias"][:, None, :], g, d1))
        return torch.baddbmm(pl["dense2.bias"][:, None, :], h, d2)

    keys = ("loss", "accuracy", "distance1", "distance2")
    nm = nc + 2
    rows: dict[str, list] = {key: [[] for _ in range(nm)] for key in keys}
    for e in range(cfg.epochs):
        order = torch.from_numpy(perms[e]).to(dev)
        losses, correct = [], torch.zeros(nm, dtype=torch.int64, device=dev)
        for s in range(0, n, cfg.batch_size):
            idx = order[s : s + cfg.batch_size]
            yb = yt[idx]
            xb = xr[idx]
            lc = [conv_logits(p, act, xb) for p, act in zip(pc, acts, strict=True)]
            loss_c = [F.cross_entropy(logits, yb) for logits in lc]
            ll = linear_logits(G[:, idx])  # (2, B, 3)
            loss_l = F.cross_entropy(ll.reshape(-1, 3), yb.repeat(2), reduction="none")
            loss_l = loss_l.view(2, -1).mean(1)
            opt.zero_grad(set_to_none=True)
            # disjoint parameters: each gets exactly its own model's gradient
            total = loss_l.sum()
            for loss in reversed(loss_c):
                total = loss + total
            total.backward()
            opt.step()
            losses.append(torch.cat([*(loss.detach()[None] for loss in loss_c), loss_l.detach()]))
            for m, logits in enumerate(lc):
                correct[m] += (logits.argmax(1) == yb).sum()
            correct[nc:] += (ll.argmax(2) == yb).sum(1)
        epoch_loss = torch.stack(losses).double().mean(0).tolist()
        acc = (correct.double() / n).tolist()
        with torch.no_grad():
            w1 = [p["conv1.weight"] for p in pc] + [pl["conv1.weight"][m] for m in range(2)]
            w2 = [p["conv2.weight"] for p in pc] + [pl["conv2.weight"][m] for m in range(2)]
            d1 = [torch.linalg.vector_norm(w - w0[0][m]) for m, w in enumerate(w1)]
            d2 = [torch.linalg.vector_norm(w - w0[1][m]) for m, w in enumerate(w2)]
        for m in range(nm):
            rows["loss"][m].append(epoch_loss[m])
            rows["accuracy"][m].append(acc[m])
            rows["distance1"][m].append(float(d1[m]))
            rows["distance2"][m].append(float(d2[m]))
    return rows


def run_repetition(cfg: Config, rep: int) -> dict[str, list]:
    """Train the models of repetition ``rep``; return their per-epoch metrics.

    Returns a dict with keys ``loss``, ``accuracy``, ``distance1`` and
    ``distance2``, each a ``models x epochs`` nested list (models in
    ``cfg.models()`` order). Deterministic in ``(cfg.seed, rep)`` for a given
    method, device and thread count.

    Examples
    --------
    >>> cfg = Config(epochs=1, samples_per_class=32, out=None)
    >>> m = run_repetition(cfg, 0)
    >>> sorted(m), len(m["loss"]), len(m["loss"][0])
    (['accuracy', 'distance1', 'distance2', 'loss'], 3, 1)
    """
    import torch

    _set_threads(cfg.repetition_threads())
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)  # nothing should draw from torch's RNG; make it harmless anyway
        return (_train_fast if cfg.method == "fast" else _train_plain)(cfg, rep)


def _task(cfg_dict: dict, rep: int) -> dict:
    return run_repetition(Config(**cfg_dict), rep)


# ------------------------------------------------------------------ results


def _arrays(done: dict[int, dict]) -> tuple[list[int], dict[str, np.ndarray]]:
    reps = sorted(done)
    keys = ("loss", "accuracy", "distance1", "distance2")
    return reps, {k: np.asarray([done[r][k] for r in reps], dtype=np.float64) for k in keys}


_COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten")


@functools.cache
def is_odd(name: str) -> bool:
    """Whether activation ``name`` is odd, f(-x) = -f(x), proven symbolically (sympy).

    An odd activation adds no DC to a zero-mean symmetric input (a tone): the
    paper's thesis predicts that its network trains like the linear one.

    Examples
    --------
    >>> is_odd("tanh"), is_odd("relu"), is_odd("softplus")
    (True, False, False)
    """
    import sympy

    from symrelu import as_activation

    x = sympy.Symbol("x", real=True)
    f = as_activation(name)
    return sympy.simplify(sympy.expand(f(x) + f(-x))) == 0


def _finding(arr: dict[str, np.ndarray], models: tuple[str, ...] = MODELS) -> dict[str, Any]:
    if arr["loss"].size == 0:
        return {"holds": None}
    final = {k: arr[k][:, :, -1] for k in ("loss", "distance1", "distance2", "accuracy")}
    stats = {
        k: {
            m: {"mean": float(v[:, i].mean()), "std": float(v[:, i].std())}
            for i, m in enumerate(models)
        }
        for k, v in final.items()
    }
    metrics = ("loss", "distance1", "distance2")
    lin = {k: stats[k]["linear"]["mean"] for k in metrics}
    checks = {
        f"{m}_{k}_below_linear": stats[k][m]["mean"] < lin[k]
        for m in ("relu", "linear_dc") if m in models
        for k in metrics
    }
    out: dict[str, Any] = {"final_epoch": stats, "checks": checks, "holds": all(checks.values())}
    others = [m for m in models if m not in MODELS]
    if others:
        # the thesis: an odd activation (no DC from a tone) trains like linear, one that
        # makes a DC like relu; "observed": the nearer of the two final-epoch means on a
        # log scale, metric by metric (relu's when relu is in the run, else below linear)
        comparison = {}
        for m in others:
            row: dict[str, Any] = {"odd": is_odd(m),
                                   "predicted": "linear" if is_odd(m) else "relu"}
            for k in metrics:
                v = stats[k][m]["mean"]
                if "relu" in models and v > 0 and lin[k] > 0 and stats[k]["relu"]["mean"] > 0:
                    near_relu = abs(math.log(v / stats[k]["relu"]["mean"]))
                    row[k] = "relu" if near_relu < abs(math.log(v / lin[k])) else "linear"
                else:
                    row[k] = "below_linear" if v < lin[k] else "not_below_linear"
            row["as_predicted"] = all(row[k] == row["predicted"] for k in metrics)
            comparison[m] = row
        out["activations"] = comparison
    return out


def _summary(cfg: Config, reps: list[int], finding: dict[str, Any]) -> str:
    models = cfg.models()
    count = _COUNT_WORDS[len(models)] if len(models) < len(_COUNT_WORDS) else str(len(models))
    lines = [
        f"Section V-C: {count} CNNs ({', '.join(models)}) trained on tones",
        f"repetitions finished: {len(reps)} of {cfg.reps}; epochs: {cfg.epochs}; seed: {cfg.seed}; "
        f"method: {cfg.method}",
    ]
    if finding.get("holds") is None:
        return "\n".join([*lines, "no repetition finished yet"]) + "\n"
    st = finding["final_epoch"]
    lines.append("final epoch, mean +- std over repetitions:")
    head = ("loss", "accuracy", "layer-1 dist", "layer-2 dist")
    width = max(10, *(len(m) for m in models))
    lines.append(f"  {'model':{width}s} {head[0]:>22s} {head[1]:>18s} {head[2]:>18s} "
                 f"{head[3]:>18s}")
    for m in models:
        cells = [f"{st[k][m]['mean']:.4g} +- {st[k][m]['std']:.2g}" for k in
                 ("loss", "accuracy", "distance1", "distance2")]
        lines.append(f"  {m:{width}s} {cells[0]:>22s} {cells[1]:>18s} {cells[2]:>18s} "
                     f"{cells[3]:>18s}")
    if finding["checks"]:
        verdict = "HOLDS" if finding["holds"] else "DOES NOT HOLD"
        failed = [k for k, ok in finding["checks"].items() if not ok]
        who = " and ".join(m for m in ("relu", "linear_dc") if m in models)
        lines.append(
            f"paper's finding ({who} end closer to their initial weights in both conv "
            f"layers, and lower in loss, than linear): {verdict} in this run"
            + (f" (fails: {', '.join(failed)})" if failed else "")
        )
    for m, row in finding.get("activations", {}).items():
        kind = "odd (no DC from a tone)" if row["odd"] else "not odd (a DC from a tone)"
        seen = ", ".join(f"{k} {row[k].replace('_', ' ')}" for k in
                         ("loss", "distance1", "distance2"))
        lines.append(f"{m}: {kind}, predicted to train like {row['predicted']}; final epoch "
                     f"nearer to: {seen} ({'as' if row['as_predicted'] else 'NOT as'} "
                     "predicted)")
    return "\n".join(lines) + "\n"


def _label(model: str) -> str:
    return {"relu": "ReLU", "linear": "linear", "linear_dc": "linear + DC"}.get(model, model)


def _figure(cfg: Config, arr: dict[str, np.ndarray], stem: Path,
            models: tuple[str, ...] | None = None) -> list[Path]:
    """Fig. 4: loss and the two distances over the epochs, mean +- std, of ``models``.

    Fig. 4 itself shows the paper's models (relu, linear, linear_dc, those in the
    run); ``fig4_activations`` every model of a run with other activations.
    """
    from matplotlib.figure import Figure
    from symrelu.numeric.plotting import PALETTE, TEXT_WIDTH, save_figure, style

    epochs = np.arange(1, cfg.epochs + 1)
    every = cfg.models()
    models = every if models is None else models
    with style():
        fig = Figure(figsize=(TEXT_WIDTH, 2.2 if len(models) <= 4 else 2.6))
        axes = fig.subplots(1, 3)
        titles = ("training loss", "conv layer 1: distance from init",
                  "conv layer 2: distance from init")
        for ax, key, title in zip(axes, ("loss", "distance1", "distance2"), titles, strict=True):
            for i, m in enumerate(models):
                values = arr[key][:, every.index(m)]
                mu, sd = values.mean(0), values.std(0)
                lower = mu - sd
                if key == "loss":
                    # a log axis cannot show mean - std <= 0: the band stops at the
                    # smallest loss any repetition reached at that epoch
                    lower = np.maximum(lower, values.min(0))
                color = PALETTE[i % len(PALETTE)]
                ax.plot(epochs, mu, color=color, label=_label(m))
                ax.fill_between(epochs, lower, mu + sd, color=color, alpha=0.25, linewidth=0)
            ax.set_title(title)
            ax.set_xlabel("epoch")
        axes[0].set_yscale("log")
        axes[0].set_title("training loss (mean, band: +-1 std)")
        axes[0].legend()
        fig.tight_layout()
    return save_figure(fig, stem)


def _write_outputs(cfg: Config, done: dict[int, dict], *, final: bool) -> dict[str, Path]:
    reps, arr = _arrays(done)
    out = Path(cfg.out)
    params = {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)
              if f.name not in ("out", "executor", "workers", "scheduler", "threads", "figures")
              and not (f.name in cfg.OMIT_WHEN_DEFAULT and getattr(cfg, f.name) == f.default)}
    if "activation" in params:
        params["activation"] = list(params["activation"])
    record = {
        # the thread count is the repetitions' (it can change the last bits); the executor
        # and the workers are not recorded here: they never change a number
        "provenance": provenance(params, seed=cfg.seed, packages=("torch",), timestamp=False,
                                 threads=cfg.repetition_threads()),
        "models": list(cfg.models()),
        "metrics_shape": "repetitions x models x epochs",
        "repetitions": reps,
        "complete": len(reps) == cfg.reps,
        "metrics": {k: v.tolist() for k, v in arr.items()},
        "finding": _finding(arr, cfg.models()),
    }
    paths = {"results": atomic_write_json(out / "results.json", record)}
    if final:
        text = _summary(cfg, reps, record["finding"])
        paths["summary"] = atomic_write_text(out / "summary.txt", text)
    return paths


def run(config: Config, *, progress: bool = True) -> Result:
    """Run (or resume) the V-C study described by ``config``.

    Writes, under ``config.out``: ``repetitions/rep-NNNNN.json`` (one per
    finished repetition, atomically), ``results.json`` (all finished
    repetitions plus provenance; rewritten atomically after every repetition,
    so Ctrl-C leaves it consistent), ``timing.json``, ``summary.txt`` and
    ``fig4.png``/``fig4.pdf`` (when complete and ``config.figures``; the
    paper's models), and ``fig4_activations.png``/``.pdf`` (every model) when the
    run has other activations.

    Parameters
    ----------
    config : Config
    progress : bool
        Show a tqdm progress bar over repetitions.

    Returns
    -------
    Result

    Examples
    --------
    >>> r = run(Config(reps=2, epochs=1, samples_per_class=32, out=None), progress=False)
    >>> r.repetitions, r.distance1.shape
    ([0, 1], (2, 3, 1))
    """
    cfg_dict = dataclasses.asdict(config)
    task = functools.partial(_task, cfg_dict)
    on_update = None
    if config.out is not None:
        def on_update(done):
            _write_outputs(config, done, final=False)

    t0 = time.perf_counter()
    done, seconds = run_repetitions(
        task, config.reps, out_dir=config.out, fingerprint=config.fingerprint(),
        executor=config.executor, workers=config.workers,
        worker_threads=config.repetition_threads(),
        initializer=functools.partial(_set_threads, config.repetition_threads()),
        scheduler=config.scheduler,
        progress=progress, desc="V-C repetitions", on_update=on_update,
    )
    wall = time.perf_counter() - t0
    reps, arr = _arrays(done)
    finding = _finding(arr, config.models())
    summary = _summary(config, reps, finding)
    paths: dict[str, Path] = {}
    if config.out is not None:
        paths.update(_write_outputs(config, done, final=True))
        if seconds:
            workers = None
            if config.executor == "processes" or (config.executor == "dask"
                                                  and config.scheduler is None):
                workers = min(config.workers or usable_cores(), len(seconds))
            timing = {"seconds_per_repetition": {str(k): v for k, v in sorted(seconds.items())},
                      "wall_seconds": wall, "repetitions_computed": len(seconds),
                      "threads": config.threads, "torch_threads": config.repetition_threads(),
                      "executor": config.executor, "workers": workers,
                      "provenance": provenance({}, seed=config.seed, packages=("torch",),
                                               threads=config.repetition_threads())}
            paths["timing"] = atomic_write_json(Path(config.out) / "timing.json", timing)
        if config.figures and len(reps) == config.reps:
            paper = tuple(m for m in config.models() if m in MODELS)
            png, pdf = _figure(config, arr, Path(config.out) / "fig4", paper)
            paths["fig4_png"], paths["fig4_pdf"] = png, pdf
            if config.activation != DEFAULT_ACTIVATIONS:
                png, pdf = _figure(config, arr, Path(config.out) / "fig4_activations")
                paths["fig4_activations_png"], paths["fig4_activations_pdf"] = png, pdf
    return Result(config, reps, arr["loss"], arr["accuracy"], arr["distance1"], arr["distance2"],
                  finding, summary, paths, seconds)
