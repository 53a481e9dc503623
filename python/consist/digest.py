"""The ``Digest`` value type: an algorithm tag plus 32 raw bytes.

Digests are stored and printed as tagged strings, ``blake3:<hex>``,
``sha256:<hex>``, or ``fast:<hex>`` for metadata identities (size, mtime and
relative path), so that a digest from one algorithm can never be compared
with another by accident.

Example:
    >>> d = Digest.parse("blake3:" + "ab" * 32)
    >>> d.algorithm, len(d.value), str(d) == "blake3:" + d.hex
    ('blake3', 32, True)
"""

from __future__ import annotations

from typing import Final

from consist.errors import ConfigError

__all__ = ["ALGORITHMS", "CONTENT_ALGORITHMS", "DIGEST_BYTES", "Digest"]

CONTENT_ALGORITHMS: Final = ("blake3", "sha256")
"""Algorithms that hash file contents."""

ALGORITHMS: Final = (*CONTENT_ALGORITHMS, "fast")
"""Every tag a ``Digest`` may carry; ``fast`` marks a metadata identity."""

DIGEST_BYTES: Final = 32


class Digest:
    """An algorithm-tagged digest; immutable, comparable and hashable.

    Example:
        >>> a = Digest("blake3", bytes(32))
        >>> a == Digest.parse(str(a)), a == Digest("sha256", bytes(32))
        (True, False)
    """

    __slots__ = ("_algorithm", "_value")

    def __init__(self, algorithm: str, value: bytes) -> None:
        if algorithm not in ALGORITHMS:
            raise ConfigError(
                f"Unknown digest algorithm: {algorithm!r}",
                cause=f"a digest is tagged with one of {', '.join(ALGORITHMS)}",
                fix="use 'blake3' (the default) or 'sha256'",
            )
        if not isinstance(value, bytes) or len(value) != DIGEST_BYTES:
            raise ConfigError(
                f"Invalid {algorithm} digest value",
                cause=f"expected {DIGEST_BYTES} bytes, got {_describe(value)}",
                fix="pass the raw digest bytes, or use Digest.parse('algorithm:hex')",
            )
        object.__setattr__(self, "_algorithm", algorithm)
        object.__setattr__(self, "_value", value)

    @property
    def algorithm(self) -> str:
        """The tag: ``"blake3"``, ``"sha256"`` or ``"fast"``."""
        return self._algorithm

    @property
    def value(self) -> bytes:
        """The 32 raw digest bytes."""
        return self._value

    @property
    def hex(self) -> str:
        """Lower-case hex of the raw bytes (what ``b3sum`` prints).

        Example:
            >>> Digest("sha256", bytes(32)).hex == "00" * 32
            True
        """
        return self._value.hex()

    @property
    def is_content(self) -> bool:
        """True for content digests, False for ``fast`` metadata identities."""
        return self._algorithm != "fast"

    @classmethod
    def parse(cls, text: str) -> Digest:
        """Parse a tagged digest string such as ``"blake3:<64 hex digits>"``.

        Example:
            >>> Digest.parse("sha256:" + "0" * 64).algorithm
            'sha256'
        """
        algorithm, sep, hex_text = str(text).partition(":")
        if not sep or len(hex_text) != 2 * DIGEST_BYTES:
            raise ConfigError(
                f"Invalid digest string: {_truncate(text)!r}",
                cause=f"expected '<algorithm>:<{2 * DIGEST_BYTES} hex digits>'",
                fix="pass a string such as 'blake3:' followed by the 64-digit hex digest",
            )
        try:
            value = bytes.fromhex(hex_text)
        except ValueError:
            raise ConfigError(
                f"Invalid digest string: {_truncate(text)!r}",
                cause="the part after ':' is not hexadecimal",
                fix="pass the digest exactly as str(Digest) printed it",
            ) from None
        return cls(algorithm, value)

    def __str__(self) -> str:
        return f"{self._algorithm}:{self._value.hex()}"

    def __repr__(self) -> str:
        return f"Digest({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Digest):
            return NotImplemented
        return self._algorithm == other._algorithm and self._value == other._value

    def __hash__(self) -> int:
        return hash((self._algorithm, self._value))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Digest is immutable")

    def __reduce__(self) -> tuple[type[Digest], tuple[str, bytes]]:
        return (Digest, (self._algorithm, self._value))


def _describe(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    return type(value).__name__


def _truncate(text: object, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "..."
