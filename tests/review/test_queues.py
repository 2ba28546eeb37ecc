"""The dashboard's counts and the queue pages they link to: one definition each, so every
number equals the length of its list; query counts flat with the size of the data; bulk
actions and link decisions through the services, with their refusals."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck.audit.models import AuditEvent
from factcheck.claims.models import Claim, Workflow
from factcheck.linking.models import ClaimLink, LinkState, QuoteLink
from factcheck.review import queues
from factcheck.review.views import common

from ..desk import build_desk

pytestmark = pytest.mark.django_db

COUNT_LINK = re.compile(
    r'<a class="dash-count[^"]*" href="([^"]+)" id="count-(\w+)">\s*<span class="dash-num">([\d,]+)</span>'
)


def dashboard_counts(client) -> dict[str, tuple[int, str]]:
    html = client.get(reverse("review:dashboard")).content.decode()
    return {key: (int(n.replace(",", "")), unescape(url)) for url, key, n in COUNT_LINK.findall(html)}


def listed(client, url: str) -> tuple[int, int]:
    """(the list's total, the rows on its first page) of the page at `url`."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    return page.paginator.count, len(page.object_list)


@pytest.mark.parametrize("persona", ["checker", "editor"])
def test_every_dashboard_count_is_the_length_of_the_list_it_links_to(
    request, client, checker, checker2, editor, persona
):
    build_desk(checker, checker2, editor)
    client.force_login(request.getfixturevalue(persona))
    counts = dashboard_counts(client)
    assert set(counts) == {"triage", "drafts", "approval", "mine", "links", "failed"}
    for key, (n, url) in counts.items():
        total, rows = listed(client, url)
        assert (key, n) == (key, total) == (key, rows), url
    # And they are what the state machine says, counted by hand.
    assert counts["triage"][0] == 2  # check-worthy candidates only
    assert counts["drafts"][0] == 2
    assert counts["approval"][0] == 2
    assert counts["links"][0] == 3  # two claim links and one quote link suggested
    assert counts["failed"][0] == 1  # news articles only, as the articles list shows them
    me = request.getfixturevalue(persona)
    mine = Claim.objects.filter(assigned_to=me).exclude(status="rejected").exclude(workflow="published")
    assert counts["mine"][0] == mine.count()


def test_article_rows_count_the_triage_queue_and_link_to_it(client, checker, checker2, editor):
    build_desk(checker, checker2, editor)
    client.force_login(checker)
    html = client.get(reverse("review:dashboard")).content.decode()
    rows = re.findall(r'class="small article-open-claims" href="([^"]+)">(\d+) check-worthy claims? to triage', html)
    assert rows, "no article rows"
    for url, n in rows:
        assert listed(client, unescape(url)) == (int(n), int(n))
    assert sum(int(n) for _, n in rows) == queues.TRIAGE.queryset(checker).count()


def test_counts_match_over_several_pages(client, checker, checker2, editor, monkeypatch):
    build_desk(checker, checker2, editor, scale=6)  # 12 to triage, 18 suggested links
    client.force_login(checker)
    counts = dashboard_counts(client)
    monkeypatch.setattr(common, "PAGE_SIZE", 5)
    for key, (n, url) in counts.items():
        total, rows = listed(client, url)
        assert total == n and rows == min(n, 5), key
        seen = 0
        for number in range(1, -(-n // 5) + 1):
            sep = "&" if "?" in url else "?"
            seen += listed(client, f"{url}{sep}page={number}")[1]
        assert seen == n, key


QUEUE_URLS = ["review:dashboard", "review:queue_triage", "review:queue_drafts", "review:queue_approval"]
QUEUE_URLS += ["review:queue_mine", "review:queue_links"]


@pytest.mark.parametrize("url_name", QUEUE_URLS)
def test_queue_pages_run_a_constant_number_of_queries(
    client, checker, checker2, editor, django_assert_max_num_queries, url_name
):
    url = reverse(url_name)
    build_desk(checker, checker2, editor)
    client.force_login(checker)
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    build_desk(checker, checker2, editor, scale=8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url_name", QUEUE_URLS[1:])
def test_queue_pages_query_count_does_not_grow_with_the_page(
    client, checker, checker2, editor, django_assert_max_num_queries, monkeypatch, url_name
):
    url = reverse(url_name)
    build_desk(checker, checker2, editor, scale=6)
    client.force_login(checker)
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 2
    monkeypatch.setattr(common, "PAGE_SIZE", 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) > 2


def test_dashboard_counts_in_one_query(checker, checker2, editor, django_assert_num_queries):
    build_desk(checker, checker2, editor)
    sets = {slug: q.queryset(checker) for slug, q in queues.CLAIM_QUEUES.items()}
    with django_assert_num_queries(1):
        numbers = queues.counts(sets)
    assert numbers == {slug: qs.count() for slug, qs in sets.items()}


# --- The queue pages ----------------------------------------------------------------------------


def test_triage_queue_lists_check_worthy_candidates_best_first_with_bulk_bar(client, checker, checker2, editor):
    build_desk(checker, checker2, editor)
    client.force_login(checker)
    response = client.get(reverse("review:queue_triage"))
    html = response.content.decode()
    rows = list(response.context["page"].object_list)
    assert [c.score for c in rows] == sorted((c.score for c in rows), reverse=True)
    assert all(c.status == "candidate" and c.checkworthy for c in rows)
    assert 'id="select-all"' in html and 'value="accept"' in html and 'value="reject"' in html
    assert 'value="submit"' not in html  # not offered where no claim could be sent
    assert f'name="version-{rows[0].pk}" value="{rows[0].version}"' in html


def test_a_reporter_sees_the_queues_without_bulk_actions(client, reporter, checker, checker2, editor):
    build_desk(checker, checker2, editor)
    client.force_login(reporter)
    html = client.get(reverse("review:queue_triage")).content.decode()
    assert "queue-item" in html and 'id="select-all"' not in html and 'name="claim"' not in html


def test_queue_filtered_by_article(client, checker, checker2, editor):
    desk = build_desk(checker, checker2, editor)
    first = desk["claims"][0]
    client.force_login(checker)
    response = client.get(reverse("review:queue_triage") + f"?article={first.article_id}")
    assert [c.pk for c in response.context["page"].object_list] == [first.pk]
    assert client.get(reverse("review:queue_triage") + "?article=abc").status_code == 200  # ignored


# --- Bulk view ----------------------------------------------------------------------------------


def test_bulk_view_rejects_and_says_what_was_refused(client, checker, checker2, editor):
    desk = build_desk(checker, checker2, editor)
    triage = [c for c in desk["claims"] if c.status == "candidate" and c.checkworthy]
    published = next(c for c in desk["claims"] if c.workflow == "published")
    client.force_login(checker)
    back = reverse("review:queue_triage") + "?page=1"
    data = {"action": "reject", "claim": [c.pk for c in triage] + [published.pk], "next": back}
    data.update({f"version-{c.pk}": c.version for c in [*triage, published]})
    response = client.post(reverse("review:queue_bulk"), data, follow=True)
    assert response.redirect_chain[-1][0] == back
    html = unescape(response.content.decode())
    assert (
        f"2 claims rejected; 1 refused: #{published.pk} “{published.text}”: Only a claim that is candidate "
        "or draft can be rejected; this one is published." in html
    )
    assert Claim.objects.filter(pk__in=[c.pk for c in triage], status="rejected").count() == 2
    assert AuditEvent.objects.filter(action="rejected").count() == 2
    assert Claim.objects.get(pk=published.pk).workflow == "published"


def test_bulk_view_refusal_message(client, checker, checker2, editor):
    desk = build_desk(checker, checker2, editor)
    published = next(c for c in desk["claims"] if c.workflow == "published")
    draft = next(c for c in desk["claims"] if c.workflow == "draft" and c.status == "accepted" and c.verdict_id)
    client.force_login(checker)
    data = {"action": "submit", "claim": [draft.pk, published.pk], "next": reverse("review:queue_drafts")}
    html = unescape(client.post(reverse("review:queue_bulk"), data, follow=True).content.decode())
    assert f"1 claim sent to review; 1 refused: #{published.pk}" in html
    assert "Only a claim that is draft can be submitted for review; this one is published." in html


def test_bulk_assign_needs_a_person_and_can_unassign(client, checker, checker2, editor):
    desk = build_desk(checker, checker2, editor)
    claim = desk["claims"][0]
    client.force_login(checker)
    url = reverse("review:queue_bulk")
    html = client.post(url, {"action": "assign", "claim": [claim.pk]}, follow=True).content.decode()
    assert "Choose whom to assign the claims to." in html
    client.post(url, {"action": "assign", "claim": [claim.pk], "assignee": str(checker2.pk)})
    assert Claim.objects.get(pk=claim.pk).assigned_to == checker2
    client.post(url, {"action": "assign", "claim": [claim.pk], "assignee": "nobody"})
    assert Claim.objects.get(pk=claim.pk).assigned_to is None


def test_bulk_view_bad_input_and_roles(client, reporter, checker, claim):
    url = reverse("review:queue_bulk")
    client.force_login(reporter)
    assert client.post(url, {"action": "accept", "claim": [claim.pk]}).status_code == 403
    client.force_login(checker)
    for data, message in [
        ({"action": "accept"}, "Select at least one claim first."),
        ({"action": "explode", "claim": [claim.pk]}, "That is not an action on claims."),
        ({"action": "accept", "claim": ["x"]}, "The selection is not valid"),
        ({"action": "accept", "claim": [claim.pk], f"version-{claim.pk}": "x"}, "The selection is not valid"),
    ]:
        response = client.post(url, data, follow=True)
        assert message in unescape(response.content.decode()), data
    # An off-site `next` is ignored (no open redirect).
    response = client.post(url, {"action": "accept", "claim": [claim.pk], "next": "https://evil.example/"})
    assert response["Location"] == reverse("review:queue_triage")
    claim.refresh_from_db()
    assert claim.status == "accepted"


# --- The suggested-links queue -------------------------------------------------------------------


def test_links_queue_shows_both_texts_and_the_reason(client, checker, checker2, editor):
    build_desk(checker, checker2, editor)
    client.force_login(checker)
    response = client.get(reverse("review:queue_links"))
    html = unescape(response.content.decode())
    links = response.context["links"]
    assert {link.kind for link in links} == {"claim", "quote"} and len(links) == 3
    for link in links:
        assert link.state == LinkState.SUGGESTED
        assert link.source.text in html and link.target.text in html
    assert "same numbers" in html  # the reason
    assert "<kbd>j</kbd>" in html and "<kbd>c</kbd>" in html  # shortcuts listed on the page


def test_link_decisions_answer_json_and_are_audited_on_both_ends(client, checker, checker2, editor):
    build_desk(checker, checker2, editor)
    link = ClaimLink.objects.filter(state=LinkState.SUGGESTED).first()
    qlink = QuoteLink.objects.filter(state=LinkState.SUGGESTED).first()
    client.force_login(checker)
    url = reverse("review:queue_link_decide")
    answer = client.post(
        url, {"kind": "claim", "link": link.pk, "decision": "confirm"}, headers={"accept": "application/json"}
    )
    assert answer.status_code == 200 and answer.json()["ok"] and answer.json()["state"] == "confirmed"
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED and link.decided_by == checker
    assert AuditEvent.objects.filter(action="link_confirm").count() == 2  # both ends' history
    response = client.post(url, {"kind": "quote", "link": qlink.pk, "decision": "dismiss"})
    assert response.status_code == 302 and response["Location"] == reverse("review:queue_links")
    assert QuoteLink.objects.get(pk=qlink.pk).state == LinkState.DISMISSED
    # Deciding again is refused with the service's reason.
    again = client.post(
        url, {"kind": "quote", "link": qlink.pk, "decision": "dismiss"}, headers={"accept": "application/json"}
    )
    assert again.status_code == 400 and again.json()["message"] == "This link is already dismissed."


def test_link_decisions_roles_missing_and_bad_input(client, reporter, checker, checker2, editor):
    build_desk(checker, checker2, editor)
    link = ClaimLink.objects.filter(state=LinkState.SUGGESTED).first()
    url = reverse("review:queue_link_decide")
    client.force_login(reporter)
    assert client.post(url, {"kind": "claim", "link": link.pk, "decision": "confirm"}).status_code == 403
    client.force_login(checker)
    assert client.post(url, {"kind": "claim", "link": 999999, "decision": "confirm"}).status_code == 404
    bad = client.post(
        url, {"kind": "claim", "link": link.pk, "decision": "maybe"}, headers={"accept": "application/json"}
    )
    assert bad.status_code == 400 and not bad.json()["ok"]
    assert ClaimLink.objects.get(pk=link.pk).state == LinkState.SUGGESTED


def test_links_queue_is_empty_when_all_decided(client, checker):
    client.force_login(checker)
    html = client.get(reverse("review:queue_links")).content.decode()
    assert "No suggested links" in html


def test_every_page_of_the_links_queue_lists_each_link_once(client, checker, checker2, editor, monkeypatch):
    build_desk(checker, checker2, editor, scale=4)
    client.force_login(checker)
    monkeypatch.setattr(common, "PAGE_SIZE", 5)
    seen = []
    for number in (1, 2, 3):
        response = client.get(reverse("review:queue_links") + f"?page={number}")
        seen += [(link.kind, link.pk) for link in response.context["links"]]
    assert len(seen) == len(set(seen)) == 12
    assert len([s for s in seen if s[0] == "quote"]) == 4


def test_approval_queue_longest_waiting_first(client, editor, checker, checker2):
    build_desk(checker, checker2, editor)
    client.force_login(editor)
    rows = list(client.get(reverse("review:queue_approval")).context["page"].object_list)
    assert len(rows) == 2 and all(r.workflow == Workflow.IN_REVIEW for r in rows)
    assert rows[0].updated_at <= rows[1].updated_at
