"""Cross-linking on the claim page: the link list with confirm/dismiss, the link search, creating links, the cluster."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.linking.models import ClaimLink, LinkState
from factcheck.linking.selectors import claim_cluster

from ..factories import (
    ClaimFactory,
    ClaimLinkFactory,
)

pytestmark = pytest.mark.django_db


def test_links_listed_with_relation_score_reason_origin(client, pair, checker):
    a, b = pair
    ClaimLinkFactory(a=a, b=b, relation="conflicts", score=0.73, reason="numbers differ")
    client.force_login(checker)
    body = client.get(a.get_absolute_url()).content.decode()
    assert "Conflicts" in body and "0.73" in body and "numbers differ" in body and "Suggested by the system" in body
    assert f'class="btn btn-sm btn-success link-confirm" data-link-id="{ClaimLink.objects.get().pk}"' in body
    assert b.text in body


def test_confirm_and_dismiss_buttons(client, pair, checker, reporter):
    a, b = pair
    link = ClaimLinkFactory(a=a, b=b)
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
    unrelated = ClaimFactory(text="Bread prices rose by a third.")
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


def test_cluster_transitive_bounded_and_on_a_timeline(client, checker):
    import datetime

    root = ClaimFactory(text="Root claim about 100 prisoners.", outlet="A", published=datetime.date(2024, 8, 10))
    hop1 = ClaimFactory(text="Hop one about 100 prisoners.", outlet="B", published=datetime.date(2024, 8, 5))
    hop2 = ClaimFactory(text="Hop two about 100 prisoners.", outlet="C", published=datetime.date(2024, 8, 20))
    far = ClaimFactory(text="Far away about 100 prisoners.", outlet="D", published=datetime.date(2024, 8, 21))
    dismissed = ClaimFactory(text="Dismissed neighbour.", outlet="E")
    supports_suggested = ClaimFactory(text="Only a suggested supports link.", outlet="F")
    ClaimLinkFactory(a=root, b=hop1, state="confirmed", relation="same")
    ClaimLinkFactory(a=hop1, b=hop2, state="confirmed", relation="conflicts")
    ClaimLinkFactory(a=hop2, b=far, state="confirmed", relation="related")
    ClaimLinkFactory(a=root, b=dismissed, state="dismissed")
    ClaimLinkFactory(a=root, b=supports_suggested, state="suggested", relation="supports")
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
    root = ClaimFactory(text="Root claim about 100 prisoners.", outlet="A")
    suggested = ClaimFactory(text="Suggested neighbour about 100 prisoners.", outlet="B")
    beyond = ClaimFactory(text="Beyond the suggestion about 100 prisoners.", outlet="C")
    ClaimLinkFactory(a=root, b=suggested, state="suggested", relation="same")
    ClaimLinkFactory(a=suggested, b=beyond, state="confirmed", relation="same")
    assert claim_cluster(root).others == []
    client.force_login(checker)
    body = client.get(root.get_absolute_url()).content.decode()
    assert "Each outlet's wording" not in body
    assert suggested.text in body  # listed, as a suggestion, in the links panel
    assert beyond.text not in body


def test_cluster_from_the_page_links_is_the_same_and_skips_the_query(django_assert_num_queries):
    """The claim page hands claim_cluster the links it loaded: the same cluster, and no query at
    all when none of them is confirmed."""
    from factcheck.linking.selectors import claim_links_for

    root = ClaimFactory(text="Root claim about 100 prisoners.", outlet="A")
    suggested = ClaimFactory(text="Suggested neighbour about 100 prisoners.", outlet="B")
    beyond = ClaimFactory(text="Beyond the suggestion about 100 prisoners.", outlet="C")
    ClaimLinkFactory(a=root, b=suggested, state="suggested", relation="same")
    ClaimLinkFactory(a=suggested, b=beyond, state="confirmed", relation="same")
    links = list(claim_links_for(root))
    with django_assert_num_queries(0):
        alone = claim_cluster(root, links=links)
    assert alone.members == claim_cluster(root).members == [] and not alone.truncated
    for claim in (suggested, beyond):  # with a confirmed link: what the walk finds
        given = claim_cluster(claim, links=list(claim_links_for(claim)))
        walked = claim_cluster(claim)
        assert [m.claim.pk for m in given.members] == [m.claim.pk for m in walked.members]
        assert {m.claim.pk for m in given.members} == {suggested.pk, beyond.pk}


def test_claim_links_list_keeps_the_sql_order():
    """The claim page sorts its links in Python (claim_links_list): the order PostgreSQL gave,
    suggestions first, then by score with no score first, then newest."""
    from factcheck.linking.selectors import claim_links_for, claim_links_list

    root = ClaimFactory(text="Root claim about 100 prisoners.", outlet="A")
    others = [ClaimFactory(text=f"Neighbour {i} about 100 prisoners.", outlet=f"O{i}") for i in range(6)]
    for other, (state, score) in zip(
        others,
        [
            ("confirmed", 0.7),
            ("suggested", None),
            ("suggested", 0.9),
            ("confirmed", None),
            ("suggested", 0.9),
            ("dismissed", 1.0),
        ],
        strict=True,
    ):
        link = ClaimLinkFactory(a=root, b=other, state=state)
        ClaimLink.objects.filter(pk=link.pk).update(score=score)
    expected = [link.pk for link in claim_links_for(root)]
    assert len(expected) == 5
    assert [link.pk for link in claim_links_list(root)] == expected
