"""Consist 0.3 import paths for integrations (``consist.integrations.containers``).

The implementations live elsewhere in the package (``consist.containers``);
these modules keep ``from consist.integrations.containers import run_container``
working unchanged.
"""
