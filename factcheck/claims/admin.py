from django.contrib import admin

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
class QuoteAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["article", "speaker", "edited_by"]
    readonly_fields = ["version", "created_at", "updated_at"]
    show_full_result_count = False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["url", "title", "note", "added_by", "added_at"]
    readonly_fields = ["added_at"]
    raw_id_fields = ["added_by"]
    extra = 0


class CommentInline(admin.TabularInline):
    model = Comment
    fields = ["author", "body", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]
    extra = 0


class CorrectionInline(admin.TabularInline):
    model = Correction
    fields = ["previous_verdict", "new_verdict", "reason", "made_by", "made_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
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
    raw_id_fields = [
        "article",
        "claimant",
        "verdict_by",
        "approved_by",
        "assigned_to",
        "edited_by",
    ]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [EvidenceInline, CommentInline, CorrectionInline]
    show_full_result_count = False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "claim", "added_by", "added_at"]
    search_fields = ["url", "title", "note"]
    raw_id_fields = ["claim", "added_by"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "claim", "author", "created_at"]
    search_fields = ["body"]
    raw_id_fields = ["claim", "author"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["claim", "previous_verdict", "new_verdict", "made_by", "made_at"]
    raw_id_fields = ["claim", "made_by"]
