"""Writes for sources: registering them, polling them, fetching pasted links.

Every new item becomes an Article through `articles.services.article_create`, the same
intake as a paste, an upload or `import_articles` (fingerprint, extraction queued on
commit, link suggestions after it), with its URL, headline, byline, date and outlet taken
from the page's metadata.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from factcheck.accounts.roles import Cap, require_cap
from factcheck.articles.models import Outlet
from factcheck.articles.services import article_create, outlet_get_or_create
from factcheck.audit.services import audit_record, diff_fields, snapshot
from factcheck.core.errors import ApplicationError
from factcheck.core.locking import lock_for_edit, save_versioned
from factcheck.core.validators import parse_publication_date, web_url
from factcheck.sources import fetching, parsing
from factcheck.sources.models import FetchedItem, ItemState, Source, SourceKind

log = logging.getLogger(__name__)

EDITABLE = ["name", "kind", "url", "outlet", "interval_minutes", "enabled"]
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


# --- Registering sources ------------------------------------------------------------------------


def _checked_url(url: str) -> str:
    try:
        return web_url(url)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="url") from None


def _checked_interval(minutes: int) -> int:
    low = settings.SOURCES_MIN_INTERVAL_MINUTES
    if minutes < low or minutes > 7 * 24 * 60:
        raise ApplicationError(
            f"Poll every {low} minutes at the least and once a week at the most.", field="interval_minutes"
        )
    return minutes


def _outlet(name: str) -> Outlet | None:
    return outlet_get_or_create(name=name) if name and name.strip() else None


def source_create(
    *,
    actor,
    name: str,
    kind: str,
    url: str,
    outlet_name: str = "",
    interval_minutes: int = 30,
    enabled: bool = True,
) -> Source:
    require_cap(actor, Cap.SOURCES, "register sources")
    if kind not in SourceKind.values:
        raise ApplicationError("Choose what kind of source this is.", field="kind")
    url = _checked_url(url)
    if Source.objects.filter(url=url).exists():
        raise ApplicationError("This address is already registered as a source.", field="url")
    try:
        with transaction.atomic():
            source = Source.objects.create(
                name=" ".join(name.split())[:200] or urlsplit(url).hostname or url,
                kind=kind,
                url=url,
                outlet=_outlet(outlet_name),
                interval_minutes=_checked_interval(interval_minutes),
                enabled=enabled,
                next_poll_at=timezone.now(),
                created_by=actor,
            )
            audit_record(
                actor=actor,
                obj=source,
                action="source created",
                changes={name: [None, getattr(source, name)] for name in EDITABLE},
            )
    except IntegrityError:
        raise ApplicationError("This address is already registered as a source.", field="url") from None
    return source


def source_update(
    *,
    actor,
    source: Source,
    version: int | None,
    name: str,
    kind: str,
    url: str,
    outlet_name: str,
    interval_minutes: int,
    enabled: bool,
) -> Source:
    require_cap(actor, Cap.SOURCES, "change sources")
    if kind not in SourceKind.values:
        raise ApplicationError("Choose what kind of source this is.", field="kind")
    url = _checked_url(url)
    interval_minutes = _checked_interval(interval_minutes)
    with transaction.atomic():
        current = lock_for_edit(source, expected_version=version, fields=EDITABLE)
        before = snapshot(current, EDITABLE)
        if url != current.url and Source.objects.filter(url=url).exclude(pk=current.pk).exists():
            raise ApplicationError("This address is already registered as another source.", field="url")
        moved = url != current.url or kind != current.kind
        current.name = " ".join(name.split())[:200] or current.name
        current.kind, current.url, current.interval_minutes = kind, url, interval_minutes
        current.outlet = _outlet(outlet_name)
        fields = [*EDITABLE]
        if enabled != current.enabled:
            current.enabled = enabled
            current.next_poll_at = timezone.now()
            fields.append("next_poll_at")
        if moved:
            # Another address: what the old one's server said no longer applies.
            current.etag, current.last_modified = "", ""
            current.next_poll_at = timezone.now()
            fields += ["etag", "last_modified", "next_poll_at"]
        changes = diff_fields(current, before, EDITABLE)
        if not changes:
            return current
        save_versioned(current, fields=fields)
        audit_record(actor=actor, obj=current, action="source changed", changes=changes)
    return current


def source_set_enabled(*, actor, source: Source, enabled: bool) -> Source:
    """Switch polling on or off. Switched on, the source is polled at the next beat."""
    require_cap(actor, Cap.SOURCES, "switch sources on or off")
    with transaction.atomic():
        current = lock_for_edit(source, expected_version=None, fields=["enabled"])
        if current.enabled == enabled:
            return current
        current.enabled = enabled
        fields = ["enabled"]
        if enabled:
            current.next_poll_at = timezone.now()
            fields.append("next_poll_at")
        save_versioned(current, fields=fields)
        audit_record(
            actor=actor,
            obj=current,
            action="source enabled" if enabled else "source disabled",
            changes={"enabled": [not enabled, enabled]},
        )
    return current


# --- Polling ------------------------------------------------------------------------------------


@dataclass
class PollOutcome:
    status: str  # "skipped" (not claimed), "not modified", "ok", "failed"
    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    error: str = ""
    requests: int = 0
    item_errors: list[str] = field(default_factory=list)
    outlets: dict = field(default_factory=dict)  # outlet rows by name, looked up once per poll


def sources_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of the sources to poll now: enabled, due, and not being polled (or whose poll's
    claim is older than the lease, its worker presumably gone)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.SOURCES_POLL_LEASE_SECONDS)
    due = Source.objects.due(now).filter(Q(poll_started_at__isnull=True) | Q(poll_started_at__lt=stale))
    return list(due.order_by("next_poll_at", "id").values_list("id", flat=True)[: settings.SOURCES_POLL_BATCH])


def _claim_poll(source_id: int, now: datetime.datetime, *, force: bool) -> bool:
    """Claim this source's poll with one conditional UPDATE: of two workers handed the same
    source (a beat that ran twice, a redelivered message) exactly one gets it."""
    stale = now - datetime.timedelta(seconds=settings.SOURCES_POLL_LEASE_SECONDS)
    rows = Source.objects.filter(pk=source_id).filter(Q(poll_started_at__isnull=True) | Q(poll_started_at__lt=stale))
    if not force:
        rows = rows.filter(enabled=True, next_poll_at__lte=now)
    return rows.update(poll_started_at=now) == 1


def backoff_delay(interval_minutes: int, failures: int) -> datetime.timedelta:
    """After `failures` failures in a row, wait the interval doubled that many times, up to the cap."""
    cap = settings.SOURCES_BACKOFF_MAX_MINUTES
    minutes = min(interval_minutes * (2 ** min(failures, 20)), max(cap, interval_minutes))
    return datetime.timedelta(minutes=minutes)


def source_poll(*, source_id: int, force: bool = False) -> PollOutcome:
    """Poll one source: fetch its feed, sitemap or page (conditionally), import every item not
    yet imported, and record the source's health. Idempotent: the poll is claimed with a
    conditional UPDATE, and an item is imported once (unique source + key)."""
    now = timezone.now()
    if not _claim_poll(source_id, now, force=force):
        return PollOutcome(status="skipped")
    source = Source.objects.select_related("outlet").get(pk=source_id)
    policy = fetching.Policy.from_settings()
    outcome = PollOutcome(status="ok")
    with fetching.client_for(policy) as client:
        try:
            entries, response = _read_source(source, policy, client, outcome)
        except (fetching.FetchError, parsing.ParseError) as exc:
            outcome.status, outcome.error = "failed", str(exc)
            _record_failure(source, now, outcome.error)
            return outcome
        if response is not None and response.not_modified:
            outcome.status = "not modified"
        else:
            _import_new(source, entries, policy, client, outcome)
        _retry_unfinished(source, now, policy, client, outcome)
    _record_success(source, now, response, outcome)
    return outcome


def _read_source(source: Source, policy, client, outcome: PollOutcome):
    if source.kind == SourceKind.PAGE:
        # A single page: the item is the page itself; conditional GET is left to the item import.
        return [parsing.Entry(key=source.url, url=source.url)], None
    accept = FEED_ACCEPT if source.kind == SourceKind.FEED else SITEMAP_ACCEPT
    response = fetching.fetch(
        source.url,
        policy=policy,
        client=client,
        etag=source.etag,
        last_modified=source.last_modified,
        accept=accept,
    )
    outcome.requests += len(response.hops)
    if response.not_modified:
        return [], response
    if source.kind == SourceKind.FEED:
        return parsing.parse_feed(response.content, base_url=response.url, content_type=response.content_type), response
    sitemap = parsing.parse_sitemap(response.content, max_bytes=policy.max_bytes)
    entries = list(sitemap.entries)
    for child in sitemap.children[: settings.SOURCES_SITEMAP_CHILDREN]:
        inner = fetching.fetch(child, policy=policy, client=client, accept=SITEMAP_ACCEPT)
        outcome.requests += len(inner.hops)
        entries += parsing.parse_sitemap(inner.content, max_bytes=policy.max_bytes).entries
    return entries, response


def _import_new(source: Source, entries: list[parsing.Entry], policy, client, outcome: PollOutcome) -> None:
    unique = list({entry.key: entry for entry in entries}.values())
    known = set(
        FetchedItem.objects.filter(source=source, key__in=[e.key for e in unique]).values_list("key", flat=True)
    )
    budget = settings.SOURCES_MAX_ITEMS_PER_POLL
    for entry in unique:
        if entry.key in known:
            continue
        if budget <= 0:
            break
        budget -= 1
        try:
            url = web_url(urljoin_safe(source.url, entry.url))
        except ValueError as exc:
            url, bad = entry.url[:1000] or source.url, str(exc)
        else:
            bad = ""
        try:
            with transaction.atomic():
                item = FetchedItem.objects.create(
                    source=source,
                    key=entry.key,
                    url=url,
                    title=entry.title,
                    state=ItemState.FAILED if bad else ItemState.PENDING,
                    error=bad,
                    attempts=0 if bad else 1,  # counted here: the fetch follows at once
                )
        except IntegrityError:
            continue  # another poll of this source (a forced one) took it first
        if not bad:
            _item_fetch(item, source=source, policy=policy, client=client, entry=entry, outcome=outcome)
        else:
            outcome.failed += 1


def urljoin_safe(base: str, url: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, url.strip())


def _retry_unfinished(source: Source, started: datetime.datetime, policy, client, outcome: PollOutcome) -> None:
    """Items an earlier poll left pending (its worker died) or that failed, retried a few times
    at later polls: these come from the database, so an unchanged feed (a 304) still retries them."""
    retry = FetchedItem.objects.filter(
        source=source,
        state__in=[ItemState.PENDING, ItemState.FAILED],
        created_at__lt=started,
        attempts__lt=settings.SOURCES_ITEM_MAX_ATTEMPTS,
    ).order_by("created_at")[: settings.SOURCES_MAX_ITEMS_PER_POLL]
    for item in retry:
        _item_fetch(item, source=source, policy=policy, client=client, entry=None, outcome=outcome)


def _item_fetch(item: FetchedItem, *, source: Source | None, policy, client, entry, outcome: PollOutcome) -> None:
    if entry is None:  # a retry or a pasted link (a new item was created with its attempt counted)
        FetchedItem.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
        item.attempts += 1
    outlet = source.outlet.name if source is not None and source.outlet_id else ""
    try:
        response = fetching.fetch(item.url, policy=policy, client=client, accept=PAGE_ACCEPT)
        outcome.requests += len(response.hops)
        page = parsing.parse_page(response.content, url=response.url)
        result = article_create(
            body=page.text,
            published=_published(page.published, entry.published if entry else None),
            outlet_name=outlet or page.site_name or urlsplit(response.url).hostname or "",
            url=_page_url(page.url, response.url),
            headline=page.title or item.title,
            byline=page.byline,
            source_name=(f"source: {source.name}" if source is not None else "pasted link")[:500],
            submitted_by=item.requested_by,
            outlet_cache=outcome.outlets,
        )
    except (fetching.FetchError, parsing.ParseError, ApplicationError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        FetchedItem.objects.filter(pk=item.pk).update(
            state=ItemState.FAILED, error=message, finished_at=timezone.now(), started_at=None
        )
        item.state, item.error = ItemState.FAILED, message
        outcome.failed += 1
        outcome.item_errors.append(f"{item.url}: {message}")
        return
    state = ItemState.IMPORTED if result.created else ItemState.DUPLICATE
    FetchedItem.objects.filter(pk=item.pk).update(
        state=state, error="", article=result.article, finished_at=timezone.now(), started_at=None
    )
    item.state, item.article = state, result.article
    if result.created:
        outcome.imported += 1
    else:
        outcome.duplicates += 1


def _published(stated: str, fallback: datetime.date | None) -> datetime.date | None:
    """The page's date by the intake's rule; else the feed's; an implausible one is dropped, not fatal."""
    for value in (stated, fallback):
        if not value:
            continue
        try:
            return parse_publication_date(value)
        except ValueError:
            continue
    return None


