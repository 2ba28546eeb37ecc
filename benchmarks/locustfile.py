"""Locust users for benchmarks/load.py: signed-in desk members reading and triaging.

Run by benchmarks/load.py (which starts the stack and sets LOAD_USERS, LOAD_ARTICLES and
LOAD_CLAIMS); not meant to be pointed at a production desk. Each simulated user signs in
through the real login form, then reads the dashboard, the article reader, claim pages and
search, and accepts or rejects candidates through the reader's real forms (with CSRF).

The stack runs with DEBUG=false over plain HTTP on loopback (SECURE_SSL_REDIRECT=false), so
the session and CSRF cookies carry the Secure flag; requests would not send them back over
http, so the flag is cleared in the client's cookie jar after each response.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

USERS = json.loads(os.environ.get("LOAD_USERS", "[]"))  # [[username, password, role], ...]
ARTICLES = json.loads(os.environ.get("LOAD_ARTICLES", "[]"))
CLAIMS = json.loads(os.environ.get("LOAD_CLAIMS", "[]"))
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(",")]
SEARCH_TERMS = ["evacuated", "Kursk", "drones", "ministry", "power", "border", "Odesa", "refugees"]
_next_user = itertools.count()

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The reader's Accept and Reject buttons (of its one #decide-form): each carries its action
# (formaction) and the version seen (name="version").
DECIDE_RE = re.compile(r'<button[^>]*\sformaction="(/articles/\d+/(?:claims|quotes)/\d+/(?:accept|reject)/)"[^>]*>')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')


class DeskUser(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        self.username, password, self.role = USERS[next(_next_user) % len(USERS)]
        page = self._get("/accounts/login/", name="/accounts/login/")
        token = CSRF_RE.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": password, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            name="/accounts/login/ POST",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {self.username}: {response.status_code}")
        self._unsecure()

    def _unsecure(self) -> None:
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, url: str, *, name: str):
        response = self.client.get(url, name=name, allow_redirects=False)
        self._unsecure()
        return response

    @task(3)
    def dashboard(self) -> None:
        self._get("/", name="dashboard /")

    @task(4)
    def reader(self) -> None:
        self._get(f"/articles/{random.choice(ARTICLES)}/", name="reader /articles/[id]/")

    @task(3)
    def claim_page(self) -> None:
        self._get(f"/claims/{random.choice(CLAIMS)}/", name="claim /claims/[id]/")

    @task(2)
    def search(self) -> None:
        self._get(f"/search/?q={random.choice(SEARCH_TERMS)}", name="search /search/?q=")

    @task(2)
    def triage(self) -> None:
        if self.role == "reporter":  # reporters propose; they do not decide
            return
        page = self._get(f"/articles/{random.choice(ARTICLES)}/", name="reader /articles/[id]/")
        buttons = [(m.group(1), m.group(0)) for m in DECIDE_RE.finditer(page.text) if " disabled" not in m.group(0)]
        token = CSRF_RE.search(page.text)
        if not buttons or not token:
            return
        action, tag = random.choice(buttons)
        data = {"csrfmiddlewaretoken": token.group(1)}
        version = VERSION_RE.search(tag)
        if version:
            data["version"] = version.group(1)
        kind = "accept" if action.endswith("/accept/") else "reject"
        with self.client.post(
            action,
            data=data,
            allow_redirects=False,
            name=f"triage {kind} POST",
            catch_response=True,
        ) as response:
            # 302: done (post/redirect/get). 409: a colleague decided it first (50 users share
            # a few hundred articles): a correct refusal, not an error.
            if response.status_code in (302, 409):
                response.success()
            else:
                response.failure(f"{response.status_code}")
        self._unsecure()
