"""The API (namespace `api`): /api/v1/ resources, /api/schema/ (OpenAPI 3), /api/docs/
(Swagger UI), and the account's API tokens pages."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from factcheck.api import pages, views
from factcheck.exports.api import ExportView

app_name = "api"

router = SimpleRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("links/claims", views.ClaimLinkViewSet, basename="claimlink")
router.register("links/quotes", views.QuoteLinkViewSet, basename="quotelink")
router.register("factchecks", views.FactcheckViewSet, basename="factcheck")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("tokens", views.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/schema/", views.SchemaView.as_view(), name="schema"),
    path("api/v1/exports/<slug:kind>.<slug:fmt>", ExportView.as_view(), name="export"),
    path("api/docs/", views.DocsView.as_view(), name="docs"),
    path("accounts/api-tokens/", pages.tokens, name="tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
]
