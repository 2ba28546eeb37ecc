from django.contrib import admin

from factcheck.core.admin import EditorialAdmin, run_for_each
from factcheck.linking.models import ClaimEmbedding, ClaimLink, QuoteLink
from factcheck.linking.services import link_confirm, link_dismiss


class LinkAdmin(EditorialAdmin):
    """Links are confirmed and dismissed through the linking services, as on the desk."""

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
    list_select_related = ["source", "target"]
    actions = ["confirm", "dismiss"]

    def has_delete_permission(self, request, obj=None):
        return False  # a dismissed link is kept so that it is not suggested again

    @admin.action(description="Confirm the selected links")
    def confirm(self, request, queryset):
        run_for_each(request, queryset, lambda link: link_confirm(link=link, actor=request.user), done="Confirmed")

    @admin.action(description="Dismiss the selected links")
    def dismiss(self, request, queryset):
        run_for_each(request, queryset, lambda link: link_dismiss(link=link, actor=request.user), done="Dismissed")


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
