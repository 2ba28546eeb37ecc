"""The Jinja2 environment of settings.TEMPLATES' "jinja2" engine (templates/jinja2/).

Jinja2 compiles a template to Python once, so a fragment drawn fifty times a page (a search
result row, a queue item) costs little more than the f-strings it replaced, with autoescape
doing the escaping. The filters are Django's own, so the output is what the Django template
language wrote: `truncatewords`, `floatformat` and `date` (which honours USE_TZ and the active
time zone like the `|date` filter).
"""

from __future__ import annotations

from django.template.defaultfilters import date, floatformat, truncatewords
from jinja2 import Environment


def environment(**options) -> Environment:
    """Django's Jinja2 backend passes autoescape=True; it is forced on here all the same."""
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.filters.update({"truncatewords": truncatewords, "floatformat": floatformat, "date": date})
    return env
