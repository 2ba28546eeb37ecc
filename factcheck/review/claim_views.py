"""Claim and quote pages: labelling, workflow, evidence, comments, cross-linking, history.

Each view: find the object through an access helper (404 for what the user may not
see, 403 for what they may see but not do, 403 for anyone with no role on the desk),
validate a form, call a service, redirect (post/redirect/get). Refusals from a service
(WorkflowError, LinkError) come back as a message; a stale save re-renders the page with
everything the editor typed and what changed.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from factcheck.accounts.roles import Cap, has_cap
from factcheck.audit.models import AuditEvent
from factcheck.claims.models import Claim, Evidence, Quote, Workflow
from factcheck.claims.services import (
    WorkflowError,
    claim_approve,
    claim_assign,
    claim_correct,
    claim_label,
    claim_publish,
    claim_send_back,
    claim_submit_for_review,
    comment_add,
    evidence_add,
    evidence_remove,
)
from factcheck.core.errors import StaleEdit
from factcheck.linking.models import ClaimLink, QuoteLink, Relation
from factcheck.linking.selectors import (
    claim_cluster,
    claim_links_for,
    claims_to_link,
    quote_links_for,
    quotes_to_link,
)
from factcheck.linking.services import (
    LinkError,
    claim_link_create,
    link_confirm,
    link_dismiss,
    quote_link_create,
)
from factcheck.review.access import require_cap, require_member
from factcheck.review.claim_forms import (
    AssignForm,
    ClaimCorrectionForm,
    ClaimLabelForm,
    CommentForm,
    EvidenceForm,
    LinkCreateForm,
    LinkDecisionForm,
    LinkSearchForm,
    SendBackForm,
    TransitionForm,
)

HISTORY_LIMIT = 50
FIELD_LABELS = {
    "verdict": "Verdict",
    "verdict_summary": "Short summary",
    "verdict_explanation": "Explanation",
    "claimant_text": "Claimant",
}


# Access helpers ----------------------------------------------------------------------


def _claim_for(request: HttpRequest, pk: int, cap: Cap | None = None) -> Claim:
    require_member(request.user)
    claim = get_object_or_404(
        Claim.objects.visible_to(request.user).with_related().select_related("verdict_by", "approved_by"),
        pk=pk,
    )
    if cap is not None:
        require_cap(request.user, cap)
    return claim


def _quote_for(request: HttpRequest, pk: int, cap: Cap | None = None) -> Quote:
    require_member(request.user)
    quote = get_object_or_404(
        Quote.objects.visible_to(request.user).select_related("article__outlet", "speaker"),
        pk=pk,
    )
    if cap is not None:
        require_cap(request.user, cap)
    return quote


def _next_or(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# Presentation helpers -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+|\n")


def sentence_context(body: str, start: int, end: int, window: int = 400) -> tuple[str, str, str]:
    """The text around [start, end) out to the sentence boundaries (at most `window` chars)."""
    lo = max(0, start - window)
    before = body[lo:start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    elif lo > 0:
        before = "…" + before
    after = body[end : end + window]
    match = _SENTENCE_END.search(after)
    if match:
        after = after[: match.start() + 1].rstrip("\n")
    elif end + window < len(body):
        after += "…"
    return before, body[start:end], after


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Word-level difference from `a` to `b`: [(op, words)], op in equal/delete/insert.
    The template escapes the words; nothing here is marked safe."""
    a_words, b_words = a.split(), b.split()
    matcher = difflib.SequenceMatcher(a=a_words, b=b_words, autojunk=False)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("equal", " ".join(a_words[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", " ".join(a_words[i1:i2])))
        if j2 > j1:
            out.append(("insert", " ".join(b_words[j1:j2])))
    return out


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _stale_rows(exc: StaleEdit) -> list[dict[str, str]]:
    return [
        {"field": FIELD_LABELS.get(name, name.replace("_", " ")), "yours": _display(yours), "stored": _display(stored)}
        for name, (yours, stored) in {k: (None, v) for k, v in exc.stored.items()}.items()
    ]


def _history(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj)[:HISTORY_LIMIT])


def _annotate_links(links, here_pk: int) -> list:
    """Give each link `.other`, the end that is not this claim or quote."""
    out = []
    for link in links:
        link.other = link.target if link.source_id == here_pk else link.source
        out.append(link)
    return out


# Claim page ----------------------------------------------------------------------------


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
    label_url = reverse("review:claim_label", args=[claim.pk])
    if label_form is None:
        label_form = _label_form_class(claim)(initial=_label_initial(claim), action=label_url)
    links = _annotate_links(claim_links_for(claim), claim.pk)
    can_approve = has_cap(user, Cap.APPROVE)
    context = {
        "claim": claim,
        "context_before": None,
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
        "evidence": list(claim.evidence.select_related("added_by")),
        "comments": list(claim.comments.select_related("author")),
        "corrections": list(claim.corrections.select_related("previous_verdict", "new_verdict", "made_by")),
        "links": links,
        "relations": Relation.choices,
        "workflow_steps": Workflow.choices,
        "cluster": claim_cluster(claim),
        "history": _history(claim),
        "stale": stale,
        "stale_any": stale_any,
        # Which workflow buttons to show; the services check again.
        "label_editable": claim.workflow in (Workflow.DRAFT, Workflow.IN_REVIEW) and has_cap(user, Cap.REVIEW),
        "correction_allowed": claim.workflow == Workflow.PUBLISHED and can_approve,
        "can_submit": claim.workflow == Workflow.DRAFT and claim.verdict_id is not None and has_cap(user, Cap.REVIEW),
        "can_approve_this": claim.workflow == Workflow.IN_REVIEW and can_approve and claim.verdict_by_id != user.pk,
        "two_person_blocked": claim.workflow == Workflow.IN_REVIEW and can_approve and claim.verdict_by_id == user.pk,
        "can_send_back": claim.workflow in (Workflow.IN_REVIEW, Workflow.APPROVED) and can_approve,
        "can_publish": claim.workflow == Workflow.APPROVED and can_approve,
    }
    context["context_before"], context["context_text"], context["context_after"] = sentence_context(
        claim.article.body, claim.start, claim.end
    )
    return render(request, "review/claim_detail.html", context, status=status)


@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk)
    return _render_claim(request, claim)


@require_POST
def claim_label_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.REVIEW)
    published = claim.workflow == Workflow.PUBLISHED
    if published:
        require_cap(request.user, Cap.APPROVE)
    action = reverse("review:claim_label", args=[claim.pk])
    form = _label_form_class(claim)(request.POST, action=action)
    if not form.is_valid():
        messages.error(request, "The verdict was not saved: correct the fields marked below.")
        return _render_claim(request, claim, label_form=form, status=400)
    data = form.cleaned_data
    try:
        if published:
            claim_correct(
                claim=claim,
                verdict=data["verdict"],
                summary=data["summary"],
                explanation=data["explanation"],
                reason=data["reason"],
                actor=request.user,
                expected_version=data["version"],
            )
            messages.success(request, "Correction published. It is listed, dated, on the public fact-check.")
        else:
            claim_label(
                claim=claim,
                verdict=data["verdict"],
                summary=data["summary"],
                explanation=data["explanation"],
                claimant_name=data["claimant"],
                actor=request.user,
                expected_version=data["version"],
                reason=data["reason"],
            )
            messages.success(request, "Verdict saved.")
    except StaleEdit as exc:
        # Keep everything typed; move the form onto the stored version so that saving
        # again, after reading what changed, is a deliberate choice.
        fresh = _claim_for(request, pk)
        posted = request.POST.copy()
        posted["version"] = str(fresh.version)
        form = _label_form_class(fresh)(posted, action=action)
        form.is_valid()
        messages.error(
            request,
            "Not saved: someone else changed this claim after you opened it. "
            "Your text is still in the form; compare it with theirs, then save again.",
        )
        return _render_claim(request, fresh, label_form=form, stale=_stale_rows(exc), stale_any=True, status=409)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _render_claim(request, claim, label_form=form, status=409)
    return redirect(claim.get_absolute_url() + "#verdict")


