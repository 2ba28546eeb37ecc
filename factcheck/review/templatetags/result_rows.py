"""One row of a claim list: the search page's result row (`claim_result_row`) and the queue
pages' item (`queue_claim_item`), drawn by Jinja2 from templates/jinja2/review/.

Why: a page of 50 claims rendered the same dozen variables, filters and links 50 times through
the Django template language, which was most of the search and queue pages' CPU
(docs/benchmarks.md, "Page costs"). Jinja2 compiles each template to a Python function, so a
row costs about what hand-written f-strings did, with the HTML kept in a template and
autoescape on. The rows are the HTML the DTL templates wrote, character for character
(tests/review/test_result_rows.py renders both over claims with and without each optional part).
"""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _render(name: str, context: dict) -> SafeString:
    # The bare Jinja2 template: the backend's wrapper would copy the context and look for a
    # request (csrf_input) on every row.
    html = engines["jinja2"].env.get_template(name).render(context)
    return mark_safe(html)  # noqa: S308 - autoescaped by Jinja2 (factcheck/core/jinja.py)


@register.simple_tag
def claim_result_row(claim) -> SafeString:
    """The search page's <tr> for a claim (claim.article, its outlet, the verdict, the claimant
    and the assignee loaded with it)."""
    return _render("review/claim_result_row.html", {"claim": claim})


@register.simple_tag
def queue_claim_item(claim, actions) -> SafeString:
    """A queue page's <li> for a claim, with its check box and version when the queue has bulk
    actions."""
    return _render("review/queue_claim_item.html", {"claim": claim, "actions": actions})
