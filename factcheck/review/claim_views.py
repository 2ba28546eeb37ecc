from django.shortcuts import get_object_or_404, render

from factcheck.claims.models import Claim, Quote


def claim_detail(request, pk: int):
    claim = get_object_or_404(Claim.objects.visible_to(request.user).with_related(), pk=pk)
    return render(request, "review/claim_detail.html", {"claim": claim})


def quote_detail(request, pk: int):
    quote = get_object_or_404(
        Quote.objects.visible_to(request.user).select_related("article", "speaker"),
        pk=pk,
    )
    return render(request, "review/quote_detail.html", {"quote": quote})
