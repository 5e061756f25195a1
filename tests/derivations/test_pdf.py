"""The quick paper as a reader sees it: glyphs, captions, tables, and the reproduction report.

Builds ``symrelu paper --quick`` (about 40 s on two cores) into a temporary folder and
reads the PDF back with ``pdftotext``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

import pytest
from symrelu.cli.main import main

pytest.importorskip("torch")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                       reason="needs pdflatex and pdftotext (apt-get install latexmk "
                              "texlive-latex-recommended poppler-utils)"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import contextlib
    import io

    out = tmp_path_factory.mktemp("paper")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["paper", "--quick", "--out", str(out)])
    assert code == 0, stderr.getvalue()[-2000:]
    text = subprocess.run(["pdftotext", "-layout", str(out / "paper.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    return out, text, stdout.getvalue(), stderr.getvalue()


def test_no_broken_glyphs(built):
    _, text, _, _ = built
    # OT1 text fonts print | < > as an em dash and inverted marks unless escaped
    for bad in ("—x—", "¡", "¿"):
        assert bad not in text, bad
    assert "|x|" in text and "≤" in text  # the characters the checks use, printed right


def test_one_accurate_caption_per_figure(built):
    out, text, _, _ = built
    tex = "\n".join(p.read_text() for p in sorted((out / "sections").glob("*.tex")))
    captions = re.findall(r"\\includegraphics\[[^]]*\]\{([^}]*)\}\n\\caption\{(.*)\}", tex)
    assert len(captions) >= 10
    counts = Counter(c for _, c in captions)
    assert max(counts.values()) == 1, counts.most_common(2)
    for path, caption in captions:  # the V-B figures say what each one shows
        if "/vb/" in path:
            stem = path.rsplit("/", 1)[-1].removesuffix(".pdf")
            key = {"fig3": "spectra", "shares": "share", "prediction": "prediction",
                   "hr": "heart rate", "probe": "spectral probe"}[stem]
            assert key in caption, (stem, caption)


def test_experiment_logs_are_tables_not_verbatim(built):
    out, text, _, _ = built
    tex = "\n".join(p.read_text() for p in sorted((out / "sections").glob("*.tex")))
    assert "\\begin{verbatim}" not in tex
    assert "Power shares per channel" in text and "Final epoch, mean" in text


def test_the_build_recomputes_and_reports_what_reproduced(built):
    out, _, stdout, stderr = built
    assert "6 steps run, 0 reused" in stdout
    assert "reproduction against the reference" in stdout
    assert "sec4: reproduces bitwise" in stdout  # Section IV is the same at both sizes
    assert "[vb" in stderr and "reading the KID-PPG weights" in stderr  # V-B's progress
    assert (out / "reproduction.json").is_file()
