"""The editors' workspace in a real browser, on the two sample articles (CNN and LBC,
14 August 2024) as the real extractor leaves them.

A fact-checker triages with the keyboard, adds a claim the extractor missed by selecting
its text, labels a claim with evidence and links it to the same claim in the other
article; an editor, not the one who wrote the verdict, approves and publishes it.
Screenshots of the main pages go to $SCREENSHOT_DIR (see helpers.screenshot_dir).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from factcheck.claims.models import CandidateStatus, Claim, Origin, Quote, Workflow
from factcheck.linking.models import ClaimLink, LinkState, Relation

from .helpers import candidate, log_in, log_out, select_text, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The same event in both articles: the claim the desk links across them.
CNN_PRISONERS = "Zelensky also stated 100 Russian servicemen had been captured"
LBC_PRISONERS = "More than 100 Russian soldiers were taken prisoner during this advancement, Syrskyi added."
# A photo caption in the LBC article: not a paragraph, so the extractor leaves it alone.
LBC_CAPTION = "Ukraine continued its advancement into the Kursk region on Wednesday."


def assert_styled(page: Page) -> None:
    """Bootstrap and the desk's own CSS arrived (the live server serves static files)."""
    navbar = page.locator("nav.navbar")
    expect(navbar).to_have_css("background-color", "rgb(33, 37, 41)")  # Bootstrap's bg-dark
    expect(page.locator("a.skip-link")).to_have_css("position", "absolute")  # static/css/desk.css


def stored(key: str):
    """The row behind a candidate key of the reader ("claim-12", "quote-3")."""
    kind, pk = key.split("-")
    return {"claim": Claim, "quote": Quote}[kind].objects.get(pk=pk)


def focused_candidate(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.dataset.cand || null")


def open_reader(page: Page, article) -> None:
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#extraction-state")).to_contain_text("claims")
    expect(page.locator("#candidate-list li.cand").first).to_be_visible()


FIRST_FOCUSABLE_JS = """
() => {
  const candidates = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"
  );
  const first = Array.from(candidates).find((el) => !el.disabled && !el.closest("[hidden], dialog:not([open])"));
  return first && first.textContent.trim();
}
"""


def test_skip_link_is_first_and_moves_focus_to_main(new_tab, checker, seeds):
    tab = new_tab()
    page = tab.page
    page.goto("/accounts/login/")
    assert_styled(page)
    shoot(page, "login")
    # The login form's username field has autofocus (Django's), so the first Tab goes on
    # from there; the skip link is still the first focusable element of the page.
    assert page.evaluate(FIRST_FOCUSABLE_JS) == "Skip to main content"
    log_in(page, checker)

    claim = seeds.cnn.claims.order_by("start").first()
    for url in ("/", "/articles/", f"/articles/{seeds.cnn.pk}/", f"/claims/{claim.pk}/", "/search/"):
        page.goto(url)
        assert page.evaluate(FIRST_FOCUSABLE_JS) == "Skip to main content", url
        skip = page.get_by_role("link", name="Skip to main content")
        assert skip.bounding_box()["width"] <= 1  # visually hidden until it has the focus...
        page.keyboard.press("Tab")
        expect(skip).to_be_focused()
        assert skip.bounding_box()["width"] > 50  # ...then shown
        page.keyboard.press("Enter")
        expect(page.locator("main#main-content")).to_be_focused()
        # The next Tab continues inside main, not back in the navigation bar.
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('main')"), url
    assert tab.errors == []


def test_main_pages_render_styled(new_tab, checker, seeds):
    """Every main page of the workspace, with the sample articles loaded: content, style, screenshot."""
    tab = new_tab()
    page = tab.page
    log_in(page, checker)

    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("#count-triage .dash-num")).to_have_text(re.compile(r"^[1-9]\d*$"))
    assert_styled(page)
    shoot(page, "dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    rows = page.locator("#article-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#article-table")).to_contain_text("CNN")
    expect(page.locator("#article-table")).to_contain_text("LBC")
    expect(page.locator("#article-table")).to_contain_text("captures 100 prisoners of war")
    assert_styled(page)
    shoot(page, "article_list")

    open_reader(page, seeds.cnn)
    claims, quotes = seeds.cnn.claims.count(), seeds.cnn.quotes.count()
    expect(page.locator("#extraction-state")).to_have_text(f"Done — {claims} claims, {quotes} quotes")
    # By default the check-worthy claims and every quote.
    worthy = seeds.cnn.claims.filter(checkworthy=True).count()
    expect(page.locator("#candidate-list li.cand")).to_have_count(worthy + quotes)
    expect(page.locator("#article-body mark.hl-claim").first).to_be_visible()
    expect(page.locator("#article-body")).to_contain_text("Ukrainian President Volodymyr Zelensky said his forces")
    assert_styled(page)
    shoot(page, "article_reader")

    candidate(page, CNN_PRISONERS).get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", name="Claim", exact=True)).to_be_visible()
    expect(page.locator("#claim-text mark")).to_contain_text(CNN_PRISONERS)
    expect(page.locator("#claim-label-form").get_by_label("Verdict")).to_be_visible()
    assert_styled(page)
    shoot(page, "claim")

    quote = seeds.cnn.quotes.get(text__startswith="accelerate the return")
    page.goto(f"/quotes/{quote.pk}/")
    expect(page.locator("#quote-text mark")).to_have_text(quote.text)
    expect(page.locator("#quote-speaker")).to_contain_text("Zelensky")
    assert_styled(page)
    shoot(page, "quote")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Text").fill("prisoners")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results")).to_contain_text(LBC_PRISONERS)
    assert_styled(page)
    shoot(page, "search")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Submit").click()
    expect(page.get_by_label("Article text")).to_be_visible()
    assert_styled(page)
    shoot(page, "submit_form")
    assert tab.errors == []


