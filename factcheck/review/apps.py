from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "factcheck.review"
    verbose_name = "Review workspace"

    def ready(self) -> None:
        from factcheck.audit.signals import audit_committed
        from factcheck.review.count_cache import counts_invalidate

        # Every committed editorial change makes the cached queue counts out of date.
        audit_committed.connect(counts_invalidate, dispatch_uid="review_counts_invalidate")
