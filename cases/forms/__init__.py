"""Validation and layout of the case forms; no business rules (those are in cases/services)."""

from cases.forms.households import DateInput, HouseholdForm, NewHouseholdForm, PersonForm
from cases.forms.plans import (
    ActionForm,
    ApprovalForm,
    AssessmentForm,
    CaseReviewForm,
    EvaluateForm,
    GoalForm,
    NetworkMemberForm,
    PlanForm,
)
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
    "ActionForm",
    "ApprovalForm",
    "AssessmentForm",
    "CaseReviewForm",
    "EvaluateForm",
    "GoalForm",
    "NetworkMemberForm",
    "PlanForm",
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
