"""numeric: the numerical side of symrelu (the one door from exact values to numbers).

Sampling and spectra
--------------------
sample(signal_or_expansion, fs, duration)   -> (t, y); warns on non-coherent windows,
                                               raises/warns on aliasing
spectrum(y, fs)                             -> (freqs, amps, phases), one-sided, a unit
                                               cosine reads 1.0
coefficients(y, fs), fold(expected, fs, n)  measured and exact spectra on the DFT grid
sampling_error_bound(signal, fs)            the aliasing error of sampling ReLU (~fs^-2)
exact_samples(signal, fs, n, activation=)   act(x(t_k)) at 30 digits: what a layer should output

Evaluation
----------
to_numeric(expr, backend="numpy" | "mpmath")     exact value -> float / mpmath number
lambdify_signal, lambdify_expansion, lambdify_expr   vectorised numpy or mpmath callables

The spectral probe
------------------
probe(model, signal, fs, periods)   every activation of a 1-D torch model: its output spectrum
                                    predicted from its pre-activation, in band and aliased
                                    (symrelu.numeric.probe_model; torch imported when it runs)

Regression tests
----------------
symrelu.numeric.testing: assert_spectrum_close, assert_dc_close (and check_* returning results)

Studies and figures
-------------------
symrelu.numeric.convergence: convergence_study (honest RRMSE, DC error, max error vs bound)
symrelu.numeric.figures, symrelu.numeric.experiments.va: the paper's Section V-A

matplotlib and torch are never imported here.
"""

from symrelu.numeric import testing
from symrelu.numeric.errors import NumericInputError, NumericTypeError
from symrelu.numeric.lambdify import (
    lambdify_expansion,
    lambdify_expr,
    lambdify_signal,
    spectrum_arrays,
    to_numeric,
)
from symrelu.numeric.probe_model import Probe, ProbeError, probe
from symrelu.numeric.sampling import (
    AliasingError,
    AliasingWarning,
    CoherenceWarning,
    SamplingErrorBound,
    SamplingWarning,
    exact_samples,
    highest_frequency,
    is_coherent,
    sample,
    sampling_error_bound,
)
from symrelu.numeric.spectra import bin_index, coefficients, fold, spectrum

__all__ = [
    "NumericInputError",
    "NumericTypeError",
    "sample",
    "spectrum",
    "coefficients",
    "fold",
    "bin_index",
    "testing",
    "to_numeric",
    "lambdify_signal",
    "lambdify_expansion",
    "lambdify_expr",
    "spectrum_arrays",
    "sampling_error_bound",
    "exact_samples",
    "SamplingErrorBound",
    "highest_frequency",
    "is_coherent",
    "SamplingWarning",
    "CoherenceWarning",
    "AliasingWarning",
    "AliasingError",
    "probe",
    "Probe",
    "ProbeError",
]
