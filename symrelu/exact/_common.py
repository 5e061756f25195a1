"""Shared pieces of the exact-value engine: input checks, numeric views, verification.

Every public function here computes at a working precision above the requested
one, recomputes (at a second precision or by a second method), compares the
two to the requested relative accuracy and only then rounds to ``dps`` digits.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from symrelu._values import to_exact, value_text
from symrelu.activations import Activation, as_activation
from symrelu.errors import (
    FrequencyNotPresentError,
    SymreluError,
    ToneSpecError,
    VerificationError,
)
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
    "peak_exponent",
    "normalized",
    "crosses_zero",
    "exact_parts",
    "phase_parts",
    "phase_zeros",
    "activation_weights",
    "harmonic_number",
    "multi_index",
]

#: Digits added above the request for the first computation and the check.
GUARD = 15
CHECK_GUARD = 30
#: Most digits of working precision added above the guards when a value is small next to the
#: signal's peak (its digits cancel): values down to about 10^-MAX_EXTRA_DIGITS times the peak
#: keep their digits. Every threshold of the verification lives in this module.
MAX_EXTRA_DIGITS = 400
#: Digits below the working precision that a disagreement may reach and still count as
#: rounding noise (then the precision is raised), rather than a failed verification.
NOISE_SLACK = 10


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


def peak_exponent(signal: MultiTone) -> int:
    """The e with 2^(e-1) <= peak < 2^e (peak = |b| + sum |A_i| > 0).

    Every value the engine computes is homogeneous of degree 1 in the offset
    and the amplitudes, so dividing the signal by 2^e (exact) and multiplying
    the result back (exact) removes the scale from every precision question.

    Examples
    --------
    >>> peak_exponent(MultiTone(amplitudes=[1, 1], frequencies=[1, 2]))
    2
    >>> peak_exponent(MultiTone(amplitudes=["1e-300"], frequencies=[5]))
    -996
    """
    with mpmath.workdps(20):
        _, e = mpmath.frexp(to_mp(signal.peak))
    return int(e)


def normalized(signal: MultiTone) -> tuple[MultiTone, int]:
    """(signal / 2^e, e) with the peak of the first in [1/2, 1): see :func:`peak_exponent`."""
    e = peak_exponent(signal)
    return (signal * sympy.Integer(2) ** -e if e else signal), e


def crosses_zero(signal: MultiTone) -> bool | None:
    """Whether x takes both signs: |b| < sum |A_i| (None when sympy cannot decide).

    When it does not, |x| = sign(b) x exactly, tangencies (|b| = sum |A_i|) included.
    """
    gap = (sympy.Abs(signal.offset) - sympy.Add(*(sympy.Abs(a) for a in signal.amplitudes)))
    ahead = gap.is_negative
    return None if ahead is None else bool(ahead)


def exact_parts(re: sympy.Expr, im: sympy.Expr, dps: int) -> mpmath.mpc:
    """An exact complex number re + i im as an mpc rounded to ``dps`` digits per part.

    A part that sympy knows to be 0 is an exact 0; any other part keeps ``dps``
    significant digits whatever its size (sympy's evaluation is relative).
    """
    out = []
    for part in (re, im):
        part = sympy.sympify(part)
        if part.is_zero:
            out.append(mpmath.mpf(0))
            continue
        value = sympy.N(part, dps + 10)
        if value == 0 or value.has(sympy.I):
            raise VerificationError(
                f"could not evaluate {value_text(part)} to {dps} significant digits"
            )
        with mpmath.workdps(dps + 10):
            out.append(mpmath.mpf(value))
    with mpmath.workdps(dps):
        return mpmath.mpc(+out[0], +out[1])


def phase_zeros(angle: sympy.Expr) -> tuple[bool, bool]:
    """Whether cos(angle) and sin(angle) are exactly 0 (as sympy decides it)."""
    return tuple(f(angle).is_zero is True for f in (sympy.cos, sympy.sin))


def phase_parts(angle: sympy.Expr, wp: int) -> tuple:
    """(cos angle, sin angle) at ``wp`` relative digits, an exact 0 where :func:`phase_zeros` says.

    Examples
    --------
    >>> phase_parts(sympy.pi / 2, 20)
    (mpf('0.0'), mpf('1.0'))
    """
    out = []
    for f, zero in zip((sympy.cos, sympy.sin), phase_zeros(angle)):
        if zero:
            out.append(mpmath.mpf(0))
        else:
            with mpmath.workdps(wp):
                out.append(to_mp(f(angle)))
    return tuple(out)


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


def _parts(value) -> tuple:
    if isinstance(value, mpmath.mpc):
        return (value.real, value.imag)
    return (mpmath.mpf(value),)


def _tolerance(dps: int) -> mpmath.mpf:
    return mpmath.mpf(10) ** (-dps) / 10


def _part_agrees(x, y, dps: int, exact_zero: bool) -> bool:
    if exact_zero:
        return x == 0 and y == 0
    if x == 0 and y == 0:
        return False  # a computed 0 is not a verified 0: only a zero known exactly is one
    return abs(x - y) <= _tolerance(dps) * max(abs(x), abs(y))


def agree(a, b, dps: int, zero_parts: tuple[bool, ...] | None = None) -> bool:
    """True when a and b agree to ``dps`` significant digits, each part relative to itself.

    A real and imaginary part are compared separately. No size counts as
    zero: a tiny value must carry its digits, and two computed zeros do not
    agree unless ``zero_parts`` flags that part as exactly 0 (decided
    beforehand, e.g. by symmetry).

    Examples
    --------
    >>> agree(mpmath.mpf("1e-300"), mpmath.mpf("1.00000000001e-300"), 9)
    True
    >>> agree(mpmath.mpf("1e-300"), mpmath.mpf("1.001e-300"), 9)
    False
    >>> one = mpmath.mpc(1, 0)
    >>> agree(one, one, 9), agree(one, one, 9, (False, True))
    (False, True)
    """
    pa, pb = _parts(a), _parts(b)
    flags = zero_parts or (False,) * len(pa)
    return all(_part_agrees(x, y, dps, z) for x, y, z in zip(pa, pb, flags))


def _round(value, dps: int):
    with mpmath.workdps(dps):
        if isinstance(value, mpmath.mpc):
            return mpmath.mpc(+value.real, +value.imag)
        return +value


def verified(
    first: Callable[[int], object],
    second: Callable[[int], object],
    dps: int,
    what: str,
    how: str,
    *,
    scale=1,
    max_extra: int = MAX_EXTRA_DIGITS,
    unit=1,
    zero_parts: tuple[bool, ...] | None = None,
):
    """Run two computations, compare to ``dps`` relative digits, return the second rounded.

    ``first(extra)`` and ``second(extra)`` compute the value with ``extra``
    digits of working precision above their usual guard, in their own
    ``workdps`` blocks. The comparison is relative, part by part, with no
    absolute floor (:func:`agree`; ``zero_parts`` flags the parts known to be
    exactly 0). When the two differ only by rounding noise (below
    ``scale * 10^-(dps + GUARD + extra - NOISE_SLACK)``, ``scale`` being the
    size of the problem, e.g. the signal's peak) the value is small next to
    ``scale`` and lost digits to cancellation: both are recomputed with the
    working precision raised by the digits lost, up to ``max_extra`` digits.
    ``unit`` multiplies the values in messages (a normalisation undone by the
    caller).

    Raises
    ------
    VerificationError
        When the two disagree by more than rounding noise.
    PrecisionLimitError
        When ``max_extra`` more digits do not suffice: the message gives the
        value's magnitude, or says that it is below 10^-N if it cannot be
        separated from 0.
    """
    extra = 0
    while True:
        a = first(extra)
        b = second(extra)
        wp = dps + GUARD + extra
        with mpmath.workdps(dps + CHECK_GUARD + extra):
            if agree(a, b, dps, zero_parts):
                return _round(b, dps)
            flags = zero_parts or (False,) * len(_parts(a))
            failing = [(x, y) for x, y, z in zip(_parts(a), _parts(b), flags)
                       if not _part_agrees(x, y, dps, z)]
            noise = max(abs(x - y) for x, y in failing)
            floor = scale * mpmath.mpf(10) ** (-(wp - NOISE_SLACK))
            if noise > floor:
                with mpmath.workdps(dps + 5):
                    raise VerificationError(
                        f"could not verify {dps} digits of {what}: {how} gave "
                        f"{mpmath.nstr(a * unit, dps + 3)} and {mpmath.nstr(b * unit, dps + 3)}; "
                        "ask for fewer digits"
                    )
            # rounding noise: the digits lost to cancellation decide the next precision
            lost = 0
            for x, y in failing:
                size = max(abs(x), abs(y))
                if size == 0 or abs(x - y) >= size:
                    lost = max(lost, dps + 1)    # not one digit agrees
                else:
                    ratio = abs(x - y) / (size * _tolerance(dps))
                    lost = max(lost, int(mpmath.ceil(mpmath.log10(ratio))))
            if extra >= max_extra:
                raise _precision_limit(failing, b, dps, what, wp, floor, unit)
            extra = min(extra + max(lost + 5, extra), max_extra)  # at least doubles


def _precision_limit(failing, b, dps, what, wp, floor, unit) -> PrecisionLimitError:
    with mpmath.workdps(20):
        if any(abs(x - y) * 2 >= max(abs(x), abs(y)) for x, y in failing):
            bound = max(max(max(abs(x), abs(y)) for x, y in failing) * 2, floor) * abs(unit)
            exponent = int(mpmath.ceil(mpmath.log10(bound)))
            return PrecisionLimitError(
                f"{what} could not be separated from 0 with {wp} digits of working precision, "
                f"the most this method uses here: it is below 1e{exponent} in magnitude, and "
                "whether it is exactly 0 could not be decided"
            )
        return PrecisionLimitError(
            f"{dps} digits of {what} (about {mpmath.nstr(b * unit, 5)}, small next to the "
            f"signal's peak, so its digits cancel) could not be verified with {wp} digits of "
            "working precision, the most this method uses here; ask for fewer digits"
        )


def harmonic_number(sig: MultiTone, at: Any) -> int:
    """The harmonic n of the base frequency that the frequency ``at`` is (periodic regime).

    Examples
    --------
    >>> harmonic_number(MultiTone.parse("1@5 + 1@7"), 3)
    3
    """
    if isinstance(at, (tuple, list)):
        raise FrequencyNotPresentError(
            f"in the periodic regime a coefficient is addressed by a frequency, got "
            f"{value_text(at)}; pass regime='generic' for a multi-index"
        )
    try:
        F = to_exact(at, "frequency")
    except SymreluError as exc:
        raise FrequencyNotPresentError(str(exc)) from None
    if not F.is_number:
        raise FrequencyNotPresentError(f"the frequency must be a number (got {value_text(F)})")
    f0 = sig.base_frequency
    n = F / f0
    if n.is_integer is not True:
        raise FrequencyNotPresentError(
            f"{F} is not a multiple of the base frequency {f0}: the output of this periodic "
            f"signal holds only multiples of {f0}"
        )
    return int(n)


def multi_index(sig: MultiTone, at: Any) -> tuple[int, ...]:
    """``at`` checked as a multi-index of the signal's K tones (generic regime).

    Examples
    --------
    >>> multi_index(MultiTone.parse("1@1 + 1@sqrt(2)"), [2, -1])
    (2, -1)
    """
    if not isinstance(at, (tuple, list)) or len(at) != sig.K or not all(
        isinstance(k, int) and not isinstance(k, bool) for k in at
    ):
        raise FrequencyNotPresentError(
            f"in the generic regime a coefficient is addressed by a tuple of {sig.K} integers "
            f"(one per tone), got {value_text(at)}"
        )
    return tuple(int(k) for k in at)
