"""Mixed-regime (rank-2 torus) values against oracles that share nothing with the engine.

The engine integrates one torus coordinate in closed form and the other by tanh-sinh panels
split at the roots of a discriminant, in both orders. The expected values here come from: the
two-tone elliptic closed form (mpmath.ellipe), a phase-out integral written here with the
arcsine form and mpmath.quad split at kinks found by bisection (the block case, where theta_2
carries a tone of its own), and plain numpy torus grids with their convergence measured.
"""

import mpmath
import numpy as np
import pytest
import sympy

from symrelu.errors import FrequencyNotPresentError, ToneSpecError, VerificationError
from symrelu.exact import PrecisionLimitError, mixed
from symrelu.exact.mixed import mixed_value
from symrelu.exact.quadrature import to_arb

one = sympy.Integer(1)
R = sympy.Rational


def _agree(value, expected, digits):
    with mpmath.workdps(digits + 20):
        return abs(value - expected) <= mpmath.mpf(10) ** (-digits) * abs(expected)


# --------------------------------------------------------------------------- (a) reductions
def test_independent_pair_written_as_mixed_is_the_elliptic_closed_form():
    # vectors (1,0), (0,1): two independent tones; mean|A cos t1 + B cos t2| =
    # (4/pi^2)(A+B) E(4AB/(A+B)^2) (mpmath.ellipe, parameter convention)
    A, B = one, R(7, 10)
    value = mixed_value([A, B], [(1, 0), (0, 1)], [0, 0], 0, None, "abs", 20)
    with mpmath.workdps(40):
        a, b = mpmath.mpf(1), mpmath.mpf(7) / 10
        expected = 4 / mpmath.pi**2 * (a + b) * mpmath.ellipe(4 * a * b / (a + b) ** 2)
    assert isinstance(value, mpmath.mpf)
    assert _agree(value, expected, 19)


def _block_oracle(A1, A2, B, b, k1, digits):
    r"""mean over the torus of |b + A1 cos t1 + A2 cos 2t1 + B cos t2| e^{-i k1 t1} (real).

    The mean over t2 is |s| for |s| >= B, else (2/pi)(s asin(s/B) + sqrt(B^2 - s^2)),
    s = s(t1); the t1 integral is split where s(t1) = +-B (sign changes on a grid of 4000
    points, refined by mpmath.findroot; a grid point on a root counts).
    """
    with mpmath.workdps(digits + 15):
        A1, A2, B, b = (mpmath.mpf(sympy.N(v, digits + 20)) for v in (A1, A2, B, b))

        def s(t):
            return b + A1 * mpmath.cos(t) + A2 * mpmath.cos(2 * t)

        def h(t):
            v = s(t)
            if abs(v) >= B:
                return abs(v)
            return 2 / mpmath.pi * (v * mpmath.asin(v / B) + mpmath.sqrt(B**2 - v**2))

        cuts = [-mpmath.pi, mpmath.pi]
        grid = [-mpmath.pi + 2 * mpmath.pi * i / 4000 for i in range(4001)]
        for level in (B, -B):
            for lo, hi in zip(grid, grid[1:]):
                if (s(lo) - level) * (s(hi) - level) <= 0:   # a grid point may be a root
                    cuts.append(mpmath.findroot(lambda t, c=level: s(t) - c, (lo, hi),
                                                solver="illinois"))
        cuts = sorted(cuts)
        cuts = [t for i, t in enumerate(cuts) if i == 0 or t - cuts[i - 1] > 1e-20]
        return mpmath.quad(lambda t: h(t) * mpmath.cos(k1 * t), cuts) / (2 * mpmath.pi)


