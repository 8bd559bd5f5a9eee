"""The case record: households and people, signals and their decisions, the plan around them."""

from cases.models.access import AccessEvent, RetentionRun, Submission
from cases.models.agenda import Appointment, CalendarFeed
from cases.models.consent import AccessRequest, ConsentDecision, DataCategory, LegalBasis, Purpose, Share
from cases.models.consult import ConsultAnswer, ConsultQuestion
from cases.models.household import EndResult, Household, Person, RecordClass
from cases.models.notes import Note
from cases.models.outreach import Contact, FollowUpDecision, SafetyWarning
from cases.models.plan import (
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
    "Appointment",
    "CalendarFeed",
    "ConsultAnswer",
    "ConsultQuestion",
    "Submission",
    "RetentionRun",
    "RecordClass",
    "AccessRequest",
    "ConsentDecision",
    "DataCategory",
    "LegalBasis",
    "Purpose",
    "Share",
    "Contact",
    "EndResult",
    "FollowUpDecision",
    "Note",
    "SafetyWarning",
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
