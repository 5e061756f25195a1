"""The ``symrelu`` command line: one entry point, one subcommand per job.

Subcommands import what they need when they run, so ``symrelu --help`` and
``symrelu coeffs`` never load numpy plotting or torch.

Exit codes (also in ``symrelu --help``): see :data:`EXIT_CODES`. Errors are one
line on stderr, never a traceback; ``--debug`` or ``SYMRELU_DEBUG=1`` adds the
traceback of an internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import traceback
import warnings
from collections.abc import Sequence

from symrelu.cli._util import EXIT_INTERNAL, EXIT_USAGE, CLIError

__all__ = ["main", "build_parser", "GRAMMAR", "EXIT_CODES"]

EXIT_CODES = """\
exit codes:
  0    success
  1    an internal error (a bug in symrelu): "internal error ..., please report
       it"; run with --debug (or SYMRELU_DEBUG=1) to see the traceback
  2    bad input or an unusable environment, in one line naming it: arguments,
       signal text, a file that would be overwritten (--force), an output path
       that cannot be written (permissions, a name too long, a file in the way,
       a full disk), a device that is not there (--device cuda without CUDA),
       a Dask scheduler that does not answer
  3    a needed module or program is missing from this installation
  130  interrupted (Ctrl-C); finished steps and files are kept
"""

GRAMMAR = """\
signal grammar:
  terms joined by + or -; a term is
    AMP@FREQ          a tone AMP*cos(2*pi*FREQ*t)        e.g. 1@5, 0.5@10, 3/4@2.5
    AMP@FREQ:PHASE    the same with a phase in radians  e.g. 0.5@7:0.3, 1@3:pi/2
    VALUE             a constant (the offset b)         e.g. 0.2
  values: integers, decimals (0.6, 1e-3, read exactly as written), fractions
  (3/4), multiples of pi for phases (pi/2, 0.5pi) or names (A, w: symbols).
  Tones at the same frequency are merged. Quote the signal in the shell; one
  that starts with '-' is accepted as is ("-1@5 + 2@3").
  example: "0.2 + 1@3 + 0.5@7:0.3"  is  0.2 + cos(6 pi t) + 0.5 cos(14 pi t + 0.3)
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CLIError(f"{self.prog}: {message} (see {self.prog} --help)")

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            sys.stderr.write(message.strip().splitlines()[0] + "\n")
        raise SystemExit(status)


def _add_signal(p: argparse.ArgumentParser) -> None:
    p.add_argument("signal", help='the input signal, e.g. "1@5 + 0.6@10:0.9" (grammar below)')


