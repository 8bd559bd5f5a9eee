"""Reaching a household: who may be phoned (the "do not call" mark on a member, issue 16).

What "respected" means here:

- A member marked "do not call" is never offered a tap to call: the household page shows their
  number without a tel: link, marked "do not call" (with the reason, when given).
- The one-tap phone buttons ("Phone, no answer") are offered unless calling would reach a member
  who must not be called: they are withheld when some member is marked and no member with a
  recorded number is free to call (`calling_allowed`). A household where nobody is marked keeps
  its buttons, numbers recorded or not (the number may be in the worker's own phone).
- The service refuses to record a phone *attempt* (kind phone, not reached) with a marked member,
  or with the household as a whole when `calling_allowed` says no (`check_calling`). A phone
  contact that reached someone is recorded all the same: it may be the resident who called the
  team, and an honest record of a call that did happen is better than none.
- Text messages, e-mail, letters and visits are not phone calls: the mark does not cover them
  (say so in the reason when they are unsafe too, e.g. "the partner reads the phone").
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Contact, Household, Person


def member_choices(field, household: Household) -> None:
    """Offer the household's members in a form's `persons` field, each marked "do not call" when
    they are, so a worker ticking who was called sees it before the service refuses."""
    field.queryset = household.members.all()
    field.label_from_instance = member_label


def member_label(person: Person) -> str:
    if person.do_not_call:
        return _("%(name)s (do not call)") % {"name": person.full_name}
    return person.full_name


def calling_allowed(household: Household, members: list[Person] | None = None) -> bool:
    """Whether the household may be phoned: nobody is marked "do not call", or some member with a
    recorded number is free to call. One query, or none with the members already loaded."""
    if members is None:
        rows = list(household.members.values_list("phone", "do_not_call"))
    else:
        rows = [(member.phone, member.do_not_call) for member in members]
    return not any(marked for _phone, marked in rows) or any(phone and not marked for phone, marked in rows)


def check_calling(*, contact: Contact, household: Household, persons) -> None:
    """Refuse a phone attempt that did not reach anyone with a member marked "do not call", or
    with a household that may not be phoned (`calling_allowed`)."""
    if contact.kind != Contact.Kind.PHONE or contact.reached:
        return
    marked = [person for person in persons if person.do_not_call]
    if marked:
        raise ValidationError(
            {
                "persons": _(
                    "%(names)s may not be called (do not call). Choose a visit, a letter or "
                    "another way to reach them."
                )
                % {"names": ", ".join(person.first_name for person in marked)}
            }
        )
    if not persons and not calling_allowed(household):
        raise ValidationError(
            _(
                "Nobody in this household may be called (do not call). Choose a visit, a letter "
                "or another way to reach them."
            )
        )
