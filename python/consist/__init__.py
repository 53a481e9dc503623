"""consist: caching and provenance for scientific simulation workflows.

Public API lives here and only here; see ``__all__``.
"""

__version__ = "0.4.0"

# Public names imported on first use (keeps `import consist` fast):
# name -> module that defines it. Add one line per name.
_LAZY_EXPORTS = {
    # data layer (Arrow-native frames, loaders, views)
    "active_relation_count": "consist.data.relations",
    "ingest": "consist.data.functional",
    "load": "consist.data.loaders",
    "load_arrow": "consist.data.loaders",
    "load_df": "consist.data.loaders",
    "load_polars": "consist.data.loaders",
    "load_relation": "consist.data.loaders",
    "log_dataframe": "consist.data.functional",
    "register_views": "consist.data.view_registry",
    "to_df": "consist.data.loaders",
    "view": "consist.data.views",
    "CacheOptions": "consist.options",
    "Digest": "consist.digest",
    "DirectoryDigest": "consist.hashing",
    "StatCache": "consist.hashing",
    "digest_directory": "consist.hashing",
    "hash_file": "consist.hashing",
    "hash_files": "consist.hashing",
    "ExecutionOptions": "consist.options",
    "OutputPolicyOptions": "consist.options",
    "Artifact": "consist.models",
    "Run": "consist.models",
    "RunResult": "consist.models",
    # tracker and functional API
    "RunContext": "consist.tracker.run_context",
    "Tracker": "consist.tracker.tracker",
    "current_consist": "consist.api",
    "current_run": "consist.api",
    "current_tracker": "consist.api",
    "find_latest_run": "consist.api",
    "find_run": "consist.api",
    "find_runs": "consist.api",
    "log_artifact": "consist.api",
    "log_artifacts": "consist.api",
    "log_input": "consist.api",
    "log_meta": "consist.api",
    "log_output": "consist.api",
    "output_dir": "consist.api",
    "output_path": "consist.api",
    "run": "consist.api",
    "run_container": "consist.containers.api",
    "set_current_tracker": "consist.api",
    "start_run": "consist.api",
    "use_tracker": "consist.api",
}

__all__ = [
    "Artifact",
    "CacheOptions",
    "Digest",
    "DirectoryDigest",
    "ExecutionOptions",
    "OutputPolicyOptions",
    "Run",
    "RunContext",
    "RunResult",
    "StatCache",
    "Tracker",
    "__version__",
    "active_relation_count",
    "current_consist",
    "current_run",
    "current_tracker",
    "digest_directory",
    "find_latest_run",
    "find_run",
    "find_runs",
    "hash_file",
    "hash_files",
    "ingest",
    "load",
    "load_arrow",
    "load_df",
    "load_polars",
    "load_relation",
    "log_artifact",
    "log_artifacts",
    "log_dataframe",
    "log_input",
    "log_meta",
    "log_output",
    "output_dir",
    "output_path",
    "register_views",
    "run",
    "run_container",
    "set_current_tracker",
    "start_run",
    "to_df",
    "use_tracker",
    "view",
]


def __getattr__(name: str) -> object:
    module_name = _LAZY_EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'consist' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
