"""The project's figure look, applied locally (never through global rcParams).

Figures are sized for a paper column (3.4 in wide) or the full text width
(7.0 in), use one palette and one set of font sizes, and are saved as PNG and
PDF together through :func:`save_figure`, atomically.

Use :func:`figure` to create figures inside the project's style context::

    with style():
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH, 2.4))
        ...
    save_figure(fig, "reports/va/fig1")

matplotlib is imported lazily, inside the functions, so importing this module
costs nothing.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from symrelu.numeric.results import atomic_write_bytes

__all__ = ["COLUMN_WIDTH", "TEXT_WIDTH", "PALETTE", "RC", "style", "save_figure"]

COLUMN_WIDTH = 3.4
TEXT_WIDTH = 7.0

#: Colour-blind-safe palette (Okabe-Ito), used in this order across the project.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

RC: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "lines.linewidth": 1.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.5,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "figure.dpi": 100,
    "pdf.fonttype": 42,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying the project's look to figures created inside it.

    Selects the non-interactive Agg backend only for the figures made here
    (through ``rc_context``); nothing global is changed.
    """
    import matplotlib
    from cycler import cycler

    rc = dict(RC)
    rc["axes.prop_cycle"] = cycler(color=list(PALETTE))
    with matplotlib.rc_context(rc):
        yield


def save_figure(
    fig: Any, stem: str | os.PathLike, formats: tuple[str, ...] = ("png", "pdf")
) -> list[Path]:
    """Save ``fig`` as ``stem.png`` and ``stem.pdf`` atomically; return the paths.

    The figure is closed afterwards so long runs do not accumulate figures.
    PDF metadata dates are omitted so repeated runs give identical files.
    """
    import matplotlib.pyplot as plt

    stem = Path(stem)
    paths = []
    for fmt in formats:
        buf = io.BytesIO()
        kwargs: dict[str, Any] = {"format": fmt}
        if fmt == "pdf":
            kwargs["metadata"] = {"CreationDate": None, "ModDate": None}
        elif fmt == "png":
            kwargs["metadata"] = {"Software": None}
        with style():
            fig.savefig(buf, **kwargs)
        paths.append(atomic_write_bytes(stem.with_suffix("." + fmt), buf.getvalue()))
    plt.close(fig)
    return paths
