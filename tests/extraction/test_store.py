"""Storing extraction results: idempotent, and never over an editor's work."""

from __future__ import annotations

import pytest

from factcheck.articles.models import Article, ExtractionState
from factcheck.claims.models import CandidateStatus, Claim, Person, Quote
from factcheck.extraction import services
from factcheck.extraction.engine.types import ClaimSpan, Extraction, QuoteSpan
from factcheck.extraction.store import candidates_store
from factcheck.linking.models import ClaimLink, LinkState

pytestmark = pytest.mark.django_db


def extraction_for(body: str) -> Extraction:
    q_start = body.index("We are advancing")
    q_end = q_start + len("We are advancing")
    c_start = body.index("Troops captured")
    c_end = body.index("officials said.") + len("officials said.")
    h_start = body.index("Ukraine says")
    h_end = body.index("\n", h_start)
    return Extraction(
        segments=[],
        quotes=[
            QuoteSpan(
                q_start,
                q_end,
                body[q_start:q_end],
                speaker="Volodymyr Zelenskyy",
                speaker_kind="person",
                speaker_confidence=0.85,
            )
        ],
        claims=[
            ClaimSpan(c_start, c_end, body[c_start:c_end], score=0.9, checkworthy=True, kind="quantity"),
            ClaimSpan(h_start, h_end, body[h_start:h_end], score=0.8, checkworthy=True, kind="quantity"),
        ],
    )


def test_store_creates_candidates_and_marks_done(article):
    counts = candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v1")
    assert counts == {"quotes": 1, "claims": 2, "removed": 0}
    article.refresh_from_db()
    assert article.extraction_state == ExtractionState.DONE
    assert article.extractor_version == "v1"
    quote = Quote.objects.get()
    assert quote.speaker.name == "Volodymyr Zelenskyy"
    assert quote.speaker_confidence == 0.85
    assert quote.text == article.body[quote.start : quote.end]


def test_speaker_confidence_is_shown_and_an_editors_speaker_clears_it(article, client, checker):
    from django.urls import reverse

    from factcheck.claims.services import quote_edit

    candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v1")
    client.force_login(checker)
    assert "(confidence 0.85)" in client.get(reverse("review:article", args=[article.pk])).content.decode()
    quote = Quote.objects.get()
    quote_edit(
        quote=quote,
        start=quote.start,
        end=quote.end,
        speaker_name="Oleksandr Syrskyi",
        actor=checker,
        expected_version=quote.version,
    )
    quote.refresh_from_db()
    assert quote.speaker.name == "Oleksandr Syrskyi" and quote.speaker_confidence is None


def test_running_twice_duplicates_nothing(article):
    for _ in range(3):
        candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v1")
    assert Quote.objects.count() == 1
    assert Claim.objects.count() == 2
    assert Person.objects.count() == 1


def test_new_version_keeps_editor_work_and_rejections(article, checker):
    candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v1")
    accepted, rejected = Claim.objects.order_by("start")
    Claim.objects.filter(pk=rejected.pk).update(status=CandidateStatus.REJECTED)
    Claim.objects.filter(pk=accepted.pk).update(status=CandidateStatus.ACCEPTED, verdict_summary="Checked", version=2)
    # A new extractor version finds nothing: untouched rows go, worked-on rows stay as they were.
    candidates_store(article_id=article.pk, extraction=Extraction([], [], []), version="v2")
    assert set(Claim.objects.values_list("pk", "status", "verdict_summary")) == {
        (accepted.pk, CandidateStatus.ACCEPTED, "Checked"),
        (rejected.pk, CandidateStatus.REJECTED, ""),
    }
    assert Quote.objects.count() == 0  # the untouched quote candidate was removed
    # And a rejected candidate never comes back as a candidate.
    candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v3")
    assert Claim.objects.get(pk=rejected.pk).status == CandidateStatus.REJECTED
    kept = Claim.objects.get(pk=accepted.pk)
    assert (kept.status, kept.verdict_summary, kept.version, kept.extractor_version) == ("accepted", "Checked", 2, "v1")


