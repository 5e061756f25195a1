"""Input doors (issue 11 req. 1, issue 16 req. 1 and 6): every accepted type becomes the exact
number it stands for, nothing passes through a Python float, and the value grammar reads square
roots and negative values. Oracles are the other libraries' own parsers (numpy, mpmath, sympy,
torch) and exact rational arithmetic, never symrelu's own formatting."""

import decimal
import numbers
import re
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

import symrelu as sr
from symrelu import MultiTone
from symrelu._values import to_exact

# ----------------------------------------------------------------------------- helpers


def decimal_text(r) -> str:
    """The exact decimal expansion of a Rational whose denominator is 2**a 5**b."""
    num, den = int(r.numerator), int(r.denominator)
    twos = (den & -den).bit_length() - 1
    rest, fives = den >> twos, 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    assert rest == 1, r  # a terminating decimal
    k = max(twos, fives)
    return f"{num * (10**k // den)}e-{k}"


def significant_digits(r) -> int:
    """Number of significant decimal digits of a terminating decimal (0 has one)."""
    if r == 0:
        return 1
    return len(decimal.Decimal(decimal_text(r)).normalize().as_tuple().digits)


def rounded_to(x: Fraction, n: int, rounding: str = decimal.ROUND_HALF_EVEN) -> str:
    """The exact value ``x`` rounded to ``n`` significant digits (decimal module)."""
    exact = decimal.Decimal(decimal_text(x))
    return str(decimal.Context(prec=n, rounding=rounding).plus(exact))


def exact_numpy(x) -> Fraction:
    return Fraction(*x.as_integer_ratio())


# ----------------------------------------------------------------------------- mpmath


def test_mpf_at_40_digits_keeps_its_40_digits():
    # issue 11: mpmath.mpf(1)/3 under workdps(40) became a 16-digit decimal
    with mpmath.workdps(40):
        third = mpmath.mpf(1) / 3
    value = to_exact(third, "amplitude")
    assert abs(value - sympy.Rational(1, 3)) < sympy.Rational(1, 10**40)  # 1/3 exactly
    sig = MultiTone(amplitudes=[third], frequencies=[1])
    assert sig.amplitudes[0] == value


def test_mpf_of_a_short_decimal_is_that_decimal_at_any_precision():
    for dps in (15, 40, 100):
        with mpmath.workdps(dps):
            assert to_exact(mpmath.mpf("0.1"), "a") == sympy.Rational(1, 10)
            assert to_exact(-mpmath.mpf("2.75"), "a") == sympy.Rational(-11, 4)


@given(
    digits=st.integers(15, 120),
    numerator=st.integers(-(10**150), 10**150).filter(bool),
    denominator=st.integers(1, 10**150),
)
def test_mpf_rounds_back_and_is_shortest(digits, numerator, denominator):
    with mpmath.workdps(digits):
        x = mpmath.mpf(numerator) / denominator
    value = to_exact(x, "a")
    man, exp = x.man_exp
    exact = Fraction(man) * Fraction(2) ** exp
    n = significant_digits(value)
    with mpmath.workprec(max(53, x.bc)):  # mpmath's own decimal parser is the oracle
        assert mpmath.mpf(decimal_text(value)) == x
        if n > 1:  # no decimal one digit shorter, below or above, is this number
            for rounding in (decimal.ROUND_FLOOR, decimal.ROUND_CEILING):
                assert mpmath.mpf(rounded_to(exact, n - 1, rounding)) != x


def test_mpf_powers_of_two_round_back_and_are_shortest():
    # at a power of two the gap below is half the gap above: the nearest shorter decimal
    # may lie on either side
    for k in range(-400, 400, 3):
        x = mpmath.mpf(2) ** k
        value = to_exact(x, "a")
        n = significant_digits(value)
        with mpmath.workprec(53):
            assert mpmath.mpf(decimal_text(value)) == x
            if n > 1:
                exact = Fraction(2) ** k
                assert mpmath.mpf(rounded_to(exact, n - 1)) != x
                below, above = (
                    rounded_to(exact, n - 1, decimal.ROUND_FLOOR),
                    rounded_to(exact, n - 1, decimal.ROUND_CEILING),
                )
                assert mpmath.mpf(below) != x and mpmath.mpf(above) != x


