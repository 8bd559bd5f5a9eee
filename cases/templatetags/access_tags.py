from django import template
from django.utils.translation import gettext_lazy as _

from cases import access_log
from teams.models import Position

register = template.Library()

BASIS = {
    access_log.LEAD_WORKER: _("lead worker of the household"),
    access_log.TEAM_POSITION: _("position in the household's team"),
    access_log.NO_POSITION: _("no position: refused"),
}
OBJECTS = {
    "household": _("household page"),
    "plan": _("plan"),
    "assessments": _("self-sufficiency"),
    "history": _("history"),
    "referral": _("signal"),
    "access_log": _("access log"),
    "household_search": _("search in households"),
    "caseload": _("caseload"),
    "follow_up_list": _("out-of-contact list"),
    "document": _("document"),
}


@register.filter
def basis_label(code: str) -> str:
    return str(BASIS.get(code, code))


@register.filter
def roles_label(codes: str) -> str:
    labels = dict(Position.AccessRole.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes.split(",") if code) or "–"


@register.filter
def object_label(code: str) -> str:
    return str(OBJECTS.get(code, code))
