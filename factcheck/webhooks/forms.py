"""The endpoint form: it validates and lays out; the services decide."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from factcheck.review.forms.common import WebURLField
from factcheck.webhooks.models import EventType


class EndpointForm(forms.Form):
    url = WebURLField(
        label="Address (URL)",
        max_length=2000,
        assume_scheme="https",
        help_text="Where the desk POSTs each event: http:// or https:// only, on the public internet.",
    )
    description = forms.CharField(
        label="Description", max_length=200, required=False, help_text="What it is, e.g. “CMS: live updates”."
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    active = forms.BooleanField(label="Active (deliveries on)", required=False, initial=True)

    def __init__(self, *args, submit_label: str = "Save endpoint", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "endpoint-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("save", submit_label))
