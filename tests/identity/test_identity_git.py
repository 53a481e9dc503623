"""repo_git code identity on real temporary repositories (real git subprocesses)."""

from __future__ import annotations

from pathlib import Path

import pytest
from identity_testlib import backdate, git

from consist.identity.git_state import GitState, GitUnavailableError, git_state_for


def test_clean_tree_is_the_head_commit(git_repo: Path) -> None:
    assert git_state_for(git_repo).code_version() == git(git_repo, "rev-parse", "HEAD")


def test_unchanged_tree_is_not_asked_again(git_repo: Path) -> None:
    backdate(git_repo)
    state = git_state_for(git_repo)
    first = state.code_version()
    calls, recomputations = state.subprocess_calls, state.recomputations
    for _ in range(20):
        assert state.code_version() == first
    assert (state.subprocess_calls, state.recomputations) == (calls, recomputations)


def test_dirty_edit_changes_identity_then_settles(git_repo: Path) -> None:
    state = git_state_for(git_repo)
    clean = state.code_version()
    module = git_repo / "pkg" / "model.py"
    module.write_text("def step(x):\n    return x + 2\n")
    dirty = state.code_version()
    assert dirty.startswith(clean + "-dirty-") and len(dirty) == len(clean) + 7 + 12
    backdate(git_repo)
    assert state.code_version() == dirty  # backdating changed the stats: asks git once
    calls = state.subprocess_calls
    assert state.code_version() == dirty
    assert state.code_version() == dirty
    assert state.subprocess_calls == calls
    # A different edit is a different identity; reverting it restores the clean one.
    module.write_text("def step(x):\n    return x + 3\n")
    assert state.code_version() not in (clean, dirty)
    module.write_text("def step(x):\n    return x + 1\n")
    assert state.code_version() == clean


def test_fresh_files_are_rechecked_until_out_of_the_racy_window(git_repo: Path) -> None:
    state = git_state_for(git_repo)
    state.code_version()
    (git_repo / "pkg" / "model.py").write_text("def step(x):\n    return x - 1\n")
    before = state.recomputations
    state.code_version()
    state.code_version()
    assert state.recomputations == before + 2  # just written: not trusted yet
    backdate(git_repo)
    state.code_version()
    settled = state.recomputations
    state.code_version()
    assert state.recomputations == settled


def test_commit_changes_identity_to_new_head(git_repo: Path) -> None:
    state = git_state_for(git_repo)
    first = state.code_version()
    (git_repo / "pkg" / "model.py").write_text("def step(x):\n    return x * 2\n")
    git(git_repo, "commit", "-q", "-am", "double")
    second = state.code_version()
    assert second == git(git_repo, "rev-parse", "HEAD") != first
    git(git_repo, "checkout", "-q", "HEAD~1")
    assert state.code_version() == first


def test_staged_change_counts_and_new_tracked_file_counts(git_repo: Path) -> None:
    state = git_state_for(git_repo)
    clean = state.code_version()
    (git_repo / "pkg" / "extra.py").write_text("X = 1\n")
    assert state.code_version() == clean  # untracked files are ignored
    git(git_repo, "add", "pkg/extra.py")
    staged = state.code_version()
    assert staged.startswith(clean + "-dirty-")


def test_non_python_edits_do_not_change_identity(git_repo: Path) -> None:
    state = git_state_for(git_repo)
    clean = state.code_version()
    (git_repo / "README.md").write_text("edited\n")
    assert state.code_version() == clean


def test_deleting_a_tracked_module_is_dirty(git_repo: Path) -> None:
    state = git_state_for(git_repo)
    clean = state.code_version()
    (git_repo / "pkg" / "model.py").unlink()
    assert state.code_version().startswith(clean + "-dirty-")


def test_subdirectory_of_repo_shares_the_state(git_repo: Path) -> None:
    assert git_state_for(git_repo / "pkg") is git_state_for(git_repo)


def test_outside_any_repository(tmp_path: Path) -> None:
    with pytest.raises(GitUnavailableError, match="no git repository"):
        git_state_for(tmp_path)


def test_repository_without_commits(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(GitUnavailableError, match="no commits"):
        GitState(tmp_path).code_version()
