"""Side-by-side benchmark harness: ours vs Consist 0.3.5, b3sum and raw primitives.

Entry point: ``benchmarks/run.py``. Targets live in ``benchmarks/targets/pN_*.py``;
scripts that run on the Consist 0.3.5 interpreter live in ``benchmarks/anchors/``.
"""
