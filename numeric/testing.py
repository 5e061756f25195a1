r"""Assertions for regression tests, in the spirit of :mod:`numpy.testing`.

Compare a *sampled* signal (for instance the output of your network layer)
with what symrelu knows exactly:

* :func:`assert_spectrum_close` / :func:`check_spectrum`: bin by bin, against
  the signal itself (``assert_spectrum_close(y, fs, signal)``), an
  :class:`symrelu.Expansion`, or a plain mapping ``{F: c_F}``;
* :func:`assert_dc_close` / :func:`check_dc`: the mean, against the signal
  itself (``assert_dc_close(y, signal, fs=fs)``), an Expansion, or a number.

The ``check_*`` functions return a result object (``.passed``,
``.to_dict()``, the numbers); the ``assert_*`` functions raise
``AssertionError`` with a message that names the worst bin first (frequency,
expected, measured, difference, allowed), so a failing pytest says where and
by how much.

The reference: exact by default
-------------------------------
With a :class:`symrelu.MultiTone` (or an Expansion, which then stands for its
signal and activation) as ``expected``, the reference is the exact
``activation(signal)`` (``activation`` defaults to ReLU), sampled exactly as
``y`` was: every sample ``act(x(t0 + k/fs))`` is evaluated from the exact
signal in mpmath at ``dps = 30`` digits (:func:`symrelu.numeric.exact_samples`; with
rational frequencies the phase is reduced exactly), rounded to float64, and
transformed by the same FFT. For a coherent window (whole periods) the result
*is* the exact spectrum of act(x) folded onto the DFT grid, aliases included,
and the mean is the exact mean of the samples; for any other window it is
still exactly what the DFT of a correct output holds (leakage included), so
no sampling allowance or bound is needed anywhere. The reference's own error
is the float64 rounding of the samples and of the FFT: below 1e-15 of the
peak, 10^11 times below the 1e-4 relative errors the defaults detect.
Without ``fs``, :func:`check_dc` compares with the continuous exact DC
(:func:`symrelu.exact_dc`), which differs from the mean of the samples by the
aliasing of the kinks (2.4e-6 for the paper's signal at fs = 1024; ~fs^-2):
pass ``fs`` to account for sampling exactly.

Tolerances
----------
``|measured - expected| <= atol + rtol * |expected|`` per bin, in one-sided
amplitude units (a unit cosine reads 1.0; the DC reads its value). The
defaults, ``rtol = 1e-4`` and ``atol = 1e-5 x peak`` (peak = ``|offset| +
sum |A_i|`` times the activation's largest slope: 4 for ReLU of the paper's
signal, so atol = 4e-5), catch an error of 0.1 % of the peak in any bin and
0.1 % of any bin above 4.4 % of the peak (0.1 % of the paper's DC, 5.7e-4,
against an allowance of 9.7e-5), and pass float32 outputs: a float32 layer
rounds each sample to 6e-8 relative (2.4e-7 at the peak), and computing the
signal itself in float32 adds a phase error of about ``2 pi f t x 6e-8``
(1.5e-5 rad at 40 Hz after 1 s), both far below atol. For a plain number or
mapping as ``expected`` the default atol is 1e-9 (there is no signal to take a
peak from).

The truncated series as reference
---------------------------------
``reference="truncated"`` with an Expansion compares with the truncated
series itself, folded onto the DFT grid exactly as sampling folds it, plus its
certificate's bound ``B`` (2B per cosine amplitude, B at DC): rigorous, but
the allowance is large (0.177 per bin at order 20, 0.113 at order 50 on the
paper's signal), so errors of that size pass. When the allowance exceeds the
tolerance asked for, a :class:`TruncatedReferenceWarning` says so.

With a number or a mapping of exact values as ``expected``, the aliasing of
sampling a kinked signal is not in the reference: pass ``sampling_error=``
``"bound"`` (rigorous, :func:`symrelu.numeric.sampling_error_bound`, 6.3e-3 at DC for
the paper's signal at fs = 1024, 2,700 times the actual 2.4e-6), ``"estimate"``
or your own number, or better, the signal itself as ``expected``.

Examples
--------
>>> import numpy as np, symrelu as sr
>>> from symrelu.numeric import sample
>>> sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
>>> t, x = sample(sig, fs=1024, duration=1)
>>> y = np.maximum(x, 0)
>>> check = assert_spectrum_close(y, fs=1024, expected=sig)
>>> check.passed, check.n_failed, check.freqs.size
(True, 0, 513)
>>> assert_dc_close(y, sig, fs=1024).passed
True
>>> import pytest
>>> with pytest.raises(AssertionError, match="worst bin: DC"):
...     assert_spectrum_close(y + 1e-3 * y.mean(), fs=1024, expected=sig)   # 0.1 % DC bias
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
from symrelu.numeric.errors import NumericInputError, NumericTypeError
from symrelu.numeric.lambdify import to_numeric
from symrelu.numeric.sampling import exact_samples, is_coherent, sampling_error_bound
from symrelu.numeric.spectra import as_samples, bin_index, coefficients, fold

from symrelu.errors import SymreluWarning

__all__ = [
    "DCCheck",
    "SpectrumCheck",
    "TruncatedReferenceWarning",
    "DEFAULT_RTOL",
    "DEFAULT_ATOL_PER_PEAK",
    "check_dc",
    "assert_dc_close",
    "check_spectrum",
    "assert_spectrum_close",
]

#: Default relative tolerance (per bin, of the expected value).
DEFAULT_RTOL = 1e-4
#: Default absolute tolerance, as a fraction of the output's peak (signal references).
DEFAULT_ATOL_PER_PEAK = 1e-5
#: Default absolute tolerance when ``expected`` is a plain number or mapping.
_ATOL_GIVEN = 1e-9
_REFERENCES = ("exact", "truncated")


class TruncatedReferenceWarning(SymreluWarning):
    """A truncated series as reference allows more error than the tolerance asked for."""


def _is_expansion(obj: Any) -> bool:
    from symrelu import Expansion, PiecewiseExpansion

    return isinstance(obj, (Expansion, PiecewiseExpansion))


def _is_signal(obj: Any) -> bool:
    from symrelu import MultiTone

    return isinstance(obj, MultiTone)




def _reference_kind(
    expected: Any, reference: str | None, signal: Any, activation: Any
) -> tuple[str, Any, Any]:
    """("exact" | "truncated" | "given", signal, activation) for an expectation."""
    from symrelu import as_activation

    if reference is not None and reference not in _REFERENCES:
        raise NumericInputError(
            f"reference must be 'exact' or 'truncated' (got {reference!r})"
        )
    if _is_signal(expected) or _is_expansion(expected):
        own_sig = expected if _is_signal(expected) else expected.signal
        own_act = None if _is_signal(expected) else expected.activation
        if signal is not None and signal != own_sig:
            raise NumericInputError(
                "signal= differs from the signal of expected; give one of them"
            )
        act = as_activation("relu" if activation is None else activation)
        if own_act is not None and activation is not None and act != own_act:
            raise NumericInputError(
                f"activation={activation!r} differs from the expansion's activation "
                f"{own_act!r}; give one of them"
            )
        act = own_act if own_act is not None else act
        kind = "exact" if reference is None else reference
        if kind == "truncated" and not _is_expansion(expected):
            raise NumericInputError(
                "reference='truncated' needs an Expansion as expected (a signal has no "
                "truncated series); pass symrelu.expand(signal, order=...)"
            )
        return kind, own_sig, act
    if reference is not None:
        raise NumericInputError(
            f"reference={reference!r} needs a symrelu.MultiTone or Expansion as expected "
            f"(got {type(expected).__name__})"
        )
    act = None if activation is None else as_activation(activation)
    return "given", signal, act


def _peak(signal: Any, act: Any) -> float:
    """|offset| + sum |A_i|, times the activation's largest slope: a bound on |act(x)|."""
    if not signal.is_numeric:
        names = ", ".join(sorted(str(s) for s in signal.free_symbols))
        raise NumericTypeError(
            f"the signal has symbolic values ({names}); a sampled output can only be compared "
            "with a numeric signal: substitute numbers first"
        )
    x_max = abs(to_numeric(signal.offset)) + sum(abs(to_numeric(a)) for a in signal.amplitudes)
    if act.kind == "smooth":         # a scale for the tolerance: |act| on a grid of the range
        grid = np.linspace(-x_max, x_max, 2001)
        return float(np.max(np.abs(act.numpy(grid))))
    if act.is_kink_at_zero:
        lin, aw = to_numeric(act.linear), to_numeric(act.abs_weight)
        return float(x_max * max(abs(lin + aw), abs(lin - aw)))
    # |a + b x + sum c|x - t| + sum h sign(x - t)| on |x| <= x_max, term by term
    return float(abs(to_numeric(act.intercept)) + abs(to_numeric(act.linear)) * x_max
                 + sum(abs(to_numeric(c)) * (x_max + abs(to_numeric(t))) for t, c in act.kinks)
                 + sum(abs(to_numeric(h)) for _, h in act.jumps))


