"""Shared fixtures: named personas, one per role, as healthchecks' BaseTestCase has alice and
bob, and one sample article with a claim and a quote on it. The rows come from the
factories in tests/factories.py."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from factcheck.accounts.roles import Role
from factcheck.audit.signals import send_committed

from .factories import ArticleFactory, ClaimFactory, QuoteFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: Role | None):
    return UserFactory(username=username, role=role)


@pytest.fixture
def reporter(db):
    return make_user("rita", Role.REPORTER)


@pytest.fixture
def checker(db):
    return make_user("carl", Role.FACT_CHECKER)


@pytest.fixture
def checker2(db):
    return make_user("chloe", Role.FACT_CHECKER)


@pytest.fixture
def editor(db):
    return make_user("eddie", Role.EDITOR)


@pytest.fixture
def admin_user(db):
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def outsider(db):
    """Signed in, but in no role group."""
    return make_user("otto", None)


SAMPLE_BODY = (
    " date 2024-08-14 Ukraine says it took 100 prisoners\n\n"
    "Troops captured around 2km more of the region on Wednesday, officials said.\n\n"
    "“We are advancing,” the president said.\n"
)


@pytest.fixture
def article(db):
    return ArticleFactory(
        body=SAMPLE_BODY,
        published=datetime.date(2024, 8, 14),
        outlet_name="Example News",
        headline="Ukraine says it took 100 prisoners",
        url="",
    )


@pytest.fixture
def claim(article):
    """A check-worthy candidate claim on `article`."""
    text = "Troops captured around 2km more of the region on Wednesday, officials said."
    return ClaimFactory(article=article, text=text, score=0.8, checkworthy=True)


@pytest.fixture
def quote(article):
    """A candidate quote on `article`, with no speaker yet."""
    return QuoteFactory(article=article, text="We are advancing,", speaker_text="")


@pytest.fixture
def pair(db):
    """Two claims of two outlets that say the same thing: what cross-linking is for."""
    a = ClaimFactory(text="Ukraine captured 100 prisoners in Kursk.", outlet="Kyiv Post")
    b = ClaimFactory(text="Kyiv says its troops took 100 prisoners in Kursk.", outlet="BBC")
    return a, b


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def seeds_dir():
    return settings.BASE_DIR / "factcheck" / "articles" / "sample_data"


# Property-based tests (tests/property/): bounded so the suite stays within minutes on two
# shared cores. HYPOTHESIS_PROFILE=thorough runs many more examples locally.
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "ci",
    max_examples=40,
    deadline=5_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
hypothesis_settings.register_profile("thorough", max_examples=1_000, deadline=None)
hypothesis_settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))


def queued_work(callbacks: list) -> list:
    """The on-commit callbacks a change queued, less the audit_committed notice that every
    audit event sends (factcheck/audit/signals.py)."""
    return [c for c in callbacks if getattr(c, "func", None) is not send_committed]


@pytest.fixture(autouse=True)
def _no_count_cache(settings):
    # Counts cached across tests would be another test's data (tests/review/test_count_cache.py
    # turns it on for itself).
    settings.REVIEW_COUNTS_CACHE_SECONDS = 0
