"""Public fact-check pages: the only pages that need no login."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from factcheck.claims.models import Claim, Correction, Rating
from factcheck.publishing.claimreview import claim_review_jsonld, jsonld_script_text


@login_not_required
@require_GET
def factcheck_list(request):
    claims = Claim.objects.published().with_related().order_by("-published_at", "-id")
    page = Paginator(claims, 25).get_page(request.GET.get("page"))
    return render(request, "publishing/list.html", {"page": page})


@login_not_required
@require_GET
def factcheck_detail(request, pk: int):
    claim = get_object_or_404(
        Claim.objects.published()
        .with_related()
        .select_related("verdict__scale")
        .prefetch_related(
            Prefetch("verdict__scale__ratings", queryset=Rating.objects.order_by("order")),
            "evidence",
            Prefetch(
                "corrections",
                queryset=Correction.objects.select_related("previous_verdict", "new_verdict"),
            ),
        ),
        pk=pk,
    )
    jsonld = claim_review_jsonld(claim, request)
    return render(
        request,
        "publishing/detail.html",
        {"claim": claim, "jsonld": jsonld, "jsonld_text": jsonld_script_text(jsonld)},
    )
