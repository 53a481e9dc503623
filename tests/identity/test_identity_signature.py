"""Run config hash, input hash, signature, and the explanation of differences."""

from __future__ import annotations

from pathlib import Path

import pytest

from consist.errors import ConsistTypeError
from consist.identity import (
    IdentityManager,
    InputIdentity,
    SignatureParts,
    changed_components,
    compute_input_hash,
    compute_run_config_hash,
    compute_signature,
    explain_difference,
)

BASE = {
    "model": "m",
    "year": 2030,
    "iteration": 0,
    "cache_epoch": 1,
    "cache_version": None,
    "identity_inputs": {"cfg": "blake3:aa"},
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("model", "other"),
        ("year", 2040),
        ("year", None),
        ("iteration", 1),
        ("cache_epoch", 2),
        ("cache_version", 1),
        ("identity_inputs", {"cfg": "blake3:bb"}),
        ("identity_inputs", {}),
        ("extra", {"adapter": "activitysim"}),
    ],
)
def test_every_run_field_changes_the_run_config_hash(field: str, value: object) -> None:
    base = compute_run_config_hash({"p": 1}, **BASE)  # type: ignore[arg-type]
    assert compute_run_config_hash({"p": 1}, **{**BASE, field: value}) != base  # type: ignore[arg-type]


def test_run_config_hash_is_type_sensitive_and_differs_from_raw_hash() -> None:
    manager = IdentityManager()
    assert manager.compute_run_config_hash({"p": 0}) != manager.compute_run_config_hash({"p": 0.0})
    assert manager.compute_run_config_hash({"p": 0}) != manager.compute_config_hash({"p": 0})


def test_manager_uses_tracker_epoch_unless_overridden() -> None:
    epoch3 = IdentityManager(cache_epoch=3)
    assert epoch3.compute_run_config_hash({"p": 1}, "m") == compute_run_config_hash(
        {"p": 1}, model="m", cache_epoch=3
    )
    assert epoch3.compute_run_config_hash({"p": 1}, "m", cache_epoch=None) == (
        compute_run_config_hash({"p": 1}, model="m")
    )


def test_input_hash_is_order_free_and_kind_sensitive() -> None:
    a = [("x", "blake3:01"), InputIdentity.produced("y", "blake3:02")]
    assert compute_input_hash(a) == compute_input_hash(list(reversed(a)))
    assert compute_input_hash(a) != compute_input_hash(
        [("x", "blake3:01"), InputIdentity.raw("y", "blake3:02")]
    )
    assert compute_input_hash([("x", "blake3:01")]) != compute_input_hash([("z", "blake3:01")])
    assert compute_input_hash([]) == compute_input_hash(())
    assert compute_input_hash([]) != compute_input_hash([("x", "blake3:01")])


def test_input_identity_validation() -> None:
    with pytest.raises(ConsistTypeError, match="exactly one of digest or producer_signature"):
        InputIdentity("x")
    with pytest.raises(ConsistTypeError, match="entries must be InputIdentity"):
        compute_input_hash(["x"])


def test_signature_changes_with_each_component() -> None:
    base = compute_signature("code", "conf", "in")
    variants = [
        compute_signature("code2", "conf", "in"),
        compute_signature("code", "conf2", "in"),
        compute_signature("code", "conf", "in2"),
        compute_signature("code", "conf", "in", extra={"image": "sha256:1"}),
    ]
    assert len({base, *variants}) == 5
    assert compute_signature("code", "conf", "in", extra={}) == base


def _module(tmp_path: Path, name: str, body: str):  # type: ignore[no-untyped-def]
    from identity_testlib import import_file

    path = tmp_path / f"{name}.py"
    path.write_text(f"def step(x):\n    return {body}\n")
    return import_file(path, name).step


def test_compute_run_identity_every_component_changes_signature(tmp_path: Path) -> None:
    manager = IdentityManager(tmp_path)
    data = tmp_path / "cfg.txt"
    data.write_text("a")
    fn = _module(tmp_path, "sig_mod_a", "x + 1")
    common = {
        "config": {"p": 1},
        "model": "m",
        "year": 2030,
        "iteration": 0,
        "identity_inputs": [("cfg", data)],
        "inputs": [InputIdentity.raw("trips", "blake3:01")],
        "fn": fn,
        "code_identity": "callable_source",
    }
    base = manager.compute_run_identity(**common)  # type: ignore[arg-type]
    assert manager.compute_run_identity(**common) == base  # type: ignore[arg-type]
    changes = {
        "config": {"config": {"p": 2}},
        "model": {"model": "n"},
        "year": {"year": 2040},
        "iteration": {"iteration": 1},
        "cache_epoch": {"cache_epoch": 7},
        "cache_version": {"cache_version": 2},
        "inputs": {"inputs": [InputIdentity.produced("trips", "blake3:09")]},
        "code": {"fn": _module(tmp_path, "sig_mod_b", "x + 2")},
    }
    for component, override in changes.items():
        parts = manager.compute_run_identity(**{**common, **override})  # type: ignore[arg-type]
        assert parts.signature != base.signature, component
        assert changed_components(parts, base) == [component]
    data.write_text("b")
    parts = manager.compute_run_identity(**common)  # type: ignore[arg-type]
    assert parts.signature != base.signature
    assert changed_components(parts, base) == ["identity_inputs"]
    assert explain_difference(parts, base)[0].startswith("identity input 'cfg' changed (")


def test_explain_difference_lines_and_dict_form() -> None:
    old = SignatureParts(
        signature="s1",
        code_hash="c1",
        config_hash="f1",
        input_hash="i1",
        raw_config_hash="r",
        year=2030,
        inputs={"a": "content:blake3:01", "b": "run:blake3:02"},
    )
    new = SignatureParts(
        signature="s2",
        code_hash="c2",
        config_hash="f2",
        input_hash="i2",
        raw_config_hash="r",
        year=2040,
        inputs={"a": "content:blake3:03", "c": "content:blake3:04"},
    )
    lines = explain_difference(new.to_dict(), old.to_dict())
    assert lines == [
        "code changed (c1 -> c2)",
        "input 'a' changed (content:blake3:01 -> content:blake3:03)",
        "input 'b' removed",
        "input 'c' added",
        "year changed (2030 -> 2040)",
    ]
    assert changed_components(new, old) == ["code", "inputs", "year"]
    assert explain_difference(new, new) == []


def test_signature_parts_round_trip_ignores_unknown_keys() -> None:
    parts = SignatureParts(signature="s", code_hash="c", config_hash="f", input_hash="i", year=1)
    stored = {**parts.to_dict(), "added_in_a_later_version": 1}
    assert SignatureParts.from_dict(stored) == parts
