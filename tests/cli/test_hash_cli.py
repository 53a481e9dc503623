"""`consist hash` / `consist digest`, and the CLI root (lazy loading, exit codes)."""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import subprocess
import sys

import blake3
import click
import pytest
from click.testing import CliRunner

from consist.cli import COMMANDS, cli
from consist.cli._render import EXIT_INTERRUPTED, run_cli
from consist.errors import ConfigError

CONSIST = [sys.executable, "-c", "from consist.cli import main; main()"]


@pytest.fixture
def files(tmp_path: pathlib.Path) -> list[pathlib.Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.bin"
    a.write_bytes(b"hello")
    b.write_bytes(bytes(range(256)) * 100)
    return [a, b]


def test_hash_prints_b3sum_lines(files: list[pathlib.Path]) -> None:
    result = CliRunner().invoke(cli, ["hash", *map(str, files)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [f"blake3:{blake3.blake3(p.read_bytes()).hexdigest()}  {p}" for p in files]


def test_hash_sha256_json(files: list[pathlib.Path]) -> None:
    result = CliRunner().invoke(cli, ["hash", "--algorithm", "sha256", "--json", str(files[0])])
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {"path": str(files[0]), "digest": "sha256:" + hashlib.sha256(b"hello").hexdigest()}
    ]


def test_hash_fast_and_stat_cache(files: list[pathlib.Path], tmp_path: pathlib.Path) -> None:
    fast = CliRunner().invoke(cli, ["hash", "--strategy", "fast", str(files[0])])
    assert fast.output.startswith("fast:")
    cache = tmp_path / "stat.cache"
    for _ in range(2):
        result = CliRunner().invoke(cli, ["hash", "--stat-cache", str(cache), str(files[1])])
        assert result.exit_code == 0
    assert cache.exists()


def test_digest_summary_manifest_and_json(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "tree"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "x.csv").write_text("1")
    (root / "run.sh").write_text("#!/bin/sh")
    (root / "run.sh").chmod(0o755)
    from consist.hashing import digest_directory

    expected = digest_directory(root)
    text = CliRunner().invoke(cli, ["digest", str(root), "--manifest"])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[0] == f"{expected.digest}  {root}"
    assert "2 files, 1 folders" in text.output
    assert "sub/x.csv" in text.output
    as_json = CliRunner().invoke(cli, ["digest", str(root), "--json", "--manifest"])
    payload = json.loads(as_json.output)
    assert payload["digest"] == str(expected.digest)
    assert (payload["files"], payload["dirs"]) == (2, 1)
    assert [e["path"] for e in payload["entries"]] == ["run.sh", "sub", "sub/x.csv"]
    assert payload["entries"][0]["executable"] is True
    only_csv = CliRunner().invoke(cli, ["digest", str(root), "--include", "*.csv", "--json"])
    assert json.loads(only_csv.output)["files"] == 1
    no_sub = CliRunner().invoke(cli, ["digest", str(root), "--exclude", "sub", "--json"])
    assert json.loads(no_sub.output)["dirs"] == 0


def test_digest_symlink_policy_option(tmp_path: pathlib.Path) -> None:
    os.symlink("elsewhere", tmp_path / "link")
    rejected = subprocess.run([*CONSIST, "digest", str(tmp_path)], capture_output=True, text=True)
    assert rejected.returncode == 1
    assert rejected.stderr.startswith("Problem: Symbolic link found while digesting")
    assert "Fix: pass symlinks='record_target'" in rejected.stderr
    recorded = CliRunner().invoke(
        cli, ["digest", str(tmp_path), "--symlinks", "record_target", "--json"]
    )
    assert json.loads(recorded.output)["symlinks"] == 1


def test_errors_render_problem_cause_fix_and_exit_1(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "missing.csv"
    out = subprocess.run([*CONSIST, "hash", str(missing)], capture_output=True, text=True)
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert lines[0] == f"Problem: Path not found: {missing}"
    assert lines[1].startswith("Cause: ") and lines[2].startswith("Fix: ")
    assert "Traceback" not in out.stderr
    folder = subprocess.run([*CONSIST, "hash", str(tmp_path)], capture_output=True, text=True)
    assert folder.returncode == 1 and "consist digest" in folder.stderr


def test_debug_shows_traceback(tmp_path: pathlib.Path) -> None:
    out = subprocess.run(
        [*CONSIST, "--debug", "hash", str(tmp_path / "nope")], capture_output=True, text=True
    )
    assert out.returncode == 1
    assert "Traceback" in out.stderr and "Problem: Path not found" in out.stderr


def test_usage_errors_exit_2() -> None:
    out = subprocess.run([*CONSIST, "hash", "--algorithm", "md5", "x"], capture_output=True)
    assert out.returncode == 2
    assert subprocess.run([*CONSIST, "no-such-command"], capture_output=True).returncode == 2
    assert subprocess.run([*CONSIST, "hash"], capture_output=True).returncode == 2


def test_keyboard_interrupt_exits_130() -> None:
    @click.command()
    def interrupted() -> None:
        raise KeyboardInterrupt

    assert run_cli(interrupted, [], debug=lambda: False) == EXIT_INTERRUPTED


def test_consist_errors_from_any_command_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    @click.command()
    def failing() -> None:
        raise ConfigError("Bad option", cause="it was wrong", fix="pass a right one")

    assert run_cli(failing, [], debug=lambda: False) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Problem: Bad option",
        "Cause: it was wrong",
        "Fix: pass a right one",
    ]


def test_version_and_help_list_commands_without_importing_them() -> None:
    script = (
        "import sys\n"
        "from consist.cli import main\n"
        "try:\n    main(['--help'])\n"
        "except SystemExit as e:\n    code = e.code\n"
        "heavy = {'consist.hashing', 'consist._core', 'rich'}\n"
        "loaded = sorted(m for m in sys.modules if m in heavy or (\n"
        "    m.startswith('consist.cli.') and m != 'consist.cli._render'))\n"
        "print('LOADED', code, loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    for name, (_, short_help) in COMMANDS.items():
        assert name in out.stdout and short_help in out.stdout
    assert "LOADED 0 []" in out.stdout  # no command module, no native core, no rich
    version = subprocess.run([*CONSIST, "-V"], capture_output=True, text=True)
    assert version.stdout.strip() == "consist 0.4.0"


def test_every_registered_command_resolves() -> None:
    ctx = click.Context(cli)
    for name in COMMANDS:
        assert isinstance(cli.get_command(ctx, name), click.Command)


class _FakeProgress:
    """Counters that advance over time, like the Rust ProgressHandle (no real tree needed)."""

    def __init__(self, total_files: int) -> None:
        self.total_files = total_files
        self.calls = 0

    def snapshot(self) -> tuple[int, int, int, int]:
        self.calls += 1
        done = min(self.total_files, self.calls * 1000)
        return (self.total_files, done * 10, done, done * 10)


def test_progress_bar_follows_the_counters_until_the_work_ends() -> None:
    import threading
    import time

    from consist.cli import hash as hash_cli

    worker = threading.Thread(target=time.sleep, args=(0.35,))
    worker.start()
    fake = _FakeProgress(total_files=hash_cli.PROGRESS_MIN_FILES * 3)
    hash_cli._draw_progress(worker, fake)  # draws on stderr (not a terminal here)
    assert not worker.is_alive()
    assert fake.calls >= 3  # polled while the work ran
