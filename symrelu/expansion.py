r"""The paper's Taylor expansion of an activation, to any order, with exact spectra.

For an activation :math:`\lambda x + c|x|` and a center C,

.. math:: \mathrm{act}(x) \approx \lambda x + c\sqrt{C}\sum_{n=0}^{N} a_n g^n,
          \qquad g = \frac{x^2}{C} - 1

(the paper's eq. 7 for ReLU, where lambda = c = 1/2). The truncated series is an
even polynomial in x, so its spectrum is computed by exact phasor arithmetic
(:mod:`symrelu.trigpoly`), never by expanding cosines.

Spectrum convention: for a real signal,

.. math:: y(t) = c_0 + 2\,\mathrm{Re}\sum_{F>0} c_F e^{2\pi i F t}

so a cosine of amplitude A at F has :math:`c_F = A/2` and :math:`2|c_F|` is the
one-sided amplitude. :meth:`Expansion.spectrum` returns ``{F: c_F}`` for F >= 0
(periodic regime) or ``{k: c_k}`` over multi-indices k whose first non-zero
entry is positive, plus the zero vector (generic regime).

Mixed regime (frequencies of rank r over the rationals, 2 <= r < K, e.g. 1, 2 and
sqrt(2)): the signal lives on the reduced torus of :attr:`MultiTone.reduction`, tone j
being :math:`z^{v_j}` for its integer vector :math:`v_j`. Keys and labels are r-tuples k
of integers, coordinates in the reduction's basis (first non-zero entry positive, plus the
zero vector); the frequency of k is ``k . basis`` (:meth:`SignalModel.frequency`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import sympy

from symrelu import budget
from symrelu._values import to_exact, value_text
from symrelu.activations import Activation, as_activation
from symrelu.certificate import Certificate, certify
from symrelu.errors import (
    CenterError,
    DivergenceError,
    DivergenceWarning,
    EnvironmentProblemError,
    FrequencyNotPresentError,
    RegimeError,
    SymreluError,
    ToneSpecError,
)
from symrelu.moments import torus_coefficient
from symrelu.signal import MultiTone
from symrelu.taylor import (
    check_order,
    power_coefficients,
    power_coefficients_fmpq,
    taylor_coefficients,
)
from symrelu.trigpoly import (
    MAX_TERMS,
    PolySpectrum,
    SignalModel,
    estimate_terms,
    even_polynomial_spectrum,
)

__all__ = ["expand", "Expansion", "Spectrum", "SpectrumTerms", "resolve_center", "mixed_key"]

#: Symbolic DCs of up to this many exact terms are returned factored (one fraction).
_FACTOR_TERMS = 12


def resolve_center(signal: MultiTone, center: Any) -> sympy.Expr:
    """C for ``center`` = "peak", "mean_square" or a positive value.

    Examples
    --------
    >>> sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> resolve_center(sig, "peak"), resolve_center(sig, "mean_square"), resolve_center(sig, 3)
    (8, 2, 3)
    """
    if isinstance(center, str):
        key = center.strip().lower().replace("-", "_")
        if key == "peak":
            # the closed form P^2/2 as sympy writes it (sqrt(C) = P/sqrt(2) then comes out
            # denested); no simplify, whose first call imports sympy.physics
            return signal.peak**2 / 2
        if key in ("mean_square", "meansquare", "ms"):
            return signal.mean_square
        if key not in ("",) and not any(ch.isdigit() for ch in key) and key.isidentifier():
            raise CenterError(
                f"unknown center {center!r}: use 'peak', 'mean_square' or a positive value"
            )
    try:
        C = to_exact(center, "center", assumptions={"positive": True})
    except (ToneSpecError, TypeError) as exc:
        raise CenterError(str(exc)) from None
    if C.is_positive is False or C.is_zero:
        raise CenterError(f"the center C must be positive (got {value_text(C)})")
    if C.is_positive is None:
        raise CenterError(
            f"the center C must be known to be positive (got {value_text(C)}); "
            "use a positive symbol"
        )
    return C


def expand(
    signal: MultiTone,
    order: int = 6,
    center: Any = "peak",
    activation: Any = "relu",
    regime: str = "auto",
    *,
    strict: bool = False,
) -> Expansion:
    """Expand ``activation(signal)`` as the paper's truncated Taylor series.

    Parameters
    ----------
    signal : MultiTone
        The input.
    order : int
        N, the last power of g kept (the paper's Fig. 1 uses 50).
    center : "peak", "mean_square" or positive value
        C. "peak" (``C = P^2/2``, ``P = |b| + sum|A_i|``) always converges;
        "mean_square" (C = mean x^2, the paper's text) diverges for two or more
        tones.
    activation : str or Activation
        ``lambda x + c|x|`` (ReLU, abs, LeakyReLU, linear) gives an :class:`Expansion`;
        any other continuous :class:`~symrelu.PiecewiseLinear` a
        :class:`~symrelu.piecewise_expansion.PiecewiseExpansion`, one expansion of
        ``|x - t_j|`` per kink (a jump raises :class:`~symrelu.ActivationError`); a smooth
        activation the polynomial lens of :func:`symrelu.polylens.expand_smooth`.
    regime : "auto", "generic", "periodic" or "mixed"
        Decided from the exact integer relations among the frequencies
        (:func:`symrelu.find_relations`). "periodic" collapses frequencies with one
        base (rational ones, or pi and 2 pi); "generic" keeps every multi-index
        separate (time averages over the torus of independent tones); "mixed"
        works on the reduced torus of a partially commensurate set (1, 2,
        sqrt(2)). "auto" picks the one the relations imply.
    strict : bool
        Raise :class:`DivergenceError` instead of warning when a divergent
        expansion's spectrum or DC is asked for.

    Returns
    -------
    Expansion
        (or PiecewiseExpansion, or the smooth lens: see ``activation``)

    Examples
    --------
    >>> sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> e = expand(sig, order=2, center="peak")
    >>> e.dc
    549*sqrt(2)/1024
    >>> e.coefficient(15)
    147*sqrt(2)/2048
    """
    if not isinstance(signal, MultiTone):
        raise ToneSpecError(
            f"expand() needs a MultiTone signal (got {type(signal).__name__}); "
            "build one with MultiTone(...) or MultiTone.parse('1@5 + 1@10')"
        )
    act = as_activation(activation)
    if act.kind == "smooth":
        from symrelu.polylens import expand_smooth

        return expand_smooth(signal, order, act, center, regime, strict)
    if not act.is_kink_at_zero:
        from symrelu.piecewise_expansion import expand_piecewise

        return expand_piecewise(signal, order, center, act, regime, strict)
    N = check_order(order)
    C = resolve_center(signal, center)
    model = SignalModel.build(signal, regime)
    return Expansion(signal, N, C, act, model, strict)


@dataclass(frozen=True, repr=False)
class Expansion:
    """An order-N Taylor expansion of an activation of a multi-tone signal.

    Create it with :func:`expand`. Everything is exact and computed lazily. The object is
    immutable (assigning an attribute raises ``AttributeError``), so the values it caches
    always belong to its own signal, order, center and activation; equal inputs give equal,
    hashable expansions.

    Examples
    --------
    >>> e = expand(MultiTone(amplitudes=[1], frequencies=[1]), order=3, center="mean_square")
    >>> e.dc, e.certificate.converges
    (15*sqrt(2)/64, True)
    >>> sorted(e.spectrum())
    [0, 1, 2, 4, 6]
    >>> e == expand(MultiTone(amplitudes=[1], frequencies=[1]), order=3, center="mean_square")
    True
    """

    signal: MultiTone
    order: int
    center: sympy.Expr
    activation: Activation
    model: SignalModel
    strict: bool = False

    __array_ufunc__ = None

    # ---------------------------------------------------------------- basics
    @property
    def regime(self) -> str:
        """ "generic", "periodic" or "mixed"."""
        return self.model.regime

    @property
    def reduction(self):
        """The signal's :class:`~symrelu.TorusReduction` (its ``assumption`` says what was
        assumed, None when the relations were decided exactly).

        Examples
        --------
        >>> e = expand(MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)"), order=1)
        >>> e.regime, e.reduction.basis, e.reduction.assumption
        ('mixed', (1, sqrt(2)), None)
        """
        return self.signal.reduction

    @cached_property
    def certificate(self) -> Certificate:
        """The :class:`Certificate`: range of g, convergence and the error bound."""
        return certify(self.model, self.center, self.order, self.activation.abs_weight)

    @property
    def prefactor(self) -> sympy.Expr:
        """c * sqrt(C): the factor in front of sum a_n g^n."""
        return self.activation.abs_weight * sympy.sqrt(self.center)

    def _check_convergence(self) -> None:
        cert = self.certificate
        if cert.converges is False:
            msg = (
                f"the Taylor series diverges for this signal with center C = {cert.center}: "
                f"g reaches {_short(cert.g_max)} > 1; use center='peak'"
            )
            if self.strict:
                raise DivergenceError(msg)
            warnings.warn(msg, DivergenceWarning, stacklevel=3)

    @cached_property
    def _abs_part(self) -> PolySpectrum:
        budget.check_expansion(self.model, self.order)  # before the Taylor coefficients
        return even_polynomial_spectrum(
            self.model,
            power_coefficients_fmpq(self.order),
            center=self.center,
            prefactor=self.prefactor,
        )

    @cached_property
    def _linear_part(self) -> dict:
        """{key: coefficient} of lambda * x (built once; every coefficient query reads it)."""
        lam = self.activation.linear
        out: dict = {}
        if lam == 0:
            return out
        for vec, r, p in self.model.terms:
            key = vec[: self.model.key_dims]
            value = r * (self.model.params[p] if p is not None else 1)
            if self.model.phase_dims and any(vec[self.model.key_dims :]):
                arg = sympy.Add(
                    *(e * ph for e, ph in zip(vec[self.model.key_dims :], self.model.phase_values))
                )
                value = value * (sympy.cos(arg) + sympy.I * sympy.sin(arg))
            elif self.regime == "generic":
                value = value * self.model.phase_factor(key)
            out[key] = out.get(key, 0) + lam * value
        return out

    def _raw(self, key: tuple[int, ...]) -> sympy.Expr:
        value = self._abs_part[key] if key in self._abs_part else sympy.Integer(0)
        lin = self._linear_part.get(key)
        if lin is not None:
            value = value + lin
        return value

    def _single(self, key: tuple[int, ...]) -> tuple[sympy.Expr, int]:
        """One coefficient (linear part included) and the exact terms of its |x| part.

        Generic regime: by torus moments (:func:`symrelu.moments.torus_coefficient`, the same
        value) unless the whole expansion is built already, or the moment estimates of the
        coefficients asked for so far add up to more than building it would cost.
        """
        if self.regime != "generic" or "_abs_part" in self.__dict__:
            return self._raw(key), self._abs_part.terms_at(key)
        cache = self.__dict__.setdefault("_moments", {})
        if key not in cache:
            rational_c = self.center.is_Rational
            est = budget.moment_estimate(self.model, self.order, key,
                                         center_rational=rational_c)
            spent = self.__dict__.get("_moment_seconds", 0.0) + est.seconds
            terms = estimate_terms(self.model, self.order)
            whole = budget.expansion_estimate(terms, self.order, symbolic=bool(self.model.params),
                                              convert=False)
            # both routes pay about the same fixed cost (a FLINT ring, sympy values)
            whole_cheaper = spent > whole.seconds + budget.MOMENT_BASE_SECONDS
            if whole_cheaper and terms <= MAX_TERMS and whole.fits():
                return self._raw(key), self._abs_part.terms_at(key)
            est.check()  # before the Taylor coefficients
            self.__dict__["_moment_seconds"] = spent
            cache[key] = torus_coefficient(self.model, power_coefficients(self.order), key,
                                           center=self.center, prefactor=self.prefactor)
        value = cache[key].value
        lin = self._linear_part.get(key)
        if lin is not None:
            value = value + lin
        return value, cache[key].n_terms

    # ---------------------------------------------------------------- queries
    @property
    def dc(self) -> sympy.Expr:
        """The exact DC (mean) of the truncated approximation.

        Warns with :class:`DivergenceWarning` (raises :class:`DivergenceError` when the
        expansion is strict) if the series diverges; :attr:`dc_unchecked` is the same value
        without the check.
        """
        self._check_convergence()
        return self.dc_unchecked

    @property
    def dc_unchecked(self) -> sympy.Expr:
        """The exact DC of the truncated series, without the convergence check.

        The same value as :attr:`dc`, but never a :class:`DivergenceWarning` or
        :class:`DivergenceError`. For a divergent expansion it is the value of the
        truncated sum, not an approximation of the activation's DC: the paper's order-0
        feature with the mean-square center (eq. 8) is the common use.

        Examples
        --------
        >>> sig = MultiTone(amplitudes=[1, 1], frequencies=[5, 10])
        >>> e = expand(sig, order=0, center="mean_square")   # diverges for two tones
        >>> e.certificate.converges, e.dc_unchecked
        (False, 1/2)
        """
        key = (0,) * self.model.key_dims
        value, n_terms = self._single(key)
        value = _tidy(value)
        if not value.is_number and n_terms <= _FACTOR_TERMS:
            value = sympy.factor(value)  # small symbolic DCs read best as one fraction
        return value

    def coefficient(self, at: Any, *, checked: bool = True) -> sympy.Expr:
        """Exact complex coefficient c at a frequency (periodic) or multi-index (generic).

        Periodic regime: ``at`` is a frequency; every multi-index k with
        k . f = at contributes. A frequency on the grid of multiples of the base
        frequency that the expansion does not reach has coefficient 0; one off
        that grid raises :class:`FrequencyNotPresentError`. Negative frequencies
        give the complex conjugate.

        Generic regime: ``at`` is a tuple of K integers, one per tone in the order of
        ``signal.frequencies``. Mixed regime: a tuple of r integers, coordinates on the
        reduced torus (``reduction.basis``), or a frequency in the lattice of the
        frequencies (``2 - sqrt(2)``), which is written in those coordinates.

        ``checked=False`` skips the convergence check (no :class:`DivergenceWarning` or
        :class:`DivergenceError`), for the value of a divergent truncated series.

        Examples
        --------
        >>> e = expand(MultiTone.parse("1@5 + 1@10"), order=1, center="mean_square")
        >>> e.coefficient(5, checked=False)   # x/2 gives 1/4, x^2/4 via cos(b - a) gives 1/8
        3/8
        """
        if checked:
            self._check_convergence()
        key, conj = self._key(at)
        value = _tidy(self._single(key)[0])
        return sympy.conjugate(value) if conj else value

    def _key(self, at: Any) -> tuple[tuple[int, ...], bool]:
        if self.regime == "mixed":
            key = mixed_key(self.signal, at)
            canon = _canonical(key)
            return canon, canon != key
        if self.regime == "generic":
            if (
                not isinstance(at, (tuple, list))
                or len(at) != self.signal.K
                or not all(isinstance(k, int) and not isinstance(k, bool) for k in at)
            ):
                raise FrequencyNotPresentError(
                    f"in the generic regime a coefficient is addressed by a tuple of "
                    f"{self.signal.K} integers (one per tone), got {value_text(at)}"
                )
            key = tuple(at)
            canon = _canonical(key)
            return canon, canon != key
        try:
            F = to_exact(at, "frequency")
        except SymreluError as exc:
            raise FrequencyNotPresentError(str(exc)) from None
        f0 = self.signal.base_frequency
        n = F / f0
        if not n.is_integer:
            raise FrequencyNotPresentError(
                f"{F} is not a multiple of the base frequency {f0}: the output of a periodic "
                "signal holds only multiples of it"
            )
        n = int(n)
        return (abs(n),), n < 0

    def spectrum(self) -> Spectrum:
        """Every non-zero coefficient: ``{F: c_F}`` (periodic, F >= 0) or ``{k: c_k}`` (generic).

        See the module docstring for the convention (c_F = A/2 for a cosine of
        amplitude A). The result is a read-only mapping. The exact coefficients
        are all computed (in FLINT); each is turned into a sympy expression on
        first access, since a K = 4 order-8 symbolic spectrum holds hundreds of
        thousands of terms. For numeric signals exact zeros are dropped: a value
        whose exact terms could cancel is built at once to decide it.
        :meth:`Spectrum.terms` exports the exact terms without sympy.
        """
        self._check_convergence()
        return self._spectrum

    @cached_property
    def _spectrum(self) -> Spectrum:
        keys = set(self._abs_part) | set(self._linear_part)
        canonical = sorted(k for k in keys if _canonical(k) == k)
        return Spectrum(self, canonical, eager=self.signal.is_numeric)

    def label(self, key: tuple[int, ...]) -> Any:
        """The label of a key in :meth:`spectrum` and :meth:`term`.

        Keys are those of :meth:`indices`: ``(n,)`` harmonic numbers (periodic regime), whose
        label is the frequency n * f0, or multi-indices (generic regime) and points of the
        reduced torus (mixed regime), their own label.

        Examples
        --------
        >>> e = expand(MultiTone.parse("1@5 + 1@10"), order=1)
        >>> sorted(e.label(k) for k in e.indices())
        [0, 5, 10, 15, 20]
        """
        return key[0] * self.signal.base_frequency if self.regime == "periodic" else key

    def frequencies(self, order: int | None = None) -> frozenset:
        """Frequencies present: in the whole expansion, or contributed by g**order.

        Periodic regime: non-negative multiples of the base frequency. Generic and
        mixed regimes: the frequencies k . f (k . basis) as sympy values of the keys
        present; see :meth:`indices` for the keys themselves.
        """
        keys = self.indices(order)
        if self.regime == "periodic":
            return frozenset(self.label(k) for k in keys)
        out = set()
        for k in keys:
            f = self.model.frequency(k)
            if f.is_number and f.is_negative:
                f = -f
            out.add(f)
        return frozenset(out)

    def indices(self, order: int | None = None) -> frozenset:
        """Keys present (multi-indices, or (n,) harmonic numbers), one of each +- pair."""
        if order is None:
            keys = set(self._abs_part) | set(self._linear_part)
        else:
            keys = set(self._power(check_order(order, "order of g")))
        return frozenset(k for k in keys if _canonical(k) == k)

    def _power(self, n: int) -> PolySpectrum:
        """Spectrum of g**n = (x^2/C - 1)**n (computed once per n)."""
        cache = self.__dict__.setdefault("_powers", {})
        if n not in cache:
            gammas = [sympy.Integer(math.comb(n, j) * (-1) ** (n - j)) for j in range(n + 1)]
            cache[n] = even_polynomial_spectrum(self.model, gammas, center=self.center)
        return cache[n]

    def term_coefficient(self, n: int, at: Any) -> sympy.Expr:
        """One coefficient of the order-n contribution alone (see :meth:`term`).

        Examples
        --------
        >>> e = expand(MultiTone(amplitudes=[1], frequencies=[1]), order=2, center="mean_square")
        >>> e.term_coefficient(1, 0), e.term_coefficient(1, 2)
        (0, sqrt(2)/16)
        """
        n = check_order(n, "term order")
        key, conj = self._key(at)
        part = self._power(n)
        if key not in part:
            return sympy.Integer(0)
        value = _tidy(self.prefactor * taylor_coefficients(n + 1)[n] * part[key])
        return sympy.conjugate(value) if conj else value

    def term(self, n: int) -> dict:
        """The order-n contribution c * sqrt(C) * a_n * g**n alone, as a spectrum dict.

        Same keys and convention as :meth:`spectrum`. ``term(0)`` is the
        constant c*sqrt(C); the linear part is not included.
        """
        n = check_order(n, "term order")
        a_n = taylor_coefficients(n + 1)[n]
        part = self._power(n)
        out = {}
        for key in sorted(k for k in part if _canonical(k) == k):
            value = _tidy(self.prefactor * a_n * part[key])
            if value != 0:
                out[self.label(key)] = value
        return out

    def as_expr(self, t: sympy.Symbol | None = None) -> sympy.Expr:
        """The truncated approximation as a real sympy expression of time t."""
        t = sympy.Symbol("t", real=True) if t is None else t
        total = sympy.Integer(0)
        for label, c in self.spectrum().items():
            f = label if self.regime == "periodic" else self.model.frequency(label)
            if f == 0:
                total += c
                continue
            re_c, im_c = sympy.re(c), sympy.im(c)
            arg = 2 * sympy.pi * f * t
            total += 2 * re_c * sympy.cos(arg) - 2 * im_c * sympy.sin(arg)
        return total

    # ---------------------------------------------------------------- printing
    def latex(self, *, max_terms: int = 12, **settings: Any) -> str:
        """LaTeX of the truncated expansion (see :func:`symrelu.latex.expansion_latex`).

        ``settings`` are sympy's LaTeX printer settings (``mul_symbol="dot"``, ...);
        ``sympy.latex(expansion, **settings)`` gives the same text with 12 terms.
        """
        from sympy.printing.latex import LatexPrinter

        from symrelu.latex import expansion_latex

        return expansion_latex(self, max_terms=max_terms, printer=LatexPrinter(settings))

    def _latex(self, printer: Any, **kwargs: Any) -> str:
        from symrelu.latex import expansion_latex

        return expansion_latex(self, printer=printer)

    def _repr_latex_(self) -> str:
        from symrelu.latex import latex

        return "$\\displaystyle " + latex(self) + "$"

    def __repr__(self) -> str:
        return (
            f"<Expansion of {self.activation!r} on {self.signal.to_string()!r}: "
            f"order {self.order}, C = {self.center}, {self.regime} regime>"
        )


class SpectrumTerms(NamedTuple):
    """The exact terms of a :class:`Spectrum` (see :meth:`Spectrum.terms`).

    Attributes
    ----------
    generators : tuple of sympy.Expr
        What the exponents count: non-rational amplitudes and offset, then 1/C when C is
        not rational, then exp(i phi_j) for each phase variable (periodic, mixed).
    prefactor : sympy.Expr
        c * sqrt(C), in front of every sum of terms.
    rows : list of (label, exponents, fmpq)
        The terms of the |x| part, those of one label adjacent.
    linear : dict
        ``{label: value}`` of the linear part lambda * x (sympy values; few labels).
    """

    generators: tuple
    prefactor: Any
    rows: list
    linear: dict


class Spectrum(Mapping):
    """Read-only mapping ``label -> exact coefficient`` of an :class:`Expansion`.

    Labels are frequencies (periodic regime) or multi-indices (generic regime);
    see :meth:`Expansion.spectrum`. Immutable: attributes cannot be set, and values are
    computed from the frozen expansion on first access. Spectra with the same labels and
    values compare equal (as mappings) and hash alike.

    Examples
    --------
    >>> spec = expand(MultiTone.parse("1@1"), order=1).spectrum()
    >>> spec == expand(MultiTone.parse("1@1"), order=1).spectrum(), len(spec)
    (True, 3)
    """

    __slots__ = ("_expansion", "_keys", "_values")

    def __init__(self, expansion: Expansion, keys: list, *, eager: bool) -> None:
        labels = {expansion.label(k): k for k in keys}
        values: dict = {}
        if eager:
            part = expansion._abs_part
            irrational = part.prefactor.is_rational is False
            for label, key in list(labels.items()):
                lin = expansion._linear_part.get(key)
                # non-zero by its exact FLINT term (plus, at a tone, a rational linear part
                # that cannot cancel an irrational prefactor times a rational): built on
                # first access
                if part.known_nonzero(key) and (lin is None or (lin.is_Rational and irrational)):
                    continue
                value = _tidy(expansion._raw(key))
                if value == 0:
                    del labels[label]
                else:
                    values[label] = value
        object.__setattr__(self, "_expansion", expansion)
        object.__setattr__(self, "_keys", labels)
        object.__setattr__(self, "_values", values)  # a cache of values of the frozen state

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Spectrum is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Spectrum is immutable: cannot delete {name!r}")

    def __hash__(self) -> int:
        return hash(frozenset(self._keys))

    def __getitem__(self, label: Any) -> sympy.Expr:
        if label not in self._values:
            self._values[label] = _tidy(self._expansion._raw(self._keys[label]))
        return self._values[label]

    def __iter__(self) -> Iterator:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, label: object) -> bool:
        return label in self._keys

    def to_dict(self) -> dict:
        """All values as a plain dict (builds every sympy expression)."""
        return {label: self[label] for label in self._keys}

    def terms(self) -> SpectrumTerms:
        """Every coefficient as exact polynomial terms, without building sympy values.

        For large spectra (a K = 4 order-8 symbolic spectrum has about 440,000 terms)
        this costs about as much as exporting the terms from FLINT, far less than the
        sympy values. The coefficient at a label is::

            prefactor * phase(label) * sum(c * prod(g**e for g, e in zip(generators, exps)))
            + linear.get(label, 0)

        summed over the rows ``(label, exps, c)`` of that label; ``c`` is a python-flint
        ``fmpq`` and ``exps`` a tuple of ints. ``phase(label)`` is ``exp(i k . phi)`` in
        the generic regime (the expansion's ``model.phase_factor``) and 1 otherwise.

        Returns
        -------
        SpectrumTerms
            ``(generators, prefactor, rows, linear)``, a named tuple.

        Raises
        ------
        RegimeError
            For a periodic signal whose harmonic numbers are too large to pack (the
            spectrum is then collapsed from the generic one): use ``regime="generic"``.

        Examples
        --------
        >>> spec = expand(MultiTone.parse("A@1"), order=1, center=1).spectrum()
        >>> t = spec.terms()
        >>> t.generators, t.prefactor, t.linear
        ((A,), 1/2, {1: A/4})
        >>> t.rows
        [(0, (2,), 1/4), (0, (0,), 1/2), (2, (2,), 1/8)]
        >>> spec[2] == t.prefactor * sympy.Add(*(
        ...     sympy.Rational(int(c.p), int(c.q)) * t.generators[0]**e[0]
        ...     for label, e, c in t.rows if label == 2))
        True
        """
        part = self._expansion._abs_part
        if not isinstance(part, PolySpectrum):
            raise RegimeError(
                "the exact terms of this periodic spectrum are not available: its harmonic "
                "numbers are too large to pack, so it is collapsed from the generic one; "
                "use regime='generic'"
            )
        labels = {key: label for label, key in self._keys.items()}
        rows = part.terms(labels)
        linear = {
            labels[k]: v for k, v in self._expansion._linear_part.items() if k in labels
        }
        return SpectrumTerms(part.generators, part.prefactor, rows, linear)

    def to_numpy(self, *, dps: int | None = None) -> tuple[Any, Any]:
        """The spectrum as numpy arrays ``(labels, values)``, in the spectrum's order.

        Parameters
        ----------
        dps : int, optional
            None (the default): values as ``complex128``, each exact value evaluated by
            sympy to 20 digits and rounded once. An int: values as an object array of
            ``mpmath.mpc`` with ``dps`` significant digits (sympy's ``evalf`` at
            ``dps + 5`` digits, rounded to ``dps``), and periodic frequencies as
            ``mpmath.mpf`` likewise.

        Returns
        -------
        labels : numpy.ndarray
            Periodic regime: the frequencies, ``float64`` (object array of ``mpmath.mpf``
            with ``dps``), shape (n,). Generic regime: the multi-indices, ``int64``, shape
            (n, K); mixed regime: the points of the reduced torus, ``int64``, shape (n, r).
        values : numpy.ndarray
            The coefficients c (``y = c_0 + 2 Re sum c e^{2 pi i F t}``), shape (n,).

        Raises
        ------
        SymbolicValueError
            When the signal has symbols (their names are in the message): only numbers
            become arrays; :meth:`to_dict` holds the exact expressions.

        Examples
        --------
        >>> spec = expand(MultiTone.parse("1@5"), order=2).spectrum()
        >>> freqs, values = spec.to_numpy()
        >>> freqs, values.dtype
        (array([ 0.,  5., 10., 20.]), dtype('complex128'))
        >>> import mpmath
        >>> print(spec[0], "=", mpmath.nstr(spec.to_numpy(dps=25)[1][0].real, 25))
        15*sqrt(2)/64 = 0.3314563036811941520628958
        """
        import mpmath
        import numpy as np

        self._check_numeric("to_numpy")
        if dps is not None and (isinstance(dps, bool) or not isinstance(dps, int) or dps < 1):
            raise ToneSpecError(f"dps must be a positive integer (got {value_text(dps)})")
        labels = list(self._keys)
        exp = self._expansion
        if dps is None:
            values = np.array([complex(sympy.N(self[k], 20)) for k in labels], dtype=complex)
        else:
            with mpmath.workdps(dps):
                values = np.empty(len(labels), dtype=object)
                for i, k in enumerate(labels):
                    re, im = sympy.N(self[k], dps + 5).as_real_imag()
                    values[i] = mpmath.mpc(re, im)
        if exp.regime != "periodic":
            width = len(exp.model.basis)
            return np.array(labels, dtype=np.int64).reshape(len(labels), width), values
        if dps is None:
            return np.array([float(f) for f in labels], dtype=float), values
        with mpmath.workdps(dps):
            freqs = np.empty(len(labels), dtype=object)
            for i, f in enumerate(labels):
                freqs[i] = mpmath.mpf(sympy.N(f, dps + 5))
        return freqs, values

    def to_frame(self) -> Any:
        """The spectrum as a :class:`pandas.DataFrame`, one row per label (needs pandas).

        Columns: periodic regime ``frequency`` (float64) and ``frequency_exact`` (sympy);
        generic and mixed regimes ``k1 ... kK`` (the multi-index, or the point of the reduced
        torus, int64) and ``frequency`` (float64, ``k . basis``); then ``exact`` (the sympy
        coefficient) and ``value`` (complex128, as :meth:`to_numpy`).

        Raises
        ------
        EnvironmentProblemError
            pandas is not installed (``pip install "symrelu[pandas]"``).
        SymbolicValueError
            The signal has symbols (see :meth:`to_numpy`).

        Examples
        --------
        >>> import pytest
        >>> pandas = pytest.importorskip("pandas")  # the optional extra symrelu[pandas]
        >>> print(expand(MultiTone.parse("1@5"), order=2).spectrum().to_frame())
           frequency frequency_exact          exact               value
        0        0.0               0  15*sqrt(2)/64  0.331456+0.000000j
        1        5.0               5            1/4  0.250000+0.000000j
        2       10.0              10     sqrt(2)/16  0.088388+0.000000j
        3       20.0              20   -sqrt(2)/128 -0.011049+0.000000j
        >>> frame = expand(MultiTone.parse("1@1 + 1@sqrt(2)"), order=1).spectrum().to_frame()
        >>> list(frame.columns), len(frame)
        (['k1', 'k2', 'frequency', 'exact', 'value'], 7)
        """
        labels, values = self.to_numpy()  # a symbolic spectrum is refused, pandas or not
        try:
            import pandas
        except ModuleNotFoundError as exc:
            raise EnvironmentProblemError(
                "Spectrum.to_frame needs pandas, an optional dependency: "
                "pip install \"symrelu[pandas]\""
            ) from exc
        import numpy as np

        exp = self._expansion
        exact = np.empty(len(self), dtype=object)
        exact[:] = [self[k] for k in self._keys]
        columns: dict[str, Any] = {}
        if exp.regime == "periodic":
            columns["frequency"] = labels
            keys = np.empty(len(self), dtype=object)
            keys[:] = list(self._keys)
            columns["frequency_exact"] = keys
        else:
            for j in range(labels.shape[1]):
                columns[f"k{j + 1}"] = labels[:, j]
            columns["frequency"] = np.array(
                [float(exp.model.frequency(k)) for k in self._keys], dtype=float)
        columns["exact"] = exact
        columns["value"] = values
        return pandas.DataFrame(columns)

    def _check_numeric(self, what: str) -> None:
        symbols = self._expansion.signal.free_symbols
        if symbols:
            from symrelu.exact import SymbolicValueError

            names = ", ".join(sorted(map(str, symbols)))
            raise SymbolicValueError(
                f"Spectrum.{what} needs numbers, but the signal has the symbols {names}: "
                "give them values (MultiTone(...) with numbers) or use to_dict() for the exact "
                "expressions"
            )

    def _latex(self, printer: Any, **kwargs: Any) -> str:
        from symrelu.latex import spectrum_latex

        return spectrum_latex(self, printer=printer)

    def _repr_latex_(self) -> str:
        from symrelu.latex import latex

        return "$\\displaystyle " + latex(self) + "$"

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}: {self[k]}" for k in list(self._keys)[:4])
        more = ", ..." if len(self._keys) > 4 else ""
        return f"Spectrum({{{shown}{more}}}, {len(self._keys)} frequencies)"


def mixed_key(signal: MultiTone, at: Any) -> tuple[int, ...]:
    """The point of the reduced torus that ``at`` names: a tuple of r ints, or a frequency.

    Examples
    --------
    >>> sig = MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)")
    >>> mixed_key(sig, (1, -1)), mixed_key(sig, "2"), mixed_key(sig, 0)
    ((1, -1), (2, 0), (0, 0))
    """
    red = signal.reduction
    r = red.rank
    if isinstance(at, (tuple, list)):
        if len(at) != r or not all(isinstance(k, int) and not isinstance(k, bool) for k in at):
            raise FrequencyNotPresentError(
                f"in the mixed regime a coefficient is addressed by a tuple of {r} integers "
                f"(coordinates in the basis {', '.join(map(str, red.basis))}) or a frequency, "
                f"got {value_text(at)}"
            )
        return tuple(int(k) for k in at)
    try:
        F = to_exact(at, "frequency")
    except SymreluError as exc:
        raise FrequencyNotPresentError(str(exc)) from None
    key = red.coordinates(F)
    if key is None:
        raise FrequencyNotPresentError(
            f"{value_text(F)} is not an integer combination of the base frequencies "
            f"{', '.join(map(str, red.basis))}: the output of this signal holds only those"
        )
    return key


def _canonical(key: tuple[int, ...]) -> tuple[int, ...]:
    """The representative of {k, -k} whose first non-zero entry is positive."""
    for k in key:
        if k:
            return key if k > 0 else tuple(-e for e in key)
    return key


def _tidy(value: sympy.Expr) -> sympy.Expr:
    """Cheap normal form for numbers.

    Products with a phase factor ``cos + i sin`` are expanded so conjugate
    terms cancel; a radical left in a denominator is rationalised. Everything
    else is already canonical after sympy's automatic evaluation.
    """
    if not value.is_number or value.is_Rational:
        return value
    if value.has(sympy.cos, sympy.sin):
        value = sympy.expand(value)
    if any(
        p.exp.is_Rational and p.exp.is_negative and not p.exp.is_integer
        for p in value.atoms(sympy.Pow)
    ):
        value = sympy.radsimp(value)
    return value


def _short(v: Any) -> str:
    """Exact text of a value for a message; a long irrational number as "about" 6 digits."""
    if not isinstance(v, sympy.Expr) or not v.is_number or len(str(v)) <= 30:
        return str(v)  # symbolic values stay exact: N() would turn their integers into Floats
    try:
        return "about " + str(sympy.N(v, 6))
    except (TypeError, ValueError):
        return str(v)
