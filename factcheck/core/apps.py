from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "factcheck.core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Create the Celery app (and make it the current one) whenever Django starts, so
        # that @shared_task binds to it and `.delay()` goes to the configured broker, not
        # to Celery's default. It lives here, not in factcheck/__init__.py, so that the
        # text engines under factcheck/ import without Celery or Django.
        from factcheck.celery import app  # noqa: F401
