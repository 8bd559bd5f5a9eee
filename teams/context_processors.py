from django.utils.functional import SimpleLazyObject

from teams.roles import roles_of


def roles(request):
    """`roles` in every template, read lazily so pages that do not show it pay no query."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"roles": SimpleLazyObject(lambda: roles_of(user))}
