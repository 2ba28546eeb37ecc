"""What several workspace forms share: the version field and the crispy helper of a POST form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import URLValidator

from factcheck.core.locking import INVALID_VERSION
from factcheck.core.validators import validate_web_url

VERSION_MAX = 2**31 - 1  # PositiveIntegerField's upper bound on PostgreSQL


class WebURLField(forms.URLField):
    """A web address readers may follow: http:// or https:// only, by the shared rule
    (factcheck.core.validators.web_url), whose message is shown alone for another scheme."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def run_validators(self, value):
        if value in self.empty_values:
            return
        if not value.strip().lower().startswith(("http://", "https://")):
            validate_web_url(value)  # a scheme readers must not follow: the rule's message alone
        super().run_validators(value)  # a malformed http(s) address: the field's own message
        validate_web_url(value)


class VersionField(forms.IntegerField):
    """The `version` of the row the form was rendered from (hidden)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        # A version no row can have (the column is a 32-bit integer) is a forged or
        # mangled form, not a sign that someone else saved: say so.
        kwargs.setdefault("max_value", VERSION_MAX)
        kwargs.setdefault(
            "error_messages",
            {
                "required": "The form was missing its version; reload the page and try again.",
                "invalid": "The form's version is not a number; reload the page and try again.",
                "min_value": INVALID_VERSION,
                "max_value": INVALID_VERSION,
            },
        )
        super().__init__(**kwargs)


def post_helper(*, action: str, form_id: str, submit_name: str, submit_label: str, submit_id: str) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_action = action
    helper.form_id = form_id
    helper.add_input(Submit(submit_name, submit_label, css_id=submit_id))
    return helper
