"""Fixtures: the shared tracker project (tests/_shared/tracker_project.py)."""

from tracker_project import git_project, make_tracker, tracker, workdir

__all__ = ["git_project", "make_tracker", "tracker", "workdir"]
