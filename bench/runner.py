"""The benchmark (`bench/run`): key pages at scale, next to the Django admin and the stack's floors.

For each household count it makes sure a PostgreSQL database `wijkteam_bench_<N>` holds exactly
that much generated data (migrate + generate_scale, reused when it already does), picks accounts
and objects (bench_prepare), starts gunicorn with 2 workers on loopback with the benchmark
settings (production settings plus a query-count header and the references), logs in as a
worker, a coordinator, a manager and an admin through the login form and the second factor, and
times every key page and both floors (bare, and authenticated: bench/views.py) over repeated
requests. One extra request per page records the EXPLAIN ANALYZE of its queries. Then locust runs
a bounded mixed load (p50/p95/p99 per page), while PostgreSQL notes where its statements wait
(bench/tails.py); then a stepped load finds the sustainable requests per second of the mix and of
the authenticated floor (capacity), turned into a sizing table. Results go to a JSON file and a
Markdown table; a full run also updates the table in README.md.
"""

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg2
import requests

from bench import tails as tails_
from bench.client import PROXY_HEADERS, log_in

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"

# name: (role, path). {household}, {team} and {search} come from bench_prepare.
PAGES = {
    "household_list": ("worker", "/households/"),
    "household_search": ("worker", "/households/?q={search}"),
    "household_page": ("worker", "/households/{household}/"),
    "plan": ("worker", "/households/{household}/plan/"),
    "caseload": ("worker", "/caseload/"),
    "triage_queue": ("coordinator", "/referrals/"),
    "partner_overview": ("manager", "/partners/"),
    "access_log": ("coordinator", "/households/{household}/access-log/"),
}
REFERENCES = {
    "admin_changelist": ("admin", "/bench/admin/cases/household/?q={search}"),
    "auth_floor": ("worker", "/bench/floor/"),
    "bare_view": (None, "/bench/bare/{team}/"),
}
# The targets of the benchmark issue.
MAX_QUERIES = 12
MAX_GROWTH = 1.5
MAX_VS_ADMIN = 1.0
MAX_VS_BARE = 3.0
MAX_VS_FLOOR = 2.5
MAX_LOAD_VS_FLOOR = 4.0
MAX_LOAD_P99_MS = 1000
# Capacity: more users per step, each step this many users, until the p95 passes this or errors appear.
CAPACITY_STEPS = (10, 20, 40, 80, 160, 320)
CAPACITY_P95_MS = 500
# The sizing table's assumptions (stated in it).
SIZING = {
    "working_hours": 8,
    "peak_factor": 3,
    "realistic_pages_per_hour": 120,
    "caseload": (30, 40),
    "contacts_per_worker_day": 6,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=500_000)
    parser.add_argument("--baseline", type=int, default=5_000, help="measured first, to compare (0: none)")
    parser.add_argument("--repeat", type=int, default=40, help="timed requests per page")
    parser.add_argument("--page-seconds", type=float, default=60, help="time budget per page")
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--think", default="3,10", help="seconds between a load user's clicks: MIN,MAX")
    parser.add_argument("--warm-up", type=int, default=30, help="unmeasured load seconds after the logins")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument("--no-capacity", dest="capacity", action="store_false", help="skip the stepped load")
    parser.add_argument(
        "--capacity-steps", default=",".join(map(str, CAPACITY_STEPS)), help="users per step: A,B,C..."
    )
    parser.add_argument("--capacity-seconds", type=int, default=40, help="measured seconds per step")
    parser.add_argument("--capacity-think", default="0.5,1.5", help="seconds between clicks in the steps")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: checks that it runs")
    parser.add_argument("--out", type=Path, help="results folder (default bench/results)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.baseline, args.repeat, args.load_users, args.load_seconds, args.think = 0, 3, 5, 6, "0.5,1"
        args.warm_up = 0
        args.capacity_steps, args.capacity_seconds = "2", 3
        args.out = args.out or Path(tempfile.mkdtemp(prefix="wijkteam-bench-"))
    args.capacity_steps = [int(users) for users in args.capacity_steps.split(",")] if args.capacity else []
    out = args.out or RESULTS
    out.mkdir(parents=True, exist_ok=True)
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        sys.exit("bench/run needs PostgreSQL: set DATABASE_URL to a server (bench/run starts one if it can).")

    sizes = [args.baseline] if args.baseline and args.baseline != args.households else []
    runs = {
        n: measure_scale(n, server, args, out, capacity=n == args.households)
        for n in [*sizes, args.households]
    }
    results = report(runs, args)
    name = "smoke" if args.smoke else "latest"
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (out / f"{name}.md").write_text(table)
    tails_file = out / ("tails-smoke.md" if args.smoke else "tails.md")
    tails_file.write_text(tails_.markdown(results["tails"], results["households"]))
    if not args.smoke:
        update_readme(table)
    print(table)
    print(f"bench/run: results in {out / name}.json")
    failures = [f"{page}: {data['status']}" for page, data in all_pages(results) if data.get("status") != 200]
    if results["load"]["errors"]:
        failures.append(f"load: {results['load']['errors']} errors")
    if not results["load"]["requests"]:
        failures.append("load: no request was timed")
    for routine, found in results.get("capacity", {}).items():
        if not found["steps"] or not found["steps"][0]["requests"]:
            failures.append(f"capacity of the {routine}: no request was timed")
    if failures:
        sys.exit("bench/run: " + "; ".join(failures))


def _keepalive(args) -> int:
    """Seconds gunicorn keeps an idle connection: more than any pause between two clicks."""
    longest = max(float(pause) for think in (args.think, args.capacity_think) for pause in think.split(","))
    return int(longest) + 5


def measure_scale(households, server, args, out, capacity):
    url = database_url(server, f"wijkteam_bench_{households}")
    work = Path(tempfile.mkdtemp(prefix=f"bench-{households}-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The load client stands in for nginx, which closes an idle upstream connection before
        # gunicorn does (README, "keepalive_timeout"): without that, a click sent just as gunicorn
        # closes an idle connection is reset. So gunicorn keeps idle connections longer than the
        # longest pause between two clicks.
        "GUNICORN_KEEPALIVE": str(_keepalive(args)),
        "WIJKTEAM_REQUIRE_MFA": "1",
        "LOG_LEVEL": "WARNING",
        # bench/run is the reverse proxy here: it names each simulated client (X-Forwarded-For).
        "TRUSTED_PROXY_COUNT": "1",
        "BENCH_EXPLAIN_DIR": str(work),
    }
    generate(households, server, url, env, regenerate=args.regenerate)
    # The deployment steps of the README, as on a production app server.
    manage(env, "collectstatic", "--noinput", quiet=True)
    accounts_file = work / "accounts.json"
    # The load's accounts, then the steps' (a TOTP code works once: a phase that starts within
    # 30 s of another's logins logs in with other accounts): the mix's steps after the load's, the
    # floor's after the largest step's. Capacity is measured at the largest size only.
    steps = args.capacity_steps if capacity else []
    accounts = args.load_users + (max(steps) + steps[0] if steps else 0)
    manage(env, "bench_prepare", "--out", str(accounts_file), "--load-users", str(accounts))
    objects = json.loads(accounts_file.read_text())
    tails = tails_.Tails(server, dj_database_url.parse(url)["NAME"], log=_server_log())
    with gunicorn(env, work) as base:
        host = urlsplit(base).netloc
        pages = measure_pages(base, host, objects, args, work)
        tails.start()
        load = run_load(
            base, accounts_file, work, env, users=args.load_users, seconds=args.load_seconds,
            think=args.think, warm_up=args.warm_up,
        )  # fmt: skip
        waits = tails.summary()
        capacity = {
            routine: measure_capacity(base, accounts_file, work, env, args, routine=routine, offset=offset)
            for routine, offset in (
                (("mix", args.load_users), ("auth_floor", args.load_users + max(steps))) if steps else ()
            )
        }
    explain_dir = out / ("explain-smoke" if args.smoke else "explain") / str(households)
    shutil.rmtree(explain_dir, ignore_errors=True)
    explain_dir.mkdir(parents=True)
    for plan in work.glob("*.txt"):
        shutil.copy(plan, explain_dir / plan.name)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "households": households,
        "team": objects["team_name"],
        "team_rows": objects["team_rows"],
        "pages": pages,
        "load": load,
        "tails": waits,
        "capacity": capacity,
    }


def _server_log():
    """bench/run's cluster log (BENCH_PG_LOG), where the slow statements and lock waits are."""
    path = os.environ.get("BENCH_PG_LOG")
    return Path(path) if path else None


def database_url(server, name):
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path="/" + name))


