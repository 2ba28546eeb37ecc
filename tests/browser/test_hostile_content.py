"""Hostile text typed into the desk is shown as text everywhere and never runs.

A fact-checker submits an article whose headline, outlet and text carry a <script>
element and an attribute-breaking <img onerror>, adds a claim and a quote over them,
labels the claim, cites a source and comments with the same payloads; an editor
approves and publishes it. On every page the literal text is visible and
`window.__pwned`, which only the payloads set, stays undefined.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from factcheck.claims.models import Claim, Comment, Evidence, Quote, Workflow
from factcheck.claims.services import claim_approve, claim_publish

from .helpers import ATTR, SCRIPT, assert_not_pwned, candidate, log_in, select_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = f"Minister {SCRIPT} quoted {ATTR}"
OUTLET = f"Outlet {ATTR}"
# Both are parts of sentences, so they stay the editor's own even when the extractor has
# run (without REDIS_URL it runs at once, inside the submit request).
CLAIM_TEXT = f"{SCRIPT} unemployment fell to 3% last year"
# URLs have no spaces: the same attack with "/" between the attributes, as HTML allows.
SOURCE_URL = "https://stats.example/report?q=" + ATTR.replace(" ", "/")
QUOTE_TEXT = f"build {ATTR} homes"
BODY = (
    f" date 2024-08-14 {HEADLINE}\n\n"
    f"The minister said {CLAIM_TEXT}. Officials disputed the figure on Tuesday.\n\n"
    f"“We will {QUOTE_TEXT},” the minister said.\n"
)


def test_hostile_text_is_shown_as_text_and_never_runs(new_tab, checker, editor):
    tab = new_tab()
    page = tab.page
    log_in(page, checker)

    # Submit the article through the form.
    page.goto("/articles/new/")
    page.get_by_label("Article text").fill(BODY)
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Outlet").fill(OUTLET)
    # Without REDIS_URL, Celery runs the extraction inside this request: allow for the model loading.
    page.get_by_role("button", name="Submit article").click(timeout=60_000)
    expect(page.get_by_role("status").filter(has_text="Article submitted")).to_be_visible()
    expect(page.locator("h1")).to_have_text(HEADLINE)
    expect(page.locator("#article-body")).to_contain_text(CLAIM_TEXT)
    expect(page.locator("#article-body")).to_contain_text(QUOTE_TEXT)
    assert_not_pwned(page)
    reader_url = page.url

    # Add the claim and the quote by selecting their text; the speaker is hostile too.
    select_text(page, CLAIM_TEXT)
    page.get_by_role("button", name="Add claim").click()
    expect(candidate(page, CLAIM_TEXT, exact=True)).to_contain_text("added by an editor")
    select_text(page, QUOTE_TEXT)
    page.get_by_label("Speaker (quotes only)").fill(ATTR)
    page.get_by_role("button", name="Add quote").click()
    quote_item = candidate(page, QUOTE_TEXT, exact=True)
    expect(quote_item).to_contain_text(f"Speaker: {ATTR}")
    assert_not_pwned(page)
    claim = Claim.objects.get(text=CLAIM_TEXT)
    quote = Quote.objects.get(text=QUOTE_TEXT)
    assert quote.speaker_text == ATTR

    # Label the claim, cite a source and comment, all with the payloads.
    candidate(page, CLAIM_TEXT, exact=True).get_by_role("link", name="Open").click()
    page.wait_for_url(f"**/claims/{claim.pk}/")
    expect(page.locator("#claim-text mark")).to_have_text(CLAIM_TEXT)
    label = page.locator("#claim-label-form")
    label.get_by_label("Verdict").select_option(label="False")
    label.get_by_label("Short summary").fill(f"Summary {SCRIPT} {ATTR}")
    label.get_by_label("Explanation").fill(f"Explanation {SCRIPT}\n{ATTR}")
    label.get_by_label("Claimant").fill(f"Claimant {ATTR}")
    label.get_by_role("button", name="Save verdict").click()
    expect(page.get_by_role("status").filter(has_text="Verdict saved.")).to_be_visible()
    assert_not_pwned(page)

    evidence = page.locator("#evidence-add-form")
    evidence.get_by_label("Source URL").fill(SOURCE_URL)
    evidence.get_by_label("Title").fill(f"Report {ATTR}")
    evidence.get_by_label("Note").fill(f"Note {SCRIPT} {ATTR}")
    evidence.get_by_role("button", name="Add source").click()
    expect(page.get_by_role("status").filter(has_text="Source added.")).to_be_visible()
    expect(page.locator("#evidence-list")).to_contain_text(f"Report {ATTR}")
    expect(page.locator("#evidence-list .evidence-note")).to_have_text(f"Note {SCRIPT} {ATTR}")
    expect(page.locator("#evidence-list a")).to_have_attribute("href", SOURCE_URL)
    assert_not_pwned(page)

    comments = page.locator("#comment-form")
    comments.get_by_label("Comment").fill(f"Comment {SCRIPT}\n{ATTR}")
    comments.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status").filter(has_text="Comment posted.")).to_be_visible()
    assert page.locator(".comment-body").inner_text() == f"Comment {SCRIPT}\n{ATTR}"  # the line break kept
    assert_not_pwned(page)

    # The claim page as it now stands: every payload visible as written.
    page.reload()
    expect(page.locator("#claim-label-form").get_by_label("Short summary")).to_have_value(f"Summary {SCRIPT} {ATTR}")
    expect(page.locator("#claim-label-form").get_by_label("Claimant")).to_have_value(f"Claimant {ATTR}")
    expect(page.get_by_role("link", name=HEADLINE)).to_be_visible()
    assert Evidence.objects.get(claim=claim).title == f"Report {ATTR}"
    # Browsers send a textarea's line breaks as CRLF; the comment service stores them as sent.
    assert Comment.objects.get(claim=claim).body.replace("\r\n", "\n") == f"Comment {SCRIPT}\n{ATTR}"
    assert_not_pwned(page)

    # The reader, with the candidates highlighted over the payloads.
    page.goto(reader_url)
    marks = page.locator(f'#article-body mark[data-cand="claim-{claim.pk}"]')  # one or more pieces
    expect(marks.first).to_be_visible()
    assert "".join(marks.all_text_contents()) == CLAIM_TEXT
    expect(candidate(page, CLAIM_TEXT, exact=True)).to_contain_text("claimant: Claimant " + ATTR)
    assert_not_pwned(page)

    # The quote page.
    page.goto(f"/quotes/{quote.pk}/")
    expect(page.locator("#quote-text mark")).to_have_text(QUOTE_TEXT)
    expect(page.locator("#quote-speaker")).to_have_text(ATTR)
    assert_not_pwned(page)

    # Lists and search, with the payload in the query too.
    for url in ("/", "/articles/", "/search/?scope=articles", "/search/?scope=quotes"):
        page.goto(url)
        assert_not_pwned(page)
    page.goto("/articles/")
    expect(page.locator("#article-table")).to_contain_text(HEADLINE)
    expect(page.locator("#article-table")).to_contain_text(OUTLET)
    page.goto("/search/?scope=claims")
    page.get_by_label("Text").fill("unemployment")
    page.get_by_label("Text").press("Enter")
    expect(page.locator("#results")).to_contain_text(CLAIM_TEXT)
    assert_not_pwned(page)
    page.get_by_label("Text").fill(ATTR + SCRIPT)  # the query is written back into the form
    page.get_by_label("Text").press("Enter")
    expect(page.get_by_label("Text")).to_have_value(ATTR + SCRIPT)
    assert_not_pwned(page)

    # Published: the public page and its ClaimReview markup, seen by an anonymous reader.
    page.goto(f"/claims/{claim.pk}/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#claim-workflow")).to_have_text("In review")
    claim.refresh_from_db()
    claim_approve(claim=claim, actor=editor, expected_version=claim.version)
    claim_publish(claim=claim, actor=editor, expected_version=claim.version)
    assert claim.workflow == Workflow.PUBLISHED

    public = new_tab().page
    public.goto(f"/factchecks/{claim.pk}/")
    expect(public.locator("#factcheck-claim")).to_have_text(CLAIM_TEXT)
    expect(public.locator("#factcheck-summary")).to_have_text(f"Summary {SCRIPT} {ATTR}")
    expect(public.locator("#factcheck-sources")).to_contain_text(f"Note {SCRIPT} {ATTR}")
    expect(public.get_by_text(f"Claimed by Claimant {ATTR}")).to_be_visible()
    jsonld = json.loads(public.locator("#claimreview").text_content())
    assert jsonld["claimReviewed"] == CLAIM_TEXT
    assert_not_pwned(public)
    public.goto("/factchecks/")
    assert_not_pwned(public)

    assert tab.errors == []
