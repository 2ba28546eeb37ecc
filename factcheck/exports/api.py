"""The API's exports: GET /api/v1/exports/<claims|quotes|claim-links|quote-links>.<csv|jsonl>
with the web search's filters as parameters (the same form, so the same names, checks and
messages), for a token with the `read` scope whose user has a role on the desk."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from factcheck.api.permissions import DeskMember, HasScope
from factcheck.api.serializers import ErrorSerializer
from factcheck.api.throttling import TokenRateThrottle
from factcheck.exports.responses import streamed
from factcheck.exports.selectors import KINDS, export_for
from factcheck.exports.views import export_form
from factcheck.exports.writers import FORMATS


class _AnyAccept(BaseContentNegotiation):
    """The body is CSV or JSON Lines whatever `Accept` says; refusals are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return None


_ERROR = OpenApiResponse(ErrorSerializer, description="Refused; `detail` says why in words.")


class ExportView(APIView):
    permission_classes = [HasScope, DeskMember]
    throttle_classes = [TokenRateThrottle]
    content_negotiation_class = _AnyAccept

    @classmethod
    def as_view(cls, **kwargs):
        return login_not_required(super().as_view(**kwargs))

    @extend_schema(
        operation_id="exports_retrieve",
        summary="Stream an export (CSV or JSON Lines)",
        description=(
            "Every row matching the filters, streamed. The claims CSV leads with the columns of the "
            "Fact-Check Insights ClaimReview export, then the desk's own. Filters are the web search's: "
            "q, outlet (id), date_from, date_to, speaker, status, sort; for claims and claim-links also "
            "stage, assignee, links, verdict (id), score_min, score_max, checkworthy; for quotes links."
        ),
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(KINDS)),
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMATS)),
            *[
                OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, required=False)
                for name in ("q", "outlet", "date_from", "date_to", "speaker", "status", "sort", "stage")
                + ("assignee", "links", "verdict", "score_min", "score_max", "checkworthy")
            ],
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/jsonl"): OpenApiTypes.STR,
            400: _ERROR,
            401: _ERROR,
            403: _ERROR,
            404: _ERROR,
            429: _ERROR,
        },
    )
    def get(self, request, kind: str, fmt: str):
        if kind not in KINDS or fmt not in FORMATS:
            raise exceptions.NotFound(
                f"No export {kind}.{fmt}: kinds {', '.join(KINDS)}; formats {', '.join(FORMATS)}."
            )
        params = QueryDict(mutable=True)
        params.update(request.query_params)
        form = export_form(kind, params)
        unknown = sorted(set(request.query_params) - set(form.fields) - {"scope"})
        if unknown:
            known = ", ".join(sorted(set(form.fields) - {"scope"}))
            raise exceptions.ValidationError(
                {name: [f"Unknown parameter; this export takes {known}."] for name in unknown}
            )
        if not form.is_valid():
            raise exceptions.ValidationError({name: [str(e) for e in errs] for name, errs in form.errors.items()})
        return streamed(export_for(kind, request.user, form.cleaned_data), fmt)
