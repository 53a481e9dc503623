"""``identity_inputs``: files and directories that shape a run without being inputs.

Typical use is a folder of model configuration files: their content belongs
in the signature, but the step does not receive them as artifacts::

    tracker.run(fn=step, identity_inputs=[Path("configs")])
    tracker.run(fn=step, identity_inputs=[("asim_configs", Path("configs"))])

Each item is a path or a ``(label, path)`` pair (a mapping ``{label: path}``
is accepted too). The default label is the path relative to the project root
when it lies inside it, else the path itself. The digests ``{label: digest}``
are folded into the run's config hash (as in Consist 0.3), so changing one of
these files is a config change.

    >>> normalize_identity_inputs([("cfg", "a.yaml")], project_root=".")
    [('cfg', PosixPath('a.yaml'))]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from consist.errors import ConfigError, ConsistTypeError

__all__ = ["compute_identity_input_digests", "normalize_identity_inputs"]

_PathLike = (str, os.PathLike)


def _not_a_list(value: Any) -> ConfigError:
    return ConfigError(
        "identity_inputs/hash_inputs must be a list of paths.",
        cause=f"A single string/path ({value!r}) was provided, which is ambiguous for identity "
        "input parsing.",
        fix="Use the recommended path: identity_inputs=[Path(...)] or "
        "identity_inputs=[('label', Path(...))].",
    )


def _default_label(path: Path, project_root: Path) -> str:
    try:
        return path.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def normalize_identity_inputs(
    items: Any, *, project_root: str | os.PathLike[str] = "."
) -> list[tuple[str, Path]]:
    """Validate ``identity_inputs`` and return ``[(label, path), ...]``.

    Relative paths are relative to the current directory, as everywhere in
    Python; only default labels are relative to the project root. Labels must
    be unique.

    Example:
        >>> normalize_identity_inputs(["data/x.csv"], project_root=".")
        [('data/x.csv', PosixPath('data/x.csv'))]
    """
    if items is None:
        return []
    if isinstance(items, (*_PathLike, bytes)):
        raise _not_a_list(items)
    if isinstance(items, Mapping):
        items = list(items.items())
    try:
        iterator = iter(items)
    except TypeError:
        raise ConsistTypeError(
            "identity_inputs/hash_inputs must be iterable.",
            cause=f"Received {type(items).__name__}.",
            fix="Pass identity_inputs=[Path(...)] or identity_inputs=[('label', Path(...))].",
        ) from None
    root = Path(project_root)
    result: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for item in iterator:
        if isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[0], str) or not isinstance(item[1], _PathLike):
                raise ConsistTypeError(
                    "identity_inputs tuple items must be (label, path) pairs.",
                    cause=f"Received {item!r}.",
                    fix="Write each labelled item as ('label', Path('file_or_dir')).",
                )
            label, path = item[0], Path(item[1])
        elif isinstance(item, _PathLike):
            path = Path(item)
            label = _default_label(path, root)
        else:
            raise ConsistTypeError(
                "identity_inputs/hash_inputs must be a list of paths.",
                cause=f"Item {item!r} ({type(item).__name__}) is neither a path nor a "
                "(label, path) pair.",
                fix="Use identity_inputs=[Path(...)] or identity_inputs=[('label', Path(...))].",
            )
        if label in seen:
            raise ConfigError(
                f"identity_inputs label {label!r} is used twice.",
                cause="Each identity input is recorded under its label, so labels must differ.",
                fix="Give the items distinct labels: identity_inputs=[('a', p1), ('b', p2)].",
            )
        seen.add(label)
        result.append((label, path))
    return result


def compute_identity_input_digests(
    items: Any,
    *,
    path_digest: Callable[[Path], str],
    project_root: str | os.PathLike[str] = ".",
) -> dict[str, str]:
    """Digest every identity input; ``{label: tagged digest}`` sorted by label.

    Every item is attempted; if any fails, one ``ConfigError`` names them all
    and nothing is returned.

    Example:
        >>> compute_identity_input_digests([("me", __file__)], path_digest=lambda p: "blake3:00")
        {'me': 'blake3:00'}
    """
    digests: dict[str, str] = {}
    failures: dict[str, str] = {}
    for label, path in normalize_identity_inputs(items, project_root=project_root):
        try:
            if not path.exists():
                raise FileNotFoundError(f"{path} does not exist")
            digests[label] = path_digest(path)
        except OSError as exc:
            failures[label] = f"{label}: {exc}"
    if failures:
        labels = ", ".join(sorted(failures))
        details = "; ".join(failures[k] for k in sorted(failures))
        raise ConfigError(
            f"Failed to compute identity input digests for: {labels}.",
            cause=f"One or more identity_inputs/hash_inputs paths are missing or unreadable "
            f"({details}).",
            fix="Use the recommended path and pass existing files/directories in "
            "identity_inputs=[...], then retry.",
        )
    return dict(sorted(digests.items()))
