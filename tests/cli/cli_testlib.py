"""Helpers for the CLI tests: a real ~50-run project built with the Tracker, and ``consist``.

Layout under the project folder: ``runs/`` (outputs, ``consist_runs/*.json``
snapshots), ``provenance.duckdb``, ``raw.csv``. Contents:

- 40 ``clean`` runs (``tracker.run``, one per config value, years 2020-2029,
  tags ``sweep`` and ``even``/``odd``), each reading ``raw.csv``;
- 4 ``aggregate`` runs, each reading the output of a ``clean`` run (lineage);
- 1 cache hit of the first ``clean`` run;
- 5 ``ingest`` runs (``start_run`` + ``consist.log_dataframe`` with a schema)
  whose rows land in ``global_tables.trips`` (run_scoped);
- a run_link table ``global_tables.config_link(run_id, content_hash)`` and an
  unscoped cache ``global_tables.config_cache(content_hash, payload)``
  referencing the ingest runs (for ``--prune-cache``).

Each test gets its own copy (``project``), so tests may change it freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner


@dataclass
class Project:
    root: Path
    db: Path
    run_dir: Path
    json_dir: Path
    clean_ids: list[str]
    aggregate_ids: list[str]
    ingest_ids: list[str]
    hit_id: str


def _clean(raw: Path, scale: float = 1.0, out_dir: str = "") -> dict:
    out = Path(out_dir) / f"clean_{scale:05.1f}.csv"
    out.write_text(raw.read_text() + f"{scale},{scale * 2}\n")
    return {"cleaned": out}


def _aggregate(cleaned: Path, out_dir: str = "") -> dict:
    out = Path(out_dir) / f"agg_{cleaned.stem}.csv"
    out.write_text("total\n" + str(len(cleaned.read_text().splitlines())) + "\n")
    return {"summary": out}


def build_project(root: Path) -> Project:
    import pyarrow as pa

    import consist
    from consist.options import CacheOptions, ExecutionOptions
    from consist.tracker import Tracker

    root.mkdir(parents=True, exist_ok=True)
    raw = root / "raw.csv"
    raw.write_text("a,b\n1,2\n3,4\n")
    tracker = Tracker(
        run_dir=root / "runs",
        db_path=root / "provenance.duckdb",
        project_root=Path(__file__).resolve().parents[2],  # a git repo, for code identity
    )
    paths = ExecutionOptions(input_binding="paths")
    # Identity from the function's source, not the (busy, shared) git checkout.
    source = CacheOptions(code_identity="callable_source")
    out_dir = str(tracker.run_dir)
    clean_ids, aggregate_ids, ingest_ids = [], [], []
    results = []
    for i in range(40):
        result = tracker.run(
            fn=_clean,
            name="clean",
            model="clean",
            inputs={"raw": raw},
            config={"scale": float(i), "out_dir": out_dir},
            outputs=["cleaned"],
            year=2020 + i % 10,
            tags=["sweep", "even" if i % 2 == 0 else "odd"],
            facet={"scale": float(i), "family": {"name": "sweep", "even": i % 2 == 0}},
            execution_options=paths,
            cache_options=source,
        )
        results.append(result)
        clean_ids.append(result.run.id)
    for i in range(4):
        result = tracker.run(
            fn=_aggregate,
            name="aggregate",
            model="aggregate",
            inputs={"cleaned": results[i].outputs["cleaned"]},
            config={"out_dir": out_dir},
            outputs=["summary"],
            execution_options=paths,
            cache_options=source,
        )
        aggregate_ids.append(result.run.id)
    hit = tracker.run(
        fn=_clean,
        name="clean",
        model="clean",
        inputs={"raw": raw},
        config={"scale": 0.0, "out_dir": out_dir},
        outputs=["cleaned"],
        year=2020,
        tags=["sweep", "even"],
        facet={"scale": 0.0, "family": {"name": "sweep", "even": True}},
        execution_options=paths,
        cache_options=source,
    )
    assert hit.cache_hit, hit.run.meta.get("cache_miss_reason")
    schema = pa.schema([("trip_id", pa.int64()), ("mode", pa.string())])
    for i in range(5):
        run_id = f"ingest_{i}"
        with tracker.start_run(run_id, model="ingest", year=2030 + i, tags=["ingest"]):
            frame = pa.table({"trip_id": list(range(i * 10, i * 10 + 10)), "mode": ["car"] * 10})
            consist.log_dataframe(frame, key="trips", schema=schema, tracker=tracker)
        ingest_ids.append(run_id)
    with tracker.db.transaction() as con:
        con.execute("CREATE TABLE global_tables.config_link(run_id VARCHAR, content_hash VARCHAR)")
        con.execute(
            "CREATE TABLE global_tables.config_cache(content_hash VARCHAR, payload VARCHAR)"
        )
        # ingest_0 alone uses h0; ingest_0 and ingest_1 share h-shared; h-free is unreferenced.
        con.execute(
            "INSERT INTO global_tables.config_link VALUES ('ingest_0', 'h0'), "
            "('ingest_0', 'h-shared'), ('ingest_1', 'h-shared'), ('ingest_1', 'h1')"
        )
        con.execute(
            "INSERT INTO global_tables.config_cache VALUES ('h0', 'a'), ('h-shared', 'b'), "
            "('h1', 'c'), ('h-free', 'd')"
        )
    tracker.close()
    return Project(
        root=root,
        db=root / "provenance.duckdb",
        run_dir=root / "runs",
        json_dir=root / "runs" / "consist_runs",
        clean_ids=clean_ids,
        aggregate_ids=aggregate_ids,
        ingest_ids=ingest_ids,
        hit_id=hit.run.id,
    )


def release_all() -> None:
    """Let this process's shared DuckDB handles go (before copying files or spawning)."""
    from consist.store import release_all as release

    release()


@dataclass
class Outcome:
    """What one ``consist`` invocation produced."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        import json

        return json.loads(self.stdout)


def consist(
    args: list[str | Path], *, input: str | None = None, env: dict | None = None
) -> Outcome:
    """Run ``consist ARGS`` in-process exactly as the console script does (``run_cli``:
    Problem/Cause/Fix rendering, exit codes), with click's test isolation for the streams."""
    from consist.cli import cli
    from consist.cli._render import run_cli

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (out, err, _):
        code = run_cli(cli, [str(a) for a in args], debug=lambda: False)
    return Outcome(code, out.getvalue().decode(), err.getvalue().decode())
