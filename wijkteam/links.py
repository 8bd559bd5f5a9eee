"""Links to one object by its UUID, for pages that list many: reverse() once per URL name.

Django's reverse() matches the URL patterns again for each call, about 50 µs; a caseload of 70
households asks four links a row. The path of a URL name with a UUID as its one argument is the
same for every UUID but the UUID itself: it is reversed once (per name and script prefix) with a
placeholder, and each object's UUID put in its place. Anything else goes to reverse().
"""

import functools
import uuid

from django.urls import get_script_prefix, reverse

PLACEHOLDER = uuid.UUID(int=0)
_PLACEHOLDER_TEXT = str(PLACEHOLDER)


def object_url(name: str, key) -> str:
    """reverse(name, args=[key]), for a URL whose one argument is a UUID."""
    if not isinstance(key, uuid.UUID):
        return reverse(name, args=[key])
    return _path(name, get_script_prefix()).replace(_PLACEHOLDER_TEXT, str(key))


@functools.cache
def _path(name: str, prefix: str) -> str:
    path = reverse(name, args=[PLACEHOLDER])
    # Once only: the placeholder must stand for the argument alone, not for a part of the path.
    if path.count(_PLACEHOLDER_TEXT) != 1:
        raise ValueError(f"{name}: its one argument is not a UUID in the path ({path})")
    return path