def connect(url):
    connection = psycopg2.connect(url)  # libpq reads the URL itself, socket paths included
    connection.autocommit = True
    return connection


def generate(households, server, url, env, regenerate):
    name = dj_database_url.parse(url)["NAME"]
    admin = connect(server)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and not regenerate and count_households(url) == households:
            admin.close()
            print(f"bench/run: reusing {name} ({households} households)")
            manage(env, "migrate", "--noinput", quiet=True)
            return
        if exists:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        # A migrated template (BENCH_TEMPLATE, what scripts/test.sh makes) spares the migrations.
        template = os.environ.get("BENCH_TEMPLATE")
        cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    admin.close()
    started = time.monotonic()
    manage(env, "migrate", "--noinput", quiet=True)
    teams = str(teams_for(households))
    manage(env, "generate_scale", "--households", str(households), "--teams", teams, *GENERATE_FLAGS)
    # What autovacuum does in production: statistics and the visibility map (index-only scans).
    connection = connect(url)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    connection.close()
    print(f"bench/run: {name}: migrated and generated in {time.monotonic() - started:.0f} s")


def teams_for(households: int) -> int:
    """Teams of about 8,000 households (fifteen years of a team's work, as at 500,000 with 60
    teams), at most 60: one team of 5,000 at the small size. The team then differs 1.7x, the
    installation 100x (the results say both)."""
    return min(60, max(1, round(households / HOUSEHOLDS_PER_TEAM)))


