"""Frequency relations decide the torus (issue 16, requirement 1; DESIGN.md section 1.5).

Oracles used here share nothing with the engine: closed forms derived by hand in the
comments, mpmath quadrature over one period of a base frequency the test itself built the
signal from, a brute-force search of small integer relations, the known independence over Q
of 1, pi and sqrt(2) (pi is transcendental, sqrt(2) irrational), and a numpy FFT of sampled
truncated series.
"""

from __future__ import annotations

import itertools
import warnings

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from symrelu.cli.main import main

import symrelu as sr
from symrelu import MultiTone, expand, find_relations
from symrelu.taylor import taylor_coefficients
from symrelu.trigpoly import resolve_regime

PI = sympy.pi
SQRT2 = sympy.sqrt(2)

# x = cos t + cos 2t = (2 cos t - 1)(cos t + 1) is positive exactly for |t| < pi/3, so the
# DC of ReLU(x) is (1/2pi) int_{-pi/3}^{pi/3} (cos t + cos 2t) dt = (sqrt 3 + sqrt 3 / 2)/(2 pi)
# = 3 sqrt(3) / (4 pi) = 0.41349667156634... (the 0.413496671566344).
DC_1_2 = 3 * sympy.sqrt(3) / (4 * PI)


def _mp(v: sympy.Expr, dps: int) -> mpmath.mpf:
    return mpmath.mpf(sympy.N(v, dps + 10))


def _rel(a, b) -> mpmath.mpf:
    return abs(a - b) / abs(b)


# ----------------------------------------------------------------- the cases
def test_pi_and_2pi_is_periodic_with_base_pi():
    sig = MultiTone.parse("1@pi + 1@2pi")
    red = sig.reduction
    assert red.rank == 1 and red.basis == (PI,) and red.vectors == ((1,), (2,))
    assert red.assumption is None
    assert sig.base_frequency == PI and sig.harmonics == (1, 2)
    assert resolve_regime(sig, "auto") == "periodic"
    assert resolve_regime(sig, "periodic") == "periodic"   # refused before


def test_pi_and_2pi_dc_is_the_time_average():
    sig = MultiTone.parse("1@pi + 1@2pi")
    with mpmath.workdps(40):
        value = sr.exact_dc(sig, dps=30)
        assert _rel(value, _mp(DC_1_2, 30)) < mpmath.mpf(10) ** -29
        assert mpmath.nstr(sr.exact_dc(sig, dps=15), 15) == "0.413496671566344"
        # the torus average of two independent unit tones is a different number (0.40528)
        torus = sr.exact_dc(sig, regime="generic", dps=15)
        assert abs(torus - value) > 0.008


def test_pi_and_2pi_dc_by_quadrature_over_one_period():
    # one period of x(t) = cos(2 pi^2 t) + cos(4 pi^2 t) is 1/pi; split at its zeros
    sig = MultiTone.parse("1@pi + 1@2pi")
    oracle = _period_average([(1, PI, 0), (1, 2 * PI, 0)], 0, PI, dps=30)
    with mpmath.workdps(40):
        assert _rel(sr.exact_dc(sig, dps=25), oracle) < mpmath.mpf(10) ** -24


def test_one_pi_and_two_pi_thirds_is_rank_two_with_the_pi_tones_on_one_axis():
    sig = MultiTone.parse("1@1 + 0.5@pi + 0.3@2pi/3")
    red = sig.reduction
    assert red.rank == 2 and red.regime == "mixed" and red.assumption is None
    by_freq = dict(zip(sig.frequencies, red.vectors))
    assert by_freq[sympy.Integer(1)][1] == 0              # the tone at 1 on its own axis
    assert by_freq[PI][0] == 0 and by_freq[2 * PI / 3][0] == 0   # both pi tones on the other
    for f, v in by_freq.items():
        assert sympy.expand(red.frequency(v) - f) == 0


def test_one_pi_and_two_pi_thirds_dc_against_a_phase_out_oracle():
    # On the reduced torus x = cos th1 + 0.5 cos 3 th2 + 0.3 cos 2 th2 (basis 1, pi/3). For
    # |s| < 1 the mean over th1 of max(s + cos th1, 0) is (1/2pi) int_{-a}^{a} (s + cos) with
    # a = acos(-s): (s acos(-s) + sqrt(1 - s^2)) / pi; here |s| <= 0.8. The remaining mean
    # over th2 is of an analytic function: mpmath.quad converges fast.
    sig = MultiTone.parse("1@1 + 0.5@pi + 0.3@2pi/3")
    with mpmath.workdps(35):
        def inner(t2):
            s = mpmath.mpf("0.5") * mpmath.cos(3 * t2) + mpmath.mpf("0.3") * mpmath.cos(2 * t2)
            return (s * mpmath.acos(-s) + mpmath.sqrt(1 - s * s)) / mpmath.pi

        oracle = mpmath.quad(inner, mpmath.linspace(0, 2 * mpmath.pi, 7)) / (2 * mpmath.pi)
        value = sr.exact_dc(sig, dps=20)
        assert _rel(value, oracle) < mpmath.mpf(10) ** -19
        # the torus of three independent tones misses the cross terms of 2 (pi) = 3 (2pi/3),
        # of fifth order in the small amplitudes: about 1e-7 here, far above 20 digits
        assert abs(sr.exact_dc(sig, regime="generic", dps=15) - value) > 1e-8


