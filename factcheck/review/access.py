"""Who may see and do what in the editor workspace, in one place.

Objects a user may not see answer 404 (through the `visible_to` querysets); actions
they may see but not take answer 403. A signed-in user in no role group has no
business in the workspace: every workspace page answers 403 for them.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from factcheck.accounts.roles import Cap, has_cap, user_caps
from factcheck.articles.models import Article
from factcheck.claims.models import Claim, Quote


def require_member(user) -> None:
    if not user_caps(user):
        raise PermissionDenied("You have no role on the desk; ask an administrator for one.")


def require_cap(user, cap: Cap) -> None:
    require_member(user)
    if not has_cap(user, cap):
        raise PermissionDenied(f"Your role may not do this (needs the {cap.value!r} permission).")


def workspace_view(cap: Cap | None = None):
    """Decorate a view: a desk member (and, if given, one holding `cap`) or 403."""

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


def article_for(user, pk: int) -> Article:
    return get_object_or_404(Article.objects.visible_to(user).with_outlet(), pk=pk)


def claim_for(user, *, article: Article, pk: int) -> Claim:
    """A claim of this article (404 for a claim of another article or one the user cannot see)."""
    return get_object_or_404(Claim.objects.visible_to(user).filter(article=article), pk=pk)


def quote_for(user, *, article: Article, pk: int) -> Quote:
    return get_object_or_404(Quote.objects.visible_to(user).filter(article=article).select_related("speaker"), pk=pk)
