"""One internal description of a table schema, built from what users declare.

Users declare schemas as SQLModel classes (``class Person(SQLModel, table=True)``),
plain pydantic models, or a ``pyarrow.Schema``. :func:`resolve_schema` turns any of
them into a :class:`TableSchema`: column names, type labels (see
:mod:`consist.data.column_types`), nullability and the primary key. Nothing here
imports SQLModel or pydantic: models are read through their ``model_fields``.

Nullability follows the annotation (``age: Optional[int]`` may be null), also for
primary keys, so SQLModel's ``id: Optional[int] = Field(default=None,
primary_key=True)`` pattern is an optional key.

Example:
    >>> import pyarrow as pa
    >>> s = TableSchema.from_arrow("trip", pa.schema([("id", pa.int64(), False)]), primary_key=["id"])
    >>> s.table_name, s.columns[0].label, s.columns[0].nullable, s.primary_key
    ('trip', 'int', False, ('id',))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import types
import typing
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from consist.data.column_types import ANY, arrow_type_for, label_of_arrow
from consist.errors import ConsistTypeError

__all__ = ["ColumnSpec", "TableSchema", "resolve_schema"]

_SCALAR_LABELS: tuple[tuple[type, str], ...] = (
    # bool before int: bool is a subclass of int.
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (str, "str"),
    (bytes, "bytes"),
    (dt.datetime, "datetime"),  # before date: datetime is a subclass of date
    (dt.date, "date"),
    (dt.time, "time"),
    (dt.timedelta, "timedelta"),
    (decimal.Decimal, "decimal"),
    (uuid.UUID, "str"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One declared column: name, type label, nullability, optional exact Arrow type."""

    name: str
    label: str
    nullable: bool
    arrow_type: Any = None

    def storage_type(self) -> Any:
        """The Arrow type values are stored as (``None`` when any type is accepted)."""
        return self.arrow_type if self.arrow_type is not None else arrow_type_for(self.label)


