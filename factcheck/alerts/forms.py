"""The alert pages' forms and the approve form with its disagreement acknowledgement: they
validate and lay out, nothing more."""

from __future__ import annotations

from django import forms

from factcheck.alerts.models import AlertState
from factcheck.review.forms.claims import TransitionForm
from factcheck.review.forms.common import post_helper


class AlertFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[(AlertState.OPEN, "Open alerts"), (AlertState.ACKNOWLEDGED, "Acknowledged"), ("all", "All")],
        error_messages={"invalid_choice": "Choose open, acknowledged or all alerts."},
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="What the desk did about it, e.g. “asked the outlet for a correction”.",
        error_messages={"max_length": "Keep the note under %(limit_value)d characters."},
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = post_helper(
            action=action,
            form_id="acknowledge-form",
            submit_name="acknowledge",
            submit_label="Acknowledge",
            submit_id="alert-acknowledge",
        )


class ApproveForm(TransitionForm):
    """Approve: the version seen, and, when a matched check disagrees, the explicit
    "approve anyway" with a reason (the service refuses without them)."""

    approve_anyway = forms.BooleanField(label="Approve anyway", required=False)
    disagreement_reason = forms.CharField(
        label="Why this verdict stands",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the reason under %(limit_value)d characters."},
    )
