"""The claim page: the claim in its sentence, verdict (or correction), workflow buttons,
assignment, evidence, comments, links, cluster and history.

Every action is a POST that finds the claim through `access.claim_for` (404 for what the
user may not see, 403 for what their role may not do), validates a form, calls one service
and redirects back to its section. A refusal comes back as a message; a stale verdict save
re-renders the page with everything the editor typed beside what is stored now.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from factcheck.accounts.roles import Cap, has_cap
from factcheck.alerts import services as alert_services
from factcheck.alerts.forms import ApproveForm
from factcheck.alerts.selectors import verdict_disagreements
from factcheck.claims import services
from factcheck.claims.models import Claim, Evidence, Workflow
from factcheck.claims.states import claim_actions
from factcheck.core.errors import ApplicationError, StaleEdit
from factcheck.linking.models import Relation
from factcheck.linking.selectors import claim_cluster, claim_links_list, previous_checks
from factcheck.review import presenters
from factcheck.review.access import claim_for, require_cap
from factcheck.review.forms.claims import (
    AssignForm,
    ClaimCorrectionForm,
    ClaimLabelForm,
    CommentForm,
    EvidenceForm,
    SendBackForm,
    TransitionForm,
)
from factcheck.review.forms.links import LinkSearchForm
from factcheck.review.responses import form_errors_text, refused, show, stale_changes
from factcheck.review.views.common import annotate_links, history, sentence_context, sorted_rows

# The label form's fields, by the claim field each one writes (what a stale save compares).
LABEL_FORM_FIELDS = {
    "verdict": "verdict",
    "summary": "verdict_summary",
    "explanation": "verdict_explanation",
    "claimant": "claimant_text",
}
FIELD_LABELS = {
    "verdict": "Verdict",
    "verdict_summary": "Short summary",
    "verdict_explanation": "Explanation",
    "claimant_text": "Claimant",
}


def _section(claim: Claim, anchor: str) -> str:
    return f"{claim.get_absolute_url()}#{anchor}"


def _label_form_class(claim: Claim):
    return ClaimCorrectionForm if claim.workflow == Workflow.PUBLISHED else ClaimLabelForm


def _label_initial(claim: Claim) -> dict[str, Any]:
    return {
        "version": claim.version,
        "verdict": claim.verdict_id,
        "summary": claim.verdict_summary,
        "explanation": claim.verdict_explanation,
        "claimant": claim.claimant_text,
    }


def _label_typed(data: dict[str, Any]) -> dict[str, Any]:
    """The label form's cleaned data under the claim field names, as the service stores them."""
    typed = {}
    for form_name, field in LABEL_FORM_FIELDS.items():
        if form_name in data:
            value = data[form_name]
            typed[field] = " ".join(value.split()) if form_name == "claimant" else value
    for name in ("verdict_summary", "verdict_explanation"):
        if isinstance(typed.get(name), str):
            typed[name] = typed[name].strip()
    return typed


def _stale_rows(changes: dict[str, tuple[Any, Any]]) -> list[dict[str, str]]:
    return [
        {"field": FIELD_LABELS.get(name, name.replace("_", " ")), "yours": show(yours), "stored": show(stored)}
        for name, (yours, stored) in changes.items()
    ]


