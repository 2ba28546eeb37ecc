"""The Bearer token in the OpenAPI document, so Swagger UI's "Authorize" asks for it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "factcheck.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the desk's “API tokens” page: `Authorization: Bearer fcd_…`.",
        }
