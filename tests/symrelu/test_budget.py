"""Bounded work (issue 16, requirement 3): estimates before the work, refusals, limits, progress.

Every case that ran for minutes or took gigabytes is refused here in well under
a second, with the estimate in the message. The estimates are checked against
what a run really uses: peak memory in a subprocess (``VmHWM``, the
operating system's count, independent of the estimate's model) within a factor
of 2; time is load-dependent, so here only its scaling is checked (the factor-2
check of the time model is tests/benchmarks/bench_budget.py).
"""

from __future__ import annotations

import decimal
import fractions
import json
import math
import subprocess
import sys
import threading

import mpmath
import pytest
import sympy

from symrelu import MultiTone, budget, expand
from symrelu._values import to_exact
from symrelu.errors import ResourceLimitError, ToneSpecError
from symrelu.exact import exact_dc
from symrelu.trigpoly import SignalModel, estimate_terms


def _refused(call, *needles: str) -> str:
    # how fast a refusal comes is measured in tests/benchmarks/bench_refusals.py
    with pytest.raises(ResourceLimitError) as info:
        call()
    message = str(info.value)
    for needle in needles:
        assert needle in message, message
    return message


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize("value", [
    "1e100000000",            # 15 s just to parse before (issue 16)
    "1e-99999",               # hit Python's 4300-digit limit later (exit 1)
    "-2.5e+5000",
    "1e" + "9" * 40,          # an exponent too long even to read as an int
    "1" * 5000,
    "0." + "1" * 5000,
    "3/1e9000",
])
def test_number_strings_are_sized_from_their_text(value):
    message = _refused(lambda: to_exact(value, "amplitude"), "amplitude", "digits",
                               "limit 4000 digits", "budget.limits(digits=")
    assert "\n" not in message


@pytest.mark.parametrize("value", [
    decimal.Decimal("1e100000000"),
    decimal.Decimal("1e-5000"),
    10**5000,
    fractions.Fraction(1, 10**5000),
    mpmath.mpf("1e100000000"),
    sympy.Integer(10) ** 5000,
    sympy.Float("1e100000", 15),
    sympy.Rational(1, 7) + sympy.Integer(10) ** 5000 * sympy.Symbol("a"),
], ids=["Decimal-big", "Decimal-small", "int", "Fraction", "mpf", "Integer", "Float", "expr"])
def test_number_objects_are_sized_before_conversion(value):
    _refused(lambda: to_exact(value, "offset"), "digits")


def test_a_leaky_slope_with_a_huge_exponent_is_refused():
    # LeakyReLU("1e100000000") ran 366 s before (issue 16)
    from symrelu import LeakyReLU
    from symrelu.errors import SymreluError

    with pytest.raises(SymreluError, match="digits"):
        LeakyReLU("1e100000000")


def test_the_signal_grammar_refuses_a_huge_exponent():
    _refused(lambda: MultiTone.parse("1e100000000@5"), "1e100000000")


def test_numbers_within_the_limit_are_exact():
    # 1e-300 (301 digits) and a 3999-digit integer pass; the values are the ones written
    assert to_exact("1e-300", "a") == sympy.Rational(1, 10**300)
    assert to_exact("1e3998", "a") == sympy.Integer(10) ** 3998
    assert to_exact(decimal.Decimal("1.5e-20"), "a") == sympy.Rational(15, 10**21)


def test_the_digit_limit_can_be_raised_for_a_block():
    with budget.limits(digits=6000):
        assert to_exact("1e5000", "a") == sympy.Integer(10) ** 5000
    _refused(lambda: to_exact("1e5000", "a"), "limit 4000 digits")


def test_decimal_text_digits_bounds_the_exact_fraction():
    # compared with the exact fraction's own digit counts
    for text in ["0.125", "12.5e3", "7e-12", "1.000e2", "123456", ".5e1", "9e0"]:
        r = sympy.Rational(text)
        exact = max(len(str(abs(r.p))), len(str(r.q)))
        bound = budget.decimal_text_digits(text)
        assert exact <= bound <= exact + len(text), (text, exact, bound)
    assert budget.decimal_text_digits("pi") is None


# ------------------------------------------------------------------ exact engines
def test_a_high_harmonic_is_refused_by_estimate():
    # over 120 s in the engine before the ball engine (issue 16); about 0.5 s now, so a
    # lower limit shows the refusal and its advice
    with budget.limits(seconds=0.1):
        message = _refused(lambda: exact_dc(MultiTone.parse("1@1 + 1@1500")),
                                   "highest harmonic 1500", "limits 0.1 s",
                                   "coarser frequency grid", "budget.limits(seconds=")
    assert "would take about" in message


