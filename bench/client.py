"""Logging in like a person does: the login form, then the TOTP code (measure.py and locust)."""

import base64
import hashlib
import hmac
import re
import struct
import time

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What the reverse proxy adds in production: the benchmark server sees HTTPS requests.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 with allauth's defaults (SHA-1, 30 seconds, 6 digits)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _post_form(session, base, host, path, fields, **kwargs):
    page = session.get(base + path, headers=PROXY_HEADERS, **kwargs)
    match = CSRF.search(page.text)
    if page.status_code != 200 or not match:
        raise RuntimeError(f"GET {path}: {page.status_code}, no form")
    headers = {**PROXY_HEADERS, "Referer": f"https://{host}{path}"}
    data = {"csrfmiddlewaretoken": match.group(1), **fields}
    return session.post(base + path, data=data, headers=headers, allow_redirects=False, **kwargs)


def log_in(session, base, host, account, client_ip, **kwargs):
    """Password, then the second factor. `base` is "" for locust's client (it knows the host).

    The benchmark stands where the reverse proxy stands, so it says which client each session
    is (X-Forwarded-For): the login rate limit counts per client, as in production.
    """
    session.headers.update({**PROXY_HEADERS, "X-Forwarded-For": client_ip})
    answer = _post_form(
        session,
        base,
        host,
        "/accounts/login/",
        {"login": account["username"], "password": account["password"]},
        **kwargs,
    )
    if answer.status_code != 302 or "/2fa/" not in answer.headers.get("Location", ""):
        raise RuntimeError(f"login of {account['username']}: {answer.status_code}, no second-factor step")
    for _attempt in range(2):
        if 30 - time.time() % 30 < 5:  # too close to the window's end to read, fetch and post
            time.sleep(30 - time.time() % 30 + 0.2)
        code = {"code": totp(account["totp_secret"])}
        answer = _post_form(session, base, host, "/accounts/2fa/authenticate/", code, **kwargs)
        if answer.status_code == 302:
            return session
        # A code holds for one 30-second window; under load the window can close between
        # reading the code and posting it. Wait for the next window, as a person would.
        time.sleep(30 - time.time() % 30 + 0.5)
    raise RuntimeError(f"second factor of {account['username']}: {answer.status_code}")
