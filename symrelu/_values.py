"""Turning user values into exact sympy objects (the single entry point for inputs).

Accepted values, and the exact number each one becomes:

- ``int``, numpy integer scalars, ``fractions.Fraction`` (any ``numbers.Rational``)
  and ``decimal.Decimal``: exactly that number.
- ``float``: the decimal it prints as (its shortest round-trip ``repr``): ``0.1``
  becomes ``1/10``.
- numpy float scalars of every width (float16, float32, float64, longdouble) and
  0-d numpy arrays: the shortest decimal that rounds back to the same value *in
  their own type* (``numpy.float32(0.1)`` becomes ``1/10``, not the float32's binary
  value 13421773/134217728).
- sympy ``Float`` (also inside an expression): the shortest decimal that rounds
  back to it at the Float's own precision, so ``Float(1, 40)/3`` keeps 40 digits.
- mpmath ``mpf``: the shortest decimal that rounds back to it at the precision
  of its mantissa (its bit count, at least 53 bits; mpmath drops trailing zero
  bits). mpmath keeps no record of the working precision a number was made at,
  but its mantissa carries every bit it holds: ``mpf(1)/3`` made under
  ``workdps(40)`` becomes the 42-digit decimal 0.33...335, which agrees with 1/3
  to 41 digits, and ``mpf("0.1")`` becomes ``1/10`` at any precision, the same
  rule as for floats. (The exact binary value would be the other lossless
  choice; it reads ``mpf("0.1")`` as 3602879701896397/2**55.)
- 0-d torch tensors (torch is never imported here; a tensor is recognised by its
  type's module): integer dtypes exactly; float16/32/64 as the numpy scalar of the
  same dtype; other float dtypes (bfloat16, float8) as the shortest decimal that
  rounds back to the same value in that dtype (its significand bits and smallest
  normal from ``torch.finfo``).
- strings, never evaluated: integers, decimals (``"0.7"``, ``"1e-3"``), fractions
  (``"3/4"``), multiples of pi (``"pi/2"``, ``"0.5pi"``, ``"2*pi/3"``), square roots
  and rational multiples of them (``"sqrt(2)"``, ``"3sqrt(5)/2"``, ``"0.5*sqrt(3)"``)
  and of their products with pi (``"sqrt(2)*pi"``, ``"2sqrt(3)pi/5"``),
  each with an optional sign (``"-pi/3"``), or a name (an identifier becomes a sympy
  Symbol; names such as ``sqrt2`` or ``pi2`` are refused as probable typos).
- sympy numbers and expressions, with any Float in them read as above.

Nothing on the way passes through a Python float (except a Python float itself).
Booleans, complex numbers, arrays with more than one element and other types are
refused with an error naming the type.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
import sys
from fractions import Fraction
from typing import TYPE_CHECKING

import mpmath
import sympy

from symrelu import budget
from symrelu.errors import InexactInputError, ToneSpecError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["to_exact", "is_rational", "value_text"]

_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_RATIONAL_RE = re.compile(rf"^({_NUM})\s*(?:/\s*({_NUM}))?$")
# [coefficient] atom [/ denominator]; the coefficient is "N", "N*" or "N/M*" (a fraction
# before an atom needs the "*": "3/4pi" is ambiguous).
_ATOM_RE = re.compile(
    rf"^(?:({_NUM})\s*(?:/\s*({_NUM})\s*\*|\*?)\s*)?"
    rf"(pi|sqrt\s*\(\s*([+-]?\s*{_NUM})\s*(?:/\s*({_NUM})\s*)?\))(\s*\*?\s*pi)?"
    rf"\s*(?:/\s*({_NUM}))?$"
)
_NAME_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)$")
_RESERVED = {"pi", "I", "E", "oo", "nan", "inf", "infinity", "zoo"}
_FUNCTIONS = ("sqrt", "exp", "log", "ln", "sin", "cos", "tan", "abs")
_GLUED_RE = re.compile(r"(?<![A-Za-z_])(sqrt|pi|exp|log|ln|sin|cos|tan|abs)(\d[\d.]*)")


def value_text(value: object) -> str:
    """Short text of a value for error messages."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(text: str, what: str, full: str) -> sympy.Rational:
    """An unsigned decimal of the grammar, exactly (``full`` is the whole value, for errors)."""
    digits = budget.decimal_text_digits(text)
    if digits is not None:  # sized from the text, before the integer is built
        budget.check_number_digits(digits, what, value_text(full))
    try:
        return sympy.Rational(text)
    except (ValueError, TypeError):  # pragma: no cover - the regex only lets decimals through
        raise ToneSpecError(f"{what}: {text!r} in {full!r} is not a decimal number") from None


