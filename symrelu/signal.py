r"""The multi-tone signal model.

.. math:: x(t) = b + \sum_{i=1}^{K} A_i \cos(2\pi f_i t + \varphi_i)

Frequencies are ordinary frequencies (cycles per unit of t, e.g. Hz); phases are
in radians. :class:`MultiTone` is an immutable, hashable value object holding
exact sympy values, so it is safe as a dictionary or cache key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import mpmath
import sympy

from symrelu._phasor import is_zero, merge
from symrelu._values import is_rational, to_exact, value_text
from symrelu.errors import SignalParseError, ToneSpecError
from symrelu.relations import TorusReduction, find_relations

__all__ = ["MultiTone", "Tone"]

_AMPLITUDE = {"real": True}
_FREQUENCY = {"positive": True}
_PHASE = {"real": True}
_OFFSET = {"real": True}


class Tone(NamedTuple):
    """One cosine component: ``amplitude * cos(2*pi*frequency*t + phase)``.

    Examples
    --------
    >>> MultiTone(amplitudes=[2], frequencies=[5], phases=["pi/3"]).tones[0]
    Tone(amplitude=2, frequency=5, phase=pi/3)
    """

    amplitude: sympy.Expr
    frequency: sympy.Expr
    phase: sympy.Expr


def _as_list(values: Any) -> list:
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        return [values]
    return list(values)


def _natural_key(text: str) -> tuple:
    """Text split into digit runs compared as numbers: ``w_2 < w_10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _compare_frequencies(f: sympy.Expr, g: sympy.Expr) -> int:
    """The total order of tones (see :class:`MultiTone`): -1, 0 or 1."""
    if f == g:
        return 0
    if f.is_number != g.is_number:
        return -1 if f.is_number else 1
    if f.is_number:
        if isinstance(f, sympy.Rational) and isinstance(g, sympy.Rational):
            return -1 if f < g else 1
        d = f - g
        if d.is_positive:
            return 1
        if d.is_negative:
            return -1
        with mpmath.workdps(60):
            dv = mpmath.mpf(sympy.N(d, 60))
        if dv:
            return 1 if dv > 0 else -1
    a = (_natural_key(str(f)), sympy.srepr(f))
    b = (_natural_key(str(g)), sympy.srepr(g))
    return (a > b) - (a < b)


_FREQUENCY_ORDER = functools.cmp_to_key(_compare_frequencies)


def _same_frequency(f: sympy.Expr, g: sympy.Expr) -> bool:
    """Exact equality of two frequencies, whatever form they are written in."""
    if f == g:
        return True
    if isinstance(f, sympy.Rational) and isinstance(g, sympy.Rational):
        return False
    if f.is_number != g.is_number:
        return False
    if not f.is_number:
        return sympy.expand(f - g) == 0
    with mpmath.workdps(30):
        if abs(mpmath.mpf(sympy.N(f - g, 30))) > mpmath.mpf(10) ** -20 * abs(
            mpmath.mpf(sympy.N(f, 30))
        ):
            return False
    return is_zero(f - g, "difference of two frequencies")


