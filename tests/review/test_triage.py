"""The reader's triage actions: accept/reject, edit, split, merge and add, as HTML forms and as JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.claims import services
from factcheck.claims.models import CandidateStatus, Claim

from ..factories import (
    ClaimFactory,
    span_of,
)

pytestmark = pytest.mark.django_db


JSON = {"HTTP_ACCEPT": "application/json"}


def test_accept_without_js_redirects_back_to_the_candidate(client, checker, article, claim):
    client.force_login(checker)
    response = client.post(reverse("review:triage_claim_accept", args=[article.pk, claim.pk]), {"version": 1})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#cand-claim-{claim.pk}")
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.ACCEPTED


def test_reject_with_json(client, checker, article, quote):
    client.force_login(checker)
    url = reverse("review:triage_quote_reject", args=[article.pk, quote.pk])
    data = client.post(url, {"version": 1}, **JSON).json()
    assert data["ok"] is True and data["status"] == "rejected"


def test_stale_decision_is_refused_and_lists_the_change(client, checker, checker2, article, claim):
    services.claim_accept(claim=Claim.objects.get(pk=claim.pk), actor=checker2)
    client.force_login(checker)
    url = reverse("review:triage_claim_reject", args=[article.pk, claim.pk])
    response = client.post(url, {"version": 1}, **JSON)
    assert response.status_code == 409
    data = response.json()
    assert data["stale"] is True and data["ok"] is False and data["version"] == 2
    # What this editor asked for beside what is stored now (issue 9: yours / stored).
    assert "status: yours “rejected”, stored “accepted”" in data["message"]
    assert data["changes"] == {"status": ["rejected", "accepted"]}
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.ACCEPTED


def test_stale_edit_without_js_keeps_what_was_typed(client, checker, checker2, article, claim):
    services.claim_edit_span(
        claim=Claim.objects.get(pk=claim.pk), start=claim.start, end=claim.start + 6, actor=checker2, expected_version=1
    )
    client.force_login(checker)
    prefix = f"claim-{claim.pk}-edit"
    url = reverse("review:triage_claim_edit", args=[article.pk, claim.pk])
    typed = {f"{prefix}-start": claim.start, f"{prefix}-end": claim.end - 1, f"{prefix}-version": 1}
    response = client.post(url, typed)
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else changed this claim" in html
    # Yours (the span typed) beside what is stored now (issue 9: yours / stored).
    assert "text: yours “Troops captured around 2km" in html and "stored “Troops”" in html
    assert f'value="{claim.end - 1}"' in html  # the editor's value is still in the form
    assert f'name="{prefix}-version" value="2"' in html  # ... now based on the current version
    claim.refresh_from_db()
    assert claim.text == "Troops"


def test_edit_bad_input(client, checker, article, claim):
    client.force_login(checker)
    prefix = f"claim-{claim.pk}-edit"
    url = reverse("review:triage_claim_edit", args=[article.pk, claim.pk])
    response = client.post(url, {f"{prefix}-start": 10, f"{prefix}-end": 5, f"{prefix}-version": 1}, **JSON)
    assert response.status_code == 400
    assert f"{prefix}-end" in response.json()["errors"]
    response = client.post(url, {f"{prefix}-start": 0, f"{prefix}-end": 99999, f"{prefix}-version": 1}, **JSON)
    assert response.status_code == 400
    assert "not inside the article" in response.json()["message"]


def test_quote_edit_view(client, checker, article, quote):
    client.force_login(checker)
    prefix = f"quote-{quote.pk}-edit"
    url = reverse("review:triage_quote_edit", args=[article.pk, quote.pk])
    data = {f"{prefix}-start": quote.start, f"{prefix}-end": quote.end, f"{prefix}-version": 1}
    response = client.post(url, {**data, f"{prefix}-speaker_name": "Volodymyr Zelenskyy"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.speaker.name == "Volodymyr Zelenskyy"


def test_add_claim_from_selection(client, reporter, article):
    client.force_login(reporter)
    start, end = span_of(article.body, "Ukraine says it took 100 prisoners")
    response = client.post(reverse("review:triage_claim_add", args=[article.pk]), {"start": start, "end": end}, **JSON)
    assert response.status_code == 200
    claim = Claim.objects.get(pk=int(response.json()["key"].split("-")[1]))
    assert claim.text == "Ukraine says it took 100 prisoners" and claim.origin == "editor"


def test_add_bad_input_rerenders_with_values(client, reporter, article):
    client.force_login(reporter)
    url = reverse("review:triage_quote_add", args=[article.pk])
    response = client.post(url, {"start": 5, "end": 999999, "speaker_name": "Someone"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="999999"' in html and 'value="Someone"' in html


def test_merge_and_split_views(client, checker, article):
    a = span_of(article.body, "Troops captured around 2km more of the region")
    b = span_of(article.body, "on Wednesday, officials said.")
    first = Claim.objects.create(article=article, start=a[0], end=a[1], text=article.body[a[0] : a[1]])
    second = Claim.objects.create(article=article, start=b[0], end=b[1], text=article.body[b[0] : b[1]])
    client.force_login(checker)
    url = reverse("review:triage_claim_merge", args=[article.pk])
    assert client.post(url, {"claims": [first.pk]}, **JSON).status_code == 400
    response = client.post(url, {"claims": [first.pk, second.pk]}, **JSON)
    assert response.status_code == 200
    merged = Claim.objects.get(article=article, start=a[0], end=b[1])
    prefix = f"claim-{merged.pk}-split"
    split_url = reverse("review:triage_claim_split", args=[article.pk, merged.pk])
    bad = client.post(split_url, {f"{prefix}-at": merged.end + 5, f"{prefix}-version": merged.version}, **JSON)
    assert bad.status_code == 400
    ok = client.post(split_url, {f"{prefix}-at": b[0], f"{prefix}-version": merged.version}, **JSON)
    assert ok.status_code == 200
    assert Claim.objects.filter(article=article, status=CandidateStatus.ACCEPTED).count() == 2


def test_reader_buttons_follow_the_claim_state_machine(client, checker, article):
    """A claim past draft offers no triage buttons on the reader; a candidate offers accept and reject."""
    start, end = span_of(article.body, "Troops captured around 2km")
    candidate = ClaimFactory(article=article, text=article.body[start:end], score=0.8, checkworthy=True)
    published = ClaimFactory(
        article=article, labelled=True, text="“We are advancing,” the president said.", workflow="published"
    )
    client.force_login(checker)
    html = client.get(reverse("review:article", args=[article.pk])).content.decode()
    item = html[html.index(f'id="cand-claim-{candidate.pk}"') :]
    item = item[: item.index("</li>")]
    assert "cand-accept" in item and "cand-reject" in item and "cand-edit" in item
    item = html[html.index(f'id="cand-claim-{published.pk}"') :]
    item = item[: item.index("</li>")]
    assert "cand-accept" not in item and "cand-reject" not in item and "cand-edit" not in item
    assert "merge-check" not in item


def test_stale_edit_json_lists_yours_and_stored(client, checker, checker2, article, claim):
    services.claim_edit_span(
        claim=Claim.objects.get(pk=claim.pk), start=claim.start, end=claim.start + 6, actor=checker2, expected_version=1
    )
    client.force_login(checker)
    prefix = f"claim-{claim.pk}-edit"
    url = reverse("review:triage_claim_edit", args=[article.pk, claim.pk])
    typed = {f"{prefix}-start": claim.start, f"{prefix}-end": claim.end - 1, f"{prefix}-version": 1}
    response = client.post(url, typed, **JSON)
    assert response.status_code == 409
    data = response.json()
    assert data["ok"] is False and data["stale"] is True and data["version"] == 2
    # {field: [yours, stored]} for the fields that differ (the start is the same).
    assert data["changes"] == {
        "end": [str(claim.end - 1), str(claim.start + 6)],
        "text": [article.body[claim.start : claim.end - 1], "Troops"],
    }


def test_a_refusal_answers_json_with_its_status(client, checker, article):
    """A service's ApplicationError becomes {"ok": false, "message": ...} with the error's status."""
    in_review = ClaimFactory(
        article=article, labelled=True, text="“We are advancing,” the president said.", workflow="in_review"
    )
    client.force_login(checker)
    url = reverse("review:triage_claim_reject", args=[article.pk, in_review.pk])
    response = client.post(url, {"version": in_review.version}, **JSON)
    assert response.status_code == 409
    data = response.json()
    assert data["ok"] is False and "rejected" in data["message"]
    response = client.post(url, {"version": in_review.version})  # without JavaScript: a message and a redirect
    assert response.status_code == 302 and response["Location"].endswith(f"#cand-claim-{in_review.pk}")
