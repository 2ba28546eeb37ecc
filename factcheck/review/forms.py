"""Forms of the editor workspace: they validate and lay out, they never act."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.urls import reverse

from factcheck.articles.intake import HEADER_RE, guess_headline, parse_date
from factcheck.articles.models import ExtractionState, Outlet
from factcheck.claims.models import CandidateStatus, Rating


class ArticleSubmitForm(forms.Form):
    text = forms.CharField(
        label="Article text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="Paste the article exactly as published, or upload a file below.",
        strip=False,
    )
    upload = forms.FileField(
        label="…or upload a text file",
        required=False,
        help_text="A .txt file in UTF-8: plain text, or the sample format that begins with ' date YYYY-MM-DD'.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.text,text/plain"}),
    )
    headline = forms.CharField(label="Headline", max_length=500, required=False)
    outlet = forms.CharField(label="Outlet", max_length=200, required=False, help_text="e.g. BBC News, CNN")
    url = forms.URLField(label="Web address (URL)", max_length=1000, required=False, assume_scheme="https")
    published = forms.DateField(
        label="Publication date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Taken from the file's date line when left empty.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = reverse("review:article_submit")
        self.helper.form_id = "article-submit-form"
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(
            "text",
            "upload",
            "headline",
            Row(Column("outlet", css_class="col-md-4"), Column("url", css_class="col-md-5"), Column("published")),
            Submit("submit", "Submit article"),
        )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        limit = settings.ARTICLE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file is {upload.size:,} bytes; the limit is {limit:,} bytes.")
        raw = upload.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                f"The file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}). "
                "Save it as UTF-8 and try again."
            ) from None
        if "\x00" in text:
            raise forms.ValidationError("The file contains NUL bytes: it looks like a binary file, not text.")
        return text.removeprefix("\ufeff")

    def clean_text(self):
        text = self.cleaned_data.get("text") or ""
        if len(text.encode("utf-8")) > settings.ARTICLE_MAX_BYTES:
            raise forms.ValidationError(f"The text is longer than the limit of {settings.ARTICLE_MAX_BYTES:,} bytes.")
        if "\x00" in text:
            raise forms.ValidationError("The text contains NUL characters.")
        # Browsers submit textarea line breaks as CRLF; store the LF text the reader shows.
        return text.replace("\r\n", "\n")

    def clean(self):
        data = super().clean()
        text, uploaded = data.get("text") or "", data.get("upload")
        if "text" in self.errors or "upload" in self.errors:
            return data
        if text.strip() and uploaded:
            self.add_error("upload", "Paste the text or upload a file, not both.")
            return data
        body = uploaded if uploaded is not None else text
        if not body.strip():
            self.add_error("text", "Paste the article text or upload a file: the article is empty.")
            return data
        data["body"] = body
        match = HEADER_RE.match(body)
        if match and not data.get("published"):
            try:
                data["published"] = parse_date(match.group(1))
            except ValueError as exc:
                self.add_error("published", f"The date line says {exc}; enter the date here.")
        if not data.get("headline"):
            rest = body[match.end() :] if match else body
            data["headline"] = guess_headline(rest.lstrip("\n").split("\n", 1)[0])
        return data


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SpanForm(VersionedForm):
    start = forms.IntegerField(label="Start offset", min_value=0)
    end = forms.IntegerField(label="End offset", min_value=1)
    # The span as the editor saw it: if someone saves first, the refusal says what changed.
    seen_start = forms.IntegerField(required=False, widget=forms.HiddenInput)
    seen_end = forms.IntegerField(required=False, widget=forms.HiddenInput)

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
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    seen_status = forms.ChoiceField(choices=CandidateStatus.choices, required=False, widget=forms.HiddenInput)


class SplitForm(VersionedForm):
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
