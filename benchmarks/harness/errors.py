"""Why a side of a comparison produced no number: not available yet, or it failed.

Example::

    raise Unavailable("b3sum not found; install it with: apt-get install -y b3sum")
"""


class Unavailable(Exception):
    """A side of a comparison cannot run here yet; the message says why (shown as SKIP)."""


class ScriptFailed(RuntimeError):
    """A benchmark subprocess exited non-zero (shown as FAIL with the error tail)."""
