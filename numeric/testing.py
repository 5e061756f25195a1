r"""Assertions for regression tests, in the spirit of :mod:`numpy.testing`.

Compare a *sampled* signal (for instance the output of your network layer)
with what symrelu predicts:

* :func:`assert_spectrum_close` / :func:`check_spectrum`: bin by bin against
  an :class:`symrelu.Expansion`, or a plain mapping ``{F: c_F}`` (exact
  values, sympy, mpmath or floats);
* :func:`assert_dc_close` / :func:`check_dc`: the mean against an exact DC
  (``symrelu.exact_dc``), an Expansion's DC, or a number.

The ``check_*`` functions return a result object (``.passed``,
``.to_dict()``, the numbers); the ``assert_*`` functions raise
``AssertionError`` with a message listing the worst frequencies (expected,
measured, difference, allowed), so a failing pytest says where and by how
much.

What "close" means
------------------
``|measured - expected| <= atol + rtol * |expected| + truncation + sampling``
in one-sided amplitude units (a unit cosine reads 1.0; DC reads its value):

``truncation``
    With an Expansion as the expectation (and ``truncation=True``), its
    certificate's bound: the truncated series is within ``B`` of the
    activation everywhere, so every DFT bin of the difference is within ``B``
    (``2B`` in amplitude units) and the DC within ``B``. Rigorous, and it
    holds bin by bin even with aliasing because the expectation is folded
    onto the DFT grid exactly as sampling folds the signal (``fold=True``).
``sampling``
    Sampling a kinked signal such as ReLU(x) aliases its unlimited spectrum:
    the mean of the samples is not the exact DC. Pass
    ``sampling_error="bound"`` (rigorous, :func:`numeric.sampling_error_bound`),
    ``"estimate"`` (tighter, measured variation) or your own number. The
    error shrinks as ``fs**-2``; the default allowance is 0, so a test that
    compares sampled ReLU with exact values must say how it accounts for it.

Examples
--------
>>> import numpy as np, symrelu as sr
>>> from numeric import sample
>>> sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
>>> t, x = sample(sig, fs=1024, duration=1)
>>> y = np.maximum(x, 0)
>>> check = assert_spectrum_close(y, fs=1024, expected=sr.expand(sig, order=20))
>>> check.passed, check.n_failed
(True, 0)
>>> assert_dc_close(y, 0.57444169533948, rtol=0, sampling_error="bound", signal=sig, fs=1024).passed
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from numeric.errors import NumericInputError, NumericTypeError
from numeric.lambdify import to_numeric
from numeric.sampling import sampling_error_bound
from numeric.spectra import coefficients, fold

__all__ = [
    "DCCheck",
    "SpectrumCheck",
    "check_dc",
    "assert_dc_close",
    "check_spectrum",
    "assert_spectrum_close",
]


def _is_expansion(obj: Any) -> bool:
    from symrelu import Expansion

    return isinstance(obj, Expansion)


def _truncation_bound(expansion: Any) -> float:
    cert = expansion.certificate
    if cert.converges is not True or cert.sup_error_bound is None:
        raise NumericInputError(
            "the expected expansion does not come with a convergence certificate "
            f"(converges = {cert.converges}); it cannot serve as a reference. "
            "Use center='peak', or pass truncation=False and your own atol"
        )
    return to_numeric(cert.sup_error_bound)


def _sampling_allowance(
    sampling_error: Any, signal: Any, fs: float | None, activation: Any
) -> tuple[float, float, str]:
    """(dc allowance, coefficient allowance, description)."""
    if sampling_error is None:
        return 0.0, 0.0, "none"
    if isinstance(sampling_error, str):
        if signal is None or fs is None:
            raise NumericInputError(
                f"sampling_error={sampling_error!r} needs the signal and fs (pass signal= and "
                "fs=, or an Expansion as expected)"
            )
        method = {"bound": "rigorous"}.get(sampling_error, sampling_error)
        b = sampling_error_bound(signal, fs, activation, method=method)
        return b.dc, b.coefficient, f"{sampling_error} V/(12 fs^2), V = {b.variation:.4g}"
    value = float(sampling_error)
    if not np.isfinite(value) or value < 0:
        raise NumericInputError(
            f"sampling_error must be a non-negative number (got {sampling_error})"
        )
    return value, value, "given"


# ---------------------------------------------------------------------- DC
@dataclass(frozen=True)
class DCCheck:
    """The outcome of comparing the mean of samples with an expected DC.

    ``exact, measured = check`` unpacks the two values.
    """

    exact: float
    measured: float
    abs_err: float
    allowed: float
    rtol: float
    atol: float
    truncation: float
    sampling: float
    sampling_method: str
    n_samples: int
    passed: bool

    def __iter__(self):
        yield self.exact
        yield self.measured

    def to_dict(self) -> dict:
        """Plain data for JSON reports."""
        return dict(self.__dict__)

    def message(self, err_msg: str = "") -> str:
        """The report an assertion prints."""
        head = "DC not close" if not self.passed else "DC close"
        lines = [
            f"{head}{': ' + err_msg if err_msg else ''} ({self.n_samples} samples)",
            f"  expected   {self.exact:.12g}",
            f"  measured   {self.measured:.12g}",
            f"  difference {self.measured - self.exact:+.3e} (|.| = {self.abs_err:.3e}, "
            f"relative {self.abs_err / abs(self.exact) if self.exact else float('inf'):.3e})",
            f"  allowed    {self.allowed:.3e} = atol {self.atol:.1e} + rtol {self.rtol:.1e} x "
            f"|expected| + truncation {self.truncation:.3e} + sampling {self.sampling:.3e} "
            f"({self.sampling_method})",
        ]
        if not self.passed and self.sampling == 0 and self.truncation == 0:
            lines.append(
                "  hint: sampled ReLU differs from its exact DC by aliasing (~fs^-2); pass "
                "sampling_error='bound' with signal= and fs=, or a number"
            )
        return "\n".join(lines)


def check_dc(
    y: Any,
    expected: Any,
    *,
    rtol: float = 1e-7,
    atol: float = 0.0,
    truncation: bool = True,
    sampling_error: Any = None,
    signal: Any = None,
    fs: float | None = None,
    activation: Any = None,
) -> DCCheck:
    """Compare the mean of samples ``y`` with an expected DC; return a :class:`DCCheck`.

    Parameters
    ----------
    y : array_like
        Samples over a coherent window (whole periods).
    expected : number, sympy/mpmath value or symrelu.Expansion
        The expected DC. An Expansion contributes its ``.dc`` and, when
        ``truncation`` is true, its certificate's error bound.
    rtol, atol : float
        Plain tolerances.
    truncation : bool
        Allow an Expansion's certified truncation error.
    sampling_error : None, "bound", "estimate" or float
        Allowance for the aliasing error of sampling a kinked signal (see the
        module docstring). "bound"/"estimate" need ``signal`` and ``fs`` (taken
        from an Expansion when one is given).
    signal : MultiTone, optional
    fs : float, optional
    activation : optional
        The activation applied (default: the Expansion's, else ReLU).

    Examples
    --------
    >>> import numpy as np
    >>> c = check_dc(np.array([0.0, 1.0]), 0.5)
    >>> c.passed, c.abs_err
    (True, 0.0)
    >>> exact, measured = c
    """
    y = np.asarray(y, dtype=float)
    if y.size == 0 or not np.all(np.isfinite(y)):
        raise NumericInputError("y must be a non-empty array of finite samples")
    trunc = 0.0
    if _is_expansion(expected):
        signal = expected.signal if signal is None else signal
        activation = expected.activation if activation is None else activation
        if truncation:
            trunc = _truncation_bound(expected)
        exact = to_numeric(expected.dc)
    else:
        exact = to_numeric(expected)
    if isinstance(exact, complex):
        raise NumericTypeError(f"the expected DC must be real (got {exact})")
    samp, _, method = _sampling_allowance(
        sampling_error, signal, fs, "relu" if activation is None else activation
    )
    measured = float(np.mean(y))
    err = abs(measured - exact)
    allowed = atol + rtol * abs(exact) + trunc + samp
    return DCCheck(
        exact, measured, err, allowed, rtol, atol, trunc, samp, method, int(y.size),
        bool(err <= allowed),
    )


def assert_dc_close(y: Any, expected: Any, *, err_msg: str = "", **kwargs: Any) -> DCCheck:
    """Assert the mean of ``y`` matches an expected DC (see :func:`check_dc`).

    Raises
    ------
    AssertionError
        With expected, measured, difference and the allowance broken down.

    Examples
    --------
    >>> import numpy as np, pytest
    >>> _ = assert_dc_close(np.ones(4), 1.0)
    >>> with pytest.raises(AssertionError, match="DC not close"):
    ...     assert_dc_close(np.ones(4), 1.1)
    """
    check = check_dc(y, expected, **kwargs)
    if not check.passed:
        raise AssertionError(check.message(err_msg))
    return check


# ------------------------------------------------------------------ spectra
@dataclass(frozen=True)
class SpectrumCheck:
    """Bin-by-bin comparison of a sampled spectrum with an expected one.

    Arrays run over the compared bins; amplitudes and differences are in
    one-sided amplitude units.
    """

    fs: float
    n_samples: int
    freqs: np.ndarray
    expected: np.ndarray = field(repr=False)
    measured: np.ndarray = field(repr=False)
    difference: np.ndarray = field(repr=False)
    allowed: np.ndarray = field(repr=False)
    truncation: float
    sampling: float
    sampling_method: str
    atol: float
    rtol: float
    phase: bool
    n_worst: int = 5

    @property
    def failed(self) -> np.ndarray:
        """Boolean mask of the failing bins."""
        return self.difference > self.allowed

    @property
    def n_failed(self) -> int:
        return int(self.failed.sum())

    @property
    def passed(self) -> bool:
        return self.n_failed == 0

    @property
    def max_difference(self) -> float:
        return float(self.difference.max()) if self.difference.size else 0.0

    def worst(self, k: int | None = None) -> list[dict]:
        """The ``k`` bins with the largest difference relative to the allowance."""
        k = self.n_worst if k is None else k
        ratio = self.difference / np.maximum(self.allowed, np.finfo(float).tiny)
        order = np.argsort(-ratio, kind="stable")[:k]
        return [
            {
                "frequency": float(self.freqs[i]),
                "expected": float(_amp(self.expected[i], self.freqs[i])),
                "measured": float(_amp(self.measured[i], self.freqs[i])),
                "difference": float(self.difference[i]),
                "allowed": float(self.allowed[i]),
            }
            for i in order
        ]

    def to_dict(self) -> dict:
        """Summary for JSON reports (the worst bins, not every bin)."""
        return {
            "fs": self.fs, "n_samples": self.n_samples, "bins_compared": int(self.freqs.size),
            "n_failed": self.n_failed, "passed": self.passed,
            "max_difference": self.max_difference, "truncation": self.truncation,
            "sampling": self.sampling, "sampling_method": self.sampling_method,
            "atol": self.atol, "rtol": self.rtol, "phase": self.phase, "worst": self.worst(),
        }

    def message(self, err_msg: str = "") -> str:
        """The report an assertion prints: the worst frequencies in a table."""
        what = "complex coefficients" if self.phase else "amplitudes"
        lines = [
            f"Spectra not close{': ' + err_msg if err_msg else ''} "
            f"(fs = {self.fs:g}, {self.n_samples} samples; {self.freqs.size} bins compared, "
            f"{self.n_failed} fail; {what}, one-sided amplitude units)",
            f"allowed = atol {self.atol:.1e} + rtol {self.rtol:.1e} x |expected| + truncation "
            f"{self.truncation:.3e} + sampling {self.sampling:.3e} ({self.sampling_method})",
            f"worst {min(self.n_worst, self.freqs.size)} bins:",
            f"{'frequency':>12} {'expected':>14} {'measured':>14} {'difference':>12} "
            f"{'allowed':>11}",
        ]
        for row in self.worst():
            lines.append(
                f"{row['frequency']:>12.6g} {row['expected']:>14.8g} {row['measured']:>14.8g} "
                f"{row['difference']:>12.3e} {row['allowed']:>11.3e}"
            )
        return "\n".join(lines)


def _amp(c: complex, F: float) -> float:
    return abs(c) if F == 0 else 2 * abs(c)


def check_spectrum(
    y: Any,
    fs: float,
    expected: Any,
    *,
    atol: float = 1e-9,
    rtol: float = 0.0,
    compare: str | None = None,
    phase: bool = True,
    convention: str = "coefficient",
    truncation: bool = True,
    sampling_error: Any = None,
    signal: Any = None,
    activation: Any = None,
    max_freq: float | None = None,
    n_worst: int = 5,
) -> SpectrumCheck:
    """Compare the DFT of samples with an expected spectrum; return a :class:`SpectrumCheck`.

    Parameters
    ----------
    y : array_like
        Real samples over a coherent window.
    fs : float
        Sampling rate.
    expected : symrelu.Expansion or mapping
        An Expansion (its exact spectrum, folded onto the DFT grid), or a
        mapping ``{F: value}``.
    atol, rtol : float
        Tolerances in one-sided amplitude units.
    compare : {"all", "listed"}, optional
        "all" compares every bin 0..fs/2 (absent frequencies are expected to
        be 0, so spurious content fails); "listed" only the bins the
        expectation names. Default: "all" for an Expansion, "listed" for a
        mapping.
    phase : bool
        Compare complex coefficients (amplitude and phase); False compares
        amplitudes only.
    convention : {"coefficient", "amplitude"}
        How a mapping's values read: symrelu's ``c_F`` (a cosine of amplitude
        A has ``c_F = A/2``), or one-sided amplitudes (implies phase=False).
    truncation : bool
        Allow an Expansion's certified truncation error (2B per bin, B at DC).
    sampling_error : None, "bound", "estimate" or float
        Allowance for aliasing of a kinked signal; a float is in coefficient
        units (it is doubled for cosine amplitudes).
    signal, activation : optional
        For ``sampling_error="bound"`` when ``expected`` is not an Expansion.
    max_freq : float, optional
        Compare bins up to this frequency only.
    n_worst : int
        Rows in the failure message.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(64) / 64
    >>> y = 0.2 + np.cos(2 * np.pi * 3 * t)
    >>> check_spectrum(y, 64, {0: 0.2, 3: 0.5}).passed
    True
    >>> check_spectrum(y, 64, {0: 0.2, 3: 1.0}, convention="amplitude").passed
    True
    """
    y = np.asarray(y, dtype=float)
    freqs, measured = coefficients(y, fs)
    n = y.size
    trunc = 0.0
    if _is_expansion(expected):
        signal = expected.signal if signal is None else signal
        activation = expected.activation if activation is None else activation
        if truncation:
            trunc = _truncation_bound(expected)
        compare = "all" if compare is None else compare
        reference = expected
    elif isinstance(expected, Mapping):
        compare = "listed" if compare is None else compare
        if convention == "amplitude":
            phase = False
            reference = {F: (v if float(to_numeric(F)) == 0 else to_numeric(v) / 2)
                         for F, v in expected.items()}
        elif convention == "coefficient":
            reference = expected
        else:
            raise NumericInputError(
                f"convention must be 'coefficient' or 'amplitude' (got {convention!r})"
            )
    else:
        raise NumericTypeError(
            "expected must be a symrelu.Expansion or a mapping {frequency: value} "
            f"(got {type(expected).__name__})"
        )
    if compare not in ("all", "listed"):
        raise NumericInputError(f"compare must be 'all' or 'listed' (got {compare!r})")
    exp_bins = fold(reference, fs, n)
    if compare == "all":
        mask = np.ones(freqs.size, dtype=bool)
    else:
        from numeric.spectra import bin_index

        mask = np.zeros(freqs.size, dtype=bool)
        for F in reference:
            k = bin_index(abs(float(to_numeric(F))), fs, n) % n
            mask[min(k, n - k)] = True
    if max_freq is not None:
        mask &= freqs <= max_freq
    _, samp_c, method = _sampling_allowance(
        sampling_error, signal, fs, "relu" if activation is None else activation
    )
    f_sel, e_sel, m_sel = freqs[mask], exp_bins[mask], measured[mask]
    scale = np.where(f_sel == 0, 1.0, 2.0)
    if n % 2 == 0:
        scale = np.where(f_sel == fs / 2, 1.0, scale)
    delta = m_sel - e_sel if phase else np.abs(m_sel) - np.abs(e_sel)
    diff = scale * np.abs(delta)
    allowed = atol + rtol * scale * np.abs(e_sel) + scale * (trunc + samp_c)
    return SpectrumCheck(
        float(fs), n, f_sel, e_sel, m_sel, diff, allowed, trunc, samp_c, method,
        atol, rtol, phase, n_worst,
    )


def assert_spectrum_close(
    y: Any, fs: float, expected: Any, *, err_msg: str = "", **kwargs: Any
) -> SpectrumCheck:
    """Assert the DFT of ``y`` matches an expected spectrum (see :func:`check_spectrum`).

    Raises
    ------
    AssertionError
        Listing the worst frequencies: expected, measured, difference, allowed.

    Examples
    --------
    >>> import numpy as np, pytest
    >>> t = np.arange(64) / 64
    >>> with pytest.raises(AssertionError, match="worst"):
    ...     assert_spectrum_close(np.cos(2 * np.pi * 3 * t), 64, {3: 0.4})
    """
    check = check_spectrum(y, fs, expected, **kwargs)
    if not check.passed:
        raise AssertionError(check.message(err_msg))
    return check
