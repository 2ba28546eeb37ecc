from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "factcheck.audit"
    verbose_name = "Audit trail"
