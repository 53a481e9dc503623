"""Compatibility alias for :mod:`consist.context` (the current tracker and run).

The context variables moved below the data layer, which needs them; this
module keeps ``from consist.tracker.context import current_tracker`` working.

Example:
    >>> from consist.tracker.context import current_tracker
    >>> from consist import context
    >>> current_tracker is context.current_tracker
    True
"""

from consist.context import (
    NO_ACTIVE_RUN,
    active_tracker,
    current_run,
    current_tracker,
    pop_active,
    push_active,
    set_current_tracker,
    use_tracker,
)

__all__ = [
    "NO_ACTIVE_RUN",
    "active_tracker",
    "current_run",
    "current_tracker",
    "pop_active",
    "push_active",
    "set_current_tracker",
    "use_tracker",
]
