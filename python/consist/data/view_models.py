"""Python classes that map a hybrid view, for SQLModel / SQLAlchemy queries.

``tracker.views.Person`` returns such a class: a SQLModel table model whose
table name is the SQL view (``v_person``), with every column optional and the
provenance columns ``consist_run_id``, ``consist_artifact_id``,
``consist_year``, ``consist_iteration``, ``consist_scenario_id``. Each class
gets its own SQLAlchemy registry and metadata, so it never leaks into
``SQLModel.metadata`` (a ``create_all`` elsewhere must not create a table over
the view). Without SQLModel installed, a SQLAlchemy ``Table`` is returned.

Its primary key (SQLAlchemy needs one to map rows) is ``consist_artifact_id``
plus the schema's key, or plus every column when the schema has none, so rows
of different artifacts never collapse into one object.

Example:
    >>> V = build_view_model("Trip", "v_trip", [("id", "int"), ("km", "float")], ["id"])
    >>> V.__tablename__, sorted(c.name for c in V.__table__.primary_key)
    ('v_trip', ['consist_artifact_id', 'id'])
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any, Optional

__all__ = ["PROVENANCE_LABELS", "build_view_model"]

#: Provenance columns of every view model, with their labels.
PROVENANCE_LABELS: tuple[tuple[str, str], ...] = (
    ("consist_run_id", "str"),
    ("consist_artifact_id", "str"),
    ("consist_year", "int"),
    ("consist_iteration", "int"),
    ("consist_scenario_id", "str"),
)

_PYTHON_TYPES: dict[str, type] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "bytes": bytes,
    "datetime": dt.datetime,
    "date": dt.date,
    "time": dt.time,
    "timedelta": dt.timedelta,
    "decimal": decimal.Decimal,
}


def build_view_model(
    schema_name: str,
    view_name: str,
    columns: Sequence[tuple[str, str]],
    primary_key: Sequence[str] = (),
) -> Any:
    """A class mapping ``view_name`` with ``columns`` (name, label) plus provenance columns.

    Columns with non-scalar labels (lists, structs) are left out of the class;
    they remain in the SQL view.

    Example:
        >>> V = build_view_model("P", "v_p", [("tags", "list"), ("age", "int")])
        >>> [c.name for c in V.__table__.columns][:2]
        ['age', 'consist_run_id']
    """
    names = {name for name, _ in PROVENANCE_LABELS}
    scalar = [(n, lab) for n, lab in columns if lab in _PYTHON_TYPES and n not in names]
    all_columns = [*scalar, *PROVENANCE_LABELS]
    declared = {n for n, _ in scalar}
    key = [k for k in primary_key if k in declared] or [n for n, _ in scalar]
    key = ["consist_artifact_id", *key]
    try:
        import sqlmodel  # noqa: F401
    except ImportError:
        return _sqlalchemy_table(view_name, all_columns, key)
    return _sqlmodel_class(f"{schema_name}View", view_name, all_columns, key)


def _sqlmodel_class(
    class_name: str, view_name: str, columns: list[tuple[str, str]], key: list[str]
) -> Any:
    from sqlalchemy.orm import registry
    from sqlmodel import Field, SQLModel

    # A private registry per class: no name clashes between rebuilt classes, and
    # nothing added to SQLModel.metadata.
    base = type("_ViewBase", (SQLModel,), {"__module__": __name__}, registry=registry())
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__tablename__": view_name, "__module__": __name__}
    for name, label in columns:
        annotations[name] = Optional[_PYTHON_TYPES[label]]  # noqa: UP045 (runtime annotation)
        namespace[name] = Field(default=None, primary_key=name in key)
    namespace["__annotations__"] = annotations
    return type(class_name, (base,), namespace, table=True)


def _sqlalchemy_table(view_name: str, columns: list[tuple[str, str]], key: list[str]) -> Any:
    import sqlalchemy as sa

    types = {
        "int": sa.BigInteger,
        "float": sa.Float,
        "str": sa.String,
        "bool": sa.Boolean,
        "bytes": sa.LargeBinary,
        "datetime": sa.DateTime,
        "date": sa.Date,
        "time": sa.Time,
        "timedelta": sa.Interval,
        "decimal": sa.Numeric,
    }
    return sa.Table(
        view_name,
        sa.MetaData(),
        *(sa.Column(n, types[lab](), primary_key=n in key) for n, lab in columns),
    )
