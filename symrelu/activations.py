r"""Activations: an abstract base, and the piecewise-linear ones as exact data.

Every activation is an :class:`Activation`: frozen, hashable, canonical, with a
``name`` that :func:`as_activation` reads back (``as_activation(act.name) == act``).
Two kinds exist: ``"piecewise_linear"`` (:class:`PiecewiseLinear`, here) and
``"smooth"`` (:class:`symrelu.smooth.Smooth`: GELU, tanh, ...).

A piecewise-linear activation is held in the form the exact engine uses,

.. math:: f(x) = a + b\,x + \sum_j c_j\,|x - t_j| + \sum_j h_j\,\operatorname{sign}(x - t_j)

(intercept ``a``, ``linear`` ``b``, ``kinks`` ``((t_j, c_j), ...)``, ``jumps``
``((t_j, h_j), ...)``), since each ``|x - t_j|`` is the ``|x|`` engine on the signal
with its offset shifted by ``-t_j`` and ``a + b x`` passes the signal through.
``sign(0) = 0``, so ``Heaviside(0) = 1/2``.

The paper's family is the one-kink-at-0 form ``lambda x + c |x|``: ReLU
(``lambda = c = 1/2``), abs (``lambda = 0``, ``c = 1``), LeakyReLU(alpha)
(``lambda = (1 + alpha)/2``, ``c = (1 - alpha)/2``); for it ``.linear`` is lambda,
``.abs_weight`` is c and ``.alpha`` the slope below 0.

Names (:func:`as_activation` strings)
-------------------------------------
``relu``, ``abs``, ``linear`` (``identity``), ``leaky:A`` (``leaky_relu:A``),
``relu6``, ``hardtanh`` / ``hardtanh:LO:HI``, ``clip:LO:HI``, ``deadzone`` /
``deadzone:LO:HI``, ``hardsigmoid``, ``sign`` (``relay``), ``heaviside`` (``step``),
``pwl:A:B:T@C;T@C:T@H`` (any :class:`PiecewiseLinear`: intercept, linear, kinks,
jumps), and every smooth name (``gelu``, ``tanh``, ...; see :mod:`symrelu.smooth`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

import sympy

from symrelu._values import to_exact, value_text
from symrelu.errors import ActivationError, SymreluError
from symrelu.expr_parse import safe_sympify

__all__ = [
    "Activation",
    "PiecewiseLinear",
    "ReLU",
    "Abs",
    "LeakyReLU",
    "Linear",
    "ReLU6",
    "HardTanh",
    "Clip",
    "DeadZone",
    "HardSigmoid",
    "Sign",
    "Heaviside",
    "as_activation",
    "activation_names",
]

_ZERO = sympy.Integer(0)
_HALF = sympy.Rational(1, 2)


class Activation(ABC):
    """Abstract base of every activation: frozen, hashable, canonical.

    Subclasses provide ``name`` (the command-line spelling, read back by
    :func:`as_activation`), ``__call__`` (a sympy expression of ``x``),
    :meth:`latex_name`, :meth:`numpy` (float64 evaluation) and ``kind``
    (``"piecewise_linear"`` or ``"smooth"``).

    Examples
    --------
    >>> isinstance(ReLU(), Activation), ReLU().kind
    (True, 'piecewise_linear')
    """

    __slots__ = ()

    @property
    @abstractmethod
    def name(self) -> str:
        """The canonical command-line spelling (``as_activation(name) == self``)."""

    @property
    @abstractmethod
    def kind(self) -> str:
        """``"piecewise_linear"`` or ``"smooth"``."""

    @abstractmethod
    def __call__(self, x: Any) -> Any:
        """The activation of a sympy expression ``x`` (exact)."""

    @abstractmethod
    def latex_name(self) -> str:
        """The activation's name in LaTeX."""

    @abstractmethod
    def numpy(self, x: Any) -> Any:
        """float64 numpy evaluation at the array ``x``."""