def test_refresh_updates_untouched_candidates_only(article):
    candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v1")
    new = extraction_for(article.body)
    first = Claim.objects.get(start=new.claims[0].start)
    new.claims[0].score = 0.42
    candidates_store(article_id=article.pk, extraction=new, version="v2")
    first.refresh_from_db()
    assert first.score == pytest.approx(0.42)
    assert first.extractor_version == "v2"


def test_confirmed_links_protect_candidates(article):
    other = Article.objects.create(body=article.body + " Other outlet.")
    candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v1")
    candidates_store(article_id=other.pk, extraction=extraction_for(other.body), version="v1")
    a, b = sorted(Claim.objects.filter(start=Claim.objects.first().start).values_list("pk", flat=True))
    ClaimLink.objects.create(source_id=a, target_id=b, relation="same", origin="editor", state=LinkState.CONFIRMED)
    candidates_store(article_id=article.pk, extraction=Extraction([], [], []), version="v2")
    assert Claim.objects.filter(pk=a).exists()
    assert ClaimLink.objects.count() == 1


def test_spans_outside_the_body_are_dropped_not_stored(article):
    bad = Extraction([], [QuoteSpan(0, len(article.body) + 5, "x")], [ClaimSpan(5, 5, "", 0.5, True)])
    candidates_store(article_id=article.pk, extraction=bad, version="v1")
    assert Quote.objects.count() == 0 and Claim.objects.count() == 0


def test_run_on_real_engine_and_second_run_is_skipped(article):
    assert services.extraction_run(article_id=article.pk) == "done"
    article.refresh_from_db()
    assert article.extraction_state == ExtractionState.DONE
    quote = article.quotes.get()
    assert quote.text.startswith("We are advancing")
    assert services.extraction_run(article_id=article.pk) == "skipped"
    counts = (article.quotes.count(), article.claims.count())
    assert services.extraction_run(article_id=article.pk, force=True) == "done"
    assert (article.quotes.count(), article.claims.count()) == counts


def test_engine_failure_marks_failed_with_reason_and_keeps_article(article, monkeypatch):
    from factcheck.extraction.engine import pipeline

    def boom(doc, **kwargs):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(pipeline, "extract_doc", boom)
    assert services.extraction_run(article_id=article.pk) == "failed"
    article.refresh_from_db()
    assert article.extraction_state == ExtractionState.FAILED
    assert "model exploded" in article.extraction_error
    assert Article.objects.filter(pk=article.pk, body=article.body).exists()


def test_gives_up_after_max_attempts(article, settings):
    settings.EXTRACTION_MAX_ATTEMPTS = 2
    Article.objects.filter(pk=article.pk).update(extraction_attempts=2)
    assert services.extraction_run(article_id=article.pk) == "failed"
    article.refresh_from_db()
    assert "gave up after 2 attempts" in article.extraction_error


def test_missing_article_is_skipped():
    assert services.extraction_run(article_id=999999) == "skipped"


def test_sweep_requeues_only_stuck_articles(article, settings, django_capture_on_commit_callbacks):
    import datetime
    import json

    import redis
    from django.utils import timezone

    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (bin/test sets it)")
    queue = redis.Redis.from_url(settings.REDIS_URL)
    queue.delete("celery")
    old = timezone.now() - datetime.timedelta(hours=1)
    fresh = Article.objects.create(body="Fresh article body.", extraction_queued_at=timezone.now())
    Article.objects.filter(pk=article.pk).update(extraction_state=ExtractionState.RUNNING, extraction_started_at=old)
    with django_capture_on_commit_callbacks(execute=True):  # the sweep enqueues after its commit
        assert services.extraction_requeue_stuck() == 1
    # The task really is on the Redis queue, for this article only.
    messages = [json.loads(m) for m in queue.lrange("celery", 0, -1)]
    assert [m["headers"]["task"] for m in messages] == ["factcheck.extraction.tasks.extract_articles"]
    assert messages[0]["headers"]["argsrepr"] == f"([{article.pk}],)"
    queue.delete("celery")
    article.refresh_from_db()
    assert article.extraction_state == ExtractionState.PENDING
    assert Article.objects.get(pk=fresh.pk).extraction_state == ExtractionState.PENDING


