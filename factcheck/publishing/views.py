"""Public fact-check pages: the only pages that need no login."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import condition, require_GET

from factcheck.claims.models import Claim, Correction, Rating
from factcheck.publishing import feeds
from factcheck.publishing.claimreview import claim_review_jsonld, jsonld_script_text


@login_not_required
@require_GET
def factcheck_list(request):
    claims = Claim.objects.published().with_related().order_by("-published_at", "-id")
    page = Paginator(claims, 25).get_page(request.GET.get("page"))
    canonical = request.build_absolute_uri(request.path)
    if page.number > 1:
        canonical += f"?page={page.number}"
    return render(
        request,
        "publishing/list.html",
        {"page": page, "canonical": canonical, "newsroom": settings.NEWSROOM_NAME},
    )


def _published(pk: int) -> Claim:
    return get_object_or_404(
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


@login_not_required
@require_GET
def factcheck_detail(request, pk: int):
    claim = _published(pk)
    jsonld = claim_review_jsonld(claim, request)
    rating = claim.verdict.label if claim.verdict else "Checked"
    description = f"{rating}: {claim.text}" + (f" {claim.verdict_summary}" if claim.verdict_summary else "")
    return render(
        request,
        "publishing/detail.html",
        {
            "claim": claim,
            "jsonld": jsonld,
            "jsonld_text": jsonld_script_text(jsonld),
            "description": description,
            "canonical": request.build_absolute_uri(claim.get_public_url()),
            "newsroom": settings.NEWSROOM_NAME,
        },
    )


@login_not_required
@require_GET
def factcheck_jsonld(request, pk: int):
    """The fact-check's ClaimReview as a file, the same object as the page's markup."""
    claim = _published(pk)
    response = JsonResponse(
        claim_review_jsonld(claim, request),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="factcheck-{claim.pk}.jsonld"'
    return response


# The feeds: public (published fact-checks are public), answered 304 when nothing changed.
feed_atom = login_not_required(
    require_GET(condition(etag_func=feeds.feed_etag, last_modified_func=feeds.feed_last_modified)(feeds.AtomFeed()))
)
feed_json = login_not_required(
    require_GET(condition(etag_func=feeds.feed_etag, last_modified_func=feeds.feed_last_modified)(feeds.json_feed))
)


@login_not_required
@require_GET
def ratings_css(request):
    """The verdict colours as classes, `.rating-<pk>`, for every page's badges and swatches.

    A stylesheet rather than style="" attributes, which the Content-Security-Policy
    refuses. Colours are hex by a database constraint (rating_colour_hex), so nothing a
    user typed can end up as CSS here. Revalidated on every use (ETag), so a colour
    changed in the admin site shows at once.
    """
    rules = [
        f".rating-{pk} {{ background-color: {colour}; color: {Rating(colour=colour).text_colour}; }}\n"
        for pk, colour in Rating.objects.order_by("pk").values_list("pk", "colour")
    ]
    body = "".join(rules).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    return response
