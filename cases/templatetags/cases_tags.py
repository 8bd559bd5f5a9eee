from django import template
from django.utils.html import format_html

from cases.models import DataCategory
from cases.workflow import PartnerStatus
from wijkteam.links import object_url

register = template.Library()


@register.filter
def mask_bsn(value: str) -> str:
    """Show only the last three digits of a BSN: enough to compare, not enough to copy."""
    return f"••••••{value[-3:]}" if value else ""


@register.simple_tag
def page_query(query_string: str, page_number: int) -> str:
    """The list's current filters with another page number."""
    return f"{query_string}&page={page_number}" if query_string else f"page={page_number}"


PARTNER_STATUS_BADGE = {
    PartnerStatus.RECEIVED: "text-bg-secondary",
    PartnerStatus.PICKED_UP: "text-bg-success",
    PartnerStatus.NOT_PICKED_UP: "text-bg-warning",
    PartnerStatus.CLOSED: "text-bg-light border",
}


@register.simple_tag
def partner_status(referral):
    """The status a referring partner may see, as a badge (never the reason behind it)."""
    status = PartnerStatus(referral.partner_status)
    return format_html('<span class="badge {}">{}</span>', PARTNER_STATUS_BADGE[status], status.label)


@register.filter
def categories(codes) -> str:
    """Data categories by their Dutch names, in the order of the list of categories."""
    chosen = set(codes or ())
    return ", ".join(str(label) for value, label in DataCategory.choices if value in chosen)


@register.filter
def link(key, name: str) -> str:
    """{% url name key %} for a long list: the URL name reversed once (wijkteam/links.py)."""
    return object_url(name, key)
