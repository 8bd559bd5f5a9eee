"""Every change of the social map: one transaction, history with who and why (docs/security.md LG-2)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Action, Plan
from cases.services.plans import _locked_current_plan, action_save
from directory.models import Contact, Location, Service, ServiceAtLocation, UpdateRequest, add_months
from teams import policy
from teams.models import User


def _audit(obj, by, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason


def keep_verify_by(service: Service) -> None:
    service.verify_by = (
        add_months(service.last_verified, service.verification_months) if service.last_verified else None
    )


@transaction.atomic
def service_save(
    *, service: Service, by: User | None, reason: str = "", life_domains=None, target_groups=None
) -> Service:
    """Create or change a service (coordinators and managers; `by` None: an import or the demo)."""
    if by is not None:
        policy.require(by, "directory.edit")
    if service.pk and not service._state.adding:
        Service.objects.select_for_update().filter(pk=service.pk).first()
    keep_verify_by(service)
    service.modified_at = timezone.now()
    _audit(service, by, reason or (_("Service changed") if not service._state.adding else _("Service added")))
    service.full_clean()
    service.save()
    if life_domains is not None:
        service.life_domains.set(life_domains)
    if target_groups is not None:
        service.target_groups.set(target_groups)
    return service


@transaction.atomic
def service_verify(
    *, service: Service, by: User | None, reason: str = "", on: datetime.date | None = None
) -> Service:
    """The entry was checked and is right: last verified today, the next check a cycle later."""
    if by is not None:
        policy.require(by, "directory.edit")
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.last_verified = on or timezone.localdate()
    keep_verify_by(service)
    service.modified_at = timezone.now()
    _audit(service, by, reason or _("Service verified"))
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def contact_save(*, contact: Contact, by: User | None, reason: str = "") -> Contact:
    if by is not None:
        policy.require(by, "directory.edit")
    if contact.service_id and contact.service.organisation_id != contact.organisation_id:
        raise ValidationError(_("The contact person must work at the organisation of the service."))
    _audit(
        contact,
        by,
        reason or (_("Contact person added") if contact._state.adding else _("Contact person changed")),
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_remove(*, contact: Contact, by: User, reason: str = "") -> None:
    policy.require(by, "directory.edit")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _audit(contact, by, reason or _("Contact person removed"))
    contact.delete()


def _touch(service: Service, by: User | None, reason: str) -> None:
    """The service's entry changed through one of its parts: a history row on the service (its
    page lists them) and `modified_at` for the HSDS API's modified_after."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.modified_at = timezone.now()
    _audit(service, by, reason)
    service.save()


@transaction.atomic
def location_save(
    *, location: Location, service: Service, by: User, hours=(), removed_hours=(), reason: str = ""
) -> Location:
    """Create or change a location of the service (its organisation's) with its opening hours:
    `hours` the new and changed ones, `removed_hours` the ones to delete. One transaction."""
    policy.require(by, "directory.edit")
    adding = location._state.adding
    if adding:
        location.organisation_id = service.organisation_id
    else:
        Location.objects.select_for_update().filter(pk=location.pk).first()
        if not ServiceAtLocation.objects.filter(service=service, location=location).exists():
            raise PermissionDenied
    if location.organisation_id != service.organisation_id:
        raise PermissionDenied
    why = reason or (_("Location added") if adding else _("Location changed"))
    _audit(location, by, why)
    location.full_clean()
    location.save()
    if adding:
        link = ServiceAtLocation(service=service, location=location)
        _audit(link, by, why)
        link.save()
    for item in removed_hours:
        if not item._state.adding and item.location_id == location.pk:
            _audit(item, by, why)
            item.delete()
    for item in hours:
        if not item._state.adding and item.location_id != location.pk:
            raise PermissionDenied
        item.location = location
        _audit(item, by, why)
        item.full_clean()
        item.save()
    _touch(service, by, f"{why}: {location.name}")
    return location


@transaction.atomic
def location_remove(*, location: Location, service: Service, by: User, reason: str = "") -> None:
    """The service is no longer offered at the location; a location no service uses any more is
    removed with its opening hours. Every deletion in history with who and why."""
    policy.require(by, "directory.edit")
    location = Location.objects.select_for_update().get(pk=location.pk)
    why = reason or _("Location removed")
    link = ServiceAtLocation.objects.filter(service=service, location=location).first()
    if link is None:
        raise PermissionDenied
    _audit(link, by, why)
    link.delete()
    if not ServiceAtLocation.objects.filter(location=location).exists():
        for item in location.opening_hours.all():
            _audit(item, by, why)
            item.delete()
        _audit(location, by, why)
        location.delete()
    _touch(service, by, f"{why}: {location.name}")


