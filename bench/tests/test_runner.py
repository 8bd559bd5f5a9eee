"""bench/run itself: the smoke run end to end (floors, percentiles, tails, capacity in its results),
and the parts that decide what the results say: the capacity's stopping rule, the sizing
arithmetic and the tails summary, which must hold no values from the statements it saw.
"""

import json
import os
import subprocess
import sys
from argparse import Namespace
from collections import Counter
from pathlib import Path

import psycopg2
import pytest

from bench import runner, tails
from tests.roles import require_two_roles, url

ROOT = Path(__file__).resolve().parents[2]
SMOKE_HOUSEHOLDS = 300

# A server log as bench/run's cluster writes it, with values a real log would hold.
LOG = """\
2026-12-03 06:00:00.001 UTC [101] LOG:  duration: 812.500 ms  statement: SELECT "cases_person"."id" FROM \
"cases_person" WHERE ("cases_person"."last_name" = 'de Vries' AND "cases_person"."bsn" = '123456782')
\tAND "cases_person"."household_id" IN (4411, 4412, 4413) LIMIT 21
2026-12-03 06:00:00.002 UTC [102] LOG:  duration: 250.000 ms  statement: SELECT "cases_person"."id" FROM \
"cases_person" WHERE ("cases_person"."last_name" = 'Jansen' AND "cases_person"."bsn" = '999999990')
\tAND "cases_person"."household_id" IN (7) LIMIT 21
2026-12-03 06:00:01.000 UTC [103] LOG:  process 103 still waiting for ShareLock on transaction 9001 \
after 1000.2 ms
2026-12-03 06:00:01.000 UTC [103] DETAIL:  Process holding the lock: 104. Wait queue: 103.
2026-12-03 06:00:01.000 UTC [103] STATEMENT:  UPDATE "django_session" \
SET "session_data" = 'eyJnZWhlaW0iOjF9' WHERE "django_session"."session_key" = 'k3y'
2026-12-03 06:00:02.500 UTC [103] LOG:  process 103 acquired ShareLock on transaction 9001 after 2500.9 ms
2026-12-03 06:00:03.000 UTC [105] LOG:  checkpoint starting: time
"""
VALUES = ["de Vries", "Jansen", "123456782", "999999990", "4411", "9001", "eyJnZWhlaW0iOjF9", "k3y"]


def test_the_tails_summary_counts_slow_statements_and_lock_waits_without_values():
    found = tails.summarise_log(LOG)
    assert found["slow_statements"] == 2
    [statement] = found["slow_by_statement"]
    assert statement["count"] == 2 and statement["max_ms"] == 812.5
    assert statement["statement"].endswith('"household_id" IN (...) LIMIT ?')
    assert found["lock_waits"] == 1
    assert found["locks"] == [{"lock": "ShareLock on transaction", "waits": 1, "max_ms": 2500.9}]
    assert found["waiting_statements"][0]["statement"].startswith('UPDATE "django_session" SET')
    written = json.dumps(found) + tails.markdown(
        {**found, "sources": ["server log"], "settings": {}}, 500_000
    )
    for value in VALUES:
        assert value not in written


def test_statements_from_pg_stat_statements_are_normalised_too():
    """Its utility statements keep their literals; placeholders become ? like the log's values."""
    assert tails.normalise("SET TIME ZONE 'Europe/Amsterdam'") == "SET TIME ZONE ?"
    assert tails.normalise('SELECT "t"."a", "t"."b" FROM "t" WHERE "a" = $1 AND "b" IN ($2, $3)') == (
        'SELECT … FROM "t" WHERE "a" = ? AND "b" IN (...)'
    )


def _step(users, p95, errors=0):
    return {"users": users, "requests": 10 * users, "requests_per_second": users / 2, "errors": errors,
            "p95_ms": p95, "pages": {}, "error_examples": []}  # fmt: skip


@pytest.mark.parametrize(
    ("measured", "sustainable", "steps_run"),
    [
        ({10: 100, 20: 300, 40: 501, 80: 200}, 20, 3),  # p95 over 500 ms: stop, the step before holds
        ({10: 100, 20: 300, 40: 200, 80: 200}, 80, 4),  # never over: the last step (limit not reached)
        ({10: 600}, None, 1),  # the first step too slow already
    ],
)
def test_capacity_steps_up_until_the_p95_passes_the_limit(monkeypatch, measured, sustainable, steps_run):
    monkeypatch.setattr(runner, "run_load", lambda *args, users, **kwargs: _step(users, measured[users]))
    args = Namespace(
        capacity_steps=list(measured), capacity_seconds=40, capacity_think="0.5,1.5", smoke=False
    )
    found = runner.measure_capacity("", None, None, {}, args, routine="mix", offset=50)
    assert len(found["steps"]) == steps_run
    assert found["sustainable_users"] == sustainable
    assert found["sustainable_rps"] == (sustainable / 2 if sustainable else None)


def test_capacity_stops_at_the_first_error(monkeypatch):
    monkeypatch.setattr(
        runner, "run_load", lambda *args, users, **kwargs: _step(users, 100, errors=int(users == 20))
    )
    args = Namespace(capacity_steps=[10, 20, 40], capacity_seconds=40, capacity_think="0.5,1.5", smoke=False)
    found = runner.measure_capacity("", None, None, {}, args, routine="auth_floor", offset=50)
    assert [step["users"] for step in found["steps"]] == [10, 20]
    assert found["sustainable_users"] == 10 and found["limit_reached"]


