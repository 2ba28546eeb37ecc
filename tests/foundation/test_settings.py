"""Settings fail loudly on a bad environment, and production passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

STRONG_KEY = "k3Q9" + "x7Zp-vR2_mN8bT4wL6yH1cF5dJ0sG9aE3uK7qP2rV8nB4mX6zC1"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run({"DEBUG": "false", "ALLOWED_HOSTS": "desk.example.org"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run({"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "desk.example.org"}, "check")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_bad_boolean_is_an_error_not_a_guess():
    result = run({"DEBUG": "maybe"}, "check")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    env = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "desk.example.org"}
    result = run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_no_configuration_means_sqlite_and_in_process_tasks():
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='factcheck.settings';django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"], result.stderr
