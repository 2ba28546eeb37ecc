"""The dashboard: queues, counts, charts and recent activity."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from factcheck.review import selectors
from factcheck.review.access import workspace_view


@require_GET
@workspace_view()
def dashboard(request):
    summary = selectors.dashboard_summary(request.user)
    return render(request, "review/dashboard.html", {"summary": summary, "charts": summary["charts"]})
