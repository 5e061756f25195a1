"""``import symrelu`` against ``import sympy``, measured in the same run (run on demand).

    python tests/benchmarks/bench_import.py [--rounds 7] [--source DIR ...]

Each round starts fresh interpreters, one per import (``python -c "import sympy"``, then
``python -c "import symrelu"``), so the two see the same machine load; the best wall time and
the best CPU time (the child's user + system time, which other load disturbs less) of each
over the rounds are kept and the ratios symrelu / sympy printed. The target is a ratio under
1.5 (issue 14); exit status 1 when neither ratio meets it.

``--source DIR`` also times ``import symrelu`` from another source tree (a checkout or a
``git archive`` of an older commit: DIR holds its ``symrelu/`` folder), in the same rounds,
for a before/after comparison. Run ``python -X importtime -c "import symrelu"`` to see
which modules the time goes to.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

TARGET = 1.5
#: the children run here, so the checkout's folder is not on their path (``python -c`` puts
#: the working directory first): ``import symrelu`` finds the installed package, as a user's
CWD = tempfile.mkdtemp(prefix="bench_import_")


def timed(code: str, path: str | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of ``python -c code`` in a fresh interpreter (``path`` first on
    sys.path); CPU is the child's user + system time, which other load disturbs less."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = path + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=CWD)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"python -c {code!r} failed (exit {child.returncode})")
    return elapsed, usage.ru_utime + usage.ru_stime


def where(path: str) -> str:
    """The file ``import symrelu`` reads with ``path`` first (checks --source takes effect)."""
    env = dict(os.environ, PYTHONPATH=path)
    out = subprocess.run([sys.executable, "-c", "import symrelu; print(symrelu.__file__)"],
                         check=True, env=env, capture_output=True, text=True, cwd=CWD)
    return out.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--source", action="append", default=[],
                        help="also time `import symrelu` from this source tree")
    args = parser.parse_args(argv)
    for path in args.source:
        found = where(path)
        if not found.startswith(os.path.abspath(path) + os.sep):
            print(f"--source {path}: `import symrelu` reads {found}, not that tree")
            return 2
    cases = [("sympy", "import sympy", None), ("symrelu", "import symrelu", None)]
    cases += [(f"symrelu from {p}", "import symrelu", p) for p in args.source]
    timed("import sympy")  # warm the disk cache once; not counted
    wall = {name: float("inf") for name, _, _ in cases}
    cpu = dict(wall)
    for _ in range(max(1, args.rounds)):
        for name, code, path in cases:
            w, c = timed(code, path)
            wall[name], cpu[name] = min(wall[name], w), min(cpu[name], c)
    print(f"{'import':40} {'wall s':>7} {'/ sympy':>8} {'CPU s':>7} {'/ sympy':>8}"
          f"   (best of {args.rounds} rounds)")
    for name, _, _ in cases:
        print(f"{name:40} {wall[name]:>7.3f} {wall[name] / wall['sympy']:>8.2f} "
              f"{cpu[name]:>7.3f} {cpu[name] / cpu['sympy']:>8.2f}")
    ratio = wall["symrelu"] / wall["sympy"]
    ratio_cpu = cpu["symrelu"] / cpu["sympy"]
    print(f"import symrelu / import sympy = {ratio:.2f} wall, {ratio_cpu:.2f} CPU "
          f"(target < {TARGET})")
    ratio = min(ratio, ratio_cpu)  # a loaded machine inflates one or the other, not the import
    return 0 if ratio < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
