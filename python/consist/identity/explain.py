"""Why did it rerun? Compare the signature parts of a new run and a prior one.

>>> old = SignatureParts(
...     signature="s1", code_hash="c", config_hash="f1", input_hash="i", year=2030
... )
>>> new = SignatureParts(
...     signature="s2", code_hash="c", config_hash="f2", input_hash="i", year=2040
... )
>>> changed_components(new, old)  # the year explains the config-hash change
['year']

With ``raw_config_hash`` recorded (``compute_run_identity`` does), a change
of the config itself is reported as ``config`` even when a run field changed too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from consist.identity.signature import SignatureParts

__all__ = ["COMPONENTS", "changed_components", "explain_difference"]

# Reported in this order; the run fields are listed separately from "config"
# even though they are folded into the config hash, because they are the
# usual reason for a config-hash change.
COMPONENTS = (
    "code",
    "code_identity_mode",
    "config",
    "inputs",
    "identity_inputs",
    "model",
    "year",
    "iteration",
    "cache_version",
    "cache_epoch",
    "extra",
)

_RUN_FIELDS = ("model", "year", "iteration", "cache_version", "cache_epoch")


def _parts(value: SignatureParts | Mapping[str, Any]) -> SignatureParts:
    return value if isinstance(value, SignatureParts) else SignatureParts.from_dict(value)


def _short(value: Any) -> str:
    text = str(value)
    if ":" in text and len(text) > 24:  # tagged digest: keep the tag and 12 hex
        tag, _, hexpart = text.rpartition(":")
        return f"{tag}:{hexpart[:12]}"
    return text if len(text) <= 24 else text[:12]


def _map_changes(new: Mapping[str, str], old: Mapping[str, str], noun: str) -> list[str]:
    changes = []
    for key in sorted(set(new) | set(old)):
        if key not in old:
            changes.append(f"{noun} {key!r} added")
        elif key not in new:
            changes.append(f"{noun} {key!r} removed")
        elif new[key] != old[key]:
            changes.append(f"{noun} {key!r} changed ({_short(old[key])} -> {_short(new[key])})")
    return changes


def _config_differs(new: SignatureParts, old: SignatureParts) -> bool:
    if new.raw_config_hash is not None and old.raw_config_hash is not None:
        return new.raw_config_hash != old.raw_config_hash
    # Without the raw hash, blame config only if no run field explains the change.
    run_fields_same = all(getattr(new, f) == getattr(old, f) for f in _RUN_FIELDS)
    return (
        new.config_hash != old.config_hash
        and run_fields_same
        and (new.identity_inputs == old.identity_inputs)
    )


def changed_components(
    new: SignatureParts | Mapping[str, Any], old: SignatureParts | Mapping[str, Any]
) -> list[str]:
    """Names of the identity components that differ, in ``COMPONENTS`` order.

    Example:
        >>> same = SignatureParts(signature="s", code_hash="c", config_hash="f", input_hash="i")
        >>> changed_components(same, same)
        []
    """
    a, b = _parts(new), _parts(old)
    changed = {
        "code": a.code_hash != b.code_hash,
        "code_identity_mode": (a.code_identity_mode or "repo_git")
        != (b.code_identity_mode or "repo_git"),
        "config": _config_differs(a, b),
        "inputs": a.input_hash != b.input_hash,
        "identity_inputs": a.identity_inputs != b.identity_inputs,
        "extra": a.extra_hash != b.extra_hash,
    }
    for name in _RUN_FIELDS:
        changed[name] = getattr(a, name) != getattr(b, name)
    return [name for name in COMPONENTS if changed[name]]


def explain_difference(
    new: SignatureParts | Mapping[str, Any], old: SignatureParts | Mapping[str, Any]
) -> list[str]:
    """One line per differing component, most specific detail first.

    Accepts ``SignatureParts`` or their ``to_dict()`` form (as stored in
    ``run.meta``).

    Example:
        >>> old = SignatureParts(signature="s", code_hash="a1", config_hash="f", input_hash="i")
        >>> new = SignatureParts(signature="t", code_hash="b2", config_hash="f", input_hash="i")
        >>> explain_difference(new, old)
        ['code changed (a1 -> b2)']
    """
    a, b = _parts(new), _parts(old)
    lines: list[str] = []
    for name in changed_components(a, b):
        if name == "code":
            lines.append(f"code changed ({_short(b.code_hash)} -> {_short(a.code_hash)})")
        elif name == "code_identity_mode":
            lines.append(
                f"code identity mode changed ({b.code_identity_mode} -> {a.code_identity_mode})"
            )
        elif name == "config":
            lines.append("config changed")
        elif name == "inputs":
            details = _map_changes(a.inputs, b.inputs, "input")
            lines.extend(details or ["inputs changed"])
        elif name == "identity_inputs":
            lines.extend(_map_changes(a.identity_inputs, b.identity_inputs, "identity input"))
        elif name == "extra":
            lines.append("extra identity changed")
        else:
            lines.append(f"{name} changed ({getattr(b, name)!r} -> {getattr(a, name)!r})")
    return lines
