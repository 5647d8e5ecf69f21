"""Image files (``--format png|svg --output PATH``), drawn with matplotlib's Agg backend.

matplotlib is the optional extra ``image`` (``pip install "lrsched-cli[image]"``, or
``pip install ".[image]"`` in a source checkout): it is imported
here only, and only when an image is asked for; without it the user gets a usage error that says
how to install it. No pyplot, so no GUI backend and no global figure state.
"""

from __future__ import annotations

import io
import textwrap

from lrsched_cli.errors import LrschedError
from lrsched_cli.output.figure import Curves, Look, sample_all
from lrsched_cli.output.series import unit_of

INSTALL = 'pip install "lrsched-cli[image]" (from a source checkout: pip install ".[image]")'
"""How to get the extra, installed from the package index or from the source tree."""
SIZE = (8.0, 4.5)
"""Inches; at 100 dpi, an 800 x 450 PNG."""
DPI = 100


def render(curves: Curves, look: Look, kind: str) -> bytes:
    """The file's bytes, ``kind`` ``png`` or ``svg``, of one or several labelled series.

    ``curves`` is a list of (label, series): a schedule command passes one, ``compare`` several,
    which then get a legend. The title is ``look.title``; the caption under it gives each
    series' exact peak and final rate.
    """
    try:
        from matplotlib import rc_context
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise LrschedError("format", f"{kind} images need matplotlib: {INSTALL}") from None

    sampled, power = sample_all(curves, log_y=look.log_y)
    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for curve in sampled:
        xs = [curve.epoch(row) for row, _ in curve.points]
        marker = "o" if len(curve.points) == 1 else None  # a line through one point draws nothing
        axes.plot(xs, [rate for _, rate in curve.points], label=curve.label, linewidth=1.5, marker=marker)
    several = len(sampled) > 1
    captions = [(f"{c.label}: " if several else "") + c.caption(look.precision) for c in sampled]
    if look.title:
        figure.suptitle(textwrap.fill(look.title, 90), fontsize="medium")
    axes.set_title("\n".join(captions), fontsize="small", color="0.3")
    axes.set_xlabel(unit_of(series for _, series in curves))
    axes.set_ylabel("learning rate" + (f" (x 1e{power})" if power else ""))
    if look.log_y:
        axes.set_yscale("log")
    elif all(rate >= 0 for curve in sampled for _, rate in curve.points):
        axes.set_ylim(bottom=0)  # how far the rate falls, seen against zero
    axes.grid(True, which="major", alpha=0.4)
    if several:
        axes.legend()
    buffer = io.BytesIO()
    # No timestamp or software name in the file: the same schedule gives the same bytes.
    metadata = {"Date": None} if kind == "svg" else {"Software": None}
    # SVG text stays text (searchable, selectable); a fixed salt gives the same ids every run
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "lrsched"}):
        figure.savefig(buffer, format=kind, metadata=metadata)
    return buffer.getvalue()