def _divide(num: sympy.Expr, den_text: str | None, what: str, full: str) -> sympy.Expr:
    if den_text is None:
        return num
    den = _number(den_text, what, full)
    if den == 0:
        raise ToneSpecError(f"{what} divides by zero (got {full!r})")
    return num / den


def _refuse_glued_name(text: str, what: str, full: str) -> None:
    """Refuse text that reads like a function name glued to a number (``sqrt2``, ``3pi2``)."""
    m = _GLUED_RE.search(text)
    if m and m.group(1) == "sqrt":
        hint = f"write sqrt({m.group(2)}) for the square root"
    elif m and m.group(1) == "pi":
        hint = f"write {m.group(2)}*pi (or pi/{m.group(2)}) for a multiple of pi"
    elif m:
        hint = f"only sqrt(...) and pi are part of the grammar; give {m.group(1)}(...) as a decimal"
    elif _NAME_RE.match(text) and (text.startswith("sqrt") or text in _FUNCTIONS):
        raise ToneSpecError(
            f"{what} {full!r} is not a name for a value ({text} reads as a function): write "
            "sqrt(N) with a number N for a square root, or choose another name"
        )
    else:
        return
    raise ToneSpecError(
        f"{what} {full!r} looks like a function name glued to a number, not a name: {hint}"
    )


def _from_string(text: str, what: str, assumptions: dict) -> sympy.Expr:
    """Parse one value of the grammar (see the module docstring); never evaluates."""
    full = text.strip()
    body = full
    if body.startswith("(") and body.endswith(")") and _balanced(body[1:-1]):
        return _from_string(body[1:-1], what, assumptions)
    sign = 1
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]  # no space: "++ 2" or "+ -3" stays an error
    low = body.lower()
    if low == "nan":
        raise ToneSpecError(f"{what} must be a finite number (got nan)")
    if low in {"inf", "infinity", "oo"}:
        raise ToneSpecError(f"{what} must be a finite number (got {full})")
    m = _RATIONAL_RE.match(body)
    if m:
        return sign * _divide(_number(m.group(1), what, full), m.group(2), what, full)
    m = _ATOM_RE.match(body)
    if m:
        coef_text, coef_den, atom, rad_num, rad_den, times_pi, den = m.groups()
        factor = _number(coef_text, what, full) if coef_text else sympy.Integer(1)
        factor = _divide(factor, coef_den, what, full)
        if atom == "pi" and times_pi:
            raise ToneSpecError(f"{what}: {full!r} is a power of pi, which the grammar does not "
                                "read; give a rational multiple of pi or of sqrt(N)*pi")
        if atom == "pi":
            value = sympy.pi
        else:
            if rad_num.startswith("-"):
                raise ToneSpecError(
                    f"{what} must be real: {full!r} is the root of a negative number"
                )
            radicand = _number(rad_num.lstrip("+ "), what, full)
            value = sympy.sqrt(_divide(radicand, rad_den, what, full))
            if times_pi:  # a rational multiple of sqrt(N)*pi
                value = value * sympy.pi
        return sign * _divide(factor * value, den, what, full)
    _refuse_glued_name(body, what, full)
    m = _NAME_RE.match(body)
    if m and m.group(1) not in _RESERVED:
        return sign * sympy.Symbol(m.group(1), **assumptions)
    raise ToneSpecError(
        f"{what} is not a number, fraction, multiple of pi or of a square root, or a name "
        f"(got {text!r}); e.g. '3/4', '-pi/3', '3sqrt(5)/2', 'A'"
    )


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


