"""Every workspace URL, grouped by page (the modules of `views`). Actions are POST only;
the reader's triage actions answer JSON when asked with Accept: application/json.

Each URL needs the capability listed for it in tests/review/test_access.py (URL_CAPS),
which fails for a URL added here without an entry there.
"""

from django.urls import path

from factcheck.review.views import articles, claims, dashboard, links, queues, quotes, search, triage

app_name = "review"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("search/", search.search, name="search"),
    # Articles and the reader.
    path("articles/", articles.article_list, name="articles"),
    path("articles/new/", articles.article_submit, name="article_submit"),
    path("articles/<int:pk>/", articles.article_detail, name="article"),
    path("articles/<int:pk>/status.json", articles.article_status, name="article_status"),
    path("articles/<int:pk>/panels/", articles.article_panels, name="article_panels"),
    # Triage of an article's candidates, from the reader.
    path("articles/<int:pk>/claims/add/", triage.claim_add, name="triage_claim_add"),
    path("articles/<int:pk>/quotes/add/", triage.quote_add, name="triage_quote_add"),
    path("articles/<int:pk>/claims/merge/", triage.claim_merge, name="triage_claim_merge"),
    path("articles/<int:pk>/claims/<int:claim_pk>/accept/", triage.claim_accept, name="triage_claim_accept"),
    path("articles/<int:pk>/claims/<int:claim_pk>/reject/", triage.claim_reject, name="triage_claim_reject"),
    path("articles/<int:pk>/claims/<int:claim_pk>/edit/", triage.claim_edit, name="triage_claim_edit"),
    path("articles/<int:pk>/claims/<int:claim_pk>/split/", triage.claim_split, name="triage_claim_split"),
    path("articles/<int:pk>/quotes/<int:quote_pk>/accept/", triage.quote_accept, name="triage_quote_accept"),
    path("articles/<int:pk>/quotes/<int:quote_pk>/reject/", triage.quote_reject, name="triage_quote_reject"),
    path("articles/<int:pk>/quotes/<int:quote_pk>/edit/", triage.quote_edit, name="triage_quote_edit"),
    # The claim page.
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("claims/<int:pk>/label/", claims.claim_label, name="claim_label"),
    path("claims/<int:pk>/assign/", claims.claim_assign, name="claim_assign"),
    path("claims/<int:pk>/evidence/", claims.claim_evidence_add, name="claim_evidence_add"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/remove/",
        claims.claim_evidence_remove,
        name="claim_evidence_remove",
    ),
    path("claims/<int:pk>/comments/", claims.claim_comment, name="claim_comment"),
    path("claims/<int:pk>/submit/", claims.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/approve/", claims.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/send-back/", claims.claim_send_back, name="claim_send_back"),
    path("claims/<int:pk>/publish/", claims.claim_publish, name="claim_publish"),
    # The quote page.
    path("quotes/<int:pk>/", quotes.quote_detail, name="quote"),
    # Cross-linking.
    path("claims/<int:pk>/links/search/", links.claim_link_search, name="claim_link_search"),
    path("claims/<int:pk>/links/", links.claim_link_create, name="claim_link_create"),
    path("links/<int:pk>/confirm/", links.claim_link_confirm, name="claim_link_confirm"),
    path("links/<int:pk>/dismiss/", links.claim_link_dismiss, name="claim_link_dismiss"),
    path("quotes/<int:pk>/links/", links.quote_link_create, name="quote_link_create"),
    path("quotes/<int:pk>/links/<int:link_pk>/confirm/", links.quote_link_confirm, name="quote_link_confirm"),
    path("quotes/<int:pk>/links/<int:link_pk>/dismiss/", links.quote_link_dismiss, name="quote_link_dismiss"),
    # Queues: the lists the dashboard counts, with bulk actions; the suggested-links queue.
    path("queues/triage/", queues.queue_triage, name="queue_triage"),
    path("queues/drafts/", queues.queue_drafts, name="queue_drafts"),
    path("queues/approval/", queues.queue_approval, name="queue_approval"),
    path("queues/mine/", queues.queue_mine, name="queue_mine"),
    path("queues/bulk/", queues.queue_bulk, name="queue_bulk"),
    path("queues/links/", queues.queue_links, name="queue_links"),
    path("queues/links/decide/", queues.queue_link_decide, name="queue_link_decide"),
]
