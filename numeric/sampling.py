r"""Sampling signals and expansions, with the checks a sampled spectrum needs.

:func:`sample` evaluates a :class:`symrelu.MultiTone` (or the truncated series
of an :class:`symrelu.Expansion`) at ``t_n = t0 + n / fs`` and checks two
things before anyone looks at an FFT of the result:

Coherence
    The window ``T = n / fs`` is *coherent* when it holds a whole number of
    periods of every tone, equivalently of the base frequency ``f0`` (then
    every harmonic of ``f0``, hence everything a ReLU can create from the
    signal, falls on a DFT bin). Otherwise a :class:`CoherenceWarning` says by
    how much: a tone ``delta`` bins off the grid (``0 < delta <= 1/2``) reads
    ``|sinc(delta)|`` of its amplitude at the nearest bin (down to
    ``2/pi = 0.64`` at half a bin, the "scalloping loss"), leaks about
    ``A / (pi d)`` into the bin ``d`` bins away, and its window mean (the DC
    estimate) is off by up to ``A / (pi f T)``.

Aliasing
    ``fs`` must exceed twice the highest input frequency, or the samples of x
    itself are wrong: :class:`AliasingError`. A truncated expansion of order N
    holds frequencies up to ``2 N f_max`` (x^(2N)); when ``fs`` is below twice
    that, content folds back and an :class:`AliasingWarning` names both
    numbers and the highest order that fits. ReLU itself has unlimited
    bandwidth, so its samples always alias; :func:`sampling_error_bound`
    bounds the effect.

The sampling error of a kinked signal
-------------------------------------
For a periodic y whose derivative has total variation ``V`` per unit time,
integration by parts twice gives :math:`|c_F| \le V / (4\pi^2 F^2)`. With
coherent sampling the DFT bin at F holds :math:`\sum_j c_{F + j f_s}` (aliases),
so

.. math:: |\overline{y[n]} - c_0| \le \frac{V}{12 f_s^2}, \qquad
          |\hat c_F - c_F| \le \frac{V}{6 f_s^2} \quad (|F| \le f_s/2),

i.e. the error of sampled ReLU shrinks as :math:`f_s^{-2}`. For
:math:`|x|`, the derivative jumps by :math:`2|x'|` at each zero crossing, so
:math:`V = \overline{|x''|} + 2\,\overline{\sum_z |x'(t_z)|}` per unit time,
bounded rigorously by :math:`\sum|A_i|\omega_i^2 + 4 f_{max}\sum|A_i|\omega_i`
(a trigonometric polynomial of top frequency f_max has at most 2 f_max zeros per
unit time). The linear part of the activation does not alias once
:math:`f_s > 2 f_{max}`.

Examples
--------
>>> import numpy as np, symrelu as sr
>>> sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
>>> t, x = sample(sig, fs=1024, duration=8)
>>> t.shape, float(x[0])
((8192,), 4.0)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from symrelu.numeric.errors import NumericInputError, NumericTypeError
from symrelu.numeric.lambdify import lambdify_expansion, lambdify_signal, numeric_signal, to_numeric

from symrelu.expr_parse import parse_expression, safe_sympify

__all__ = [
    "sample",
    "SamplingWarning",
    "CoherenceWarning",
    "AliasingWarning",
    "AliasingError",
    "is_coherent",
    "highest_frequency",
    "sampling_error_bound",
    "SamplingErrorBound",
    "exact_samples",
]


class SamplingWarning(UserWarning):
    """Base class of the warnings about sampled signals."""


class CoherenceWarning(SamplingWarning):
    """The window does not hold whole periods: the spectrum leaks."""


class AliasingWarning(SamplingWarning):
    """Content above fs/2 folds back onto lower frequencies."""


class AliasingError(NumericInputError):
    """The sampling rate is too low for the input signal itself."""


def _exact(value: Any, what: str) -> sympy.Rational | None:
    """A float/int/str as the exact decimal it prints as; None if not rational."""
    if isinstance(value, (int, np.integer)):
        return sympy.Integer(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value <= 0:
            raise NumericInputError(f"{what} must be a positive finite number (got {value})")
        return sympy.Rational(str(Fraction(repr(float(value)))))
    v = safe_sympify(value)  # a string is parsed by symrelu's grammar, never evaluated
    return v if isinstance(v, sympy.Rational) else None


def _signal_of(obj: Any):
    from symrelu import Expansion, MultiTone

    if isinstance(obj, Expansion):
        return obj.signal, obj
    if isinstance(obj, MultiTone):
        return obj, None
    raise NumericTypeError(
        f"sample() takes a symrelu.MultiTone or Expansion (got {type(obj).__name__}); "
        "for a plain array there is nothing to sample"
    )


def highest_frequency(signal: Any, order: int | None = None) -> float:
    """The highest frequency in the signal, or in an order-``order`` expansion of it.

    An order-N expansion holds x^(2N), whose top frequency is 2 N f_max; the
    linear part adds f_max (so order 0 still holds f_max).

    Examples
    --------
    >>> import symrelu as sr
    >>> sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[5, 40])
    >>> highest_frequency(sig), highest_frequency(sig, order=50)
    (40.0, 4000.0)
    """
    f_max = max((to_numeric(f) for f in signal.frequencies), default=0.0)
    if order is None:
        return f_max
    return max(f_max, 2 * int(order) * f_max)


def is_coherent(signal: Any, fs: Any, n: int) -> bool:
    """True when ``n`` samples at ``fs`` hold whole periods of every tone.

    Examples
    --------
    >>> import symrelu as sr
    >>> sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[5, 10])
    >>> is_coherent(sig, 1024, 8192), is_coherent(sig, 1024, 8000)
    (True, False)
    """
    fs_q = _exact(fs, "fs")
    if fs_q is None:
        return False
    T = sympy.Integer(n) / fs_q
    for f in signal.frequencies:
        if not isinstance(f, sympy.Rational) or not (f * T).is_integer:
            return False
    return True


def _coherence_message(signal: Any, fs: float, n: int) -> str:
    T = n / fs
    parts = []
    worst = 0.0
    for f in signal.frequencies:
        fv = to_numeric(f)
        cycles = fv * T
        delta = abs(cycles - round(cycles))
        worst = max(worst, delta)
        if delta > 1e-12:
            parts.append(f"{cycles:.6g} periods of {fv:g}")
    f0 = signal.base_frequency
    base = (
        f"; the window must be a multiple of the base period 1/f0 = {1 / to_numeric(f0):.6g}"
        if f0 is not None
        else "; the frequencies are incommensurate, so no window is coherent"
    )
    scallop = abs(np.sinc(worst)) if worst > 1e-12 else 1.0
    f_min = min(to_numeric(f) for f in signal.frequencies)
    held = ", ".join(parts) or "fractional periods"
    return (
        f"sampling is not coherent: the {T:.6g} window holds {held}"
        f"{base}. The spectrum leaks: a tone {worst:.3g} bins off the grid reads "
        f"{scallop:.3f} of its amplitude at the nearest bin (0.637 at worst, half a bin), leaks "
        f"about A/(pi d) into the bin d bins away, and the window mean is off by up to "
        f"A/(pi f T) = {1 / (math.pi * f_min * T):.3g} x A for the lowest tone"
    )


def sample(
    obj: Any,
    fs: Any,
    duration: Any = None,
    *,
    n: int | None = None,
    t0: float = 0.0,
    order: int | None = None,
    aliasing: str = "warn",
) -> tuple[np.ndarray, np.ndarray]:
    """Sample a signal (or a truncated expansion) at ``fs`` for ``duration``.

    Parameters
    ----------
    obj : symrelu.MultiTone or symrelu.Expansion, or a list or tuple of them
        What to evaluate: the signal x(t), or the expansion's truncated series. A list gives
        a batch, one channel (a row of ``y``) per item, on the same sample times.
    fs : float
        Sampling rate (samples per unit of t).
    duration : float, optional
        Window length; ``n = fs * duration`` must be a whole number.
    n : int, optional
        Number of samples, instead of ``duration``.
    t0 : float
        Time of the first sample.
    order : int, optional
        Check aliasing for the content of an order-``order`` expansion (an
        Expansion uses its own order by default).
    aliasing : {"warn", "ignore"}
        What to do when the content up to ``order`` exceeds fs/2.

    Returns
    -------
    t, y : ndarray
        Sample times ``t0 + arange(n) / fs`` and values: shape (n,), or (channels, n) for a
        list.

    Raises
    ------
    AliasingError
        If ``fs`` is not above twice the highest *input* frequency.

    Warns
    -----
    CoherenceWarning
        If the window does not hold whole periods of every tone (the message
        says how large the leakage can be).
    AliasingWarning
        If an order-N expansion's content (up to 2 N f_max) exceeds fs/2.

    Examples
    --------
    >>> import numpy as np, symrelu as sr
    >>> sig = sr.MultiTone(amplitudes=[1], frequencies=[5])
    >>> t, x = sample(sig, fs=40, duration=0.2)
    >>> np.round(x, 3)
    array([ 1.   ,  0.707,  0.   , -0.707, -1.   , -0.707, -0.   ,  0.707])
    >>> import pytest
    >>> with pytest.raises(AliasingError, match="8 Hz is not above twice"):
    ...     sample(sig, fs=8, duration=1)
    >>> t, y = sample([sig, 2 * sig], fs=40, duration=0.2)     # a batch: channels x time
    >>> y.shape, float(y[1, 0])
    ((2, 8), 2.0)
    """
    if isinstance(obj, (list, tuple)):
        if not obj:
            raise NumericInputError("a batch of signals needs at least one signal (got [])")
        rows = [sample(item, fs, duration, n=n, t0=t0, order=order, aliasing=aliasing)
                for item in obj]
        return rows[0][0], np.stack([y for _, y in rows])
    signal, expansion = _signal_of(obj)
    if aliasing not in ("warn", "ignore"):
        raise NumericInputError(f"aliasing must be 'warn' or 'ignore' (got {aliasing!r})")
    fs_f = float(fs)
    if not math.isfinite(fs_f) or fs_f <= 0:
        raise NumericInputError(f"fs must be a positive finite number (got {fs})")
    if (duration is None) == (n is None):
        raise NumericInputError("give exactly one of duration= and n=")
    if n is None:
        n_float = fs_f * float(duration)
        n = int(round(n_float))
        if n < 1 or abs(n - n_float) > 1e-9 * max(1.0, n_float):
            raise NumericInputError(
                f"fs * duration = {n_float:.12g} is not a whole number of samples; "
                "choose a duration that is a multiple of 1/fs"
            )
    n = int(n)
    if n < 1:
        raise NumericInputError(f"need at least one sample (got n={n})")
    f_max = highest_frequency(signal)
    if f_max and fs_f <= 2 * f_max:
        raise AliasingError(
            f"fs = {fs_f:g} Hz is not above twice the highest input frequency "
            f"({f_max:g} Hz, so fs > {2 * f_max:g} Hz is needed): the samples of x alias"
        )
    if order is None and expansion is not None:
        order = expansion.order
    if order is not None and aliasing == "warn":
        top = highest_frequency(signal, order)
        if fs_f <= 2 * top:
            fits = int((fs_f / 2) // (2 * f_max)) if f_max else 0
            if fits * 2 * f_max >= fs_f / 2:
                fits -= 1
            warnings.warn(
                f"fs = {fs_f:g} Hz is below twice the highest frequency present up to order "
                f"{order} ({top:g} Hz, so fs > {2 * top:g} Hz is needed): content above "
                f"{fs_f / 2:g} Hz folds back onto lower bins; orders up to {max(fits, 0)} fit",
                AliasingWarning,
                stacklevel=2,
            )
    if signal.K and not is_coherent(signal, fs, n):
        warnings.warn(_coherence_message(signal, fs_f, n), CoherenceWarning, stacklevel=2)
    t = float(t0) + np.arange(n) / fs_f
    f = lambdify_expansion(expansion) if expansion is not None else lambdify_signal(signal)
    return t, f(t)


@dataclass(frozen=True)
class SamplingErrorBound:
    """Bounds on what coherent sampling does to the DC and the bins of act(x).

    Attributes
    ----------
    fs : float
    variation : float
        V, the total variation of ``d|x|/dt`` per unit time (bound or estimate).
    dc : float
        Bound on ``|mean of samples - exact DC|`` of the activation's output.
    coefficient : float
        Bound on ``|measured c_F - exact c_F|`` for a bin ``|F| <= fs/2``.
    amplitude : float
        The same in one-sided amplitude units (twice ``coefficient``).
    method : str
        ``"rigorous"`` or ``"estimate"``.
    """

    fs: float
    variation: float
    dc: float
    coefficient: float
    amplitude: float
    method: str

    def to_dict(self) -> dict:
        """Plain data for JSON."""
        return asdict(self)


def _variation_estimate(signal: Any, points_per_period: int = 64, offset: float = 0.0) -> float:
    """V for |x + offset| measured on a dense grid over one base period (numeric estimate)."""
    b, A, f, p = _arrays(signal)
    b = b + offset
    f0 = to_numeric(signal.base_frequency)
    T0 = 1.0 / f0
    m = int(points_per_period * max(f) / f0)
    t = np.arange(m) * (T0 / m)
    w = 2 * np.pi * f
    x = b + (A[:, None] * np.cos(np.outer(w, t) + p[:, None])).sum(0)
    dx = -(A[:, None] * w[:, None] * np.sin(np.outer(w, t) + p[:, None])).sum(0)
    ddx = -(A[:, None] * w[:, None] ** 2 * np.cos(np.outer(w, t) + p[:, None])).sum(0)
    smooth = np.mean(np.abs(ddx))  # per unit time: mean over one period
    s = np.sign(x)
    cross = np.flatnonzero(s != np.roll(s, -1))
    jumps = 2 * np.abs(0.5 * (dx[cross] + dx[(cross + 1) % m])).sum() / T0
    return float(smooth + jumps)


def _arrays(signal: Any):
    b = to_numeric(signal.offset)
    A = np.array([to_numeric(a) for a in signal.amplitudes], dtype=float)
    f = np.array([to_numeric(v) for v in signal.frequencies], dtype=float)
    p = np.array([to_numeric(v) for v in signal.phases], dtype=float)
    return b, A, f, p


def sampling_error_bound(
    signal: Any, fs: float, activation: Any = "relu", *, method: str = "rigorous"
) -> SamplingErrorBound:
    r"""Bound the error that coherent sampling at ``fs`` makes in act(x)'s DC and bins.

    See the module docstring for the derivation: the kinks of ``|x|`` make the
    Fourier coefficients decay as :math:`F^{-2}`, so the aliases that coherent
    sampling adds to every bin sum to at most :math:`V/(12 f_s^2)` at DC and
    :math:`V/(6 f_s^2)` at other bins, times the activation's weight of
    ``|x|``. A piecewise-linear activation with several kinks adds the kinks' bounds
    (weights ``|c_j|``, each kink's V measured on ``x - t_j`` with ``method="estimate"``);
    jumps and smooth activations raise :class:`~symrelu.ActivationError`.

    Parameters
    ----------
    signal : MultiTone
        A numeric periodic signal (rational frequencies).
    fs : float
        Sampling rate, above twice the highest input frequency.
    activation : str or symrelu.Activation
    method : {"rigorous", "estimate"}
        ``"rigorous"`` bounds V by :math:`\sum|A_i|\omega_i^2 + 4 f_{max}
        \sum|A_i|\omega_i`; ``"estimate"`` measures V on a dense grid (tighter,
        not a proof).

    Returns
    -------
    SamplingErrorBound

    Examples
    --------
    >>> import symrelu as sr
    >>> sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> b = sampling_error_bound(sig, fs=1024)
    >>> f"{b.dc:.2e}"
    '6.33e-03'
    >>> f"{sampling_error_bound(sig, fs=1024, method='estimate').dc:.1e}"
    '2.6e-03'
    """
    from symrelu import ActivationError, as_activation

    act = as_activation(activation)
    if act.kind != "piecewise_linear" or act.jumps:
        raise ActivationError(
            f"sampling_error_bound covers continuous piecewise-linear activations (kinks make "
            f"the coefficients decay as F^-2), not {act.name!r}"
        )
    weights = [abs(to_numeric(w)) for _, w in act.kinks]
    c = float(sum(weights))
    if method not in ("rigorous", "estimate"):
        raise NumericInputError(f"method must be 'rigorous' or 'estimate' (got {method!r})")
    b, A, f, _ = _arrays(signal)
    fs = float(fs)
    if f.size and fs <= 2 * f.max():
        raise AliasingError(
            f"fs = {fs:g} Hz is not above twice the highest input frequency ({f.max():g} Hz)"
        )
    w = 2 * np.pi * f
    if method == "rigorous":
        V = float(np.sum(np.abs(A) * w**2) + 4 * (f.max() if f.size else 0) * np.sum(np.abs(A) * w))
    else:
        if signal.base_frequency is None:
            raise NumericInputError(
                "method='estimate' needs rational frequencies (a periodic signal)"
            )
        # each kink |x - t_j| has its own variation; V is their mean weighted by |c_j|
        Vs = [_variation_estimate(signal, offset=-to_numeric(t)) for t, _ in act.kinks]
        V = float(sum(w * v for w, v in zip(weights, Vs)) / c) if c else 0.0
    dc = c * V / (12 * fs**2)
    coef = c * V / (6 * fs**2)
    return SamplingErrorBound(fs, V, dc, coef, 2 * coef, method)


def _mp_activation(act: Any):
    """A factory of f(x, exact) evaluating ``act`` in mpmath at the current precision.

    Piecewise-linear: ``a + b x + sum c|x - t| + sum h sign(x - t)``; where x lies within
    the working precision's noise of a jump's position t, ``exact()`` (the sample as an
    exact sympy value, or None) decides whether x = t, where sign is 0; undecided, the
    sample is refused. Smooth: the activation's sympy expression through mpmath.
    """
    import mpmath

    from symrelu import ActivationError

    if act.kind == "smooth":
        y = sympy.Symbol("y", real=True)
        fn = sympy.lambdify(y, act(y), "mpmath")
        return lambda: (lambda x, exact: fn(x))
    if act.kind != "piecewise_linear":
        raise ActivationError(f"no sampled evaluation for {act!r}")

    def make():
        a, b = to_numeric(act.intercept, "mpmath"), to_numeric(act.linear, "mpmath")
        kinks = [(to_numeric(t, "mpmath"), to_numeric(c, "mpmath")) for t, c in act.kinks]
        jumps = [(t, to_numeric(t, "mpmath"), to_numeric(h, "mpmath")) for t, h in act.jumps]
        noise = mpmath.mpf(10) ** (-(mpmath.mp.dps - 5)) * (1 + abs(a) + abs(b))

        def f(x, exact):
            v = a + b * x + mpmath.fsum(c * abs(x - t) for t, c in kinks)
            for t, t_m, h in jumps:
                d = x - t_m
                if abs(d) <= noise * (1 + abs(t_m)):
                    e = None if exact is None else exact()
                    zero = None if e is None else sympy.simplify(e - t).is_zero
                    if zero is None:
                        raise NumericInputError(
                            f"a sample lies within {mpmath.nstr(abs(d), 3)} of the jump at "
                            f"{t}: its side cannot be decided at this precision"
                        )
                    if zero:
                        continue             # sign(0) = 0
                v += h * mpmath.sign(d)
            return v

        return f

    return make


def _exact_sample(signal: Any, t: Fraction) -> sympy.Expr:
    """x(t) as an exact sympy value (rational t and frequencies)."""
    tt = sympy.Rational(t.numerator, t.denominator)
    return signal.offset + sympy.Add(*(
        a * sympy.cos(2 * sympy.pi * f * tt + p) for a, f, p in signal.tones))


def _exact_time(value: Any, what: str) -> Fraction | None:
    """A time or rate as an exact Fraction (floats as the decimal they print as); None if not."""
    if isinstance(value, (bool, np.bool_)):
        raise NumericTypeError(f"{what} must be a number (got {value!r})")
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise NumericInputError(f"{what} must be finite (got {value})")
        return Fraction(repr(float(value)))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        value = parse_expression(value)
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    return None


def exact_samples(
    signal: Any,
    fs: Any,
    n: int,
    *,
    activation: Any = "relu",
    t0: Any = 0,
    dps: int = 30,
    backend: str = "numpy",
) -> Any:
    r"""The samples ``act(x(t0 + k/fs))``, k = 0..n-1, computed at ``dps`` digits.

    The reference a sampled layer output should equal: each sample is
    evaluated from the exact signal in mpmath at ``dps`` significant digits
    (with rational frequencies, ``fs`` and ``t0`` the phase ``f t mod 1`` is
    reduced exactly, so long windows lose nothing), then rounded to float64
    (``backend="numpy"``: the rounding, 1.1e-16 relative, is the only error) or
    returned as mpmath numbers (``backend="mpmath"``).

    Because the DFT is linear and exact samples are used, the DFT of these
    samples *is* what the DFT of a correct layer's output must be, for any
    window: for a coherent one it equals the exact spectrum of act(x) folded
    onto the DFT grid (aliases included), and their mean is the exact mean of
    the samples (not the continuous DC; they differ by the aliasing,
    2.4e-6 for ReLU of the paper's signal at fs = 1024).

    Parameters
    ----------
    signal : symrelu.MultiTone
        A numeric signal (any frequencies; symbols are refused).
    fs : number
        Sampling rate; a float is read as the decimal it prints as.
    n : int
        Number of samples.
    activation : str or symrelu.Activation
        ``"relu"`` (default), ``"abs"``, a LeakyReLU, ``"relu6"``, ``"sign"``, ``"gelu"``:
        anything :func:`symrelu.as_activation` accepts. A sample on a jump (x = t exactly,
        decided with exact time and frequencies) takes sign(0) = 0.
    t0 : number
        Time of the first sample.
    dps : int
        Significant digits of the evaluation.
    backend : {"numpy", "mpmath"}

    Returns
    -------
    ndarray of float64, or list of mpmath.mpf

    Examples
    --------
    >>> import numpy as np, symrelu as sr
    >>> y = exact_samples(sr.MultiTone(amplitudes=[1], frequencies=[1]), fs=8, n=8)
    >>> [round(float(v), 6) for v in y]
    [1.0, 0.707107, 0.0, 0.0, 0.0, 0.0, 0.0, 0.707107]
    >>> # the mean of these samples, (1 + sqrt(2))/8, against the exact DC 1/pi of ReLU(cos)
    >>> float(np.mean(y)), float((1 + np.sqrt(2)) / 8)
    (0.30177669529663687, 0.30177669529663687)
    """
    import mpmath

    from symrelu import as_activation

    numeric_signal(signal, "exact sampling")
    if backend not in ("numpy", "mpmath"):
        raise NumericInputError(f"backend must be 'numpy' or 'mpmath' (got {backend!r})")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise NumericInputError(f"n must be a positive integer (got {n!r})")
    if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or not 15 <= dps <= 1000:
        raise NumericInputError(f"dps must be an integer from 15 to 1000 (got {dps!r})")
    n, dps = int(n), int(dps)
    act = as_activation(activation)
    f_of = _mp_activation(act)
    fs_q, t0_q = _exact_time(fs, "fs"), _exact_time(t0, "t0")
    fs_f = float(to_numeric(fs_q if fs_q is not None else fs))
    if not math.isfinite(fs_f) or fs_f <= 0:
        raise NumericInputError(f"fs must be a positive finite number (got {fs})")
    freqs = [f if isinstance(f, sympy.Rational) else None for f in signal.frequencies]
    exact_phase = fs_q is not None and t0_q is not None and all(f is not None for f in freqs)
    t_end = abs(float(to_numeric(t0_q if t0_q is not None else t0))) + n / fs_f
    f_top = max((abs(to_numeric(f)) for f in signal.frequencies), default=0.0)
    guard = 10 + (0 if exact_phase else max(0, math.ceil(math.log10(1 + f_top * t_end))))
    out = []
    with mpmath.workdps(dps + guard):
        two_pi = 2 * mpmath.pi
        b = to_numeric(signal.offset, "mpmath")
        f_act = f_of()
        tones = [(to_numeric(a, "mpmath"), to_numeric(p, "mpmath"), f)
                 for a, f, p in signal.tones]
        if exact_phase:
            cyc = [Fraction(int(f.p), int(f.q)) for _, f, _ in signal.tones]
            for k in range(n):
                t = t0_q + Fraction(k) / fs_q
                x = b
                for (a, p, _), c in zip(tones, cyc):
                    r = (c * t) % 1
                    x += a * mpmath.cos(two_pi * r.numerator / r.denominator + p)
                out.append(f_act(x, lambda t=t: _exact_sample(signal, t)))
        else:
            fs_m = to_numeric(fs_q if fs_q is not None else fs, "mpmath")
            t0_m = to_numeric(t0_q if t0_q is not None else t0, "mpmath")
            f_m = [to_numeric(f, "mpmath") for _, _, f in tones]
            for k in range(n):
                t = t0_m + k / fs_m
                x = b
                for (a, p, _), fm in zip(tones, f_m):
                    x += a * mpmath.cos(two_pi * fm * t + p)
                out.append(f_act(x, None))
    with mpmath.workdps(dps):
        out = [+v for v in out]
    if backend == "mpmath":
        return out
    return np.array([float(v) for v in out], dtype=float)
