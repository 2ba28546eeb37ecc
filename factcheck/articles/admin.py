from django.contrib import admin, messages

from factcheck.articles.models import Article, ExtractionState, Outlet
from factcheck.claims.models import Claim, Quote
from factcheck.core.admin import ReadOnlyInline
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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            extraction_request(article=obj)

    @admin.action(description="Run extraction again")
    def re_extract(self, request, queryset):
        count = 0
        for article in queryset.exclude(extraction_state=ExtractionState.RUNNING):
            extraction_request(article=article)
            count += 1
        messages.success(request, f"Extraction queued for {count} article(s).")
