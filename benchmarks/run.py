"""Side-by-side benchmarks: ours vs Consist 0.3.5, b3sum and raw primitives.

One command prepares everything it needs (the Consist 0.3.5 venv, test data under
``.bench/data``), runs the targets, prints a table and updates ``benchmarks/RESULTS.md``.

Example::

    .venv/bin/python benchmarks/run.py                 # everything (what `make bench` runs)
    .venv/bin/python benchmarks/run.py --only P1,P7    # some targets
    .venv/bin/python benchmarks/run.py --quick         # smaller data, fewer reps (smoke run)
    .venv/bin/python benchmarks/run.py --json          # rows as JSON on stdout
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:  # `python benchmarks/run.py` adds it; an import does not
    sys.path.insert(0, str(BENCH_DIR))

from harness.context import Context, ScriptFailed, Unavailable  # noqa: E402
from harness.machine import machine_facts  # noqa: E402
from harness.report import render_results_md, render_terminal  # noqa: E402
from harness.results_store import (  # noqa: E402
    git_revision,
    load_store,
    locked,
    save_store,
    target_record,
    write_text_atomic,
)
from harness.row import FAIL, SKIP, Row  # noqa: E402
from targets import discover  # noqa: E402

RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "RESULTS.md"


def log(message: str) -> None:
    """Progress goes to stderr so ``--json`` stdout stays machine-readable."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="consist side-by-side benchmarks")
    parser.add_argument("--only", help="comma-separated target ids, e.g. P1,P2")
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer repetitions")
    parser.add_argument("--json", action="store_true", help="print rows as JSON, not a table")
    parser.add_argument(
        "--no-results", action="store_true", help="do not update benchmarks/RESULTS.md"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if any row FAILs")
    return parser.parse_args(argv)


def select_targets(only: str | None) -> list:
    """All discovered targets, or those named by ``--only`` (unknown ids are an error)."""
    targets = discover()
    if not only:
        return targets
    wanted = [t.strip().upper() for t in only.split(",") if t.strip()]
    known = {t.ID: t for t in targets}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise SystemExit(f"unknown target(s) {', '.join(unknown)}; available: {', '.join(known)}")
    return [known[w] for w in wanted]


def run_target(target, ctx: Context) -> list[Row]:
    """Run one target; a missing side becomes a SKIP row, a crash a FAIL row (never abort)."""
    log(f"== {target.ID}: {target.TITLE}")
    try:
        return target.run(ctx)
    except Unavailable as exc:
        return [Row(target.ID, target.TITLE, None, "-", None, None, "-", SKIP, note=str(exc))]
    except ScriptFailed as exc:
        return [Row(target.ID, target.TITLE, None, "-", None, None, "-", FAIL, note=str(exc))]
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        note = f"harness error: {type(exc).__name__}: {exc}"
        return [Row(target.ID, target.TITLE, None, "-", None, None, "-", FAIL, note=note)]


def command_line(argv: list[str]) -> str:
    if not argv and os.environ.get("MAKELEVEL"):
        return "make bench"
    return shlex.join([".venv/bin/python", "benchmarks/run.py", *argv])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    targets = select_targets(args.only)
    ctx = Context.create(REPO_ROOT, quick=args.quick, log=log)
    try:
        ctx.b3sum()
    except Unavailable as exc:
        log(f"warning: {exc} (b3sum rows will be skipped)")

    by_target = {}
    try:
        for target in targets:
            load = f"{os.getloadavg()[0]:.2f}"  # the box is shared: record how busy it was
            by_target[target.ID] = (target, run_target(target, ctx), load)
    finally:
        ctx.close()
    rows = [row for _, target_rows, _ in by_target.values() for row in target_rows]
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=1))
    else:
        print(render_terminal(rows))

    if not args.no_results:
        write_results(ctx, by_target, command_line(argv))
    failed = any(r.status == FAIL for r in rows)
    return 1 if (args.strict and failed) else 0


def write_results(ctx: Context, by_target: dict, command: str) -> None:
    """Full-size runs merge into benchmarks/RESULTS.md; quick runs go to .bench only."""
    facts = machine_facts(ctx.data.root, ctx.reference_if_ready())
    if ctx.quick:
        store_path = ctx.bench_dir / "results-quick.json"
        md_path = ctx.bench_dir / "RESULTS-quick.md"
    else:
        store_path, md_path = RESULTS_JSON, RESULTS_MD
    revision = git_revision(REPO_ROOT)
    # another run may be merging its targets right now; the lock file lives in .bench
    with locked(ctx.bench_dir / f"{store_path.name}.lock"):
        store = load_store(store_path)
        for tid, (target, rows, load) in by_target.items():
            store[tid] = target_record(
                rows,
                command=command,
                page_cache=target.PAGE_CACHE,
                machine=facts,
                load=load,
                revision=revision,
            )
        save_store(store_path, store)
        write_text_atomic(md_path, render_results_md(store))
    log(f"wrote {md_path.relative_to(REPO_ROOT) if md_path.is_relative_to(REPO_ROOT) else md_path}")


if __name__ == "__main__":
    sys.exit(main())
