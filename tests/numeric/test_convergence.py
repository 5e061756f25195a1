"""Convergence study: honest RRMSE, the paper's metric, DC error, max error vs bound.

The columns are checked against values derived here independently of the code under test:
closed forms for one tone, a direct numpy evaluation of the order-0 approximation on a signal
sampled with ``np.cos``, and a DC oracle that integrates x over its positive intervals (zeros
bracketed on a grid and refined by ``mpmath.findroot``; the engine isolates the zeros of an
exact half-angle polynomial instead).
"""

import csv
import io
import json
import math

import mpmath
import numpy as np
import pytest
import sympy
from symrelu.numeric.convergence import convergence_study

import symrelu as sr

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
TONE = sr.MultiTone(amplitudes=[1], frequencies=[1])


def _dc_by_roots(signal, *, dps=30):
    r"""Mean of ReLU(x) over one base period by the antiderivative between the zeros of x.

    Phases, offset and frequencies are taken exactly (through sympy) at ``dps + 10`` digits;
    the zeros are bracketed on a grid of 64 points per period of the top harmonic and refined
    by ``mpmath.findroot``. ``mean ReLU = (b + mean|x|) / 2`` and
    ``mean|x| = (1/T) sum_j |X(t_{j+1}) - X(t_j)|`` with X the antiderivative of x.
    """
    with mpmath.workdps(dps + 10):
        def mp(v):
            return mpmath.mpf(sympy.N(v, dps + 15))

        T = 1 / mp(signal.base_frequency)
        b = mp(signal.offset)
        tones = [(mp(t.amplitude), mp(t.frequency), mp(t.phase)) for t in signal.tones]
        w = 2 * mpmath.pi

        def x(t):
            return b + mpmath.fsum(a * mpmath.cos(w * f * t + p) for a, f, p in tones)

        def X(t):
            return b * t + mpmath.fsum(a * mpmath.sin(w * f * t + p) / (w * f)
                                       for a, f, p in tones)

        m = 64 * max(int(sympy.Rational(t.frequency) / signal.base_frequency)
                     for t in signal.tones)
        grid = [T * k / m for k in range(m + 1)]
        xs = [x(t) for t in grid]
        roots = [mpmath.findroot(x, (grid[k], grid[k + 1]), solver="anderson")
                 for k in range(m) if xs[k] * xs[k + 1] < 0]
        edges = [mpmath.mpf(0)] + sorted(r for r in roots if 0 < r < T) + [T]
        mean_abs = mpmath.fsum(abs(X(hi) - X(lo)) for lo, hi in zip(edges, edges[1:])) / T
        out = (b + mean_abs) / 2
    with mpmath.workdps(dps):
        return +out


