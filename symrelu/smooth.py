r"""Smooth activations: GELU, SiLU, tanh, sigmoid, softplus, ELU, SELU, Mish, and yours.

A :class:`Smooth` activation is an exact sympy expression of ``x`` together with
what the proofs need:

* an evaluator on python-flint :class:`flint.acb` balls (:meth:`Smooth.acb`) that
  honours ``acb.integral``'s ``analytic`` flag: where the ball may touch a point
  at which the function is not holomorphic (a branch cut, the break of ELU at 0)
  it returns a non-finite ball, and poles give non-finite balls by themselves;
* where it is analytic: :attr:`Smooth.radius` (the Taylor radius at 0),
  :attr:`Smooth.strip` (the half-width of the strip around the real axis free of
  singularities) and :attr:`Smooth.breaks` (real points where it is not
  analytic: ELU and SELU at 0, analytic on each side);
* :meth:`Smooth.pieces`: the analytic pieces between the breaks, each with its
  own entire or meromorphic evaluator.

* ``gelu``: ``x (1 + erf(x/sqrt 2)) / 2``, entire;
* ``gelu_tanh``: ``x (1 + tanh(sqrt(2/pi)(x + a x^3))) / 2``, a = 0.044715 (torch's
  ``approximate='tanh'``): poles, the nearest at -0.6344 +- 2.7548i and 0.6344 +- 2.7548i
  (radius > 2.826, strip > 2.754);
* ``silu`` (alias ``swish``): ``x sigmoid(x)``, poles at i pi (2k + 1) (radius and strip pi);
* ``tanh``: poles at i pi/2 + i k pi (radius and strip pi/2);
* ``sigmoid``: ``1 / (1 + e^-x)``, poles at i pi (2k + 1);
* ``softplus``: ``log(1 + e^x)``, branch points at i pi (2k + 1);
* ``mish``: ``x tanh(softplus(x))``, poles at log(2)/2 +- 3 i pi/4 + 2 i k pi;
* ``elu`` (``elu:A`` for alpha = A): ``x`` above 0, ``alpha (e^x - 1)`` below: a break at 0;
* ``selu``: ``scale * elu_alpha(x)`` with torch's decimal constants: a break at 0.

Mish is written ``x u(u + 2)/(u(u + 2) + 2)`` with ``u = e^x`` (the same function:
``tanh(log w) = (w^2 - 1)/(w^2 + 1)``), so its ball evaluator has no branch cut.

Your own: ``Smooth(expr)`` for a sympy expression of the symbol ``x`` (any
symbol named ``x``), real on the reals, built from the functions in
:data:`ACB_FUNCTIONS`; its ball evaluator walks the expression tree. Its
canonical name is ``smooth:<expr>``, which :func:`symrelu.as_activation` reads
back (through :func:`symrelu.expr_parse.parse_expression`, never ``eval``).

Nothing here imports numpy or python-flint at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from symrelu._values import to_exact, value_text
from symrelu.activations import Activation
from symrelu.errors import ActivationError, SymreluError
from symrelu.expr_parse import safe_sympify

__all__ = [
    "Smooth",
    "GELU",
    "GELUTanh",
    "SiLU",
    "Swish",
    "Tanh",
    "Sigmoid",
    "Softplus",
    "ELU",
    "SELU",
    "Mish",
    "smooth_activation",
    "SMOOTH_NAMES",
    "ACB_FUNCTIONS",
    "X",
]

#: The symbol every smooth activation is an expression of.
X = sympy.Symbol("x", real=True)

#: The spellings :func:`smooth_activation` reads.
SMOOTH_NAMES = (
    "gelu", "gelu_tanh", "silu", "swish", "tanh", "sigmoid", "softplus", "elu", "elu:A",
    "selu", "mish", "smooth:EXPR",
)

#: torch's constants for GELU(approximate='tanh') and SELU, as the decimals they print as.
GELU_TANH_A = sympy.Rational(44715, 10**6)
SELU_ALPHA = sympy.Rational("1.6732632423543772848170429916717")
SELU_SCALE = sympy.Rational("1.0507009873554804934193349852946")

_OO = sympy.oo
_PI = sympy.pi
_HALF = sympy.Rational(1, 2)
_ZERO = sympy.Integer(0)


# --- ball evaluation of expression trees ------------------------------------------------------

def _acb_unary(name: str, branch: bool = False) -> Callable:
    if branch:
        return lambda z, analytic: getattr(z, name)(analytic=analytic)
    return lambda z, analytic: getattr(z, name)()


#: sympy function -> acb evaluation (``branch``: the function has a branch cut, so the
#: ``analytic`` flag is forwarded and a ball touching the cut is non-finite). Each is in
#: the grammar of :func:`symrelu.expr_parse.parse_expression`, so ``smooth:<expr>`` reads back.
ACB_FUNCTIONS: dict = {
    sympy.exp: _acb_unary("exp"),
    sympy.log: _acb_unary("log", branch=True),
    sympy.sin: _acb_unary("sin"),
    sympy.cos: _acb_unary("cos"),
    sympy.tan: _acb_unary("tan"),
    sympy.sinh: _acb_unary("sinh"),
    sympy.cosh: _acb_unary("cosh"),
    sympy.tanh: _acb_unary("tanh"),
    sympy.atan: _acb_unary("atan"),
    sympy.asinh: _acb_unary("asinh"),
    sympy.erf: _acb_unary("erf"),
    sympy.erfc: _acb_unary("erfc"),
    sympy.sec: _acb_unary("sec"),
    sympy.csc: _acb_unary("csc"),
    sympy.cot: _acb_unary("cot"),
    sympy.asin: _acb_unary("asin", branch=True),
    sympy.acos: _acb_unary("acos", branch=True),
    sympy.atanh: _acb_unary("atanh", branch=True),
    sympy.acosh: _acb_unary("acosh", branch=True),
}


def _constant_acb(value: sympy.Expr):
    import flint

    from symrelu.exact.balls import arb_of

    re, im = value.as_real_imag()
    try:
        return flint.acb(arb_of(re), arb_of(im))
    except SymreluError as exc:
        raise ActivationError(f"the constant {value} has no ball evaluation: {exc}") from None


def _compile(expr: sympy.Expr) -> Callable:
    """A function (z: acb, analytic: bool) -> acb for ``expr``, or ActivationError."""
    if not expr.has(X):
        if not expr.is_number:
            raise ActivationError(f"{expr} is not a number")
        cache: dict = {}

        def const(z, analytic, _v=expr):
            import flint

            prec = flint.ctx.prec
            if prec not in cache:
                cache[prec] = _constant_acb(_v)
            return cache[prec]
        return const
    if expr == X:
        return lambda z, analytic: z
    if isinstance(expr, sympy.Add):
        parts = [_compile(a) for a in expr.args]

        def add(z, analytic):
            out = parts[0](z, analytic)
            for p in parts[1:]:
                out = out + p(z, analytic)
            return out
        return add
    if isinstance(expr, sympy.Mul):
        parts = [_compile(a) for a in expr.args]

        def mul(z, analytic):
            out = parts[0](z, analytic)
            for p in parts[1:]:
                out = out * p(z, analytic)
            return out
        return mul
    if isinstance(expr, sympy.Pow):
        base, e = expr.args
        fb = _compile(base)
        if isinstance(e, sympy.Integer):
            k = int(e)
            if k >= 0:
                return lambda z, analytic: fb(z, analytic) ** k
            return lambda z, analytic: 1 / fb(z, analytic) ** (-k)
        if e == sympy.S.Half:
            return lambda z, analytic: fb(z, analytic).sqrt(analytic=analytic)
        if not e.has(X):
            fe = _compile(e)
            return lambda z, analytic: fb(z, analytic).pow(fe(z, analytic), analytic=analytic)
        fe = _compile(e)
        return lambda z, analytic: (fe(z, analytic) * fb(z, analytic).log(analytic=analytic)).exp()
    func = ACB_FUNCTIONS.get(expr.func)
    if func is not None and len(expr.args) == 1:
        inner = _compile(expr.args[0])
        return lambda z, analytic: func(inner(z, analytic), analytic)
    raise ActivationError(
        f"no ball evaluation for {type(expr).__name__} in {expr}: a smooth activation is "
        "built from +, *, powers and " + ", ".join(sorted(f.__name__ for f in ACB_FUNCTIONS))
        + " (piecewise-linear ones: symrelu.PiecewiseLinear)"
    )


# --- the named activations' evaluators --------------------------------------------------------

def _acb_sigmoid(z, analytic):
    return 1 / (1 + (-z).exp())


def _acb_softplus(z, analytic):
    # principal log(1 + e^z): analytic in the strip |Im z| < pi (the cut of the principal
    # branch meets it nowhere); a ball touching the cut is non-finite with analytic=True
    return (1 + z.exp()).log(analytic=analytic)


def _acb_mish(z, analytic):
    u = z.exp()
    w = u * (u + 2)
    return z * w / (w + 2)


def _gelu_acb(z, analytic):
    import flint

    return z * (1 + (z / flint.arb(2).sqrt()).erf()) / 2


def _gelu_tanh_acb(z, analytic):
    import flint

    c = (2 / flint.arb.pi()).sqrt()
    a = flint.arb(flint.fmpq(44715, 10**6))
    return z * (1 + (c * (z + a * z**3)).tanh()) / 2


# --- numpy evaluators (numpy imported inside) --------------------------------------------------

def _np_erf(v):
    import math

    import numpy as np

    return np.vectorize(math.erf, otypes=[float])(v)


def _np(name: str, alpha: float = 1.0, scale: float = 1.0) -> Callable:
    def f(x):
        import numpy as np

        x = np.asarray(x, dtype=float)
        if name == "gelu":
            return x * (1 + _np_erf(x / np.sqrt(2))) / 2
        if name == "gelu_tanh":
            return x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))) / 2
        if name == "silu":
            return x * (1 + np.tanh(x / 2)) / 2
        if name == "tanh":
            return np.tanh(x)
        if name == "sigmoid":
            return (1 + np.tanh(x / 2)) / 2
        if name == "softplus":
            return np.logaddexp(0.0, x)
        if name == "mish":
            return x * np.tanh(np.logaddexp(0.0, x))
        # elu, selu
        return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    return f


class _Spec:
    """What a named activation knows beyond its expression."""

    __slots__ = ("name", "latex", "repr", "acb", "numpy", "radius", "strip", "breaks", "pieces",
                 "parity", "singularities")

    def __init__(self, **kw: Any) -> None:
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


# --- the class ----------------------------------------------------------------------------------

class Smooth(Activation):
    r"""A smooth activation: an exact sympy expression of ``x`` with a ball evaluator.

    Parameters
    ----------
    expr : sympy expression
        A function of the symbol ``x`` alone (any symbol named ``x``; a string is
        read by :func:`symrelu.expr_parse.parse_expression`), real on the reals,
        built from ``+``, ``*``, powers and the functions of
        :data:`ACB_FUNCTIONS`. Floats are taken as the decimal they print as.
    name : str, optional
        A display label (``repr``, LaTeX); the canonical :attr:`name` is
        ``smooth:<expr>`` (or the named activation's, when ``expr`` is one of
        them: ``Smooth(sympy.tanh(x)) == Tanh()``).

    Raises
    ------
    ActivationError
        Another free symbol, a function with no ball evaluation (``Abs``,
        ``Piecewise``, ``besselj``, ...), or a value that is not real at a real x.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> act = Smooth(x * sympy.tanh(x))
    >>> act.name, act.kind, act(2)
    ('smooth:x*tanh(x)', 'smooth', 2*tanh(2))
    >>> Smooth(sympy.tanh(x)) == Tanh(), GELU().radius, Tanh().strip
    (True, oo, pi/2)
    """

    __slots__ = ("_expr", "_spec", "_label", "_hash", "_fn")

    def __init__(self, expr: Any, name: str | None = None) -> None:
        e = _user_expr(expr)
        spec = _NAMED_BY_EXPR().get(e)
        if spec is None:
            fn = _compile(e)
            _check_real(e)
            _check_finite(fn, e)
            spec = _Spec(name=None, acb=fn, radius=None, strip=None, breaks=(), pieces=None,
                         parity=_parity(e), singularities="unknown (decided by ball checks)")
        self._set(e, spec, name)

    @classmethod
    def _named(cls, expr: sympy.Expr, spec: _Spec) -> Smooth:
        obj = cls.__new__(cls)
        obj._set(expr, spec, None)
        return obj

    def _set(self, expr: sympy.Expr, spec: _Spec, label: str | None) -> None:
        object.__setattr__(self, "_expr", expr)
        object.__setattr__(self, "_spec", spec)
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_hash", hash(("smooth", expr)))
        object.__setattr__(self, "_fn", None)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self):
        return (_rebuild, (self.name,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Smooth) and self._expr == other._expr

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        if self._spec.repr is not None:
            return self._spec.repr
        if self._label is not None:
            return f"Smooth({self._expr}, name={self._label!r})"
        return f"Smooth({self._expr})"

    # -- Activation API ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The canonical name: ``gelu``, ``elu:1/2``, ..., or ``smooth:<expr>``."""
        if self._spec.name is not None:
            return self._spec.name
        return "smooth:" + str(self._expr)

    @property
    def kind(self) -> str:
        """``"smooth"``."""
        return "smooth"

    @property
    def expr(self) -> sympy.Expr:
        """The exact expression of :data:`X` (``x``, real)."""
        return self._expr

    def __call__(self, x: Any) -> Any:
        """The activation of ``x`` as an exact sympy expression.

        Examples
        --------
        >>> Sigmoid()(0), Softplus()(0), ELU()(-1)
        (1/2, log(2), -1 + exp(-1))
        """
        return self._expr.subs(X, safe_sympify(x))  # a string is parsed, never evaluated

    def latex_name(self) -> str:
        r"""The name in LaTeX (``\mathrm{GELU}``; a user's expression as ``x \mapsto ...``)."""
        if self._spec.latex is not None:
            return self._spec.latex
        if self._label is not None:
            return r"\mathrm{" + self._label.replace("_", r"\_") + "}"
        return r"\left(x \mapsto " + sympy.latex(self._expr) + r"\right)"

    def numpy(self, x: Any) -> Any:
        """float64 evaluation at the array ``x`` (numpy imported here).

        Examples
        --------
        >>> float(Tanh().numpy(0.5)), float(GELU().numpy(1.0))
        (0.46211715726000974, 0.8413447460685429)
        """
        if self._spec.numpy is not None:
            return self._spec.numpy(x)
        import math

        import numpy as np

        f = sympy.lambdify(X, self._expr, modules=[{"erf": np.vectorize(math.erf),
                                                      "erfc": np.vectorize(math.erfc)}, "numpy"])
        return np.asarray(f(np.asarray(x, dtype=float)), dtype=float) + 0 * np.asarray(x, float)

    # -- what the proofs need ------------------------------------------------------------------
    def acb(self, z: Any, analytic: bool = False) -> Any:
        """f(z) on a :class:`flint.acb` ball at the current Arb precision.

        With ``analytic=True`` the result is non-finite unless f is proven
        holomorphic on the ball (``acb.integral``'s contract): a ball touching a
        branch cut (softplus, a user's ``log``) or a break (ELU at 0), and poles
        (tanh at i pi/2), give ``nan`` or an infinite ball.

        Examples
        --------
        >>> import flint
        >>> Tanh().acb(flint.acb(0, 1)).imag.contains(flint.arb(1).tan())
        True
        >>> Tanh().acb(flint.acb(0, flint.arb.pi() / 2), True).is_finite()
        False
        """
        import flint

        z = flint.acb(z)
        if self._spec.pieces is not None:
            return _piecewise_acb(self._spec.pieces, z, analytic)
        return self._spec.acb(z, analytic)

    def pieces(self) -> tuple:
        """``((lo, hi, evaluator), ...)``: the analytic pieces between :attr:`breaks`.

        Each evaluator ``(z: acb, analytic: bool) -> acb`` is the analytic
        continuation of f from the real interval (lo, hi) (entire for ELU's two
        pieces). A function with no breaks has the one piece (-oo, oo).

        Examples
        --------
        >>> [(lo, hi) for lo, hi, _ in ELU().pieces()]
        [(-oo, 0), (0, oo)]
        """
        if self._spec.pieces is not None:
            return self._spec.pieces
        return ((-_OO, _OO, self._spec.acb),)

    @property
    def breaks(self) -> tuple:
        """Real points where f is not analytic (ELU, SELU: ``(0,)``; otherwise ``()``)."""
        return tuple(self._spec.breaks or ())

    @property
    def radius(self) -> sympy.Expr | None:
        """The Taylor radius at 0 (``oo`` for an entire f; a rational lower bound where only
        that is known; None for a user's expression or one with breaks)."""
        return self._spec.radius

    @property
    def strip(self) -> sympy.Expr | None:
        """The half-width of the strip ``|Im z| < strip`` where f is holomorphic (``oo``:
        entire; a rational lower bound where only that is known; None: unknown or breaks)."""
        return self._spec.strip

    @property
    def parity(self) -> str | None:
        """``"odd"``, ``"even"`` or None (f(-x) = -f(x), f(-x) = f(x), neither decided)."""
        a, c = self._spec.parity
        return "odd" if c == 0 else "even" if a == 0 else None

    @property
    def symmetry(self) -> tuple:
        """``(a, c)`` with ``f(x) - f(-x) = 2 a x`` and ``f(x) + f(-x) = 2 c`` exactly, each
        None where f's odd part is not linear or its even part not constant.

        For a signal with ``x(tau + pi) = -x(tau)`` the odd harmonics of f(x) come from the
        odd part only, the even ones from the even part only: softplus (``x/2 + log(2
        cosh(x/2))``) adds nothing at odd harmonics beyond ``x/2``, sigmoid nothing at even
        ones beyond 1/2.

        Examples
        --------
        >>> Softplus().symmetry, Sigmoid().symmetry, Tanh().symmetry, Mish().symmetry
        ((1/2, None), (None, 1/2), (None, 0), (None, None))
        """
        return self._spec.parity

    @property
    def singularities(self) -> str:
        """Where f is not holomorphic, in words."""
        return self._spec.singularities

    @property
    def is_entire(self) -> bool:
        """True for an entire f (GELU)."""
        return self.radius == _OO and not self.breaks


