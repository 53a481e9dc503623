"""``consist views create``: a grouped view built from the command line, queried with DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from cli_testlib import consist

from consist import Tracker


def test_views_create_selects_by_param_and_attaches_facets(tmp_path: Path) -> None:
    db_path = tmp_path / "provenance.duckdb"
    tracker = Tracker(run_dir=tmp_path / "runs", db_path=db_path)
    for scenario in ("base", "high"):
        with tracker.start_run(f"r_{scenario}", model="sim", config={"s": scenario}):
            path = tmp_path / f"{scenario}.parquet"
            pq.write_table(pa.table({"id": [1, 2]}), path)
            tracker.log_artifact(path, key=f"out_{scenario}", facet={"scenario": scenario})
    tracker.close()
    args = ["views", "create", "v_high", "--param", "scenario=high", "--attach-facet", "scenario"]
    result = consist([*args, "--db-path", db_path])
    assert result.code == 0, result.stderr
    assert "Created view v_high" in result.stdout
    again = consist([*args, "--db-path", db_path, "--if-exists", "error"])
    assert again.code == 1 and "Problem: View 'v_high' already exists." in again.stderr
    with duckdb.connect(str(db_path), read_only=True) as con:
        got = con.execute(
            "SELECT consist_run_id, facet_scenario, count(*) FROM v_high GROUP BY ALL"
        )
        assert got.fetchall() == [("r_high", "high", 2)]