def _add_expansion_options(p: argparse.ArgumentParser, default_order: int) -> None:
    p.add_argument("--order", "-n", type=int, default=default_order,
                   help=f"N, the last power of g kept (default {default_order})")
    p.add_argument("--center", default="peak", dest="center",
                   help="C: 'peak' (always converges), 'mean_square' (the paper's text; "
                        "diverges for 2+ tones) or a positive value (default peak)")
    p.add_argument("--activation", default="relu",
                   help="an activation name: relu, abs, linear, leaky:ALPHA, relu6, "
                        "hardtanh[:LO:HI], clip:LO:HI, deadzone[:LO:HI], hardsigmoid, sign, "
                        "heaviside, gelu, tanh, ... (default relu)")
    p.add_argument("--regime", choices=("auto", "periodic", "generic", "mixed"), default="auto",
                   help="periodic collapses frequencies with one base (5 and 10, pi and 2pi); "
                        "generic keeps each multi-index (torus averages); mixed works on the "
                        "reduced torus of a partly commensurate set (1, 2, sqrt(2)); auto "
                        "picks the one the exact frequency relations imply (default auto)")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (no heavy imports).

    Examples
    --------
    >>> build_parser().parse_args(["coeffs", "8"]).n
    8
    """
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="symrelu",
        description="What a ReLU does to the spectrum of a multi-tone signal, exactly "
                    "(the paper 'DC is all you need', arXiv 2407.16556, as a tool).",
        epilog=GRAMMAR + "\n" + EXIT_CODES
               + "\nrun 'symrelu COMMAND --help' for each command's options",
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an internal error (as SYMRELU_DEBUG=1); "
                             "give it before COMMAND")
    parser.add_argument("--time-limit", default=None, metavar="SECONDS",
                        help="refuse work estimated to take longer (default 60); give it "
                             "before COMMAND")
    parser.add_argument("--memory-limit", default=None, metavar="SIZE",
                        help="refuse work estimated to need more memory, e.g. 8GB (default "
                             "4GB); give it before COMMAND")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("coeffs", help="Table I: exact Taylor coefficients a_n of sqrt(1+g)",
                       description="The first N coefficients a_n = binom(1/2, n) of "
                                   "sqrt(1+g) (the paper's Table I), exactly, with the tail "
                                   "bound sum_{m>n} |a_m| = binom(2n, n)/4^n.",
                       formatter_class=fmt)
    p.add_argument("n", type=int, help="how many coefficients (a_0 .. a_{N-1}), at most 10000")
    p.add_argument("--latex", action="store_true", help="same as --format latex")
    p.add_argument("--format", choices=("table", "json", "latex"), default="table")

    p = sub.add_parser("expand", help="the paper's Taylor expansion of act(signal), exact spectrum",
                       description="Expand act(x) = lambda x + c|x| as "
                                   "lambda x + c sqrt(C) sum_{n<=N} a_n (x^2/C - 1)^n and list "
                                   "every output frequency with its exact coefficient, the "
                                   "order of g where it first appears, and the convergence "
                                   "certificate.",
                       epilog=GRAMMAR, formatter_class=fmt)
    _add_signal(p)
    _add_expansion_options(p, 4)
    p.add_argument("--format", choices=("table", "json", "latex"), default="table")
    p.add_argument("--max-terms", type=int, default=12,
                   help="frequencies shown in the LaTeX sum before \\cdots (default 12)")

    p = sub.add_parser("dc", help="the exact DC of act(signal), digits verified",
                       description="The exact mean of act(x(t)) to the requested digits "
                                   "(no truncation), with the paper's order-0 value and the "
                                   "truncated Taylor DC for comparison.",
                       epilog=GRAMMAR, formatter_class=fmt)
    _add_signal(p)
    p.add_argument("--digits", type=int, default=30, help="significant digits (default 30)")
    p.add_argument("--generic", action="store_true",
                   help="treat the frequencies as incommensurate (torus average) even when "
                        "they are rational")
    p.add_argument("--activation", default="relu",
                   help="an activation name (relu, leaky:ALPHA, relu6, hardtanh, gelu, ...)")
    p.add_argument("--convergence", type=int, default=None, metavar="N",
                   help="also print the truncated Taylor DC for orders 0..N against the exact "
                        "DC, with its error and the certificate's bound (as 'symrelu "
                        "convergence')")
    p.add_argument("--center", default="peak", dest="center",
                   help="center C of the series for --convergence: peak, mean_square or a "
                        "positive value (default peak)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("convergence", help="truncated Taylor DC per order against the exact DC",
                       description="For orders N = 0..ORDERS: the exact DC of the order-N "
                                   "series, its error against the exact (untruncated) DC and "
                                   "the certificate's bound on that error (never below it), "
                                   "with the paper's order-0 value (eq. 8) and its gap.",
                       epilog=GRAMMAR, formatter_class=fmt)
    _add_signal(p)
    p.add_argument("--orders", "-n", type=int, default=10,
                   help="last order N (default 10, at most 200)")
    p.add_argument("--center", default="peak", dest="center",
                   help="peak (always converges), mean_square (the paper's text) or a positive "
                        "value (default peak)")
    p.add_argument("--digits", type=int, default=20,
                   help="digits of the exact DC and the errors (default 20)")
    p.add_argument("--generic", action="store_true",
                   help="treat the frequencies as incommensurate (torus average)")
    p.add_argument("--activation", default="relu",
                   help="an activation name (relu, leaky:ALPHA, relu6, hardtanh, gelu, ...)")
    p.add_argument("--format", choices=("table", "json", "latex"), default="table")

    p = sub.add_parser("coefficient", help="the exact coefficient of act(signal) at one frequency",
                       description="The true (untruncated) complex coefficient c_F of "
                                   "act(x(t)) = c_0 + 2 Re sum_F c_F exp(2 pi i F t), to the "
                                   "requested digits, verified by a second computation. AT is "
                                   "a frequency (periodic regime: a multiple of the base "
                                   "frequency; negative gives the conjugate), or with "
                                   "--generic a multi-index of one integer per tone, "
                                   "comma-separated: 1,-1 is the frequency f1 - f2.",
                       epilog=GRAMMAR, formatter_class=fmt)
    _add_signal(p)
    p.add_argument("at", help="a frequency (e.g. 15, 2.5, 3/2) or, with --generic, a "
                              "multi-index such as 1,-1")
    p.add_argument("--digits", type=int, default=20, help="significant digits (default 20)")
    p.add_argument("--generic", action="store_true",
                   help="generic regime: AT is a multi-index (torus average)")
    p.add_argument("--activation", default="relu",
                   help="an activation name (relu, leaky:ALPHA, relu6, hardtanh, gelu, ...)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("closed-form", help="the sympy closed form, where one exists",
                       description="The closed form of act(x): the full Fourier series for "
                                   "a single tone (with or without offset; arccos(b/A) terms "
                                   "with an offset), and the DC of two tones without offset "
                                   "in the generic regime (elliptic E). Other signals have "
                                   "none: the command says so (exit 2); use 'symrelu dc'.",
                       epilog=GRAMMAR, formatter_class=fmt)
    _add_signal(p)
    p.add_argument("--generic", action="store_true",
                   help="accept two commensurate tones: their closed form is the torus "
                        "average, not the time average")
    p.add_argument("--activation", default="relu",
                   help="an activation name (relu, leaky:ALPHA, relu6, hardtanh, gelu, ...)")
    p.add_argument("--latex", action="store_true", help="same as --format latex")
    p.add_argument("--format", choices=("table", "json", "latex"), default="table")

    p = sub.add_parser("report", help="a standalone PDF/LaTeX report for one signal",
                       description="Write a standalone document: the input, x^2 and g with "
                                   "their frequency sets, the expansion order by order with "
                                   "exact coefficients, the certificate, the truncated DC "
                                   "against the exact DC and the predicted spectrum against "
                                   "the FFT of the sampled ReLU. -o NAME.pdf builds the PDF "
                                   "(latexmk or pdflatex); -o NAME.tex writes the LaTeX only. "
                                   "Full coefficient lists go to NAME.json beside it.",
                       epilog=GRAMMAR, formatter_class=fmt)
    _add_signal(p)
    _add_expansion_options(p, 6)
    p.add_argument("-o", "--output", default="report.pdf", help="NAME.pdf or NAME.tex")
    p.add_argument("--force", action="store_true", help="replace existing files not written "
                                                        "by symrelu")
    p.add_argument("--no-figure", action="store_true", help="skip the spectrum figure")

    p = sub.add_parser("paper", help="reproduce the paper: derivations, experiments, one PDF",
                       description="Recompute every derivation (Sections III, IV, V-A..V-D) "
                                   "and experiment from scratch, assemble OUT/paper.pdf (+ .tex, "
                                   "figures, results JSON), then compare each section with the "
                                   "reference results (the committed reports/ of a symrelu "
                                   "checkout) and print whether it reproduces: bitwise, within "
                                   "a relative tolerance, or statistically (V-C). The reference "
                                   "folder itself is written only with --update-reference.",
                       formatter_class=fmt)
    p.add_argument("--out", default="symrelu-paper",
                   help="output directory (default ./symrelu-paper/); the reference folder only "
                        "with --update-reference")
    p.add_argument("--quick", action="store_true", help="small sizes: a few minutes")
    p.add_argument("--only", default=None,
                   help="comma-separated steps to run (sec3,sec4,sec5a,sec5b,sec5c,sec5d); the "
                        "others are reused from an earlier run of this machine in --out")
    p.add_argument("--resume", action="store_true",
                   help="reuse the steps an earlier run of this machine finished in --out "
                        "(default: recompute everything)")
    p.add_argument("--reference", default=None, metavar="DIR",
                   help="reference build to compare with (default: reports/ of the symrelu "
                        "checkout, when symrelu runs from one; 'none': no comparison)")
    p.add_argument("--update-reference", action="store_true",
                   help="allow --out to be the reference folder and mark the build as the "
                        "reference (maintainers: 'symrelu paper --out reports/ "
                        "--update-reference')")
    p.add_argument("--force", action="store_true",
                   help="replace existing files not written by symrelu")
    p.add_argument("--no-pdf", action="store_true", help="write paper.tex only")
    p.add_argument("--keep-going", action="store_true",
                   help="go on past a section that fails (default: the build stops with its "
                        "error); each failed section is named on stderr, marked in the PDF "
                        "and at its top, and the exit code is 4")

    p = sub.add_parser("experiment", help="run one of the paper's experiments (va, vb, vc, vd)",
                       description="Run experiment V-A, V-B, V-C or V-D with its own options: "
                                   "'symrelu experiment vc --help' lists them (taken from the "
                                   "experiment's Config).",
                       formatter_class=fmt)
    p.add_argument("name", choices=("va", "vb", "vc", "vd"), help="which experiment")
    p.add_argument("options", nargs=argparse.REMAINDER,
                   help="the experiment's options (see 'symrelu experiment NAME --help')")

    from symrelu.cli.probe_cmd import add_probe_parser  # light: torch is imported when it runs

    add_probe_parser(sub, fmt)
    return parser


#: a coefficient address such as "-1,1" or "-3/2" (argparse reads only plain numbers as such)
_NEGATIVE_AT = re.compile(r"-[0-9.]+(?:[,/][-+]?[0-9.]+)+")


def _protect_signals(argv: list[str]) -> list[str]:
    """A signal such as "-1@5" starts with '-': keep argparse from taking it as an option.

    The same holds for a coefficient address such as "-1,1" or "-3/2".

    Examples
    --------
    >>> _protect_signals(["coefficient", "1@1 + 1@2", "-1,1", "-1@5", "--digits", "-3"])
    ['coefficient', '1@1 + 1@2', ' -1,1', ' -1@5', '--digits', '-3']
    """
    out = []
    for arg in argv:
        if arg.startswith("-") and not arg.startswith("--") and (
                "@" in arg or " " in arg or _NEGATIVE_AT.fullmatch(arg)):
            arg = " " + arg
        out.append(arg)
    return out


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.version:
        from symrelu.cli import __version__

        print(f"symrelu {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 0
    if args.command in ("coeffs", "expand", "dc"):
        from symrelu.cli import commands

        with _bounded(args):
            return getattr(commands, f"cmd_{args.command}")(args)
    if args.command in ("convergence", "coefficient", "closed-form"):
        from symrelu.cli import exact_cmd

        with _bounded(args):
            return getattr(exact_cmd, "cmd_" + args.command.replace("-", "_"))(args)
    if args.command == "report":
        from symrelu.cli import report_cmd

        return report_cmd.cmd_report(args)
    if args.command == "paper":
        from symrelu.cli import paper_cmd

        return paper_cmd.cmd_paper(args)
    if args.command == "experiment":
        from symrelu.cli import experiment_cmd

        return experiment_cmd.cmd_experiment(args)
    if args.command == "probe":
        from symrelu.cli import probe_cmd

        return probe_cmd.cmd_probe(args)
    raise CLIError(f"unknown command {args.command!r}")  # pragma: no cover - argparse checks


@contextlib.contextmanager
def _bounded(args: argparse.Namespace):
    """The limits of --time-limit and --memory-limit, and progress lines on stderr."""
    from symrelu import budget

    seconds = memory = None
    if args.time_limit is not None:
        try:
            seconds = float(args.time_limit)
        except ValueError:
            seconds = -1.0
        if not seconds > 0:
            raise CLIError(f"--time-limit must be a positive number of seconds (got "
                           f"{args.time_limit!r})")
    if args.memory_limit is not None:
        try:
            memory = budget.parse_memory(args.memory_limit)
        except ValueError:
            raise CLIError(f"--memory-limit must be a size such as 8GB or 512MiB (got "
                           f"{args.memory_limit!r})") from None
    scope = budget.limits(seconds=seconds, memory=memory, style="command line")
    with scope, budget.progress(budget.StderrProgress(sys.stderr)):
        yield


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (the console script exits with it).

    Examples
    --------
    >>> main(["coeffs", "3"])
    n  a_n   a_n (float)  tail sum_{m>n}|a_m|
    0  1     1.0          1
    1  1/2   0.5          1/2
    2  -1/8  -0.125       3/8
    0
    """
    console = argv is None  # run as the program, not called from Python
    try:
        return _main(argv, console)
    except KeyboardInterrupt:  # Ctrl-C inside an error message
        return _interrupted(console)


