"""What several case pages share: paging, the contact timeline and the active safety warnings."""

import datetime
import uuid

from django.utils import timezone

from cases import once, services, states
from cases.forms import QUICK, ContactForm
from cases.models import Contact, Household, Referral, SafetyWarning
from teams import policy

PAGE_SIZE = 25
TIMELINE_LENGTH = 20
# Emergency access to confidential prior information lasts this long, in the session.
EMERGENCY_MINUTES = 30
EMERGENCY_SESSION_KEY = "wijkteam.emergency"


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def active_warnings(household: Household) -> list[SafetyWarning]:
    return list(household.safety_warnings.active())


def quick_buttons(household: Household | None = None, members=None) -> list[tuple[str, str]]:
    """The one-tap outcomes; the phone ones only for a household that may be phoned ("do not
    call", cases/services/reach.py)."""
    phone = household is None or services.calling_allowed(household, members)
    return [
        (code, label)
        for code, (kind, _reached, label) in QUICK.items()
        if phone or kind != Contact.Kind.PHONE
    ]


def timeline(household: Household):
    """The latest contacts of the household, newest first (their workers and persons apart)."""
    return household.contacts.order_by("-at", "-id")[:TIMELINE_LENGTH]


def contacts_context(
    request, household: Household, form: ContactForm | None = None, preloaded: dict | None = None
) -> dict:
    """The household's contact timeline and the quick-log form (the `contacts` partial).

    `preloaded`: what the desk read already in its one query (cases/batch.py): the contacts
    with their workers and persons, the members, the workers to pick, today's appointments and
    whether one is still to come, and the active warnings. Without it, read here."""
    if form is None and policy.can(request.user, "household.edit", household):
        form = ContactForm(household=household, user=request.user, preloaded=preloaded)
    if preloaded is None:
        contacts = list(timeline(household).prefetch_related("workers", "persons"))
    else:
        contacts = preloaded["contacts"]
    return {
        **next_attempt_context(request, household, contacts, preloaded),
        "household": household,
        "contact_form": form,
        # A fresh id after each logged contact: the next tap is a new contact.
        "contact_submission_id": once.token(request)
        if form is not None and form.is_bound
        else str(uuid.uuid4()),
        "quick_buttons": quick_buttons(household, preloaded["members"] if preloaded else None),
        "contacts": contacts,
    }


def next_attempt_context(request, household: Household, contacts=None, preloaded: dict | None = None) -> dict:
    """After a contact that reached nobody, the proposed next attempt (one tap plans it) for who
    may plan it, unless something is planned already (cases/services/agenda.py)."""
    if not policy.can(request.user, "household.edit", household):
        return {}
    if contacts is None:
        contacts = household.contacts.order_by("-at", "-id")[:1]
    contacts = list(contacts[:1])
    planned = preloaded["upcoming"] if preloaded else None
    proposal = services.next_attempt_wanted(household, contacts[0] if contacts else None, planned=planned)
    if proposal is None:
        return {}
    warnings = preloaded["warnings"] if preloaded else None
    return {
        "next_attempt": proposal,
        "next_attempt_submission_id": str(uuid.uuid4()),
        "next_attempt_needs_two": services.needs_two_workers(household, proposal.kind, warnings=warnings),
    }


def emergency_granted(request, referral: Referral) -> bool:
    granted = request.session.get(EMERGENCY_SESSION_KEY, {}).get(str(referral.pk))
    return bool(granted) and datetime.datetime.fromisoformat(granted) > timezone.now()


def with_offers(user, household: Household, actions) -> list:
    """The actions, each with what it offers this user (cases/states.py ACTION and the policy)."""
    actions = list(actions)
    for action in actions:
        action.offers = states.ACTION.offered(action.status, user, household)
    return actions
