r"""Piecewise-linear activations with one kink at 0, as "linear part + c |x|".

.. math:: \mathrm{act}(x) = \lambda x + c\,|x|

ReLU: lambda = c = 1/2. abs: lambda = 0, c = 1.
LeakyReLU(alpha): lambda = (1 + alpha)/2, c = (1 - alpha)/2.
Only |x| needs the Taylor series; the linear part passes the input through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from symrelu._values import to_exact, value_text
from symrelu.errors import ActivationError, SymreluError

__all__ = ["Activation", "ReLU", "Abs", "LeakyReLU", "as_activation"]


@dataclass(frozen=True)
class Activation:
    """An activation ``linear * x + abs_weight * |x|`` with exact weights.

    Examples
    --------
    >>> as_activation("relu")
    ReLU()
    >>> as_activation("relu").linear, as_activation("relu").abs_weight
    (1/2, 1/2)
    >>> (LeakyReLU("0.1").linear, LeakyReLU("0.1").abs_weight)
    (11/20, 9/20)
    """

    linear: sympy.Expr
    abs_weight: sympy.Expr
    name: str

    def __call__(self, x: Any) -> Any:
        """Apply to a sympy expression (returns ``linear*x + abs_weight*Abs(x)``)."""
        return self.linear * x + self.abs_weight * sympy.Abs(x)

    def latex_name(self) -> str:
        """The activation's name in LaTeX."""
        return {"relu": r"\mathrm{ReLU}", "abs": r"\left|\cdot\right|"}.get(
            self.name, r"\mathrm{LeakyReLU}_{" + sympy.latex(self.alpha) + "}"
        )

    @property
    def alpha(self) -> sympy.Expr:
        """The slope below zero, ``linear - abs_weight`` (0 for ReLU, -1 for abs).

        Examples
        --------
        >>> LeakyReLU("0.1").alpha, ReLU().alpha
        (1/10, 0)
        """
        return self.linear - self.abs_weight

    def __repr__(self) -> str:
        if self.name == "relu":
            return "ReLU()"
        if self.name == "abs":
            return "Abs()"
        return f"LeakyReLU({self.alpha})"


def ReLU() -> Activation:  # noqa: N802 - reads like a class at call sites
    """ReLU(x) = max(x, 0) = x/2 + ``|x|``/2.

    Examples
    --------
    >>> import sympy
    >>> ReLU()(sympy.Integer(-3)), ReLU()(sympy.Integer(2))
    (0, 2)
    """
    half = sympy.Rational(1, 2)
    return Activation(half, half, "relu")


def Abs() -> Activation:  # noqa: N802
    """abs(x) = ``|x|``.

    Examples
    --------
    >>> import sympy
    >>> Abs()(sympy.Integer(-3))
    3
    """
    return Activation(sympy.Integer(0), sympy.Integer(1), "abs")


def LeakyReLU(alpha: Any) -> Activation:  # noqa: N802
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
    """
    try:
        a = to_exact(alpha, "LeakyReLU slope alpha")
    except SymreluError as exc:
        raise ActivationError(str(exc)) from None
    return Activation((1 + a) / 2, (1 - a) / 2, "leaky")


def as_activation(activation: Any) -> Activation:
    """Resolve ``"relu"``, ``"abs"``, ``"leaky_relu:ALPHA"`` or an :class:`Activation`.

    Examples
    --------
    >>> as_activation("leaky_relu:0.2")
    LeakyReLU(1/5)
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        key = activation.strip().lower()
        if key == "relu":
            return ReLU()
        if key == "abs":
            return Abs()
        if key.startswith(("leaky_relu:", "leakyrelu:", "leaky:")):
            return LeakyReLU(key.split(":", 1)[1])
    raise ActivationError(
        f"unknown activation {value_text(activation)}: use 'relu', 'abs', "
        "'leaky_relu:ALPHA' or symrelu.LeakyReLU(alpha)"
    )
