"""The notification pages. Each URL's access rule is in URL_CAPS of tests/review/test_access.py."""

from django.urls import path

from factcheck.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("settings/", views.notification_settings, name="settings"),
]