def test_run_many_stores_each_article_and_one_failure_stops_no_other(db, monkeypatch):
    from factcheck.extraction.engine import pipeline

    real = pipeline.extract_doc

    def fragile(doc, **kwargs):
        if "EXPLODE" in doc.text:
            raise ValueError("engine bug on this text")
        return real(doc, **kwargs)

    monkeypatch.setattr(pipeline, "extract_doc", fragile)
    bodies = [
        "“We will rebuild 40 schools,” the mayor said on Monday.",
        "EXPLODE. The minister said 3,000 homes were damaged.",
        "Officials said 120 people were evacuated from the town.",
    ]
    ids = [Article.objects.create(body=body).pk for body in bodies]
    outcome = services.extraction_run_many(article_ids=ids + [ids[0], 999999])
    assert outcome == {ids[0]: "done", ids[1]: "failed", ids[2]: "done", 999999: "skipped"}
    first, broken, last = (Article.objects.get(pk=i) for i in ids)
    assert first.extraction_state == last.extraction_state == ExtractionState.DONE
    assert broken.extraction_state == ExtractionState.FAILED
    assert broken.extraction_error == "ValueError: engine bug on this text"
    assert first.quotes.get().text == "We will rebuild 40 schools,"
    assert last.claims.filter(text__contains="120 people").exists()
    assert not broken.claims.exists()
    # Again: the done ones are skipped, the failed one is tried again.
    assert services.extraction_run_many(article_ids=ids) == {ids[0]: "skipped", ids[1]: "failed", ids[2]: "skipped"}
    assert Claim.objects.filter(article_id=ids[2]).count() == last.claims.count()


@pytest.mark.django_db(transaction=True)  # real commits, as in a worker
def test_run_many_store_error_leaves_no_half_written_task_and_the_retry_does_it_all(monkeypatch):
    from django.db import OperationalError

    from factcheck.claims import people

    real = people.person_resolve

    def flaky_resolve(*, name, **kwargs):  # the database goes away half-way through the store
        if name.endswith("Lopez"):  # the quote's speaker, or the claimant (the fullest name: "Maria Lopez")
            raise OperationalError("server closed the connection unexpectedly")
        return real(name=name, **kwargs)

    monkeypatch.setattr("factcheck.extraction.store.person_resolve", flaky_resolve)
    bodies = [
        "“We rebuilt 10 homes,” the mayor, Anna Smith, said.",
        "“We rebuilt 20 homes,” Maria Lopez said. Lopez added that 3 roads reopened.",
        "Third report: 7 bridges closed, the mayor said.",
    ]
    ids = [Article.objects.create(body=body).pk for body in bodies]
    with pytest.raises(OperationalError):  # the task fails, so Celery retries it
        services.extraction_run_many(article_ids=ids)
    # One transaction for the task: nothing of it is stored, all three wait for the retry.
    assert set(Article.objects.values_list("extraction_state", flat=True)) == {ExtractionState.RUNNING}
    assert not Claim.objects.exists() and not Quote.objects.exists()
    monkeypatch.setattr("factcheck.extraction.store.person_resolve", real)
    assert services.extraction_run_many(article_ids=ids) == dict.fromkeys(ids, "done")
    assert Quote.objects.filter(article_id=ids[1], speaker__name="Maria Lopez").exists()
    assert Claim.objects.filter(article_id=ids[2]).exists()


