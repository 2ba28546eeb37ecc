"""The personas with email addresses (the factories leave them empty), and Celery in-process so
the email task runs in the test's thread with Django's locmem backend (pytest-django's default)."""

from __future__ import annotations

import pytest

from factcheck.claims import services as claims

from ..factories import ClaimFactory, rating


@pytest.fixture(autouse=True)
def _addresses(request):
    for name in ("reporter", "checker", "checker2", "editor", "admin_user", "outsider"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.email = f"{user.username}@newsroom.example"
            user.save(update_fields=["email"])


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def in_review(checker):
    """A claim `checker` labelled and submitted for review."""
    claim = ClaimFactory(text="Unemployment fell to 3% last year, the minister said.")
    claims.claim_label(
        claim=claim,
        verdict=rating("false"),
        summary="It was 4%.",
        explanation="The statistics office says 4%.",
        claimant_name=None,
        actor=checker,
        expected_version=claim.version,
    )
    claims.claim_submit_for_review(claim=claim, actor=checker)
    claim.refresh_from_db()
    return claim
