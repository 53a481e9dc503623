"""The native module is built and matches the Python package version."""

import consist
import consist._core


def test_native_version_matches_package() -> None:
    assert consist._core.__version__ == consist.__version__
