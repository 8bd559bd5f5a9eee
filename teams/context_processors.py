from django.utils.functional import SimpleLazyObject

from teams import policy
from teams.roles import roles_of


def roles(request):
    """`roles` (the user's teams) and `may` (the policy table: `{% if may.referral_queue %}`) in
    every template, read lazily so pages that do not show them pay no query."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "roles": SimpleLazyObject(lambda: roles_of(user)),
        "may": SimpleLazyObject(lambda: policy.Grants(user)),
    }