def _piecewise_acb(pieces: tuple, z, analytic: bool):
    """f on a ball for a function with breaks: the piece whose real interval holds Re z; on a
    ball meeting a break, nan when ``analytic`` (not holomorphic there), else the union of
    the pieces that meet it (f is continuous on the reals)."""
    import flint

    re = z.real
    hits = []
    for lo, hi, fn in pieces:
        lo_ok = lo == -_OO or re > flint.arb(_q(lo))
        hi_ok = hi == _OO or re < flint.arb(_q(hi))
        if lo_ok and hi_ok:
            return fn(z, analytic)
        below_hi = hi == _OO or not (re >= flint.arb(_q(hi)))
        above_lo = lo == -_OO or not (re <= flint.arb(_q(lo)))
        if below_hi and above_lo:
            hits.append(fn)
    if analytic or not hits:
        return flint.acb("nan")
    out = hits[0](z, False)
    for fn in hits[1:]:
        out = out.union(fn(z, False))
    return out


def _q(value: sympy.Expr):
    import flint

    r = sympy.Rational(value)
    return flint.fmpq(int(r.p), int(r.q))


def _rebuild(name: str) -> Smooth:
    found = smooth_activation(name)
    assert found is not None
    return found


# --- user expressions -----------------------------------------------------------------------------