def _exact(value: Any, what: str) -> sympy.Expr:
    try:
        v = to_exact(value, what)
    except SymreluError as exc:
        raise ActivationError(str(exc)) from None
    return v


def _position(value: Any, what: str) -> sympy.Expr:
    """A breakpoint: an exact real number (ordering must be decidable)."""
    t = _exact(value, what)
    if t.free_symbols or t.is_real is not True or not t.is_comparable:
        raise ActivationError(f"{what} must be a real number, got {value_text(value)}")
    return t


def _weight(value: Any, what: str) -> sympy.Expr:
    """A weight: an exact real value (a symbol is allowed; a non-real number is not)."""
    w = _exact(value, what)
    if w.is_real is False or (w.is_number and not w.is_comparable):
        raise ActivationError(f"{what} must be real, got {value_text(value)}")
    return w


def _is_zero(w: sympy.Expr) -> bool:
    return w == 0 or w.is_zero is True


def _terms(items: Any, what: str) -> tuple[tuple[sympy.Expr, sympy.Expr], ...]:
    """Canonical ((t, w), ...): positions exact and sorted, equal positions merged,
    zero weights dropped."""
    if items is None:
        return ()
    if isinstance(items, Mapping):
        pairs = list(items.items())
    elif isinstance(items, Iterable) and not isinstance(items, (str, bytes)):
        pairs = list(items)
    else:
        raise ActivationError(f"{what} must be a mapping {{t: weight}} or pairs (t, weight)")
    merged: dict[sympy.Expr, sympy.Expr] = {}
    for pair in pairs:
        try:
            t_raw, w_raw = pair
        except (TypeError, ValueError):
            raise ActivationError(
                f"{what}: each entry must be a pair (t, weight), got {value_text(pair)}"
            ) from None
        t = _position(t_raw, f"{what} position")
        w = _weight(w_raw, f"{what} weight at {t}")
        merged[t] = sympy.expand(merged.get(t, _ZERO) + w)
    ordered = sorted(merged.items(), key=lambda tw: tw[0])
    return tuple((t, w) for t, w in ordered if not _is_zero(w))


