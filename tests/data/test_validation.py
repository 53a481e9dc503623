"""Schema validation: the guide's messages, the null policy, widening casts."""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from sqlmodel import Field, SQLModel

from consist.data.frames import to_arrow
from consist.data.schemas import TableSchema, resolve_schema
from consist.data.validation import validate_table
from consist.errors import ConfigError, NullValueWarning, SchemaValidationError


class Person(SQLModel, table=True):
    __tablename__ = "person_validation_test"
    id: int = Field(primary_key=True)
    name: str
    age: int
    income: Optional[float] = None  # noqa: UP045 (0.3 style)


PERSON = resolve_schema(Person)


def frame(**columns: object) -> pa.Table:
    base = {"id": [1, 2, 3], "name": ["a", "b", "c"], "age": [30, 40, 50]}
    base.update(columns)
    return to_arrow(pd.DataFrame(base))


def test_a_good_frame_passes_and_ints_are_widened() -> None:
    table = to_arrow(
        pd.DataFrame(
            {
                "id": np.array([1, 2], dtype="int32"),
                "name": ["a", "b"],
                "age": np.array([3, 4], dtype="int16"),
                "income": [1, 2],  # int into a float field: widened
            }
        )
    )
    out = validate_table(table, PERSON)
    assert out.schema.field("id").type == pa.int64()
    assert out.schema.field("income").type == pa.float64()
    assert out.column("income").to_pylist() == [1.0, 2.0]


def test_string_column_for_an_int_field_is_the_guide_error() -> None:
    with pytest.raises(ValueError, match="Column 'age' expected int, got str") as info:
        validate_table(frame(age=["30", "40", "x"]), PERSON)
    assert isinstance(info.value, SchemaValidationError)
    assert info.value.problem == "Column 'age' expected int, got str"
    assert "df = df.astype({'age': 'int64'})" in info.value.fix


def test_out_of_range_values_fail_the_cast_with_the_same_message() -> None:
    too_big = pa.table(
        {
            "id": pa.array([2**63], pa.uint64()),
            "name": ["a"],
            "age": pa.array([1], pa.int64()),
        }
    )
    with pytest.raises(SchemaValidationError, match="Column 'id' expected int, got int"):
        validate_table(too_big, PERSON)


def test_missing_required_column() -> None:
    table = to_arrow(pd.DataFrame({"id": [1], "name": ["a"]}))
    with pytest.raises(SchemaValidationError, match="Missing column 'age' required by schema"):
        validate_table(table, PERSON)


def test_missing_optional_column_is_fine() -> None:
    assert validate_table(frame(), PERSON).num_rows == 3


def test_nulls_warn_by_default_with_the_guide_text() -> None:
    with pytest.warns(NullValueWarning, match="Null value in non-optional field 'age'") as record:
        out = validate_table(frame(age=[30, None, 50]), PERSON)
    assert out.num_rows == 3
    assert "(1 of 3 rows)" in str(record[0].message)


def test_nulls_error_policy_raises_and_ignore_policy_is_silent() -> None:
    with pytest.raises(SchemaValidationError, match="Null value in non-optional field 'age'"):
        validate_table(frame(age=[30, None, 50]), PERSON, nulls="error")
    assert validate_table(frame(age=[30, None, 50]), PERSON, nulls="ignore").num_rows == 3
    with pytest.raises(ConfigError, match="nulls must be one of"):
        validate_table(frame(), PERSON, nulls="maybe")  # type: ignore[arg-type]


def test_nan_counts_as_null_in_float_fields() -> None:
    schema = TableSchema.from_arrow("m", pa.schema([pa.field("x", pa.float64(), nullable=False)]))
    polars_nan = pl.DataFrame({"x": [1.0, float("nan")]}).to_arrow()  # Polars keeps NaN
    with pytest.raises(SchemaValidationError, match="Null value in non-optional field 'x'"):
        validate_table(polars_nan, schema, nulls="error")


