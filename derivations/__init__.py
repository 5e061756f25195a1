"""One module per section of the paper: derive with symrelu, check with numeric, emit LaTeX.

See ``derivations/README.md`` for the module -> section table and
:mod:`symrelu.derivations.assemble` for the whole-paper document.
"""

STEPS = (
    ("sec3", "symrelu.derivations.sec3_frequency_domain"),
    ("sec4", "symrelu.derivations.sec4_dc_feature"),
    ("sec5a", "symrelu.derivations.sec5a_taylor_example"),
    ("sec5b", "symrelu.derivations.sec5b_kidppg"),
    ("sec5c", "symrelu.derivations.sec5c_training"),
    ("sec5d", "symrelu.derivations.sec5d_zero_training"),
)

__all__ = ["STEPS"]
