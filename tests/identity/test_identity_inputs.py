"""identity_inputs: accepted shapes, the guide's error texts, digests of real files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from consist.errors import ConfigError, ConsistTypeError
from consist.hashing import hash_file
from consist.identity import IdentityManager, normalize_identity_inputs


def test_accepted_shapes_and_default_labels(tmp_path: Path) -> None:
    inside = tmp_path / "conf" / "a.yaml"
    outside = Path("/etc/hostname")
    items = normalize_identity_inputs(
        [inside, ("label", "b.yaml"), str(outside)], project_root=tmp_path
    )
    assert items == [
        ("conf/a.yaml", inside),
        ("label", Path("b.yaml")),
        ("/etc/hostname", outside),
    ]
    assert normalize_identity_inputs({"x": "p"}) == [("x", Path("p"))]
    assert normalize_identity_inputs(None) == []


@pytest.mark.parametrize("bad", ["configs", Path("configs"), b"configs"])
def test_single_path_is_rejected_with_the_guide_text(bad: object) -> None:
    with pytest.raises(
        ValueError, match=re.escape("identity_inputs/hash_inputs must be a list of paths.")
    ) as info:
        normalize_identity_inputs(bad)
    assert isinstance(info.value, ConfigError)
    assert "identity_inputs=[Path(...)]" in (info.value.fix or "")


def test_bad_shapes_raise_type_errors() -> None:
    with pytest.raises(TypeError, match="must be iterable"):
        normalize_identity_inputs(42)
    with pytest.raises(ConsistTypeError, match=r"\(label, path\) pairs"):
        normalize_identity_inputs([("a", "b", "c")])
    with pytest.raises(ConsistTypeError, match="must be a list of paths"):
        normalize_identity_inputs([3])
    with pytest.raises(ConfigError, match="used twice"):
        normalize_identity_inputs([("x", "a"), ("x", "b")])


def test_digests_are_content_digests_sorted_by_label(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    manager = IdentityManager(tmp_path)
    digests = manager.compute_identity_input_digests(
        [("z", tmp_path / "a.txt"), ("y", tmp_path / "b.txt")]
    )
    assert list(digests) == ["y", "z"]
    assert digests["z"] == str(hash_file(tmp_path / "a.txt"))


def test_relative_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "c.txt").write_text("c")
    monkeypatch.chdir(tmp_path)
    digests = IdentityManager(tmp_path).compute_identity_input_digests([Path("c.txt")])
    assert digests == {"c.txt": str(hash_file(tmp_path / "c.txt"))}


def test_missing_and_unreadable_inputs_are_all_named(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    (tmp_path / "ok.txt").write_text("ok")
    items = [("missing", tmp_path / "nope.txt"), ("ok", tmp_path / "ok.txt")]
    if os.geteuid() != 0:  # root reads anything; the permission case needs a normal user
        locked.chmod(0)
        items.append(("locked", locked))
    with pytest.raises(
        ValueError, match=r"^Problem: Failed to compute identity input digests"
    ) as info:
        IdentityManager(tmp_path).compute_identity_input_digests(items)
    err = info.value
    assert isinstance(err, ConfigError)
    expected = "missing" if os.geteuid() == 0 else "locked, missing"
    assert err.problem == f"Failed to compute identity input digests for: {expected}."
    assert "nope.txt" in (err.cause or "")


def test_directory_digest_sees_names_and_ignores_dotfiles(tmp_path: Path) -> None:
    configs = tmp_path / "configs"
    (configs / "sub").mkdir(parents=True)
    (configs / "a.yaml").write_text("a: 1\n")
    (configs / "sub" / "b.yaml").write_text("b: 2\n")
    manager = IdentityManager(tmp_path)

    def digest() -> str:
        return manager.compute_identity_input_digests([("configs", configs)])["configs"]

    first = digest()
    (configs / ".DS_Store").write_bytes(b"litter")
    assert digest() == first
    (configs / "sub" / "b.yaml").rename(configs / "b.yaml")
    moved = digest()
    assert moved != first  # same bytes, different structure
    (configs / "b.yaml").write_text("b: 3\n")
    assert digest() != moved
