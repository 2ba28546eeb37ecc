"""The claim's one state machine: services and pages read the same table, and the
integrity holes found by trying the product stay closed."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from factcheck.audit.models import AuditEvent
from factcheck.claims import services
from factcheck.claims.models import CandidateStatus, Claim, ClaimState, Workflow
from factcheck.claims.states import ACTIONS, claim_actions
from factcheck.core.errors import Conflict, NotAllowed
from factcheck.linking.services import claim_link_create, link_confirm, link_dismiss

from ..factories import ClaimFactory, ClaimLinkFactory, rating

pytestmark = pytest.mark.django_db


def label(claim, actor, verdict="false", **kw):
    return services.claim_label(
        claim=claim,
        verdict=rating(verdict),
        summary=kw.get("summary", "Summary."),
        explanation="Explanation.",
        claimant_name=None,
        actor=actor,
        expected_version=claim.version,
    )


def test_labelling_a_candidate_accepts_it(checker):
    claim = ClaimFactory()
    assert claim.state == ClaimState.CANDIDATE
    label(claim, checker)
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.ACCEPTED and claim.state == ClaimState.DRAFT
    assert not Claim.objects.filter(pk=claim.pk).awaiting_review().exists()
    event = AuditEvent.objects.for_object(claim).get()
    assert event.action == "label" and event.changes["status"] == ["candidate", "accepted"]


def test_published_claim_is_not_a_candidate_anywhere(client, checker, editor, admin_user):
    claim = ClaimFactory()
    label(claim, checker)
    services.claim_submit_for_review(claim=claim, actor=checker)
    services.claim_approve(claim=claim, actor=editor)
    services.claim_publish(claim=claim, actor=editor)
    claim.refresh_from_db()
    assert claim.state == ClaimState.PUBLISHED
    assert claim_actions(claim, editor) == {"correct"}
    with pytest.raises(Conflict):
        services.claim_reject(claim=claim, actor=editor)
    client.force_login(checker)
    found = client.get(reverse("review:search"), {"scope": "claims", "status": "candidate"}).content.decode()
    assert claim.text not in found


def test_the_database_refuses_a_claim_past_draft_that_was_never_accepted(checker):
    claim = ClaimFactory(labelled=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=CandidateStatus.CANDIDATE, workflow=Workflow.IN_REVIEW)


def test_verdict_changed_in_review_goes_back_to_draft(editor, admin_user, checker):
    """A change in review must be submitted again: nobody approves what they changed, and
    what was submitted for approval is what gets approved."""
    claim = ClaimFactory()
    label(claim, editor)
    services.claim_submit_for_review(claim=claim, actor=editor)
    label(claim, admin_user, verdict="true")
    claim.refresh_from_db()
    assert claim.workflow == Workflow.DRAFT and claim.verdict_by == admin_user
    with pytest.raises(Conflict, match="in review"):
        services.claim_approve(claim=claim, actor=editor)
    event = AuditEvent.objects.for_object(claim).first()
    assert event.changes["workflow"] == ["in_review", "draft"] and "back to draft" in event.reason
    services.claim_submit_for_review(claim=claim, actor=admin_user)
    with pytest.raises(Conflict, match="Two-person rule"):
        services.claim_approve(claim=claim, actor=admin_user)
    services.claim_approve(claim=claim, actor=editor)  # the other editor may


def test_actions_table_and_services_agree(checker, editor):
    """What the pages offer is exactly what the services allow, state by state."""
    claim = ClaimFactory()
    assert claim_actions(claim, checker) == {"accept", "reject", "edit", "split", "merge", "label"}
    label(claim, checker)
    assert claim_actions(claim, checker) == {"reject", "edit", "label", "submit"}
    services.claim_submit_for_review(claim=claim, actor=checker)
    assert claim_actions(claim, checker) == {"label"}
    assert claim_actions(claim, editor) == {"label", "approve", "send_back"}
    assert set(ACTIONS) >= claim_actions(claim, editor)


def test_services_check_the_capability_themselves(reporter, outsider, checker):
    claim = ClaimFactory()
    for call in (
        lambda: services.claim_accept(claim=claim, actor=reporter),
        lambda: services.claim_reject(claim=claim, actor=reporter),
        lambda: services.claim_edit_span(claim=claim, start=0, end=5, actor=reporter, expected_version=None),
        lambda: services.claim_split(claim=claim, at=claim.start + 3, actor=reporter),
        lambda: services.claim_add(article=claim.article, start=0, end=5, actor=outsider),
    ):
        with pytest.raises(NotAllowed):
            call()
    other = ClaimFactory(text="A second claim about the same 2km.")
    with pytest.raises(NotAllowed):
        claim_link_create(a=claim, b=other, relation="same", actor=reporter, confirm=True)
    link = claim_link_create(a=claim, b=other, relation="same", actor=reporter, confirm=False)
    with pytest.raises(NotAllowed):
        link_confirm(link=link, actor=reporter)
    with pytest.raises(NotAllowed):
        link_dismiss(link=link, actor=reporter)
    assert AuditEvent.objects.filter(action__in=["accepted", "rejected", "link_confirm"]).count() == 0


def test_editing_a_claim_in_review_is_refused(checker):
    claim = ClaimFactory()
    label(claim, checker)
    services.claim_submit_for_review(claim=claim, actor=checker)
    with pytest.raises(Conflict, match="in review"):
        services.claim_edit_span(
            claim=claim, start=claim.start, end=claim.end - 1, actor=checker, expected_version=None
        )


# The admin site -------------------------------------------------------------------------------


def test_admin_cannot_change_a_published_verdict(client, admin_user, editor, checker):
    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.PUBLISHED)
    client.force_login(admin_user)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page and "Open it on the desk" in page
    response = client.post(url, {"verdict": rating("true").pk, "workflow": "published", "_save": "Save"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.verdict == rating("mostly-true")
    delete = client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"})
    assert delete.status_code == 403 and Claim.objects.filter(pk=claim.pk).exists()


def test_admin_actions_go_through_the_services(client, admin_user):
    candidate, published = (
        ClaimFactory(),
        ClaimFactory(labelled=True, text="Prices doubled in a year.", workflow=Workflow.PUBLISHED),
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "reject", "_selected_action": [candidate.pk, published.pk]},
        follow=True,
    )
    candidate.refresh_from_db()
    published.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    assert published.state == ClaimState.PUBLISHED
    body = response.content.decode()
    assert f"Claim #{published.pk}" in body and "can be rejected" in body
    assert AuditEvent.objects.for_object(candidate).get().actor == admin_user


def test_admin_link_actions_use_the_link_services(client, admin_user):
    a, b = ClaimFactory(), ClaimFactory(text="Another claim about the region.")
    link = ClaimLinkFactory(a=a, b=b)
    client.force_login(admin_user)
    client.post(reverse("admin:linking_claimlink_changelist"), {"action": "confirm", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.state == "confirmed" and link.decided_by == admin_user
    assert AuditEvent.objects.filter(action="link_confirm").count() == 2  # both ends' history
