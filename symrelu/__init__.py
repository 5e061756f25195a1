"""symrelu: what a ReLU does to the spectrum of a multi-tone signal, exactly.

Creation
--------
MultiTone(amplitudes=, frequencies=, phases=, offset=)   the signal, exact and immutable
MultiTone.parse("0.2 + 1@5 + 0.6@10:0.9")                the compact grammar
MultiTone.symbolic(K)                                    symbolic amplitudes A_i, frequencies w_i
ReLU(), Abs(), LeakyReLU(alpha)                          activations ("relu", "abs" as strings too)
PiecewiseLinear(breakpoints=, slopes=, value=)           any piecewise-linear activation as data,
    .from_terms(intercept=, linear=, kinks=, jumps=)     a + b x + sum c|x - t| + sum h sign(x - t)
Linear(), ReLU6(), HardTanh(lo, hi), Clip(lo, hi), DeadZone(lo, hi), HardSigmoid(), Sign(),
Heaviside()                                              the named ones ("relu6", "hardtanh:-1:1")
as_activation(name)                                      a name (smooth ones too: "gelu", ...)
GELU(), GELUTanh(), SiLU(), Tanh(), Sigmoid(), Softplus(), ELU(alpha), SELU(), Mish(),
Smooth(expr)                                             smooth activations, exact (symrelu.smooth)
to_exact(value, what)                                    any user value as an exact sympy number
find_relations(freqs) / signal.reduction                 integer relations: the reduced torus

The Taylor lens (the paper's Section III)
-----------------------------------------
taylor_coefficients(n)      Table I: a_n = binom(1/2, n), exact
tail_bound(N)               sum_{n>N} |a_n| = binom(2N, N)/4^N
expand(signal, order=, center=, activation=, regime=)
    -> Expansion with .dc, .coefficient(at), .spectrum(), .frequencies(order=),
       .term(n), .certificate, .latex()
PiecewiseExpansion          what expand() gives for another piecewise-linear activation: one
                            Expansion of |x - t_j| per kink (.parts), summed; .certificate per kink
Spectrum                    what .spectrum() returns: a read-only mapping label -> exact c,
    .to_numpy(dps=None)     (frequencies or multi-indices, complex128 or mpmath values)
    .to_frame()             a pandas DataFrame (the optional extra: symrelu[pandas])

Exact values (no truncation; digits proven in balls, or checked by a second method)
-----------------------------------------------------------------------------
exact_dc(signal, activation=, regime=, dps=, enclosure=)   mpmath.mpf (flint.arb: a proof)
exact_coefficient(signal, at, activation=, regime=, dps=, enclosure=)
    at: a frequency (periodic) or a multi-index tuple (generic)  -> mpmath.mpc (flint.acb)
guarantee(signal, dps=, at=, regime=, activation=)    "proven", "two independent methods", ...
closed_form(signal, activation=)                      sympy Fourier series where one exists
closed_form_dc(signal), closed_form_coefficient(signal, n)
convergence_table(signal, orders=, center=, ...)      truncated Taylor DC vs exact, with bound
filter_signal(signal, taps, fs, bias=)                FIR-filtered MultiTone (|H|, arg H)
filtered_dc(signal, taps, fs, n=, bias=, activation=, dps=)
                                                      conv -> activation -> mean, finite or infinite
describing_function(activation, amplitude, bias=, dps=)   the DIDF: gain N_A, bias gain N_B
intermodulation(activation, a1, a2, f1, f2, bias=, dps=)  the two-tone test: IMD3 in dBc

Printing
--------
latex(obj, **settings)      LaTeX of any result, = sympy.latex(obj, **settings): every object
                            prints itself through sympy's printer (_latex), and Jupyter shows
                            it (_repr_latex_)

The exact engine (exact_dc ... filtered_dc, guarantee) is imported on first use of one of its
names, so ``import symrelu`` costs little more than ``import sympy``.

Errors are subclasses of SymreluError (and of ValueError, TypeError or OSError);
warnings subclass SymreluWarning.
"""

import importlib
from typing import TYPE_CHECKING, Any

