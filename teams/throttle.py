"""The login's brakes (issue 15): strict on guessing, never a way to keep somebody else out.

Checked before the password is (teams.adapters.AccountAdapter.pre_authenticate), so a refused
attempt learns nothing about the password. A failed attempt counts for every rule it passed; a
correct one counts for none (allauth's rollback). The rules:

1. **Account at an address** (`login_failed` in ACCOUNT_RATE_LIMITS, allauth's own limit, with
   the username and the address as its key): 5 failures in 5 minutes refuse that username from
   that address, until the oldest failure is 5 minutes old. It keeps out whoever is guessing,
   there, and nobody anywhere else.
2. **Address alone** (`login_failed_address`): 30 failures a minute and 300 an hour from one
   address, whatever the usernames, refuse further attempts from there. This slows credential
   stuffing; correct logins never count, so an office behind one address logging in at nine is
   not hindered, and a known browser (4) is not held back at all.
3. **Account alone** (WIJKTEAM_LOGIN_ACCOUNT_DELAY): after 10 failures for one username in an
   hour, from any addresses, each further try must wait, and each failure doubles the wait (30
   seconds, one minute, two, ... at most 15 minutes). A delay, never a lock: the refusal says
   how many seconds, and the right password after the wait gets in.
4. **Known browser**: a browser in which an account logged in completely (password and, where
   the account has one, second factor) keeps a signed cookie saying so (a random browser id and
   a keyed hash of the username; no name, nothing on the server). For that username it is
   exempt from 2 and 3 and has its own count for 1. So a flood of wrong passwords for a username,
   from anywhere, does not keep its owner out where they usually log in; and a colleague behind
   the same address guessing cannot lock them out either.

Every lock (a rule starting to refuse) writes one SecurityEvent row with the kind, the username
tried, the address and until when; never the password (`record_lock`). The counters live in
the cache, which is the database table shared by all app servers (settings.CACHES).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import secrets
import time

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

APP = "allauth.account"
PAIR = "login_failed"  # allauth's own action: rule 1, keyed by username and address
ADDRESS = "login_failed_address"  # rule 2

KNOWN_SALT = "wijkteam.known-browser"
KNOWN_DAYS = 90  # a browser not used to log in for this long is a stranger again
KNOWN_ACCOUNTS = 10  # accounts one browser remembers (a shared office computer)

USERNAME_LENGTH = 150


def normal(username: str) -> str:
    """The username as the rules count it: a different case is the same account."""
    return (username or "")[:USERNAME_LENGTH].strip().casefold()


# --- Rule 4: the known browser ---------------------------------------------------------------


def known_cookie_name() -> str:
    # With a secure session cookie (production) the cookie gets the __Host- prefix too.
    return ("__Host-" if settings.SESSION_COOKIE_SECURE else "") + "wijkteam-known"


def _tag(username: str) -> str:
    return salted_hmac(KNOWN_SALT, normal(username), algorithm="sha256").hexdigest()[:32]


def _read_known(request) -> dict | None:
    raw = request.COOKIES.get(known_cookie_name()) if request is not None else None
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=KNOWN_SALT, max_age=datetime.timedelta(days=KNOWN_DAYS))
    except signing.BadSignature:
        return None
    valid = isinstance(data, dict) and isinstance(data.get("d"), str) and isinstance(data.get("u"), list)
    return data if valid else None


def known_browser(request, username: str) -> str | None:
    """This browser's id if `username` logged in completely in it before, else None."""
    data = _read_known(request)
    if data and _tag(username) in data["u"]:
        return data["d"]
    return None