# ------------------------------------------------------------------ binary floats
def _round_binary(q: Fraction, bits: int, min_ulp_exp: int | None) -> Fraction:
    """``q`` rounded to nearest (ties to even) with ``bits`` significant bits.

    ``min_ulp_exp`` is the exponent of the smallest unit in the last place
    (subnormal numbers); None for an unbounded exponent range (mpmath).
    """
    if q == 0:
        return q
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()  # 2**(e-1) < a < 2**(e+1)
    if Fraction(2) ** e > a:
        e -= 1  # now 2**e <= a < 2**(e+1)
    ulp_exp = e - bits + 1
    if min_ulp_exp is not None:
        ulp_exp = max(ulp_exp, min_ulp_exp)
    ulp = Fraction(2) ** ulp_exp
    n = round(a / ulp)  # Fraction.__round__ rounds half to even
    return (n * ulp) if q > 0 else -(n * ulp)


def _shortest_decimal(x: Fraction, bits: int, min_ulp_exp: int | None = None) -> sympy.Rational:
    """The shortest decimal that rounds back to the binary float ``x`` at ``bits`` bits.

    The values that round to ``x`` form an interval around it. If an n-digit
    decimal lies in it, so does the n-digit decimal just below or just above
    ``x``, and so does an (n+1)-digit one: a bisection on n finds the least n.
    Of two n-digit candidates that both round back, the nearer one is taken.
    """
    if x == 0:
        return sympy.Integer(0)
    a = abs(x)
    d = len(str(a.numerator)) - len(str(a.denominator))  # 10**(d-1) < a < 10**(d+1)
    if Fraction(10) ** d > a:
        d -= 1  # now 10**d <= a < 10**(d+1)

    def candidate(n: int) -> Fraction | None:
        """The nearest n-digit decimal that rounds back to ``a`` (None if neither does)."""
        scale = Fraction(10) ** (n - 1 - d)
        below = Fraction(math.floor(a * scale)) / scale
        above = Fraction(math.ceil(a * scale)) / scale
        ok = [c for c in (below, above) if _round_binary(c, bits, min_ulp_exp) == a]
        if len(ok) == 2 and a - below == above - a:  # a tie: the even last digit
            return below if math.floor(a * scale) % 2 == 0 else above
        return min(ok, key=lambda c: abs(c - a)) if ok else None

    lo, hi = 1, bits * 30103 // 100000 + 3  # hi digits always round-trip
    while lo < hi:
        mid = (lo + hi) // 2
        if candidate(mid) is not None:
            hi = mid
        else:
            lo = mid + 1
    r = candidate(lo)
    assert r is not None
    return sympy.Rational(r.numerator if x > 0 else -r.numerator, r.denominator)


def _from_mpf(value: object, what: str) -> sympy.Expr:
    if not mpmath.isfinite(value):
        raise ToneSpecError(f"{what} must be a finite number (got mpf {value})")
    sign, man, exp, bc = value._mpf_
    if not man:
        return sympy.Integer(0)
    budget.check_number_digits(budget.binary_digits(bc, exp), what, f"mpf {value_text(value)}")
    x = Fraction(man) * Fraction(2) ** exp
    return _shortest_decimal(-x if sign else x, max(53, bc))


def _from_sympy_float(f: sympy.Float) -> sympy.Expr:
    sign, man, exp, bc = f._mpf_
    if not man:
        return sympy.Integer(0)
    budget.check_number_digits(budget.binary_digits(int(bc), int(exp)), "a sympy Float",
                               value_text(f))
    x = Fraction(int(man)) * Fraction(2) ** int(exp)
    return _shortest_decimal(-x if sign else x, max(int(f._prec), 1))


def _numpy():
    """numpy, when it is imported: a numpy value cannot exist before (``import symrelu``
    does not import numpy)."""
    return sys.modules.get("numpy")


