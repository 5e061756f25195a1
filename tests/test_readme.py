"""Every fenced code block of README.md runs here, and its printed output must match.

Conventions (also stated in the README, next to the first block that needs them):

- ```python blocks with ``>>>`` prompts run as doctests (NORMALIZE_WHITESPACE and ELLIPSIS, as
  in the modules' own doctests); ```python blocks without prompts run as a script and must not
  raise. Each block gets a fresh namespace.
- ```text blocks are shell sessions: each ``$ symrelu ...`` line is run (the command line as
  shlex reads it, so a trailing ``# comment`` to the reader is dropped) and what follows it, up
  to the next ``$`` line, is its output (stdout and stderr together, as a terminal shows them).
  Lines are compared after stripping trailing whitespace; ``...`` stands for any text, as with
  doctest's ELLIPSIS (a line of its own ``...`` skips lines). The exit code must be 0.
- A block that cannot run inside the test suite (it installs packages, or runs the suite or the
  full paper build) is preceded by ``<!-- readme-test: skip (REASON) -->``. Only ```bash blocks
  may be skipped, at most ``MAX_SKIPPED`` of them, and each is checked as far as it can be
  without running it: the files and extras it names exist, a ``symrelu`` subcommand's ``--help``
  runs and knows every option used, and the test command is the one CI runs.

Everything runs in a temporary directory, so a block that writes files (``symrelu report``)
never writes into the repository.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib.metadata
import io
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MAX_SKIPPED = 2
SKIP_MARKER = re.compile(r"^<!-- readme-test: skip \((?P<reason>[^()]*\S[^()]*)\) -->$")
FENCE = re.compile(r"^```(?P<lang>[A-Za-z]*)\s*$")
COMMAND_TIMEOUT_S = 120


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, the README line of its first content line, its text."""

    lang: str
    line: int
    text: str
    skip_reason: str | None

    @property
    def first_line(self) -> str:
        return self.text.splitlines()[0] if self.text else ""


