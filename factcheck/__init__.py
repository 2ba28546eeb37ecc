"""The project package. Deliberately empty: importing `factcheck.<anything>` (the text engines
in particular) must not load Celery or Django settings. The Celery app is loaded when Django
starts, by `factcheck.core.apps.CoreConfig.ready()`; `celery -A factcheck` finds it in
`factcheck/celery.py` by Celery's own lookup (`factcheck.celery:app`)."""
