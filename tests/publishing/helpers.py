"""Shared steps of the publishing tests."""

from __future__ import annotations

from factcheck.claims.services import claim_correct

from ..factories import rating


def correct_to_false(published, editor):
    """The editor corrects a published check from its verdict to False, as the desk does when
    the statistics office revises its figure (through the service, audited)."""
    return claim_correct(
        claim=published,
        verdict=rating("false"),
        summary="The figure was 4.1%.",
        explanation="Revised.",
        reason="The statistics office revised its figure.",
        actor=editor,
        expected_version=published.version,
    )
