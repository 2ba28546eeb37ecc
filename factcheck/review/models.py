"""The workspace's own rows: what a person keeps for themselves (not editorial data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

SAVED_FILTER_NAME_MAX = 100
SAVED_FILTER_QUERY_MAX = 2000
SAVED_FILTERS_PER_USER = 100


class SavedFilterQuerySet(models.QuerySet):
    def owned_by(self, user) -> SavedFilterQuerySet:
        """Only the owner ever sees a saved filter (others get a 404, as for everything they may not see)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(user=user)


class SavedFilter(models.Model):
    """A set of search filters one person saved under a name, to apply again in one click.

    `query` is the search page's query string (scope, text, filters, sort), normalised by
    the view from a validated search form; applying it runs the form again, so a filter
    that no longer fits (an outlet deleted since) shows the form's message, not a 500.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(max_length=SAVED_FILTER_NAME_MAX)
    query = models.CharField(max_length=SAVED_FILTER_QUERY_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedfilter_unique_name_per_user"),
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="savedfilter_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name