class PiecewiseLinear(Activation):
    r"""A piecewise-linear activation as exact data.

    .. math:: f(x) = a + b\,x + \sum_j c_j\,|x - t_j| + \sum_j h_j\,\operatorname{sign}(x - t_j)

    Parameters
    ----------
    breakpoints : sequence of values
        ``t_1 < t_2 < ... < t_m``, strictly increasing exact real numbers.
    slopes : sequence of values
        ``m + 1`` slopes: below ``t_1``, between consecutive breakpoints, above ``t_m``.
    value : value, default 0
        ``f(t_1)`` (``f(0)`` when there are no breakpoints); f is continuous.
    name : str, optional
        The canonical name, for the named constructors; by default ``pwl:...``
        (read back by :func:`as_activation`). Names take no part in equality:
        ``HardTanh(-1, 1) == Clip(-1, 1)``.

    Attributes
    ----------
    intercept, linear : sympy.Expr
        ``a`` and ``b``.
    kinks : tuple of (t, c)
        Sorted by t, no zero c.
    jumps : tuple of (t, h)
        Sorted by t, no zero h (see :meth:`from_terms`).

    Raises
    ------
    ActivationError
        Breakpoints not strictly increasing or not real numbers, ``len(slopes) !=
        len(breakpoints) + 1``, a value that is not exact or not real.

    Examples
    --------
    >>> r6 = PiecewiseLinear(breakpoints=[0, 6], slopes=[0, 1, 0])
    >>> r6 == ReLU6(), r6.intercept, r6.linear, r6.kinks
    (True, 3, 0, ((0, 1/2), (6, -1/2)))
    >>> PiecewiseLinear(breakpoints=[0], slopes=[0, 1]) == ReLU()
    True
    >>> as_activation(r6.name) == r6
    True
    """

    __slots__ = ("_intercept", "_linear", "_kinks", "_jumps", "_name", "_hash")

    def __init__(
        self,
        breakpoints: Iterable[Any] = (),
        slopes: Iterable[Any] = (0,),
        value: Any = 0,
        *,
        name: str | None = None,
    ) -> None:
        if isinstance(breakpoints, (str, bytes)) or isinstance(slopes, (str, bytes)):
            raise ActivationError("breakpoints and slopes must be sequences of values")
        ts = [_position(t, f"breakpoint {i}") for i, t in enumerate(breakpoints)]
        ss = [_weight(s, f"slope {i}") for i, s in enumerate(slopes)]
        if len(ss) != len(ts) + 1:
            raise ActivationError(
                f"{len(ts)} breakpoints need {len(ts) + 1} slopes, got {len(ss)}"
            )
        for i in range(1, len(ts)):
            if not ts[i] > ts[i - 1]:
                raise ActivationError(
                    f"breakpoints must be strictly increasing: {ts[i - 1]} then {ts[i]}"
                )
        v = _weight(value, "value")
        # s_j = b + sum_{k<=j} c_k - sum_{k>j} c_k: c_j = (s_j - s_{j-1})/2, b = (s_0 + s_m)/2
        b = sympy.expand((ss[0] + ss[-1]) / 2)
        kinks = [(t, sympy.expand((ss[j + 1] - ss[j]) / 2)) for j, t in enumerate(ts)]
        t0 = ts[0] if ts else _ZERO
        a = sympy.expand(v - b * t0 - sum((c * abs(t0 - t) for t, c in kinks), _ZERO))
        self._set(a, b, _terms(kinks, "kinks"), (), name)

    @classmethod
    def from_terms(
        cls,
        intercept: Any = 0,
        linear: Any = 0,
        kinks: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | None = None,
        jumps: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | None = None,
        *,
        name: str | None = None,
    ) -> PiecewiseLinear:
        r"""``a + b x + sum c_j |x - t_j| + sum h_j sign(x - t_j)`` from its terms.

        Parameters
        ----------
        intercept, linear : value
            ``a`` and ``b``.
        kinks, jumps : mapping ``{t: weight}`` or pairs ``(t, weight)``, optional
            Weights at equal positions add; zero weights are dropped.
        name : str, optional
            As for the constructor.

        Examples
        --------
        >>> PiecewiseLinear.from_terms(linear="1/2", kinks={0: "1/2"}) == ReLU()
        True
        >>> PiecewiseLinear.from_terms(intercept="1/2", jumps={0: "1/2"}) == Heaviside()
        True
        >>> PiecewiseLinear.from_terms(kinks=[(0, 1), (0, -1)]).kinks
        ()
        """
        obj = cls.__new__(cls)
        obj._set(
            _weight(intercept, "intercept"),
            _weight(linear, "linear slope"),
            _terms(kinks, "kinks"),
            _terms(jumps, "jumps"),
            name,
        )
        return obj

    def _set(self, a, b, kinks, jumps, name) -> None:
        object.__setattr__(self, "_intercept", sympy.sympify(a))
        object.__setattr__(self, "_linear", sympy.sympify(b))
        object.__setattr__(self, "_kinks", kinks)
        object.__setattr__(self, "_jumps", jumps)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_hash", hash((a, b, kinks, jumps)))

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self):
        return (_rebuild, (self._intercept, self._linear, self._kinks, self._jumps, self._name))

    # -- data ---------------------------------------------------------------------------
    @property
    def intercept(self) -> sympy.Expr:
        """``a``, the constant term."""
        return self._intercept

    @property
    def linear(self) -> sympy.Expr:
        """``b``, the coefficient of ``x`` (lambda in ``lambda x + c |x|``)."""
        return self._linear

    @property
    def kinks(self) -> tuple[tuple[sympy.Expr, sympy.Expr], ...]:
        """``((t_j, c_j), ...)``: the ``c_j |x - t_j|`` terms, sorted, no zero weight."""
        return self._kinks

    @property
    def jumps(self) -> tuple[tuple[sympy.Expr, sympy.Expr], ...]:
        """``((t_j, h_j), ...)``: the ``h_j sign(x - t_j)`` terms, sorted, no zero weight."""
        return self._jumps

    @property
    def kind(self) -> str:
        """``"piecewise_linear"``."""
        return "piecewise_linear"

    @property
    def is_kink_at_zero(self) -> bool:
        """True for the paper's form ``lambda x + c |x|`` (intercept 0, no jumps, kinks
        only at 0): ReLU, abs, LeakyReLU, and Linear (``c = 0``).

        Examples
        --------
        >>> ReLU().is_kink_at_zero, Linear().is_kink_at_zero, ReLU6().is_kink_at_zero
        (True, True, False)
        """
        return (
            _is_zero(self._intercept)
            and not self._jumps
            and all(t == 0 for t, _ in self._kinks)
        )

    @property
    def is_continuous(self) -> bool:
        """True when there are no jumps."""
        return not self._jumps

    def _require_kink_at_zero(self, what: str) -> None:
        if not self.is_kink_at_zero:
            raise ActivationError(
                f"{what} is defined for the one-kink-at-0 form lambda*x + c*|x| only, "
                f"not for {self!r}"
            )

    @property
    def abs_weight(self) -> sympy.Expr:
        """``c`` in ``lambda x + c |x|`` (one-kink-at-0 form only; 0 for Linear).

        Raises
        ------
        ActivationError
            For any other activation (use :attr:`kinks`).

        Examples
        --------
        >>> ReLU().abs_weight, LeakyReLU("0.1").abs_weight
        (1/2, 9/20)
        """
        self._require_kink_at_zero("abs_weight")
        return self._kinks[0][1] if self._kinks else _ZERO

    @property
    def alpha(self) -> sympy.Expr:
        """The slope below zero, ``linear - abs_weight`` (0 for ReLU, -1 for abs).

        Examples
        --------
        >>> LeakyReLU("0.1").alpha, ReLU().alpha
        (1/10, 0)
        """
        return self.linear - self.abs_weight

    def breakpoints(self) -> tuple[sympy.Expr, ...]:
        """Every kink and jump position, sorted.

        Examples
        --------
        >>> HardSigmoid().breakpoints()
        (-3, 3)
        """
        return tuple(sorted({t for t, _ in self._kinks} | {t for t, _ in self._jumps}))

    def slopes(self) -> tuple[sympy.Expr, ...]:
        """The slopes below, between and above :meth:`breakpoints`.

        Examples
        --------
        >>> ReLU6().slopes()
        (0, 1, 0)
        """
        ts = self.breakpoints()
        out = []
        for j in range(len(ts) + 1):
            s = self._linear
            for t, c in self._kinks:
                s += c if (j > 0 and t <= ts[j - 1]) else -c
            out.append(sympy.expand(s))
        return tuple(out)

    # -- Activation API -----------------------------------------------------------------
    @property
    def name(self) -> str:
        """The canonical name (``relu``, ``relu6``, ``hardtanh:-1:1``, ``pwl:...``)."""
        if self._name is not None:
            return self._name
        return _pwl_name(self)

    def __call__(self, x: Any) -> Any:
        """The activation of ``x`` as a sympy expression (``Abs`` and ``sign`` terms).

        Examples
        --------
        >>> import sympy
        >>> ReLU6()(sympy.Integer(8)), HardTanh()(sympy.Rational(1, 3)), Sign()(sympy.Integer(0))
        (6, 1/3, 0)
        """
        x = safe_sympify(x)  # a string is parsed, never evaluated
        out = self._intercept + self._linear * x
        for t, c in self._kinks:
            out += c * sympy.Abs(x - t)
        for t, h in self._jumps:
            out += h * sympy.sign(x - t)
        return out

    def numpy(self, x: Any) -> Any:
        """float64 evaluation (numpy imported here); weights must be numbers.

        Examples
        --------
        >>> import numpy as np
        >>> ReLU6().numpy(np.array([-1.0, 2.5, 7.0])).tolist()
        [0.0, 2.5, 6.0]
        """
        import numpy as np

        def f(v: sympy.Expr) -> float:
            if not v.is_number:
                raise ActivationError(f"{self!r} has a symbolic weight; numpy needs numbers")
            return float(sympy.N(v, 20))

        x = np.asarray(x, dtype=np.float64)
        out = np.full_like(x, f(self._intercept)) + f(self._linear) * x
        for t, c in self._kinks:
            out = out + f(c) * np.abs(x - f(t))
        for t, h in self._jumps:
            out = out + f(h) * np.sign(x - f(t))
        return out

    def latex_name(self) -> str:
        """The activation's name in LaTeX.

        Examples
        --------
        >>> ReLU().latex_name(), HardTanh().latex_name()
        ('\\\\mathrm{ReLU}', '\\\\mathrm{HardTanh}_{[-1, 1]}')
        """
        key, args = _split_name(self.name)
        p = [sympy.latex(a) for a in args]
        simple = {
            "relu": r"\mathrm{ReLU}",
            "abs": r"\left|\cdot\right|",
            "linear": r"\mathrm{id}",
            "relu6": r"\mathrm{ReLU6}",
            "hardsigmoid": r"\mathrm{HardSigmoid}",
            "sign": r"\operatorname{sign}",
            "heaviside": r"\theta",
        }
        if key in simple:
            return simple[key]
        if key == "leaky":
            return r"\mathrm{LeakyReLU}_{" + p[0] + "}"
        if key in ("hardtanh", "clip", "deadzone"):
            label = {"hardtanh": "HardTanh", "clip": "clip", "deadzone": "DeadZone"}[key]
            return rf"\mathrm{{{label}}}_{{[{p[0]}, {p[1]}]}}"
        return r"\mathrm{PWL}"

    # -- value semantics ----------------------------------------------------------------
    def _key(self) -> tuple:
        return (self._intercept, self._linear, self._kinks, self._jumps)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PiecewiseLinear):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        key, args = _split_name(self.name)
        simple = {"relu": "ReLU", "abs": "Abs", "linear": "Linear", "relu6": "ReLU6",
                  "hardsigmoid": "HardSigmoid", "sign": "Sign", "heaviside": "Heaviside"}
        if key in simple:
            return simple[key] + "()"
        named = {"leaky": "LeakyReLU", "hardtanh": "HardTanh", "clip": "Clip",
                 "deadzone": "DeadZone"}
        if key in named:
            return f"{named[key]}({', '.join(str(a) for a in args)})"
        return (
            f"PiecewiseLinear.from_terms(intercept={self._intercept}, linear={self._linear}, "
            f"kinks={_pairs_text(self._kinks)}, jumps={_pairs_text(self._jumps)})"
        )


