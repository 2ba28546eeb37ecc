"""`PlainModelChoiceField`: a ModelChoiceField whose options come from one plain SELECT.

Django's ModelChoiceIterator reads the options with `queryset.iterator()`, which on PostgreSQL
opens a server-side cursor (DECLARE ... WITH HOLD, FETCH, CLOSE: three round trips, and the
cursor's rows materialized at commit) for the seven ratings or the handful of colleagues of a
select box. The claim page drew two such selects and the search page two more on every view
(docs/benchmarks.md, "Page costs"). The options, their order and validation are unchanged.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator


class PlainChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a fresh clone: one SELECT per drawing, as before
            yield self.choice(obj)


class PlainModelChoiceField(forms.ModelChoiceField):
    iterator = PlainChoiceIterator