# generate_scale refuses to run with DEBUG off unless told this is generated benchmark data.
GENERATE_FLAGS = ["--allow-without-debug"]
HOUSEHOLDS_PER_TEAM = 8_000


def count_households(url):
    try:
        connection = connect(url)
    except psycopg2.Error:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_household")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return None
    finally:
        connection.close()


def manage(env, *command, quiet=False):
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


class gunicorn:  # noqa: N801 (used as a context manager, like open())
    """gunicorn with the production config file and 2 workers on a free loopback port."""

    def __init__(self, env, work):
        self.env, self.work = env, work

    def __enter__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        if (ROOT / "wijkteam" / "gunicorn.conf.py").exists():
            command[3:3] = ["--config", "wijkteam/gunicorn.conf.py"]
        self.log = open(self.work / "gunicorn.log", "w")
        self.process = subprocess.Popen(
            [*command, "wijkteam.wsgi"], cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz/", headers=PROXY_HEADERS, timeout=10).status_code == 200:
                    return base
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__()
        sys.exit("bench/run: gunicorn did not start:\n" + (self.work / "gunicorn.log").read_text()[-3000:])

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def measure_pages(base, host, objects, args, work):
    sessions = {None: requests.Session()}
    sessions[None].headers.update(PROXY_HEADERS)
    for number, (role, account) in enumerate(objects["accounts"].items(), start=1):
        sessions[role] = log_in(requests.Session(), base, host, account, client_ip=f"10.20.0.{number}")
    results = {}
    for name, (role, path) in {**PAGES, **REFERENCES}.items():
        path = path.format(**objects)
        results[name] = {"role": role or "anonymous", **time_page(sessions[role], base + path, args)}
        sessions[role].get(base + path, headers={"X-Bench-Explain": name}, allow_redirects=False)
        results[name].update(explained(work / f"{name}.txt"))
    return results


def time_page(session, url, args):
    """Median and p95 over repeated requests (after a warm-up), the query count, the status."""
    for _warm_up in range(3):
        response = session.get(url, allow_redirects=False)
    timings, queries = [], set()
    deadline = time.monotonic() + args.page_seconds
    while len(timings) < args.repeat and (len(timings) < 5 or time.monotonic() < deadline):
        started = time.perf_counter()
        response = session.get(url, allow_redirects=False)
        timings.append((time.perf_counter() - started) * 1000)
        queries.add(int(response.headers.get("X-Bench-Queries", -1)))
        if response.status_code != 200:
            break
    return {
        "status": response.status_code,
        "requests": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "queries": max(queries),
        "queries_vary": len(queries) > 1,
    }


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


SEQ_SCAN = re.compile(r"Seq Scan on (\w+).*?rows=(\d+) loops=(\d+)")


def explained(path):
    """The slowest query of the page and the tables read by a sequential scan (from EXPLAIN)."""
    if not path.exists():
        return {}
    text = path.read_text()
    slowest = re.search(r"^-- ([\d.]+) ms", text, re.MULTILINE)
    scans = {}
    for table, rows, loops in SEQ_SCAN.findall(text):
        scans[table] = max(scans.get(table, 0), int(rows) * int(loops))
    return {
        "slowest_query_ms": float(slowest.group(1)) if slowest else 0.0,
        "seq_scans": dict(sorted(scans.items())),
    }


def run_load(base, accounts_file, work, env, *, users, seconds, think, warm_up, routine="mix", offset=0):
    """Locust for `seconds` after the logins and `warm_up`: the timings, per page and overall."""
    samples = work / f"load-{routine}-{users}.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            "bench/locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            # A cap only: the locustfile ends the run `seconds` after the logins and the warm-up,
            # however long the logins take (on a busy machine 50 took longer than the 15 s once
            # allowed, and shortened the measured minute to 34 s).
            f"{seconds + warm_up + 120 + users}s",
            "--host",
            base,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env={
            **env,
            "BENCH_ACCOUNTS": str(accounts_file),
            "BENCH_LOAD_OUT": str(samples),
            "BENCH_THINK": think,
            "BENCH_WARM_UP": str(warm_up),
            "BENCH_MEASURED": str(seconds),
            "BENCH_ROUTINE": "floor" if routine == "auth_floor" else "mix",
            "BENCH_ACCOUNT_OFFSET": str(offset),
        },
        check=True,
    )
    data = json.loads(samples.read_text())
    timings = [ms for _name, ms, ok in data["requests"] if ok]
    by_page = {}
    for name, ms, ok in data["requests"]:
        page = by_page.setdefault(name, {"timings": [], "errors": 0})
        if ok:
            page["timings"].append(ms)
        else:
            page["errors"] += 1
    measured = data.get("measured_seconds") or 0
    return {
        "users": users,
        "seconds": seconds,
        "think_seconds": think,
        "warm_up_seconds": warm_up,
        "measured_seconds": round(measured, 1),
        "requests": len(timings),
        "requests_per_second": round(len(timings) / measured, 2) if measured else None,
        "errors": sum(1 for *_rest, ok in data["requests"] if not ok) + data["login_errors"],
        "median_ms": round(statistics.median(timings), 2) if timings else None,
        **spread(timings),
        "pages": {
            name: {"requests": len(page["timings"]), "errors": page["errors"], **spread(page["timings"])}
            for name, page in sorted(by_page.items())
        },
        "logins": data["logins"],
        "error_examples": data["error_examples"][:5],
    }


