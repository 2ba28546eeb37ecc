from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "factcheck.api"
    verbose_name = "API and tokens"

    def ready(self) -> None:
        from factcheck.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
