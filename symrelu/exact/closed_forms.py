r"""Closed forms (sympy) for the cases that have one.

Single tone :math:`x = b + A\cos\theta`, :math:`\theta = 2\pi f t + \varphi`,
with :math:`a = |A|`. Without offset,

.. math:: |x| = \frac{2a}{\pi} + \frac{4a}{\pi}\sum_{m\ge1}
          \frac{(-1)^{m+1}}{4m^2-1}\cos 2m\theta

With an offset and :math:`|b| < a`, :math:`\alpha = \arccos(-b/a)`, the cosine
amplitudes of |x| are :math:`\frac{2}{\pi}(b\arcsin\frac{b}{a} + \sqrt{a^2-b^2})`
(DC), :math:`\frac{2}{\pi}(a\arcsin\frac{b}{a} + \frac{b}{a}\sqrt{a^2-b^2})`
(n = 1) and

.. math:: \frac{4}{\pi}\Bigl(\frac{b\sin n\alpha}{n} + \frac{a}{2}\Bigl(
          \frac{\sin(n+1)\alpha}{n+1} + \frac{\sin(n-1)\alpha}{n-1}\Bigr)\Bigr),
          \quad n \ge 2

and :math:`|x| = \operatorname{sign}(b)\,x` when :math:`|b| \ge a`. A negative
A flips the sign of the odd harmonics. Two tones, generic regime, b = 0:
:math:`\overline{|x|} = \frac{4}{\pi^2}(a_1+a_2)E\bigl(\frac{4a_1a_2}{(a_1+a_2)^2}\bigr)`.

Every :class:`~symrelu.PiecewiseLinear` ``a + b x + sum c_j |x - t_j| + sum h_j sign(x - t_j)``
of one tone has a closed form: each kink is the |x| form above with the offset
:math:`b - t_j`, and each jump is :math:`\operatorname{sign}(b - t + a\cos\theta')`, whose
cosine amplitudes for :math:`|b - t| < a`, :math:`\alpha = \arccos((t - b)/a)`, are

.. math:: \frac{2\alpha}{\pi} - 1 \ (\text{DC}), \qquad
          \frac{4\sin n\alpha}{\pi n} \ (n \ge 1),

and sign(b - t) (DC only) when :math:`|b - t| \ge a`.
"""

from __future__ import annotations

from typing import Any

import sympy

from symrelu.activations import PiecewiseLinear, as_activation
from symrelu.errors import SymreluError, ToneSpecError
from symrelu.signal import MultiTone
from symrelu.trigpoly import resolve_regime

__all__ = ["closed_form", "closed_form_dc", "closed_form_coefficient"]


class NoClosedFormError(SymreluError, ValueError):
    """The signal has no closed form here (more than one tone, or two tones with an offset)."""


def _check(signal: Any) -> MultiTone:
    if not isinstance(signal, MultiTone):
        raise ToneSpecError(f"closed forms need a MultiTone (got {type(signal).__name__})")
    return signal


def _single(signal: MultiTone):
    if signal.K != 1:
        raise NoClosedFormError(
            f"the Fourier-series closed form covers a single tone (this signal has {signal.K}); "
            "use symrelu.exact_dc / exact_coefficient for numbers"
        )
    (A, f, phi), = signal.tones
    return A, f, phi, signal.offset


def _abs_amplitude(n, a, b):
    """Cosine amplitude of cos(n theta') in |b + a cos theta'| (a >= 0), n a symbol or int."""
    alpha = sympy.acos(-b / a)
    root = sympy.sqrt(a**2 - b**2)
    if n == 0:
        inside = 2 / sympy.pi * (b * sympy.asin(b / a) + root)
        outside = sympy.Abs(b)
    elif n == 1:
        inside = 2 / sympy.pi * (a * sympy.asin(b / a) + b / a * root)
        outside = sympy.sign(b) * a
    else:
        inside = 4 / sympy.pi * (b * sympy.sin(n * alpha) / n + a / 2 * (
            sympy.sin((n + 1) * alpha) / (n + 1) + sympy.sin((n - 1) * alpha) / (n - 1)))
        outside = sympy.Integer(0)
    if b.is_zero:
        return inside if n in (0, 1) else _zero_offset_amplitude(n, a)
    if (sympy.Abs(b) - a).is_nonnegative:
        return outside
    if (sympy.Abs(b) - a).is_negative:
        return inside
    return sympy.Piecewise((outside, sympy.Abs(b) >= a), (inside, True))