def _rationalize_floats(expr: sympy.Expr) -> sympy.Expr:
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({f: to_exact(f, "constant") for f in floats})


def _user_expr(expr: Any) -> sympy.Expr:
    if isinstance(expr, Activation):
        raise ActivationError(
            f"Smooth() takes a sympy expression of x, not the activation {expr!r}"
        )
    if isinstance(expr, str):
        from symrelu.expr_parse import parse_expression

        try:
            expr = parse_expression(expr, symbols={"x": X})
        except SymreluError as exc:
            raise ActivationError(f"cannot read the activation {value_text(expr)}: {exc}") from None
    try:
        e = sympy.sympify(expr, strict=True)
    except (sympy.SympifyError, TypeError):
        raise ActivationError(
            f"Smooth() takes a sympy expression of x, got {type(expr).__name__}"
        ) from None
    if not isinstance(e, sympy.Expr):
        raise ActivationError(f"Smooth() takes a sympy expression of x, got {value_text(e)}")
    syms = e.free_symbols
    others = sorted(str(s) for s in syms if s.name != "x")
    if others:
        raise ActivationError(
            f"a smooth activation is a function of x alone; {e} also holds {', '.join(others)}"
        )
    e = e.xreplace({s: X for s in syms})
    e = _rationalize_floats(e)
    if e.has(sympy.I) or e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ActivationError(f"{e} is not a finite real function of x")
    return e


