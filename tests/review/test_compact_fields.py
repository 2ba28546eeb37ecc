"""`compact_field` and `compact_input` draw the same HTML as crispy's `as_crispy_field` and
Django's widget templates (the reader uses them because they are several times faster)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from factcheck.review.forms.triage import QuoteEditForm, SpanForm, SplitForm


def _render(source: str, field) -> str:
    return Template(source).render(Context({"f": field}))


def _fresh(make):
    """Two identical forms: crispy writes its classes into the widget's attrs, so each renderer
    gets its own."""
    return make(), make()


def _bound(form_class, data, prefix="x"):
    def make():
        form = form_class({f"{prefix}-{k}": v for k, v in data.items()}, prefix=prefix)
        form.is_valid()
        return form

    return make


CASES = [
    (
        lambda: QuoteEditForm(
            prefix="quote-5-edit", initial={"start": 3, "end": 9, "version": 2, "speaker_name": 'A<b>"'}
        ),
        ["start", "end", "speaker_name"],
    ),
    (_bound(SpanForm, {"start": "5", "end": "2", "version": "1"}), ["start", "end"]),
    (_bound(SpanForm, {"start": "-1", "end": "x", "version": "1"}), ["start", "end"]),
    (_bound(SplitForm, {"at": "", "version": "1"}), ["at"]),
    (
        _bound(QuoteEditForm, {"start": "1", "end": "4", "version": "1", "speaker_name": "<script>x</script>"}),
        ["speaker_name"],
    ),
]


@pytest.mark.parametrize(("make", "names"), CASES)
def test_compact_field_draws_what_crispy_draws(make, names):
    for name in names:
        mine, theirs = _fresh(make)
        compact = _render("{% load compact_fields %}{{ f|compact_field }}", mine[name])
        crispy = _render("{% load crispy_forms_tags %}{{ f|as_crispy_field }}", theirs[name])
        assert parse_html(compact) == parse_html(crispy), (name, compact, crispy)
        assert "<script>" not in compact


@pytest.mark.parametrize(
    "make",
    [lambda: SpanForm(prefix="claim-1-edit", initial={"version": 7}), _bound(SplitForm, {"version": "3<", "at": "2"})],
)
def test_compact_input_draws_what_django_draws(make):
    mine, theirs = _fresh(make)
    compact = _render("{% load compact_fields %}{{ f|compact_input }}", mine["version"])
    django = _render("{{ f }}", theirs["version"])
    assert parse_html(compact) == parse_html(django)


def test_other_widgets_fall_back_to_crispy_and_django():
    class Other(forms.Form):
        body = forms.CharField(widget=forms.Textarea)
        when = forms.DateField(help_text="A date")

    form = Other()
    assert parse_html(_render("{% load compact_fields %}{{ f|compact_field }}", form["body"])) == parse_html(
        _render("{% load crispy_forms_tags %}{{ f|as_crispy_field }}", Other()["body"])
    )
    assert "A date" in _render("{% load compact_fields %}{{ f|compact_field }}", form["when"])
    assert "<textarea" in _render("{% load compact_fields %}{{ f|compact_input }}", form["body"])