def _render_claim(
    request: HttpRequest,
    claim: Claim,
    *,
    label_form=None,
    evidence_form=None,
    comment_form=None,
    send_back_form=None,
    stale: list[dict[str, str]] | None = None,
    stale_any: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if label_form is None:
        label_form = _label_form_class(claim)(
            initial=_label_initial(claim), action=reverse("review:claim_label", args=[claim.pk])
        )
    actions = claim_actions(claim, user)  # the buttons; the services check again
    links = claim_links_list(claim)  # the links panel and "already checked" share them
    context = {
        "claim": claim,
        "actions": actions,
        "label_form": label_form,
        "assign_form": AssignForm(
            initial={"assignee": claim.assigned_to_id},
            action=reverse("review:claim_assign", args=[claim.pk]),
        ),
        "evidence_form": evidence_form or EvidenceForm(action=reverse("review:claim_evidence_add", args=[claim.pk])),
        "comment_form": comment_form or CommentForm(action=reverse("review:claim_comment", args=[claim.pk])),
        "send_back_form": send_back_form
        or SendBackForm(
            initial={"version": claim.version},
            action=reverse("review:claim_send_back", args=[claim.pk]),
        ),
        "search_form": LinkSearchForm(),
        # In the models' order (Meta.ordering), sorted here: sorted_rows says why.
        "evidence": sorted_rows(claim.evidence.select_related("added_by"), key=lambda e: (e.added_at, e.pk)),
        "comments": sorted_rows(claim.comments.select_related("author"), key=lambda c: (c.created_at, c.pk)),
        "corrections": sorted_rows(
            claim.corrections.select_related("previous_verdict", "new_verdict", "made_by"),
            key=lambda c: c.made_at,
            reverse=True,
        ),
        "links": annotate_links(links, claim.pk),
        "relations": Relation.choices,
        "workflow_steps": Workflow.choices,
        "cluster": claim_cluster(claim, links=links),
        "previous_checks": previous_checks(claim, links=links),
        "history": history(claim),
        "stale": stale,
        "stale_any": stale_any,
        # An approver who wrote the verdict sees why there is no Approve button.
        "two_person_blocked": claim.workflow == Workflow.IN_REVIEW
        and has_cap(user, Cap.APPROVE)
        and "approve" not in actions,
        # Matched checks with another verdict: the approve form then needs "approve anyway".
        "disagreements": verdict_disagreements(claim) if "approve" in actions else [],
    }
    body = claim.article.body
    before, context["context_text"], context["context_after"] = sentence_context(body, claim.start, claim.end)
    # Not the intake's ` date 2024-08-14 ` header line, which is no part of the text.
    header = presenters.intake_header_length(body, claim.start)
    if header and claim.start - len(before) < header:
        before = body[header : claim.start]
    context["context_before"] = before
    return render(request, "review/claims/detail.html", context, status=status)


@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_claim(request, claim_for(request.user, pk))


@require_POST
def claim_label(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk, Cap.REVIEW)
    published = claim.workflow == Workflow.PUBLISHED
    if published:
        require_cap(request.user, Cap.APPROVE)  # a published verdict changes only by a correction
    action = reverse("review:claim_label", args=[claim.pk])
    form = _label_form_class(claim)(request.POST, action=action)
    if not form.is_valid():
        messages.error(request, "The verdict was not saved: correct the fields marked below.")
        return _render_claim(request, claim, label_form=form, status=400)
    data = form.cleaned_data
    try:
        if published:
            services.claim_correct(
                claim=claim,
                verdict=data["verdict"],
                summary=data["summary"],
                explanation=data["explanation"],
                reason=data["reason"],
                actor=request.user,
                expected_version=data["version"],
            )
            done = "Correction published. It is listed, dated, on the public fact-check."
        else:
            services.claim_label(
                claim=claim,
                verdict=data["verdict"],
                summary=data["summary"],
                explanation=data["explanation"],
                claimant_name=data["claimant"],
                actor=request.user,
                expected_version=data["version"],
                reason=data["reason"],
            )
            done = "Verdict saved."
    except ApplicationError as exc:
        if not isinstance(exc, StaleEdit):

            def again(*, status: int) -> HttpResponse:
                return _render_claim(request, claim, label_form=form, status=status)

            return refused(request, exc, rerender=again)
        # Keep everything typed; move the form onto the stored version so that saving
        # again, after reading what changed, is a deliberate choice.
        fresh = claim_for(request.user, pk)
        posted = request.POST.copy()
        posted["version"] = str(fresh.version)
        rebound = _label_form_class(fresh)(posted, action=action)
        rebound.is_valid()
        rows = _stale_rows(stale_changes(exc, _label_typed(data)))

        def page(*, status: int) -> HttpResponse:
            return _render_claim(request, fresh, label_form=rebound, stale=rows, stale_any=True, status=status)

        message = (
            "Not saved: someone else changed this claim after you opened it. "
            "Your text is still in the form; compare it with theirs, then save again."
        )
        return refused(request, exc, message=message, rerender=page)
    messages.success(request, done)
    return redirect(_section(claim, "verdict"))


@require_POST
def claim_assign(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk, Cap.REVIEW)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=_section(claim, "assignment"))
    who = form.cleaned_data["assignee"]
    try:
        services.claim_assign(claim=claim, assignee=who, actor=request.user)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=_section(claim, "assignment"))
    messages.success(request, f"Assigned to {who.get_username()}." if who else "Unassigned.")
    return redirect(_section(claim, "assignment"))


