"""Sphinx configuration of symrelu's documentation.

Build (warnings are errors; the tutorial notebook is executed)::

    pip install -c constraints.txt -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference is generated here from each public module's ``__all__`` (pages under
``docs/api/generated/``, not committed), so a name added to ``__all__`` is documented by the
next build and a name without a docstring or with a broken one fails it. The command-line page
is generated from the argparse parsers the ``symrelu`` command itself uses. Nothing is fetched
from the network (no intersphinx).
"""

from __future__ import annotations

import importlib
import inspect
import os
import types
from pathlib import Path

import symrelu

HERE = Path(__file__).resolve().parent
GENERATED = HERE / "api" / "generated"

project = "symrelu"
author = "symrelu developers"
copyright = "2026, symrelu developers"
release = importlib.import_module("symrelu.cli").__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]

exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
html_theme = "alabaster"
html_static_path: list[str] = []
html_title = f"symrelu {release}"

# autodoc / autosummary: one page per public name, documented where users import it
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
# numpydoc: the classes' members are listed by the class template (autoclass :members:)
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# MyST-NB: every notebook runs during the build, and an error in a cell fails the build
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

# ------------------------------------------------------------------------- API pages

#: (module, page title, one-line description) for every public module of the reference
API_MODULES = [
    ("symrelu", "symrelu", "The exact core: signals, activations, the Taylor expansion, "
     "certificates, exact values, closed forms, LaTeX, errors."),
    ("symrelu.budget", "symrelu.budget", "Bounded work: limits on time, memory and digits, "
     "estimates made before the work, progress."),
    ("symrelu.smooth", "symrelu.smooth", "Smooth activations (GELU, SiLU, tanh, sigmoid, "
     "softplus, ELU, SELU, Mish, yours): exact expressions and ball evaluators."),
    ("symrelu.polylens", "symrelu.polylens", "The polynomial lens of a smooth activation: a "
     "polynomial with a proven sup error and an exact spectrum."),
    ("symrelu.exact.smooth_values", "symrelu.exact.smooth_values", "Proven values of smooth "
     "activations: acb.integral over a period, the trapezoidal rule on the torus."),
    ("symrelu.numeric", "symrelu.numeric", "The one door to floats: sampling, FFT spectra, "
     "lambdified signals and expansions, exact samples."),
    ("symrelu.numeric.testing", "symrelu.numeric.testing", "Assert helpers that compare sampled "
     "signals with symrelu's exact values."),
    ("symrelu.numeric.probe_model", "symrelu.numeric.probe_model", "The spectral probe of a "
     "1-D torch model: every activation's spectrum predicted, in band and aliased."),
    ("symrelu.numeric.probe_fold", "symrelu.numeric.probe_fold", "The float engine of the "
     "probe: act(trigonometric interpolant), in band and folded in closed form."),
    ("symrelu.numeric.experiments.va", "Experiment V-A", "Section V-A: the four-tone Taylor "
     "example, Figs. 1-2, the convergence study."),
    ("symrelu.numeric.experiments.vb", "Experiment V-B", "Section V-B: the KID-PPG network's "
     "activations on PPG windows (Fig. 3)."),
    ("symrelu.numeric.experiments.vc", "Experiment V-C", "Section V-C: three CNNs trained on "
     "tones (Fig. 4)."),
    ("symrelu.numeric.experiments.vd", "Experiment V-D", "Section V-D: the untrained CNN's "
     "DC feature (Fig. 5)."),
    ("symrelu.numeric.experiments.torch_activations", "symrelu.numeric.experiments."
     "torch_activations", "The torch function of every activation (V-C's and V-D's "
     "``--activation``)."),
    ("symrelu.derivations", "symrelu.derivations", "The paper's sections as code: the steps of "
     "the paper build."),
    ("symrelu.derivations.assemble", "symrelu.derivations.assemble", "The whole paper: every "
     "section assembled into one document."),
    ("symrelu.derivations.report", "symrelu.derivations.report", "The per-signal report "
     "(``symrelu report``)."),
    ("symrelu.derivations.compare", "symrelu.derivations.compare", "A paper build compared "
     "with the reference build."),
    ("symrelu.derivations.build", "symrelu.derivations.build", "TeX documents and their PDF."),
    *[(f"symrelu.derivations.{name}", f"symrelu.derivations.{name}", title) for name, title in [
        ("sec3_frequency_domain", "Section III: ReLU in the frequency domain."),
        ("sec4_dc_feature", "Section IV: the DC as a feature."),
        ("sec5a_taylor_example", "Section V-A: the Taylor example."),
        ("sec5b_kidppg", "Section V-B: KID-PPG activations."),
        ("sec5c_training", "Section V-C: three CNNs."),
        ("sec5d_zero_training", "Section V-D: the zero-training CNN."),
    ]],
    ("symrelu.cli.main", "symrelu.cli.main", "The ``symrelu`` command's entry point and parser "
     "(the commands themselves: :doc:`cli`)."),
]

