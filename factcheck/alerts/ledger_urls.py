"""The repeat ledger. Each URL's capability is in tests/security/test_access.py."""

from django.urls import path

from factcheck.alerts import views

app_name = "ledger"
urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("<int:pk>/", views.ledger_detail, name="detail"),
    path("claimants/", views.ledger_claimants, name="claimants"),
    path("claimants/<int:pk>/", views.ledger_claimant, name="claimant"),
]
