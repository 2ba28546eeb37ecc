"""The source form and the submit page's "paste a link" box: they validate and lay out, nothing more."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings

from factcheck.review.forms.common import VersionField, WebURLField
from factcheck.sources.models import SourceKind


class SourceForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, help_text="What the desk calls it, e.g. “BBC News – Politics”."
    )
    kind = forms.ChoiceField(label="Kind", choices=SourceKind.choices, initial=SourceKind.FEED)
    url = WebURLField(
        label="Address (URL)",
        max_length=1000,
        assume_scheme="https",
        help_text="The feed's, the news sitemap's or the article's address: http:// or https:// only.",
    )
    outlet = forms.CharField(
        label="Outlet",
        max_length=200,
        required=False,
        help_text="Articles from this source are filed under it; empty: the site's own name.",
    )
    interval_minutes = forms.IntegerField(
        label="Poll every (minutes)",
        initial=30,
        min_value=1,
        max_value=7 * 24 * 60,
        help_text="Failures stretch it: each failure in a row doubles the wait, up to a day.",
    )
    enabled = forms.BooleanField(label="Polling on", required=False, initial=True)
    version = VersionField(required=False)

    def __init__(self, *args, submit_label: str = "Save source", **kwargs):
        super().__init__(*args, **kwargs)
        # The service refuses an interval under SOURCES_MIN_INTERVAL_MINUTES, with the reason.
        self.fields["interval_minutes"].help_text += f" At least {settings.SOURCES_MIN_INTERVAL_MINUTES} minutes."
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "source-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("kind", css_class="col-md-6")),
            "url",
            Row(Column("outlet", css_class="col-md-6"), Column("interval_minutes", css_class="col-md-6")),
            "enabled",
            "version",
            Submit("submit", submit_label),
        )


class LinkForm(forms.Form):
    url = WebURLField(
        label="Article address (URL)",
        max_length=1000,
        assume_scheme="https",
        help_text="The desk fetches the page and takes its text, headline, byline, date and outlet.",
    )
