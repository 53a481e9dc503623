"""Shared fixtures for the hashing tests."""

from __future__ import annotations

import os

from hypothesis import settings
from xfs_mount import xfs_mount  # the loop-mounted XFS fixture (tests/_shared)

__all__ = ["xfs_mount"]

settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile("slow", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
