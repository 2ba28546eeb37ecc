from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "factcheck.review"
    verbose_name = "Review workspace"
