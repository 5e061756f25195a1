r"""FFT spectra in symrelu's convention, and exact spectra placed on the DFT grid.

For ``n`` real samples at rate ``fs`` the measured coefficient of bin k
(frequency ``k fs / n``) is :math:`\hat c_k = X_k / n` with X the DFT, which
matches symrelu's convention :math:`y = c_0 + 2\,\mathrm{Re}\sum_{F>0} c_F
e^{2\pi i F t}` exactly when the window is coherent and nothing aliases. Then

* :func:`coefficients` returns ``(freqs, c)`` for k = 0..n//2;
* :func:`spectrum` returns the one-sided amplitude and phase: a unit cosine
  reads amplitude 1.0 (``2|c|``; the DC bin and, for even n, the Nyquist bin
  read ``|c|``), and the phase is ``angle(c)``, so
  ``y = sum amps * cos(2 pi freqs t + phases)`` over the bins;
* both accept a batch, a 2-D array of channels x time (one row per channel, as a layer's
  output for several inputs), and return one row of coefficients per channel;
* :func:`fold` places an exact spectrum (an Expansion or ``{F: c_F}``) on the
  same bins, adding every component above fs/2 onto the bin it aliases to,
  exactly as sampling does. The DFT of the samples of a trigonometric
  polynomial *equals* its folded spectrum (coherent window), which is what
  makes bin-by-bin comparisons at 1e-9 possible.

Examples
--------
>>> import numpy as np
>>> fs, n = 64, 64
>>> t = np.arange(n) / fs
>>> freqs, amps, phases = spectrum(0.5 + np.cos(2 * np.pi * 4 * t + 0.3), fs)
>>> [round(float(v), 12) for v in (amps[0], amps[4], phases[4])]
[0.5, 1.0, 0.3]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from symrelu.numeric.errors import NumericInputError, NumericTypeError
from symrelu.numeric.lambdify import spectrum_arrays

__all__ = ["coefficients", "spectrum", "fold", "bin_index", "amplitudes_of", "as_samples"]


def as_samples(y: Any, *, batch: bool = False) -> np.ndarray:
    """Samples as a 1-D float64 array, or an error naming what is wrong with them.

    Torch tensors (without importing torch), float32 arrays and lists are welcome.

    Parameters
    ----------
    y : array_like or torch.Tensor
    batch : bool
        Also accept a 2-D array, channels x time (returned as it is, one row per channel).

    Examples
    --------
    >>> as_samples([0, 1.5, -1]).dtype
    dtype('float64')
    >>> as_samples([[0, 1], [2, 3], [4, 5]], batch=True).shape
    (3, 2)
    """
    if hasattr(y, "detach") and hasattr(y, "cpu"):  # a torch tensor, without importing torch
        y = y.detach().cpu().numpy()
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise NumericTypeError(
            f"y must be an array of real samples (got {type(y).__name__})"
        ) from None
    if arr.ndim not in ((1, 2) if batch else (1,)) or arr.size == 0:
        shape = "1-D array of samples or a 2-D array, channels x time" if batch else \
            "1-D array of samples"
        raise NumericInputError(f"y must be a non-empty {shape} (got shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        raise NumericInputError("the samples y contain NaN or infinite values")
    return arr


def coefficients(y: Any, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """Measured complex coefficients ``c_k = X_k / n`` for bins 0..n//2.

    Parameters
    ----------
    y : array_like, real
        1-D samples, or a 2-D batch, channels x time.
    fs : float

    Returns
    -------
    freqs : ndarray
        ``k * fs / n``.
    c : ndarray of complex
        Shape (n//2 + 1,), or (channels, n//2 + 1) for a batch.

    Examples
    --------
    >>> import numpy as np
    >>> f, c = coefficients(np.cos(2 * np.pi * np.arange(8) / 8), fs=8)
    >>> float(f[1]), complex(np.round(c[1].real, 12))
    (1.0, (0.5+0j))
    >>> t = np.arange(8) / 8
    >>> f, c = coefficients([np.cos(2 * np.pi * t), 3 * np.cos(2 * np.pi * 2 * t)], fs=8)
    >>> c.shape, np.round(c[:, 1:3].real, 12).tolist() == [[0.5, 0], [0, 1.5]]
    ((2, 5), True)
    """
    fs = _rate(fs)
    y = as_samples(y, batch=True)
    n = y.shape[-1]
    X = np.fft.rfft(y, axis=-1) / n
    freqs = np.fft.rfftfreq(n, d=1.0 / float(fs))
    return freqs, X


def _rate(fs: Any) -> float:
    """A sampling rate as a positive finite float, or a NumericInputError naming it."""
    if isinstance(fs, (str, bytes, bool)):
        raise NumericInputError(f"fs must be a positive number (got {fs!r})")
    try:
        value = float(fs)
    except (TypeError, ValueError):
        raise NumericInputError(f"fs must be a positive number (got {fs!r})") from None
    if not np.isfinite(value) or value <= 0:
        raise NumericInputError(f"fs must be a positive finite number (got {fs!r})")
    return value


def amplitudes_of(freqs: np.ndarray, c: np.ndarray, n: int) -> np.ndarray:
    """One-sided amplitudes from coefficients: ``2|c|``, except DC (and Nyquist for even n).

    ``c`` holds the bins on its last axis (one row per channel for a batch).
    """
    amps = 2 * np.abs(c)
    amps[..., 0] = np.abs(c[..., 0])
    if n % 2 == 0 and c.shape[-1] == n // 2 + 1:
        amps[..., -1] = np.abs(c[..., -1])
    return amps


def spectrum(y: Any, fs: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided, amplitude-correct spectrum of real samples.

    Parameters
    ----------
    y : array_like, real
        Samples (ideally a coherent window: see :func:`symrelu.numeric.sample`), 1-D, or a
        2-D batch, channels x time.
    fs : float
        Sampling rate.

    Returns
    -------
    freqs : ndarray
        Bin frequencies ``k fs / n``, k = 0..n//2.
    amps : ndarray
        A unit cosine on a bin reads 1.0; the DC bin reads ``|mean|``. One row per channel
        for a batch.
    phases : ndarray
        ``angle`` of the coefficient (radians; a negative mean has phase pi), shaped as amps.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(1024) / 1024
    >>> f, a, p = spectrum(np.maximum(np.cos(2 * np.pi * 8 * t), 0), fs=1024)
    >>> round(float(a[0]), 5), round(float(a[8]), 5)   # 1/pi = 0.31831, less the kinks' aliasing
    (0.31825, 0.5)
    >>> f, a, p = spectrum(np.stack([np.cos(2 * np.pi * 8 * t), 2 + 0 * t]), fs=1024)
    >>> a.shape, float(a[0, 8]), float(a[1, 0])
    ((2, 513), 1.0, 2.0)
    """
    y = as_samples(y, batch=True)
    freqs, c = coefficients(y, fs)
    return freqs, amplitudes_of(freqs, c, y.shape[-1]), np.angle(c)


def bin_index(F: float, fs: float, n: int, *, tol: float = 1e-9) -> int:
    """The integer k with ``F = k fs / n``; ValueError if F is off the bin grid.

    Examples
    --------
    >>> bin_index(5, 1024, 8192)
    40
    """
    fs = _rate(fs)
    if isinstance(F, (str, bytes)) or isinstance(n, (str, bytes)):
        raise NumericInputError(f"F and n must be numbers (got {F!r}, {n!r})")
    k = float(F) * n / fs
    kr = round(k)
    if abs(k - kr) > tol * max(1.0, abs(k)):
        raise NumericInputError(
            f"{F:g} Hz is not on the DFT grid of {n} samples at {fs:g} Hz "
            f"(bin spacing {fs / n:g} Hz; it sits at bin {k:.6g}): the window is not coherent "
            "for this frequency, so no bin holds it alone"
        )
    return int(kr)


def fold(expected: Any, fs: float, n: int) -> np.ndarray:
    r"""An exact spectrum on the DFT bins 0..n//2, with aliases folded in.

    Bin k receives :math:`c_F` for every F with :math:`F n / f_s \equiv k`
    and :math:`\overline{c_F}` for every F with :math:`F n / f_s \equiv -k`
    (mod n): exactly what the DFT of coherent samples holds.

    Parameters
    ----------
    expected : symrelu.Expansion or mapping {F: c_F}
        Coefficients in symrelu's convention (``c_F = A/2`` for a cosine of
        amplitude A; DC is ``c_0``).
    fs : float
    n : int
        Number of samples.

    Returns
    -------
    ndarray of complex, length n//2 + 1

    Raises
    ------
    ValueError
        If a frequency is off the bin grid (non-coherent window).

    Examples
    --------
    >>> import numpy as np
    >>> fold({0: 0.25, 3: 0.5, 9: 0.1}, fs=8, n=8)          # 9 Hz aliases to 1 Hz
    array([0.25+0.j, 0.1 +0.j, 0.  +0.j, 0.5 +0.j, 0.  +0.j])
    """
    freqs, coefs = spectrum_arrays(expected)
    n = int(n)
    out = np.zeros(n // 2 + 1, dtype=complex)
    half = n // 2
    for F, c in zip(freqs, coefs):
        k = bin_index(F, fs, n)
        if k == 0:
            out[0] += c
            continue
        r = k % n
        if r <= half:
            out[r] += c
        s = (-k) % n
        if s <= half:
            out[s] += np.conj(c)
    return out
