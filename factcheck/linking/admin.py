from django.contrib import admin

from factcheck.linking.models import ClaimLink, QuoteLink


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
