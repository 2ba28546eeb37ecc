"""Period-aware links on PostgreSQL: two stored claims worded "this year" in articles published
in different years are the same claim about different periods, and the editor sees it."""

from __future__ import annotations

import datetime

import pytest

from factcheck.articles.services import article_create
from factcheck.claims.models import Claim
from factcheck.linking.models import ClaimLink, LinkState, Relation
from factcheck.linking.ranking import find_quantities
from factcheck.linking.suggest import suggest_links_for_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index")]

TEXT = "Knife crime in the city has fallen by 12 percent this year, according to police figures."


def store(outlet: str, published: datetime.date) -> Claim:
    body = f"{TEXT}\n\n{outlet} asked the police about patrols."
    article = article_create(body=body, published=published, outlet_name=outlet, extract=False).article
    return Claim.objects.create(
        article=article,
        start=0,
        end=len(TEXT),
        text=TEXT,
        checkworthy=True,
        quantities=find_quantities(TEXT, published),
    )


def test_this_year_in_articles_of_different_years(settings, client, editor):
    settings.LINK_AUTOCONFIRM = True
    settings.LINK_AUTOCONFIRM_THRESHOLD = 0.5
    old = store("Evening Post", datetime.date(2023, 3, 10))
    suggest_links_for_article(old.article_id)
    new = store("Morning Star", datetime.date(2024, 9, 2))
    suggest_links_for_article(new.article_id)

    link = ClaimLink.objects.get(source_id=min(old.pk, new.pk), target_id=max(old.pk, new.pk))
    assert link.relation == Relation.SAME
    assert link.reason.startswith("same claim, different period (2024 vs 2023): re-check")
    # However sure the match, a claim about another period waits for an editor.
    assert link.score >= 0.5 and link.state == LinkState.SUGGESTED

    client.force_login(editor)
    page = client.get(old.get_absolute_url()).content.decode()
    assert "same claim, different period (2024 vs 2023): re-check" in page
