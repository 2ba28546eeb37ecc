"""`pk_url`: `reverse(name, args=[pk])` for the URLs every list links each row to, reversed once.

Django's `reverse` resolves the pattern on every call (about 30 µs); a search page of 50 claims
links each to the claim and its article, and the dashboard and queues do the same, so the page
spent a tenth of its CPU reversing (docs/benchmarks.md, "Page costs"). The pattern is reversed
once per URLconf and script prefix with a placeholder primary key, and filled in per row.
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_SENTINEL = "987654321987654321"  # a primary key no row has, and no other part of a path holds
_PARTS: dict[tuple, tuple[str, str] | None] = {}


def pk_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL pattern whose only argument is the row's primary key
    (the pages' <int:pk>, the API's detail routes). Only a number is filled in (anything else
    raises, as a path must not be spliced); a pattern the stand-in does not fill exactly once
    is reversed as usual."""
    pk = int(pk)
    key = (name, get_urlconf(), get_script_prefix())
    parts = _PARTS.get(key, ())
    if parts == ():
        path = reverse(name, args=[_SENTINEL])
        parts = _PARTS[key] = tuple(path.split(_SENTINEL)) if path.count(_SENTINEL) == 1 else None
    if parts is None:
        return reverse(name, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"


@receiver(setting_changed)
def _forget(*, setting: str, **_kwargs) -> None:
    if setting == "ROOT_URLCONF":  # a test's override_settings: other patterns
        _PARTS.clear()
