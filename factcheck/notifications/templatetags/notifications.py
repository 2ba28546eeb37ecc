"""The navbar's bell and the @mention rendering of comments."""

from __future__ import annotations

from django import template

from factcheck.accounts.roles import user_caps
from factcheck.notifications import selectors
from factcheck.notifications.mentions import render_mentions

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    """One COUNT on the unread partial index, only for a signed-in desk member."""
    user = context.get("user")
    if user is None or not user.is_authenticated or not user_caps(user):
        return {"show": False}
    count = selectors.unread_count(user)
    return {"show": True, "count": count, "capped": count > selectors.BELL_CAP, "cap": selectors.BELL_CAP}


@register.simple_tag(takes_context=True)
def mentions(context, text: str):
    """`{% mentions comment.body %}`: the text escaped with line breaks, each @mention of a desk
    member emphasised. Names are looked up once per request (selectors.known_mentions)."""
    request = context.get("request")
    return render_mentions(text, lambda names: selectors.known_mentions(request, names))
