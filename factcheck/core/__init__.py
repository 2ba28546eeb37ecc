"""What every domain app shares: the error family (errors.py), the optimistic-locking
protocol (locking.py) and the intake-problem type (problems.py, pure Python). apps.py loads
the Celery app when Django starts. No models, no views; imports nothing from the apps above
it, and nothing at package level (the text engines import problems.py without Django)."""
