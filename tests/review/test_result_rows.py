# ruff: noqa: E501 - the reference rows are the templates' own long lines
"""The claim rows the result_rows tags draw (Jinja2 templates under templates/jinja2/review/) are
the HTML the Django templates wrote before them, character for character: the old template text
is kept here as the reference and both are drawn over claims with and without each optional
part."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from factcheck.articles.models import Outlet
from factcheck.claims.models import CandidateStatus, Claim, Person, Workflow
from tests.factories import ClaimFactory, UserFactory, rating

SEARCH_ROW = """  <tr class="result">
    <td class="result-main"><a href="{{ claim.get_absolute_url }}">{{ claim.text|truncatewords:40 }}</a></td>
    <td class="result-key" data-label="Stage">{% with state=claim.state %}<span class="stage-badge is-{{ state.value }}">{{ state.label }}</span>{% endwith %}</td>
    <td class="result-key" data-label="Verdict">{% if claim.verdict %}<span class="verdict-swatch rating-{{ claim.verdict.pk }}" aria-hidden="true"></span> {{ claim.verdict.label }}{% else %}—{% endif %}</td>
    <td data-label="Score">{{ claim.score|floatformat:2 }}</td>
    <td data-label="Claimant">{{ claim.claimant.name|default:claim.claimant_text|default:"—" }}</td>
    <td data-label="Article"><a href="{{ claim.article.get_absolute_url }}#cand-claim-{{ claim.pk }}">{{ claim.article.headline|default:"Untitled article"|truncatewords:10 }}</a><br><span class="small text-muted">{{ claim.article.outlet.name|default:"" }} {% if claim.article.published %}<time datetime="{{ claim.article.published|date:'Y-m-d' }}">{{ claim.article.published|date:"j M Y" }}</time>{% endif %}</span></td>
    <td data-label="Assigned to">{{ claim.assigned_to.get_username|default:"—" }}</td>
  </tr>
"""

QUEUE_ROW = """    <li class="queue-item card card-body mb-2" id="queue-claim-{{ claim.pk }}">
      <div class="d-flex gap-2">
        {% if actions %}<input type="checkbox" class="form-check-input flex-shrink-0 queue-select" name="claim" value="{{ claim.pk }}" id="select-{{ claim.pk }}" aria-label="Select claim #{{ claim.pk }}">
        <input type="hidden" name="version-{{ claim.pk }}" value="{{ claim.version }}">{% endif %}
        <div class="queue-body">
          <a class="queue-text" href="{{ claim.get_absolute_url }}">{{ claim.text }}</a>
          <div class="queue-meta small text-muted">
            <span class="status-badge is-{{ claim.state }}">{{ claim.state.label }}</span>
            · score {{ claim.score|floatformat:2 }}
            {% if claim.verdict %}· <span class="verdict-swatch rating-{{ claim.verdict_id }}" aria-hidden="true"></span> {{ claim.verdict.label }}{% endif %}
            · {% if claim.assigned_to %}assigned to {{ claim.assigned_to.get_username }}{% else %}unassigned{% endif %}
            · <a href="{{ claim.article.get_absolute_url }}#cand-claim-{{ claim.pk }}">{{ claim.article.headline|default:"Untitled article" }}</a>{% if claim.article.outlet %} ({{ claim.article.outlet.name }}){% endif %}
          </div>
        </div>
      </div>
    </li>
"""


def _claims() -> list[Claim]:
    plain = ClaimFactory(text='Prices rose 5% & "wages" <fell> ' + "more words here " * 12)
    labelled = ClaimFactory(labelled=True, workflow=Workflow.IN_REVIEW)
    labelled.claimant = Person.objects.create(name="Ana <Ruiz>", normalized_name="ana ruiz")
    labelled.assigned_to = UserFactory(username="maria&co")
    labelled.save()
    bare = ClaimFactory(text="A claim with no article details.", claimant_text="the <minister>")
    article = bare.article
    article.headline, article.published, article.outlet = "", None, None
    article.save()
    Outlet.objects.filter(articles=None).delete()
    rejected = ClaimFactory(text="Rejected one.", status=CandidateStatus.REJECTED, verdict=rating("false"))
    published = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED)
    ids = [c.pk for c in (plain, labelled, bare, rejected, published)]
    return list(Claim.objects.filter(pk__in=ids).with_related().order_by("pk"))


@pytest.mark.django_db
@pytest.mark.parametrize("actions", [True, False])
def test_rows_are_what_the_templates_drew(actions):
    old_search = Template(SEARCH_ROW)
    old_queue = Template(QUEUE_ROW)
    new_search = Template("  {% load result_rows %}{% claim_result_row claim %}\n")
    new_queue = Template("    {% load result_rows %}{% queue_claim_item claim actions %}\n")
    claims = _claims()
    assert len(claims) == 5
    for claim in claims:
        context = {"claim": claim, "actions": [("accept", "Accept")] if actions else []}
        assert new_search.render(Context(context)) == old_search.render(Context(context)), claim.pk
        assert new_queue.render(Context(context)) == old_queue.render(Context(context)), claim.pk
    drawn = new_search.render(Context({"claim": claims[0]}))
    assert "&lt;fell&gt;" in drawn and "<fell>" not in drawn