def test_mpf_special_values_and_complex_are_refused_by_type():
    with pytest.raises(sr.ToneSpecError, match="finite number .*mpf nan"):
        to_exact(mpmath.mpf("nan"), "amplitude")
    with pytest.raises(sr.ToneSpecError, match="finite number .*mpf"):
        to_exact(mpmath.mpf("-inf"), "amplitude")
    with pytest.raises(sr.ToneSpecError, match=r"must be real \(got mpc"):
        to_exact(mpmath.mpc(1, 2), "amplitude")


# ----------------------------------------------------------------------------- numpy

FLOAT_TYPES = [np.float16, np.float32, np.float64, np.longdouble]


@pytest.mark.parametrize("dtype", FLOAT_TYPES)
def test_numpy_tenth_is_one_tenth_in_every_width(dtype):
    # issue 11: numpy.float32(0.1) became 2500000037252903/25000000000000000
    assert to_exact(dtype("0.1"), "amplitude") == sympy.Rational(1, 10)
    assert to_exact(np.array(dtype("0.1")), "amplitude") == sympy.Rational(1, 10)  # 0-d array


@pytest.mark.parametrize("dtype", FLOAT_TYPES)
@given(data=st.data())
def test_numpy_floats_round_trip_in_their_own_type_and_are_shortest(dtype, data):
    info = np.finfo(dtype)
    width = {np.float16: 16, np.float32: 32, np.float64: 64}.get(dtype, 64)
    x = dtype(data.draw(st.floats(allow_nan=False, allow_infinity=False, width=width)))
    if dtype is np.longdouble:  # a value with more bits than a double holds
        x = x / dtype(data.draw(st.integers(3, 10**6)))
    assert np.isfinite(x) and abs(x) <= info.max
    value = to_exact(x, "a")
    assert dtype(decimal_text(value)) == x  # numpy's parser is the oracle
    n = significant_digits(value)
    if n > 1:  # no decimal one digit shorter, below or above, is this number in this type
        for rounding in (decimal.ROUND_FLOOR, decimal.ROUND_CEILING):
            with np.errstate(over="ignore"):  # a decimal above the type's max reads as inf
                assert dtype(rounded_to(exact_numpy(x), n - 1, rounding)) != x


def test_numpy_longdouble_keeps_the_bits_a_python_float_would_lose():
    x = np.longdouble(1) / np.longdouble(3)
    value = to_exact(x, "a")
    assert np.longdouble(decimal_text(value)) == x
    if np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant:
        assert value != sympy.Rational(repr(float(x)))


def test_numpy_integers_are_exact():
    assert to_exact(np.int64(2**62 + 1), "a") == 2**62 + 1
    assert to_exact(np.uint64(2**64 - 1), "a") == 2**64 - 1
    assert to_exact(np.array(np.int8(-7)), "a") == -7


def test_numpy_refusals_name_the_type():
    with pytest.raises(sr.ToneSpecError, match=r"must be real \(got numpy.complex64"):
        to_exact(np.complex64(1 + 2j), "amplitude")
    with pytest.raises(sr.ToneSpecError, match="finite number .*numpy.float32 inf"):
        to_exact(np.float32("inf"), "amplitude")
    with pytest.raises(sr.InexactInputError, match="not a bool .*numpy.bool"):
        to_exact(np.bool_(True), "amplitude")
    with pytest.raises(sr.InexactInputError, match=r"one number .*numpy.ndarray of shape \(2,\)"):
        to_exact(np.array([0.1, 0.2]), "amplitude")


def test_numpy_array_of_amplitudes_gives_exact_tones():
    sig = MultiTone(amplitudes=np.array([0.1, 0.3], dtype=np.float32), frequencies=[1, 2])
    assert sig.amplitudes == (sympy.Rational(1, 10), sympy.Rational(3, 10))


