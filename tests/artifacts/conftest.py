"""Fixtures: the shared tracker project and the XFS reflink mount (tests/_shared/)."""

from tracker_project import git_project, make_tracker, tracker, workdir
from xfs_mount import xfs_mount

__all__ = ["git_project", "make_tracker", "tracker", "workdir", "xfs_mount"]
