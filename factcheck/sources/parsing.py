"""What a fetched feed, sitemap or page says, in plain Python (no Django).

- Feeds (RSS 0.9x-2.0, RSS 1.0, Atom) with feedparser, which is made for the web's broken feeds.
- Sitemaps (urlset with Google News `news:` entries, sitemap indexes, gzipped) with the standard
  library's XML through defusedxml, which refuses entity expansion bombs and external entities.
- Article pages with trafilatura: the main text without navigation and boilerplate, and the
  metadata (headline, byline, date, site name, canonical address).
"""

from __future__ import annotations

import datetime
import gzip
import io
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class ParseError(Exception):
    """The document is not what it should be; the message says how, for people."""


@dataclass(frozen=True)
class Entry:
    key: str  # the entry's id (guid), else its link
    url: str
    title: str = ""
    published: datetime.date | None = None


def parse_feed(content: bytes, *, base_url: str, content_type: str = "") -> list[Entry]:
    import feedparser

    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    if not parsed.version and not parsed.entries:
        # Not recognised as any kind of feed (an HTML page, an error page, garbage); an empty
        # but valid feed has a version and simply no entries.
        problem = parsed.get("bozo_exception")
        detail = f" ({str(problem)[:200]})" if problem else ""
        raise ParseError(f"Not an RSS or Atom feed{detail}.")
    entries = []
    for item in parsed.entries:
        link = urljoin(base_url, (item.get("link") or "").strip())
        if not link or urlsplit(link).scheme.lower() not in ("http", "https"):
            continue  # no link, or feedparser's stand-in (the entry's urn: id): nothing to fetch
        key = (item.get("id") or link).strip()[:1000]
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = datetime.date(*stamp[:3]) if stamp else None
        entries.append(Entry(key=key, url=link, title=(item.get("title") or "").strip()[:500], published=published))
    return entries


@dataclass(frozen=True)
class Sitemap:
    entries: list[Entry]
    children: list[str]  # a sitemap index lists other sitemaps


def parse_sitemap(content: bytes, *, max_bytes: int) -> Sitemap:
    if content[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(content)) as unzipped:
                content = unzipped.read(max_bytes + 1)
        except (OSError, EOFError) as exc:
            raise ParseError(f"The gzipped sitemap is damaged ({exc}).") from None
        if len(content) > max_bytes:
            raise ParseError(f"The sitemap unzips to more than {max_bytes:,} bytes.")
    try:
        root = DET.fromstring(content, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(f"The sitemap uses XML features the desk refuses ({type(exc).__name__}).") from None
    except DET.ParseError as exc:
        raise ParseError(f"Not well-formed XML ({exc}).") from None
    tag = root.tag.removeprefix(SITEMAP_NS)
    if tag == "sitemapindex":
        children = [_text(s, "loc") for s in root.iter(f"{SITEMAP_NS}sitemap")]
        return Sitemap(entries=[], children=[c for c in children if c])
    if tag != "urlset":
        raise ParseError(f"Not a sitemap (its root element is <{root.tag}>).")
    entries = []
    for node in root.iter(f"{SITEMAP_NS}url"):
        loc = _text(node, "loc")
        if not loc:
            continue
        news = node.find(f"{NEWS_NS}news")
        title = (news.findtext(f"{NEWS_NS}title") or "").strip() if news is not None else ""
        stamp = (news.findtext(f"{NEWS_NS}publication_date") or "") if news is not None else ""
        stamp = stamp or (node.findtext(f"{SITEMAP_NS}lastmod") or "")
        entries.append(Entry(key=loc[:1000], url=loc, title=title[:500], published=_date(stamp)))
    return Sitemap(entries=entries, children=[])


def _text(node, name: str) -> str:
    return (node.findtext(f"{SITEMAP_NS}{name}") or "").strip()


def _date(stamp: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(stamp.strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Page:
    text: str
    title: str = ""
    byline: str = ""
    published: str = ""  # YYYY-MM-DD as the page states it; checked by the intake's date rule
    site_name: str = ""
    url: str = ""


# Less main text than this is a menu, a paywall's teaser or an error page, not an article.
MIN_ARTICLE_CHARS = 100


def parse_page(content: bytes, *, url: str) -> Page:
    """The article's main text and metadata, or ParseError when the page holds no article text."""
    import trafilatura

    document = trafilatura.bare_extraction(
        content, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if len(text) < MIN_ARTICLE_CHARS:
        raise ParseError(f"No article text found on {url}.")
    return Page(
        text=text,
        title=(document.title or "").strip(),
        byline=(document.author or "").strip(),
        published=(document.date or "").strip(),
        site_name=(document.sitename or "").strip(),
        url=(document.url or "").strip(),
    )
