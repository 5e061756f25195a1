r"""Section V-B: the trained KID-PPG heart-rate CNN, its activation spectra measured and predicted.

The paper shows (Fig. 3) that the post-ReLU activations of the first
convolutional blocks of a trained PPG heart-rate network hold a strong DC
component next to the heart-rate harmonics. This experiment redoes that on the
torch port of the network (:mod:`symrelu.numeric.kidppg`) and then *predicts* the
first layer's DC with symrelu:

1. Inputs: synthetic PPG windows at a known heart rate (:mod:`symrelu.numeric.ppg`,
   256 samples at 32 Hz) or the user's own windows (``.npy``/``.csv``), each
   standardised to zero mean and unit standard deviation (the training scaling
   is not documented; ``input_gain`` multiplies the standardised window).
2. Spectra (Fig. 3): the input with the heart rate marked, and the post-ReLU
   activations of block 1 conv 3 and block 2 conv 3 for 16 channels, in beats
   per minute. For every channel, the share of its power (mean square, DC
   included) at DC, at the heart-rate harmonics (bins within
   ``harmonic_halfwidth`` bins of :math:`k\,\mathrm{HR}`, for harmonics below
   the input's Nyquist rate, folded onto the decimated rate after pooling) and
   elsewhere, before and after each pooling. After decimation the harmonic
   bins cover much of the band, so the share of bins counted as harmonic (the
   chance level) is reported beside the shares.
3. Prediction: each window is fitted by least squares at its known rate with
   :math:`b + A_1\cos(\omega t + p_1) + A_2\cos(2\omega t + p_2)`; channel
   :math:`c` of the first layer is a causal FIR filter :math:`h_c` plus bias
   :math:`\beta_c`, and its post-ReLU DC over the finite window,

   .. math:: \mathrm{DC}_c = \frac1{256}\sum_{m=0}^{255}
             \mathrm{ReLU}\Bigl(\beta_c + \sum_n h_c[n]\, x[m-n]\Bigr),
             \qquad x[\text{negative}] = 0,

   is computed exactly for the two-tone model by passing the port through the
   spectral probe (:func:`symrelu.numeric.probe_model.probe`, which predicts the first
   ``Conv1d -> ReLU`` from the analytic signal with ``symrelu.filtered_dc``). It
   is compared with the port's measured mean
   activation on the real window: Pearson correlation, median relative error,
   and the channels where the two-tone model fails, with the reason (the
   channel's filter passes mostly what the model leaves out, or the channel is
   mostly off so its DC lives in the pulse peaks). As a self-check the probe
   also runs the port on the fitted two-tone signal itself, where prediction and
   measurement must agree to rounding.
4. Spectral probe: window ``window``'s fit at the nearest whole heart rate with a
   short sampled period (:func:`probe_rate`; 72 BPM: 80 samples) is passed through
   the float64 port, and every ReLU's output spectrum is predicted from its
   pre-activation, in band and aliased (``results.json`` key ``probe``;
   ``probe.png/.pdf``).
5. The whole network's heart-rate output is compared with the true rate, on
   the experiment's windows and on a sweep of rates and input gains.

Outputs (under ``out``): ``fig3.png/.pdf`` (spectra), ``shares.png/.pdf``,
``prediction.png/.pdf``, ``probe.png/.pdf``, ``hr.png/.pdf``, ``results.json`` (numbers and
provenance) and ``summary.txt``.

Examples
--------
>>> cfg = Config(n_windows=1, out=None, figures=False, hr_sweep=(), dps=15)
>>> cfg.resolved_hr(), cfg.n_windows
(72.0, 1)
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from symrelu.numeric import ppg as ppg_mod
from symrelu.numeric.errors import NumericInputError
from symrelu.numeric.results import atomic_write_json, atomic_write_text, provenance

__all__ = [
    "Config",
    "Result",
    "DEFAULT_HR",
    "FIG3_KEYS",
    "power_shares",
    "harmonic_mask",
    "predict_first_layer",
    "probe_rate",
    "spectral_probe",
    "run",
]

#: Heart rate (BPM) of the synthetic windows when none is given.
DEFAULT_HR = 72.0
#: The activations Fig. 3 shows (post-ReLU, third convolution of blocks 1 and 2).
FIG3_KEYS = ("block1.conv3.relu", "block2.conv3.relu")
_SHARE_KEYS = tuple(
    f"block{b}.{s}" for b in (1, 2, 3) for s in ("conv3.relu", "pool")
)
_FIRST = "block1.conv1.relu"
_ACTIVE = 0.1  # "active" channels: mean activation at least this share of the largest


@dataclass(frozen=True)
class Config:
    """Parameters of a V-B run (every field maps to a command-line option).

    Attributes
    ----------
    weights : str or None
        A Keras HDF5 file with other KID-PPG weights (relative paths are taken
        from the working directory); None: the authors' model_S5.h5 shipped with
        symrelu (GPL-3.0, checked by its SHA-256).
    hr : float or None
        Heart rate in BPM. Synthetic input: the rate of the windows (None: 72).
        User windows: the known rate of every window (None: estimated per
        window from its spectral peak).
    ppg : str or None
        A user's ``.npy``/``.csv`` windows (one per row, 256 samples at 32 Hz);
        None uses synthetic windows.
    fs : float
        Sampling rate of the user's windows (must be 32 Hz).
    n_windows : int
        Number of synthetic windows.
    seed : int
        Seed of the synthetic windows.
    out : str or None
        Output directory; None writes nothing.
    channels : int
        Channels per block shown in Fig. 3 (16).
    window : int
        Index of the window whose spectra Fig. 3 shows.
    input_gain : float
        Factor applied to the standardised windows before the network.
    harmonic_halfwidth : int
        DFT bins on each side of a harmonic counted as "harmonic".
    n_harmonics : int
        Harmonics of the heart rate counted (the pulse's power sits in the
        first few; counting all of them below 16 Hz would, once folded by the
        pooling's decimation, mark nearly every bin).
    dps : int
        Decimal digits of the exact DC prediction.
    fail_threshold : float
        A channel "fails" when its median relative error exceeds this.
    hr_sweep : tuple of float
        Heart rates (BPM) at which the whole network's estimate is compared
        with the truth (empty skips the sweep: ``--hr-sweep ''`` on the command line).
    gain_sweep : tuple of float
        Input gains of the sweep.
    sweep_windows : int
        Synthetic windows per sweep point.
    figures : bool
        Write the figures.
    """

    weights: str | None = None
    hr: float | None = None
    ppg: str | None = None
    fs: float = ppg_mod.FS
    n_windows: int = 16
    seed: int = 0
    out: str | None = "reports/vb"
    channels: int = 16
    window: int = 0
    input_gain: float = 1.0
    harmonic_halfwidth: int = 1
    n_harmonics: int = 4
    dps: int = 30
    fail_threshold: float = 0.25
    hr_sweep: tuple[float, ...] = (50.0, 60.0, 72.0, 90.0, 110.0, 130.0, 150.0, 170.0)
    gain_sweep: tuple[float, ...] = (1.0, 10.0)
    sweep_windows: int = 8
    figures: bool = True

    def __post_init__(self) -> None:
        for name in ("n_windows", "channels", "dps", "sweep_windows", "n_harmonics"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name} must be a positive integer (got {v!r})")
        if not isinstance(self.window, int) or self.window < 0:
            raise ValueError(f"window must be a non-negative integer (got {self.window!r})")
        if not isinstance(self.harmonic_halfwidth, int) or self.harmonic_halfwidth < 0:
            raise ValueError(
                "harmonic_halfwidth must be a non-negative integer "
                f"(got {self.harmonic_halfwidth!r})"
            )
        for name in ("input_gain", "fail_threshold"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a positive finite number (got {v!r})")
        if self.hr is not None:
            ppg_mod.check_heart_rate(self.hr)
        object.__setattr__(self, "hr_sweep", tuple(float(h) for h in self.hr_sweep))
        object.__setattr__(self, "gain_sweep", tuple(float(g) for g in self.gain_sweep))

    def resolved_hr(self) -> float | None:
        """The heart rate in use: ``hr``, else 72 for synthetic input, else None (estimate)."""
        if self.hr is not None:
            return float(self.hr)
        return None if self.ppg is not None else DEFAULT_HR


@dataclass
class Result:
    """What :func:`run` returns.

    Attributes
    ----------
    config : Config
    windows : numpy.ndarray
        The network's input, ``(n_windows, 256)`` (standardised, times the gain).
    hr_bpm : numpy.ndarray
        The heart rate of each window used for harmonics and the two-tone fit.
    hr_source : str
        ``"synthetic (true mean rate)"``, ``"given"`` or ``"estimated"``.
    shares : dict
        Per activation key: per-channel power shares (see :func:`power_shares`).
    measured, predicted : numpy.ndarray
        ``(n_windows, 32)`` first-layer post-ReLU DC: the port's mean activation
        on the real window and the exact two-tone prediction.
    hr_estimate : numpy.ndarray
        The whole network's output for each window.
    record : dict
        Everything written to ``results.json``.
    summary : str
        The text of ``summary.txt``.
    paths : list of pathlib.Path
        Files written.
    """

    config: Config
    windows: np.ndarray
    hr_bpm: np.ndarray
    hr_source: str
    shares: dict
    measured: np.ndarray
    predicted: np.ndarray
    hr_estimate: np.ndarray
    record: dict
    summary: str
    paths: list


# ------------------------------------------------------------------ spectra


def harmonic_mask(
    n: int, fs: float, f0: float, *, f_max: float, n_harmonics: int | None = None,
    halfwidth: int = 1,
) -> np.ndarray:
    """Boolean mask of the one-sided DFT bins (``0..n//2``) at the harmonics of ``f0``.

    Harmonics :math:`k f_0`, :math:`k = 1, 2, \\ldots` (at most ``n_harmonics``
    of them) with :math:`k f_0 \\le f_{max}` are folded onto ``[0, fs/2]`` (as
    decimation folds them) and the bins within ``halfwidth`` of each are
    marked; bin 0 (DC) is never marked.

    Examples
    --------
    >>> m = harmonic_mask(16, 16.0, 3.0, f_max=8.0, halfwidth=0)
    >>> np.flatnonzero(m).tolist()  # 3 and 6 Hz, bins of 1 Hz
    [3, 6]
    >>> # bins of 0.25 Hz: 1.25, 2.5 -> 1.5, 3.75 -> 0.25, 5 -> 1, 6.25 -> 1.75, 7.5 -> 0.5
    >>> np.flatnonzero(harmonic_mask(16, 4.0, 1.25, f_max=8.0, halfwidth=0)).tolist()
    [1, 2, 4, 5, 6, 7]
    >>> np.flatnonzero(harmonic_mask(16, 4.0, 1.25, f_max=8.0, n_harmonics=2,
    ...                              halfwidth=0)).tolist()  # 1.25 Hz and 2.5 -> 1.5 Hz
    [5, 6]
    """
    n_bins = n // 2 + 1
    mask = np.zeros(n_bins, dtype=bool)
    df = fs / n
    k = 1
    while k * f0 <= f_max * (1 + 1e-12) and (n_harmonics is None or k <= n_harmonics):
        fa = abs(((k * f0 + fs / 2) % fs) - fs / 2)
        center = int(round(fa / df))
        lo, hi = max(center - halfwidth, 1), min(center + halfwidth, n_bins - 1)
        if lo <= hi:
            mask[lo : hi + 1] = True
        k += 1
    return mask


def power_shares(
    x: np.ndarray, fs: float, f0: float, *, f_max: float, n_harmonics: int | None = None,
    halfwidth: int = 1,
) -> dict[str, np.ndarray]:
    """Share of each signal's power at DC, at the harmonics of ``f0``, and elsewhere.

    Power is the mean square (DC included), split over the one-sided DFT bins
    by Parseval. All-zero signals (dead ReLU channels) get NaN shares.

    Parameters
    ----------
    x : array_like
        Signals along the last axis.
    fs : float
        Their sampling rate (Hz).
    f0 : float
        The fundamental (heart rate in Hz).
    f_max : float
        Highest harmonic frequency counted (the input's Nyquist rate).
    n_harmonics : int, optional
        Count at most this many harmonics.
    halfwidth : int
        Bins on each side of a harmonic (see :func:`harmonic_mask`).

    Returns
    -------
    dict
        ``"dc"``, ``"harmonics"``, ``"other"`` (arrays of ``x.shape[:-1]``)
        and ``"harmonic_bin_fraction"`` (float: the share of non-DC bins marked).

    Examples
    --------
    >>> t = np.arange(64) / 16
    >>> s = power_shares(1 + np.cos(2 * np.pi * 2 * t), 16.0, 2.0, f_max=8.0)
    >>> [round(float(s[k]), 12) for k in ("dc", "harmonics", "other")]
    [0.666666666667, 0.333333333333, 0.0]
    """
    x = np.asarray(x, dtype=float)
    n = x.shape[-1]
    power = np.abs(np.fft.rfft(x, axis=-1)) ** 2
    weight = np.full(power.shape[-1], 2.0)
    weight[0] = 1.0
    if n % 2 == 0:
        weight[-1] = 1.0
    power = power * weight
    total = power.sum(axis=-1)
    mask = harmonic_mask(n, fs, f0, f_max=f_max, n_harmonics=n_harmonics, halfwidth=halfwidth)
    alive = total > 0
    safe = np.where(alive, total, 1.0)
    dc = np.where(alive, power[..., 0] / safe, np.nan)
    harm = np.where(alive, power[..., mask].sum(axis=-1) / safe, np.nan)
    return {
        "dc": dc,
        "harmonics": harm,
        "other": np.clip(1.0 - dc - harm, 0.0, 1.0),  # clip rounding below 0
        "harmonic_bin_fraction": float(mask[1:].mean()),
    }


def _amplitude_spectrum(x: np.ndarray) -> np.ndarray:
    """One-sided amplitude: DC reads its mean, a cosine its amplitude."""
    n = x.shape[-1]
    a = np.abs(np.fft.rfft(x, axis=-1)) / n
    a[..., 1 : (n + 1) // 2] *= 2
    return a


# --------------------------------------------------------------- prediction


def predict_first_layer(front: Any, fit: Any, *, n: int = ppg_mod.N_SAMPLES,
                        dps: int = 30) -> Any:
    r"""The port probed on a window's two-tone model: the first layer's exact finite-window DC.

    The two-tone fit :math:`b + A_1\cos(\omega t + p_1) + A_2\cos(2\omega t + p_2)` is
    passed through the port by :func:`symrelu.numeric.probe_model.probe`, which predicts the
    first ``Conv1d -> ReLU`` from the analytic signal: the mean of
    :math:`\mathrm{ReLU}(\beta_c + \sum_n h_c[n] x[m-n])` over the ``n`` samples of the
    window, causal zero padding included, by :func:`symrelu.filtered_dc` at ``dps`` digits,
    beside the port's own mean on the same input (the self-check).

    Parameters
    ----------
    front : torch.nn.Module
        The front-end (:func:`symrelu.numeric.kidppg.build_frontend`), float64.
    fit : symrelu.numeric.ppg.TwoToneFit
    n : int
        Window length.
    dps : int
        Decimal digits.

    Returns
    -------
    symrelu.numeric.probe_model.FirstLayer
        ``dc_window`` (floats), ``dc_window_exact`` (digits), ``measured_window`` (the
        port on the two-tone input), ``taps`` and ``bias``.

    Examples
    --------
    >>> from symrelu.numeric import kidppg
    >>> front = kidppg.build_frontend(kidppg.random_weights(seed=0)).double()
    >>> fit = ppg_mod.TwoToneFit(0.1, (1.0, 0.3), (0.2, -1.0), 1.2, 32.0, 0.0)
    >>> fl = predict_first_layer(front, fit, dps=20)
    >>> fl.dc_window.shape, bool(fl.error_window.max() < 1e-12)
    ((32,), True)
    """
    from symrelu.numeric.probe_model import probe

    p = probe(front, fit.multitone(), fit.fs, n=n, dps=dps)
    fl = p.first_layer
    if fl is None or fl.dc_window is None:
        raise NumericInputError(
            "the probe found no causal Conv1d -> ReLU first layer in this network "
            + ("" if fl is None else f"({fl.note})"))
    return fl


#: the spectral probe's signal: periods of at most this many samples at 32 Hz
_PROBE_MAX_PERIOD = 320


def probe_rate(hr_bpm: float) -> float:
    """The heart rate (BPM) the spectral probe uses: the nearest whole BPM with a short period.

    The probe needs a periodic sampled signal; at 32 Hz a rate of h BPM repeats
    after the numerator of 1920/h samples. The nearest integer rate within 10 BPM
    whose period is at most 320 samples is used (72 BPM: 80 samples).

    Examples
    --------
    >>> probe_rate(72.0), probe_rate(71.3), probe_rate(100.4)
    (72.0, 72.0, 100.0)
    """
    from fractions import Fraction

    for d in range(11):
        for h in sorted({round(hr_bpm) - d, round(hr_bpm) + d}, key=lambda v: abs(v - hr_bpm)):
            if 20 <= h <= 300 and Fraction(1920, h).numerator <= _PROBE_MAX_PERIOD:
                return float(h)
    raise NumericInputError(f"no heart rate near {hr_bpm} BPM has a short sampled period")


def spectral_probe(front: Any, fit: Any, hr_bpm: float, *, periods: int = 2) -> Any:
    """Probe every layer of the port with the window's two-tone fit at :func:`probe_rate`.

    Returns the :class:`symrelu.numeric.probe_model.Probe`: for each ReLU, its output spectrum
    predicted from its pre-activation, split into in band and aliased.
    """
    import sympy
    from symrelu.numeric.probe_model import probe

    from symrelu import MultiTone

    rate = sympy.Rational(int(probe_rate(hr_bpm)), 60)  # exact: a short sampled period
    sig = MultiTone(amplitudes=list(fit.amplitudes), frequencies=[rate, 2 * rate],
                    phases=list(fit.phases), offset=fit.offset)
    return probe(front, sig, fit.fs, periods, first_layer=False)


def _probe_record(p: Any, hr: float) -> dict:
    layers = []
    for r in p.layers:
        if r.kind not in ("activation", "pool"):
            continue
        entry = {"name": r.name, "kind": r.kind, "status": r.status, "fs": r.fs,
                 "window": None if r.window is None else r.window.to_dict()}
        if r.dc is not None:
            alive = r.rms > 0
            entry["dead_channels"] = int((~alive).sum())
            entry["dc_share_median"] = float(np.median(r.dc_share[alive])) if alive.any() \
                else None
        if r.status == "predicted":
            live = r.aliased_fraction[r.rms > 0]
            entry["aliased_fraction_median"] = float(np.median(live)) if live.size else 0.0
            entry["aliased_fraction_max"] = float(np.max(r.aliased_fraction))
            entry["prediction_error_max"] = float(np.max(r.prediction_error))
        layers.append(entry)
    predicted = [r for r in p.layers if r.status == "predicted"]
    return {
        "signal": p.signal.to_string(),
        "hr_bpm": hr,
        "period_samples": p.period,
        "input_samples": p.n,
        "aliased_fraction_definition": "aliased power / (in-band + aliased power) per channel; "
                                       "medians over channels with a non-zero output",
        "definition": "window cfg.window's two-tone fit at the nearest whole heart rate with a "
                      "period of at most 320 samples, through the float64 port; per ReLU the "
                      "output DFT over whole periods of the steady state, predicted from the "
                      "measured pre-activation (in band + aliased, symrelu.numeric.probe_model)",
        "max_prediction_error": max(float(r.prediction_error.max()) for r in predicted)
        if predicted else None,
        "layers": layers,
    }


# --------------------------------------------------------------------- run


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _inputs(cfg: Config) -> tuple[np.ndarray, np.ndarray, str, dict]:
    if cfg.ppg is None:
        syn = ppg_mod.synthetic_ppg(cfg.resolved_hr(), n_windows=cfg.n_windows, seed=cfg.seed)
        info = {"kind": "synthetic", "model": syn.parameters, "nominal_hr_bpm": syn.nominal_hr_bpm}
        return syn.windows, syn.hr_bpm, "synthetic (true mean rate)", info
    raw = ppg_mod.load_windows(cfg.ppg, fs=cfg.fs)
    path = Path(cfg.ppg)
    info = {"kind": "user", "path": str(path), "sha256": _sha256(path), "fs": cfg.fs}
    if cfg.hr is not None:
        return raw, np.full(raw.shape[0], float(cfg.hr)), "given", info
    return raw, ppg_mod.estimate_hr(raw, cfg.fs), "estimated", info


def _filter(h: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Causal FIR filtering of rows of ``x`` by each row of ``h``: ``(channels, windows, n)``."""
    n = x.shape[-1]
    return np.stack([np.stack([np.convolve(row, hc)[:n] for row in x]) for hc in h])


def _shares_record(acts: dict, rates: dict, hr_hz: np.ndarray, cfg: Config, f_max: float) -> dict:
    out = {}
    for key in ("input", *_SHARE_KEYS):
        a = acts[key]  # (windows, channels, time)
        per_window = [
            power_shares(a[w], rates[key], hr_hz[w], f_max=f_max, n_harmonics=cfg.n_harmonics,
                         halfwidth=cfg.harmonic_halfwidth)
            for w in range(a.shape[0])
        ]
        entry: dict[str, Any] = {"fs": rates[key], "length": int(a.shape[-1])}
        dead = np.all(np.isnan(np.stack([p["dc"] for p in per_window])), axis=0)
        for part in ("dc", "harmonics", "other"):
            stack = np.stack([p[part] for p in per_window])  # (windows, channels)
            alive = ~np.isnan(stack)  # a channel can be off in some windows only
            total = np.where(alive, stack, 0.0).sum(axis=0)
            entry[part] = np.where(dead, np.nan, total / np.maximum(alive.sum(axis=0), 1))
        entry["harmonic_bin_fraction"] = float(np.mean([p["harmonic_bin_fraction"]
                                                        for p in per_window]))
        entry["dead_channels"] = np.flatnonzero(dead).tolist()
        out[key] = entry
    return out


def _share_summary(entry: dict) -> dict:
    alive = ~np.isnan(entry["dc"])
    return {
        part: {
            "median": float(np.median(entry[part][alive])) if alive.any() else None,
            "min": float(np.min(entry[part][alive])) if alive.any() else None,
            "max": float(np.max(entry[part][alive])) if alive.any() else None,
        }
        for part in ("dc", "harmonics", "other")
    } | {
        "fs": entry["fs"],
        "harmonic_bin_fraction": entry["harmonic_bin_fraction"],
        "dead_channels": entry["dead_channels"],
        "channels": int(alive.size),
    }


def _diagnose(cfg: Config, windows, fits, taps, bias, measured, predicted) -> dict:
    """Per-channel errors and, for failing channels, why the two-tone model fails."""
    model = np.stack([f.samples(windows.shape[1]) for f in fits])
    y_real = _filter(taps, windows)  # (channels, windows, n), bias excluded
    y_model = _filter(taps, model)
    y_resid = _filter(taps, windows - model)
    with np.errstate(all="ignore"):
        resid_share = np.nanmean(y_resid.var(axis=2) / y_real.var(axis=2), axis=1)
        sigma = y_model.std(axis=2).mean(axis=1)
        beta_ratio = bias / sigma
        on_real = ((y_real + bias[:, None, None]) > 0).mean(axis=(1, 2))
        on_model = ((y_model + bias[:, None, None]) > 0).mean(axis=(1, 2))
        rel = np.abs(predicted - measured) / np.abs(measured)
    rel = np.where(np.isfinite(rel), rel, np.nan)
    # silent: the bias keeps the channel off in every window, for the real window and the model
    silent = np.all((measured == 0) & (predicted == 0), axis=0)
    with np.errstate(all="ignore"):
        med = np.array([np.nanmedian(r) if np.isfinite(r).any() else np.nan for r in rel.T])
    failing = []
    for c in np.flatnonzero(~(med <= cfg.fail_threshold) & ~silent):
        reasons = []
        if on_real[c] < 0.25 or beta_ratio[c] < -1.0:
            reasons.append(
                f"mostly off (bias = {beta_ratio[c]:.2f} x std of the filtered model; on for "
                f"{100 * on_real[c]:.0f}% of samples of the real windows, "
                f"{100 * on_model[c]:.0f}% of the model's): its DC comes from the pulse peaks, "
                "whose height two harmonics do not reproduce"
            )
        if resid_share[c] > 0.3:
            reasons.append(
                f"its filter passes what the model leaves out (harmonics >= 3, notch, noise): "
                f"{100 * resid_share[c]:.0f}% of the filtered window's variance"
            )
        if not reasons:
            reasons.append(
                f"no single cause: residual share {100 * resid_share[c]:.0f}%, bias ratio "
                f"{beta_ratio[c]:.2f}, on {100 * on_real[c]:.0f}% (real) vs "
                f"{100 * on_model[c]:.0f}% (model)"
            )
        failing.append({
            "channel": int(c),
            "median_relative_error": None if np.isnan(med[c]) else float(med[c]),
            "measured_mean": float(np.mean(measured[:, c])),
            "predicted_mean": float(np.mean(predicted[:, c])),
            "reasons": reasons,
        })
    return {
        "per_channel": {
            "median_relative_error": med,
            "residual_share_of_filtered_variance": resid_share,
            "bias_over_filtered_model_std": beta_ratio,
            "fraction_on_real": on_real,
            "fraction_on_model": on_model,
        },
        "failing_channels": failing,
        "silent_channels": np.flatnonzero(silent).tolist(),
    }


def _to_json(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_json(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _to_json(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        return None if not math.isfinite(float(obj)) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def run(config: Config | None = None, *, progress: bool = True) -> Result:
    """Run the V-B experiment (see the module docstring); write outputs under ``config.out``.

    Parameters
    ----------
    config : Config, optional
        Default: ``Config()``.
    progress : bool
        Show a progress bar over windows for the exact predictions.

    Returns
    -------
    Result

    Raises
    ------
    symrelu.numeric.kidppg.KidPPGFormatError
        The weights file is missing or not the KID-PPG network.
    symrelu.numeric.ppg.PPGInputError
        The user's windows have the wrong shape, values or sampling rate.

    Examples
    --------
    >>> res = run(Config(n_windows=1, out=None, figures=False, hr_sweep=(), dps=15),
    ...           progress=False)  # doctest: +SKIP
    """
    import torch
    from symrelu.numeric import kidppg

    cfg = config or Config()
    started = time.perf_counter()

    def say(msg: str) -> None:
        if progress:
            print(f"[vb {time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr,
                  flush=True)

    say("reading the KID-PPG weights")
    weights_path = kidppg.bundled_weights() if cfg.weights is None else Path(cfg.weights)
    arch = kidppg.read_architecture(weights_path)
    weights = kidppg.read_weights(weights_path)
    model = kidppg.build_model(weights, arch)
    front64 = kidppg.build_frontend(weights, arch).double()

    raw, hr_bpm, hr_source, input_info = _inputs(cfg)
    if cfg.window >= raw.shape[0]:
        raise ValueError(f"window={cfg.window} but there are only {raw.shape[0]} windows")
    windows = cfg.input_gain * ppg_mod.standardise(raw)
    hr_hz = hr_bpm / 60.0
    fs = ppg_mod.FS
    rates = arch.sampling_rates(fs)
    rates["input"] = fs

    # --- activations (float64 for the measurements; float32 is the model's own precision)
    say(f"activations of {raw.shape[0]} window(s)")
    with torch.no_grad():
        acts64 = {k: v.numpy() for k, v in front64(torch.from_numpy(windows[:, None, :])).items()}
        feats32 = model.features(torch.from_numpy(windows[:, None, :].astype(np.float32)))
    acts64["input"] = windows[:, None, :]
    f32_vs_f64 = float(np.max(np.abs(feats32[_FIRST].numpy() - acts64[_FIRST])))
    hr_estimate = feats32["output"].numpy().astype(float)

    # --- power shares before and after each pooling
    shares = _shares_record(acts64, rates, hr_hz, cfg, f_max=fs / 2)

    # --- exact prediction of the first layer's DC from the two-tone model: the port is
    # probed on each window's fit (symrelu.numeric.probe_model; filtered_dc over the window)
    fits = [ppg_mod.fit_two_tone(w, h, fs) for w, h in zip(windows, hr_bpm)]
    measured = acts64[_FIRST].mean(axis=2)  # (windows, channels)
    firsts = []
    iterator = range(len(fits))
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="probe: exact first-layer DC per window", unit="window")
    for w in iterator:
        firsts.append(predict_first_layer(front64, fits[w], n=windows.shape[1], dps=cfg.dps))
    predicted = np.stack([f.dc_window for f in firsts])
    taps, bias = firsts[0].taps, firsts[0].bias
    # self-check: the port on the two-tone signals themselves (the probe measures it)
    self_check = float(max(np.max(f.error_window) for f in firsts))
    say("spectral probe of every layer")
    hr_probe = probe_rate(float(hr_bpm[cfg.window]))
    spectral = spectral_probe(front64, fits[cfg.window], float(hr_bpm[cfg.window]))
    corr = float(np.corrcoef(measured.ravel(), predicted.ravel())[0, 1])
    corr_ch = float(np.corrcoef(measured.mean(0), predicted.mean(0))[0, 1])
    with np.errstate(all="ignore"):
        rel_all = np.abs(predicted - measured) / np.abs(measured)
    active = measured.mean(axis=0) >= _ACTIVE * measured.mean(axis=0).max()
    rel_active = rel_all[:, active]
    rel_all_pairs = rel_all
    rel_all = rel_all[np.isfinite(rel_all)]
    median_rel = float(np.median(rel_all)) if rel_all.size else float("nan")
    median_rel_active = float(np.median(rel_active)) if rel_active.size else float("nan")
    say("diagnosing the channels the prediction misses")
    diagnosis = _diagnose(cfg, windows, fits, taps, bias, measured, predicted)
    # channels that really rectify (neither always on, where ReLU is the identity, nor off)
    on = diagnosis["per_channel"]["fraction_on_real"]
    rectifying = np.flatnonzero((on > 0.05) & (on < 0.95) & active)
    rel_rect = rel_all_pairs[:, rectifying]
    rel_rect = rel_rect[np.isfinite(rel_rect)]
    median_rel_rect = float(np.median(rel_rect)) if rel_rect.size else float("nan")

    # --- the whole network's heart-rate estimate on a sweep of rates and gains
    sweep = []
    points = [(gain, hr) for gain in cfg.gain_sweep for hr in cfg.hr_sweep]
    if progress and points:
        from tqdm.auto import tqdm

        points = tqdm(points, desc="heart-rate sweep", unit="point")
    for gain, hr in points:
        syn = ppg_mod.synthetic_ppg(hr, n_windows=cfg.sweep_windows, seed=cfg.seed + 1)
        x = (gain * ppg_mod.standardise(syn.windows)).astype(np.float32)
        with torch.no_grad():
            est = model(torch.from_numpy(x[:, None, :])).numpy().astype(float)
        err = est - syn.hr_bpm
        sweep.append({
            "gain": gain,
            "hr_nominal": hr,
            "hr_true_mean": float(syn.hr_bpm.mean()),
            "estimate_mean": float(est.mean()),
            "estimate_std": float(est.std()),
            "mae": float(np.mean(np.abs(err))),
        })

    params = {k: v for k, v in dataclasses.asdict(cfg).items()}
    record: dict[str, Any] = {
        "experiment": "vb",
        "provenance": provenance(params, seed=cfg.seed,
                                 packages=("torch", "h5py", "scipy", "matplotlib")),
        "weights": {"path": "model_S5.h5 shipped with symrelu (numeric/data/kidppg)"
                    if cfg.weights is None else str(weights_path),
                    "sha256": _sha256(weights_path),
                    "loss": arch.loss,
                    "blocks": [{"name": b.name, "keras": b.keras_name,
                                "convs": [c.name for c in b.convs],
                                "filters": [c.filters for c in b.convs],
                                "kernel": b.convs[0].kernel_size,
                                "dilation": b.convs[0].dilation, "pool": b.pool_size}
                               for b in arch.blocks]},
        "input": input_info | {
            "n_windows": int(windows.shape[0]),
            "scaling": f"each window standardised (zero mean, unit std), times {cfg.input_gain:g}; "
                       "the training scaling of KID-PPG is not documented",
            "hr_bpm": hr_bpm,
            "hr_source": hr_source,
        },
        "port": {"measurement_dtype": "float64",
                 "max_abs_float32_vs_float64_block1_conv1_relu": f32_vs_f64},
        "shares": {
            "definition": "share of mean-square power (DC included) at bin 0, at bins within "
                          f"{cfg.harmonic_halfwidth} bin(s) of k*HR (k = 1..{cfg.n_harmonics}, "
                          f"k*HR <= {fs / 2:g} Hz, "
                          "folded after decimation), and elsewhere; per channel, averaged over "
                          "windows",
            "summary": {k: _share_summary(v) for k, v in shares.items()},
            "per_channel": {k: {p: v[p] for p in ("dc", "harmonics", "other")}
                            for k, v in shares.items()},
        },
        "prediction": {
            "model": "b + A1 cos(w t + p1) + A2 cos(2 w t + p2), least squares at the known rate",
            "backend": "symrelu.numeric.probe (first layer: symrelu.filtered_dc)",
            "dps": cfg.dps,
            "window_length": int(windows.shape[1]),
            "fits": [{"offset": f.offset, "amplitudes": f.amplitudes, "phases": f.phases,
                      "frequency_hz": f.frequency, "residual_share": f.residual_share}
                     for f in fits],
            "measured": measured,
            "predicted": predicted,
            "predicted_exact_window0": list(firsts[0].dc_window_exact),
            "self_check_max_abs_error_on_two_tone_input": self_check,
            "pearson_all_pairs": corr,
            "pearson_channel_means": corr_ch,
            "median_relative_error": median_rel,
            "median_relative_error_definition": "median over (window, channel) pairs with a "
                                                "non-zero measured mean",
            "median_relative_error_active": median_rel_active,
            "active_channels": np.flatnonzero(active).tolist(),
            "active_definition": f"channel mean activation >= {_ACTIVE:g} x the largest",
            "rectifying_active_channels": rectifying.tolist(),
            "median_relative_error_rectifying": median_rel_rect,
            "rectifying_definition": "active channels on for 5-95% of the samples (always-on "
                                     "channels are linear, where any model with the right mean "
                                     "is exact)",
            "fail_threshold": cfg.fail_threshold,
            **diagnosis,
        },
        "probe": _probe_record(spectral, hr_probe),
        "hr_estimate": {
            "note": "output of the whole ported network (dense_11), trained with MAE on "
                    "PPG-DaLiA heart rates in BPM; input scaling assumed (see input.scaling)",
            "gain": cfg.input_gain,
            "estimate_bpm": hr_estimate,
            "true_bpm": hr_bpm,
            "mae_bpm": float(np.mean(np.abs(hr_estimate - hr_bpm))),
            "sweep": sweep,
        },
    }
    record = _to_json(record)
    summary = _summary_text(record)
    result = Result(cfg, windows, hr_bpm, hr_source, shares, measured, predicted, hr_estimate,
                    record, summary, [])
    if cfg.out is not None:
        out = Path(cfg.out)
        say(f"writing {out}")
        if cfg.figures:
            result.paths += _figure3(out / "fig3", acts64, rates, hr_bpm, cfg)
            result.paths += _figure_shares(out / "shares", shares)
            result.paths += _figure_prediction(out / "prediction", measured, predicted, record)
            result.paths += _figure_probe(out / "probe", spectral)
            if sweep:
                result.paths += _figure_hr(out / "hr", sweep)
        result.paths.append(atomic_write_json(out / "results.json", record))
        result.paths.append(atomic_write_text(out / "summary.txt", summary))
    return result


# ------------------------------------------------------------------ outputs


def _fmt_share(d: dict) -> str:
    return (f"DC {100 * d['dc']['median']:.0f}%, harmonics {100 * d['harmonics']['median']:.0f}%, "
            f"other {100 * d['other']['median']:.0f}%"
            if d["dc"]["median"] is not None else "all channels dead")


def _summary_text(rec: dict) -> str:
    pr, hr, inp = rec["prediction"], rec["hr_estimate"], rec["input"]
    lines = [
        "Section V-B: KID-PPG (torch port of model_S5.h5), activation spectra and DC prediction",
        f"input: {inp['n_windows']} {inp['kind']} window(s); heart rate {inp['hr_source']}: "
        + ", ".join(f"{h:.1f}" for h in inp["hr_bpm"][:8])
        + (" ..." if len(inp["hr_bpm"]) > 8 else "") + " BPM",
        f"scaling: {inp['scaling']}",
        "",
        "power shares per channel (median over channels; chance = share of bins counted harmonic):",
    ]
    for key, d in rec["shares"]["summary"].items():
        lines.append(f"  {key:20s} fs {d['fs']:5.1f} Hz: {_fmt_share(d)} "
                     f"(chance {100 * d['harmonic_bin_fraction']:.0f}%)"
                     + (f", dead channels {d['dead_channels']}" if d["dead_channels"] else ""))
    lines += [
        "",
        f"first-layer post-ReLU DC, exact two-tone prediction ({pr['backend']}, "
        f"{pr['dps']} digits) vs measured mean activation:",
        f"  Pearson r = {pr['pearson_all_pairs']:.4f} over all (window, channel) pairs, "
        f"{pr['pearson_channel_means']:.4f} over channel means",
        f"  median relative error = {pr['median_relative_error']:.4f} (pairs with non-zero "
        f"measured DC), {pr['median_relative_error_active']:.4f} over the "
        f"{len(pr['active_channels'])} active channels ({pr['active_definition']})",
        f"  of which {len(pr['rectifying_active_channels'])} rectify (on 5-95% of the time): "
        f"median relative error {pr['median_relative_error_rectifying']:.4f}",
        f"  silent channels (off in every window, predicted and measured 0): "
        f"{pr['silent_channels']}",
        f"  self-check on the two-tone input itself: max |predicted - measured| = "
        f"{pr['self_check_max_abs_error_on_two_tone_input']:.2e}",
        f"  channels failing (median relative error > {pr['fail_threshold']:g}): "
        f"{len(pr['failing_channels'])}",
    ]
    for f in pr["failing_channels"]:
        mre = f["median_relative_error"]
        lines.append(f"    channel {f['channel']:2d}: median rel. error "
                     f"{'n/a' if mre is None else f'{mre:.2f}'}, measured {f['measured_mean']:.4f}"
                     f", predicted {f['predicted_mean']:.4f}: " + "; ".join(f["reasons"]))
    pb = rec["probe"]
    lines += ["", f"spectral probe (window {rec['provenance']['parameters']['window']}'s "
                  f"two-tone fit at {pb['hr_bpm']:g} BPM, period "
                  f"{pb['period_samples']} samples, {pb['input_samples']} input samples): "
                  "ReLU output spectra predicted from their pre-activations, max error "
                  + ("n/a" if pb["max_prediction_error"] is None
                     else f"{pb['max_prediction_error']:.1e}") + " of the channel RMS"]
    for d in pb["layers"]:
        if d["status"] == "predicted":
            lines.append(f"  {d['name']:18s} fs {d['fs']:5.1f} Hz: DC share "
                         f"{100 * (d['dc_share_median'] or 0):.0f}%, aliased share "
                         "median over live channels "
                         f"{d['aliased_fraction_median']:.2e} (max "
                         f"{d['aliased_fraction_max']:.2e})")
    lines += [
        "",
        f"heart-rate output of the whole network (input gain {hr['gain']:g}): mean absolute "
        f"error {hr['mae_bpm']:.2f} BPM on these windows",
    ]
    if hr["sweep"]:
        lines.append("  sweep (synthetic windows): gain, true HR -> estimate (MAE)")
        for s in hr["sweep"]:
            lines.append(f"    x{s['gain']:<5g} {s['hr_true_mean']:6.1f} -> "
                         f"{s['estimate_mean']:6.1f} +- {s['estimate_std']:.1f} "
                         f"(MAE {s['mae']:.1f})")
    return "\n".join(lines) + "\n"


def _mark_harmonics(ax: Any, hr: float, f_max_bpm: float) -> None:
    k = 1
    while k * hr <= f_max_bpm:
        ax.axvline(k * hr, color="0.6", lw=0.4, ls=":", zorder=0)
        k += 1


def _figure3(stem: Path, acts: dict, rates: dict, hr_bpm: np.ndarray, cfg: Config) -> list:
    import matplotlib.pyplot as plt
    from symrelu.numeric.plotting import PALETTE, TEXT_WIDTH, save_figure, style

    w = cfg.window
    hr = float(hr_bpm[w])
    x = acts["input"][w, 0]
    amp_in = _amplitude_spectrum(x)
    f_in = np.fft.rfftfreq(x.size, 1 / rates["input"]) * 60
    with style():
        fig = plt.figure(figsize=(TEXT_WIDTH, 6.2))
        outer = fig.add_gridspec(2, 2, height_ratios=[1, 3.2], hspace=0.35, wspace=0.12)
        ax = fig.add_subplot(outer[0, :])
        ax.plot(f_in, amp_in, color=PALETTE[0])
        ax.plot([hr], [np.interp(hr, f_in, amp_in)], "o", mfc="none", color=PALETTE[1],
                label=f"heart rate {hr:.1f} BPM")
        _mark_harmonics(ax, hr, f_in[-1])
        ax.set_xlim(0, min(f_in[-1], 12 * hr))
        ax.set_xlabel("frequency (BPM)")
        ax.set_ylabel("amplitude")
        ax.set_title(f"input window {w} (standardised x {cfg.input_gain:g})")
        ax.legend(loc="upper right")
        for col, key in enumerate(FIG3_KEYS):
            a = acts[key][w]
            fr = np.fft.rfftfreq(a.shape[-1], 1 / rates[key]) * 60
            inner = outer[1, col].subgridspec(4, 4, hspace=0.15, wspace=0.1)
            n_ch = min(cfg.channels, a.shape[0], 16)
            f_top = min(fr[-1], 600.0)  # the paper's range; block 2's Nyquist is 240 BPM
            for c in range(n_ch):
                axc = fig.add_subplot(inner[c // 4, c % 4])
                rms = np.sqrt(np.mean(a[c] ** 2))
                spec = _amplitude_spectrum(a[c]) / rms if rms > 0 else np.zeros(fr.size)
                keep = f_in <= f_top
                axc.plot(f_in[keep], amp_in[keep] / np.sqrt(np.mean(x**2)), color="0.55",
                         lw=0.6, ls="--")
                axc.plot(fr, spec, color=PALETTE[1], lw=0.8)
                _mark_harmonics(axc, hr, f_top)
                axc.set_xlim(-10, f_top)
                axc.set_ylim(-0.05, 1.45)
                axc.set_xticks([] if c < 12 else [0, round(f_top / 2, -1)])
                if rms == 0:
                    axc.text(0.5, 0.5, "off", transform=axc.transAxes, ha="center", fontsize=6)
                axc.set_yticks([])
                axc.text(0.97, 0.92, f"{c}", transform=axc.transAxes, ha="right", va="top",
                         fontsize=6)
                if c == 0:
                    axc.set_title(f"{key} (fs {rates[key]:g} Hz), spectrum / RMS", loc="left")
                if c == 13:
                    axc.set_xlabel("frequency (BPM)")
        fig.text(0.5, 0.005, "dashed: input spectrum; dotted: heart-rate harmonics",
                 ha="center", fontsize=6)
    return save_figure(fig, stem)


def _figure_shares(stem: Path, shares: dict) -> list:
    import matplotlib.pyplot as plt
    from symrelu.numeric.plotting import PALETTE, TEXT_WIDTH, save_figure, style

    with style():
        fig, axes = plt.subplots(3, 2, figsize=(TEXT_WIDTH, 5.6), sharey=True)
        fig.subplots_adjust(hspace=0.5, wspace=0.08)
        for i, b in enumerate((1, 2, 3)):
            for j, stage in enumerate(("conv3.relu", "pool")):
                key = f"block{b}.{stage}"
                e = shares[key]
                ch = np.arange(e["dc"].size)
                bottom = np.zeros(ch.size)
                ax = axes[i, j]
                for part, colour in zip(("dc", "harmonics", "other"), PALETTE):
                    vals = np.nan_to_num(e[part])
                    ax.bar(ch, vals, bottom=bottom, color=colour, width=0.85, label=part)
                    bottom += vals
                ax.axhline(e["harmonic_bin_fraction"], color="k", lw=0.5, ls=":")
                ax.set_title(f"{key} (fs {e['fs']:g} Hz)", loc="left")
                ax.set_xlim(-1, ch.size)
                if j == 0:
                    ax.set_ylabel("power share")
                if i == 2:
                    ax.set_xlabel("channel")
        axes[0, 1].legend(loc="upper center", ncol=3, bbox_to_anchor=(0.5, 1.32))
        fig.text(0.5, 0.005, "dotted: share of bins counted as harmonic (chance level); "
                 "missing bars: channels off in every window", ha="center", fontsize=6)
    return save_figure(fig, stem)


def _figure_prediction(stem: Path, measured: np.ndarray, predicted: np.ndarray, rec: dict) -> list:
    import matplotlib.pyplot as plt
    from symrelu.numeric.plotting import PALETTE, TEXT_WIDTH, save_figure, style

    pr = rec["prediction"]
    failing = {f["channel"] for f in pr["failing_channels"]}
    med = np.array([np.nan if v is None else v
                    for v in pr["per_channel"]["median_relative_error"]], dtype=float)
    with style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(TEXT_WIDTH, 2.8))
        fig.subplots_adjust(wspace=0.3)
        ok = np.array([c not in failing for c in range(measured.shape[1])])
        ax1.scatter(predicted[:, ok].ravel(), measured[:, ok].ravel(), s=5, color=PALETTE[0],
                    label="channels within threshold")
        if (~ok).any():
            ax1.scatter(predicted[:, ~ok].ravel(), measured[:, ~ok].ravel(), s=7, marker="x",
                        color=PALETTE[1], lw=0.6, label="failing channels")
        hi = float(max(measured.max(), predicted.max())) * 1.05
        ax1.plot([0, hi], [0, hi], color="k", lw=0.5)
        ax1.set_xlabel("predicted DC (exact, two-tone model)")
        ax1.set_ylabel("measured mean activation")
        ax1.set_title(f"block1.conv1.relu: r = {pr['pearson_all_pairs']:.3f}, median rel. "
                      f"error {pr['median_relative_error']:.3f}", loc="left")
        ax1.legend(loc="upper left")
        ch = np.arange(med.size)
        ax2.bar(ch, med, color=[PALETTE[1] if c in failing else PALETTE[0] for c in ch])
        ax2.axhline(pr["fail_threshold"], color="k", lw=0.5, ls="--")
        silent = pr["silent_channels"]
        if silent:
            ax2.plot(silent, np.full(len(silent), 1e-4), "o", ms=3, color="0.6",
                     label="silent (0 = 0)")
            ax2.legend(loc="lower right")
        ax2.set_yscale("log")
        ax2.set_xlabel("channel")
        ax2.set_ylabel("median relative error")
    return save_figure(fig, stem)


def _figure_probe(stem: Path, spectral: Any) -> list:
    from symrelu.numeric.plotting import save_figure, style

    with style():
        fig = spectral.plot(channels=6)
        fig.suptitle("probe: measured (line), predicted (dots), aliased part (shaded)",
                     fontsize=7)
    return save_figure(fig, stem)


def _figure_hr(stem: Path, sweep: list) -> list:
    import matplotlib.pyplot as plt
    from symrelu.numeric.plotting import COLUMN_WIDTH, PALETTE, save_figure, style

    with style():
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH, 2.6))
        gains = sorted({s["gain"] for s in sweep})
        for g, colour in zip(gains, PALETTE):
            pts = [s for s in sweep if s["gain"] == g]
            ax.errorbar([s["hr_true_mean"] for s in pts], [s["estimate_mean"] for s in pts],
                        yerr=[s["estimate_std"] for s in pts], fmt="o-", ms=3, color=colour,
                        label=f"input x {g:g}")
        lo = min(s["hr_true_mean"] for s in sweep)
        hi = max(s["hr_true_mean"] for s in sweep)
        ax.plot([lo, hi], [lo, hi], color="k", lw=0.5, ls="--")
        ax.set_xlabel("true heart rate (BPM)")
        ax.set_ylabel("network output (BPM)")
        ax.legend(loc="upper left")
    return save_figure(fig, stem)