def test_keyboard_triage_on_a_seed_article(new_tab, checker, seeds):
    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    open_reader(page, seeds.cnn)
    items = page.locator("#candidate-list li.cand")
    first_key = items.nth(0).get_attribute("data-cand")
    second_key = items.nth(1).get_attribute("data-cand")
    third_key = items.nth(2).get_attribute("data-cand")

    # j: the first candidate, in reading order, becomes current and takes the focus.
    page.keyboard.press("j")
    assert focused_candidate(page) == first_key
    expect(page.locator(f"#cand-{first_key}")).to_have_class(re.compile(r"\bis-current\b"))
    expect(page.locator(f'#article-body mark[data-cand="{first_key}"]').first).to_have_class(
        re.compile(r"\bis-current\b")
    )

    # a: accepted, in the list, in the highlight and in the database.
    page.keyboard.press("a")
    first = page.locator(f"#cand-{first_key}")
    expect(first.locator(".status-badge")).to_have_text(re.compile(r"Accepted"))
    expect(page.locator(f'#article-body mark[data-cand="{first_key}"]').first).to_have_class(
        re.compile(r"\bis-accepted\b")
    )
    expect(page.locator("#reader-live")).to_contain_text("accepted")
    # ...and the focus went on to the next candidate, as after r.
    expect(page.locator(f"#cand-{second_key}")).to_be_focused()

    # r: the second is rejected and leaves the list; the focus goes on to the next one.
    page.keyboard.press("r")
    expect(page.locator("#rejected-candidates > summary")).to_contain_text("Rejected (1)")
    expect(page.locator(f"#candidate-list #cand-{second_key}")).to_have_count(0)
    expect(page.locator(f"#cand-{third_key}")).to_be_focused()

    # k: back to the first.
    page.keyboard.press("k")
    expect(first).to_be_focused()

    # m: the current claim is ticked for merging, and unticked again.
    page.keyboard.press("m")
    expect(first.get_by_label("Select to merge")).to_be_checked()
    expect(page.locator("#reader-live")).to_have_text(f"Selected claim {first_key.split('-')[1]} for merging")
    page.keyboard.press("m")
    expect(first.get_by_label("Select to merge")).not_to_be_checked()

    assert stored(first_key).status == CandidateStatus.ACCEPTED
    assert stored(second_key).status == CandidateStatus.REJECTED
    assert stored(third_key).status == CandidateStatus.CANDIDATE

    # ?: the shortcut list as a dialog; Esc closes it and the focus comes back.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for line in ("Next / previous candidate", "Accept the current candidate", "Reject the current candidate"):
        expect(dialog).to_contain_text(line)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(first).to_be_focused()

    # e: the edit form of the current candidate opens with the focus in its first field.
    page.keyboard.press("e")
    expect(first.locator("details.cand-edit")).to_have_attribute("open", "")
    expect(first.locator("details.cand-edit input[name$='-start']")).to_be_focused()
    # Typing in a field is not a shortcut.
    page.keyboard.press("r")
    assert stored(first_key).status == CandidateStatus.ACCEPTED

    # Enter on a candidate opens its page.
    open_reader(page, seeds.cnn)
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{stored(first_key).get_absolute_url()}$"))
    assert tab.errors == []