def _from_numpy(value: np.generic, what: str) -> sympy.Expr:
    import numpy as np

    kind = type(value).__name__
    if isinstance(value, np.bool_):
        raise InexactInputError(f"{what} must be a number, not a bool (got numpy.bool {value})")
    if isinstance(value, np.integer):
        return sympy.Integer(int(value))
    if isinstance(value, np.complexfloating):
        raise ToneSpecError(f"{what} must be real (got numpy.{kind} {value})")
    if isinstance(value, np.floating):
        if not np.isfinite(value):
            raise ToneSpecError(f"{what} must be a finite number (got numpy.{kind} {value})")
        text = np.format_float_scientific(value, unique=True, trim="-")
        budget.check_number_digits(budget.decimal_text_digits(text) or 0, what, text)
        r = Fraction(decimal.Decimal(text))
        return sympy.Rational(r.numerator, r.denominator)
    raise InexactInputError(f"{what} must be a real number (got numpy.{kind} {value_text(value)})")


def _from_array(value: np.ndarray, what: str, assumptions: dict) -> sympy.Expr:
    if value.ndim != 0:
        raise InexactInputError(
            f"{what} must be one number (got a numpy.ndarray of shape {value.shape})"
        )
    return to_exact(value[()], what, assumptions=assumptions)


def _from_torch(value, what: str, assumptions: dict) -> sympy.Expr:
    dtype = value.dtype
    name = str(dtype).removeprefix("torch.")
    if value.ndim != 0:
        raise InexactInputError(
            f"{what} must be one number (got a torch tensor of shape {tuple(value.shape)})"
        )
    if dtype.is_complex:
        raise ToneSpecError(f"{what} must be real (got a complex torch tensor, dtype {name})")
    if name == "bool":
        raise InexactInputError(f"{what} must be a number, not a bool (got a torch bool tensor)")
    if not dtype.is_floating_point:
        return sympy.Integer(int(value.item()))  # integer dtypes: exact
    if name in ("float16", "float32", "float64"):
        return to_exact(value.detach().cpu().numpy()[()], what, assumptions=assumptions)
    # bfloat16, float8...: no numpy dtype. Every such value is exact in float32.
    finfo = sys.modules[type(value).__module__.split(".")[0]].finfo(dtype)
    bits = 1 - _log2(finfo.eps)  # eps = 2**(1 - bits)
    wide = value.detach().float().cpu().numpy()[()]
    if not math.isfinite(wide):
        raise ToneSpecError(f"{what} must be a finite number (got a torch {name} tensor {wide})")
    min_ulp_exp = _log2(finfo.smallest_normal) - bits + 1  # the subnormals' spacing
    return _shortest_decimal(Fraction(*wide.as_integer_ratio()), bits, min_ulp_exp)


def _log2(power_of_two: float) -> int:
    """The exponent of a power of two (read from its exact ratio, no float arithmetic)."""
    q = Fraction(power_of_two)
    return q.numerator.bit_length() - q.denominator.bit_length()


def _is_torch_tensor(value: object) -> bool:
    module = type(value).__module__ or ""
    return module.split(".")[0] == "torch" and hasattr(value, "ndim") and hasattr(value, "dtype")


def _check_rationals(expr: sympy.Basic, what: str) -> None:
    """Refuse a sympy expression holding a rational beyond the digit limit."""
    atoms = [expr] if isinstance(expr, sympy.Rational) else expr.atoms(sympy.Rational)
    for r in atoms:
        size = max(budget.int_digits(int(r.p)), budget.int_digits(int(r.q)))
        budget.check_number_digits(size, what, "(a sympy Rational)")


def _without_floats(expr: sympy.Expr) -> sympy.Expr:
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({f: _from_sympy_float(f) for f in floats})