@dataclass(frozen=True, init=False)
class MultiTone:
    """A sum of cosines plus an offset, held exactly.

    Parameters
    ----------
    amplitudes : sequence
        Tone amplitudes. Each may be an int, Fraction, Decimal, decimal or
        fraction string, float (taken as the decimal it prints as, so ``0.1`` is
        ``1/10``), sympy number or expression, or a name (a string such as
        ``"A"`` becomes a real sympy Symbol). Negative amplitudes are allowed
        (a phase of pi); zero-amplitude tones are dropped.
    frequencies : sequence
        Positive frequencies (cycles per unit time). Names become positive
        symbols. Tones at the same frequency are merged into one by the exact
        phasor sum.
    phases : sequence, optional
        Phases in radians (default 0). Strings such as ``"pi/2"`` are exact.
    offset : value, optional
        The constant b (default 0).

    Notes
    -----
    The value is canonical, so signals that are equal as functions of t compare and hash
    equal however they were written:

    - Tones are sorted by frequency: numeric frequencies first, by exact value (``3 < pi <
      22/7``); then symbolic ones by their text in natural order (digit runs compared as
      numbers, so ``w_2 < w_10``), ties broken by sympy's ``srepr``.
    - Tones at one frequency (however written: ``sqrt(8)`` and ``2*sqrt(2)`` are one
      frequency) merge into their exact phasor sum (see :mod:`symrelu._phasor`); tones that
      cancel, even through an identity such as the sum of seventh roots of unity, are
      dropped. A merged phase is a rational multiple of pi where it is one, else an
      ``atan``/``atan2`` of exact values.
    - A numeric phase lies in (-pi, pi]; a negative numeric amplitude with a numeric phase
      becomes the positive amplitude with the phase moved by pi (``-1@5`` is ``1@5:pi``).
    - An offset that is exactly zero is 0.

    For rational amplitudes and phases that are rational multiples of pi (everything
    :meth:`parse` reads) the canonical form depends on the signal alone. Other exact values
    are kept as sympy writes them, so two spellings of one irrational amplitude can still
    differ.

    Raises
    ------
    ToneSpecError
        For NaN, infinite or complex values, non-positive frequencies, lengths
        that do not match, or a signal with no tone and no offset. The message
        names the tone and the value.

    Examples
    --------
    >>> sig = MultiTone(amplitudes=[1, 1], frequencies=[5, 10], phases=[0, "pi/2"])
    >>> sig.amplitudes, sig.frequencies, sig.phases
    ((1, 1), (5, 10), (0, pi/2))
    >>> MultiTone(amplitudes=[0.5, 0.25], frequencies=[3, 3]).amplitudes   # merged
    (3/4,)
    >>> MultiTone.parse("0.2 + 1@5 + 0.6@10:0.9")
    MultiTone.parse('1/5 + 1@5 + 3/5@10:9/10')
    """

    amplitudes: tuple[sympy.Expr, ...]
    frequencies: tuple[sympy.Expr, ...]
    phases: tuple[sympy.Expr, ...]
    offset: sympy.Expr
    _parts: tuple = field(default=(), compare=False, repr=False)

    __array_ufunc__ = None  # numpy must not broadcast over a signal

    def __init__(
        self,
        amplitudes: Sequence[Any] = (),
        frequencies: Sequence[Any] = (),
        phases: Sequence[Any] | None = None,
        offset: Any = 0,
    ) -> None:
        amps = _as_list(amplitudes)
        freqs = _as_list(frequencies)
        phs = _as_list(phases) if phases is not None else [0] * len(amps)
        if len(amps) != len(freqs):
            raise ToneSpecError(
                f"{len(amps)} amplitudes but {len(freqs)} frequencies: give one frequency per "
                "amplitude"
            )
        if len(phs) != len(amps):
            raise ToneSpecError(
                f"{len(phs)} phases for {len(amps)} tones: give one phase per tone or none"
            )
        b = to_exact(offset, "offset", assumptions=_OFFSET)
        if b.is_number and not b.is_Rational and is_zero(b, "offset"):
            b = sympy.Integer(0)
        groups: list[tuple[list, list, list]] = []  # (forms of one frequency, amps, phases)
        by_value: dict = {}
        irrational: list = []
        for i, (a, f, p) in enumerate(zip(amps, freqs, phs), start=1):
            a = to_exact(a, f"amplitude of tone {i}", assumptions=_AMPLITUDE)
            f = to_exact(f, f"frequency of tone {i}", assumptions=_FREQUENCY)
            p = to_exact(p, f"phase of tone {i}", assumptions=_PHASE)
            if f.is_positive is False or f.is_zero:
                raise ToneSpecError(
                    f"frequency of tone {i} must be positive (got {value_text(f)}); "
                    "a constant belongs in offset="
                )
            if f.is_positive is None:
                raise ToneSpecError(
                    f"frequency of tone {i} must be known to be positive (got {value_text(f)}); "
                    "use a positive symbol such as sympy.Symbol('w', positive=True)"
                )
            if a.is_real is False or p.is_real is False:
                raise ToneSpecError(f"tone {i} must have a real amplitude and phase")
            group = by_value.get(f)  # the same sympy value: the common case, in O(1)
            if group is None:  # a rational can only equal a frequency written otherwise
                pool = irrational if isinstance(f, sympy.Rational) else groups
                group = next((g for g in pool if _same_frequency(g[0][0], f)), None)
            if group is None:
                group = ([], [], [])
                groups.append(group)
                if not isinstance(f, sympy.Rational):
                    irrational.append(group)
            by_value.setdefault(f, group)
            group[0].append(f)
            group[1].append(a)
            group[2].append(p)
        tones, parts = [], []
        for forms, a_list, p_list in groups:
            # one spelling of a frequency given in several: a Rational, else the shortest text
            f = min(forms, key=lambda g: (not isinstance(g, sympy.Rational), len(str(g)),
                                          _FREQUENCY_ORDER(g)))
            merged = merge(a_list, p_list)
            if merged is None:
                continue
            a, p, pieces = merged
            tones.append(Tone(a, f, p))
            parts.append((f, pieces))
        if not tones and b.is_zero:
            raise ToneSpecError("the signal has no tone and no offset: give at least one of them")
        order = sorted(range(len(tones)), key=lambda i: _FREQUENCY_ORDER(tones[i].frequency))
        tones = [tones[i] for i in order]
        object.__setattr__(self, "amplitudes", tuple(t.amplitude for t in tones))
        object.__setattr__(self, "frequencies", tuple(t.frequency for t in tones))
        object.__setattr__(self, "phases", tuple(t.phase for t in tones))
        object.__setattr__(self, "offset", b)
        object.__setattr__(self, "_parts", tuple(parts[i][1] for i in order))

    # ----------------------------------------------------------------- creation
    @classmethod
    def symbolic(cls, K: int, *, phases: bool = False, offset: bool = False) -> MultiTone:
        """K tones with positive symbolic amplitudes ``A_i`` and frequencies ``w_i``.

        Parameters
        ----------
        K : int
            Number of tones (1 or more).
        phases : bool
            Give each tone a real symbolic phase ``phi_i`` (default: zero phases).
        offset : bool
            Add a real symbolic offset ``b`` (default: no offset).

        Examples
        --------
        >>> MultiTone.symbolic(2).amplitudes
        (A_1, A_2)
        >>> MultiTone.symbolic(2, offset=True).offset
        b
        """
        if not isinstance(K, int) or isinstance(K, bool) or K < 1:
            raise ToneSpecError(f"the number of tones must be a positive integer (got {K!r})")
        amps = [sympy.Symbol(f"A_{i}", positive=True) for i in range(1, K + 1)]
        freqs = [sympy.Symbol(f"w_{i}", positive=True) for i in range(1, K + 1)]
        phs = [sympy.Symbol(f"phi_{i}", real=True) for i in range(1, K + 1)] if phases else None
        b = sympy.Symbol("b", real=True) if offset else 0
        return cls(amplitudes=amps, frequencies=freqs, phases=phs, offset=b)

    @classmethod
    def parse(cls, text: str) -> MultiTone:
        """Build a signal from the compact grammar used on the command line.

        Grammar: terms joined by ``+`` or ``-``. A term ``AMP@FREQ`` is a tone,
        ``AMP@FREQ:PHASE`` a tone with a phase in radians, and a bare value is
        added to the offset. Values are integers, decimals (``0.6``, ``1e-3``),
        fractions (``3/4``), multiples of pi (``pi/2``, ``0.5pi``; phases) or
        names (symbols). A leading sign applies to the amplitude.

        Examples
        --------
        >>> MultiTone.parse("1@5 + 1@10 + 1@20 + 1@40").frequencies
        (5, 10, 20, 40)
        >>> MultiTone.parse("0.2 - 0.5@7:pi/2").tones   # -0.5 cos(.. + pi/2) = 0.5 cos(.. - pi/2)
        (Tone(amplitude=1/2, frequency=7, phase=-pi/2),)
        """
        if not isinstance(text, str):
            raise SignalParseError(
                f"a signal must be given as a string (got {type(text).__name__})"
            )
        if not text.strip():
            raise SignalParseError(
                "empty signal: write tones as AMP@FREQ[:PHASE], e.g. '1@5 + 0.5@10'"
            )
        amps, freqs, phs, offsets = [], [], [], []
        for sign, term, pos in _split_terms(text):
            if "@" in term:
                amp_text, _, rest = term.partition("@")
                freq_text, colon, phase_text = rest.partition(":")
                if not amp_text.strip():
                    amp_text = "1"
                if not freq_text.strip() or (colon and not phase_text.strip()):
                    raise SignalParseError(
                        f"term {term.strip()!r} at column {pos + 1} is incomplete: "
                        "write AMP@FREQ or AMP@FREQ:PHASE"
                    )
                try:
                    amp = to_exact(amp_text, "amplitude", assumptions=_AMPLITUDE)
                    freq = to_exact(freq_text, "frequency", assumptions=_FREQUENCY)
                    ph = to_exact(phase_text, "phase", assumptions=_PHASE) if colon else 0
                except (ToneSpecError, TypeError) as exc:
                    raise SignalParseError(
                        f"term {term.strip()!r} at column {pos + 1}: {exc}"
                    ) from None
                amps.append(sign * amp)
                freqs.append(freq)
                phs.append(ph)
            else:
                if ":" in term:
                    raise SignalParseError(
                        f"term {term.strip()!r} at column {pos + 1} has a phase but no '@FREQ'"
                    )
                try:
                    offsets.append(sign * to_exact(term, "offset", assumptions=_OFFSET))
                except (ToneSpecError, TypeError) as exc:
                    raise SignalParseError(
                        f"term {term.strip()!r} at column {pos + 1}: {exc}"
                    ) from None
        try:
            return cls(amplitudes=amps, frequencies=freqs, phases=phs, offset=sympy.Add(*offsets))
        except ToneSpecError as exc:
            raise SignalParseError(f"{text.strip()!r}: {exc}") from None

    # --------------------------------------------------------------- properties
    @property
    def K(self) -> int:
        """Number of tones."""
        return len(self.amplitudes)

    @property
    def tones(self) -> tuple[Tone, ...]:
        """The tones as (amplitude, frequency, phase) triples."""
        return tuple(Tone(*t) for t in zip(self.amplitudes, self.frequencies, self.phases))

    @cached_property
    def free_symbols(self) -> frozenset[sympy.Symbol]:
        """Symbols appearing in amplitudes, frequencies, phases or offset."""
        out: set = set()
        for v in (*self.amplitudes, *self.frequencies, *self.phases, self.offset):
            out |= v.free_symbols
        return frozenset(out)

    @property
    def is_numeric(self) -> bool:
        """True when no value contains a symbol."""
        return not self.free_symbols

    @property
    def has_rational_frequencies(self) -> bool:
        """True when every frequency is a Rational.

        The periodic regime applies more widely: whenever the frequencies have one base
        (:attr:`reduction` of rank 1, e.g. pi and 2 pi).
        """
        return all(is_rational(f) for f in self.frequencies)

    @cached_property
    def reduction(self) -> TorusReduction:
        """The exact integer relations among the frequencies (:func:`symrelu.find_relations`).

        Examples
        --------
        >>> MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)").reduction.vectors   # tones at 1, sqrt(2), 2
        ((1, 0), (0, 1), (2, 0))
        """
        return find_relations(self.frequencies)

    @cached_property
    def base_frequency(self) -> sympy.Expr | None:
        """The largest f0 with every frequency an integer multiple of it (None if there is none).

        f0 exists when the frequencies have rank 1 over the rationals: every rational set
        (f0 is then a Rational), rational multiples of one irrational (``pi`` and ``2pi``:
        f0 = pi) or of one symbol. A signal with no tone has f0 = 1.

        Examples
        --------
        >>> MultiTone.parse("1@pi + 1@2pi").base_frequency
        pi
        >>> MultiTone.parse("1@1 + 1@pi").base_frequency is None
        True
        """
        if not self.frequencies:
            return sympy.Integer(1)
        red = self.reduction
        return red.basis[0] if red.rank == 1 else None

    @property
    def harmonics(self) -> tuple[int, ...] | None:
        """Each frequency as a multiple of :attr:`base_frequency` (None if there is none)."""
        if self.base_frequency is None:
            return None
        return tuple(v[0] for v in self.reduction.vectors)

    @cached_property
    def peak(self) -> sympy.Expr:
        """``P = |b| + sum |A_i|``, an upper bound of ``|x(t)|`` that the torus attains."""
        # binary additions: rationals add as numbers, without Add's flatten, whose first
        # call imports sympy.tensor.tensor (0.04-0.1 s); other values give the same Add
        return sum((abs(a) for a in self.amplitudes), abs(self.offset))

    @cached_property
    def mean_square(self) -> sympy.Expr:
        """Time average of x^2 in the generic regime: b^2 + sum A_i^2 / 2."""
        return self.offset**2 + sympy.Add(*(a**2 for a in self.amplitudes)) / 2

    def expr(self, t: sympy.Symbol | None = None) -> sympy.Expr:
        """The signal as a sympy expression of time ``t`` (a real Symbol by default).

        Examples
        --------
        >>> MultiTone(amplitudes=[2], frequencies=[5], offset=1).expr()
        2*cos(10*pi*t) + 1
        """
        t = sympy.Symbol("t", real=True) if t is None else t
        return self.offset + sympy.Add(
            *(
                -a * sympy.cos(2 * sympy.pi * f * t)  # a phase of pi reads as a minus sign
                if p == sympy.pi
                else a * sympy.cos(2 * sympy.pi * f * t + p)
                for a, f, p in self.tones
            )
        )

    # ---------------------------------------------------------------- operators
    def _components(self) -> tuple[list, list, list]:
        """Amplitudes, frequencies and phases of tones whose sum is this signal's tones.

        A merged tone that keeps the rational parts it was merged from contributes those
        parts (so sums and rational multiples stay in the cyclotomic form that prints
        exactly); every other tone contributes itself.
        """
        amps, freqs, phs = [], [], []
        for (a, f, p), pieces in zip(self.tones, self._parts):
            for pa, pp in pieces or ((a, p),):
                amps.append(pa)
                freqs.append(f)
                phs.append(pp)
        return amps, freqs, phs

    def __add__(self, other: object) -> MultiTone:
        if isinstance(other, MultiTone):
            a1, f1, p1 = self._components()
            a2, f2, p2 = other._components()
            return MultiTone(
                amplitudes=a1 + a2,
                frequencies=f1 + f2,
                phases=p1 + p2,
                offset=self.offset + other.offset,
            )
        return NotImplemented

    def __mul__(self, scalar: object) -> MultiTone:
        if isinstance(scalar, MultiTone):
            return NotImplemented
        s = to_exact(scalar, "scale factor")
        amps, freqs, phs = self._components() if s.is_Rational else self._own_tones()
        return MultiTone(
            amplitudes=[s * a for a in amps],
            frequencies=freqs,
            phases=phs,
            offset=s * self.offset,
        )

    __rmul__ = __mul__

    def _own_tones(self) -> tuple[list, list, list]:
        return list(self.amplitudes), list(self.frequencies), list(self.phases)

    def __neg__(self) -> MultiTone:
        return self * -1

    def __repr__(self) -> str:
        return f"MultiTone.parse({self.to_string()!r})"

    def to_string(self) -> str:
        """The signal in the grammar of :meth:`parse`.

        Every value is printed in a form the grammar reads back to the same value (checked
        when printing), so ``MultiTone.parse(sig.to_string()) == sig``. Phases are printed in
        (-pi, pi], or as the equal angle in [0, 2 pi) where the grammar does not read a
        negative multiple of pi. A merged tone whose amplitude or phase has no form in the
        grammar (e.g. ``1@5 + 1@5:pi/7``, amplitude ``2 cos(pi/14)``) is printed as rational
        tones at its frequency whose exact sum it is; those parse back to the same merged
        tone. Only values no string can hold (a symbol with assumptions other than the
        grammar's, a value such as ``cos(1)`` given as a sympy object) print as sympy writes
        them, and do not read back.

        Examples
        --------
        >>> MultiTone(amplitudes=[1, "1/2"], frequencies=[10, 5], phases=["pi/3", 0]).to_string()
        '1/2@5 + 1@10:pi/3'
        >>> MultiTone.parse("1@5 + 1@5:pi/7").to_string()
        '1@5 + 1@5:pi/7'
        """
        parts = []
        if not self.offset.is_zero or not self.amplitudes:
            parts.append(_text(self.offset, "offset", _OFFSET))
        for (a, f, p), pieces in zip(self.tones, self._parts):
            freq = _text(f, "frequency", _FREQUENCY)
            if pieces and not (_readable(a, "amplitude", _AMPLITUDE) and _readable_phase(p)):
                parts.extend(_tone_text(pa, freq, pp) for pa, pp in pieces)
            else:
                parts.append(_tone_text(a, freq, p))
        text = " + ".join(parts)
        return text.replace("+ -", "- ")

    def _latex(self, printer: Any, **kwargs: Any) -> str:
        """The house notation (:func:`symrelu.latex.signal_latex`); sympy's printer protocol."""
        from symrelu.latex import signal_latex

        return signal_latex(self, printer)

    def _repr_latex_(self) -> str:
        from symrelu.latex import latex

        return f"$\\displaystyle x(t) = {latex(self)}$"


