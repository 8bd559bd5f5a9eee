"""The case record: households and people, signals from partners and their decisions."""

from cases.models.household import Household, Person
from cases.models.referral import Referral, ReferralDecision, Task

__all__ = ["Household", "Person", "Referral", "ReferralDecision", "Task"]
