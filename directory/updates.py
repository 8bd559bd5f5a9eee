"""Keeping the social map current: the update request to an organisation.

A coordinator sends it from the list of entries due for a check. The mail (through the queue of
wijkteam/mail.py: the background worker delivers it) holds a link with a signed token
(django.core.signing, salted, timestamped) that works WIJKTEAM_UPDATE_REQUEST_DAYS days and once:
the request's `used_at` is set by the answer, and a used or expired link shows a page that says
so. The page needs no login and shows only what the directory shows any team member of that
organisation's own services, without contact persons of other organisations.

What the organisation answers is kept, not applied: "all correct" marks its services verified
(history "Confirmed via update request"); corrections are a proposal the coordinator reads on
the list and applies through the edit form, with their own name in the history. An unchecked
form from outside never changes the directory itself.

A reminder goes once, WIJKTEAM_UPDATE_REMINDER_DAYS (21) days after a request without answer
(`remind`, a scheduled job in wijkteam/schedule.py).
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from directory import services
from directory.models import OrganisationProfile, Service, UpdateRequest

SALT = "directory.update_request"
security_log = logging.getLogger("wijkteam.security")


def token_for(request: UpdateRequest) -> str:
    return signing.dumps(str(request.pk), salt=SALT, compress=False)


def request_for(token: str) -> UpdateRequest | None:
    """The update request of a link that is genuine, not expired and not used; None otherwise."""
    try:
        request_id = signing.loads(
            token, salt=SALT, max_age=datetime.timedelta(days=settings.WIJKTEAM_UPDATE_REQUEST_DAYS)
        )
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    return (
        UpdateRequest.objects.select_related("organisation")
        .filter(pk=request_id, used_at__isnull=True)
        .first()
    )


def link(request: UpdateRequest) -> str:
    return settings.WIJKTEAM_SITE_URL + reverse("directory_public:update_answer", args=[token_for(request)])


def addresses(organisation_ids) -> dict[int, str]:
    """Where update requests go: the profile's address, else the organisation's e-mail."""
    from teams.models import Organisation

    found = dict(
        OrganisationProfile.objects.filter(organisation_id__in=organisation_ids)
        .exclude(update_email="")
        .values_list("organisation_id", "update_email")
    )
    for pk, email in Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "email"):
        if pk not in found and email:
            found[pk] = email
    return found


def last_requests(organisation_ids) -> dict[int, UpdateRequest]:
    latest = {}
    for request in UpdateRequest.objects.filter(organisation_id__in=organisation_ids).order_by("sent_at"):
        latest[request.organisation_id] = request
    return latest


def _message(request: UpdateRequest, *, reminder: bool) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        names = ", ".join(
            Service.objects.filter(organisation=request.organisation)
            .order_by("name")
            .values_list("name", flat=True)
        )
        subject = (
            _("Reminder: please check your entries in the social map")
            if reminder
            else _("Please check your entries in the social map")
        )
        body = _(
            "Dear %(organisation)s,\n\n"
            "The neighbourhood team refers residents to your services: %(services)s.\n"
            "Please check once a year that what we know is still right. The link below works "
            "once and for %(days)s days; no account is needed.\n\n%(link)s\n\n"
            "Thank you."
        ) % {
            "organisation": request.organisation,
            "services": names,
            "days": settings.WIJKTEAM_UPDATE_REQUEST_DAYS,
            "link": link(request),
        }
    return EmailMessage(subject, body, None, [request.sent_to])


def send(*, organisation, by) -> UpdateRequest:
    """Create the request and queue its mail, in one transaction."""
    address = addresses([organisation.pk]).get(organisation.pk)
    if not address:
        raise ValidationError(_("This organisation has no e-mail address for update requests."))
    with transaction.atomic():
        request = services.update_request_create(organisation=organisation, sent_to=address, by=by)
        _message(request, reminder=False).send()
    security_log.info(
        "update request sent",
        extra={"event": "directory_update_request", "organisation": organisation.pk, "by": by.pk},
    )
    return request


@task()
def remind() -> int:
    """One reminder per unanswered request, WIJKTEAM_UPDATE_REMINDER_DAYS after it was sent."""
    due = timezone.now() - datetime.timedelta(days=settings.WIJKTEAM_UPDATE_REMINDER_DAYS)
    sent = 0
    for request in UpdateRequest.objects.filter(
        used_at__isnull=True, reminded_at__isnull=True, sent_at__lte=due
    ).select_related("organisation"):
        with transaction.atomic():
            services.update_request_reminded(request=request)
            _message(request, reminder=True).send()
        sent += 1
    return sent
