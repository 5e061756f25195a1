"""A safe reader of sympy expressions: what symrelu prints, never Python code.

``sympy.sympify("...")`` *evaluates* its string (it is ``eval`` with sympy's
names in scope), so ``sympify("__import__('os').system(...)")`` runs the
command. :func:`parse_expression` reads the same arithmetic without evaluating
anything: the text is parsed by Python's parser (``ast.parse(mode="eval")``,
which only builds a syntax tree) and the tree is walked node by node, building
sympy objects for a fixed grammar only:

* numbers: integer literals; decimal literals read exactly as the decimal
  written (``0.1`` is ``1/10``, ``1e-3`` is ``1/1000``; never a binary float);
  imaginary literals (``2j`` is ``2*I``);
* names: the constants ``pi, E, I, oo, zoo, nan, True, False``; any other
  identifier is a :class:`sympy.Symbol` (or the object given for it in
  ``symbols=``); names starting with an underscore are refused;
* operators: unary ``+ -``, binary ``+ - * / **``, comparisons (for
  ``Piecewise`` conditions), tuples (for ``Sum`` limits);
* calls of the whitelisted functions in :data:`FUNCTIONS` (elementary
  functions, ``Rational``, ``Sum``, ``Piecewise``, ``elliptic_e``, ...) with
  positional arguments.

Everything else (attributes, subscripts, strings, lambdas, keyword arguments,
comprehensions, other calls) raises :class:`ExpressionParseError` naming it.
The work is bounded before it is done: the text length, the nesting depth, and
the size of exact powers (``9**9**9**9`` is refused, not computed) and of
decimal exponents (``1e100000000``).

It reads back every expression symrelu prints with ``str()`` (the CLI's
``exact`` fields, coefficients, closed forms with ``Sum``).

Examples
--------
>>> parse_expression("3*sqrt(2)/8 + 0.1")
1/10 + 3*sqrt(2)/8
>>> parse_expression("Sum(cos(2*pi*m*t)/m**2, (m, 1, oo))")
Sum(cos(2*pi*m*t)/m**2, (m, 1, oo))
>>> import pytest
>>> with pytest.raises(ExpressionParseError, match="attribute"):
...     parse_expression("().__class__")
"""

from __future__ import annotations

import ast
import decimal
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import sympy

from symrelu.errors import ExpressionParseError, InexactInputError

__all__ = [
    "parse_expression",
    "safe_sympify",
    "ExpressionParseError",
    "FUNCTIONS",
    "CONSTANTS",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_POWER_BITS",
    "MAX_DECIMAL_EXPONENT",
]

#: Longest text accepted (characters).
MAX_LENGTH = 200_000
#: Deepest nesting of calls, powers and parentheses (chains of + and * are flat).
MAX_DEPTH = 100
#: Largest exact power computed: ``|exponent| * bits(base)`` for a rational base (14,000 bits
#: is about 4,200 digits, within what Python prints: its int-to-str limit is 4,300 digits).
MAX_POWER_BITS = 14_000
#: Largest decimal exponent in a literal such as ``1e-300``.
MAX_DECIMAL_EXPONENT = 10_000
#: Largest integer argument of a function that computes eagerly (binomial).
_MAX_EAGER_ARGUMENT = 10_000

#: The constants a name may stand for.
CONSTANTS: Mapping[str, sympy.Basic] = {
    "pi": sympy.pi,
    "E": sympy.E,
    "I": sympy.I,
    "oo": sympy.oo,
    "zoo": sympy.zoo,
    "nan": sympy.nan,
}


