"""Apptainer / Singularity backend, through the command line found on PATH.

``apptainer exec --cleanenv`` runs the command with only the environment we pass
(through ``APPTAINERENV_*``/``SINGULARITYENV_*``, which keeps values with spaces or commas
intact). The process runs in its own session so Ctrl-C can stop the whole tree.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
from collections import deque
from collections.abc import Mapping
from pathlib import Path

from consist.containers.backends.base import (
    LOG_TAIL_LINES,
    ContainerOutcome,
    LogSink,
    ResolvedImage,
    tail_lines,
)
from consist.containers.spec import ContainerSpec
from consist.errors import ContainerError
from consist.identity.hash_backend import digest_path

__all__ = ["ApptainerBackend", "build_exec_argv", "find_apptainer"]

logger = logging.getLogger("consist.containers")
_REMOTE_SCHEMES = (
    "docker://",
    "docker-archive://",
    "library://",
    "oras://",
    "shub://",
    "http://",
    "https://",
)
_STOP_GRACE_SECONDS = 5.0


def find_apptainer() -> str | None:
    """Path of ``apptainer`` (preferred) or ``singularity`` on PATH, else None."""
    return shutil.which("apptainer") or shutil.which("singularity")


def build_exec_argv(executable: str, spec: ContainerSpec, image_ref: str) -> list[str]:
    """The ``apptainer exec`` command line for ``spec`` (environment excluded).

    Example:
        >>> spec = ContainerSpec.create(image="a.sif", command="ls /", working_dir="/w")
        >>> build_exec_argv("apptainer", spec, "/img/a.sif")
        ['apptainer', 'exec', '--cleanenv', '--writable-tmpfs', '--pwd', '/w', '/img/a.sif', 'ls', '/']
    """
    argv = [executable, "exec", "--cleanenv", "--writable-tmpfs"]
    for volume in spec.volumes:
        argv += ["--bind", f"{volume.host}:{volume.container}:{volume.mode}"]
    if spec.working_dir:
        argv += ["--pwd", spec.working_dir]
    return [*argv, image_ref, *spec.command]


class ApptainerBackend:
    """Run container steps with Apptainer or Singularity (``backend="apptainer"``)."""

    name = "apptainer"

    def __init__(self, executable: str | None = None) -> None:
        self._executable = executable

    def executable(self) -> str:
        found = self._executable or find_apptainer()
        if found is None:
            raise ContainerError(
                "Apptainer/Singularity is not installed.",
                cause="Neither 'apptainer' nor 'singularity' is on PATH.",
                fix="Install Apptainer (https://apptainer.org) or load its module, "
                "or use backend='docker'.",
            )
        return found

    def resolve_image(self, image: str, *, pull_latest: bool) -> ResolvedImage:
        """Pin a local image file by its content; remote URIs are named by the URI itself.

        A remote URI (``docker://...``) is fetched by Apptainer at run time, so its content
        is not known beforehand: such steps are cached by the URI text (``pinned=False``).
        """
        self.executable()
        if image.startswith(_REMOTE_SCHEMES):
            if pull_latest:
                logger.info("Apptainer fetches %s itself when the step runs.", image)
            return ResolvedImage(name=image, digest=f"uri:{image}", run_ref=image, pinned=False)
        path = Path(image).expanduser()
        if not path.exists():
            raise ContainerError(
                f"Container image not found locally: {image}",
                cause="Apptainer images are files (.sif) or remote URIs such as docker://...",
                fix="Build or pull the image first (`apptainer pull img.sif docker://...`) "
                "and pass its path.",
            )
        resolved = path.resolve()
        return ResolvedImage(name=image, digest=digest_path(resolved), run_ref=str(resolved))

    def run(
        self,
        spec: ContainerSpec,
        image: ResolvedImage,
        *,
        labels: Mapping[str, str],
        on_log: LogSink | None = None,
    ) -> ContainerOutcome:
        """Run ``apptainer exec`` and wait; on any interruption stop the process tree.

        Apptainer has no labels; ``labels`` are logged so a run can be matched to its process.
        """
        argv = build_exec_argv(self.executable(), spec, image.run_ref)
        env = dict(os.environ)
        for key, value in spec.environment:
            env[f"APPTAINERENV_{key}"] = value
            env[f"SINGULARITYENV_{key}"] = value
        logger.debug("apptainer run %s: %s", dict(labels), argv)
        tail: deque[str] = deque(maxlen=LOG_TAIL_LINES * 4)
        try:
            process = subprocess.Popen(
                argv,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                start_new_session=True,
            )
        except OSError as exc:
            raise ContainerError(
                f"Could not start {argv[0]}", cause=str(exc), fix="Check the installation."
            ) from exc
        try:
            assert process.stdout is not None
            for line in process.stdout:
                tail.append(line)
                if on_log is not None:
                    on_log(line.rstrip("\n"))
            exit_code = process.wait()
        finally:
            _stop(process)
        return ContainerOutcome(exit_code, tail_lines(tail), container_id=str(process.pid))


def _stop(process: subprocess.Popen[str]) -> None:
    """Terminate the process group if still running (Ctrl-C, errors); no-op after exit."""
    if process.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=_STOP_GRACE_SECONDS)
                break
            except subprocess.TimeoutExpired:
                continue
    if process.stdout is not None:
        process.stdout.close()