def _plain(v: sympy.Expr) -> str:
    text = str(v).replace(" ", "")
    if isinstance(v, (sympy.Rational, sympy.Symbol)):
        return text
    return f"({text})" if re.search(r"[+\-@:]", text.lstrip("-")) else text


def _unwrap(text: str) -> str:
    """Text without the one pair of parentheses :func:`_plain` puts around a whole value."""
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and i < len(text) - 1:
                return text  # "(a)*(b)": the first pair closes early
        return text[1:-1]
    return text


def _readable(v: sympy.Expr, what: str, assumptions: dict, text: str | None = None) -> bool:
    """True when the grammar reads ``text`` (default: the plain text of v) back as v."""
    text = _plain(v) if text is None else text
    try:
        return to_exact(_unwrap(text), what, assumptions=assumptions) == v
    except (ToneSpecError, TypeError):
        return False


def _text(v: sympy.Expr, what: str, assumptions: dict) -> str:
    text = _plain(v)
    if text.startswith("(") and _readable(v, what, assumptions, text):
        return _unwrap(text)
    return text


def _phase_forms(p: sympy.Expr) -> list[sympy.Expr]:
    """p and the equal angles the grammar may read better: p + 2 pi, and p without its
    multiple of 2 pi (a phase of 7 rad is held as 7 - 2 pi)."""
    forms = [p]
    if p.is_number:
        if p.is_negative:
            forms.append(p + 2 * sympy.pi)
        s = sympy.expand(p).coeff(sympy.pi)
        if s.is_integer and s.is_even and s != 0:
            forms.append(sympy.expand(p - s * sympy.pi))
    return forms


