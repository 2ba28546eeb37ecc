"""Saved search filters: save, list, apply, rename, delete; each person's own (another's
is a 404); names unique per person, by the database itself; the admin site only looks."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from factcheck.core.errors import Conflict, NotAllowed
from factcheck.review.models import SavedFilter
from factcheck.review.services import saved_filter_create, saved_filter_delete, saved_filter_rename

from ..factories import ClaimFactory

pytestmark = pytest.mark.django_db

SAVE = reverse("review:saved_filter_create")


def save(client, name: str, query: str):
    return client.post(SAVE, {"name": name, "query": query})


def test_save_keeps_the_valid_filters_in_a_normal_shape_and_lists_them(client, checker):
    client.force_login(checker)
    response = save(client, "My queue", "scope=claims&q=tanks&stage=draft&assignee=me&verdict=&page=3&bogus=1")
    saved = SavedFilter.objects.get(user=checker)
    assert saved.name == "My queue"
    # Empty values, the page number and unknown keys are dropped; the order is the form's.
    assert saved.query == "scope=claims&q=tanks&stage=draft&assignee=me"
    assert response.status_code == 302 and response["Location"] == reverse("review:search") + "?" + saved.query
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Saved these filters as “My queue”." in html
    assert f'href="{reverse("review:saved_filter_apply", args=[saved.pk])}">My queue</a>' in html


def test_the_save_form_carries_the_current_filters(client, checker):
    client.force_login(checker)
    response = client.get(reverse("review:search"), {"scope": "quotes", "q": "war", "links": "none", "page": "2"})
    assert response.context["save_form"].initial["query"] == "scope=quotes&q=war&links=none"


def test_apply_runs_the_search_again(client, checker):
    claim = ClaimFactory(text="Inflation reached 9 percent in July.", score=0.9)
    ClaimFactory(text="The weather was pleasant on Tuesday.", score=0.1)
    saved = SavedFilter.objects.create(user=checker, name="High scores", query="score_min=0.5&scope=claims")
    client.force_login(checker)
    response = client.get(reverse("review:saved_filter_apply", args=[saved.pk]), follow=True)
    assert [c.pk for c in response.context["page"]] == [claim.pk]
    assert response.context["form"]["score_min"].value() == "0.5"


def test_a_filter_that_no_longer_fits_says_why(client, checker):
    """An outlet deleted since the filter was saved: the search page's message, not a 500."""
    saved = SavedFilter.objects.create(user=checker, name="Gone", query="outlet=999999&scope=claims")
    client.force_login(checker)
    response = client.get(reverse("review:saved_filter_apply", args=[saved.pk]), follow=True)
    assert response.status_code == 400 and "Unknown outlet" in response.content.decode()


def test_duplicate_name_is_refused_and_what_was_typed_kept(client, checker):
    client.force_login(checker)
    save(client, "Mine", "scope=claims&q=tanks")
    response = save(client, " Mine ", "scope=claims&q=bridges")
    assert response.status_code == 409
    html = response.content.decode()
    assert "You already have a saved filter called “Mine”" in html
    assert 'value=" Mine "' in html or 'value="Mine"' in html
    assert response.context["form"]["q"].value() == "bridges"  # the page shows the filters being saved
    assert SavedFilter.objects.get(user=checker).query == "scope=claims&q=tanks"


def test_blank_name_and_bad_filters_are_not_saved(client, checker):
    client.force_login(checker)
    response = save(client, "   ", "scope=claims&q=tanks")
    assert response.status_code == 400 and "Give the filter a name." in response.content.decode()
    response = save(client, "Bad", "scope=claims&date_from=someday")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "These filters cannot be saved until they are fixed" in page
    assert not SavedFilter.objects.exists()


