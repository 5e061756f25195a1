"""MultiTone: exact values, merging, the grammar, and every bad input."""

import decimal
import math
from fractions import Fraction

import pytest
import sympy

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
    assert MultiTone.parse("-1@5 - 2@3e-1 + 1e-3").amplitudes == (-1, -2)
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
