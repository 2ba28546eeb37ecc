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


def _search_forms():
    """The search page's filter forms for each scope, blank, filled and with errors, and the
    saved-filter forms (a helper with inline errors, and none)."""
    from factcheck.review import search_selectors
    from factcheck.review.forms.search import SavedFilterForm, SearchForm
    from factcheck.review.views.search import HIDDEN_FIELDS, LINK_CHOICES, SEARCH_FIELDS, SEARCH_SCOPES

    datas = [
        {},
        {"q": 'a "b" <c>', "stage": "draft", "score_min": "0.5", "date_from": "2024-08-14", "checkworthy": "yes"},
        {"q": "x" * 400, "stage": "nope", "score_min": "7", "date_from": "bad", "verdict": "999", "outlet": "x"},
    ]
    for scope, (_run, sorts, _default) in SEARCH_SCOPES.items():
        for data in datas:

            def make(scope=scope, data=data, sorts=sorts):
                form = SearchForm(
                    {**data, "scope": scope},
                    sorts=sorts,
                    fields=[*SEARCH_FIELDS[scope], "scope"],
                    hidden=HIDDEN_FIELDS.get(scope, ()),
                    link_choices=LINK_CHOICES.get(scope),
                )
                form.is_valid()
                return form

            yield make
    assert search_selectors.CLAIM_SORTS
    for data in ({}, {"name": ""}, {"name": "<b>mine</b>", "query": "q=x"}):

        def saved(data=data):
            form = SavedFilterForm(data or None)
            if data:
                form.is_valid()
            return form

        yield saved


@pytest.mark.django_db
def test_crispy_field_draws_what_crispy_draws():
    from tests.factories import OutletFactory

    OutletFactory(name="The <Paper>")
    checked = 0
    for make in _search_forms():
        mine, theirs = _fresh(make)
        for name in mine.fields:
            if mine[name].is_hidden:
                continue
            fast = _render("{% load compact_fields %}{{ f|crispy_field }}", mine[name])
            crispy = _render("{% load crispy_forms_tags %}{{ f|as_crispy_field }}", theirs[name])
            assert parse_html(fast) == parse_html(crispy), (name, fast, crispy)
            checked += 1
    assert checked > 40


def test_crispy_field_leaves_other_layouts_to_crispy():
    class Other(forms.Form):
        agree = forms.BooleanField()
        when = forms.DateField(help_text="A <i>date</i>")

    for name in ("agree", "when"):
        mine, theirs = Other(), Other()
        fast = _render("{% load compact_fields %}{{ f|crispy_field }}", mine[name])
        crispy = _render("{% load crispy_forms_tags %}{{ f|as_crispy_field }}", theirs[name])
        assert parse_html(fast) == parse_html(crispy)
