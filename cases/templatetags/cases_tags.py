from django import template

register = template.Library()


@register.filter
def mask_bsn(value: str) -> str:
    """Show only the last three digits of a BSN: enough to compare, not enough to copy."""
    return f"••••••{value[-3:]}" if value else ""


@register.simple_tag
def page_query(query_string: str, page_number: int) -> str:
    """The list's current filters with another page number."""
    return f"{query_string}&page={page_number}" if query_string else f"page={page_number}"