def spread(timings):
    """p50, p95 and p99 in ms (None without timings)."""
    return {f"p{pct}_ms": round(percentile(timings, pct), 2) if timings else None for pct in (50, 95, 99)}


def measure_capacity(base, accounts_file, work, env, args, routine, offset):
    """More users per step, short think time, until a step's p95 passes CAPACITY_P95_MS or it has
    errors; the last good step's requests per second is what this machine sustains."""
    steps, sustainable = [], None
    for users in args.capacity_steps:
        step = run_load(
            base, accounts_file, work, env, users=users, seconds=args.capacity_seconds,
            think=args.capacity_think, warm_up=0 if args.smoke else 5, routine=routine,
            offset=offset,
        )  # fmt: skip
        step["good"] = bool(step["requests"]) and not step["errors"] and step["p95_ms"] <= CAPACITY_P95_MS
        steps.append({key: value for key, value in step.items() if key not in ("pages", "error_examples")})
        if not step["good"]:
            break
        sustainable = step
    return {
        "think_seconds": args.capacity_think,
        "p95_limit_ms": CAPACITY_P95_MS,
        "steps": steps,
        "sustainable_users": sustainable["users"] if sustainable else None,
        "sustainable_rps": sustainable["requests_per_second"] if sustainable else None,
        "limit_reached": bool(steps) and not steps[-1]["good"],
    }


def all_pages(results):
    yield from results["pages"].items()
    yield "admin_changelist", results["admin_changelist"]
    yield "auth_floor", results["auth_floor"]
    yield "bare_view", results["bare_view"]


