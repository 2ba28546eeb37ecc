"""Reads for repeat alerts, the repeat ledger and the verdict-disagreement warning.

What counts as a repeat, in one place (`repeat_links`): a live (not dismissed) claim link whose
relation is "same", confirmed by an editor or suggested with a match probability at or above
ALERTS_REPEAT_THRESHOLD, between a *checked* claim (our own published fact-check, or a claim of an
imported fact-check) and a *news* claim that is not itself one of our published checks. The
alerts (raised when link suggestions run) and the ledger (read from the links, so it covers
repeats found before alerts existed, and forgets a link an editor dismissed) share it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, TruncDate
from django.utils import timezone

from factcheck.alerts.models import RepeatAlert
from factcheck.articles.models import ArticleKind
from factcheck.claims.models import CandidateStatus, Claim, Person, Rating, Workflow
from factcheck.linking.models import ClaimLink, LinkState, Relation
from factcheck.linking.selectors import review_url_for

# Our own checks whose verdict a new approval is compared with.
OWN_CHECKED = (Workflow.APPROVED, Workflow.PUBLISHED)


def alert_threshold() -> float:
    return float(settings.ALERTS_REPEAT_THRESHOLD)


def _checked(prefix: str) -> Q:
    return (
        Q(**{f"{prefix}workflow": Workflow.PUBLISHED}) | Q(**{f"{prefix}article__kind": ArticleKind.FACTCHECK})
    ) & ~Q(**{f"{prefix}status": CandidateStatus.REJECTED})


def _repeat_side(prefix: str) -> Q:
    return (
        Q(**{f"{prefix}article__kind": ArticleKind.NEWS})
        & ~Q(**{f"{prefix}workflow": Workflow.PUBLISHED})
        & ~Q(**{f"{prefix}status": CandidateStatus.REJECTED})
    )


def is_checked(claim: Claim) -> bool:
    """Published by the desk, or imported from another organisation's fact-check."""
    if claim.status == CandidateStatus.REJECTED:
        return False
    return claim.workflow == Workflow.PUBLISHED or claim.article.kind == ArticleKind.FACTCHECK


def is_repeat_side(claim: Claim) -> bool:
    return (
        claim.article.kind == ArticleKind.NEWS
        and claim.workflow != Workflow.PUBLISHED
        and claim.status != CandidateStatus.REJECTED
    )


def repeat_links(*, threshold: float | None = None) -> QuerySet[ClaimLink]:
    """Links that make one claim a repeat of a checked one (see the module's docstring)."""
    at = alert_threshold() if threshold is None else threshold
    return (
        ClaimLink.objects.live()
        .filter(relation=Relation.SAME)
        .filter(Q(state=LinkState.CONFIRMED) | Q(score__gte=at))
        .filter((_checked("source__") & _repeat_side("target__")) | (_checked("target__") & _repeat_side("source__")))
    )


def repeat_pairs(links) -> list[tuple[Claim, Claim, ClaimLink]]:
    """(repeat, checked, link) for links loaded with both ends (and their articles)."""
    out = []
    for link in links:
        for repeat, checked in ((link.source, link.target), (link.target, link.source)):
            if is_checked(checked) and is_repeat_side(repeat):
                out.append((repeat, checked, link))
    return out


# ---- the alert pages ---------------------------------------------------------------------


def alerts_for(user, *, state: str = "") -> QuerySet[RepeatAlert]:
    qs = RepeatAlert.objects.visible_to(user).with_related()
    return qs.filter(state=state) if state else qs


def open_alert_count(user) -> int:
    return RepeatAlert.objects.visible_to(user).open().count()


# ---- dates -------------------------------------------------------------------------------


def appeared_on(claim: Claim) -> datetime.date:
    """When a claim appeared: its article's date, else the day we received the article."""
    article = claim.article
    return article.published or timezone.localdate(article.created_at)


def checked_on(claim: Claim) -> datetime.date:
    """When a check was published: ours when we published it, an import by its review's date."""
    if claim.published_at and claim.article.kind != ArticleKind.FACTCHECK:
        return timezone.localdate(claim.published_at)
    return appeared_on(claim)


def checked_by(claim: Claim) -> str:
    if claim.article.kind == ArticleKind.FACTCHECK:
        return claim.article.outlet.name if claim.article.outlet else "another organisation"
    return settings.NEWSROOM_NAME


def verdict_words(claim: Claim) -> str:
    return claim.review_rating_text or (claim.verdict.label if claim.verdict else "no rating")


def claimant_name(claim: Claim) -> str:
    return claim.claimant.name if claim.claimant_id else claim.claimant_text


# ---- the ledger --------------------------------------------------------------------------


