"""The API's faces: parse the parameters, look the object up through the desk's access
helpers (404 / 403 as the pages), call a selector or the intake service, serialize.

Every view is `login_not_required` for the site's LoginRequiredMiddleware (which would
send a token's request to the login page): DRF authenticates it, and answers 401 without
a valid token."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required, login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from factcheck.accounts.roles import Cap
from factcheck.alerts import selectors as alert_selectors
from factcheck.alerts import services as alert_services
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.api import filters, serializers
from factcheck.api.authentication import BearerTokenAuthentication
from factcheck.api.models import ApiToken, Scope
from factcheck.api.permissions import DeskMember, HasScope
from factcheck.api.services import api_token_revoke
from factcheck.api.throttling import SubmitRateThrottle, TokenRateThrottle
from factcheck.articles.models import Article, body_fingerprint
from factcheck.articles.services import article_create
from factcheck.claims.models import Claim, Correction, Person, Quote, Rating
from factcheck.core.errors import Conflict
from factcheck.linking.models import ClaimLink, QuoteLink
from factcheck.ops.broker import BROKER_ERRORS
from factcheck.review import access, presenters, selectors
from factcheck.review.forms.articles import ArticleSubmitForm

log = logging.getLogger(__name__)

ERROR = OpenApiResponse(serializers.ErrorSerializer, description="Refused; `detail` says why in words.")
REFUSALS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 429: ERROR}


def documented(filters_class, serializer, *, detail=None):
    """The OpenAPI description of a list (its parameters) and a detail view."""
    return extend_schema_view(
        list=extend_schema(parameters=[filters_class], responses={200: serializer, **REFUSALS}),
        retrieve=extend_schema(responses={200: detail or serializer, **REFUSALS}),
    )


class ApiMixin:
    """Token (or session) authenticated, scope-checked, rate-limited, desk members only."""

    permission_classes = [HasScope, DeskMember]
    throttle_classes = [TokenRateThrottle]
    filters_class: type[filters.Filters] = filters.Filters
    lookup_value_regex = r"[0-9]+"

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def filter_data(self) -> dict:
        return filters.parse(self.filters_class, self.request.query_params)

    def paged(self, queryset, serializer_class, **context):
        page = self.paginate_queryset(queryset)
        context = {**self.get_serializer_context(), **context}
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)


def _claims_related(queryset):
    return queryset.select_related("verdict__scale").prefetch_related(*_CLAIM_PREFETCH)


_CLAIM_PREFETCH = [
    "evidence",
    Prefetch(
        "corrections",
        queryset=Correction.objects.select_related("previous_verdict__scale", "new_verdict__scale"),
    ),
]


@documented(filters.ArticleFilters, serializers.ArticleSerializer, detail=serializers.ArticleDetailSerializer)
class ArticleViewSet(ApiMixin, viewsets.GenericViewSet):
    """Articles on the desk: list and search, read one with its text and extraction state,
    submit one (scope `submit`)."""

    serializer_class = serializers.ArticleSerializer
    filters_class = filters.ArticleFilters
    scopes = {"POST": {Scope.SUBMIT}}
    action_scopes = {"extraction": {Scope.READ, Scope.SUBMIT}}
    queryset = Article.objects.none()

    def get_throttles(self):
        return [*super().get_throttles(), SubmitRateThrottle()]

    def list(self, request):
        return self.paged(filters.articles(request.user, self.filter_data()), serializers.ArticleSerializer)

    def retrieve(self, request, pk=None):
        article = access.article_for(request.user, int(pk))
        context = {**self.get_serializer_context(), "status": selectors.article_status(article)}
        return Response(serializers.ArticleDetailSerializer(article, context=context).data)

    @extend_schema(responses={200: serializers.ExtractionSerializer, **REFUSALS})
    @action(detail=True, methods=["get"])
    def extraction(self, request, pk=None):
        """The extraction's state: poll this after submitting (scope `read` or `submit`)."""
        article = access.article_for(request.user, int(pk))
        return Response(selectors.article_status(article))

    @extend_schema(
        request=serializers.ArticleSubmitSerializer,
        responses={
            201: serializers.ArticleSubmittedSerializer,
            200: OpenApiResponse(serializers.ArticleSubmittedSerializer, description="Already on the desk."),
            413: ERROR,
            415: ERROR,
            **REFUSALS,
        },
    )
    def create(self, request):
        """Submit an article through the desk's intake, as the web form does: fingerprinted
        (the same text is stored once), extraction queued. Poll `extraction_url`."""
        access.require_cap(request.user, Cap.SUBMIT)
        incoming = serializers.ArticleSubmitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if not data["body"].strip():
            return _refuse("body", "The article text is empty.")
        form = ArticleSubmitForm(
            data={
                "text": data["body"],
                "headline": data.get("headline", ""),
                "outlet": data.get("outlet", ""),
                "url": data.get("url", ""),
                "published": data.get("published", ""),
            }
        )
        if not form.is_valid():
            errors = {_API_NAMES.get(name, name): [str(e) for e in errs] for name, errs in form.errors.items()}
            return Response(
                {"detail": " ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()), "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        clean = form.cleaned_data
        token = request.auth if isinstance(request.auth, ApiToken) else None
        message = None  # said once the article is in: extracted already (in-process), or running
        try:
            result = article_create(
                body=clean["body"],
                published=clean.get("published"),
                outlet_name=clean.get("outlet") or "",
                url=clean.get("url") or "",
                headline=clean.get("headline") or "",
                source_name=f"API ({token.name})" if token else "API",
                submitted_by=request.user,
            )
            article, created = result.article, result.created
        except BROKER_ERRORS:
            # Stored; only the queueing failed. The sweep queues it when the broker is back.
            article = Article.objects.filter(fingerprint=body_fingerprint(clean["body"])).first()
            if article is None:
                raise
            log.warning("article %s stored (API); extraction not queued: the broker is unreachable", article.pk)
            created = True
            message = (
                "Article saved. Extraction is delayed: the task queue cannot be reached right now; it will be "
                "queued again automatically within a few minutes. Nothing needs resubmitting."
            )
        if not created:
            message = "This text is already on the desk. Nothing new was stored."
        elif message is None:
            message = presenters.extraction_message(
                article, "submitted", meanwhile="Poll extraction_url until finished"
            )
        article = access.article_for(request.user, article.pk)
        context = self.get_serializer_context()

        def address(path: str) -> str:
            return serializers.absolute(context, path)

        body = {
            "id": article.pk,
            "created": created,
            "message": message,
            "url": address(reverse("api:article-detail", args=[article.pk])),
            "extraction_url": address(reverse("api:article-extraction", args=[article.pk])),
            "web_url": address(article.get_absolute_url()),
            "extraction": selectors.article_status(article),
        }
        return Response(
            body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK, headers={"Location": body["url"]}
        )


# The web form's field names, as the API calls them.
_API_NAMES = {"text": "body", "upload": "body", "__all__": "body"}


def _refuse(field: str, message: str) -> Response:
    return Response({"detail": f"{field}: {message}", "errors": {field: [message]}}, status=status.HTTP_400_BAD_REQUEST)


@documented(filters.ClaimFilters, serializers.ClaimSerializer)
class ClaimViewSet(ApiMixin, viewsets.GenericViewSet):
    """Claims with their verdicts, evidence and corrections."""

    serializer_class = serializers.ClaimSerializer
    filters_class = filters.ClaimFilters
    queryset = Claim.objects.none()

    def list(self, request):
        return self.paged(_claims_related(filters.claims(request.user, self.filter_data())), self.serializer_class)

    def retrieve(self, request, pk=None):
        claim = access.claim_for(request.user, int(pk))
        prefetch_related_objects([claim], "verdict__scale", *_CLAIM_PREFETCH)
        return Response(self.serializer_class(claim, context=self.get_serializer_context()).data)


@documented(filters.QuoteFilters, serializers.QuoteSerializer)
class QuoteViewSet(ApiMixin, viewsets.GenericViewSet):
    """Direct quotations with their speakers."""

    serializer_class = serializers.QuoteSerializer
    filters_class = filters.QuoteFilters
    queryset = Quote.objects.none()

    def list(self, request):
        return self.paged(filters.quotes(request.user, self.filter_data()), self.serializer_class)

    def retrieve(self, request, pk=None):
        quote = access.quote_for(request.user, int(pk))
        return Response(self.serializer_class(quote, context=self.get_serializer_context()).data)


@documented(filters.SpeakerFilters, serializers.SpeakerSerializer)
class SpeakerViewSet(ApiMixin, viewsets.GenericViewSet):
    """Speakers and claimants (people and organisations), with their aliases."""

    serializer_class = serializers.SpeakerSerializer
    filters_class = filters.SpeakerFilters
    queryset = Person.objects.none()

    def list(self, request):
        return self.paged(filters.speakers(request.user, self.filter_data()), self.serializer_class)

    def retrieve(self, request, pk=None):
        person = get_object_or_404(Person.objects.prefetch_related("aliases"), pk=int(pk))
        return Response(self.serializer_class(person, context=self.get_serializer_context()).data)


class _LinkViewSet(ApiMixin, viewsets.GenericViewSet):
    span_model: type = Claim
    link_model: type = ClaimLink
    end = "claim"

    def visible_links(self):
        visible = self.span_model.objects.visible_to(self.request.user)
        links = self.link_model.objects.filter(source__in=visible, target__in=visible)
        # Both ends' text is in the response (_SpanRefSerializer): deferring it cost two
        # queries per link (benchmarks/api_lists.py); only the search vector is left behind.
        return links.select_related("source", "target").defer(
            *(["source__search_vector", "target__search_vector"] if self.span_model is Claim else [])
        )

    def list(self, request):
        links = filters.links(self.visible_links(), self.filter_data(), end=self.end)
        return self.paged(links, self.serializer_class)

    def retrieve(self, request, pk=None):
        link = get_object_or_404(self.visible_links(), pk=int(pk))
        return Response(self.serializer_class(link, context=self.get_serializer_context()).data)


@documented(filters.ClaimLinkFilters, serializers.ClaimLinkSerializer)
class ClaimLinkViewSet(_LinkViewSet):
    """Links between claims across articles (same, related, conflicts, supports)."""

    serializer_class = serializers.ClaimLinkSerializer
    filters_class = filters.ClaimLinkFilters
    queryset = ClaimLink.objects.none()


@documented(filters.QuoteLinkFilters, serializers.QuoteLinkSerializer)
class QuoteLinkViewSet(_LinkViewSet):
    """Links between quotes across articles."""

    serializer_class = serializers.QuoteLinkSerializer
    filters_class = filters.QuoteLinkFilters
    queryset = QuoteLink.objects.none()
    span_model = Quote
    link_model = QuoteLink
    end = "quote"


@documented(filters.FactcheckFilters, serializers.FactcheckSerializer)
class FactcheckViewSet(ApiMixin, viewsets.GenericViewSet):
    """Published fact-checks, with their ClaimReview markup. Public on the site, so any
    token with `read` opens them, whatever its user's role."""

    permission_classes = [HasScope]
    serializer_class = serializers.FactcheckSerializer
    filters_class = filters.FactcheckFilters
    queryset = Claim.objects.none()

    def related(self, claims):
        ratings = Prefetch("verdict__scale__ratings", queryset=Rating.objects.order_by("order"))
        return _claims_related(claims).prefetch_related(ratings)

    def list(self, request):
        claims = filters.factchecks(request.user, self.filter_data())
        return self.paged(self.related(claims), self.serializer_class)

    def retrieve(self, request, pk=None):
        published = Claim.objects.visible_to(request.user).published().with_related().defer("article__body")
        claim = get_object_or_404(self.related(published), pk=int(pk))
        return Response(self.serializer_class(claim, context=self.get_serializer_context()).data)


@documented(filters.AlertFilters, serializers.RepeatAlertSerializer)
class AlertViewSet(ApiMixin, viewsets.GenericViewSet):
    """Repeat alerts, as the desk's /alerts/ pages show them: a new claim that matched a claim
    already checked (ours, or another organisation's), who said it, where and when, the earlier
    verdict and its page. Every role on the desk reads them; fact-checkers, editors and
    administrators acknowledge them (scope `submit`), through the page's own service."""

    serializer_class = serializers.RepeatAlertSerializer
    filters_class = filters.AlertFilters
    queryset = RepeatAlert.objects.none()
    action_scopes = {"acknowledge": {Scope.SUBMIT}}

    @staticmethod
    def related(alerts):
        # Both claims' texts and articles' metadata are in the response; not the articles' bodies.
        return alerts.select_related("checked_claim__verdict__scale").defer(
            "claim__article__body",
            "checked_claim__article__body",
            "claim__search_vector",
            "checked_claim__search_vector",
        )

    def alert(self, pk) -> RepeatAlert:
        return get_object_or_404(self.related(alert_selectors.alerts_for(self.request.user)), pk=int(pk))

    def list(self, request):
        return self.paged(self.related(filters.alerts(request.user, self.filter_data())), self.serializer_class)

    def retrieve(self, request, pk=None):
        return Response(self.serializer_class(self.alert(pk), context=self.get_serializer_context()).data)

    @extend_schema(
        request=serializers.AlertAcknowledgeSerializer,
        responses={200: serializers.AlertAcknowledgedSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Acknowledge the alert, as its page's button does (the same service, role check and audit
        event). Idempotent: on an alert already acknowledged it answers 200 with
        `"acknowledged": false`, says by whom, and changes nothing. The alert's state is its
        version: the service locks the row and moves it from open to acknowledged only once."""
        alert = self.alert(pk)  # 404 first, then 403, as the page
        access.require_cap(request.user, Cap.REVIEW)
        incoming = serializers.AlertAcknowledgeSerializer(data=request.data or {})
        incoming.is_valid(raise_exception=True)
        try:
            alert_services.repeat_alert_acknowledge(
                alert=alert, actor=request.user, note=incoming.validated_data["note"]
            )
            done, message = True, "Alert acknowledged."
        except Conflict as exc:
            alert = self.alert(pk)
            if alert.state != AlertState.ACKNOWLEDGED:
                raise
            done, message = False, f"{exc.message} Nothing changed."
        else:
            alert = self.alert(pk)
        context = self.get_serializer_context()
        body = {"acknowledged": done, "message": message, "alert": self.serializer_class(alert, context=context).data}
        return Response(body)


@extend_schema_view(
    list=extend_schema(responses={200: serializers.ApiTokenSerializer, **REFUSALS}),
    retrieve=extend_schema(responses={200: serializers.ApiTokenSerializer, **REFUSALS}),
    destroy=extend_schema(responses={204: None, 409: ERROR, **REFUSALS}),
)
class ApiTokenViewSet(ApiMixin, viewsets.GenericViewSet):
    """API tokens (scope `admin`, administrators only): list them, revoke one. Tokens are
    created on the desk's "API tokens" page or in the admin site, where the secret is shown once."""

    serializer_class = serializers.ApiTokenSerializer
    queryset = ApiToken.objects.none()
    action_scopes = {"list": {Scope.ADMIN}, "retrieve": {Scope.ADMIN}}

    def tokens(self):
        return ApiToken.objects.visible_to(self.request.user).select_related("user")

    def list(self, request):
        self.filter_data()
        return self.paged(self.tokens(), self.serializer_class)

    def retrieve(self, request, pk=None):
        token = get_object_or_404(self.tokens(), pk=int(pk))
        return Response(self.serializer_class(token, context=self.get_serializer_context()).data)

    def destroy(self, request, pk=None):
        token = get_object_or_404(self.tokens(), pk=int(pk))
        api_token_revoke(actor=request.user, token=token, reason="revoked through the API")
        return Response(status=status.HTTP_204_NO_CONTENT)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document: for any valid token (any scope) or signed-in session."""

    authentication_classes = [
        BearerTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [HasScope]
    scopes = {"GET": set(Scope), "HEAD": set(Scope)}

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from local static files (drf-spectacular-sidecar). The page and its
    start-up script are two requests, so no inline script or style meets the CSP. A page
    of the desk: signed in (session), like every other."""

    template_name = "api/docs.html"
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    url_name = "api:schema"
    title = "Fact-check desk API"

    @classmethod
    def as_view(cls, *args, **kwargs):
        # DRF marks its views login_not_required; this one is a page: anonymous visitors go
        # to the login page, as everywhere on the desk.
        return login_required(super().as_view(*args, **kwargs))
