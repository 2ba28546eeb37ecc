"""The dashboard: queues, counts, charts and recent activity. Every number links to the
list it counts (factcheck.review.queues)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from factcheck.review import queues
from factcheck.review.access import workspace_view


@require_GET
@workspace_view()
def dashboard(request):
    summary = queues.dashboard_summary(request.user)
    return render(request, "review/dashboard.html", {"summary": summary, "charts": summary["charts"]})
