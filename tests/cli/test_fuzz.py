"""Fuzz the argument parser and the signal grammar: no input may produce a traceback."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from symrelu.cli.main import main

from symrelu import MultiTone, SymreluError

SIGNAL_ALPHABET = "0123456789.@:+-/*() epiAw\t_e^x,;"
signal_text = st.text(alphabet=SIGNAL_ALPHABET, max_size=30)


@settings(max_examples=300, deadline=None)
@given(signal_text)
@example("1@5 + 0.6@10:0.9")
@example("1@0")
@example("@@")
@example("1e999@5")
@example("((1@5)")
def test_parse_never_crashes(text):
    # a clear SymreluError is the contract; any other exception fails the test
    with contextlib.suppress(SymreluError):
        MultiTone.parse(text)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(signal_text)
def test_expand_cli_never_tracebacks(capsys, text):
    code = main(["expand", text, "--order", "1", "--format", "json"])
    _, err = capsys.readouterr()
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.count("\n") == 1


option_tokens = st.sampled_from(
    ["coeffs", "expand", "dc", "convergence", "coefficient", "closed-form", "--orders",
     "--convergence", "--order", "--format", "json", "table", "latex", "--center",
     "peak", "mean_square", "--digits", "--regime", "generic", "--activation", "abs",
     "-n", "--latex", "--generic", "3", "-1", "x", "1@2", "", "--", "-", "=", "--order=2"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(option_tokens, st.text(max_size=6)), max_size=6))
def test_argument_parser_never_tracebacks(capsys, argv):
    # heavy commands are not fuzzed here (report/paper/experiment write files or train)
    if argv and argv[0] in ("report", "paper", "experiment"):
        argv = argv[1:]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code in (0, 2, 3), err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["coeffs", "100001"], ["expand", "1@5", "--order", "100000"]])
def test_resource_limits_are_errors(capsys, argv):
    assert main(argv) == 2
