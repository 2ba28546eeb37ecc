"""Every model is in the admin site and its pages load with data in them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from factcheck.audit.services import audit_record
from factcheck.claims.models import Claim, Evidence, Person, PersonAlias, Quote
from factcheck.linking.models import ClaimLink, QuoteLink
from tests.conftest import queued_work

pytestmark = pytest.mark.django_db

OUR_APPS = {"articles", "claims", "linking", "audit"}


@pytest.fixture
def populated(article, admin_user):
    person = Person.objects.create(name="Volodymyr Zelensky", normalized_name="volodymyr zelensky")
    PersonAlias.objects.create(person=person, alias="Zelenskyy", normalized_alias="zelenskyy")
    q1 = Quote.objects.create(article=article, start=0, end=5, text=article.body[0:5], speaker=person)
    q2 = Quote.objects.create(article=article, start=5, end=9, text=article.body[5:9])
    c1 = Claim.objects.create(article=article, start=0, end=10, text=article.body[:10])
    c2 = Claim.objects.create(article=article, start=10, end=20, text=article.body[10:20])
    ClaimLink.objects.create(source=c1, target=c2, relation="same", origin="system", score=0.9)
    QuoteLink.objects.create(source=q1, target=q2, relation="same", origin="system")
    Evidence.objects.create(claim=c1, url="https://example.org", title="Source", added_by=admin_user)
    audit_record(actor=admin_user, obj=c1, action="labelled", changes={"verdict": [None, "False"]}, reason="why")
    return article


def test_every_model_of_ours_is_registered():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    assert ours and ours <= set(admin.site._registry)


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label in OUR_APPS | {"auth"}])
def test_admin_pages_load(client, admin_user, populated, model):
    client.force_login(admin_user)
    meta = model._meta
    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert changelist.status_code == 200
    search = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), {"q": "<script>"})
    assert search.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200


def test_article_admin_shows_quotes_and_claims_inline(client, admin_user, populated):
    client.force_login(admin_user)
    page = client.get(reverse("admin:articles_article_change", args=[populated.pk])).content.decode()
    assert "Quotes" in page and "Claims" in page


def test_audit_trail_is_read_only_in_admin(client, admin_user, populated):
    from factcheck.audit.models import AuditEvent

    client.force_login(admin_user)
    event = AuditEvent.objects.get()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in page
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.count() == 1


def test_non_staff_cannot_use_the_admin(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_article_added_in_admin_is_queued_for_extraction(client, admin_user, django_capture_on_commit_callbacks):
    from factcheck.articles.models import Article, ExtractionState

    client.force_login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:articles_article_add"),
            {
                "kind": "news",
                "headline": "Admin article",
                "body": "The minister said 40% of homes lost power.",
                "url": "",
                "byline": "",
                "source_name": "",
                "published": "2024-08-14",
                # the Quote and Claim inlines' management forms
                **{
                    f"{prefix}-{key}": "0"
                    for prefix in ("quotes", "claims")
                    for key in ("TOTAL_FORMS", "INITIAL_FORMS")
                },
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(headline="Admin article")
    assert article.extraction_state == ExtractionState.PENDING
    assert len(queued_work(callbacks)) == 1


def test_admin_action_reruns_extraction(client, admin_user, article, django_capture_on_commit_callbacks):
    from factcheck.articles.models import Article, ExtractionState

    Article.objects.filter(pk=article.pk).update(extraction_state=ExtractionState.FAILED, extraction_error="boom")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "re_extract", "_selected_action": [article.pk]},
        )
    article.refresh_from_db()
    assert (article.extraction_state, article.extraction_error) == (ExtractionState.PENDING, "")
    assert len(queued_work(callbacks)) == 1


def _admin_add(client, body: str):
    return client.post(
        reverse("admin:articles_article_add"),
        {
            "kind": "news",
            "headline": "Admin article",
            "body": body,
            "url": "",
            "byline": "",
            "source_name": "",
            "published": "2024-08-14",
            **{f"{prefix}-{key}": "0" for prefix in ("quotes", "claims") for key in ("TOTAL_FORMS", "INITIAL_FORMS")},
        },
    )


def test_article_added_in_admin_goes_through_intake(client, admin_user):
    """The admin site adds articles through article_create: audited, and a duplicate text is
    refused with a message instead of a database error."""
    from factcheck.articles.models import Article
    from factcheck.audit.models import AuditEvent

    client.force_login(admin_user)
    assert _admin_add(client, "The minister said 40% of homes lost power.").status_code == 302
    article = Article.objects.get()
    event = AuditEvent.objects.for_object(article).get()
    assert (event.action, event.actor) == ("submitted", admin_user)
    again = _admin_add(client, "The  minister said 40% of homes lost power.\n")
    assert again.status_code == 200
    assert f"already stored as article #{article.pk}" in again.content.decode()
    assert Article.objects.count() == 1