# ----------------------------------------------------------------------------- sympy Float


@given(st.floats(allow_nan=False, allow_infinity=False).filter(bool))
@example(2.78134232313402e-309)  # subnormal: 53 bits as a Float, fewer as a double
@example(2.0**-24)  # a power of two: the gap below is half the gap above
def test_sympy_float_rounds_back_at_its_own_precision(x):
    f = sympy.Float(x)  # 53 bits; str() shows only 15 digits
    value = to_exact(f, "a")
    assert sympy.Float(decimal_text(value), precision=f._prec) == f  # sympy's parser is the oracle
    if abs(x) >= np.finfo(np.float64).tiny:  # a subnormal double has fewer bits than the Float
        assert value == sympy.Rational(repr(x))  # Python's shortest repr, an independent shortest


def test_sympy_float_at_40_digits_and_inside_an_expression():
    value = to_exact(sympy.Float(1, 40) / 3, "a")
    assert abs(value - sympy.Rational(1, 3)) < sympy.Rational(1, 10**40)
    assert to_exact(sympy.Float("0.1", 40), "a") == sympy.Rational(1, 10)
    A = sympy.Symbol("A", positive=True)
    assert to_exact(sympy.Float(0.1 + 0.2) * A, "a") == sympy.Rational("0.30000000000000004") * A
    assert to_exact(sympy.Float(0.5) * sympy.sqrt(2), "a") == sympy.sqrt(2) / 2


# ----------------------------------------------------------------------------- torch


@pytest.mark.torch
def test_torch_scalars_in_their_own_dtype():
    torch = pytest.importorskip("torch")
    for dtype in (torch.float16, torch.float32, torch.float64):
        assert to_exact(torch.tensor(0.1, dtype=dtype), "a") == sympy.Rational(1, 10)
    assert to_exact(torch.tensor(0.1, requires_grad=True), "a") == sympy.Rational(1, 10)
    assert to_exact(torch.tensor(2**62 + 1, dtype=torch.int64), "a") == 2**62 + 1
    assert MultiTone(
        amplitudes=[torch.tensor(0.25)], frequencies=[torch.tensor(5)]
    ).frequencies == (5,)


def assert_shortest_in_format(t, x: Fraction, bits: int, min_normal_exp: int, torch) -> None:
    """to_exact(t) rounds to x in a binary format of ``bits`` significant bits with normal
    numbers from 2**min_normal_exp, and no decimal one digit shorter does."""
    value = to_exact(t, "a")
    d = Fraction(int(value.p), int(value.q))
    if x == 0:
        assert d == 0
        return
    ax = abs(x)
    e = ax.numerator.bit_length() - ax.denominator.bit_length()  # floor(log2 |x|), ax dyadic
    up = Fraction(2) ** max(e, min_normal_exp) / 2 ** (bits - 1)  # gap to the next value above
    power_of_two = ax.numerator & (ax.numerator - 1) == 0
    down = up / 2 if power_of_two and e > min_normal_exp else up  # gap to the next one below
    assert ax - down / 2 <= abs(d) <= ax + up / 2  # rounds to x
    n = significant_digits(value)
    if n > 1:  # no decimal one digit shorter, below or above, rounds to x
        for rounding in (decimal.ROUND_FLOOR, decimal.ROUND_CEILING):
            shorter = Fraction(decimal.Decimal(rounded_to(x, n - 1, rounding)))
            assert not ax - down / 2 < abs(shorter) < ax + up / 2, (x, value, shorter)
            if abs(shorter) <= torch.finfo(t.dtype).max:  # (beyond it torch saturates)
                # torch's own float64 -> narrow rounding agrees
                back = torch.tensor(float(shorter), dtype=torch.float64).to(t.dtype)
                assert back.float().item() != float(x)