def _sign_amplitude(n, a, b):
    """Cosine amplitude of cos(n theta') in sign(b + a cos theta') (a > 0), n a symbol or int."""
    alpha = sympy.acos(-b / a)
    if n == 0:
        inside = 2 * alpha / sympy.pi - 1
        outside = sympy.sign(b)
    else:
        inside = 4 * sympy.sin(n * alpha) / (sympy.pi * n)
        outside = sympy.Integer(0)
    if (sympy.Abs(b) - a).is_nonnegative:
        return outside
    if (sympy.Abs(b) - a).is_negative:
        return inside
    return sympy.Piecewise((outside, sympy.Abs(b) >= a), (inside, True))


def _pwl(activation: Any):
    act = as_activation(activation)
    if not isinstance(act, PiecewiseLinear):
        raise NoClosedFormError(
            f"closed forms cover piecewise-linear activations, not {act.name!r}; use "
            "symrelu.exact_dc / exact_coefficient for numbers"
        )
    return act


def _zero_offset_amplitude(n, a):
    if isinstance(n, int):
        if n % 2:
            return sympy.Integer(0)
        m = n // 2
        return 4 * a / sympy.pi * sympy.Integer(-1) ** (m + 1) / (4 * m**2 - 1)
    return sympy.Piecewise(
        (4 * a / sympy.pi * (-1) ** (n / 2 + 1) / (n**2 - 1), sympy.Eq(sympy.Mod(n, 2), 0)),
        (0, True),
    )


def closed_form_coefficient(signal: MultiTone, n: Any, activation: Any = "relu") -> sympy.Expr:
    r"""The complex coefficient c_n at harmonic n of a single tone, as a sympy expression.

    Convention: :math:`y = c_0 + 2\,\mathrm{Re}\sum_{n\ge1} c_n e^{2\pi i n f t}`.
    ``n`` may be a non-negative int or a positive integer Symbol (n >= 2 then).

    Examples
    --------
    >>> sig = MultiTone(amplitudes=["A"], frequencies=["w"])
    >>> closed_form_coefficient(sig, 0)
    Abs(A)/pi
    >>> closed_form_coefficient(MultiTone(amplitudes=[1], frequencies=[1]), 4)
    -1/(15*pi)
    >>> closed_form_coefficient(MultiTone(amplitudes=[2], frequencies=[1]), 0, "sign")
    0
    >>> closed_form_coefficient(MultiTone(amplitudes=[2], frequencies=[1]), 1, "hardtanh")
    (sqrt(3)/2 + pi/3)/pi
    """
    A, _f, phi, b = _single(_check(signal))
    act = _pwl(activation)
    a = sympy.Abs(A)
    sgn = sympy.sign(A)
    if isinstance(n, int) and n < 0:
        raise ToneSpecError(f"harmonic number must be >= 0 (got {n}); c_-n is the conjugate")
    if n == 0:
        value = act.intercept + act.linear * b
        value += sum((c * _abs_amplitude(0, a, b - t) for t, c in act.kinks), sympy.Integer(0))
        value += sum((h * _sign_amplitude(0, a, b - t) for t, h in act.jumps), sympy.Integer(0))
        return sympy.simplify(value)
    amp = sum((c * _abs_amplitude(n, a, b - t) for t, c in act.kinks), sympy.Integer(0))
    amp += sum((h * _sign_amplitude(n, a, b - t) for t, h in act.jumps), sympy.Integer(0))
    value = amp * sgn**n / 2 * sympy.exp(sympy.I * n * phi)
    if n == 1:
        value += act.linear * A / 2 * sympy.exp(sympy.I * phi)
    return sympy.simplify(value) if isinstance(n, int) else value


