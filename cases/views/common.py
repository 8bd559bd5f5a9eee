"""What several case pages share: paging, the contact timeline and the active safety warnings."""

import datetime
import uuid

from django.utils import timezone

from cases import once, states
from cases.forms import QUICK, ContactForm
from cases.models import Household, Referral, SafetyWarning
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


def quick_buttons() -> list[tuple[str, str]]:
    return [(code, label) for code, (_kind, _reached, label) in QUICK.items()]


def contacts_context(request, household: Household, form: ContactForm | None = None) -> dict:
    """The household's contact timeline and the quick-log form (the `contacts` partial)."""
    if form is None and policy.can(request.user, "household.edit", household):
        form = ContactForm(household=household, user=request.user)
    return {
        "household": household,
        "contact_form": form,
        # A fresh id after each logged contact: the next tap is a new contact.
        "contact_submission_id": once.token(request)
        if form is not None and form.is_bound
        else str(uuid.uuid4()),
        "quick_buttons": quick_buttons(),
        "contacts": household.contacts.prefetch_related("workers", "persons").order_by("-at", "-id")[
            :TIMELINE_LENGTH
        ],
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
