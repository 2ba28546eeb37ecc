"""bin/audit: known vulnerabilities fail it; an unreachable database is said plainly and
does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

AUDIT = settings.BASE_DIR / "bin" / "audit"


def run_audit(**env):
    return subprocess.run(
        [sys.executable, str(AUDIT)], capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )


def fake_pip_audit(tmp_path, report: dict | None, exit_code: int = 0):
    """A stand-in for pip-audit printing a given JSON report (or nothing, as on a crash)."""
    script = tmp_path / "pip-audit"
    out = json.dumps(report) if report is not None else ""
    script.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdout.write({out!r})\n"
        f"sys.stderr.write('requests.exceptions.ConnectionError: no route to host\\n')\nsys.exit({exit_code})\n"
    )
    script.chmod(0o755)
    return str(script)


def test_unreachable_database_is_skipped_plainly():
    # A proxy on a closed port: every request to the vulnerability database fails.
    result = run_audit(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", AUDIT_TIMEOUT="30")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("dependency audit skipped: "), result.stdout


def test_a_known_vulnerability_fails(tmp_path):
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["5.2.20"]}]},
            {"name": "redis", "version": "8.1.0", "vulns": []},
        ]
    }
    result = run_audit(AUDIT_PIP_AUDIT=fake_pip_audit(tmp_path, report, exit_code=1))
    assert result.returncode == 1
    assert "VULNERABLE django 5.2.19: PYSEC-0000-1 (fixed in: 5.2.20)" in result.stdout
    assert "skipped" not in result.stdout


def test_a_clean_report_passes_and_names_what_was_not_checked(tmp_path):
    report = {
        "dependencies": [
            {"name": "redis", "version": "8.1.0", "vulns": []},
            {"name": "torch", "version": "2.13.0", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    result = run_audit(AUDIT_PIP_AUDIT=fake_pip_audit(tmp_path, report))
    assert result.returncode == 0
    # The stand-in answers for both runs (requirements, then the hashed model pins).
    assert "2 pinned packages checked; 2 could not be checked (torch 2.13.0" in result.stdout
    assert "no known vulnerabilities" in result.stdout


def test_no_answer_for_any_package_is_a_skip_not_a_pass(tmp_path):
    report = {"dependencies": [{"name": "torch", "version": "2.13.0", "skip_reason": "Dependency not found on PyPI"}]}
    result = run_audit(AUDIT_PIP_AUDIT=fake_pip_audit(tmp_path, report))
    assert result.returncode == 0 and result.stdout.startswith("dependency audit skipped: ")


def test_a_crash_without_report_is_a_skip_with_its_reason(tmp_path):
    result = run_audit(AUDIT_PIP_AUDIT=fake_pip_audit(tmp_path, None, exit_code=1))
    assert result.returncode == 0
    assert result.stdout.startswith("dependency audit skipped: ") and "no route to host" in result.stdout


def test_bin_test_runs_it():
    assert "bin/audit" in (settings.BASE_DIR / "bin" / "test").read_text()
