r"""Conv -> activation -> mean: the DC feature of a filtered multi-tone (the paper's Sec. IV).

An FIR filter with taps :math:`h_j` at sampling rate :math:`f_s` scales each
tone by :math:`|H(f)|` and shifts its phase by :math:`\arg H(f)`,

.. math:: H(f) = \sum_j h_j e^{-2\pi i f j / f_s}

and maps the offset b to :math:`b\sum_j h_j` (plus the layer's bias).
:func:`filtered_dc` gives the DC after the activation, in the infinite-length
limit (:func:`symrelu.exact_dc` of :func:`filter_signal`) or exactly for a
finite causal window of n samples, where the first ``len(taps) - 1`` outputs
see zero padding (the edge effect of a causal conv layer).
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import sympy

from symrelu._values import to_exact, value_text
from symrelu.activations import as_activation
from symrelu.errors import SymreluError, ToneSpecError, VerificationError
from symrelu.exact._common import (
    CHECK_GUARD,
    GUARD,
    SymbolicValueError,
    activation_weights,
    agree,
    check_dps,
    check_signal,
    to_mp,
)
from symrelu.exact.values import MAX_DPS_PERIODIC, exact_dc
from symrelu.signal import MultiTone

__all__ = ["filter_signal", "filtered_dc", "MAX_WINDOW"]

#: Longest finite window (number of output samples) summed exactly.
MAX_WINDOW = 1_000_000


def _exact_list(values: Any, what: str) -> list[sympy.Expr]:
    if isinstance(values, np.ndarray):
        # numpy scalars, not Python floats: each tap is read as the shortest decimal that
        # round-trips in its own dtype (float32 0.1 is 1/10), like every other input door
        values = list(values) if values.ndim else [values[()]]
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        values = [values]
    out = []
    for j, v in enumerate(values):
        e = to_exact(v, f"{what} {j}")
        if not e.is_number:
            raise SymbolicValueError(f"{what} {j} must be a number (got {value_text(e)})")
        out.append(e)
    if not out:
        raise ToneSpecError(f"give at least one {what}")
    return out


def _number(value: Any, what: str, *, positive: bool = False) -> sympy.Expr:
    e = to_exact(value, what)
    if not e.is_number:
        raise SymbolicValueError(f"{what} must be a number (got {value_text(e)})")
    if positive and not e.is_positive:
        raise ToneSpecError(f"{what} must be positive (got {value_text(e)})")
    return e


def filter_signal(signal: MultiTone, taps: Any, fs: Any, *, bias: Any = 0) -> MultiTone:
    r"""The exact output of an FIR filter (plus bias) for a multi-tone input, as a MultiTone.

    Parameters
    ----------
    signal : MultiTone
        The input; frequencies in the same unit as ``fs`` (e.g. Hz).
    taps : sequence or numpy array
        h_0, h_1, ...: ``y[m] = bias + sum_j taps[j] * x[m - j]``. Floats are
        taken as the decimal they print as.
    fs : value
        Sampling rate.
    bias : value
        Added to the output.

    Returns
    -------
    MultiTone
        Each tone with amplitude ``A |H(f)|`` and phase ``phi + arg H(f)``;
        offset ``b sum(taps) + bias``. Tones that the filter removes exactly
        are dropped.

    Examples
    --------
    >>> sig = MultiTone(amplitudes=[1], frequencies=[8])
    >>> out = filter_signal(sig, [1, 1], 32)          # H = 1 + exp(-i pi/2)
    >>> out.amplitudes, out.phases
    ((sqrt(2),), (-pi/4,))
    """
    if not isinstance(signal, MultiTone):
        raise ToneSpecError(f"filter_signal() needs a MultiTone (got {type(signal).__name__})")
    h = _exact_list(taps, "tap")
    fs = _number(fs, "sampling rate fs", positive=True)
    bias = _number(bias, "bias")
    amps, freqs, phases = [], [], []
    for a, f, p in signal.tones:
        re = sympy.Add(*(hj * sympy.cos(2 * sympy.pi * f * j / fs) for j, hj in enumerate(h)))
        im = -sympy.Add(*(hj * sympy.sin(2 * sympy.pi * f * j / fs) for j, hj in enumerate(h)))
        mag2 = sympy.expand(re**2 + im**2)
        if mag2.is_zero or (mag2.is_number and abs(sympy.N(mag2, 60)) < sympy.Float("1e-55")
                            and sympy.simplify(mag2) == 0):
            continue
        amps.append(a * sympy.sqrt(mag2))
        freqs.append(f)
        phases.append(p + sympy.atan2(im, re))
    offset = signal.offset * sympy.Add(*h) + bias
    if not amps and offset.is_zero:
        raise _ZeroOutput(
            "the filter removes every tone and the offset: the output is identically zero "
            "(its DC after any activation is 0)"
        )
    return MultiTone(amplitudes=amps, frequencies=freqs, phases=phases, offset=offset)


class _ZeroOutput(ToneSpecError):
    """The filtered signal is identically zero."""


def filtered_dc(
    signal: MultiTone,
    taps: Any,
    fs: Any,
    *,
    n: int | None = None,
    bias: Any = 0,
    activation: Any = "relu",
    dps: int = 30,
) -> mpmath.mpf:
    r"""DC after conv -> activation -> global average pooling, with verified digits.

    .. math:: y[m] = \mathrm{bias} + \sum_{j} h_j\, x[m-j],\qquad x[m] = x(m/f_s),
              \quad x[\text{negative}] = 0

    Parameters
    ----------
    signal : MultiTone
    taps : sequence or numpy array
        FIR taps ``h_0, h_1, ...`` (causal; floats taken as the decimal they print as).
    fs : value
        Sampling rate (same unit as the frequencies).
    n : int or None
        None: the infinite-length limit, i.e. :func:`symrelu.exact_dc` of
        :func:`filter_signal`. An int >= 1: the mean of ``act(y[m])`` over
        ``m = 0 .. n-1``, edge effect included.
    bias : value
        The conv layer's bias.
    activation : str or Activation
        Any activation (:func:`symrelu.as_activation`). For a piecewise-linear one a
        sample within 10^-(dps+5) of a breakpoint has its side decided exactly.
    dps : int
        Verified significant digits.

    Returns
    -------
    mpmath.mpf

    Raises
    ------
    VerificationError
        If a sample y[m] is too close to 0 for its sign to be decided.

    Examples
    --------
    >>> import mpmath
    >>> sig = MultiTone(amplitudes=[1], frequencies=[3])
    >>> mpmath.nstr(filtered_dc(sig, [1, -1], 32, dps=20), 15)       # A |H| / pi
    '0.184800965155533'
    >>> mpmath.nstr(filtered_dc(sig, [1, -1], 32, n=256, dps=20), 15)
    '0.188346088223461'
    >>> mpmath.nstr(filtered_dc(sig, [3, -3], 32, n=32, bias="0.2", activation="hardtanh",
    ...                         dps=20), 15)      # numpy.clip of the 32 samples: 0.0888275638955446
    '0.0888275638955447'
    """
    sig = check_signal(signal, "filtered_dc")
    if n is None:
        try:
            out = filter_signal(sig, taps, fs, bias=bias)
        except _ZeroOutput:
            check_dps(dps, MAX_DPS_PERIODIC)
            return mpmath.mpf(0)
        return exact_dc(out, activation=activation, dps=dps)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or int(n) < 1:
        raise ToneSpecError(f"n must be None or a positive integer number of samples (got {n!r})")
    n = int(n)
    if n > MAX_WINDOW:
        raise ToneSpecError(f"n = {n} samples is above the supported {MAX_WINDOW}")
    dps = check_dps(dps, MAX_DPS_PERIODIC)
    h = _exact_list(taps, "tap")
    fs_e = _number(fs, "sampling rate fs", positive=True)
    bias_e = _number(bias, "bias")
    act = as_activation(activation)
    if act.kind == "smooth" or not act.is_kink_at_zero:
        return _general_window(sig, h, fs_e, bias_e, n, act, dps)
    _, lam, c = activation_weights(act)
    # act(y) is homogeneous of degree 1 in (signal, bias): divide both by a power of two
    # near the bound |bias| + sum |h_j| * peak of |y| (exact), so that no threshold below
    # depends on the signal's scale, and multiply back at the end (exact)
    with mpmath.workdps(20):
        bound = abs(to_mp(bias_e)) + mpmath.fsum(abs(to_mp(v)) for v in h) * to_mp(sig.peak)
    if bound == 0:
        return mpmath.mpf(0)  # every tap and the bias are 0: y is identically 0
    _, e = mpmath.frexp(bound)
    unit = sympy.Integer(2) ** -int(e)
    sig_n, bias_n = sig * unit, bias_e * unit
    a = _window_mean(sig_n, h, fs_e, bias_n, n, lam, c, dps, dps + GUARD)
    b = _window_mean(sig_n, h, fs_e, bias_n, n, lam, c, dps, dps + CHECK_GUARD)
    with mpmath.workdps(dps + CHECK_GUARD):
        # every y[m]'s sign is decided (exactly where it is near 0), so a mean that is 0 in
        # both runs is a sum of exact zeros
        if not (a == b == 0 or agree(a, b, dps)):
            raise VerificationError(
                f"could not verify {dps} digits of the finite-window DC "
                f"({mpmath.ldexp(a, int(e))} vs {mpmath.ldexp(b, int(e))})"
            )
    with mpmath.workdps(dps):
        return mpmath.ldexp(+b, int(e))


def _window_mean(sig, h, fs, bias, n, lam, c, dps, wp):
    with mpmath.workdps(wp):
        fs_m = to_mp(fs)
        b = to_mp(sig.offset)
        tones = [(to_mp(A), 2 * mpmath.pi * to_mp(f) / fs_m, to_mp(p)) for A, f, p in sig.tones]
        x = [b + mpmath.fsum(A * mpmath.cos(w * s + p) for A, w, p in tones) for s in range(n)]
        hm = [to_mp(v) for v in h]
        lam_m, c_m, bias_m = to_mp(lam), to_mp(c), to_mp(bias)
        small = mpmath.mpf(10) ** (-(dps + 5))
        total = []
        for m in range(n):
            y = bias_m + mpmath.fsum(hm[j] * x[m - j] for j in range(min(len(hm), m + 1)))
            if abs(y) < small:
                y = _decide(sig, h, fs, bias, m, y, dps)
            total.append(lam_m * y + c_m * abs(y))
        return mpmath.fsum(total) / n


def _decide(sig, h, fs, bias, m, y_approx, dps, level=0):
    """y[m] - level near zero: return its value with the sign decided exactly (or raise)."""
    t = sympy.Symbol("t", real=True)
    x = sig.expr(t)
    expr = bias - level + sympy.Add(*(hj * x.subs(t, sympy.Rational(1) * (m - j) / fs)
                                      for j, hj in enumerate(h) if m - j >= 0))
    try:
        if expr == 0 or sympy.simplify(expr) == 0 or expr.equals(0):
            return mpmath.mpf(0)
        for digits in (3 * dps, 6 * dps):
            v = sympy.N(expr, digits)
            if v != 0 and abs(v) > sympy.Float(10) ** (-(digits - 5)):
                return mpmath.mpf(v)
    except (SymreluError, TypeError, ValueError):
        pass
    where = "0" if level == 0 else f"the breakpoint {level}"
    raise VerificationError(
        f"the conv output y[{m}] = {mpmath.nstr(y_approx, 5)} is too close to {where} to "
        "decide its side; ask for fewer digits"
    )


def _general_window(sig, h, fs, bias, n, act, dps):
    """The finite-window mean for any activation other than lambda x + c|x| (no rescaling:
    a piecewise-linear f is not homogeneous), checked at two working precisions."""
    a = _general_mean(sig, h, fs, bias, n, act, dps, dps + GUARD)
    b = _general_mean(sig, h, fs, bias, n, act, dps, dps + CHECK_GUARD)
    with mpmath.workdps(dps + CHECK_GUARD):
        if not (a == b == 0 or agree(a, b, dps)):
            raise VerificationError(
                f"could not verify {dps} digits of the finite-window DC ({a} vs {b})"
            )
    with mpmath.workdps(dps):
        return +b


def _general_mean(sig, h, fs, bias, n, act, dps, wp):
    with mpmath.workdps(wp):
        fs_m = to_mp(fs)
        b = to_mp(sig.offset)
        tones = [(to_mp(A), 2 * mpmath.pi * to_mp(f) / fs_m, to_mp(p)) for A, f, p in sig.tones]
        x = [b + mpmath.fsum(A * mpmath.cos(w * s + p) for A, w, p in tones) for s in range(n)]
        hm = [to_mp(v) for v in h]
        bias_m = to_mp(bias)
        ys = [bias_m + mpmath.fsum(hm[j] * x[m - j] for j in range(min(len(hm), m + 1)))
              for m in range(n)]
        if act.kind == "smooth":
            f = sympy.lambdify(_Y, act(_Y), "mpmath")
            return mpmath.fsum(f(y) for y in ys) / n
        small = mpmath.mpf(10) ** (-(dps + 5))
        a0, b0 = to_mp(act.intercept), to_mp(act.linear)
        kinks = [(t, to_mp(t), to_mp(c)) for t, c in act.kinks]
        jumps = [(t, to_mp(t), to_mp(w)) for t, w in act.jumps]
        total = []
        for m, y in enumerate(ys):

            def side(t, t_m, m=m, y=y):    # y - t, its sign decided exactly near 0
                d = y - t_m
                return _decide(sig, h, fs, bias, m, d, dps, level=t) if abs(d) < small else d

            v = a0 + b0 * y
            v += mpmath.fsum(c * abs(side(t, t_m)) for t, t_m, c in kinks)
            v += mpmath.fsum(w * mpmath.sign(side(t, t_m)) for t, t_m, w in jumps)
            total.append(v)
        return mpmath.fsum(total) / n


_Y = sympy.Symbol("y", real=True)
