"""The email settings form: it validates and lays out, nothing more."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from factcheck.notifications.models import EmailChoice


class NotificationSettingsForm(forms.Form):
    email = forms.ChoiceField(
        label="Email me",
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you want to be emailed.",
            "invalid_choice": "“%(value)s” is not one of the choices: pick one of the three.",
        },
        help_text="Notifications always appear under the bell; this only decides the email.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "notification-settings-form"
        self.helper.layout = Layout("email", Submit("submit", "Save"))
