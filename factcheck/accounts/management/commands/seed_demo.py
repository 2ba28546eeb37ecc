"""Load the sample articles and create one demo user per role; print how to log in."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from factcheck.accounts.roles import Role
from factcheck.accounts.services import user_create_with_role

SAMPLES = Path(__file__).resolve().parents[3] / "articles" / "sample_data"
DEMO_USERS = {
    Role.REPORTER: "reporter",
    Role.FACT_CHECKER: "checker",
    Role.EDITOR: "editor",
    Role.ADMIN: "admin",
}


class Command(BaseCommand):
    help = "Load the sample articles and create demo users (reporter, checker, editor, admin)."

    def handle(self, *args, **options) -> None:
        call_command("import_articles", str(SAMPLES), no_progress=True, stdout=self.stdout, stderr=self.stderr)
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        for role, username in DEMO_USERS.items():
            user_create_with_role(username=username, password=password, role=role)
        url = settings.SITE_URL
        self.stdout.write("")
        self.stdout.write(f"The fact-check desk is at {url}/  (admin site: {url}/admin/)")
        self.stdout.write(f"Demo logins, all with password {password!r}:")
        for role, username in DEMO_USERS.items():
            self.stdout.write(f"  {username:<9} {role.value}")
