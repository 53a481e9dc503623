"""Code identity modes, fallback rules and extra deps (real module files, real repos)."""

from __future__ import annotations

from pathlib import Path

import pytest
from identity_testlib import import_file

from consist.errors import CodeIdentityUnavailableError, ConfigError, ConsistTypeError
from consist.hashing import hash_file
from consist.identity import IdentityManager, resolve_code_identity
from consist.identity.code import callable_source_identity

MODULE = '''\
import functools


def helper():
    return 0


def step(x):
    """Add one."""
    return x + 1


@functools.wraps(step)
def wrapped(*args):
    return step(*args)
'''


@pytest.fixture
def module_file(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "steps_mod.py"
    path.parent.mkdir()
    path.write_text(MODULE)
    return path


def test_callable_module_is_the_module_file_digest(tmp_path: Path, module_file: Path) -> None:
    module = import_file(module_file, "steps_mod")
    ident = IdentityManager(tmp_path).resolve_code_identity("callable_module", module.step)
    assert ident.mode == "callable_module" and ident.fallback_reason is None
    assert ident.value == f"mod:{hash_file(module_file)}"


def test_callable_module_honours_algorithm(tmp_path: Path, module_file: Path) -> None:
    module = import_file(module_file, "steps_mod")
    ident = IdentityManager(tmp_path, hash_algorithm="sha256")
    assert ident.get_code_version(module.step, mode="callable_module").startswith("mod:sha256:")


def test_callable_source_ignores_other_code_in_the_module(module_file: Path) -> None:
    before = callable_source_identity(import_file(module_file, "steps_mod").step)
    module_file.write_text(MODULE.replace("return 0", "return 42"))
    assert callable_source_identity(import_file(module_file, "steps_mod").step) == before
    module_file.write_text(MODULE.replace("x + 1", "x + 2"))
    assert callable_source_identity(import_file(module_file, "steps_mod").step) != before


def test_callable_source_unwraps_decorators_and_normalises_whitespace(module_file: Path) -> None:
    module = import_file(module_file, "steps_mod")
    assert callable_source_identity(module.wrapped) == callable_source_identity(module.step)
    module_file.write_text(MODULE.replace("return x + 1", "return x + 1    "))
    assert callable_source_identity(import_file(module_file, "steps_mod").step) == (
        callable_source_identity(module.step)
    )


def test_callable_modes_need_a_callable_with_source(tmp_path: Path) -> None:
    manager = IdentityManager(tmp_path)
    with pytest.raises(CodeIdentityUnavailableError, match="'callable_source'"):
        manager.get_code_version(len, mode="callable_source")
    with pytest.raises(CodeIdentityUnavailableError, match="no Python callable"):
        manager.get_code_version(None, mode="callable_module")
    with pytest.raises(RuntimeError, match="has no source file"):
        manager.get_code_version(len, mode="callable_module")


def test_outside_git_falls_back_to_callable_module(tmp_path: Path, module_file: Path) -> None:
    module = import_file(module_file, "steps_mod")
    ident = IdentityManager(tmp_path).resolve_code_identity(None, module.step)
    assert (ident.mode, ident.requested_mode) == ("callable_module", "repo_git")
    assert "no git repository" in (ident.fallback_reason or "")
    assert ident.value == f"mod:{hash_file(module_file)}"
    assert ident.to_meta()["mode"] == "callable_module"


def test_outside_git_without_callable_raises(tmp_path: Path) -> None:
    with pytest.raises(CodeIdentityUnavailableError) as info:
        IdentityManager(tmp_path).get_code_version()
    assert info.value.problem.startswith("Code identity unavailable for mode 'repo_git': ")
    assert "Git repository" in str(info.value)


def test_explicit_callable_mode_never_uses_git(git_repo: Path) -> None:
    module = import_file(git_repo / "pkg" / "model.py", "pkg_model")
    ident = IdentityManager(git_repo).resolve_code_identity("callable_source", module.step)
    assert ident.value.startswith("src:")


def test_repo_git_in_repository(git_repo: Path) -> None:
    ident = IdentityManager(git_repo / "pkg").resolve_code_identity()
    assert ident.mode == "repo_git" and len(ident.value) == 40


def test_extra_deps_change_the_identity(git_repo: Path) -> None:
    manager = IdentityManager(git_repo)
    conf = git_repo / "conf"
    conf.mkdir()
    (conf / "model.yaml").write_text("a: 1\n")
    base = manager.get_code_version()
    with_dep = manager.get_code_version(extra_deps=["conf/model.yaml"])
    assert with_dep != base
    (conf / "model.yaml").write_text("a: 2\n")
    assert manager.get_code_version(extra_deps=["conf/model.yaml"]) != with_dep
    missing = manager.resolve_code_identity(extra_deps=["conf/gone.yaml"])
    assert missing.value not in (base, with_dep) and missing.extra_deps == ("conf/gone.yaml",)


def test_mode_and_extra_deps_validation(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cache_options\.code_identity must be one of"):
        resolve_code_identity("git", path_digest=str, project_root=tmp_path)
    with pytest.raises(ConsistTypeError, match="list of project-relative paths"):
        resolve_code_identity("repo_git", extra_deps="conf.yaml", path_digest=str)  # type: ignore[arg-type]


def test_patched_get_code_version_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Consist 0.3 test suites pin the code hash this way; the tracker must see it.
    monkeypatch.setattr(IdentityManager, "get_code_version", lambda self: "static_test_hash")
    ident = IdentityManager(tmp_path).resolve_code_identity()
    assert (ident.value, ident.mode) == ("static_test_hash", "patched")
    parts = IdentityManager(tmp_path).compute_run_identity(config={})
    assert parts.code_hash == "static_test_hash"


def test_partials_and_callable_instances_resolve_to_their_code(tmp_path: Path) -> None:
    import functools

    path = tmp_path / "callables_mod.py"
    path.write_text(
        "class Step:\n    def __call__(self, x):\n        return x\n\n\n"
        "def scaled(x, factor):\n    return x * factor\n"
    )
    module = import_file(path, "callables_mod")
    partial = functools.partial(module.scaled, factor=2)
    assert callable_source_identity(partial) == callable_source_identity(module.scaled)
    assert callable_source_identity(module.Step()) == callable_source_identity(module.Step)
    ident = IdentityManager(tmp_path).resolve_code_identity("callable_module", module.Step())
    assert ident.value == f"mod:{hash_file(path)}"
