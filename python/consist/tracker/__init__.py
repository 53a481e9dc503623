"""The Tracker: run lifecycle, cache decisions and function steps.

Example:
    >>> from consist.tracker import Tracker
    >>> tracker = Tracker(run_dir="./runs", db_path="./provenance.duckdb")  # doctest: +SKIP
"""

from consist.context import (
    current_run,
    current_tracker,
    set_current_tracker,
    use_tracker,
)
from consist.tracker.run_context import RunContext
from consist.tracker.tracker import Tracker
from consist.tracker.tracker_config import TrackerConfig

__all__ = [
    "RunContext",
    "Tracker",
    "TrackerConfig",
    "current_run",
    "current_tracker",
    "set_current_tracker",
    "use_tracker",
]
