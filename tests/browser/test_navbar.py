"""The main navbar between 1,024 and 1,200 px (and on to 1,366), with the most it ever holds: every link a desk
administrator has, the notification bell with a full badge, a long user name and the account
buttons. Below 1,200 px the links fold behind the menu button; opened, the menu lists them all.
From 1,200 px the bar is expanded and its links wrap between labels if they must. At each width,
in real Chromium: nothing broken over two lines, cut off or past the right edge, the page no
wider than the window, axe-core clean; a screenshot of each (closed and open)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from factcheck.accounts.roles import Role
from factcheck.notifications.models import Kind, Notification

from ..conftest import make_user
from .axe import axe_violations
from .helpers import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1024, 1100, 1199, 1200, 1280, 1366)
EXPANDED_FROM = 1200  # Bootstrap's xl: templates/base.html, static/css/desk.css
NAME = "alexandra.okonkwo-smith"

# For each visible item of the bar (the brand, each link, the bell, the account name, the
# buttons): its box, how many lines its text takes, whether its content is cut off.
_MEASURE = """() => {
  const bar = document.querySelector('nav.navbar');
  const items = [...bar.querySelectorAll('.navbar-brand, .navbar-nav .nav-link, .nav-account > *')]
    .filter((el) => el.offsetParent !== null);
  const px = (el, name) => parseFloat(getComputedStyle(el)[name]) || 0;
  return {
    barOverflow: bar.scrollWidth - bar.clientWidth,
    pageWidth: document.documentElement.scrollWidth,
    toggler: getComputedStyle(bar.querySelector('.navbar-toggler')).display,
    items: items.map((el) => {
      const box = el.getBoundingClientRect();
      const inner = box.height - px(el, 'paddingTop') - px(el, 'paddingBottom')
        - px(el, 'borderTopWidth') - px(el, 'borderBottomWidth');
      return {text: el.innerText.trim().replace(/\\s+/g, ' '), top: Math.round(box.top), right: box.right,
              link: el.matches('.navbar-nav .nav-link'),
              lines: Math.round(inner / (px(el, 'lineHeight') || 24)), cut: el.scrollWidth > el.clientWidth + 1};
    }),
  };
}"""


def _problems(measured: dict, width: int) -> list[str]:
    out = []
    if measured["pageWidth"] > width:
        out.append(f"the page is {measured['pageWidth']} px wide")
    if measured["barOverflow"] > 0:
        out.append(f"the bar overflows by {measured['barOverflow']} px")
    for item in measured["items"]:
        if item["lines"] > 1:
            out.append(f"“{item['text']}” takes {item['lines']} lines")
        if item["cut"]:
            out.append(f"“{item['text']}” is cut off")
        if item["right"] > width:
            out.append(f"“{item['text']}” ends at {item['right']:.0f} px, past the window")
    return out


def _texts(measured: dict) -> list[str]:
    return [item["text"] for item in measured["items"]]


def _has_everything(texts: list[str]) -> bool:
    wanted = ("Dashboard", "Ledger", "Webhooks", "Published", "Admin", NAME, "99+", "API tokens", "Log out")
    return all(any(w in text for text in texts) for w in wanted)


def test_the_navbar_from_1024_to_1366_px(new_tab, live_server):
    walker = make_user(NAME, Role.ADMIN)
    assert walker.is_staff  # every link, Webhooks and Admin too
    Notification.objects.bulk_create(
        Notification(recipient=walker, kind=Kind.ASSIGNED, key=f"k{i}", text="t", url="/") for i in range(120)
    )
    client = Client()
    client.force_login(walker)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    problems = []
    for width in WIDTHS:
        tab = new_tab({"width": width, "height": 800})
        page = tab.page
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page.goto(reverse("review:dashboard"))
        measured = page.evaluate(_MEASURE)
        problems += [f"at {width} px: {p}" for p in _problems(measured, width)]
        problems += [f"at {width} px: axe {v['impact']} {v['id']}: {v['help']}" for v in axe_violations(page)]
        shoot(page, f"navbar-{width}", full_page=False)
        if width >= EXPANDED_FROM:
            assert measured["toggler"] == "none", width
            assert _has_everything(_texts(measured)), (width, _texts(measured))
            rows = sorted({item["top"] for item in measured["items"] if item["link"]})
            assert len(rows) <= 2, (width, rows)  # the links wrap onto a second line at most
        else:
            assert measured["toggler"] != "none", width
            assert _texts(measured) == ["Fact-check desk"]  # folded: only the brand shows
            page.get_by_role("button", name="Menu").click()
            expect(page.locator("#main-menu")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
            opened = page.evaluate(_MEASURE)
            assert _has_everything(_texts(opened)), (width, _texts(opened))
            problems += [f"at {width} px, menu open: {p}" for p in _problems(opened, width)]
            problems += [f"at {width} px, menu open: axe {v['id']}: {v['help']}" for v in axe_violations(page)]
            shoot(page, f"navbar-{width}-open", full_page=False)
        assert not tab.errors, tab.errors
    assert not problems, "\n".join(problems)