def remember_browser(request, response, username: str) -> None:
    """After a complete login: this browser is known for `username` for KNOWN_DAYS more days."""
    data = _read_known(request) or {"d": secrets.token_urlsafe(16), "u": []}
    tag = _tag(username)
    data["u"] = [tag, *(t for t in data["u"] if t != tag)][:KNOWN_ACCOUNTS]
    response.set_cookie(
        known_cookie_name(),
        signing.dumps(data, salt=KNOWN_SALT),
        max_age=KNOWN_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- Rule 3: the account's increasing delay --------------------------------------------------


def _delay_settings() -> dict:
    return settings.WIJKTEAM_LOGIN_ACCOUNT_DELAY


def delay_after(failures: int) -> int:
    """Seconds to wait after the last failure when `failures` failed within the window."""
    conf = _delay_settings()
    extra = failures - conf["free"]
    if extra < 0:
        return 0
    return min(conf["first"] * 2 ** min(extra, 30), conf["max"])


def _account_key(username: str) -> str:
    return "wijkteam:login:account:" + hashlib.sha256(normal(username).encode()).hexdigest()


def _recent(history: list[float], now: float) -> list[float]:
    window = _delay_settings()["window"]
    return [ts for ts in history if ts > now - window]


def account_wait(username: str, now: float | None = None) -> int:
    """Seconds before `username` may be tried again from a browser it does not know (0: now)."""
    now = time.time() if now is None else now
    history = _recent(cache.get(_account_key(username), []), now)
    delay = delay_after(len(history))
    return max(0, math.ceil(history[0] + delay - now)) if delay else 0


def _claim_account(username: str) -> tuple[int, ratelimit.SingleRateLimitUsage | None]:
    """Check the delay and count this attempt as a failure in one step (across app servers):
    (seconds to wait, None) when it must wait, else (0, the usage to roll back on success)."""
    key = _account_key(username)
    window = _delay_settings()["window"]
    with ratelimit.cache_lock(key) as locked:
        if not locked:
            return 1, None
        now = time.time()
        history = _recent(cache.get(key, []), now)
        delay = delay_after(len(history))
        if delay and now < history[0] + delay:
            return math.ceil(history[0] + delay - now), None
        history.insert(0, now)
        cache.set(key, history, window)
        return 0, ratelimit.SingleRateLimitUsage(cache_key=key, cache_duration=window, timestamp=now)


# --- Rules 1 and 2: allauth's limits ---------------------------------------------------------


def blocked_for(request, action: str, key: str | None = None) -> int:
    """Seconds until allauth's limit `action` lets the next attempt through (0: now)."""
    now = time.time()
    wait = 0.0
    for rate in ratelimit.get_rates(app=APP, action=action):
        if rate.per == "key" and key is None:
            continue
        cache_key = ratelimit.get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


class Refused(Exception):
    """The attempt is refused before the password is checked. `wait`: seconds of an account's
    delay (rule 3), None for a lock (rules 1 and 2)."""

    def __init__(self, kind: str, wait: int | None = None):
        super().__init__(kind)
        self.kind = kind
        self.wait = wait


class Attempt:
    """One login attempt: what it claims from the rules, kept when the password is wrong and
    given back when it is right (AccountAdapter.authenticate, as allauth does with its own)."""

    def __init__(self, request, username: str):
        from teams.models import SecurityEvent

        self.Kind = SecurityEvent.Kind
        self.request = request
        self.username = (username or "")[:USERNAME_LENGTH]
        self.browser = known_browser(request, self.username)
        self.ip = ratelimit.get_ip(request)
        where = f"browser:{self.browser}" if self.browser else f"ip:{self.ip}"
        self.pair_key = f"{normal(self.username)}:{where}"
        self.usage: list = []

    def claim(self) -> None:
        """Raise Refused, or count this attempt as a failure until rollback()."""
        try:
            pair = ratelimit.consume(self.request, app=APP, action=PAIR, key=self.pair_key)
            if pair is None:
                raise Refused(self.Kind.ACCOUNT_ADDRESS_LOCKED)
            self.usage.append(pair)
            if self.browser:
                return
            address = ratelimit.consume(self.request, app=APP, action=ADDRESS)
            if address is None:
                raise Refused(self.Kind.ADDRESS_LOCKED)
            self.usage.append(address)
            wait, account = _claim_account(self.username)
            if wait:
                raise Refused(self.Kind.ACCOUNT_DELAYED, wait)
            self.usage.append(account)
        except Refused:
            self.rollback()
            raise

    def rollback(self) -> None:
        for usage in self.usage:
            usage.rollback()
        self.usage = []

    def failed(self) -> None:
        """The password was wrong: one SecurityEvent for each rule that locks from now on."""
        from teams.security import origin_of

        origin = origin_of(self.request)
        pair_wait = blocked_for(self.request, PAIR, self.pair_key)
        locks = [(self.Kind.ACCOUNT_ADDRESS_LOCKED, pair_wait, _shortest(PAIR), self.pair_key)]
        if not self.browser:
            address_wait = blocked_for(self.request, ADDRESS)
            account = account_wait(self.username)
            locks += [
                (self.Kind.ADDRESS_LOCKED, address_wait, _shortest(ADDRESS), f"ip:{self.ip}"),
                # Each longer delay is a lock of its own.
                (self.Kind.ACCOUNT_DELAYED, account, account, normal(self.username)),
            ]
        for kind, wait, every, key in locks:
            if wait:
                record_lock(
                    self.request,
                    kind=kind,
                    key=key,
                    username=self.username,
                    address=origin,
                    seconds=wait,
                    every=every,
                )


def _shortest(action: str) -> int:
    """The shortest window of allauth's limit `action`, in seconds."""
    return int(min((rate.duration for rate in ratelimit.get_rates(app=APP, action=action)), default=0))


def record_lock(
    request,
    *,
    kind: str,
    key: str,
    username: str,
    address: str,
    seconds: int,
    every: int = 0,
    action: str = "login",
):
    """One SecurityEvent for a lock of `seconds` from now. Never the password.

    A lock that ends less than `every` seconds (the rule's window) after the last one recorded
    for the same rule and key is that lock going on: refused attempts, or an attacker filling each
    freed place again at once, add no rows, so a flood does not become a flood of rows.
    """
    from teams.models import SecurityEvent

    now = timezone.now()
    until = now.timestamp() + seconds
    marker = "wijkteam:lock:" + hashlib.sha256(f"{kind}|{key}".encode()).hexdigest()
    last = cache.get(marker)
    if last is not None and (until <= last or until < last + every):
        return None
    cache.set(marker, until, timeout=seconds + every)
    return SecurityEvent.objects.create(
        at=now,
        kind=kind,
        username=(username or "")[:USERNAME_LENGTH],
        address=address or None,
        until=now + datetime.timedelta(seconds=seconds),
        action=action[:100],
        request_id=getattr(request, "request_id", "")[:32],
    )