@transaction.atomic
def action_refer(
    *, action: Action, plan: Plan, service: Service | None, outcome: str, by: User, reason: str = ""
) -> Action:
    """Link a plan's action to a service of the social map (or undo the link), with what came of
    it. The link shares nothing with the organisation: a warm handover is a share through the
    sharing gate (cases/services/sharing.py), with consent or a mandate's basis."""
    plan = _locked_current_plan(plan, by)
    action = Action.objects.select_for_update().filter(pk=action.pk, plan=plan).first()
    if action is None:
        raise PermissionDenied
    if service is None and outcome:
        raise ValidationError({"outcome": _("Choose the service first.")})
    action.service = service
    action.service_outcome = outcome
    if service is None:
        why = _("Referral to a service removed")
    elif outcome:
        why = _("Outcome of the referral recorded")
    else:
        why = _("Referred to a service of the social map")
    _audit(action, by, reason or why)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def review_refer(*, review, line: int, service: Service, by: User) -> Action:
    """A follow-up line of a case review becomes a plan action that refers to a service of the
    social map, in one step; a line already on the plan has its action linked instead (never a
    second action). Shares nothing with the organisation, as action_refer."""
    lines = review.follow_up_lines
    if not 0 <= line < len(lines):
        raise ValidationError(_("That follow-up action does not exist."))
    if service is None or service.status == Service.Status.INACTIVE:
        raise ValidationError({"service": _("Choose an active service of the social map.")})
    plan = Plan.objects.filter(household_id=review.household_id, status=Plan.Status.CURRENT).first()
    if plan is None:
        raise ValidationError(_("Start a plan first; then the action can be added to it."))
    plan = _locked_current_plan(plan, by)  # may change the household (open), and one at a time
    what = lines[line][:300]
    reason = _("From the case review of %(date)s: referred to %(service)s") % {
        "date": review.held_on.strftime("%d-%m-%Y"),
        "service": service.name,
    }
    action = Action.objects.select_for_update().filter(plan=plan, review=review, what=what).first()
    if action is None:
        action = Action(
            what=what,
            who=Action.Who.WORKER,
            worker=plan.household.lead_worker or by,
            review=review,
            due_date=timezone.localdate() + datetime.timedelta(days=14),
            service=service,
        )
        return action_save(action=action, plan=plan, by=by, reason=reason)
    action.service = service
    _audit(action, by, reason)
    action.full_clean()
    action.save()
    return action


# --- Update requests (directory/updates.py sends and answers them) ------------------------------


@transaction.atomic
def update_request_create(*, organisation, sent_to: str, by: User) -> UpdateRequest:
    policy.require(by, "directory.edit")
    request = UpdateRequest(organisation=organisation, sent_to=sent_to, sent_by=by)
    _audit(request, by, _("Update request sent"))
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def update_request_answer(*, request_id, confirmed: bool, proposal: str) -> UpdateRequest:
    """The organisation's answer through the link: used once. A confirmation marks its active
    services verified (history: "via update request", no user: the organisation has no account);
    corrections are kept as a proposal that a coordinator applies (never written unchecked)."""
    request = UpdateRequest.objects.select_for_update().select_related("organisation").get(pk=request_id)
    if request.used_at is not None:
        raise ValidationError(_("This link has been used already."))
    request.used_at = timezone.now()
    request.confirmed = confirmed
    request.proposal = proposal.strip()
    _audit(request, None, _("Answered via update request"))
    request.full_clean()
    request.save()
    if confirmed:
        for service in Service.objects.filter(organisation=request.organisation).exclude(
            status=Service.Status.INACTIVE
        ):
            service_verify(service=service, by=None, reason=_("Confirmed via update request"))
    return request


@transaction.atomic
def update_request_reminded(*, request: UpdateRequest) -> UpdateRequest:
    request = UpdateRequest.objects.select_for_update().get(pk=request.pk)
    request.reminded_at = timezone.now()
    _audit(request, None, _("Reminder sent"))
    request.save()
    return request
