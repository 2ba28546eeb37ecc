"""The API's settings (README "API"), star-imported at the end of factcheck/settings.py so
that Django REST framework and drf-spectacular find them there. Read from the environment
with the settings module's own helpers, which fail loudly on a bad value."""

from __future__ import annotations

import os

from factcheck.settings import envint

# Requests per token (or per signed-in user, for the docs page) in a window: DRF's rate
# syntax, "<number>/<second|minute|hour|day>". Counted in the default cache (Redis when
# REDIS_URL is set, so every web process counts together).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")
API_SUBMIT_RATE_LIMIT = os.environ.get("API_SUBMIT_RATE_LIMIT", "60/minute")
API_PAGE_SIZE = envint("API_PAGE_SIZE", 50)
API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", 200)
# Seconds between two writes of a token's last-used time (one UPDATE per token per minute
# at most, not one per request).
API_TOKEN_TOUCH_SECONDS = envint("API_TOKEN_TOUCH_SECONDS", 60)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "factcheck.api.authentication.BearerTokenAuthentication",
        # The docs page's "Try it out", signed in with the desk's login (CSRF enforced).
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["factcheck.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["factcheck.api.throttling.TokenRateThrottle"],
    # JSON only: DRF's browsable HTML renderer carries inline script the CSP refuses; the
    # docs page (Swagger UI, local files) is the browsable face.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["factcheck.api.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "factcheck.api.exceptions.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check desk API",
    "DESCRIPTION": (
        "Articles, claims (with verdicts, evidence and corrections), quotes, speakers, links and "
        "published fact-checks, repeat alerts (read, acknowledge); article submission through the "
        "desk's intake. Authenticate with "
        "`Authorization: Bearer <token>` (create a token on the desk: API tokens). Lists are "
        "cursor-paginated: follow `next`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No request to swagger.io's validator: nothing leaves the site.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
    # Three models call their choices `kind`, two `state`: name each set.
    "ENUM_NAME_OVERRIDES": {
        "AlertStateEnum": "factcheck.alerts.models.AlertState",
        "StateEnum": "factcheck.linking.models.LinkState",  # the name it had before alerts came
        "ArticleKindEnum": "factcheck.articles.models.ArticleKind",
        "ClaimKindEnum": "factcheck.claims.models.ClaimKind",
        "PersonKindEnum": "factcheck.claims.models.PersonKind",
    },
}