def test_add_a_missed_claim_by_selecting_text(new_tab, checker, seeds):
    article = seeds.lbc
    start = article.body.index(LBC_CAPTION)
    assert not article.claims.filter(start=start).exists(), "the extractor now finds the caption: choose another span"
    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    open_reader(page, article)
    count = page.locator("#candidate-list li.cand").count()

    select_text(page, LBC_CAPTION)
    expect(page.locator("#selection-info")).to_have_text(
        f"Selected characters {start}–{start + len(LBC_CAPTION)}: “{LBC_CAPTION}”"
    )
    page.get_by_role("button", name="Add claim").click()

    added = candidate(page, LBC_CAPTION)
    expect(added).to_be_focused()
    expect(added).to_contain_text("added by an editor")
    expect(added.locator(".status-badge")).to_have_text(re.compile("Accepted"))
    expect(page.locator("#candidate-list li.cand")).to_have_count(count + 1)
    expect(page.locator("#reader-live")).to_contain_text("added")
    claim = Claim.objects.get(article=article, start=start, end=start + len(LBC_CAPTION))
    assert (claim.text, claim.origin, claim.status) == (LBC_CAPTION, Origin.EDITOR, CandidateStatus.ACCEPTED)
    assert claim.edited_by == checker
    # The highlight is in the text, where it was selected.
    expect(page.locator(f'#article-body mark[data-cand="claim-{claim.pk}"]').first).to_have_text(LBC_CAPTION)
    assert tab.errors == []


