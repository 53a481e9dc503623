"""Column type labels: one small vocabulary shared by schemas, validation and ingestion.

A *label* is the user-facing name of a column type, the one the troubleshooting
guide prints (``Column 'age' expected int, got str``). Arrow types, DuckDB type
names and Python annotations all map onto these labels, so a mismatch reads the
same whichever side it comes from. pyarrow is imported inside functions only.

Example:
    >>> import pyarrow as pa
    >>> label_of_arrow(pa.int32()), label_of_duckdb("VARCHAR")
    ('int', 'str')
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ANY",
    "accepts",
    "arrow_type_for",
    "duckdb_type_for",
    "label_of_arrow",
    "label_of_duckdb",
    "needs_cast",
]

#: The label of a schema column that accepts any type (unions, dicts, unknown classes).
ANY = "any"

# Labels where the producer's exact Arrow flavour is kept as is: casting string to
# large_string, or timestamp units/time zones, would cost a copy and change nothing.
_KEEP_AS_IS = frozenset({"str", "datetime", "time", "timedelta", "bytes", "list", "struct", "map"})

# DuckDB type-name prefixes, longest first where one is a prefix of another.
_DUCKDB_PREFIXES: tuple[tuple[str, str], ...] = (
    ("TIMESTAMP", "datetime"),
    ("DATETIME", "datetime"),
    ("TIMETZ", "time"),
    ("TIME", "time"),
    ("DATE", "date"),
    ("INTERVAL", "timedelta"),
    ("DECIMAL", "decimal"),
    ("NUMERIC", "decimal"),
    ("BOOLEAN", "bool"),
    ("VARCHAR", "str"),
    ("UUID", "str"),
    ("BLOB", "bytes"),
    ("STRUCT", "struct"),
    ("MAP", "map"),
    ("DOUBLE", "float"),
    ("FLOAT", "float"),
    ("REAL", "float"),
    ("HUGEINT", "int"),
    ("UHUGEINT", "int"),
    ("BIGINT", "int"),
    ("UBIGINT", "int"),
    ("INTEGER", "int"),
    ("UINTEGER", "int"),
    ("SMALLINT", "int"),
    ("USMALLINT", "int"),
    ("TINYINT", "int"),
    ("UTINYINT", "int"),
    ('"NULL"', "null"),
    ("NULL", "null"),
)


def label_of_arrow(arrow_type: Any) -> str:
    """Return the label of a pyarrow ``DataType``.

    Example:
        >>> import pyarrow as pa
        >>> label_of_arrow(pa.large_string()), label_of_arrow(pa.timestamp("ns"))
        ('str', 'datetime')
    """
    import pyarrow as pa

    t = pa.types
    if t.is_dictionary(arrow_type):
        return label_of_arrow(arrow_type.value_type)
    checks = (
        (t.is_null, "null"),
        (t.is_boolean, "bool"),
        (t.is_integer, "int"),
        (t.is_floating, "float"),
        (t.is_decimal, "decimal"),
        (_is_string, "str"),
        (_is_binary, "bytes"),
        (t.is_timestamp, "datetime"),
        (t.is_date, "date"),
        (t.is_time, "time"),
        (t.is_duration, "timedelta"),
        (_is_list, "list"),
        (t.is_struct, "struct"),
        (t.is_map, "map"),
    )
    for check, label in checks:
        if check(arrow_type):
            return label
    return str(arrow_type)


def label_of_duckdb(type_name: str) -> str:
    """Return the label of a DuckDB type name such as ``BIGINT`` or ``VARCHAR[]``.

    Example:
        >>> label_of_duckdb("DECIMAL(18,3)"), label_of_duckdb("BIGINT[]")
        ('decimal', 'list')
    """
    upper = type_name.strip().upper()
    if upper.endswith("]"):
        return "list"
    for prefix, label in _DUCKDB_PREFIXES:
        if upper.startswith(prefix):
            return label
    return upper.lower()


def accepts(expected: str, got: str) -> bool:
    """Whether a column labelled ``got`` may be stored where ``expected`` is declared.

    Widening is allowed (an int column into a float field), narrowing is not.
    An all-null column (``null``) fits anywhere; its nulls are checked separately.

    Example:
        >>> accepts("float", "int"), accepts("int", "str")
        (True, False)
    """
    if expected in (ANY, got) or got == "null":
        return True
    return got == "int" and expected in ("float", "decimal")


def needs_cast(expected_type: Any, actual_type: Any) -> bool:
    """Whether an accepted column should be cast to the declared Arrow type.

    Numbers are widened (int32 -> int64, int -> float64) and dictionary or all-null
    columns get their declared type, so every run writes the same physical types and
    cross-run views stay clean. Strings, timestamps and nested types are kept as is.

    Example:
        >>> import pyarrow as pa
        >>> needs_cast(pa.int64(), pa.int32()), needs_cast(pa.string(), pa.large_string())
        (True, False)
    """
    import pyarrow as pa

    if expected_type is None or expected_type == actual_type:
        return False
    if pa.types.is_dictionary(actual_type) or pa.types.is_null(actual_type):
        return True
    return label_of_arrow(expected_type) not in _KEEP_AS_IS


def arrow_type_for(label: str) -> Any:
    """Return the Arrow type a schema label is stored as, or ``None`` for ``any``.

    Example:
        >>> arrow_type_for("int")
        DataType(int64)
    """
    import pyarrow as pa

    table = {
        "int": pa.int64(),
        "float": pa.float64(),
        "str": pa.string(),
        "bool": pa.bool_(),
        "bytes": pa.binary(),
        "datetime": pa.timestamp("us"),
        "date": pa.date32(),
        "time": pa.time64("us"),
        "timedelta": pa.duration("us"),
    }
    return table.get(label)


def duckdb_type_for(label: str) -> str:
    """The DuckDB column type for a label (VARCHAR for labels without a scalar type).

    Example:
        >>> duckdb_type_for("int"), duckdb_type_for("any")
        ('BIGINT', 'VARCHAR')
    """
    table = {
        "int": "BIGINT",
        "float": "DOUBLE",
        "str": "VARCHAR",
        "bool": "BOOLEAN",
        "bytes": "BLOB",
        "datetime": "TIMESTAMP",
        "date": "DATE",
        "time": "TIME",
        "timedelta": "INTERVAL",
        "decimal": "DECIMAL(38, 9)",
    }
    return table.get(label, "VARCHAR")


def _is_string(arrow_type: Any) -> bool:
    import pyarrow as pa

    t = pa.types
    return t.is_string(arrow_type) or t.is_large_string(arrow_type) or t.is_string_view(arrow_type)


def _is_binary(arrow_type: Any) -> bool:
    import pyarrow as pa

    t = pa.types
    return (
        t.is_binary(arrow_type)
        or t.is_large_binary(arrow_type)
        or t.is_fixed_size_binary(arrow_type)
        or t.is_binary_view(arrow_type)
    )


def _is_list(arrow_type: Any) -> bool:
    import pyarrow as pa

    t = pa.types
    return (
        t.is_list(arrow_type)
        or t.is_large_list(arrow_type)
        or t.is_fixed_size_list(arrow_type)
        or t.is_list_view(arrow_type)
        or t.is_large_list_view(arrow_type)
    )
