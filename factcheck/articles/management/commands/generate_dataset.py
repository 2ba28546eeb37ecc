"""Generate a large synthetic data set for load and speed tests (never for production).

  python manage.py generate_dataset --articles 10000 --claims-per-article 20

Articles of ~20 sentences, every sentence a claim candidate (spans valid), a few quotes,
a share of claims labelled, in review or published, and some links. Bulk inserts,
no extraction queued.
"""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState, Outlet, body_fingerprint
from factcheck.claims.models import CandidateStatus, Claim, Quote, RatingScale, Workflow
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, Relation

SUBJECTS = ["The ministry", "Officials", "The agency", "Police", "The governor", "Analysts", "The army", "Residents"]
VERBS = ["reported", "said", "estimated", "confirmed", "denied", "claimed"]
OBJECTS = [
    "people were evacuated",
    "homes were damaged",
    "soldiers were captured",
    "drones were shot down",
    "km of territory changed hands",
    "villages lost power",
    "refugees crossed the border",
    "cases were recorded",
]
PLACES = ["Kursk", "Belgorod", "Bryansk", "Kharkiv", "Odesa", "Lviv", "Sumy", "Donetsk", "Kherson", "Dnipro"]


class Command(BaseCommand):
    help = "Generate synthetic articles, claims, quotes and links in bulk for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--claims-per-article", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=500, help="Articles per transaction.")

    def handle(self, *args, articles: int, claims_per_article: int, seed: int, batch: int, **options) -> None:
        if articles < 1 or claims_per_article < 1:
            raise CommandError("--articles and --claims-per-article must be positive.")
        rng = random.Random(seed)
        ratings = list(RatingScale.objects.get(is_default=True).ratings.all())
        outlets = [
            Outlet.objects.get_or_create(name=f"Outlet {i}", defaults={"slug": f"outlet-{i}"})[0] for i in range(12)
        ]
        start_id = (Claim.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        made = 0
        while made < articles:
            n = min(batch, articles - made)
            with transaction.atomic():
                self._batch(rng, n, made, claims_per_article, outlets, ratings)
            made += n
            self.stdout.write(f"{made} articles")
        self._links(rng, start_id)
        self.stdout.write(f"done: {Article.objects.count()} articles, {Claim.objects.count()} claims")

    def _sentence(self, rng: random.Random) -> str:
        return (
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} that {rng.randint(2, 90_000):,} "
            f"{rng.choice(OBJECTS)} in {rng.choice(PLACES)} on {rng.choice(['Monday', 'Tuesday', 'Friday'])}."
        )

    def _batch(self, rng, n, offset, per_article, outlets, ratings) -> None:
        now = timezone.now()
        bodies = []
        for i in range(n):
            sentences = [self._sentence(rng) for _ in range(per_article)]
            bodies.append((f"Generated story {offset + i}", sentences))
        objs = [
            Article(
                outlet=rng.choice(outlets),
                headline=headline,
                body=headline + "\n\n" + " ".join(sentences) + f"\n\n“We will rebuild {offset + i},” the mayor said.\n",
                published=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 365)),
                extraction_state=ExtractionState.DONE,
                extractor_version="generated",
            )
            for i, (headline, sentences) in enumerate(bodies)
        ]
        for obj in objs:
            obj.fingerprint = body_fingerprint(obj.body)
        Article.objects.bulk_create(objs)
        claims, quotes = [], []
        for article, (headline, sentences) in zip(objs, bodies, strict=True):
            pos = len(headline) + 2
            for sentence in sentences:
                roll = rng.random()
                verdict = rng.choice(ratings) if roll < 0.15 else None
                workflow = Workflow.DRAFT
                if verdict is not None:
                    workflow = rng.choice([Workflow.DRAFT, Workflow.IN_REVIEW, Workflow.APPROVED, Workflow.PUBLISHED])
                claims.append(
                    Claim(
                        article=article,
                        start=pos,
                        end=pos + len(sentence),
                        text=sentence,
                        score=round(rng.random(), 3),
                        checkworthy=roll < 0.6,
                        kind="quantity",
                        status=CandidateStatus.ACCEPTED if verdict else CandidateStatus.CANDIDATE,
                        workflow=workflow,
                        verdict=verdict,
                        published_at=now if workflow == Workflow.PUBLISHED else None,
                    )
                )
                pos += len(sentence) + 1
            q_start = article.body.index("“") + 1
            q_end = article.body.index(",”")
            quotes.append(
                Quote(
                    article=article,
                    start=q_start,
                    end=q_end,
                    text=article.body[q_start:q_end],
                    speaker_text="the mayor",
                )
            )
        Claim.objects.bulk_create(claims, batch_size=5000)
        Quote.objects.bulk_create(quotes, batch_size=5000)

    def _links(self, rng: random.Random, start_id: int) -> None:
        ids = list(Claim.objects.filter(id__gte=start_id).values_list("id", flat=True)[:50_000])
        links, seen = [], set()
        for _ in range(min(20_000, len(ids) // 2)):
            a, b = sorted(rng.sample(ids, 2))
            if (a, b) in seen:
                continue
            seen.add((a, b))
            links.append(
                ClaimLink(
                    source_id=a,
                    target_id=b,
                    relation=rng.choice(list(Relation)),
                    origin=LinkOrigin.SYSTEM,
                    state=rng.choice(list(LinkState)),
                    score=round(rng.uniform(0.5, 1), 3),
                    reason="generated",
                )
            )
        ClaimLink.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
