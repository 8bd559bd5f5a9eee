"""Create forms that create once (SECURITY.md CC-3).

The form page carries a server-issued submission id. The first POST with that id records it
and creates; every later POST with it (a double click, a retry, the back button) gets the first
result. Two POSTs at the same moment: the database's primary key lets one in; the other waits for
it and then answers with its result.

The ids are kept WIJKTEAM_SUBMISSION_KEEP_DAYS; the nightly apply_retention purges older ones
(cases/retention.py says what happens when a purged id comes back).
"""

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


def prepare(request, form):
    """Put the submission id on a crispy create form; the earlier result if it was sent before."""
    from crispy_forms.layout import Hidden

    form.helper.layout.insert(0, Hidden(FIELD, token(request)))
    return earlier_result(request) if request.method == "POST" else None
