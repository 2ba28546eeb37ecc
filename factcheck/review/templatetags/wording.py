"""`{{ text|shorten:60 }}`: cut between words, never inside one (factcheck.review.presenters)."""

from __future__ import annotations

from django import template

from factcheck.review.presenters import shorten as _shorten

register = template.Library()


@register.filter
def shorten(text, limit: int = 80) -> str:
    return _shorten(text or "", int(limit))