@require_POST
def claim_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk, Cap.REVIEW)
    form = EvidenceForm(request.POST, action=reverse("review:claim_evidence_add", args=[claim.pk]))

    def page(*, status: int) -> HttpResponse:
        return _render_claim(request, claim, evidence_form=form, status=status)

    if not form.is_valid():
        messages.error(request, "The source was not added: correct the fields marked below.")
        return page(status=400)
    try:
        services.evidence_add(claim=claim, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    messages.success(request, "Source added.")
    return redirect(_section(claim, "evidence"))


@require_POST
def claim_evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk, Cap.REVIEW)
    evidence = get_object_or_404(Evidence.objects.select_related("claim"), pk=evidence_pk, claim=claim)
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=_section(claim, "evidence"))
    messages.success(request, "Source removed.")
    return redirect(_section(claim, "evidence"))


@require_POST
def claim_comment(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk, Cap.PROPOSE)
    form = CommentForm(request.POST, action=reverse("review:claim_comment", args=[claim.pk]))

    def page(*, status: int) -> HttpResponse:
        return _render_claim(request, claim, comment_form=form, status=status)

    if not form.is_valid():
        messages.error(request, "The comment was not posted: correct the field marked below.")
        return page(status=400)
    try:
        services.comment_add(claim=claim, body=form.cleaned_data["body"], actor=request.user)
    except ApplicationError as exc:
        return refused(request, exc, form=form, field="body", rerender=page)
    messages.success(request, "Comment posted.")
    return redirect(_section(claim, "comments"))


STALE_TRANSITION = "Nothing done: someone else changed this claim after you opened it. Check it again below."


def _transition(request: HttpRequest, pk: int, cap: Cap, service, done: str) -> HttpResponse:
    claim = claim_for(request.user, pk, cap)
    back = _section(claim, "workflow")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=back)
    try:
        service(claim=claim, actor=request.user, expected_version=form.cleaned_data["version"])
    except ApplicationError as exc:
        message = STALE_TRANSITION if isinstance(exc, StaleEdit) else None
        return refused(request, exc, message=message, redirect_to=back)
    messages.success(request, done)
    return redirect(back)


@require_POST
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, Cap.REVIEW, services.claim_submit_for_review, "Submitted for review.")


@require_POST
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, through factcheck.alerts: refused while a matched check carries another verdict,
    unless the form says "approve anyway" with a reason (audited)."""
    claim = claim_for(request.user, pk, Cap.APPROVE)
    back = _section(claim, "workflow")
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=back)
    data = form.cleaned_data
    try:
        alert_services.claim_approve_checked(
            claim=claim,
            actor=request.user,
            expected_version=data["version"],
            approve_anyway=data["approve_anyway"],
            reason=data["disagreement_reason"],
        )
    except ApplicationError as exc:
        message = STALE_TRANSITION if isinstance(exc, StaleEdit) else None
        return refused(request, exc, message=message, redirect_to=back)
    messages.success(request, "Verdict approved.")
    return redirect(back)


@require_POST
def claim_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, Cap.APPROVE, services.claim_publish, "Fact-check published.")


@require_POST
def claim_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk, Cap.APPROVE)
    back = _section(claim, "workflow")
    form = SendBackForm(request.POST, action=reverse("review:claim_send_back", args=[claim.pk]))
    if not form.is_valid():
        messages.error(request, "The claim was not sent back: correct the field marked below.")
        return _render_claim(request, claim, send_back_form=form, status=400)
    try:
        services.claim_send_back(
            claim=claim,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except ApplicationError as exc:
        message = STALE_TRANSITION if isinstance(exc, StaleEdit) else None
        return refused(request, exc, message=message, redirect_to=back)
    messages.success(request, "Sent back to draft with your comment.")
    return redirect(back)
