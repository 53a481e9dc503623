"""The contract every container backend fulfils, and the small values it returns."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from consist.containers.spec import ContainerSpec

__all__ = [
    "DEBUG_STREAM_ENV",
    "LOG_TAIL_LINES",
    "Backend",
    "ContainerOutcome",
    "LogSink",
    "ResolvedImage",
    "debug_stream_enabled",
    "tail_lines",
]

# Set to 1 to forward every container log line to the ``consist.containers`` logger.
DEBUG_STREAM_ENV = "CONSIST_CONTAINER_DEBUG_STREAM"
LOG_TAIL_LINES = 20
_MAX_LINE_CHARS = 500

LogSink = Callable[[str], None]


@dataclass(frozen=True)
class ResolvedImage:
    """An image pinned to its content: ``digest`` enters the signature, never the tag.

    ``run_ref`` is what the backend starts (a Docker image id, a .sif path), so the container
    runs exactly the image that was hashed even if the tag moves meanwhile.
    """

    name: str
    digest: str
    run_ref: str
    pinned: bool = True


@dataclass(frozen=True)
class ContainerOutcome:
    """How a container ended: exit code, the last log lines, and the container's id."""

    exit_code: int
    log_tail: tuple[str, ...]
    container_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


class Backend(Protocol):
    """Resolve an image to its digest; run one spec; always clean up, also on Ctrl-C."""

    name: str

    def resolve_image(self, image: str, *, pull_latest: bool) -> ResolvedImage: ...

    def run(
        self,
        spec: ContainerSpec,
        image: ResolvedImage,
        *,
        labels: Mapping[str, str],
        on_log: LogSink | None = None,
    ) -> ContainerOutcome: ...


def debug_stream_enabled() -> bool:
    """True when ``CONSIST_CONTAINER_DEBUG_STREAM`` asks for live container logs."""
    return os.environ.get(DEBUG_STREAM_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def tail_lines(lines: Iterable[str], limit: int = LOG_TAIL_LINES) -> tuple[str, ...]:
    """Keep the last ``limit`` non-empty lines, each cut to a readable length.

    Example:
        >>> tail_lines(["a", "", "b", "c"], limit=2)
        ('b', 'c')
    """
    kept = [line.rstrip("\r\n") for line in lines]
    kept = [line if len(line) <= _MAX_LINE_CHARS else line[:_MAX_LINE_CHARS] + "…" for line in kept]
    return tuple(line for line in kept if line.strip())[-limit:]
