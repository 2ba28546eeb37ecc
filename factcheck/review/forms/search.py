"""The filters of the article list and the search page."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from factcheck.articles.models import ExtractionState, Outlet
from factcheck.claims.models import CandidateStatus, Rating

SCOPES = [("claims", "Claims"), ("quotes", "Quotes"), ("articles", "Articles")]


class SearchForm(forms.Form):
    """Filters for the article list and search pages; every field optional, sort whitelisted."""

    q = forms.CharField(label="Text", required=False, max_length=300)
    scope = forms.ChoiceField(label="Search in", choices=SCOPES, required=False, widget=forms.HiddenInput)
    outlet = forms.ModelChoiceField(label="Outlet", queryset=Outlet.objects.all(), required=False)
    date_from = forms.DateField(label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Published to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    speaker = forms.CharField(label="Speaker or claimant", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", choices=[("", "Any"), *CandidateStatus.choices], required=False)
    state = forms.ChoiceField(label="Extraction", choices=[("", "Any"), *ExtractionState.choices], required=False)
    verdict = forms.ModelChoiceField(
        label="Verdict", queryset=Rating.objects.select_related("scale"), required=False, empty_label="Any"
    )
    checkworthy = forms.ChoiceField(
        label="Check-worthy",
        choices=[("", "Any"), ("yes", "Check-worthy only"), ("no", "Not check-worthy")],
        required=False,
    )
    score_min = forms.FloatField(label="Score from", required=False, min_value=0, max_value=1)
    score_max = forms.FloatField(label="Score to", required=False, min_value=0, max_value=1)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sorts: dict | None = None, fields: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sorts = sorts or {}
        if fields is not None:
            for name in list(self.fields):
                if name not in fields and name != "sort":
                    del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "filter-form"
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_sort(self):
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort in self.sorts else ""

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        lo, hi = data.get("score_min"), data.get("score_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("score_max", "The upper score is below the lower one.")
        return data
