"""Validation and layout of the case forms; no business rules (those are in cases/services)."""

from cases.forms.households import DateInput, HouseholdForm, NewHouseholdForm, PersonForm
from cases.forms.referrals import (
    AcceptForm,
    AssignForm,
    CloseForm,
    CoordinatorReferralForm,
    DeclineForm,
    ForwardForm,
    InterestsForm,
    MergeForm,
    PartnerReferralForm,
    ReassignForm,
    TaskDoneForm,
)

__all__ = [
    "AcceptForm",
    "AssignForm",
    "CloseForm",
    "CoordinatorReferralForm",
    "DateInput",
    "DeclineForm",
    "ForwardForm",
    "HouseholdForm",
    "InterestsForm",
    "MergeForm",
    "NewHouseholdForm",
    "PartnerReferralForm",
    "PersonForm",
    "ReassignForm",
    "TaskDoneForm",
]
