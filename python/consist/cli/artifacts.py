"""``consist artifacts``, ``preview`` and ``validate``: recorded files and their bytes.

Example (shell):
    consist artifacts beam_1a2b3c4d --json
    consist preview trips --rows 10 --run-dir ./runs
    consist validate --run-dir ./runs --mount inputs=/mnt/data
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from consist.cli.common import (
    db_path_option,
    echo_json,
    format_bytes,
    json_option,
    parse_mounts,
    print_table,
    resolution_options,
    stdout_console,
)
from consist.cli.runs import MAX_CLI_LIMIT, open_reader

__all__ = ["artifacts", "preview", "validate"]


def _row(direction: str | None, key: str, art: Any, path: Path | None) -> dict[str, Any]:
    row = {"key": key, **art.to_dict()}
    if direction:
        row["direction"] = direction
    row["resolved_path"] = None if path is None else str(path)
    row["exists"] = path is not None
    return row


_PARAM = re.compile(r"^([^=<>]+?)(>=|<=|=)(.*)$")


def parse_params(values: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """``("scale>=2", "scenario=base")`` -> ``[("scale", ">=", "2"), ...]``; else usage error."""
    parsed = []
    for value in values:
        match = _PARAM.match(value)
        if match is None:
            raise click.BadParameter(
                f"{value!r} is not KEY=VALUE, KEY>=VALUE or KEY<=VALUE.", param_hint="--param"
            )
        parsed.append((match.group(1).strip(), match.group(2), match.group(3).strip()))
    return parsed


@click.command("artifacts")
@click.argument("run_id", required=False)
@click.option("--key-prefix", default=None, help="Without RUN_ID: artifacts whose key starts so.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=V|KEY>=V|KEY<=V",
    help="Without RUN_ID: outputs of runs whose config (facet) matches (repeatable: all).",
)
@click.option("--namespace", default=None, help="Facet namespace for --param (default: any).")
@click.option("--limit", type=click.IntRange(1, MAX_CLI_LIMIT), default=100, show_default=True)
@resolution_options
@json_option
@db_path_option
def artifacts(
    run_id: str | None,
    key_prefix: str | None,
    params: tuple[str, ...],
    namespace: str | None,
    limit: int,
    run_dir: Path | None,
    mounts: tuple[str, ...],
    trust_db: bool,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """A run's inputs and outputs; without RUN_ID, the newest artifacts (optionally by key)."""
    from consist.errors import RunNotFoundError
    from consist.maintenance.locator import ArtifactLocator

    locator = ArtifactLocator(run_dir, parse_mounts(mounts), trust_db=trust_db)
    store = open_reader(db_path)
    rows: list[dict[str, Any]] = []
    if run_id is not None:
        run = store.get_run(run_id)
        if run is None:
            raise RunNotFoundError(
                f"No run with id {run_id!r}.",
                cause="The database has no run with this id.",
                fix="List runs with `consist runs --limit 50`.",
            )
        linked = store.get_artifacts_for_run(run_id)
        for direction, group in (("input", linked.inputs), ("output", linked.outputs)):
            for key, art in list(group.items())[:limit]:
                rows.append(_row(direction, key, art, locator.locate(art, run)))
    else:
        wanted = parse_params(params)
        if wanted:
            found = _outputs_of_matching_runs(store, wanted, namespace)
        else:
            found = store.find_artifacts(limit=None if key_prefix else limit)
        if key_prefix:
            found = [a for a in found if a.key.startswith(key_prefix)]
        found = found[:limit]
        runs = store.get_runs({a.run_id for a in found if a.run_id})
        rows = [_row(None, a.key, a, locator.locate(a, runs.get(a.run_id))) for a in found]
    if as_json:
        echo_json(rows)
        return
    columns = (["direction"] if run_id else ["run"]) + ["key", "driver", "uri", "size", "on disk"]
    print_table(
        f"Artifacts of {run_id}" if run_id else f"Artifacts ({len(rows)})",
        columns,
        [
            [
                r["direction"] if run_id else r["run_id"],
                r["key"],
                r["driver"],
                r["container_uri"],
                format_bytes(r["size"]),
                "yes" if r["exists"] else "no",
            ]
            for r in rows
        ],
    )


def _outputs_of_matching_runs(store: Any, wanted: list, namespace: str | None) -> list[Any]:
    from consist.store.maintenance.queries import runs_matching_params

    with store.db.session() as con:
        run_ids = runs_matching_params(con, wanted, namespace=namespace)
    found = []
    for run_id in run_ids:
        found.extend(store.get_artifacts_for_run(run_id).outputs.values())
    return list({a.id: a for a in found}.values())