def _truncation_bound(expansion: Any) -> float:
    cert = expansion.certificate
    if isinstance(cert, tuple):        # a per-kink expansion: the kinks' bounds summed
        cert = expansion
    if cert.converges is not True or cert.sup_error_bound is None:
        raise NumericInputError(
            "the expected expansion does not come with a convergence certificate "
            f"(converges = {cert.converges}); it cannot serve as a truncated reference. "
            "Use the default reference (the signal's exact values), center='peak', or "
            "truncation=False and your own atol"
        )
    return to_numeric(cert.sup_error_bound)


def _sampling_allowance(
    sampling_error: Any, signal: Any, fs: float | None, activation: Any
) -> tuple[float, float, str]:
    """(dc allowance, coefficient allowance, description) for a given/truncated reference."""
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


def _check_tolerances(rtol: float, atol: float) -> None:
    for name, v in (("rtol", rtol), ("atol", atol)):
        if not (isinstance(v, (int, float, np.floating)) and np.isfinite(v) and v >= 0):
            raise NumericInputError(f"{name} must be a non-negative finite number (got {v!r})")


def _warn_truncated(allowance: float, tolerance: float, where: str) -> None:
    if allowance > tolerance:
        warnings.warn(
            f"the truncated series as reference allows {allowance:.3g} {where} (its "
            f"certified bound plus any sampling allowance), more than the tolerance asked "
            f"for (at most {tolerance:.3g}): errors up to {allowance:.3g} pass unnoticed. The "
            "default reference (the signal's exact values, reference='exact') has no such "
            "allowance",
            TruncatedReferenceWarning,
            stacklevel=3,
        )