def test_partially_commensurate_one_two_sqrt2():
    sig = MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)")
    red = sig.reduction
    assert red.rank == 2 and resolve_regime(sig, "auto") == "mixed"
    assert dict(zip(sig.frequencies, red.vectors)) == {1: (1, 0), 2: (2, 0), SQRT2: (0, 1)}


# ----------------------------------------------------------------- the reduction itself
_CASES = [
    ([5, 10, 20, 40], 1),
    (["1/2", "1/3"], 1),
    (["pi", "2*pi", "2*pi/3"], 1),
    (["sqrt(2)*pi", "pi", "2*sqrt(2)*pi/3"], 2),
    ([1, 2, "sqrt(2)"], 2),
    (["sqrt(2)", "sqrt(8)", "sqrt(3)", "sqrt(6)"], 3),
    (["1 + sqrt(2)", "sqrt(2) - 1", "2"], 2),
    (["1 + sqrt(2)", "sqrt(2) - 1", "sqrt(2)"], 2),
    (["pi", "pi**2", "pi + pi**2"], 2),
    (["1/sqrt(2)", "sqrt(9/2)"], 1),
]


def _relations_by_search(freqs: list[sympy.Expr], box: int) -> list[tuple[int, ...]]:
    """All n in [-box, box]^K with n . f = 0 exactly (a float filter, then exact zero)."""
    values = [float(f) for f in freqs]
    found = []
    for n in itertools.product(range(-box, box + 1), repeat=len(freqs)):
        if not any(n) or abs(sum(a * v for a, v in zip(n, values))) > 1e-9:
            continue
        if sympy.expand(sum(a * f for a, f in zip(n, freqs))) == 0:
            found.append(n)
    return found


@pytest.mark.parametrize(("freqs", "rank"), _CASES)
def test_vectors_reproduce_every_frequency_and_rank_is_the_relation_rank(freqs, rank):
    freqs = [sympy.sympify(f) for f in freqs]
    red = find_relations(freqs)
    assert red.rank == rank and red.assumption is None
    for f, v in zip(freqs, red.vectors):
        assert sympy.expand(sum(k * b for k, b in zip(v, red.basis)) - f) == 0
        assert all(isinstance(k, int) for k in v)
    # the relation lattice {n : n . f = 0} has rank K - r; its generators here are small
    relations = _relations_by_search(freqs, 3)
    lattice_rank = sympy.Matrix(relations).rank() if relations else 0
    assert lattice_rank == len(freqs) - rank
    # the basis is itself independent: no small relation among its elements
    assert not _relations_by_search(list(red.basis), 3)


def test_the_basis_generates_exactly_the_frequencies_module():
    # 2pi/3 and pi: the module they generate is (pi/3) Z, not pi Z nor (pi/6) Z
    red = find_relations(["2*pi/3", "pi"])
    assert red.basis == (PI / 3,) and red.vectors == ((2,), (3,))
    assert red.coordinates(PI / 3) == (1,) and red.coordinates(PI / 6) is None


def test_undecided_numbers_are_assumed_independent_and_warned():
    sig = MultiTone(amplitudes=[1, 1], frequencies=[1, sympy.E])
    red = sig.reduction
    assert red.rank == 2 and red.assumes_numbers and "E" in red.assumption
    with pytest.warns(sr.RelationAssumptionWarning, match="E"):
        e = expand(sig, order=1)
    assert e.reduction.assumption == red.assumption
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expand(sig, order=1, regime="generic")   # the caller's own choice: no warning


def test_an_exact_relation_among_undecided_numbers_is_still_found():
    red = find_relations(["E", "2*E"])
    assert red.rank == 1 and red.basis == (sympy.E,) and red.assumption is None