def _check_real(e: sympy.Expr) -> None:
    """Real at real x: sympy's verdict, and the value at a few points (mpmath, 30 digits)."""
    if e.is_real is False:
        raise ActivationError(f"{e} is not real for real x")
    import mpmath

    f = sympy.lambdify(X, e, modules="mpmath")
    with mpmath.workdps(30):
        for point in ("-2.5", "-0.7", "0.3", "1.9", "4.2"):
            try:
                v = mpmath.mpmathify(f(mpmath.mpf(point)))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                raise ActivationError(f"{e} cannot be evaluated at x = {point}") from None
            if not mpmath.isfinite(v) or abs(mpmath.im(v)) > mpmath.mpf(10) ** -20 * (1 + abs(v)):
                raise ActivationError(f"{e} is not a finite real number at x = {point} "
                                      f"(value {mpmath.nstr(v, 8)})")


def _check_finite(fn: Callable, e: sympy.Expr) -> None:
    """f finite on [-16, 16] (ball evaluation, intervals bisected down to width 2^-10): a
    pole or a singularity on the reals there is refused."""
    import flint

    with flint.ctx.workprec(64):
        stack = [(flint.arb(-16 + k), flint.arb(-15 + k)) for k in range(32)]
        while stack:
            lo, hi = stack.pop()
            z = flint.acb(flint.arb((lo + hi).mid() / 2, ((hi - lo) / 2).abs_upper()))
            if fn(z, False).is_finite():
                continue
            if hi - lo < flint.arb(2) ** -10:
                where = lo.mid().str(3, radius=False)
                raise ActivationError(f"{e} is not finite near x = {where}: a smooth "
                                      "activation is finite and analytic on the reals")
            mid = ((lo + hi) / 2).mid()
            stack += [(lo, mid), (mid, hi)]


