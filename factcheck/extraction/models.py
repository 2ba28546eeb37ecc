"""What the extraction pipeline keeps about its own follow-up work."""

from __future__ import annotations

from django.db import models


class LinkSuggestionRun(models.Model):
    """When link suggestions last ran for an article (`factcheck.linking.tasks.suggest_links`).

    A done article with no run since its extraction finished never got its suggestions (the
    task was lost with Redis, or failed for good): the link sweep enqueues it again."""

    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="+")
    suggested_at = models.DateTimeField(null=True, blank=True)  # when the last run started
    requeued_at = models.DateTimeField(null=True, blank=True)  # when the sweep last enqueued it

    def __str__(self) -> str:
        return f"link suggestions of article {self.article_id}: {self.suggested_at or 'never run'}"
