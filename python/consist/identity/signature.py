"""The run signature: one digest over code, config and inputs.

::

    signature = H_sig(code_hash, config_hash, input_hash, extra)
    config_hash = H_run(H_cfg(config), {model, year, iteration, cache_epoch, cache_version},
                        identity_inputs digests, extra identity)
    input_hash = H_in(sorted (key, "run", producing signature) | (key, "content", digest))

Every ``H`` is BLAKE3 over the canonical encoding (``canonical.py``) under its
own context string, so no two kinds of record can collide. Inputs produced by
an earlier run contribute that run's signature (Merkle linking: a change
upstream changes every signature downstream, and produced files need no
re-hashing); raw inputs contribute their content digest. ``stage`` and
``phase`` are not identity.

    >>> sig = compute_signature("abc123", "blake3:01", "blake3:02")
    >>> sig == compute_signature("abc123", "blake3:01", "blake3:02")
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from consist.errors import ConsistTypeError
from consist.identity.canonical import encode_canonical, hash_config
from consist.identity.hash_backend import hash_bytes

__all__ = [
    "InputIdentity",
    "SignatureParts",
    "compute_input_hash",
    "compute_run_config_hash",
    "compute_signature",
    "run_config_hash_from",
]

SIGNATURE_FORMAT_VERSION = 1
RUN_CONFIG_CONTEXT = "consist 2026 run config hash v1"
INPUT_SET_CONTEXT = "consist 2026 input set hash v1"
SIGNATURE_CONTEXT = "consist 2026 run signature v1"


def compute_run_config_hash(
    config: Any = None,
    *,
    model: str | None = None,
    year: int | None = None,
    iteration: int | None = None,
    cache_epoch: int | None = None,
    cache_version: int | None = None,
    identity_inputs: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """Config hash of a run: the config plus the run fields that are identity.

    ``model``, ``year`` and ``iteration`` are folded in (the guide says so), as
    are ``cache_epoch``/``cache_version`` (bump them to invalidate old entries),
    the identity input digests and ``extra`` (e.g. an adapter's config-plan
    identity). ``None`` is a value: ``year=None`` and ``year=2030`` differ.

    Example:
        >>> a = compute_run_config_hash({"p": 1}, model="m", year=2030)
        >>> a == compute_run_config_hash({"p": 1}, model="m", year=2040)
        False
    """
    return run_config_hash_from(
        hash_config(config),
        model=model,
        year=year,
        iteration=iteration,
        cache_epoch=cache_epoch,
        cache_version=cache_version,
        identity_inputs=identity_inputs,
        extra=extra,
    )


def run_config_hash_from(
    config_hash: str,
    *,
    model: str | None = None,
    year: int | None = None,
    iteration: int | None = None,
    cache_epoch: int | None = None,
    cache_version: int | None = None,
    identity_inputs: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """``compute_run_config_hash`` for a config already hashed with ``hash_config``.

    The config enters through its own digest, so a run's config is encoded once.

    Example:
        >>> run_config_hash_from(hash_config({"p": 1}), model="m") == compute_run_config_hash(
        ...     {"p": 1}, model="m"
        ... )
        True
    """
    record = {
        "config": config_hash,
        "run": {
            "model": model,
            "year": year,
            "iteration": iteration,
            "cache_epoch": cache_epoch,
            "cache_version": cache_version,
        },
        "identity_inputs": dict(identity_inputs or {}),
        "extra": dict(extra or {}),
    }
    return hash_bytes(encode_canonical(record), context=RUN_CONFIG_CONTEXT)


@dataclass(frozen=True, slots=True)
class InputIdentity:
    """One input's contribution to the input hash.

    Exactly one of ``digest`` (raw input: its content digest) and
    ``producer_signature`` (produced by an earlier run: that run's signature).

    Example:
        >>> InputIdentity.produced("trips", "blake3:aa").contribution()
        ('trips', 'run', 'blake3:aa')
    """

    key: str
    digest: str | None = None
    producer_signature: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or (self.digest is None) == (
            self.producer_signature is None
        ):
            raise ConsistTypeError(
                "InputIdentity needs a str key and exactly one of digest or producer_signature.",
                cause=f"Received key={self.key!r}, digest={self.digest!r}, "
                f"producer_signature={self.producer_signature!r}.",
                fix="Use InputIdentity.raw(key, digest) or InputIdentity.produced(key, signature).",
            )

    @classmethod
    def raw(cls, key: str, digest: str) -> InputIdentity:
        """A raw (exogenous) input identified by its content digest."""
        return cls(key, digest=digest)

    @classmethod
    def produced(cls, key: str, signature: str) -> InputIdentity:
        """An input produced by an earlier run, identified by that run's signature."""
        return cls(key, producer_signature=signature)

    def contribution(self) -> tuple[str, str, str]:
        """``(key, kind, value)`` as it enters the hash."""
        if self.producer_signature is not None:
            return (self.key, "run", self.producer_signature)
        return (self.key, "content", str(self.digest))


def _as_input_identity(entry: Any) -> InputIdentity:
    if isinstance(entry, InputIdentity):
        return entry
    if isinstance(entry, tuple) and len(entry) == 2:
        return InputIdentity.raw(entry[0], entry[1])
    raise ConsistTypeError(
        "compute_input_hash entries must be InputIdentity or (key, digest) pairs.",
        cause=f"Received {entry!r}.",
        fix="Use InputIdentity.produced(key, signature) for inputs from earlier runs and "
        "InputIdentity.raw(key, digest) (or a (key, digest) tuple) for raw files.",
    )


def input_contributions(entries: Iterable[Any]) -> list[tuple[str, str, str]]:
    """Sorted ``(key, kind, value)`` triples of the given input entries.

    Example:
        >>> input_contributions([("b", "blake3:2"), ("a", "blake3:1")])[0]
        ('a', 'content', 'blake3:1')
    """
    return sorted(_as_input_identity(e).contribution() for e in entries)


def compute_input_hash(entries: Iterable[Any]) -> str:
    """Hash of a run's inputs; order-independent; no inputs is a valid (fixed) hash.

    Example:
        >>> compute_input_hash([("a", "blake3:1"), ("b", "blake3:2")]) == compute_input_hash(
        ...     [("b", "blake3:2"), ("a", "blake3:1")]
        ... )
        True
    """
    record = [list(item) for item in input_contributions(entries)]
    return hash_bytes(encode_canonical(record), context=INPUT_SET_CONTEXT)


def compute_signature(
    code_hash: str,
    config_hash: str,
    input_hash: str,
    *,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """The run signature over code, config and input hashes (plus optional ``extra``).

    ``extra`` is for identity that is none of the three, such as a container
    image digest and command.

    Example:
        >>> compute_signature("c", "f", "i") != compute_signature("c", "f", "j")
        True
    """
    record = {
        "version": SIGNATURE_FORMAT_VERSION,
        "code": code_hash,
        "config": config_hash,
        "inputs": input_hash,
        "extra": dict(extra or {}),
    }
    return hash_bytes(encode_canonical(record), context=SIGNATURE_CONTEXT)


@dataclass(frozen=True, slots=True)
class SignatureParts:
    """Everything that went into a signature, kept to explain a later miss.

    Store ``to_dict()`` in ``run.meta``; rebuild with ``from_dict`` and compare
    with ``explain_difference``.

    Example:
        >>> parts = SignatureParts(signature="s", code_hash="c", config_hash="f", input_hash="i")
        >>> SignatureParts.from_dict(parts.to_dict()) == parts
        True
    """

    signature: str
    code_hash: str
    config_hash: str
    input_hash: str
    code_identity_mode: str | None = None
    raw_config_hash: str | None = None
    model: str | None = None
    year: int | None = None
    iteration: int | None = None
    cache_epoch: int | None = None
    cache_version: int | None = None
    identity_inputs: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    extra_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (all values are str, int, None or dicts of str)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignatureParts:
        """Rebuild from ``to_dict()`` output, ignoring keys this version does not know."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)
