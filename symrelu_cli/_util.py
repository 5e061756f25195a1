"""Shared helpers of the command line: errors and number formatting.

Nothing heavy is imported here (no numpy, matplotlib or torch), so every
subcommand can use it without slowing ``symrelu --help``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = [
    "CLIError",
    "UnavailableError",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_UNAVAILABLE",
    "EXIT_INTERNAL",
    "EXIT_PARTIAL",
    "number",
    "exact_text",
    "emit",
    "text_table",
    "json_text",
    "activation_name",
]

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug: please report it
EXIT_USAGE = 2  # bad input: arguments, signal text, existing files
EXIT_UNAVAILABLE = 3  # a feature needs a module or program this installation lacks
EXIT_PARTIAL = 4  # symrelu paper --keep-going: the paper was written, some sections failed


class CLIError(Exception):
    """Bad input detected by the command line; printed as one line, exit code 2."""

    exit_code = EXIT_USAGE


class UnavailableError(CLIError):
    """A needed module or program is missing; printed as one line, exit code 3."""

    exit_code = EXIT_UNAVAILABLE


def number(value: Any, digits: int = 15) -> float | None:
    """A float for display/JSON, or None when the value is symbolic or not finite.

    Examples
    --------
    >>> import sympy
    >>> number(sympy.sqrt(2) / 2)
    0.7071067811865476
    >>> number(sympy.Symbol("A")) is None
    True
    """
    import sympy

    from symrelu.expr_parse import safe_sympify  # a string is parsed, never evaluated

    try:
        v = safe_sympify(value)
        if not v.is_number:
            return None
        c = complex(sympy.N(v, digits))
    except (TypeError, ValueError, AttributeError, sympy.SympifyError):
        try:
            c = complex(value)
        except (TypeError, ValueError):
            return None
    if c.imag != 0 or c.real != c.real or abs(c.real) == float("inf"):
        return None
    return c.real


def exact_text(value: Any) -> str:
    """The exact value as text that :func:`symrelu.expr_parse.parse_expression` reads back.

    Examples
    --------
    >>> import sympy
    >>> exact_text(3 * sympy.sqrt(2) / 8)
    '3*sqrt(2)/8'
    """
    return str(value)


def emit(text: str) -> None:
    """Write ``text`` to stdout with exactly one trailing newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def text_table(rows: list[list[str]]) -> str:
    """Left-aligned columns separated by two spaces.

    Examples
    --------
    >>> print(text_table([["n", "a_n"], ["10", "1/2"]]))
    n   a_n
    10  1/2
    """
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def json_text(doc: dict) -> str:
    """A JSON document as the commands print it: indented, sorted keys, no NaN."""
    return json.dumps(doc, indent=2, sort_keys=True, allow_nan=False)


def activation_name(act: Any) -> str:
    """The command-line spelling of an activation (its canonical ``name``: ``relu``,
    ``leaky:1/10``, ``hardtanh:-1:1``, ``gelu``, ...), which ``--activation`` reads back.

    Examples
    --------
    >>> from symrelu import LeakyReLU, HardTanh
    >>> activation_name(LeakyReLU("0.1")), activation_name(HardTanh())
    ('leaky:1/10', 'hardtanh:-1:1')
    """
    return act.name
