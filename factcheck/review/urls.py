from django.urls import include, path

from factcheck.review import views

app_name = "review"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    # Claim labelling, workflow, evidence, comments and cross-linking pages.
    path("", include("factcheck.review.urls_claims")),
]
