from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "factcheck.sources"
    verbose_name = "Sources"