def test_many_tones_are_refused_by_estimate():
    # 200 tones took 26 s (issue 16); 400 are estimated at about 2e2 s
    sig = MultiTone(amplitudes=[1] * 400, frequencies=range(1, 401))
    _refused(lambda: exact_dc(sig), "400 tones", "use fewer tones")


def test_a_thousand_tones_are_refused_by_estimate():
    sig = MultiTone(amplitudes=[1] * 1000, frequencies=list(range(1, 1001)))
    _refused(lambda: exact_dc(sig), "1000 tones")


def test_raising_the_time_limit_admits_what_was_refused():
    sig = MultiTone.parse("1@1 + 1@100")
    with budget.limits(seconds=0.001):
        _refused(lambda: exact_dc(sig, dps=15), "limits 0.001 s")
    # the same value at the default limits; 1/pi-like closed forms do not exist here, so
    # the check is that it runs and equals the engine at another precision
    assert mpmath.almosteq(exact_dc(sig, dps=15), exact_dc(sig, dps=20), rel_eps=1e-14)


def test_periodic_estimate_scales_with_harmonics_tones_and_digits():
    e = budget.periodic_estimate
    assert e(100, 2, 15).seconds < e(200, 2, 15).seconds < e(400, 2, 15).seconds
    # linear in the number of zeros (2D) at a fixed number of tones
    assert 1.9 < e(8000, 2, 15).seconds / e(4000, 2, 15).seconds <= 2
    # more than linear in the number of tones
    assert e(100, 100, 15).seconds > 2 * e(100, 50, 15).seconds > 4 * e(100, 25, 15).seconds
    assert e(100, 2, 15).seconds < e(100, 2, 500).seconds < e(100, 2, 2000).seconds


def test_progress_is_reported_at_the_start_and_per_step():
    seen = []
    with budget.progress(seen.append):
        exact_dc(MultiTone.parse("1@1 + 1@30 + 0.5@7"), dps=15)
    done = [p.done for p in seen]
    assert done[0] == 0 and done[1:] == list(range(1, len(done))) and len(done) >= 2
    assert all(p.what == "the DC" and p.total >= 1 and p.expected > 0 for p in seen)
    seen.clear()
    exact_dc(MultiTone.parse("1@1 + 1@31 + 0.5@7"), dps=15)   # no callback: nothing sent
    assert seen == []


# ------------------------------------------------------------------ expansions
def test_expansions_report_progress_per_order():
    seen = []
    with budget.progress(seen.append):
        spectrum = expand(MultiTone.parse("1@1 + 1@2 + 1@3"), order=4, regime="generic").spectrum()
    assert len(spectrum) > 0
    steps = [(p.done, p.total) for p in seen if p.what.startswith("expanding to order 4")]
    assert steps == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_the_stderr_progress_is_quiet_for_quick_work():
    import io

    out = io.StringIO()
    with budget.progress(budget.StderrProgress(out, after=3)):
        exact_dc(MultiTone.parse("1@1 + 1@30 + 0.5@7"), dps=15)
    assert out.getvalue() == ""


def test_the_six_tone_order_twelve_expansion_is_refused():
    # reached 7.8 GB and died with MemoryError before (issue 16)
    # (the DC alone is now computed by torus moments: test_a_generic_dc_by_moments_...)
    sig = MultiTone(amplitudes=[1] * 6, frequencies=[1, 2, 3, 4, 5, 6])
    e = expand(sig, order=12, regime="generic")
    message = _refused(e.spectrum, "order 12", "GB", "lower the order to")
    assert "budget.limits(" in message


def test_the_eight_tone_expansion_is_refused_under_a_lower_memory_limit():
    sig = MultiTone(amplitudes=[1] * 8, frequencies=list(range(1, 9)))
    e = expand(sig, order=6, regime="generic")
    with budget.limits(memory="1GB"):
        _refused(e.spectrum, "4.7e+06 polynomial terms", "limits 60 s, 1 GB")


def test_the_suggested_order_fits():
    sig = MultiTone(amplitudes=[1] * 6, frequencies=[1, 2, 3, 4, 5, 6])
    message = _refused(expand(sig, order=12, regime="generic").spectrum)
    suggested = int(message.split("lower the order to ")[1].split(",")[0])
    model = SignalModel.build(sig, "generic")
    assert budget.expansion_estimate(estimate_terms(model, suggested), suggested).fits()
    nxt = suggested + 1
    assert not budget.expansion_estimate(estimate_terms(model, nxt), nxt).fits()


