"""Check an Arrow table against a TableSchema before anything is written.

Checks, in this order (the first failure raises ``SchemaValidationError``; nothing
has been written at that point):

1. types: ``Column 'age' expected int, got str`` (widening such as int -> float
   is accepted and applied);
2. required columns present: ``Missing column 'age' required by schema 'Person'``;
3. with ``strict=True``, no columns beyond the schema (0.3's schema contract text);
4. primary key unique: ``Primary key violation: duplicate ID 7`` -- the problem line
   is the guide's text followed by the first duplicated value (a tuple for composite
   keys); the cause line names the key columns, how many values repeat and how many
   rows are affected;
5. nulls in non-optional fields (NaN counts as null in float columns):
   ``Null value in non-optional field 'age'``. Policy ``nulls="warn"`` (default, as
   the guide describes) emits ``NullValueWarning`` and keeps the rows;
   ``nulls="error"`` raises before the key check; ``nulls="ignore"`` skips the check.

Example:
    >>> import pyarrow as pa
    >>> from consist.data.schemas import TableSchema
    >>> schema = TableSchema.from_arrow("p", pa.schema([("age", pa.int64())]))
    >>> validate_table(pa.table({"age": pa.array([1], pa.int32())}), schema).schema.types
    [DataType(int64)]
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from consist.data.column_types import accepts, label_of_arrow, needs_cast
from consist.data.schemas import ColumnSpec, TableSchema
from consist.errors import ConfigError, NullValueWarning, SchemaValidationError

__all__ = ["NULL_POLICIES", "NullPolicy", "type_mismatch", "validate_table"]

NullPolicy = Literal["warn", "error", "ignore"]
NULL_POLICIES: tuple[str, ...] = ("warn", "error", "ignore")

# pandas dtype names for the "convert first" hint of a type mismatch.
_PANDAS_DTYPES = {
    "int": "int64",
    "float": "float64",
    "str": "str",
    "bool": "bool",
    "datetime": "datetime64[us]",
    "date": "datetime64[us]",
}
_MAX_SHOWN_VALUES = 3
_MAX_VALUE_CHARS = 50


def validate_table(
    table: Any,
    schema: TableSchema,
    *,
    nulls: NullPolicy = "warn",
    strict: bool = False,
    artifact_key: str | None = None,
) -> Any:
    """Validate ``table`` against ``schema``; return it with declared widenings applied.

    Example:
        >>> import pyarrow as pa
        >>> from consist.data.schemas import TableSchema
        >>> schema = TableSchema.from_arrow("p", pa.schema([("age", pa.int64())]))
        >>> validate_table(pa.table({"age": ["x"]}), schema)
        Traceback (most recent call last):
        ...
        consist.errors.SchemaValidationError: Problem: Column 'age' expected int, got str
        Cause: Schema 'p' declares 'age' as int; the frame holds str values.
        Fix: Convert the column before logging, e.g. df = df.astype({'age': 'int64'}) or df['age'] = pd.to_numeric(df['age'], errors='coerce').
    """
    if nulls not in NULL_POLICIES:
        raise ConfigError(
            f"nulls must be one of {', '.join(map(repr, NULL_POLICIES))}; got {nulls!r}.",
            cause="The null policy decides what a null in a non-optional field does.",
            fix="Use nulls='warn' (default), 'error' or 'ignore'.",
        )
    table = _check_types(table, schema)
    _check_required(table, schema)
    if strict:
        _check_strict(table, schema, artifact_key)
    null_columns = [] if nulls == "ignore" else _null_counts(table, schema)
    if null_columns and nulls == "error":
        name = null_columns[0][0]
        raise SchemaValidationError(
            f"Null value in non-optional field {name!r}",
            cause=_null_cause(null_columns, table.num_rows, schema),
            fix=_null_fix(name),
        )
    _check_primary_key(table, schema)
    for name, _count in null_columns:
        # stacklevel 4: the user's log_dataframe call, not this module.
        message = (
            f"Null value in non-optional field {name!r} "
            f"({_null_cause([(name, _count)], table.num_rows, schema)} {_null_fix(name)})"
        )
        warnings.warn(message, NullValueWarning, stacklevel=4)
    return table


def type_mismatch(column: ColumnSpec, got: str, schema: TableSchema) -> SchemaValidationError:
    """The guide's ``Column 'age' expected int, got str`` error for one column.

    Example:
        >>> from consist.data.schemas import ColumnSpec, TableSchema
        >>> col = ColumnSpec("age", "int", False)
        >>> type_mismatch(col, "str", TableSchema("P", "p", (col,))).problem
        "Column 'age' expected int, got str"
    """
    hint = _PANDAS_DTYPES.get(column.label)
    fix = "Convert the column to the declared type before logging."
    if hint:
        fix = (
            f"Convert the column before logging, e.g. df = df.astype({{{column.name!r}: {hint!r}}})"
        )
        if column.label in ("int", "float"):
            fix += f" or df[{column.name!r}] = pd.to_numeric(df[{column.name!r}], errors='coerce')"
        fix += "."
    return SchemaValidationError(
        f"Column {column.name!r} expected {column.label}, got {got}",
        cause=f"Schema {schema.name!r} declares {column.name!r} as {column.label}; "
        f"the frame holds {got} values.",
        fix=fix,
    )


def _check_types(table: Any, schema: TableSchema) -> Any:
    import pyarrow as pa

    for column in schema.columns:
        if column.name not in table.column_names:
            continue
        index = table.column_names.index(column.name)
        actual = table.schema.field(index).type
        got = label_of_arrow(actual)
        # pandas stores an int column with a missing value as float (NaN): accept it
        # when every value is integral, so the null check below reports the real issue.
        integral_floats = column.label == "int" and got == "float"
        if not accepts(column.label, got) and not integral_floats:
            raise type_mismatch(column, got, schema)
        target = column.storage_type()
        if needs_cast(target, actual):
            try:
                cast = table.column(index).cast(target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                err = type_mismatch(column, got, schema)
                err.cause = f"{err.cause} Its {actual} values do not fit {target}: {exc}"
                raise err from exc
            field = pa.field(column.name, target, nullable=True)
            table = table.set_column(index, field, cast)
    return table


def _check_required(table: Any, schema: TableSchema) -> None:
    present = set(table.column_names)
    missing = [c.name for c in schema.columns if not c.nullable and c.name not in present]
    if missing:
        raise SchemaValidationError(
            f"Missing column {missing[0]!r} required by schema {schema.name!r}",
            cause=f"Non-optional columns absent from the frame: {', '.join(map(repr, missing))}.",
            fix="Add the column(s), or declare them Optional[...] in the schema.",
        )


def _check_strict(table: Any, schema: TableSchema, artifact_key: str | None) -> None:
    declared = set(schema.column_names)
    extra = [c for c in table.column_names if c not in declared]
    if extra:
        raise SchemaValidationError(
            f"Schema Contract Violation: Found undefined columns {set(extra)} in artifact "
            f"'{artifact_key or schema.table_name}'. Strict Schema '{schema.name}' does not "
            "allow new columns.",
            cause="strict_schema=True accepts only the columns the schema declares.",
            fix="Drop the extra columns, add them to the schema, or pass strict_schema=False.",
        )


def _null_counts(table: Any, schema: TableSchema) -> list[tuple[str, int]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    found: list[tuple[str, int]] = []
    for column in schema.columns:
        if column.nullable or column.name not in table.column_names:
            continue
        values = table.column(column.name)
        count = values.null_count
        if pa.types.is_floating(values.type):
            count += int(pc.sum(pc.is_nan(values)).as_py() or 0)
        if count:
            found.append((column.name, count))
    return found


def _null_cause(columns: list[tuple[str, int]], rows: int, schema: TableSchema) -> str:
    parts = ", ".join(f"{name!r} ({count} of {rows} rows)" for name, count in columns)
    return f"Schema {schema.name!r} requires values in {parts}."


def _null_fix(name: str) -> str:
    return (
        f"Drop or fill the nulls (df.dropna(subset=[{name!r}]) or df[{name!r}].fillna(...)), "
        "or declare the field Optional[...]."
    )


def _check_primary_key(table: Any, schema: TableSchema) -> None:
    import pyarrow.compute as pc

    key = [k for k in schema.primary_key if k in table.column_names]
    if not key or table.num_rows < 2:
        return
    keys = table.select(key)
    valid = None
    for name in key:
        column_valid = pc.is_valid(keys.column(name))
        valid = column_valid if valid is None else pc.and_(valid, column_valid)
    if any(keys.column(name).null_count for name in key):
        keys = keys.filter(valid)
    if len(key) == 1 and _unique_single_key(keys.column(0)):
        return  # the common case: one unique key column, no grouping needed
    counts = keys.group_by(key).aggregate([([], "count_all")])
    repeated = counts.filter(pc.greater(counts.column("count_all"), 1))
    if repeated.num_rows == 0:
        return
    shown = [_key_value(repeated, key, i) for i in range(min(repeated.num_rows, _MAX_SHOWN_VALUES))]
    affected = int(pc.sum(repeated.column("count_all")).as_py())
    names = ", ".join(map(repr, key))
    raise SchemaValidationError(
        f"Primary key violation: duplicate ID {shown[0]}",
        cause=f"Primary key ({names}) of schema {schema.name!r} must be unique, but "
        f"{repeated.num_rows} value(s) occur more than once (e.g. {', '.join(shown)}); "
        f"{affected} rows are affected.",
        fix=f"Deduplicate before logging: df = df.drop_duplicates(subset={key!r}, keep='last').",
    )


def _key_value(table: Any, key: list[str], row: int) -> str:
    values = tuple(table.column(name)[row].as_py() for name in key)
    text = repr(values[0]) if len(values) == 1 else repr(values)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def _unique_single_key(column: Any) -> bool:
    """Whether a key column (nulls already removed) holds no repeated value.

    Sequential ids are the usual key: a strictly increasing (or decreasing) numeric
    column is unique, and checking that is one vectorised pass (~1 ms per million
    rows) where hashing every value costs ~100 ms.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(column) < 2:
        return True
    numeric = pa.types.is_integer(column.type) or pa.types.is_temporal(column.type)
    if numeric:
        head, tail = column.slice(0, len(column) - 1), column.slice(1)
        if pc.all(pc.greater(tail, head)).as_py() or pc.all(pc.less(tail, head)).as_py():
            return True
    return pc.count_distinct(column).as_py() == len(column)