def test_symbols_with_rational_ratios_are_related_others_assumed_independent():
    w, u = sympy.symbols("w u", positive=True)
    sig = MultiTone(amplitudes=[1, 1], frequencies=[w, 2 * w])
    assert sig.reduction.basis == (w,) and resolve_regime(sig, "auto") == "periodic"
    e = expand(sig, order=1)
    assert e.regime == "periodic" and e.label((3,)) == 3 * w
    sig2 = MultiTone(amplitudes=[1, 1], frequencies=[w, u])
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # symbols: the assumption is recorded, not warned
        assert resolve_regime(sig2, "auto") == "generic"
    assert "w" in sig2.reduction.assumption and "u" in sig2.reduction.assumption


def test_regime_requests_that_do_not_fit_are_refused():
    with pytest.raises(sr.RegimeError, match="rank 2"):
        resolve_regime(MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)"), "periodic")
    with pytest.raises(sr.RegimeError, match="rank 1"):
        resolve_regime(MultiTone.parse("1@pi + 1@2pi"), "mixed")
    with pytest.raises(sr.RegimeError, match="mixed"):
        resolve_regime(MultiTone.parse("1@1"), "torus")


def test_two_tone_closed_form_refuses_a_commensurate_irrational_pair():
    with pytest.raises(sr.NoClosedFormError, match="commensurate"):
        sr.closed_form_dc(MultiTone.parse("1@pi + 1@2pi"))
    # 1 and pi are independent: the torus closed form is the time average, (4/pi^2) E(1)/...
    assert sr.closed_form_dc(MultiTone.parse("1@1 + 1@pi")) == 4 / PI**2


def test_grammar_reads_square_roots_and_their_multiples_of_pi():
    sig = MultiTone.parse("1@1 + 1@2 + 1@sqrt(2) + 0.5@sqrt(2)*pi + 0.5@2sqrt(3)pi/5")
    assert set(sig.frequencies) == {1, 2, SQRT2, SQRT2 * PI, 2 * sympy.sqrt(3) * PI / 5}
    assert MultiTone.parse(sig.to_string()) == sig
    with pytest.raises(sr.SignalParseError, match="power of pi"):
        MultiTone.parse("1@pi*pi")


# ----------------------------------------------------------------- expansions
def test_expansion_of_pi_and_2pi_is_that_of_1_and_2():
    a = expand(MultiTone.parse("1@pi + 1@2pi"), order=6)
    b = expand(MultiTone.parse("1@1 + 1@2"), order=6)
    assert a.regime == "periodic" and a.dc == b.dc        # the same exact expression
    assert a.dc == sympy.Rational(a.dc / sympy.sqrt(2)) * sympy.sqrt(2)
    for n in range(0, 13):
        assert a.coefficient(n * PI) == b.coefficient(n)
    assert sorted(a.spectrum()) == sorted(n * PI for n in b.spectrum())
    assert a.certificate.g_max == b.certificate.g_max and a.certificate.converges


def test_mixed_expansion_spectrum_matches_a_2d_fft_of_the_sampled_series():
    sig = MultiTone.parse("1@1 + 1@2:0.5 + 1@sqrt(2):0.3")
    N = 3
    e = expand(sig, order=N)
    assert e.regime == "mixed" and e.reduction.basis == (1, SQRT2)
    spectrum = e.spectrum()
    assert all(isinstance(k, tuple) and len(k) == 2 for k in spectrum)
    # the truncated series on the reduced torus: x = cos th1 + cos(2 th1 + 0.5) + cos(th2 + 0.3)
    C = float(e.center)
    a = [float(c) for c in taylor_coefficients(N + 1)]
    n = 64
    th = np.arange(n) * 2 * np.pi / n
    t1, t2 = np.meshgrid(th, th, indexing="ij")
    x = np.cos(t1) + np.cos(2 * t1 + 0.5) + np.cos(t2 + 0.3)
    g = x**2 / C - 1
    y = x / 2 + 0.5 * np.sqrt(C) * sum(a[k] * g**k for k in range(N + 1))
    fft = np.fft.fft2(y) / n**2
    seen = set()
    for key, c in spectrum.items():
        assert abs(complex(sympy.N(c)) - fft[key[0] % n, key[1] % n]) < 1e-12
        seen |= {(key[0] % n, key[1] % n), (-key[0] % n, -key[1] % n)}
    rest = [abs(fft[i, j]) for i in range(n) for j in range(n) if (i, j) not in seen]
    assert max(rest) < 1e-12          # nothing outside the keys the expansion holds
    assert e.coefficient(2 - SQRT2) == e.coefficient((2, -1))
    assert e.label((2, -1)) == (2, -1) and e.model.frequency((2, -1)) == 2 - SQRT2


# ----------------------------------------------------------------- CLI
def test_cli_dc_of_pi_and_2pi_states_the_relation(capsys):
    assert main(["dc", "1@pi + 1@2pi", "--digits", "15"]) == 0
    out = capsys.readouterr().out
    assert "0.413496671566344" in out and "periodic regime" in out
    assert "rank 1 over Q, base pi" in out


