"""A long-lived subprocess answering one JSON request per line over a pipe.

Starting an interpreter and importing ``consist`` costs up to a second or more, so the
slow sides (the Consist 0.3.5 checksum, the tracker workloads) start once per target and
then answer one timed repetition per request. That lets them be interleaved with ours.

Example::

    with JsonWorker([python, "benchmarks/anchors/consist035_hash.py", "--serve"]) as worker:
        seconds = worker.request({"path": "big.bin"})["seconds"]
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence

from harness.errors import ScriptFailed


class JsonWorker:
    """Runs ``argv``; ``request`` writes one JSON line and reads one JSON line back."""

    def __init__(self, argv: Sequence[str], *, cwd: str | None = None) -> None:
        self._argv = [str(a) for a in argv]
        # stderr goes to a temp file: a chatty worker can never block on a full pipe.
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._proc = subprocess.Popen(
            self._argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            bufsize=1,
            cwd=cwd,
        )

    def request(self, payload: dict[str, object]) -> dict[str, object]:
        """Send ``payload``, return the worker's answer; ScriptFailed if the worker died.

        Example: ``worker.request({"op": "hit"})["seconds"]``.
        """
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(payload) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            proc.wait(timeout=30)
            raise ScriptFailed(f"{self._name()} exited {proc.returncode}: {self._stderr_tail()}")
        return json.loads(line)

    def close(self) -> None:
        """End the worker (closing stdin ends its loop) and release its pipes.

        Example: ``worker.close()``.
        """
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()

    def _name(self) -> str:
        # e.g. ".venv/bin/python tracker_workload.py serve": which interpreter matters
        interpreter = "/".join(self._argv[0].split("/")[-3:])
        return " ".join([interpreter, *(a.rsplit("/", 1)[-1] for a in self._argv[1:3])])

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        return " | ".join(self._stderr.read().strip().splitlines()[-3:])

    def __enter__(self) -> JsonWorker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