@dataclass
class Appearance:
    claim: Claim
    date: datetime.date
    later: bool  # on or after the day the check was published

    @property
    def outlet(self) -> str:
        return self.claim.article.outlet.name if self.claim.article.outlet else "Unknown outlet"

    @property
    def claimant(self) -> str:
        return claimant_name(self.claim)


@dataclass
class LedgerRow:
    checked: Claim
    checked_on: datetime.date
    appearances: list[Appearance] = field(default_factory=list)

    @property
    def by(self) -> str:
        return checked_by(self.checked)

    @property
    def rating(self) -> str:
        return verdict_words(self.checked)

    @property
    def url(self) -> str | None:
        return review_url_for(self.checked)

    @property
    def later(self) -> list[Appearance]:
        return [a for a in self.appearances if a.later]

    @property
    def earlier_count(self) -> int:
        return len(self.appearances) - len(self.later)

    @property
    def outlets(self) -> list[str]:
        return sorted({a.outlet for a in self.later}, key=str.lower)

    @property
    def claimants(self) -> list[str]:
        return sorted({a.claimant for a in self.later if a.claimant}, key=str.lower)

    @property
    def last_seen(self) -> datetime.date | None:
        return max((a.date for a in self.later), default=None)


@dataclass(frozen=True)
class LedgerTotals:
    """The ledger's figures over every check (never over one page)."""

    checks: int  # checks in the ledger, repeated later or only before: the list's length
    repeated_checks: int  # checks with at least one later appearance
    appearances: int  # later appearances
    outlets: int  # distinct outlets of the later appearances
    claimants: int  # distinct claimants (by name, ignoring case) of the later appearances


_LOADED = ("source__article__outlet", "target__article__outlet", "source__claimant", "target__claimant")


def _rows(links) -> dict[int, LedgerRow]:
    rows: dict[int, LedgerRow] = {}
    seen: set[tuple[int, int]] = set()
    for repeat, checked, _link in repeat_pairs(links):
        if (repeat.pk, checked.pk) in seen:
            continue
        seen.add((repeat.pk, checked.pk))
        row = rows.get(checked.pk)
        if row is None:
            row = rows[checked.pk] = LedgerRow(checked=checked, checked_on=checked_on(checked))
        date = appeared_on(repeat)
        row.appearances.append(Appearance(claim=repeat, date=date, later=date >= row.checked_on))
    for row in rows.values():
        row.appearances.sort(key=lambda a: (a.date, a.claim.pk))
    return rows


# The ledger's list and figures are computed by PostgreSQL from the repeat links, so the page
# reads one page of checks, not every link. Each expression below is the SQL twin of a Python
# rule above (`repeat_pairs`, `appeared_on`, `checked_on`, `Appearance.outlet`, `claimant_name`);
# tests/alerts/test_ledger.py holds the two to the same answers.
def _appeared_sql(prefix: str):
    return Coalesce(F(f"{prefix}article__published"), TruncDate(f"{prefix}article__created_at"))


def _checked_on_sql(prefix: str):
    own_published = Q(**{f"{prefix}published_at__isnull": False}) & ~Q(
        **{f"{prefix}article__kind": ArticleKind.FACTCHECK}
    )
    return Case(
        When(own_published, then=TruncDate(f"{prefix}published_at")),
        default=_appeared_sql(prefix),
        output_field=DateField(),
    )


def _claimant_sql(prefix: str):
    return Case(
        When(Q(**{f"{prefix}claimant__isnull": False}), then=F(f"{prefix}claimant__name")),
        default=F(f"{prefix}claimant_text"),
        output_field=CharField(),
    )


def _by_end(source_checked: Q, when_source, when_target, output_field):
    return Case(When(source_checked, then=when_source), default=when_target, output_field=output_field)


