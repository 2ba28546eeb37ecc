"""Who may see and do what in the editor workspace, in one place.

Every view finds its object through one of the `*_for` helpers, which answer in this order:

1. 403 for a signed-in user with no role on the desk (nothing in the workspace is theirs);
2. 404 for an object the user may not see (through the `visible_to` querysets), or one
   reached through a URL it does not belong to (a claim of another article);
3. 403 when the user may see the object but their role lacks `cap`, the capability the
   action needs.

Views without an object (dashboard, lists, submission) use `workspace_view`. Anonymous
users never get here: LoginRequiredMiddleware sends them to the login page.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from factcheck.accounts.roles import Cap, has_cap, user_caps
from factcheck.articles.models import Article
from factcheck.claims.models import Claim, Quote
from factcheck.linking.models import ClaimLink, QuoteLink


def require_member(user) -> None:
    if not user_caps(user):
        raise PermissionDenied("You have no role on the desk; ask an administrator for one.")


def require_cap(user, cap: Cap) -> None:
    require_member(user)
    if not has_cap(user, cap):
        raise PermissionDenied(f"Your role may not do this (needs the {cap.value!r} permission).")


def workspace_view(cap: Cap | None = None):
    """Decorate a view that has no object: a desk member (and, if given, one holding `cap`) or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if cap is None:
                require_member(request.user)
            else:
                require_cap(request.user, cap)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _found(user, queryset, pk: int, cap: Cap | None):
    require_member(user)
    obj = get_object_or_404(queryset, pk=pk)
    if cap is not None:
        require_cap(user, cap)
    return obj


def article_for(user, pk: int, cap: Cap | None = None) -> Article:
    return _found(user, Article.objects.visible_to(user).with_outlet(), pk, cap)


def claim_for(user, pk: int, cap: Cap | None = None, *, article: Article | None = None) -> Claim:
    """A claim the user may see; with `article`, only a claim of that article (the reader's URLs)."""
    claims = Claim.objects.visible_to(user)
    if article is not None:
        claims = claims.filter(article=article)
    else:
        claims = claims.with_related().select_related("verdict_by", "approved_by")
    return _found(user, claims, pk, cap)


def quote_for(user, pk: int, cap: Cap | None = None, *, article: Article | None = None) -> Quote:
    """A quote the user may see; with `article`, only a quote of that article (the reader's URLs)."""
    quotes = Quote.objects.visible_to(user)
    if article is not None:
        quotes = quotes.filter(article=article).select_related("speaker")
    else:
        quotes = quotes.select_related("article__outlet", "speaker")
    return _found(user, quotes, pk, cap)


def link_for(user, pk: int, cap: Cap | None = None, *, quote: Quote | None = None) -> ClaimLink | QuoteLink:
    """A claim link whose two claims the user may see or, with `quote`, a link of that quote."""
    if quote is not None:
        links = QuoteLink.objects.involving(quote.pk).select_related("source", "target")
    else:
        visible = Claim.objects.visible_to(user)
        links = ClaimLink.objects.select_related("source", "target").filter(source__in=visible, target__in=visible)
    return _found(user, links, pk, cap)
