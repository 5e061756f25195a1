"""No user string is ever evaluated: injection strings through every public door.

Each string below would run code (or exhaust memory) if it reached ``eval`` or
``sympy.sympify``; the ones with a side effect create SENTINEL when evaluated.
They are tried (1) on the functions documented to read strings, which must
raise a symrelu error, (2) on every parameter of every public callable of
``symrelu``, ``symrelu.numeric`` and ``symrelu.numeric.testing`` (found by inspecting
``__all__`` and the signatures, so a new function cannot be missed), which
must not evaluate them and may only fail with a symrelu error or a TypeError
about the argument's type, and (3) on the command line, which must exit 2.
"""

import contextlib
import importlib
import inspect
import io
import os

import numpy as np
import pytest
import sympy
import symrelu.numeric as numeric
import symrelu.numeric.testing
from symrelu.cli.main import main

import symrelu
from symrelu.errors import SymreluError
from symrelu.expr_parse import ExpressionParseError, parse_expression, safe_sympify
from symrelu.latex import coefficient_term

SENTINEL = "/tmp/pwned_symrelu"
INJECTIONS = [
    f"__import__('os').system('touch {SENTINEL}') or 1",
    "().__class__.__bases__[0].__subclasses__()",
    f"exec(\"open('{SENTINEL}', 'w')\")",
    "lambda: 1",
    "x.__dict__",
    "eval('1')",
    f"eval(\"open('{SENTINEL}', 'w')\") or 1",
    "open('/etc/passwd').read()",
    "9**9**9**9",
    "'a'*10**9",
    f"[open('{SENTINEL}', 'w') for _ in (1,)]",
    "getattr(x, '__class__')",
]
# size attacks on symrelu's expression parser (the signal grammar's own limits on sizes such as
# 1e100000000 are another matter: the bounded-work requirement of the signal grammar)
HEAVY = ["1e100000000", "(" * 500 + "1" + ")" * 500, "+".join(["x"] * 20000), "2**10**6",
         "-" * 100000 + "1", "x" * 300000]
PAPER = symrelu.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
Y = np.maximum(symrelu.numeric.sample(PAPER, fs=1024, duration=1)[1], 0)


@pytest.fixture(autouse=True)
def no_sentinel():
    if os.path.exists(SENTINEL):
        os.remove(SENTINEL)
    yield
    assert not os.path.exists(SENTINEL), "an injection string was evaluated"


def _timed(fn, *args, **kwargs):
    # a hostile string must be refused, not evaluated; how fast is not asserted here (a
    # hang would stop the run, and speed targets live in tests/benchmarks)
    return fn(*args, **kwargs)


# ------------------------------------------- (1) the functions that read strings
PARSER_DOORS = {
    "parse_expression": lambda s: parse_expression(s),
    "safe_sympify": lambda s: safe_sympify(s),
    "safe_sympify in a list": lambda s: safe_sympify([1, s]),
    "to_numeric": lambda s: symrelu.numeric.to_numeric(s),
    "to_numeric mpmath": lambda s: symrelu.numeric.to_numeric(s, "mpmath"),
    "to_numeric in a mapping": lambda s: symrelu.numeric.to_numeric({1: s}),
    "assert_dc_close": lambda s: symrelu.numeric.testing.assert_dc_close(Y, s),
    "check_dc": lambda s: symrelu.numeric.testing.check_dc(Y, s),
    "assert_spectrum_close value": lambda s: symrelu.numeric.testing.assert_spectrum_close(
        Y, 1024, {0: s}),
    "assert_spectrum_close key": lambda s: symrelu.numeric.testing.assert_spectrum_close(
        Y, 1024, {s: 1}),
    "lambdify_expr": lambda s: symrelu.numeric.lambdify_expr(s),
    "lambdify_expr with t": lambda s: symrelu.numeric.lambdify_expr(s, sympy.Symbol("x")),
    "lambdify_signal mpmath time": lambda s: symrelu.numeric.lambdify_signal(PAPER, "mpmath")(s),
    "is_coherent fs": lambda s: symrelu.numeric.is_coherent(PAPER, s, 1024),
    "exact_samples fs": lambda s: symrelu.numeric.exact_samples(PAPER, s, 8),
    "exact_samples t0": lambda s: symrelu.numeric.exact_samples(PAPER, 1024, 8, t0=s),
}
STRING_READERS = dict(PARSER_DOORS, **{
    "MultiTone.parse": lambda s: symrelu.MultiTone.parse(s),
    "MultiTone amplitude": lambda s: symrelu.MultiTone(amplitudes=[s], frequencies=[1]),
    "MultiTone frequency": lambda s: symrelu.MultiTone(amplitudes=[1], frequencies=[s]),
    "MultiTone phase": lambda s: symrelu.MultiTone(amplitudes=[1], frequencies=[1], phases=[s]),
    "LeakyReLU": lambda s: symrelu.LeakyReLU(s),
    "as_activation": lambda s: symrelu.as_activation(s),
    "PiecewiseLinear breakpoints": lambda s: symrelu.PiecewiseLinear(breakpoints=[s],
                                                                      slopes=[0, 1]),
    "a piecewise-linear activation applied": lambda s: symrelu.ReLU6()(s),
    "a smooth activation applied": lambda s: symrelu.Tanh()(s),
    "Smooth": lambda s: symrelu.Smooth(s),
    "describing_function amplitude": lambda s: symrelu.describing_function("relu", s),
    "coefficient_term": lambda s: coefficient_term(s, "x"),
})


