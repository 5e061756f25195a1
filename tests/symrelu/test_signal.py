"""MultiTone: exact values, merging, the grammar, and every bad input."""

import decimal
import math
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu import MultiTone


def test_values_are_exact():
    sig = MultiTone(
        amplitudes=[1, 0.1, Fraction(1, 3), decimal.Decimal("0.25"), "0.7"],
        frequencies=[1, 2, 3, 4, 5],
    )
    assert sig.amplitudes == (
        1,
        sympy.Rational(1, 10),
        sympy.Rational(1, 3),
        sympy.Rational(1, 4),
        sympy.Rational(7, 10),
    )
    assert all(isinstance(a, sympy.Rational) for a in sig.amplitudes)


def test_float_is_the_decimal_it_prints_as():
    assert MultiTone(amplitudes=[0.1 + 0.2], frequencies=[1]).amplitudes[0] == sympy.Rational(
        "0.30000000000000004"
    )


def test_zero_amplitude_tones_are_dropped_and_duplicates_merged():
    sig = MultiTone(amplitudes=[1, 0, 2, 3], frequencies=[5, 7, 5, 9])
    assert sig.frequencies == (5, 9)
    assert sig.amplitudes == (3, 3)


def test_merge_with_phases_is_the_phasor_sum():
    sig = MultiTone(amplitudes=[1, 1], frequencies=[3, 3], phases=[0, "pi/2"])
    assert sympy.simplify(sig.amplitudes[0] - sympy.sqrt(2)) == 0
    assert sympy.simplify(sig.phases[0] - sympy.pi / 4) == 0


def test_cancelling_tones_leave_only_the_offset():
    sig = MultiTone(amplitudes=[1, -1], frequencies=[3, 3], offset=2)
    assert sig.K == 0 and sig.offset == 2


def test_immutable_and_hashable():
    a = MultiTone(amplitudes=[1, 2], frequencies=[5, 10])
    b = MultiTone(amplitudes=["1", "2"], frequencies=[5.0, 10.0])
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
    with pytest.raises(AttributeError):
        a.offset = 3


def test_numpy_does_not_broadcast_over_a_signal():
    np = pytest.importorskip("numpy")
    sig = MultiTone(amplitudes=[1], frequencies=[1])
    with pytest.raises(TypeError):
        np.array([1.0, 2.0]) * sig
    assert (np.float64(2.0) * sig).amplitudes == (2,)  # a scalar scales exactly


def test_parse_grammar():
    sig = MultiTone.parse("0.2 + 1@5 + 0.6@10:0.9")
    assert sig.offset == sympy.Rational(1, 5)
    assert sig.amplitudes == (1, sympy.Rational(3, 5))
    assert sig.frequencies == (5, 10)
    assert sig.phases == (0, sympy.Rational(9, 10))
    # a negative amplitude is the same tone with the phase moved by pi; tones sort by frequency
    neg = MultiTone.parse("-1@5 - 2@3e-1 + 1e-3")
    assert neg.amplitudes == (2, 1) and neg.frequencies == (sympy.Rational(3, 10), 5)
    assert neg.phases == (sympy.pi, sympy.pi)
    assert MultiTone.parse("1@5:pi/2").phases == (sympy.pi / 2,)
    assert MultiTone.parse("A@w").amplitudes[0] == sympy.Symbol("A", real=True)


def test_parse_round_trips_rational_signals():
    sig = MultiTone.parse("1/5 + 1@5 + 3/5@10:9/10 - 1/3@7")
    assert MultiTone.parse(sig.to_string()) == sig


