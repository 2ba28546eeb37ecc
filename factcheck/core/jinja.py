"""The Jinja2 environment of settings.TEMPLATES' "jinja2" engine (templates/jinja2/).

Jinja2 compiles a template to Python once, so a fragment drawn fifty times a page (a search
result row, a queue item) costs little more than the f-strings it replaced, with autoescape
doing the escaping. Each `{{ value }}` is localized and escaped as the Django template language
does it, and the filters are Django's own (`truncatewords`, `floatformat`, `date`), so the
output is what DTL wrote. The form renderer below (settings.FORM_RENDERER) has its own engine,
Django's, over Django's Jinja2 widget templates.
"""

from __future__ import annotations

from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.forms.renderers import Jinja2 as Jinja2Renderer
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import date, floatformat, truncatewords
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from jinja2 import Environment


def _as_django(value) -> str:
    """`{{ value }}` as the Django template language writes it: localized, then escaped unless
    marked safe, with Django's entities (`&quot;`, `&#x27;`; MarkupSafe writes `&#34;`, `&#39;`),
    so a fragment moved from DTL draws the same bytes. Text and whole numbers (ids, versions),
    most of what a row shows, skip `localize`, which leaves text as it is and, without
    USE_THOUSAND_SEPARATOR, writes an int as str() does (and spends a third of a row finding
    that out)."""
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # digits and a sign: nothing to escape
    return conditional_escape(localize(value))


def environment(**options) -> Environment:
    """Django's Jinja2 backend passes autoescape=True; it is forced on here all the same."""
    options.pop("autoescape", None)
    env = Environment(autoescape=True, finalize=_as_django, **options)
    env.filters.update({"truncatewords": truncatewords, "floatformat": floatformat, "date": date})
    return env


class FormRenderer(Jinja2Renderer):
    """settings.FORM_RENDERER: Django's Jinja2 form renderer (its own Jinja2 widget templates in
    django/forms/jinja2/), with Django's DTL renderer for a template that has no Jinja2 twin:
    the admin's widgets (admin/widgets/*.html) exist only in the Django template language."""

    @cached_property
    def _dtl(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._dtl.get_template(template_name)
