"""--output: every format to a file, nothing on stdout, and a file replaced only by a complete one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

import pytest
from helpers import assert_usage_error, lrsched

from lrsched_cli.errors import LrschedError
from lrsched_cli.output import WRITERS, Format, RateError, Series
from lrsched_cli.output.destination import destination

CASE = ["cosine", "--lr", "0.1", "--min-lr", "0.001"]


@pytest.mark.parametrize("fmt", ["blog", "table", "csv", "json", "jsonl", "plot"])
def test_every_text_format_writes_to_the_file_what_it_would_print(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"rates.{fmt}"
    result = lrsched(*CASE, "-f", fmt, "--output", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert path.read_text(encoding="utf-8") == lrsched(*CASE, "-f", fmt).stdout
    assert b"\r" not in path.read_bytes()


def test_a_dash_means_stdout() -> None:
    assert lrsched(*CASE, "-o", "-").stdout == lrsched(*CASE).stdout


def test_an_existing_file_is_replaced_and_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("old\n")
    path.chmod(0o640)
    assert lrsched(*CASE, "-f", "csv", "-o", str(path)).exit_code == 0
    assert path.read_text().startswith("epoch,lr\n1,0.1\n")
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        lrsched(*CASE, "-o", str(tmp_path / "new.txt"))
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


def test_an_overflow_mid_stream_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """torch's ExponentialLR grows with gamma > 1: inf at row 7473, after a chunk was written."""
    path = tmp_path / "rates.csv"
    path.write_text("the old rates\n")
    result = lrsched(
        "from", "ExponentialLR(opt, gamma=1.1)", "--lr", "0.1", "-n", "9000", "-f", "csv", "-o", str(path)
    )
    assert_usage_error(result, "row 7473 is inf")
    assert path.read_text() == "the old rates\n"
    assert os.listdir(tmp_path) == ["rates.csv"]


def _writes_then(failure: BaseException) -> object:
    def writer(out: TextIO, series: Series, precision: int) -> None:
        out.write("epoch,lr\n1,0.1\n" * 1000)
        out.flush()
        raise failure

    return writer


@pytest.mark.parametrize(
    ("failure", "exit_code"),
    [(RateError(3, float("inf")), 2), (KeyboardInterrupt(), 130)],
    ids=["overflow", "ctrl-c"],
)
def test_a_failure_inside_the_writer_leaves_the_old_file_and_no_temporary(
    failure: BaseException, exit_code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(WRITERS, Format.csv, _writes_then(failure))
    path = tmp_path / "rates.csv"
    path.write_text("the old rates\n")
    result = lrsched(*CASE, "-f", "csv", "-o", str(path), catch=True)
    assert result.exit_code == exit_code
    assert path.read_text() == "the old rates\n"
    assert os.listdir(tmp_path) == ["rates.csv"]


def test_without_a_previous_file_a_failure_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    with pytest.raises(RuntimeError), destination(path) as out:
        out.write("half")
        raise RuntimeError("injected")
    assert os.listdir(tmp_path) == []


def test_the_file_appears_only_when_the_block_completes(tmp_path: Path) -> None:
    path = tmp_path / "rates.txt"
    with destination(path) as out:
        out.write("rows\n")
        out.flush()
        assert not path.exists()
    assert path.read_text() == "rows\n"


@pytest.mark.parametrize(
    ("where", "message"),
    [("missing/rates.csv", "No such file or directory"), (".", "is a folder, not a file")],
)
def test_an_unwritable_output_is_a_usage_error(where: str, message: str, tmp_path: Path) -> None:
    result = lrsched(*CASE, "-o", str(tmp_path / where))
    assert_usage_error(result, "'--output'", message)


def test_destination_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(LrschedError) as caught, destination(tmp_path):
        pass
    assert caught.value.param == "output"


def test_through_a_symlink_the_linked_file_is_replaced_and_the_link_kept(tmp_path: Path) -> None:
    """A config folder linking to a shared file: the link stays, the file it names gets the rows."""
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "rates.csv"
    target.write_text("old\n")
    link = tmp_path / "rates.csv"
    link.symlink_to(target)
    assert lrsched(*CASE, "-f", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert target.read_text().startswith("epoch,lr\n1,0.1\n")
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["rates.csv"]


def test_a_named_pipe_is_written_not_replaced(tmp_path: Path) -> None:
    """Like /dev/null or /dev/stdout: renaming over it would replace the pipe (or, as root, the
    device) with a regular file, and the reader would get nothing."""
    import threading

    fifo = tmp_path / "rates.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = lrsched(*CASE, "-f", "csv", "-n", "2", "-o", str(fifo))
    if reader.is_alive():  # the old code never opened the pipe: unblock the reader
        with open(fifo, "w"):
            pass
    reader.join(5)
    assert result.exit_code == 0, result.stderr
    assert fifo.is_fifo()
    assert received == ["epoch,lr\n1,0.1\n2,0.0505\n"]
    assert [p.name for p in tmp_path.iterdir()] == ["rates.fifo"]


@pytest.mark.parametrize(
    "name", ["r" * 241, "r" * 242, "r" * 255, "é" * 127], ids=["241", "242", "255", "254 bytes of UTF-8"]
)
def test_every_valid_file_name_can_be_written_and_leaves_no_temporary(name: str, tmp_path: Path) -> None:
    """The temporary file's name is PATH's, cut to fit: at 242 bytes and more it outgrew 255."""
    result = lrsched(*CASE, "-f", "csv", "-o", str(tmp_path / name))
    assert (result.exit_code, result.stderr) == (0, "")
    assert os.listdir(tmp_path) == [name]
    assert (tmp_path / name).read_text().startswith("epoch,lr\n")


def test_a_file_name_too_long_is_a_usage_error(tmp_path: Path) -> None:
    result = lrsched(*CASE, "-o", str(tmp_path / ("r" * 256)))
    assert_usage_error(result, "'--output'", "File name too long")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("existing", [True, False], ids=["existing folder", "new folder"])
def test_a_name_ending_in_a_slash_names_a_folder_and_is_a_usage_error(existing: bool, tmp_path: Path) -> None:
    """``-o out/`` wrote a file named ``out``: the slash says a folder is meant."""
    if existing:
        (tmp_path / "out").mkdir()
    result = lrsched(*CASE, "-o", f"{tmp_path / 'out'}/")
    assert_usage_error(result, "'--output'", "must name a file, not a folder", f"{tmp_path / 'out'}/")
    assert (tmp_path / "out").is_dir() == existing
    assert os.listdir(tmp_path) == (["out"] if existing else [])
    if existing:
        assert os.listdir(tmp_path / "out") == []


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("rates.csv", "epoch,lr\n1,0.1\n"),
        ("rates.json", '{"schedule": "cosine", "params": {'),
        ("rates.jsonl", '{"epoch": 1, "lr": 0.1}\n'),
        ("rates.txt", "Epoch 1, Learning Rate: 0.100000\n"),
        ("rates.CSV", "epoch,lr\n1,0.1\n"),
        ("rates.out", "Epoch 1, Learning Rate: 0.100000\n"),  # an unknown extension: the default
        ("rates", "Epoch 1, Learning Rate: 0.100000\n"),
    ],
)
def test_without_format_a_known_extension_chooses_it(name: str, starts: str, tmp_path: Path) -> None:
    result = lrsched(*CASE, "-o", str(tmp_path / name))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / name).read_text().startswith(starts)


