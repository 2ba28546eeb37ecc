from django import forms
from django.contrib import admin, messages

from factcheck.articles.models import Article, ExtractionState, Outlet, body_fingerprint
from factcheck.articles.services import article_create
from factcheck.claims.models import Claim, Quote
from factcheck.core.admin import ReadOnlyInline
from factcheck.core.errors import ApplicationError
from factcheck.core.validators import validate_publication_date, validate_web_url
from factcheck.extraction.services import extraction_request


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "homepage", "created_at"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class QuoteInline(ReadOnlyInline):
    model = Quote
    fields = ["start", "end", "text", "speaker_text", "speaker", "status"]
    show_change_link = True


class ClaimInline(ReadOnlyInline):
    model = Claim
    fields = [
        "start",
        "end",
        "text",
        "score",
        "checkworthy",
        "kind",
        "status",
        "verdict",
    ]
    show_change_link = True


class ArticleAdminForm(forms.ModelForm):
    """The admin's add and change form: the same address and date rules as every face
    (the admin builds the Meta from this ModelAdmin)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "url" in self.fields:
            self.fields["url"].validators.append(validate_web_url)
        if "published" in self.fields:
            self.fields["published"].validators.append(validate_publication_date)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "__str__",
        "outlet",
        "published",
        "kind",
        "extraction_state",
        "extractor_version",
        "created_at",
    ]
    list_filter = ["extraction_state", "kind", "outlet", "published"]
    search_fields = ["headline", "url", "byline", "body"]
    date_hierarchy = "published"
    list_select_related = ["outlet"]
    raw_id_fields = ["submitted_by"]
    readonly_fields = [
        "fingerprint",
        "extraction_state",
        "extraction_error",
        "extraction_attempts",
        "extraction_queued_at",
        "extraction_started_at",
        "extraction_finished_at",
        "extractor_version",
        "created_at",
        "updated_at",
    ]
    inlines = [QuoteInline, ClaimInline]
    actions = ["re_extract"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # The body is kept exactly as received: every span points into it.
        return [*self.readonly_fields, "body"] if obj else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class AddForm(form):
            def clean_body(self):
                body = self.cleaned_data.get("body", "")
                if not body.strip():
                    raise forms.ValidationError("The article text is empty.")
                existing = Article.objects.filter(fingerprint=body_fingerprint(body)).first()
                if existing is not None:
                    raise forms.ValidationError(f"This text is already stored as article #{existing.pk}.")
                return body

        return AddForm

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new article goes through the same intake as every other path (fingerprint,
        # audit of who submitted it, extraction queued on commit).
        try:
            result = article_create(
                body=obj.body,
                published=obj.published,
                outlet_name=obj.outlet.name if obj.outlet_id else "",
                url=obj.url,
                headline=obj.headline,
                byline=obj.byline,
                source_name=obj.source_name or "admin site",
                submitted_by=request.user,
                kind=obj.kind,
            )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        obj.pk = result.article.pk
        obj._state.adding = False
        obj.refresh_from_db()

    @admin.action(description="Run extraction again")
    def re_extract(self, request, queryset):
        count = 0
        for article in queryset.exclude(extraction_state=ExtractionState.RUNNING):
            extraction_request(article=article)
            count += 1
        messages.success(request, f"Extraction queued for {count} article(s).")