def _no_sampling_error(sampling_error: Any) -> None:
    if sampling_error is not None:
        raise NumericInputError(
            "sampling_error= has no use with the exact reference: the samples themselves are "
            "computed exactly, so sampling is accounted for; drop it (it applies to a number, "
            "a mapping or reference='truncated')"
        )


# ---------------------------------------------------------------------- DC
@dataclass(frozen=True)
class DCCheck:
    """The outcome of comparing the mean of samples with an expected DC.

    ``exact, measured = check`` unpacks the two values. ``reference`` says what
    ``exact`` is ("exact mean of the samples", "continuous exact DC",
    "truncated series", "given").
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
    reference: str = "given"
    peak: float | None = None

    def __iter__(self):
        yield self.exact
        yield self.measured

    def to_dict(self) -> dict:
        """Plain data for JSON reports."""
        return dict(self.__dict__)

    def message(self, err_msg: str = "") -> str:
        """The report an assertion prints."""
        head = "DC not close" if not self.passed else "DC close"
        rel = self.abs_err / abs(self.exact) if self.exact else float("inf")
        lines = [
            f"{head}{': ' + err_msg if err_msg else ''} ({self.n_samples} samples; "
            f"reference: {self.reference})",
            f"  expected   {self.exact:.12g}",
            f"  measured   {self.measured:.12g}",
            f"  difference {self.measured - self.exact:+.3e} (|.| = {self.abs_err:.3e}, "
            f"relative {rel:.3e})",
            f"  allowed    {self.allowed:.3e} = atol {self.atol:.1e} + rtol {self.rtol:.1e} x "
            f"|expected| + truncation {self.truncation:.3e} + sampling {self.sampling:.3e} "
            f"({self.sampling_method})",
        ]
        if self.reference == "continuous exact DC" and not self.passed:
            lines.append(
                "  hint: without fs= the reference is the continuous DC, which sampling "
                "misses by the aliasing of the kinks (~fs^-2); pass fs= (and t0=) to compare "
                "with the exact mean of the samples"
            )
        elif not self.passed and self.sampling == 0 and self.truncation == 0 \
                and self.reference == "given":
            lines.append(
                "  hint: sampled ReLU differs from its exact DC by aliasing (~fs^-2); pass the "
                "signal itself as expected (with fs=) for the exact mean of the samples, or "
                "sampling_error='bound' with signal= and fs="
            )
        return "\n".join(lines)


def check_dc(
    y: Any,
    expected: Any,
    *,
    fs: Any = None,
    t0: Any = 0,
    activation: Any = None,
    reference: str | None = None,
    rtol: float = DEFAULT_RTOL,
    atol: float | None = None,
    truncation: bool = True,
    sampling_error: Any = None,
    signal: Any = None,
    dps: int = 30,
) -> DCCheck:
    """Compare the mean of samples ``y`` with an expected DC; return a :class:`DCCheck`.

    Parameters
    ----------
    y : array_like or torch.Tensor
        The samples (e.g. a layer's output), taken at ``t0 + k/fs``: 1-D, or a 2-D batch,
        channels x time, checked channel by channel.
    expected : symrelu.MultiTone, symrelu.Expansion, or a number
        A signal (or an Expansion, standing for its signal and activation):
        with ``fs``, the reference is the exact mean of the samples of
        ``activation(signal)``; without, the continuous exact DC
        (:func:`symrelu.exact_dc`). A number (sympy, mpmath, float, or a
        string such as ``"2/pi"``, parsed safely) is used as given. For a batch, one
        reference for every channel (computed once), or a list or tuple of one per channel.
    fs : number, optional
        Sampling rate of ``y``.
    t0 : number
        Time of the first sample.
    activation : optional
        Applied to the signal (default: ReLU, or the Expansion's).
    reference : {"exact", "truncated"}, optional
        For an Expansion: ``"exact"`` (default) uses its signal's exact values;
        ``"truncated"`` its truncated series' DC (folded when ``fs`` is given)
        plus its certified bound, warning (:class:`TruncatedReferenceWarning`)
        when that allowance exceeds ``atol + rtol |expected|``.
    rtol, atol : float
        Tolerances; ``atol`` defaults to ``1e-5 x peak`` for a signal or
        Expansion (see the module docstring), 1e-9 for a number.
    truncation : bool
        With ``reference="truncated"``: allow the certified truncation error.
    sampling_error : None, "bound", "estimate" or float
        With a number or ``reference="truncated"``: an allowance for the
        aliasing of sampling (module docstring); "bound"/"estimate" need
        ``signal`` and ``fs``. Refused with the exact reference (not needed).
    signal : MultiTone, optional
        The signal, for ``sampling_error`` with a number as ``expected``.
    dps : int
        Digits of the exact samples.

    Returns
    -------
    DCCheck, or a list of one DCCheck per channel for a 2-D ``y``

    Examples
    --------
    >>> import numpy as np, symrelu as sr
    >>> sig = sr.MultiTone(amplitudes=[1], frequencies=[1])
    >>> y = np.maximum(np.cos(2 * np.pi * np.arange(64) / 64), 0)
    >>> c = check_dc(y, sig, fs=64)
    >>> c.passed, c.reference, f"{c.abs_err:.0e}"
    (True, 'exact mean of the samples', '0e+00')
    >>> check_dc(y, sig).reference          # no fs: the continuous DC 1/pi (aliasing 1e-4 off)
    'continuous exact DC'
    >>> c = check_dc(np.array([0.0, 1.0]), 0.5)
    >>> c.passed, c.abs_err
    (True, 0.0)
    >>> exact, measured = c
    >>> [c.passed for c in check_dc(np.stack([y, 1.01 * y]), sig, fs=64)]   # channels x time
    [True, False]
    """
    y = as_samples(y, batch=True)
    options = dict(fs=fs, t0=t0, activation=activation, reference=reference, rtol=rtol,
                   atol=atol, truncation=truncation, sampling_error=sampling_error,
                   signal=signal, dps=dps)
    if y.ndim == 1:
        return _check_dc(y, _dc_reference(y.size, expected, **options), rtol)
    refs = _per_channel(expected, y.shape[0])
    known: dict[int, tuple] = {}  # one reference computed once, whatever the channels
    for ref in refs:
        if id(ref) not in known:
            known[id(ref)] = _dc_reference(y.shape[1], ref, **options)
    return [_check_dc(row, known[id(ref)], rtol) for row, ref in zip(y, refs)]


def _per_channel(expected: Any, channels: int) -> list:
    """One reference per channel: the same one, or the list given (of the right length)."""
    if isinstance(expected, (list, tuple)):
        if len(expected) != channels:
            raise NumericInputError(
                f"expected holds {len(expected)} references for {channels} channels: give one "
                "for all, or one per channel (a row of y)"
            )
        return list(expected)
    return [expected] * channels


def _dc_reference(n: int, expected: Any, *, fs: Any, t0: Any, activation: Any,
                  reference: str | None, rtol: float, atol: float | None, truncation: bool,
                  sampling_error: Any, signal: Any, dps: int) -> tuple:
    """(exact, truncation, sampling, method, peak, reference name, atol) of n samples."""
    from symrelu import exact_dc

    kind, sig, act = _reference_kind(expected, reference, signal, activation)
    trunc, samp, method, peak = 0.0, 0.0, "exact", None
    if kind == "exact":
        _no_sampling_error(sampling_error)
        peak = _peak(sig, act)
        if fs is not None:
            vals = exact_samples(sig, fs, n, activation=act, t0=t0, dps=dps,
                                 backend="mpmath")
            with mpmath.workdps(dps):
                exact = float(mpmath.fsum(vals) / len(vals))
            ref_name = "exact mean of the samples"
        else:
            exact = float(exact_dc(sig, activation=act, dps=20))
            ref_name, method = "continuous exact DC", "not accounted: no fs"
    elif kind == "truncated":
        peak = _peak(sig, act)
        if truncation:
            trunc = _truncation_bound(expected)
        if fs is not None:
            exact = float(fold(expected, fs, n)[0].real)
            ref_name = "truncated series, folded"
        else:
            exact = to_numeric(expected.dc)
            ref_name = "truncated series"
        samp, _, method = _sampling_allowance(sampling_error, sig, fs, act)
    else:
        exact = to_numeric(expected)
        if isinstance(exact, complex):
            raise NumericTypeError(f"the expected DC must be real (got {exact})")
        ref_name = "given"
        samp, _, method = _sampling_allowance(
            sampling_error, sig, fs, "relu" if act is None else act
        )
    atol = (_ATOL_GIVEN if peak is None else DEFAULT_ATOL_PER_PEAK * peak) if atol is None \
        else atol
    _check_tolerances(rtol, atol)
    if kind == "truncated":
        _warn_truncated(trunc + samp, atol + rtol * abs(exact), "at DC")
    return exact, trunc, samp, method, peak, ref_name, atol


def _check_dc(y: np.ndarray, ref: tuple, rtol: float) -> DCCheck:
    """The mean of one channel against its reference (from :func:`_dc_reference`)."""
    exact, trunc, samp, method, peak, ref_name, atol = ref
    measured = float(np.mean(y))
    err = abs(measured - exact)
    allowed = atol + rtol * abs(exact) + trunc + samp
    return DCCheck(
        exact, measured, err, allowed, rtol, atol, trunc, samp, method, int(y.size),
        bool(err <= allowed), ref_name, peak,
    )


def assert_dc_close(y: Any, expected: Any, *, err_msg: str = "", **kwargs: Any
                    ) -> DCCheck | list[DCCheck]:
    """Assert the mean of ``y`` matches an expected DC (see :func:`check_dc`).

    A 2-D ``y`` (channels x time) is checked channel by channel; the assertion names every
    channel that fails.

    Returns
    -------
    DCCheck, or a list of one per channel for a 2-D ``y``

    Raises
    ------
    AssertionError
        With expected, measured, difference and the allowance broken down.

    Examples
    --------
    >>> import numpy as np, pytest, symrelu as sr
    >>> _ = assert_dc_close(np.ones(4), 1.0)
    >>> with pytest.raises(AssertionError, match="DC not close"):
    ...     assert_dc_close(np.ones(4), 1.1)
    >>> sig = sr.MultiTone(amplitudes=[1], frequencies=[1])
    >>> y = np.maximum(np.cos(2 * np.pi * np.arange(64) / 64), 0)
    >>> with pytest.raises(AssertionError, match="DC not close"):
    ...     assert_dc_close(y * 1.001, sig, fs=64)       # a 0.1 % error
    >>> with pytest.raises(AssertionError, match="channel 1 of 2: DC not close"):
    ...     assert_dc_close(np.stack([y, y * 1.001]), sig, fs=64)
    """
    check = check_dc(y, expected, **kwargs)
    if isinstance(check, list):
        failed = [f"channel {i} of {len(check)}: {c.message(err_msg)}"
                  for i, c in enumerate(check) if not c.passed]
        if failed:
            raise AssertionError("\n".join(failed))
        return check
    if not check.passed:
        raise AssertionError(check.message(err_msg))
    return check


# ------------------------------------------------------------------ spectra
def _bin_name(F: float) -> str:
    return "DC" if F == 0 else f"{F:g}"


@dataclass(frozen=True)
class SpectrumCheck:
    """Bin-by-bin comparison of a sampled spectrum with an expected one.

    Arrays run over the compared bins; amplitudes and differences are in
    one-sided amplitude units. ``reference`` says what was compared with.
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
    reference: str = "given"
    peak: float | None = None
    coherent: bool | None = None

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
            "atol": self.atol, "rtol": self.rtol, "phase": self.phase,
            "reference": self.reference, "peak": self.peak, "coherent": self.coherent,
            "worst": self.worst(),
        }

    def message(self, err_msg: str = "") -> str:
        """The report an assertion prints: the worst bin, then the worst bins in a table."""
        what = "complex coefficients" if self.phase else "amplitudes"
        rows = self.worst()
        lines = [
            f"Spectra not close{': ' + err_msg if err_msg else ''} "
            f"(fs = {self.fs:g}, {self.n_samples} samples; {self.freqs.size} bins compared, "
            f"{self.n_failed} fail; {what}, one-sided amplitude units; reference: "
            f"{self.reference})",
            f"allowed = atol {self.atol:.1e} + rtol {self.rtol:.1e} x |expected| + truncation "
            f"{self.truncation:.3e} + sampling {self.sampling:.3e} ({self.sampling_method})",
        ]
        if rows:
            r = rows[0]
            name = _bin_name(r["frequency"])
            lines.append(
                f"worst bin: {name}{' (F = 0)' if name == 'DC' else ''}: expected "
                f"{r['expected']:.8g}, measured {r['measured']:.8g}, difference "
                f"{r['difference']:.3e}, allowed {r['allowed']:.3e}"
            )
        lines += [
            f"worst {min(self.n_worst, self.freqs.size)} bins:",
            f"{'frequency':>12} {'expected':>14} {'measured':>14} {'difference':>12} "
            f"{'allowed':>11}",
        ]
        for row in rows:
            lines.append(
                f"{_bin_name(row['frequency']):>12} {row['expected']:>14.8g} "
                f"{row['measured']:>14.8g} {row['difference']:>12.3e} {row['allowed']:>11.3e}"
            )
        return "\n".join(lines)


def _amp(c: complex, F: float) -> float:
    return abs(c) if F == 0 else 2 * abs(c)


def check_spectrum(
    y: Any,
    fs: float,
    expected: Any,
    *,
    t0: Any = 0,
    activation: Any = None,
    reference: str | None = None,
    atol: float | None = None,
    rtol: float = DEFAULT_RTOL,
    compare: str | None = None,
    phase: bool = True,
    convention: str = "coefficient",
    truncation: bool = True,
    sampling_error: Any = None,
    signal: Any = None,
    max_freq: float | None = None,
    n_worst: int = 5,
    dps: int = 30,
) -> SpectrumCheck:
    """Compare the DFT of samples with an expected spectrum; return a :class:`SpectrumCheck`.

    Parameters
    ----------
    y : array_like or torch.Tensor
        Real samples at ``t0 + k/fs``.
    fs : float
        Sampling rate.
    expected : symrelu.MultiTone, symrelu.Expansion or mapping
        A signal (or an Expansion, standing for its signal and activation):
        the reference is the DFT of the exact samples of
        ``activation(signal)`` (module docstring). A mapping ``{F: value}`` is
        folded onto the DFT grid as given.
    t0 : number
        Time of the first sample.
    activation : optional
        Applied to the signal (default: ReLU, or the Expansion's).
    reference : {"exact", "truncated"}, optional
        For an Expansion: ``"exact"`` (default) or ``"truncated"`` (its series,
        folded, plus 2B per bin; warns with :class:`TruncatedReferenceWarning`
        when that allowance exceeds the largest ``atol + rtol |expected|``).
    atol, rtol : float
        Tolerances in one-sided amplitude units; ``atol`` defaults to
        ``1e-5 x peak`` for a signal or Expansion, 1e-9 for a mapping.
    compare : {"all", "listed"}, optional
        "all" compares every bin 0..fs/2 (absent frequencies are expected to
        be 0, so spurious content fails); "listed" only the bins a mapping
        names. Default: "all", "listed" for a mapping.
    phase : bool
        Compare complex coefficients (amplitude and phase); False compares
        amplitudes only.
    convention : {"coefficient", "amplitude"}
        How a mapping's values read: symrelu's ``c_F`` (a cosine of amplitude
        A has ``c_F = A/2``), or one-sided amplitudes (implies phase=False).
    truncation : bool
        With ``reference="truncated"``: allow the certified truncation error.
    sampling_error : None, "bound", "estimate" or float
        With a mapping or ``reference="truncated"``: an allowance for
        aliasing; a float is in coefficient units (doubled for cosine
        amplitudes). Refused with the exact reference (not needed).
    signal : MultiTone, optional
        For ``sampling_error="bound"`` with a mapping.
    max_freq : float, optional
        Compare bins up to this frequency only.
    n_worst : int
        Rows in the failure message.
    dps : int
        Digits of the exact samples.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(64) / 64
    >>> y = 0.2 + np.cos(2 * np.pi * 3 * t)
    >>> check_spectrum(y, 64, {0: 0.2, 3: 0.5}).passed
    True
    >>> check_spectrum(y, 64, {0: 0.2, 3: 1.0}, convention="amplitude").passed
    True
    >>> import symrelu as sr
    >>> sig = sr.MultiTone(amplitudes=[1], frequencies=[3], offset="0.2")
    >>> check_spectrum(np.maximum(y, 0), 64, sig).passed
    True
    """
    y = as_samples(y)
    freqs, measured = coefficients(y, fs)
    n = y.size
    kind, sig, act = _reference_kind(expected, reference, signal, activation)
    trunc, samp_c, method, peak, coherent = 0.0, 0.0, "exact", None, None
    if kind in ("exact", "truncated"):
        peak = _peak(sig, act)
        coherent = bool(is_coherent(sig, fs, n)) if sig.K else True
        compare = "all" if compare is None else compare
        if compare != "all":
            raise NumericInputError(
                f"compare={compare!r} needs a mapping as expected; a signal or Expansion "
                "is compared at every bin (use max_freq= to stop early)"
            )
    if kind == "exact":
        _no_sampling_error(sampling_error)
        ref = exact_samples(sig, fs, n, activation=act, t0=t0, dps=dps)
        exp_bins = np.fft.rfft(ref) / n
        ref_name = "exact samples" if coherent else (
            "exact samples (window not coherent: both sides hold the same leakage)"
        )
    elif kind == "truncated":
        if truncation:
            trunc = _truncation_bound(expected)
        exp_bins = fold(expected, fs, n)
        _, samp_c, method = _sampling_allowance(sampling_error, sig, fs, act)
        ref_name = f"truncated series (order {expected.order}), folded"
    elif isinstance(expected, Mapping):
        compare = "listed" if compare is None else compare
        if convention == "amplitude":
            phase = False
            reference_map = {F: (v if float(to_numeric(F)) == 0 else to_numeric(v) / 2)
                             for F, v in expected.items()}
        elif convention == "coefficient":
            reference_map = expected
        else:
            raise NumericInputError(
                f"convention must be 'coefficient' or 'amplitude' (got {convention!r})"
            )
        exp_bins = fold(reference_map, fs, n)
        _, samp_c, method = _sampling_allowance(
            sampling_error, sig, fs, "relu" if act is None else act
        )
        ref_name = "given"
    else:
        raise NumericTypeError(
            "expected must be a symrelu.MultiTone, a symrelu.Expansion or a mapping "
            f"{{frequency: value}} (got {type(expected).__name__})"
        )
    if compare not in ("all", "listed"):
        raise NumericInputError(f"compare must be 'all' or 'listed' (got {compare!r})")
    if compare == "all":
        mask = np.ones(freqs.size, dtype=bool)
    else:
        mask = np.zeros(freqs.size, dtype=bool)
        for F in reference_map:
            k = bin_index(abs(float(to_numeric(F))), fs, n) % n
            mask[min(k, n - k)] = True
    if max_freq is not None:
        mask &= freqs <= max_freq
    atol = (_ATOL_GIVEN if peak is None else DEFAULT_ATOL_PER_PEAK * peak) if atol is None \
        else atol
    _check_tolerances(rtol, atol)
    f_sel, e_sel, m_sel = freqs[mask], exp_bins[mask], measured[mask]
    scale = np.where(f_sel == 0, 1.0, 2.0)
    if n % 2 == 0:
        scale = np.where(f_sel == float(fs) / 2, 1.0, scale)
    delta = m_sel - e_sel if phase else np.abs(m_sel) - np.abs(e_sel)
    diff = scale * np.abs(delta)
    tol = atol + rtol * scale * np.abs(e_sel)
    allowed = tol + scale * (trunc + samp_c)
    if kind == "truncated" and tol.size:
        _warn_truncated(float(np.max(scale * (trunc + samp_c))), float(np.max(tol)),
                        "per bin")
    return SpectrumCheck(
        float(fs), n, f_sel, e_sel, m_sel, diff, allowed, trunc, samp_c, method,
        atol, rtol, phase, n_worst, ref_name, peak, coherent,
    )


def assert_spectrum_close(
    y: Any, fs: float, expected: Any, *, err_msg: str = "", **kwargs: Any
) -> SpectrumCheck:
    """Assert the DFT of ``y`` matches an expected spectrum (see :func:`check_spectrum`).

    Raises
    ------
    AssertionError
        Naming the worst bin first, then a table of the worst frequencies:
        expected, measured, difference, allowed.

    Examples
    --------
    >>> import numpy as np, pytest
    >>> t = np.arange(64) / 64
    >>> with pytest.raises(AssertionError, match="worst bin: 3"):
    ...     assert_spectrum_close(np.cos(2 * np.pi * 3 * t), 64, {3: 0.4})
    """
    check = check_spectrum(y, fs, expected, **kwargs)
    if not check.passed:
        raise AssertionError(check.message(err_msg))
    return check
