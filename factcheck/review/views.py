from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from factcheck.articles.models import Article


def dashboard(request):
    return render(request, "review/dashboard.html", {})


def article_list(request):
    articles = Article.objects.visible_to(request.user).with_outlet()
    page = Paginator(articles, 50).get_page(request.GET.get("page"))
    return render(request, "review/article_list.html", {"page": page})


def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.visible_to(request.user).with_outlet(), pk=pk)
    return render(request, "review/article_detail.html", {"article": article})
