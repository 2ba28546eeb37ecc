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

_SENTINEL = 2_147_483_647  # a primary key no row has
_PARTS: dict[tuple, tuple[str, str]] = {}


def pk_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL pattern whose only argument is an <int:pk>."""
    key = (name, get_urlconf(), get_script_prefix())
    parts = _PARTS.get(key)
    if parts is None:
        head, tail = reverse(name, args=[_SENTINEL]).rsplit(str(_SENTINEL), 1)
        parts = _PARTS[key] = (head, tail)
    return f"{parts[0]}{int(pk)}{parts[1]}"


@receiver(setting_changed)
def _forget(*, setting: str, **_kwargs) -> None:
    if setting == "ROOT_URLCONF":  # a test's override_settings: other patterns
        _PARTS.clear()