def report(runs, args):
    """The issue's JSON shape for the largest run, with the baseline and the checks beside it."""
    largest = runs[max(runs)]
    pages = {name: data for name, data in largest["pages"].items() if name in PAGES}
    results = {
        "households": largest["households"],
        "measured_on": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "gunicorn_workers": 2},
        "team": largest["team"],
        "team_rows": largest.get("team_rows"),
        "pages": pages,
        "admin_changelist": largest["pages"]["admin_changelist"],
        "auth_floor": largest["pages"]["auth_floor"],
        "bare_view": largest["pages"]["bare_view"],
        "load": largest["load"],
        "tails": largest["tails"],
        "capacity": largest["capacity"],
    }
    smaller = [n for n in runs if n != largest["households"]]
    if smaller:
        base = runs[min(smaller)]
        results["baseline"] = {
            "households": base["households"],
            "team_rows": base.get("team_rows"),
            "pages": base["pages"],
            "load": base["load"],
        }
    results["checks"] = checks(results)
    results["sizing"] = sizing(results)
    return results


def checks(results):
    bare, admin, floor = results["bare_view"], results["admin_changelist"], results["auth_floor"]
    baseline = results.get("baseline", {}).get("pages", {})
    found = {}
    for name, page in results["pages"].items():
        check = {
            "queries_at_most_12": page["queries"] <= MAX_QUERIES,
            "vs_floor": ratio(page["median_ms"], floor["median_ms"]),
            "vs_bare": ratio(page["median_ms"], bare["median_ms"]),
        }
        check["vs_floor_ok"] = check["vs_floor"] <= MAX_VS_FLOOR
        if name in baseline:
            check["queries_same_as_baseline"] = page["queries"] == baseline[name]["queries"]
            check["growth"] = round(page["median_ms"] / baseline[name]["median_ms"], 2)
            check["growth_ok"] = check["growth"] <= MAX_GROWTH
        if name in ("household_list", "household_search"):
            check["vs_admin"] = ratio(page["median_ms"], admin["median_ms"])
            check["vs_admin_ok"] = check["vs_admin"] <= MAX_VS_ADMIN
            check["vs_bare_ok"] = check["vs_bare"] <= MAX_VS_BARE
        found[name] = check
    load = results["load"]
    found["load"] = {
        "errors_ok": load["errors"] == 0,
        "p95_vs_floor_p95": ratio(load["p95_ms"] or 0, floor["p95_ms"]),
        "p95_vs_bare_p95": ratio(load["p95_ms"] or 0, bare["p95_ms"]),
        "p99_ok": bool(load["requests"]) and load["p99_ms"] <= MAX_LOAD_P99_MS,
    }
    found["load"]["p95_ok"] = (
        bool(load["requests"]) and found["load"]["p95_vs_floor_p95"] <= MAX_LOAD_VS_FLOOR
    )
    return found


def ratio(value, floor):
    return round(value / floor, 2) if floor else float("inf")


def sizing(results):
    """Workers one server carries, from the mix's sustainable requests per second (capacity) and
    how fast a worker clicks: as fast as a load user (measured), or a realistic rate (assumed)."""
    load, mix = results["load"], results.get("capacity", {}).get("mix", {})
    if not mix.get("sustainable_rps") or not load.get("requests_per_second"):
        return None
    measured_per_user = load["requests_per_second"] / load["users"]
    rows = []
    for basis, per_second in (
        (f"as busy as a load user ({load['think_seconds']} s between clicks, measured)", measured_per_user),
        ("assumed, a busy working hour", SIZING["realistic_pages_per_hour"] / 3600),
    ):
        workers = int(mix["sustainable_rps"] / (per_second * SIZING["peak_factor"]))
        low, high = SIZING["caseload"]
        rows.append(
            {
                "basis": basis,
                "pages_per_hour": round(per_second * 3600),
                "workers": workers,
                "households": [workers * low, workers * high],
                "contacts_per_day": workers * SIZING["contacts_per_worker_day"],
            }
        )
    return {"assumptions": SIZING, "sustainable_rps": mix["sustainable_rps"], "rows": rows}


def mark(ok):
    return "yes" if ok else "**MISS**"


def dutch(number):
    return f"{number:,}".replace(",", ".")


