r"""The one door from exact values to numbers: conversion and lambdified evaluation.

.. warning::
   Everything here produces *floats* (NumPy) or *mpmath numbers at a stated
   precision* from the exact sympy values that :mod:`symrelu` computes. Float64
   results carry rounding (about 1e-16 relative per operation, more when terms
   cancel); mpmath results carry the working precision they were computed at.
   Neither is exact: keep exact values for claims, numbers for plots and tests
   with a stated tolerance.

Three kinds of objects are turned into callables of time ``t``:

* a :class:`symrelu.MultiTone` (:func:`lambdify_signal`): the tone sum;
* an :class:`symrelu.Expansion` (:func:`lambdify_expansion`): the truncated
  series of the paper's eq. 7, generalised to ``linear*x + c*|x|``,

  .. math:: \mathrm{act}(x) \approx \lambda x + c\sqrt{C}\sum_{n=0}^{N} a_n g^n,
            \qquad g = x^2/C - 1,

  evaluated by Horner's rule *in g* (|g| <= 1 with the peak center, so every
  partial sum is bounded and the recursion is stable; expanding in powers of x
  instead would cancel binomial coefficients up to 2^N and lose every digit);
* any sympy closed form of ``t`` (:func:`lambdify_expr`), through
  :func:`sympy.lambdify`.

Examples
--------
>>> import numpy as np, symrelu as sr
>>> sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[5, 10])
>>> x = lambdify_signal(sig)
>>> float(x(0.0))
2.0
>>> f = lambdify_expansion(sr.expand(sig, order=8))
>>> bool(abs(f(0.0) - 2.0) < 0.15)        # ReLU(2) = 2, within the certificate's bound
True
"""

from __future__ import annotations

import keyword
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy
from sympy.core.function import AppliedUndef
from symrelu.numeric.errors import NumericInputError, NumericTypeError

from symrelu.expr_parse import parse_expression, safe_sympify

__all__ = [
    "to_numeric",
    "lambdify_signal",
    "lambdify_expansion",
    "lambdify_expr",
    "spectrum_arrays",
    "numeric_signal",
]

_BACKENDS = ("numpy", "mpmath")


def _check_backend(backend: str) -> str:
    if backend not in _BACKENDS:
        raise NumericInputError(f"backend must be 'numpy' or 'mpmath' (got {backend!r})")
    return backend


def to_numeric(value: Any, backend: str = "numpy", *, dps: int | None = None) -> Any:
    r"""Convert an exact value (sympy, mpmath, int, Fraction) to a number.

    .. warning::
       This is where exactness ends. With ``backend="numpy"`` the result is a
       Python ``float`` or ``complex`` (correctly rounded from a 30-digit
       evaluation, so huge exact rationals such as the order-50 coefficients
       convert without overflow or cancellation). With ``backend="mpmath"`` the
       result is an ``mpf``/``mpc`` with ``dps`` significant digits (default:
       the current ``mpmath.mp.dps``), evaluated by sympy with a few guard
       digits.

    Parameters
    ----------
    value : sympy.Expr, mpmath number, int, float, Fraction, complex, or a mapping/sequence of them
        Mappings convert their values (keys are kept), sequences element-wise.
    backend : {"numpy", "mpmath"}
    dps : int, optional
        Decimal digits for the mpmath backend.

    Returns
    -------
    float, complex, mpmath.mpf, mpmath.mpc, or the same container type

    Raises
    ------
    TypeError
        If the value still contains free symbols (name them with
        ``expr.subs(...)`` first) or is not a number.

    Examples
    --------
    >>> import sympy
    >>> to_numeric(sympy.sqrt(2) / 4)
    0.3535533905932738
    >>> to_numeric(sympy.Rational(1, 3) + sympy.I / 4)
    (0.3333333333333333+0.25j)
    >>> import mpmath
    >>> mpmath.nstr(to_numeric(sympy.sqrt(2), "mpmath", dps=30), 30)
    '1.41421356237309504880168872421'
    >>> to_numeric({5: sympy.Rational(1, 2)})
    {5: 0.5}
    """
    _check_backend(backend)
    if dps is not None and (isinstance(dps, bool) or not isinstance(dps, (int, np.integer))
                            or dps < 1):
        raise NumericInputError(f"dps must be a positive integer (got {dps!r})")
    if isinstance(value, Mapping):
        return {k: to_numeric(v, backend, dps=dps) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_numeric(v, backend, dps=dps) for v in value)
    digits = int(dps) if dps is not None else mpmath.mp.dps
    if backend == "mpmath":
        with mpmath.workdps(digits):
            if isinstance(value, (mpmath.mpf, mpmath.mpc)):
                return +value
            plain = isinstance(value, (numbers.Number, np.number))
            if plain and not isinstance(value, sympy.Basic):
                if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
                    return mpmath.mpc(value)
                if isinstance(value, numbers.Rational):
                    return mpmath.mpf(value.numerator) / value.denominator
                return mpmath.mpf(value)
            expr = _sympify(value)
            re_part, im_part = _evaluate(expr, digits + 5)
            re_m = mpmath.mpf(re_part)
            if im_part.is_zero:
                return re_m
            return mpmath.mpc(re_m, mpmath.mpf(im_part))
    # numpy backend
    if isinstance(value, mpmath.mpf):
        return float(value)
    if isinstance(value, mpmath.mpc):
        return complex(value)
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (numbers.Number, np.number)) and not isinstance(value, sympy.Basic):
        if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
            return complex(value)
        return float(value)
    expr = _sympify(value)
    re_part, im_part = _evaluate(expr, 30)
    if im_part.is_zero:
        return float(re_part)
    return complex(float(re_part), float(im_part))