def _rebuild(a, b, kinks, jumps, name) -> PiecewiseLinear:
    obj = PiecewiseLinear.__new__(PiecewiseLinear)
    obj._set(a, b, kinks, jumps, name)
    return obj


def _pairs_text(pairs) -> str:
    return "{" + ", ".join(f"{t}: {w}" for t, w in pairs) + "}"


def _pwl_name(act: PiecewiseLinear) -> str:
    def text(v: sympy.Expr) -> str:
        return str(v).replace(" ", "")

    kinks = ";".join(f"{text(t)}@{text(c)}" for t, c in act.kinks)
    jumps = ";".join(f"{text(t)}@{text(h)}" for t, h in act.jumps)
    return f"pwl:{text(act.intercept)}:{text(act.linear)}:{kinks}:{jumps}"


def _split_name(name: str) -> tuple[str, tuple[sympy.Expr, ...]]:
    parts = name.split(":")
    key = parts[0]
    if key in ("leaky", "hardtanh", "clip", "deadzone"):
        return key, tuple(_param(p, f"{key} parameter") for p in parts[1:])
    return key, ()


def _param(text: str, what: str) -> sympy.Expr:
    """A parameter in a name: to_exact's grammar, or (for what ``str()`` prints of other
    exact values, e.g. ``1+sqrt(2)``) the safe expression reader."""
    text = text.strip()
    try:
        return to_exact(text, what)
    except SymreluError:
        pass
    from symrelu.expr_parse import parse_expression

    try:
        value = parse_expression(text)
    except SymreluError as exc:
        raise ActivationError(f"{what}: {exc}") from None
    if not isinstance(value, sympy.Expr):
        raise ActivationError(f"{what}: {value_text(text)} is not a value")
    return value


