"""The convergence table: truncated Taylor DC against the exact DC, bound never below error."""

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr


def test_paper_signal_table():
    sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    tab = sr.convergence_table(sig, 12, dps=25)
    assert len(tab) == 13 and tab.converges
    assert all(r.bound_holds for r in tab)
    assert tab.rows[-1].error <= tab.rows[0].error
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


@pytest.mark.parametrize("activation, text", [
    ("relu6", "0.3 + 1@5 + 0.6@7"),          # never reaches the kink at 6
    ("relu6", "2.5 + 4@1 + 1@3"),            # crosses both kinks
    ("hardtanh", "0.25 + 1.5@2 + 0.5@5"),
    ("deadzone", "0.2 + 1.5@1 + 1@3"),
])
def test_piecewise_tables_stay_within_the_summed_bound(activation, text):
    # the exact DC comes from the engine (integration between the crossings, independent of
    # the series); every truncated DC must lie within the sum of the kinks' bounds of it
    sig = sr.MultiTone.parse(text)
    tab = sr.convergence_table(sig, 8, activation=activation, dps=20)
    assert tab.converges is True
    assert all(r.bound_holds for r in tab)
    assert tab.rows[-1].error <= tab.rows[0].error


def test_a_piecewise_table_equals_its_expansions_dc_at_each_order():
    sig = sr.MultiTone.parse("3 + 4@1 + 1@3")
    tab = sr.convergence_table(sig, 4, activation="relu6", dps=20)
    for row in tab:
        direct = sr.expand(sig, order=row.order, activation="relu6").dc
        assert sympy.simplify(row.truncated - direct) == 0


def test_a_smooth_activation_has_no_order_by_order_table():
    with pytest.raises(sr.ActivationError, match="polynomial lens"):
        sr.convergence_table(sr.MultiTone.parse("1@1"), 4, activation="gelu")
