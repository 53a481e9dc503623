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
    "register_views": "consist.data.views",
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
}

__all__ = [
    "Artifact",
    "CacheOptions",
    "Digest",
    "DirectoryDigest",
    "ExecutionOptions",
    "OutputPolicyOptions",
    "Run",
    "RunResult",
    "StatCache",
    "__version__",
    "active_relation_count",
    "digest_directory",
    "hash_file",
    "hash_files",
    "ingest",
    "load",
    "load_arrow",
    "load_df",
    "load_polars",
    "load_relation",
    "log_dataframe",
    "register_views",
    "to_df",
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
