"""``consist.integrations.containers``: the Consist 0.3 import path for container steps.

Example:
    >>> from consist.integrations.containers import ContainerDefinition, run_container
    >>> run_container.__module__
    'consist.containers.api'
"""

from __future__ import annotations

from consist.containers.api import ContainerResult, run_container
from consist.containers.spec import ContainerSpec
from consist.integrations.containers.definition import ContainerDefinition

__all__ = ["ContainerDefinition", "ContainerResult", "ContainerSpec", "run_container"]
