"""Public fact-check pages: the only pages that need no login."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from factcheck.claims.models import Claim
from factcheck.publishing.claimreview import claim_review_jsonld


@login_not_required
def factcheck_list(request):
    claims = Claim.objects.published().with_related().order_by("-published_at", "-id")
    page = Paginator(claims, 25).get_page(request.GET.get("page"))
    return render(request, "publishing/list.html", {"page": page})


@login_not_required
def factcheck_detail(request, pk: int):
    claim = get_object_or_404(
        Claim.objects.published().with_related().prefetch_related("evidence", "corrections"),
        pk=pk,
    )
    return render(
        request,
        "publishing/detail.html",
        {"claim": claim, "jsonld": claim_review_jsonld(claim, request)},
    )