@require_POST
def claim_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.REVIEW)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(claim.get_absolute_url() + "#assignment")
    try:
        claim_assign(claim=claim, assignee=form.cleaned_data["assignee"], actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        who = form.cleaned_data["assignee"]
        messages.success(request, f"Assigned to {who.get_username()}." if who else "Unassigned.")
    return redirect(claim.get_absolute_url() + "#assignment")


@require_POST
def claim_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.REVIEW)
    form = EvidenceForm(request.POST, action=reverse("review:claim_evidence_add", args=[claim.pk]))
    if form.is_valid():
        try:
            evidence_add(claim=claim, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, "Source added.")
            return redirect(claim.get_absolute_url() + "#evidence")
    messages.error(request, "The source was not added: correct the fields marked below.")
    return _render_claim(request, claim, evidence_form=form, status=400)


@require_POST
def claim_evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.REVIEW)
    evidence = get_object_or_404(Evidence.objects.select_related("claim"), pk=evidence_pk, claim=claim)
    evidence_remove(evidence=evidence, actor=request.user)
    messages.success(request, "Source removed.")
    return redirect(claim.get_absolute_url() + "#evidence")


@require_POST
def claim_comment(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.PROPOSE)
    form = CommentForm(request.POST, action=reverse("review:claim_comment", args=[claim.pk]))
    if not form.is_valid():
        messages.error(request, "The comment was not posted: correct the field marked below.")
        return _render_claim(request, claim, comment_form=form, status=400)
    try:
        comment_add(claim=claim, body=form.cleaned_data["body"], actor=request.user)
    except WorkflowError as exc:
        form.add_error("body", str(exc))
        return _render_claim(request, claim, comment_form=form, status=400)
    messages.success(request, "Comment posted.")
    return redirect(claim.get_absolute_url() + "#comments")


