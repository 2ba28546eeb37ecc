"""Every URL with every persona, generated from the URL conf.

The test walks the resolver (every URL but the admin site's), builds each URL's arguments
from one small world of rows by parameter name, and checks what `URL_CAPS` declares:
anonymous -> the login page; a signed-in user with no role -> 403 on every workspace URL;
a role without the capability -> 403; with it -> the page, a redirect or a 400 for the
empty input (never a 403 or a crash); a missing object -> 404 for everyone with a role.

A URL added to the URL conf without an entry in `URL_CAPS` fails `test_every_url_is_declared`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from factcheck.accounts.roles import Cap
from factcheck.alerts.models import RepeatAlert
from factcheck.articles.models import Article
from factcheck.claims.models import Person, Workflow
from factcheck.linking.models import ClaimLink, QuoteLink
from factcheck.notifications.models import Notification
from factcheck.review.models import SavedFilter
from factcheck.sources.models import FetchedItem, Source

from ..factories import ClaimFactory, ClaimLinkFactory, EvidenceFactory, QuoteFactory, QuoteLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # no login needed
SIGNED_IN = "signed in"  # any signed-in user, with or without a role
MEMBER = "member"  # any role on the desk

# What each URL needs: the one table of the URL conf's access rules.
URL_CAPS: dict[str, str] = {
    # Dashboard and search.
    "review:dashboard": MEMBER,
    "review:search": MEMBER,
    # Articles and the reader.
    "review:articles": MEMBER,
    "review:article_submit": Cap.SUBMIT,
    "review:article": MEMBER,
    "review:article_status": MEMBER,
    "review:article_panels": MEMBER,
    # Triage.
    "review:triage_claim_add": Cap.PROPOSE,
    "review:triage_quote_add": Cap.PROPOSE,
    "review:triage_claim_merge": Cap.REVIEW,
    "review:triage_claim_accept": Cap.REVIEW,
    "review:triage_claim_reject": Cap.REVIEW,
    "review:triage_claim_edit": Cap.REVIEW,
    "review:triage_claim_split": Cap.REVIEW,
    "review:triage_quote_accept": Cap.REVIEW,
    "review:triage_quote_reject": Cap.REVIEW,
    "review:triage_quote_edit": Cap.REVIEW,
    # The claim page.
    "review:claim": MEMBER,
    "review:claim_label": Cap.REVIEW,
    "review:claim_assign": Cap.REVIEW,
    "review:claim_evidence_add": Cap.REVIEW,
    "review:claim_evidence_remove": Cap.REVIEW,
    "review:claim_comment": Cap.PROPOSE,
    "review:claim_submit": Cap.REVIEW,
    "review:claim_approve": Cap.APPROVE,
    "review:claim_send_back": Cap.APPROVE,
    "review:claim_publish": Cap.APPROVE,
    # The quote page.
    "review:quote": MEMBER,
    # Cross-linking.
    "review:claim_link_search": Cap.PROPOSE,
    "review:claim_link_create": Cap.PROPOSE,
    "review:claim_link_confirm": Cap.REVIEW,
    "review:claim_link_dismiss": Cap.REVIEW,
    "review:quote_link_create": Cap.PROPOSE,
    "review:quote_link_confirm": Cap.REVIEW,
    "review:quote_link_dismiss": Cap.REVIEW,
    # Sources (factcheck/sources/urls.py).
    "sources:list": MEMBER,
    "sources:create": Cap.SOURCES,
    "sources:edit": Cap.SOURCES,
    "sources:toggle": Cap.SOURCES,
    "sources:poll": Cap.SOURCES,
    "sources:link_submit": Cap.SUBMIT,
    "sources:link": Cap.SUBMIT,
    # Webhooks (factcheck/webhooks/urls.py): the desk's administrators only.
    "webhooks:list": "admin",
    "webhooks:create": "admin",
    "webhooks:endpoint": "admin",
    "webhooks:rotate": "admin",
    "webhooks:delete": "admin",
    "webhooks:test": "admin",
    "webhooks:delivery": "admin",
    "webhooks:replay": "admin",
    # Repeat alerts and the repeat ledger (factcheck/alerts/urls.py, ledger_urls.py).
    "alerts:list": MEMBER,
    "alerts:detail": MEMBER,
    "alerts:acknowledge": Cap.REVIEW,
    "ledger:index": MEMBER,
    "ledger:detail": MEMBER,
    "ledger:claimants": MEMBER,
    "ledger:claimant": MEMBER,
    # Queues and bulk actions.
    "review:queue_triage": MEMBER,
    "review:queue_drafts": MEMBER,
    "review:queue_approval": MEMBER,
    "review:queue_mine": MEMBER,
    "review:queue_bulk": Cap.REVIEW,
    "review:queue_links": MEMBER,
    "review:queue_link_decide": Cap.REVIEW,
    # Saved search filters (each person's own: another person's is a 404).
    "review:saved_filters": MEMBER,
    "review:saved_filter_create": MEMBER,
    "review:saved_filter_apply": MEMBER,
    "review:saved_filter_rename": MEMBER,
    "review:saved_filter_delete": MEMBER,
    # Notifications (each person's own: another person's is a 404).
    "notifications:list": MEMBER,
    "notifications:read": MEMBER,
    "notifications:read_all": MEMBER,
    "notifications:settings": MEMBER,
    # Public fact-checks.
    "publishing:list": PUBLIC,
    "publishing:detail": PUBLIC,
    "publishing:ratings_css": PUBLIC,
    "publishing:detail_jsonld": PUBLIC,
    "publishing:feed_atom": PUBLIC,
    "publishing:feed_json": PUBLIC,
    # Exports of the search's results (factcheck/exports).
    "exports:search_export": MEMBER,
    # Accounts.
    "login": PUBLIC,
    "logout": SIGNED_IN,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
}

PERSONAS = ["reporter", "checker", "editor", "admin_user", "outsider"]
CAPS = {
    "reporter": {Cap.SUBMIT, Cap.PROPOSE},
    "checker": {Cap.SUBMIT, Cap.PROPOSE, Cap.REVIEW},
    "editor": {Cap.SUBMIT, Cap.PROPOSE, Cap.REVIEW, Cap.APPROVE, Cap.SOURCES},
    "admin_user": set(Cap),
    "outsider": set(),
}

# Which row a URL parameter names: by its own name, or for `pk` by the collection before it.
BY_PARAMETER = {"claim_pk": "claim", "quote_pk": "quote", "evidence_pk": "evidence", "link_pk": "quote_link"}
# sources/links/<pk>/ is a pasted link's fetch, not a source.
BY_ROUTE = {"sources/links/<int:pk>/": "pasted_link"}
BY_ROUTE["webhooks/deliveries/<int:pk>/"] = BY_ROUTE["webhooks/deliveries/<int:pk>/replay/"] = "delivery"
BY_COLLECTION = {
    "articles": "article",
    "claims": "claim",
    "quotes": "quote",
    "links": "claim_link",
    "factchecks": "claim",
    "saved": "saved_filter",
    "sources": "source",
    "webhooks": "endpoint",
    "notifications": "notification",
    "alerts": "repeat_alert",
    "ledger": "checked_claim",
    "claimants": "person",
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, as reverse() takes it
    route: str  # the full path pattern, e.g. "claims/<int:pk>/label/"

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    def row_for(self, parameter: str) -> str:
        if self.route in BY_ROUTE:
            return BY_ROUTE[self.route]
        if parameter in BY_PARAMETER:
            return BY_PARAMETER[parameter]
        collection = re.search(rf"([\w-]+)/<(?:\w+:)?{parameter}>", self.route)
        assert collection and collection.group(1) in BY_COLLECTION, f"no row for {parameter!r} in {self.route}"
        return BY_COLLECTION[collection.group(1)]


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin site: staff only, tested in tests/foundation/test_admin.py
            if entry.namespace == "api":
                continue  # the API (401 for no token, not the login page): tests/api/test_permissions.py
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry.url_patterns, route, inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(f"{namespace}:{entry.name}" if namespace else entry.name, route)


ROUTES = list(_walk(get_resolver().url_patterns))


def test_every_url_is_declared():
    names = {route.name for route in ROUTES}
    assert names - URL_CAPS.keys() == set(), "URLs without an entry in URL_CAPS"
    assert URL_CAPS.keys() - names == set(), "URL_CAPS entries for URLs that no longer exist"


@pytest.fixture
def world(article, claim, quote):
    """One row of each kind a URL can name; the claim and the quote are the article's."""
    return {
        "article": article,
        "claim": claim,
        "quote": quote,
        "claim_link": ClaimLinkFactory(a=claim, b=ClaimFactory(text="A second claim about the same 2km.")),
        "quote_link": QuoteLinkFactory(a=quote, b=QuoteFactory(text="We are advancing on all fronts")),
        "evidence": EvidenceFactory(claim=claim),
        "saved_filter": SavedFilter.objects.create(user=UserFactory(), name="Theirs", query="scope=claims"),
        "source": Source.objects.create(name="Example feed", url="https://example.org/feed.xml"),
        "pasted_link": FetchedItem.objects.create(key="https://example.org/a", url="https://example.org/a"),
        **_webhook_rows(),
        "notification": _notification(UserFactory()),
        **_alert_world(claim),
    }