def _tone_dc(order):
    r"""Hand-derived DC of the order-n peak-center series of ReLU(cos theta).

    C = 1/2 and g = x^2/C - 1 = cos(2 theta), so the series is
    x/2 + sqrt(C)/2 * sum_k binom(1/2, k) cos(2 theta)^k, and
    mean cos^k = binom(k, k/2) / 2^k for even k (0 for odd k).
    """
    total = sum(sympy.binomial(sympy.Rational(1, 2), k) * sympy.binomial(k, k // 2)
                / sympy.Integer(2) ** k for k in range(0, order + 1, 2))
    return sympy.sqrt(sympy.Rational(1, 2)) / 2 * total


@pytest.fixture(scope="module")
def study():
    return convergence_study(PAPER, 12, fs=1024)


def test_rows_and_monotone_errors(study):
    assert [r["order"] for r in study.rows] == list(range(13))
    assert study.n_samples == 1024          # 5 base periods: the fewest holding whole samples
    rrmse = study.column("rrmse")
    assert np.all(np.diff(rrmse) < 0)
    assert all(r["bound_ok"] for r in study.rows)
    # the max error is attained at the zero crossings, where the bound is tight
    np.testing.assert_allclose(study.column("max_error"), study.column("bound"), rtol=5e-3)


def test_paper_metric_does_not_converge(study):
    paper = study.column("rrmse_paper")
    assert paper[-1] > 60            # compares with x, not ReLU(x): stays near 63 %
    assert study.column("rrmse")[-1] < 6


def test_order0_rrmse_against_direct_numpy(study):
    # order 0, peak center C = P^2/2 = 8: ReLU(x) ~ x/2 + sqrt(C)/2 = x/2 + sqrt(2);
    # the signal is sampled here with np.cos on the study's own grid (1024 samples at 1024 Hz)
    t = np.arange(1024) / 1024
    x = sum(np.cos(2 * np.pi * f * t) for f in (5, 10, 20, 40))
    y = np.maximum(x, 0)
    approx = x / 2 + math.sqrt(2)
    honest = 100 * np.sqrt(np.mean((approx - y) ** 2) / np.mean(y ** 2))
    paper = 100 * np.sqrt(np.mean((approx - x) ** 2) / np.mean(x ** 2))
    assert study.rows[0]["rrmse"] == pytest.approx(honest, rel=1e-12)
    assert study.rows[0]["rrmse_paper"] == pytest.approx(paper, rel=1e-12)
    assert study.rows[0]["max_error"] == pytest.approx(np.max(np.abs(approx - y)), rel=1e-12)


def test_dc_columns_of_one_tone_against_closed_forms():
    # exact DC of ReLU(cos) = 1/pi; truncated DCs by hand (_tone_dc): sqrt(2)/4, sqrt(2)/4,
    # 15 sqrt(2)/64, ...
    s = convergence_study(TONE, 6, fs=32)
    assert s.exact_dc == pytest.approx(1 / math.pi, abs=1e-15)
    assert s.exact_dc_method == "symrelu.exact_dc"
    by_hand = [float(_tone_dc(n)) for n in range(7)]
    assert float(_tone_dc(2)) == pytest.approx(15 * math.sqrt(2) / 64, abs=1e-16)
    np.testing.assert_allclose(s.column("dc"), by_hand, rtol=0, atol=1e-15)
    np.testing.assert_allclose(s.column("dc_error"), np.abs(np.array(by_hand) - 1 / math.pi),
                               rtol=0, atol=1e-15)


def test_rrmse_of_one_tone_against_direct_numpy():
    # the order-n series of ReLU(cos theta) written out: cos/2 + (1/(2 sqrt 2)) sum_k a_k
    # cos(2 theta)^k with a_k = binom(1/2, k), evaluated on np.cos samples (32 per period)
    s = convergence_study(TONE, 4, fs=32)
    th = 2 * np.pi * np.arange(32) / 32
    y = np.maximum(np.cos(th), 0)
    for n in range(5):
        series = sum(float(sympy.binomial(sympy.Rational(1, 2), k)) * np.cos(2 * th) ** k
                     for k in range(n + 1))
        approx = np.cos(th) / 2 + series / (2 * math.sqrt(2))
        rr = 100 * np.sqrt(np.mean((approx - y) ** 2) / np.mean(y ** 2))
        assert s.rows[n]["rrmse"] == pytest.approx(rr, rel=1e-12)


def test_dc_errors_of_paper_signal_against_root_oracle(study):
    exact = _dc_by_roots(PAPER)
    assert study.exact_dc == pytest.approx(float(exact), abs=1e-14)
    # order 0 with C = 8: sqrt(C)/2 = sqrt(2), and the error column is its distance to the oracle
    assert study.rows[0]["dc"] == pytest.approx(2**0.5, abs=1e-15)
    assert study.rows[0]["dc_error"] == pytest.approx(abs(2**0.5 - float(exact)), abs=1e-14)


def test_root_oracle_single_tone_and_offset():
    # the oracle itself against closed forms: A/pi for A cos, and b for b + A cos with b >= A
    with mpmath.workdps(30):
        assert abs(_dc_by_roots(sr.MultiTone(amplitudes=[2], frequencies=[3])) - 2 / mpmath.pi
                   ) < 1e-28
    assert _dc_by_roots(sr.MultiTone(amplitudes=[1], frequencies=[1], offset=2)) == 2


def test_csv_and_json_outputs(study, tmp_path):
    text = study.to_csv(tmp_path / "c.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert float(rows[5]["rrmse"]) == study.rows[5]["rrmse"]
    study.to_json(tmp_path / "c.json")
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["rows"][-1]["order"] == 12 and data["center"] == "8"


def test_divergent_center_refused():
    with pytest.raises(ValueError, match="does not converge"):
        convergence_study(PAPER, 2, center="mean_square")


@pytest.mark.parametrize("text", ["1@5 + 1@10 + 1@20 + 1@40", "0.3 + 1@1 + 0.5@3:0.7", "2@2"])
def test_root_oracle_agrees_with_symrelu_exact_dc(text):
    sig = sr.MultiTone.parse(text)
    assert abs(_dc_by_roots(sig, dps=30) - sr.exact_dc(sig, dps=30)) < 1e-25