def _transition_view(request: HttpRequest, pk: int, cap: Cap, service, done: str) -> HttpResponse:
    claim = _claim_for(request, pk, cap)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(claim.get_absolute_url() + "#workflow")
    try:
        service(claim=claim, actor=request.user, expected_version=form.cleaned_data["version"])
    except StaleEdit:
        messages.error(
            request,
            "Nothing done: someone else changed this claim after you opened it. Check it again below.",
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(claim.get_absolute_url() + "#workflow")


@require_POST
def claim_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_view(request, pk, Cap.REVIEW, claim_submit_for_review, "Submitted for review.")


@require_POST
def claim_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_view(request, pk, Cap.APPROVE, claim_approve, "Verdict approved.")


@require_POST
def claim_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_view(request, pk, Cap.APPROVE, claim_publish, "Fact-check published.")


@require_POST
def claim_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.APPROVE)
    form = SendBackForm(request.POST, action=reverse("review:claim_send_back", args=[claim.pk]))
    if not form.is_valid():
        messages.error(request, "The claim was not sent back: correct the field marked below.")
        return _render_claim(request, claim, send_back_form=form, status=400)
    try:
        claim_send_back(
            claim=claim,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        messages.error(request, "Nothing done: someone else changed this claim after you opened it.")
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Sent back to draft with your comment.")
    return redirect(claim.get_absolute_url() + "#workflow")


# Cross-linking ---------------------------------------------------------------------------


@require_GET
def claim_link_search(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.PROPOSE)
    form = LinkSearchForm(request.GET)
    results: list[tuple[Claim, float]] = []
    status = 200
    if form.is_valid():
        results = claims_to_link(form.cleaned_data["q"], exclude=claim)
    elif request.GET:
        status = 400
    # Mark results already linked to this claim so the page says so instead of offering buttons.
    linked = {}
    if results:
        ids = [c.pk for c, _ in results]
        pairs = Q(source_id=claim.pk, target_id__in=ids) | Q(target_id=claim.pk, source_id__in=ids)
        for link in ClaimLink.objects.live().filter(pairs):
            linked[link.target_id if link.source_id == claim.pk else link.source_id] = link
    rows = [{"claim": c, "score": score, "link": linked.get(c.pk)} for c, score in results]
    return render(
        request,
        "review/claim_link_search.html",
        {
            "claim": claim,
            "search_form": form,
            "rows": rows,
            "relations": Relation.choices,
            "searched": form.is_valid(),
        },
        status=status,
    )


@require_POST
def claim_link_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(request, pk, Cap.PROPOSE)
    form = LinkCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(claim.get_absolute_url() + "#links")
    other = get_object_or_404(Claim.objects.visible_to(request.user), pk=form.cleaned_data["target"])
    confirm = has_cap(request.user, Cap.REVIEW)
    try:
        link = claim_link_create(
            a=claim, b=other, relation=form.cleaned_data["relation"], actor=request.user, confirm=confirm
        )
    except LinkError as exc:
        messages.error(request, str(exc))
    else:
        verb = "Linked" if confirm else "Link proposed"
        messages.success(request, f"{verb}: {link.get_relation_display().lower()} — claim {other.pk}.")
    return redirect(claim.get_absolute_url() + "#links")


def _decide(request: HttpRequest, link, default_url: str, confirm: bool) -> HttpResponse:
    form = LinkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _next_or(request, default_url)
    try:
        if confirm:
            link_confirm(link=link, actor=request.user, relation=form.cleaned_data["relation"] or None)
            messages.success(request, "Link confirmed.")
        else:
            link_dismiss(link=link, actor=request.user)
            messages.success(request, "Link dismissed.")
    except LinkError as exc:
        messages.error(request, str(exc))
    return _next_or(request, default_url)


def _claim_link_for(request: HttpRequest, pk: int) -> ClaimLink:
    require_member(request.user)
    visible = Claim.objects.visible_to(request.user)
    link = get_object_or_404(
        ClaimLink.objects.select_related("source", "target").filter(source__in=visible, target__in=visible),
        pk=pk,
    )
    require_cap(request.user, Cap.REVIEW)
    return link


@require_POST
def claim_link_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    link = _claim_link_for(request, pk)
    return _decide(request, link, link.source.get_absolute_url() + "#links", confirm=True)


@require_POST
def claim_link_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    link = _claim_link_for(request, pk)
    return _decide(request, link, link.source.get_absolute_url() + "#links", confirm=False)


# Quote page ------------------------------------------------------------------------------


@require_GET
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_for(request, pk)
    links = _annotate_links(quote_links_for(quote), quote.pk)
    for link in links:
        link.diff = word_diff(quote.text, link.other.text)
    form = LinkSearchForm(request.GET or None)
    results = quotes_to_link(form.cleaned_data["q"], exclude=quote) if form.is_bound and form.is_valid() else []
    linked_ids = {link.other.pk for link in links}
    before, text, after = sentence_context(quote.article.body, quote.start, quote.end)
    return render(
        request,
        "review/quote_detail.html",
        {
            "quote": quote,
            "context_before": before,
            "context_text": text,
            "context_after": after,
            "links": links,
            "search_form": form,
            "results": [(q, q.pk in linked_ids) for q in results],
            "searched": form.is_bound and form.is_valid(),
            "relations": Relation.choices,
            "history": _history(quote),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
def quote_link_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote_for(request, pk, Cap.PROPOSE)
    form = LinkCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(quote.get_absolute_url() + "#links")
    other = get_object_or_404(Quote.objects.visible_to(request.user), pk=form.cleaned_data["target"])
    confirm = has_cap(request.user, Cap.REVIEW)
    try:
        quote_link_create(a=quote, b=other, relation=form.cleaned_data["relation"], actor=request.user, confirm=confirm)
    except LinkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Quotes linked." if confirm else "Link proposed.")
    return redirect(quote.get_absolute_url() + "#links")


def _quote_link_for(request: HttpRequest, pk: int, link_pk: int) -> tuple[Quote, QuoteLink]:
    quote = _quote_for(request, pk)
    link = get_object_or_404(
        QuoteLink.objects.involving(quote.pk).select_related("source", "target"),
        pk=link_pk,
    )
    require_cap(request.user, Cap.REVIEW)
    return quote, link


@require_POST
def quote_link_confirm(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    quote, link = _quote_link_for(request, pk, link_pk)
    return _decide(request, link, quote.get_absolute_url() + "#links", confirm=True)


@require_POST
def quote_link_dismiss(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    quote, link = _quote_link_for(request, pk, link_pk)
    return _decide(request, link, quote.get_absolute_url() + "#links", confirm=False)