def read_blocks(path: Path = README) -> list[Block]:
    """The fenced code blocks of a markdown file, each with the skip marker before it, if any."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        if j == len(lines):
            raise AssertionError(f"README.md:{start + 1}: code fence never closed")
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        marker = SKIP_MARKER.match(lines[k].strip()) if k >= 0 else None
        blocks.append(Block(lang=m["lang"], line=start + 2, text="\n".join(lines[start + 1:j]) + "\n",
                            skip_reason=marker["reason"].strip() if marker else None))
        i = j + 1
    return blocks


BLOCKS = read_blocks()


def block_id(b: Block) -> str:
    return f"README.md:{b.line} {b.first_line[:48]}"


# ---------------------------------------------------------------------------------------------
# Which blocks run, which are skipped


def block_problems(blocks: list[Block], text: str) -> list[str]:
    """Why the blocks of a README are not all run or explicitly skipped (empty: they are)."""
    problems = []
    # every marker sits right before a block (a stray one would skip nothing, silently)
    n_markers = sum(1 for ln in text.splitlines() if "readme-test:" in ln)
    skipped = [b for b in blocks if b.skip_reason is not None]
    if n_markers != len(skipped):
        problems.append("a readme-test marker that does not precede a code block or has no reason")
    if len(skipped) > MAX_SKIPPED:
        problems.append(f"{len(skipped)} blocks skipped (at most {MAX_SKIPPED}): run them instead")
    for b in blocks:
        where = block_id(b)
        if b.skip_reason is not None:
            if b.lang != "bash":
                problems.append(f"{where}: only bash blocks may be skipped")
        elif b.lang == "text":
            if not session_commands(b):
                problems.append(f"{where}: a text block must be a `$ symrelu` session")
        elif b.lang != "python":
            problems.append(f"{where}: a ```{b.lang} block is neither run nor marked skipped")
    return problems


def test_every_block_runs_or_is_marked_skipped_with_a_reason():
    assert len([b for b in BLOCKS if b.lang == "python"]) >= 3, "parser lost the python blocks"
    assert any(b.lang == "text" for b in BLOCKS), "parser lost the command-line tour"
    assert block_problems(BLOCKS, README.read_text(encoding="utf-8")) == []


def test_block_problems_finds_unrun_blocks(tmp_path):
    """The completeness check itself: each way of leaving a block unrun is caught."""
    cases = {
        "```bash\npip install x\n```\n": "neither run nor marked",
        "```\nplain\n```\n": "neither run nor marked",
        "```text\nno prompt\n```\n": "must be a `$ symrelu` session",
        "<!-- readme-test: skip () -->\n```bash\nx\n```\n": "does not precede",
        "<!-- readme-test: skip (why) -->\n\ntext\n\n```bash\nx\n```\n": "does not precede",
        "<!-- readme-test: skip (why) -->\n```python\nx = 1\n```\n": "only bash blocks",
        "".join("<!-- readme-test: skip (r) -->\n```bash\nx\n```\n" for _ in range(3)):
            "blocks skipped",
    }
    for text, problem in cases.items():
        path = tmp_path / "README.md"
        path.write_text(text, encoding="utf-8")
        found = block_problems(read_blocks(path), text)
        assert any(problem in p for p in found), (text, found)
    ok = "<!-- readme-test: skip (why) -->\n\n```bash\nx\n```\n```text\n$ symrelu coeffs 2\n```\n"
    path.write_text(ok, encoding="utf-8")
    assert block_problems(read_blocks(path), ok) == []


# ---------------------------------------------------------------------------------------------
# Python blocks

PYTHON = [b for b in BLOCKS if b.lang == "python" and b.skip_reason is None]


@pytest.mark.parametrize("block", PYTHON, ids=[block_id(b) for b in PYTHON])
def test_python_block(block: Block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    globs: dict = {"__name__": "__readme__"}
    if ">>>" in block.text:
        flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
        test = doctest.DocTestParser().get_doctest(block.text, globs, "README.md", str(README),
                                                   block.line - 1)
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=flags)
        result = runner.run(test, out=report.append, clear_globs=True)
        assert result.attempted > 0
        if result.failed:
            pytest.fail("".join(report), pytrace=False)
    else:
        code = compile("\n" * (block.line - 1) + block.text, str(README), "exec")
        exec(code, globs)


# ---------------------------------------------------------------------------------------------
# Shell sessions (```text)


def normalise(output: str) -> str:
    """Trailing whitespace and leading/trailing blank lines dropped, one final newline."""
    text = "\n".join(ln.rstrip() for ln in output.splitlines()).strip("\n")
    return text + "\n" if text else ""


def output_matches(shown: str, printed: str) -> bool:
    """Whether a command's output is what the README shows (``...`` stands for any text)."""
    return doctest.OutputChecker().check_output(normalise(shown), normalise(printed),
                                                doctest.ELLIPSIS)


@dataclass(frozen=True)
class Command:
    line: int
    argv: tuple[str, ...]
    expected: str


def session_commands(block: Block) -> list[Command]:
    """The ``$`` commands of a text block, each with the output shown under it."""
    cmds: list[Command] = []
    lines = block.text.splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.startswith("$ ")]
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        argv = tuple(shlex.split(lines[i][2:], comments=True))
        cmds.append(Command(line=block.line + i, argv=argv,
                            expected=normalise("\n".join(lines[i + 1:end]))))
    if starts and starts[0] != 0:  # output under no command would never be checked
        return []
    return cmds


COMMANDS = [c for b in BLOCKS if b.lang == "text" and b.skip_reason is None
            for c in session_commands(b)]