@dataclasses.dataclass(frozen=True, slots=True)
class TableSchema:
    """A resolved schema: ``name`` (class name), ``table_name`` (concept key), columns, key.

    ``table_name`` names the ingested table ``global_tables.<table_name>`` and the
    view ``v_<table_name>``; ``source`` keeps the user's original declaration.
    """

    name: str
    table_name: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ()
    source: Any = None

    @property
    def column_names(self) -> tuple[str, ...]:
        """Declared column names in declaration order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec | None:
        """The declared column called ``name``, or ``None``."""
        for col in self.columns:
            if col.name == name:
                return col
        return None

    def with_table_name(self, table_name: str) -> TableSchema:
        """A copy that ingests into (and views as) ``table_name``."""
        return dataclasses.replace(self, table_name=table_name)

    @classmethod
    def from_arrow(cls, name: str, schema: Any, *, primary_key: Iterable[str] = ()) -> TableSchema:
        """Build from a ``pyarrow.Schema``; ``name`` is both class and table name.

        The primary key may also come from schema metadata ``{"primary_key": "a,b"}``.

        Example:
            >>> import pyarrow as pa
            >>> TableSchema.from_arrow("p", pa.schema([("age", pa.int32())])).columns[0].nullable
            True
        """
        key = tuple(primary_key)
        metadata = schema.metadata or {}
        if not key and b"primary_key" in metadata:
            key = tuple(k.strip() for k in metadata[b"primary_key"].decode().split(",") if k)
        cols = tuple(ColumnSpec(f.name, label_of_arrow(f.type), f.nullable, f.type) for f in schema)
        _check_key(name, key, cols)
        return cls(name=name, table_name=name, columns=cols, primary_key=key, source=schema)


def resolve_schema(
    schema: Any, *, name: str | None = None, fallback_name: str | None = None
) -> TableSchema:
    """Turn a SQLModel class, pydantic model class, ``pyarrow.Schema`` or TableSchema into a TableSchema.

    ``name`` overrides the concept key (default: ``__tablename__`` or the
    lower-cased class name); ``fallback_name`` names only schemas without a
    name of their own (a bare ``pyarrow.Schema`` needs one of the two).

    Example:
        >>> from pydantic import BaseModel
        >>> class Person(BaseModel):
        ...     id: int
        ...     age: int | None = None
        >>> s = resolve_schema(Person)
        >>> s.name, s.table_name, [(c.name, c.label, c.nullable) for c in s.columns]
        ('Person', 'person', [('id', 'int', False), ('age', 'int', True)])
    """
    if isinstance(schema, TableSchema):
        return schema.with_table_name(name) if name else schema
    if isinstance(schema, type) and hasattr(schema, "model_fields"):
        return _from_model(schema, name)
    if type(schema).__module__.startswith("pyarrow") and hasattr(schema, "names"):
        name = name or fallback_name
        if not name:
            raise ConsistTypeError(
                "A pyarrow.Schema needs a name",
                cause="Arrow schemas carry no class or table name to key tables and views by.",
                fix="Pass key=... (log_dataframe) or TableSchema.from_arrow('trip', schema).",
            )
        return TableSchema.from_arrow(name, schema)
    raise ConsistTypeError(
        f"Unsupported schema: {schema!r:.80}",
        cause="A schema must be a SQLModel class, a pydantic model class or a pyarrow.Schema.",
        fix="Pass the model class itself (not an instance), e.g. schema=Person.",
    )


def _from_model(model: type, name: str | None) -> TableSchema:
    fields: Mapping[str, Any] = model.model_fields  # type: ignore[attr-defined]
    columns: list[ColumnSpec] = []
    key: list[str] = []
    for field_name, info in fields.items():
        column_name = info.alias if isinstance(info.alias, str) and info.alias else field_name
        label, nullable = _label_of_annotation(info.annotation)
        columns.append(ColumnSpec(column_name, label, nullable))
        if getattr(info, "primary_key", False) is True:
            key.append(column_name)
    table_name = name or getattr(model, "__tablename__", None) or model.__name__.lower()
    if not isinstance(table_name, str):  # declared_attr or similar: fall back
        table_name = model.__name__.lower()
    cols = tuple(columns)
    _check_key(model.__name__, tuple(key), cols)
    return TableSchema(model.__name__, table_name, cols, tuple(key), model)


def _label_of_annotation(annotation: Any) -> tuple[str, bool]:
    """Map a field annotation to ``(label, nullable)``; unknown types map to ``any``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _label_of_annotation(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        rest = [a for a in args if a is not type(None)]
        nullable = len(rest) < len(args)
        if len(rest) == 1:
            return _label_of_annotation(rest[0])[0], nullable
        labels = {_label_of_annotation(a)[0] for a in rest}
        return (labels.pop() if len(labels) == 1 else ANY), nullable
    if origin is typing.Literal:
        labels = {_label_of_annotation(type(v))[0] for v in typing.get_args(annotation)}
        return (labels.pop() if len(labels) == 1 else ANY), False
    if origin in (list, tuple, set, frozenset):
        return "list", False
    if annotation is None or annotation is type(None):
        return "null", True
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            values = {_label_of_annotation(type(m.value))[0] for m in annotation}
            return (values.pop() if len(values) == 1 else ANY), False
        for cls, label in _SCALAR_LABELS:
            if issubclass(annotation, cls):
                return label, False
    return ANY, False


def _check_key(name: str, key: tuple[str, ...], columns: tuple[ColumnSpec, ...]) -> None:
    known = {c.name for c in columns}
    missing = [k for k in key if k not in known]
    if missing:
        raise ConsistTypeError(
            f"Primary key column {missing[0]!r} is not a column of schema {name!r}",
            cause=f"The schema declares columns {sorted(known)}.",
            fix="Name an existing column as the primary key.",
        )
