"""The mixed-load phase of bench/run: workers, coordinators and managers at once.

Each simulated user logs in with its own account (bench_prepare gives each one), then does what
its role does on a working day, with 3-10 seconds between clicks. Every page must answer 200:
a redirect (say, back to the login) counts as an error. Logins are counted apart, so the p95 is
that of the pages, timed from BENCH_WARM_UP seconds after the last login on, for BENCH_MEASURED
seconds: the run ends then, however long the logins took (locust's --run-time is only a cap).

BENCH_ROUTINE=floor makes every user click the authenticated floor only (bench/views.py), for the
capacity of the stack itself; BENCH_ACCOUNT_OFFSET starts at a later account, so a phase right
after another does not log in with a TOTP code its account has just used.
"""

import itertools
import json
import os
import random
import time
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task

from bench.client import log_in

ACCOUNTS = json.loads(open(os.environ["BENCH_ACCOUNTS"]).read())  # noqa: SIM115 (read once at import)
NEXT_ACCOUNT = itertools.count(int(os.environ.get("BENCH_ACCOUNT_OFFSET", "0")))
THINK_SECONDS = [float(part) for part in os.environ.get("BENCH_THINK", "3,10").split(",")]
SAMPLES = {
    "requests": [],
    "logins": 0,
    "login_errors": 0,
    "error_examples": [],
    "measure_from": None,
    "measured_seconds": 0.0,
}
# After the last login, this long unmeasured: the first reads of many teams' data come from disk.
WARM_UP_SECONDS = float(os.environ.get("BENCH_WARM_UP", "30"))
MEASURED_SECONDS = float(os.environ.get("BENCH_MEASURED", "60"))

# role: [(weight, name, path)]; {household}, {search} from the account and bench_prepare.
ROUTINES = {
    "worker": [
        (3, "caseload", "/caseload/"),
        (2, "household_list", "/households/"),
        (2, "household_search", "/households/?q={search}"),
        (3, "household_page", "/households/{household}/"),
        (2, "plan", "/households/{household}/plan/"),
    ],
    "coordinator": [
        (3, "triage_queue", "/referrals/"),
        (1, "household_list", "/households/"),
        (1, "household_page", "/households/{household}/"),
        (1, "access_log", "/households/{household}/access-log/"),
    ],
    "manager": [
        (2, "partner_overview", "/partners/"),
        (1, "team_overview", "/team/"),
        (1, "mandates", "/mandates/"),
    ],
}
if os.environ.get("BENCH_ROUTINE") == "floor":
    ROUTINES = dict.fromkeys(ROUTINES, [(1, "auth_floor", "/bench/floor/")])


@events.request.add_listener
def record(name, response_time, exception, response=None, **_kwargs):
    if name == "login":
        return
    ok = exception is None and response is not None and response.status_code == 200
    measuring = SAMPLES["measure_from"] is not None and time.monotonic() >= SAMPLES["measure_from"]
    if measuring or not ok:
        SAMPLES["requests"].append((name, response_time, ok))
    if not ok and len(SAMPLES["error_examples"]) < 20:
        status = response.status_code if response is not None else None
        SAMPLES["error_examples"].append({"page": name, "status": status, "error": repr(exception)})


@events.quitting.add_listener
def write_samples(**_kwargs):
    if SAMPLES["measure_from"] is not None:
        SAMPLES["measured_seconds"] = max(0.0, time.monotonic() - SAMPLES["measure_from"])
    with open(os.environ["BENCH_LOAD_OUT"], "w") as out:
        json.dump(SAMPLES, out)


class TeamMember(HttpUser):
    # A worker reads a page before the next click: 3 to 10 seconds by default (about 8 requests
    # a second for 50 users, several times what 50 people at work produce); bench/run --think.
    wait_time = between(*THINK_SECONDS)

    def on_start(self):
        number = next(NEXT_ACCOUNT)
        self.account = ACCOUNTS["load_users"][number % len(ACCOUNTS["load_users"])]
        values = {"household": self.account["household"], "search": ACCOUNTS["search"]}
        self.routine = [
            (name, path.format(**values))
            for weight, name, path in ROUTINES[self.account["role"]]
            for _ in range(weight)
            if values["household"] or "{household}" not in path
        ]
        try:
            client_ip = f"10.30.{number // 250}.{number % 250 + 1}"
            log_in(self.client, "", urlsplit(self.host).netloc, self.account, client_ip, name="login")
            SAMPLES["logins"] += 1
        except Exception as error:  # noqa: BLE001 (a failed login is a result, not a crash)
            SAMPLES["login_errors"] += 1
            SAMPLES["error_examples"].append({"page": "login", "error": repr(error)})
            self.stop()
        finally:
            # Timings count once every user is in: the ramp-up's login storm (Argon2 checks) is
            # not a working day. Errors count from the start.
            logged_in = SAMPLES["logins"] + SAMPLES["login_errors"]
            everyone_in = logged_in >= self.environment.runner.target_user_count
            if everyone_in and SAMPLES["measure_from"] is None:
                SAMPLES["measure_from"] = time.monotonic() + WARM_UP_SECONDS
                gevent.spawn_later(WARM_UP_SECONDS + MEASURED_SECONDS, self.environment.runner.quit)

    @task
    def click(self):
        name, path = random.choice(self.routine)  # noqa: S311 (not security)
        self.client.get(path, name=name, allow_redirects=False)
