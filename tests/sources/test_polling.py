"""Polling sources against a real HTTP server on loopback: new items imported once, a 304 costs
no work, errors back off, redirect loops and oversized pages are refused with a reason,
robots.txt is obeyed."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from factcheck.articles.models import Article
from factcheck.sources import services
from factcheck.sources.models import FetchedItem, ItemState, Source, SourceKind
from factcheck.sources.tasks import poll_due_sources, poll_source

from .conftest import Reply, article_html, http_date, news_sitemap, rss

pytestmark = pytest.mark.django_db


def make_source(url: str, *, kind: str = SourceKind.FEED, interval: int = 30, name="Example Times", **extra) -> Source:
    return Source.objects.create(
        name=name, kind=kind, url=url, interval_minutes=interval, next_poll_at=timezone.now(), **extra
    )


def poll(source: Source) -> services.PollOutcome:
    outcome = services.source_poll(source_id=source.pk, force=True)
    source.refresh_from_db()
    return outcome


def test_new_feed_items_become_articles_with_the_pages_metadata(site):
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1, 2, 3]), content_type="application/rss+xml", etag='"v1"')
    site.serve_articles([1, 2, 3])
    source = make_source(f"{site.base}/feed.xml")

    outcome = poll(source)

    assert (outcome.status, outcome.imported, outcome.failed) == ("ok", 3, 0)
    articles = Article.objects.order_by("url")
    assert articles.count() == 3
    first = articles.get(url=f"{site.base}/news/1")
    assert first.headline == "Unemployment falls to a ten-year low, story 1"
    assert first.byline == "Jane Doe"
    assert first.published == datetime.date(2026, 11, 20)
    assert first.outlet.name == "Example Times"
    assert "unemployment fell to 1.1 per cent" in first.body
    assert "Cookie settings" not in first.body and "Home" not in first.body  # boilerplate left out
    assert first.source_name == "source: Example Times"
    assert first.extraction_state == "pending"  # the same intake: extraction queued on commit
    assert set(FetchedItem.objects.values_list("state", flat=True)) == {ItemState.IMPORTED}
    assert source.etag == '"v1"' and source.last_new_item_at is not None and source.last_error == ""
    assert source.next_poll_at > timezone.now() + datetime.timedelta(minutes=29)
    # A clear User-Agent on every request.
    assert all("FactCheckDesk/1.0" in seen.headers.get("User-Agent", "") for seen in site.seen)


def test_an_unchanged_feed_costs_one_304_and_no_work(site):
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1, 2]), content_type="application/rss+xml", etag='"v1"')
    site.serve_articles([1, 2])
    source = make_source(f"{site.base}/feed.xml")
    poll(source)
    site.forget()

    outcome = poll(source)

    assert outcome.status == "not modified"
    assert site.paths() == ["/feed.xml"] and site.paths(304) == ["/feed.xml"]
    assert site.seen[0].headers["If-None-Match"] == '"v1"'
    assert Article.objects.count() == 2 and FetchedItem.objects.count() == 2
    assert source.consecutive_failures == 0 and source.last_success_at is not None


def test_last_modified_alone_also_makes_the_poll_conditional(site):
    stamp = http_date(1_790_000_000)
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml", last_modified=stamp)
    site.serve_articles([1])
    source = make_source(f"{site.base}/feed.xml")
    poll(source)
    site.forget()
    assert poll(source).status == "not modified"
    assert site.seen[0].headers["If-Modified-Since"] == stamp and site.paths(304) == ["/feed.xml"]


def test_an_item_is_imported_once_when_the_feed_changes(site):
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1, 2]), content_type="application/rss+xml", etag='"v1"')
    site.serve_articles([1, 2, 3])
    source = make_source(f"{site.base}/feed.xml")
    poll(source)
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [3, 2, 1]), content_type="application/rss+xml", etag='"v2"')
    site.forget()

    outcome = poll(source)

    assert outcome.imported == 1
    assert site.paths() == ["/feed.xml", "/news/3"]  # the known items are not fetched again
    assert Article.objects.count() == 3 and FetchedItem.objects.count() == 3


def test_the_database_refuses_an_item_twice_for_one_source(site):
    source = make_source(f"{site.base}/feed.xml")
    FetchedItem.objects.create(source=source, key="guid-1", url=f"{site.base}/news/1")
    with pytest.raises(IntegrityError):
        FetchedItem.objects.create(source=source, key="guid-1", url=f"{site.base}/news/1")


def test_the_same_text_from_two_sources_is_stored_once(site):
    site.routes["/a.xml"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    site.routes["/b.xml"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    site.serve_articles([1])
    poll(make_source(f"{site.base}/a.xml"))
    outcome = poll(make_source(f"{site.base}/b.xml", name="Other"))
    assert (outcome.imported, outcome.duplicates) == (0, 1)
    assert Article.objects.count() == 1
    assert FetchedItem.objects.get(source__url=f"{site.base}/b.xml").state == ItemState.DUPLICATE


def test_a_server_error_backs_off_doubling_up_to_the_cap(site, settings):
    settings.SOURCES_BACKOFF_MAX_MINUTES = 100
    site.routes["/feed.xml"] = Reply(status=500, body=b"oops")
    source = make_source(f"{site.base}/feed.xml", interval=30)

    waits = []
    for _ in range(3):
        before = timezone.now()
        outcome = poll(source)
        assert outcome.status == "failed"
        waits.append(round((source.next_poll_at - before).total_seconds() / 60))
    assert waits == [60, 100, 100]  # 30 doubled, then the cap
    assert source.consecutive_failures == 3
    assert source.last_error == f"{site.base}/feed.xml answered HTTP 500 (the server failed)."
    assert source.failing_since is not None
    # Backed off: not due, so the beat does not poll it.
    assert source.pk not in services.sources_due()

    site.routes["/feed.xml"] = Reply(body=rss(site.base, []), content_type="application/rss+xml")
    poll(source)
    assert (source.consecutive_failures, source.failing_since, source.last_error) == (0, None, "")


def test_a_redirect_loop_is_refused_with_a_reason(site):
    site.routes["/feed.xml"] = Reply(status=302, headers={"Location": "/moved.xml"})
    site.routes["/moved.xml"] = Reply(status=301, headers={"Location": f"{site.base}/feed.xml"})
    source = make_source(f"{site.base}/feed.xml")
    assert poll(source).status == "failed"
    assert source.last_error.startswith("Refused: a redirect loop (")
    assert "/feed.xml → " in source.last_error and site.paths().count("/feed.xml") == 1


def test_too_many_redirects_are_refused(site, settings):
    settings.SOURCES_MAX_REDIRECTS = 3
    for n in range(10):
        site.routes[f"/r{n}"] = Reply(status=307, headers={"Location": f"/r{n + 1}"})
    source = make_source(f"{site.base}/r0")
    poll(source)
    assert source.last_error == f"Refused: {site.base}/r0 redirects more than 3 times."
    assert [p for p in site.paths() if p != "/robots.txt"] == ["/r0", "/r1", "/r2", "/r3"]


def test_redirects_are_followed_and_each_hop_is_checked(site):
    site.routes["/old-feed"] = Reply(status=301, headers={"Location": "/feed.xml"})
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    site.serve_articles([1])
    assert poll(make_source(f"{site.base}/old-feed")).imported == 1
    # A hop to a private address is refused before any connection is made to it.
    site.routes["/sneaky"] = Reply(status=302, headers={"Location": "http://10.20.30.40/admin"})
    source = make_source(f"{site.base}/sneaky", name="Sneaky")
    poll(source)
    assert source.last_error == (
        "Refused: 10.20.30.40 resolves to 10.20.30.40, a private address; the desk fetches only public web addresses."
    )
    site.routes["/to-file"] = Reply(status=302, headers={"Location": "file:///etc/passwd"})
    source = make_source(f"{site.base}/to-file", name="File")
    poll(source)
    assert source.last_error == "Only http:// and https:// addresses are fetched; file:///etc/passwd has “file:”."


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "streamed"])
def test_an_oversized_page_is_refused_with_a_reason(site, settings, chunked):
    settings.SOURCES_MAX_BYTES = 50_000
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1, 2]), content_type="application/rss+xml")
    site.serve_articles([1])
    big = article_html(2) + b"<!--" + b"x" * 200_000 + b"-->"
    site.routes["/news/2"] = Reply(body=big, chunked=chunked)
    source = make_source(f"{site.base}/feed.xml")

    outcome = poll(source)

    assert (outcome.imported, outcome.failed) == (1, 1)
    item = FetchedItem.objects.get(url=f"{site.base}/news/2")
    how = "it sent more" if chunked else f"it declares {len(big):,} bytes"
    assert item.state == ItemState.FAILED
    assert item.error == f"Refused: {site.base}/news/2 is larger than the limit of 50,000 bytes ({how})."
    assert "1 item(s) could not be imported" in source.last_error and source.consecutive_failures == 0


def test_robots_txt_is_obeyed(site):
    site.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.routes["/feed.xml"] = Reply(
        body=rss(site.base, [1]).replace(
            b"</channel>", f"<item><title>Hidden</title><link>{site.base}/private/9</link></item></channel>".encode()
        ),
        content_type="application/rss+xml",
    )
    site.serve_articles([1])
    site.serve_articles([9], path="/private/")
    source = make_source(f"{site.base}/feed.xml")

    outcome = poll(source)

    assert (outcome.imported, outcome.failed) == (1, 1)
    assert "/private/9" not in site.paths()
    item = FetchedItem.objects.get(url=f"{site.base}/private/9")
    assert item.error == f"127.0.0.1's robots.txt does not allow the desk to fetch {site.base}/private/9."
    assert site.paths().count("/robots.txt") == 1  # read once per host, then cached


def test_robots_txt_naming_the_desk_stops_the_feed(site):
    site.routes["/robots.txt"] = Reply(body=b"User-agent: FactCheckDesk\nDisallow: /\n", content_type="text/plain")
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    source = make_source(f"{site.base}/feed.xml")
    assert poll(source).status == "failed"
    assert "robots.txt does not allow" in source.last_error and site.paths() == ["/robots.txt"]


def test_a_news_sitemap_is_polled_like_a_feed(site):
    site.routes["/sitemap.xml"] = Reply(body=news_sitemap(site.base, [4, 5]), content_type="application/xml")
    site.serve_articles([4, 5])
    source = make_source(f"{site.base}/sitemap.xml", kind=SourceKind.SITEMAP)
    assert poll(source).imported == 2
    assert set(Article.objects.values_list("url", flat=True)) == {f"{site.base}/news/4", f"{site.base}/news/5"}


def test_a_sitemap_with_entity_tricks_is_refused(site):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol2;</loc></url></urlset>'
    )
    site.routes["/sitemap.xml"] = Reply(body=bomb, content_type="application/xml")
    source = make_source(f"{site.base}/sitemap.xml", kind=SourceKind.SITEMAP)
    assert poll(source).status == "failed"
    assert source.last_error == "The sitemap uses XML features the desk refuses (DTDForbidden)."


def test_a_page_that_is_not_a_feed_fails_with_a_reason(site):
    site.routes["/feed.xml"] = Reply(body=b"<html><body>Sorry, we moved.</body></html>")
    source = make_source(f"{site.base}/feed.xml")
    assert poll(source).status == "failed"
    assert source.last_error.startswith("Not a") and "feed" in source.last_error


def test_a_single_page_source_imports_its_page(site):
    site.serve_articles([7])
    source = make_source(f"{site.base}/news/7", kind=SourceKind.PAGE)
    assert poll(source).imported == 1
    assert poll(source).imported == 0  # the page is an item of its source: imported once
    assert Article.objects.get().url == f"{site.base}/news/7"


def test_a_poll_is_claimed_once(site):
    site.routes["/feed.xml"] = Reply(body=rss(site.base, []), content_type="application/rss+xml")
    source = make_source(f"{site.base}/feed.xml")
    Source.objects.filter(pk=source.pk).update(poll_started_at=timezone.now())  # another worker has it
    assert poll_source(source.pk) == "skipped"
    assert site.paths() == []
    # A claim older than the lease is a dead worker's: taken over.
    Source.objects.filter(pk=source.pk).update(poll_started_at=timezone.now() - datetime.timedelta(hours=1))
    assert poll_source(source.pk) == "ok"
    source.refresh_from_db()
    assert source.poll_started_at is None


def test_only_due_enabled_sources_are_queued(site, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = make_source(f"{site.base}/a.xml")
    make_source(f"{site.base}/b.xml", enabled=False)
    later = make_source(f"{site.base}/c.xml")
    Source.objects.filter(pk=later.pk).update(next_poll_at=now + datetime.timedelta(minutes=5))
    assert services.sources_due() == [due.pk]


def test_the_beat_task_queues_due_sources(site, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    site.serve_articles([1])
    make_source(f"{site.base}/feed.xml")
    assert poll_due_sources() == 1
    assert Article.objects.count() == 1
    assert poll_due_sources() == 0  # polled: not due again for 30 minutes


def test_a_failed_item_is_retried_at_later_polls_a_few_times(site, settings):
    settings.SOURCES_ITEM_MAX_ATTEMPTS = 2
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml", etag='"v1"')
    site.routes["/news/1"] = Reply(status=503)
    source = make_source(f"{site.base}/feed.xml")
    poll(source)
    item = FetchedItem.objects.get()
    assert (item.state, item.error) == (
        ItemState.FAILED,
        f"{site.base}/news/1 answered HTTP 503 (the server is unavailable).",
    )
    site.serve_articles([1])
    outcome = poll(source)  # the feed is a 304; the item is retried all the same
    assert (outcome.status, outcome.imported) == ("not modified", 1)
    assert FetchedItem.objects.get().state == ItemState.IMPORTED