def _text(v: sympy.Expr) -> str:
    return str(v).replace(" ", "")


# -- the named constructors ---------------------------------------------------------------
def ReLU() -> PiecewiseLinear:  # noqa: N802 - reads like a class at call sites
    """ReLU(x) = max(x, 0) = x/2 + ``|x|``/2.

    Examples
    --------
    >>> import sympy
    >>> ReLU()(sympy.Integer(-3)), ReLU()(sympy.Integer(2))
    (0, 2)
    """
    return PiecewiseLinear.from_terms(linear=_HALF, kinks={0: _HALF}, name="relu")


def Abs() -> PiecewiseLinear:  # noqa: N802
    """abs(x) = ``|x|``.

    Examples
    --------
    >>> import sympy
    >>> Abs()(sympy.Integer(-3))
    3
    """
    return PiecewiseLinear.from_terms(kinks={0: 1}, name="abs")


def LeakyReLU(alpha: Any) -> PiecewiseLinear:  # noqa: N802
    """LeakyReLU_alpha(x) = x for x >= 0, alpha*x below: ((1+alpha) x + (1-alpha)|x|)/2.

    Parameters
    ----------
    alpha : value
        The slope for negative inputs; any exact value (floats are taken as the
        decimal they print as). ``alpha = 0`` is ReLU, ``alpha = -1`` is abs.

    Examples
    --------
    >>> LeakyReLU(0.1)
    LeakyReLU(1/10)
    >>> LeakyReLU(0.1).name
    'leaky:1/10'
    """
    a = _weight(alpha, "LeakyReLU slope alpha")
    return PiecewiseLinear.from_terms(
        linear=(1 + a) / 2, kinks={0: (1 - a) / 2}, name=f"leaky:{_text(a)}"
    )


