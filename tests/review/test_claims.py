"""The claim page and its actions: rendering, access (404/403), bad input, stale saves,
the workflow buttons, query counts and escaping of hostile text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.audit.models import AuditEvent
from factcheck.claims.models import Comment, Evidence, Workflow
from factcheck.claims.services import claim_label

from ..factories import (
    HOSTILE,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    EvidenceFactory,
    rating,
)

pytestmark = pytest.mark.django_db

ROLES = ["reporter", "checker", "editor", "admin_user"]


@pytest.fixture
def claim(db):
    return ClaimFactory()


def login(client, user):
    client.force_login(user)
    return client


def label_data(claim, **overrides):
    data = {
        "version": claim.version,
        "verdict": rating("false").pk,
        "summary": "It was 1km.",
        "explanation": "Maps show 1km.",
        "claimant": "",
        "reason": "",
    }
    data.update(overrides)
    return data


# Rendering ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_claim_page_renders_for_every_role(client, request, role, claim):
    login(client, request.getfixturevalue(role))
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>Troops captured 2km of the region on Wednesday.</mark>" in body
    assert 'id="history-heading"' in body


def test_claim_is_shown_in_its_sentence(client, checker):
    part = ClaimFactory(text="took 2km", article=ArticleFactory(text="Troops took 2km of land, officials said."))
    body = login(client, checker).get(part.get_absolute_url()).content.decode()
    assert "Troops <mark>took 2km</mark> of land, officials said." in body
    assert "opens here" not in body and "closes with" not in body
    assert 'id="history-heading"' in body


def test_claim_page_shows_facts_and_label_form(client, checker):
    claim = ClaimFactory(
        quantities=[{"text": "2km", "value": 2, "unit": "km", "approx": "exact"}],
        entities=[{"text": "Kursk", "label": "GPE"}],
        score=0.87,
        kind="quantity",
    )
    body = login(client, checker).get(claim.get_absolute_url()).content.decode()
    assert "2km = 2 km" in body and "Kursk" in body and "0.87" in body
    for selector in [
        'id="id_verdict"',
        'id="id_summary"',
        'id="id_explanation"',
        'id="claim-save"',
        'id="id_evidence-url"',
        'id="evidence-add"',
        'id="link-search-q"',
        'name="version"',
    ]:
        assert selector in body
    assert "Pants on fire" in body  # the default rating scale


def test_reporter_sees_no_label_or_evidence_form(client, reporter, claim):
    body = login(client, reporter).get(claim.get_absolute_url()).content.decode()
    assert 'id="claim-save"' not in body and 'id="evidence-add"' not in body
    assert 'id="comment-post"' in body and 'id="link-search-q"' in body


def test_claim_page_404_and_403(client, checker, outsider):
    login(client, checker)
    assert client.get(reverse("review:claim", args=[987654])).status_code == 404
    login(client, outsider)
    assert client.get(ClaimFactory().get_absolute_url()).status_code == 403


def test_anonymous_is_sent_to_login(client, claim):
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 302 and "/login" in response["Location"]


# Labelling ------------------------------------------------------------------------------


def test_label_success(client, checker, claim):
    response = login(client, checker).post(reverse("review:claim_label", args=[claim.pk]), label_data(claim))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.verdict == rating("false") and claim.verdict_by == checker and claim.version == 2


def test_label_bad_input_keeps_what_was_typed(client, checker, claim):
    data = label_data(claim, verdict="", summary="My careful summary", explanation="Long explanation typed")
    response = login(client, checker).post(reverse("review:claim_label", args=[claim.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a verdict from the rating scale." in body
    assert "My careful summary" in body and "Long explanation typed" in body
    claim.refresh_from_db()
    assert claim.verdict is None


def test_label_bad_verdict_and_version(client, checker, claim):
    login(client, checker)
    url = reverse("review:claim_label", args=[claim.pk])
    assert "not on the newsroom" in client.post(url, label_data(claim, verdict=999999)).content.decode()
    assert client.post(url, label_data(claim, version="x")).status_code == 400


def test_label_403_for_reporter_and_404_for_missing(client, reporter, checker, claim):
    assert (
        login(client, reporter).post(reverse("review:claim_label", args=[claim.pk]), label_data(claim)).status_code
        == 403
    )
    assert (
        login(client, checker).post(reverse("review:claim_label", args=[999999]), label_data(claim)).status_code == 404
    )


def test_stale_save_refused_showing_changes_and_keeping_text(client, checker, checker2, claim):
    opened = claim.version
    claim_label(
        claim=claim,
        verdict=rating("true"),
        summary="Chloe's summary",
        explanation="",
        claimant_name="",
        actor=checker2,
        expected_version=opened,
    )
    data = label_data(claim, version=opened, summary="Carl's summary", explanation="Carl typed all this")
    response = login(client, checker).post(reverse("review:claim_label", args=[claim.pk]), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="stale-edit"' in body
    assert "Carl&#x27;s summary" in body and "Carl typed all this" in body  # nothing lost
    assert "Chloe&#x27;s summary" in body  # the stored value is shown
    assert "Short summary" in body and "Verdict" in body
    assert f'name="version" value="{opened + 1}"' in body  # saving again is deliberate
    claim.refresh_from_db()
    assert claim.verdict_summary == "Chloe's summary"


def test_published_claim_needs_correction_with_reason(client, editor, checker):
    claim = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, verdict_by=checker)
    url = reverse("review:claim_label", args=[claim.pk])
    login(client, checker)
    assert client.post(url, label_data(claim)).status_code == 403  # checkers cannot correct
    login(client, editor)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Publish correction" in page
    response = client.post(url, label_data(claim))
    assert response.status_code == 400
    assert "A correction to a published fact-check needs a reason." in response.content.decode()
    response = client.post(url, label_data(claim, reason="New figures from the ministry."))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.workflow == Workflow.PUBLISHED and claim.verdict == rating("false")
    correction = claim.corrections.get()
    assert correction.reason == "New figures from the ministry." and correction.made_at


# Workflow buttons --------------------------------------------------------------------------


def post_transition(client, name, claim, **extra):
    return client.post(reverse(f"review:{name}", args=[claim.pk]), {"version": claim.version, **extra})


def test_workflow_walk_and_two_person_rule_in_ui(client, checker, editor, admin_user):
    claim = ClaimFactory()
    login(client, editor)
    client.post(reverse("review:claim_label", args=[claim.pk]), label_data(claim))
    claim.refresh_from_db()
    page = client.get(claim.get_absolute_url()).content.decode()
    assert 'id="claim-submit-review"' in page
    post_transition(client, "claim_submit", claim)
    claim.refresh_from_db()
    assert claim.workflow == Workflow.IN_REVIEW
    page = client.get(claim.get_absolute_url()).content.decode()
    assert 'id="claim-approve"' not in page and 'id="two-person-note"' in page
    post_transition(client, "claim_approve", claim)
    claim.refresh_from_db()
    assert claim.workflow == Workflow.IN_REVIEW  # refused: he wrote the verdict
    login(client, admin_user)
    assert 'id="claim-approve"' in client.get(claim.get_absolute_url()).content.decode()
    post_transition(client, "claim_approve", claim)
    claim.refresh_from_db()
    assert claim.workflow == Workflow.APPROVED
    login(client, editor)
    assert 'id="claim-publish"' in client.get(claim.get_absolute_url()).content.decode()
    assert post_transition(client, "claim_publish", claim).status_code == 302
    claim.refresh_from_db()
    assert claim.workflow == Workflow.PUBLISHED and claim.published_at


def test_checker_cannot_approve_or_publish(client, checker, editor):
    claim = ClaimFactory(labelled=True, verdict_by=editor, workflow=Workflow.IN_REVIEW)
    login(client, checker)
    assert 'id="claim-approve"' not in client.get(claim.get_absolute_url()).content.decode()
    assert post_transition(client, "claim_approve", claim).status_code == 403
    assert post_transition(client, "claim_publish", claim).status_code == 403
    assert post_transition(client, "claim_send_back", claim, **{"sendback-comment": "x"}).status_code == 403


def test_wrong_state_transition_shows_message(client, editor):
    claim = ClaimFactory(labelled=True)
    login(client, editor)
    response = post_transition(client, "claim_publish", claim)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Only a claim that is approved can be published" in page


def test_stale_transition_refused(client, editor, checker):
    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.IN_REVIEW)
    login(client, editor)
    response = client.post(reverse("review:claim_approve", args=[claim.pk]), {"version": claim.version - 0 + 5})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.workflow == Workflow.IN_REVIEW
    assert client.post(reverse("review:claim_approve", args=[claim.pk]), {}).status_code == 302  # no version


def test_send_back_requires_comment(client, editor, checker):
    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.APPROVED, approved_by=editor)
    login(client, editor)
    url = reverse("review:claim_send_back", args=[claim.pk])
    response = client.post(url, {"sendback-version": claim.version, "sendback-comment": ""})
    assert response.status_code == 400
    assert "Say what needs fixing" in response.content.decode()
    response = client.post(url, {"sendback-version": claim.version, "sendback-comment": "Recheck source 2"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.workflow == Workflow.DRAFT
    assert Comment.objects.filter(claim=claim, body="Recheck source 2").exists()


# Assignment, evidence, comments ------------------------------------------------------------


def test_assign(client, checker, checker2, outsider, reporter, claim):
    login(client, checker)
    url = reverse("review:claim_assign", args=[claim.pk])
    client.post(url, {"assign-assignee": checker2.pk})
    claim.refresh_from_db()
    assert claim.assigned_to == checker2
    client.post(url, {"assign-assignee": outsider.pk})  # not a colleague: refused by the form
    claim.refresh_from_db()
    assert claim.assigned_to == checker2
    client.post(url, {"assign-assignee": ""})
    claim.refresh_from_db()
    assert claim.assigned_to is None
    assert login(client, reporter).post(url, {"assign-assignee": checker.pk}).status_code == 403
    assert client.post(reverse("review:claim_assign", args=[999999]), {}).status_code == 404


def test_evidence_add_and_remove(client, checker, reporter, claim):
    login(client, checker)
    url = reverse("review:claim_evidence_add", args=[claim.pk])
    response = client.post(
        url, {"evidence-url": "https://ons.example/t3", "evidence-title": "ONS", "evidence-note": "t3"}
    )
    assert response.status_code == 302
    ev = Evidence.objects.get(claim=claim)
    assert ev.added_by == checker
    response = client.post(url, {"evidence-url": "not a url", "evidence-title": "Kept title", "evidence-note": "kept"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a full web address" in body and "Kept title" in body
    assert login(client, reporter).post(url, {"evidence-url": "https://x.example"}).status_code == 403
    remove = reverse("review:claim_evidence_remove", args=[claim.pk, ev.pk])
    assert client.post(remove).status_code == 403
    login(client, checker)
    other = ClaimFactory(text="Another claim about bread prices.")
    assert client.post(reverse("review:claim_evidence_remove", args=[other.pk, ev.pk])).status_code == 404
    assert client.post(remove).status_code == 302
    assert not Evidence.objects.exists()


def test_comments(client, reporter, outsider, claim):
    login(client, reporter)
    url = reverse("review:claim_comment", args=[claim.pk])
    assert client.post(url, {"comment-body": "Which 2km?"}).status_code == 302
    assert Comment.objects.get().author == reporter
    response = client.post(url, {"comment-body": ""})
    assert response.status_code == 400 and "Write a comment" in response.content.decode()
    assert login(client, outsider).post(url, {"comment-body": "hi"}).status_code == 403


def test_get_on_action_urls_is_not_allowed(client, editor, claim):
    login(client, editor)
    assert client.get(reverse("review:claim_label", args=[claim.pk])).status_code == 405


# History, escaping, query counts -----------------------------------------------------------


def test_history_shows_who_what_why(client, checker, checker2, claim):
    for user, verdict, why in ((checker, "false", "first pass"), (checker2, "true", "ministry data")):
        claim.refresh_from_db()
        claim_label(
            claim=claim,
            verdict=rating(verdict),
            summary="s",
            explanation="",
            claimant_name="",
            actor=user,
            expected_version=claim.version,
            reason=why,
        )
    body = login(client, checker).get(claim.get_absolute_url()).content.decode()
    assert (
        "<strong>chloe</strong> changed the verdict from False to True: "
        '<span class="history-reason">“ministry data”</span>' in body
    )


def test_hostile_text_is_escaped(client, checker):
    claim = ClaimFactory(text=f"The minister said {HOSTILE} yesterday.", claimant_text=HOSTILE)
    EvidenceFactory(claim=claim, title=HOSTILE, note=HOSTILE)
    Comment.objects.create(claim=claim, author=checker, body=HOSTILE)
    AuditEvent.objects.create(
        actor=checker,
        action="label",
        content_type_id=_ct(claim),
        object_id=claim.pk,
        object_repr="x",
        changes={"verdict_summary": [HOSTILE, HOSTILE]},
        reason=HOSTILE,
    )
    other = ClaimFactory(text=f"Other {HOSTILE} claim.")
    ClaimLinkFactory(a=claim, b=other, reason=HOSTILE)
    body = login(client, checker).get(claim.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert '" onmouseover="alert(1)' not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(1)" in body


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _grow(claim, n):
    for i in range(n):
        EvidenceFactory(claim=claim, n=i + 100 * n)
        other = ClaimFactory(text=f"Linked claim number {i} of {n} about prices.", outlet=f"Outlet {i % 3}")
        ClaimLinkFactory(
            a=claim, b=other, state="confirmed" if i % 2 else "suggested", relation="same" if i % 2 else "related"
        )
        Comment.objects.create(claim=claim, body=f"comment {i}")
        third = ClaimFactory(text=f"Second-hop claim {i} of {n} about prices.")
        ClaimLinkFactory(a=other, b=third, state="confirmed")


def test_claim_page_query_count_is_constant(client, editor, django_assert_max_num_queries):
    claim = ClaimFactory(labelled=True, verdict_by=editor)
    login(client, editor)
    client.get(claim.get_absolute_url())  # warm caches (content types, session)
    _grow(claim, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(claim.get_absolute_url()).status_code == 200
    _grow(claim, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item claim-link"') == 14


def test_claim_page_lists_sources_and_comments_oldest_first(client, checker, claim):
    """Sorted in Python (views.common.sorted_rows), in the models' order: oldest first, then id."""
    import datetime

    from django.utils import timezone

    now = timezone.now()
    sources = [EvidenceFactory(claim=claim, title=f"Ordered source {i}") for i in range(3)]
    Evidence.objects.filter(pk=sources[0].pk).update(added_at=now + datetime.timedelta(minutes=5))
    comments = [Comment.objects.create(claim=claim, author=checker, body=f"Ordered comment {i}") for i in range(3)]
    Comment.objects.filter(pk=comments[1].pk).update(created_at=now - datetime.timedelta(days=1))
    client.force_login(checker)
    page = client.get(claim.get_absolute_url()).content.decode()
    positions = [page.index(f"Ordered source {i}") for i in (1, 2, 0)]
    assert positions == sorted(positions)
    positions = [page.index(f"Ordered comment {i}") for i in (1, 0, 2)]
    assert positions == sorted(positions)
