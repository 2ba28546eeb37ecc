"""What several workspace forms share: the version field and the crispy helper of a POST form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class VersionField(forms.IntegerField):
    """The `version` of the row the form was rendered from (hidden)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "error_messages",
            {
                "required": "The form was missing its version; reload the page and try again.",
                "invalid": "The form's version is not a number; reload the page and try again.",
                "min_value": "The form's version is not valid; reload the page and try again.",
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
