from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache

from cases.gateway import no_case_data
from teams import policy
from wijkteam.offline import wants_json

# Where each user starts: the first of these pages they hold the permission for.
START_PAGES = [
    ("referral.triage", "cases:referral_queue"),
    ("team.manage", "teams:overview"),
    ("household.read", "cases:caseload"),
    ("referral.send", "cases:partner_referral_list"),
]


@no_case_data()
def home(request):
    """Send each user to what their work needs first."""
    for perm, page in START_PAGES:
        if policy.can(request.user, perm):
            return redirect(page)
    return render(request, "home.html")


@login_not_required
@never_cache
@no_case_data()
def healthz(request):
    """For the load balancer: the app answers and reaches its database. Shows no data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _error(status: int, template: str):
    """An error page in Dutch with the request id (templates/error.html and one per status); to the
    outbox's script (wijkteam/offline.py) the same as JSON."""

    @login_not_required
    def view(request, exception=None):
        if wants_json(request):
            return JsonResponse({"ok": False, "status": status}, status=status)
        return render(request, template, {"request_id": getattr(request, "request_id", "")}, status=status)

    return view


bad_request = _error(400, "400.html")
_not_allowed = _error(403, "403.html")


def _page_of(obj):
    """The object's own page, or its household's (a task, a goal), or None."""
    if obj is None or hasattr(obj, "get_absolute_url"):
        return obj
    return getattr(obj, "household", None)


def _partner_contacts(request) -> list | None:
    """A partner reporter has no coordinator: whom they ask instead (the team's phone, and the
    contact person their organisation's mandate names). None for everyone else."""
    user = getattr(request, "user", None)
    if user is None or not policy.is_partner_reporter(user):
        return None
    from mandates.contacts import team_contacts

    return team_contacts(user.organisation_id)


@login_not_required
def permission_denied(request, exception=None):
    """The policy's refusals say why (a closed household, a grant to oneself); others stay general.
    A partner is told whom to ask: the teams their organisation works with, not "your coordinator"."""
    if wants_json(request):
        message = str(exception.args[0]) if isinstance(exception, policy.Refused) and exception.args else None
        if message is None:
            return _not_allowed(request, exception)
        return JsonResponse({"ok": False, "status": 403, "message": message}, status=403)
    context = {
        "request_id": getattr(request, "request_id", ""),
        "partner_contacts": _partner_contacts(request),
    }
    if isinstance(exception, policy.Refused) and exception.args:
        context["message"] = exception.args[0]
        # Back to what was refused (a closed household: where it can be reopened).
        context["back"] = _page_of(exception.obj)
    return render(request, "403.html", context, status=403)


page_not_found = _error(404, "404.html")
_too_many_attempts = _error(429, "429.html")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form's token was missing or old. Django logs the reason
    (django.security.csrf); the page says what to do, in Dutch, without the technical reason."""
    context = {"request_id": getattr(request, "request_id", "")}
    response = render(request, "403_csrf.html", context, status=403)
    # The page's script (static/js/wijkteam.js) fetches a fresh token and says "try once more".
    response["X-Wijkteam-Csrf"] = "failed"
    return response


@login_not_required
def too_many_requests(request, exception=None):
    """allauth's rate limits (login, password reset, step-up) answer with this: logged, in Dutch."""
    from teams.security import log_rate_limited

    match = getattr(request, "resolver_match", None)
    log_rate_limited(
        request,
        username=request.POST.get("login", "") if request.method == "POST" else "",
        action=match.view_name if match else request.path[:100],
    )
    return _too_many_attempts(request)


@login_not_required
def server_error(request):
    """Standalone template without the navigation or context processors: it renders when the
    database, the session or the middleware that failed is what went wrong."""
    page = loader.get_template("500.html").render({"request_id": getattr(request, "request_id", "")})
    return HttpResponseServerError(page)
