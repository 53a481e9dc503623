"""Type stub for the native module ``consist._core`` (built from ``rust/src/py``)."""

__version__: str
