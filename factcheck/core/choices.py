"""`PlainModelChoiceField`: a ModelChoiceField whose options come from one plain SELECT, shared
for a few seconds by the requests of a web process.

Django's ModelChoiceIterator reads the options with `queryset.iterator()`, which on PostgreSQL
opens a server-side cursor (DECLARE ... WITH HOLD, FETCH, CLOSE: three round trips, and the
cursor's rows materialized at commit) for the seven ratings or the handful of colleagues of a
select box; the claim page drew two such selects and the search page two more on every view
(docs/benchmarks.md, "Page costs"). Here the options are read with one SELECT and kept in the
process for REVIEW_COUNTS_CACHE_SECONDS (the counts' lifetime; 0, as in the tests, reads them
every time): a new colleague or rating shows in the select boxes within that time. Validation
is unchanged: a submitted value is looked up in the database, as Django does.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.forms.models import ModelChoiceIterator

_SHARED: dict[str, tuple[float, list]] = {}


def _options(queryset) -> list:
    seconds = settings.REVIEW_COUNTS_CACHE_SECONDS
    if seconds <= 0:
        return list(queryset.all())
    try:
        key = str(queryset.query)  # the statement with its parameters: what is read
    except EmptyResultSet:
        return []
    now = time.monotonic()
    held = _SHARED.get(key)
    if held is not None and held[0] > now:
        return held[1]
    rows = list(queryset.all())
    _SHARED[key] = (now + seconds, rows)
    return rows


class PlainChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in _options(self.queryset):
            yield self.choice(obj)


class PlainModelChoiceField(forms.ModelChoiceField):
    iterator = PlainChoiceIterator
