"""Counts the SQL queries of every request into a response header (benchmark server only)."""

import os
import time

from django.db import connection

HEADER = "X-Bench-Queries"
EXPLAIN_HEADER = "HTTP_X_BENCH_EXPLAIN"


class QueryCountMiddleware:
    """Sets `X-Bench-Queries`; with `X-Bench-Explain: <name>` also explains the request's queries.

    The explain output goes to BENCH_EXPLAIN_DIR/<name>.txt: every SELECT of the request with its
    time and `EXPLAIN (ANALYZE, BUFFERS)` plan, slowest first, so the benchmark shows which
    index each page uses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = []

        def record(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((sql, params, (time.perf_counter() - started) * 1000))

        with connection.execute_wrapper(record):
            response = self.get_response(request)
        response[HEADER] = str(len(queries))
        name = request.META.get(EXPLAIN_HEADER, "")
        if name.isidentifier() and os.environ.get("BENCH_EXPLAIN_DIR"):
            _explain(name, queries)
        return response


def _explain(name, queries):
    selects = sorted((q for q in queries if q[0].lstrip().upper().startswith("SELECT")), key=lambda q: -q[2])
    lines = []
    with connection.cursor() as cursor:
        for sql, params, ms in selects:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            lines.append(f"-- {ms:.2f} ms\n{cursor.mogrify(sql, params).decode()}\n{plan}\n")
    with open(os.path.join(os.environ["BENCH_EXPLAIN_DIR"], f"{name}.txt"), "w") as out:
        out.write("\n".join(lines))
