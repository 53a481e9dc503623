"""Everything a target needs: data sets, repetitions, tools, and the two interpreters.

Example::

    ctx = Context.create(repo_root=Path("."), quick=True)
    report = ctx.run_script(ctx.reference_python(), "consist035_hash.py", ["--path", "x.bin"])
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from harness.datasets import DataSets
from harness.errors import ScriptFailed, Unavailable
from harness.json_worker import JsonWorker
from harness.reference_env import ReferenceEnv, ensure_reference_env

ANCHOR_SCRIPTS = Path(__file__).resolve().parent.parent / "anchors"
B3SUM_INSTALL_HINT = "apt-get install -y b3sum"
REF_HASH = "consist035_hash.py"
__all__ = ["Context", "ScriptFailed", "Unavailable", "ours_api"]


def ours_api(module: str, *names: str) -> list[object]:
    """Import ``names`` from our ``module``; raise Unavailable if they do not exist yet.

    Example: ``hash_file, StatCache = ours_api("consist.hashing", "hash_file", "StatCache")``.
    """
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(f"ours not available yet: cannot import {module} ({exc})") from exc
    missing = [name for name in names if not hasattr(mod, name)]
    if missing:
        raise Unavailable(f"ours not available yet: {module} lacks {', '.join(missing)}")
    return [getattr(mod, name) for name in names]


@dataclass
class Context:
    """Shared state for one harness run. ``reps``/``warmup`` already reflect ``--quick``."""

    repo_root: Path
    bench_dir: Path
    data: DataSets
    quick: bool
    reps: int
    warmup: int
    log: object = print
    _reference: ReferenceEnv | None = field(default=None, repr=False)
    _worker: JsonWorker | None = field(default=None, repr=False)

    @classmethod
    def create(cls, repo_root: Path, *, quick: bool, log=print) -> Context:
        """Build a context rooted at ``repo_root/.bench``.

        Example: ``Context.create(Path("."), quick=False)``.
        """
        bench_dir = (repo_root / ".bench").resolve()
        data = DataSets(bench_dir / "data", quick=quick, log=log)
        reps, warmup = (3, 1) if quick else (7, 1)
        return cls(repo_root.resolve(), bench_dir, data, quick, reps, warmup, log)

    @property
    def ours_python(self) -> Path:
        """Our interpreter: the one running the harness (``.venv``)."""
        return Path(sys.executable)

    def reference_python(self) -> Path:
        """The Consist 0.3.5 interpreter, created on first use; raises Unavailable.

        Example: ``subprocess.run([ctx.reference_python(), "-c", "import consist"])``.
        """
        if self._reference is None:
            self._reference = ensure_reference_env(self.bench_dir, log=self.log)
        if self._reference.python is None:
            raise Unavailable(f"Consist 0.3.5 venv unavailable: {self._reference.problem}")
        return self._reference.python

    def reference_checksum(self, path: Path) -> float:
        """Seconds of one Consist 0.3.5 ``compute_file_checksum(path)`` ("full").

        Served by one long-lived 0.3.5 process, started on first use (``close()`` ends it).

        Example: ``Anchor("Consist 0.3.5", goal, once=SelfTimed(partial(ctx.reference_checksum, p)))``.
        """
        if self._worker is None:
            argv = [self.reference_python(), ANCHOR_SCRIPTS / REF_HASH, "--serve"]
            self._worker = JsonWorker(argv, cwd=str(self.bench_dir))
        return float(self._worker.request({"path": str(path)})["seconds"])

    def close(self) -> None:
        """Stop the reference worker, if one was started.

        Example: ``try: ... finally: ctx.close()``.
        """
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def reference_if_ready(self) -> Path | None:
        """The reference interpreter if a target already set it up, else None (no install).

        Example: ``machine_facts(data_dir, ctx.reference_if_ready())``.
        """
        return self._reference.python if self._reference is not None else None

    def b3sum(self) -> str:
        """Path of the ``b3sum`` binary; raises Unavailable with the install command."""
        found = shutil.which("b3sum")
        if found is None:
            raise Unavailable(f"b3sum not found; install it with: {B3SUM_INSTALL_HINT}")
        return found

    def run_script(
        self, python: Path, script: str | Path, args: list[str], *, timeout: float = 3600
    ) -> dict[str, object]:
        """Run ``benchmarks/anchors/<script>`` (or a script path) with ``python``; parse
        its last stdout line as JSON. It runs in the script's directory when given a path.

        Example: ``ctx.run_script(ctx.ours_python, "tracker_workload.py", ["runs", ...])``.
        """
        path = script if isinstance(script, Path) else ANCHOR_SCRIPTS / script
        cwd = path.parent if isinstance(script, Path) else self.bench_dir
        argv = [str(python), str(path), *args]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd
        )
        if done.returncode != 0:
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            raise ScriptFailed(f"{script} failed under {python}: {tail}")
        lines = done.stdout.strip().splitlines()
        if not lines:
            raise ScriptFailed(f"{script} printed nothing under {python}")
        return json.loads(lines[-1])

    def scratch(self, name: str) -> Path:
        """A fresh, empty scratch directory ``.bench/work/<name>`` (removed first).

        Example: ``base = ctx.scratch("p5-ours")``.
        """
        path = self.bench_dir / "work" / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def isolated_copy(self, name: str, script: str) -> Path:
        """A fresh directory outside any git repository holding a copy of an anchors script.

        The tracker workloads run from here: with ``code_identity="repo_git"`` (the 0.3
        default) a project inside this repository would take its identity from our git
        state, which other commits change mid-benchmark (turning hits into misses).

        Example: ``script = ctx.isolated_copy("p5-ours", "tracker_workload.py")``.
        """
        root = Path(tempfile.gettempdir()) / f"consist-bench-{os.getuid()}" / name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        shutil.copy2(ANCHOR_SCRIPTS / script, root / script)
        return root / script
