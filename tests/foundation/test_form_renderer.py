"""factcheck.core.form_renderer.FastRenderer writes the HTML Django's widget templates write,
character for character: on tricky values, and on whole pages drawn by both renderers."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from factcheck.core.form_renderer import FastRenderer


class Tricky(forms.Form):
    text = forms.CharField(max_length=20, help_text="h", widget=forms.TextInput(attrs={"data-x": 'a"b<c>&'}))
    number = forms.FloatField(required=False, widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    flag = forms.BooleanField(required=False)
    mail = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": True, "hidden": False}))
    choice = forms.ChoiceField(choices=[("", "Any"), ("a&b", "A <&> B"), (3, 3), ("x", mark_safe("<b>x</b>"))])
    grouped = forms.ChoiceField(
        choices=[("", "---"), ("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("Veg", [("kale", "Kale")])]
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")], required=False)


def _both(form: forms.Form) -> list[tuple[str, str]]:
    pairs = []
    for field in form:
        slow = field.as_widget(attrs={"class": "form-control"}) if field.name != "flag" else str(field)
        form.renderer = FastRenderer()
        fast = field.as_widget(attrs={"class": "form-control"}) if field.name != "flag" else str(field)
        form.renderer = DjangoTemplates()
        pairs.append((slow, fast))
    return pairs


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": 'He said "no" & <left>',
            "number": "0.5",
            "day": "2024-08-14",
            "hidden": "7",
            "flag": "on",
            "mail": "a@b.example",
            "url": "https://example.org/?a=1&b=2",
            "secret": "p<w>",
            "body": "line one\n<script>alert(1)</script>",
            "choice": "a&b",
            "grouped": "pear",
            "many": ["1", "3"],
        },
        {"text": "x" * 30, "number": "nope", "day": "2024-13-40", "choice": "zzz", "many": ["9"]},
    ],
)
def test_every_widget_is_drawn_as_django_draws_it(data):
    form = Tricky(data, renderer=DjangoTemplates(), initial={"day": datetime.date(2024, 8, 14), "hidden": 3})
    form.is_valid()
    for slow, fast in _both(form):
        assert fast == slow
        assert str(fast) != ""


CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|("csrfToken": ")[^"]+')


def _page(client, url: str, renderer: str, settings) -> str:
    settings.FORM_RENDERER = renderer
    get_default_renderer.cache_clear()
    response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    return CSRF.sub(r"\1\2", response.content.decode())


def test_the_desk_pages_are_the_same_with_either_renderer(client, editor, claim, quote, settings):
    client.force_login(editor)
    urls = [
        claim.get_absolute_url(),
        claim.article.get_absolute_url(),
        f"/quotes/{quote.pk}/",
        "/search/?q=claim",
        "/search/?scope=quotes",
        "/search/?scope=articles",
        "/search/?date_from=not-a-date&score_min=7",  # the form with its errors
        "/articles/",
        "/articles/new/",
        f"/claims/{claim.pk}/links/search/?q=claim",
        "/queues/triage/",
        "/",
    ]
    try:
        for url in urls:
            slow = _page(client, url, "django.forms.renderers.DjangoTemplates", settings)
            fast = _page(client, url, "factcheck.core.form_renderer.FastRenderer", settings)
            assert fast == slow, url
            if url.startswith("/search/"):
                assert "<select" in fast
    finally:
        get_default_renderer.cache_clear()
