from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from teams.roles import roles_of


def home(request):
    """Send each user to what their role needs first."""
    roles = roles_of(request.user)
    if roles.is_coordinator:
        return redirect("cases:referral_queue")
    if roles.is_manager:
        return redirect("teams:overview")
    if roles.is_team_member:
        return redirect("cases:caseload")
    if roles.is_partner_reporter:
        return redirect("cases:partner_referral_list")
    return render(request, "home.html", {"roles": roles})


@login_not_required
@never_cache
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
permission_denied = _error(
    403,
    _("Not allowed"),
    _("Your role does not allow this action. Ask your coordinator if you think it should."),
)
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
