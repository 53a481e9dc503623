"""Property tests: key checks agree with Python, Parquet round trips are exact."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consist.data.loaders import load_arrow
from consist.data.schemas import TableSchema
from consist.data.validation import validate_table
from consist.data.writers import write_table_atomic
from consist.errors import SchemaValidationError

KEYED = TableSchema.from_arrow("t", pa.schema([("k", pa.int64())]), primary_key=["k"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=30))
def test_duplicate_key_detection_matches_python(keys: list[int | None]) -> None:
    counts = Counter(k for k in keys if k is not None)
    repeated = {k for k, n in counts.items() if n > 1}
    table = pa.table({"k": pa.array(keys, pa.int64())})
    if repeated:
        with pytest.raises(SchemaValidationError) as info:
            validate_table(table, KEYED, nulls="ignore")
        shown = int(info.value.problem.rsplit(" ", 1)[1])
        assert shown in repeated
    else:
        assert validate_table(table, KEYED, nulls="ignore").num_rows == len(keys)


rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(-(2**62), 2**62)),
        st.one_of(st.none(), st.floats(allow_nan=False)),
        st.one_of(st.none(), st.text(max_size=8)),
    ),
    max_size=20,
)


@settings(max_examples=50, deadline=None)
@given(rows)
def test_parquet_round_trip_is_exact(tmp_path_factory: pytest.TempPathFactory, data: list) -> None:
    table = pa.table(
        {
            "i": pa.array([r[0] for r in data], pa.int64()),
            "f": pa.array([r[1] for r in data], pa.float64()),
            "s": pa.array([r[2] for r in data], pa.string()),
        }
    )
    path: Path = tmp_path_factory.mktemp("rt") / "t.parquet"
    write_table_atomic(table, path)
    assert load_arrow(path).equals(table)
