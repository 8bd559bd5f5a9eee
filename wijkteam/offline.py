"""Work that survives a stairwell (issue 17): what the browser's script needs from the server.

The script (static/js/wijkteam.js) keeps what was typed when a request meets an expired session
or no connection, and queues contacts on the device (the outbox) until the server confirms them.
The server's part:

- `session_state`: whether this browser is still logged in, and for whom. It gives the page a
  fresh CSRF token after a login in another tab, the *owner* tag the outbox binds its items to
  (never the user's name or id), and the key that encrypts the queued text on the device. The key
  is derived from the secret key and the user, so the same user gets the same key in every
  session (a queue written before the session expired can be read after logging in again) and
  nobody else gets it. It never lies on the device: the script keeps it in memory.
- `session_restored`: where the login in a second tab ends; it tells the first tab (which kept
  the typed text) that it may save again.
- `offline_page`: what the service worker shows when a page cannot be loaded: an offline banner
  and the outbox, no case data (the service worker fetches it without the session).
- `service_worker`: static/js/sw.js served from the site's root, so that it may control every page.
- `client_messages`: the Dutch (or English) words the script shows, through gettext like all others.
"""

import base64

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from cases.gateway import no_case_data

# The header the script sends with an outbox request: the answer is JSON, not a page.
OUTBOX_HEADER = "X-Wijkteam-Outbox"


def wants_json(request) -> bool:
    return request.headers.get(OUTBOX_HEADER) == "1"


def owner_tag(user) -> str:
    """What the device's queue is bound to: the same for a user in every session, says nothing of
    who it is."""
    return salted_hmac("wijkteam.outbox.owner", str(user.pk), algorithm="sha256").hexdigest()[:24]


def outbox_key(user) -> str:
    """The AES-256 key of the user's queued text (base64), stable across sessions."""
    digest = salted_hmac("wijkteam.outbox.key", str(user.pk), algorithm="sha256").digest()
    return base64.b64encode(digest).decode()


@login_not_required
@never_cache
@no_case_data()
def session_state(request):
    """JSON: 401 when the session is gone; else the owner tag, the outbox key and a CSRF token."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "reason": "session"}, status=401)
    return JsonResponse(
        {
            "ok": True,
            "owner": owner_tag(request.user),
            "key": outbox_key(request.user),
            "csrf": get_token(request),
        }
    )


@never_cache
@no_case_data()
def session_restored(request):
    """The end of a login in a second tab: it tells the first tab and closes itself."""
    return render(request, "session_restored.html")


@login_not_required
@no_case_data()
def offline_page(request):
    """What the service worker shows without a connection: no case data, no session."""
    return render(request, "offline.html")


@login_not_required
@no_case_data()
def service_worker(request):
    """static/js/sw.js from the root (a worker controls only the pages under its own path)."""
    path = finders.find("js/sw.js")
    if path is None:
        if not staticfiles_storage.exists("js/sw.js"):
            raise Http404
        with staticfiles_storage.open("js/sw.js") as handle:
            source = handle.read()
    else:
        with open(path, "rb") as handle:
            source = handle.read()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on every navigation; never from a stale cache.
    response["Cache-Control"] = "no-cache"
    return response


def client_messages(request) -> dict:
    """A context processor: the script's words, put in each page as JSON (base.html)."""
    return {
        "client_messages": {
            "offline": _("Not saved: no connection. What you typed stays here; try again later."),
            "session": _("Your session has expired. Log in again; what you typed stays here."),
            "login": _("Log in again"),
            "restored": _("You are logged in again. Save once more."),
            "stale": _("Not saved: this page was out of date. Try once more."),
            "failed": _("Not saved: something went wrong (error %(status)s). What you typed stays here."),
            "forbidden": _("Not saved: you may not do this (any more)."),
            "queued": _("Saved on this device. It is sent as soon as there is a connection."),
            "no_storage": _(
                "Not saved: no connection, and this browser cannot keep it (a private window?). "
                "What you typed stays here."
            ),
            "waiting_one": _("%(n)s contact not sent yet"),
            "waiting_many": _("%(n)s contacts not sent yet"),
            "sent_one": _("%(n)s contact sent."),
            "sent_many": _("%(n)s contacts sent."),
            "refused": _("Not sent: you may no longer log contacts for this household."),
            "unreadable": _("Cannot be sent: this device can no longer read this contact. Log it again."),
            "send_now": _("Send now"),
            "remove": _("Remove"),
            "remove_confirm": _("Remove this contact from the device? It has not been sent."),
            "login_to_send": _("Log in again to send them."),
            "logout_waiting": _("Log out (contacts are waiting)"),
            "contact": _("Contact"),
        },
        # An error page may render before the user is known (a bad Host header: 400).
        "outbox_owner": owner_tag(user)
        if (user := getattr(request, "user", None)) and user.is_authenticated
        else "",
    }
