"""Presentation helpers several workspace pages share: pagination and sort links of the
lists, the text around a span, an object's history, the other end of a link."""

from __future__ import annotations

import re

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

from factcheck.audit.models import AuditEvent

PAGE_SIZE = 50
# Lists count at most this many rows and say "10,000+" beyond: a COUNT(*) over every match of a
# broad search at 200,000 claims reads them all (80-120 ms) for a number nobody pages through.
COUNT_CAP = 10_000
HISTORY_LIMIT = 50


def sort_links(request: HttpRequest, sorts: dict, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the query string that sorts by it (toggling direction) and aria-sort."""
    links = {}
    params = request.GET.copy()
    params.pop("page", None)
    for key in sorts:
        base = key.lstrip("-")
        if base in links:
            continue
        asc, desc = base, f"-{base}"
        target = desc if current == asc and desc in sorts else (asc if asc in sorts else desc)
        if current == desc and asc in sorts:
            target = asc
        params["sort"] = target
        state = "ascending" if current == asc else "descending" if current == desc else "none"
        links[base] = {"query": params.urlencode(), "aria": state}
    return links


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP rows (SELECT COUNT(*) FROM (... LIMIT cap + 1)):
    `capped` says there are more, `count_label` is "10,000+" then; the pages stop at the cap."""

    capped = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        n = rows.order_by()[: COUNT_CAP + 1].count() if hasattr(rows, "query") else len(rows)
        self.capped = n > COUNT_CAP
        return min(n, COUNT_CAP)

    @property
    def count_label(self) -> str:
        return f"{intcomma(self.count)}+" if self.capped else intcomma(self.count)


def page_of(request: HttpRequest, queryset):
    return CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+|\n")


def sentence_context(body: str, start: int, end: int, window: int = 400) -> tuple[str, str, str]:
    """The text around [start, end) out to the sentence boundaries (at most `window` chars)."""
    lo = max(0, start - window)
    before = body[lo:start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    elif lo > 0:
        before = "…" + before
    after = body[end : end + window]
    match = _SENTENCE_END.search(after)
    if match:
        after = after[: match.start() + 1].rstrip("\n")
    elif end + window < len(body):
        after += "…"
    return before, body[start:end], after


def sorted_rows(queryset, key, *, reverse: bool = False) -> list:
    """The rows of `queryset` (unlimited, a handful) sorted here by `key` instead of by an ORDER
    BY: with one, Django hashes every selected column to match the ordering against them, which
    for a few rows with a joined user costs more than the query (see claim_links_list)."""
    return sorted(queryset.order_by(), key=key, reverse=reverse)


def history(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj)[:HISTORY_LIMIT])


def annotate_links(links, here_pk: int) -> list:
    """Give each link `.other`, the end that is not this claim or quote."""
    out = []
    for link in links:
        link.other = link.target if link.source_id == here_pk else link.source
        out.append(link)
    return out


def next_or(request: HttpRequest, default: str) -> str:
    """The POSTed `next` address when it is on this site, else `default` (no open redirect)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
