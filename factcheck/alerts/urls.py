"""The alert pages. Each URL's capability is in tests/security/test_access.py."""

from django.urls import path

from factcheck.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
]