def _binomial(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    for v in (n, k):
        if v.is_Integer and abs(int(v)) > _MAX_EAGER_ARGUMENT:
            raise ExpressionParseError(
                f"binomial argument {v} exceeds {_MAX_EAGER_ARGUMENT}: it would be computed "
                "eagerly"
            )
    return sympy.binomial(n, k)


#: The functions a call may name, and the sympy constructor each maps to.
FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "sqrt": sympy.sqrt, "cbrt": sympy.cbrt, "root": sympy.root,
    "exp": sympy.exp, "log": sympy.log,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot,
    "sec": sympy.sec, "csc": sympy.csc,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "atan2": sympy.atan2,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "asinh": sympy.asinh, "acosh": sympy.acosh, "atanh": sympy.atanh,
    "Abs": sympy.Abs, "sign": sympy.sign, "re": sympy.re, "im": sympy.im,
    "arg": sympy.arg, "conjugate": sympy.conjugate,
    "floor": sympy.floor, "ceiling": sympy.ceiling, "Mod": sympy.Mod,
    "Max": sympy.Max, "Min": sympy.Min,
    "Rational": sympy.Rational, "Integer": sympy.Integer,
    "erf": sympy.erf, "erfc": sympy.erfc,
    "besselj": sympy.besselj, "bessely": sympy.bessely, "besseli": sympy.besseli,
    "elliptic_e": sympy.elliptic_e, "elliptic_k": sympy.elliptic_k,
    "binomial": _binomial,
    "Sum": sympy.Sum, "Piecewise": sympy.Piecewise,
    "Eq": sympy.Eq, "Ne": sympy.Ne, "And": sympy.And, "Or": sympy.Or, "Not": sympy.Not,
}

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_COMPARE = {
    ast.Lt: sympy.Lt, ast.LtE: sympy.Le, ast.Gt: sympy.Gt, ast.GtE: sympy.Ge,
}


