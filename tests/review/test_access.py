"""Every workspace URL with every persona: anonymous -> login, no role -> 403, capability decides actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = ["reporter", "checker", "editor", "admin_user", "outsider"]
CAN = {
    "reporter": {"member", "submit", "propose"},
    "checker": {"member", "submit", "propose", "review"},
    "editor": {"member", "submit", "propose", "review"},
    "admin_user": {"member", "submit", "propose", "review"},
    "outsider": set(),
}


def urls(article, claim, quote):
    a, c, q = article.pk, claim.pk, quote.pk
    return [
        ("get", reverse("review:dashboard"), "member"),
        ("get", reverse("review:articles"), "member"),
        ("get", reverse("review:search"), "member"),
        ("get", reverse("review:article_submit"), "submit"),
        ("get", reverse("review:article", args=[a]), "member"),
        ("get", reverse("review:article_status", args=[a]), "member"),
        ("get", reverse("review:article_panels", args=[a]), "member"),
        ("post", reverse("review:triage_claim_add", args=[a]), "propose"),
        ("post", reverse("review:triage_quote_add", args=[a]), "propose"),
        ("post", reverse("review:triage_claim_merge", args=[a]), "review"),
        ("post", reverse("review:triage_claim_accept", args=[a, c]), "review"),
        ("post", reverse("review:triage_claim_reject", args=[a, c]), "review"),
        ("post", reverse("review:triage_claim_edit", args=[a, c]), "review"),
        ("post", reverse("review:triage_claim_split", args=[a, c]), "review"),
        ("post", reverse("review:triage_quote_accept", args=[a, q]), "review"),
        ("post", reverse("review:triage_quote_reject", args=[a, q]), "review"),
        ("post", reverse("review:triage_quote_edit", args=[a, q]), "review"),
    ]


def test_anonymous_is_sent_to_login_everywhere(client, article, claim, quote):
    for method, url, _ in urls(article, claim, quote):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_with_every_role(request, client, persona, article, claim, quote):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for method, url, needs in urls(article, claim, quote):
        # An empty POST: allowed users get past the permission check and fail validation (400), never 403.
        response = getattr(client, method)(url, HTTP_ACCEPT="application/json" if method == "post" else "text/html")
        if needs in CAN[persona]:
            assert response.status_code in (200, 400), (persona, url, response.status_code)
        else:
            assert response.status_code == 403, (persona, url, response.status_code)


def test_get_on_post_only_actions_is_refused(client, checker, article, claim):
    client.force_login(checker)
    assert client.get(reverse("review:triage_claim_accept", args=[article.pk, claim.pk])).status_code == 405


def test_missing_objects_are_404(client, checker, article, claim, quote):
    client.force_login(checker)
    assert client.get(reverse("review:article", args=[999999])).status_code == 404
    assert client.get(reverse("review:article_status", args=[999999])).status_code == 404
    assert client.post(reverse("review:triage_claim_accept", args=[article.pk, 999999])).status_code == 404
    assert client.post(reverse("review:triage_quote_reject", args=[article.pk, 999999])).status_code == 404


def test_a_claim_through_another_articles_url_is_404(client, checker, article, claim):
    from factcheck.articles.models import Article

    other = Article.objects.create(body="Another article entirely.", headline="Other")
    client.force_login(checker)
    response = client.post(reverse("review:triage_claim_accept", args=[other.pk, claim.pk]))
    assert response.status_code == 404
