from django.contrib import admin

from factcheck.linking.models import ClaimEmbedding, ClaimLink, QuoteLink


class LinkAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "relation",
        "origin",
        "state",
        "score",
        "reason",
        "created_at",
    ]
    list_filter = ["relation", "origin", "state"]
    search_fields = ["reason"]
    raw_id_fields = ["source", "target", "created_by", "decided_by"]
    list_select_related = ["source", "target"]


admin.site.register(ClaimLink, LinkAdmin)
admin.site.register(QuoteLink, LinkAdmin)


@admin.register(ClaimEmbedding)
class ClaimEmbeddingAdmin(admin.ModelAdmin):
    """Derived data, rebuilt by the linking engine: visible for support, never edited by hand."""

    list_display = ["claim", "model", "text_hash", "updated_at"]
    raw_id_fields = ["claim"]
    readonly_fields = ["claim", "model", "text_hash", "updated_at"]
    exclude = ["vector"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
