"""Deleting old rows without holding long locks: one bounded batch per short transaction.

Used by the retention services (`webhooks.services.webhooks_prune`,
`notifications.services.notifications_prune`). Each batch locks only the rows it is about to
delete (`FOR UPDATE SKIP LOCKED`: a row another transaction holds, say a delivery being
replayed, is left for the next run) and PostgreSQL re-checks the queryset's conditions on a
row changed meanwhile, so a row that stopped qualifying is not deleted.
"""

from __future__ import annotations

from collections import Counter

from django.db import models, transaction


def delete_in_batches(queryset: models.QuerySet, *, batch_size: int) -> Counter[str]:
    """Delete the rows of `queryset` (and what cascades from them), `batch_size` at a time.
    Returns the rows deleted per model label ("webhooks.Attempt": 12, ...)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    model = queryset.model
    deleted: Counter[str] = Counter()
    after = None
    while True:
        # In key order from where the last batch ended: a batch never re-reads the rows the
        # batches before it deleted (dead until VACUUM), nor the ones they skipped.
        rows = queryset if after is None else queryset.filter(pk__gt=after)
        with transaction.atomic():
            ids = list(
                rows.select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if ids:
                _total, per_model = model.objects.filter(pk__in=ids).delete()
                deleted.update({label: n for label, n in per_model.items() if n})
        if len(ids) < batch_size:
            return deleted
        after = ids[-1]
