from django import template
from django.apps import apps
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
    # Codes of what was read that are no model of their own.
    "consent": _("consent"),
    "partner_signal": _("signal"),
    "partner_signal_list": _("signals"),
    "referral_queue": _("signals"),
    "user_access_log": _("access log"),
    "calendar_feed": _("calendar feed"),
    "handover": _("handover"),
    "walkin_visit": _("walk-in visit"),
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
    """What was read, in words: the access log's own labels, else the kind of record (a code is
    a model's name where the gateway logged the object itself: "person", "follow_up_decision")."""
    if code in OBJECTS:
        return str(OBJECTS[code])
    for model in apps.get_models():
        if model._meta.model_name == code.replace("_", ""):
            return str(model._meta.verbose_name)
    return code.replace("_", " ")
