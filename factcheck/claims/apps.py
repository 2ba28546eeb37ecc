from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "factcheck.claims"
    verbose_name = "Claims and quotes"
