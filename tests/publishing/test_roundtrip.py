"""Round trip: a fact-check published on the desk, exported as its ClaimReview (.jsonld),
imported into a fresh database state with import_claimreview, comes back as the same
claim, verdict (mapped through the scale), claimant, appearance and dates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from factcheck.alerts.models import RepeatAlert
from factcheck.articles.models import Article, ArticleKind, Outlet
from factcheck.claims.models import Claim, Origin, Person, Workflow
from factcheck.claims.services import claim_correct, claim_publish

from ..factories import ClaimFactory, rating

pytestmark = pytest.mark.django_db


def _publish(editor, checker) -> Claim:
    person = Person.objects.create(name="Jane Minister", normalized_name="jane minister")
    claim = ClaimFactory(
        labelled=True, workflow=Workflow.APPROVED, verdict_by=checker, claimant=person, outlet="Daily Planet"
    )
    return claim_publish(claim=claim, actor=editor, expected_version=claim.version)


def _fresh_state() -> None:
    """What the importing newsroom's database knows of ours: nothing."""
    Claim.objects.all().delete()
    Article.objects.all().delete()
    Person.objects.all().delete()
    Outlet.objects.all().delete()


@pytest.mark.parametrize("corrected", [False, True])
def test_publish_export_import_gives_the_same_fact_check(client, editor, checker, settings, tmp_path, corrected):
    settings.LINK_EMBEDDINGS = False  # no vectors: this is about the markup
    claim = _publish(editor, checker)
    if corrected:
        claim_correct(
            claim=claim,
            verdict=rating("false"),
            summary="Revised.",
            explanation="Revised.",
            reason="The office revised its figure.",
            actor=editor,
            expected_version=claim.version,
        )
    claim.refresh_from_db()
    appearance, claimed_on = claim.article.url, claim.article.published
    verdict, text, published_on = claim.verdict, claim.text, claim.published_at.date()
    modified = claim.corrections.get().made_at.date() if corrected else None

    response = client.get(reverse("publishing:detail_jsonld", args=[claim.pk]))
    path = tmp_path / f"factcheck-{claim.pk}.jsonld"
    path.write_bytes(response.content)
    public_url = "http://testserver" + claim.get_public_url()

    _fresh_state()
    out = StringIO()
    call_command("import_claimreview", str(path), "--no-progress", stdout=out)

    back = Claim.objects.select_related("article__outlet", "verdict").get()
    assert back.text == text and back.origin == Origin.IMPORTED
    assert back.verdict == verdict  # "Mostly true" (or "False" after the correction), through the scale
    assert back.claimant_text == "Jane Minister"
    assert back.review_url == back.article.url == public_url
    assert back.article.kind == ArticleKind.FACTCHECK and back.article.published == published_on
    assert back.article.outlet.name == settings.NEWSROOM_NAME
    # The claim's appearance and its own date, and the review's dateModified, are stored.
    assert appearance and claimed_on  # the factory's article has both: the check below can fail
    assert back.article.claim_appearance_url == appearance
    assert back.article.claim_date == claimed_on
    assert back.article.review_modified == modified
    assert response.json()["itemReviewed"]["datePublished"] == claimed_on.isoformat()  # the claim's own date
    # Importing the same file again changes nothing.
    call_command("import_claimreview", str(path), "--no-progress", stdout=StringIO())
    assert Claim.objects.count() == 1

    # Where the imported check is shown as the earlier check, so are where and when it was said.
    repeat = ClaimFactory()
    alert = RepeatAlert.objects.create(claim=repeat, checked_claim=back, probability=0.9)
    client.force_login(editor)
    for url in (reverse("alerts:detail", args=[alert.pk]), back.get_absolute_url()):
        page = client.get(url).content.decode()
        assert f'href="{appearance}"' in page
        assert f'<time datetime="{claimed_on:%Y-%m-%d}">' in page
        assert (modified is not None and f'<time datetime="{modified:%Y-%m-%d}">' in page) == corrected
        assert "Check updated" in page or not corrected
