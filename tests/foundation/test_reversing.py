"""pk_url gives what reverse gives, under any script prefix (a desk served below /desk/)."""

from __future__ import annotations

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from factcheck.core.reversing import pk_url


@pytest.mark.parametrize("name", ["review:claim", "review:quote", "review:article", "review:article_panels"])
def test_pk_url_is_reverse(name):
    before = get_script_prefix()
    try:
        for prefix in ("/", "/desk/"):
            set_script_prefix(prefix)
            for pk in (1, 42, 10**12):
                assert pk_url(name, pk) == reverse(name, args=[pk])
    finally:
        set_script_prefix(before)


def test_pk_url_takes_only_a_number():
    with pytest.raises((TypeError, ValueError)):
        pk_url("review:claim", "1/../admin")