def _alert_world(claim) -> dict:
    """A published check, an alert that `claim` repeats it, and a claimant (the alert and ledger URLs)."""
    checked = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, text="Unemployment fell to 3.1% in May.")
    return {
        "checked_claim": checked,
        "repeat_alert": RepeatAlert.objects.create(claim=claim, checked_claim=checked, probability=0.8),
        "person": Person.objects.create(name="Jane Minister", normalized_name="jane minister"),
    }


def _webhook_rows() -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from factcheck.webhooks.models import Delivery, Endpoint, Event

    endpoint = Endpoint.objects.create(url="https://example.org/hook", secret="whsec_x", events=["claim.submitted"])
    event = Event.objects.create(
        event_id="evt_test",
        type="webhook.test",
        content_type=ContentType.objects.get_for_model(Endpoint),
        object_id=endpoint.pk,
        occurred_at=timezone.now(),
    )
    return {"endpoint": endpoint, "delivery": Delivery.objects.create(endpoint=endpoint, event=event)}


def _notification(user) -> Notification:
    return Notification.objects.create(recipient=user, kind="assigned", key="access", text="Assigned", url="/")


def url_of(route: Route, world: dict, *, missing: bool = False) -> str:
    kwargs = {p: 999999 if missing else world[route.row_for(p)].pk for p in route.parameters}
    return reverse(route.name, kwargs=kwargs)


