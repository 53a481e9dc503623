"""The current-tracker context lives below the data layer; the old import path still works.

Also a layering guard: nothing below the tracker imports ``consist.tracker`` at run time.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import consist.context
import consist.tracker.context

PACKAGE = Path(consist.context.__file__).parent

# Modules and packages below the tracker layer (docs/architecture.md).
BELOW_TRACKER = [
    "errors.py",
    "settings.py",
    "options.py",
    "_native.py",
    "digest.py",
    "hashing.py",
    "context.py",
    "models.py",
    "identity",
    "store",
    "artifacts",
    "data",
]


def test_old_import_path_gives_the_same_objects() -> None:
    for name in consist.tracker.context.__all__:
        assert getattr(consist.tracker.context, name) is getattr(consist.context, name)
    assert set(consist.tracker.context.__all__) == set(consist.context.__all__)


@pytest.mark.parametrize("name", ["consist.context", "consist.tracker.context"])
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_context_and_data_access_load_without_the_tracker_package() -> None:
    code = (
        "import sys, consist.context, consist.data.artifact_access, consist.data.functional\n"
        "print(sorted(m for m in sys.modules if m.startswith('consist.tracker')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _runtime_imports(tree: ast.AST) -> list[str]:
    # Imports under `if TYPE_CHECKING:` are for type checkers only and never run.
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    names = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_below_the_tracker_imports_it() -> None:
    files = []
    for entry in BELOW_TRACKER:
        path = PACKAGE / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    offenders = [
        f"{file.relative_to(PACKAGE)}: {name}"
        for file in files
        for name in _runtime_imports(ast.parse(file.read_text()))
        if name == "consist.tracker" or name.startswith("consist.tracker.")
    ]
    assert len(files) > 20 and offenders == []
