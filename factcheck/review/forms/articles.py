"""The article submission form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.urls import reverse

from factcheck.articles.intake import HEADER_RE, guess_headline, parse_date
from factcheck.core.lines import first_bad_char
from factcheck.core.validators import validate_publication_date
from factcheck.review.forms.common import WebURLField


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
    url = WebURLField(label="Web address (URL)", max_length=1000, required=False, assume_scheme="https")
    published = forms.DateField(
        label="Publication date",
        required=False,
        validators=[validate_publication_date],
        error_messages={"invalid": "Enter the publication date as YYYY-MM-DD, such as 2024-08-14."},
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
        # A NUL or a lone surrogate (possible when the form is filled by code, not a browser)
        # cannot be stored or even measured in UTF-8: say which and where.
        if problem := first_bad_char(text):
            raise forms.ValidationError(f"The text {problem}.")
        if len(text.encode("utf-8")) > settings.ARTICLE_MAX_BYTES:
            raise forms.ValidationError(f"The text is longer than the limit of {settings.ARTICLE_MAX_BYTES:,} bytes.")
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
                self.add_error("published", f"From the file's date line: {exc} Enter the date here.")
        if not data.get("headline"):
            rest = body[match.end() :] if match else body
            data["headline"] = guess_headline(rest.lstrip("\n").split("\n", 1)[0])
        return data
