"""The two database roles in tests: logins, URLs and connections of the owner and the application.

The suite's own connection is the owner's (conftest.py); the application's role (DATABASE_URL)
is reached on a connection of its own, to the same test database.
"""

import os
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from wijkteam.db import application_login


def require_two_roles() -> None:
    """Skip (fail with REQUIRE_POSTGRES=1) unless the tests run on PostgreSQL with two roles."""
    if connection.vendor == "postgresql" and application_login()["USER"] != connection.settings_dict["USER"]:
        return
    why = (
        f"the tests run on {connection.vendor}"
        if connection.vendor != "postgresql"
        else "DATABASE_URL and DATABASE_OWNER_URL log in as one role"
    )
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 needs PostgreSQL with two roles (scripts/test.sh), but {why}")
    pytest.skip(f"needs PostgreSQL with two roles: {why}")


def params(role: str, dbname: str | None = None) -> dict:
    """libpq parameters for `role` ("owner" or "app") on the test database (or `dbname`)."""
    result = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in ("dbname", "user", "password", "host", "port") and value
    }
    if role == "app":
        login = application_login()
        result.pop("password", None)
        result.update(
            {key.lower(): value for key, value in login.items() if value and key in ("USER", "PASSWORD")}
        )
        result.update(
            {key.lower(): value for key, value in login.items() if value and key in ("HOST", "PORT")}
        )
    if dbname:
        result["dbname"] = dbname
    return result


def url(role: str, dbname: str | None = None) -> str:
    """The same as a DATABASE_URL (a socket directory becomes %2F…)."""
    login = params(role, dbname)
    credentials = quote(login.get("user", ""), safe="")
    if login.get("password"):
        credentials += ":" + quote(login["password"], safe="")
    host = quote(login.get("host", ""), safe="")
    port = f":{login['port']}" if login.get("port") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(login['dbname'], safe='')}"


def connect(role: str, dbname: str | None = None):
    """A psycopg2 connection in autocommit: every statement commits or fails on its own."""
    conn = psycopg2.connect(**params(role, dbname))
    conn.autocommit = True
    return conn