def _parity(e: sympy.Expr) -> tuple:
    """(a, c): f(x) - f(-x) = 2 a x and f(x) + f(-x) = 2 c exactly (None where not decided)."""
    m = e.subs(X, -X)
    odd = sympy.simplify((e - m) / (2 * X))
    even = sympy.simplify((e + m) / 2)
    return (odd if not odd.has(X) else None, even if not even.has(X) else None)


# --- the named ones -------------------------------------------------------------------------

def _elu_expr(alpha: sympy.Expr, scale: sympy.Expr = sympy.S.One) -> sympy.Expr:
    return scale * sympy.Piecewise((X, X > 0), (alpha * (sympy.exp(X) - 1), True))


def _elu_pieces(alpha: sympy.Expr, scale: sympy.Expr) -> tuple:
    def neg(z, analytic, _a=alpha, _s=scale):
        return _s_acb(_s) * _s_acb(_a) * z.expm1()

    def pos(z, analytic, _s=scale):
        return _s_acb(_s) * z

    return ((-_OO, sympy.Integer(0), neg), (sympy.Integer(0), _OO, pos))


def _s_acb(value: sympy.Expr):
    import flint

    if isinstance(value, sympy.Rational):
        return flint.acb(flint.arb(_q(value)))
    return _constant_acb(value)


