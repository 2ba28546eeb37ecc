"""The "jinja2" template engine (factcheck/core/jinja.py) writes each `{{ value }}` as the
Django template language does: localized, escaped with Django's entities, safe strings kept."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template, engines
from django.utils.safestring import mark_safe

TEXT = "{{ a }}|{{ b }}|{{ n }}|{{ f }}|{{ d }}|{{ s }}|{{ t }}"
VALUES = {
    "a": 'O\'Neil "<x>" & co',
    "b": None,
    "n": 1234567,
    "f": 1234.5,
    "d": datetime.date(2024, 8, 14),
    "s": mark_safe("<b>kept</b>"),
    "t": True,
}


@pytest.mark.parametrize("thousands", [False, True])
def test_values_are_written_as_the_django_template_language_writes_them(settings, thousands):
    settings.USE_THOUSAND_SEPARATOR = thousands
    jinja = engines["jinja2"].env.from_string(TEXT).render(VALUES)
    assert jinja == Template(TEXT).render(Context(VALUES))
    assert "O&#x27;Neil &quot;&lt;x&gt;&quot; &amp; co" in jinja and "<b>kept</b>" in jinja
    assert ("1,234,567" in jinja) is thousands


def test_autoescape_is_on_whatever_the_options():
    env = engines["jinja2"].env
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"