def test_cli_expand_mixed(capsys):
    assert main(["expand", "1@1 + 1@2 + 1@sqrt(2)", "--order", "1", "--regime", "mixed"]) == 0
    out = capsys.readouterr().out
    assert "mixed regime" in out and "base 1, sqrt(2)" in out


# ----------------------------------------------------------------- hypothesis
def _period_average(tones, offset, base, dps: int) -> mpmath.mpf:
    """Mean of max(x, 0) over one period 1/base of x(t), by mpmath.quad split at its zeros.

    Zeros: sign changes on a fine grid, refined by findroot in their bracket.
    """
    with mpmath.workdps(dps + 10):
        A = [mpmath.mpf(sympy.N(a, dps + 15)) for a, _, _ in tones]
        F = [mpmath.mpf(sympy.N(f, dps + 15)) for _, f, _ in tones]
        P = [mpmath.mpf(sympy.N(p, dps + 15)) for _, _, p in tones]
        b = mpmath.mpf(sympy.N(offset, dps + 15))
        T = 1 / mpmath.mpf(sympy.N(base, dps + 15))

        def x(t):
            return b + mpmath.fsum(a * mpmath.cos(2 * mpmath.pi * f * t + p)
                                   for a, f, p in zip(A, F, P))

        top = max(int(sympy.ceiling(f / base)) for _, f, _ in tones)
        n = 200 * top
        grid = [T * i / n for i in range(n + 1)]
        values = [x(t) for t in grid]
        cuts = [mpmath.mpf(0)]
        for i in range(n):
            if values[i] == 0:
                cuts.append(grid[i])
            elif values[i] * values[i + 1] < 0:
                cuts.append(mpmath.findroot(x, (grid[i], grid[i + 1]), solver="anderson"))
        cuts.append(T)
        total = mpmath.mpf(0)
        for lo, hi in zip(cuts, cuts[1:]):
            if hi > lo and x((lo + hi) / 2) > 0:
                total += mpmath.quad(x, [lo, hi])
        return total / T


_BASES = [sympy.Integer(1), PI, SQRT2, PI / 3, SQRT2 * PI]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(_BASES),
    harmonics=st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True),
    amps=st.lists(st.integers(1, 6), min_size=3, max_size=3),
    phases=st.lists(st.integers(-3, 3), min_size=3, max_size=3),
    offset=st.integers(-3, 3),
)
def test_rank_one_exact_dc_is_the_time_average(base, harmonics, amps, phases, offset):
    if len(harmonics) == 1 and base != 1:
        harmonics = harmonics + [harmonics[0] + 1]   # a lone irrational tone stays generic
    tones = [(sympy.Rational(a, 4), m * base, sympy.Rational(p, 5))
             for m, a, p in zip(harmonics, amps, phases)]
    b = sympy.Rational(offset, 4)
    sig = MultiTone(amplitudes=[t[0] for t in tones], frequencies=[t[1] for t in tones],
                    phases=[t[2] for t in tones], offset=b)
    assert resolve_regime(sig, "auto") == "periodic"
    oracle = _period_average(tones, b, base, dps=25)
    with mpmath.workdps(30):
        value = sr.exact_dc(sig, dps=20)
        if oracle == 0:
            assert value == 0
        else:
            assert _rel(value, oracle) < mpmath.mpf(10) ** -18


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 2), st.integers(-2, 2)),
                min_size=1, max_size=4, unique=True))
def test_regime_is_the_one_the_relations_imply(combos):
    # f = a + b pi + c sqrt(2); 1, pi, sqrt(2) are independent over Q, so the rank of the
    # frequencies is the rank of the integer matrix of (a, b, c)
    freqs = [a + b * PI + c * SQRT2 for a, b, c in combos]
    keep = [(f, row) for f, row in zip(freqs, combos) if f.is_positive]
    if not keep:
        return
    # tones at one frequency merge: keep distinct rows only (distinct rows, distinct values)
    freqs = [f for f, _ in keep]
    rank = sympy.Matrix([row for _, row in keep]).rank()
    K = len(freqs)
    sig = MultiTone(amplitudes=[1] * K, frequencies=freqs)
    red = sig.reduction
    assert red.rank == rank and red.assumption is None
    for f, v in zip(sig.frequencies, red.vectors):
        assert sympy.expand(red.frequency(v) - f) == 0
    rational = all(isinstance(f, sympy.Rational) for f in freqs)
    if rank == 1 and (K >= 2 or rational):
        expected = "periodic"
    elif rank == K:
        expected = "generic"
    else:
        expected = "mixed"
    assert resolve_regime(sig, "auto") == expected
