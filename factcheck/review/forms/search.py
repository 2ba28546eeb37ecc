"""The filters of the article list and the search page, and the saved-filter forms."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from factcheck.articles.models import ExtractionState, Outlet
from factcheck.claims.models import CandidateStatus, ClaimState, Rating
from factcheck.core.choices import PlainModelChoiceField
from factcheck.review.models import SAVED_FILTER_NAME_MAX
from factcheck.review.search_selectors import Assignee, Links

SCOPES = [("claims", "Claims"), ("quotes", "Quotes"), ("articles", "Articles")]

# Messages that say what was wrong and what to type instead: a malformed address (a hand
# edited URL, an old bookmark) gets them, never a 500.
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, for example 2024-08-14."}
SCORE_ERRORS = {
    "invalid": "Enter a score between 0 and 1, for example 0.5.",
    "min_value": "A score is at least 0.",
    "max_value": "A score is less than or equal to 1.",
}


def _choice_errors(what: str) -> dict[str, str]:
    return {"invalid_choice": f"Unknown {what} “%(value)s”: choose one from the list."}


class SearchForm(forms.Form):
    """Filters for the article list and search pages; every field optional, sort whitelisted.

    `fields` keeps only the filters of one scope; `hidden` renders some as hidden inputs
    (a filter a link may carry but the page does not offer, such as the dashboard's
    triage status on the claims tab).
    """

    q = forms.CharField(label="Text", required=False, max_length=300)
    scope = forms.ChoiceField(
        label="Search in",
        choices=SCOPES,
        required=False,
        widget=forms.HiddenInput,
        error_messages=_choice_errors("kind"),
    )
    stage = forms.ChoiceField(
        label="Stage",
        choices=[("", "Any"), *ClaimState.choices],
        required=False,
        error_messages=_choice_errors("stage"),
    )
    assignee = forms.ChoiceField(
        label="Assigned to",
        choices=[("", "Anyone or nobody"), *Assignee.CHOICES],
        required=False,
        error_messages=_choice_errors("assignee"),
    )
    links = forms.ChoiceField(
        label="Links",
        choices=[("", "Any"), *Links.CLAIM_CHOICES],
        required=False,
        error_messages=_choice_errors("link state"),
    )
    verdict = PlainModelChoiceField(
        label="Verdict",
        queryset=Rating.objects.select_related("scale").order_by("scale__name", "order"),
        required=False,
        empty_label="Any",
        error_messages={"invalid_choice": "Unknown verdict: choose one from the list."},
    )
    outlet = PlainModelChoiceField(
        label="Outlet",
        queryset=Outlet.objects.order_by("name"),
        required=False,
        empty_label="Any",
        error_messages={"invalid_choice": "Unknown outlet: choose one from the list."},
    )
    date_from = forms.DateField(
        label="Published from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    date_to = forms.DateField(
        label="Published to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    speaker = forms.CharField(label="Speaker or claimant", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any"), *CandidateStatus.choices],
        required=False,
        error_messages=_choice_errors("status"),
    )
    state = forms.ChoiceField(
        label="Extraction",
        choices=[("", "Any"), *ExtractionState.choices],
        required=False,
        error_messages=_choice_errors("extraction state"),
    )
    checkworthy = forms.ChoiceField(
        label="Check-worthy",
        choices=[("", "Any"), ("yes", "Check-worthy only"), ("no", "Not check-worthy")],
        required=False,
        error_messages=_choice_errors("check-worthiness"),
    )
    score_min = forms.FloatField(
        label="Score at least",
        required=False,
        min_value=0,
        max_value=1,
        error_messages=SCORE_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
    )
    score_max = forms.FloatField(
        label="Score at most",
        required=False,
        min_value=0,
        max_value=1,
        error_messages=SCORE_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        sorts: dict | None = None,
        fields: list[str] | None = None,
        hidden: tuple[str, ...] = (),
        link_choices: list | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.sorts = sorts or {}
        if fields is not None:
            for name in list(self.fields):
                if name not in fields and name != "sort":
                    del self.fields[name]
        for name in hidden:
            if name in self.fields:
                self.fields[name].widget = forms.HiddenInput()
        if link_choices is not None and "links" in self.fields:
            self.fields["links"].choices = [("", "Any"), *link_choices]
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

    def active(self) -> list[tuple[str, str]]:
        """(label, value as shown) for each filter in use, for the summary above the results."""
        out = []
        for name, field in self.fields.items():
            if name in ("scope", "sort"):
                continue
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices).get(value, value)
            out.append((str(field.label), str(value)))
        return out

    def query(self) -> str:
        """The valid filters as a query string (empty values left out): what a saved filter keeps."""
        from django.http import QueryDict

        params = QueryDict(mutable=True)
        names = sorted(self.fields, key=lambda name: name != "scope")  # the scope first, then the form's order
        for name in names:
            raw = self.data.get(name, "")
            if raw not in ("", None) and name not in self.errors:
                params[name] = raw
        return params.urlencode()


class SavedFilterForm(forms.Form):
    """Save the current filters under a name (the filters travel as the page's query string)."""

    name = forms.CharField(
        label="Name for these filters",
        max_length=SAVED_FILTER_NAME_MAX,
        error_messages={"required": "Give the filter a name."},
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SavedFilterRenameForm(forms.Form):
    name = forms.CharField(
        label="New name",
        max_length=SAVED_FILTER_NAME_MAX,
        error_messages={"required": "Give the filter a name."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