def run_symrelu(argv, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``symrelu ARGS`` as the console script does (its entry point is checked below)."""
    path = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return subprocess.run([sys.executable, "-m", "symrelu.cli.main", *argv], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=COMMAND_TIMEOUT_S)


def test_symrelu_console_script_is_the_module_the_tests_run():
    (ep,) = importlib.metadata.entry_points(group="console_scripts", name="symrelu")
    assert ep.value == "symrelu.cli.main:main"


def _needs_tex(argv) -> bool:
    return argv[:2] == ("symrelu", "report") and any(a.endswith(".pdf") for a in argv)


@pytest.mark.parametrize("cmd", COMMANDS, ids=[f"README.md:{c.line} {' '.join(c.argv)[:48]}"
                                               for c in COMMANDS])
def test_shell_command(cmd: Command, tmp_path):
    assert cmd.argv and cmd.argv[0] == "symrelu", f"README.md:{cmd.line}: only symrelu commands run"
    if _needs_tex(cmd.argv):
        from symrelu.derivations.build import tex_engine

        if tex_engine() is None:
            pytest.skip("no TeX engine: the README shows the PDF build (CI installs latexmk)")
    proc = run_symrelu(cmd.argv[1:], tmp_path)
    where = f"README.md:{cmd.line}: $ {' '.join(cmd.argv)}"
    assert proc.returncode == 0, f"{where}\nexit code {proc.returncode}\n{proc.stdout}"
    if not output_matches(cmd.expected, proc.stdout):
        got = normalise(proc.stdout)
        pytest.fail(f"{where}\n--- README shows\n{cmd.expected}--- the command printed\n{got}",
                    pytrace=False)


def test_session_parsing_and_matching():
    """The conventions stated in the module docstring, on a made-up session."""
    text = ("$ symrelu coeffs 2   # a comment to the reader\nn  a_n \n0  1\n\n"
            '$ symrelu dc "1@5 + 0.5@7:0.3" --digits 5\nx\n...\nz\n')
    (one, two) = session_commands(Block(lang="text", line=10, text=text, skip_reason=None))
    assert (one.line, one.argv, one.expected) == (10, ("symrelu", "coeffs", "2"), "n  a_n\n0  1\n")
    assert two.line == 14 and two.argv == ("symrelu", "dc", "1@5 + 0.5@7:0.3", "--digits", "5")
    assert output_matches(two.expected, "x\ny1\ny2\nz  \n\n")
    assert not output_matches(two.expected, "x\nz\n")           # `...` stands for at least a line
    assert not output_matches(two.expected, "x\ny\nz\nextra\n")   # nothing after the last line
    assert not output_matches(one.expected, "n  a_n\n0  2\n")
    assert not output_matches(one.expected, "n a_n\n0 1\n")       # columns are compared as shown


# ---------------------------------------------------------------------------------------------
# Skipped blocks: check what can be checked without running them

SKIPPED = [b for b in BLOCKS if b.skip_reason is not None]


def _declared_extras() -> set[str]:
    """The extras of pyproject.toml's [project.optional-dependencies] table (no tomllib on 3.10)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = text.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*=", table, flags=re.M))


def _check_pip_install(argv: list[str], where: str) -> None:
    extras = _declared_extras()
    args = iter(argv[2:])
    for a in args:
        if a == "-c":
            assert (ROOT / next(args)).is_file(), f"{where}: constraints file missing"
        elif a == "-e":
            spec = next(args)
            m = re.fullmatch(r"\.\[(?P<extras>[\w,]+)\]", spec)
            assert m, f"{where}: expected an editable install of the project with extras"
            for extra in m["extras"].split(","):
                assert extra in extras, f"{where}: pyproject.toml has no extra {extra!r}"
        else:
            raise AssertionError(f"{where}: pip option {a!r} not checked by this test")


def symrelu_help(path: list[str]) -> str:
    """``symrelu PATH --help`` through the console script's own function; its text."""
    from symrelu.cli.main import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            rc = main([*path, "--help"])
        except SystemExit as exc:
            rc = exc.code
    assert rc == 0, f"symrelu {' '.join(path)} --help exited with {rc}:\n{buf.getvalue()}"
    return buf.getvalue()


def _mentions(help_text: str, option: str) -> bool:
    return re.search(rf"(^|[\s,\[]){re.escape(option)}\b", help_text) is not None


def _check_symrelu(argv: list[str], where: str) -> None:
    text = symrelu_help(argv[1:2])
    for opt in (a for a in argv[2:] if a.startswith("-")):
        assert _mentions(text, opt), f"{where}: `symrelu {argv[1]} --help` does not mention {opt}"


def _check_test_command(command: str, where: str) -> None:
    """CI's entry point runs the README's test command as one of its lines (maybe in a subshell)."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in {ln.strip().removeprefix("(").removesuffix(")") for ln in ci}, \
        f"{where}: .ci/run does not run the README's test command"


@pytest.mark.parametrize("block", SKIPPED, ids=[block_id(b) for b in SKIPPED])
def test_skipped_block_is_checked_without_running_it(block: Block):
    (command,) = [ln.strip() for ln in block.text.splitlines() if ln.strip()]
    where = f"README.md:{block.line} ({block.skip_reason})"
    parts = [shlex.split(p) for p in command.split("&&")]
    for argv in parts:
        if argv[:2] == ["pip", "install"]:
            _check_pip_install(argv, where)
        elif argv[0] == "symrelu":
            _check_symrelu(argv, where)
        elif argv == ["python", "-m", "pytest"]:
            _check_test_command(command, where)
        else:
            raise AssertionError(f"{where}: no check for {' '.join(argv)!r}")


def test_paper_help_names_the_folder_the_readme_names():
    """The first command's build goes where the README says, and --out can send it elsewhere."""
    text = symrelu_help(["paper"])
    assert _mentions(text, "--out") and "./symrelu-paper/" in text
    assert "`./symrelu-paper/`" in README.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Commands quoted in the prose (`symrelu ...` in backticks): each exists with the options shown

PLACEHOLDERS = {"NAME", "SIGNAL", "COMMAND", "..."}


def inline_commands(text: str) -> list[str]:
    """Inline code spans of the prose (outside fenced blocks) that start with ``symrelu``."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M).replace("\n", " ")
    return sorted(set(re.findall(r"`(symrelu(?: [^`]*)?)`", prose)))


INLINE = inline_commands(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("span", INLINE)
def test_inline_command_exists_with_its_options(span: str):
    words = shlex.split(span)[1:]
    path: list[str] = []
    globals_used: list[str] = []
    i = 0
    while i < len(words) and words[i].startswith("-"):      # options before the command
        globals_used.append(words[i])
        i += 2 if i + 1 < len(words) and not words[i + 1].startswith("-") else 1
    if i < len(words) and words[i] not in PLACEHOLDERS:
        path.append(words[i])
        if words[i] == "experiment" and i + 1 < len(words) and words[i + 1] not in PLACEHOLDERS:
            path.append(words[i + 1])
    top = symrelu_help([])
    for opt in globals_used:
        if opt != "--help":
            assert _mentions(top, opt), f"`{span}`: `symrelu --help` does not mention {opt}"
    text = symrelu_help(path) if path else top
    rest = [w.strip("[]").split("=")[0] for w in words[i + len(path):]]
    for opt in (w for w in rest if w.startswith("--")):
        assert _mentions(text, opt), f"`{span}`: `symrelu {' '.join(path)} --help` lacks {opt}"


@pytest.mark.parametrize("span", ["symrelu paper --out-dir x", "symrelu closed-form SIGNAL [--latx]",
                                  "symrelu --time-limits 5 dc", "symrelu experiment ve"])
def test_inline_command_check_catches_stale_commands(span: str):
    with pytest.raises(AssertionError):
        test_inline_command_exists_with_its_options(span)