def Linear() -> PiecewiseLinear:  # noqa: N802
    """The identity, ``x`` (name ``"linear"``).

    Examples
    --------
    >>> Linear().linear, Linear().kinks, Linear().abs_weight
    (1, (), 0)
    """
    return PiecewiseLinear.from_terms(linear=1, name="linear")


def _interval(lo: Any, hi: Any, what: str) -> tuple[sympy.Expr, sympy.Expr]:
    a = _position(lo, f"{what} lower limit")
    b = _position(hi, f"{what} upper limit")
    if not a < b:
        raise ActivationError(f"{what} needs lo < hi, got lo = {a}, hi = {b}")
    return a, b


def HardTanh(lo: Any = -1, hi: Any = 1) -> PiecewiseLinear:  # noqa: N802
    """clip(x, lo, hi) = (lo + hi)/2 + ``|x - lo|``/2 - ``|x - hi|``/2 (torch's hardtanh).

    Examples
    --------
    >>> HardTanh()
    HardTanh(-1, 1)
    >>> HardTanh().intercept, HardTanh().kinks
    (0, ((-1, 1/2), (1, -1/2)))
    """
    a, b = _interval(lo, hi, "HardTanh")
    return PiecewiseLinear.from_terms(
        intercept=(a + b) / 2, kinks={a: _HALF, b: -_HALF},
        name=f"hardtanh:{_text(a)}:{_text(b)}",
    )


