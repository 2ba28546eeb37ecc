"""settings.FORM_RENDERER is Django's Jinja2 renderer (its own widget templates in
django/forms/jinja2/): it draws the same controls as the Django template language's widget
templates: the same elements, attributes in the same order with the same values, selected
options and text, once parsed. What differs is insignificant: the blank lines DTL leaves between
a select's options, and MarkupSafe's `&#34;`/`&#39;` for Django's `&quot;`/`&#x27;`. Checked on
tricky values and on whole pages drawn by both renderers."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.conf import settings as django_settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from factcheck.core.jinja import FormRenderer

JINJA2 = "factcheck.core.jinja.FormRenderer"


class _Parsed(HTMLParser):
    """The HTML as a browser reads it: tags with their attributes (entities decoded, in order)
    and the text between them, whitespace-only text dropped and text stripped."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []
        self.feed(str(html))
        self.close()

    def handle_starttag(self, tag, attrs):
        self.items.append(("<", tag, tuple(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.items.append(("<", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.items.append((">", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip()))


def _parsed(html: str) -> list[tuple]:
    return _Parsed(html).items


def test_the_desk_uses_django_jinja2_renderer():
    assert django_settings.FORM_RENDERER == JINJA2
    renderer = FormRenderer()
    assert type(renderer.get_template("django/forms/widgets/select.html")).__module__.endswith("jinja2")
    # The admin's widgets have no Jinja2 twin: drawn by DTL.
    assert type(renderer.get_template("admin/widgets/related_widget_wrapper.html")).__module__.endswith("django")


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
        dtl = field.as_widget(attrs={"class": "form-control"}) if field.name != "flag" else str(field)
        form.renderer = FormRenderer()
        jinja = field.as_widget(attrs={"class": "form-control"}) if field.name != "flag" else str(field)
        form.renderer = DjangoTemplates()
        pairs.append((dtl, jinja))
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
    drawn = _both(form)
    for dtl, jinja in drawn:
        assert _parsed(jinja) == _parsed(dtl)
        assert str(jinja) != ""
    text = drawn[0][1]  # the raw bytes escape every character that could end the attribute
    assert 'data-x="a&#34;b&lt;c&gt;&amp;"' in text and "<c>" not in text


CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|("csrfToken": ")[^"]+')


def _page(client, url: str, renderer: str, settings) -> str:
    settings.FORM_RENDERER = renderer
    get_default_renderer.cache_clear()
    response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    return CSRF.sub(r"\1\2", response.content.decode())


def test_the_desk_pages_draw_the_same_controls_with_either_renderer(client, editor, claim, quote, settings):
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
            dtl = _page(client, url, "django.forms.renderers.DjangoTemplates", settings)
            jinja = _page(client, url, JINJA2, settings)
            assert _parsed(jinja) == _parsed(dtl), url
            assert len(_parsed(jinja)) > 100, url
            if url.startswith("/search/"):
                assert "<select" in jinja
    finally:
        get_default_renderer.cache_clear()
