from django.urls import path

from factcheck.review import claim_views

urlpatterns = [
    path("claims/<int:pk>/", claim_views.claim_detail, name="claim"),
    path("quotes/<int:pk>/", claim_views.quote_detail, name="quote"),
]