def _builtin_specs() -> dict:
    specs = {}

    def add(key, expr, **kw):
        specs[key] = (expr, _Spec(name=key, **kw))

    c = sympy.sqrt(2 / _PI)
    add("gelu", X * (1 + sympy.erf(X / sympy.sqrt(2))) / 2, latex=r"\mathrm{GELU}", repr="GELU()",
        acb=_gelu_acb, numpy=_np("gelu"), radius=_OO, strip=_OO, parity=(_HALF, None),
        singularities="none (entire)")
    add("gelu_tanh", X * (1 + sympy.tanh(c * (X + GELU_TANH_A * X**3))) / 2,
        latex=r"\mathrm{GELU}_{\tanh}", repr="GELUTanh()", acb=_gelu_tanh_acb,
        numpy=_np("gelu_tanh"), radius=sympy.Rational(2826, 1000),
        strip=sympy.Rational(2754, 1000), parity=(_HALF, None),
        singularities="poles where sqrt(2/pi)(x + 0.044715 x^3) = i pi (k + 1/2); the nearest "
                      "at -0.6344 +- 2.7548i and 0.6344 +- 2.7548i (|x| = 2.8269)")
    add("silu", X / (1 + sympy.exp(-X)), latex=r"\mathrm{SiLU}", repr="SiLU()",
        acb=lambda z, a: z * _acb_sigmoid(z, a), numpy=_np("silu"), radius=_PI, strip=_PI,
        parity=(_HALF, None), singularities="poles at i pi (2k + 1)")
    add("tanh", sympy.tanh(X), latex=r"\tanh", repr="Tanh()", acb=lambda z, a: z.tanh(),
        numpy=_np("tanh"), radius=_PI / 2, strip=_PI / 2, parity=(None, _ZERO),
        singularities="poles at i pi/2 + i k pi")
    add("sigmoid", 1 / (1 + sympy.exp(-X)), latex=r"\sigma", repr="Sigmoid()",
        acb=_acb_sigmoid, numpy=_np("sigmoid"), radius=_PI, strip=_PI, parity=(None, _HALF),
        singularities="poles at i pi (2k + 1)")
    add("softplus", sympy.log(1 + sympy.exp(X)), latex=r"\mathrm{softplus}", repr="Softplus()",
        acb=_acb_softplus, numpy=_np("softplus"), radius=_PI, strip=_PI, parity=(_HALF, None),
        singularities="logarithmic branch points at i pi (2k + 1)")
    mish_pole = sympy.sqrt(sympy.log(2) ** 2 / 4 + 9 * _PI**2 / 16)
    add("mish", X * sympy.tanh(sympy.log(1 + sympy.exp(X))), latex=r"\mathrm{Mish}",
        repr="Mish()", acb=_acb_mish, numpy=_np("mish"), radius=mish_pole,
        strip=3 * _PI / 4, parity=(None, None),
        singularities="poles at log(2)/2 +- 3 i pi/4 + 2 i k pi (tanh(log w) = "
                      "(w^2 - 1)/(w^2 + 1) has no branch point)")
    one = sympy.Integer(1)
    add("elu", _elu_expr(one), latex=r"\mathrm{ELU}", repr="ELU()", acb=None, numpy=_np("elu"),
        radius=None, strip=None, breaks=(sympy.Integer(0),), pieces=_elu_pieces(one, one),
        parity=(None, None), singularities="not analytic at 0 (entire on each side)")
    add("selu", _elu_expr(SELU_ALPHA, SELU_SCALE), latex=r"\mathrm{SELU}", repr="SELU()",
        acb=None, numpy=_np("selu", float(SELU_ALPHA), float(SELU_SCALE)), radius=None,
        strip=None, breaks=(sympy.Integer(0),), pieces=_elu_pieces(SELU_ALPHA, SELU_SCALE),
        parity=(None, None), singularities="not analytic at 0 (entire on each side)")
    return specs