def test_a_generic_dc_by_moments_is_admitted_where_the_spectrum_is_refused(unit_tones_relu_dc):
    # issue 15: the 8-tone order-50 DC was refused (6.6e13 polynomial terms); torus moments
    # compute it alone, while the whole spectrum is still refused before any work
    sig = MultiTone(amplitudes=[1] * 8, frequencies=[sympy.sqrt(p) for p in sympy.primerange(2, 20)])
    e = expand(sig, order=50, regime="generic")
    dc = e.dc
    _refused(e.spectrum, "order 50", "polynomial terms")
    assert e.coefficient((2, 0, 0, 0, 0, 0, 0, 1)).is_number
    # the value: within the certificate's bound of relu's DC (a Bessel integral, conftest)
    ref = unit_tones_relu_dc(8, 60)
    assert abs(float(dc) - float(ref)) <= float(e.certificate.sup_error_bound)


def test_a_moment_route_too_big_is_refused():
    # 20 symbolic amplitudes at order 100: about 1e22 polynomial terms even for the DC alone
    sig = MultiTone.symbolic(20)
    e = expand(sig, order=100, regime="generic")
    message = _refused(lambda: e.dc, "the DC by torus moments to order 100",
                               "lower the order to", "budget.limits(")
    suggested = int(message.split("lower the order to ")[1].split(",")[0])
    model = SignalModel.build(sig, "generic")
    assert budget.moment_estimate(model, suggested, center_rational=False).fits()
    assert not budget.moment_estimate(model, suggested + 1, center_rational=False).fits()
    _refused(lambda: e.coefficient((1,) + (0,) * 19), "coefficient at (1, 0")
    # numeric: a huge order is refused before its Taylor coefficients
    many = expand(MultiTone(amplitudes=[1] * 20, frequencies=range(1, 21)), order=20_000,
                  regime="generic")
    _refused(lambda: many.dc, "torus moments to order 20000")


_MEASURE = r"""
import json, os, sys
from symrelu import MultiTone, expand
sig = MultiTone.parse(sys.argv[1])
e = expand(sig, order=int(sys.argv[2]), regime=sys.argv[3])
_ = MultiTone.parse("1@1 + 1@2"); expand(_, order=1, regime="generic").spectrum()  # warm up
with open("/proc/self/statm") as f:  # resident now (the peak so far may be higher)
    before = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
e.spectrum()
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and execve, so a child of a large
# pytest process would report the parent's peak; VmHWM belongs to this process's own memory
with open("/proc/self/status") as f:
    after = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
print(json.dumps({"peak": after - before}))
"""


@pytest.mark.parametrize("signal, order, regime", [
    ("1@1 + 1@2 + 1@3 + 1@4 + 1@5", 6, "generic"),          # 8.5e4 terms, about 45 MB
    ("1@1 + 1@2 + 1@3 + 1@4 + 1@5 + 1@6", 6, "generic"),    # 3.7e5 terms, about 180 MB
    ("1@1 + 1@2 + 1@3 + 1@5 + 1@7 + 1@11 + 1@13", 5, "generic"),  # 7e5 terms, order 5
])
def test_expansion_memory_estimate_within_a_factor_of_two(signal, order, regime):
    out = subprocess.run([sys.executable, "-c", _MEASURE, signal, str(order), regime],
                         capture_output=True, text=True, timeout=120, check=True)
    peak = json.loads(out.stdout)["peak"]
    sig = MultiTone.parse(signal)
    estimate = budget.expansion_estimate(estimate_terms(SignalModel.build(sig, regime), order),
                                         order)
    assert peak > 0
    ratio = estimate.bytes / peak
    assert 0.5 <= ratio <= 2, f"estimate {estimate.bytes / 1e6:.0f} MB, peak {peak / 1e6:.0f} MB"


def test_expansion_memory_estimate_is_an_upper_bound_with_symbolic_amplitudes():
    # estimate_terms counts (n + 1) phasor exponents per symbolic tone: 4x the terms here,
    # so the estimate is high, never low
    out = subprocess.run([sys.executable, "-c", _MEASURE, "A@1 + B@2 + 1@3 + 1@4 + 1@5", "6",
                          "generic"], capture_output=True, text=True, timeout=120, check=True)
    peak = json.loads(out.stdout)["peak"]
    sig = MultiTone.parse("A@1 + B@2 + 1@3 + 1@4 + 1@5")
    estimate = budget.expansion_estimate(estimate_terms(SignalModel.build(sig, "generic"), 6), 6)
    assert estimate.bytes >= 0.5 * peak