def _phase_text(p: sympy.Expr) -> str:
    for form in _phase_forms(p):
        text = _plain(form)
        if _readable(form, "phase", _PHASE, text):
            return _unwrap(text)
    return _plain(p)


def _readable_phase(p: sympy.Expr) -> bool:
    return any(_readable(form, "phase", _PHASE) for form in _phase_forms(p))


def _tone_text(a: sympy.Expr, freq: str, p: sympy.Expr) -> str:
    if p == sympy.pi and a.is_positive:  # -A@F reads better than A@F:pi (the same tone)
        return f"-{_text(a, 'amplitude', _AMPLITUDE)}@{freq}"
    term = f"{_text(a, 'amplitude', _AMPLITUDE)}@{freq}"
    if not p.is_zero:
        term += f":{_phase_text(p)}"
    return term


def _split_terms(text: str) -> list[tuple[int, str, int]]:
    """Split at top-level + and - signs; return (sign, term text, start column)."""
    terms: list[tuple[int, str, int]] = []
    sign, depth, buf_start = 1, 0, 0
    prev = ""  # previous non-space character
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in "+-" and depth == 0:
            exponent = prev in "eE" and i >= 2 and (text[i - 2].isdigit() or text[i - 2] == ".")
            operator_position = prev not in ("", "@", ":", "/", "*", "+", "-") and not exponent
            if operator_position:
                term = text[buf_start:i]
                if not term.strip():
                    raise SignalParseError(f"empty term before column {i + 1} in {text!r}")
                terms.append((sign, term, buf_start))
                sign, buf_start = (1 if ch == "+" else -1), i + 1
            elif prev == "" and not text[buf_start:i].strip():
                sign, buf_start = sign * (1 if ch == "+" else -1), i + 1
        if not ch.isspace():
            prev = ch
    term = text[buf_start:]
    if not term.strip():
        raise SignalParseError(f"the signal {text!r} ends with an operator: a term is missing")
    terms.append((sign, term, buf_start))
    return terms
