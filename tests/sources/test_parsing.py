"""What feeds, sitemaps and pages say, parsed in plain Python (no Django, no network)."""

from __future__ import annotations

import datetime
import gzip
import subprocess
import sys

import pytest
from django.conf import settings

from factcheck.sources.parsing import ParseError, parse_feed, parse_page, parse_sitemap

from .conftest import article_html, news_sitemap

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id><updated>2026-11-20T10:00:00Z</updated>
<entry><title>First</title><id>urn:wire:1</id><link href="https://example.org/1"/><updated>2026-11-19T08:00:00Z</updated></entry>
<entry><title>No link</title><id>urn:wire:2</id><updated>2026-11-19T08:00:00Z</updated></entry>
<entry><title>Relative</title><id>urn:wire:3</id><link href="/3"/><published>2026-11-18T08:00:00Z</published></entry>
</feed>"""


def test_an_atom_feed_gives_its_entries_keyed_by_id():
    entries = parse_feed(ATOM, base_url="https://example.org/atom.xml", content_type="application/atom+xml")
    assert [(e.key, e.url, e.title, e.published) for e in entries] == [
        ("urn:wire:1", "https://example.org/1", "First", datetime.date(2026, 11, 19)),
        ("urn:wire:3", "https://example.org/3", "Relative", datetime.date(2026, 11, 18)),
    ]


def test_an_empty_feed_is_a_feed_and_html_is_not():
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_feed(empty, base_url="https://example.org/f") == []
    with pytest.raises(ParseError, match="^Not an RSS or Atom feed"):
        parse_feed(
            b"<html><body><p>Hello</p></body></html>", base_url="https://example.org/f", content_type="text/html"
        )


def test_a_news_sitemap_gzipped_or_not():
    plain = news_sitemap("https://example.org", [1, 2])
    for content in (plain, gzip.compress(plain)):
        sitemap = parse_sitemap(content, max_bytes=1_000_000)
        assert [(e.url, e.title, e.published) for e in sitemap.entries] == [
            ("https://example.org/news/1", "Story 1", datetime.date(2026, 11, 20)),
            ("https://example.org/news/2", "Story 2", datetime.date(2026, 11, 20)),
        ]


def test_a_gzip_bomb_is_cut_at_the_cap():
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(ParseError, match="unzips to more than 100,000 bytes"):
        parse_sitemap(bomb, max_bytes=100_000)


def test_a_sitemap_index_lists_its_sitemaps():
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://example.org/news-1.xml</loc></sitemap></sitemapindex>"
    )
    assert parse_sitemap(index, max_bytes=10_000).children == ["https://example.org/news-1.xml"]


def test_external_entities_are_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>'
    )
    with pytest.raises(ParseError, match="XML features the desk refuses"):
        parse_sitemap(xxe, max_bytes=10_000)


def test_a_page_gives_its_text_and_metadata():
    page = parse_page(article_html(4, author="Ann Lee", date="2026-11-21"), url="https://example.org/4")
    assert page.title == "Unemployment falls to a ten-year low, story 4"
    assert (page.byline, page.published, page.site_name) == ("Ann Lee", "2026-11-21", "Example Times")
    assert "unemployment fell to 4.1 per cent" in page.text and "Cookie settings" not in page.text


def test_a_page_without_article_text_is_a_reason():
    with pytest.raises(ParseError, match=r"^No article text found on https://example.org/empty\.$"):
        parse_page(b"<html><body><nav>Home</nav></body></html>", url="https://example.org/empty")


def test_parsing_and_fetching_import_without_django():
    probe = (
        "import sys\n"
        "import factcheck.sources.parsing, factcheck.sources.fetching\n"
        "print(sorted(m for m in ('django', 'celery') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