def test_a_huge_order_is_refused_before_its_taylor_coefficients():
    # order 20000: the Taylor coefficients alone took minutes in sympy; the estimate comes first
    e = expand(MultiTone.parse("1@1 + 1@2"), order=20_000)
    _refused(lambda: e.dc, "order 20000", "lower the order to")


def test_a_huge_symbolic_order_is_estimated_quickly():
    # the term count used an O(N^2) loop per parameter: order 20000 with a symbol hung
    e = expand(MultiTone.parse("A@1 + 1@2"), order=20_000)
    _refused(lambda: e.dc, "order 20000")


@pytest.mark.parametrize("signal, order, regime", [
    ("A@1 + 1@2", 8, "periodic"), ("A@1 + B@2 + 1@3", 4, "generic"),
    ("A@1 + 1@2:0.3 + 1@5", 5, "periodic"), ("A@1 + 1@sqrt(2) + B", 4, "generic"),
])
def test_estimate_terms_bounds_the_actual_term_count(signal, order, regime):
    from symrelu.taylor import power_coefficients
    from symrelu.trigpoly import even_polynomial_spectrum

    model = SignalModel.build(MultiTone.parse(signal), regime)
    actual = even_polynomial_spectrum(model, power_coefficients(order)).n_terms
    assert actual <= estimate_terms(model, order) <= 25 * actual


def test_expansion_estimate_scales_with_terms_and_order():
    e = budget.expansion_estimate
    assert e(10**5, 6).bytes < e(10**6, 6).bytes < e(10**6, 12).bytes
    assert e(10**5, 6).seconds < e(10**6, 6).seconds
    assert e(10**6, 6, convert=False).seconds < e(10**6, 6).seconds


# ------------------------------------------------------------------ limits
def test_limits_are_scoped_and_nested():
    assert budget.limits().seconds == 60 and budget.limits().memory == 4 * 10**9
    with budget.limits(seconds=5):
        with budget.limits(memory="2GiB"):
            assert (budget.limits().seconds, budget.limits().memory) == (5, 2 * 2**30)
        assert budget.limits().memory == 4 * 10**9
    assert budget.limits().seconds == 60


def test_limits_do_not_leak_into_other_threads():
    seen = []
    with budget.limits(seconds=1):
        worker = threading.Thread(target=lambda: seen.append(budget.limits().seconds))
        worker.start()
        worker.join()
    assert seen == [60.0]


def test_no_limit():
    with budget.limits(seconds=math.inf, memory=math.inf):
        assert budget.Estimate(1e9, 1e15, "anything").fits()


@pytest.mark.parametrize("kwargs", [
    {"seconds": 0}, {"seconds": -1}, {"seconds": "60"}, {"memory": "lots"}, {"memory": -5},
    {"memory": True}, {"digits": 0}, {"digits": 2.5},
])
def test_bad_limits_are_refused(kwargs):
    with pytest.raises(ToneSpecError):
        budget.limits(**kwargs)


def test_parse_memory():
    assert budget.parse_memory("8GB") == 8 * 10**9
    assert budget.parse_memory("512 MiB") == 512 * 2**20
    assert budget.parse_memory("100") == 100


def test_power_coefficients_equal_the_binomial_double_sum():
    # the fast Horner form (FLINT) against the definition beta_j = sum_n a_n C(n, j) (-1)^(n-j)
    from symrelu.taylor import power_coefficients, taylor_coefficients

    for N in (0, 1, 2, 7, 25, 60):
        a = taylor_coefficients(N + 1)
        expected = tuple(
            sum((a[n] * sympy.binomial(n, j) * (-1) ** (n - j) for n in range(j, N + 1)),
                sympy.Integer(0))
            for j in range(N + 1)
        )
        assert power_coefficients(N) == expected


def test_a_high_order_periodic_expansion():
    # power_coefficients(400) took 7 s in sympy (its time now: bench_refusals.py). The DC is
    # checked against the exact engine (integration between the zeros, an independent
    # method): the truncated series converges to it (peak center)
    dc = expand(MultiTone.parse("1@1 + 1@2"), order=200).dc
    assert abs(float(dc) - float(exact_dc(MultiTone.parse("1@1 + 1@2"), dps=15))) < 1e-2


def test_a_long_decimal_frequency_is_refused_with_a_hint_about_exact_decimals():
    # 1.4142135623730951 is the exact rational 14142135623730951/10^16: periodic, with a
    # highest harmonic of 1.4e16; the refusal says how to write the irrational instead
    with pytest.raises(ResourceLimitError, match=r"decimals are exact: write sqrt\(2\)"):
        exact_dc(MultiTone.parse("1@1 + 1@1.4142135623730951"))
