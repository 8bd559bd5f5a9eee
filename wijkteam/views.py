from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from cases.gateway import no_case_data
from teams import policy

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


def _error(status: int, title, message):
    @login_not_required
    def view(request, exception=None):
        context = {"title": title, "message": message, "request_id": getattr(request, "request_id", "")}
        return render(request, "error.html", context, status=status)

    return view


bad_request = _error(400, _("Bad request"), _("The request could not be handled. Go back and try again."))
_not_allowed = _error(
    403,
    _("Not allowed"),
    _("Your role does not allow this action. Ask your coordinator if you think it should."),
)


def _page_of(obj):
    """The object's own page, or its household's (a task, a goal), or None."""
    if obj is None or hasattr(obj, "get_absolute_url"):
        return obj
    return getattr(obj, "household", None)


@login_not_required
def permission_denied(request, exception=None):
    """The policy's refusals say why (a closed household, a grant to oneself); others stay general."""
    if isinstance(exception, policy.Refused) and exception.args:
        context = {
            "title": _("Not allowed"),
            "message": exception.args[0],
            "request_id": getattr(request, "request_id", ""),
            # Back to what was refused (a closed household: where it can be reopened).
            "back": _page_of(exception.obj),
        }
        return render(request, "error.html", context, status=403)
    return _not_allowed(request, exception)


page_not_found = _error(404, _("Not found"), _("This page does not exist, or you have no access to it."))


_too_many_attempts = _error(
    429, _("Too many attempts"), _("Too many attempts in a short time. Wait a few minutes and try again.")
)


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
    # Standalone template without the navigation: it must render even when the database is down.
    return render(request, "500.html", {"request_id": getattr(request, "request_id", "")}, status=500)
