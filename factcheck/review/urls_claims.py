"""Claim and quote pages and their actions. Every action is a POST; capabilities are
checked in the views (see claim_views) and again in the services."""

from django.urls import path

from factcheck.review import claim_views

urlpatterns = [
    path("claims/<int:pk>/", claim_views.claim_detail, name="claim"),
    path("claims/<int:pk>/label/", claim_views.claim_label_view, name="claim_label"),
    path("claims/<int:pk>/assign/", claim_views.claim_assign_view, name="claim_assign"),
    path("claims/<int:pk>/evidence/", claim_views.claim_evidence_add, name="claim_evidence_add"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/remove/",
        claim_views.claim_evidence_remove,
        name="claim_evidence_remove",
    ),
    path("claims/<int:pk>/comments/", claim_views.claim_comment, name="claim_comment"),
    path("claims/<int:pk>/submit/", claim_views.claim_submit_view, name="claim_submit"),
    path("claims/<int:pk>/approve/", claim_views.claim_approve_view, name="claim_approve"),
    path("claims/<int:pk>/send-back/", claim_views.claim_send_back_view, name="claim_send_back"),
    path("claims/<int:pk>/publish/", claim_views.claim_publish_view, name="claim_publish"),
    path("claims/<int:pk>/links/search/", claim_views.claim_link_search, name="claim_link_search"),
    path("claims/<int:pk>/links/", claim_views.claim_link_create_view, name="claim_link_create"),
    path("links/<int:pk>/confirm/", claim_views.claim_link_confirm, name="claim_link_confirm"),
    path("links/<int:pk>/dismiss/", claim_views.claim_link_dismiss, name="claim_link_dismiss"),
    path("quotes/<int:pk>/", claim_views.quote_detail, name="quote"),
    path("quotes/<int:pk>/links/", claim_views.quote_link_create_view, name="quote_link_create"),
    path(
        "quotes/<int:pk>/links/<int:link_pk>/confirm/",
        claim_views.quote_link_confirm,
        name="quote_link_confirm",
    ),
    path(
        "quotes/<int:pk>/links/<int:link_pk>/dismiss/",
        claim_views.quote_link_dismiss,
        name="quote_link_dismiss",
    ),
]