def markdown(results):
    base = results.get("baseline")
    checks_ = results["checks"]
    n = dutch(results["households"])
    lines = [
        f"Measured {results['measured_on']} on {results['machine']['cores']} cores, gunicorn 2 workers "
        f"of 4 threads (the production config), PostgreSQL on the same machine; {n} households, "
        f"team {results['team']}. Floors: the authenticated floor (a worker's page, every middleware, "
        "the layout, one indexed query) and the bare view (one indexed query, no session).",
        "",
    ]
    ratios = "× auth floor | × bare"
    if base:
        b = dutch(base["households"])
        lines += [
            f"| Page | Role | Queries ({b} / {n}) | Median ms ({b}) | Median ms ({n}) | Growth "
            f"(≤ {MAX_GROWTH}×) | p95 ms ({n}) | {ratios} |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, page in results["pages"].items():
            old, check = base["pages"][name], checks_[name]
            lines.append(
                f"| {name} | {page['role']} | {old['queries']} / {page['queries']} | {old['median_ms']} | "
                f"{page['median_ms']} | {check['growth']}× {mark(check['growth_ok'])} | {page['p95_ms']} | "
                f"{check['vs_floor']}× | {check['vs_bare']}× |"
            )
        lines += team_line(base, results)
    else:
        lines += [
            f"| Page | Role | Queries | Median ms | p95 ms | {ratios} |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, page in results["pages"].items():
            check = checks_[name]
            lines.append(
                f"| {name} | {page['role']} | {page['queries']} | {page['median_ms']} | {page['p95_ms']} | "
                f"{check['vs_floor']}× | {check['vs_bare']}× |"
            )
    admin, floor, bare = results["admin_changelist"], results["auth_floor"], results["bare_view"]
    lines += [
        "",
        "| Reference | Queries | Median ms | p95 ms |",
        "|---|---|---|---|",
        f"| Django admin changelist, same search | {admin['queries']} | {admin['median_ms']} | "
        f"{admin['p95_ms']} |",
        f"| Authenticated floor (logged in with MFA, every middleware, the layout, one indexed query) | "
        f"{floor['queries']} | {floor['median_ms']} | {floor['p95_ms']} |",
        f"| Bare view (one indexed query, tiny template, no session) | {bare['queries']} | "
        f"{bare['median_ms']} | {bare['p95_ms']} |",
        *load_table(results["load"]),
        *tails_line(results["tails"]),
        *capacity_table(results.get("capacity") or {}),
        *sizing_table(results.get("sizing")),
        "",
        "| Target | Measured | Met |",
        "|---|---|---|",
    ]
    worst = max(results["pages"], key=lambda name: results["pages"][name]["queries"])
    lines.append(
        f"| Queries per key page ≤ {MAX_QUERIES} | max {results['pages'][worst]['queries']} ({worst}) | "
        f"{mark(all(checks_[p]['queries_at_most_12'] for p in results['pages']))} |"
    )
    if base:
        same = all(checks_[p]["queries_same_as_baseline"] for p in results["pages"])
        lines.append(
            f"| Queries identical at both sizes | {'all pages' if same else 'not all'} | {mark(same)} |"
        )
    for name in results["pages"]:
        check = checks_[name]
        lines.append(
            f"| {name}: median ≤ {MAX_VS_FLOOR}× the authenticated floor's at {n} households | "
            f"{check['vs_floor']}× ({check['vs_bare']}× bare) | {mark(check['vs_floor_ok'])} |"
        )
    for name in ("household_list", "household_search"):
        check = checks_[name]
        lines.append(
            f"| {name}: median ≤ {MAX_VS_ADMIN}× admin, ≤ {MAX_VS_BARE}× bare | {check['vs_admin']}× admin, "
            f"{check['vs_bare']}× bare | {mark(check['vs_admin_ok'] and check['vs_bare_ok'])} |"
        )
    load, load_check = results["load"], checks_["load"]
    during = (
        f"Mixed load ({load['users']} users, {load['think_seconds']} s between clicks, "
        f"{load['seconds']} s after {load.get('warm_up_seconds', 0)} s of warm-up)"
    )
    lines += [
        f"| {during}: 0 errors, p95 ≤ {MAX_LOAD_VS_FLOOR}× the authenticated floor's p95 | "
        f"{load['requests']} requests, {load['errors']} errors, p95 {load['p95_ms']} ms = "
        f"{load_check['p95_vs_floor_p95']}× ({load_check['p95_vs_bare_p95']}× bare) | "
        f"{mark(load_check['errors_ok'] and load_check['p95_ok'])} |",
        f"| {during}: p99 ≤ {MAX_LOAD_P99_MS} ms | p99 {load['p99_ms']} ms | {mark(load_check['p99_ok'])} |",
    ]
    return "\n".join(lines) + "\n"


def team_line(base, results):
    """The measured team at both sizes: the team-wide pages (lists, queue, partner overview) read
    its own rows, so their growth holds the team's as well as the installation's."""
    old, new = base.get("team_rows"), results.get("team_rows")
    if not old or not new:
        return []
    growth = {key: round(new[key] / old[key], 2) if old[key] else None for key in new}
    return [
        "",
        f"The team measured: {dutch(old['households'])} households and {dutch(old['signals_year'])} "
        f"partners' signals in its last year at {dutch(base['households'])}; "
        f"{dutch(new['households'])} and {dutch(new['signals_year'])} at {dutch(results['households'])} "
        f"({growth['households']}× and {growth['signals_year']}×). The team-wide pages read the "
        "team's own rows (the partner overview its year of signals): their growth holds the team's.",
    ]


def load_table(load):
    rows = [
        "",
        f"Mixed load, {load['users']} users: {load['requests']} requests in {load['measured_seconds']} s "
        f"({load['requests_per_second']} per second), {load['errors']} errors.",
        "",
        "| Page under load | Requests | Errors | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, page in load["pages"].items():
        rows.append(
            f"| {name} | {page['requests']} | {page['errors']} | {page['p50_ms']} | {page['p95_ms']} | "
            f"{page['p99_ms']} |"
        )
    rows.append(
        f"| **all** | {load['requests']} | {load['errors']} | {load['p50_ms']} | {load['p95_ms']} | "
        f"{load['p99_ms']} |"
    )
    return rows


def tails_line(tails):
    if "slow_statements" not in tails:
        return ["", f"Where the slow requests wait: {', '.join(tails['sources']) or 'no source'} (tails.md)."]
    threshold = tails["settings"].get("log_min_duration_statement")
    return [
        "",
        f"Where the slow requests wait (tails.md, from {', '.join(tails['sources'])}): "
        f"{tails['slow_statements']} statements over {threshold}, {tails['lock_waits']} lock waits.",
    ]


def capacity_table(capacity):
    if not capacity:
        return ["", "Capacity: not measured (--no-capacity)."]
    rows = [
        "",
        "| Capacity (stepped load) | Think s | Steps: users → req/s, p95 ms | Sustainable (p95 ≤ "
        f"{CAPACITY_P95_MS} ms, 0 errors) |",
        "|---|---|---|---|",
    ]
    names = {"mix": "The mix of the mixed load", "auth_floor": "The authenticated floor alone"}
    for routine, found in capacity.items():
        steps = ", ".join(
            f"{s['users']} → {s['requests_per_second']}, {s['p95_ms']}"
            + ("" if s["good"] else f" ({s['errors']} errors)" if s["errors"] else " (too slow)")
            for s in found["steps"]
        )
        sustainable = (
            f"{found['sustainable_rps']} req/s at {found['sustainable_users']} users"
            if found["sustainable_rps"]
            else "below the first step"
        )
        if not found["limit_reached"] and found["steps"]:
            sustainable += " (limit not reached: more steps would carry more)"
        rows.append(f"| {names[routine]} | {found['think_seconds']} | {steps} | {sustainable} |")
    return rows


def sizing_table(found):
    if not found:
        return []
    a = found["assumptions"]
    low, high = a["caseload"]
    rows = [
        "",
        f"Sizing, one server like this one ({found['sustainable_rps']} req/s of the mix sustained): workers "
        f"= sustainable req/s ÷ (pages a worker opens per second × peak factor {a['peak_factor']}); the "
        f"busiest quarter hour of a working day of {a['working_hours']} hours carries {a['peak_factor']}× "
        f"its average. Coordinators and managers count as workers (the mix holds all three). Households: "
        f"{low}–{high} per worker (caseload); contacts: {a['contacts_per_worker_day']} per worker a day.",
        "",
        "| A worker clicks | Pages an hour | Workers per server | Households | Contacts a day |",
        "|---|---|---|---|---|",
    ]
    for row in found["rows"]:
        rows.append(
            f"| {row['basis']} | {row['pages_per_hour']} | {dutch(row['workers'])} | "
            f"{dutch(row['households'][0])}–{dutch(row['households'][1])} | "
            f"{dutch(row['contacts_per_day'])} |"
        )
    return rows


def update_readme(table):
    readme = ROOT / "README.md"
    text = readme.read_text()
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _old, tail = rest.split(README_END, 1)
        readme.write_text(f"{head}{README_START}\n{table}{README_END}{tail}")


if __name__ == "__main__":
    main()
