"""The exceptions and warnings symrelu raises.

Every error subclasses :class:`SymreluError` and a builtin (``ValueError``,
``TypeError``, or ``OSError`` for an unusable environment), so callers can
catch either; every message names the offending
value and says what to change.
"""

from __future__ import annotations

__all__ = [
    "SymreluError",
    "ToneSpecError",
    "SignalParseError",
    "ExpressionParseError",
    "InexactInputError",
    "SeriesOrderError",
    "RegimeError",
    "CenterError",
    "ActivationError",
    "ResourceLimitError",
    "DivergenceError",
    "VerificationError",
    "NoProofError",
    "FrequencyNotPresentError",
    "SymreluWarning",
    "DivergenceWarning",
    "RelationAssumptionWarning",
    "EnvironmentProblemError",
]


class SymreluError(Exception):
    """Base class of every symrelu error."""


class EnvironmentProblemError(SymreluError, OSError):
    """The environment cannot do what was asked: a path, a device, a scheduler, the disk.

    An ``OSError`` (``EnvironmentError``), so code that catches ``OSError``
    still catches it; the message names the path, device or address.
    """


class ToneSpecError(SymreluError, ValueError):
    """A tone's amplitude, frequency, phase or the offset is not acceptable."""


class SignalParseError(ToneSpecError):
    """A signal string does not follow the grammar of :meth:`MultiTone.parse`."""


class ExpressionParseError(SymreluError, ValueError):
    """A string is not an expression of :func:`symrelu.expr_parse.parse_expression`'s grammar."""


class InexactInputError(SymreluError, TypeError):
    """A value cannot be turned into an exact number or symbol."""


class SeriesOrderError(SymreluError, ValueError):
    """A truncation order is not a non-negative integer."""


class RegimeError(SymreluError, ValueError):
    """The requested regime does not fit the signal (e.g. periodic with irrational frequencies)."""


class CenterError(SymreluError, ValueError):
    """The expansion center is not "peak", "mean_square" or a positive value."""


class ActivationError(SymreluError, ValueError):
    """An unknown activation name, a bad activation parameter, or an operation the activation
    does not support (e.g. the Taylor lens of a jump)."""


class ResourceLimitError(SymreluError, ValueError):
    """The requested expansion would not fit in memory; the message gives the estimate."""


class DivergenceError(SymreluError, ValueError):
    """A divergent expansion was used with ``strict=True``."""


class VerificationError(SymreluError, ValueError):
    """Digits of a numeric result could not be verified by a second computation."""


class NoProofError(SymreluError, ValueError):
    """A rigorous enclosure (``enclosure=True``) is not available for this value or method."""


class FrequencyNotPresentError(SymreluError, ValueError):
    """A coefficient was asked at a frequency or multi-index the expansion cannot contain."""


class SymreluWarning(UserWarning):
    """Base class of symrelu warnings."""


class DivergenceWarning(SymreluWarning):
    """The Taylor series does not converge for this signal and center (g leaves [-1, 1])."""


class RelationAssumptionWarning(SymreluWarning):
    """The regime rests on an assumed independence of frequencies that was not decided.

    Raised for numbers outside the decided family (products of powers of pi and square
    roots), e.g. ``E`` or ``log(2)``: see :mod:`symrelu.relations`.
    """