#: packages whose docstring is a plain-text table of contents for help(), not reST
CHEAT_SHEETS = {"symrelu", "symrelu.numeric"}

GROUPS = [("Classes", "class"), ("Functions", "function"),
          ("Exceptions and warnings", "exception"), ("Data", "data")]


def _kind(obj: object) -> str | None:
    if isinstance(obj, types.ModuleType):
        return None  # a submodule has its own page
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj):
        return "function"
    return "data"


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _module_page(module_name: str, title: str, about: str) -> str:
    module = importlib.import_module(module_name)
    names = list(module.__all__)
    groups: dict[str, list[str]] = {kind: [] for _, kind in GROUPS}
    for name in names:
        kind = _kind(getattr(module, name))
        if kind:
            groups[kind].append(name)
    lines = [_title(title), about, ""]
    if module_name in CHEAT_SHEETS:
        # a plain-text overview laid out for help(): shown as it is written
        lines += [f".. module:: {module_name}", "", ".. code-block:: text", ""]
        lines += ["   " + ln if ln else "" for ln in inspect.getdoc(module).splitlines()]
        lines.append("")
    else:
        lines += [f".. automodule:: {module_name}", "   :no-members:", ""]
    lines += [f".. currentmodule:: {module_name}", ""]
    for heading, kind in GROUPS:
        if not groups[kind]:
            continue
        lines += [_title(heading, "-"), ".. autosummary::", "   :toctree: .", ""]
        lines += [f"   {name}" for name in groups[kind]]
        lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------------ command-line page


def _cli_page() -> str:
    import argparse

    from symrelu.cli import experiment_cmd
    from symrelu.cli.main import build_parser

    os.environ["COLUMNS"] = "96"  # argparse wraps to the terminal's width: make it fixed
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    lines = [_title("Command line"),
             "Every subcommand of ``symrelu``, with the help it prints (``symrelu COMMAND "
             "--help``). This page is generated from the parser the command uses, so it "
             "shows exactly the options of this version.", "",
             _title("symrelu", "-"), ".. code-block:: text", ""]
    lines += ["   " + ln for ln in parser.format_help().splitlines()] + [""]
    for name, sub_parser in sub.choices.items():
        lines += [_title(f"symrelu {name}", "-"), ".. code-block:: text", ""]
        lines += ["   " + ln for ln in sub_parser.format_help().splitlines()] + [""]
        if name == "experiment":
            for exp, (module_name, _) in experiment_cmd.EXPERIMENTS.items():
                exp_parser = experiment_cmd.config_parser(exp, importlib.import_module(module_name))
                lines += [_title(f"symrelu experiment {exp}", "~"), ".. code-block:: text", ""]
                lines += ["   " + ln for ln in exp_parser.format_help().splitlines()] + [""]
    return "\n".join(lines)


def _write(path: Path, text: str) -> None:
    # rewrite only what changed, so an unchanged page is not read again
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _generate() -> None:
    GENERATED.mkdir(parents=True, exist_ok=True)
    toc = [_title("API reference"),
           "Every public name of symrelu, module by module: the names each module lists in "
           "``__all__``. Each page shows the signature, the numpydoc docstring and its "
           "examples, which run as doctests in the test suite.", "",
           ".. toctree::", "   :maxdepth: 1", ""]
    for module_name, title, about in API_MODULES:
        _write(GENERATED / f"{module_name}.rst", _module_page(module_name, title, about))
        toc.append(f"   {module_name}")
    _write(GENERATED / "index.rst", "\n".join(toc) + "\n")
    _write(GENERATED / "cli.rst", _cli_page())


def _check_coverage() -> None:
    """Every public module of the experiments and the derivations has its page."""
    import pkgutil

    listed = {name for name, _, _ in API_MODULES}
    for package in ("symrelu.numeric.experiments", "symrelu.derivations"):
        path = importlib.import_module(package).__path__
        for info in pkgutil.iter_modules(path):
            name = f"{package}.{info.name}"
            if not info.name.startswith("_") and name not in listed:
                raise RuntimeError(f"docs/conf.py: {name} has no page in API_MODULES")


assert symrelu.__all__  # the reference below is generated from it
_check_coverage()
_generate()