def to_exact(value: object, what: str, *, assumptions: dict | None = None) -> sympy.Expr:
    """Convert ``value`` to an exact sympy object, or raise an error naming ``what``.

    Parameters
    ----------
    value
        The user's value (see the module docstring for what is accepted and what
        each kind of number becomes).
    what
        How to name the value in an error message, e.g. ``"amplitude of tone 2"``.
    assumptions
        sympy assumptions for a Symbol created from a name (e.g. ``{"positive": True}``).

    Raises
    ------
    ToneSpecError
        The value is not finite or not real, or a string does not follow the grammar.
    InexactInputError
        The type cannot be turned into an exact number (the message names it).

    Examples
    --------
    >>> to_exact(0.1, "amplitude")
    1/10
    >>> to_exact("3/4", "amplitude"), to_exact("-pi/3", "phase"), to_exact("3sqrt(5)/2", "f")
    (3/4, -pi/3, 3*sqrt(5)/2)
    >>> import numpy, mpmath
    >>> to_exact(numpy.float32(0.1), "amplitude")
    1/10
    >>> with mpmath.workdps(30):
    ...     third = mpmath.mpf(1) / 3
    >>> to_exact(third, "amplitude") - sympy.Rational(1, 3)  # 0.333... to 31 digits
    -1/30000000000000000000000000000000
    >>> to_exact("A", "amplitude", assumptions={"positive": True}).is_positive
    True
    """
    assumptions = assumptions or {}
    if isinstance(value, bool):
        raise InexactInputError(f"{what} must be a number, not a bool (got {value})")
    if isinstance(value, sympy.Basic):
        expr = value
        _check_rationals(expr, what)
    elif (np := _numpy()) is not None and isinstance(value, np.str_):
        expr = _from_string(str(value), what, assumptions)
    elif np is not None and isinstance(value, np.generic):  # numpy.float64 subclasses float
        expr = _from_numpy(value, what)
    elif np is not None and isinstance(value, np.ndarray):
        return _from_array(value, what, assumptions)
    elif _is_torch_tensor(value):
        return _from_torch(value, what, assumptions)
    elif isinstance(value, numbers.Integral):
        budget.check_number_digits(budget.int_digits(int(value)), what, "(an int)")
        expr = sympy.Integer(int(value))
    elif isinstance(value, numbers.Rational):  # Fraction and friends
        num, den = int(value.numerator), int(value.denominator)
        budget.check_number_digits(max(budget.int_digits(num), budget.int_digits(den)), what,
                                   f"(a {type(value).__name__})")
        expr = sympy.Rational(num, den)
    elif isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ToneSpecError(f"{what} must be a finite number (got Decimal {value})")
        _, digits, exponent = value.as_tuple()  # sized before the integer ratio is built
        shift = int(exponent)
        size = len(digits) + shift if shift >= 0 else max(len(digits), 1 - shift)
        budget.check_number_digits(size, what, f"Decimal {value_text(value)}")
        num, den = value.as_integer_ratio()
        expr = sympy.Rational(num, den)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ToneSpecError(f"{what} must be a finite number (got {value})")
        expr = sympy.Rational(repr(float(value)))  # the decimal it prints as
    elif hasattr(value, "_mpf_"):
        expr = _from_mpf(value, what)
    elif isinstance(value, str):
        expr = _from_string(value, what, assumptions)
    elif (
        hasattr(value, "_mpc_")
        or isinstance(value, numbers.Complex)
        and not isinstance(value, numbers.Real)
    ):
        raise ToneSpecError(f"{what} must be real (got {type(value).__name__} {value_text(value)})")
    else:
        raise InexactInputError(
            f"{what} must be a number, a numeric string or a name (got {type(value).__name__} "
            f"{value_text(value)}); exact types are int, Fraction, Decimal, str, float, numpy "
            "and mpmath numbers, and sympy expressions"
        )
    if not isinstance(expr, sympy.Expr):
        raise InexactInputError(f"{what} must be a sympy expression (got {value_text(expr)})")
    if expr.has(sympy.nan, sympy.zoo) or expr.has(sympy.oo, -sympy.oo):
        raise ToneSpecError(f"{what} must be a finite number (got {value_text(expr)})")
    expr = _without_floats(expr)
    if expr.is_number and (expr.has(sympy.I) or expr.is_real is False):
        raise ToneSpecError(f"{what} must be real (got complex value {value_text(expr)})")
    return expr


def is_rational(expr: sympy.Expr) -> bool:
    """True when ``expr`` is an explicit sympy Rational (integers included)."""
    return isinstance(expr, sympy.Rational)
