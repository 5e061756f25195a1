r"""Photoplethysmography (PPG) windows for the Section V-B experiment.

Three jobs, all in NumPy (no torch here):

* :func:`synthetic_ppg` -- realistic synthetic PPG windows with a known heart
  rate, from a documented pulse model (below), seeded;
* :func:`load_windows` -- a user's own windows from ``.npy`` or ``.csv`` (one
  window per row), checked for shape, values and sampling rate;
* :func:`standardise`, :func:`estimate_hr` and :func:`fit_two_tone` -- the
  per-window preparation the experiment needs.

The pulse model
---------------
Beats start at onset times :math:`\tau_k` with RR intervals

.. math:: T_k = T_0 \bigl(1 + r \sin(2\pi f_r \tau_k + \phi_r)\bigr)(1 + \sigma \varepsilon_k),
          \qquad T_0 = 60 / \mathrm{HR},\ \varepsilon_k \sim N(0, 1),

i.e. respiratory sinus arrhythmia of relative depth ``rsa`` at the breathing
rate :math:`f_r` plus beat-to-beat jitter of relative size ``hrv``. Each beat
is a sum of three Gaussians in the time since its onset, with centers and
widths proportional to the beat's own interval :math:`T_k` (so a faster heart
gives a narrower pulse):

=============  =========  =======================  =====================
component      amplitude  center (:math:`T_k`)     width (:math:`T_k`)
=============  =========  =======================  =====================
systolic peak  1          0.20                     0.075
dicrotic notch -0.12      0.40                     0.025
diastolic wave 0.40       0.50                     0.10
=============  =========  =======================  =====================

The narrow negative Gaussian carves the dicrotic notch into the descending
limb, between the systolic peak and the reflected (diastolic) wave. Each beat's
amplitude varies by ``amplitude_jitter`` (relative, Gaussian). On top come a
baseline wander (a breathing-rate sinusoid of amplitude ``wander`` plus a slow
0.02-0.08 Hz drift of half that amplitude) and white Gaussian noise of standard
deviation ``noise`` (the systolic peak has amplitude 1).

Every window draws from its own generator, ``SeedSequence([seed, i])``, so
window ``i`` does not depend on how many windows are asked for.

Examples
--------
>>> ppg = synthetic_ppg(72, n_windows=2, seed=0)
>>> ppg.windows.shape, ppg.fs
((2, 256), 32.0)
>>> x = standardise(ppg.windows)
>>> bool(abs(x.mean()) < 1e-12), bool(abs(x.std() - 1) < 1e-12)
(True, True)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symrelu.errors import SymreluError

__all__ = [
    "FS",
    "N_SAMPLES",
    "PPGInputError",
    "SyntheticPPG",
    "TwoToneFit",
    "synthetic_ppg",
    "pulse_shape",
    "standardise",
    "load_windows",
    "estimate_hr",
    "fit_two_tone",
    "check_heart_rate",
]

#: Sampling rate (Hz) and window length (samples) of the KID-PPG model's input.
FS = 32.0
N_SAMPLES = 256

# (amplitude, center, width) of the three Gaussians of one beat, in units of the beat's RR interval.
_PULSE = ((1.0, 0.20, 0.075), (-0.12, 0.40, 0.025), (0.40, 0.50, 0.10))
_HR_RANGE = (20.0, 300.0)  # BPM accepted by synthetic_ppg and fit_two_tone


class PPGInputError(SymreluError, ValueError):
    """A PPG array or its sampling rate is not what the experiment can use."""


@dataclass(frozen=True)
class SyntheticPPG:
    """Synthetic PPG windows and their true heart rates.

    Attributes
    ----------
    windows : numpy.ndarray
        Shape ``(n_windows, n_samples)``, raw (not standardised).
    hr_bpm : numpy.ndarray
        The true mean heart rate of each window, in beats per minute: 60 over
        the mean RR interval of the beats whose onsets fall inside the window.
    nominal_hr_bpm : float
        The rate asked for (the mean of the RR process).
    fs : float
        Sampling rate in Hz.
    parameters : dict
        The model parameters used (for provenance).
    """

    windows: np.ndarray
    hr_bpm: np.ndarray
    nominal_hr_bpm: float
    fs: float
    parameters: dict


@dataclass(frozen=True)
class TwoToneFit:
    r"""Least-squares fit :math:`b + A_1\cos(2\pi f t + p_1) + A_2\cos(4\pi f t + p_2)`.

    Attributes
    ----------
    offset : float
        :math:`b`.
    amplitudes : tuple of float
        :math:`(A_1, A_2)`, non-negative.
    phases : tuple of float
        :math:`(p_1, p_2)` in radians, in :math:`(-\pi, \pi]`.
    frequency : float
        The fundamental :math:`f` in Hz (the known heart rate / 60).
    fs : float
        Sampling rate in Hz (sample :math:`m` is at :math:`t = m / f_s`).
    residual_share : float
        Share of the window's power (mean square, DC included) that the model
        leaves unexplained.
    """

    offset: float
    amplitudes: tuple[float, float]
    phases: tuple[float, float]
    frequency: float
    fs: float
    residual_share: float

    def samples(self, n: int = N_SAMPLES) -> np.ndarray:
        """The model evaluated at ``t = m / fs``, ``m = 0..n-1``.

        Examples
        --------
        >>> fit = TwoToneFit(0.5, (1.0, 0.0), (0.0, 0.0), 1.0, 4.0, 0.0)
        >>> fit.samples(4).round(12).tolist()
        [1.5, 0.5, -0.5, 0.5]
        """
        t = np.arange(n) / self.fs
        w = 2 * np.pi * self.frequency
        (a1, a2), (p1, p2) = self.amplitudes, self.phases
        return self.offset + a1 * np.cos(w * t + p1) + a2 * np.cos(2 * w * t + p2)

    def multitone(self) -> Any:
        """The fit as a :class:`symrelu.MultiTone` (floats become the decimals they print as).

        Examples
        --------
        >>> TwoToneFit(0.5, (1.0, 0.25), (0.0, 1.5), 1.2, 32.0, 0.1).multitone()
        MultiTone.parse('1/2 + 1@6/5 + 1/4@12/5:3/2')
        """
        from symrelu import MultiTone

        return MultiTone(
            amplitudes=list(self.amplitudes),
            frequencies=[self.frequency, 2 * self.frequency],
            phases=list(self.phases),
            offset=self.offset,
        )


# --------------------------------------------------------------------- model


def pulse_shape(u: np.ndarray) -> np.ndarray:
    """One beat of the pulse model at ``u`` = time since onset / RR interval.

    Parameters
    ----------
    u : array_like
        Time since the beat's onset in units of its RR interval (any real
        values; the Gaussians decay away from [0, 1]).

    Returns
    -------
    numpy.ndarray
        The sum of the three Gaussians of the module docstring's table.

    Examples
    --------
    >>> u = np.linspace(0, 1, 1001)
    >>> p = pulse_shape(u)
    >>> float(u[p.argmax()].round(2))  # the systolic peak
    0.2
    >>> notch = (u > 0.3) & (u < 0.5)
    >>> bool(np.any(np.diff(np.sign(np.diff(p[notch]))) > 0))  # a local minimum: the notch
    True
    """
    u = np.asarray(u, dtype=float)
    return sum(a * np.exp(-0.5 * ((u - c) / s) ** 2) for a, c, s in _PULSE)


def _check_positive(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise PPGInputError(f"{name} must be a number (got {value!r})") from None
    if not np.isfinite(v) or v <= 0:
        raise PPGInputError(f"{name} must be a positive finite number (got {value!r})")
    return v


def check_heart_rate(hr_bpm: Any) -> float:
    """A heart rate in BPM as a float, or a PPGInputError naming what is wrong with it.

    Examples
    --------
    >>> check_heart_rate(72)
    72.0
    """
    hr = _check_positive(hr_bpm, "heart rate (BPM)")
    if not _HR_RANGE[0] <= hr <= _HR_RANGE[1]:
        raise PPGInputError(
            f"heart rate must be between {_HR_RANGE[0]:g} and {_HR_RANGE[1]:g} BPM (got {hr:g})"
        )
    return hr


def _one_window(rng: np.random.Generator, hr: float, n: int, fs: float, p: dict) -> tuple:
    t = np.arange(n) / fs
    duration = n / fs
    rr0 = 60.0 / hr
    f_resp = p["breathing_hz"]
    phi_resp = rng.uniform(0, 2 * np.pi)
    # beat onsets: start before the window so the first samples see a full beat
    onset = -rng.uniform(1.0, 2.0) * rr0
    onsets, intervals = [], []
    while onset < duration + rr0:
        rr = rr0 * (1 + p["rsa"] * np.sin(2 * np.pi * f_resp * onset + phi_resp))
        rr *= 1 + p["hrv"] * rng.standard_normal()
        rr = max(rr, 0.25 * rr0)
        onsets.append(onset)
        intervals.append(rr)
        onset += rr
    onsets_a, rr_a = np.array(onsets), np.array(intervals)
    gains = 1 + p["amplitude_jitter"] * rng.standard_normal(len(onsets_a))
    u = (t[None, :] - onsets_a[:, None]) / rr_a[:, None]
    x = (gains[:, None] * pulse_shape(u)).sum(axis=0)
    # baseline wander: breathing plus a slow drift
    f_drift = rng.uniform(0.02, 0.08)
    x += p["wander"] * np.sin(2 * np.pi * f_resp * t + phi_resp + 1.0)
    x += 0.5 * p["wander"] * np.sin(2 * np.pi * f_drift * t + rng.uniform(0, 2 * np.pi))
    x += p["noise"] * rng.standard_normal(n)
    inside = (onsets_a >= 0) & (onsets_a < duration)
    hr_true = 60.0 / rr_a[inside].mean() if inside.any() else 60.0 / rr_a.mean()
    return x, hr_true


def synthetic_ppg(
    hr_bpm: float,
    *,
    n_windows: int = 1,
    n_samples: int = N_SAMPLES,
    fs: float = FS,
    seed: int = 0,
    hrv: float = 0.03,
    rsa: float = 0.03,
    breathing_hz: float = 0.25,
    amplitude_jitter: float = 0.05,
    wander: float = 0.15,
    noise: float = 0.03,
) -> SyntheticPPG:
    """Synthetic PPG windows at a known heart rate (the model of the module docstring).

    Parameters
    ----------
    hr_bpm : float
        Mean heart rate in beats per minute (20-300).
    n_windows : int
        Number of independent windows.
    n_samples : int
        Samples per window (256: 8 s at 32 Hz).
    fs : float
        Sampling rate in Hz.
    seed : int
        Window ``i`` uses ``numpy.random.SeedSequence([seed, i])``.
    hrv : float
        Relative standard deviation of the beat-to-beat RR jitter.
    rsa : float
        Relative depth of the respiratory modulation of the RR interval.
    breathing_hz : float
        Breathing rate in Hz (RSA and baseline wander).
    amplitude_jitter : float
        Relative standard deviation of each beat's amplitude.
    wander : float
        Amplitude of the breathing baseline wander (systolic peak = 1).
    noise : float
        Standard deviation of the additive white noise.

    Returns
    -------
    SyntheticPPG
        Raw windows (not standardised) and the true mean rate of each.

    Raises
    ------
    PPGInputError
        For a heart rate outside 20-300 BPM, a non-positive ``fs``, or a bad
        count.

    Examples
    --------
    >>> ppg = synthetic_ppg(90, n_windows=3, seed=1)
    >>> ppg.windows.shape
    (3, 256)
    >>> bool(np.all(np.abs(ppg.hr_bpm - 90) < 10))
    True
    >>> np.array_equal(synthetic_ppg(90, n_windows=1, seed=1).windows[0], ppg.windows[0])
    True
    """
    hr = check_heart_rate(hr_bpm)
    fs = _check_positive(fs, "fs")
    for name, v in (("n_windows", n_windows), ("n_samples", n_samples)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise PPGInputError(f"{name} must be a positive integer (got {v!r})")
    params = {
        "hrv": float(hrv),
        "rsa": float(rsa),
        "breathing_hz": float(breathing_hz),
        "amplitude_jitter": float(amplitude_jitter),
        "wander": float(wander),
        "noise": float(noise),
    }
    for name, v in params.items():
        if not np.isfinite(v) or v < 0:
            raise PPGInputError(f"{name} must be a non-negative finite number (got {v!r})")
    windows = np.empty((n_windows, n_samples))
    hrs = np.empty(n_windows)
    for i in range(n_windows):
        rng = np.random.default_rng(np.random.SeedSequence([seed, i]))
        windows[i], hrs[i] = _one_window(rng, hr, n_samples, fs, params)
    params.update(model="three-Gaussian pulse, numeric.ppg", seed=seed, pulse=_PULSE)
    return SyntheticPPG(windows, hrs, hr, fs, params)


# ------------------------------------------------------------ preparation


def standardise(windows: np.ndarray) -> np.ndarray:
    """Each window (row) to zero mean and unit standard deviation.

    Parameters
    ----------
    windows : array_like
        Shape ``(n, samples)`` or ``(samples,)``.

    Returns
    -------
    numpy.ndarray
        Float64, same shape.

    Raises
    ------
    PPGInputError
        If a window is constant (its standard deviation is zero).

    Examples
    --------
    >>> standardise([1.0, 2.0, 3.0]).round(6).tolist()
    [-1.224745, 0.0, 1.224745]
    """
    x = np.asarray(windows, dtype=float)
    mu = x.mean(axis=-1, keepdims=True)
    sd = x.std(axis=-1, keepdims=True)
    if np.any(sd == 0):
        bad = np.flatnonzero(sd.reshape(-1) == 0)
        raise PPGInputError(f"window(s) {bad.tolist()} are constant: cannot standardise them")
    return (x - mu) / sd


def load_windows(
    path: str | os.PathLike,
    *,
    fs: float,
    expected_fs: float = FS,
    n_samples: int = N_SAMPLES,
) -> np.ndarray:
    """Read a user's PPG windows from ``.npy`` or ``.csv``, one window per row.

    Parameters
    ----------
    path : path-like
        A ``.npy`` file holding a 2-D array ``(n_windows, n_samples)`` (or a 1-D
        array: one window), or a ``.csv`` file with one comma-separated window
        per line (lines starting with ``#`` are ignored).
    fs : float
        The sampling rate of the windows, in Hz. It must equal ``expected_fs``:
        the network's filters are tied to its training rate, so windows at
        another rate must be resampled first (the error says how).
    expected_fs : float
        The rate the model needs (32 Hz).
    n_samples : int
        The window length the model needs (256).

    Returns
    -------
    numpy.ndarray
        Float64 array of shape ``(n_windows, n_samples)``, not standardised.

    Raises
    ------
    PPGInputError
        For a missing file, an unknown extension, a wrong shape or length, NaN
        or infinite values, or a sampling rate other than ``expected_fs``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
    >>> _ = p.write_text("\\n".join(",".join(["0", "1"] * 128) for _ in range(3)))
    >>> load_windows(p, fs=32).shape
    (3, 256)
    >>> load_windows(p, fs=64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symrelu.numeric.ppg.PPGInputError: the windows are sampled at 64 Hz but the model needs ...
    """
    fs = _check_positive(fs, "fs")
    if abs(fs - expected_fs) > 1e-9 * expected_fs:
        ratio = fs / expected_fs
        hint = (
            f"scipy.signal.resample_poly(x, 1, {round(ratio)}, axis=1)"
            if abs(ratio - round(ratio)) < 1e-9 and ratio > 1
            else "scipy.signal.resample_poly(x, up, down, axis=1) with up/down = "
            f"{expected_fs:g}/{fs:g}"
        )
        raise PPGInputError(
            f"the windows are sampled at {fs:g} Hz but the model needs {expected_fs:g} Hz "
            f"({n_samples} samples = {n_samples / expected_fs:g} s per window): resample them "
            f"first, e.g. {hint}, and cut {n_samples}-sample windows"
        )
    path = Path(path)
    if not path.is_file():
        raise PPGInputError(f"no such file: {str(path)!r}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            data = np.load(path, allow_pickle=False)
        elif suffix == ".csv":
            data = np.loadtxt(path, delimiter=",", comments="#", ndmin=2)
        else:
            raise PPGInputError(
                f"{path.name}: unknown file type {suffix!r}; give a .npy or .csv file"
            )
    except PPGInputError:
        raise
    except ValueError as exc:
        raise PPGInputError(
            f"{path.name}: could not read numbers from it ({exc}); a .csv needs one "
            "comma-separated window per line, all of the same length"
        ) from None
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        raise PPGInputError(f"{path.name}: expected real numbers, got dtype {data.dtype}")
    if data.ndim == 1:
        data = data[None, :]
    if data.ndim != 2 or data.shape[1] != n_samples or data.shape[0] == 0:
        raise PPGInputError(
            f"{path.name}: expected windows of {n_samples} samples, one per row, i.e. shape "
            f"(n_windows, {n_samples}); got shape {data.shape}. Cut the recording into "
            f"{n_samples}-sample ({n_samples / expected_fs:g} s) windows at {expected_fs:g} Hz"
        )
    data = data.astype(float)
    bad = ~np.isfinite(data)
    if bad.any():
        rows = sorted(set(np.nonzero(bad)[0].tolist()))
        raise PPGInputError(f"{path.name}: NaN or infinite values in window(s) {rows[:10]}")
    return data


def estimate_hr(
    windows: np.ndarray, fs: float = FS, *, band_bpm: tuple[float, float] = (40.0, 220.0)
) -> np.ndarray:
    """Heart rate of each window from the highest peak of its spectrum.

    The window is centered, Hann-tapered and zero-padded to 16384 points; the
    peak is searched in ``band_bpm``. This is what the experiment uses when a
    user's windows come without a known rate.

    Parameters
    ----------
    windows : array_like
        Shape ``(n, samples)`` or ``(samples,)``.
    fs : float
        Sampling rate in Hz.
    band_bpm : tuple of float
        Search band in beats per minute.

    Returns
    -------
    numpy.ndarray
        One rate per window, in beats per minute.

    Examples
    --------
    >>> t = np.arange(256) / 32
    >>> float(estimate_hr(np.cos(2 * np.pi * 1.3 * t), 32)[0].round(1))
    78.0
    """
    x = np.atleast_2d(np.asarray(windows, dtype=float))
    fs = _check_positive(fs, "fs")
    n_fft = 16384
    x = (x - x.mean(axis=1, keepdims=True)) * np.hanning(x.shape[1])
    spec = np.abs(np.fft.rfft(x, n=n_fft, axis=1))
    f_bpm = np.fft.rfftfreq(n_fft, 1 / fs) * 60
    sel = (f_bpm >= band_bpm[0]) & (f_bpm <= band_bpm[1])
    if not sel.any():
        raise PPGInputError(f"the band {band_bpm} BPM lies above the Nyquist rate of fs={fs:g} Hz")
    return f_bpm[sel][spec[:, sel].argmax(axis=1)]


def fit_two_tone(window: np.ndarray, hr_bpm: float, fs: float = FS) -> TwoToneFit:
    r"""Least-squares fit of :math:`b + A_1\cos(\omega t + p_1) + A_2\cos(2\omega t + p_2)`.

    The rate is held at the known heart rate, :math:`\omega = 2\pi\,\mathrm{HR}/60`;
    the fit is linear in :math:`b` and the cosine and sine coefficients of both
    harmonics, solved with ``numpy.linalg.lstsq``.

    Parameters
    ----------
    window : array_like
        One window, shape ``(samples,)``; sample :math:`m` is at :math:`t = m/f_s`.
    hr_bpm : float
        The heart rate in beats per minute.
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    TwoToneFit

    Examples
    --------
    >>> t = np.arange(256) / 32
    >>> x = 0.3 + 2 * np.cos(2 * np.pi * 1.2 * t + 0.5) + 0.7 * np.cos(2 * np.pi * 2.4 * t - 1)
    >>> fit = fit_two_tone(x, 72, 32)
    >>> [round(v, 9) for v in (fit.offset, *fit.amplitudes, *fit.phases)]
    [0.3, 2.0, 0.7, 0.5, -1.0]
    >>> fit.residual_share < 1e-20
    True
    """
    x = np.asarray(window, dtype=float)
    if x.ndim != 1 or x.size < 5:
        raise PPGInputError(
            f"fit_two_tone needs one window of at least 5 samples (got shape {x.shape})"
        )
    hr = check_heart_rate(hr_bpm)
    fs = _check_positive(fs, "fs")
    f = hr / 60.0
    if 2 * f >= fs / 2:
        raise PPGInputError(
            f"the second harmonic of {hr:g} BPM ({2 * f:g} Hz) is not below the Nyquist rate "
            f"({fs / 2:g} Hz)"
        )
    t = np.arange(x.size) / fs
    w = 2 * np.pi * f
    design = np.column_stack(
        [np.ones_like(t), np.cos(w * t), np.sin(w * t), np.cos(2 * w * t), np.sin(2 * w * t)]
    )
    coef, *_ = np.linalg.lstsq(design, x, rcond=None)
    b, c1, s1, c2, s2 = (float(v) for v in coef)
    # A cos(wt + p) = A cos p cos wt - A sin p sin wt
    a1, p1 = float(np.hypot(c1, s1)), float(np.arctan2(-s1, c1))
    a2, p2 = float(np.hypot(c2, s2)), float(np.arctan2(-s2, c2))
    resid = x - design @ coef
    power = float(np.mean(x**2))
    share = float(np.mean(resid**2) / power) if power > 0 else 0.0
    return TwoToneFit(b, (a1, a2), (p1, p2), f, fs, share)