def test_label_link_and_approve_across_the_seed_articles(new_tab, checker, editor, seeds):
    cnn_claim = seeds.cnn.claims.get(text__startswith=CNN_PRISONERS)
    lbc_claim = seeds.lbc.claims.get(text=LBC_PRISONERS)
    checker_tab = new_tab()
    page = checker_tab.page
    log_in(page, checker)
    open_reader(page, seeds.cnn)
    candidate(page, CNN_PRISONERS).get_by_role("link", name="Open").click()
    page.wait_for_url(f"**/claims/{cnn_claim.pk}/")

    # The verdict.
    label = page.locator("#claim-label-form")
    label.get_by_label("Verdict").select_option(label="Mostly true")
    label.get_by_label("Short summary").fill("Ukraine's own figure: about 100 Russian soldiers were captured.")
    label.get_by_label("Explanation").fill("LBC reports the same figure from Gen. Syrskyi on the same day.")
    label.get_by_label("Claimant").fill("Volodymyr Zelensky")
    label.get_by_role("button", name="Save verdict").click()
    expect(page.get_by_role("status").filter(has_text="Verdict saved.")).to_be_visible()
    expect(page.locator("#current-verdict")).to_have_text("Mostly true")
    expect(page.locator("#verdict")).to_contain_text("by carl")

    # The evidence.
    evidence = page.locator("#evidence-add-form")
    evidence.get_by_label("Source URL").fill("https://www.lbc.co.uk/news/ukraine-captures-100-prisoners-of-war/")
    evidence.get_by_label("Title").fill("LBC: Ukraine captures 100 prisoners of war")
    evidence.get_by_label("Note").fill("Syrskyi: more than 100 Russian soldiers taken prisoner.")
    evidence.get_by_role("button", name="Add source").click()
    expect(page.get_by_role("status").filter(has_text="Source added.")).to_be_visible()
    expect(page.locator("#evidence-list")).to_contain_text("LBC: Ukraine captures 100 prisoners of war")
    expect(page.locator("#evidence-list")).to_contain_text("added by carl")

    # The link: search the other article's claims, link as the same claim.
    page.get_by_label("Search all claims to link").fill("100 Russian soldiers taken prisoner")
    page.locator("#link-search-form").get_by_role("button", name="Search").click()
    result = page.locator("#link-search-results li").filter(has_text=LBC_PRISONERS)
    expect(result).to_contain_text("LBC")
    result.get_by_role("button", name="Link: same").click()
    page.wait_for_url(f"**/claims/{cnn_claim.pk}/#links")
    expect(page.get_by_role("status").filter(has_text=f"Linked: same — claim {lbc_claim.pk}.")).to_be_visible()
    link_item = page.locator("#link-list li.claim-link").filter(has_text=LBC_PRISONERS)
    expect(link_item).to_contain_text("Confirmed")
    expect(link_item).to_contain_text("Same")
    link = ClaimLink.objects.get()
    assert {link.source_id, link.target_id} == {cnn_claim.pk, lbc_claim.pk}
    assert (link.relation, link.state) == (Relation.SAME, LinkState.CONFIRMED)
    # Seen from the other article's claim too.
    link_item.get_by_role("link", name=LBC_PRISONERS).click()
    page.wait_for_url(f"**/claims/{lbc_claim.pk}/")
    expect(page.locator("#link-list")).to_contain_text(CNN_PRISONERS)
    page.go_back()

    # Submitted for review: the fact-checker cannot approve.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#claim-workflow")).to_have_text("In review")
    expect(page.get_by_text("Waiting for an editor's approval.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve verdict")).to_have_count(0)
    log_out(page)

    # The editor finds it on the dashboard, approves and publishes.
    editor_tab = new_tab()
    desk = editor_tab.page
    log_in(desk, editor)
    approval = desk.locator("section[aria-labelledby='approval-heading']")
    approval.get_by_role("link", name=re.compile(re.escape(CNN_PRISONERS))).click()
    desk.wait_for_url(f"**/claims/{cnn_claim.pk}/")
    expect(desk.locator("#two-person-note")).to_have_count(0)
    desk.get_by_role("button", name="Approve verdict").click()
    expect(desk.get_by_role("status").filter(has_text="Verdict approved.")).to_be_visible()
    expect(desk.locator("#claim-workflow")).to_have_text("Approved")
    expect(desk.locator("#verdict")).to_contain_text("approved by eddie")
    desk.get_by_role("button", name="Publish").click()
    expect(desk.get_by_role("status").filter(has_text="Fact-check published.")).to_be_visible()
    expect(desk.locator("#claim-workflow")).to_have_text("Published")
    cnn_claim.refresh_from_db()
    assert cnn_claim.workflow == Workflow.PUBLISHED
    assert (cnn_claim.verdict_by, cnn_claim.approved_by) == (checker, editor)

    # The public page, as an anonymous reader sees it.
    public = new_tab().page
    public.goto(f"/factchecks/{cnn_claim.pk}/")
    expect(public.locator("#factcheck-claim")).to_contain_text(CNN_PRISONERS)
    expect(public.locator("#factcheck-verdict")).to_have_text("Mostly true")
    expect(public.locator("#factcheck-summary")).to_have_text(
        "Ukraine's own figure: about 100 Russian soldiers were captured."
    )
    expect(public.locator("#factcheck-sources")).to_contain_text("LBC: Ukraine captures 100 prisoners of war")
    expect(public.get_by_role("link", name="Log in")).to_be_visible()
    review = json.loads(public.locator("#claimreview").text_content())
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "Mostly true"
    assert_styled(public)
    shoot(public, "factcheck_public")
    assert checker_tab.errors == editor_tab.errors == []


def test_two_person_rule_the_author_of_a_verdict_cannot_approve_it(new_tab, editor, admin_user, article):
    text = "Troops captured around 2km more of the region on Wednesday, officials said."
    start = article.body.index(text)
    claim = Claim.objects.create(
        article=article, start=start, end=start + len(text), text=text, status=CandidateStatus.ACCEPTED
    )
    page = new_tab().page
    log_in(page, editor)
    page.goto(f"/claims/{claim.pk}/")
    label = page.locator("#claim-label-form")
    label.get_by_label("Verdict").select_option(label="Unverifiable")
    label.get_by_label("Short summary").fill("No independent source for the 2km yet.")
    label.get_by_role("button", name="Save verdict").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#claim-workflow")).to_have_text("In review")
    expect(page.locator("#two-person-note")).to_have_text(
        "You wrote this verdict, so another editor must approve it (two-person rule)."
    )
    expect(page.get_by_role("button", name="Approve verdict")).to_have_count(0)

    other = new_tab().page
    log_in(other, admin_user)
    other.goto(f"/claims/{claim.pk}/")
    other.get_by_role("button", name="Approve verdict").click()
    expect(other.locator("#claim-workflow")).to_have_text("Approved")
    claim.refresh_from_db()
    assert (claim.workflow, claim.verdict_by, claim.approved_by) == (Workflow.APPROVED, editor, admin_user)
