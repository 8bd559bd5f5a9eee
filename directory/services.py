"""Every change of the social map: one transaction, history with who and why (STYLE.md §2)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Action, Plan
from cases.services.plans import _locked_current_plan
from directory.models import Contact, Service, UpdateRequest, add_months
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
