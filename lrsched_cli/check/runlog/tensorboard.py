"""TensorBoard event files, or the folder of one run, read with tensorboard's own record reader.

An event file is a sequence of records (length, its CRC, an ``Event`` protocol buffer, its CRC);
the first is the file version (``brain.Event:2``). Records are read one at a time with
``tensorboard.compat.tensorflow_stub.pywrap_tensorflow.PyRecordReader_New``, which checks every
CRC and raises on a record cut short (tensorboard's ``EventFileLoader`` would log it and stop,
taking a truncated file for a whole one); no TensorFlow is needed. ``tensorboard`` is the
optional extra ``lrsched-cli[tensorboard]``.

Scalars are float32 (``simple_value``; ``add_scalar`` rounds 0.1 to 0.10000000149...), so they
are compared to float32 precision. Any logger writes these files: the step convention follows
the series' name (`lrsched_cli.check.runlog.CONVENTIONS`: ``train/learning_rate`` from the
transformers Trainer, ``lr-SGD`` from Lightning's LearningRateMonitor, ``lr`` from MMEngine).
A folder holds one run: its event files are read in the order of their names (the time each was
started, as a resumed run starts a new one); event files in several folders are several runs.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lrsched_cli.check.runlog import Log, Points, Reader, convention, is_rate, one_series
from lrsched_cli.errors import InputError

SOURCE = "TensorBoard events"
PATTERN = "events.out.tfevents.*"
SCAN = 10000
"""Records read, at most, to find which series are rates."""
EXTRA = "pip install 'lrsched-cli[tensorboard]'"


def recognise(path: Path, head: bytes) -> bool:
    if not head:
        return bool(_files(path, str(path), check=False))
    return b"brain.Event:" in head[:64]


def _files(path: Path, name: str, check: bool = True) -> list[Path]:
    if not path.is_dir():
        return [path]
    files = sorted(found for found in path.rglob(PATTERN) if found.is_file())
    folders = sorted({str(found.parent.relative_to(path)) for found in files})
    if check and len(folders) > 1:
        shown = ", ".join(folders[:5]) + (", ..." if len(folders) > 5 else "")
        raise InputError(None, f"{name!r} holds the event files of {len(folders)} runs ({shown}): name one")
    return files


def _reader() -> Any:
    try:
        from tensorboard.compat.proto import event_pb2
        from tensorboard.compat.tensorflow_stub import errors
        from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New
    except ImportError:
        raise InputError(
            None, f"reading TensorBoard event files needs the tensorboard package: {EXTRA}"
        ) from None
    return event_pb2, errors, PyRecordReader_New


def _events(file: Path, name: str) -> Iterator[Any]:
    event_pb2, errors, record_reader = _reader()
    from google.protobuf.message import DecodeError

    try:
        records = record_reader(str(file))
    except OSError as error:
        raise InputError(None, f"cannot read {name!r}: {error.strerror or error}") from None
    while True:
        try:
            records.GetNext()
        except errors.OutOfRangeError:
            return
        except errors.DataLossError as error:  # a record cut short, or a CRC that does not match
            raise _bad(name, f"{error.message}: the file is cut short or damaged") from None
        try:
            yield event_pb2.Event.FromString(records.record())
        except DecodeError:
            raise _bad(name, "a record is not an event") from None


def _bad(name: str, why: str) -> InputError:
    return InputError(None, f"{name!r} is not whole TensorBoard events: {why}")


def _scalar(value: Any) -> float | None:
    """A summary value's number: ``simple_value``, or a one-number float tensor (TF 2 writers)."""
    kind = value.WhichOneof("value")
    if kind == "simple_value":
        return float(value.simple_value)
    if kind == "tensor" and value.tensor.dtype == 1 and not value.tensor.tensor_shape.dim:  # DT_FLOAT
        if value.tensor.float_val:
            return float(value.tensor.float_val[0])
        if len(value.tensor.tensor_content) == 4:
            return float(struct.unpack("<f", value.tensor.tensor_content)[0])
    return None


def open_log(path: Path, name: str, tag: str | None) -> Log:
    files = _files(path, name)
    if not files:
        raise InputError(None, f"{name!r} holds no TensorBoard event files ({PATTERN})")
    names: list[str] = []
    for seen, event in enumerate(_events(files[0], name)):
        for value in event.summary.value:
            if _scalar(value) is not None and value.tag not in names:
                names.append(value.tag)
        if seen > SCAN or (tag is None and any(is_rate(n) for n in names)):
            break
    wanted = one_series(name, tag, names, [n for n in names if is_rate(n)], "a learning rate's series")
    counted = convention(wanted)
    return Log(
        name=name,
        source=SOURCE,
        tag=wanted,
        points=_points(files, name, wanted),
        offset=counted.offset,
        float32=True,
        convention=counted.words,
        facts={},
        logger=counted.logger,
    )


def _points(files: list[Path], name: str, tag: str) -> Points:
    for file in files:
        shown = name if len(files) == 1 else str(file)
        for event in _events(file, shown):
            for value in event.summary.value:
                if value.tag == tag:
                    rate = _scalar(value)
                    if rate is None or rate != rate or rate in (float("inf"), float("-inf")):
                        raise _bad(shown, f"step {event.step} has {tag} {rate!r}, not a finite number")
                    if event.step < 0:
                        raise _bad(shown, f"{tag} is logged at step {event.step}")
                    yield event.step, rate


READER = Reader(SOURCE, recognise, open_log)
