"""Names next to CBS codes: {% area_label code %}, {% area_labels codes as labels %}.

One query per municipality per request, however many codes the page shows (areas.cbs.AreaNames).
"""

from django import template

from areas.cbs import AreaNames

register = template.Library()


def _names(context) -> AreaNames:
    holder = context.get("request") or context.render_context
    if isinstance(holder, template.context.RenderContext):
        return holder.setdefault("area_names", AreaNames())
    if not hasattr(holder, "_area_names"):
        holder._area_names = AreaNames()
    return holder._area_names


@register.simple_tag(takes_context=True)
def area_label(context, code) -> str:
    """ "Holtenbroek I (BU01933000)", or the code where no name is known."""
    return _names(context).label(code) if code else ""


@register.simple_tag(takes_context=True)
def area_labels(context, codes) -> list[str]:
    names = _names(context)
    names.load(codes or [])
    return [names.label(code) for code in codes or []]