def test_block_case_dc_against_phase_out_oracle():
    # 1@1 + 1@2 + 1@sqrt(2): theta_1 carries the tones at 1 and 2, theta_2 the one at sqrt(2)
    value = mixed_value([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0, None,
                        "relu", 20)
    with mpmath.workdps(40):
        expected = _block_oracle(1, 1, 1, 0, 0, 20) / 2   # ReLU = x/2 + |x|/2, mean x = 0
    assert _agree(value, expected, 19)


@pytest.mark.parametrize("k1", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_block_case_harmonics_with_offset_against_phase_out_oracle(k1):
    amps, b = [one, R(1, 2), R(3, 4)], R(1, 10)
    value = mixed_value(amps, [(1, 0), (2, 0), (0, 1)], [0, 0, 0], b, (k1, 0), "abs", 15)
    expected = _block_oracle(1, R(1, 2), R(3, 4), b, k1, 15)
    assert value.imag == 0            # zero phases: decided exactly by the symmetry theta -> -theta
    assert _agree(value.real, expected, 14)


def test_tiny_signal_keeps_its_digits():
    # homogeneity: the DC of 1e-300 (x) is 1e-300 times the DC of x (phase-out oracle)
    tiny = R(1, 10**300)
    value = mixed_value([tiny, tiny, tiny], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0, None,
                        "relu", 12)
    with mpmath.workdps(40):
        expected = _block_oracle(1, 1, 1, 0, 0, 12) / 2 * mpmath.mpf(10) ** -300
    assert _agree(value, expected, 11)


def test_relu_just_above_its_floor_keeps_relative_digits():
    # b = -2.99 with peak 3: x > 0 only on a small cap near theta = 0, the ReLU DC is 3.56e-6,
    # |x| and x cancel to 6 digits; oracle: (mean |x| + b) / 2 with the phase-out mean above
    b = R(-299, 100)
    value = mixed_value([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], b, None,
                        "relu", 12)
    with mpmath.workdps(40):
        expected = (_block_oracle(1, 1, 1, b, 0, 25) + mpmath.mpf(-299) / 100) / 2
    assert 3e-6 < value < 4e-6
    assert _agree(value, expected, 11)


# --------------------------------------------------------------------------- (b, c) grids
def _grid_mean(amps, vecs, phases, b, key, N, chunk=500):
    """ReLU mean times e^{-ik.theta} on an N x N grid of the torus (numpy, float64)."""
    t = 2 * np.pi * np.arange(N) / N
    total = 0j
    for i in range(0, N, chunk):
        t1, t2 = t[i:i + chunk, None], t[None, :]
        x = b + sum(A * np.cos(v[0] * t1 + v[1] * t2 + p) for A, v, p in zip(amps, vecs, phases))
        total += (np.maximum(x, 0) * np.exp(-1j * (key[0] * t1 + key[1] * t2))).sum()
    return total / N**2


@pytest.mark.parametrize("key", [None, pytest.param((1, 0), marks=pytest.mark.slow), (0, 2)])
def test_coupled_tones_with_offset_and_phases_against_a_torus_grid(key):
    # frequencies 1, sqrt(2), 1 + sqrt(2): vectors (1,0), (0,1), (1,1); phases 0, pi/3 (a
    # symmetry point is searched) and sqrt(2) (none exists)
    amps, vecs = [one, R(7, 10), R(1, 2)], [(1, 0), (0, 1), (1, 1)]
    phases, b = [0, sympy.pi / 3, sympy.sqrt(2)], R(1, 5)
    value = mixed_value(amps, vecs, phases, b, key, "relu", 15)
    k = (0, 0) if key is None else key
    args = ([1, 0.7, 0.5], vecs, [0, np.pi / 3, np.sqrt(2)], 0.2, k)
    coarse, fine = _grid_mean(*args, 2000), _grid_mean(*args, 4000)
    error = abs(value - complex(fine))
    # the grid's error falls at least like N^-2 here (measured: 8e-10 from 2000 to 4000 points
    # for the DC, 4e-10 for (0, 2)), so the engine must sit within the grid's last step, and
    # within 1e-9 of the peak 2.4 (8 digits of the DC; the (0, 2) coefficient is 0.0137)
    assert error <= abs(coarse - fine) + 1e-12
    assert error <= 1e-9 * 2.4


# --------------------------------------------------------------------------- (d) exact zeros
def test_half_period_flip_gives_exact_zeros():
    # b = 0 and vectors (1,0), (0,1), (1,2): the shift theta + pi (1, 1) flips x, so the |x|
    # coefficients with k1 + k2 odd vanish exactly; ReLU keeps x's own coefficient A/2 / 2
    vecs = [(1, 0), (0, 1), (1, 2)]
    amps = [one, R(1, 2), R(1, 3)]
    assert mixed_value(amps, vecs, [0, 0, 0], 0, (1, 0), "abs", 20) == 0
    assert mixed_value(amps, vecs, [0, 0, 0], 0, (1, 0), "relu", 20) == mpmath.mpf(1) / 4
    assert mixed_value(amps, vecs, [0, 0, 0], 0, (2, 1), "abs", 20) == 0


def test_key_outside_the_lattice_of_the_vectors_is_exactly_zero():
    # vectors (2,0), (0,1): |x| is pi-periodic in theta_1, so odd k1 never appears
    value = mixed_value([one, R(1, 2)], [(2, 0), (0, 1)], [0, 0], R(1, 5), (1, 3), "relu", 20)
    assert value == 0


def test_signal_of_one_sign_is_exact():
    # b >= sum |A_j|: relu(x) = x, so the DC is b exactly and the harmonic at (0,1) is A/2
    vecs = [(1, 0), (2, 0), (0, 1)]
    amps = [R(1, 2), R(1, 4), R(1, 4)]
    assert mixed_value(amps, vecs, [0, 0, 0], 1, None, "relu", 20) == 1
    assert mixed_value(amps, vecs, [0, 0, 0], 1, (0, 1), "relu", 20) == mpmath.mpf(1) / 8


# --------------------------------------------------------------------------- (e) refusals
def test_rank_three_is_refused_with_what_can_be_done():
    with pytest.raises(PrecisionLimitError, match="rank 3"):
        mixed_value([one, one, one, one], [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)],
                    [0, 0, 0, 0], 0, None, "relu", 10)


def test_a_request_over_the_time_limit_is_refused_up_front(monkeypatch):
    monkeypatch.setattr(mixed, "MAX_SECONDS_MIXED", 1e-9)
    with pytest.raises(PrecisionLimitError, match="would take about"):
        mixed_value([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0, None, "relu", 10)


def _estimated_seconds(monkeypatch, dps):
    import re

    args = ([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0, None, "relu", dps)
    monkeypatch.setattr(mixed, "MAX_SECONDS_MIXED", 1e-6)
    with pytest.raises(PrecisionLimitError) as refused:
        mixed_value(*args)
    return float(re.search(r"would take about ([0-9.e+-]+) s", str(refused.value)).group(1))


def test_the_cost_estimate_grows_with_the_digits(monkeypatch):
    # the estimate against the real run time (within a factor of 2 on an idle machine) is
    # tests/benchmarks/bench_mixed.py: time is load-dependent, so it is no unit test
    low, high = _estimated_seconds(monkeypatch, 15), _estimated_seconds(monkeypatch, 40)
    assert 0 < low < high


def test_disagreeing_orders_raise_after_a_retry(monkeypatch):
    # only the order with theta_2 inner uses the arccos phase-out (inner degree 1); make it wrong
    real = mixed.phase_out_mean
    calls = []

    def wrong(s, A, k):
        calls.append(1)
        return real(s, A, k) * (1 + mpmath.mpf(10) ** -8)

    monkeypatch.setattr(mixed, "phase_out_mean", wrong)
    with pytest.raises(VerificationError, match="two orders of integration"):
        mixed_value([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0, None, "relu", 10)
    assert calls


def test_bad_inputs_name_the_problem():
    vecs = [(1, 0), (0, 1)]
    with pytest.raises(ToneSpecError, match="exact"):
        mixed_value([1.5, one], vecs, [0, 0], 0, None, "relu", 10)
    with pytest.raises(ToneSpecError, match="rank 2"):
        mixed_value([one, one], [(1, 0), (0, 1, 2)], [0, 0], 0, None, "relu", 10)
    with pytest.raises(FrequencyNotPresentError, match="tuple of 2 integers"):
        mixed_value([one, one], vecs, [0, 0], 0, (1,), "relu", 10)
    with pytest.raises(ToneSpecError, match="share the frequency vector"):
        mixed_value([one, one], [(1, 0), (-1, 0)], [0, 0], 0, None, "relu", 10)


def test_to_arb_keeps_the_sign():
    # the outer rule's panels start at -pi: a dropped sign made every panel empty
    assert to_arb(mpmath.mpf(-3)) == -3
    assert to_arb(mpmath.mpf("-0.75")) < 0
