"""Create forms that create once (docs/security.md CC-3).

The form page carries a server-issued submission id. The first POST with that id records it
and creates; every later POST with it (a double click, a retry, the back button) gets the first
result. Two POSTs at the same moment: the database's primary key lets one in; the other waits for
it and then answers with its result.

The ids are kept WIJKTEAM_SUBMISSION_KEEP_DAYS; the nightly apply_retention purges older ones
(cases/retention.py says what happens when a purged id comes back).
"""

import functools
import uuid

from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from cases.models import Submission

FIELD = "submission_id"


def token(request) -> str:
    """The id this form page carries: the posted one on a re-render, else a new one."""
    posted = request.POST.get(FIELD, "")
    try:
        return str(uuid.UUID(posted))
    except ValueError:
        return str(uuid.uuid4())


def earlier_result(request):
    """A redirect to what this submission already created, or None for a first submission."""
    try:
        submission_id = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None
    done = Submission.objects.filter(pk=submission_id, user=request.user).exclude(result_url="").first()
    return redirect(done.result_url) if done else None


@transaction.atomic
def create_once(request, create, url_of) -> object | None:
    """Run `create()` for this submission once; None when another request already did it."""
    try:
        submission_id = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        submission_id = uuid.uuid4()  # a form without the id (an old tab): still create once
    try:
        with transaction.atomic():
            submission = Submission(pk=submission_id, user=request.user)
            submission.save(force_insert=True)
    except IntegrityError:
        return None
    created = create()
    submission.result_url = url_of(created)
    submission.save(update_fields=["result_url"])
    return created


class Repeated(Exception):
    """The same submission was handled by a request a moment ago: answer with its result."""


def create(request, create, url_of):
    """`create_once`, raising Repeated for a submission another request already created."""
    created = create_once(request, create, url_of)
    if created is None:
        raise Repeated
    return created


def creates_once(view):
    """For a view with a create form: a submission that was created before (a double click, a
    retry, the back button) gets the first result, before the view runs again."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and (done := earlier_result(request)):
            return done
        try:
            return view(request, *args, **kwargs)
        except Repeated:
            return earlier_result(request) or redirect(request.path)

    return wrapped


def carry(request, form) -> None:
    """Put this page's submission id on a crispy create form."""
    from crispy_forms.layout import Hidden

    form.helper.layout.insert(0, Hidden(FIELD, token(request)))
