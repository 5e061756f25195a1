"""Result objects are immutable values: assignment raises, equal inputs give equal objects.

Issue 11: ``e.order = 5`` used to be accepted, after which ``e.dc`` still returned the
order-2 value. Every object below must refuse assignment, and objects built from equal
inputs must compare (and, where they are hashable, hash) equal.
"""

import warnings

import pytest
import sympy

import symrelu as sr
from symrelu import MultiTone
from symrelu.trigpoly import CollapsedSpectrum, PolySpectrum, SignalModel, even_polynomial_spectrum

PAPER = "1@5 + 1@10 + 1@20 + 1@40"


def _expansion(order=2, **kwargs):
    return sr.expand(MultiTone.parse(PAPER), order=order, **kwargs)


def test_expansion_refuses_assignment_and_keeps_its_values():
    e = _expansion(order=2)
    dc2 = e.dc
    for name, value in [("order", 5), ("signal", MultiTone.parse("1@1")), ("center", 3),
                        ("strict", True), ("activation", sr.as_activation("abs"))]:
        with pytest.raises(AttributeError):
            setattr(e, name, value)
    with pytest.raises(AttributeError):
        del e.certificate
    assert e.order == 2 and e.dc == dc2
    # the order-2 DC is its own value, not a cached leftover: 549 sqrt(2)/1024 (the doctest
    # of symrelu.expand), different from order 5
    assert dc2 == sympy.Rational(549, 1024) * sympy.sqrt(2) != _expansion(order=5).dc


def test_equal_expansions_are_equal_and_hash_alike():
    a = _expansion(order=3, center="peak")
    b = sr.expand(MultiTone.parse("1@40 + 1@20 + 1@10 + 1@5"), order=3, center=8)
    assert a == b and hash(a) == hash(b)
    assert a != _expansion(order=4)
    assert a != _expansion(order=3, activation="abs")


def test_spectrum_is_immutable():
    spec = _expansion(order=1).spectrum()
    with pytest.raises(AttributeError):
        spec._keys = {}
    with pytest.raises(TypeError):
        spec[0] = 1  # a read-only mapping
    other = sr.expand(MultiTone.parse("1@40 + 1@20 + 1@10 + 1@5"), order=1).spectrum()
    assert spec == other and hash(spec) == hash(other)


def test_poly_and_collapsed_spectra_are_immutable():
    model = SignalModel.build(MultiTone.parse("2@1"))
    s = even_polynomial_spectrum(model, [0, 1])
    assert isinstance(s, PolySpectrum)
    with pytest.raises(AttributeError):
        s.model = None
    with pytest.raises(AttributeError):
        s._cache = {}
    # x^2 of 2 cos(theta): 2 + e^{2i theta} + e^{-2i theta}, by hand
    assert dict(s) == {(0,): 2, (2,): 1, (-2,): 1}
    assert s == even_polynomial_spectrum(SignalModel.build(MultiTone.parse("2@1")), [0, 1])
    # harmonic numbers near 1e20 do not pack into one exponent: the collapsed path
    sig = MultiTone(amplitudes=[1, 1], frequencies=[1, "1.00000000000000000001"])
    collapsed = even_polynomial_spectrum(SignalModel.build(sig, "periodic"), [0, 1])
    assert isinstance(collapsed, CollapsedSpectrum)
    with pytest.raises(AttributeError):
        collapsed._keys = {}
    assert collapsed[(0,)] == 1  # mean of x^2: 1/2 + 1/2


def test_certificate_is_immutable_and_hashable():
    cert = _expansion(order=4).certificate
    with pytest.raises(AttributeError):
        cert.converges = False
    again = sr.expand(MultiTone.parse("1@40 + 1@5 + 1@20 + 1@10"), order=4).certificate
    assert cert == again and hash(cert) == hash(again)
    assert cert.center == 8 and cert.to_dict()["center"] == "8"


def test_convergence_table_and_rows_are_immutable():
    tab = sr.convergence_table(MultiTone.parse("2@1"), 1, dps=20)
    with pytest.raises(AttributeError):
        tab.rows = ()
    with pytest.raises(AttributeError):
        tab.rows[0].error = 0
    again = sr.convergence_table(MultiTone.parse("2@1"), 1, dps=20)
    assert tab == again and hash(tab) == hash(again)


def test_signal_and_activation_are_immutable():
    sig = MultiTone.parse(PAPER)
    with pytest.raises(AttributeError):
        sig.amplitudes = (1,)
    act = sr.LeakyReLU("0.1")
    with pytest.raises(AttributeError):
        act.linear = 1
    assert act == sr.LeakyReLU(sympy.Rational(1, 10)) and hash(act) == hash(
        sr.LeakyReLU("1/10")
    )


def test_dc_unchecked_is_the_dc_without_a_warning():
    sig = MultiTone.parse("1@5 + 1@10")
    e = sr.expand(sig, order=0, center="mean_square", strict=True)
    assert e.certificate.converges is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = e.dc_unchecked
        assert e.coefficient(0, checked=False) == value
    # order 0, mean-square center: c sqrt(C) + lambda b = sqrt(1/2 + 1/2)/2 = 1/2 (eq. 8)
    assert value == sympy.Rational(1, 2)
    with pytest.raises(sr.DivergenceError):
        e.dc  # noqa: B018 - the checked accessor still refuses
    lenient = sr.expand(sig, order=0, center="mean_square")
    with pytest.warns(sr.DivergenceWarning):
        assert lenient.dc == value


def test_one_spelling_of_center():
    assert issubclass(sr.CenterError, ValueError)
    assert not hasattr(sr, "CentreError")
    with pytest.raises(sr.CenterError, match="unknown center 'median'"):
        _expansion(center="median")
    e = _expansion(order=1)
    assert not hasattr(e, "centre") and e.center == 8
    assert "center C = 8" in str(e.certificate)
