"""Facts about the machine and software a result was measured on.

Example::

    facts = machine_facts(Path(".bench/data"))
    facts["cpu"], facts["filesystem"]
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
from pathlib import Path


def machine_facts(data_dir: Path, reference_python: Path | None = None) -> dict[str, str]:
    """CPU model, cores, RAM, kernel, data-dir filesystem, Python and library versions.

    Example: ``machine_facts(Path(".bench/data"))["python"]`` -> "3.11.7".
    """
    facts = {
        "cpu": _cpu_model(),
        "cores": f"{os.cpu_count()} logical ({len(os.sched_getaffinity(0))} usable)",
        "ram": _ram(),
        "kernel": f"{platform.system()} {platform.release()}",
        "filesystem": _filesystem(data_dir),
        "python": platform.python_version(),
        "duckdb": _version("duckdb"),
        "blake3-py": _version("blake3"),
        "b3sum": _b3sum_version(),
    }
    if reference_python is not None:
        facts["reference"] = _reference_versions(reference_python)
    return facts


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / (1 << 20):.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _filesystem(path: Path) -> str:
    """Type and device of the mount holding ``path`` (longest matching mount point)."""
    target = str(path.resolve())
    best = ("", "unknown", "unknown")
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, fstype, *_ = line.split()
            inside = target == mount or target.startswith(mount.rstrip("/") + "/")
            if inside and len(mount) >= len(best[0]):
                best = (mount, fstype, device)
    except OSError:
        return "unknown"
    return f"{best[1]} on {best[2]} (mounted at {best[0]})"


def _b3sum_version() -> str:
    exe = shutil.which("b3sum")
    if exe is None:
        return "not installed"
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def _reference_versions(python: Path) -> str:
    code = (
        "import importlib.metadata as m, platform;"
        "print(f\"consist {m.version('consist')}, duckdb {m.version('duckdb')}, "
        'python {platform.python_version()}")'
    )
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"
