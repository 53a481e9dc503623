"""``consist.types``: the option objects and type names Consist 0.3 code imports from here.

Re-exports; the definitions live in ``consist.options`` (option objects),
``consist.driver_types`` (``DriverType``) and ``consist.models``. Type aliases
are for annotations only.

Example:
    >>> from consist.types import CacheOptions, DriverType
    >>> CacheOptions(cache_mode="overwrite").cache_mode, DriverType.CSV.value
    ('overwrite', 'csv')
"""

from __future__ import annotations

import os
from typing import Literal, TypeAlias

from consist.driver_types import DriverType
from consist.models import Artifact, RunResult
from consist.options import CacheOptions, ExecutionOptions, OutputPolicyOptions

__all__ = [
    "BuiltinSchemaLiteral",
    "CacheOptions",
    "CodeIdentityMode",
    "DriverType",
    "ExecutionOptions",
    "IdentityInputs",
    "InputBindingMode",
    "OutputPolicyOptions",
    "RunInputRef",
]

PathLike: TypeAlias = str | os.PathLike[str]
# Built-in schema families for Tracker(builtin_schemas=[...]).
BuiltinSchemaLiteral: TypeAlias = Literal["gtfs"]
CodeIdentityMode: TypeAlias = Literal["repo_git", "callable_module", "callable_source"]
InputBindingMode: TypeAlias = Literal["loaded", "paths", "none"]
# identity_inputs=[path, ("label", path), ...]
IdentityInputs: TypeAlias = list[PathLike | tuple[str, PathLike]] | None
RunInputRef: TypeAlias = Artifact | RunResult | str | os.PathLike[str]