def Clip(lo: Any, hi: Any) -> PiecewiseLinear:  # noqa: N802
    """clip(x, lo, hi), the saturation: the same function as :func:`HardTanh` (equal to it),
    named ``clip:lo:hi``.

    Examples
    --------
    >>> Clip(0, 1), Clip(0, 1) == HardTanh(0, 1)
    (Clip(0, 1), True)
    """
    a, b = _interval(lo, hi, "Clip")
    return PiecewiseLinear.from_terms(
        intercept=(a + b) / 2, kinks={a: _HALF, b: -_HALF}, name=f"clip:{_text(a)}:{_text(b)}"
    )


def DeadZone(lo: Any = -1, hi: Any = 1) -> PiecewiseLinear:  # noqa: N802
    """0 on [lo, hi], x - lo below, x - hi above: x - clip(x, lo, hi).

    Examples
    --------
    >>> import sympy
    >>> d = DeadZone()
    >>> d(sympy.Integer(3)), d(sympy.Rational(1, 2)), d(sympy.Integer(-2))
    (2, 0, -1)
    """
    a, b = _interval(lo, hi, "DeadZone")
    return PiecewiseLinear.from_terms(
        intercept=-(a + b) / 2, linear=1, kinks={a: -_HALF, b: _HALF},
        name=f"deadzone:{_text(a)}:{_text(b)}",
    )


def ReLU6() -> PiecewiseLinear:  # noqa: N802
    """min(max(x, 0), 6) = 3 + ``|x|``/2 - ``|x - 6|``/2.

    Examples
    --------
    >>> ReLU6().intercept, ReLU6().kinks
    (3, ((0, 1/2), (6, -1/2)))
    """
    return PiecewiseLinear.from_terms(intercept=3, kinks={0: _HALF, 6: -_HALF}, name="relu6")


def HardSigmoid() -> PiecewiseLinear:  # noqa: N802
    """torch's hardsigmoid, relu6(x + 3)/6 = 1/2 + ``|x + 3|``/12 - ``|x - 3|``/12.

    Examples
    --------
    >>> HardSigmoid().intercept, HardSigmoid().kinks
    (1/2, ((-3, 1/12), (3, -1/12)))
    """
    w = sympy.Rational(1, 12)
    return PiecewiseLinear.from_terms(intercept=_HALF, kinks={-3: w, 3: -w}, name="hardsigmoid")


def Sign() -> PiecewiseLinear:  # noqa: N802
    """sign(x), the relay: -1, 0 (at 0), 1.

    Examples
    --------
    >>> Sign().jumps
    ((0, 1),)
    """
    return PiecewiseLinear.from_terms(jumps={0: 1}, name="sign")


def Heaviside() -> PiecewiseLinear:  # noqa: N802
    """The unit step, 1/2 + sign(x)/2 (so Heaviside(0) = 1/2).

    Examples
    --------
    >>> import sympy
    >>> Heaviside()(sympy.Integer(0)), Heaviside()(sympy.Integer(-2))
    (1/2, 0)
    """
    return PiecewiseLinear.from_terms(intercept=_HALF, jumps={0: _HALF}, name="heaviside")


_SIMPLE = {
    "relu": ReLU,
    "abs": Abs,
    "linear": Linear,
    "identity": Linear,
    "relu6": ReLU6,
    "hardsigmoid": HardSigmoid,
    "hard_sigmoid": HardSigmoid,
    "sign": Sign,
    "relay": Sign,
    "heaviside": Heaviside,
    "step": Heaviside,
}
_WITH_LIMITS = {"hardtanh": HardTanh, "clip": Clip, "deadzone": DeadZone}
_LEAKY = ("leaky_relu", "leakyrelu", "leaky")

