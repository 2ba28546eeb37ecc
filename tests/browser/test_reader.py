"""The reader and the claim page in a real browser at 1366 px and at 390 px (a phone), on the
sample articles as the real extractor leaves them: what is highlighted, where the candidate
list sits, the keyboard, the navigation bar, and axe-core over every state (no serious or
critical violation). Screenshots go to $SCREENSHOT_DIR (see helpers.screenshot_dir)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from factcheck.claims.models import CandidateStatus, Claim, Quote
from factcheck.claims.services import claim_label
from factcheck.linking.models import Relation
from factcheck.linking.services import claim_link_create

from ..factories import rating
from .axe import assert_accessible
from .conftest import PHONE
from .helpers import log_in, select_text, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_reader(page: Page, article, query: str = "") -> None:
    page.goto(f"/articles/{article.pk}/{query}")
    expect(page.locator("#extraction-state")).to_contain_text("claims")
    expect(page.locator("#candidate-list li.cand").first).to_be_attached()


def focused_key(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.dataset.cand || null")


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, selector
    return found


def test_reader_wide_shows_what_matters_beside_the_text(new_tab, checker, seeds):
    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    article = seeds.cnn
    worthy = article.claims.filter(checkworthy=True)
    low = article.claims.filter(checkworthy=False)
    assert worthy.exists() and low.exists(), "the sample needs both kinds of claim for this test"
    open_reader(page, article)

    # Only check-worthy claims and every quote, in the list and in the text.
    expected = worthy.count() + article.quotes.count()
    expect(page.locator("#candidate-list li.cand")).to_have_count(expected)
    expect(page.locator("#jump-to-candidates")).to_have_text(f"Candidates ({expected})")
    hidden = low.first()
    expect(page.locator(f'#article-body mark[data-cand="claim-{hidden.pk}"]')).to_have_count(0)
    expect(page.locator("#reader-filter")).to_contain_text(f"{low.count()} other candidate")

    # No C?/Q? superscripts: the start of a highlight carries a name for screen readers only.
    first_mark = page.locator("#article-body mark.hl-first").first
    before = first_mark.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert "?" not in before.split("/")[0] and "claim" in before or "quote" in before, before
    # Claims and quotes differ by more than colour: a bar (border) against an underline.
    claim_mark = page.locator("#article-body mark.hl-claim").first
    quote_mark = page.locator("#article-body mark.hl-quote").first
    expect(claim_mark).to_have_css("border-bottom-style", "dashed")
    expect(quote_mark).to_have_css("text-decoration-line", "underline")
    expect(quote_mark).to_have_css("border-bottom-style", "none")
    # The intake header line is not drawn.
    expect(page.locator("#article-body .intake-header")).to_be_hidden()
    assert not page.locator("#article-body").inner_text().lstrip().startswith("date")

    # The list sits beside the text, in view.
    text, side = box(page, "#article-body"), box(page, "#candidates")
    assert side["x"] >= text["x"] + text["width"], (text, side)
    assert side["y"] < 900
    expect(page.locator("#jump-to-candidates")).to_be_hidden()

    # Each quote shows its speaker.
    spoken = article.quotes.exclude(speaker_text="").first()
    item = page.locator(f"#cand-quote-{spoken.pk}")
    expect(item.locator(".cand-speaker")).to_have_text(
        spoken.speaker.name if spoken.speaker_id else spoken.speaker_text
    )
    assert_accessible(page, "reader at 1366 px")
    shoot(page, "reader_1366")

    # "Show all candidates": a plain link, so it works without the script too.
    page.get_by_role("link", name="Show all candidates").click()
    page.wait_for_url(re.compile(r"\?show=all$"))
    expect(page.locator("#candidate-list li.cand")).to_have_count(expected + low.count())
    expect(page.locator(f'#article-body mark[data-cand="claim-{hidden.pk}"]').first).to_be_visible()
    assert_accessible(page, "reader, all candidates")
    page.get_by_role("link", name="Show check-worthy claims only").click()
    expect(page.locator("#candidate-list li.cand")).to_have_count(expected)
    assert tab.errors == []


def test_reader_on_a_phone(new_tab, checker, seeds):
    tab = new_tab(PHONE)
    page = tab.page
    log_in(page, checker)
    # The navigation bar folds behind a menu button.
    nav = page.get_by_role("navigation", name="Main")
    assert nav.bounding_box()["height"] < 80
    expect(nav.get_by_role("link", name="Articles")).to_be_hidden()
    assert_accessible(page, "dashboard at 390 px")
    nav.get_by_role("button", name="Menu").click()
    expect(nav.get_by_role("link", name="Articles")).to_be_visible()
    shoot(page, "navbar_open_390")
    nav.get_by_role("link", name="Articles").click()
    page.wait_for_url(re.compile(r"/articles/$"))

    open_reader(page, seeds.cnn)
    # Nothing runs off the side of the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    # The candidates are below the text, one tap away.
    jump = page.locator("#jump-to-candidates")
    expect(jump).to_be_visible()
    assert box(page, "#candidates")["y"] > box(page, "#article-body")["y"] + 500
    assert_accessible(page, "reader at 390 px")
    shoot(page, "reader_390")
    shoot(page, "reader_390_screen", full_page=False)
    jump.click()
    page.wait_for_url(re.compile(r"#cands-heading$"))
    heading = page.locator("#cands-heading")
    expect(heading).to_be_in_viewport()
    shoot(page, "reader_390_candidates", full_page=False)
    assert tab.errors == []


def test_keyboard_focus_moves_on_after_every_decision(new_tab, checker, seeds):
    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    open_reader(page, seeds.cnn)
    items = page.locator("#candidate-list li.cand")
    keys = [items.nth(i).get_attribute("data-cand") for i in range(4)]

    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator(f"#cand-{keys[1]}")).to_be_focused()
    expect(page.locator(f"#cand-{keys[0]} .status-badge")).to_contain_text("Accepted")
    page.keyboard.press("r")
    expect(page.locator(f"#cand-{keys[2]}")).to_be_focused()
    expect(page.locator("#rejected-candidates > summary")).to_contain_text("Rejected (1)")
    # a on a candidate already accepted passes over it the same way.
    page.keyboard.press("k")
    expect(page.locator(f"#cand-{keys[0]}")).to_be_focused()
    page.keyboard.press("a")
    expect(page.locator(f"#cand-{keys[2]}")).to_be_focused()
    expect(page.locator("#reader-live")).to_have_text("Already accepted")

    # e on a quote opens its speaker field.
    quote = page.locator("#candidate-list li.cand-quote").first
    quote.click(position={"x": 5, "y": 5})
    quote.focus()
    page.keyboard.press("e")
    expect(quote.locator("input[name$='-speaker_name']")).to_be_focused()
    page.keyboard.press("Escape")

    # The shortcuts are listed on the page, and the focus ring shows.
    expect(page.locator(".shortcuts-section")).to_contain_text("Accept the current candidate and go to the next")
    page.locator(f"#cand-{keys[2]}").focus()
    outline = page.locator(f"#cand-{keys[2]}").evaluate("(el) => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    assert tab.errors == []


def test_merge_leaves_the_focus_on_the_merged_claims_neighbour(new_tab, checker, seeds):
    article = seeds.cnn
    claims = list(article.claims.filter(checkworthy=True, status=CandidateStatus.CANDIDATE).order_by("start"))
    # Two neighbouring check-worthy claims (adjacent in the text).
    pair = next(
        ((a, b) for a, b in zip(claims, claims[1:], strict=False) if not article.body[a.end : b.start].strip()), None
    )
    if pair is None:
        pytest.skip("no two adjacent check-worthy claims in the sample")
    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    open_reader(page, article)
    keys = page.locator("#candidate-list li.cand").evaluate_all("(els) => els.map((el) => el.dataset.cand)")
    for claim in pair:
        page.locator(f"#cand-claim-{claim.pk}").get_by_label("Select to merge").check()
    page.get_by_role("button", name="Merge selected claims").click()
    expect(page.locator("#reader-live")).to_contain_text("Merged into claim")
    merged = Claim.objects.filter(article=article, start=pair[0].start, end=pair[1].end).get()
    expect(page.locator(f"#candidate-list #cand-claim-{merged.pk}")).to_be_attached()
    order = page.locator("#candidate-list li.cand").evaluate_all("(els) => els.map((el) => el.dataset.cand)")
    at = order.index(f"claim-{merged.pk}")
    expected = order[min(at + 1, len(order) - 1)]
    expect(page.locator(f"#cand-{expected}")).to_be_focused()
    assert f"claim-{pair[1].pk}" in keys and f"claim-{pair[1].pk}" not in order  # merged away
    assert tab.errors == []


def test_span_edit_by_selecting_text(new_tab, checker, seeds):
    article = seeds.lbc
    quote = article.quotes.order_by("start").first()
    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    open_reader(page, article)
    item = page.locator(f"#cand-quote-{quote.pk}")
    item.locator("details.cand-edit > summary").click()
    item.click(position={"x": 5, "y": 5})  # the current candidate
    shorter = quote.text[: quote.text.rindex(" ")]
    select_text(page, shorter)
    expect(item.locator(".js-span-preview")).to_contain_text(f"New span: “{shorter[:60]}")
    item.get_by_role("button", name="Save").click()
    expect(page.locator("#reader-live")).to_contain_text("saved")
    stored = Quote.objects.get(pk=quote.pk)
    assert stored.text == shorter
    assert tab.errors == []


def test_claim_page_history_and_layout_at_both_widths(new_tab, checker, checker2, seeds):
    claim = seeds.cnn.claims.filter(checkworthy=True).order_by("start").first()
    other = seeds.lbc.claims.filter(checkworthy=True).order_by("start").first()
    for user, verdict, why in ((checker2, "true", ""), (checker, "mostly-true", "new ONS figures")):
        claim.refresh_from_db()
        claim_label(
            claim=claim,
            verdict=rating(verdict),
            summary="The figure is close. " * 6,
            explanation="",
            claimant_name="",
            actor=user,
            expected_version=claim.version,
            reason=why,
        )
    claim_link_create(a=claim, b=other, relation=Relation.SAME, actor=checker)

    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    page.goto(f"/claims/{claim.pk}/")
    expect(page.locator("#claim-text")).not_to_contain_text("date 2024-08-14")
    history = page.locator("#history")
    expect(history).to_contain_text("carl changed the verdict from True to Mostly true: “new ONS figures”")
    expect(history).to_contain_text("carl linked this claim: same as claim")
    expect(history).not_to_contain_text("link_create")
    expect(history).not_to_contain_text("verdict_summary")
    stamp = history.locator("time").first
    assert re.match(r"\d{4}-\d\d-\d\dT", stamp.get_attribute("datetime"))
    expect(stamp).to_have_attribute("title", re.compile(r"\d+ \w+ \d{4}, \d\d:\d\d"))
    expect(stamp).to_contain_text(re.compile(r"ago|now"))
    detail = history.locator("details.history-detail").first
    detail.locator("summary").click()
    expect(detail.locator("blockquote").first).to_contain_text("The figure is close.")
    # The summary is written in a text area of several lines.
    expect(page.locator("#claim-label-form textarea[name='summary']")).to_be_visible()
    assert_accessible(page, "claim page at 1366 px")
    shoot(page, "claim_1366")

    phone = new_tab(PHONE).page
    log_in(phone, checker)
    phone.goto(f"/claims/{claim.pk}/")
    expect(phone.locator("#history")).to_contain_text("changed the verdict from True to Mostly true")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone, "claim page at 390 px")
    shoot(phone, "claim_390")
    assert tab.errors == []
