from django.contrib import admin

from factcheck.claims import services
from factcheck.claims.models import (
    Claim,
    Comment,
    Correction,
    Evidence,
    Person,
    PersonAlias,
    Quote,
    Rating,
    RatingScale,
)
from factcheck.claims.states import has_editorial_work
from factcheck.core.admin import EditorialAdmin, ReadOnlyInline, run_for_each


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    fields = ["alias", "normalized_alias"]
    extra = 1


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "normalized_name", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "normalized_name", "aliases__alias"]
    inlines = [PersonAliasInline]


@admin.register(PersonAlias)
class PersonAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "person", "normalized_alias"]
    search_fields = ["alias", "person__name"]
    raw_id_fields = ["person"]


class RatingInline(admin.TabularInline):
    model = Rating
    fields = ["order", "label", "slug", "colour", "value", "description"]
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "scale", "order", "value", "colour"]
    list_filter = ["scale"]


@admin.register(Quote)
class QuoteAdmin(EditorialAdmin):
    list_display = [
        "__str__",
        "speaker",
        "speaker_text",
        "article",
        "status",
        "origin",
        "created_at",
    ]
    list_filter = ["status", "origin"]
    search_fields = ["text", "speaker_text", "speaker__name"]
    list_select_related = ["speaker", "article"]
    show_full_result_count = False
    actions = ["accept", "reject"]

    @admin.action(description="Accept the selected quotes")
    def accept(self, request, queryset):
        run_for_each(request, queryset, lambda q: services.quote_accept(quote=q, actor=request.user), done="Accepted")

    @admin.action(description="Reject the selected quotes")
    def reject(self, request, queryset):
        run_for_each(request, queryset, lambda q: services.quote_reject(quote=q, actor=request.user), done="Rejected")


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["url", "title", "note", "added_by", "added_at"]


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ["author", "body", "created_at"]


class CorrectionInline(ReadOnlyInline):
    model = Correction
    fields = ["previous_verdict", "new_verdict", "reason", "made_by", "made_at"]


@admin.register(Claim)
class ClaimAdmin(EditorialAdmin):
    """Verdicts, workflow and triage change only through the services (the desk's pages
    or the actions here): a published verdict changed here would skip the public
    correction notice and the claim's history."""

    list_display = [
        "__str__",
        "article",
        "score",
        "checkworthy",
        "kind",
        "status",
        "workflow",
        "verdict",
        "updated_at",
    ]
    list_filter = ["status", "workflow", "checkworthy", "kind", "verdict", "origin"]
    search_fields = ["text", "claimant_text", "claimant__name", "verdict_summary"]
    list_select_related = ["article", "verdict"]
    inlines = [EvidenceInline, CommentInline, CorrectionInline]
    show_full_result_count = False
    actions = ["accept", "reject"]

    def has_delete_permission(self, request, obj=None):
        # A claim with a verdict in progress or published is editorial record, not clutter.
        if obj is not None and has_editorial_work(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Accept the selected claims")
    def accept(self, request, queryset):
        run_for_each(request, queryset, lambda c: services.claim_accept(claim=c, actor=request.user), done="Accepted")

    @admin.action(description="Reject the selected claims")
    def reject(self, request, queryset):
        run_for_each(request, queryset, lambda c: services.claim_reject(claim=c, actor=request.user), done="Rejected")


@admin.register(Evidence)
class EvidenceAdmin(EditorialAdmin):
    list_display = ["__str__", "claim", "added_by", "added_at"]
    search_fields = ["url", "title", "note"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(EditorialAdmin):
    list_display = ["__str__", "claim", "author", "created_at"]
    search_fields = ["body"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(EditorialAdmin):
    list_display = ["claim", "previous_verdict", "new_verdict", "made_by", "made_at"]

    def has_delete_permission(self, request, obj=None):
        return False
