from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from teams.roles import roles_of


def home(request):
    """Send each user to what their role needs first."""
    roles = roles_of(request.user)
    if roles.is_team_member:
        return redirect("cases:household_list")
    return render(request, "home.html", {"roles": roles})


@login_not_required
@never_cache
def healthz(request):
    """For the load balancer: the app answers and reaches its database. Shows no data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _error(template: str, status: int):
    def view(request, exception=None):
        return render(request, template, status=status)

    return login_not_required(view)


bad_request = _error("400.html", 400)
permission_denied = _error("403.html", 403)
page_not_found = _error("404.html", 404)
server_error = _error("500.html", 500)
