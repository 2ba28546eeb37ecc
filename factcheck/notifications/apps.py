from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "factcheck.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Hear editorial changes once they are committed (factcheck/audit/signals.py).
        from factcheck.notifications import receivers  # noqa: F401
