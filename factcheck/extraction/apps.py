from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "factcheck.extraction"
    verbose_name = "Extraction"
