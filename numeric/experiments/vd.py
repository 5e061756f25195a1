r"""Section V-D: the zero-training CNN whose single output is predicted exactly.

The network is one causal Conv1D (1 filter, kernel 2, no bias) followed by ReLU
and global average pooling: its only output is the DC of the rectified,
filtered input. On the V-C tones (three classes around 3, 5 and 10 Hz) the
paper shows, for one random initialisation, that this one number separates the
classes. This module

1. predicts that number **exactly** for every sample of one initialisation
   (init 0): with torch's cross-correlation, weight ``w`` and one zero on the
   left, ``out[m] = w[0] x[m-1] + w[1] x[m]``, i.e. the causal filter
   ``taps = [w[1], w[0]]``; the prediction is the finite-window mean of
   :math:`\mathrm{ReLU}(y_m)` over ``m = 0..255`` at 30 digits, from
   ``symrelu.filtered_dc`` when the installed symrelu has it, otherwise from
   this module's pure-mpmath finite sum (the result file says which);
2. compares it with torch's float32 output (max relative error: float32
   rounding level) and with the long-window limit :math:`A |H(f)| / \pi`
   (DESIGN 1.4), whose gap is the edge/window effect;
3. goes past the paper: over ``inits`` random initialisations (Keras'
   Glorot-uniform), the training accuracy of the best two-threshold classifier
   on the single DC value, as a histogram;
4. derives with sympy when the DC is monotone in frequency and checks it on
   the runs: for kernel 2,
   :math:`|H|^2 = h_0^2 + h_1^2 + 2 h_0 h_1 \cos\omega` is monotone on
   :math:`(0, \pi)` for every kernel with :math:`h_0 h_1 \ne 0`, decreasing iff
   :math:`h_0 h_1 > 0`; for kernel 3,
   :math:`\frac{d|H|^2}{d\omega} = -2 \sin\omega\,[h_1 (h_0 + h_2) + 4 h_0 h_2 \cos\omega]`,
   monotone iff :math:`|h_1 (h_0 + h_2)| \ge 4 |h_0 h_2|`; otherwise
   :math:`|H|` has an interior extremum at
   :math:`\cos\omega^* = -h_1 (h_0 + h_2) / (4 h_0 h_2)`.

Other activations (``activation``, ``--activation gelu,tanh``): the paper's
network, with ReLU, is always run and fills the record's top level; each other
activation named replaces the ReLU of the same network (same data, same
kernels, init 0 the same weights) and gets a section ``activations[name]`` of
the record: torch's output per sample, its exact finite-window prediction
(``predictor``: this module's mpmath finite sum of the activation, evaluated
through its sympy expression, or ``symrelu.filtered_dc(..., activation=...)``;
the reference sum is cross-checked against ``filtered_dc`` on ``crosscheck``
samples per class), their largest difference, the long-window limit
``symrelu.filtered_dc(..., n=None, activation=...)`` on the cross-check
samples, and the threshold-classifier accuracies over the initialisations.
An odd activation (tanh, hardtanh, sign) has a long-window DC of exactly 0 for
every tone: its only output is the window's edge effect.

Data: the V-C data set of repetition 0 (``vc.make_dataset(seed, 0, ...)``).
Initialisation ``i`` of kernel size ``k`` draws from
``SeedSequence([seed, i, 100 + k])``; init 0 of kernel 2 is "the paper's" one.

Examples
--------
>>> r = run(Config(inits=20, samples_per_class=16, out=None, figures=False), progress=False)
>>> r.max_relative_error < 1e-5
True
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from symrelu.numeric.errors import NumericInputError
from symrelu.numeric.experiments import vc
from symrelu.numeric.results import atomic_write_json, atomic_write_text, provenance

__all__ = [
    "Config",
    "Result",
    "init_kernels",
    "dc_torch",
    "predict_dc",
    "threshold_accuracy",
    "monotonicity_conditions",
    "run",
]


@dataclass(frozen=True)
class Config:
    """Parameters of a V-D run.

    Attributes
    ----------
    inits : int
        Random initialisations for the accuracy histogram (1000).
    seed : int
        Master seed (data and initialisations).
    out : str or None
        Output directory (results.json, summary.txt, fig5 and fig5_inits
        figures); None: nothing written.
    samples_per_class : int
        Signals per class (1024, as V-C).
    kernel3 : bool
        Also run kernel size 3 and check its monotonicity condition.
    dps : int
        Decimal digits of the exact prediction.
    predictor : {"symrelu", "reference"}
        ``symrelu``: ``symrelu.filtered_dc``; ``reference``: this module's
        mpmath finite sum. The default is ``reference`` because it is faster
        (``filtered_dc`` took 0.25 s per sample here, 13 min for 3072 samples);
        see ``crosscheck``.
    crosscheck : int
        With the reference predictor, also evaluate ``symrelu.filtered_dc`` on
        this many samples per class and record the largest relative difference.
    threads : int or None
        ``torch.set_num_threads`` (None: leave torch's default).
    figures : bool
        Write the figures.
    activation : tuple of str
        Activations to compare with the paper's ReLU (comma-separated on the
        command line; every name of V-C's ``--activation``, linear included:
        the filter alone, whose mean is the window's edge effect): each
        replaces the ReLU of the same network, on the same data and kernels.
    """

    #: left out of the provenance and the run folder's hash while at its default
    OMIT_WHEN_DEFAULT: ClassVar[tuple[str, ...]] = ("activation",)

    inits: int = 1000
    seed: int = 0
    out: str | None = "reports/vd"
    samples_per_class: int = 1024
    kernel3: bool = True
    dps: int = 30
    predictor: str = "reference"
    crosscheck: int = 3
    threads: int | None = None
    figures: bool = True
    activation: tuple[str, ...] = ("relu",)

    def __post_init__(self) -> None:
        names = vc._canonical_activations(self.activation, keep_linear=True)
        if "relu" not in names:
            names = ("relu", *names)
        object.__setattr__(self, "activation", names)
        for name in ("inits", "samples_per_class", "dps"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer (got {value!r})")
        if self.predictor not in ("symrelu", "reference"):
            raise NumericInputError(
                f"predictor must be 'symrelu' or 'reference' (got {self.predictor!r})"
            )



@dataclass
class Result:
    """What :func:`run` returns.

    Attributes
    ----------
    config : Config
    frequencies, labels : numpy.ndarray
        Each sample's frequency (Hz) and class.
    dc : numpy.ndarray
        Torch's output for init 0, per sample.
    predicted : list of mpmath.mpf
        The exact finite-window prediction for init 0, per sample.
    max_relative_error : float
        max over samples of ``|torch - exact| / exact``.
    window_gap : float
        max relative gap between the exact finite window and the long-window
        limit ``|H(f)| / pi``.
    predictor : str
        Which exact predictor was used.
    accuracy : dict
        ``{2: array, 3: array}``: threshold-classifier accuracy per init.
    checks : dict
        The monotonicity conditions checked against the runs.
    summary : str
    paths : dict
    activations : dict
        One entry per activation other than ReLU (``config.activation``):
        ``dc`` (torch, init 0), ``predicted`` (exact finite window),
        ``max_abs_error``, ``max_error_over_max_dc``, ``long_window``
        (the limits of the cross-check samples and their largest gap),
        ``accuracy`` (``{2: array, 3: array}``), ``odd``, ``predictor``.
    """

    config: Config
    frequencies: np.ndarray
    labels: np.ndarray
    taps: list[float]
    dc: np.ndarray
    predicted: list
    max_relative_error: float
    window_gap: float
    predictor: str
    accuracy: dict[int, np.ndarray]
    checks: dict[str, Any]
    summary: str
    paths: dict[str, Path] = dataclasses.field(default_factory=dict)
    activations: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


# ------------------------------------------------------------ the network


def init_kernels(seed: int, inits: int, kernel: int = 2) -> np.ndarray:
    """Glorot-uniform kernels (torch layout ``(inits, kernel)``, float32).

    Keras' fans for Conv1D(1 filter, kernel k, 1 input channel) are k and k, so
    the limit is ``sqrt(6 / (2 k))``.

    Examples
    --------
    >>> w = init_kernels(0, 3)
    >>> w.shape, bool(np.abs(w).max() <= math.sqrt(1.5))
    ((3, 2), True)
    """
    limit = math.sqrt(6.0 / (2 * kernel))
    rows = [
        np.random.default_rng(np.random.SeedSequence([int(seed), i, 100 + kernel]))
        .uniform(-limit, limit, kernel)
        for i in range(inits)
    ]
    return np.asarray(rows, dtype=np.float32).reshape(inits, kernel)


def dc_torch(x: np.ndarray, kernels: np.ndarray, *, chunk: int = 64,
             activation: Any = "relu") -> np.ndarray:
    """The network's output (float32 torch) for every kernel and sample.

    ``x``: ``(samples, T)``; ``kernels``: ``(K, k)`` in torch layout. Returns
    ``(K, samples)``: mean over time of act(causal conv), ``act`` the torch
    function of ``activation`` (ReLU: ``F.relu``).

    Examples
    --------
    >>> dc_torch(np.ones((1, 4)), np.array([[0.5, 1.0]], np.float32)).tolist()
    [[1.375]]
    """
    import torch
    from symrelu.numeric.experiments.torch_activations import torch_activation
    from torch.nn import functional as F

    act = torch_activation(activation).function
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))[:, None, :]
    k = kernels.shape[1]
    xt = F.pad(xt, (k - 1, 0))  # causal: k - 1 zeros on the left
    out = []
    with torch.no_grad():
        for s in range(0, len(kernels), chunk):
            w = torch.from_numpy(np.ascontiguousarray(kernels[s : s + chunk]))[:, None, :]
            out.append(act(F.conv1d(xt, w)).mean(-1).T.numpy())  # (chunk, samples)
    return np.concatenate(out).astype(np.float64)


def _mpmath_activation(name: str):
    """The activation as an mpmath function, lambdified from its exact sympy expression."""
    import sympy

    from symrelu import as_activation

    x = sympy.Symbol("x", real=True)
    expr = as_activation(name)(x)
    # sympy's Heaviside(0) is 1/2 in the expression; the printer needs a value for it
    expr = expr.replace(sympy.Heaviside, lambda arg, *rest: (sympy.sign(arg) + 1) / 2)
    return sympy.lambdify(x, expr, modules="mpmath")


def _reference_filtered_dc(frequency, taps, fs, n, dps=30, activation="relu"):
    """mean_{m<n} act(sum_j taps[j] cos(2 pi f (m - j) / fs)), x[<0] = 0, in mpmath.

    ReLU: ``y`` where ``y > 0``; another activation: its sympy expression
    lambdified to mpmath (:func:`_mpmath_activation`).
    """
    import mpmath as mp

    if activation != "relu":
        act = _mpmath_activation(activation)
        with mp.workdps(dps):
            w = 2 * mp.pi * mp.mpf(repr(float(frequency))) / fs
            h = [mp.mpf(repr(float(t))) for t in taps]
            x = [mp.cos(w * m) for m in range(n)]
            return mp.fsum(
                act(mp.fsum(h[j] * x[m - j] for j in range(len(h)) if m - j >= 0))
                for m in range(n)) / n
    with mp.workdps(dps):
        w = 2 * mp.pi * mp.mpf(repr(float(frequency))) / fs
        h = [mp.mpf(repr(float(t))) for t in taps]  # floats as the decimal they print as
        x = [mp.cos(w * m) for m in range(n)]
        total = mp.mpf(0)
        for m in range(n):
            y = mp.fsum(h[j] * x[m - j] for j in range(len(h)) if m - j >= 0)
            if y > 0:
                total += y
        return total / n


def predict_dc(frequency: float, taps, *, fs: float = vc.FS, n: int | None = vc.N_SAMPLES,
               dps: int = 30, predictor: str = "symrelu", activation: str = "relu"):
    """Exact DC of act(causal FIR(tone)) over the finite window ``m = 0..n-1``.

    ``taps[j]`` multiplies ``x[m - j]`` (torch weight ``w`` of length 2 gives
    ``taps = [w[1], w[0]]``). ``n=None`` (symrelu predictor only): the
    long-window limit. Returns ``(value, name_of_predictor)``.

    Examples
    --------
    >>> v, _ = predict_dc(8.0, [1.0, 0.0], fs=32, n=4, predictor="reference")
    >>> float(v)  # cos(0), cos(pi/2), cos(pi), cos(3pi/2) -> ReLU mean = 1/4
    0.25
    """
    if predictor == "reference":
        if n is None:
            raise NumericInputError("the reference predictor sums a finite window: give n")
        return (_reference_filtered_dc(frequency, taps, fs, n, dps, activation),
                "reference mpmath finite sum")
    if predictor != "symrelu":
        raise NumericInputError(
            f"predictor must be 'symrelu' or 'reference' (got {predictor!r})")
    import symrelu

    tone = symrelu.MultiTone(amplitudes=[1], frequencies=[float(frequency)], phases=[0],
                             offset=0)
    return (symrelu.filtered_dc(tone, [float(t) for t in taps], fs, n=n, dps=dps,
                                activation=activation),
            "symrelu.filtered_dc")


def _response(taps: np.ndarray, f: np.ndarray, fs: float = vc.FS) -> np.ndarray:
    """|H(f)| of causal taps (rows of ``taps``) at frequencies ``f``: ``(K, len(f))``."""
    taps = np.atleast_2d(taps)
    j = np.arange(taps.shape[1])
    ph = np.exp(-2j * np.pi * np.outer(j, np.asarray(f)) / fs)  # (k, F)
    return np.abs(taps.astype(np.float64) @ ph)


# ---------------------------------------------------------- the classifier


def threshold_accuracy(dc: np.ndarray, labels: np.ndarray) -> float:
    """Training accuracy of the best 3-class classifier with two thresholds on ``dc``.

    The DC axis is cut into three intervals, each assigned one class (all six
    assignments are tried); the cuts are chosen optimally (cumulative counts,
    O(n) per assignment).

    Examples
    --------
    >>> threshold_accuracy(np.array([0.1, 0.2, 0.5, 0.6, 0.9, 1.0]), np.array([2, 2, 0, 0, 1, 1]))
    1.0
    """
    from itertools import permutations

    order = np.argsort(dc, kind="stable")
    lab = np.asarray(labels)[order]
    v = np.asarray(dc)[order]
    n = len(lab)
    # a cut can only fall between two different values (ties cannot be split)
    cut = np.ones(n + 1, dtype=bool)
    cut[1:n] = v[1:] > v[:-1]
    onehot = np.zeros((3, n + 1))
    for c in range(3):
        onehot[c, 1:] = np.cumsum(lab == c)
    best = 0.0
    for a, b, c in permutations(range(3)):
        # intervals [0, i), [i, j), [j, n): class a, b, c
        A, B, C = onehot[a], onehot[b], onehot[c]
        left = np.maximum.accumulate(np.where(cut, A - B, -np.inf))  # best i <= j
        score = np.where(cut, left + B + (C[n] - C), -np.inf)
        best = max(best, float(score.max()))
    return best / n


# ---------------------------------------------------------- the derivation


def monotonicity_conditions() -> dict[str, Any]:
    r"""Derive, with sympy, when :math:`|H(\omega)|^2` is monotone on :math:`(0, \pi)`.

    Returns the squared magnitude responses, their derivatives in factored form
    and the conditions for kernel sizes 2 and 3 (as sympy objects).

    Examples
    --------
    >>> d = monotonicity_conditions()
    >>> d["k2"]["derivative"]
    -2*h0*h1*sin(w)
    >>> d["k3"]["stationary_cos"]
    -h1*(h0 + h2)/(4*h0*h2)
    """
    import sympy as sp

    w = sp.symbols("w", real=True)
    h0, h1, h2 = sp.symbols("h0 h1 h2", real=True)
    out: dict[str, Any] = {}
    for name, taps in (("k2", (h0, h1)), ("k3", (h0, h1, h2))):
        H = sum(t * sp.exp(-sp.I * j * w) for j, t in enumerate(taps))
        H2 = sp.simplify(sp.expand_complex(H * sp.conjugate(H)))
        H2 = sp.expand(sp.expand_trig(sp.trigsimp(H2)))
        H2 = sp.simplify(sp.fu(H2))
        dH2 = sp.factor(sp.expand_trig(sp.diff(H2, w)))
        out[name] = {"H2": H2, "derivative": dH2}
    # kernel 3: dH2/dw = -2 sin w * (h1 (h0 + h2) + 4 h0 h2 cos w); solve bracket = 0 for cos w
    c = sp.symbols("c", real=True)
    bracket = sp.factor(sp.cancel(out["k3"]["derivative"] / (-2 * sp.sin(w))))
    bracket_c = sp.expand(bracket.subs(sp.cos(w), c))
    (root,) = sp.solve(bracket_c, c)
    out["k3"]["bracket"] = bracket
    out["k3"]["stationary_cos"] = sp.factor(root)
    out["k3"]["monotone_condition"] = sp.Ge(sp.Abs(h1 * (h0 + h2)), 4 * sp.Abs(h0 * h2))
    out["k2"]["monotone_condition"] = sp.Ne(h0 * h1, 0)
    out["k2"]["decreasing_iff"] = sp.Gt(h0 * h1, 0)
    return out


def _stationary_frequency(taps: np.ndarray, fs: float = vc.FS) -> np.ndarray:
    """Interior stationary frequency (Hz) of |H| for kernel-3 taps, NaN if none."""
    h0, h1, h2 = taps[:, 0].astype(float), taps[:, 1].astype(float), taps[:, 2].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = -h1 * (h0 + h2) / (4 * h0 * h2)
    ok = np.abs(c) < 1
    return np.where(ok, np.arccos(np.clip(c, -1, 1)) * fs / (2 * np.pi), np.nan)


def _class_order(dc: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """+1 if class means of dc increase with class frequency, -1 if decrease, 0 if neither."""
    means = np.stack([dc[:, labels == c].mean(1) for c in range(3)], axis=1)
    d = np.diff(means, axis=1)
    return np.where((d > 0).all(1), 1, np.where((d < 0).all(1), -1, 0))


def _checks(taps2, dc2, taps3, dc3, labels, f) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    # kernel 2: taps = [w1, w0]; h0 h1 = w0 w1 (symmetric)
    prod = taps2[:, 0].astype(float) * taps2[:, 1].astype(float)
    predicted = np.where(prod > 0, -1, 1)
    observed = _class_order(dc2, labels)
    agree = observed == predicted
    checks["k2"] = {
        "inits": len(taps2),
        "predicted_decreasing": int((predicted == -1).sum()),
        "observed_monotone_class_order": int((observed != 0).sum()),
        "observed_direction_matches_sign_of_h0h1": int(agree.sum()),
        "exceptions": [
            {"init": int(i), "taps": taps2[i].tolist(), "observed": int(observed[i])}
            for i in np.flatnonzero(~agree)[:20]
        ],
    }
    if taps3 is not None:
        stat = _stationary_frequency(taps3)
        monotone_pred = np.isnan(stat)
        observed3 = _class_order(dc3, labels)
        # classes at 3, 5, 10 Hz: an order break needs the extremum inside the class band
        lo, hi = f.min(), f.max()
        in_band = (~monotone_pred) & (stat > lo) & (stat < hi)
        resp = _response(taps3, np.array(vc.CLASS_FREQUENCIES))
        d = np.diff(resp, axis=1)
        pred_order = np.where((d > 0).all(1), 1, np.where((d < 0).all(1), -1, 0))
        checks["k3"] = {
            "inits": len(taps3),
            "predicted_monotone_on_0_to_nyquist": int(monotone_pred.sum()),
            "predicted_extremum_inside_class_band": int(in_band.sum()),
            "observed_non_monotone_class_order": int((observed3 == 0).sum()),
            "monotone_predicted_and_observed_monotone": int(
                (monotone_pred & (observed3 != 0)).sum()),
            "monotone_predicted_but_observed_not": int((monotone_pred & (observed3 == 0)).sum()),
            "observed_non_monotone_with_extremum_in_band": int(
                ((observed3 == 0) & in_band).sum()),
            "class_order_from_H_at_class_means_matches": int((pred_order == observed3).sum()),
        }
    return checks


# -------------------------------------------------------------------- run


def _predict_all(cfg, f, taps, progress, activation="relu"):
    values, name = [], None
    it = range(len(f))
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, desc=f"V-D exact prediction ({activation})", unit="sample")
    for i in it:
        v, name = predict_dc(f[i], taps, dps=cfg.dps, predictor=cfg.predictor,
                             activation=activation)
        values.append(v)
    return values, name


def run(config: Config, *, progress: bool = True) -> Result:
    """Run V-D: exact per-sample prediction for init 0 and the many-inits study.

    Writes ``results.json`` (provenance, per-sample values for init 0, per-init
    accuracies, checks), ``summary.txt``, ``fig5.png/pdf`` (DC vs frequency by
    class; ``|H(f)|`` in dB with the class frequencies) and ``fig5_inits.png/pdf``
    (threshold-accuracy histograms) under ``config.out``.

    Examples
    --------
    >>> r = run(Config(inits=10, samples_per_class=8, kernel3=False, out=None), progress=False)
    >>> r.dc.shape, len(r.predicted), sorted(r.accuracy)
    ((24,), 24, [2])
    """
    import mpmath as mp
    import torch

    if config.threads is not None:
        torch.set_num_threads(config.threads)
    x, y, f = vc.make_dataset(config.seed, 0, config.samples_per_class)
    k2 = init_kernels(config.seed, config.inits, 2)
    taps2 = k2[:, ::-1].copy()  # cross-correlation -> causal taps
    dc2 = dc_torch(x, k2)
    k3 = init_kernels(config.seed, config.inits, 3) if config.kernel3 else None
    taps3 = k3[:, ::-1].copy() if k3 is not None else None
    dc3 = dc_torch(x, k3) if k3 is not None else None

    taps0 = [float(t) for t in taps2[0]]
    predicted, name = _predict_all(config, f, taps0, progress)
    with mp.workdps(config.dps):
        rel = [abs((mp.mpf(float(d)) - p) / p) for d, p in zip(dc2[0], predicted, strict=True)]
        limit = _response(taps2[:1], f)[0] / math.pi  # long-window limit A |H| / pi
        gap = max(abs(float(p) - lim) / lim for p, lim in zip(predicted, limit, strict=True))
    max_rel = float(max(rel))

    acc = {2: np.array([threshold_accuracy(d, y) for d in dc2])}
    if dc3 is not None:
        acc[3] = np.array([threshold_accuracy(d, y) for d in dc3])
    checks = _checks(taps2, dc2, taps3, dc3, y, f)
    cross = None
    if name.startswith("reference") and config.crosscheck:
        idx = [i for c in range(3) for i in np.flatnonzero(y == c)[: config.crosscheck]]
        with mp.workdps(config.dps):
            cross = float(max(
                abs(predict_dc(f[i], taps0, dps=config.dps, predictor="symrelu")[0]
                    - predicted[i]) / predicted[i] for i in idx))
        checks["symrelu_filtered_dc_crosscheck"] = {"samples": len(idx),
                                                    "max_relative_difference": cross}
    sections = {a: _activation_section(config, a, x, y, f, k2, k3, taps0, progress)
                for a in config.activation if a != "relu"}
    summary = _summary(config, name, max_rel, gap, acc, checks, sections)
    result = Result(config, f, y, taps0, dc2[0], predicted, max_rel, gap, name, acc, checks,
                    summary, activations=sections)
    if config.out is not None:
        out = Path(config.out)
        record = {
            "provenance": provenance(
                {k: (list(v) if k == "activation" else v)
                 for k, v in dataclasses.asdict(config).items()
                 if k not in ("out", "threads", "figures")
                 and not (k == "activation" and v == ("relu",))},
                seed=config.seed, packages=("torch",), threads=config.threads),
            "predictor": name,
            "init0": {
                "torch_weight": k2[0].tolist(),
                "taps": taps0,
                "frequency": f.tolist(),
                "label": y.tolist(),
                "dc_torch": dc2[0].tolist(),
                "dc_exact": [mp.nstr(p, config.dps) for p in predicted],
                "max_relative_error": max_rel,
                "max_relative_gap_to_long_window_limit": gap,
            },
            "threshold_accuracy": {str(k): v.tolist() for k, v in acc.items()},
            "kernels": {"2": k2.tolist(), **({"3": k3.tolist()} if k3 is not None else {})},
            "checks": checks,
            **({"activations": {a: _section_record(sec, config.dps)
                                for a, sec in sections.items()}} if sections else {}),
            "derivation": {k: {kk: str(vv) for kk, vv in v.items()}
                           for k, v in monotonicity_conditions().items()},
        }
        result.paths["results"] = atomic_write_json(out / "results.json", record)
        result.paths["summary"] = atomic_write_text(out / "summary.txt", summary)
        if config.figures:
            result.paths.update(_figures(result, out))
    return result


def _activation_section(cfg, act, x, y, f, k2, k3, taps0, progress) -> dict[str, Any]:
    """V-D with ``act`` in place of ReLU: torch, the exact prediction, the accuracies."""
    import mpmath as mp

    dc2 = dc_torch(x, k2, activation=act)
    dc3 = dc_torch(x, k3, activation=act) if k3 is not None else None
    predicted, name = _predict_all(cfg, f, taps0, progress, act)
    with mp.workdps(cfg.dps):
        err = [abs(mp.mpf(float(d)) - p) for d, p in zip(dc2[0], predicted, strict=True)]
        scale = max(abs(p) for p in predicted)
    max_abs = float(max(err))
    acc = {2: np.array([threshold_accuracy(d, y) for d in dc2])}
    if dc3 is not None:
        acc[3] = np.array([threshold_accuracy(d, y) for d in dc3])
    # the long-window limit from the exact engine, on the cross-check samples
    idx = [int(i) for c in range(3) for i in np.flatnonzero(y == c)[: max(cfg.crosscheck, 1)]]
    limits = [predict_dc(f[i], taps0, n=None, dps=cfg.dps, predictor="symrelu",
                         activation=act)[0] for i in idx]
    with mp.workdps(cfg.dps):
        gaps = [abs(predicted[i] - lim) for i, lim in zip(idx, limits, strict=True)]
    section: dict[str, Any] = {
        "dc": dc2[0], "dc_kernel3": None if dc3 is None else dc3[0],
        "predicted": predicted, "predictor": name,
        "max_abs_error": max_abs,
        "max_error_over_max_dc": float(max_abs / scale) if scale else None,
        "long_window": {"samples": idx, "limit": limits,
                        "max_abs_gap": float(max(gaps)),
                        "max_gap_over_max_dc": float(max(gaps) / scale) if scale else None},
        "accuracy": acc, "odd": vc.is_odd(act),
    }
    if name.startswith("reference") and cfg.crosscheck:
        with mp.workdps(cfg.dps):
            cross = max(abs(predict_dc(f[i], taps0, dps=cfg.dps, predictor="symrelu",
                                       activation=act)[0] - predicted[i]) for i in idx)
        section["symrelu_filtered_dc_crosscheck"] = {"samples": len(idx),
                                                     "max_abs_difference": float(cross)}
    return section


def _section_record(sec: dict[str, Any], dps: int) -> dict[str, Any]:
    """The JSON form of an activation's section."""
    import mpmath as mp

    lw = sec["long_window"]
    return {
        "predictor": sec["predictor"],
        "odd": sec["odd"],
        "dc_torch": sec["dc"].tolist(),
        "dc_exact": [mp.nstr(p, dps) for p in sec["predicted"]],
        "max_abs_error": sec["max_abs_error"],
        "max_error_over_max_dc": sec["max_error_over_max_dc"],
        "long_window": {"samples": lw["samples"], "limit": [mp.nstr(v, dps) for v in lw["limit"]],
                        "max_abs_gap": lw["max_abs_gap"],
                        "max_gap_over_max_dc": lw["max_gap_over_max_dc"]},
        "threshold_accuracy": {str(k): v.tolist() for k, v in sec["accuracy"].items()},
        **({"symrelu_filtered_dc_crosscheck": sec["symrelu_filtered_dc_crosscheck"]}
           if "symrelu_filtered_dc_crosscheck" in sec else {}),
    }


def _summary(cfg, name, max_rel, gap, acc, checks, sections=None) -> str:
    c2 = checks["k2"]
    lines = [
        "Section V-D: Conv1D(1, kernel 2, causal, no bias) -> ReLU -> global average pooling",
        f"samples: {3 * cfg.samples_per_class}; initialisations: {cfg.inits}; seed: {cfg.seed}",
        f"init 0: exact finite-window DC ({name}, {cfg.dps} digits) vs torch float32: "
        f"max relative error {max_rel:.3g}",
        f"init 0: exact predictor cross-checked against symrelu.filtered_dc: "
        f"{checks.get('symrelu_filtered_dc_crosscheck', 'not run')}",
        f"init 0: max relative gap of the exact finite window to the long-window limit "
        f"|H(f)|/pi: {gap:.3g} (edge and window effect)",
        f"kernel 2: threshold-classifier accuracy over inits: mean {acc[2].mean():.4f}, "
        f"min {acc[2].min():.4f}, median {np.median(acc[2]):.4f}, "
        f">= 0.99 in {(acc[2] >= 0.99).mean():.1%} of inits",
        "kernel 2: |H|^2 = h0^2 + h1^2 + 2 h0 h1 cos w is monotone on (0, fs/2) for every kernel "
        "(decreasing iff h0 h1 > 0); class order observed monotone in "
        f"{c2['observed_monotone_class_order']}/{c2['inits']} inits, direction = -sign(h0 h1) in "
        f"{c2['observed_direction_matches_sign_of_h0h1']}/{c2['inits']}",
    ]
    if 3 in acc:
        c3 = checks["k3"]
        lines += [
            f"kernel 3: threshold accuracy mean {acc[3].mean():.4f}, min {acc[3].min():.4f}",
            "kernel 3: d|H|^2/dw = -2 sin w (h1 (h0 + h2) + 4 h0 h2 cos w): monotone iff "
            "|h1 (h0 + h2)| >= 4 |h0 h2|; predicted monotone in "
            f"{c3['predicted_monotone_on_0_to_nyquist']}/{c3['inits']} inits; "
            f"class order non-monotone in {c3['observed_non_monotone_class_order']}, all of them "
            "with the predicted extremum inside the class band: "
            f"{c3['observed_non_monotone_with_extremum_in_band'] == c3['observed_non_monotone_class_order']}; "  # noqa: E501
            f"predicted monotone but observed not: {c3['monotone_predicted_but_observed_not']}",
        ]
    for act, sec in (sections or {}).items():
        a2 = sec["accuracy"][2]
        kind = "odd: no long-window DC" if sec["odd"] else "not odd"
        lines.append(
            f"{act} ({kind}): exact finite-window DC ({sec['predictor']}) vs torch: max abs "
            f"error {sec['max_abs_error']:.3g} (largest |DC| {float(max(abs(p) for p in sec['predicted'])):.3g}); "  # noqa: E501
            f"gap to the long-window limit: {sec['long_window']['max_abs_gap']:.3g}; threshold "
            f"accuracy over inits: mean {a2.mean():.4f}, median {np.median(a2):.4f}"
            + (f", kernel 3 mean {sec['accuracy'][3].mean():.4f}" if 3 in sec["accuracy"]
               else ""))
    return "\n".join(lines) + "\n"


def _figures(res: Result, out: Path) -> dict[str, Path]:
    from matplotlib.figure import Figure
    from symrelu.numeric.plotting import COLUMN_WIDTH, PALETTE, TEXT_WIDTH, save_figure, style

    paths: dict[str, Path] = {}
    names = [f"{f:g} Hz" for f in vc.CLASS_FREQUENCIES]
    with style():
        fig = Figure(figsize=(TEXT_WIDTH, 2.4))
        ax1, ax2 = fig.subplots(1, 2)
        for c in range(3):
            sel = res.labels == c
            ax1.scatter(res.frequencies[sel], res.dc[sel], s=2, color=PALETTE[c],
                        label=f"class {names[c]}", rasterized=True)
        fg = np.linspace(res.frequencies.min(), res.frequencies.max(), 400)
        ax1.plot(fg, _response(np.array([res.taps]), fg)[0] / math.pi, color="k", lw=0.8,
                 label=r"$|H(f)|/\pi$")
        ax1.set_xlabel("frequency (Hz)")
        ax1.set_ylabel("DC (network output)")
        ax1.legend(markerscale=4)
        fh = np.linspace(0, vc.FS / 2, 512)
        with np.errstate(divide="ignore"):
            db = 20 * np.log10(_response(np.array([res.taps]), fh)[0])
        ax2.plot(fh, db, color=PALETTE[3])
        for c, fc in enumerate(vc.CLASS_FREQUENCIES):
            ax2.axvline(fc, color=PALETTE[c], ls="--", lw=0.8)
        ax2.set_xlabel("frequency (Hz)")
        ax2.set_ylabel(r"$|H(f)|$ (dB)")
        fig.tight_layout()
    paths["fig5_png"], paths["fig5_pdf"] = save_figure(fig, out / "fig5")
    with style():
        fig = Figure(figsize=(COLUMN_WIDTH, 2.2))
        ax = fig.subplots()
        bins = np.linspace(1 / 3, 1, 41)
        for i, (k, a) in enumerate(sorted(res.accuracy.items())):
            ax.hist(a, bins=bins, color=PALETTE[i], alpha=0.6, label=f"kernel {k}")
        ax.set_xlabel("threshold-classifier accuracy")
        ax.set_ylabel("initialisations")
        ax.set_yscale("log")
        ax.legend()
        fig.tight_layout()
    paths["fig5_inits_png"], paths["fig5_inits_pdf"] = save_figure(fig, out / "fig5_inits")
    if res.activations:
        panels = [("relu", res.dc, None), *((a, sec["dc"], sec) for a, sec in
                                            res.activations.items())]
        cols = min(len(panels), 3)
        rows = -(-len(panels) // cols)
        with style():
            fig = Figure(figsize=(TEXT_WIDTH, 2.1 * rows + 0.3))
            axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
            for ax, (act, dc, sec) in zip(axes, panels, strict=False):
                for c in range(3):
                    sel = res.labels == c
                    ax.scatter(res.frequencies[sel], dc[sel], s=1.5, color=PALETTE[c],
                               label=f"{names[c]}", rasterized=True)
                acc = res.accuracy[2] if sec is None else sec["accuracy"][2]
                ax.set_title(f"{act}\nthreshold accuracy {acc.mean():.2f}")
                ax.set_xlabel("frequency (Hz)")
            for ax in axes[len(panels):]:
                ax.set_visible(False)
            axes[0].set_ylabel("DC (network output)")
            axes[0].legend(markerscale=4)
            fig.tight_layout()
        paths["fig5_activations_png"], paths["fig5_activations_pdf"] = save_figure(
            fig, out / "fig5_activations")
    return paths
