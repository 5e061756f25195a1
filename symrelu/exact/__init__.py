"""Exact (untruncated) values: DC and harmonics of an activation of a multi-tone signal.

exact_dc, exact_coefficient      verified digits, periodic or generic (torus) regime
mixed_value                      a rank-2 torus average (frequencies of rank 2 over Q)
closed_form, closed_form_dc, closed_form_coefficient   sympy, where they exist
convergence_table                truncated Taylor DC vs the exact DC, with the bound
filter_signal, filtered_dc       FIR conv -> activation -> mean (Sec. IV, V-D)
"""

from symrelu.exact._common import PrecisionLimitError, SymbolicValueError
from symrelu.exact.closed_forms import (
    NoClosedFormError,
    closed_form,
    closed_form_coefficient,
    closed_form_dc,
)
from symrelu.exact.convergence import ConvergenceTable, convergence_table
from symrelu.exact.filters import filter_signal, filtered_dc
from symrelu.exact.mixed import mixed_value
from symrelu.exact.values import exact_coefficient, exact_dc

__all__ = [
    "exact_dc",
    "exact_coefficient",
    "mixed_value",
    "filter_signal",
    "filtered_dc",
    "closed_form",
    "closed_form_dc",
    "closed_form_coefficient",
    "convergence_table",
    "ConvergenceTable",
    "NoClosedFormError",
    "SymbolicValueError",
    "PrecisionLimitError",
]
