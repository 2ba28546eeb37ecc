"""`{{ history|in_words }}`: the audit trail as sentences (factcheck.review.presenters)."""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType

from factcheck.review.presenters import history_in_words

register = template.Library()


@register.filter
def in_words(events) -> list:
    events = list(events)
    if not events:
        return []
    # ContentType.get_for_id is cached per process: no query per page.
    noun = ContentType.objects.get_for_id(events[0].content_type_id).model_class()._meta.verbose_name
    return history_in_words(events, noun=str(noun))
