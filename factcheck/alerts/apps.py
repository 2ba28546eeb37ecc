from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "factcheck.alerts"
    verbose_name = "Repeat alerts"

    def ready(self) -> None:
        from factcheck.alerts import tasks  # noqa: F401 - connects the hook on link suggestions
