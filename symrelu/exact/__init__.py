"""Exact (untruncated) values: DC and harmonics of an activation of a multi-tone signal.

exact_dc, exact_coefficient      verified digits, periodic or generic (torus) regime
filter_signal, filtered_dc       FIR conv -> activation -> mean (Sec. IV, V-D)
"""

from symrelu.exact._common import PrecisionLimitError, SymbolicValueError
from symrelu.exact.filters import filter_signal, filtered_dc
from symrelu.exact.values import exact_coefficient, exact_dc

__all__ = [
    "exact_dc",
    "exact_coefficient",
    "filter_signal",
    "filtered_dc",
    "SymbolicValueError",
    "PrecisionLimitError",
]
