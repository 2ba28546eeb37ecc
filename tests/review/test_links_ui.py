"""Cross-linking: link services, the link list with confirm/dismiss, the search box,
the cluster view and the quote page's misquote diff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.audit.models import AuditEvent
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, QuoteLink
from factcheck.linking.selectors import claim_cluster, claims_to_link
from factcheck.linking.services import LinkError, claim_link_create, link_confirm, link_dismiss, quote_link_create
from factcheck.review.claim_views import word_diff

from .factories import HOSTILE, claim_make, link_make, quote_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    a = claim_make("Ukraine captured 100 prisoners in Kursk.", outlet="Kyiv Post")
    b = claim_make("Kyiv says its troops took 100 prisoners in Kursk.", outlet="BBC")
    return a, b


# Services ---------------------------------------------------------------------------------


def test_create_stores_ordered_confirmed_and_audits_both_ends(pair, checker):
    a, b = pair
    link = claim_link_create(a=b, b=a, relation="same", actor=checker)
    assert (link.source_id, link.target_id) == (a.pk, b.pk)
    assert link.origin == LinkOrigin.EDITOR and link.state == LinkState.CONFIRMED and link.decided_by == checker
    assert AuditEvent.objects.for_object(a).get().action == "link_create"
    assert AuditEvent.objects.for_object(b).get().action == "link_create"


def test_create_refuses_self_and_duplicate(pair, checker):
    a, b = pair
    with pytest.raises(LinkError, match="itself"):
        claim_link_create(a=a, b=a, relation="same", actor=checker)
    claim_link_create(a=a, b=b, relation="same", actor=checker)
    with pytest.raises(LinkError, match="already linked"):
        claim_link_create(a=b, b=a, relation="conflicts", actor=checker)
    with pytest.raises(LinkError, match="not a link relation"):
        claim_link_create(a=a, b=claim_make("Other."), relation="bogus", actor=checker)


def test_create_confirms_an_existing_suggestion(pair, checker):
    a, b = pair
    suggestion = link_make(a, b, relation="related")
    link = claim_link_create(a=a, b=b, relation="same", actor=checker)
    assert link.pk == suggestion.pk and ClaimLink.objects.count() == 1
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED and link.relation == "same" and link.origin == LinkOrigin.SYSTEM


def test_reporter_proposal_is_a_suggestion(pair, reporter):
    a, b = pair
    link = claim_link_create(a=a, b=b, relation="same", actor=reporter, confirm=False)
    assert link.state == LinkState.SUGGESTED and link.origin == LinkOrigin.EDITOR and link.decided_by is None
    with pytest.raises(LinkError, match="already suggested"):
        claim_link_create(a=a, b=b, relation="same", actor=reporter, confirm=False)


def test_confirm_and_dismiss(pair, checker):
    a, b = pair
    link = link_make(a, b)
    link_confirm(link=link, actor=checker, relation="conflicts")
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED and link.relation == "conflicts"
    with pytest.raises(LinkError, match="already confirmed"):
        link_confirm(link=link, actor=checker)
    link_dismiss(link=link, actor=checker)
    link.refresh_from_db()
    assert link.state == LinkState.DISMISSED
    with pytest.raises(LinkError, match="already dismissed"):
        link_dismiss(link=link, actor=checker)
    assert list(AuditEvent.objects.for_object(a).values_list("action", flat=True)) == ["link_dismiss", "link_confirm"]


def test_quote_link_create(checker):
    q1, q2 = quote_make(), quote_make("We are advancing on all fronts")
    link = quote_link_create(a=q2, b=q1, relation="same", actor=checker)
    assert isinstance(link, QuoteLink) and link.source_id < link.target_id
    with pytest.raises(LinkError, match="itself"):
        quote_link_create(a=q1, b=q1, relation="same", actor=checker)


# Claim page: links, search ------------------------------------------------------------------


def test_links_listed_with_relation_score_reason_origin(client, pair, checker):
    a, b = pair
    link_make(a, b, relation="conflicts", score=0.73, reason="numbers differ")
    client.force_login(checker)
    body = client.get(a.get_absolute_url()).content.decode()
    assert "Conflicts" in body and "0.73" in body and "numbers differ" in body and "Suggested by the system" in body
    assert f'class="btn btn-sm btn-success link-confirm" data-link-id="{ClaimLink.objects.get().pk}"' in body
    assert b.text in body


def test_confirm_and_dismiss_buttons(client, pair, checker, reporter):
    a, b = pair
    link = link_make(a, b)
    client.force_login(reporter)
    assert client.post(reverse("review:claim_link_confirm", args=[link.pk])).status_code == 403
    assert "link-confirm" not in client.get(a.get_absolute_url()).content.decode()
    client.force_login(checker)
    response = client.post(
        reverse("review:claim_link_confirm", args=[link.pk]), {"relation": "related", "next": b.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == b.get_absolute_url()
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED and link.relation == "related" and link.decided_by == checker
    response = client.post(reverse("review:claim_link_dismiss", args=[link.pk]), {"next": "https://evil.example/"})
    assert response["Location"].startswith(a.get_absolute_url())  # no open redirect
    link.refresh_from_db()
    assert link.state == LinkState.DISMISSED
    assert "numbers" not in client.get(a.get_absolute_url()).content.decode()  # dismissed links are hidden
    assert client.post(reverse("review:claim_link_confirm", args=[link.pk]), {"relation": "bogus"}).status_code == 302
    assert client.post(reverse("review:claim_link_confirm", args=[999999])).status_code == 404


def test_search_box_finds_claims_and_offers_link_buttons(client, pair, checker):
    a, b = pair
    unrelated = claim_make("Bread prices rose by a third.")
    client.force_login(checker)
    response = client.get(reverse("review:claim_link_search", args=[a.pk]), {"q": "prisoners Kursk"})
    assert response.status_code == 200
    body = response.content.decode()
    assert b.text in body and unrelated.text not in body
    assert body.count('class="list-group-item link-search-result"') == 1  # not the claim itself
    for relation in ("same", "related", "conflicts", "supports"):
        assert f'value="{relation}" class="btn btn-sm btn-outline-primary link-create link-create-{relation}"' in body
    response = client.post(reverse("review:claim_link_create", args=[a.pk]), {"target": b.pk, "relation": "supports"})
    assert response.status_code == 302
    link = ClaimLink.objects.get()
    assert link.relation == "supports" and link.state == LinkState.CONFIRMED
    body = client.get(reverse("review:claim_link_search", args=[a.pk]), {"q": "prisoners"}).content.decode()
    assert "Already linked: supports (confirmed)" in body


def test_search_bad_input_and_access(client, pair, checker, outsider):
    a, _ = pair
    client.force_login(checker)
    url = reverse("review:claim_link_search", args=[a.pk])
    assert client.get(url, {"q": ""}).status_code == 400
    assert client.get(url, {"q": "x" * 301}).status_code == 400
    assert client.get(url).status_code == 200  # the empty search page
    assert client.get(reverse("review:claim_link_search", args=[999999]), {"q": "x"}).status_code == 404
    client.force_login(outsider)
    assert client.get(url, {"q": "x"}).status_code == 403


def test_link_create_bad_input(client, pair, checker, reporter):
    a, b = pair
    client.force_login(checker)
    url = reverse("review:claim_link_create", args=[a.pk])
    assert client.post(url, {"target": a.pk, "relation": "same"}).status_code == 302  # refused: self-link
    assert client.post(url, {"target": b.pk, "relation": "nonsense"}).status_code == 302
    assert client.post(url, {"target": 999999, "relation": "same"}).status_code == 404
    assert not ClaimLink.objects.exists()
    page = client.get(a.get_absolute_url()).content.decode()
    assert "cannot be linked to itself" in page
    client.force_login(reporter)
    client.post(url, {"target": b.pk, "relation": "same"})
    assert ClaimLink.objects.get().state == LinkState.SUGGESTED  # a reporter proposes


def test_claims_to_link_uses_the_linking_engine(pair):
    a, b = pair
    results = claims_to_link("Troops took 100 prisoners in Kursk", exclude=a)
    assert [c for c, _ in results][:1] == [b]
    assert all(c != a for c, _ in results)
    assert claims_to_link("   ", exclude=a) == []


# Cluster --------------------------------------------------------------------------------------


def test_cluster_transitive_bounded_and_on_a_timeline(client, checker):
    import datetime

    root = claim_make("Root claim about 100 prisoners.", outlet="A", published=datetime.date(2024, 8, 10))
    hop1 = claim_make("Hop one about 100 prisoners.", outlet="B", published=datetime.date(2024, 8, 5))
    hop2 = claim_make("Hop two about 100 prisoners.", outlet="C", published=datetime.date(2024, 8, 20))
    far = claim_make("Far away about 100 prisoners.", outlet="D", published=datetime.date(2024, 8, 21))
    dismissed = claim_make("Dismissed neighbour.", outlet="E")
    supports_suggested = claim_make("Only a suggested supports link.", outlet="F")
    link_make(root, hop1, state="confirmed", relation="same")
    link_make(hop1, hop2, state="confirmed", relation="conflicts")
    link_make(hop2, far, state="confirmed", relation="related")
    link_make(root, dismissed, state="dismissed")
    link_make(root, supports_suggested, state="suggested", relation="supports")
    cluster = claim_cluster(root, max_depth=2)
    assert [m.claim for m in cluster.members] == [hop1, root, hop2]  # by article date
    assert cluster.truncated  # `far` is one hop further
    assert [name for name, _ in cluster.by_outlet] == ["A", "B", "C"]
    full = claim_cluster(root)
    assert far in [m.claim for m in full.members]
    client.force_login(checker)
    body = client.get(root.get_absolute_url()).content.decode()
    assert "Each outlet's wording" in body and hop2.text in body and "2 links away" in body


def test_cluster_follows_confirmed_links_only(client, checker):
    """Two suggestions away is not "each outlet's wording": suggestions stay suggestions."""
    root = claim_make("Root claim about 100 prisoners.", outlet="A")
    suggested = claim_make("Suggested neighbour about 100 prisoners.", outlet="B")
    beyond = claim_make("Beyond the suggestion about 100 prisoners.", outlet="C")
    link_make(root, suggested, state="suggested", relation="same")
    link_make(suggested, beyond, state="confirmed", relation="same")
    assert claim_cluster(root).others == []
    client.force_login(checker)
    body = client.get(root.get_absolute_url()).content.decode()
    assert "Each outlet's wording" not in body
    assert suggested.text in body  # listed, as a suggestion, in the links panel
    assert beyond.text not in body


def test_cluster_empty(checker):
    assert claim_cluster(claim_make()).others == []


# Quote page -----------------------------------------------------------------------------------


def test_word_diff():
    assert word_diff("we are advancing on every front", "we are advancing on all fronts") == [
        ("equal", "we are advancing on"),
        ("delete", "every front"),
        ("insert", "all fronts"),
    ]


def test_quote_page_shows_misquote_diff_and_decides(client, checker, reporter):
    q1, q2 = quote_make(), quote_make("We are advancing on all fronts", speaker_text="Mr Zelenskyy")
    link = link_make(q1, q2, relation="conflicts", reason="possible misquote")
    client.force_login(checker)
    body = client.get(q1.get_absolute_url()).content.decode()
    assert "<del>every front</del>" in body and "<ins>all fronts</ins>" in body
    assert "possible misquote" in body and 'class="btn btn-sm btn-success link-confirm"' in body
    assert client.post(reverse("review:quote_link_confirm", args=[q1.pk, link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED
    # A link reached through a quote it does not involve is not found.
    q3 = quote_make("Something else entirely")
    assert client.post(reverse("review:quote_link_dismiss", args=[q3.pk, link.pk])).status_code == 404
    client.force_login(reporter)
    assert client.post(reverse("review:quote_link_dismiss", args=[q1.pk, link.pk])).status_code == 403
    client.force_login(checker)
    assert client.post(reverse("review:quote_link_dismiss", args=[q1.pk, link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.state == LinkState.DISMISSED
    assert "history-event" in client.get(q1.get_absolute_url()).content.decode()


def test_quote_search_and_link(client, checker):
    q1, q2 = quote_make(), quote_make("We are advancing on all fronts")
    client.force_login(checker)
    body = client.get(q1.get_absolute_url(), {"q": "advancing"}).content.decode()
    assert f'data-quote-id="{q2.pk}"' in body and f'data-quote-id="{q1.pk}"' not in body
    assert client.get(q1.get_absolute_url(), {"q": ""}).status_code == 400
    client.post(reverse("review:quote_link_create", args=[q1.pk]), {"target": q2.pk, "relation": "same"})
    assert QuoteLink.objects.get().state == LinkState.CONFIRMED
    assert client.get(reverse("review:quote", args=[999999])).status_code == 404


def test_quote_hostile_text_escaped_in_diff(client, checker):
    q1 = quote_make(f"We will win {HOSTILE}")
    q2 = quote_make(f"We shall win {HOSTILE}")
    link_make(q1, q2)
    client.force_login(checker)
    body = client.get(q1.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert '" onmouseover="alert(1)' not in body
    assert "<del>will</del>" in body
