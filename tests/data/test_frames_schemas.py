"""Frames of every supported kind become Arrow; schemas of every kind resolve to one description."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Literal, Optional

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from consist.data.frames import FrameConversionError, frame_kind, to_arrow
from consist.data.schemas import TableSchema, resolve_schema
from consist.errors import ConsistTypeError


class Person(SQLModel, table=True):
    __tablename__ = "person_frames_test"
    id: Optional[int] = Field(default=None, primary_key=True)  # noqa: UP045 (0.3 style)
    name: str
    age: Optional[int] = None  # noqa: UP045


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Everything(BaseModel):
    flag: bool
    n: int
    x: float
    s: str
    b: bytes
    when: dt.datetime
    day: dt.date
    at: dt.time
    span: dt.timedelta
    amount: Decimal
    color: Color
    kind: Literal["a", "b"]
    tags: list[str]
    maybe: int | None
    annotated: Annotated[int, "meta"]
    mixed: int | str
    anything: dict[str, int]


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: pd.DataFrame({"a": [1, 2]}), "pandas"),
        (lambda: pl.DataFrame({"a": [1, 2]}), "polars"),
        (lambda: pl.DataFrame({"a": [1, 2]}).lazy(), "polars-lazy"),
        (lambda: pa.table({"a": [1, 2]}), "arrow"),
        (lambda: pa.record_batch({"a": [1, 2]}), "arrow"),
        (lambda: duckdb.sql("SELECT * FROM range(2) t(a)"), "duckdb"),
    ],
)
def test_every_frame_kind_becomes_an_arrow_table(make, kind: str) -> None:
    frame = make()
    assert frame_kind(frame) == kind
    table = to_arrow(frame)
    assert isinstance(table, pa.Table)
    expected = [0, 1] if kind == "duckdb" else [1, 2]
    assert table.column("a").to_pylist() == expected


def test_record_batch_reader_and_pandas_index() -> None:
    reader = pa.RecordBatchReader.from_batches(
        pa.schema([("a", pa.int64())]), [pa.record_batch({"a": [5]})]
    )
    assert to_arrow(reader).num_rows == 1
    frame = pd.DataFrame({"a": [1, 2, 3]}).iloc[1:]
    assert to_arrow(frame).column_names == ["a"]  # a filtered index is not data
    assert "__index_level_0__" in to_arrow(frame, preserve_index=True).column_names


def test_unsupported_objects_are_rejected_with_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"Cannot log a builtins\.dict as a table"):
        to_arrow({"a": [1]})


def test_mixed_object_column_names_the_types_found() -> None:
    frame = pd.DataFrame({"ok": [1, 2], "age": pd.Series([1, "x"], dtype=object)})
    with pytest.raises(FrameConversionError) as info:
        to_arrow(frame)
    assert info.value.column == "age"
    assert info.value.got == ("int", "str")
    assert isinstance(info.value, ValueError)


def test_sqlmodel_schema_keeps_key_and_optional_fields() -> None:
    schema = resolve_schema(Person)
    assert (schema.name, schema.table_name, schema.primary_key) == (
        "Person",
        "person_frames_test",
        ("id",),
    )
    assert [(c.name, c.label, c.nullable) for c in schema.columns] == [
        ("id", "int", True),
        ("name", "str", False),
        ("age", "int", True),
    ]
    assert resolve_schema(Person, name="people").table_name == "people"


def test_pydantic_annotations_map_to_labels() -> None:
    labels = {c.name: (c.label, c.nullable) for c in resolve_schema(Everything).columns}
    assert labels == {
        "flag": ("bool", False),
        "n": ("int", False),
        "x": ("float", False),
        "s": ("str", False),
        "b": ("bytes", False),
        "when": ("datetime", False),
        "day": ("date", False),
        "at": ("time", False),
        "span": ("timedelta", False),
        "amount": ("decimal", False),
        "color": ("str", False),
        "kind": ("str", False),
        "tags": ("list", False),
        "maybe": ("int", True),
        "annotated": ("int", False),
        "mixed": ("any", False),
        "anything": ("any", False),
    }
    assert resolve_schema(Everything).table_name == "everything"


def test_arrow_schema_needs_a_name_and_reads_key_metadata() -> None:
    arrow_schema = pa.schema([pa.field("id", pa.int32(), nullable=False), ("s", pa.string())])
    with pytest.raises(ConsistTypeError, match="needs a name"):
        resolve_schema(arrow_schema)
    keyed = arrow_schema.with_metadata({"primary_key": "id"})
    schema = resolve_schema(keyed, name="stops")
    assert schema.primary_key == ("id",)
    assert schema.columns[0].storage_type() == pa.int32()
    assert resolve_schema(schema) is schema


def test_bad_schema_objects_and_keys_are_rejected() -> None:
    with pytest.raises(TypeError, match="Unsupported schema"):
        resolve_schema(Person(name="x"))
    with pytest.raises(TypeError, match="Primary key column 'nope'"):
        TableSchema.from_arrow("t", pa.schema([("a", pa.int64())]), primary_key=["nope"])