from symrelu._values import to_exact
from symrelu.activations import (
    Abs,
    Activation,
    Clip,
    DeadZone,
    HardSigmoid,
    HardTanh,
    Heaviside,
    LeakyReLU,
    Linear,
    PiecewiseLinear,
    ReLU,
    ReLU6,
    Sign,
    as_activation,
)
from symrelu.certificate import Certificate
from symrelu.errors import (
    ActivationError,
    CenterError,
    DivergenceError,
    DivergenceWarning,
    EnvironmentProblemError,
    ExpressionParseError,
    FrequencyNotPresentError,
    InexactInputError,
    NoProofError,
    RegimeError,
    RelationAssumptionWarning,
    ResourceLimitError,
    SeriesOrderError,
    SignalParseError,
    SymreluError,
    SymreluWarning,
    ToneSpecError,
    VerificationError,
)
from symrelu.expansion import Expansion, Spectrum, expand
from symrelu.latex import latex
from symrelu.piecewise_expansion import PiecewiseExpansion
from symrelu.relations import TorusReduction, find_relations
from symrelu.signal import MultiTone, Tone
from symrelu.smooth import (
    ELU,
    GELU,
    SELU,
    GELUTanh,
    Mish,
    Sigmoid,
    SiLU,
    Smooth,
    Softplus,
    Swish,
    Tanh,
)
from symrelu.taylor import power_coefficients, tail_bound, taylor_coefficients

# The exact engine (quadrature, balls, walks, elliptic and Bessel routes) is imported on
# first use of one of its names (PEP 562), so ``import symrelu`` costs little more than
# ``import sympy``; ``from symrelu import exact_dc`` and ``symrelu.exact_dc`` work as usual.
_LAZY = {
    "ConvergenceTable": "symrelu.exact.convergence",
    "convergence_table": "symrelu.exact.convergence",
    "NoClosedFormError": "symrelu.exact.closed_forms",
    "closed_form": "symrelu.exact.closed_forms",
    "closed_form_coefficient": "symrelu.exact.closed_forms",
    "closed_form_dc": "symrelu.exact.closed_forms",
    "PrecisionLimitError": "symrelu.exact",
    "SymbolicValueError": "symrelu.exact",
    "exact_coefficient": "symrelu.exact.values",
    "exact_dc": "symrelu.exact.values",
    "filter_signal": "symrelu.exact.filters",
    "filtered_dc": "symrelu.exact.filters",
    "Guarantee": "symrelu.exact.guarantee",
    "guarantee": "symrelu.exact.guarantee",
    "DescribingFunction": "symrelu.describing",
    "Intermodulation": "symrelu.describing",
    "describing_function": "symrelu.describing",
    "intermodulation": "symrelu.describing",
}

if TYPE_CHECKING:  # what static tools see: the same names, imported eagerly
    from symrelu.describing import (
        DescribingFunction,
        Intermodulation,
        describing_function,
        intermodulation,
    )
    from symrelu.exact import (
        ConvergenceTable,
        NoClosedFormError,
        PrecisionLimitError,
        SymbolicValueError,
        closed_form,
        closed_form_coefficient,
        closed_form_dc,
        convergence_table,
        exact_coefficient,
        exact_dc,
        filter_signal,
        filtered_dc,
    )
    from symrelu.exact.guarantee import Guarantee, guarantee


def __getattr__(name: str) -> Any:
    """The exact engine's public names, imported on first use (PEP 562)."""
    if name == "exact":  # the subpackage itself, as when the engine was imported eagerly
        return importlib.import_module("symrelu.exact")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'symrelu' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "MultiTone",
    "Tone",
    "to_exact",
    "Activation",
    "ReLU",
    "Abs",
    "LeakyReLU",
    "PiecewiseLinear",
    "Linear",
    "ReLU6",
    "HardTanh",
    "Clip",
    "DeadZone",
    "HardSigmoid",
    "Sign",
    "Heaviside",
    "as_activation",
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
    "taylor_coefficients",
    "tail_bound",
    "power_coefficients",
    "expand",
    "Expansion",
    "PiecewiseExpansion",
    "Spectrum",
    "Certificate",
    "latex",
    "exact_dc",
    "exact_coefficient",
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
    "SymreluError",
    "ToneSpecError",
    "SignalParseError",
    "ExpressionParseError",
    "EnvironmentProblemError",
    "InexactInputError",
    "SeriesOrderError",
    "RegimeError",
    "CenterError",
    "ActivationError",
    "ResourceLimitError",
    "DivergenceError",
    "VerificationError",
    "NoProofError",
    "guarantee",
    "Guarantee",
    "describing_function",
    "DescribingFunction",
    "intermodulation",
    "Intermodulation",
    "FrequencyNotPresentError",
    "SymreluWarning",
    "DivergenceWarning",
    "RelationAssumptionWarning",
    "TorusReduction",
    "find_relations",
]