def _page_url(stated: str, fetched: str) -> str:
    """The page's canonical address when it states a valid one, else the address it was fetched from."""
    try:
        return web_url(stated) if stated else fetched
    except ValueError:
        return fetched


def _record_success(source: Source, started: datetime.datetime, response, outcome: PollOutcome) -> None:
    now = timezone.now()
    updates = {
        "last_polled_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "failing_since": None,
        "next_poll_at": started + datetime.timedelta(minutes=source.interval_minutes),
        "poll_started_at": None,
        "last_error": "",
    }
    if outcome.item_errors:
        count = len(outcome.item_errors)
        updates["last_error"] = f"{count} item(s) could not be imported; the last: {outcome.item_errors[-1]}"[:2000]
    if response is not None and not response.not_modified:
        # Saved only now, after every item was handled: a poll that dies half-way is repeated
        # in full next time rather than answered with a 304 for items never imported.
        updates["etag"], updates["last_modified"] = response.etag[:500], response.last_modified[:100]
    if outcome.imported:
        updates["last_new_item_at"] = now
    Source.objects.filter(pk=source.pk).update(**updates)


def _record_failure(source: Source, started: datetime.datetime, error: str) -> None:
    now = timezone.now()
    failures = source.consecutive_failures + 1
    Source.objects.filter(pk=source.pk).update(
        last_polled_at=now,
        last_error=error[:2000],
        consecutive_failures=failures,
        failing_since=source.failing_since or now,
        next_poll_at=started + backoff_delay(source.interval_minutes, failures),
        poll_started_at=None,
    )
    log.warning("source %s failed (%s in a row): %s", source.pk, failures, error)