def _sympify(value: Any) -> sympy.Expr:
    try:
        expr = safe_sympify(value)  # a string is parsed by symrelu's grammar, never evaluated
    except (sympy.SympifyError, TypeError):
        raise NumericTypeError(
            f"cannot convert {type(value).__name__} {value!r} to a number"
        ) from None
    if getattr(expr, "free_symbols", None):
        names = ", ".join(sorted(str(s) for s in expr.free_symbols))
        raise NumericTypeError(
            f"cannot convert an expression with free symbols ({names}) to a number; "
            "substitute values first, e.g. expr.subs({...})"
        )
    if not getattr(expr, "is_number", False):
        raise NumericTypeError(f"cannot convert {value!r} to a number")
    return expr


def _evaluate(expr: sympy.Expr, digits: int) -> tuple[sympy.Float, sympy.Float]:
    """Real and imaginary parts as sympy Floats with ``digits`` significant digits."""
    if isinstance(expr, sympy.Rational):
        return sympy.Float(expr, digits), sympy.Integer(0)
    num = sympy.N(expr, digits)
    re_part, im_part = num.as_real_imag()
    # sympy leaves round-off imaginary parts like 1e-40 for real expressions
    tiny = abs(re_part) * sympy.Float(10) ** (2 - digits)
    if not im_part.is_zero and abs(im_part) < tiny and expr.is_real:
        im_part = sympy.Integer(0)
    return re_part, im_part


# ------------------------------------------------------------------ signals
def numeric_signal(signal: Any, need: str = "numeric evaluation") -> Any:
    """``signal`` itself when it is a MultiTone of numbers, else an error naming the symbols.

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> numeric_signal(MultiTone.parse("1@5")).frequencies
    (5,)
    """
    from symrelu import MultiTone

    if not isinstance(signal, MultiTone):
        raise NumericTypeError(f"expected a symrelu.MultiTone (got {type(signal).__name__})")
    if not signal.is_numeric:
        names = ", ".join(sorted(str(s) for s in signal.free_symbols))
        raise NumericTypeError(
            f"the signal has symbolic values ({names}); {need} needs numbers: "
            "substitute them or build the MultiTone from numbers"
        )
    return signal


def _tone_arrays(signal: Any) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    numeric_signal(signal)
    b = to_numeric(signal.offset)
    A = np.array([to_numeric(a) for a in signal.amplitudes], dtype=float)
    f = np.array([to_numeric(v) for v in signal.frequencies], dtype=float)
    p = np.array([to_numeric(v) for v in signal.phases], dtype=float)
    return b, A, f, p


