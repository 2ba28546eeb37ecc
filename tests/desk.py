"""A mixed desk for the queue tests (tests/review/test_queues.py, tests/browser/test_queues.py):
claims in every state of the machine, links in every state, several assignees, articles in
every extraction state."""

from __future__ import annotations

from factcheck.accounts.roles import Role
from factcheck.articles.models import Article, ArticleKind, ExtractionState
from factcheck.claims.models import CandidateStatus, Claim, Workflow
from factcheck.linking.models import LinkState

from .factories import ClaimFactory, ClaimLinkFactory, QuoteFactory, QuoteLinkFactory, UserFactory, rating


def _claim(n: int, **kwargs) -> Claim:
    return ClaimFactory(text=f"Claim {n}: the figure rose by {n}% in {2000 + n}.", **kwargs)


def build_desk(checker, checker2, editor, *, scale: int = 1) -> dict:
    """Claims in every state, links in every state, several assignees, articles in every
    extraction state; `scale` copies of it."""
    maria = UserFactory(username=f"maria{Claim.objects.count()}", role=Role.FACT_CHECKER)
    people = [checker, checker2, editor, maria, None]
    made = []
    n = Claim.objects.count()
    for _ in range(scale):
        for i, (status, workflow, checkworthy, verdict) in enumerate(
            [
                (CandidateStatus.CANDIDATE, Workflow.DRAFT, True, None),
                (CandidateStatus.CANDIDATE, Workflow.DRAFT, True, None),
                (CandidateStatus.CANDIDATE, Workflow.DRAFT, False, None),  # below the check-worthy line
                (CandidateStatus.REJECTED, Workflow.DRAFT, True, None),
                (CandidateStatus.ACCEPTED, Workflow.DRAFT, True, None),
                (CandidateStatus.ACCEPTED, Workflow.DRAFT, False, "false"),
                (CandidateStatus.ACCEPTED, Workflow.IN_REVIEW, True, "true"),
                (CandidateStatus.ACCEPTED, Workflow.IN_REVIEW, True, "false"),
                (CandidateStatus.ACCEPTED, Workflow.APPROVED, True, "true"),
                (CandidateStatus.ACCEPTED, Workflow.PUBLISHED, True, "mostly-true"),
            ]
        ):
            n += 1
            made.append(
                _claim(
                    n,
                    status=status,
                    workflow=workflow,
                    checkworthy=checkworthy,
                    verdict=rating(verdict) if verdict else None,
                    score=round(0.05 + 0.09 * i, 2),
                    assigned_to=people[n % len(people)],
                )
            )
        quotes = [QuoteFactory(text=f"We said {n} things {k}") for k in range(4)]
        quotes[3].status = CandidateStatus.ACCEPTED
        quotes[3].save(update_fields=["status"])
        for k, state in enumerate([LinkState.SUGGESTED, LinkState.SUGGESTED, LinkState.CONFIRMED, LinkState.DISMISSED]):
            ClaimLinkFactory(a=made[-1 - k], b=made[-5 - k], state=state)
        for state, (a, b) in zip(
            [LinkState.SUGGESTED, LinkState.CONFIRMED, LinkState.DISMISSED],
            [(0, 1), (1, 2), (2, 3)],
            strict=True,
        ):
            QuoteLinkFactory(a=quotes[a], b=quotes[b], state=state)
    Article.objects.update(extraction_state=ExtractionState.DONE)
    for k in range(scale):
        Article.objects.create(body=f"Broken {n} {k}", headline="Broken", extraction_state=ExtractionState.FAILED)
        Article.objects.create(body=f"Pending {n} {k}", headline="Pending", extraction_state=ExtractionState.PENDING)
        Article.objects.create(
            body=f"Imported {n} {k}",
            headline="Imported",
            kind=ArticleKind.FACTCHECK,
            review_key=f"imported-{n}-{k}",
            extraction_state="failed",
        )
    return {"claims": made}
