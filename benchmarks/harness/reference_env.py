"""The Consist 0.3.5 reference interpreter, in its own venv under ``.bench/consist035``.

Consist 0.3.5 has the same import name as ours, so it cannot share our venv: its side of
every comparison runs in a subprocess with this interpreter.

Example::

    env = ensure_reference_env(Path(".bench"))
    if env.python is not None:
        subprocess.run([str(env.python), "-c", "import consist"], check=True)
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REFERENCE_VERSION = "0.3.5"
REFERENCE_REQUIREMENT = f"consist=={REFERENCE_VERSION}"
# A stamp written only after a successful install and probe, so an interrupted
# install is never mistaken for a valid environment.
STAMP_NAME = ".consist035-ok"


@dataclass(frozen=True)
class ReferenceEnv:
    """Where the reference interpreter is, or why it is unavailable."""

    python: Path | None
    version: str | None
    problem: str | None = None


def _probe(python: Path) -> str | None:
    """Return the installed consist version seen by ``python``, or None."""
    code = "import importlib.metadata as m; print(m.version('consist'))"
    try:
        done = subprocess.run(
            [str(python), "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def ensure_reference_env(bench_dir: Path, *, log=print) -> ReferenceEnv:
    """Create (or reuse) ``bench_dir/consist035`` with ``consist==0.3.5`` from PyPI.

    Example::

        env = ensure_reference_env(Path(".bench"))
        print(env.python, env.version, env.problem)
    """
    venv = bench_dir / "consist035"
    python = venv / "bin" / "python"
    stamp = venv / STAMP_NAME
    if stamp.exists() and python.exists() and _probe(python) == REFERENCE_VERSION:
        return ReferenceEnv(python=python, version=REFERENCE_VERSION)

    log(f"setting up {venv} with {REFERENCE_REQUIREMENT} (one time, needs network)...")
    bench_dir.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "-q", "-U", "pip"],
        [str(python), "-m", "pip", "install", "-q", REFERENCE_REQUIREMENT],
    ]
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return ReferenceEnv(
                python=None,
                version=None,
                problem=f"`{' '.join(cmd[-3:])}` failed: {' | '.join(tail)}",
            )
    version = _probe(python)
    if version != REFERENCE_VERSION:
        return ReferenceEnv(None, None, f"installed consist reports version {version!r}")
    stamp.write_text(REFERENCE_REQUIREMENT + "\n")
    return ReferenceEnv(python=python, version=version)
