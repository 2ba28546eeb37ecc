"""PlainModelChoiceField: Django's options, read with one SELECT, shared by the requests of a
process for REVIEW_COUNTS_CACHE_SECONDS (none in the other tests, which set it to 0)."""

from __future__ import annotations

import pytest
from django import forms

from factcheck.articles.models import Outlet
from factcheck.core import choices
from factcheck.core.choices import PlainModelChoiceField


class OutletForm(forms.Form):
    plain = PlainModelChoiceField(queryset=Outlet.objects.order_by("name"), empty_label="Any", required=False)
    django = forms.ModelChoiceField(queryset=Outlet.objects.order_by("name"), empty_label="Any", required=False)


def _labels(field) -> list[str]:
    return [str(label) for _, label in field.choices]


@pytest.mark.django_db
def test_options_are_djangos_and_shared_for_a_while(settings, django_assert_num_queries, monkeypatch):
    Outlet.objects.create(name="B paper", slug="b-paper")
    Outlet.objects.create(name="A <paper>", slug="a-paper")
    form = OutletForm()
    with django_assert_num_queries(1):  # one SELECT, no server-side cursor
        assert _labels(form.fields["plain"]) == ["Any", "A <paper>", "B paper"]
    assert _labels(form.fields["plain"]) == _labels(OutletForm().fields["django"])
    django_html = str(form["django"]).replace('name="django" id="id_django"', 'name="plain" id="id_plain"')
    assert str(form["plain"]) == django_html

    settings.REVIEW_COUNTS_CACHE_SECONDS = 15
    choices._SHARED.clear()
    clock = [1000.0]
    monkeypatch.setattr(choices.time, "monotonic", lambda: clock[0])
    _labels(OutletForm().fields["plain"])
    Outlet.objects.create(name="C daily", slug="c-daily")
    with django_assert_num_queries(0):  # shared: the new outlet is not there yet
        assert "C daily" not in _labels(OutletForm().fields["plain"])
    clock[0] += 16
    with django_assert_num_queries(1):  # after REVIEW_COUNTS_CACHE_SECONDS it is
        assert "C daily" in _labels(OutletForm().fields["plain"])
    bound = OutletForm({"plain": Outlet.objects.get(name="B paper").pk})
    assert bound.is_valid()  # validation reads the database, as Django's does
    choices._SHARED.clear()