def _ledger_links() -> QuerySet[ClaimLink]:
    """The repeat links with, for each, its checked end's id (`checked_id`), and as aliases the
    repeat's date, the check's date and whether the repeat came on or after the check (`later`).
    A repeat link has exactly one checked end (`src`: the source is): a checked claim is
    published or imported, a repeat is unpublished news."""
    src = _checked("source__")
    return (
        repeat_links()
        .annotate(checked_id=_by_end(src, F("source_id"), F("target_id"), BigIntegerField()))
        .alias(
            repeat_on=_by_end(src, _appeared_sql("target__"), _appeared_sql("source__"), DateField()),
            check_on=_by_end(src, _checked_on_sql("source__"), _checked_on_sql("target__"), DateField()),
        )
        .alias(
            later=Case(
                When(repeat_on__gte=F("check_on"), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    )


def ledger_checks() -> QuerySet:
    """The ledger's list, one row per repeated check ({"checked_id", "later_count", "total"}),
    most repeated since its check first: one grouped query, to be paginated (then `ledger_rows`
    loads the page's checks)."""
    return (
        _ledger_links()
        .values("checked_id")
        .annotate(later_count=Count("pk", filter=Q(later=True)), total=Count("pk"))
        .order_by("-later_count", "-total", "-checked_id")
    )


def ledger_totals() -> LedgerTotals:
    """The ledger's figures over every check, and the length of its list, in one aggregate query."""
    later = Q(later=True)
    src = _checked("source__")
    links = _ledger_links().annotate(
        outlet_name=Coalesce(
            _by_end(src, F("target__article__outlet__name"), F("source__article__outlet__name"), CharField()),
            Value("Unknown outlet"),
        ),
        claimant_name=_by_end(src, _claimant_sql("target__"), _claimant_sql("source__"), CharField()),
    )
    figures = links.aggregate(
        checks=Count("checked_id", distinct=True),
        repeated_checks=Count("checked_id", distinct=True, filter=later),
        appearances=Count("pk", filter=later),
        outlets=Count("outlet_name", distinct=True, filter=later),
        claimants=Count(Lower("claimant_name"), distinct=True, filter=later & ~Q(claimant_name="")),
    )
    return LedgerTotals(**figures)


def ledger_rows(checked_ids: list[int]) -> list[LedgerRow]:
    """The rows (with their appearances) of these checks, in this order. One query."""
    links = (
        repeat_links()
        .filter(Q(source_id__in=checked_ids) | Q(target_id__in=checked_ids))
        .select_related(*_LOADED, "source__verdict", "target__verdict")
    )
    rows = _rows(links)
    return [rows[pk] for pk in checked_ids if pk in rows]


def ledger_row(checked: Claim) -> LedgerRow:
    """One checked claim's appearances (empty if it was never repeated). One query."""
    links = repeat_links().filter(Q(source=checked) | Q(target=checked)).select_related(*_LOADED)
    row = _rows(links).get(checked.pk)
    if row is None:
        return LedgerRow(checked=checked, checked_on=checked_on(checked))
    row.checked = checked  # the caller's copy, with what it loaded (verdict)
    return row


def checked_claim_for(pk: int) -> Claim | None:
    claim = Claim.objects.select_related("article__outlet", "verdict", "claimant").filter(pk=pk).first()
    return claim if claim is not None and is_checked(claim) else None


@dataclass
class ClaimantRepeat:
    checked: Claim
    appearances: list[Appearance]

    @property
    def count(self) -> int:
        return len(self.appearances)

    @property
    def rating(self) -> str:
        return verdict_words(self.checked)

    @property
    def by(self) -> str:
        return checked_by(self.checked)


@dataclass
class ClaimantRow:
    name: str
    person: Person | None
    repeats: list[ClaimantRepeat] = field(default_factory=list)

    @property
    def times(self) -> int:
        return sum(r.count for r in self.repeats)

    @property
    def last_seen(self) -> datetime.date | None:
        return max((a.date for r in self.repeats for a in r.appearances), default=None)


def claimant_ledger(*, person_id: int | None = None) -> list[ClaimantRow]:
    """For each claimant, the checked claims they repeated (on or after the check) and how often,
    most repeats first; with `person_id`, that person only. Claims without a resolved person are
    grouped by the claimant's name as written. One query."""
    links = repeat_links().select_related(*_LOADED, "source__verdict", "target__verdict")
    if person_id is not None:
        links = links.filter(Q(source__claimant_id=person_id) | Q(target__claimant_id=person_id))
    by_name: dict[str, ClaimantRow] = {}
    per: dict[tuple[str, int], ClaimantRepeat] = {}
    for row in _rows(links).values():
        for appearance in row.later:
            repeat = appearance.claim
            if person_id is not None and repeat.claimant_id != person_id:
                continue
            name = claimant_name(repeat).strip()
            if not name:
                continue
            key = f"p{repeat.claimant_id}" if repeat.claimant_id else f"t{name.lower()}"
            who = by_name.get(key)
            if who is None:
                who = by_name[key] = ClaimantRow(name=name, person=repeat.claimant)
            item = per.get((key, row.checked.pk))
            if item is None:
                item = per[(key, row.checked.pk)] = ClaimantRepeat(checked=row.checked, appearances=[])
                who.repeats.append(item)
            item.appearances.append(appearance)
    rows = list(by_name.values())
    for who in rows:
        who.repeats.sort(key=lambda r: (-r.count, r.checked.pk))
    rows.sort(key=lambda w: (-w.times, w.name.lower()))
    return rows


# ---- the chart ---------------------------------------------------------------------------

CHART_WIDTH = 720
CHART_LABEL_WIDTH = 170
CHART_ROW = 30
CHART_TOP = 30
CHART_BOTTOM = 40
CHART_RIGHT = 60
PALETTE = ["#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d"]


@dataclass
class ChartDot:
    x: float
    y: float
    colour: str
    title: str
    url: str


def appearance_chart(row: LedgerRow) -> dict | None:
    """The geometry of an SVG strip chart: one row per outlet, a dot per appearance at its date,
    a line on the day of the check. None when there is nothing to draw. Pure arithmetic; the
    template draws it, with a title, a description and a table beside it for screen readers."""
    if not row.appearances:
        return None
    outlets = sorted({a.outlet for a in row.appearances}, key=str.lower)
    dates = [a.date for a in row.appearances] + [row.checked_on]
    start, end = min(dates), max(dates)
    span = max((end - start).days, 1)
    start -= datetime.timedelta(days=max(1, span // 20))
    end += datetime.timedelta(days=max(1, span // 20))
    span = (end - start).days
    plot = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_RIGHT
    height = CHART_TOP + CHART_ROW * len(outlets) + CHART_BOTTOM

    def x_of(day: datetime.date) -> float:
        return round(CHART_LABEL_WIDTH + plot * (day - start).days / span, 1)

    lanes = []
    dots = []
    for i, outlet in enumerate(outlets):
        y = CHART_TOP + CHART_ROW * i + CHART_ROW / 2
        colour = PALETTE[i % len(PALETTE)]
        mine = [a for a in row.appearances if a.outlet == outlet]
        lanes.append({"name": outlet, "y": y, "label_y": y + 4, "colour": colour, "count": len(mine)})
        same_day: dict[datetime.date, int] = defaultdict(int)
        for a in mine:
            offset = same_day[a.date]
            same_day[a.date] += 1
            headline = a.claim.article.headline or "Untitled article"
            dots.append(
                ChartDot(
                    x=x_of(a.date) + 4 * offset,
                    y=y,
                    colour=colour,
                    title=f"{outlet}, {a.date:%-d %b %Y}: {headline}",
                    url=a.claim.get_absolute_url(),
                )
            )
    ticks = []
    count = 5
    for k in range(count):
        day = start + datetime.timedelta(days=round(span * k / (count - 1)))
        ticks.append({"x": x_of(day), "label": f"{day:%-d %b %Y}"})
    axis_y = CHART_TOP + CHART_ROW * len(outlets)
    return {
        "width": CHART_WIDTH,
        "height": height,
        "lanes": lanes,
        "dots": dots,
        "ticks": ticks,
        "axis_y": axis_y,
        "tick_label_y": axis_y + 18,
        "plot_left": CHART_LABEL_WIDTH,
        "plot_right": CHART_WIDTH - CHART_RIGHT,
        "check_x": x_of(row.checked_on),
        "check_label_y": CHART_TOP - 10,
        "start": start,
        "end": end,
    }


# ---- verdict disagreement ---------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    other: Claim
    link: ClaimLink
    by: str
    their_verdict: Rating
    their_words: str  # the publisher's own rating words, else our label
    url: str | None


def _same_level(ours: Rating, theirs: Rating) -> bool:
    if ours.pk == theirs.pk:
        return True
    # Another scale's rating with the same ClaimReview value is the same level.
    return ours.scale_id != theirs.scale_id and ours.value is not None and ours.value == theirs.value


def verdict_disagreements(claim: Claim, *, verdict: Rating | None = None) -> list[Disagreement]:
    """Checked claims matched to this one (live "same" links, suggested or confirmed) whose
    verdict is a different level of our scale: our own approved or published checks, and
    imported fact-checks whose rating mapped onto our scale at import
    (factcheck.linking.claimreview.rating_to_scale). One query."""
    verdict = verdict or claim.verdict
    if verdict is None:
        return []
    links = (
        ClaimLink.objects.involving(claim.pk)
        .live()
        .filter(relation=Relation.SAME)
        .select_related("source__article__outlet", "target__article__outlet", "source__verdict", "target__verdict")
    )
    out = []
    for link in links:
        other = link.target if link.source_id == claim.pk else link.source
        if other.verdict_id is None or other.status == CandidateStatus.REJECTED:
            continue
        if not (other.article.kind == ArticleKind.FACTCHECK or other.workflow in OWN_CHECKED):
            continue
        if _same_level(verdict, other.verdict):
            continue
        out.append(
            Disagreement(
                other=other,
                link=link,
                by=checked_by(other),
                their_verdict=other.verdict,
                their_words=verdict_words(other),
                url=review_url_for(other),
            )
        )
    out.sort(key=lambda d: (d.link.state != LinkState.CONFIRMED, -(d.link.score or 0)))
    return out
