"""Thin views: parse the request, fetch through a scoped queryset, call a service, render."""

from cases.views.households import (
    household_create,
    household_detail,
    household_edit,
    household_list,
    person_edit,
)
from cases.views.partner import partner_referral_list, partner_referral_send, partner_referral_status
from cases.views.referrals import (
    referral_create,
    referral_decide,
    referral_detail,
    referral_household_search,
    referral_queue,
    task_complete,
)

__all__ = [
    "household_create",
    "household_detail",
    "household_edit",
    "household_list",
    "partner_referral_list",
    "partner_referral_send",
    "partner_referral_status",
    "person_edit",
    "referral_create",
    "referral_decide",
    "referral_detail",
    "referral_household_search",
    "referral_queue",
    "task_complete",
]
