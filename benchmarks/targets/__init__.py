"""Benchmark targets, one module per id: ``pN_<what>.py``.

Each module defines ``ID`` ("P1"), ``TITLE``, ``PAGE_CACHE`` (how warm the cache is
during timing) and ``run(ctx) -> list[Row]``. Adding a target is adding one module;
``discover()`` finds it.

Example::

    for target in discover():
        rows = target.run(ctx)
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

MODULE_NAME = re.compile(r"^p(\d+)_\w+\.py$")


def discover() -> list[ModuleType]:
    """Import every ``pN_*.py`` target module, ordered by N.

    Example: ``[t.ID for t in discover()]`` -> ["P1", "P2", ...].
    """
    found = []
    for path in Path(__file__).parent.iterdir():
        match = MODULE_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path.stem))
    modules = [importlib.import_module(f"targets.{stem}") for _, stem in sorted(found)]
    for module in modules:
        for attr in ("ID", "TITLE", "PAGE_CACHE", "run"):
            if not hasattr(module, attr):
                raise AttributeError(f"target module {module.__name__} lacks {attr}")
    return modules
