"""Forms of the queue pages: the bulk action on a selection of claims, and a decision on
a suggested link. They validate; the services act."""

from __future__ import annotations

from django import forms

from factcheck.claims.services.bulk import BULK_ACTIONS, BULK_MAX
from factcheck.review.forms.claims import colleagues
from factcheck.review.forms.common import VERSION_MAX

NOBODY = "nobody"


class IdListField(forms.Field):
    """Every value of a repeated field (`claim=3&claim=7`), as positive integers."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Select at least one claim first.",
        "invalid": "The selection is not valid; reload the page and try again.",
        "too_many": f"Select at most {BULK_MAX} claims at a time.",
    }

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = [int(v) for v in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(not 0 < pk <= VERSION_MAX for pk in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(ids) > BULK_MAX:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        return list(dict.fromkeys(ids))


class BulkForm(forms.Form):
    """The action bar of a queue: which action, on which claims (each with the version the
    list showed, posted as `version-<id>`), and for “assign”, to whom."""

    action = forms.ChoiceField(
        choices=[(name, spec["label"]) for name, spec in BULK_ACTIONS.items()],
        error_messages={"required": "Choose an action.", "invalid_choice": "That is not an action on claims."},
    )
    claim = IdListField(label="Claims")
    assignee = forms.ChoiceField(label="Assign to", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(u.pk): u for u in colleagues()}
        self.fields["assignee"].choices = [
            ("", "Choose a person…"),
            *((pk, u.get_full_name() or u.get_username()) for pk, u in self.people.items()),
            (NOBODY, "Nobody (unassign)"),
        ]

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign":
            chosen = data.get("assignee")
            if not chosen:
                self.add_error("assignee", "Choose whom to assign the claims to.")
            data["assignee"] = None if chosen == NOBODY else self.people.get(chosen)
        else:
            data["assignee"] = None
        versions = {}
        for pk in data.get("claim") or []:
            raw = self.data.get(f"version-{pk}")
            if raw is None or raw == "":
                continue  # no version posted: act on the claim as it is now
            try:
                version = int(raw)
            except ValueError:
                version = 0
            if not 0 < version <= VERSION_MAX:
                raise forms.ValidationError("The selection is not valid; reload the page and try again.")
            versions[pk] = version
        data["versions"] = versions
        return data


class LinkDecideForm(forms.Form):
    """Confirm or dismiss one suggested link of the links queue."""

    kind = forms.ChoiceField(choices=[("claim", "Claim link"), ("quote", "Quote link")])
    link = forms.IntegerField(min_value=1, max_value=VERSION_MAX)
    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("dismiss", "Dismiss")])
