"""Workspace search over claims, quotes and articles, with filters and sorting."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from factcheck.review import selectors
from factcheck.review.access import workspace_view
from factcheck.review.forms.search import SearchForm
from factcheck.review.views.common import page_of, querystring_without_page, sort_links

SEARCH_SCOPES = {
    "claims": (selectors.claim_search, selectors.CLAIM_SORTS, "-score"),
    "quotes": (selectors.quote_search, selectors.QUOTE_SORTS, "-created"),
    "articles": (selectors.article_search, selectors.ARTICLE_SORTS, "-published"),
}
SEARCH_FIELDS = {
    "claims": [
        "q",
        "outlet",
        "date_from",
        "date_to",
        "speaker",
        "status",
        "checkworthy",
        "verdict",
        "score_min",
        "score_max",
    ],
    "quotes": ["q", "outlet", "date_from", "date_to", "speaker", "status"],
    "articles": ["q", "outlet", "date_from", "date_to", "state"],
}


@require_GET
@workspace_view()
def search(request):
    scope = request.GET.get("scope") or "claims"
    if scope not in SEARCH_SCOPES:
        scope = "claims"
    run, sorts, default_sort = SEARCH_SCOPES[scope]
    params = request.GET.copy()
    params["scope"] = scope
    form = SearchForm(params, sorts=sorts, fields=[*SEARCH_FIELDS[scope], "scope"])
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    results = run(request.user, data)
    sort = data.get("sort") or default_sort
    return render(
        request,
        "review/search.html",
        {
            "form": form,
            "scope": scope,
            "page": page_of(request, results),
            "sorts": sort_links(request, sorts, sort),
            "qs": querystring_without_page(request),
        },
        status=200 if valid else 400,
    )