def lambdify_signal(signal: Any, backend: str = "numpy", *, dps: int | None = None) -> Callable:
    r"""A callable ``x(t)`` evaluating a :class:`~symrelu.MultiTone`.

    .. math:: x(t) = b + \sum_i A_i \cos(2\pi f_i t + \varphi_i)

    Parameters
    ----------
    signal : MultiTone
        A signal with numeric values.
    backend : {"numpy", "mpmath"}
        ``"numpy"``: vectorised over array ``t`` (float64). ``"mpmath"``: a
        scalar function computing at ``dps`` digits (default: the current
        ``mpmath.mp.dps`` at call time); ``t`` may be a string or Rational to
        avoid binary rounding of the time itself.
    dps : int, optional

    Returns
    -------
    callable

    Examples
    --------
    >>> import numpy as np, symrelu as sr
    >>> x = lambdify_signal(sr.MultiTone(amplitudes=[2], frequencies=[1], offset=1))
    >>> x(np.array([0.0, 0.5]))
    array([ 3., -1.])
    >>> xm = lambdify_signal(sr.MultiTone(amplitudes=[1], frequencies=[1]), "mpmath", dps=20)
    >>> import mpmath
    >>> mpmath.nstr(xm("1/8"), 20)
    '0.7071067811865475244'
    """
    _check_backend(backend)
    if backend == "numpy":
        b, A, f, p = _tone_arrays(signal)
        w = 2 * np.pi * f

        def x_numpy(t: Any) -> np.ndarray:
            t = np.asarray(t, dtype=float)
            out = np.full(t.shape, b, dtype=float)
            for a, wi, pi in zip(A, w, p):  # one tone at a time: no K x n temporary
                out += a * np.cos(wi * t + pi)
            return out

        return x_numpy

    from symrelu import MultiTone

    if not isinstance(signal, MultiTone) or not signal.is_numeric:
        _tone_arrays(signal)  # raises the right error
    tones = signal.tones
    offset = signal.offset

    def x_mpmath(t: Any) -> mpmath.mpf:
        digits = dps if dps is not None else mpmath.mp.dps
        with mpmath.workdps(digits + 10):
            tt = _mp_time(t)
            two_pi = 2 * mpmath.pi
            total = to_numeric(offset, "mpmath", dps=digits + 10)
            for a, fr, ph in tones:
                arg = two_pi * to_numeric(fr, "mpmath", dps=digits + 10) * tt
                arg += to_numeric(ph, "mpmath", dps=digits + 10)
                total += to_numeric(a, "mpmath", dps=digits + 10) * mpmath.cos(arg)
        with mpmath.workdps(digits):
            return +total

    return x_mpmath


def _mp_time(t: Any) -> mpmath.mpf:
    if isinstance(t, str):
        return to_numeric(parse_expression(t), "mpmath")
    if isinstance(t, (sympy.Basic,)):
        return to_numeric(t, "mpmath")
    return mpmath.mpf(t)


# --------------------------------------------------------------- expansions
def _expansion_parts(expansion: Any) -> tuple:
    from symrelu import Expansion, taylor_coefficients

    if not isinstance(expansion, Expansion):
        raise NumericTypeError(f"expected a symrelu.Expansion (got {type(expansion).__name__})")
    a = taylor_coefficients(expansion.order + 1)
    return a, expansion.center, expansion.activation.linear, expansion.activation.abs_weight


