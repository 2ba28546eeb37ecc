"""The dashboard: queues, counts, charts and recent activity. Every number links to the
list it counts (factcheck.review.queues)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from factcheck.alerts.selectors import open_alert_count
from factcheck.review import queues
from factcheck.review.access import workspace_view
from factcheck.sources.selectors import failing_sources


@require_GET
@workspace_view()
def dashboard(request):
    summary = queues.dashboard_summary(request.user)
    context = {
        "summary": summary,
        "charts": summary["charts"],
        # Sources failing for a day or more (a list: the banner counts and lists them).
        "failing_sources": list(failing_sources()[:20]),
        # Open repeat alerts (factcheck.alerts): a card with the count, linking to the list.
        "open_alerts": open_alert_count(request.user),
    }
    return render(request, "review/dashboard.html", context)