def _main(argv: Sequence[str] | None, console: bool) -> int:
    argv = _protect_signals(list(sys.argv[1:] if argv is None else argv))
    debug = "--debug" in argv[:1] or os.environ.get("SYMRELU_DEBUG", "") not in ("", "0")
    parser = build_parser()
    try:
        with warnings.catch_warnings():
            # a library warning is part of the output (commands record them), not a crash
            warnings.simplefilter("ignore")
            args = parser.parse_args(argv)
        debug = debug or args.debug
        return _dispatch(args, parser)
    except KeyboardInterrupt:
        return _interrupted(console)
    except SystemExit as exc:  # --help, or exit() from argparse
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    except CLIError as exc:
        _one_line(str(exc) if str(exc).startswith("symrelu") else f"symrelu: {exc}")
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the contract is: never a traceback
        if _is_symrelu_error(exc):
            # bad input or an unusable environment: symrelu's own errors, and only those
            _one_line(f"symrelu: error: {exc}")
            return EXIT_USAGE
        if debug:
            traceback.print_exception(exc)
        _one_line(f"symrelu: internal error ({type(exc).__name__}: {exc}); please report it"
                  + ("" if debug else " (--debug shows the traceback)"))
        return EXIT_INTERNAL


def _interrupted(console: bool) -> int:
    if console:
        # the program is ending: a second Ctrl-C (while the message is written, or at
        # interpreter shutdown) must not print a traceback either
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _one_line("symrelu: interrupted (finished steps are kept)")
    return 130


def _is_symrelu_error(exc: BaseException) -> bool:
    errors = sys.modules.get("symrelu.errors")
    return errors is not None and isinstance(exc, errors.SymreluError)


def _one_line(message: str) -> None:
    text = " ".join(message.split())
    if len(text) > 400:  # keep the start (what failed) and the end (what to do)
        text = text[:250] + " ... " + text[-145:]
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
