"""Suggestions, ClaimReview import and the `similar` command, on PostgreSQL."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from factcheck.articles.models import Article, ArticleKind
from factcheck.articles.services import article_create
from factcheck.audit.models import AuditEvent
from factcheck.claims.models import CandidateStatus, Claim, Origin, Person, Quote
from factcheck.linking.embeddings import index_reset
from factcheck.linking.engine import embed
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, QuoteLink, Relation
from factcheck.linking.ranking import claim_search, find_quantities
from factcheck.linking.retrieval import doc_stats
from factcheck.linking.selectors import checked_matches
from factcheck.linking.suggest import suggest_links_for_article
from factcheck.linking.tasks import suggest_links
from factcheck.webhooks.models import Delivery, Endpoint, Event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index")]

DAY = datetime.date(2024, 8, 14)

LBC = [
    "More than 100 Russian soldiers were taken prisoner during this advancement.",
    "Over 100,000 people have been forced to flee the region.",
    "Troops captured around 2km more of the Kursk region on Wednesday.",
]
CNN = [
    "Zelensky also stated 100 Russian servicemen had been captured.",
    "Tens of thousands of Russians have fled their homes.",
    "His forces are advancing in the Kursk region by 1 to 2 kilometers on Wednesday.",
    "The central bank left interest rates unchanged at 16 percent.",
]


def make_article(outlet: str, sentences: list[str], quotes: list[tuple[str, Person]] = ()) -> Article:
    body = "\n\n".join(sentences + [f"“{text}”, {p.name} said." for text, p in quotes])
    article = article_create(body=body, published=DAY, outlet_name=outlet, extract=False).article
    for sentence in sentences:
        start = body.index(sentence)
        Claim.objects.create(
            article=article,
            start=start,
            end=start + len(sentence),
            text=sentence,
            checkworthy=True,
            quantities=find_quantities(sentence, DAY),
        )
    for text, person in quotes:
        start = body.index(text)
        Quote.objects.create(article=article, start=start, end=start + len(text), text=text, speaker=person)
    return article


def link_between(a_text: str, b_text: str) -> ClaimLink | None:
    a = Claim.objects.get(text=a_text)
    b = Claim.objects.get(text=b_text)
    lo, hi = sorted([a.pk, b.pk])
    return ClaimLink.objects.filter(source_id=lo, target_id=hi).first()


@pytest.fixture
def putin():
    return Person.objects.create(name="Vladimir Putin", normalized_name="vladimir putin")


@pytest.fixture
def two_articles(putin):
    # In arrival order: the first article's suggestions run (and embed its claims) before the second exists.
    first = make_article("LBC", LBC, [("kick the enemy out of our territory", putin)])
    assert suggest_links_for_article(first.pk)["claim_created"] == 0
    second = make_article("CNN", CNN, [("kick the enemy out", putin)])
    return first, second


def test_suggestions_on_arrival(two_articles):
    _, second = two_articles
    counts = suggest_links_for_article(second.pk)
    assert counts["claim_created"] >= 3

    pow_link = link_between(LBC[0], CNN[0])
    assert pow_link.relation == Relation.SAME
    assert pow_link.state == LinkState.SUGGESTED and pow_link.origin == LinkOrigin.SYSTEM
    assert "figures agree" in pow_link.reason

    fled = link_between(LBC[1], CNN[1])
    assert fled.relation == Relation.CONFLICTS
    assert fled.reason.startswith("different figures")

    km = link_between(LBC[2], CNN[2])
    assert km.relation == Relation.SAME  # around 2km vs 1 to 2 km agree
    assert link_between(LBC[2], CNN[3]) is None

    quote_link = QuoteLink.objects.get()
    assert quote_link.relation == Relation.SAME
    assert quote_link.reason.startswith("misquote: wording differs")
    assert "of our territory" in quote_link.reason


def test_rerun_is_idempotent_and_respects_editors(two_articles):
    first, second = two_articles
    suggest_links_for_article(second.pk)
    before = set(ClaimLink.objects.values_list("source_id", "target_id", "relation"))
    fled = link_between(LBC[1], CNN[1])
    fled.state = LinkState.DISMISSED
    fled.save(update_fields=["state"])
    km = link_between(LBC[2], CNN[2])
    ClaimLink.objects.filter(pk=km.pk).update(state=LinkState.CONFIRMED, relation=Relation.RELATED)

    suggest_links_for_article(second.pk)
    suggest_links_for_article(first.pk)
    suggest_links.delay(second.pk)

    assert set(ClaimLink.objects.values_list("source_id", "target_id", "relation")) == (
        before - {(km.source_id, km.target_id, Relation.SAME)} | {(km.source_id, km.target_id, Relation.RELATED)}
    )
    assert ClaimLink.objects.get(pk=fled.pk).state == LinkState.DISMISSED
    km = ClaimLink.objects.get(pk=km.pk)
    assert (km.state, km.relation) == (LinkState.CONFIRMED, Relation.RELATED)
    assert QuoteLink.objects.count() == 1


def test_autoconfirm(two_articles, settings):
    settings.LINK_AUTOCONFIRM = True
    settings.LINK_AUTOCONFIRM_THRESHOLD = 0.7
    suggest_links_for_article(two_articles[1].pk)
    km = link_between(LBC[2], CNN[2])
    assert km.score >= 0.7 and km.state == LinkState.CONFIRMED
    assert link_between(LBC[1], CNN[1]).state in (LinkState.SUGGESTED, LinkState.CONFIRMED)
    assert all(link.state == LinkState.SUGGESTED for link in ClaimLink.objects.filter(score__lt=0.7))


def test_an_autoconfirmed_link_is_audited_as_the_systems_confirmation_and_becomes_a_webhook_event(
    two_articles, settings, django_capture_on_commit_callbacks
):
    settings.LINK_AUTOCONFIRM = True
    settings.LINK_AUTOCONFIRM_THRESHOLD = 0.7
    endpoint = Endpoint.objects.create(url="http://127.0.0.1:9/hooks", secret="s", events=["link.confirmed"])
    first, second = two_articles
    # A suggestion made before auto-confirm was on, promoted by the re-run: audited too.
    settings.LINK_AUTOCONFIRM = False
    suggest_links_for_article(second.pk)
    settings.LINK_AUTOCONFIRM = True
    km = link_between(LBC[2], CNN[2])
    ClaimLink.objects.filter(pk=km.pk).update(state=LinkState.SUGGESTED)
    ClaimLink.objects.exclude(pk=km.pk).delete()  # the rest are made (confirmed) by the run
    with django_capture_on_commit_callbacks(execute=True):
        suggest_links_for_article(second.pk)

    confirmed = list(ClaimLink.objects.filter(state=LinkState.CONFIRMED).order_by("pk"))
    assert km.pk in {link.pk for link in confirmed} and len(confirmed) >= 2
    events = AuditEvent.objects.filter(action="link_confirm")
    # One decision, recorded on both ends, by the system (no user), saying why.
    assert events.count() == 2 * len(confirmed)
    assert not events.filter(actor__isnull=False).exists()
    assert all(e.reason.startswith("confirmed by the linking engine: score") for e in events)
    km_events = events.filter(object_id__in=[km.source_id, km.target_id])
    assert {e.changes["link"][0] for e in km_events} == {
        f"suggested same link to {km.target_id}",
        f"suggested same link to {km.source_id}",
    }
    # Each confirmed link is one link.confirmed event, queued for the subscribed endpoint.
    hooks = Event.objects.filter(type="link.confirmed")
    assert sorted(hooks.values_list("object_id", flat=True)) == [link.pk for link in confirmed]
    assert Delivery.objects.filter(endpoint=endpoint, state="pending").count() == len(confirmed)

    # Re-running (from either article, or as the task) creates no link and records nothing.
    with django_capture_on_commit_callbacks(execute=True):
        suggest_links_for_article(second.pk)
        suggest_links_for_article(first.pk)
    assert ClaimLink.objects.filter(state=LinkState.CONFIRMED).count() == len(confirmed)
    assert AuditEvent.objects.count() == 2 * len(confirmed)
    assert (Event.objects.count(), Delivery.objects.count()) == (len(confirmed), len(confirmed))


def test_task_ignores_missing_article():
    assert suggest_links.run(987654) == {}


def test_task_is_enqueued_after_extraction_commits(article, django_capture_on_commit_callbacks, monkeypatch):
    from factcheck.extraction.engine.types import Extraction
    from factcheck.extraction.store import candidates_store

    calls = []
    monkeypatch.setattr(suggest_links, "delay", lambda article_id: calls.append(article_id))
    with django_capture_on_commit_callbacks(execute=True):
        candidates_store(article_id=article.pk, extraction=Extraction([], [], []), version="t")
    assert calls == [article.pk]


def claimreview(url: str, text: str, rating: str, value: int | None = None) -> dict:
    rating_obj = {"@type": "Rating", "alternateName": rating}
    if value is not None:
        rating_obj |= {"ratingValue": value, "bestRating": 5, "worstRating": 1}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": text,
        "author": {"@type": "Organization", "name": "Other Checkers"},
        "datePublished": "2024-08-15",
        "reviewRating": rating_obj,
    }


@pytest.fixture
def review_files(tmp_path):
    (tmp_path / "one.json").write_text(
        json.dumps(claimreview("https://checkers.example/pow", "Ukraine captured 100 Russian soldiers", "Mostly True"))
    )
    (tmp_path / "graph.json").write_text(
        json.dumps({"@graph": [claimreview("https://checkers.example/rates", "Interest rates hit 16 percent", "", 1)]})
    )
    (tmp_path / "feed.jsonl").write_text(
        json.dumps([claimreview("https://checkers.example/x", "Bridges fell in the storm", "Needs context")])
        + "\n{broken\n"
    )
    return tmp_path


def test_import_claimreview_command(review_files):
    err = StringIO()
    with pytest.raises(CommandError, match="imported 3, unchanged 0, problems 1"):
        call_command("import_claimreview", str(review_files), stderr=err)
    assert "feed.jsonl:2: malformed JSON" in err.getvalue()

    pow_claim = Claim.objects.get(review_url="https://checkers.example/pow")
    assert pow_claim.article.kind == ArticleKind.FACTCHECK
    assert pow_claim.article.outlet.name == "Other Checkers"
    assert pow_claim.article.url == "https://checkers.example/pow"
    assert pow_claim.article.published == datetime.date(2024, 8, 15)
    assert (pow_claim.start, pow_claim.end, pow_claim.text) == (0, len(pow_claim.article.body), pow_claim.article.body)
    assert pow_claim.status == CandidateStatus.ACCEPTED and pow_claim.origin == Origin.IMPORTED
    assert pow_claim.verdict.slug == "mostly-true" and pow_claim.review_rating_text == "Mostly True"
    assert Claim.objects.get(review_url="https://checkers.example/rates").verdict.slug == "pants-on-fire"
    assert Claim.objects.get(review_url="https://checkers.example/x").verdict is None

    # Re-import changes nothing; good files alone exit zero.
    out = StringIO()
    call_command("import_claimreview", str(review_files / "one.json"), str(review_files / "graph.json"), stdout=out)
    assert "imported 0, unchanged 2, problems 0" in out.getvalue()
    assert Claim.objects.filter(origin=Origin.IMPORTED).count() == 3


def test_previously_checked_verdict_surfaces(review_files, two_articles):
    with pytest.raises(CommandError):
        call_command("import_claimreview", str(review_files), stderr=StringIO())
    _, second = two_articles
    suggest_links_for_article(second.pk)
    claim = Claim.objects.get(text=CNN[0])
    matches = checked_matches(claim)
    assert matches, "the imported fact-check should be linked"
    checked, link = matches[0]
    assert checked.review_url == "https://checkers.example/pow"
    assert checked.verdict.label == "Mostly true"
    assert "previously checked by Other Checkers: Mostly true" in link.reason


def test_claim_search_ranks_paraphrase_first(two_articles):
    results = claim_search("One hundred Russian troops were captured", top=3)
    assert results[0][0].text in (LBC[0], CNN[0])
    assert [s for _, s in results] == sorted((s for _, s in results), reverse=True)
    excluded = claim_search("One hundred Russian troops were captured", top=3, exclude_ids=[results[0][0].pk])
    assert results[0][0].pk not in [c.pk for c, _ in excluded]


def test_claim_search_encodes_while_the_full_text_query_runs(two_articles, monkeypatch):
    """The search text is encoded on the encoder thread (overlapping the full-text query), and a
    failing query still leaves the encoder idle and propagates."""
    import threading

    from factcheck.linking import embeddings, retrieval

    text = "One hundred Russian troops were captured"
    calls = []
    real_encode = embed.encode
    monkeypatch.setattr(
        embed,
        "encode",
        lambda texts, **kw: calls.append((threading.current_thread().name, list(texts))) or real_encode(texts, **kw),
    )
    results = claim_search(text, top=2)
    assert results
    assert [name for name, texts in calls if texts == [text]] == ["linking-encode_0"]

    def failing(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(retrieval, "lexical_candidates_batch", failing)
    with pytest.raises(RuntimeError):
        claim_search(text, top=2)
    assert [name for name, texts in calls if texts == [text]] == ["linking-encode_0"] * 2
    assert embeddings._encoder.submit(lambda: 1).result(timeout=5) == 1


def test_similar_command_contract(review_files, two_articles, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_claimreview", str(review_files), stderr=StringIO())
    lines = [
        {"id": "q1", "text": "100 Russian soldiers were captured by Ukraine"},
        {"id": "q2", "text": "Interest rates reached 16 percent"},
        {"id": "q3", "text": "zzzz qqqq"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    out = StringIO()
    call_command("similar", "--input-jsonl", str(path), "--top", "2", "--format", "jsonl", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3"]
    for row in rows:
        assert set(row) == {"id", "results"}
        assert len(row["results"]) <= 2
        for r in row["results"]:
            assert set(r) == {"claim_id", "text", "score", "review_url"}
            assert isinstance(r["claim_id"], int) and isinstance(r["score"], float)
        scores = [r["score"] for r in row["results"]]
        assert scores == sorted(scores, reverse=True)
    assert "https://checkers.example/pow" in [r["review_url"] for r in rows[0]["results"]]
    assert rows[1]["results"][0]["review_url"] == "https://checkers.example/rates"
    assert any(r["review_url"] is None for r in rows[0]["results"])

    single = StringIO()
    call_command("similar", "Interest rates reached 16 percent", "--top", "1", "--format", "json", stdout=single)
    data = json.loads(single.getvalue())
    assert data["results"][0]["review_url"] == "https://checkers.example/rates"


def test_similar_command_bad_input(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "x"}\nnot json\n')
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("similar", "--input-jsonl", str(path), stdout=out, stderr=StringIO())
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["a", None] and "error" in rows[1]
    with pytest.raises(CommandError):
        call_command("similar")


def test_rerank_mode_above_the_scan_limit_loads_no_vectors(two_articles, settings):
    """Above LINK_DENSE_MAX_SCAN (IVF off), dense retrieval is skipped: lexical candidates are
    re-ranked with their stored vectors, and the process holds no vector index."""
    from factcheck.linking import embeddings, retrieval

    settings.LINK_DENSE_MAX_SCAN = 0
    settings.LINK_DENSE_IVF_NPROBE = 0
    index_reset()
    assert retrieval.dense_mode() == "rerank"
    suggest_links_for_article(two_articles[1].pk)
    assert len(embeddings.vector_index(sync=False)) == 0
    pow_link = link_between(LBC[0], CNN[0])
    assert pow_link.relation == Relation.SAME and "figures agree" in pow_link.reason


def test_ivf_mode_finds_the_same_links(two_articles, settings):
    from factcheck.linking import embeddings, retrieval

    settings.LINK_DENSE_MAX_SCAN = 0
    settings.LINK_DENSE_IVF_NPROBE = 4
    index_reset()
    assert retrieval.dense_mode() == "ivf"
    suggest_links_for_article(two_articles[1].pk)
    assert embeddings.vector_index(sync=False).partitioned
    assert link_between(LBC[1], CNN[1]).relation == Relation.CONFLICTS


def test_new_claims_are_encoded_while_the_full_text_query_runs(two_articles, monkeypatch):
    """The article's claims are encoded in the background during the lexical query; if that
    query fails, the encoder is waited for, nothing is stored and the error propagates (the
    task retries it)."""
    from factcheck.linking import retrieval
    from factcheck.linking.models import ClaimEmbedding

    third = make_article("Other", ["Some 1,000 square kilometres of Kursk are held, officials said."])
    real = retrieval.lexical_candidates_batch

    def failing(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(retrieval, "lexical_candidates_batch", failing)
    with pytest.raises(RuntimeError):
        suggest_links_for_article(third.pk)
    assert not ClaimEmbedding.objects.filter(claim__article=third).exists()
    monkeypatch.setattr(retrieval, "lexical_candidates_batch", real)
    suggest_links_for_article(third.pk)
    row = ClaimEmbedding.objects.get(claim__article=third)
    assert row.text_hash == embed.text_hash(row.claim.text)


def test_web_process_warms_the_encoder_at_start(settings):
    """wsgi.py loads the encoder on the encoder thread; with LINK_WARM_WEB off it does nothing."""
    import importlib

    from factcheck.linking import embeddings

    settings.LINK_WARM_WEB = False
    assert embeddings.warm_in_background() is None
    settings.LINK_WARM_WEB = True
    future = embeddings.warm_in_background()
    assert future.result(timeout=120) >= 0 and embed._model is not None
    wsgi = importlib.import_module("factcheck.wsgi")
    assert callable(wsgi.application)


def test_search_reads_the_reviews_headline_and_description_and_groups_copies(tmp_path):
    def review(url, claim, headline, description):
        return claimreview(url, claim, "False") | {"headline": headline, "description": description}

    reviews = [
        review(
            "https://checkers.example/lynx",
            "A wild animal was seen on the motorway.",
            "Was a Lynx Filmed Crossing the Orbital Motorway?",
            "A video said to show a lynx near Ashbury is from a zoo.",
        ),
        review(
            "https://checkers.example/bins",
            "The council will stop collecting bins on Mondays.",
            "Are Monday Bin Collections Ending?",
            "",
        ),
        review(
            "https://checkers.example/bins-update",
            "The council will stop collecting bins on Mondays.",
            "Update: Monday Bin Collections",
            "",
        ),
    ]
    path = tmp_path / "reviews.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in reviews) + "\n")
    call_command("import_claimreview", str(path), stdout=StringIO(), stderr=StringIO())

    stats = doc_stats()
    assert stats.sample == 3 and stats.df.get("lynx", 0) >= 1  # headline and description are read

    # The claim reviewed never names the lynx or Ashbury; its review's headline and description do.
    found = claim_search("lynx spotted on the Ashbury orbital motorway", top=3)
    assert found[0][0].review_url == "https://checkers.example/lynx"

    # Two reviews of one claim: together, the first stored first, one probability for both.
    found = claim_search("Council to stop collecting bins on Mondays", top=3)
    urls = [c.review_url for c, _ in found[:2]]
    assert urls == ["https://checkers.example/bins", "https://checkers.example/bins-update"]
    assert found[0][1] == found[1][1] > 0.5
    scores = [p for _, p in found]
    assert scores == sorted(scores, reverse=True)


def test_worker_warm_up_reads_the_retrieval_statistics(settings, monkeypatch, two_articles):
    """A worker process warms the encoder and the BM25 statistics at start (tasks.py)."""
    from factcheck.linking import retrieval, tasks

    settings.LINK_WARM_WORKER = settings.LINK_EMBEDDINGS = True
    started = []
    monkeypatch.setattr(tasks.threading, "Thread", lambda target, **kw: started.append(target) or _NoThread())
    tasks.warm_linking_model()
    assert started == [tasks._warm]  # in a thread, so the new pool process reports itself up at once
    retrieval.doc_stats_reset()
    tasks._warm_statistics()  # what that thread runs after the encoder (here, on this test's connection)
    assert retrieval._doc_stats is not None and retrieval._doc_stats.total > 0


class _NoThread:
    def start(self) -> None:
        pass
