from django.urls import include, path

from factcheck.review import views

app_name = "review"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_submit, name="article_submit"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/status.json", views.article_status, name="article_status"),
    path("articles/<int:pk>/panels/", views.article_panels, name="article_panels"),
    # Triage of an article's candidates (POST only; JSON when asked with Accept: application/json).
    path("articles/<int:pk>/claims/add/", views.claim_add, name="triage_claim_add"),
    path("articles/<int:pk>/quotes/add/", views.quote_add, name="triage_quote_add"),
    path("articles/<int:pk>/claims/merge/", views.claim_merge, name="triage_claim_merge"),
    path("articles/<int:pk>/claims/<int:claim_pk>/accept/", views.claim_accept, name="triage_claim_accept"),
    path("articles/<int:pk>/claims/<int:claim_pk>/reject/", views.claim_reject, name="triage_claim_reject"),
    path("articles/<int:pk>/claims/<int:claim_pk>/edit/", views.claim_edit, name="triage_claim_edit"),
    path("articles/<int:pk>/claims/<int:claim_pk>/split/", views.claim_split, name="triage_claim_split"),
    path("articles/<int:pk>/quotes/<int:quote_pk>/accept/", views.quote_accept, name="triage_quote_accept"),
    path("articles/<int:pk>/quotes/<int:quote_pk>/reject/", views.quote_reject, name="triage_quote_reject"),
    path("articles/<int:pk>/quotes/<int:quote_pk>/edit/", views.quote_edit, name="triage_quote_edit"),
    # Claim labelling, workflow, evidence, comments and cross-linking pages.
    path("", include("factcheck.review.urls_claims")),
]
