"""Shared pieces of the exact-value engine: input checks, numeric views, verification.

Every public function here computes at a working precision above the requested
one, recomputes (at a second precision or by a second method), compares the
two to the requested relative accuracy and only then rounds to ``dps`` digits.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy

from symrelu._values import value_text
from symrelu.activations import Activation, as_activation
from symrelu.errors import SymreluError, ToneSpecError, VerificationError
from symrelu.signal import MultiTone

__all__ = [
    "SymbolicValueError",
    "PrecisionLimitError",
    "NumericSignal",
    "check_signal",
    "check_dps",
    "numeric_signal",
    "to_mp",
    "agree",
    "verified",
    "activation_weights",
]

#: Digits added above the request for the first computation and the check.
GUARD = 15
CHECK_GUARD = 30


class SymbolicValueError(SymreluError, ValueError):
    """An exact numeric value was asked for a signal that still holds symbols."""


class PrecisionLimitError(SymreluError, ValueError):
    """More digits were asked than can be verified in reasonable time."""


def check_signal(signal: object, who: str) -> MultiTone:
    """Refuse anything but a numeric :class:`MultiTone`, naming the problem."""
    if not isinstance(signal, MultiTone):
        raise ToneSpecError(
            f"{who}() needs a MultiTone signal (got {type(signal).__name__}); "
            "build one with MultiTone(amplitudes=..., frequencies=...)"
        )
    if not signal.is_numeric:
        names = ", ".join(sorted(str(s) for s in signal.free_symbols))
        raise SymbolicValueError(
            f"{who}() needs numeric values, but the signal holds the symbol(s) {names}; "
            "substitute numbers, or use symrelu.closed_form for a symbolic result"
        )
    return signal


def check_dps(dps: object, limit: int, what: str = "dps") -> int:
    """Validate a requested number of digits (1 <= dps <= limit)."""
    if isinstance(dps, bool) or not isinstance(dps, numbers.Integral) or int(dps) < 1:
        raise ToneSpecError(f"{what} must be a positive integer number of digits (got {dps!r})")
    dps = int(dps)
    if dps > limit:
        raise PrecisionLimitError(
            f"{dps} digits cannot be verified in reasonable time here (limit {limit} for this "
            "method); ask for fewer digits"
        )
    return dps


def to_mp(value: sympy.Expr) -> mpmath.mpf:
    """An exact sympy number as an mpmath number at the current precision."""
    if isinstance(value, sympy.Integer):
        return mpmath.mpf(int(value))
    if isinstance(value, sympy.Rational):
        return mpmath.mpf(int(value.p)) / int(value.q)
    out = sympy.N(value, mpmath.mp.dps + 10)
    if out.is_real is False or out.has(sympy.I):
        raise ToneSpecError(f"value {value_text(value)} is not real")
    return mpmath.mpf(out)


@dataclass(frozen=True)
class NumericSignal:
    """The signal's values as mpmath numbers at one precision."""

    offset: mpmath.mpf
    amplitudes: tuple
    frequencies: tuple
    phases: tuple


def numeric_signal(signal: MultiTone) -> NumericSignal:
    """Evaluate every value of ``signal`` at the current mpmath precision."""
    return NumericSignal(
        to_mp(signal.offset),
        tuple(to_mp(a) for a in signal.amplitudes),
        tuple(to_mp(f) for f in signal.frequencies),
        tuple(to_mp(p) for p in signal.phases),
    )


def activation_weights(activation: object) -> tuple[Activation, sympy.Expr, sympy.Expr]:
    """(activation, lambda, c) with act(x) = lambda x + c |x|; numeric weights required."""
    act = as_activation(activation)
    for w in (act.linear, act.abs_weight):
        if not w.is_number:
            raise SymbolicValueError(
                f"the activation {act!r} has a symbolic slope; exact values need a number"
            )
    return act, act.linear, act.abs_weight


def agree(a, b, dps: int, scale) -> bool:
    """True when a and b agree to ``dps`` significant digits (or both vanish next to scale)."""
    diff = abs(a - b)
    size = max(abs(a), abs(b))
    tol = mpmath.mpf(10) ** (-dps)
    if size <= scale * mpmath.mpf(10) ** (-(dps + GUARD - 3)):
        return True  # both are zero to the working precision
    return diff <= tol * size / 10


def verified(
    first: Callable[[], object],
    second: Callable[[], object],
    dps: int,
    scale,
    what: str,
    how: str,
):
    """Run two computations, compare to ``dps`` digits, return the second rounded.

    ``first`` and ``second`` run inside their own ``workdps`` blocks; ``scale``
    is a size of the problem (e.g. the signal's peak) below which a result
    counts as zero. Raises :class:`VerificationError` naming ``what`` and ``how``.
    """
    a = first()
    b = second()
    with mpmath.workdps(dps + CHECK_GUARD):
        ok = agree(a, b, dps, scale)
        zero = max(abs(a), abs(b)) <= scale * mpmath.mpf(10) ** (-(dps + GUARD - 3))
    if not ok:
        with mpmath.workdps(dps + 5):
            raise VerificationError(
                f"could not verify {dps} digits of {what}: {how} gave "
                f"{mpmath.nstr(a, dps + 3)} and {mpmath.nstr(b, dps + 3)}; "
                "ask for fewer digits"
            )
    with mpmath.workdps(dps):
        if zero:
            return mpmath.mpc(0) if isinstance(b, mpmath.mpc) else mpmath.mpf(0)
        if isinstance(b, mpmath.mpc):
            re, im = b.real, b.imag
            # a part far below the other is zero to the verified digits
            big = max(abs(re), abs(im))
            tiny = big * mpmath.mpf(10) ** (-(dps + GUARD - 3))
            re = mpmath.mpf(0) if abs(re) <= tiny else +re
            im = mpmath.mpf(0) if abs(im) <= tiny else +im
            return mpmath.mpc(re, im)
        return +b