def fetch(client, url: str):
    """GET, or an empty POST for an action (a view that answers GET with 405)."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(client, world):
    for route in ROUTES:
        response = fetch(client, url_of(route, world))
        redirected = response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert redirected == (URL_CAPS[route.name] != PUBLIC), (route.name, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_with_every_role(request, client, persona, world):
    user = request.getfixturevalue(persona)
    # The persona's own saved filter (the world's belongs to someone else: a 404 for them).
    world["saved_filter"] = SavedFilter.objects.create(user=user, name="Mine", query="scope=claims")
    world["notification"] = _notification(user)
    for route in ROUTES:
        needs = URL_CAPS[route.name]
        client.force_login(user)  # again each time: one of the URLs logs out
        response = fetch(client, url_of(route, world))
        if needs in (PUBLIC, SIGNED_IN):
            allowed = True
        elif needs == MEMBER:
            allowed = bool(CAPS[persona])
        elif needs == "admin":  # the desk's administrators (admin role, staff)
            allowed = persona == "admin_user"
        else:
            allowed = needs in CAPS[persona]
        if allowed:
            # Empty input: a page, a redirect with a message, or a 400 re-render; never a crash.
            # (A public fact-check page is 404 while its claim is unpublished.)
            expected = {200, 302, 400} | ({404} if needs == PUBLIC else set())
            assert response.status_code in expected, (persona, route.name, response.status_code)
        else:
            assert response.status_code == 403, (persona, route.name, response.status_code)
        # Missing objects are 404 for everyone with a role.
        if route.parameters and CAPS[persona] and needs != PUBLIC:
            client.force_login(user)
            response = fetch(client, url_of(route, world, missing=True))
            assert response.status_code == 404, (persona, route.name, response.status_code)
    assert ClaimLink.objects.count() == 1 and QuoteLink.objects.count() == 1  # empty input creates nothing


# The API's routes that repeat a page (factcheck/api/urls.py), with the page whose rule they
# follow. The walk above leaves the API out (no login page there: 401 without a token);
# tests/api/test_permissions.py holds its whole matrix (scopes, revoked tokens). Here each of
# these answers, for every persona, as its page does: 403 where the page is 403, the data where
# the page opens, 404 for a missing row.
API_MIRRORS = {
    "api:alert-list": "alerts:list",
    "api:alert-detail": "alerts:detail",
    "api:alert-acknowledge": "alerts:acknowledge",
}


def test_every_api_alert_route_mirrors_a_declared_page():
    api = next(e for e in get_resolver().url_patterns if isinstance(e, URLResolver) and e.namespace == "api")
    alert_routes = {route.name for route in _walk(api.url_patterns, str(api.pattern), "api") if "alerts" in route.route}
    assert alert_routes == API_MIRRORS.keys(), "an API alert route without its page in API_MIRRORS"
    assert set(API_MIRRORS.values()) <= URL_CAPS.keys()


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_alert_routes_answer_as_their_pages(request, client, persona, world):
    from factcheck.api.models import Scope
    from tests.api.test_permissions import persona_token

    user = request.getfixturevalue(persona)
    api = persona_token(request, persona, {Scope.READ, Scope.SUBMIT})
    for api_name, page_name in API_MIRRORS.items():
        page_route = next(route for route in ROUTES if route.name == page_name)
        for missing in (False, True) if page_route.parameters else (False,):
            pk = 999999 if missing else world["repeat_alert"].pk
            client.force_login(user)
            page = fetch(client, url_of(page_route, world, missing=missing))
            url = reverse(api_name, args=[pk]) if page_route.parameters else reverse(api_name)
            answer = api.post(url, {}) if api_name.endswith("-acknowledge") else api.get(url)
            if page.status_code in (403, 404):
                want = page.status_code
            else:
                assert page.status_code in (200, 302, 400), (persona, page_name, page.status_code)
                want = 200
            assert answer.status_code == want, (persona, api_name, missing, page.status_code, answer.content[:200])


def test_get_on_post_only_actions_is_refused(client, checker, article, claim):
    client.force_login(checker)
    assert client.get(reverse("review:triage_claim_accept", args=[article.pk, claim.pk])).status_code == 405


def test_missing_objects_are_404(client, checker, article, claim, quote):
    client.force_login(checker)
    assert client.get(reverse("review:article", args=[999999])).status_code == 404
    assert client.get(reverse("review:article_status", args=[999999])).status_code == 404
    assert client.post(reverse("review:triage_claim_accept", args=[article.pk, 999999])).status_code == 404
    assert client.post(reverse("review:triage_quote_reject", args=[article.pk, 999999])).status_code == 404


def test_a_claim_through_another_articles_url_is_404(client, checker, article, claim):
    other = Article.objects.create(body="Another article entirely.", headline="Other")
    client.force_login(checker)
    response = client.post(reverse("review:triage_claim_accept", args=[other.pk, claim.pk]))
    assert response.status_code == 404