@pytest.mark.torch
def test_torch_bfloat16_is_the_shortest_decimal_that_rounds_back_in_bfloat16():
    torch = pytest.importorskip("torch")
    # bfloat16(0.1) is 0.10009765625; 0.1 is the shortest decimal that rounds to it
    assert to_exact(torch.tensor(0.1, dtype=torch.bfloat16), "a") == sympy.Rational(1, 10)
    sweep = torch.arange(0, 0x7F80, 37, dtype=torch.int32)  # finite, >= 0
    powers_of_two = torch.arange(1, 255, dtype=torch.int32) * 128  # mantissa bits 0
    patterns = torch.cat([sweep, powers_of_two]).to(torch.int16)
    values = torch.cat([patterns.view(torch.bfloat16), -patterns[::50].view(torch.bfloat16)])
    for t in values:  # bfloat16: 8 significant bits, normal from 2**-126
        assert_shortest_in_format(t, exact_numpy(t.float().numpy()[()]), 8, -126, torch)


@pytest.mark.torch
@pytest.mark.parametrize(
    "name, bits, min_normal_exp", [("float8_e4m3fn", 4, -6), ("float8_e5m2", 3, -14)]
)
def test_torch_float8_every_value(name, bits, min_normal_exp):
    torch = pytest.importorskip("torch")
    dtype = getattr(torch, name, None)
    if dtype is None:
        pytest.skip(f"this torch has no {name}")
    values = torch.arange(0, 256, dtype=torch.int32).to(torch.uint8).view(dtype)
    for t in values:
        wide = t.float().numpy()[()]
        if np.isfinite(wide):  # every finite value of the format (OCP FP8 spec: bits, range)
            assert_shortest_in_format(t, exact_numpy(wide), bits, min_normal_exp, torch)


@pytest.mark.torch
def test_torch_refusals_name_the_shape_or_dtype():
    torch = pytest.importorskip("torch")
    with pytest.raises(sr.InexactInputError, match=r"torch tensor of shape \(2,\)"):
        to_exact(torch.tensor([1.0, 2.0]), "amplitude")
    with pytest.raises(sr.ToneSpecError, match="complex torch tensor"):
        to_exact(torch.tensor(1 + 2j), "amplitude")
    with pytest.raises(sr.InexactInputError, match="torch bool"):
        to_exact(torch.tensor(True), "amplitude")


# ----------------------------------------------------------------------------- other types


def test_decimal_fraction_and_float_exactly():
    assert to_exact(decimal.Decimal("0.1000000000000000000000000000001"), "a") == sympy.Rational(
        10**30 + 1, 10**31
    )
    assert to_exact(Fraction(10**40 + 1, 3), "a") == sympy.Rational(10**40 + 1, 3)
    assert to_exact(0.1 + 0.2, "a") == sympy.Rational(30000000000000004, 10**17)  # repr


class _ApproximateReal:
    """A Real that converts to float: accepted through float() before, never silently now."""

    def __float__(self):
        return 0.1


numbers.Real.register(_ApproximateReal)


def test_other_real_types_are_refused_not_passed_through_float():
    with pytest.raises(sr.InexactInputError, match="_ApproximateReal"):
        to_exact(_ApproximateReal(), "amplitude")


def test_complex_and_bool_refusals_name_the_type():
    with pytest.raises(sr.ToneSpecError, match=r"must be real \(got complex"):
        to_exact(1j, "amplitude")
    with pytest.raises(sr.ToneSpecError, match="finite number .*Decimal NaN"):
        to_exact(decimal.Decimal("nan"), "amplitude")
    with pytest.raises(sr.InexactInputError, match="got object"):
        to_exact(object(), "amplitude")


# ----------------------------------------------------------------------------- the grammar