def sources_poll_due() -> int:
    """Beat: queue one poll task per due source (each claims its own work), and any pasted link
    whose fetch was never queued or whose worker died."""
    from factcheck.sources.tasks import fetch_link, poll_source  # tasks import services: import late

    ids = sources_due()
    for source_id in ids:
        poll_source.delay(source_id)
    stale = timezone.now() - datetime.timedelta(seconds=settings.SOURCES_POLL_LEASE_SECONDS)
    for item_id in FetchedItem.objects.filter(
        source__isnull=True, state=ItemState.PENDING, created_at__lt=stale, attempts__lt=3
    ).values_list("id", flat=True)[:100]:
        fetch_link.delay(item_id)
    return len(ids)


# --- Pasted links ---------------------------------------------------------------------------------


def link_request(*, actor, url: str) -> FetchedItem:
    """A link pasted on the submit page: recorded, and fetched by a worker after the commit."""
    require_cap(actor, Cap.SUBMIT, "submit articles")
    url = _checked_url(url)
    with transaction.atomic():
        item = FetchedItem.objects.create(source=None, key=url, url=url, requested_by=actor)
        item_id = item.pk
        transaction.on_commit(lambda: _enqueue_link(item_id))
    return item


def _enqueue_link(item_id: int) -> None:
    from factcheck.sources.tasks import fetch_link  # tasks import services: import late

    fetch_link.delay(item_id)


def link_fetch(*, item_id: int) -> str:
    """Fetch a pasted link and import it; the item says how it went ("imported", "duplicate",
    "failed"), or "skipped" when another worker has it or it is done."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.SOURCES_POLL_LEASE_SECONDS)
    claimed = (
        FetchedItem.objects.filter(pk=item_id, source__isnull=True, state=ItemState.PENDING)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=stale))
        .update(started_at=now)
    )
    if not claimed:
        return "skipped"
    item = FetchedItem.objects.select_related("requested_by").get(pk=item_id)
    policy = fetching.Policy.from_settings()
    with fetching.client_for(policy) as client:
        _item_fetch(item, source=None, policy=policy, client=client, entry=None, outcome=PollOutcome(status="ok"))
    return item.state
