"""Where the slow requests of the mixed load wait, from PostgreSQL's own statistics (bench/run).

Two sources, whichever the server has: `pg_stat_statements` (bench/run preloads it when this
machine has the extension) and the server log, where bench/run's cluster writes every statement
slower than `log_min_duration_statement` and every lock wait longer than `deadlock_timeout`
(`log_lock_waits`). Both are read for the load only: the statistics are reset and the log's
length noted when it starts.

What is written holds normalised SQL only: pg_stat_statements already replaces constants by $1,
$2 ...; from the log every literal is replaced by `?` (`normalise`). The generated data are
invented, but the results are published, and a real installation's log would hold real names.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path

import psycopg2

TOP = 8
STATEMENT_CHARS = 300
# A quoted string (also E'', B'', X'', N'', U&''), a dollar-quoted string, or a number that is not
# part of a name or a placeholder ($1).
LITERAL = re.compile(
    r"(?:\b[EeBbXxNn]|\bU&)?'(?:[^']|'')*'"
    r"|\$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$"
    r"|(?<![\w$.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b",
    re.DOTALL,
)
PLACEHOLDER = re.compile(r"\$\d+")
# A select list says little and fills the width: the FROM and WHERE tell the statements apart.
COLUMNS = re.compile(r"^(\(?SELECT (?:DISTINCT )?).*? FROM ", re.DOTALL)
LIST = re.compile(r"\bIN \((?:\s*\?\s*,)*\s*\?\s*\)", re.IGNORECASE)
# Log lines as bench/run's cluster writes them (log_line_prefix '%m [%p] '), continued by a tab.
LOG_LINE = re.compile(r"^\S+ \S+ \S+ \[\d+\] (?:\S+@\S+ )?(?P<level>[A-Z]+):  (?P<text>.*)$")
DURATION = re.compile(
    r"duration: (?P<ms>[\d.]+) ms  (?:statement|execute [^:]*|bind [^:]*|parse [^:]*): (?P<sql>.*)", re.DOTALL
)
LOCK_WAIT = re.compile(
    r"process \d+ (?P<state>still waiting for|acquired) (?P<mode>\w+) on (?P<what>\w+)(?: .*)? "
    r"after (?P<ms>[\d.]+) ms"
)


def normalise(sql: str) -> str:
    """The statement's shape: literals as `?`, placeholders as `?`, lists folded, one line."""
    text = LITERAL.sub("?", sql)
    text = PLACEHOLDER.sub("?", text)
    text = LIST.sub("IN (...)", text)
    text = COLUMNS.sub(r"\1… FROM ", " ".join(text.split()), count=1)
    return text if len(text) <= STATEMENT_CHARS else text[: STATEMENT_CHARS - 1] + "…"


def log_entries(text: str):
    """(level, message) per log entry, continuation lines joined."""
    entry = None
    for line in text.splitlines():
        match = LOG_LINE.match(line)
        if match:
            if entry:
                yield entry
            entry = [match["level"], match["text"]]
        elif entry and line.startswith("\t"):
            entry[1] += "\n" + line[1:]
    if entry:
        yield entry


def summarise_log(text: str) -> dict:
    """Slow statements (count, by shape) and lock waits (by mode and object) in a log excerpt."""
    slow, slowest = Counter(), defaultdict(float)
    waits, waited = Counter(), defaultdict(float)
    waiting_statements = Counter()
    last_wait = None
    for level, message in log_entries(text):
        if level == "LOG":
            last_wait = None
        if level == "LOG" and (match := DURATION.match(message)):
            shape = normalise(match["sql"])
            slow[shape] += 1
            slowest[shape] = max(slowest[shape], float(match["ms"]))
        elif level == "LOG" and (match := LOCK_WAIT.match(message)):
            key = f"{match['mode']} on {match['what']}"
            if match["state"] != "acquired":
                waits[key] += 1
                last_wait = key
            waited[key] = max(waited[key], float(match["ms"]))
        elif level == "STATEMENT" and last_wait:
            waiting_statements[normalise(message)] += 1
    return {
        "slow_statements": sum(slow.values()),
        "slow_by_statement": [
            {"statement": shape, "count": count, "max_ms": round(slowest[shape], 1)}
            for shape, count in slow.most_common(TOP)
        ],
        "lock_waits": sum(waits.values()),
        "locks": [
            {"lock": key, "waits": count, "max_ms": round(waited[key], 1)}
            for key, count in waits.most_common(TOP)
        ],
        "waiting_statements": [
            {"statement": shape, "count": count} for shape, count in waiting_statements.most_common(TOP)
        ],
    }


_STATEMENTS = (
    "SELECT query, calls, total_exec_time, max_exec_time, mean_exec_time, shared_blks_read "
    "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = %s) "
)
STATEMENT_QUERIES = {
    "top_by_total": _STATEMENTS + "ORDER BY total_exec_time DESC LIMIT %s",
    "top_by_max": _STATEMENTS + "ORDER BY max_exec_time DESC LIMIT %s",
}


