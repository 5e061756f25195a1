r"""Exact sparse trigonometric-polynomial arithmetic for multi-tone signals.

A multi-tone signal is a Laurent polynomial in phasors:

.. math:: x = b + \sum_i \frac{A_i}{2}\left(e^{i\varphi_i} z_i + e^{-i\varphi_i} z_i^{-1}\right)

- generic regime: one phasor ``z_i = exp(i theta_i)`` per tone; a monomial
  ``z^k`` (k in Z^K) is its own frequency ``k . f``. Phases factor out: the
  coefficient of a phased input is the zero-phase one times ``exp(i k . phi)``.
- periodic regime: all frequencies are integer multiples ``m_i`` of a base
  ``f0``; one phasor ``z = exp(2 pi i f0 t)`` carries them all, so terms with the
  same ``k . m`` collapse at once (order 50 of the paper's signal is a
  degree-800 polynomial). A tone with a non-zero phase gets its own phase
  variable ``u_i = exp(i phi_i)``, kept symbolic because ``exp(i phi)`` is
  transcendental for rational phases.

The heavy arithmetic runs in FLINT (python-flint's ``fmpq_mpoly``) over the
rationals. Every Laurent variable is shifted to non-negative exponents and all
of them are packed into one exponent (Kronecker substitution), so a product
never needs more than one variable for the phasors. Amplitudes, offsets and
centers that are not Rationals (symbols, sqrt(2), ...) become extra polynomial
generators, substituted back when a coefficient is turned into a sympy
expression, lazily, on request.

Nothing here builds cosine expressions: products of cosines never go through
sympy's ``expand`` or product-to-sum rules.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, cmp_to_key
from operator import itemgetter

import flint
import sympy

from symrelu import budget
from symrelu._values import is_rational
from symrelu.errors import RegimeError, RelationAssumptionWarning, ResourceLimitError
from symrelu.signal import MultiTone

__all__ = [
    "SignalModel",
    "PolySpectrum",
    "even_polynomial_spectrum",
    "estimate_terms",
    "MAX_TERMS",
]

#: The regimes a caller may ask for.
REGIMES = ("auto", "generic", "periodic", "mixed")

#: Refuse expansions whose estimated number of polynomial terms exceeds this.
MAX_TERMS = 20_000_000
_MAX_PACKED = 2**62


def _fmpq(r: sympy.Rational | flint.fmpq | int) -> flint.fmpq:
    if isinstance(r, flint.fmpq):
        return r
    r = sympy.Rational(r)
    return flint.fmpq(int(r.p), int(r.q))


@dataclass(frozen=True)
class SignalModel:
    """A signal compiled to phasor form for one regime.

    Attributes
    ----------
    signal : MultiTone
    regime : "generic", "periodic" or "mixed"
    key_dims : int
        Number of phasor variables that index frequencies: K (generic), 1 (periodic) or
        the rank r of the frequencies (mixed; see :attr:`MultiTone.reduction`).
    phase_dims : int
        Number of phase variables (periodic and mixed regimes, one per phased tone).
    terms : tuple
        ``(exponent vector, Rational factor, parameter index or None)`` for each
        phasor term of x.
    params : tuple of sympy.Expr
        Values of the parameter generators (non-rational amplitudes and offset).
    phase_values : tuple of sympy.Expr
        The phase of each phase variable.
    vectors : tuple of tuple of int
        Each tone's exponent on the key variables: the unit vectors (generic), its
        harmonic number (periodic) or its vector on the reduced torus (mixed).
    basis : tuple of sympy.Expr
        The frequency of each key variable: the tones' frequencies (generic), the base
        frequency (periodic) or the reduction's basis (mixed). A key k is the frequency
        ``k . basis``.
    """

    signal: MultiTone
    regime: str
    key_dims: int
    phase_dims: int
    terms: tuple
    params: tuple
    phase_values: tuple
    vectors: tuple = ()
    basis: tuple = ()

    @classmethod
    def build(cls, signal: MultiTone, regime: str = "auto") -> SignalModel:
        """Compile ``signal`` for ``regime`` ("auto", "generic", "periodic" or "mixed").

        In the periodic and mixed regimes tone j is the monomial ``z^{v_j}`` of the reduced
        torus (:attr:`MultiTone.reduction`), so tones on one axis collapse at once.

        Examples
        --------
        >>> m = SignalModel.build(MultiTone(amplitudes=[1, 1], frequencies=[5, 10]))
        >>> m.regime, m.key_dims, m.phase_dims
        ('periodic', 1, 0)
        >>> m = SignalModel.build(MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)"))
        >>> m.regime, m.key_dims, m.vectors, m.basis
        ('mixed', 2, ((1, 0), (0, 1), (2, 0)), (1, sqrt(2)))
        """
        regime = resolve_regime(signal, regime)
        params: list[sympy.Expr] = []

        def coefficient(value: sympy.Expr, factor: sympy.Rational):
            if is_rational(value):
                return factor * value, None
            if value not in params:
                params.append(value)
            return factor, params.index(value)

        half = sympy.Rational(1, 2)
        terms = []
        if not signal.offset.is_zero:
            r, p = coefficient(signal.offset, sympy.Integer(1))
            terms.append((None, r, p))  # exponent filled below
        phase_values: list[sympy.Expr] = []
        tone_vectors = []
        if regime == "generic":
            key_dims = signal.K
            vectors = tuple(tuple(int(i == j) for j in range(key_dims)) for i in range(key_dims))
            basis = signal.frequencies
            for i in range(signal.K):
                tone_vectors.append((list(vectors[i]), signal.amplitudes[i], 1))
            phase_dims = 0
        else:
            red = signal.reduction
            basis = red.basis if signal.frequencies else (sympy.Integer(1),)
            vectors = red.vectors
            key_dims = len(basis)
            phases = []  # per tone: (sign from a phase that is a multiple of pi, phase index)
            for p in signal.phases:
                q = p / sympy.pi
                if p.is_zero or q.is_integer:
                    phases.append((-1 if q.is_odd else 1, None))
                else:
                    phases.append((1, len(phase_values)))
                    phase_values.append(p)
            phase_dims = len(phase_values)
            for a, m, (sign, u) in zip(signal.amplitudes, vectors, phases):
                v = list(m) + [0] * phase_dims
                if u is not None:
                    v[key_dims + u] = 1
                tone_vectors.append((v, a, sign))
        dims = key_dims + phase_dims
        out = []
        for _, r, p in terms:
            out.append(((0,) * dims, r, p))
        for v, a, sign in tone_vectors:
            r, p = coefficient(a, half * sign)
            out.append((tuple(v), r, p))
            out.append((tuple(-e for e in v), r, p))
        return cls(
            signal, regime, key_dims, phase_dims, tuple(out), tuple(params), tuple(phase_values),
            tuple(vectors), tuple(basis),
        )

    @property
    def dims(self) -> int:
        return self.key_dims + self.phase_dims

    @cached_property
    def degrees(self) -> tuple[int, ...]:
        """Largest |exponent| of each phasor variable in x."""
        return tuple(
            max((abs(v[d]) for v, _, _ in self.terms), default=0) for d in range(self.dims)
        )

    # ---------------------------------------------------------------- readout
    def frequency(self, key: tuple[int, ...]) -> sympy.Expr:
        """The frequency ``key . basis`` of a key (multi-index, harmonic number or torus point)."""
        return sympy.Add(*(k * f for k, f in zip(key, self.basis)))

    def phase_factor(self, key: tuple[int, ...]) -> sympy.Expr:
        """exp(i k.phi) for a generic-regime key (1 when all phases vanish)."""
        if self.regime != "generic":
            return sympy.Integer(1)
        arg = sympy.Add(*(k * p for k, p in zip(key, self.signal.phases)))
        return sympy.Integer(1) if arg == 0 else _unit(arg)


def _stand_ins(params: tuple) -> tuple[list, dict]:
    """Independent generators for the parameters (Poly needs symbols) and the way back.

    A parameter that is a Symbol stands for itself; any other value (sqrt(2),
    a phasor sum) gets a Dummy, replaced by the value after the Poly is built.
    """
    if params not in _STAND_INS:
        gens = [
            p if isinstance(p, sympy.Symbol) else sympy.Dummy(f"p{i}") for i, p in enumerate(params)
        ]
        _STAND_INS[params] = (gens, {g: p for g, p in zip(gens, params) if g is not p})
    return _STAND_INS[params]


_STAND_INS: dict = {}


def _unit(arg: sympy.Expr) -> sympy.Expr:
    """exp(i arg) written as cos + i sin, so conjugate terms cancel structurally."""
    return sympy.cos(arg) + sympy.I * sympy.sin(arg)


class _TreeBuilder:
    """Canonical sympy trees of polynomials in fixed generators, built without evaluation.

    ``polynomial(items)`` returns exactly the expression of
    ``sympy.Poly.from_dict(dict(items), *gens).as_expr()`` (equal, same ``srepr``), but
    assembles each monomial ``Mul`` and the sum ``Add`` from their arguments already in
    sympy's canonical order (``Basic.compare``), which is computed once per factor as a
    tuple key: numbers first, then factors ranked by class and generator, the Muls of a sum
    by their number of arguments and then argument by argument. Factors (``g`` and
    ``g**e``), rationals and monomials are cached, so a term costs a few dictionary
    look-ups. The tests compare the trees with sympy's on random polynomials.
    """

    def __init__(self, gens: Sequence[sympy.Expr], back: dict, center: sympy.Expr | None):
        self.gens = tuple(gens)
        self.back = back
        self._center = center
        by_compare = cmp_to_key(sympy.Basic.compare)
        ranked = sorted(range(len(self.gens)), key=lambda i: by_compare(self.gens[i]))
        self._gen_rank = {i: r for r, i in enumerate(ranked)}
        # sympy orders arguments by class first: rank the classes a factor can have
        probe = sympy.Pow(sympy.Symbol("x"), 2)
        reps = {type(g): g for g in self.gens}
        reps[sympy.Pow] = probe
        classes = sorted(reps, key=lambda c: by_compare(reps[c]))
        self._class_rank = {c: r for r, c in enumerate(classes)}
        mul = sympy.Mul(sympy.Symbol("x"), sympy.Symbol("y"))
        self._before_mul = {c: reps[c].compare(mul) < 0 for c in classes}
        numbers = (sympy.S.Half, sympy.S.NegativeOne, sympy.Integer(2), sympy.Rational(2, 3))
        self._number_rank = {
            type(v): r for r, v in enumerate(sorted(numbers, key=by_compare))
        }
        self.shared: dict = {}  # values by their exact terms (see PolySpectrum.__getitem__)
        self._rationals: dict = {}
        self._keyed_rationals: dict = {}
        self._monomials: dict = {}
        self._inverse: dict = {}

    def rational(self, q: flint.fmpq) -> sympy.Rational:
        """The sympy Rational of an fmpq (cached)."""
        pq = (q.p, q.q)  # hashing an fmpq builds a Fraction; its fmpz parts hash cheaply
        r = self._rationals.get(pq)
        if r is None:
            r = self._rationals[pq] = sympy.Rational(int(q.p), int(q.q))
        return r

    def _keyed_rational(self, q: flint.fmpq) -> tuple[sympy.Rational, tuple]:
        """The Rational of an fmpq and its sort key as a Mul's first argument (cached)."""
        c = self.rational(q)
        key = None if c is sympy.S.One else (0, self._number_rank[type(c)], c.p, c.q)
        found = self._keyed_rationals[(q.p, q.q)] = (c, key)
        return found

    def inverse_center(self, power: int) -> sympy.Expr:
        """``1 / C**power`` as ``value / C**power`` multiplies it in."""
        if power not in self._inverse:
            self._inverse[power] = sympy.Pow(self._center**power, sympy.S.NegativeOne)
        return self._inverse[power]

    def _monomial(self, exps: tuple) -> tuple:
        """(factors in canonical order, their keys, key of the bare factor) of a monomial."""
        found = self._monomials.get(exps)
        if found is None:
            factors = []
            for i, e in enumerate(exps):
                e = int(e)
                if e:
                    g = self.gens[i]
                    f = g if e == 1 else sympy.Pow(g, sympy.Integer(e))
                    factors.append(((1, self._class_rank[type(f)], self._gen_rank[i], e), f))
            factors.sort(key=lambda t: t[0])
            keys = tuple(k for k, _ in factors)
            args = tuple(f for _, f in factors)
            bare = None
            if len(args) == 1:
                bare = (0 if self._before_mul[type(args[0])] else 2, keys[0])
            found = self._monomials[exps] = (args, keys, bare)
        return found

    def polynomial(self, items: Sequence[tuple]) -> sympy.Expr:
        """The sum of ``coefficient * monomial`` over ``items``: (exponents, fmpq) pairs."""
        mul = sympy.Mul._from_args
        one = sympy.S.One
        rationals, monomials = self._keyed_rationals, self._monomials
        keyed = []
        constant = None
        for exps, q in items:
            ck = rationals.get((q.p, q.q))
            if ck is None:
                ck = self._keyed_rational(q)
            found = monomials.get(exps)
            if found is None:
                found = self._monomial(exps)
            c, ckey = ck
            args, keys, bare = found
            if not args:
                constant = c
            elif c is one:
                if bare is not None:
                    keyed.append((bare, args[0]))
                else:
                    keyed.append(((1, len(args)) + keys, mul(args, True)))
            else:
                keyed.append(((1, len(args) + 1, ckey) + keys, mul((c,) + args, True)))
        keyed.sort(key=itemgetter(0))
        terms = [t for _, t in keyed]
        if constant is not None:
            terms.insert(0, constant)
        if not terms:
            return sympy.S.Zero
        return sympy.Add._from_args(tuple(terms), True)