SQRT = sympy.sqrt


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sqrt(2)", SQRT(2)),
        ("3sqrt(5)/2", 3 * SQRT(5) / 2),
        ("0.5*sqrt(3)", SQRT(3) / 2),
        ("sqrt(2)/2", SQRT(2) / 2),
        ("sqrt(3/2)", SQRT(6) / 2),
        ("sqrt(0.5)", SQRT(2) / 2),
        ("3/4*sqrt(2)", 3 * SQRT(2) / 4),
        ("-pi/3", -sympy.pi / 3),
        ("-sqrt(2)", -SQRT(2)),
        ("-3sqrt(5)/2", -3 * SQRT(5) / 2),
        ("+2*pi/3", 2 * sympy.pi / 3),
        ("(-pi/3)", -sympy.pi / 3),
    ],
)
def test_grammar_reads_roots_and_negative_values(text, expected):
    assert to_exact(text, "value") == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("sqrt2", r"sqrt\(2\)"),
        ("sqrt3.5", r"sqrt\(3.5\)"),
        ("pi2", r"2\*pi"),
        ("exp1", "glued"),
        ("sqrt", "function"),
        ("sqrt(-2)", "negative"),
        ("3/4pi", "not a number"),
        ("sqrt(2)**2", "not a number"),
        ("sqrt(__import__('os'))", "not a number"),
        ("--3", "not a number"),
    ],
)
def test_grammar_refuses_lookalikes_with_a_suggestion(text, fragment):
    with pytest.raises(sr.ToneSpecError, match=fragment):
        to_exact(text, "frequency")


def test_signal_grammar_reads_negative_phases_and_roots():
    # issue 16: 1@5:-pi/3 was refused although repr prints phases that way; 1@sqrt2 became a symbol
    assert MultiTone.parse("1@5:-pi/3").phases == (-sympy.pi / 3,)
    assert MultiTone.parse("1@5:-3/4").phases == (sympy.Rational(-3, 4),)
    sig = MultiTone.parse("0.5@3sqrt(5)/2 + 1@sqrt(2):-pi/4")
    assert set(sig.frequencies) == {3 * SQRT(5) / 2, SQRT(2)}
    with pytest.raises(sr.SignalParseError, match=r"sqrt\(2\)"):
        MultiTone.parse("1@sqrt2")


@given(
    amp=st.tuples(st.integers(1, 9), st.integers(1, 9), st.sampled_from([1, 2, 3, 5, 6])),
    freq=st.tuples(st.integers(1, 9), st.integers(1, 9), st.sampled_from([1, 2, 3, 7])),
    phase=st.tuples(st.integers(-11, 11), st.sampled_from([2, 3, 4, 6, 12])),
)
def test_printed_roots_and_negative_phases_parse_back(amp, freq, phase):
    a = sympy.Rational(amp[0], amp[1]) * SQRT(amp[2])
    f = sympy.Rational(freq[0], freq[1]) * SQRT(freq[2])
    p = sympy.Rational(phase[0], phase[1]) * sympy.pi
    sig = MultiTone(amplitudes=[a], frequencies=[f], phases=[p])
    assert MultiTone.parse(sig.to_string()) == sig


# ----------------------------------------------------------------------------- printed text


def test_divergence_warning_prints_the_symbolic_bound_exactly():
    # issue 11: "g reaches (... + 2.0*(A_1 + A_2 + A_3)**2)/..."
    sig = MultiTone.symbolic(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e = sr.expand(sig, order=2, center="mean_square")
        _ = e.dc
    messages = [str(w.message) for w in caught if issubclass(w.category, sr.DivergenceWarning)]
    assert messages
    assert not re.search(r"\d\.\d", messages[0]), messages[0]
    assert str(e.certificate.g_max) in messages[0]


@pytest.mark.parametrize("center", ["peak", "mean_square"])
def test_symbolic_dcs_and_latex_carry_no_float(center):
    # with sympy 1.12, python-flint's exponents became Floats: -0.28125*sqrt(2)*...
    for K in (1, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sr.DivergenceWarning)
            e = sr.expand(MultiTone.symbolic(K), order=3, center=center)
            assert not e.dc.atoms(sympy.Float), e.dc
            assert not any(v.atoms(sympy.Float) for v in e.spectrum().values())
            assert not re.search(r"\d\.\d", e.latex())
