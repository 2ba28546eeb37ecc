from django.apps import AppConfig


class LinkingConfig(AppConfig):
    name = "factcheck.linking"
    verbose_name = "Cross-linking"
