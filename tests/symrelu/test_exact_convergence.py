"""The convergence table: truncated Taylor DC against the exact DC, bound never below error."""

import mpmath
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr


def test_paper_signal_table():
    sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    tab = sr.convergence_table(sig, 12, dps=25)
    assert len(tab) == 13 and tab.converges
    assert all(r.bound_holds for r in tab)
    assert tab.rows[-1].error < tab.rows[0].error
    assert "exact DC = 0.5744416953394808" in str(tab)


def test_single_tone_order_zero_gap_is_visible():
    tab = sr.convergence_table(sr.MultiTone(amplitudes=[1], frequencies=[1]), 0,
                               center="mean_square", dps=20)
    row = tab.rows[0]
    assert row.truncated == sympy.sqrt(2) / 4
    assert mpmath.nstr(row.value / tab.exact, 4) == "1.111"


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=3), st.integers(0, 30))
def test_bound_holds_for_random_inputs(amps, order):
    sig = sr.MultiTone(amplitudes=[sympy.Rational(a, 4) for a in amps],
                       frequencies=list(range(1, len(amps) + 1)))
    tab = sr.convergence_table(sig, order, dps=20)
    assert all(r.bound_holds for r in tab)
