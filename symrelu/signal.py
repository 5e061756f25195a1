r"""The multi-tone signal model.

.. math:: x(t) = b + \sum_{i=1}^{K} A_i \cos(2\pi f_i t + \varphi_i)

Frequencies are ordinary frequencies (cycles per unit of t, e.g. Hz); phases are
in radians. :class:`MultiTone` is an immutable, hashable value object holding
exact sympy values, so it is safe as a dictionary or cache key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import sympy

from symrelu._values import is_rational, to_exact, value_text
from symrelu.errors import SignalParseError, ToneSpecError

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


def _merge(amplitudes: list, phases: list) -> tuple[sympy.Expr, sympy.Expr]:
    """Phasor sum of tones at one frequency, exactly."""
    if all(p == phases[0] for p in phases):
        return sympy.Add(*amplitudes), phases[0]
    re_part = sympy.Add(*(a * sympy.cos(p) for a, p in zip(amplitudes, phases)))
    im_part = sympy.Add(*(a * sympy.sin(p) for a, p in zip(amplitudes, phases)))
    amplitude = sympy.sqrt(sympy.expand(re_part**2 + im_part**2))
    if amplitude == 0:
        return sympy.Integer(0), sympy.Integer(0)
    return amplitude, sympy.atan2(im_part, re_part)


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
        merged: dict[sympy.Expr, tuple[list, list]] = {}
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
            merged.setdefault(f, ([], []))
            merged[f][0].append(a)
            merged[f][1].append(p)
        tones = []
        for f, (a_list, p_list) in merged.items():
            a, p = _merge(a_list, p_list)
            if a.is_zero:
                continue
            tones.append(Tone(a, f, p))
        if not tones and b.is_zero:
            raise ToneSpecError("the signal has no tone and no offset: give at least one of them")
        object.__setattr__(self, "amplitudes", tuple(t.amplitude for t in tones))
        object.__setattr__(self, "frequencies", tuple(t.frequency for t in tones))
        object.__setattr__(self, "phases", tuple(t.phase for t in tones))
        object.__setattr__(self, "offset", b)

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
        >>> MultiTone.parse("0.2 - 0.5@7:pi/2").amplitudes
        (-1/2,)
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
        """True when every frequency is a Rational (the periodic regime applies)."""
        return all(is_rational(f) for f in self.frequencies)

    @cached_property
    def base_frequency(self) -> sympy.Rational | None:
        """The largest f0 with every frequency an integer multiple of it (None if not rational)."""
        if not self.has_rational_frequencies:
            return None
        if not self.frequencies:
            return sympy.Integer(1)
        num = math.gcd(*[int(f.p) for f in self.frequencies])
        den = math.lcm(*[int(f.q) for f in self.frequencies])
        return sympy.Rational(num, den)

    @property
    def harmonics(self) -> tuple[int, ...] | None:
        """Each frequency as a multiple of :attr:`base_frequency` (None if not rational)."""
        f0 = self.base_frequency
        if f0 is None:
            return None
        return tuple(int(f / f0) for f in self.frequencies)

    @cached_property
    def peak(self) -> sympy.Expr:
        """P = |b| + sum |A_i|, an upper bound of |x(t)| that the torus attains."""
        return sympy.Abs(self.offset) + sympy.Add(*(sympy.Abs(a) for a in self.amplitudes))

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
            *(a * sympy.cos(2 * sympy.pi * f * t + p) for a, f, p in self.tones)
        )

    # ---------------------------------------------------------------- operators
    def __add__(self, other: object) -> MultiTone:
        if isinstance(other, MultiTone):
            return MultiTone(
                amplitudes=self.amplitudes + other.amplitudes,
                frequencies=self.frequencies + other.frequencies,
                phases=self.phases + other.phases,
                offset=self.offset + other.offset,
            )
        return NotImplemented

    def __mul__(self, scalar: object) -> MultiTone:
        if isinstance(scalar, MultiTone):
            return NotImplemented
        s = to_exact(scalar, "scale factor")
        return MultiTone(
            amplitudes=[s * a for a in self.amplitudes],
            frequencies=self.frequencies,
            phases=self.phases,
            offset=s * self.offset,
        )

    __rmul__ = __mul__

    def __neg__(self) -> MultiTone:
        return self * -1

    def __repr__(self) -> str:
        return f"MultiTone.parse({self.to_string()!r})"

    def to_string(self) -> str:
        """The signal in the grammar of :meth:`parse` (round-trips exactly)."""
        parts = []
        if not self.offset.is_zero or not self.amplitudes:
            parts.append(_text(self.offset))
        for a, f, p in self.tones:
            term = f"{_text(a)}@{_text(f)}"
            if not p.is_zero:
                term += f":{_text(p)}"
            parts.append(term)
        return " + ".join(parts)

    def _latex(self, printer: Any) -> str:
        return printer._print(self.expr())

    def _repr_latex_(self) -> str:
        from symrelu.latex import latex

        return f"$\\displaystyle x(t) = {latex(self)}$"


def _text(v: sympy.Expr) -> str:
    text = str(v).replace(" ", "")
    if isinstance(v, (sympy.Rational, sympy.Symbol)):
        return text
    return f"({text})" if re.search(r"[+\-@:]", text.lstrip("-")) else text


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
