"""Workflows: traced blocks, scenarios of steps, the Coupler, refs between steps.

* ``trace``: ``tracker.trace(name)``, a recorded block whose body always runs;
* ``scenario``: ``tracker.scenario(name)``, a header run grouping cached steps;
* ``coupler`` / ``refs``: passing outputs of one step to the next;
* ``steps``: ``define_step`` defaults; ``noop``: the same code with provenance off;
* ``api`` / ``recovery_api``: the functional forms (``consist.trace``, ...).

Submodules are imported on use; this package imports nothing at import time.
"""
