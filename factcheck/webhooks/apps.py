from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "factcheck.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from factcheck.audit.signals import audit_committed
        from factcheck.webhooks.services import on_audit_committed

        audit_committed.connect(on_audit_committed, dispatch_uid="webhooks.on_audit_committed")