def test_store_many_keeps_each_articles_candidates_apart(article):
    from factcheck.extraction.store import candidates_store_many

    other = Article.objects.create(body=article.body + "Another paragraph.\n")
    counts = candidates_store_many(
        extractions={
            article.pk: extraction_for(article.body),
            other.pk: extraction_for(other.body),
            999999: Extraction([], [], []),  # deleted meanwhile: skipped
        },
        version="v1",
    )
    assert counts == {pk: {"quotes": 1, "claims": 2, "removed": 0} for pk in (article.pk, other.pk)}
    for pk in (article.pk, other.pk):
        assert Claim.objects.filter(article_id=pk).count() == 2
        assert Quote.objects.get(article_id=pk).speaker.name == "Volodymyr Zelenskyy"
    assert Person.objects.count() == 1
    assert set(Article.objects.values_list("extraction_state", flat=True)) == {ExtractionState.DONE}


def test_spacy_failing_inside_a_batch_falls_back_to_one_text_at_a_time(monkeypatch):
    from factcheck.extraction.engine import pipeline

    nlp = pipeline.get_nlp()

    class Flaky:
        """nlp.pipe dies on one text of the batch; nlp(text) too, for that text only."""

        def __call__(self, text):
            if "EXPLODE" in text:
                raise RuntimeError("parser crashed")
            return nlp(text)

        def pipe(self, texts, batch_size):
            for text in texts:
                yield self(text)

    monkeypatch.setattr(pipeline, "get_nlp", Flaky)
    results = list(pipeline.extract_each(["Prices rose 5% in May.", "EXPLODE here.", "“Fine,” she said."]))
    assert [type(r).__name__ for r in results] == ["Extraction", "RuntimeError", "Extraction"]
    assert results[2].quotes[0].text == "Fine,"


@pytest.mark.django_db(transaction=True)  # real commits, so the on-commit enqueueing runs
def test_bulk_import_enqueues_tasks_of_several_articles(tmp_path, settings):
    import base64
    import json

    import redis
    from django.core.management import call_command

    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (bin/test sets it)")
    settings.EXTRACTION_BATCH_SIZE = 8
    settings.EXTRACTION_BATCH_MAX_CHARS = 10_000
    day = "2024-08-14"
    rows = [{"published": day, "body": f"Report {i}: the council said it spent {i} million."} for i in range(19)]
    long_body = "Long report. " + "The mayor said 7 bridges were closed. " * 300  # ~11,000 chars
    rows.insert(5, {"published": day, "body": long_body})
    source = tmp_path / "feed.jsonl"
    source.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    queue = redis.Redis.from_url(settings.REDIS_URL)
    queue.delete("celery")
    call_command("import_articles", str(source), "--no-progress")
    messages = [json.loads(m) for m in reversed(queue.lrange("celery", 0, -1))]  # LPUSH: newest first
    queue.delete("celery")
    assert {m["headers"]["task"] for m in messages} == {"factcheck.extraction.tasks.extract_articles"}
    # Each message body is base64 JSON: [args, kwargs, embed]; args = [article_ids].
    batches = [json.loads(base64.b64decode(m["body"]))[0][0] for m in messages]
    # The long article closes its batch by size of text; then batches of 8; the rest at the end.
    assert [len(batch) for batch in batches] == [6, 8, 6]
    assert sorted(i for batch in batches for i in batch) == sorted(Article.objects.values_list("id", flat=True))


def test_import_enqueues_after_commit(seeds_dir, django_capture_on_commit_callbacks):
    from factcheck.articles.services import article_create

    with django_capture_on_commit_callbacks() as callbacks:
        result = article_create(body="A new article. It says 5 things.", published=None)
    assert result.created
    assert len(callbacks) == 1


def test_edited_span_does_not_bring_back_the_original(article, checker):
    from factcheck.claims.services import claim_edit_span

    candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v1")
    original = extraction_for(article.body).claims[0]
    claim = Claim.objects.get(start=original.start, end=original.end)
    claim_edit_span(claim=claim, start=original.start, end=original.end - 16, actor=checker, expected_version=1)
    candidates_store(article_id=article.pk, extraction=extraction_for(article.body), version="v2")
    spans = set(Claim.objects.values_list("start", "end"))
    assert (original.start, original.end - 16) in spans
    assert (original.start, original.end) not in spans
