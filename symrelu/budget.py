"""Bounded work: limits, cost estimates made before the work starts, and progress.

Every input that can make a call run long or use much memory is measured
*before* the work starts. The estimate (seconds and bytes on the reference
machine, see ``tests/benchmarks/bench_budget.py``) is compared with the limits
in force; when it exceeds them the call raises :class:`ResourceLimitError` with
the estimate and a suggestion, in well under a second.

What is estimated:

- **exact numbers** (:func:`check_number_digits`, used by ``to_exact`` for
  strings, ``Decimal``, ``int``, ``Fraction``, mpmath and sympy numbers): a value
  whose exact fraction would have more than ``limits().digits`` decimal digits
  in its numerator or denominator (4000 by default, under Python's own
  4300-digit limit for printing an int) is refused *from its text or exponent*,
  before the big integer is built: ``"1e100000000"`` would need a
  100-million-digit integer (seconds of parsing, and every later step on it
  slower still). Exponents are read from at most 12 characters.
- **the periodic exact engine** (:func:`periodic_estimate`): isolating the (at
  most 2D, D the highest harmonic) zeros of x on a period in Arb balls and
  evaluating the closed forms at each of them, each step a sum over the K tones.
- **expansions** (:func:`expansion_estimate`): bytes and seconds per polynomial
  term of the exact Taylor expansion, times the term count of
  :func:`symrelu.trigpoly.estimate_terms`.
- **single coefficients by torus moments** (:func:`moment_estimate`): the truncated
  products of :mod:`symrelu.moments` (K series of length N + 1 for rational amplitudes,
  graded polynomials of :func:`symrelu.moments.estimate_moment_terms` terms with
  parameters), so a generic DC that the whole expansion could not hold is still admitted.
- **precision**: the exact engines refuse ``dps`` beyond their verified range
  (``MAX_DPS_PERIODIC``, ``MAX_DPS_GENERIC``), and the generic engine refuses
  torus averages whose second method would need more than its evaluation budget.

Limits are scoped, not global: :func:`limits` is a context manager (backed by a
:class:`contextvars.ContextVar`, so threads and asyncio tasks each see their
own), and the defaults (60 s, 4 GB, 4000 digits) apply outside it.

Progress: a computation that may take long reports its start (with its
estimate) and its steps through a :class:`Tracker`; nothing is sent unless a
callback is installed with :func:`progress`. The ``symrelu`` command installs
:class:`StderrProgress` (a line on stderr for work estimated at 3 s or more)
and sets the limits from its ``--time-limit`` and ``--memory-limit`` options.

Examples
--------
>>> import textwrap
>>> from symrelu import MultiTone
>>> from symrelu.exact import exact_dc
>>> many = MultiTone(amplitudes=[1] * 400, frequencies=range(1, 401))
>>> try:
...     exact_dc(many)
... except ResourceLimitError as exc:
...     print(textwrap.fill(str(exc), 88))
the DC (periodic engine, highest harmonic 400, 400 tones, 33 digits) would take about
2e+02 s and 1.9 MB (limits 60 s, 4 GB): use fewer tones (about 100 at this highest
harmonic), or raise the limit with symrelu.budget.limits(seconds=410)
>>> with limits(seconds=10):
...     limits().seconds
10.0
>>> limits().seconds
60.0
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from symrelu.errors import ResourceLimitError, ToneSpecError

__all__ = [
    "Limits",
    "Estimate",
    "Progress",
    "limits",
    "progress",
    "Tracker",
    "StderrProgress",
    "check",
    "parse_memory",
    "check_number_digits",
    "decimal_text_digits",
    "periodic_estimate",
    "expansion_estimate",
    "check_expansion",
    "moment_estimate",
]

GB = 10**9


@dataclass(frozen=True)
class Limits:
    """The limits in force: seconds and bytes a call may be estimated to use, digits of a number.

    ``math.inf`` for ``seconds`` or ``memory`` means no limit.
    """

    seconds: float = 60.0
    memory: float = 4 * GB
    digits: int = 4000
    #: "python" or "command line": how a refusal says to raise the limits
    style: str = "python"

    def describe(self) -> str:
        """``"limits 60 s, 4 GB"``."""
        return f"limits {_seconds_text(self.seconds)}, {_bytes_text(self.memory)}"


_DEFAULT = Limits()
_LIMITS: contextvars.ContextVar[Limits] = contextvars.ContextVar(
    "symrelu_limits", default=_DEFAULT  # noqa: B039 - a frozen dataclass, immutable
)


class _LimitsScope(contextlib.AbstractContextManager):
    """What :func:`limits` returns: the limits, usable as a context manager."""

    def __init__(self, value: Limits, token_needed: bool) -> None:
        self.value = value
        self._apply = token_needed
        self._token: contextvars.Token | None = None

    def __getattr__(self, name: str):
        return getattr(self.value, name)

    def __repr__(self) -> str:
        return repr(self.value)

    def __enter__(self) -> Limits:
        if self._apply:
            self._token = _LIMITS.set(self.value)
        return self.value

    def __exit__(self, *exc) -> None:
        if self._token is not None:
            _LIMITS.reset(self._token)
            self._token = None


def limits(seconds: float | None = None, memory: float | str | None = None,
           digits: int | None = None, *, style: str | None = None) -> _LimitsScope:
    """The limits in force, or (as a context manager) new limits for a block.

    Parameters
    ----------
    seconds : float, optional
        Largest estimated run time of one call (default 60). ``math.inf``: no limit.
    memory : int, float or str, optional
        Largest estimated peak memory in bytes, or a size such as ``"8GB"``,
        ``"500 MB"``, ``"2GiB"`` (default 4 GB). ``math.inf``: no limit.
    digits : int, optional
        Most decimal digits of the numerator or denominator of an exact input
        number (default 4000). Above Python's own limit for printing ints
        (``sys.get_int_max_str_digits()``, 4300) such numbers cannot be printed.
    style : "python" or "command line", optional
        How a refusal says to raise the limits: with ``symrelu.budget.limits(...)``
        (default) or with the ``symrelu`` command's ``--time-limit`` and
        ``--memory-limit`` options.

    Examples
    --------
    >>> limits()
    Limits(seconds=60.0, memory=4000000000, digits=4000, style='python')
    >>> with limits(memory="8GB") as lim:
    ...     lim.memory
    8000000000
    """
    current = _LIMITS.get()
    if seconds is None and memory is None and digits is None and style is None:
        return _LimitsScope(current, token_needed=False)
    changes: dict = {}
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
            raise ToneSpecError(f"seconds must be a positive number (got {seconds!r})")
        changes["seconds"] = float(seconds)
    if memory is not None:
        changes["memory"] = parse_memory(memory)
    if style is not None:
        if style not in ("python", "command line"):
            raise ToneSpecError(f"style must be 'python' or 'command line' (got {style!r})")
        changes["style"] = style
    if digits is not None:
        if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
            raise ToneSpecError(f"digits must be a positive integer (got {digits!r})")
        changes["digits"] = digits
    return _LimitsScope(replace(current, **changes), token_needed=True)


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def parse_memory(value: float | str) -> float:
    """Bytes from a number or a size string (``"8GB"``, ``"512 MiB"``).

    Examples
    --------
    >>> parse_memory("8GB"), parse_memory("1.5 GiB"), parse_memory(10**6)
    (8000000000, 1610612736, 1000000)
    """
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([KMGT]i?B|B)?\s*", value, re.IGNORECASE)
        if not m:
            raise ToneSpecError(f"memory must be a size such as '8GB' or '512MiB' (got {value!r})")
        number = float(m.group(1)) * _UNITS[(m.group(2) or "").lower()]
        return int(number)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ToneSpecError(f"memory must be a positive number of bytes (got {value!r})")
    return value if math.isinf(value) else int(value)


def _seconds_text(s: float) -> str:
    if math.isinf(s):
        return "no time limit"
    return f"{s:g} s" if s >= 1 and s == int(s) else f"{s:.2g} s"


def _bytes_text(b: float) -> str:
    if math.isinf(b):
        return "no memory limit"
    return f"{b / GB:g} GB" if b >= GB and b % (GB // 10) == 0 else f"{b / GB:.2g} GB"


@dataclass(frozen=True)
class Estimate:
    """The estimated cost of a call: ``seconds`` and peak ``bytes`` on the reference machine.

    ``what`` names the work; ``suggestion`` says how to make it smaller (the
    message of :meth:`check` adds how to raise the limits).

    Examples
    --------
    >>> e = Estimate(320.0, 6.1e9, "the expansion", "lower the order to 4")
    >>> import textwrap
    >>> try:
    ...     with limits(seconds=60, memory="4GB"):
    ...         e.check()
    ... except ResourceLimitError as exc:
    ...     print(textwrap.fill(str(exc), 88))
    the expansion would take about 3.2e+02 s and 6.1 GB (limits 60 s, 4 GB): lower the order
    to 4, or raise the limit with symrelu.budget.limits(seconds=640, memory='13GB')
    >>> Estimate(1.0, 1e6, "a small one").check().seconds
    1.0
    """

    seconds: float
    bytes: float
    what: str
    suggestion: str = ""

    def describe(self) -> str:
        """``"about 3.2e+02 s and 6.1 GB"``."""
        size = (f"{self.bytes / GB:.2g} GB" if self.bytes >= GB / 10
                else f"{self.bytes / 10**6:.2g} MB")
        return f"about {self.seconds:.2g} s and {size}"

    def fits(self, lim: Limits | None = None) -> bool:
        """Whether the estimate is within ``lim`` (default: the limits in force)."""
        lim = lim or _LIMITS.get()
        return self.seconds <= lim.seconds and self.bytes <= lim.memory

    def check(self) -> Estimate:
        """Return the estimate if it fits the limits in force, else raise ResourceLimitError."""
        lim = _LIMITS.get()
        if self.fits(lim):
            return self
        raise ResourceLimitError(
            f"{self.what} would take {self.describe()} ({lim.describe()}): "
            + (f"{self.suggestion}, or " if self.suggestion else "")
            + self._raise_text(lim)
        )

    def _raise_text(self, lim: Limits) -> str:
        """How to raise the limits to admit this estimate (twice it, rounded up)."""
        seconds = _round_up(2 * self.seconds) if self.seconds > lim.seconds else None
        memory = f"{_round_up(2 * self.bytes / GB)}GB" if self.bytes > lim.memory else None
        if lim.style == "command line":
            options = ([f"--time-limit {seconds}"] if seconds else []) + (
                [f"--memory-limit {memory}"] if memory else [])
            return f"raise the limit with symrelu {' '.join(options)} COMMAND ..."
        args = ([f"seconds={seconds}"] if seconds else []) + (
            [f"memory='{memory}'"] if memory else [])
        return f"raise the limit with symrelu.budget.limits({', '.join(args)})"


def _round_up(x: float) -> int:
    """x rounded up to two significant digits."""
    if x <= 1:
        return 1
    scale = 10 ** max(0, int(math.floor(math.log10(x))) - 1)
    return int(math.ceil(x / scale) * scale)


def check(estimate: Estimate) -> Estimate:
    """Refuse ``estimate`` if it exceeds the limits in force (see :meth:`Estimate.check`)."""
    return estimate.check()


# ------------------------------------------------------------------ numbers
#: Most characters of a decimal exponent read as an integer (more is refused unread).
_EXPONENT_CHARS = 12
_DECIMAL_RE = re.compile(r"^\s*[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")


def decimal_text_digits(text: str) -> int | None:
    """Upper bound on the digits of the exact fraction a decimal string denotes; None if not one.

    ``m.f e x`` is ``M * 10**(x - len(f))`` with M the digits of m and f:
    the numerator has at most ``len(M) + x - len(f)`` digits, the denominator
    at most ``len(f) - x + 1``. The exponent is refused unread when it has more
    than 12 characters.

    Examples
    --------
    >>> decimal_text_digits("1e100000000"), decimal_text_digits("0.125"), decimal_text_digits("x")
    (100000001, 4, None)
    """
    m = _DECIMAL_RE.match(text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    whole, frac, exp = m.group(1), m.group(2) or "", m.group(3)
    if exp is not None and len(exp) > _EXPONENT_CHARS:
        return 10**_EXPONENT_CHARS  # an exponent of 12 or more digits: beyond any limit
    shift = (int(exp) if exp is not None else 0) - len(frac)
    n = len(whole) + len(frac)
    return n + shift if shift >= 0 else max(n, 1 - shift)


def check_number_digits(digits: int, what: str, shown: str) -> None:
    """Refuse an exact number whose numerator or denominator would have over ``digits`` digits.

    ``shown`` is how the value is shown in the message (its text, shortened).

    Examples
    --------
    >>> try:
    ...     check_number_digits(10**8, "amplitude of tone 1", "'1e100000000'")
    ... except ResourceLimitError as exc:
    ...     print(str(exc)[:87])
    amplitude of tone 1 '1e100000000' would be an exact number of about 1e+08 digits (limit
    """
    limit = _LIMITS.get().digits
    if digits > limit:
        raise ResourceLimitError(
            f"{what} {shown} would be an exact number of about {_count_text(digits)} digits (limit "
            f"{limit} digits): give a smaller exponent or fewer digits, or raise the limit with "
            "symrelu.budget.limits(digits=...)"
        )


def _count_text(n: int) -> str:
    return f"{n}" if n < 10**6 else f"{n:.2g}"


def int_digits(n: int) -> int:
    """Upper bound on the decimal digits of ``|n|`` from its bit length (no conversion)."""
    return int(abs(n).bit_length() * 0.30103) + 1


def binary_digits(mantissa_bits: int, exponent: int) -> int:
    """Upper bound on the digits of the fraction ``man * 2**exponent`` (man of so many bits)."""
    if exponent >= 0:
        return int((mantissa_bits + exponent) * 0.30103) + 1
    return max(int(mantissa_bits * 0.30103) + 1, int(-exponent * 0.30103) + 1)


# ------------------------------------------------------------------ exact engines
#: Seconds per (zero, tone) pair of isolating the zeros and evaluating the closed forms
#: at 15 digits, for few tones; a pair costs (1 + K / TONE_SCALE) times more with K tones
#: (the isolation subdivides more finely among many tones).
INTERVAL_SECONDS = 1e-4
TONE_SCALE = 100
#: Fixed cost of an exact periodic value (sympy checks), seconds.
PERIODIC_BASE_SECONDS = 0.02


def periodic_estimate(D: int, K: int, dps: int, what: str = "the value") -> Estimate:
    """Estimated cost of one exact value in the periodic engine.

    Parameters
    ----------
    D : int
        The highest harmonic of the base frequency (the zero polynomial has degree 2D).
    K : int
        The number of tones.
    dps : int
        Digits asked for (the engine works with a few more).
    what : str
        The value's name for a message.

    Notes
    -----
    Isolating the zeros and integrating between them costs about
    ``1e-4 (1 + K/100)`` seconds per zero and tone at 15 digits, growing like
    ``((dps + 30) / 45)^0.7`` beyond, with at most 2D zeros (the estimate takes
    2D: signals with fewer sign changes run faster). Memory is that of the
    polynomial and its root balls: about a MB beyond what the interpreter holds.

    Examples
    --------
    >>> round(periodic_estimate(1500, 2, 15).seconds, 1)
    0.6
    >>> round(periodic_estimate(200, 200, 15).seconds)
    24
    """
    seconds = _periodic_seconds(D, K, dps)
    memory = 2**20 + 2 * D * (2 * D + 4 * (dps + 30))  # the polynomial and its root balls
    top = D
    while top > 1 and _periodic_seconds(top, min(K, top), dps) > _LIMITS.get().seconds / 2:
        top = int(top * 0.8)
    tones = K
    while tones > 1 and _periodic_seconds(D, tones, dps) > _LIMITS.get().seconds / 2:
        tones = int(tones * 0.8)
    if 2 <= tones < K:
        hint = f"use fewer tones (about {_round_down(tones)} at this highest harmonic)"
    elif top < D:
        hint = f"use a coarser frequency grid (a highest harmonic of about {_round_down(top)})"
        if D > 10**6:
            # the usual cause: a long decimal meant as an irrational (every value is exact)
            hint = ("decimals are exact: write sqrt(2), not 1.41421356..., for an irrational; "
                    + hint)
    else:
        hint = "ask for fewer digits"
    return Estimate(seconds, memory,
                    f"{what} (periodic engine, highest harmonic {D}, {K} tones, {dps} digits)",
                    hint)


def _periodic_seconds(D: int, K: int, dps: int) -> float:
    K = max(K, 1)
    per_pair = INTERVAL_SECONDS * (1 + K / TONE_SCALE) * max(1.0, (dps + 30) / 45) ** 0.7
    return PERIODIC_BASE_SECONDS + 2 * D * K * per_pair


def _round_down(x: int) -> int:
    """x rounded down to one significant digit (at least 1)."""
    if x < 10:
        return max(1, x)
    scale = 10 ** int(math.floor(math.log10(x)))
    return int(x // scale * scale)


# ------------------------------------------------------------------ expansions
#: Peak bytes per estimated polynomial term of an expansion (FLINT polynomial, its
#: monomial lists and the grouped slices), plus per-term growth with the order (the
#: rationals grow; a periodic coefficient sums many of them).
TERM_BYTES = 420
TERM_BYTES_PER_ORDER = {"generic": 2, "periodic": 7}
#: Orders beyond which a term costs more time: a factor 1 + (N / ORDER_SCALE)^2.
ORDER_SCALE = 60
#: Orders beyond which symbolic parameters cost more: a factor max(1, (N / SYMBOLIC_SCALE)^2).
SYMBOLIC_SCALE = 40
#: Seconds per estimated term to build the exact polynomial (FLINT, Horner in x^2).
TERM_SECONDS = 2.0e-6
#: Seconds per estimated term to convert the whole spectrum to sympy.
CONVERT_SECONDS = 6.0e-6
#: The ``symrelu expand`` document (every power's spectrum for the first orders, a float
#: and a printed form per coefficient) against the expansion alone: time and memory.
DOCUMENT_SECONDS_FACTOR = 8.0
DOCUMENT_MEMORY_FACTOR = 4.0
#: Baseline bytes of an expansion (interpreter state it touches).
EXPANSION_BASE_BYTES = 4 * 2**20


def expansion_estimate(terms: int, order: int, *, regime: str = "generic",
                       symbolic: bool = False, convert: bool = True,
                       what: str = "the expansion",
                       terms_at: Callable[[int], int] | None = None,
                       seconds_factor: float = 1.0, memory_factor: float = 1.0) -> Estimate:
    """Estimated cost of an exact expansion with ``terms`` polynomial terms (estimate_terms).

    ``regime`` ("generic" or "periodic") and ``symbolic`` (the signal has
    symbolic parameters) select the per-term costs; ``convert`` adds the
    conversion of every coefficient to a sympy expression (what
    :meth:`Expansion.spectrum` does). ``terms_at(n)``, the
    term count at order n, lets the suggestion name the largest order that
    fits the limits. ``seconds_factor`` and ``memory_factor`` scale the cost for
    a caller that does more with each term (the ``symrelu expand`` document:
    :data:`DOCUMENT_SECONDS_FACTOR`, :data:`DOCUMENT_MEMORY_FACTOR`).

    Examples
    --------
    >>> e = expansion_estimate(4_700_000, 6)
    >>> round(e.bytes / 1e9, 1), round(e.seconds)
    (2.0, 38)
    """
    per_order = TERM_BYTES_PER_ORDER["periodic" if regime == "periodic" else "generic"]

    def cost(n: int, count: int) -> tuple[float, float]:
        grow = max(1.0, (n / SYMBOLIC_SCALE) ** 2) if symbolic else 1.0
        seconds = count * (TERM_SECONDS + (CONVERT_SECONDS if convert else 0.0)) \
            * (1 + (n / ORDER_SCALE) ** 2) * grow * seconds_factor
        memory = (EXPANSION_BASE_BYTES + count * (TERM_BYTES + per_order * n) * grow) \
            * memory_factor
        return seconds, memory

    seconds, memory = cost(order, terms)
    hint = "lower the order"
    if terms_at is not None:
        lim = _LIMITS.get()
        def fits(n: int) -> bool:
            return all(c <= m for c, m in zip(cost(n, terms_at(n)), (lim.seconds, lim.memory)))

        if order > 0 and fits(0):  # the cost grows with the order: bisect for the largest
            lo, hi = 0, order - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
            hint = f"lower the order to {lo}"
    return Estimate(seconds, memory, what, hint + ", use fewer tones or symbolic parameters, "
                    "or use the exact values (symrelu.exact_dc)")


def check_expansion(model, order: int) -> Estimate:
    """Refuse an order-``order`` expansion of a :class:`~symrelu.trigpoly.SignalModel` over limits.

    Made before anything of the expansion is computed (its Taylor coefficients
    included); returns the estimate when it fits.

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> from symrelu.trigpoly import SignalModel
    >>> model = SignalModel.build(MultiTone.parse("1@1 + 1@2"))
    >>> check_expansion(model, 10).seconds < 1
    True
    """
    from symrelu.trigpoly import estimate_terms  # trigpoly imports this module

    terms = estimate_terms(model, order)
    return expansion_estimate(
        terms, order, regime=model.regime, symbolic=bool(model.params),
        what=f"expanding to order {order} in the {model.regime} regime (about {terms:.2g} "
        "polynomial terms)", terms_at=lambda n: estimate_terms(model, n),
    ).check()


# ------------------------------------------------------------------ moments
#: The moment route (:mod:`symrelu.moments`, one generic-regime coefficient): seconds per
#: rational operation of its truncated products (K tones times (N + 1)^2), for amplitudes of
#: a few bits; an operation costs (1 + N / MOMENT_ORDER_SCALE) (1 + K h / MOMENT_BITS_SCALE)
#: times more at order N with amplitudes of h bits (numerator and denominator): the
#: rationals grow with both.
MOMENT_OP_SECONDS = 8.5e-8
MOMENT_ORDER_SCALE = 500
MOMENT_BITS_SCALE = 300
#: Fixed cost of one moment-route coefficient (the FLINT ring, the sympy value), seconds.
MOMENT_BASE_SECONDS = 1e-3
#: With parameters: seconds per FLINT call of the graded products, per term operation, and
#: per term turned into a sympy expression; bytes per term held.
MOMENT_CALL_SECONDS = 1.5e-6
MOMENT_TERM_OP_SECONDS = 5e-8
MOMENT_CONVERT_SECONDS = 5e-5
MOMENT_TERM_BYTES = 1000


def moment_estimate(model, order: int, key: tuple[int, ...] | None = None, *,
                    center_rational: bool = True, what: str | None = None) -> Estimate:
    """Estimated cost of one generic-regime coefficient by torus moments.

    The work of :func:`symrelu.moments.torus_coefficient`: ``model`` is a generic-regime
    :class:`~symrelu.trigpoly.SignalModel`, ``key`` the multi-index (None: the DC),
    ``center_rational`` whether the center C is a Rational.
    Without parameters the cost is K truncated products of rational series of length
    N + 1 (see :data:`MOMENT_OP_SECONDS`); with parameters, the graded polynomials of
    :func:`symrelu.moments.estimate_moment_terms` terms, each multiplied once per tone and
    turned into a sympy expression once.

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> from symrelu.trigpoly import SignalModel
    >>> model = SignalModel.build(MultiTone(amplitudes=[1] * 20, frequencies=range(1, 21)),
    ...                           "generic")
    >>> moment_estimate(model, 100).seconds < 0.1
    True
    >>> moment_estimate(SignalModel.build(MultiTone.symbolic(20), "generic"), 100).fits()
    False
    """
    from symrelu.moments import estimate_moment_terms  # moments imports this module

    K = model.key_dims
    rationals = [r for _, r, _ in model.terms]
    bits = (sum(int(r.p).bit_length() + int(r.q).bit_length() for r in rationals)
            / max(1, len(rationals)))

    def cost(n: int) -> tuple[float, float]:
        R = n + 1
        seconds = MOMENT_BASE_SECONDS + K * R * R * MOMENT_OP_SECONDS \
            * (1 + n / MOMENT_ORDER_SCALE) * (1 + K * bits / MOMENT_BITS_SCALE)
        memory = EXPANSION_BASE_BYTES + R * R * (K * bits + 64)
        if model.params:
            terms = min(estimate_moment_terms(model, n, key, center_rational=center_rational),
                        10**200)
            tones = sum(1 for v, _, p in model.terms if p is not None and any(v)) // 2
            seconds += (tones * R * R / 2 * MOMENT_CALL_SECONDS
                        + tones * R * terms * MOMENT_TERM_OP_SECONDS
                        + terms * MOMENT_CONVERT_SECONDS)
            memory += terms * MOMENT_TERM_BYTES
        return seconds, memory

    seconds, memory = cost(order)
    lim = _LIMITS.get()

    def fits(n: int) -> bool:
        return all(c <= m for c, m in zip(cost(n), (lim.seconds, lim.memory)))

    hint = "lower the order"
    if order > 0 and not fits(order) and fits(0):
        lo, hi = 0, order - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
        hint = f"lower the order to {lo}"
    if what is None:
        what = (f"the coefficient at {key} by torus moments to order {order}"
                if key is not None and any(key) else
                f"the DC by torus moments to order {order}")
    return Estimate(seconds, memory, what,
                    hint + ", use fewer tones or symbolic parameters, "
                    "or use the exact values (symrelu.exact_dc)")


# ------------------------------------------------------------------ progress
@dataclass(frozen=True)
class Progress:
    """One progress report: ``done`` of ``total`` steps of ``what``, after ``elapsed`` seconds.

    ``expected`` is the estimated total in seconds (None when not estimated).
    """

    what: str
    done: int
    total: int
    elapsed: float
    expected: float | None = None


_PROGRESS: contextvars.ContextVar[Callable[[Progress], None] | None] = contextvars.ContextVar(
    "symrelu_progress", default=None
)


@contextlib.contextmanager
def progress(callback: Callable[[Progress], None] | None) -> Iterator[None]:
    """Send progress reports of long computations in this block to ``callback``.

    Examples
    --------
    >>> seen = []
    >>> with progress(seen.append):
    ...     tracker = Tracker("counting", 2)
    ...     tracker.step()
    ...     tracker.step()
    >>> [(p.what, p.done, p.total) for p in seen]
    [('counting', 0, 2), ('counting', 1, 2), ('counting', 2, 2)]
    """
    token = _PROGRESS.set(callback)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


class Tracker:
    """Reports the steps of one computation to the installed callback (no-op without one).

    Created when the work starts (it reports ``done=0`` with the estimate then),
    it reports again at each :meth:`step`.
    """

    __slots__ = ("what", "total", "expected", "done", "start", "_callback")

    def __init__(self, what: str, total: int, expected: float | None = None) -> None:
        self.what, self.total, self.expected = what, total, expected
        self.done = 0
        self.start = time.monotonic()
        self._callback = _PROGRESS.get()
        if self._callback is not None:
            self._callback(Progress(what, 0, total, 0.0, expected))

    def step(self, n: int = 1) -> None:
        """Count ``n`` more steps done and report."""
        self.done += n
        if self._callback is not None:
            self._callback(Progress(self.what, self.done, self.total,
                                    time.monotonic() - self.start, self.expected))


class StderrProgress:
    """A progress callback that writes one line to a stream for computations that take long.

    Nothing is written for work estimated under ``after`` seconds that also
    finishes its steps within ``after`` seconds; otherwise a line at the start
    (with the estimate) and one per step.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> show = StderrProgress(out, after=3)
    >>> show(Progress("the DC", 0, 2, 0.0, 42.0)); show(Progress("the DC", 1, 2, 20.0, 42.0))
    >>> print(out.getvalue(), end="")
    symrelu: the DC: about 42 s (estimated) ...
    symrelu: the DC: 1 of 2 steps done after 20 s
    """

    def __init__(self, stream, after: float = 3.0) -> None:
        self.stream, self.after = stream, after

    def __call__(self, p: Progress) -> None:
        if p.done == 0:
            if p.expected is not None and p.expected >= self.after:
                self._write(f"symrelu: {p.what}: about {p.expected:.2g} s (estimated) ...")
        elif p.elapsed >= self.after:
            steps = f"{p.done} of {p.total}" if p.done <= p.total else f"{p.done}"
            self._write(f"symrelu: {p.what}: {steps} steps done after {p.elapsed:.0f} s")

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