def lambdify_expansion(
    expansion: Any,
    backend: str = "numpy",
    *,
    method: str = "horner",
    dps: int | None = None,
) -> Callable:
    r"""A fast callable of ``t`` evaluating a truncated expansion (eq. 7, generalised).

    .. math:: \lambda x(t) + c\sqrt{C}\sum_{n=0}^{N} a_n g(t)^n, \qquad g = x^2/C - 1

    Parameters
    ----------
    expansion : symrelu.Expansion or symrelu.PiecewiseExpansion
        From :func:`symrelu.expand`; the signal must be numeric. A per-kink expansion
        (ReLU6, hardtanh, ...) is the sum of its parts' callables and its constant.
    backend : {"numpy", "mpmath"}
        ``"numpy"`` is vectorised over array ``t``; ``"mpmath"`` evaluates a
        scalar ``t`` at ``dps`` digits (exact rational a_n, mpmath arithmetic).
    method : {"horner", "spectrum"}
        ``"horner"`` (default): evaluate x(t), then Horner's rule in g; cost
        O(N) per sample. ``"spectrum"``: sum the exact spectrum
        ``c_0 + 2 Re sum c_F exp(2 pi i F t)`` (numpy only; O(number of
        frequencies) per sample, i.e. about 800 cosines at order 50 on the
        paper's signal; an independent path, used to cross-check the first).
    dps : int, optional
        Digits for the mpmath backend (default: ``mpmath.mp.dps`` at call).

    Returns
    -------
    callable

    Notes
    -----
    Floating-point error of the Horner path: each step is
    ``s <- s*g + a_n`` with ``|g| <= 1`` under the peak center, so the computed
    value is within about ``2 N eps sum|a_n|`` (a few 1e-14 at N = 50) of the
    exact truncated series at the computed x(t). With a center for which the
    series diverges (``|g| > 1``) the float result is as meaningless as the series.

    Examples
    --------
    >>> import numpy as np, symrelu as sr
    >>> sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> e = sr.expand(sig, order=50, center="peak")
    >>> f = lambdify_expansion(e)
    >>> t = np.linspace(0, 0.2, 5)
    >>> bool(np.max(np.abs(f(t) - np.maximum(lambdify_signal(sig)(t), 0))) < 0.12)
    True
    """
    _check_backend(backend)
    if method not in ("horner", "spectrum"):
        raise NumericInputError(f"method must be 'horner' or 'spectrum' (got {method!r})")
    from symrelu import PiecewiseExpansion

    if isinstance(expansion, PiecewiseExpansion):   # one expansion per kink, summed
        parts = [lambdify_expansion(p, backend, method=method, dps=dps)
                 for p in expansion.parts]
        constant = expansion.constant

        def summed(t: Any) -> Any:
            if backend == "numpy":
                return to_numeric(constant) + sum(f(t) for f in parts)
            digits = dps if dps is not None else mpmath.mp.dps
            with mpmath.workdps(digits + 10):
                out = to_numeric(constant, "mpmath") + mpmath.fsum(f(t) for f in parts)
            with mpmath.workdps(digits):
                return +out

        return summed
    a, C, lam, c = _expansion_parts(expansion)
    if method == "spectrum":
        if backend != "numpy":
            raise NumericInputError("method='spectrum' is available with backend='numpy' only")
        freqs, coefs = spectrum_arrays(expansion)
        w = 2 * np.pi * freqs
        c0 = coefs[0].real if freqs.size and freqs[0] == 0 else 0.0
        start = 1 if freqs.size and freqs[0] == 0 else 0

        def by_spectrum(t: Any) -> np.ndarray:
            t = np.asarray(t, dtype=float)
            out = np.full(t.shape, c0, dtype=float)
            for wk, ck in zip(w[start:], coefs[start:]):
                arg = wk * t
                out += 2.0 * (ck.real * np.cos(arg) - ck.imag * np.sin(arg))
            return out

        return by_spectrum

    if backend == "numpy":
        x_of_t = lambdify_signal(expansion.signal)
        a_f = np.array([to_numeric(v) for v in a], dtype=float)
        C_f = to_numeric(C)
        lam_f, pref = to_numeric(lam), to_numeric(c * sympy.sqrt(C))

        def horner(t: Any) -> np.ndarray:
            x = x_of_t(t)
            g = x * x
            g /= C_f
            g -= 1.0
            s = np.full(g.shape, a_f[-1])
            for an in a_f[-2::-1]:
                s *= g
                s += an
            s *= pref
            if lam_f:
                s += lam_f * x
            return s

        return horner

    x_mp = lambdify_signal(expansion.signal, "mpmath", dps=dps)

    def horner_mp(t: Any) -> mpmath.mpf:
        digits = dps if dps is not None else mpmath.mp.dps
        with mpmath.workdps(digits + 10):
            x = x_mp(t) if dps is not None else _with_dps(x_mp, t, digits + 10)
            Cm = to_numeric(C, "mpmath")
            g = x * x / Cm - 1
            s = mpmath.mpf(0)
            for an in reversed(a):
                s = s * g + mpmath.mpf(int(an.p)) / int(an.q)
            out = to_numeric(c * sympy.sqrt(C), "mpmath") * s + to_numeric(lam, "mpmath") * x
        with mpmath.workdps(digits):
            return +out

    return horner_mp


def _with_dps(fn: Callable, t: Any, digits: int) -> Any:
    with mpmath.workdps(digits):
        return fn(t)