def test_symbolic():
    s = MultiTone.symbolic(3)
    assert all(a.is_positive for a in s.amplitudes)
    assert all(f.is_positive for f in s.frequencies)
    assert s.offset == 0 and s.phases == (0, 0, 0)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        (
            dict(amplitudes=[float("nan")], frequencies=[1]),
            "amplitude of tone 1 must be a finite number (got nan)",
        ),
        (
            dict(amplitudes=[1, math.inf], frequencies=[1, 2]),
            "amplitude of tone 2 must be a finite number (got inf)",
        ),
        (
            dict(amplitudes=[1], frequencies=[float("nan")]),
            "frequency of tone 1 must be a finite number",
        ),
        (dict(amplitudes=[1j], frequencies=[1]), "amplitude of tone 1 must be real (got complex"),
        (dict(amplitudes=[1], frequencies=[0]), "frequency of tone 1 must be positive (got 0)"),
        (
            dict(amplitudes=[1, 1], frequencies=[1, -2]),
            "frequency of tone 2 must be positive (got -2)",
        ),
        (dict(amplitudes=[], frequencies=[]), "no tone and no offset"),
        (dict(amplitudes=[1, 2], frequencies=[1]), "2 amplitudes but 1 frequencies"),
        (dict(amplitudes=[1], frequencies=[1], phases=[0, 1]), "2 phases for 1 tones"),
        (dict(amplitudes=[1], frequencies=[1], offset="inf"), "offset must be a finite number"),
        (dict(amplitudes=["1+"], frequencies=[1]), "amplitude of tone 1 is not a number"),
        (dict(amplitudes=[sympy.I], frequencies=[1]), "amplitude of tone 1 must be real"),
        (dict(amplitudes=[1], frequencies=[sympy.Symbol("w")]), "must be known to be positive"),
    ],
)
def test_bad_input_names_the_tone_and_value(kwargs, fragment):
    with pytest.raises(sr.ToneSpecError) as info:
        MultiTone(**kwargs)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_non_numeric_object_is_a_type_error():
    with pytest.raises(sr.InexactInputError, match="amplitude of tone 1 must be a number"):
        MultiTone(amplitudes=[object()], frequencies=[1])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty signal"),
        ("1@", "incomplete"),
        ("1@5 +", "ends with an operator"),
        ("1@5:", "incomplete"),
        ("2:3", "has a phase but no '@FREQ'"),
        ("1@0", "must be positive (got 0)"),
        ("nan@3", "finite number (got nan)"),
        ("1@5 ++ 2@3", "ends with an operator|is not a number|empty term"),
        ("x@@3", "is not a number"),
        ("1@5 + __import__('os')@3", "is not a number"),
    ],
)
def test_parse_errors(text, fragment):
    with pytest.raises(sr.SignalParseError) as info:
        MultiTone.parse(text)
    assert any(part in str(info.value) for part in fragment.split("|")), str(info.value)


# ------------------------------------------------------------ canonical values
def _samples(amplitudes, frequencies, phases, offset=0, times=(0, "0.0137", "0.29", "1.7")):
    """x(t) of the given tones, summed term by term in mpmath (independent of the merge)."""
    out = []
    with mpmath.workdps(40):
        for t in times:
            t = mpmath.mpf(t)
            out.append(
                mpmath.mpf(sympy.N(offset, 45))
                + mpmath.fsum(
                    mpmath.mpf(sympy.N(a, 45))
                    * mpmath.cos(2 * mpmath.pi * mpmath.mpf(sympy.N(f, 45)) * t
                                 + mpmath.mpf(sympy.N(p, 45)))
                    for a, f, p in zip(amplitudes, frequencies, phases)
                )
            )
    return out


def _signal_samples(sig):
    return _samples(sig.amplitudes, sig.frequencies, sig.phases, sig.offset)


def _close(xs, ys, tol=1e-30):
    return all(abs(x - y) <= tol for x, y in zip(xs, ys))


