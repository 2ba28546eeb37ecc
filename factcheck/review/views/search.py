"""Workspace search over claims, quotes and articles, with filters, sorting and saved filters.

A malformed filter (a bad date, an unknown stage, a hand-edited address) answers 400 with
the form's message beside the field and no results, never a 500 nor unfiltered results
that look filtered. Saved filters are each person's own: another person's is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from factcheck.articles.models import Outlet
from factcheck.claims.models import Rating
from factcheck.core.errors import ApplicationError
from factcheck.review import search_selectors, selectors
from factcheck.review.access import workspace_view
from factcheck.review.forms.search import SavedFilterForm, SavedFilterRenameForm, SearchForm
from factcheck.review.models import SavedFilter
from factcheck.review.responses import form_errors_text, refused
from factcheck.review.search_selectors import Links
from factcheck.review.services import saved_filter_create, saved_filter_delete, saved_filter_rename
from factcheck.review.views.common import page_of, sort_links

SEARCH_SCOPES = {
    "claims": (search_selectors.claim_search, search_selectors.CLAIM_SORTS, "-score"),
    "quotes": (search_selectors.quote_search, search_selectors.QUOTE_SORTS, "-created"),
    "articles": (selectors.article_search, selectors.ARTICLE_SORTS, "-published"),
}
SEARCH_FIELDS = {
    "claims": [
        "q",
        "stage",
        "assignee",
        "links",
        "verdict",
        "outlet",
        "date_from",
        "date_to",
        "speaker",
        "score_min",
        "score_max",
        "checkworthy",
        "status",
    ],
    "quotes": ["q", "status", "links", "outlet", "date_from", "date_to", "speaker"],
    "articles": ["q", "outlet", "date_from", "date_to", "state"],
}
# Carried from one tab to another: the filters every scope has.
SHARED_FIELDS = ("q", "outlet", "date_from", "date_to")
# A filter the claims tab accepts (the dashboard's "awaiting review" link carries it) but
# does not offer: "stage" says the same in the desk's words.
HIDDEN_FIELDS = {"claims": ("status",)}
LINK_CHOICES = {"claims": Links.CLAIM_CHOICES, "quotes": Links.QUOTE_CHOICES}


def _scope_of(params: QueryDict) -> str:
    scope = params.get("scope") or "claims"
    return scope if scope in SEARCH_SCOPES else "claims"


def _search_form(params: QueryDict) -> tuple[str, SearchForm]:
    scope = _scope_of(params)
    params = params.copy()
    params["scope"] = scope
    form = SearchForm(
        params,
        sorts=SEARCH_SCOPES[scope][1],
        fields=[*SEARCH_FIELDS[scope], "scope"],
        hidden=HIDDEN_FIELDS.get(scope, ()),
        link_choices=LINK_CHOICES.get(scope),
    )
    return scope, form


def _tabs(params: QueryDict, scope: str) -> list[dict]:
    shared = QueryDict(mutable=True)
    for name in SHARED_FIELDS:
        if params.get(name):
            shared[name] = params[name]
    tabs = []
    for key, label in (("claims", "Claims"), ("quotes", "Quotes"), ("articles", "Articles")):
        shared["scope"] = key
        tabs.append({"scope": key, "label": label, "query": shared.urlencode(), "active": key == scope})
    return tabs


def _render_search(request, *, save_form: SavedFilterForm | None = None, status: int | None = None) -> HttpResponse:
    scope, form = _search_form(request.GET)
    run, sorts, default_sort = SEARCH_SCOPES[scope]
    valid = form.is_valid()
    # Invalid filters: no results rather than unfiltered ones that would look filtered.
    results = run(request.user, form.cleaned_data) if valid else run(request.user, {}).none()
    sort = (form.cleaned_data.get("sort") if valid else "") or default_sort
    query = form.query() if valid else ""
    if save_form is None and valid:
        save_form = SavedFilterForm(initial={"query": query})
    return render(
        request,
        "review/search.html",
        {
            "form": form,
            "valid": valid,
            "active_filters": form.active() if valid else [],
            "scope": scope,
            "tabs": _tabs(request.GET, scope),
            "page": page_of(request, results),
            "sorts": sort_links(request, sorts, sort),
            "qs": query,
            "save_form": save_form,
            "saved_filters": list(SavedFilter.objects.owned_by(request.user).only("pk", "name", "query")),
        },
        status=status or (200 if valid else 400),
    )


@require_GET
@workspace_view()
def search(request):
    return _render_search(request)


def _saved_for(request, pk: int) -> SavedFilter:
    """The user's own saved filter, else 404 (another person's is not theirs to know of)."""
    return get_object_or_404(SavedFilter.objects.owned_by(request.user), pk=pk)


def _search_url(query: str) -> str:
    return reverse("review:search") + (f"?{query}" if query else "")


@require_POST
@workspace_view()
def saved_filter_create_view(request):
    form = SavedFilterForm(request.POST)
    query = request.POST.get("query", "")
    # The filters are checked as the search page checks them, and kept in that form's
    # normalised shape: only this scope's fields, no empty values, no page number.
    _, search_form = _search_form(QueryDict(query))
    if not search_form.is_valid():
        messages.error(request, "These filters cannot be saved until they are fixed: " + form_errors_text(search_form))
        return redirect(_search_url(query))
    query = search_form.query()

    def again(status: int) -> HttpResponse:
        request.GET = QueryDict(query)
        return _render_search(request, save_form=form, status=status)

    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), rerender=again)
    try:
        saved = saved_filter_create(actor=request.user, name=form.cleaned_data["name"], query=query)
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=again)
    messages.success(request, f"Saved these filters as “{saved.name}”.")
    return redirect(_search_url(query))


def _describe(query: str, names: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """A saved query string in the page's words ("Stage: In review"), without a query per
    filter: outlets and verdicts are looked up in `names`, loaded once for the list."""
    params = QueryDict(query)
    scope, form = _search_form(params)
    out = [("Search in", dict(form.fields["scope"].choices).get(scope, scope))]
    for name, field in form.fields.items():
        value = params.get(name)
        if not value or name in ("scope", "sort"):
            continue
        if name in names:
            shown = names[name].get(value, "(no longer exists)")
        else:
            shown = dict(getattr(field, "choices", ())).get(value, value)
        out.append((str(field.label), str(shown)))
    return out


@require_GET
@workspace_view()
def saved_filter_list(request):
    saved = list(SavedFilter.objects.owned_by(request.user))
    names = {}
    if saved:
        names = {
            "outlet": {str(pk): name for pk, name in Outlet.objects.values_list("pk", "name")},
            "verdict": {str(r.pk): str(r) for r in Rating.objects.select_related("scale")},
        }
    rows = [
        (s, _describe(s.query, names), SavedFilterRenameForm(initial={"name": s.name}, prefix=f"f{s.pk}"))
        for s in saved
    ]
    return render(request, "review/saved_filters.html", {"saved_filters": rows})


@require_GET
@workspace_view()
def saved_filter_apply(request, pk: int):
    return redirect(_search_url(_saved_for(request, pk).query))


@require_POST
@workspace_view()
def saved_filter_rename_view(request, pk: int):
    saved = _saved_for(request, pk)
    back = reverse("review:saved_filters")
    form = SavedFilterRenameForm(request.POST, prefix=f"f{saved.pk}")
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=back)
    old = saved.name
    try:
        saved_filter_rename(actor=request.user, saved=saved, name=form.cleaned_data["name"])
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=back)
    messages.success(request, f"Renamed “{old}” to “{saved.name}”.")
    return redirect(back)


@require_POST
@workspace_view()
def saved_filter_delete_view(request, pk: int):
    saved = _saved_for(request, pk)
    name = saved.name
    saved_filter_delete(actor=request.user, saved=saved)
    messages.success(request, f"Deleted the saved filter “{name}”.")
    return redirect(reverse("review:saved_filters"))
