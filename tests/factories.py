"""Test data: factory_boy factories for every row the tests build, with sensible defaults.

Every declaration can be overridden (`ClaimFactory(text=..., outlet="BBC", score=0.9)`).
The personas of tests/conftest.py are `UserFactory` rows; their password is
`pw-<username>` (the browser tests log in with it).
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from factcheck.accounts.roles import Role
from factcheck.articles.models import Article, ExtractionState, Outlet
from factcheck.claims.models import CandidateStatus, Claim, Evidence, Quote, Rating, Workflow
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, QuoteLink, Relation

HOSTILE = '<script>alert(1)</script>" onmouseover="alert(1)'


def span_of(body: str, text: str) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


def rating(slug: str = "false") -> Rating:
    """A verdict of the default rating scale (loaded by a data migration)."""
    return Rating.objects.get(scale__is_default=True, slug=slug)


class UserFactory(DjangoModelFactory):
    """A user; `role` puts them in that role's group (an admin is also staff and superuser)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyAttribute(lambda u: make_password(f"pw-{u.username}"))

    @factory.post_generation
    def role(user, create, extracted: Role | None, **kwargs):
        if not create or extracted is None:
            return
        user.groups.add(Group.objects.get_or_create(name=extracted.value)[0])
        if extracted == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])


class OutletFactory(DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ArticleFactory(DjangoModelFactory):
    """An article whose body holds `text` as its second sentence (so it has context)."""

    class Meta:
        model = Article

    class Params:
        n = factory.Sequence(lambda n: n + 1)
        text = ""
        outlet_name = factory.LazyAttribute(lambda o: f"Outlet {o.n}")

    body = factory.LazyAttribute(
        lambda o: f"Report number {o.n} opens here. {o.text} It closes with a last sentence {o.n}.\n"
    )
    outlet = factory.SubFactory(OutletFactory, name=factory.SelfAttribute("..outlet_name"))
    published = factory.LazyAttribute(lambda o: datetime.date(2024, 8, 1) + datetime.timedelta(days=o.n % 28))
    headline = factory.LazyAttribute(lambda o: f"Headline {o.n}")
    url = factory.LazyAttribute(lambda o: f"https://news.example/{o.n}")


class _SpanFactory(DjangoModelFactory):
    """A claim or quote whose span is where `text` stands in its article's body."""

    class Meta:
        abstract = True

    start = factory.LazyAttribute(lambda o: o.article.body.index(o.text))
    end = factory.LazyAttribute(lambda o: o.start + len(o.text))


class ClaimFactory(_SpanFactory):
    """A claim in an article of its own (`outlet`: the outlet's name; `published`: its date)."""

    class Meta:
        model = Claim

    class Params:
        outlet = None
        published = None
        # A claim with a verdict (by `verdict_by`), as a fact-checker leaves it; `workflow` says how far it got.
        labelled = factory.Trait(
            text="Unemployment fell to 3% last year.",
            status=CandidateStatus.ACCEPTED,
            verdict=factory.LazyFunction(lambda: rating("mostly-true")),
            verdict_summary="Close, but the figure was 3.2%.",
            verdict_explanation="The statistics office says 3.2%.",
            published_at=factory.LazyAttribute(lambda o: timezone.now() if o.workflow == Workflow.PUBLISHED else None),
        )

    text = "Troops captured 2km of the region on Wednesday."
    article = factory.SubFactory(
        ArticleFactory,
        text=factory.SelfAttribute("..text"),
        outlet_name=factory.LazyAttribute(lambda o: o.factory_parent.outlet or f"Outlet {o.n}"),
        published=factory.LazyAttribute(
            lambda o: o.factory_parent.published or datetime.date(2024, 8, 1) + datetime.timedelta(days=o.n % 28)
        ),
    )
    workflow = Workflow.DRAFT


class QuoteFactory(_SpanFactory):
    """A quote in an article of its own: “<text>,” <speaker_text> said."""

    class Meta:
        model = Quote

    text = "We are advancing on every front"
    speaker_text = "the president"
    article = factory.SubFactory(
        ArticleFactory,
        text=factory.LazyAttribute(lambda o: f"“{o.factory_parent.text},” {o.factory_parent.speaker_text} said."),
    )


class _LinkFactory(DjangoModelFactory):
    """A link between `a` and `b`, stored in id order (source < target), suggested by the system."""

    class Meta:
        abstract = True

    class Params:
        a = None
        b = None

    source = factory.LazyAttribute(lambda o: o.a if o.a.pk < o.b.pk else o.b)
    target = factory.LazyAttribute(lambda o: o.b if o.a.pk < o.b.pk else o.a)
    relation = Relation.SAME
    state = LinkState.SUGGESTED
    score = 0.8
    reason = "same numbers"
    origin = LinkOrigin.SYSTEM


class ClaimLinkFactory(_LinkFactory):
    class Meta:
        model = ClaimLink


class QuoteLinkFactory(_LinkFactory):
    class Meta:
        model = QuoteLink


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    class Params:
        n = factory.Sequence(lambda n: n + 1)

    claim = factory.SubFactory(ClaimFactory)
    url = factory.LazyAttribute(lambda o: f"https://stats.example/{o.n}")
    title = factory.LazyAttribute(lambda o: f"Source {o.n}")
    note = factory.LazyAttribute(lambda o: f"Note {o.n}")


def make_articles(n: int, *, outlet_name: str = "Outlet A") -> list[Article]:
    """`n` extracted articles of one outlet, each with one candidate claim and one candidate quote."""
    articles = []
    for i in range(n):
        body = f"Article {outlet_name} {i}: the minister said 40 tanks were lost near Kursk. “It is true,” she said."
        article = ArticleFactory(
            body=body,
            headline=f"Headline {i}",
            outlet_name=outlet_name,
            published=datetime.date(2024, 8, 1) + datetime.timedelta(days=i % 20),
            extraction_state=ExtractionState.DONE,
            url="",
        )
        ClaimFactory(
            article=article, text="the minister said 40 tanks were lost near Kurs", score=0.5, checkworthy=True
        )
        QuoteFactory(article=article, text="It is true,", speaker_text="she")
        articles.append(article)
    return articles