def spectrum_arrays(expected: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""Frequencies and complex coefficients of an exact spectrum, as float arrays.

    Parameters
    ----------
    expected : symrelu.Expansion, symrelu.PiecewiseExpansion or mapping
        An expansion (its :meth:`~symrelu.Expansion.spectrum`; generic-regime
        multi-indices are mapped to their frequencies k.f) or a mapping
        ``{F: c_F}`` in symrelu's convention
        :math:`y = c_0 + 2\,\mathrm{Re}\sum_{F>0} c_F e^{2\pi i F t}`.
        Values may be sympy, mpmath or plain numbers.

    Returns
    -------
    freqs : ndarray of float, sorted, non-negative
    coefs : ndarray of complex
        Coefficients at equal frequencies (e.g. two multi-indices with the
        same k.f) are added.

    Examples
    --------
    >>> import symrelu as sr
    >>> f, c = spectrum_arrays(sr.expand(sr.MultiTone(amplitudes=[2], frequencies=[3]), order=1))
    >>> f
    array([0., 3., 6.])
    >>> c.real.round(4)
    array([0.7071, 0.5   , 0.1768])
    """
    from symrelu import Expansion, PiecewiseExpansion

    if isinstance(expected, (Expansion, PiecewiseExpansion)):
        spec = expected.spectrum()
        if expected.regime == "generic":
            items = []
            for k, v in spec.items():
                F = expected.model.frequency(k)
                F_num = to_numeric(F)
                if F_num < 0:
                    F_num, v = -F_num, sympy.conjugate(v)
                items.append((F_num, v))
        else:
            items = [(to_numeric(F), v) for F, v in spec.items()]
    elif isinstance(expected, Mapping):
        items = []
        for F, v in expected.items():
            F_num = to_numeric(F)
            if not isinstance(F_num, float):
                raise NumericTypeError(f"frequency {F!r} is not real")
            v_num = to_numeric(v)
            if F_num < 0:
                F_num, v_num = -F_num, complex(v_num).conjugate()
            items.append((F_num, v_num))
    else:
        raise NumericTypeError(
            f"expected an Expansion or a mapping {{frequency: coefficient}} "
            f"(got {type(expected).__name__})"
        )
    acc: dict[float, complex] = {}
    for F, v in items:
        acc[F] = acc.get(F, 0j) + complex(to_numeric(v))
    freqs = np.array(sorted(acc), dtype=float)
    coefs = np.array([acc[F] for F in sorted(acc)], dtype=complex)
    return freqs, coefs


def lambdify_expr(
    expr: Any, t: sympy.Symbol | Sequence[sympy.Symbol] | None = None, backend: str = "numpy"
) -> Callable:
    """Lambdify a sympy closed form of ``t`` (e.g. an exact Fourier series) for evaluation.

    A thin, documented wrapper of :func:`sympy.lambdify` with the ``numpy``
    or ``mpmath`` module, so the one expression built in :mod:`symrelu` is
    evaluated, never re-typed as float code.

    Parameters
    ----------
    expr : sympy.Expr
    t : Symbol or sequence of Symbols, optional
        The arguments; default: the expression's single free symbol.
    backend : {"numpy", "mpmath"}

    Examples
    --------
    >>> import sympy
    >>> t = sympy.Symbol("t", real=True)
    >>> f = lambdify_expr(sympy.Rational(1, 2) + sympy.cos(2 * sympy.pi * t) / 2, t)
    >>> f(np.array([0.0, 0.5]))
    array([1., 0.])
    """
    _check_backend(backend)
    if t is not None:
        args = list(t) if isinstance(t, Sequence) and not isinstance(t, str) else [t]
        bad = [a for a in args if not isinstance(a, sympy.Symbol)]
        if bad:
            raise NumericTypeError(
                f"t must be a sympy Symbol or a sequence of Symbols (got {bad[0]!r})"
            )
    if isinstance(expr, str):
        names = {a.name: a for a in args} if t is not None else {}
        expr = parse_expression(expr, symbols=names)  # symrelu's grammar, never evaluated
    else:
        expr = safe_sympify(expr)
    if not isinstance(expr, sympy.Expr):
        raise NumericTypeError(f"expected a sympy expression (got {type(expr).__name__})")
    if t is None:
        syms = sorted(expr.free_symbols, key=str)
        if len(syms) > 1:
            raise NumericInputError(
                f"the expression has several symbols {syms}: name the arguments"
            )
        t = syms[0] if syms else sympy.Symbol("t", real=True)
        args = [t]
    extra = expr.free_symbols - set(args)
    if extra:
        raise NumericInputError(
            f"the expression has symbols {sorted(map(str, extra))} that are not arguments "
            f"{[str(a) for a in args]}: substitute them or name them in t"
        )
    # sympy.lambdify prints the expression as Python source and runs it: every name in it must
    # be a plain identifier, or a crafted Symbol or Function name would run as code
    names = [a.name for a in args] + [type(f).__name__ for f in expr.atoms(AppliedUndef)]
    odd = [v for v in names if not v.isidentifier() or keyword.iskeyword(v)]
    if odd:
        raise NumericInputError(
            f"symbol and function names must be Python identifiers to be lambdified "
            f"(got {odd[0]!r})"
        )
    fn = sympy.lambdify(args, expr, modules=backend)
    if backend == "numpy" and not expr.free_symbols & set(args):
        const = fn(*([0.0] * len(args)))

        def constant(*vals: Any) -> Any:
            return np.full(np.shape(vals[0]), const)

        return constant
    return fn