def resolve_regime(signal: MultiTone, regime: str) -> str:
    """Decide the regime from the integer relations among the frequencies.

    "auto" is :attr:`symrelu.TorusReduction.regime`: one base frequency (rank 1, e.g. 5 and
    10, or pi and 2 pi) is periodic, independent frequencies (rank K >= 2) generic, anything
    between mixed (time averages over the reduced torus). "periodic" needs rank 1, "mixed"
    a rank between 2 and K - 1; "generic" is always allowed (the torus average with every
    tone independent, which is the time average only for independent frequencies).

    When "auto" or "mixed" rests on an independence the engine could not decide (numbers
    such as ``E`` or ``log(2)``), a :class:`~symrelu.errors.RelationAssumptionWarning` says
    which; symbolic frequencies with unknown ratios are taken as independent, as the
    reduction's ``assumption`` records.

    Examples
    --------
    >>> resolve_regime(MultiTone.parse("1@pi + 1@2pi"), "auto")
    'periodic'
    >>> resolve_regime(MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)"), "auto")
    'mixed'
    """
    if regime not in REGIMES:
        raise RegimeError(
            f"regime must be 'auto', 'generic', 'periodic' or 'mixed' (got {regime!r})"
        )
    if regime == "generic":
        return regime
    red = signal.reduction
    if regime == "auto":
        chosen = red.regime
    elif regime == "periodic":
        if red.rank > 1:
            raise RegimeError(
                f"the periodic regime needs one base frequency, but these frequencies have "
                f"rank {red.rank} over the rationals (base {_basis_text(red)}); use "
                f"regime='{red.regime}' or 'generic' (torus average) instead"
            )
        chosen = regime
    else:
        if not 2 <= red.rank < signal.K:
            raise RegimeError(
                f"the mixed regime needs frequencies of rank between 2 and K - 1 = "
                f"{signal.K - 1}; these have rank {red.rank} (base {_basis_text(red)}): use "
                f"regime='{red.regime}'"
            )
        chosen = regime
    if red.assumes_numbers:  # "auto" and "mixed" rest on the assumption
        warnings.warn(
            f"frequency relations not decided: {red.assumption}; the {chosen} regime rests "
            "on that assumption",
            RelationAssumptionWarning,
            stacklevel=3,
        )
    return chosen