def test_an_image_extension_writes_the_image(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")  # the test extra installs it; test_image covers its absence
    assert lrsched(*CASE, "-o", str(tmp_path / "r.png")).exit_code == 0
    assert (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG\r\n")
    assert lrsched(*CASE, "-o", str(tmp_path / "r.svg")).exit_code == 0
    assert b"<svg" in (tmp_path / "r.svg").read_bytes()


@pytest.mark.parametrize(("fmt", "name"), [("table", "rates.txt"), ("plot", "rates.txt"), ("csv", "r.csv")])
def test_a_format_the_extension_allows_is_written(fmt: str, name: str, tmp_path: Path) -> None:
    assert lrsched(*CASE, "-f", fmt, "-o", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / name).read_text() == lrsched(*CASE, "-f", fmt).stdout


@pytest.mark.parametrize(
    ("fmt", "name"), [("csv", "rates.json"), ("blog", "rates.csv"), ("json", "rates.txt")]
)
def test_a_format_the_extension_contradicts_is_a_usage_error_naming_both(
    fmt: str, name: str, tmp_path: Path
) -> None:
    result = lrsched(*CASE, "-f", fmt, "-o", str(tmp_path / name))
    assert_usage_error(result, "'--format'", f"--format {fmt} contradicts --output", name)
    assert os.listdir(tmp_path) == []


def test_compare_infers_the_format_too_with_table_for_text(tmp_path: Path) -> None:
    specs = ["step --lr 0.1 --step-size 2", "cosine --lr 0.1"]
    assert lrsched("compare", *specs, "-n", "2", "-o", str(tmp_path / "c.csv")).exit_code == 0
    assert (
        tmp_path / "c.csv"
    ).read_text() == "epoch,step --lr 0.1 --step-size 2,cosine --lr 0.1\n1,0.1,0.1\n2,0.1,0.05\n"
    assert lrsched("compare", *specs, "-n", "2", "-o", str(tmp_path / "c.txt")).exit_code == 0
    assert (tmp_path / "c.txt").read_text() == lrsched("compare", *specs, "-n", "2").stdout
    result = lrsched("compare", *specs, "-f", "json", "-o", str(tmp_path / "c.jsonl"))
    assert_usage_error(result, "'--format'", "--format json contradicts --output")
