"""``consist.ref`` / ``consist.refs``: pick outputs of earlier steps as inputs of the next.

Forms accepted by ``refs`` (all return ``{input name: Artifact}``)::

    refs(result)                      every output, by its key
    refs(result, "a", "b")            outputs a and b
    refs(result, {"alias": "key"})    output key, renamed alias
    refs((r1, "a"), (r2, "b"))        outputs of several results
    refs(alias=(result, "key"))       one output under a new name
    refs(alias=result)                the only output of result, named alias

A name given twice raises ``ValueError``; a missing key raises ``KeyError``
listing the available ones.

Example:
    >>> from consist.models import Artifact, Run, RunResult
    >>> out = Artifact(key="out", container_uri="/r/out.csv", driver="csv")
    >>> result = RunResult(run=Run(id="r", model_name="m"), outputs={"out": out})
    >>> refs(result)["out"] is out, refs(clean=result)["clean"] is out
    (True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from consist.errors import ConfigError, ConsistTypeError

__all__ = ["ref", "refs"]


def ref(run_result: Any, key: str | None = None) -> Any:
    """One output of a ``RunResult``; without ``key`` the result must have exactly one.

    Example:
        >>> from consist.models import Artifact, Run, RunResult
        >>> out = Artifact(key="out", container_uri="/r/out.csv")
        >>> ref(RunResult(run=Run(id="r", model_name="m"), outputs={"out": out}), "out") is out
        True
    """
    outputs = _outputs(run_result)
    if key is None:
        if len(outputs) != 1:
            raise ConfigError(
                f"ref() needs a key: the result has {len(outputs)} outputs "
                f"({', '.join(sorted(outputs)) or 'none'}).",
                cause="Without a key, ref() picks the only output.",
                fix="Pass the key: consist.ref(result, 'name').",
            )
        return next(iter(outputs.values()))
    if key not in outputs:
        available = ", ".join(repr(k) for k in sorted(outputs)) or "(none)"
        raise KeyError(f"RunResult output key {key!r} was not found. Available keys: {available}.")
    return outputs[key]


def refs(*selectors: Any, **aliases: Any) -> dict[str, Any]:
    """Build an ``inputs=`` mapping from earlier results (forms in the module docstring).

    Example:
        >>> from consist.models import Artifact, Run, RunResult
        >>> a = Artifact(key="a", container_uri="/r/a.csv")
        >>> b = Artifact(key="b", container_uri="/r/b.csv")
        >>> result = RunResult(run=Run(id="r", model_name="m"), outputs={"a": a, "b": b})
        >>> sorted(refs(result, {"first": "a"}, "b"))
        ['b', 'first']
    """
    picked: dict[str, Any] = {}

    def put(name: str, artifact: Any) -> None:
        if name in picked:
            raise ConfigError(
                f"refs() got the input name {name!r} twice.",
                cause="Each input name maps to one artifact.",
                fix="Rename one of them with the alias form: refs(result, {'new_name': 'key'}).",
            )
        picked[name] = artifact

    index = 0
    while index < len(selectors):
        item = selectors[index]
        if isinstance(item, tuple):
            result, *keys = item
            for key in keys or [None]:
                chosen = ref(result, key)
                put(key or chosen.key, chosen)
            index += 1
            continue
        result = item
        _outputs(result)
        keys = []
        index += 1
        while index < len(selectors) and isinstance(selectors[index], str | Mapping):
            keys.append(selectors[index])
            index += 1
        if not keys:
            for key, artifact in _outputs(result).items():
                put(key, artifact)
        for key in keys:
            if isinstance(key, Mapping):
                for alias, source in key.items():
                    put(str(alias), ref(result, source))
            else:
                put(key, ref(result, key))
    for alias, value in aliases.items():
        if isinstance(value, tuple):
            result, key = value
            put(alias, ref(result, key))
        elif hasattr(value, "outputs"):
            put(alias, ref(value))
        else:
            put(alias, value)  # an Artifact or a path, used as is
    return picked


def _outputs(result: Any) -> Mapping[str, Any]:
    outputs = getattr(result, "outputs", None)
    if not isinstance(outputs, Mapping):
        raise ConsistTypeError(
            f"refs()/ref() expected a RunResult; got {type(result).__name__}.",
            cause="Only run results carry named outputs.",
            fix="Pass the value returned by tracker.run(...) / sc.run(...).",
        )
    return outputs
