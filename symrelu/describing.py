r"""Describing functions and two-tone intermodulation: the engineers' view of an activation.

Describing function (dual-input, DIDF)
--------------------------------------
For the input :math:`x = B + A\cos\theta` (amplitude :math:`A > 0`, bias
:math:`B`) a static activation :math:`f` gives the periodic output
:math:`f(x) = c_0 + 2\,\mathrm{Re}\sum_{n\ge1} c_n e^{in\theta}` (the core's
convention: :func:`symrelu.exact_coefficient`). :func:`describing_function`
returns

* the **gain** :math:`N_A = 2 c_1 / A`: the output fundamental's phasor over
  the input amplitude (complex in general; real for a static activation,
  whose output is even in :math:`\theta`). With :math:`B = 0` and an odd
  :math:`f` this is the classical describing function
  :math:`N(A) = \frac{1}{\pi A}\int_0^{2\pi} f(A\sin\theta)\sin\theta\,d\theta`
  of python-control's ``describing_function``;
* the **bias gain** :math:`N_B = c_0 / B`, the DC output over the DC input
  (Gelb and Vander Velde's dual-input describing function). For :math:`B = 0`
  it is ``None``: :math:`c_0/B` has no value there, and its limit is infinite
  unless :math:`c_0(0) = 0` (an odd activation, where it is
  :math:`\frac{d c_0}{dB}(0)`); the DC output :math:`c_0` itself is always
  given (``dc``).

Piecewise-linear activations (ReLU, hardtanh, deadzone, sign, ...) have
closed forms for one tone with a bias (:func:`symrelu.closed_form_coefficient`):
the result is exact (sympy), and the amplitude and bias may be symbols.
Smooth activations are computed by the exact engine to ``dps`` digits.

Two-tone test
-------------
:func:`intermodulation` drives the activation with
:math:`x = B + a_1\cos 2\pi f_1 t + a_2\cos 2\pi f_2 t` and returns the
output's products up to an order (3 by default): the fundamentals
:math:`f_1, f_2`, the harmonics :math:`2f_1, 3f_1, \ldots`, the second-order
:math:`f_2 \pm f_1` and the third-order intermodulation products
:math:`2f_1 - f_2` and :math:`2f_2 - f_1`, each with its amplitude
:math:`|2 c_k|` (the output cosine's amplitude; the DC is :math:`c_0`) and its
level in dBc, relative to the fundamental of the same tone (IMD3 at
:math:`2f_1 - f_2` relative to :math:`f_1`, at :math:`2f_2 - f_1` relative to
:math:`f_2`).

The levels are those of the **generic regime**: the coefficient of the
multi-index :math:`(k_1, k_2)` on the torus (:func:`symrelu.exact_coefficient`
with ``regime="generic"``), i.e. the levels of two incommensurate tones, where
every product has its own frequency. ``f1`` and ``f2`` only place the products
on the frequency axis. For commensurate tones (:math:`q f_1 = p f_2`) the
spectrum of the periodic signal adds, at each frequency, every product of order
:math:`\ge p + q` that lands there; a call whose reported products collide
(e.g. :math:`f_2 = 2 f_1`, where :math:`2f_1 - f_2 = 0`) is refused
(:class:`symrelu.errors.RegimeError`). :attr:`Intermodulation.iip3` is the
input amplitude where the fundamental and the extrapolated third-order product
would meet (slopes 1 and 3, the usual small-signal extrapolation).

Examples
--------
>>> df = describing_function("relu", amplitude=2, bias="1/2")
>>> df.gain
(sqrt(15)/16 + asin(1/4) + pi/2)/pi
>>> df.bias_gain
(asin(1/4) + pi/2 + sqrt(15))/pi
>>> describing_function("hardtanh", 2).gain  # the saturation's (2/pi)(a + sin a cos a), a = pi/6
(sqrt(3)/2 + pi/3)/pi
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from symrelu._values import to_exact, value_text
from symrelu.activations import Activation, PiecewiseLinear, as_activation
from symrelu.errors import RegimeError, ToneSpecError
from symrelu.signal import MultiTone

__all__ = ["DescribingFunction", "Product", "Intermodulation", "describing_function",
           "intermodulation"]


def _number(value: Any, what: str, *, positive: bool = False, symbols: bool = True
            ) -> sympy.Expr:
    e = to_exact(value, what, assumptions={"positive": True} if positive else {"real": True})
    if not symbols and not e.is_number:
        raise ToneSpecError(f"{what} must be a number here (got {value_text(e)}): the exact "
                            "engine computes digits; only piecewise-linear activations have "
                            "closed forms in symbols")
    if e.is_number and not (e.is_real and e.is_finite):
        raise ToneSpecError(f"{what} must be a finite real number (got {value_text(e)})")
    if positive and e.is_positive is not True:
        raise ToneSpecError(f"{what} must be positive (got {value_text(e)})")
    return e


def _dps(dps: Any) -> int:
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 1:
        raise ToneSpecError(f"dps must be a positive integer (got {dps!r})")
    return dps


@dataclass(frozen=True)
class DescribingFunction:
    r"""The dual-input describing function of an activation at one amplitude and bias.

    Attributes
    ----------
    activation : str
        The activation's canonical name.
    amplitude, bias : sympy.Expr
        :math:`A` and :math:`B` of the input :math:`B + A\cos\theta` (exact).
    gain : sympy.Expr or mpmath.mpc
        :math:`N_A = 2 c_1 / A`, the fundamental's complex gain.
    bias_gain : sympy.Expr, mpmath.mpf or None
        :math:`N_B = c_0 / B`; None for :math:`B = 0`.
    dc : sympy.Expr or mpmath.mpf
        :math:`c_0`, the DC output.
    exact : bool
        True: sympy closed forms (piecewise-linear activations); False: digits
        from the exact engine.
    dps : int
        The digits asked for (of the numbers when not exact, and of :meth:`numbers`).

    Examples
    --------
    >>> df = describing_function("sign", 3)
    >>> df.gain, df.bias_gain, df.exact
    (4/(3*pi), None, True)
    >>> import mpmath
    >>> mpmath.nstr(df.numbers(dps=10)["gain"], 10)
    '(0.4244131816 + 0.0j)'
    """

    activation: str
    amplitude: sympy.Expr
    bias: sympy.Expr
    gain: Any
    bias_gain: Any
    dc: Any
    exact: bool
    dps: int

    def numbers(self, dps: int | None = None) -> dict[str, Any]:
        """``gain`` (mpc), ``bias_gain`` (mpf or None) and ``dc`` (mpf) to ``dps`` digits.

        Only for a numeric amplitude and bias.
        """
        dps = self.dps if dps is None else _dps(dps)

        def value(v: Any, complex_: bool) -> Any:
            if v is None:
                return None
            with mpmath.workdps(dps):
                if isinstance(v, sympy.Basic):
                    if not v.is_number:
                        raise ToneSpecError(f"{value_text(v)} has symbols: substitute them first")
                    re, im = (sympy.N(part, dps + 5) for part in v.as_real_imag())
                    z = mpmath.mpc(mpmath.mpf(re), mpmath.mpf(im))
                else:
                    z = mpmath.mpc(v)
                return +z if complex_ else +z.real

        return {"gain": value(self.gain, True), "bias_gain": value(self.bias_gain, False),
                "dc": value(self.dc, False)}


def describing_function(activation: Any, amplitude: Any, bias: Any = 0, dps: int = 30
                        ) -> DescribingFunction:
    r"""The describing function :math:`N_A = 2c_1/A` and the bias gain :math:`N_B = c_0/B`.

    Parameters
    ----------
    activation : str or Activation
        Any activation :func:`symrelu.as_activation` takes.
    amplitude : value
        :math:`A > 0` (exact; a name is a positive symbol, piecewise-linear
        activations only).
    bias : value
        :math:`B` (default 0).
    dps : int
        Digits of the numbers for a smooth activation (and the default of
        :meth:`DescribingFunction.numbers`).

    Returns
    -------
    DescribingFunction

    Examples
    --------
    >>> describing_function("relu", 1).gain      # ReLU = x/2 + |x|/2: half the input
    1/2
    >>> describing_function("deadzone", 2).gain
    -sqrt(3)/(2*pi) + 2/3
    >>> import mpmath
    >>> mpmath.nstr(describing_function("tanh", 1, dps=20).gain.real, 15)
    '0.811675685131559'
    """
    act = as_activation(activation)
    dps = _dps(dps)
    pwl = isinstance(act, PiecewiseLinear)
    A = _number(amplitude, "amplitude", positive=True, symbols=pwl)
    B = _number(bias, "bias", symbols=pwl)
    sig = MultiTone(amplitudes=[A], frequencies=[1], phases=[0], offset=B)
    if pwl:
        from symrelu.exact.closed_forms import closed_form_coefficient

        c0 = closed_form_coefficient(sig, 0, act)
        c1 = closed_form_coefficient(sig, 1, act)
        gain = sympy.simplify(2 * c1 / A)
        bias_gain = None if B.is_zero else sympy.simplify(c0 / B)
        return DescribingFunction(act.name, A, B, gain, bias_gain, sympy.simplify(c0), True, dps)
    from symrelu.exact.values import exact_coefficient, exact_dc

    c0 = exact_dc(sig, activation=act, dps=dps)
    c1 = exact_coefficient(sig, 1, activation=act, dps=dps)
    with mpmath.workdps(dps + 10):
        a, b = mpmath.mpf(sympy.N(A, dps + 10)), mpmath.mpf(sympy.N(B, dps + 10))
        gain = 2 * mpmath.mpc(c1) / a
        bias_gain = None if B.is_zero else mpmath.mpf(c0) / b
    with mpmath.workdps(dps):
        gain, c0 = +gain, +mpmath.mpf(c0)
        bias_gain = None if bias_gain is None else +bias_gain
    return DescribingFunction(act.name, A, B, gain, bias_gain, c0, False, dps)


# ------------------------------------------------------------------ two tones


@dataclass(frozen=True)
class Product:
    r"""One product of the two-tone test: :math:`k_1 f_1 + k_2 f_2`.

    Attributes
    ----------
    name : str
        ``"f1"``, ``"2f1-f2"``, ``"f1+f2"``, ``"3f2"``, ...
    index : tuple of int
        :math:`(k_1, k_2)`.
    order : int
        :math:`|k_1| + |k_2|`.
    frequency : sympy.Expr
        :math:`k_1 f_1 + k_2 f_2` (positive).
    phasor : mpmath.mpc
        :math:`2 c_k`: the output cosine at that frequency is
        :math:`\mathrm{Re}(2 c_k e^{2\pi i F t})`.
    """

    name: str
    index: tuple[int, int]
    order: int
    frequency: sympy.Expr
    phasor: mpmath.mpc

    @property
    def amplitude(self) -> mpmath.mpf:
        """:math:`|2 c_k|`, the amplitude of the output cosine at the product."""
        return abs(self.phasor)


def _product_name(k1: int, k2: int) -> str:
    """``2f1-f2``, ``2f2-f1``, ``f1+f2``, ``3f1``: the positive term first."""
    terms = [(k, f) for k, f in ((k1, "f1"), (k2, "f2")) if k != 0]
    terms.sort(key=lambda t: t[0] < 0)  # stable: f1 first unless its coefficient is negative
    parts = []
    for k, f in terms:
        mag = "" if abs(k) == 1 else str(abs(k))
        sign = "-" if k < 0 else ("+" if parts else "")
        parts.append(f"{sign}{mag}{f}")
    return "".join(parts)


@dataclass(frozen=True)
class Intermodulation:
    r"""The two-tone test of an activation (generic regime: incommensurate tones).

    Attributes
    ----------
    activation : str
    amplitudes : tuple of sympy.Expr
        :math:`(a_1, a_2)`.
    frequencies : tuple of sympy.Expr
        :math:`(f_1, f_2)`.
    bias : sympy.Expr
    dc : mpmath.mpf
        The output's DC :math:`c_0`.
    products : tuple of Product
        Every product of order 1 to ``order`` at a positive frequency, by
        order, then frequency.
    dps : int

    Examples
    --------
    >>> im = intermodulation("hardtanh", 1, 1, 5, 7, dps=15)
    >>> [p.name for p in im.products if p.order == 3]
    ['2f1-f2', '2f2-f1', '3f1', '2f1+f2', 'f1+2f2', '3f2']
    >>> round(float(im.imd3_dbc), 3)
    -15.625
    """

    activation: str
    amplitudes: tuple[sympy.Expr, sympy.Expr]
    frequencies: tuple[sympy.Expr, sympy.Expr]
    bias: sympy.Expr
    dc: mpmath.mpf
    products: tuple[Product, ...]
    dps: int

    def __getitem__(self, name: str) -> Product:
        """The product called ``name`` (``"2f1-f2"``), or KeyError listing the names."""
        for p in self.products:
            if p.name == name:
                return p
        raise KeyError(f"no product {name!r}; products: {', '.join(p.name for p in self.products)}")

    def dbc(self, name: str, reference: str | None = None) -> mpmath.mpf:
        """Level of product ``name`` in dB relative to ``reference`` (default: the fundamental
        of the tone it is nearer to in index, f1 for a tie): ``20 log10(|P| / |ref|)``."""
        p = self[name]
        if reference is None:
            k1, k2 = p.index
            reference = "f1" if abs(k1) >= abs(k2) else "f2"
        ref = self[reference].amplitude
        with mpmath.workdps(self.dps):
            if p.amplitude == 0:
                return mpmath.ninf
            return 20 * mpmath.log10(p.amplitude / ref)

    @property
    def imd3_low_dbc(self) -> mpmath.mpf:
        """IMD3 at :math:`2f_1 - f_2`, in dBc relative to the :math:`f_1` fundamental."""
        return self.dbc("2f1-f2", "f1")

    @property
    def imd3_high_dbc(self) -> mpmath.mpf:
        """IMD3 at :math:`2f_2 - f_1`, in dBc relative to the :math:`f_2` fundamental."""
        return self.dbc("2f2-f1", "f2")

    @property
    def imd3_dbc(self) -> mpmath.mpf:
        """The larger (worse) of the two IMD3 levels, dBc."""
        return max(self.imd3_low_dbc, self.imd3_high_dbc)

    @property
    def iip3(self) -> mpmath.mpf | None:
        r"""Input third-order intercept (amplitude of tone 1), extrapolated from this level.

        :math:`a_1 \sqrt{|P_{f_1}| / |P_{2f_1 - f_2}|}`: where the fundamental (slope 1)
        and the lower IMD3 product (slope 3) would meet; None when the product vanishes.
        """
        p, ref = self["2f1-f2"].amplitude, self["f1"].amplitude
        if p == 0:
            return None
        with mpmath.workdps(self.dps):
            return mpmath.mpf(sympy.N(self.amplitudes[0], self.dps + 5)) * mpmath.sqrt(ref / p)


def intermodulation(activation: Any, a1: Any, a2: Any, f1: Any, f2: Any, bias: Any = 0,
                    dps: int = 20, order: int = 3) -> Intermodulation:
    r"""The two-tone test: harmonics and intermodulation products up to ``order``.

    Parameters
    ----------
    activation : str or Activation
    a1, a2 : value
        The tones' amplitudes (positive numbers).
    f1, f2 : value
        Their frequencies (positive numbers; they only place the products, see
        the module docstring: the levels are the generic regime's).
    bias : value
        The input's DC.
    dps : int
        Digits of every level.
    order : int
        The highest order :math:`|k_1| + |k_2|` reported (>= 3).

    Returns
    -------
    Intermodulation

    Raises
    ------
    RegimeError
        When two reported products (or a product and the DC) share a frequency.

    Examples
    --------
    >>> im = intermodulation("relu", 1, "1/2", 5, 7, bias="1/4", dps=15)
    >>> im["2f1-f2"].frequency, round(float(im.imd3_low_dbc), 2)
    (3, -25.51)
    >>> intermodulation("relu", 1, 1, 5, 7).imd3_dbc  # ReLU with no bias: no odd products
    mpf('-inf')
    """
    from symrelu.exact.values import exact_coefficient, exact_dc

    act: Activation = as_activation(activation)
    dps = _dps(dps)
    if isinstance(order, bool) or not isinstance(order, int) or order < 3:
        raise ToneSpecError(f"order must be an integer >= 3 (got {order!r})")
    amps = (_number(a1, "amplitude a1", positive=True, symbols=False),
            _number(a2, "amplitude a2", positive=True, symbols=False))
    freqs = (_number(f1, "frequency f1", positive=True, symbols=False),
             _number(f2, "frequency f2", positive=True, symbols=False))
    B = _number(bias, "bias", symbols=False)
    if freqs[0] == freqs[1]:
        raise RegimeError("f1 and f2 must differ: one frequency is a single tone")
    indices = []
    for total in range(1, order + 1):
        for k1 in range(-total, total + 1):
            for k2 in (total - abs(k1), -(total - abs(k1))):
                if (k1, k2) in indices or (k1 == 0 and k2 == 0):
                    continue
                freq = sympy.nsimplify(k1 * freqs[0] + k2 * freqs[1])
                if freq.is_positive:
                    indices.append((k1, k2))
                elif freq.is_zero:
                    raise RegimeError(
                        f"the product {_product_name(k1, k2)} of f1 = {freqs[0]} and f2 = "
                        f"{freqs[1]} falls on the DC: these tones are commensurate at order "
                        f"{total}; choose other frequencies, or use symrelu.exact_coefficient "
                        "in the periodic regime")
    seen: dict[sympy.Expr, tuple[int, int]] = {}
    for k1, k2 in indices:
        freq = sympy.nsimplify(k1 * freqs[0] + k2 * freqs[1])
        if freq in seen:
            raise RegimeError(
                f"the products {_product_name(*seen[freq])} and {_product_name(k1, k2)} share "
                f"the frequency {freq}: these tones are commensurate within order {order}; "
                "choose other frequencies, or use symrelu.exact_coefficient in the periodic "
                "regime")
        seen[freq] = (k1, k2)
    sig = MultiTone(amplitudes=list(amps), frequencies=list(freqs), phases=[0, 0], offset=B)
    dc = exact_dc(sig, activation=act, regime="generic", dps=dps)
    products = []
    for k1, k2 in indices:
        c = exact_coefficient(sig, (k1, k2), activation=act, regime="generic", dps=dps)
        with mpmath.workdps(dps):
            phasor = +(2 * mpmath.mpc(c))
        freq = sympy.nsimplify(k1 * freqs[0] + k2 * freqs[1])
        products.append(Product(_product_name(k1, k2), (k1, k2), abs(k1) + abs(k2), freq,
                                phasor))
    products.sort(key=lambda p: (p.order, float(p.frequency)))
    with mpmath.workdps(dps):
        dc = +mpmath.mpf(dc)
    return Intermodulation(act.name, amps, freqs, B, dc, tuple(products), dps)
