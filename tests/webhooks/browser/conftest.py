"""The browser tests' fixtures (tests/browser/conftest.py: one Chromium, a tab per person,
every page watched for Content-Security-Policy violations), for the webhook pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (  # noqa: F401  (fixtures and the report hook, used by name)
    CHROMIUM,
    _migration_data,
    browser,
    new_tab,
    pytest_runtest_makereport,
)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    for item in items:
        if "tests/webhooks/browser" in str(item.path):
            item.add_marker(skip)