def _find_artifact(store: Any, ref: str) -> Any:
    from consist.errors import ArtifactNotFoundError

    art = store.get_artifact(ref)
    if art is None:
        raise ArtifactNotFoundError(
            f"No artifact with id or key {ref!r}.",
            cause="preview takes an artifact id or key (the newest artifact with that key).",
            fix="List artifacts with `consist artifacts RUN_ID` or `consist artifacts --key-prefix`.",
        )
    return art


def _ingested_rows(store: Any, art: Any) -> Any:
    from consist.store import global_tables as gt

    with store.db.session() as con:
        for table in gt.tables_with_artifact(con, art.id):
            return gt.fetch_artifact_rows(con, table, art.id)
    return None


@click.command("preview")
@click.argument("artifact")
@click.option("--rows", "-n", type=click.IntRange(1, MAX_CLI_LIMIT), default=5, show_default=True)
@resolution_options
@json_option
@db_path_option
def preview(
    artifact: str,
    rows: int,
    run_dir: Path | None,
    mounts: tuple[str, ...],
    trust_db: bool,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """The first rows of a tabular artifact (from its file, else from ingested rows)."""
    from consist.errors import ArtifactNotFoundError
    from consist.maintenance.locator import ArtifactLocator

    store = open_reader(db_path)
    art = _find_artifact(store, artifact)
    run = store.get_run(art.run_id) if art.run_id else None
    path = ArtifactLocator(run_dir, parse_mounts(mounts), trust_db=trust_db).locate(art, run)
    if path is not None:
        from consist.data.loaders import load_df

        art.resolver = lambda _a: path
        frame = load_df(art, db_fallback="never", nrows=rows)
        source = str(path)
    else:
        table = _ingested_rows(store, art)
        if table is None:
            raise ArtifactNotFoundError(
                f"Artifact '{art.key}' (ID: {art.id}) not found.",
                cause=f" - Disk Path: {art.container_uri} (Missing)\n - Database: Not Ingested",
                fix="Pass --run-dir / --mount (or --trust-db) if the file lives elsewhere; "
                "the run that produced it may need to be re-run.",
            )
        frame = table.slice(0, rows).to_pandas()
        source = "ingested rows"
    if as_json:
        echo_json(
            {
                "artifact": art.id,
                "key": art.key,
                "source": source,
                "columns": [str(c) for c in frame.columns],
                "rows": frame.astype(object).where(frame.notna(), None).values.tolist(),
            }
        )
        return
    print_table(
        f"{art.key} ({source}, first {len(frame)} rows)",
        [str(c) for c in frame.columns],
        frame.astype(object).values.tolist(),
    )


@click.command("validate")
@click.option("--run", "run_id", default=None, help="Only the artifacts of this run.")
@click.option("--fix", is_flag=True, help="Mark missing artifacts with meta.missing_on_disk.")
@click.option("--no-digest", is_flag=True, help="Only check that files exist (fast).")
@resolution_options
@json_option
@db_path_option
def validate(
    run_id: str | None,
    fix: bool,
    no_digest: bool,
    run_dir: Path | None,
    mounts: tuple[str, ...],
    trust_db: bool,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Check that recorded artifact files exist and still match their digests (exit 1 if not)."""
    from consist.cli.progress import rich_progress
    from consist.maintenance.audit import append_audit, audit_dir_for
    from consist.maintenance.locate import find_db_path
    from consist.maintenance.validate import validate_artifacts

    path = find_db_path(db_path)
    with rich_progress(enabled=None if not as_json else False) as progress:
        report = validate_artifacts(
            path,
            run_dir=run_dir,
            mounts=parse_mounts(mounts),
            trust_db=trust_db,
            run_id=run_id,
            check_digests=not no_digest,
            fix=fix,
            progress=progress,
        )
    if fix and report["fixed"]:
        append_audit(
            audit_dir_for(path, run_dir),
            "validate --fix",
            f"db={path} marked/unmarked missing_on_disk on {report['fixed']} artifacts",
        )
    if as_json:
        echo_json(report)
    else:
        console = stdout_console()
        console.print(
            f"Checked {report['checked']} artifacts: {report['ok']} ok, "
            f"{len(report['missing'])} missing, {len(report['mismatched'])} changed, "
            f"{len(report['unverified'])} without a checkable digest, "
            f"{len(report['unresolved'])} not locatable (pass --run-dir / --mount)."
        )
        if report["missing"]:
            print_table(
                "Missing",
                ["key", "id", "uri"],
                [[m["key"], m["id"], m["uri"]] for m in report["missing"]],
            )
        if report["mismatched"]:
            print_table(
                "Changed since recorded",
                ["key", "path", "expected", "actual"],
                [[m["key"], m["path"], m["expected"], m["actual"]] for m in report["mismatched"]],
            )
        if fix:
            console.print(f"Updated missing_on_disk on {report['fixed']} artifacts.")
    if report["missing"] or report["mismatched"] or report["unresolved"]:
        click.get_current_context().exit(1)