class Tails:
    """Notes where the statistics stand (`start`), then summarises what the load added (`summary`).

    `server` is a connection URL of the cluster (bench/run's admin database), `database` the
    benchmark's database, `log` the server's log file if this process may read it.
    """

    def __init__(self, server: str, database: str, log: Path | None):
        self.server, self.database, self.log = server, database, log
        self.offset = 0
        self.statements = False
        self.why_not = ""
        self.settings = {}

    def _connect(self):
        connection = psycopg2.connect(self.server)
        connection.autocommit = True
        return connection

    def start(self) -> None:
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                for name in ("shared_preload_libraries", "log_min_duration_statement", "log_lock_waits"):
                    try:
                        cursor.execute(f"SHOW {name}")  # a fixed name, not input
                        self.settings[name] = cursor.fetchone()[0]
                    except psycopg2.Error:  # a role that may not read it (not bench/run's cluster)
                        self.settings[name] = None
                if "pg_stat_statements" not in (self.settings["shared_preload_libraries"] or ""):
                    self.why_not = "pg_stat_statements is not preloaded on this server"
                else:
                    try:
                        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                        cursor.execute("SELECT pg_stat_statements_reset()")
                        self.statements = True
                    except psycopg2.Error as error:
                        self.why_not = f"pg_stat_statements: {error.pgerror or error}".strip()
        finally:
            connection.close()
        if self.log and self.log.exists():
            self.offset = self.log.stat().st_size

    def summary(self) -> dict:
        sources = []
        found = {"settings": self.settings}
        if self.statements:
            sources.append("pg_stat_statements")
            found.update(self._statements())
        else:
            found["pg_stat_statements"] = self.why_not
        if (
            self.log
            and self.log.exists()
            and self.settings.get("log_min_duration_statement") not in ("-1", None)
        ):
            sources.append("server log")
            with open(self.log, "rb") as handle:
                handle.seek(self.offset)
                found.update(summarise_log(handle.read().decode("utf-8", "replace")))
        else:
            found["server_log"] = "not readable here or slow statements not logged"
        found["sources"] = sources
        return found

    def _statements(self) -> dict:
        connection = self._connect()
        found = {}
        try:
            with connection.cursor() as cursor:
                for key, query in STATEMENT_QUERIES.items():
                    cursor.execute(query, [self.database, TOP])
                    found[key] = [
                        {
                            "statement": normalise(query),
                            "calls": calls,
                            "total_ms": round(total, 1),
                            "max_ms": round(most, 1),
                            "mean_ms": round(mean, 2),
                            "blocks_read": read,
                        }
                        for query, calls, total, most, mean, read in cursor.fetchall()
                    ]
        finally:
            connection.close()
        return found


def _code(statement: str) -> str:
    return "`" + statement.replace("`", "'").replace("|", "\\|") + "`"


def markdown(tails: dict, households: int) -> str:
    """The short summary for bench/results/tails.md."""
    settings = tails.get("settings", {})
    lines = [
        "# Where the slow requests wait (mixed load, " + f"{households:_} households)".replace("_", "."),
        "",
        f"Sources: {', '.join(tails['sources']) or 'none'}; log_min_duration_statement "
        f"{settings.get('log_min_duration_statement', '?')}, "
        f"log_lock_waits {settings.get('log_lock_waits', '?')}. "
        "Statements are normalised: no values.",
        "",
    ]
    if "slow_statements" in tails:
        lines += [
            f"Slow statements logged: {tails['slow_statements']}; lock waits logged: {tails['lock_waits']}.",
            "",
        ]
    for key, title in (("top_by_total", "By total time"), ("top_by_max", "By slowest call")):
        if tails.get(key):
            lines += [
                f"## {title} (pg_stat_statements)",
                "",
                "| Calls | Total ms | Max ms | Mean ms | Blocks read | Statement |",
            ]
            lines.append("|---|---|---|---|---|---|")
            lines += [
                f"| {s['calls']} | {s['total_ms']} | {s['max_ms']} | {s['mean_ms']} | {s['blocks_read']} | "
                f"{_code(s['statement'])} |"
                for s in tails[key]
            ]
            lines.append("")
    if tails.get("slow_by_statement"):
        lines += ["## Slow statements (server log)", "", "| Count | Max ms | Statement |", "|---|---|---|"]
        lines += [
            f"| {s['count']} | {s['max_ms']} | {_code(s['statement'])} |" for s in tails["slow_by_statement"]
        ]
        lines.append("")
    if tails.get("locks"):
        lines += ["## Lock waits (server log)", "", "| Lock | Waits | Longest ms |", "|---|---|---|"]
        lines += [f"| {s['lock']} | {s['waits']} | {s['max_ms']} |" for s in tails["locks"]]
        lines += [
            f"- waiting: {_code(s['statement'])} ({s['count']}×)" for s in tails.get("waiting_statements", [])
        ]
        lines.append("")
    return "\n".join(lines)
