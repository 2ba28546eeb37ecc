"""One row of a claim list, built in Python: the search page's result row (`claim_result_row`)
and the queue pages' item (`queue_claim_item`).

Why: a page of 50 claims rendered the same dozen variables, filters and links 50 times through
the template engine, which was most of the search and queue pages' CPU (docs/benchmarks.md,
"Page costs"). These tags write the HTML the template wrote, character for character
(tests/review/test_result_rows.py renders both over claims with and without each optional
part), calling the same filters (truncatewords, floatformat, date) directly.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date, floatformat, truncatewords
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _v(value) -> str:
    """`{{ value }}`: localized, as text, escaped unless marked safe."""
    return conditional_escape(str(localize(value)))


def _article_date(article) -> str:
    if not article.published:
        return ""
    return f'<time datetime="{_v(date(article.published, "Y-m-d"))}">{_v(date(article.published, "j M Y"))}</time>'


@register.simple_tag
def claim_result_row(claim) -> SafeString:
    """The search page's <tr> for a claim (claim.article, its outlet, the verdict, the claimant
    and the assignee loaded with it)."""
    state = claim.state
    verdict = claim.verdict
    article = claim.article
    outlet = article.outlet
    claimant = claim.claimant
    assignee = claim.assigned_to
    verdict_html = (
        f'<span class="verdict-swatch rating-{_v(verdict.pk)}" aria-hidden="true"></span> {_v(verdict.label)}'
        if verdict
        else "—"
    )
    html = (
        '<tr class="result">\n'
        f'    <td class="result-main"><a href="{_v(claim.get_absolute_url())}">'
        f"{_v(truncatewords(claim.text, 40))}</a></td>\n"
        '    <td class="result-key" data-label="Stage">'
        f'<span class="stage-badge is-{_v(state.value)}">{_v(state.label)}</span></td>\n'
        f'    <td class="result-key" data-label="Verdict">{verdict_html}</td>\n'
        f'    <td data-label="Score">{_v(floatformat(claim.score, 2))}</td>\n'
        f'    <td data-label="Claimant">{_v((claimant.name if claimant else "") or claim.claimant_text or "—")}</td>\n'
        f'    <td data-label="Article"><a href="{_v(article.get_absolute_url())}#cand-claim-{_v(claim.pk)}">'
        f'{_v(truncatewords(article.headline or "Untitled article", 10))}</a><br><span class="small text-muted">'
        f"{_v((outlet.name if outlet else '') or '')} {_article_date(article)}</span></td>\n"
        f'    <td data-label="Assigned to">{_v((assignee.get_username() if assignee else "") or "—")}</td>\n'
        "  </tr>"
    )
    return mark_safe(html)  # noqa: S308 - every value is escaped by _v


@register.simple_tag
def queue_claim_item(claim, actions) -> SafeString:
    """A queue page's <li> for a claim, with its check box and version when the queue has bulk
    actions."""
    pk = _v(claim.pk)
    state = claim.state
    verdict = claim.verdict
    article = claim.article
    outlet = article.outlet
    assignee = claim.assigned_to
    select = (
        f'<input type="checkbox" class="form-check-input flex-shrink-0 queue-select" name="claim" value="{pk}" '
        f'id="select-{pk}" aria-label="Select claim #{pk}">\n'
        f'        <input type="hidden" name="version-{pk}" value="{_v(claim.version)}">'
        if actions
        else ""
    )
    verdict_html = (
        f'· <span class="verdict-swatch rating-{_v(claim.verdict_id)}" aria-hidden="true"></span> {_v(verdict.label)}'
        if verdict
        else ""
    )
    assigned = f"assigned to {_v(assignee.get_username())}" if assignee else "unassigned"
    html = (
        f'<li class="queue-item card card-body mb-2" id="queue-claim-{pk}">\n'
        '      <div class="d-flex gap-2">\n'
        f"        {select}\n"
        '        <div class="queue-body">\n'
        f'          <a class="queue-text" href="{_v(claim.get_absolute_url())}">{_v(claim.text)}</a>\n'
        '          <div class="queue-meta small text-muted">\n'
        f'            <span class="status-badge is-{_v(state)}">{_v(state.label)}</span>\n'
        f"            · score {_v(floatformat(claim.score, 2))}\n"
        f"            {verdict_html}\n"
        f"            · {assigned}\n"
        f'            · <a href="{_v(article.get_absolute_url())}#cand-claim-{pk}">'
        f"{_v(article.headline or 'Untitled article')}</a>{f' ({_v(outlet.name)})' if outlet else ''}\n"
        "          </div>\n"
        "        </div>\n"
        "      </div>\n"
        "    </li>"
    )
    return mark_safe(html)  # noqa: S308 - every value is escaped by _v
