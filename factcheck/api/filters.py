"""The lists' query parameters: validated here (a bad one is a 400 naming it, an unknown one
too, so a typo never silently widens a result), then applied through the desk's own
selectors (factcheck/review/search_selectors.py for claims and quotes, selectors.py for
articles: text search on the stored search vector, outlet, dates, speaker, status, verdict,
score) and querysets, with the few filters the API adds
(workflow stage, link state, article, verdict and outlet by slug)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from rest_framework import serializers

from factcheck.alerts import selectors as alert_selectors
from factcheck.alerts.models import AlertState
from factcheck.articles.models import ArticleKind, ExtractionState, Outlet
from factcheck.claims.models import CandidateStatus, Person, Rating, Workflow
from factcheck.linking.models import ClaimLink, LinkState, QuoteLink, Relation
from factcheck.review import search_selectors, selectors


class IdOrSlugField(serializers.CharField):
    """An id (digits) or a slug; resolved by `resolve` against a model."""


class Filters(serializers.Serializer):
    """Every list takes `cursor` and `page_size` (pagination.IdCursorPagination)."""

    cursor = serializers.CharField(required=False, help_text="From a `next` or `previous` link.")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, help_text="Rows per page.")

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            known = ", ".join(sorted(self.fields))
            message = f"Unknown parameter; this list takes {known}."
            raise serializers.ValidationError({name: [message] for name in unknown})
        return data


class _Published(Filters):
    q = serializers.CharField(required=False, max_length=300, help_text="Words to search for (full text).")
    outlet = IdOrSlugField(required=False, help_text="Outlet id or slug.")
    date_from = serializers.DateField(required=False, help_text="Published on or after (YYYY-MM-DD).")
    date_to = serializers.DateField(required=False, help_text="Published on or before (YYYY-MM-DD).")

    def validate_outlet(self, value: str) -> Outlet:
        outlet = Outlet.objects.filter(Q(slug=value) | (Q(pk=int(value)) if value.isdigit() else Q())).first()
        if outlet is None:
            raise serializers.ValidationError(f"No outlet has the id or slug {value!r}.")
        return outlet

    def validate(self, data):
        data = super().validate(data)
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": ["The end date is before the start date."]})
        return data


class ArticleFilters(_Published):
    state = serializers.ChoiceField(required=False, choices=ExtractionState.choices, help_text="Extraction state.")
    kind = serializers.ChoiceField(
        required=False,
        choices=[*ArticleKind.choices, ("all", "All")],
        help_text="news (the default), factcheck (imported fact-checks) or all.",
    )


class _Spans(_Published):
    speaker = serializers.CharField(required=False, max_length=200, help_text="Part of the speaker's name.")
    status = serializers.ChoiceField(required=False, choices=CandidateStatus.choices, help_text="Triage status.")
    article = serializers.IntegerField(required=False, min_value=1, help_text="Only this article's.")
    link_state = serializers.ChoiceField(
        required=False,
        choices=[*LinkState.choices, ("none", "No link")],
        help_text="Only those with a link in this state (or `none`: with no live link).",
    )


class ClaimFilters(_Spans):
    workflow = serializers.ChoiceField(required=False, choices=Workflow.choices, help_text="Workflow stage.")
    verdict = IdOrSlugField(required=False, help_text="Rating id, or slug (any scale).")
    checkworthy = serializers.BooleanField(required=False, allow_null=True, default=None)
    score_min = serializers.FloatField(required=False, min_value=0, max_value=1, help_text="Check-worthiness from.")
    score_max = serializers.FloatField(required=False, min_value=0, max_value=1, help_text="Check-worthiness to.")

    def validate_verdict(self, value: str) -> list[int]:
        ratings = list(
            Rating.objects.filter(Q(slug=value) | (Q(pk=int(value)) if value.isdigit() else Q())).values_list(
                "pk", flat=True
            )
        )
        if not ratings:
            raise serializers.ValidationError(f"No rating has the id or slug {value!r}.")
        return ratings

    def validate(self, data):
        data = super().validate(data)
        lo, hi = data.get("score_min"), data.get("score_max")
        if lo is not None and hi is not None and lo > hi:
            raise serializers.ValidationError({"score_max": ["The upper score is below the lower one."]})
        return data


class QuoteFilters(_Spans):
    pass


class FactcheckFilters(_Published):
    speaker = serializers.CharField(required=False, max_length=200, help_text="Part of the claimant's name.")
    verdict = IdOrSlugField(required=False, help_text="Rating id, or slug (any scale).")
    validate_verdict = ClaimFilters.validate_verdict


class SpeakerFilters(Filters):
    q = serializers.CharField(required=False, max_length=200, help_text="Part of the name or an alias.")


class LinkFilters(Filters):
    state = serializers.ChoiceField(required=False, choices=LinkState.choices)
    relation = serializers.ChoiceField(required=False, choices=Relation.choices)
    score_min = serializers.FloatField(required=False, min_value=0, max_value=1)


class ClaimLinkFilters(LinkFilters):
    claim = serializers.IntegerField(required=False, min_value=1, help_text="Links of this claim.")


class QuoteLinkFilters(LinkFilters):
    quote = serializers.IntegerField(required=False, min_value=1, help_text="Links of this quote.")


class DayOrMomentField(serializers.DateTimeField):
    """An ISO 8601 date-time, or a plain date meaning that whole day in the desk's time zone:
    its start (`since`), or the start of the next day (`until`, so the day is included)."""

    def __init__(self, *, day_end: bool = False, **kwargs):
        self.day_end = day_end
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = parse_date(value.strip())
            except ValueError:
                day = None
                self.fail("invalid", format="YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]")
            if day is not None:
                day += datetime.timedelta(days=1 if self.day_end else 0)
                return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return super().to_internal_value(value)


class AlertFilters(Filters):
    acknowledged = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: acknowledged only; false: open only."
    )
    since = DayOrMomentField(
        required=False, help_text="Raised at or after this date-time (ISO 8601), or on or after this date."
    )
    until = DayOrMomentField(
        required=False, day_end=True, help_text="Raised before this date-time (ISO 8601), or on or before this date."
    )
    outlet = IdOrSlugField(required=False, help_text="Outlet (id or slug) of the article the new claim is in.")
    validate_outlet = _Published.validate_outlet

    def validate(self, data):
        data = super().validate(data)
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise serializers.ValidationError({"until": ["`until` is not after `since`."]})
        return data


def parse(filters_class: type[Filters], params) -> dict:
    filters = filters_class(data={key: params.get(key) for key in params})
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


def _selector_data(data: dict) -> dict:
    """The parameters the web search's selectors take, under their names."""
    out = {key: data[key] for key in ("q", "date_from", "date_to", "speaker", "status") if data.get(key) is not None}
    if data.get("outlet"):
        out["outlet"] = data["outlet"]
    return out