def _basis_text(red) -> str:
    return ", ".join(str(b) for b in red.basis) or "none"


def _lattice_count(radius: int, dims: int) -> int:
    """Number of integer vectors in Z^dims with L1 norm <= radius."""
    return sum(
        2**j * math.comb(dims, j) * math.comb(radius, j) for j in range(min(dims, radius) + 1)
    )


def estimate_terms(model: SignalModel, N: int) -> int:
    """Upper estimate of the number of polynomial terms of x^(2N) in ``model``.

    Phasor monomials: an L1 ball of radius 2N for the generic tones with
    rational amplitudes and for the phase variables, a segment for the periodic
    base phasor. Parameters: a tone with a symbolic amplitude of degree n
    brings n + 1 phasor exponents (generic regime); other parameters bring
    their monomials of degree <= 2N.
    """
    radius = 2 * N
    symbolic_tones = 0
    if model.regime == "generic":
        tone_params = {p for v, _, p in model.terms if p is not None and any(v)}
        symbolic_tones = len(tone_params)
        keys = _lattice_count(radius, model.key_dims - symbolic_tones)
    else:  # a box on the key variables of the (reduced) torus
        box = math.prod(2 * radius * d + 1 for d in model.degrees[: model.key_dims])
        keys = min(box, _lattice_count(radius, model.signal.K)) * _lattice_count(
            radius, model.phase_dims
        )
    free_params = len(model.params) - symbolic_tones
    # sum over total degree m <= 2N of the number of (phasor, parameter) monomials:
    # (n+1) per symbolic tone of degree n, 1 per other parameter monomial. With generating
    # functions 1/(1-z)^2 per symbolic tone and 1/(1-z) per other parameter, the sum over
    # m <= 2N is the coefficient of z^(2N) in 1/(1-z)^(2s+f+1): binom(2N + 2s + f, 2s + f).
    order = 2 * symbolic_tones + free_params
    return keys * math.comb(radius + order, order)