_PL_NAMES = (
    "relu", "abs", "linear", "identity", "leaky:A", "leaky_relu:A", "relu6", "hardtanh",
    "hardtanh:LO:HI", "clip:LO:HI", "deadzone", "deadzone:LO:HI", "hardsigmoid", "sign",
    "relay", "heaviside", "step", "pwl:A:B:T@C;...:T@H;...",
)


def activation_names() -> tuple[str, ...]:
    """The spellings :func:`as_activation` reads: the piecewise-linear ones, then the
    smooth ones of :mod:`symrelu.smooth` (where it lists them).

    Examples
    --------
    >>> activation_names()[:3]
    ('relu', 'abs', 'linear')
    """
    from symrelu import smooth

    extra = getattr(smooth, "SMOOTH_NAMES", ())
    return _PL_NAMES + tuple(extra)


def _parse_pwl(key: str) -> PiecewiseLinear:
    parts = key.split(":")
    if len(parts) != 5:
        raise ActivationError(
            f"a 'pwl:' name has the form pwl:A:B:T@C;T@C:T@H (intercept, linear, kinks, "
            f"jumps), got {value_text(key)}"
        )

    def pairs(field: str, what: str) -> list[tuple[sympy.Expr, sympy.Expr]]:
        out = []
        for item in filter(None, (s.strip() for s in field.split(";"))):
            if item.count("@") != 1:
                raise ActivationError(f"{what}: each entry is T@WEIGHT, got {value_text(item)}")
            t, w = item.split("@")
            out.append((_param(t, f"{what} position"), _param(w, f"{what} weight")))
        return out

    return PiecewiseLinear.from_terms(
        intercept=_param(parts[1], "pwl intercept") if parts[1].strip() else 0,
        linear=_param(parts[2], "pwl linear slope") if parts[2].strip() else 0,
        kinks=pairs(parts[3], "pwl kinks"),
        jumps=pairs(parts[4], "pwl jumps"),
    )


def as_activation(activation: Any) -> Activation:
    """Resolve an activation name (see the module docstring) or pass an :class:`Activation`.

    Parameters
    ----------
    activation : str or Activation
        A name such as ``"relu"``, ``"leaky:0.1"``, ``"hardtanh:-2:2"``, ``"gelu"``.

    Raises
    ------
    ActivationError
        An unknown name (the message lists the names), or bad parameters.

    Examples
    --------
    >>> as_activation("leaky_relu:0.2")
    LeakyReLU(1/5)
    >>> as_activation("hardtanh"), as_activation("clip:0:1"), as_activation("step")
    (HardTanh(-1, 1), Clip(0, 1), Heaviside())
    >>> as_activation(ReLU6().name) == ReLU6()
    True
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        key = activation.strip().lower()
        if key in _SIMPLE:
            return _SIMPLE[key]()
        head, _, rest = key.partition(":")
        head = head.strip()
        if head in _LEAKY and rest:
            return LeakyReLU(_param(rest, "LeakyReLU slope alpha"))
        if head in _WITH_LIMITS:
            if not rest and head != "clip":
                return _WITH_LIMITS[head]()
            limits = rest.split(":")
            if len(limits) != 2:
                raise ActivationError(
                    f"{head} takes two limits, {head}:LO:HI, got {value_text(activation)}"
                )
            return _WITH_LIMITS[head](
                _param(limits[0], f"{head} lower limit"), _param(limits[1], f"{head} upper limit")
            )
        if head == "pwl":
            return _parse_pwl(activation.strip())
        from symrelu.smooth import smooth_activation

        found = smooth_activation(activation.strip())
        if found is not None:
            return found
    raise ActivationError(
        f"unknown activation {value_text(activation)}: use one of "
        + ", ".join(activation_names())
        + ", or an Activation object"
    )
