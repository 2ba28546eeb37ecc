"""manage.py prune: delete what the retention settings say is old enough to go.

    python manage.py prune              # webhooks and notifications
    python manage.py prune --dry-run    # say what would go, delete nothing
    python manage.py prune --only webhooks

Webhooks: deliveries delivered more than WEBHOOKS_RETENTION_DAYS ago, with their attempts,
then the events left without a delivery (pending, sending and failed deliveries stay).
Notifications: those read more than NOTIFICATIONS_RETENTION_DAYS ago (unread ones stay).
The same services run daily from beat; this face is for a first clean-up or a check.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from factcheck.notifications.services import notifications_prune
from factcheck.webhooks.services import webhooks_prune

PRUNERS = {
    "webhooks": (webhooks_prune, "WEBHOOKS_RETENTION_DAYS"),
    "notifications": (notifications_prune, "NOTIFICATIONS_RETENTION_DAYS"),
}


class Command(BaseCommand):
    help = "Delete webhook history and read notifications older than their retention settings."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")
        parser.add_argument("--only", choices=sorted(PRUNERS), help="prune one kind only")

    def handle(self, *args, dry_run: bool = False, only: str | None = None, **options):
        verb = "would delete" if dry_run else "deleted"
        for name, (prune, setting) in PRUNERS.items():
            if only and name != only:
                continue
            counts = prune(dry_run=dry_run)
            what = ", ".join(f"{n} {kind}" for kind, n in counts.items())
            self.stdout.write(f"{name} (older than {getattr(settings, setting)} days): {verb} {what}")
