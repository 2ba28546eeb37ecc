"""The search page's Export menu: the current filters, streamed as CSV or JSON Lines.

GET /search/export/?export=<claims|quotes|claim-links|quote-links>&format=<csv|jsonl>&<the
search page's filters>. `export` defaults to the search scope's own rows, `format` to CSV.

The filters are the search page's own form (factcheck/review/views/search.py), so an
export holds exactly the rows the page lists, every page of them; a bad filter sends the
user back to the search page, which names it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from factcheck.exports.responses import streamed
from factcheck.exports.selectors import KINDS, export_for
from factcheck.exports.writers import FORMATS
from factcheck.review.access import workspace_view
from factcheck.review.responses import form_errors_text
from factcheck.review.views.search import _search_form


def export_form(kind: str, params: QueryDict):
    """The search form of the scope whose filters the export `kind` takes: the search page's
    own builder (fields per scope, hidden fields, link choices), imported rather than
    copied, so an export can never filter differently from the page."""
    params = params.copy()
    params["scope"] = KINDS[kind]
    return _search_form(params)[1]


@require_GET
@workspace_view()
def search_export(request):
    kind = request.GET.get("export") or request.GET.get("scope") or "claims"
    fmt = request.GET.get("format") or "csv"
    if kind not in KINDS or fmt not in FORMATS:
        return HttpResponseBadRequest(
            f"Unknown export {kind!r} or format {fmt!r}: export is one of {', '.join(KINDS)};"
            f" format is one of {', '.join(FORMATS)}.",
            content_type="text/plain; charset=utf-8",
        )
    form = export_form(kind, request.GET)
    if not form.is_valid():
        messages.error(request, "These filters cannot be exported until they are fixed: " + form_errors_text(form))
        return redirect(reverse("review:search") + "?" + request.GET.urlencode())
    return streamed(export_for(kind, request.user, form.cleaned_data), fmt)
