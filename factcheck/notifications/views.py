"""The notification pages: the list (mark one or all read), and the email settings.

Every notification is looked up among the signed-in person's own, so another person's id is a
404, whoever asks.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.core.errors import ApplicationError
from factcheck.notifications import selectors, services
from factcheck.notifications.forms import NotificationSettingsForm
from factcheck.notifications.mentions import MAX_MENTIONS, mention_names
from factcheck.review.access import workspace_view
from factcheck.review.responses import refused

PER_PAGE = 50


@require_GET
@workspace_view()
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    # Every name the page's excerpts mention, looked up in one query.
    names = {name for n in page.object_list for name in mention_names(n.excerpt)}
    selectors.known_mentions(request, sorted(names)[:MAX_MENTIONS])
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(request.user, cap=10**9)},
    )


@require_POST
@workspace_view()
def notification_read(request, pk: int):
    """Mark one read; with open=1, go on to what it is about."""
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_mark_read(notification=notification)
    # The stored path, never a URL from the request: no open redirect.
    if request.POST.get("open") and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
@workspace_view()
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        noun = "notification" if count == 1 else "notifications"
        messages.success(request, f"Marked {count:,} {noun} read.")
    else:
        messages.info(request, "Nothing to mark: every notification was read already.")
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@workspace_view()
def notification_settings(request):
    form = NotificationSettingsForm(request.POST or None, initial={"email": services.email_choice(request.user)})

    def page(*, status: int):
        return render(
            request,
            "notifications/settings.html",
            {"form": form, "has_address": bool(request.user.email)},
            status=status,
        )

    if request.method != "POST":
        return page(status=200)
    if not form.is_valid():
        return page(status=400)
    try:
        prefs = services.notification_settings_save(user=request.user, email=form.cleaned_data["email"])
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    messages.success(request, f"Saved: {prefs.get_email_display().lower()}.")
    return redirect("notifications:settings")