def _link_state(qs: QuerySet, link_model, state: str) -> QuerySet:
    """The web search's link predicates (factcheck/review/search_selectors.py), plus the
    API's one extra state, `dismissed`."""
    if state == "none":
        return search_selectors.link_filter(qs, link_model, search_selectors.Links.NONE)
    return qs.filter(search_selectors.linked(link_model, state=state))


def articles(user, data: dict) -> QuerySet:
    qs = selectors.article_search(user, {**_selector_data(data), "state": data.get("state")})
    kind = data.get("kind") or ArticleKind.NEWS
    return qs if kind == "all" else qs.filter(kind=kind)


def claims(user, data: dict) -> QuerySet:
    qs = search_selectors.claim_search(user, _selector_data(data))
    if data.get("workflow"):
        qs = qs.filter(workflow=data["workflow"])
    if data.get("verdict"):
        qs = qs.filter(verdict__in=data["verdict"])
    if data.get("checkworthy") is not None:
        qs = qs.filter(checkworthy=data["checkworthy"])
    if data.get("score_min") is not None:
        qs = qs.filter(score__gte=data["score_min"])
    if data.get("score_max") is not None:
        qs = qs.filter(score__lte=data["score_max"])
    if data.get("article"):
        qs = qs.filter(article_id=data["article"])
    if data.get("link_state"):
        qs = _link_state(qs, ClaimLink, data["link_state"])
    return qs


def quotes(user, data: dict) -> QuerySet:
    qs = search_selectors.quote_search(user, _selector_data(data))
    if data.get("article"):
        qs = qs.filter(article_id=data["article"])
    if data.get("link_state"):
        qs = _link_state(qs, QuoteLink, data["link_state"])
    return qs


def speakers(user, data: dict) -> QuerySet:
    qs = Person.objects.prefetch_related("aliases")
    if data.get("q"):
        qs = qs.filter(Q(name__icontains=data["q"]) | Q(aliases__alias__icontains=data["q"])).distinct()
    return qs


def links(queryset: QuerySet, data: dict, *, end: str) -> QuerySet:
    for key in ("state", "relation"):
        if data.get(key):
            queryset = queryset.filter(**{key: data[key]})
    if data.get("score_min") is not None:
        queryset = queryset.filter(score__gte=data["score_min"])
    if data.get(end):
        queryset = queryset.involving(data[end])
    return queryset


def alerts(user, data: dict) -> QuerySet:
    """The alerts the /alerts/ page lists (alerts.selectors.alerts_for), with the API's filters."""
    state = ""
    if data.get("acknowledged") is not None:
        state = AlertState.ACKNOWLEDGED if data["acknowledged"] else AlertState.OPEN
    qs = alert_selectors.alerts_for(user, state=state)
    if data.get("since"):
        qs = qs.filter(created_at__gte=data["since"])
    if data.get("until"):
        qs = qs.filter(created_at__lt=data["until"])
    if data.get("outlet"):
        qs = qs.filter(claim__article__outlet=data["outlet"])
    return qs


def factchecks(user, data: dict) -> QuerySet:
    """Published claims (what the public pages show), with the claims' own filters."""
    qs = search_selectors.claim_search(user, _selector_data(data)).published()
    if data.get("verdict"):
        qs = qs.filter(verdict__in=data["verdict"])
    return qs
