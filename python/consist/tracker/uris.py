"""Portable artifact locations; the implementation lives in ``consist.artifacts.uris``.

Kept so ``from consist.tracker.uris import PathMapper`` keeps working.
"""

from consist.artifacts.uris import PathMapper, UriResolver

__all__ = ["PathMapper", "UriResolver"]
