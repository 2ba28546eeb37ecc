"""The alert pages (list, one alert beside the check it repeats, acknowledge) and the repeat
ledger (by fact-check, one fact-check with its chart, by claimant). Thin: an access check, a
selector or a service, a template."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from factcheck.accounts.roles import Cap, has_cap
from factcheck.alerts import selectors, services
from factcheck.alerts.forms import AcknowledgeForm, AlertFilterForm
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.claims.models import Person
from factcheck.core.errors import ApplicationError
from factcheck.linking.selectors import review_url_for
from factcheck.review.access import require_cap, require_member, workspace_view
from factcheck.review.responses import refused

PAGE_SIZE = 25


def alert_for(user, pk: int, cap: Cap | None = None) -> RepeatAlert:
    """404 for a missing alert, 403 without `cap` (member, object, capability)."""
    require_member(user)
    alert = get_object_or_404(RepeatAlert.objects.visible_to(user).with_related(), pk=pk)
    if cap is not None:
        require_cap(user, cap)
    return alert


@require_GET
@workspace_view()
def alert_list(request):
    form = AlertFilterForm(request.GET or None)
    state = AlertState.OPEN.value
    if form.is_bound:
        if form.is_valid():
            state = form.cleaned_data["state"] or state
        else:
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    alerts = selectors.alerts_for(request.user, state="" if state == "all" else state)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/list.html",
        {
            "page": page,
            "alerts": page.object_list,
            "form": form if form.is_bound else AlertFilterForm(initial={"state": state}),
            "state": state,
            "qs": f"state={state}",
            "open_count": selectors.open_alert_count(request.user),
            "threshold": selectors.alert_threshold(),
            "can_acknowledge": has_cap(request.user, Cap.REVIEW),
        },
    )


def _detail(request, alert: RepeatAlert, *, form: AcknowledgeForm | None = None, status: int = 200) -> HttpResponse:
    checked = alert.checked_claim
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "claim": alert.claim,
            "checked": checked,
            "checked_by": selectors.checked_by(checked),
            "checked_rating": selectors.verdict_words(checked),
            "checked_url": review_url_for(checked),
            "claimant": selectors.claimant_name(alert.claim),
            "appeared_on": selectors.appeared_on(alert.claim),
            "form": form or AcknowledgeForm(action=reverse("alerts:acknowledge", args=[alert.pk])),
            "can_acknowledge": has_cap(request.user, Cap.REVIEW),
        },
        status=status,
    )


@require_GET
def alert_detail(request, pk: int):
    return _detail(request, alert_for(request.user, pk))


@require_POST
def alert_acknowledge(request, pk: int):
    alert = alert_for(request.user, pk, Cap.REVIEW)
    form = AcknowledgeForm(request.POST, action=reverse("alerts:acknowledge", args=[alert.pk]))

    def page(*, status: int) -> HttpResponse:
        return _detail(request, alert, form=form, status=status)

    if not form.is_valid():
        messages.error(request, "The alert was not acknowledged: correct the field marked below.")
        return page(status=400)
    try:
        services.repeat_alert_acknowledge(alert=alert, actor=request.user, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    messages.success(request, "Alert acknowledged.")
    return redirect("alerts:list")


@require_GET
@workspace_view()
def ledger_index(request):
    totals = selectors.ledger_totals()
    paginator = Paginator(selectors.ledger_checks(), PAGE_SIZE)
    paginator.count = totals.checks  # counted with the figures: no second pass over the links
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.ledger_rows([check["checked_id"] for check in page.object_list])
    return render(request, "ledger/index.html", {"ledger": totals, "page": page, "rows": rows})


@require_GET
@workspace_view()
def ledger_detail(request, pk: int):
    checked = selectors.checked_claim_for(pk)
    if checked is None:
        raise Http404("No published or imported fact-check with this number.")
    row = selectors.ledger_row(checked)
    return render(
        request,
        "ledger/detail.html",
        {"row": row, "checked": checked, "chart": selectors.appearance_chart(row)},
    )


@require_GET
@workspace_view()
def ledger_claimants(request):
    rows = selectors.claimant_ledger()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/claimants.html", {"page": page, "rows": page.object_list})


@require_GET
@workspace_view()
def ledger_claimant(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    rows = selectors.claimant_ledger(person_id=person.pk)
    return render(
        request,
        "ledger/claimant.html",
        {"person": person, "row": rows[0] if rows else None},
    )
