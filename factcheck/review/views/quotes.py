"""The quote page: the quote in its sentence, its speaker, linked quotes with the word-level
difference of their wording (a possible misquote), the quote search and history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from factcheck.linking.engine.text import word_diff
from factcheck.linking.models import Relation
from factcheck.linking.selectors import quote_links_for, quotes_to_link
from factcheck.review.access import quote_for
from factcheck.review.forms.links import LinkSearchForm
from factcheck.review.views.common import annotate_links, history, sentence_context


@require_GET
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = quote_for(request.user, pk)
    links = annotate_links(quote_links_for(quote), quote.pk)
    for link in links:
        link.diff = word_diff(quote.text, link.other.text)
    form = LinkSearchForm(request.GET or None)
    searched = form.is_bound and form.is_valid()
    results = quotes_to_link(form.cleaned_data["q"], exclude=quote) if searched else []
    linked_ids = {link.other.pk for link in links}
    before, text, after = sentence_context(quote.article.body, quote.start, quote.end)
    return render(
        request,
        "review/quotes/detail.html",
        {
            "quote": quote,
            "context_before": before,
            "context_text": text,
            "context_after": after,
            "links": links,
            "search_form": form,
            "results": [(q, q.pk in linked_ids) for q in results],
            "searched": searched,
            "relations": Relation.choices,
            "history": history(quote),
        },
        status=400 if form.is_bound and not searched else 200,
    )
