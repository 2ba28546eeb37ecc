"""The reader and the claim page run the same number of queries however much data they show
(issue 11, "page p95 < 300 ms under load": no query per candidate, link or event)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.accounts.roles import Role
from factcheck.articles.models import Article
from factcheck.audit.services import audit_record
from factcheck.claims.models import CandidateStatus, Claim, Person, Quote
from tests.factories import ArticleFactory, ClaimFactory, ClaimLinkFactory, UserFactory, rating


def _article_with(n: int) -> Article:
    """An article of n sentences, each a claim candidate, every third one accepted with a verdict and
    a claimant, and a quote with a named speaker in every other sentence."""
    sentences = [f"Minister {i} said “we built {i} bridges in region {i}” on Monday." for i in range(n)]
    article = ArticleFactory(body=" ".join(sentences))
    offset = 0
    for i, sentence in enumerate(sentences):
        labelled = i % 3 == 0
        Claim.objects.create(
            article=article,
            start=offset,
            end=offset + len(sentence),
            text=sentence,
            score=0.5 + i / (4 * n),
            checkworthy=True,
            status=CandidateStatus.ACCEPTED if labelled else CandidateStatus.CANDIDATE,
            verdict=rating("false") if labelled else None,
            claimant=Person.objects.create(name=f"Minister {i}", normalized_name=f"minister {n} {i}")
            if labelled
            else None,
            claimant_text=f"Minister {i}" if labelled else "",
        )
        if i % 2 == 0:
            quoted = f"we built {i} bridges in region {i}"
            start = offset + sentence.index(quoted)
            Quote.objects.create(
                article=article,
                start=start,
                end=start + len(quoted),
                text=quoted,
                speaker=Person.objects.create(name=f"Speaker {i}", normalized_name=f"speaker {n} {i}"),
                speaker_text=f"Minister {i}",
            )
        offset += len(sentence) + 1
    return article


def _queries(client, url: str) -> int:
    client.get(url)  # warm: session, content types, rating scale
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_reader_query_count_does_not_grow_with_candidates(db, client, django_assert_max_num_queries):
    checker = UserFactory(role=Role.FACT_CHECKER)
    client.force_login(checker)
    small, large = _article_with(2), _article_with(40)
    allowed = _queries(client, small.get_absolute_url())
    client.get(large.get_absolute_url())
    with django_assert_max_num_queries(allowed):
        response = client.get(large.get_absolute_url())
    page = response.content.decode()
    # Every claim and quote of the large article is on the page (none silently dropped).
    for claim in large.claims.all():
        assert f'data-cand="claim-{claim.pk}"' in page
    for quote in large.quotes.all():
        assert f'data-cand="quote-{quote.pk}"' in page


def test_reader_panels_query_count_does_not_grow_with_candidates(db, client, django_assert_max_num_queries):
    client.force_login(UserFactory(role=Role.FACT_CHECKER))
    small, large = _article_with(2), _article_with(40)
    allowed = _queries(client, f"/articles/{small.pk}/panels/")
    client.get(f"/articles/{large.pk}/panels/")
    with django_assert_max_num_queries(allowed):
        assert client.get(f"/articles/{large.pk}/panels/").status_code == 200


def test_claim_page_query_count_does_not_grow_with_history_and_checks(db, client, django_assert_max_num_queries):
    editor = UserFactory(role=Role.EDITOR)
    client.force_login(editor)

    def grown(n: int) -> Claim:
        claim = ClaimFactory(labelled=True, verdict_by=editor, text=f"Prices rose {n}% in {n} months.")
        for i in range(n):
            # Previously checked claims linked as the same claim, and an audit trail.
            other = ClaimFactory(labelled=True, text=f"Prices rose {n}% in {n} months, said outlet {i}.")
            ClaimLinkFactory(a=claim, b=other, state="confirmed" if i % 2 else "suggested")
            audit_record(actor=editor, action="claim_label", obj=claim, changes={"verdict": [None, i]})
        return claim

    small, large = grown(2), grown(16)
    allowed = _queries(client, small.get_absolute_url())
    client.get(large.get_absolute_url())
    with django_assert_max_num_queries(allowed):
        response = client.get(large.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item claim-link"') == 16


def test_reader_draws_no_form_per_candidate(db, client):
    """One edit and one split form for the page (reader.js copies them into the candidate being
    edited), and the Accept/Reject buttons of one shared form: the HTML per candidate is small
    and the same whatever the candidate count (issue 12: the 5,000-word article was 1.9 MB)."""
    client.force_login(UserFactory(role=Role.FACT_CHECKER))
    small, large = _article_with(2), _article_with(40)
    sizes, forms = {}, set()
    for article in (small, large):
        html = client.get(article.get_absolute_url()).content.decode()
        forms.add((html.count("<form"), html.count('name="csrfmiddlewaretoken"')))
        sizes[article.pk] = len(html)
    assert len(forms) == 1, forms  # as many forms and tokens for 3 candidates as for 60
    per_candidate = (sizes[large.pk] - sizes[small.pk]) / (60 - 3)  # 40 claims + 20 quotes vs 2 + 1
    assert per_candidate < 2_300, per_candidate


def test_reader_without_script_draws_the_one_form_asked_for(db, client):
    client.force_login(UserFactory(role=Role.FACT_CHECKER))
    article = _article_with(3)
    claim = article.claims.order_by("start").first()
    html = client.get(article.get_absolute_url()).content.decode()
    link = f"form=claim-{claim.pk}-edit#cand-claim-{claim.pk}"
    assert link in html and f'name="claim-{claim.pk}-edit-start"' not in html
    html = client.get(f"{article.get_absolute_url()}?form=claim-{claim.pk}-edit").content.decode()
    assert f'name="claim-{claim.pk}-edit-start" value="{claim.start}"' in html
    assert f'name="claim-{claim.pk}-edit-version" value="{claim.version}"' in html