def test_optional_fields_accept_nulls_silently() -> None:
    assert validate_table(frame(income=[None, 1.5, None]), PERSON).num_rows == 3


def test_duplicate_primary_key_shows_the_value() -> None:
    with pytest.raises(SchemaValidationError) as info:
        validate_table(frame(id=[7, 7, 9]), PERSON)
    err = info.value
    assert err.problem == "Primary key violation: duplicate ID 7"
    assert "Primary key ('id') of schema 'Person'" in err.cause
    assert "1 value(s) occur more than once (e.g. 7); 2 rows are affected" in err.cause
    assert "drop_duplicates(subset=['id'], keep='last')" in err.fix


def test_composite_key_and_null_keys() -> None:
    schema = TableSchema.from_arrow(
        "hh", pa.schema([("hh", pa.int64()), ("person", pa.string())]), primary_key=["hh", "person"]
    )
    ok = pa.table({"hh": [1, 1, None, None], "person": ["a", "b", "a", "a"]})
    assert validate_table(ok, schema).num_rows == 4  # rows with a null key part are not compared
    dup = pa.table({"hh": [1, 1, 2], "person": ["a", "a", "a"]})
    with pytest.raises(SchemaValidationError, match=r"duplicate ID \(1, 'a'\)"):
        validate_table(dup, schema)


def test_long_key_values_are_truncated() -> None:
    schema = TableSchema.from_arrow("t", pa.schema([("k", pa.string())]), primary_key=["k"])
    long = "x" * 200
    with pytest.raises(SchemaValidationError) as info:
        validate_table(pa.table({"k": [long, long]}), schema)
    assert len(info.value.problem) < 100 and info.value.problem.endswith("...")


def test_strict_schema_rejects_new_columns_with_the_0_3_text() -> None:
    with pytest.raises(SchemaValidationError, match="Schema Contract Violation: Found undefined"):
        validate_table(frame(extra=[1, 2, 3]), PERSON, strict=True, artifact_key="people")
    assert validate_table(frame(extra=[1, 2, 3]), PERSON).num_rows == 3


def test_dictionary_and_all_null_columns_get_declared_types() -> None:
    schema = TableSchema.from_arrow(
        "t", pa.schema([("mode", pa.string()), ("n", pa.int64())]), primary_key=[]
    )
    table = pa.table(
        {
            "mode": pa.array(["car", "bike"]).dictionary_encode(),
            "n": pa.nulls(2),
        }
    )
    out = validate_table(table, schema)
    assert out.schema.field("mode").type == pa.string()
    assert out.schema.field("n").type == pa.int64()


def test_pandas_int_column_with_a_missing_value_reports_the_null() -> None:
    table = frame(age=[30, None, 50])
    assert table.schema.field("age").type == pa.float64()  # what pandas hands us
    with pytest.warns(NullValueWarning):
        out = validate_table(table, PERSON)
    assert out.column("age").to_pylist() == [30, None, 50]
    with pytest.raises(SchemaValidationError, match=r"Column 'age' expected int, got float\n"):
        validate_table(frame(age=[30.5, 1.0, 2.0]), PERSON)


@pytest.mark.parametrize(
    "ids",
    [[1, 2, 3, 4], [4, 3, 2, 1], [3, 1, 4, 2]],
    ids=["increasing", "decreasing", "shuffled"],
)
def test_unique_keys_pass_in_any_order(ids: list[int]) -> None:
    table = frame(id=ids, name=list("abcd"), age=[1, 2, 3, 4])
    assert validate_table(table, PERSON).num_rows == 4


@pytest.mark.parametrize("ids", [[1, 2, 2, 3], [3, 2, 2, 1], [2, 1, 3, 2]])
def test_repeated_keys_fail_in_any_order(ids: list[int]) -> None:
    table = frame(id=ids, name=list("abcd"), age=[1, 2, 3, 4])
    with pytest.raises(SchemaValidationError, match="Primary key violation: duplicate ID 2"):
        validate_table(table, PERSON)