def closed_form_dc(
    signal: MultiTone, activation: Any = "relu", regime: str = "auto"
) -> sympy.Expr:
    r"""The DC in closed form: one tone (any offset), or two tones in the generic regime, b = 0.

    The two-tone form is the torus average. For two commensurate frequencies
    (an exact relation q f1 = p f2: rationals, or pi and 2 pi; ``regime="auto"``
    resolves to periodic, see :func:`symrelu.find_relations`) the time average
    differs by the cross terms of that relation, so the call raises
    :class:`NoClosedFormError`; pass ``regime="generic"`` to ask for the torus
    average anyway.

    Examples
    --------
    >>> closed_form_dc(MultiTone(amplitudes=["A", "B"], frequencies=["u", "v"]))
    2*(Abs(A) + Abs(B))*elliptic_e(4*Abs(A)*Abs(B)/(Abs(A) + Abs(B))**2)/pi**2
    """
    signal = _check(signal)
    act = _pwl(activation)
    if signal.K == 2:
        if resolve_regime(signal, regime) == "periodic":
            h1, h2 = signal.harmonics
            raise NoClosedFormError(
                f"the frequencies {signal.frequencies[0]} and {signal.frequencies[1]} are "
                f"commensurate ({h2}*({signal.frequencies[0]}) = {h1}*({signal.frequencies[1]}), "
                f"base {signal.base_frequency}): the time-average DC differs from the two-tone "
                "torus average; use symrelu.exact_dc, or regime='generic' for the torus average"
            )
        if not signal.offset.is_zero:
            raise NoClosedFormError(
                "the two-tone closed form (elliptic E) needs a zero offset; use symrelu.exact_dc"
            )
        if any(t != 0 for t, _ in (*act.kinks, *act.jumps)):
            raise NoClosedFormError(
                f"the two-tone closed form covers kinks at 0; {act!r} has kinks or jumps "
                "elsewhere (x - t has an offset); use symrelu.exact_dc"
            )
        a1, a2 = (sympy.Abs(A) for A in signal.amplitudes)
        mean_abs = 4 / sympy.pi**2 * (a1 + a2) * sympy.elliptic_e(4 * a1 * a2 / (a1 + a2) ** 2)
        # x -> -x (every phase + pi) leaves the torus: a jump at 0 has mean 0, x has mean 0
        weight = sum((c for _, c in act.kinks), sympy.Integer(0))
        return act.intercept + weight * mean_abs
    return closed_form_coefficient(signal, 0, act)


def closed_form(
    signal: MultiTone, activation: Any = "relu", *, t: Any = None, regime: str = "auto"
) -> sympy.Expr:
    r"""The full Fourier series of ``activation(signal)`` for a single tone, as sympy.

    For two tones (generic regime, zero offset) this returns the DC,
    :func:`closed_form_dc`. The series holds an unevaluated ``Sum`` over m.

    Examples
    --------
    >>> series = closed_form(MultiTone(amplitudes=["A"], frequencies=["w"]))
    >>> sorted(str(term) for term in series.args if not term.has(sympy.Sum))
    ['A*cos(2*pi*t*w)/2', 'Abs(A)/pi']
    >>> series.atoms(sympy.Sum)
    {Sum((-1)**(m + 1)*cos(4*pi*m*t*w)/(4*m**2 - 1), (m, 1, oo))}
    """
    signal = _check(signal)
    if signal.K == 2:
        return closed_form_dc(signal, activation, regime)
    A, f, phi, b = _single(signal)
    act = _pwl(activation)
    t = sympy.Symbol("t", real=True) if t is None else t
    m = sympy.Symbol("m", integer=True, positive=True)
    theta = 2 * sympy.pi * f * t + phi
    a = sympy.Abs(A)
    out = act.intercept + act.linear * (b + A * sympy.cos(theta))
    sgn = sympy.sign(A)
    for t0, c in act.kinks:
        s0 = b - t0
        if s0.is_zero:
            series = 2 * a / sympy.pi + 4 * a / sympy.pi * sympy.Sum(
                (-1) ** (m + 1) / (4 * m**2 - 1) * sympy.cos(2 * m * theta), (m, 1, sympy.oo))
        else:  # with an offset: cos(n theta') = sign(A)^n cos(n theta)
            series = _abs_amplitude(0, a, s0) + _abs_amplitude(1, a, s0) * sgn * sympy.cos(
                theta) + sympy.Sum(_abs_amplitude(m + 1, a, s0) * sgn ** (m + 1)
                                   * sympy.cos((m + 1) * theta), (m, 1, sympy.oo))
        out += c * series
    for t0, h in act.jumps:
        s0 = b - t0
        series = _sign_amplitude(0, a, s0) + sympy.Sum(
            _sign_amplitude(m, a, s0) * sgn**m * sympy.cos(m * theta), (m, 1, sympy.oo))
        out += h * series
    return out
