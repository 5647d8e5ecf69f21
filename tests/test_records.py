"""`Record`: the immutable named values a plain run defines (cheaper to define than a NamedTuple)."""

from typing import Any

import pytest

from lrsched_cli.records import Record


class Point(Record):
    x: int
    y: int = 0
    label: str | None = None


def test_fields_are_the_annotations_in_order_with_the_class_values_as_defaults() -> None:
    assert Point._fields == ("x", "y", "label")
    assert Point._field_defaults == {"y": 0, "label": None}
    assert Point(1).y == 0 and Point(1, 2, "a").label == "a" and Point(x=3, label="b").label == "b"


def test_records_compare_hash_and_print_by_their_fields() -> None:
    assert Point(1, 2) == Point(x=1, y=2)
    assert Point(1, 2) != Point(1, 3)
    assert hash(Point(1, 2)) == hash(Point(1, y=2))
    assert repr(Point(1, label="a")) == "Point(x=1, y=0, label='a')"


def test_a_record_of_another_class_is_never_equal() -> None:
    class Other(Record):
        x: int
        y: int = 0
        label: str | None = None

    assert Point(1) != Other(1)


def test_replace_copies_with_changes_and_leaves_the_original() -> None:
    point = Point(1, 2)
    moved = point._replace(y=5)
    assert (moved.x, moved.y, point.y) == (1, 5, 2)
    with pytest.raises(TypeError, match="no field 'z'"):
        point._replace(z=1)


def test_a_record_is_immutable() -> None:
    point = Point(1)
    with pytest.raises(AttributeError, match="immutable"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del point.x


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "Point is missing x"),
        ((1, 2, "a", 4), {}, "Point takes 3 fields, got 4"),
        ((1,), {"x": 2}, "Point got 'x' twice"),
        ((1,), {"z": 2}, "Point has no field 'z'"),
    ],
)
def test_wrong_arguments_are_a_type_error_as_for_a_call(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)


def test_a_subclass_adds_fields_after_its_bases() -> None:
    class Labelled(Point):
        colour: str = "red"

    assert Labelled._fields == ("x", "y", "label", "colour")
    assert Labelled(1).colour == "red"
