"""The Celery application. Configuration lives in Django settings under CELERY_*.

Loaded in a Django process by `factcheck.core.apps.CoreConfig.ready()`, and by the worker
through `celery -A factcheck` (Celery finds `factcheck.celery:app` on its own)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
