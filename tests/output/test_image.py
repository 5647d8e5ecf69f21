"""Image files: PNG and SVG that open, with their title and axes; a clear error without matplotlib.

matplotlib is the optional extra ``image``, which ``pip install ".[test]"`` does not install. The
tests that draw need it and are skipped without it; the tests of its absence simulate it, so
they run everywhere.
"""

from __future__ import annotations

import importlib.util
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import assert_usage_error, lrsched

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
needs_matplotlib = pytest.mark.skipif(
    not HAS_MATPLOTLIB, reason="the image extra is not installed; see test_without_matplotlib_*"
)
CASE = ["cosine-restarts", "--lr", "0.1", "--t-0", "5", "--t-mult", "2", "-n", "35"]
SVG = "{http://www.w3.org/2000/svg}"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk, which must come first."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@needs_matplotlib
def test_png_opens_at_800_by_450(tmp_path: Path) -> None:
    path = tmp_path / "rates.png"
    result = lrsched(*CASE, "-f", "png", "-o", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    data = path.read_bytes()
    assert png_size(data) == (800, 450)
    assert len(data) > 10_000  # a drawn chart, not an empty canvas
    assert data.endswith(b"IEND\xaeB`\x82")  # complete


@needs_matplotlib
@pytest.mark.parametrize("log_y", [False, True])
def test_svg_parses_with_title_axes_and_caption(tmp_path: Path, log_y: bool) -> None:
    path = tmp_path / "rates.svg"
    result = lrsched(*CASE, "-f", "svg", "-o", str(path), *(["--log-y"] if log_y else []))
    assert result.exit_code == 0, result.stderr
    assert path.stat().st_size > 10_000
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    texts = " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))
    assert "cosine-restarts: lr=0.1, t_0=5, t_mult=2" in texts
    assert "epoch" in texts and "learning rate" in texts
    assert "peak 0.1 at epoch 1, final 0.000615583 at epoch 35" in texts
    assert any(line.get("id", "").startswith("line2d") for line in root.iter(f"{SVG}g"))


@needs_matplotlib
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_the_same_schedule_gives_the_same_bytes(fmt: str, tmp_path: Path) -> None:
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    lrsched(*CASE, "-f", fmt, "-o", str(first))
    lrsched(*CASE, "-f", fmt, "-o", str(second))
    assert first.read_bytes() == second.read_bytes()


@needs_matplotlib
def test_several_labelled_series_share_one_image() -> None:
    """What compare draws: a legend names each series."""
    from lrsched_cli.output import Series
    from lrsched_cli.output.figure import Look
    from lrsched_cli.output.image import render

    curves = [("fast", Series("a", {}, [0.1, 0.05, 0.02])), ("slow", Series("b", {}, [0.1, 0.09, 0.08]))]
    root = ET.fromstring(render(curves, Look(title="two"), "svg"))
    texts = [("".join(node.itertext())) for node in root.iter(f"{SVG}text")]
    assert "fast" in texts and "slow" in texts
    assert (
        "fast: peak 0.1 at epoch 1, final 0.02 at epoch 3\nslow: peak 0.1 at epoch 1, final 0.08 at epoch 3"
        in ("\n".join(texts))
    )


@pytest.fixture
def without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every ``import matplotlib...`` fail, as on an install without the image extra."""
    for name in [name for name in sys.modules if name.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_without_matplotlib_an_image_is_a_usage_error_saying_how_to_install_it(
    fmt: str, tmp_path: Path, without_matplotlib: None
) -> None:
    path = tmp_path / f"rates.{fmt}"
    path.write_text("the old image")
    result = lrsched(*CASE, "-f", fmt, "-o", str(path))
    assert_usage_error(
        result,
        "'--format'",
        f"{fmt} images need matplotlib",
        'pip install "lrsched-cli[image]"',
        'from a source checkout: pip install ".[image]"',  # the way README's install section installs
    )
    assert path.read_text() == "the old image"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_without_matplotlib_the_plot_and_text_formats_still_work(
    tmp_path: Path, without_matplotlib: None
) -> None:
    assert lrsched(*CASE, "-f", "plot").exit_code == 0
    assert lrsched(*CASE, "-f", "csv", "-o", str(tmp_path / "r.csv")).exit_code == 0


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("output", [[], ["-o", "-"]])
def test_an_image_needs_a_file(fmt: str, output: list[str]) -> None:
    assert_usage_error(
        lrsched(*CASE, "-f", fmt, *output), "'--output'", f"must name a file with --format {fmt}"
    )


@needs_matplotlib
def test_a_single_row_is_drawn_as_a_point(tmp_path: Path) -> None:
    """A line through one point draws nothing: the only rate must still show."""
    import io

    from matplotlib.image import imread

    path = tmp_path / "one.png"
    assert lrsched("cosine", "--lr", "0.1", "-n", "1", "-f", "png", "-o", str(path)).exit_code == 0
    pixels = imread(io.BytesIO(path.read_bytes()), format="png")
    blue = (abs(pixels[..., 0] - 0x1F / 255) < 0.05) & (abs(pixels[..., 2] - 0xB4 / 255) < 0.05)
    assert blue.sum() > 10  # matplotlib's first line colour, #1f77b4


@needs_matplotlib
@pytest.mark.parametrize("lr", ["1.7e308", "8e307", "5e-324"])
@pytest.mark.parametrize("log_y", [[], ["--log-y"]])
def test_rates_near_the_float_limits_make_an_image(lr: str, log_y: list[str], tmp_path: Path) -> None:
    """matplotlib's tick arithmetic overflowed near 1.8e308: the rates are drawn scaled."""
    path = tmp_path / "rates.svg"
    result = lrsched(
        "constant", "--lr", lr, "--factor", "0.5", "-n", "8", "-f", "svg", "-o", str(path), *log_y
    )
    assert result.exit_code == 0, result.stderr
    assert "learning rate (x 1e" in path.read_text()
