"""Link services: create (ordered, audited at both ends), confirm, dismiss, proposals; claim search for linking."""

from __future__ import annotations

import pytest

from factcheck.audit.models import AuditEvent
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, QuoteLink
from factcheck.linking.selectors import claim_cluster, claims_to_link
from factcheck.linking.services import LinkError, claim_link_create, link_confirm, link_dismiss, quote_link_create

from ..factories import (
    ClaimFactory,
    ClaimLinkFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


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
        claim_link_create(a=a, b=ClaimFactory(text="Other."), relation="bogus", actor=checker)


def test_create_confirms_an_existing_suggestion(pair, checker):
    a, b = pair
    suggestion = ClaimLinkFactory(a=a, b=b, relation="related")
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
    link = ClaimLinkFactory(a=a, b=b)
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
    q1, q2 = QuoteFactory(), QuoteFactory(text="We are advancing on all fronts")
    link = quote_link_create(a=q2, b=q1, relation="same", actor=checker)
    assert isinstance(link, QuoteLink) and link.source_id < link.target_id
    with pytest.raises(LinkError, match="itself"):
        quote_link_create(a=q1, b=q1, relation="same", actor=checker)


def test_claims_to_link_uses_the_linking_engine(pair):
    a, b = pair
    results = claims_to_link("Troops took 100 prisoners in Kursk", exclude=a)
    assert [c for c, _ in results][:1] == [b]
    assert all(c != a for c, _ in results)
    assert claims_to_link("   ", exclude=a) == []


def test_cluster_empty(checker):
    assert claim_cluster(ClaimFactory()).others == []
