"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live_server.

One browser for all of them, a fresh context (cookies, storage) per test. The live server
serves static files through staticfiles' finders, so pages are styled as in production.
Screenshots of the main pages go to $SCREENSHOT_DIR (default artifacts/screenshots).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management import call_command

from .helpers import screenshot_dir

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download is not used; these flags let Debian's build run headless in CI.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1366, "height": 900}  # wide enough for the reader's two columns
PHONE = {"width": 390, "height": 844}  # a phone held upright (iPhone 12-15)
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(skip)


@contextlib.contextmanager
def chromium_session():
    """Debian's Chromium under Playwright, with Django's async-unsafe check lifted while it
    runs (see `browser`); for a module that needs its own browser, as tests/sources does."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for all the browser tests (pytest-django runs them one after another).

    Package scope, not session: Playwright's sync API runs an asyncio loop in this thread
    for as long as it is open, and Django refuses every ORM call made while a loop runs
    ("async unsafe") although these tests are synchronous. So the check is lifted while
    the browser runs, and both end with the last browser test: the tests after them (and
    the processes they start, such as `manage.py check --deploy`, which rejects the
    variable) see neither.
    """
    with chromium_session() as chromium:
        yield chromium


@dataclass
class Tab:
    """A page, the JavaScript errors it raised, so that a test can check there were none,
    and the Content-Security-Policy violations it reported, which fail the test (new_tab)."""

    page: object
    errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)


# Every page reports each CSP violation twice over: Chromium's own console message
# ("Refused to ... because it violates the following Content Security Policy directive")
# and the DOM's securitypolicyviolation event, which this script (injected by the
# browser itself, so not subject to the policy) turns into a console message too.
CSP_MARK = "Content Security Policy"
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("securitypolicyviolation: Content Security Policy " + event.effectiveDirective
    + " blocked " + (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture
def new_tab(request, browser, live_server):
    """Opens a page in a new browser context (its own cookies): one per person in a test.

    Every page is watched for Content-Security-Policy violations (console messages and
    securitypolicyviolation events): any one fails the test when it ends.

    When the test fails, every page it opened is saved as failed-<test>-<n>.png next to
    the screenshots, to show what the browser showed at that moment.
    """
    contexts = []
    tabs: list[Tab] = []

    def _open(viewport: dict | None = None) -> Tab:
        context = browser.new_context(base_url=live_server.url, viewport=viewport or VIEWPORT, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        context.add_init_script(_CSP_LISTENER)
        tab = Tab(page=context.new_page())
        tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
        tab.page.on("console", lambda msg: _watch_csp(tab, msg))
        tabs.append(tab)
        return tab

    yield _open
    violations = [f"{tab.page.url}: {text}" for tab in tabs for text in tab.csp_violations]
    if getattr(request.node, "browser_test_failed", False):
        for number, context in enumerate(contexts, start=1):
            for page in context.pages:
                page.screenshot(path=str(screenshot_dir() / f"failed-{request.node.name}-{number}.png"), full_page=True)
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


def _watch_csp(tab: Tab, message) -> None:
    if CSP_MARK in message.text:
        tab.csp_violations.append(message.text)


# The rows the data migrations load. A transactional test's flush empties every table,
# and serialized_rollback cannot put them back here: while Playwright's loop runs in this
# thread, Django's connection handler hands out a fresh connection object that lacks the
# serialized copy. So each browser test loads them again, as the migrations do.
DATA_MIGRATIONS = [
    "factcheck.accounts.migrations.0001_roles",
    "factcheck.claims.migrations.0003_default_rating_scale",
]


@pytest.fixture(autouse=True)
def _migration_data(transactional_db):
    from django.apps import apps

    for name in DATA_MIGRATIONS:
        import_module(name).forwards(apps, None)


@dataclass
class Seeds:
    cnn: object
    lbc: object


@pytest.fixture
def seeds(seeds_dir, monkeypatch) -> Seeds:
    """The two sample articles, imported, then extracted in-process by the real engine.

    Link suggestions, which follow extraction, are left out: the tests link by hand, and
    what the suggester proposes (or whether a worker runs it) must not change the pages.
    """
    from factcheck.articles.models import Article, ExtractionState
    from factcheck.extraction import store
    from factcheck.extraction.services import extraction_run

    monkeypatch.setattr(store, "_after_extraction", lambda article_id: None)

    call_command("import_articles", str(seeds_dir), no_extract=True, no_progress=True)
    articles = list(Article.objects.select_related("outlet").order_by("pk"))
    assert len(articles) == 2, [a.source_name for a in articles]
    for article in articles:
        extraction_run(article_id=article.pk)
        article.refresh_from_db()
        if article.extraction_state != ExtractionState.DONE:
            pytest.fail(f"extraction of {article.source_name} failed: {article.extraction_error}")
    by_source = {Path(a.source_name).name.split("-")[0]: a for a in articles}
    return Seeds(cnn=by_source["cnn"], lbc=by_source["lbc"])