def test_equal_signals_are_equal_in_any_order():
    # issue 11: the same two tones given in either order compared unequal and hashed apart
    a = MultiTone(amplitudes=[1, 2], frequencies=[5, 10])
    b = MultiTone(amplitudes=[2, 1], frequencies=[10, 5])
    assert a == b and hash(a) == hash(b) and a.frequencies == (5, 10)
    # a negative amplitude is the tone with phase pi; phases are kept in (-pi, pi]
    assert MultiTone(amplitudes=[-1], frequencies=[5]) == MultiTone(
        amplitudes=[1], frequencies=[5], phases=["pi"]
    )
    assert MultiTone(amplitudes=[1], frequencies=[5], phases=["5pi/3"]).phases == (-sympy.pi / 3,)
    assert MultiTone(amplitudes=[1], frequencies=[5], phases=["3pi"]) == MultiTone(
        amplitudes=[1], frequencies=[5], phases=["-pi"]
    )
    # one frequency written two ways is one tone
    two = MultiTone(amplitudes=[1, 1], frequencies=[sympy.sqrt(8), 2 * sympy.sqrt(2)])
    assert two.K == 1 and two.amplitudes == (2,)
    seven = MultiTone(amplitudes=[1, 1], frequencies=[(1 + sympy.sqrt(2)) ** 2, 3 + 2 * sympy.sqrt(2)])
    assert seven.K == 1 and seven.amplitudes == (2,)
    three = (1 + sympy.sqrt(2)) ** 2 - 2 * sympy.sqrt(2)  # 3, written so sympy keeps it
    for freqs in ([three, 3], [3, three]):
        assert MultiTone(amplitudes=[1, 1], frequencies=freqs) == MultiTone.parse("2@3")


def test_order_of_numeric_and_symbolic_frequencies():
    w2, w10 = (sympy.Symbol(n, positive=True) for n in ("w_2", "w_10"))
    sig = MultiTone(amplitudes=[1] * 5, frequencies=[w10, sympy.pi, w2, 3, "22/7"])
    # numbers by exact value (22/7 > pi), then symbols by natural order of their names
    assert sig.frequencies == (3, sympy.pi, sympy.Rational(22, 7), w2, w10)
    shuffled = MultiTone(amplitudes=[1] * 5, frequencies=[w2, "22/7", w10, 3, sympy.pi])
    assert shuffled == sig and hash(shuffled) == hash(sig)


def test_the_offset_is_exact_and_canonical():
    zero = sympy.cos(sympy.pi / 7) - sympy.cos(2 * sympy.pi / 7) + sympy.cos(3 * sympy.pi / 7)
    sig = MultiTone(amplitudes=[1], frequencies=[1], offset=zero - sympy.Rational(1, 2))
    assert sig.offset == 0  # cos(pi/7) - cos(2pi/7) + cos(3pi/7) = 1/2


def test_seven_cancelling_tones_merge_to_nothing():
    # issue 16: seven unit tones at 5 Hz with phases 2 pi k / 7 sum to zero (roots of unity)
    phases = [f"{2 * k}pi/7" for k in range(7)]
    sig = MultiTone(amplitudes=[1] * 8, frequencies=[5] * 7 + [3], phases=phases + [0])
    assert sig == MultiTone.parse("1@3")
    assert not any(sig.tones[0].phase.has(s) for s in (sympy.Piecewise, sympy.nan))
    text = " + ".join(f"1@5:{p}" for p in phases) + " + 1@3"
    assert MultiTone.parse(text) == MultiTone.parse("1@3")


def test_merged_phase_is_a_closed_form():
    sig = MultiTone(amplitudes=[1, 1], frequencies=[3, 3], phases=[0, "pi/2"])
    assert sig.amplitudes == (sympy.sqrt(2),) and sig.phases == (sympy.pi / 4,)
    # issue 16: this tone printed as 'sqrt(2)@5:pi/4' and did not parse back
    assert sig.to_string() == "sqrt(2)@3:pi/4" and MultiTone.parse(sig.to_string()) == sig
    sig = MultiTone(amplitudes=[1, 1], frequencies=[3, 3], phases=[0, "pi/6"])
    assert sig.phases == (sympy.pi / 12,)
    assert sig.amplitudes == ((sympy.sqrt(2) + sympy.sqrt(6)) / 2,)  # 2 cos(pi/12)
    # 1 + e^{i pi/7}: 2 cos(pi/14) e^{i pi/14}; the amplitude is a cubic surd (CRootOf)
    sig = MultiTone(amplitudes=[1, 1], frequencies=[3, 3], phases=[0, "pi/7"])
    assert sig.phases == (sympy.pi / 14,)
    assert abs(sympy.N(sig.amplitudes[0] - 2 * sympy.cos(sympy.pi / 14), 40)) < 1e-38