def _init_frozen(obj: object, **values: object) -> None:
    for name, value in values.items():
        object.__setattr__(obj, name, value)


class _FrozenMapping(Mapping):
    """A read-only mapping whose attributes cannot be set after ``__init__``."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a {type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a {type(self).__name__} is immutable: cannot delete {name!r}")

    def __hash__(self) -> int:  # equal mappings have equal key sets
        return hash(frozenset(self))


class PolySpectrum(_FrozenMapping):
    """The exact spectrum of a polynomial in x, grouped by frequency key.

    A read-only, immutable mapping ``key -> sympy coefficient`` of the complex
    exponential at that key, over the keys whose coefficient is not known to
    vanish. Values are built as sympy expressions on first access and cached.
    Keys are tuples: the multi-index k (generic regime) or ``(n,)`` for the
    harmonic n of the base frequency (periodic regime); both signs are present.

    Examples
    --------
    >>> s = even_polynomial_spectrum(SignalModel.build(MultiTone.parse("2@1")), [0, 1])
    >>> sorted(s.items())
    [((-2,), 1), ((0,), 2), ((2,), 1)]
    >>> s.model = None
    Traceback (most recent call last):
    ...
    AttributeError: a PolySpectrum is immutable: cannot set 'model'
    """

    __slots__ = ("model", "_groups", "_store", "_prefactor", "_center", "_cache")

    def __init__(
        self,
        model: SignalModel,
        groups: dict,
        store: _TermStore | None,
        prefactor: sympy.Expr,
        center_param: sympy.Expr | None,
    ) -> None:
        _init_frozen(
            self,
            model=model,
            _groups=groups,  # key -> list of (first term, end, phase exponents) runs
            _store=store,  # the terms: coefficients and exponents
            _prefactor=prefactor,
            _center=center_param,
            _cache={},  # sympy values of the frozen terms, built on first access
        )

    def __getitem__(self, key: tuple[int, ...]) -> sympy.Expr:
        if key in self._cache:
            return self._cache[key]
        terms = self.raw_terms(key)
        # keys related by symmetry (k and -k, a tone's sign flipped) often hold the same
        # terms: their values are built once (the same tree, as sympy would build it again)
        signature = tuple((p, u, q.p, q.q) for p, u, q in terms)
        shared = self._builder().shared
        phase = self.model.phase_factor(key) if self.model.regime == "generic" else None
        if phase is None or phase is sympy.S.One:
            value = shared.get(signature)
            if value is None:
                value = shared[signature] = self._prefactor * self._to_sympy(terms)
        else:
            value = self._prefactor * (self._to_sympy(terms) * phase)
        self._cache[key] = value
        return value

    def _to_sympy(self, terms: list) -> sympy.Expr:
        """Sum the terms as a sympy expression.

        Terms are grouped by their power of 1/C and their phase factor; each
        group is a polynomial in the parameters, built as a canonical sympy tree
        by :class:`_TreeBuilder` (the tree sympy's ``Poly.as_expr`` would build,
        without its flatten and sort).
        """
        model = self.model
        n = len(model.params)
        builder = self._builder()
        groups: dict = {}
        for pexp, uexp, q in terms:
            c_power = int(pexp[n]) if len(pexp) > n else 0
            groups.setdefault((c_power, uexp), []).append((pexp[:n], q))
        parts = []
        for (c_power, uexp), items in groups.items():
            if n:
                value = builder.polynomial(items)
                if builder.back:
                    value = value.xreplace(builder.back)
            else:
                value = builder.rational(items[0][1])
            if c_power:
                value = sympy.Mul(value, builder.inverse_center(c_power))
            if any(uexp):
                arg = sympy.Add(*(e * p for e, p in zip(uexp, model.phase_values)))
                value = value * _unit(arg)
            parts.append(value)
        return sympy.Add(*parts)

    def _builder(self) -> _TreeBuilder:
        if "builder" not in self._cache:
            gens, back = _stand_ins(self.model.params)
            self._cache["builder"] = _TreeBuilder(gens, back, self._center)
        return self._cache["builder"]

    def terms_at(self, key: tuple[int, ...]) -> int:
        """Number of exact polynomial terms behind the coefficient at ``key``."""
        return sum(b - a for a, b, _ in self._groups.get(key, ()))

    def known_nonzero(self, key: tuple[int, ...]) -> bool:
        """True when the coefficient at ``key`` is non-zero without building it.

        So it is for a key present when the signal has no parameters and no phase
        variables: its one exact term is a non-zero rational (FLINT drops zeros), times the
        non-zero prefactor and phase factor. Otherwise terms could cancel in sympy.
        """
        return (
            key in self._groups
            and not self.model.params
            and not self.model.phase_dims
            and self._prefactor.is_zero is False
        )

    @property
    def generators(self) -> tuple[sympy.Expr, ...]:
        """What the exponents of :meth:`terms` count, in order.

        The parameters (amplitudes and offset that are not rational, as
        ``model.params``), then ``1/C`` when the center C is not rational, then
        ``exp(i phi_j)`` for each phase variable (periodic and mixed regimes).
        """
        inverse = () if self._center is None else (1 / self._center,)
        phases = tuple(sympy.exp(sympy.I * p) for p in self.model.phase_values)
        return tuple(self.model.params) + inverse + phases

    @property
    def prefactor(self) -> sympy.Expr:
        """The factor in front of every coefficient (see :meth:`terms`)."""
        return self._prefactor

    def terms(self, keys: Iterable[tuple[int, ...]] | None = None) -> list[tuple]:
        """Every exact term, without sympy: ``(key, exponents, coefficient)`` triples.

        The coefficient at ``key`` is ``prefactor * phase * sum(coefficient *
        prod(g**e for g, e in zip(generators, exponents)))`` over the key's terms, where
        ``phase`` is ``model.phase_factor(key)`` (``exp(i k . phi)`` in the generic
        regime, 1 otherwise). Coefficients are python-flint ``fmpq`` rationals and
        exponents tuples of ints; the terms of one key are adjacent.

        Parameters
        ----------
        keys : iterable of tuple, or mapping, optional
            Only these keys (all by default); a key not present has no terms. A mapping
            ``{key: label}`` writes each key's label in its rows instead of the key.

        Examples
        --------
        >>> m = SignalModel.build(MultiTone(amplitudes=[2], frequencies=[1]))
        >>> s = even_polynomial_spectrum(m, [0, 1])          # x^2 = 2 + cos(2 theta)*2
        >>> s.terms()
        [((2,), (), 1), ((0,), (), 2), ((-2,), (), 1)]
        """
        groups = self._groups
        labels = keys if isinstance(keys, Mapping) else None
        out: list = []
        append = out.append
        for key in groups if keys is None else keys:
            pieces = groups.get(key, ())
            if labels is not None:
                key = labels[key]
            if not pieces:
                continue
            params, coeffs = self._store.params, self._store.coeffs
            for a, b, phase in pieces:
                if phase:
                    for i in range(a, b):
                        append((key, params[i] + phase, coeffs[i]))
                else:
                    for i in range(a, b):
                        append((key, params[i], coeffs[i]))
        return out

    def raw_terms(self, key: tuple[int, ...]) -> list:
        """The exact terms of a key before conversion: (param exps, phase exps, fmpq)."""
        runs = self._groups[key]
        params, coeffs = self._store.params, self._store.coeffs
        return [(params[i], phase, coeffs[i]) for a, b, phase in runs for i in range(a, b)]

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def __contains__(self, key: object) -> bool:
        return key in self._groups

    @property
    def n_terms(self) -> int:
        """Total number of exact polynomial terms held."""
        return sum(b - a for v in self._groups.values() for a, b, _ in v)


def even_polynomial_spectrum(
    model: SignalModel,
    gammas: Sequence[sympy.Rational | flint.fmpq | int],
    *,
    center: sympy.Expr | None = None,
    prefactor: sympy.Expr = sympy.S.One,
) -> PolySpectrum:
    r"""Spectrum of ``prefactor * sum_j gammas[j] * C^{-j} * x^{2j}``, exactly.

    Parameters
    ----------
    model : SignalModel
    gammas : sequence of Rational (sympy, python-flint ``fmpq`` or int)
        Coefficients of ``x^{2j} / C^j``.
    center : sympy.Expr, optional
        C. When it is a Rational it folds into the rational coefficients;
        otherwise it becomes a generator substituted on conversion. None means
        C = 1.
    prefactor : sympy.Expr
        Multiplies every coefficient (e.g. ``sqrt(C) / 2``).

    Examples
    --------
    >>> m = SignalModel.build(MultiTone(amplitudes=[2], frequencies=[1]))
    >>> s = even_polynomial_spectrum(m, [0, 1])          # x^2 = 2 + cos(2 theta)*2
    >>> s[(0,)], s[(2,)], s[(-2,)]
    (2, 1, 1)
    """
    N = len(gammas) - 1
    estimate = estimate_terms(model, N)
    if estimate > MAX_TERMS:
        raise ResourceLimitError(
            f"expanding to order {N} in the {model.regime} regime would create about "
            f"{estimate:.2e} polynomial terms (limit {MAX_TERMS:.0e}); lower the order, use "
            "fewer tones or phases, or use the exact values (symrelu.exact_dc) instead"
        )
    what = f"expanding to order {N} in the {model.regime} regime"
    cost = budget.expansion_estimate(
        estimate, N, regime=model.regime, symbolic=bool(model.params),
        what=f"{what} ({estimate:.2g} polynomial terms)",
        terms_at=lambda n: estimate_terms(model, n),
    ).check()
    tracker = budget.Tracker(what, N, cost.seconds)
    center = sympy.Integer(1) if center is None else center
    center_is_rational = is_rational(center)
    n_params = len(model.params) + (0 if center_is_rational else 1)

    dims = model.dims
    bases = [4 * N * d + 1 for d in model.degrees]
    strides = [1]
    for b in bases[:-1]:
        strides.append(strides[-1] * b)
    if math.prod(bases) >= _MAX_PACKED and model.regime != "generic":
        # harmonic numbers too large to pack (e.g. frequencies 1 and 1.4142135623730951):
        # compute per tone, as in the generic regime, then collapse k -> sum k_j v_j.
        generic = SignalModel.build(model.signal, "generic")
        inner = even_polynomial_spectrum(generic, gammas, center=center, prefactor=prefactor)
        return CollapsedSpectrum(model, inner)
    if math.prod(bases) >= _MAX_PACKED:
        raise ResourceLimitError(
            f"order {N} with {dims} phasor variables exceeds the packed exponent range; "
            "lower the order or the number of tones"
        )
    # amplitude and offset generators reach degree 2N in x^(2N), the generator 1/C degree N
    param_bases = [2 * N + 1] * len(model.params) + ([] if center_is_rational else [N + 1])
    layout = _Layout(math.prod(bases), param_bases)
    ctx = flint.fmpq_mpoly_ctx.get(layout.names, "lex")

    def pack(vec: Sequence[int]) -> int:
        return sum(e * s for e, s in zip(vec, strides))

    no_params = (0,) * n_params
    shift_x = pack(model.degrees)
    x = ctx.from_dict({})
    for vec, r, p in model.terms:
        params = list(no_params)
        if p is not None:
            params[p] = 1
        x += ctx.term(_fmpq(r), layout.exponents(pack(vec) + shift_x, params))
    x2 = x * x
    shift2 = 2 * shift_x
    if center_is_rational:
        inv_c = ctx.constant(_fmpq(1 / center))
    else:
        inv_c = ctx.term(flint.fmpq(1), layout.exponents(0, no_params[:-1] + (1,)))
    step = x2 * inv_c

    # Horner in x^2 / C, tracking the packed shift of the running sum.
    total = ctx.constant(_fmpq(gammas[N]))
    shift = 0
    for j in range(N - 1, -1, -1):
        total = total * step
        tracker.step()
        shift += shift2
        g = _fmpq(gammas[j])
        if g != 0:
            total += ctx.term(_fmpq(g), layout.exponents(shift, no_params))

    groups, store = _group_terms(total, shift, strides, model, layout)
    return PolySpectrum(model, groups, store, prefactor, None if center_is_rational else center)


class CollapsedSpectrum(_FrozenMapping):
    """A generic-regime spectrum summed onto the reduced torus of a periodic or mixed signal.

    Keys are ``(n,)`` harmonic numbers of the base frequency (periodic) or points
    ``sum_j k_j v_j`` of the reduced torus (mixed), as for :class:`PolySpectrum`.
    """

    __slots__ = ("model", "_inner", "_keys", "_cache")

    def __init__(self, model: SignalModel, inner: PolySpectrum) -> None:
        keys: dict = {}
        for k in inner:
            n = tuple(
                sum(a * v[d] for a, v in zip(k, model.vectors)) for d in range(model.key_dims)
            )
            keys.setdefault(n, []).append(k)
        _init_frozen(self, model=model, _inner=inner, _keys=keys, _cache={})

    def __getitem__(self, key: tuple[int, ...]) -> sympy.Expr:
        if key not in self._cache:
            self._cache[key] = sympy.Add(*(self._inner[k] for k in self._keys[key]))
        return self._cache[key]

    def terms_at(self, key: tuple[int, ...]) -> int:
        """Number of exact polynomial terms behind the coefficient at ``key``."""
        return sum(self._inner.terms_at(k) for k in self._keys.get(key, ()))

    def known_nonzero(self, key: tuple[int, ...]) -> bool:
        """Always False: the collapsed keys' values may cancel (decided when built)."""
        return False

    @property
    def prefactor(self) -> sympy.Expr:
        """The factor in front of every coefficient (that of the generic spectrum)."""
        return self._inner.prefactor

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys


class _Layout:
    """How the digits of a term are packed into the exponents of the FLINT ring.

    The phasor exponents are packed into one integer (Kronecker substitution) and the
    parameter exponents (generators of degree < ``param_bases[i]``) after them: the first
    variable holds the phasor part as its high digits and as many parameters as fit below
    2^62 as its low digits; the parameters left over fill further variables. Usually
    everything fits in one variable, which makes the arithmetic and the term export
    cheapest. Lex order on the first variable keeps the terms of one key contiguous.
    """

    def __init__(self, phasor_range: int, param_bases: Sequence[int]):
        self.phasor_range = phasor_range
        groups: list[list[int]] = [[]]
        size = phasor_range
        for i, base in enumerate(param_bases):
            if size * base >= _MAX_PACKED:
                groups.append([])
                size = 1
            groups[-1].append(i)
            size *= base
        self.groups = groups
        self.strides = []
        for members in groups:
            st, s = [], 1
            for i in members:
                st.append(s)
                s *= param_bases[i]
            self.strides.append(st)
        self.low = math.prod(param_bases[i] for i in groups[0])  # parameter part of var 0
        self.n_params = len(param_bases)
        self.names = tuple(f"v{i}" for i in range(len(groups)))

    def exponents(self, phasor: int, params: Sequence[int]) -> tuple[int, ...]:
        """The ring exponents of a term: packed phasor exponent and parameter exponents."""
        out = []
        for g, (members, st) in enumerate(zip(self.groups, self.strides)):
            e = sum(params[i] * s for i, s in zip(members, st))
            out.append(e + phasor * self.low if g == 0 else e)
        return tuple(out)

    def params(self, columns: list) -> list[tuple[int, ...]]:
        """Parameter exponents of every term from the ring's exponent columns (lists)."""
        if not self.n_params:
            return [()] * len(columns[0])
        import numpy as np  # here, not at the top: ``import symrelu`` does not import numpy

        digits: list = [None] * self.n_params
        for g, (members, st) in enumerate(zip(self.groups, self.strides)):
            col = np.asarray(columns[g], dtype=np.int64)
            rest = col % self.low if g == 0 else col
            for i, s in reversed(list(zip(members, st))):
                digits[i], rest = np.divmod(rest, s)
        return list(zip(*(d.tolist() for d in digits)))


