"""Turning user values into exact sympy objects (the single entry point for inputs).

A value may be an int, a ``fractions.Fraction``, a ``decimal.Decimal``, a
decimal or fraction string (``"0.7"``, ``"3/4"``, ``"1e-3"``), a float (taken as
the decimal it prints as: ``0.1`` becomes ``1/10``), a sympy number or
expression, or a name (a string that is an identifier becomes a sympy Symbol).
Strings may also name multiples of pi: ``"pi/2"``, ``"0.5pi"``, ``"2*pi/3"``.
Strings are never evaluated as Python or sympy code.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
from fractions import Fraction

import sympy

from symrelu.errors import InexactInputError, ToneSpecError

__all__ = ["to_exact", "is_rational", "value_text"]

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_RATIONAL_RE = re.compile(rf"^\s*({_NUMBER})\s*(?:/\s*({_NUMBER}))?\s*$")
_PI_RE = re.compile(rf"^\s*({_NUMBER})?\s*\*?\s*pi\s*(?:/\s*({_NUMBER}))?\s*$")
_NAME_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
_RESERVED = {"pi", "I", "E", "oo", "nan", "inf", "infinity", "zoo"}


def value_text(value: object) -> str:
    """Short text of a value for error messages."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _from_string(text: str, what: str, assumptions: dict) -> sympy.Expr:
    low = text.strip().lower()
    if low in {"nan", "+nan", "-nan"}:
        raise ToneSpecError(f"{what} must be a finite number (got nan)")
    if low in {"inf", "+inf", "-inf", "infinity", "-infinity", "oo", "-oo"}:
        raise ToneSpecError(f"{what} must be a finite number (got {text.strip()})")
    m = _RATIONAL_RE.match(text)
    if m:
        num = sympy.Rational(m.group(1))
        if m.group(2) is not None:
            den = sympy.Rational(m.group(2))
            if den == 0:
                raise ToneSpecError(f"{what} divides by zero (got {text!r})")
            num = num / den
        return num
    m = _PI_RE.match(text)
    if m:
        factor = sympy.Rational(m.group(1)) if m.group(1) else sympy.Integer(1)
        if m.group(2) is not None:
            den = sympy.Rational(m.group(2))
            if den == 0:
                raise ToneSpecError(f"{what} divides by zero (got {text!r})")
            factor = factor / den
        return factor * sympy.pi
    m = _NAME_RE.match(text)
    if m and m.group(1) not in _RESERVED:
        return sympy.Symbol(m.group(1), **assumptions)
    raise ToneSpecError(f"{what} is not a number, fraction, multiple of pi or name (got {text!r})")


def to_exact(value: object, what: str, *, assumptions: dict | None = None) -> sympy.Expr:
    """Convert ``value`` to an exact sympy object, or raise an error naming ``what``.

    Parameters
    ----------
    value
        The user's value (see the module docstring for what is accepted).
    what
        How to name the value in an error message, e.g. ``"amplitude of tone 2"``.
    assumptions
        sympy assumptions for a Symbol created from a name (e.g. ``{"positive": True}``).

    Examples
    --------
    >>> to_exact(0.1, "amplitude")
    1/10
    >>> to_exact("3/4", "amplitude"), to_exact("pi/2", "phase")
    (3/4, pi/2)
    >>> to_exact("A", "amplitude", assumptions={"positive": True}).is_positive
    True
    """
    assumptions = assumptions or {}
    if isinstance(value, bool):
        raise InexactInputError(f"{what} must be a number, not a bool (got {value})")
    if isinstance(value, sympy.Basic):
        expr = value
    elif isinstance(value, numbers.Integral):
        expr = sympy.Integer(int(value))
    elif isinstance(value, Fraction):
        expr = sympy.Rational(value.numerator, value.denominator)
    elif isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ToneSpecError(f"{what} must be a finite number (got {value})")
        expr = sympy.Rational(str(value))
    elif isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f) or math.isinf(f):
            raise ToneSpecError(f"{what} must be a finite number (got {f})")
        expr = sympy.Rational(repr(f))
    elif isinstance(value, numbers.Complex):
        raise ToneSpecError(f"{what} must be real (got complex value {value})")
    elif isinstance(value, str):
        expr = _from_string(value, what, assumptions)
    else:
        raise InexactInputError(
            f"{what} must be a number, a numeric string or a name (got {type(value).__name__} "
            f"{value_text(value)})"
        )
    if not isinstance(expr, sympy.Expr):
        raise InexactInputError(f"{what} must be a sympy expression (got {value_text(expr)})")
    if expr.has(sympy.nan, sympy.zoo) or expr.has(sympy.oo, -sympy.oo):
        raise ToneSpecError(f"{what} must be a finite number (got {value_text(expr)})")
    if expr.is_number:
        if isinstance(expr, sympy.Float):
            expr = sympy.Rational(str(expr))
        if expr.has(sympy.I) or expr.is_real is False:
            raise ToneSpecError(f"{what} must be real (got complex value {value_text(expr)})")
        if expr.atoms(sympy.Float):
            expr = expr.xreplace({f: sympy.Rational(str(f)) for f in expr.atoms(sympy.Float)})
    return expr


def is_rational(expr: sympy.Expr) -> bool:
    """True when ``expr`` is an explicit sympy Rational (integers included)."""
    return isinstance(expr, sympy.Rational)
