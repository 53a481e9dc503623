"""Placeholder demo until the tracker lands: prints the native core version."""

import consist._core

print(f"consist native core {consist._core.__version__}")
