"""The case record: households and people, signals and their decisions, the plan around them."""

from cases.models.household import Household, Person
from cases.models.plan import (
    AccessEvent,
    Action,
    Assessment,
    CaseReview,
    Domain,
    Goal,
    Instrument,
    NetworkMember,
    Plan,
    Score,
)
from cases.models.referral import Referral, ReferralDecision, Task

__all__ = [
    "AccessEvent",
    "Action",
    "Assessment",
    "CaseReview",
    "Domain",
    "Goal",
    "Household",
    "Instrument",
    "NetworkMember",
    "Person",
    "Plan",
    "Referral",
    "ReferralDecision",
    "Score",
    "Task",
]