@pytest.mark.parametrize(
    ("amplitudes", "phases"),
    [
        ([1, 2], [0, "pi/7"]),
        ([3, "1/2", -1], ["pi/5", "-2pi/3", "pi/4"]),
        ([1, 1, 1], [0, "2pi/3", "4pi/3"]),  # cancels
        ([1, 1], ["1/2", 0]),  # radians, the general path
        (["1/3", 2], ["pi/9", "7"]),
    ],
)
def test_merging_keeps_the_signal(amplitudes, phases):
    """The merged signal has the same samples as the sum of the tones it was given."""
    freqs = [5] * len(amplitudes)
    sig = MultiTone(amplitudes=amplitudes + [1], frequencies=freqs + [2], phases=phases + [0])
    given = [sympy.Rational(a) for a in amplitudes] + [1]
    ps = [sr_phase(p) for p in phases] + [0]
    assert _close(_signal_samples(sig), _samples(given, freqs + [2], ps))
    assert MultiTone.parse(sig.to_string()) == sig
    # the same tones in another order give the same object
    again = MultiTone(amplitudes=[1] + amplitudes[::-1], frequencies=[2] + freqs,
                      phases=[0] + phases[::-1])
    assert again == sig and hash(again) == hash(sig)


def sr_phase(text):
    from symrelu._values import to_exact

    return to_exact(text, "phase")


def test_symbolic_amplitudes_stay_symbolic():
    A, B = sympy.symbols("A B", real=True)
    sig = MultiTone(amplitudes=[A, B], frequencies=[1, 1])
    assert sig.amplitudes == (A + B,)
    sig = MultiTone(amplitudes=[A, -A], frequencies=[1, 1], offset=1)
    assert sig.K == 0  # A - A is zero for every A
    sig = MultiTone(amplitudes=[A, 1], frequencies=[1, 1], phases=[0, "pi/2"])
    assert sig.amplitudes[0] == sympy.sqrt(A**2 + 1)
    assert not sig.phases[0].has(sympy.Piecewise, sympy.nan)


def test_sums_and_multiples_stay_exact():
    a = MultiTone.parse("1@5 + 2@5:pi/7")
    b = MultiTone.parse("-1@5 + 1@3")
    assert a + b == MultiTone.parse("2@5:pi/7 + 1@3")
    assert 3 * a == MultiTone.parse("3@5 + 6@5:pi/7")
    assert MultiTone.parse((a + b).to_string()) == a + b


# ------------------------------------------------------------- round trip
_PHASE_DENOMINATORS = st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 12])


@st.composite
def _signals(draw):
    n = draw(st.integers(1, 5))
    amps = [draw(st.fractions(-5, 5, max_denominator=12)) for _ in range(n)]
    freqs = [draw(st.sampled_from([1, 2, 3, "1/2", "5/3"])) for _ in range(n)]
    phases = []
    for _ in range(n):
        if draw(st.booleans()):
            phases.append(0)
        else:
            q = Fraction(draw(st.integers(-12, 12)), draw(_PHASE_DENOMINATORS))
            phases.append(q * sympy.pi)
    offset = draw(st.fractions(-3, 3, max_denominator=10))
    try:
        return MultiTone(amplitudes=amps, frequencies=freqs, phases=phases, offset=offset)
    except sr.ToneSpecError:  # everything cancelled and no offset
        return MultiTone.parse("1@1")


@settings(max_examples=60, deadline=None)
@given(_signals())
def test_every_printed_signal_parses_back(sig):
    text = sig.to_string()
    assert MultiTone.parse(text) == sig, text
    assert repr(sig) == f"MultiTone.parse({text!r})"