def test_rename_and_delete(client, checker):
    saved = SavedFilter.objects.create(user=checker, name="Old", query="scope=claims")
    SavedFilter.objects.create(user=checker, name="Other", query="scope=quotes")
    client.force_login(checker)
    url = reverse("review:saved_filter_rename", args=[saved.pk])
    response = client.post(url, {f"f{saved.pk}-name": "New name"}, follow=True)
    assert "Renamed “Old” to “New name”." in response.content.decode()
    response = client.post(url, {f"f{saved.pk}-name": "Other"}, follow=True)
    assert "You already have a saved filter called “Other”" in response.content.decode()
    response = client.post(url, {f"f{saved.pk}-name": ""}, follow=True)
    assert "Give the filter a name." in response.content.decode()
    saved.refresh_from_db()
    assert saved.name == "New name"
    response = client.post(reverse("review:saved_filter_delete", args=[saved.pk]), follow=True)
    assert "Deleted the saved filter “New name”." in response.content.decode()
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Other"]


def test_only_the_owner_sees_or_changes_a_saved_filter(client, checker, checker2, editor):
    theirs = SavedFilter.objects.create(user=checker2, name="Chloe's queue", query="assignee=me&scope=claims")
    client.force_login(checker)
    assert client.get(reverse("review:saved_filter_apply", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("review:saved_filter_rename", args=[theirs.pk]), {"name": "x"}).status_code == 404
    assert client.post(reverse("review:saved_filter_delete", args=[theirs.pk])).status_code == 404
    for url in (reverse("review:search"), reverse("review:saved_filters")):
        assert "Chloe&#x27;s queue" not in client.get(url).content.decode()
    theirs.refresh_from_db()
    assert theirs.name == "Chloe's queue"
    client.force_login(checker2)
    assert "Chloe&#x27;s queue" in client.get(reverse("review:saved_filters")).content.decode()


def test_services_check_their_own_rules(checker, checker2, outsider):
    mine = saved_filter_create(actor=checker, name="Mine", query="scope=claims")
    with pytest.raises(NotAllowed):
        saved_filter_create(actor=outsider, name="Mine", query="scope=claims")
    with pytest.raises(NotAllowed):
        saved_filter_rename(actor=checker2, saved=mine, name="Stolen")
    with pytest.raises(NotAllowed):
        saved_filter_delete(actor=checker2, saved=mine)
    with pytest.raises(Conflict):
        saved_filter_create(actor=checker, name="Mine", query="scope=quotes")
    # The same name for another person is fine: names are unique per person.
    assert saved_filter_create(actor=checker2, name="Mine", query="scope=quotes").user == checker2


def test_database_refuses_a_duplicate_name_per_user_and_a_blank_name(checker, checker2):
    SavedFilter.objects.create(user=checker, name="Queue", query="")
    SavedFilter.objects.create(user=checker2, name="Queue", query="")
    with pytest.raises(IntegrityError, match="savedfilter_unique_name_per_user"), transaction.atomic():
        SavedFilter.objects.create(user=checker, name="Queue", query="scope=quotes")
    with pytest.raises(IntegrityError, match="savedfilter_name_not_blank"), transaction.atomic():
        SavedFilter.objects.create(user=checker, name="  ", query="")


def test_admin_site_only_looks(client, admin_user, checker):
    saved = SavedFilter.objects.create(user=checker, name="Queue", query="scope=claims")
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:review_savedfilter_changelist"))
    assert changelist.status_code == 200 and "Queue" in changelist.content.decode()
    assert client.get(reverse("admin:review_savedfilter_add")).status_code == 403
    response = client.post(reverse("admin:review_savedfilter_change", args=[saved.pk]), {"name": "Changed"})
    assert response.status_code == 403
    saved.refresh_from_db()
    assert saved.name == "Queue"


def test_the_list_says_what_each_filter_does_in_a_constant_number_of_queries(
    client, checker, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from factcheck.articles.models import Outlet

    from ..factories import rating

    bbc = Outlet.objects.create(name="BBC", slug="bbc")
    false = rating("false")
    SavedFilter.objects.create(
        user=checker, name="BBC false", query=f"scope=claims&outlet={bbc.pk}&verdict={false.pk}&links=checked"
    )
    client.force_login(checker)
    url = reverse("review:saved_filters")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        html = client.get(url).content.decode()
    for chip in ("Search in: Claims", "Outlet: BBC", "Verdict: False", "Links: Already checked elsewhere"):
        assert chip in html
    for i in range(20):
        SavedFilter.objects.create(user=checker, name=f"F{i}", query=f"scope=quotes&q=w{i}&outlet={bbc.pk}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "Text: w19" in client.get(url).content.decode()
