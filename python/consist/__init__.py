"""consist: caching and provenance for scientific simulation workflows.

Public API lives here and only here; see ``__all__``.
"""

__version__ = "0.4.0"

__all__ = ["__version__"]
