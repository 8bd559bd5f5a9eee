"""Gunicorn settings for an app server behind the reverse proxy.

    gunicorn -c wijkteam/gunicorn.conf.py wijkteam.wsgi

Every value can be overridden from the environment (names below, documented in `.env.example`
and the README's "Deploying"). An app server keeps no state of its own: sessions, the cache
(login rate limits, used TOTP codes) and all data live in PostgreSQL, so any server can answer
any request and a server can be replaced at any time.
"""

import ipaddress
import os
import re

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where this server listens: the address the proxy reaches it on (not a public interface).
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]

# Processes × threads is how many requests one server handles at once; every thread may hold one
# PostgreSQL connection (DATABASE_CONN_MAX_AGE), so servers × workers × threads must stay below
# the database's max_connections.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 3)
threads = _int("GUNICORN_THREADS", 4)
# A request that takes longer is killed (its worker restarts); the proxy's read timeout is longer.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM or a reload, running requests get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart a worker after this many requests (± jitter, so they do not all restart at once):
# bounds any slow memory growth.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# No control socket (gunicornc): the service manager steers the server with signals, and two
# servers of one user on one machine would share its default path in $HOME.
control_socket_disable = True

# Only the reverse proxy may say the request came in over https (X-Forwarded-Proto) and from
# which client (X-Forwarded-For): its address, comma-separated, CIDR allowed. Gunicorn reads the
# same variable itself; the default is gunicorn's own (this machine only).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, for the service manager or the container runtime to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Proxy address, client address as the proxy saw it, method, path without the query string
# (search words are personal data), status, bytes, milliseconds, and the request id that error
# pages show (wijkteam.middleware.RequestIdMiddleware). No cookies, no referrer, no query.
access_log_format = (
    '%(h)s client=%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms '
    "request_id=%({x-request-id}o)s"
)

# A password-reset link carries its token in the path; the log keeps only the path's shape.
SECRET_PATHS = re.compile(r"(/password/reset/key/)[^/]+")


class RedactingLogger(Logger):
    """The access log without secrets in paths (see SECRET_PATHS)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = SECRET_PATHS.sub(r"\1***", atoms["U"] or "")
        return atoms


logger_class = RedactingLogger

FORWARDING_HEADERS = {"X-FORWARDED-FOR", "X-FORWARDED-PROTO", "X-FORWARDED-HOST", "X-FORWARDED-PORT"}


def _trusted_networks() -> list:
    if forwarded_allow_ips.strip() == "*":
        return []
    return [ipaddress.ip_network(item.strip(), strict=False) for item in forwarded_allow_ips.split(",")]


TRUSTED_NETWORKS = _trusted_networks()


def pre_request(worker, req):
    """Drop X-Forwarded-* from anyone but the proxy, before Django sees them.

    Django believes X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and allauth's rate limits the last
    X-Forwarded-For entry (TRUSTED_PROXY_COUNT) whoever sent them; gunicorn itself only ignores
    them for wsgi.url_scheme. Stripping them here means a client that reaches an app server
    directly, around the proxy, can neither pose as https nor choose its address.
    """
    if forwarded_allow_ips.strip() == "*" or not isinstance(req.peer_addr, tuple):
        return  # every peer trusted, or a Unix socket (only the proxy can reach it)
    peer = ipaddress.ip_address(req.peer_addr[0])
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped:
        peer = peer.ipv4_mapped  # an IPv4 proxy reaching a server bound to [::]
    if any(peer in network for network in TRUSTED_NETWORKS):
        return
    req.headers = [(name, value) for name, value in req.headers if name not in FORWARDING_HEADERS]
