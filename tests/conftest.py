"""Shared fixtures: named personas, one per role, as healthchecks' BaseTestCase has alice and bob."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from factcheck.accounts.roles import Role


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: Role | None):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=username, password="pw-" + username)
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.save()
    if role:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@pytest.fixture
def reporter(db):
    return make_user("rita", Role.REPORTER)


@pytest.fixture
def checker(db):
    return make_user("carl", Role.FACT_CHECKER)


@pytest.fixture
def checker2(db):
    return make_user("chloe", Role.FACT_CHECKER)


@pytest.fixture
def editor(db):
    return make_user("eddie", Role.EDITOR)


@pytest.fixture
def admin_user(db):
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def outsider(db):
    """Signed in, but in no role group."""
    return make_user("otto", None)


SAMPLE_BODY = (
    " date 2024-08-14 Ukraine says it took 100 prisoners\n\n"
    "Troops captured around 2km more of the region on Wednesday, officials said.\n\n"
    "“We are advancing,” the president said.\n"
)


@pytest.fixture
def article(db):
    from factcheck.articles.models import Article
    from factcheck.articles.services import outlet_get_or_create

    return Article.objects.create(
        body=SAMPLE_BODY,
        published=datetime.date(2024, 8, 14),
        outlet=outlet_get_or_create(name="Example News"),
        headline="Ukraine says it took 100 prisoners",
    )


@pytest.fixture
def seeds_dir():
    return settings.BASE_DIR / "factcheck" / "articles" / "sample_data"