@pytest.mark.parametrize("text", INJECTIONS, ids=range(len(INJECTIONS)))
@pytest.mark.parametrize("door", sorted(STRING_READERS))
def test_string_readers_refuse_with_a_symrelu_error(door, text):
    with pytest.raises(SymreluError):
        _timed(STRING_READERS[door], text)


@pytest.mark.parametrize("text", HEAVY, ids=range(len(HEAVY)))
@pytest.mark.parametrize("door", sorted(PARSER_DOORS))
def test_parser_doors_refuse_oversized_input_quickly(door, text):
    with pytest.raises(SymreluError):
        _timed(PARSER_DOORS[door], text)


def test_parser_errors_are_value_errors_naming_the_problem():
    with pytest.raises(ValueError, match="attribute access"):
        parse_expression("x.__dict__")
    with pytest.raises(ExpressionParseError, match="attribute access"):
        parse_expression("open('/etc/passwd').read()")
    with pytest.raises(ExpressionParseError, match="'open' is not allowed"):
        parse_expression("open('/etc/passwd')")
    with pytest.raises(ExpressionParseError, match="digits"):
        parse_expression("9**9**9**9")
    with pytest.raises(ExpressionParseError, match="str literal"):
        parse_expression("'a'*10**9")
    with pytest.raises(ExpressionParseError, match="Lambda"):
        parse_expression("lambda: 1")


# ------------------------------------- (2) every public callable, every parameter
FILLERS = {
    "signal": PAPER, "obj": PAPER, "sig": PAPER, "expected": PAPER, "y": Y, "fs": 1024,
    "n": 8, "order": 1, "duration": 1, "taps": [1, 1], "at": 5, "expansion": None,
    "value": "1/2", "expr": "1/2", "text": "1/2", "activation": "relu", "alpha": "1/10",
    "K": 2, "orders": [0, 1],
}


def _public_callables():
    seen = {}
    modules = [symrelu, numeric, symrelu.numeric.testing, importlib.import_module("symrelu.expr_parse"),
               importlib.import_module("symrelu.latex")]
    for mod in modules:
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj) and issubclass(obj, (BaseException,)):
                continue
            if inspect.ismodule(obj):
                continue
            if callable(obj):
                seen[f"{mod.__name__}.{name}"] = obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(member, (classmethod, staticmethod)):
                        seen[f"{mod.__name__}.{name}.{attr}"] = getattr(obj, attr)
    return seen


CALLABLES = _public_callables()


def _parameters(fn):
    try:
        return list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []


CASES = [(name, p.name) for name, fn in sorted(CALLABLES.items()) for p in _parameters(fn)
         if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def test_the_sweep_covers_the_string_readers():
    names = set(CALLABLES)
    for must in ("symrelu.numeric.to_numeric", "symrelu.numeric.testing.assert_dc_close",
                 "symrelu.numeric.testing.assert_spectrum_close", "symrelu.numeric.lambdify_expr",
                 "symrelu.MultiTone.parse", "symrelu.expr_parse.parse_expression",
                 "symrelu.numeric.exact_samples"):
        assert must in names
    assert len(CASES) > 100


@pytest.mark.parametrize("text", [INJECTIONS[0], INJECTIONS[2], INJECTIONS[6], INJECTIONS[8],
                                  INJECTIONS[10]], ids=["system", "exec", "eval", "pow", "comp"])
@pytest.mark.parametrize("case", CASES, ids=[f"{n}:{p}" for n, p in CASES])
def test_every_public_parameter_never_evaluates(case, text):
    name, param = case
    fn = CALLABLES[name]
    kwargs = {}
    for p in _parameters(fn):
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name == param:
            kwargs[p.name] = text
        elif p.default is p.empty:
            kwargs[p.name] = FILLERS.get(p.name, text)
    if any(v is None for v in kwargs.values()):
        kwargs = {k: (symrelu.expand(PAPER, order=1) if v is None else v)
                  for k, v in kwargs.items()}
    positional_only = [p for p in _parameters(fn) if p.kind == p.POSITIONAL_ONLY]
    args = [kwargs.pop(p.name) for p in positional_only if p.name in kwargs]
    # what is checked here is that nothing is evaluated (the sentinel fixture) and nothing runs
    # long; a refusal may still be a builtin error for a wrong-type argument (a str where an
    # array or a MultiTone belongs), which the error-class standard covers elsewhere
    with warnings_as_errors_off(), contextlib.suppress(
            SymreluError, TypeError, ValueError, AttributeError):
        _timed(fn, *args, **kwargs)


@contextlib.contextmanager
def warnings_as_errors_off():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ----------------------------------------------------------- (3) the command line
CLI = [
    ["dc", "{s}"],
    ["dc", "1@5", "--activation", "{s}"],
    ["dc", "1@5", "--convergence", "1", "--center", "{s}"],
    ["expand", "1@5", "--center", "{s}"],
    ["expand", "{s}", "--order", "1"],
    ["coefficient", "1@5", "{s}"],
    ["coefficient", "{s}", "5"],
    ["closed-form", "{s}"],
    ["convergence", "{s}", "--orders", "1"],
]


@pytest.mark.parametrize("text", INJECTIONS[:11], ids=range(11))
@pytest.mark.parametrize("argv", CLI, ids=[" ".join(a) for a in CLI])
def test_command_line_refuses_with_exit_2(argv, text):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = _timed(main, [a.replace("{s}", text) for a in argv])
    assert code == 2, (code, out.getvalue(), err.getvalue())