def _group_terms(
    poly, shift: int, strides: list, model: SignalModel, layout: _Layout
) -> tuple[dict, _TermStore | None]:
    """Split a packed polynomial into ``{key: [(a, b, phase)]}`` runs of terms ``a:b``.

    The ring is lex-ordered with the packed phasor digits highest, so the terms
    of one key are contiguous runs; only each run's first exponent is decoded.
    Plain Python (C-level iterators): a first expansion does not pay numpy's import,
    which is slower than this split even at 440,000 terms.
    """
    monoms = poly.monoms()
    if not monoms:
        return {}, None
    dims, kd = model.dims, model.key_dims
    shifts = [0] * dims
    rem = shift
    for d in range(dims - 1, -1, -1):
        shifts[d], rem = divmod(rem, strides[d])
    low = layout.low
    columns = [list(map(int, map(itemgetter(v), monoms))) for v in range(len(layout.names))]
    packed = columns[0] if low == 1 else [v // low for v in columns[0]]
    run_values, lengths = [], []
    for value, run in itertools.groupby(packed):
        run_values.append(value)
        lengths.append(len(list(run)))
    ends = list(itertools.accumulate(lengths))
    starts = [0] + ends[:-1]
    store = _TermStore(poly, columns, layout)
    groups: dict = {}
    for a, b, rest in zip(starts, ends, run_values):
        row = [0] * dims
        for d in range(dims - 1, -1, -1):
            digit, rest = divmod(rest, strides[d])
            row[d] = digit - shifts[d]
        key = tuple(row[:kd])
        groups.setdefault(key, []).append((a, b, tuple(row[kd:])))
    return groups, store


class _TermStore:
    """The exported terms of one polynomial: exponent columns, and the coefficients and
    parameter exponents exported on first use (counting keys never needs them)."""

    __slots__ = ("_poly", "_coeffs", "columns", "layout", "_params")

    def __init__(self, poly, columns: list, layout: _Layout):
        self._poly, self.columns, self.layout = poly, columns, layout
        self._coeffs = self._params = None

    @property
    def coeffs(self) -> list:
        """The fmpq coefficients, exported from FLINT on first use."""
        if self._coeffs is None:
            self._coeffs, self._poly = self._poly.coeffs(), None
        return self._coeffs

    @property
    def params(self) -> list[tuple[int, ...]]:
        if self._params is None:
            self._params = self.layout.params(self.columns)
        return self._params
