r"""A spectral probe for 1-D torch models: each activation's spectrum predicted, aliasing measured.

Inside a network an activation acts on samples, and :math:`f(v[n])` is exactly
the sampled :math:`f(s(\tau))` of the trigonometric polynomial s that
interpolates a periodic pre-activation v. So for every activation layer, its
measured pre-activation alone predicts its output's DFT: the continuous-time
coefficients of :math:`f(s)` for :math:`|m| \le N/2` (the *in-band* part, the
spectrum the paper describes) plus the same spectrum folded back from above
Nyquist (the *aliased* part, the aliasing this activation adds). Both are
computed in :mod:`symrelu.numeric.probe_fold`; the aliased part is never the
measurement minus the in-band part.

:func:`probe` feeds a periodic multi-tone to a model, captures every leaf
module's input and output with forward hooks (removed afterwards; the model is
not changed, copied, put in eval mode or cast: run ``model.double()`` first for
float64, the precision the prediction is checked to), and returns a
:class:`Probe`.

What it understands
-------------------
* ``Conv1d`` (any padding, dilation, stride, groups, bias, also subclasses that
  pad inside ``forward``: their left padding is found by recomputing the
  layer), ``ConstantPad1d``/``ZeroPad1d``/reflection/replication/circular pads,
  ``BatchNorm1d`` in eval mode, ``Dropout`` (in eval mode) and ``Identity``,
  ``AvgPool1d``, ``MaxPool1d``, ``AdaptiveAvgPool1d``/``AdaptiveMaxPool1d``
  (uniform windows, or global), ``Flatten`` and ``Linear`` (after pooling:
  measured, no time axis).
* Activation modules, mapped to symrelu activations: ``ReLU``, ``LeakyReLU``,
  ``ReLU6``, ``Hardtanh``, ``Hardsigmoid`` (piecewise linear, folded in closed
  form) and ``GELU``, ``SiLU``, ``Tanh``, ``Sigmoid``, ``Softplus`` (beta 1),
  ``ELU``, ``SELU``, ``Mish`` (smooth, through :mod:`symrelu.smooth`; ELU and
  SELU integrated piece by piece between the crossings of their break at 0),
  and ``PReLU`` with one slope (a LeakyReLU). ``Softplus`` is torch's, linear
  above its threshold 20: an error below 2e-9.
* Functional activations (``torch.relu(x)`` inside a ``forward``) are not
  modules and cannot be hooked: they are not seen. The probe notices that the
  next layer's input is not the previous layer's output and says so in its
  note; a same-shape gap is taken as pointwise in time for the steady-state
  window (checked: the window's periodicity is recorded).
* ``MaxPool1d`` with kernel 2 is predicted through
  :math:`\max(a, b) = (a + b)/2 + |a - b|/2`, the fold of ``|a - b|`` at the
  pooled rate; larger kernels nest maxima, which are no piecewise-linear
  function of one interpolant: measured only.
* Anything else is measured (its output's DFT where it keeps a time axis) and
  marked ``status="measured"`` with the reason; no exception.

Steady state
------------
The input has the signal's period P (samples, from the rational frequencies
and fs) and ``periods`` of them plus the receptive field's transient (found
by a first pass). Each layer's valid range (outputs whose receptive field
touches no padding or edge) is tracked through the index maps; its window is
the longest run of whole periods from the first valid sample; both recorded.

Precision
---------
For a float64 model every prediction error is at float64 rounding (below
1e-13 of a channel's RMS in the tests and on KID-PPG; the check is 1e-9). A
float32 model is probed in float32: its measured pre-activations are exact
float64 numbers, so a ReLU or Hardtanh layer (whose float32 outputs are exact)
is still predicted to float64 rounding, while an activation that multiplies or
evaluates (LeakyReLU's slope, GELU) carries float32 rounding, about 1e-8 to
1e-7 of the RMS; the first layer from the analytic signal then differs from
the float32 model by its conv's float32 rounding (6e-9 measured on an
O(1) channel).

The first convolution
---------------------
When the first layer is a ``Conv1d`` on the input followed by an activation,
its channels are predicted from the analytic signal alone (torch's
cross-correlation: taps flipped into convolution order, bias as an offset,
the input replicated over its input channels): the steady-state sampled DC and
harmonics from exact samples (mpmath at ``dps`` digits), and, for a causal
layer (left padding (k-1)d, stride 1) with a kink-at-zero activation, the mean
over the finite window with its zero-padded start by
:func:`symrelu.filtered_dc`.

Examples
--------
>>> import torch, symrelu as sr
>>> torch.manual_seed(0) and None
>>> model = torch.nn.Sequential(torch.nn.Conv1d(1, 4, 5, padding=4), torch.nn.ReLU(),
...                             torch.nn.Conv1d(4, 4, 5, padding=4), torch.nn.ReLU(),
...                             torch.nn.AvgPool1d(2)).double()
>>> p = probe(model, sr.MultiTone.parse("1@3 + 0.5@7:0.4"), fs=64, periods=4)
>>> [(r.name, r.kind, r.status) for r in p.layers][:2]
[('0', 'conv', 'measured'), ('1', 'activation', 'predicted')]
>>> bool(p["3"].prediction_error.max() < 1e-9), p["3"].window.periods >= 4
(True, True)
>>> bool(abs(p.first_layer.dc_steady - p.first_layer.measured_steady).max() < 1e-10)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from symrelu.numeric.errors import NumericInputError, NumericTypeError
from symrelu.numeric.probe_fold import pwl_spectra, smooth_spectra

__all__ = ["ProbeError", "Window", "LayerProbe", "FirstLayer", "Probe", "probe",
           "torch_activation", "signal_period"]


#: longest input the probe builds (samples)
MAX_INPUT = 1_000_000


class ProbeError(NumericInputError):
    """The model or the signal cannot be probed (the message says why)."""


@dataclass(frozen=True)
class Window:
    """The steady-state window of a layer's output, in samples at the layer's rate.

    Attributes
    ----------
    start, stop : int
        The window ``[start, stop)``; ``start`` is the transient excluded.
    period : int
        The signal's period at this layer (samples).
    periods : int
        Whole periods in the window: ``stop - start == periods * period``.
    valid_stop : int
        End of the valid range (outputs after it see the right edge's padding).
    """

    start: int
    stop: int
    period: int
    periods: int
    valid_stop: int

    @property
    def transient(self) -> int:
        """Samples excluded at the start (the receptive field's transient)."""
        return self.start

    def to_dict(self) -> dict:
        return {"start": self.start, "stop": self.stop, "period": self.period,
                "periods": self.periods, "transient": self.start, "valid_stop": self.valid_stop}


@dataclass
class LayerProbe:
    """One hooked layer call.

    Attributes
    ----------
    name : str
        The module's name in ``model.named_modules()`` (``#2`` appended for a second call).
    kind : str
        ``conv``, ``pad``, ``norm``, ``pointwise``, ``pool``, ``global_pool``,
        ``activation``, ``linear``, ``flatten`` or ``other``.
    module : str
        The module's class name.
    shape : tuple
        The output's shape without the batch axis.
    status : str
        ``predicted`` (an activation, or a kernel-2 max pool, predicted from its
        input), ``measured`` (measured, nothing to predict or cannot predict:
        see ``note``).
    note : str
        Why a layer is not predicted, unseen operations before it, etc.
    activation : str or None
        The symrelu activation's canonical name.
    fs : float or None
        Sampling rate of the output.
    window : Window or None
        Steady-state window (None: no time axis or no whole period in steady state).
    measured : numpy.ndarray or None
        ``(channels, window length)`` DFT of the output over the window, divided
        by its length (bin 0 is the mean).
    inband, aliased, predicted : numpy.ndarray or None
        The same bins predicted: in band, aliased, and their sum.
    dc, dc_share, aliased_fraction, prediction_error, rms : numpy.ndarray or None
        Per channel: the measured DC (window mean); its share of the power (mean
        square); the aliased part's power over the in-band plus aliased powers
        (in [0, 1]; 0 for a silent channel); the RMS of
        predicted minus measured over the measured RMS (absolute where the
        channel is zero); the measured RMS.
    dense_points : int or None
        Smooth activations: the dense grid's size.
    periodicity : float or None
        Largest deviation of the pre-activation (activation layers) or output
        from exact periodicity over the window, relative to its RMS.
    """

    name: str
    kind: str
    module: str
    shape: tuple
    status: str = "measured"
    note: str = ""
    activation: str | None = None
    fs: float | None = None
    window: Window | None = None
    measured: np.ndarray | None = None
    inband: np.ndarray | None = None
    aliased: np.ndarray | None = None
    predicted: np.ndarray | None = None
    dc: np.ndarray | None = None
    dc_share: np.ndarray | None = None
    aliased_fraction: np.ndarray | None = None
    prediction_error: np.ndarray | None = None
    rms: np.ndarray | None = None
    periodicity: float | None = None
    dense_points: int | None = None
    output: np.ndarray | None = field(default=None, repr=False)
    steady: tuple | None = field(default=None, repr=False)  # (valid samples, period, divisor)

    def __repr__(self) -> str:
        # a one-line summary: the arrays are attributes (the dataclass repr printed them all)
        parts = [repr(self.name), self.module, self.status, f"shape {self.shape}"]
        if self.activation is not None:
            parts.insert(2, f"activation {self.activation!r}")
        if self.window is not None:
            w = self.window
            parts.append(f"window [{w.start}, {w.stop}) = {w.periods} x {w.period} samples")
        if self.prediction_error is not None and len(self.prediction_error):
            parts.append(f"max prediction error {float(np.max(self.prediction_error)):.1e}")
        if self.note:
            parts.append(f"note: {self.note}")
        return "LayerProbe(" + ", ".join(parts) + ")"

    def to_dict(self, spectra: bool = False) -> dict:
        """A JSON-able dict (per-channel lists; complex spectra only with ``spectra=True``)."""
        def arr(a):
            return None if a is None else [None if not np.isfinite(x) else float(x)
                                           for x in np.asarray(a, dtype=float).ravel()]

        out: dict[str, Any] = {
            "name": self.name, "kind": self.kind, "module": self.module,
            "shape": list(self.shape), "status": self.status, "note": self.note,
            "activation": self.activation, "fs": self.fs,
            "window": None if self.window is None else self.window.to_dict(),
            "dc": arr(self.dc), "dc_share": arr(self.dc_share),
            "aliased_fraction": arr(self.aliased_fraction),
            "prediction_error": arr(self.prediction_error), "rms": arr(self.rms),
            "periodicity": self.periodicity, "dense_points": self.dense_points,
        }
        if spectra and self.measured is not None:
            for key in ("measured", "inband", "aliased", "predicted"):
                a = getattr(self, key)
                out[key] = None if a is None else {"re": a.real.tolist(), "im": a.imag.tolist()}
        return out


@dataclass
class FirstLayer:
    """The first ``Conv1d -> activation`` predicted from the analytic input alone.

    Attributes
    ----------
    conv, activation : str
        Layer names.
    taps : numpy.ndarray
        ``(channels, (k-1) d + 1)`` taps in convolution order (torch's
        cross-correlation flipped), summed over the replicated input channels.
    bias : numpy.ndarray
    dc_steady : numpy.ndarray or None
        Exact steady-state sampled DC per channel (mpmath at ``dps`` digits,
        rounded to float), ``dc_steady_exact`` its digits (None: no whole period
        in the steady state).
    harmonics_steady : numpy.ndarray or None
        ``(channels, H + 1)`` exact DFT bins of one period of the steady state,
        bins 0..H (bin 0 the DC).
    measured_steady, error_steady : numpy.ndarray or None
        The model's window mean, and max over bins of ``|exact - measured|``.
    dc_window, measured_window, error_window : numpy.ndarray or None
        Causal layers: the finite window's mean over all n outputs (edge
        included) by :func:`symrelu.filtered_dc`, the model's, their difference.
    window_n : int
    note : str
    """

    conv: str
    activation: str
    taps: np.ndarray
    bias: np.ndarray
    dc_steady: np.ndarray | None
    dc_steady_exact: list | None
    harmonics_steady: np.ndarray | None
    measured_steady: np.ndarray | None
    error_steady: np.ndarray | None
    dc_window: np.ndarray | None
    dc_window_exact: list | None
    measured_window: np.ndarray | None
    error_window: np.ndarray | None
    window_n: int
    note: str = ""

    def __repr__(self) -> str:
        worst = None if self.error_steady is None else float(np.max(self.error_steady))
        parts = [f"conv {self.conv!r} -> activation {self.activation!r}",
                 f"{len(self.bias)} channels"]
        if worst is not None:
            parts.append(f"steady state exact, max error against the model {worst:.1e}")
        if self.error_window is not None:
            parts.append(f"finite window of {self.window_n}, max error "
                         f"{float(np.max(self.error_window)):.1e}")
        if self.note:
            parts.append(f"note: {self.note}")
        return "FirstLayer(" + ", ".join(parts) + ")"

    def to_dict(self) -> dict:
        """A JSON-able dict (what ``symrelu probe --json`` prints as ``first_layer``)."""
        def arr(a):
            return None if a is None else np.asarray(a, dtype=float).tolist()

        return {
            "conv": self.conv, "activation": self.activation,
            "dc_steady": arr(self.dc_steady), "dc_steady_exact": self.dc_steady_exact,
            "harmonics_steady_abs": None if self.harmonics_steady is None
            else arr(np.abs(self.harmonics_steady)),
            "measured_steady": arr(self.measured_steady), "error_steady": arr(self.error_steady),
            "dc_window": arr(self.dc_window), "dc_window_exact": self.dc_window_exact,
            "measured_window": arr(self.measured_window), "error_window": arr(self.error_window),
            "window_n": self.window_n, "note": self.note,
        }


@dataclass
class Probe:
    """What :func:`probe` returns: one :class:`LayerProbe` per hooked call, in call order.

    ``p["3"]`` is the layer named ``"3"``; ``p.layers`` all of them;
    ``p.first_layer`` the analytic first-layer prediction (or None).
    """

    layers: list
    signal: Any
    fs: float
    period: int
    n: int
    dtype: str
    first_layer: FirstLayer | None
    notes: list

    def __repr__(self) -> str:
        return (f"Probe({len(self.layers)} layers, {len(self.activations)} predicted, fs = "
                f"{self.fs:g}, period {self.period} samples, {self.n} input samples, "
                f"{self.dtype})")

    def __getitem__(self, name: str) -> LayerProbe:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no hooked layer named {name!r}; layers: "
                       + ", ".join(r.name for r in self.layers))

    def __iter__(self):
        return iter(self.layers)

    @property
    def activations(self) -> list:
        """The layers that are predicted (activations and kernel-2 max pools)."""
        return [r for r in self.layers if r.status == "predicted"]

    def to_dict(self, spectra: bool = False) -> dict:
        """A JSON-able summary (what ``symrelu probe --json`` prints)."""
        return {
            "signal": self.signal.to_string() if hasattr(self.signal, "to_string")
            else str(self.signal),
            "fs": self.fs, "period_samples": self.period, "input_samples": self.n,
            "dtype": self.dtype, "notes": list(self.notes),
            "layers": [r.to_dict(spectra) for r in self.layers],
            "first_layer": None if self.first_layer is None else self.first_layer.to_dict(),
        }

    def to_frame(self) -> Any:
        """One row per layer and channel (layers with per-channel values); needs pandas.

        Raises
        ------
        symrelu.errors.EnvironmentProblemError
            pandas is not installed (``pip install "symrelu[pandas]"``).
        """
        try:
            import pandas
        except ModuleNotFoundError as exc:
            from symrelu.errors import EnvironmentProblemError

            raise EnvironmentProblemError(
                "Probe.to_frame needs pandas, an optional dependency: "
                "pip install \"symrelu[pandas]\"") from exc
        rows = []
        for r in self.layers:
            if r.dc is None:
                continue
            for c in range(r.dc.size):
                def pick(a, c=c):
                    return None if a is None else float(a[c])
                rows.append({"layer": r.name, "kind": r.kind, "status": r.status,
                             "activation": r.activation, "channel": c, "fs": r.fs,
                             "dc": pick(r.dc), "dc_share": pick(r.dc_share),
                             "aliased_fraction": pick(r.aliased_fraction),
                             "prediction_error": pick(r.prediction_error), "rms": pick(r.rms)})
        return pandas.DataFrame(rows)

    def plot(self, layers: Any = None, channels: int = 8) -> Any:
        """Fig. 3-style small multiples: measured vs predicted spectra, aliased part shaded.

        One row per predicted layer (or the names in ``layers``), one panel per
        channel (the ``channels`` with the largest RMS): the measured one-sided amplitude
        (line), the predicted (dots) and the aliased part's amplitude (shaded).
        Returns the matplotlib Figure (matplotlib imported here).
        """
        import matplotlib.pyplot as plt

        rows = [self[n] for n in layers] if layers is not None else self.activations
        rows = [r for r in rows if r.measured is not None]
        if not rows:
            raise ProbeError("no layer with a steady-state spectrum to plot")
        ncol = max(min(channels, max(r.measured.shape[0] for r in rows)), 1)
        fig, axes = plt.subplots(len(rows), ncol, figsize=(1.6 * ncol + 0.6, 1.3 * len(rows) + 0.5),
                                 squeeze=False, sharex="row")
        for i, r in enumerate(rows):
            nw = r.measured.shape[1]
            half = nw // 2 + 1
            freqs = np.arange(half) * r.fs / nw
            scale = np.ones(half)
            scale[1:(nw + 1) // 2] = 2.0
            live = np.argsort(-r.rms, kind="stable")[:ncol]  # the strongest channels
            for col in range(ncol):
                ax = axes[i, col]
                if col >= live.size:
                    ax.axis("off")
                    continue
                c = int(np.sort(live)[col])
                ax.plot(freqs, scale * np.abs(r.measured[c, :half]), lw=0.8, color="C0")
                if r.predicted is not None:
                    ax.plot(freqs, scale * np.abs(r.predicted[c, :half]), ".", ms=2.5,
                            color="C1")
                    ax.fill_between(freqs, 0, scale * np.abs(r.aliased[c, :half]),
                                    color="C3", alpha=0.35, lw=0)
                ax.tick_params(labelsize=5)
                ax.set_title(f"{r.name} ch {c}", fontsize=6)
        fig.supxlabel("frequency (the unit of fs)", fontsize=7)
        fig.tight_layout(rect=(0, 0, 1, 0.97))
        return fig


# ------------------------------------------------------------------ signal


def _rational(value: Any, what: str) -> Fraction:
    import sympy

    from symrelu._values import to_exact

    e = to_exact(value, what)
    if not isinstance(e, sympy.Rational):
        raise ProbeError(f"{what} must be rational to give a periodic sampled signal "
                         f"(got {e})")
    return Fraction(int(e.p), int(e.q))


def signal_period(signal: Any, fs: Any) -> int:
    """The period, in samples at ``fs``, of the sampled signal (rational frequencies).

    Raises
    ------
    ProbeError
        A frequency at or above Nyquist (fs/2), an irrational frequency or fs.

    Examples
    --------
    >>> import symrelu as sr
    >>> signal_period(sr.MultiTone.parse("1@3 + 0.5@7"), 64)
    64
    >>> signal_period(sr.MultiTone.parse("1@1.2"), 32)   # 32/1.2 = 80/3
    80
    """
    fsq = _rational(fs, "fs")
    if fsq <= 0:
        raise ProbeError(f"fs must be positive (got {fs})")
    period = 1
    for tone in signal.tones:
        f = abs(_rational(tone.frequency, "a frequency"))
        if 2 * f >= fsq:
            raise ProbeError(f"the signal has a tone at {float(f):g}, at or above the Nyquist "
                             f"frequency fs/2 = {float(fsq) / 2:g}")
        ratio = f / fsq  # cycles per sample
        period = math.lcm(period, ratio.denominator)
    return period


def _samples(signal: Any, fs: Any, n: int) -> np.ndarray:
    """x[j] = signal(j / fs), j < n, in float64 with exact phase reduction."""
    fsq = _rational(fs, "fs")
    x = np.full(n, float(signal.offset))
    j = np.arange(n, dtype=object)
    for tone in signal.tones:
        r = _rational(tone.frequency, "a frequency") / fsq
        frac = np.array([float(Fraction(int(v) * r.numerator % r.denominator, r.denominator))
                         for v in j])
        x += float(tone.amplitude) * np.cos(2 * np.pi * frac + float(tone.phase))
    return x


# -------------------------------------------------------------- activations


def torch_activation(module: Any) -> tuple[Any, str]:
    """The symrelu activation of a torch activation module, or ``(None, reason)``.

    Examples
    --------
    >>> import torch
    >>> torch_activation(torch.nn.LeakyReLU(0.1))[0]
    LeakyReLU(1/10)
    >>> torch_activation(torch.nn.ReLU6())[0].name
    'relu6'
    """
    from torch import nn

    import symrelu
    from symrelu.errors import ActivationError

    def named(spec: str) -> tuple[Any, str]:
        try:
            return symrelu.as_activation(spec), ""
        except ActivationError:
            return None, (f"symrelu has no activation {spec!r} in this installation "
                          "(symrelu.smooth): measured only")

    if isinstance(module, nn.ReLU):
        return symrelu.ReLU(), ""
    if isinstance(module, nn.LeakyReLU):
        return symrelu.LeakyReLU(repr(float(module.negative_slope))), ""
    if isinstance(module, nn.ReLU6):
        return symrelu.ReLU6(), ""
    if isinstance(module, nn.Hardtanh):
        return symrelu.HardTanh(repr(float(module.min_val)), repr(float(module.max_val))), ""
    if isinstance(module, nn.Hardsigmoid):
        return symrelu.HardSigmoid(), ""
    if isinstance(module, nn.GELU):
        return named("gelu_tanh" if module.approximate == "tanh" else "gelu")
    if isinstance(module, nn.SiLU):
        return named("silu")
    if isinstance(module, nn.Tanh):
        return named("tanh")
    if isinstance(module, nn.Sigmoid):
        return named("sigmoid")
    if isinstance(module, nn.Softplus):
        if float(module.beta) != 1.0:
            return None, f"Softplus with beta {module.beta} (symrelu's softplus has beta 1)"
        return named("softplus")
    if isinstance(module, nn.ELU):
        return named("elu" if float(module.alpha) == 1.0 else f"elu:{float(module.alpha)!r}")
    if isinstance(module, nn.SELU):
        return named("selu")
    if isinstance(module, nn.Mish):
        return named("mish")
    if isinstance(module, nn.PReLU):
        if module.weight.numel() != 1:
            return None, (f"PReLU with {module.weight.numel()} slopes (one per channel): "
                          "symrelu's activations are the same on every channel")
        return symrelu.LeakyReLU(repr(float(module.weight.detach().reshape(()).item()))), ""
    return None, f"{type(module).__name__} has no symrelu activation: measured only"


_ACTIVATION_TYPES = ("ReLU", "LeakyReLU", "ReLU6", "Hardtanh", "Hardsigmoid", "GELU", "SiLU",
                     "Tanh", "Sigmoid", "Softplus", "ELU", "SELU", "Mish", "PReLU", "CELU",
                     "Softsign", "Hardswish", "Tanhshrink", "Softshrink", "Hardshrink",
                     "LogSigmoid", "RReLU", "Threshold")


def _pwl_terms(act: Any) -> tuple[float, float, list]:
    if act.jumps:
        raise ProbeError(f"activation {act.name} has jumps; the probe folds continuous ones")
    return float(act.intercept), float(act.linear), [(float(t), float(c)) for t, c in act.kinks]


# -------------------------------------------------------------- index maps


@dataclass
class _Map:
    """Output m reads input m*stride - left + j*dilation, j < kernel (time layers)."""

    kernel: int = 1
    stride: int = 1
    left: int = 0
    dilation: int = 1


def _conv_map(module: Any, x: Any, y: Any) -> tuple[_Map | None, str]:
    import torch.nn.functional as F
    from torch import nn

    k, s, d = module.kernel_size[0], module.stride[0], module.dilation[0]
    span = d * (k - 1)
    standard = type(module).forward is nn.Conv1d.forward
    if standard:
        if isinstance(module.padding, str):
            left = 0 if module.padding == "valid" else span // 2
        else:
            left = int(module.padding[0])
        note = "" if module.padding_mode == "zeros" else \
            f"padding_mode {module.padding_mode!r}: its padded edge counts as transient"
        return _Map(k, s, left, d), note
    # a subclass with its own forward: find the left padding that reproduces the output
    lin, lout = x.shape[-1], y.shape[-1]
    total = (lout - 1) * s + span + 1 - lin
    if total < 0:
        return None, "a Conv1d subclass whose output length the probe cannot explain"
    for left in range(total + 1):
        z = F.conv1d(F.pad(x, (left, total - left)), module.weight, module.bias, s, 0, d,
                     module.groups)
        if z.shape == y.shape and bool(((z - y).abs() <= 1e-6 * (y.abs().max() + 1e-30)).all()):
            return _Map(k, s, left, d), (f"{type(module).__name__} pads inside forward: "
                                         f"left padding {left} found by recomputing it")
    return None, f"{type(module).__name__} is a Conv1d whose forward the probe cannot reproduce"


def _pool_map(module: Any) -> _Map:
    def one(v: Any) -> int:
        return int(v[0] if isinstance(v, (tuple, list)) else v)

    k = one(module.kernel_size)
    s = one(module.stride if module.stride is not None else module.kernel_size)
    d = one(getattr(module, "dilation", 1))
    return _Map(k, s, one(module.padding), d)


def _apply(mp: _Map, valid: tuple[int, int], period: int, lout: int):
    lo, hi = valid
    span = mp.dilation * (mp.kernel - 1)
    lo_out = max(-(-(lo + mp.left) // mp.stride), 0)
    hi_out = min((hi - 1 + mp.left - span) // mp.stride + 1, lout)
    return (lo_out, max(hi_out, lo_out)), period // math.gcd(period, mp.stride)


# ------------------------------------------------------------------ probe


@dataclass
class _Call:
    name: str
    module: Any
    inp: Any
    out: Any


def _capture(model: Any, x: Any) -> tuple[list, Any]:
    import torch

    calls: list[_Call] = []
    seen: dict[int, int] = {}
    handles = []

    def hook_for(name: str):
        def hook(module, args, output):
            inp = args[0] if args else None
            count = seen.get(id(module), 0)
            seen[id(module)] = count + 1
            calls.append(_Call(name if count == 0 else f"{name}#{count + 1}", module,
                               inp, output))
        return hook

    try:
        for name, module in model.named_modules():
            if next(module.children(), None) is None:
                label = name or type(module).__name__
                handles.append(module.register_forward_hook(hook_for(label)))
        with torch.no_grad():
            out = model(x)
    finally:
        for h in handles:
            h.remove()
    return calls, out


def _dft_window(a: np.ndarray, w: Window) -> np.ndarray:
    seg = a[:, w.start:w.stop]
    return np.fft.fft(seg, axis=-1) / seg.shape[-1]


def _one_period(a: np.ndarray, w: Window) -> tuple[np.ndarray, float]:
    seg = a[:, w.start:w.stop].reshape(a.shape[0], w.periods, w.period)
    v = seg.mean(axis=1)
    rms = float(np.sqrt(np.mean(seg**2))) or 1.0
    return v, float(np.max(np.abs(seg - v[:, None, :]))) / rms


def _on_window(f: np.ndarray, w: Window) -> np.ndarray:
    out = np.zeros((f.shape[0], w.periods * w.period), dtype=complex)
    out[:, :: w.periods] = f
    return out


def _finish(rec: LayerProbe, y: np.ndarray, total: np.ndarray | None,
            inband: np.ndarray | None) -> None:
    w = rec.window
    meas = _dft_window(y, w)
    rec.measured = meas
    power = np.sum(np.abs(meas) ** 2, axis=-1)
    rec.rms = np.sqrt(power)
    rec.dc = meas[:, 0].real.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        rec.dc_share = np.where(power > 0, rec.dc**2 / np.where(power > 0, power, 1), 0.0)
    if total is None:
        return
    rec.predicted = _on_window(total, w)
    rec.inband = _on_window(inband, w)
    rec.aliased = rec.predicted - rec.inband
    pin = np.sum(np.abs(rec.inband) ** 2, axis=-1)
    palias = np.sum(np.abs(rec.aliased) ** 2, axis=-1)
    ptot = pin + palias
    err = np.sqrt(np.sum(np.abs(rec.predicted - meas) ** 2, axis=-1))
    # a silent channel (RMS at rounding level of the layer's largest) has no aliasing: 0
    alive = rec.rms > 1e-13 * max(float(rec.rms.max()), 1e-300)
    rec.aliased_fraction = np.where(alive, palias / np.where(alive, ptot, 1), 0.0)
    rec.prediction_error = np.where(rec.rms > 0, err / np.where(rec.rms > 0, rec.rms, 1), err)


def _predict_activation(act: Any, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, int | None]:
    if act.kind == "piecewise_linear":
        a, b, kinks = _pwl_terms(act)
        inb, tot = pwl_spectra(v, a, b, kinks)
        return inb, tot, None
    breaks = [float(b) for b in act.breaks]  # Smooth: points analytic on each side only
    inb, tot, m, tail = smooth_spectra(v, act.numpy, breaks=breaks)
    return inb, tot, (m, tail)


def probe(model: Any, signal: Any, fs: Any, periods: int = 8, *, n: int | None = None,
          dps: int = 30, harmonics: int = 8, first_layer: bool = True) -> Probe:
    r"""Probe every layer of a 1-D torch model with a periodic multi-tone.

    Parameters
    ----------
    model : torch.nn.Module
        Takes ``(batch, channels, time)``; run in its own dtype (``model.double()``
        for float64) and mode (call ``model.eval()`` for inference).
    signal : MultiTone or str
        Rational frequencies below fs/2 (a string is parsed by ``MultiTone.parse``).
    fs : value
        Sampling rate of the input (same unit as the frequencies).
    periods : int
        Whole periods wanted in every layer's steady-state window.
    n : int, optional
        Input length (a model that needs a fixed length); default: the signal's
        period times ``periods`` plus the transient, found by a first pass.
    dps : int
        Digits of the first layer's exact values.
    harmonics : int
        Harmonic bins of the first layer's exact steady state.
    first_layer : bool
        Predict the first ``Conv1d -> activation`` from the analytic signal.

    Returns
    -------
    Probe

    Raises
    ------
    ProbeError
        The signal is above Nyquist or not periodic when sampled; the model does
        not take a ``(1, channels, time)`` tensor.
    """
    import torch

    from symrelu.signal import MultiTone

    if not isinstance(model, torch.nn.Module):
        raise NumericTypeError(f"probe() needs a torch.nn.Module (got {type(model).__name__})")
    if isinstance(signal, str):
        signal = MultiTone.parse(signal)
    if not isinstance(signal, MultiTone):
        raise NumericTypeError(f"probe() needs a MultiTone or its text (got {type(signal)})")
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
        raise ProbeError(f"periods must be a positive integer (got {periods!r})")
    period = signal_period(signal, fs)
    fs_f = float(_rational(fs, "fs"))
    params = list(model.parameters()) + list(model.buffers())
    dtype = next((p.dtype for p in params if p.is_floating_point()), torch.float64)
    cin = _input_channels(model)

    def run(length: int):
        x = np.tile(_samples(signal, fs, length), (cin, 1))[None]
        xt = torch.from_numpy(x).to(dtype)
        try:
            calls, _ = _capture(model, xt)
        except (RuntimeError, ValueError, TypeError, IndexError) as exc:
            raise ProbeError(
                f"the model does not take a (1, {cin}, {length}) signal tensor: "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc
        return xt, calls

    length = n if n is not None else period * periods
    if length > MAX_INPUT:
        raise ProbeError(
            f"the sampled signal repeats only after {period} samples: {periods} periods are "
            f"{period * periods} samples, above the probe's {MAX_INPUT}; give n= (no steady "
            "state then) or frequencies with a shorter common period")
    for attempt in range(8 if n is None else 1):
        try:
            xt, calls = run(length)
            break
        except ProbeError:
            # too short for the model's kernels and strides? the probe chose the length,
            # so it tries longer ones (whole periods) before giving up
            if n is not None or attempt == 7 or 2 * length > MAX_INPUT:
                raise
            length *= 2
    layers, notes = _analyse(calls, xt, period, fs_f, periods)
    for _ in range(4 if n is None else 0):
        short = [r.steady for r in layers if r.steady is not None
                 and r.steady[0] < periods * r.steady[1]]
        if not short:
            break
        need = max((periods * per - have) * div for have, per, div in short)
        length += -(-need // period) * period
        if length > MAX_INPUT:
            raise ProbeError(f"the receptive field's transient needs {length} input samples, "
                             f"above the probe's {MAX_INPUT}")
        xt, calls = run(length)
        layers, notes = _analyse(calls, xt, period, fs_f, periods)
    fl = None
    if first_layer:
        fl = _first_layer(calls, layers, signal, fs, xt, period, dps, harmonics)
    return Probe(layers, signal, fs_f, period, length, str(dtype).replace("torch.", ""), fl,
                 notes)


def _input_channels(model: Any) -> int:
    from torch import nn

    for m in model.modules():
        if isinstance(m, nn.Conv1d):
            return int(m.in_channels)
        if isinstance(m, (nn.Linear, nn.LSTM, nn.GRU, nn.RNN, nn.Conv2d, nn.Conv3d)):
            raise ProbeError(f"the model's first layer is {type(m).__name__}, not a 1-D "
                             "signal path (Conv1d first)")
    raise ProbeError("the model has no Conv1d: not a 1-D signal path the probe can feed")


def _analyse(calls: list, xt: Any, period: int, fs: float, periods: int):
    from torch import nn

    notes: list[str] = []
    # state of every tensor: (valid range, period, rate divisor) or None (no time axis/unknown)
    state: dict[int, tuple | None] = {id(xt): ((0, xt.shape[-1]), period, 1)}
    shapes: list[tuple] = [(tuple(xt.shape), id(xt))]
    keep = [xt]
    layers = []
    for call in calls:
        mod, inp, out = call.module, call.inp, call.out
        kind, note = "other", ""
        rec = LayerProbe(call.name, "other", type(mod).__name__,
                         tuple(out.shape[1:]) if hasattr(out, "shape") else ())
        if not hasattr(out, "shape") or inp is None or not hasattr(inp, "shape"):
            rec.note = "input or output is not a tensor: measured only"
            layers.append(rec)
            continue
        src = state.get(id(inp), "missing")
        if src == "missing":
            prior = [s for s in reversed(shapes) if s[0] == tuple(inp.shape)]
            if prior:
                src = state.get(prior[0][1])
                note = ("its input is not a hooked layer's output: an unseen operation "
                        "(a functional activation?) came before it, taken as pointwise in time")
            else:
                src = None
                note = "its input comes from an unseen operation that changes the shape"
        st: tuple | None = None
        is_time = out.ndim == 3 and inp.ndim == 3
        if isinstance(mod, nn.Conv1d):
            kind = "conv"
            mp, n2 = _conv_map(mod, inp, out)
            note = "; ".join(x for x in (note, n2) if x)
            if mp is not None and src is not None:
                rng, per = _apply(mp, src[0], src[1], out.shape[-1])
                st = (rng, per, src[2] * mp.stride)
        elif isinstance(mod, (nn.ConstantPad1d, nn.ZeroPad1d, nn.ReflectionPad1d,
                              nn.ReplicationPad1d, getattr(nn, "CircularPad1d", nn.ZeroPad1d))):
            kind = "pad"
            if src is not None:
                rng, per = _apply(_Map(1, 1, int(mod.padding[0]), 1), src[0], src[1],
                                  out.shape[-1])
                st = (rng, per, src[2])
        elif isinstance(mod, nn.BatchNorm1d):
            kind = "norm"
            if mod.training and (mod.track_running_stats is False or mod.training):
                note = "; ".join(x for x in (note, "BatchNorm1d in training mode: batch "
                                             "statistics, not pointwise") if x)
            elif src is not None and is_time:
                st = src
        elif isinstance(mod, (nn.Dropout, nn.Identity)):
            kind = "pointwise"
            if mod.training and isinstance(mod, nn.Dropout) and mod.p > 0:
                note = "; ".join(x for x in (note, "Dropout in training mode") if x)
            elif src is not None and is_time:
                st = src
        elif type(mod).__name__ in _ACTIVATION_TYPES:
            kind = "activation"
            if src is not None and is_time:
                st = src
        elif isinstance(mod, (nn.AvgPool1d, nn.MaxPool1d)):
            kind = "pool"
            if src is not None:
                mp = _pool_map(mod)
                rng, per = _apply(mp, src[0], src[1], out.shape[-1])
                st = (rng, per, src[2] * mp.stride)
        elif isinstance(mod, (nn.AdaptiveAvgPool1d, nn.AdaptiveMaxPool1d)):
            lin, lout = inp.shape[-1], out.shape[-1]
            if lout == 1:
                kind = "global_pool"
            elif lin % lout == 0:
                kind = "pool"
                if src is not None:
                    k = lin // lout
                    rng, per = _apply(_Map(k, k, 0, 1), src[0], src[1], lout)
                    st = (rng, per, src[2] * k)
            else:
                kind = "pool"
                note = "; ".join(x for x in (note, f"adaptive pooling {lin} -> {lout}: "
                                             "windows of unequal length, no steady state") if x)
        elif isinstance(mod, nn.Flatten):
            kind = "flatten"
        elif isinstance(mod, nn.Linear):
            kind = "linear"
            if inp.ndim == 3:
                note = "; ".join(x for x in (note, "Linear on the time axis mixes time") if x)
        else:
            note = "; ".join(x for x in (note, f"{type(mod).__name__} is not a layer the "
                                         "probe knows: measured only") if x)
        rec.kind, rec.note = kind, note
        y = out.detach().to("cpu").double().numpy()[0] if out.ndim >= 2 else None
        rec.output = y
        if kind == "global_pool" and src is not None:
            rec.dc = y[:, 0].copy()
            rec.fs = fs / src[2] / inp.shape[-1]
        if st is not None and out.ndim == 3:
            (lo, hi), per, div = st
            rec.fs = fs / div
            rec.steady = (hi - lo, per, div)
            q = (hi - lo) // per
            if q >= 1:
                rec.window = Window(lo, lo + q * per, per, q, hi)
            else:
                rec.note = "; ".join(x for x in (rec.note, f"no whole period (of {per} "
                                                 "samples) in its steady state") if x)
        act = None
        if kind == "activation":
            act, why = torch_activation(mod)
            if act is None:
                rec.note = "; ".join(x for x in (rec.note, why) if x)
            else:
                rec.activation = act.name
        if rec.window is not None:
            total = inband = None
            if kind == "activation":
                if act is not None:
                    xin = inp.detach().to("cpu").double().numpy()[0]
                    v, rec.periodicity = _one_period(xin, rec.window)
                    inband, total, dense = _predict_activation(act, v)
                    if dense is not None:
                        rec.dense_points, tail = dense
                        if tail > 1e-12:
                            rec.note = "; ".join(x for x in (rec.note, (
                                f"the in-band coefficients are accurate to about {tail:.0e} of "
                                "the largest (the total to rounding)")) if x)
                    rec.status = "predicted"
            elif isinstance(mod, nn.MaxPool1d):
                res = _maxpool2(mod, inp, rec, src)
                if res is None:
                    rec.note = "; ".join(x for x in (
                        rec.note, "MaxPool1d with kernel > 2 nests maxima, no piecewise-linear "
                        "function of one interpolant: measured only") if x)
                else:
                    inband, total, rec.periodicity = res
                    rec.status = "predicted"
                    rec.activation = "max(a, b) = (a + b)/2 + |a - b|/2"
            if rec.periodicity is None:
                _, rec.periodicity = _one_period(y, rec.window)
            _finish(rec, y, total, inband)
        state[id(out)] = st
        shapes.append((tuple(out.shape), id(out)))
        keep.append(out)
        layers.append(rec)
    return layers, notes


def _maxpool2(mod: Any, inp: Any, rec: LayerProbe, src: tuple | None):
    """A kernel-2 max pool as (a + b)/2 + |a - b|/2 of its two taps' subsequences."""
    mp = _pool_map(mod)
    if mp.kernel != 2 or src is None or getattr(mod, "return_indices", False):
        return None
    x = inp.detach().to("cpu").double().numpy()[0]
    lin = x.shape[-1]
    w = rec.window
    m = np.arange(w.start, w.stop)
    ia = m * mp.stride - mp.left
    ib = ia + mp.dilation
    if ia.min() < 0 or ib.max() >= lin:
        return None
    a, b = x[:, ia], x[:, ib]
    w0 = Window(0, w.stop - w.start, w.period, w.periods, w.stop - w.start)
    va, _ = _one_period(a, w0)
    vb, _ = _one_period(b, w0)
    dv = va - vb
    inb, tot = pwl_spectra(dv, 0.0, 0.0, [(0.0, 0.5)])
    half = (np.fft.fft(va, axis=-1) + np.fft.fft(vb, axis=-1)) / (2 * va.shape[-1])
    _, per = _one_period(np.concatenate([a, b]), w0)
    return inb + half, tot + half, per


# ------------------------------------------------------------- first layer


def _first_layer(calls, layers, signal, fs, xt, period, dps, harmonics) -> FirstLayer | None:
    import mpmath
    import sympy
    from torch import nn

    import symrelu
    if len(calls) < 2 or not isinstance(calls[0].module, nn.Conv1d) or calls[0].inp is not xt:
        return None
    conv, act_call = calls[0], calls[1]
    rec_act = layers[1]
    if (act_call.inp is not conv.out or rec_act.kind != "activation"
            or rec_act.activation is None):
        return None
    act = symrelu.as_activation(rec_act.activation)
    mp, _ = _conv_map(conv.module, conv.inp, conv.out)
    if mp is None:
        return None
    mod = conv.module
    w = mod.weight.detach().to("cpu").double().numpy().sum(axis=1)  # (out, k): replicated input
    bias = (mod.bias.detach().to("cpu").double().numpy() if mod.bias is not None
            else np.zeros(w.shape[0]))
    k, d, s = mp.kernel, mp.dilation, mp.stride
    taps = np.zeros((w.shape[0], (k - 1) * d + 1))
    for j in range(k):
        taps[:, (k - 1 - j) * d] = w[:, j]
    x_sym = sympy.Symbol("x")
    fn = sympy.lambdify(x_sym, act(x_sym), "mpmath")
    win = rec_act.window
    fsq = _rational(fs, "fs")
    lin = xt.shape[-1]
    with mpmath.workdps(dps + 10):
        tones = [(mpmath.mpf(sympy.N(t.amplitude, dps + 15)),
                  _rational(t.frequency, "f") / fsq, mpmath.mpf(sympy.N(t.phase, dps + 15)))
                 for t in signal.tones]
        off = mpmath.mpf(sympy.N(signal.offset, dps + 15))

        def xs(j: int):
            if j < 0 or j >= lin:
                return mpmath.mpf(0)  # zero padding
            return off + mpmath.fsum(
                a * mpmath.cos(2 * mpmath.pi * mpmath.mpf(j * r.numerator % r.denominator)
                               / r.denominator + p) for a, r, p in tones)

        dc = dc_txt = harm = err = measured_steady = None
        if win is not None:
            dc, dc_txt, harm = _steady_exact(win, w, bias, mp, xs, fn, harmonics, dps)
    if win is not None:
        dc, harm = np.array(dc), np.array(harm)
        meas = rec_act.measured
        # measured bins: the window is whole periods, so harmonic h of the period is bin
        # h*periods, its phase taken from the window start (the exact bins use the absolute
        # sample index)
        q = win.periods
        mbins = np.stack([meas[:, h * q] * np.exp(-2j * np.pi * h * win.start / win.period)
                          for h in range(harm.shape[1])], axis=1)
        err = np.max(np.abs(mbins - harm), axis=1)
        measured_steady = meas[:, 0].real.copy()
    out_y = rec_act.output
    dcw = dcw_txt = mw = ew = None
    note = ""
    causal = mp.left == (k - 1) * d and s == 1 and out_y.shape[-1] == lin
    if win is None and not causal:
        return None
    if causal and act.kind == "piecewise_linear" and act.is_kink_at_zero:
        vals = [symrelu.filtered_dc(signal, taps[c], fs, n=lin, bias=float(bias[c]),
                                    activation=act, dps=dps) for c in range(taps.shape[0])]
        dcw = np.array([float(v) for v in vals])
        dcw_txt = [mpmath.nstr(v, dps) for v in vals]
        mw = out_y.mean(axis=-1)
        ew = np.abs(mw - dcw)
    elif not causal:
        note = ("finite window: the layer is not causal (left padding (k-1)d, stride 1); "
                "steady state only")
    else:
        note = f"finite window: filtered_dc takes kink-at-zero activations, not {act.name}"
    if win is None:
        note = "; ".join(x for x in (note, "no whole period in the steady state: finite "
                                     "window only") if x)
    return FirstLayer(conv.name, act_call.name, taps, bias, dc, dc_txt, harm,
                      measured_steady, err, dcw, dcw_txt, mw, ew, lin, note)


def _steady_exact(win, w, bias, mp, xs, fn, harmonics, dps):
    """Exact steady-state DC and harmonic bins of act(conv(x)) over one period (mpmath)."""
    import mpmath

    k, d, s = mp.kernel, mp.dilation, mp.stride
    need = sorted({m * s - mp.left + j * d for m in range(win.start, win.start + win.period)
                   for j in range(k)})
    xv = {j: xs(j) for j in need}
    wm = [[mpmath.mpf(repr(float(v))) for v in row] for row in w]
    bm = [mpmath.mpf(repr(float(b))) for b in bias]
    nh = min(harmonics, win.period // 2)
    dc, dc_txt, harm = [], [], []
    phases = [[mpmath.expj(-2 * mpmath.pi * h * (i + win.start) / win.period)
               for i in range(win.period)] for h in range(1, nh + 1)]
    for c in range(w.shape[0]):
        vals = []
        for m in range(win.start, win.start + win.period):
            y = bm[c] + mpmath.fsum(wm[c][j] * xv[m * s - mp.left + j * d] for j in range(k))
            vals.append(fn(y))
        mean = mpmath.fsum(vals) / win.period
        dc.append(float(mean))
        dc_txt.append(mpmath.nstr(mean, dps))
        row = [complex(mean)]
        for ph in phases:
            row.append(complex(mpmath.fsum(v * e for v, e in zip(vals, ph)) / win.period))
        harm.append(row)
    return dc, dc_txt, harm