_BUILTIN: dict = {}


def _builtins() -> dict:
    if not _BUILTIN:
        _BUILTIN.update(_builtin_specs())
    return _BUILTIN


def _NAMED_BY_EXPR() -> dict:  # noqa: N802
    return {expr: spec for expr, spec in _builtins().values()}


def _named(key: str) -> Smooth:
    expr, spec = _builtins()[key]
    return Smooth._named(expr, spec)


def GELU() -> Smooth:  # noqa: N802 - reads like a class at call sites
    """GELU, the erf form: ``x (1 + erf(x / sqrt 2)) / 2`` (entire).

    Examples
    --------
    >>> GELU()(0), GELU().name
    (0, 'gelu')
    """
    return _named("gelu")


def GELUTanh() -> Smooth:  # noqa: N802
    """torch's ``GELU(approximate='tanh')``: ``x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) / 2``.

    Examples
    --------
    >>> GELUTanh().name
    'gelu_tanh'
    """
    return _named("gelu_tanh")


def SiLU() -> Smooth:  # noqa: N802
    """SiLU (swish): ``x sigmoid(x) = x / (1 + e^-x)``.

    Examples
    --------
    >>> SiLU() == Swish(), SiLU().name
    (True, 'silu')
    """
    return _named("silu")


Swish = SiLU


