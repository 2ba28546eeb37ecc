"""Forms of the reader's triage actions: edit, split, merge, add, accept/reject."""

from __future__ import annotations

from django import forms

from factcheck.review.forms.common import VersionField


class SpanForm(forms.Form):
    version = VersionField()
    start = forms.IntegerField(label="Start offset", min_value=0)
    end = forms.IntegerField(label="End offset", min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("end") is not None and data["end"] <= data["start"]:
            self.add_error("end", "The end must come after the start.")
        return data


class QuoteEditForm(SpanForm):
    speaker_name = forms.CharField(label="Speaker", max_length=200, required=False)


class AddSpanForm(forms.Form):
    """A missed claim or quote: offsets into Article.body, computed by the reader from the selection."""

    start = forms.IntegerField(label="Start offset", min_value=0)
    end = forms.IntegerField(label="End offset", min_value=1)
    speaker_name = forms.CharField(label="Speaker (quotes only)", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("end") is not None and data["end"] <= data["start"]:
            self.add_error("end", "The end must come after the start.")
        return data


class DecisionForm(forms.Form):
    """Accept or reject: only the version seen (optional: without it the decision applies to
    the row as it is now)."""

    version = VersionField(required=False)


class SplitForm(forms.Form):
    version = VersionField()
    at = forms.IntegerField(label="Split at offset", min_value=1)


class MergeForm(forms.Form):
    claims = forms.TypedMultipleChoiceField(label="Claims to merge", coerce=int, choices=())

    def __init__(self, *args, claim_ids: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = [(pk, pk) for pk in claim_ids]

    def clean_claims(self):
        ids = self.cleaned_data["claims"]
        if len(ids) < 2:
            raise forms.ValidationError("Select at least two claims to merge.")
        return ids
