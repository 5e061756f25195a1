"""Errors of the numeric layer: symrelu errors, so one ``except SymreluError`` catches all.

``NumericInputError`` is a ``ValueError`` (a bad value: a sampling rate, a
method name, an array with NaN); ``NumericTypeError`` is a ``TypeError`` (an
object of the wrong kind).
"""

from symrelu.errors import SymreluError

__all__ = ["NumericInputError", "NumericTypeError"]


class NumericInputError(SymreluError, ValueError):
    """A value given to a numeric function is not acceptable; the message names it."""


class NumericTypeError(SymreluError, TypeError):
    """An argument of a numeric function is of the wrong kind; the message names it."""