def Tanh() -> Smooth:  # noqa: N802
    """``tanh(x)`` (odd: no DC from a zero-mean half-wave-symmetric input).

    Examples
    --------
    >>> Tanh().parity
    'odd'
    """
    return _named("tanh")


def Sigmoid() -> Smooth:  # noqa: N802
    """The logistic sigmoid ``1 / (1 + e^-x)``.

    Examples
    --------
    >>> Sigmoid()(0)
    1/2
    """
    return _named("sigmoid")


def Softplus() -> Smooth:  # noqa: N802
    """``log(1 + e^x)`` (torch's beta = 1).

    Examples
    --------
    >>> Softplus()(0)
    log(2)
    """
    return _named("softplus")


def Mish() -> Smooth:  # noqa: N802
    """Mish: ``x tanh(softplus(x))``.

    Examples
    --------
    >>> Mish().name
    'mish'
    """
    return _named("mish")


def ELU(alpha: Any = 1) -> Smooth:  # noqa: N802
    """ELU: ``x`` for ``x > 0``, ``alpha (e^x - 1)`` below (analytic on each side of 0).

    Parameters
    ----------
    alpha : value
        Exact (floats as the decimal they print as).

    Examples
    --------
    >>> ELU().name, ELU("0.5").name, ELU(0.5) == ELU("1/2")
    ('elu', 'elu:1/2', True)
    """
    try:
        a = to_exact(alpha, "ELU alpha")
    except SymreluError as exc:
        raise ActivationError(str(exc)) from None
    if not a.is_Rational:
        raise ActivationError(f"ELU's alpha must be a rational number, got {value_text(alpha)}")
    if a == 1:
        return _named("elu")
    spec = _Spec(name=f"elu:{a}", latex=r"\mathrm{ELU}_{" + sympy.latex(a) + "}",
                 repr=f"ELU({a})", acb=None, numpy=_np("elu", float(a)), radius=None,
                 strip=None, breaks=(sympy.Integer(0),), pieces=_elu_pieces(a, sympy.Integer(1)),
                 parity=(None, None), singularities="not analytic at 0 (entire on each side)")
    return Smooth._named(_elu_expr(a), spec)


def SELU() -> Smooth:  # noqa: N802
    """SELU: ``scale * ELU_alpha(x)`` with torch's decimal constants as exact rationals
    (alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946).

    Examples
    --------
    >>> SELU().name, SELU().breaks
    ('selu', (0,))
    """
    return _named("selu")


_BY_NAME = {
    "gelu": GELU, "gelu_tanh": GELUTanh, "gelu-tanh": GELUTanh, "silu": SiLU, "swish": SiLU,
    "tanh": Tanh, "sigmoid": Sigmoid, "logistic": Sigmoid, "softplus": Softplus, "elu": ELU,
    "selu": SELU, "mish": Mish,
}


def smooth_activation(key: str) -> Smooth | None:
    """The smooth activation a name spells, or None when it is not a smooth name.

    Names: ``gelu``, ``gelu_tanh``, ``silu``, ``swish``, ``tanh``, ``sigmoid``,
    ``softplus``, ``elu``, ``elu:A``, ``selu``, ``mish``, ``smooth:EXPR``.

    Raises
    ------
    ActivationError
        A smooth name with a bad parameter (``elu:x``) or expression.

    Examples
    --------
    >>> smooth_activation("swish"), smooth_activation("elu:0.5"), smooth_activation("relu")
    (SiLU(), ELU(1/2), None)
    >>> smooth_activation("smooth:x*tanh(x)")
    Smooth(x*tanh(x))
    """
    if not isinstance(key, str):
        return None
    k = key.strip()
    head, sep, rest = k.partition(":")
    head = head.strip().lower()
    if head == "smooth" and sep:
        from symrelu.expr_parse import parse_expression

        try:
            e = parse_expression(rest, symbols={"x": X, "e": sympy.E, "E": sympy.E})
        except SymreluError as exc:
            raise ActivationError(f"cannot read the activation {value_text(key)}: {exc}") from None
        return Smooth(e)
    if head == "elu" and sep:
        return ELU(rest.strip())
    if sep:
        return None
    make = _BY_NAME.get(head)
    return None if make is None else make()
