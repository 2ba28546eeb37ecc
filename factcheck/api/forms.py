"""The form of the account's "API tokens" page."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from factcheck.api.models import Scope
from factcheck.api.services import may_hold_admin_scope


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="What the token is for, e.g. “CMS import”.")
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope."},
    )
    expires = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the token stops working at the end of this day (UTC).",
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_hold_admin_scope(user):
            self.fields["scopes"].choices = [c for c in Scope.choices if c[0] != Scope.ADMIN]
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "api-token-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("create", "Create token"))

    def clean_expires(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("expires")
        if day is None:
            return None
        end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC)
        if end <= timezone.now():
            raise forms.ValidationError("The expiry date is in the past.")
        return end
