"""Forms of the claim page: verdict (or correction), assignment, evidence, comments and the
workflow buttons. Several forms share the page, so each has its own prefix (and so its own ids).
"""

from __future__ import annotations

from crispy_forms.layout import Field, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from factcheck.accounts.roles import Role
from factcheck.claims.models import Rating
from factcheck.core.choices import PlainModelChoiceField
from factcheck.review.forms.common import VersionField, WebURLField, post_helper


def default_ratings():
    return Rating.objects.filter(scale__is_default=True).order_by("order")


class ClaimLabelForm(forms.Form):
    """Verdict, summary, explanation and claimant of a draft or in-review claim."""

    version = VersionField()
    verdict = PlainModelChoiceField(
        queryset=Rating.objects.none(),
        label="Verdict",
        empty_label="Choose a verdict…",
        error_messages={
            "required": "Choose a verdict from the rating scale.",
            "invalid_choice": "That verdict is not on the newsroom's rating scale.",
        },
    )
    summary = forms.CharField(
        label="Short summary",
        max_length=500,
        # A few lines to read back what one writes; the model keeps 500 characters.
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences readers see first.",
        error_messages={
            "required": "Write a short summary of the verdict.",
            "max_length": "Keep the summary under %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    explanation = forms.CharField(
        label="Explanation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the evidence shows, and why the verdict follows.",
        error_messages={"required": "Explain the verdict."},
    )
    claimant = forms.CharField(
        label="Claimant",
        required=False,
        max_length=300,
        help_text="Who made the claim; leave empty if it is the outlet's own.",
        error_messages={"max_length": "Keep the claimant's name under %(limit_value)d characters."},
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=1000,
        help_text="Optional; recorded in the history when you change a verdict.",
        error_messages={"max_length": "Keep the reason under %(limit_value)d characters."},
    )

    prefix = None
    submit_label = "Save verdict"

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].queryset = default_ratings()
        self.helper = post_helper(
            action=action,
            form_id="claim-label-form",
            submit_name="save",
            submit_label=self.submit_label,
            submit_id="claim-save",
        )
        self.helper.layout = Layout(*self._layout_fields())

    def _layout_fields(self) -> list:
        return [
            "version",
            Field("verdict", css_class="form-select"),
            "summary",
            "explanation",
            "claimant",
            "reason",
        ]


class ClaimCorrectionForm(ClaimLabelForm):
    """Changing a published verdict: the same fields, and a reason readers will see."""

    reason = forms.CharField(
        label="Reason for the correction",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Published with the correction, with today's date.",
        error_messages={
            "required": "A correction to a published fact-check needs a reason.",
            "max_length": "Keep the reason under %(limit_value)d characters.",
        },
    )
    submit_label = "Publish correction"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["claimant"]

    def _layout_fields(self) -> list:
        return ["version", Field("verdict", css_class="form-select"), "summary", "explanation", "reason"]


def colleagues():
    """Users who hold a role on the desk: the people a claim can be assigned to."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[r.value for r in Role]) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


class AssignForm(forms.Form):
    assignee = PlainModelChoiceField(
        queryset=None,
        required=False,
        label="Assigned to",
        empty_label="Nobody",
        error_messages={"invalid_choice": "Choose a colleague who has a role on the desk."},
    )

    def __init__(self, *args, action: str = "", **kwargs):
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.helper = post_helper(
            action=action,
            form_id="claim-assign-form",
            submit_name="assign",
            submit_label="Assign",
            submit_id="claim-assign",
        )
        self.helper.layout = Layout(Field("assignee", css_class="form-select"))


class EvidenceForm(forms.Form):
    url = WebURLField(
        label="Source URL",
        max_length=1000,
        assume_scheme="https",
        error_messages={
            "required": "Give the source's web address.",
            "invalid": "Enter a full web address, such as https://example.org/report.",
            "max_length": "Keep the address under %(limit_value)d characters.",
        },
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=300,
        error_messages={"max_length": "Keep the title under %(limit_value)d characters."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What this source shows.",
        error_messages={"required": "Add a note."},
    )

    def __init__(self, *args, action: str = "", **kwargs):
        kwargs.setdefault("prefix", "evidence")
        super().__init__(*args, **kwargs)
        self.helper = post_helper(
            action=action,
            form_id="evidence-add-form",
            submit_name="add_evidence",
            submit_label="Add source",
            submit_id="evidence-add",
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write a comment before posting it.",
            "max_length": "Keep the comment under %(limit_value)d characters.",
        },
    )

    def __init__(self, *args, action: str = "", **kwargs):
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)
        self.helper = post_helper(
            action=action,
            form_id="comment-form",
            submit_name="post_comment",
            submit_label="Post comment",
            submit_id="comment-post",
        )


class TransitionForm(forms.Form):
    """The buttons that move a claim through the workflow carry only the version seen."""

    version = VersionField()


class SendBackForm(TransitionForm):
    comment = forms.CharField(
        label="What needs fixing",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say what needs fixing when you send a claim back.",
            "max_length": "Keep the comment under %(limit_value)d characters.",
        },
    )

    def __init__(self, *args, action: str = "", **kwargs):
        kwargs.setdefault("prefix", "sendback")
        super().__init__(*args, **kwargs)
        self.helper = post_helper(
            action=action,
            form_id="claim-send-back-form",
            submit_name="send_back",
            submit_label="Send back to draft",
            submit_id="claim-send-back",
        )
        self.helper.layout = Layout("version", "comment")
