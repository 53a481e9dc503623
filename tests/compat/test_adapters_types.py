"""Config adapters in tracker.run, type guards, DriverType, consist.types and the container
compat path."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import consist
from consist import ConfigAdapter, ConfigDirectoryAdapter, DriverType
from consist.errors import ConfigError, ConsistTypeError
from consist.models import Artifact


def test_directory_adapter_decides_the_cache(tracker, workdir: Path) -> None:
    configs = workdir / "configs"
    (configs / "base").mkdir(parents=True)
    (configs / "local").mkdir()
    (configs / "base" / "settings.yaml").write_text("households: 1000\n")
    (configs / "local" / "settings.yaml").write_text("households: 10\n")
    adapter = ConfigDirectoryAdapter("activitysim", include=["*.yaml"])
    assert isinstance(adapter, ConfigAdapter)
    stack = {"config_dirs": [str(configs / "base"), str(configs / "local")]}
    calls = []

    def simulate(config_dirs) -> dict[str, Path]:
        calls.append(config_dirs)
        out = workdir / "households.csv"
        out.write_text("h\n")
        return {"households": out}

    def run():
        return tracker.run(fn=simulate, config=stack, adapter=adapter, outputs=["households"])

    first = run()
    assert run().cache_hit
    (configs / "local" / "settings.yaml").write_text("households: 20\n")
    third = run()
    assert not third.cache_hit and len(calls) == 2
    assert third.run.meta["config_adapter"] == "activitysim"
    assert third.run.meta["config_bundle_hash"] != first.run.meta["config_bundle_hash"]
    assert sorted(p.name for p in adapter.files(stack)) == ["settings.yaml", "settings.yaml"]
    # Overlay order is part of the identity.
    reversed_stack = {"config_dirs": list(reversed(stack["config_dirs"]))}
    assert adapter.config_identity(reversed_stack) != adapter.config_identity(stack)


def test_directory_adapter_errors(workdir: Path) -> None:
    with pytest.raises(ConfigError, match="has no config directories"):
        ConfigDirectoryAdapter("m").config_identity({})
    with pytest.raises(ConfigError, match="Config directories not found"):
        ConfigDirectoryAdapter("m", root_dirs=[workdir / "nope"]).config_identity({})


def test_an_object_without_config_identity_is_refused(tracker) -> None:
    class Legacy:
        model_name = "legacy"

    assert not isinstance(Legacy(), ConfigAdapter)
    with pytest.raises(ConsistTypeError, match="config_identity"):
        tracker.run(fn=lambda: None, name="x", adapter=Legacy())


@pytest.mark.parametrize(
    ("driver", "expected"),
    [
        ("parquet", {"dataframe", "tabular"}),
        ("csv", {"dataframe", "tabular"}),
        ("h5_table", {"dataframe", "tabular"}),
        ("json", {"tabular", "json"}),
        ("zarr", {"zarr"}),
        ("h5", {"hdf"}),
        ("hdf5", {"hdf"}),
        ("geoparquet", {"spatial"}),
        ("netcdf", set()),
        ("unknown", set()),
    ],
)
def test_type_guards(driver: str, expected: set[str]) -> None:
    artifact = Artifact(key="a", container_uri="/a", driver=driver)
    guards = {
        "dataframe": consist.is_dataframe_artifact,
        "tabular": consist.is_tabular_artifact,
        "json": consist.is_json_artifact,
        "zarr": consist.is_zarr_artifact,
        "hdf": consist.is_hdf_artifact,
        "spatial": consist.is_spatial_artifact,
    }
    assert {name for name, guard in guards.items() if guard(artifact)} == expected
    assert not consist.is_tabular_artifact(object())


def test_driver_type_and_types_module() -> None:
    from consist import types

    assert DriverType("h5_table") is DriverType.H5_TABLE and DriverType.CSV == "csv"
    assert DriverType.tabular_drivers() == DriverType.dataframe_drivers() | {"json"}
    assert {d.value for d in DriverType} >= DriverType.spatial_drivers() | DriverType.hdf_drivers()
    assert types.CacheOptions is consist.CacheOptions
    assert types.ExecutionOptions is consist.ExecutionOptions
    assert types.DriverType is DriverType
    assert types.BuiltinSchemaLiteral.__args__ == ("gtfs",)


def test_container_compat_import_path_and_definition(tmp_path: Path) -> None:
    from consist.containers.spec import ContainerSpec
    from consist.integrations.containers import ContainerDefinition, run_container

    assert run_container is consist.run_container
    spec = ContainerSpec.create(
        image="busybox:1.36",
        command="sh -c 'echo hi'",
        environment={"TOKEN": "secret", "A": "1"},
        volumes={str(tmp_path): "/data"},
    )
    definition = ContainerDefinition.from_spec(spec, image_digest="sha256:abc")
    config = definition.to_hashable_config()
    pairs = json.dumps([["A", "1"], ["TOKEN", "secret"]], separators=(",", ":"))
    assert config["environment_hash"] == hashlib.sha256(pairs.encode()).hexdigest()
    assert config["command"] == ("sh", "-c", "echo hi")
    assert config["volumes"] == [(str(tmp_path), "/data")]
    assert "secret" not in json.dumps(config)
    assert definition.to_spec() == spec