def _short(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")


class _Reader:
    def __init__(self, text: str, symbols: Mapping[str, Any]):
        self.text = text
        self.symbols = symbols

    def fail(self, what: str, node: ast.AST | None = None) -> ExpressionParseError:
        where = ""
        if node is not None and hasattr(node, "col_offset"):
            seg = ast.get_source_segment(self.text, node) or ""
            where = f" ({_short(seg)} at column {node.col_offset + 1})" if seg else ""
        return ExpressionParseError(
            f"cannot read {_short(self.text)} as an expression: {what}{where}"
        )

    # -- numbers
    def number(self, node: ast.Constant) -> sympy.Expr:
        v = node.value
        if isinstance(v, bool):
            return sympy.true if v else sympy.false
        if isinstance(v, int):
            return sympy.Integer(v)
        if isinstance(v, (float, complex)):
            seg = ast.get_source_segment(self.text, node) or ""
            imaginary = seg[-1:] in ("j", "J")
            digits = (seg[:-1] if imaginary else seg).replace("_", "")
            try:
                d = decimal.Decimal(digits)
            except decimal.InvalidOperation:
                raise self.fail("an unreadable number", node) from None
            exponent = d.as_tuple().exponent
            if not isinstance(exponent, int) or abs(exponent) > MAX_DECIMAL_EXPONENT:
                raise self.fail(
                    f"a decimal exponent beyond +-{MAX_DECIMAL_EXPONENT}", node
                )
            frac = Fraction(d)
            value = sympy.Rational(frac.numerator, frac.denominator)
            return value * sympy.I if imaginary else value
        raise self.fail(f"a {type(v).__name__} literal is not a number", node)

    # -- names
    def name(self, node: ast.Name) -> sympy.Basic:
        n = node.id
        if n.startswith("_"):
            raise self.fail(f"the name {n!r} (names may not start with an underscore)", node)
        if n in self.symbols:
            return self.symbols[n]
        if n in CONSTANTS:
            return CONSTANTS[n]
        if n in FUNCTIONS:
            raise self.fail(f"{n} is a function: call it, e.g. {n}(x)", node)
        return sympy.Symbol(n)

    # -- powers
    def power(self, base: sympy.Expr, exp: sympy.Expr, node: ast.AST) -> sympy.Expr:
        if isinstance(exp, sympy.Rational) and isinstance(base, sympy.Rational):
            bits = max(abs(int(base.p)).bit_length(), abs(int(base.q)).bit_length(), 1)
            if abs(exp.p) > 1 and bits > 1 and abs(exp.p) * bits > MAX_POWER_BITS:
                raise self.fail(
                    f"the power would have about {abs(exp.p) * bits / math.log2(10):.3g} digits "
                    f"(at most {MAX_POWER_BITS / math.log2(10):.3g} are computed)", node
                )
        if exp.is_Integer and abs(int(exp)) > MAX_POWER_BITS and base.is_number:
            raise self.fail(f"the exponent {exp} is too large to compute", node)
        return base**exp

    # -- the walk
    def build(self, node: ast.AST, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(node, ast.Expression):
            return self.build(node.body, depth)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.Not):
                return sympy.Not(self.build(node.operand, depth + 1))
            raise self.fail(f"the operator {type(node.op).__name__}", node)
        if isinstance(node, ast.BinOp):
            return self.binop(node, depth)
        if isinstance(node, ast.Compare):
            return self.compare(node, depth)
        if isinstance(node, ast.Tuple):
            return sympy.Tuple(*(self.build(e, depth + 1) for e in node.elts))
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.Attribute):
            raise self.fail("attribute access is not allowed", node)
        if isinstance(node, ast.Subscript):
            raise self.fail("subscripts are not allowed", node)
        raise self.fail(f"{type(node).__name__} is not part of the grammar", node)

    def binop(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        if not isinstance(node.op, _BINOPS):
            raise self.fail(f"the operator {type(node.op).__name__}", node)
        if isinstance(node.op, ast.Pow):
            base = self.build(node.left, depth + 1)
            exp = self.build(node.right, depth + 1)
            return self.power(self.expr(base, node.left), self.expr(exp, node.right), node)
        # a chain a + b - c ... (or a * b / c ...) is left-deep: walk it without recursion
        additive = isinstance(node.op, (ast.Add, ast.Sub))
        same = (ast.Add, ast.Sub) if additive else (ast.Mult, ast.Div)
        terms: list[tuple[ast.AST, bool]] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and isinstance(cur.op, same):
            terms.append((cur.right, isinstance(cur.op, (ast.Sub, ast.Div))))
            cur = cur.left
        terms.append((cur, False))
        parts = []
        for sub, inverse in reversed(terms):
            v = self.expr(self.build(sub, depth + 1), sub)
            if inverse:
                if not additive and v.is_zero:
                    raise self.fail("division by zero", sub)
                v = -v if additive else sympy.Pow(v, -1)
            parts.append(v)
        return sympy.Add(*parts) if additive else sympy.Mul(*parts)

    def compare(self, node: ast.Compare, depth: int) -> sympy.Basic:
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
            raise self.fail("only one comparison <, <=, > or >= at a time", node)
        left = self.expr(self.build(node.left, depth + 1), node.left)
        right = self.expr(self.build(node.comparators[0], depth + 1), node.comparators[0])
        return _COMPARE[type(node.ops[0])](left, right)

    def call(self, node: ast.Call, depth: int) -> sympy.Basic:
        if isinstance(node.func, ast.Attribute):
            raise self.fail("attribute access is not allowed", node.func)
        if not isinstance(node.func, ast.Name):
            raise self.fail("only calls of plain function names are allowed", node)
        fname = node.func.id
        fn = FUNCTIONS.get(fname)
        if fn is None:
            raise self.fail(
                f"the function {fname!r} is not allowed (allowed: {', '.join(sorted(FUNCTIONS))})",
                node,
            )
        if node.keywords:
            raise self.fail("keyword arguments are not allowed", node)
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail("starred arguments are not allowed", node)
        args = [self.build(a, depth + 1) for a in node.args]
        try:
            return fn(*args)
        except ExpressionParseError:
            raise
        except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise self.fail(f"{fname}(...) refused its arguments ({exc})", node) from None

    def expr(self, value: Any, node: ast.AST) -> sympy.Expr:
        if not isinstance(value, sympy.Expr):
            raise self.fail("a condition or tuple where a number is needed", node)
        return value


def parse_expression(
    text: str,
    *,
    symbols: Mapping[str, Any] | None = None,
    max_length: int = MAX_LENGTH,
) -> sympy.Basic:
    """Read ``text`` as a sympy expression without evaluating any code.

    Parameters
    ----------
    text : str
        Arithmetic in sympy's printed form (see the module docstring for the
        grammar), e.g. ``"3*sqrt(2)/8"``, ``"1/10 + 2*pi/3"``, ``"A_1**2/4"``.
    symbols : mapping of str to sympy objects, optional
        What a name stands for (e.g. ``{"t": Symbol("t", real=True)}``); other
        identifiers become plain Symbols.
    max_length : int
        Longest text accepted.

    Returns
    -------
    sympy.Basic
        An expression (or a relational/boolean for a comparison).

    Raises
    ------
    ExpressionParseError
        A ``ValueError``: the text is not in the grammar, names something
        outside it, or would take too long; the message says what and where.

    Examples
    --------
    >>> parse_expression("0.1"), parse_expression("2**-3"), parse_expression("1e-3j")
    (1/10, 1/8, I/1000)
    >>> t = sympy.Symbol("t", real=True)
    >>> parse_expression("cos(2*pi*t)", symbols={"t": t}).free_symbols == {t}
    True
    >>> import pytest
    >>> with pytest.raises(ExpressionParseError, match="'__import__' is not allowed"):
    ...     parse_expression("__import__('os')")
    >>> with pytest.raises(ExpressionParseError, match="digits"):
    ...     parse_expression("9**9**9**9")
    """
    if not isinstance(text, str):
        raise ExpressionParseError(
            f"parse_expression reads a str (got {type(text).__name__})"
        )
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ExpressionParseError(f"max_length must be a positive integer (got {max_length!r})")
    if len(text) > max_length:
        raise ExpressionParseError(
            f"the expression is {len(text)} characters long; at most {max_length} are read "
            "(pass max_length= to read more)"
        )
    if not text.strip():
        raise ExpressionParseError("cannot read an empty string as an expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionParseError(
            f"cannot read {_short(text)} as an expression: {exc.msg}"
            + (f" (column {exc.offset})" if exc.offset else "")
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionParseError(
            f"cannot read {_short(text)}: too long or too deeply nested for the parser "
            "(a single sum holds up to about 2,000 terms)"
        ) from None
    reader = _Reader(text.strip(), symbols or {})
    try:
        return reader.build(tree, 0)
    except RecursionError:
        raise reader.fail("too deeply nested") from None


def safe_sympify(value: Any, *, symbols: Mapping[str, Any] | None = None) -> Any:
    """``sympy.sympify`` that never evaluates a string: strings go through :func:`parse_expression`.

    Scalars (numbers, sympy objects, mpmath numbers, numpy scalars) are
    converted by ``sympy.sympify(value, strict=True)``, which evaluates no
    code; lists, tuples and mappings are converted element by element (so a
    string inside one is parsed, not evaluated); ``bytes``, arrays and other
    iterables are refused.

    Raises
    ------
    ExpressionParseError
        A string outside the grammar (a ``ValueError``).
    InexactInputError
        A value of a kind sympy cannot convert (a ``TypeError``).

    Examples
    --------
    >>> safe_sympify("sqrt(2)/4"), safe_sympify(3), safe_sympify(sympy.pi / 2)
    (sqrt(2)/4, 3, pi/2)
    >>> safe_sympify(["1/2", 2])
    [1/2, 2]
    >>> import pytest
    >>> with pytest.raises(ExpressionParseError):
    ...     safe_sympify("open('/etc/passwd').read()")
    """
    if isinstance(value, str):
        return parse_expression(value, symbols=symbols)
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, Mapping):
        return {safe_sympify(k, symbols=symbols): safe_sympify(v, symbols=symbols)
                for k, v in value.items()}
    if isinstance(value, list):
        return [safe_sympify(v, symbols=symbols) for v in value]
    if isinstance(value, tuple):
        return sympy.Tuple(*(safe_sympify(v, symbols=symbols) for v in value))
    try:
        return sympy.sympify(value, strict=True)
    except sympy.SympifyError:
        raise InexactInputError(
            f"cannot convert {type(value).__name__} {_short(repr(value))} to a sympy value"
        ) from None