def test_sizing_divides_the_sustainable_rate_by_a_workers_clicks_and_the_peak():
    results = {
        "load": {"requests_per_second": 5.0, "users": 50, "think_seconds": "3,10"},
        "capacity": {"mix": {"sustainable_rps": 30.0}},
    }
    found = runner.sizing(results)
    measured, assumed = found["rows"]
    peak = runner.SIZING["peak_factor"]
    assert measured["pages_per_hour"] == 360  # 0.1 request per user-second
    assert measured["workers"] == int(30.0 / (0.1 * peak))
    assert assumed["workers"] == int(30.0 / (runner.SIZING["realistic_pages_per_hour"] / 3600 * peak))
    low, high = runner.SIZING["caseload"]
    assert assumed["households"] == [assumed["workers"] * low, assumed["workers"] * high]
    assert "peak factor" in "\n".join(runner.sizing_table(found))
    assert runner.sizing({**results, "capacity": {}}) is None


def test_the_comparison_of_two_sizes_says_how_the_measured_team_differs():
    base = {"households": 5000, "team_rows": {"households": 5000, "signals_year": 3135}}
    results = {"households": 500000, "team_rows": {"households": 8197, "signals_year": 4983}}
    [_blank, line] = runner.team_line(base, results)
    assert "5.000 households and 3.135 partners' signals" in line
    assert "8.197 and 4.983 at 500.000 (1.64× and 1.59×)" in line
    assert runner.team_line({"households": 5000}, results) == []  # an older baseline without them


@pytest.fixture
def smoke(postgres_only, tmp_path):
    """bench/run --smoke on the test cluster (the migrated template spares the migrations), into
    a database of its own that is dropped afterwards."""
    require_two_roles()
    server = url("owner", "postgres")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "BENCH_"))}
    # The collected static files in the test's folder, not in the working tree.
    env.update(DATABASE_URL=server, PYTHONPATH=str(ROOT), STATIC_ROOT=str(tmp_path / "static"))
    if os.environ.get("DATABASE_TEST_TEMPLATE"):
        env["BENCH_TEMPLATE"] = os.environ["DATABASE_TEST_TEMPLATE"]
    command = [sys.executable, "-m", "bench.runner", "--smoke", "--households", str(SMOKE_HOUSEHOLDS)]
    run = subprocess.run(
        [*command, "--out", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    admin = psycopg2.connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "wijkteam_bench_{SMOKE_HOUSEHOLDS}" WITH (FORCE)')
    admin.close()
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return tmp_path


def test_the_smoke_run_measures_both_floors_the_tails_and_the_capacity(smoke):
    results = json.loads((smoke / "smoke.json").read_text())
    floor, bare = results["auth_floor"], results["bare_view"]
    assert floor["status"] == bare["status"] == 200
    assert floor["role"] == "worker" and bare["role"] == "anonymous"
    assert floor["queries"] > bare["queries"] == 1, "the floor pays the session, the user, the layout"
    for name, page in results["pages"].items():
        check = results["checks"][name]
        assert check["vs_floor"] == round(page["median_ms"] / floor["median_ms"], 2)
        assert "vs_bare" in check and "vs_floor_ok" in check
    # One team at the smoke's size: it holds every household, and partners' signals of its year.
    assert results["team_rows"]["households"] == SMOKE_HOUSEHOLDS
    assert results["team_rows"]["signals_year"] > 0
    load = results["load"]
    assert load["requests"] and load["errors"] == 0
    # The measured window is the one asked, however long the logins took (the run ends itself).
    assert abs(load["measured_seconds"] - load["seconds"]) <= 2
    assert load["p50_ms"] <= load["p95_ms"] <= load["p99_ms"]
    assert {"p50_ms", "p95_ms", "p99_ms", "requests", "errors"} <= set(next(iter(load["pages"].values())))
    worker_pages = {"caseload", "household_list", "household_search", "household_page", "plan"}
    assert set(load["pages"]) - worker_pages, "the load's first accounts mix the roles"
    assert set(results["checks"]["load"]) >= {"p95_vs_floor_p95", "p95_ok", "p99_ok"}
    assert results["tails"]["sources"] is not None and "settings" in results["tails"]
    assert set(results["capacity"]) == {"mix", "auth_floor"}
    for found in results["capacity"].values():
        [step] = found["steps"]
        assert step["users"] == 2 and step["requests"] and step["requests_per_second"]
    table = (smoke / "smoke.md").read_text()
    for heading in (
        "Authenticated floor",
        "× auth floor",
        "p99 ms",
        "Capacity (stepped load)",
        "Where the slow",
    ):
        assert heading in table
    assert (smoke / "tails-smoke.md").exists()


def test_every_stretch_of_the_accounts_mixes_the_roles():
    """The load takes the first accounts of bench_prepare, the steps the next ones: each stretch
    holds workers, coordinators and managers in the proportions of the whole (70/20/10)."""
    from bench.management.commands.bench_prepare import _interleaved

    roles = ["worker"] * 266 + ["coordinator"] * 76 + ["manager"] * 38
    order = [position.access_role for position in _interleaved([Namespace(access_role=r) for r in roles])]
    assert sorted(order) == sorted(roles)
    for start, length in ((0, 50), (50, 330), (0, 10)):
        counts = Counter(order[start : start + length])
        assert abs(counts["worker"] - 0.7 * length) <= 1
        assert abs(counts["coordinator"] - 0.2 * length) <= 1
        assert abs(counts["manager"] - 0.1 * length) <= 1
