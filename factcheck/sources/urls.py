"""The source pages and the pasted links' fetch. Each URL's capability is in URL_CAPS of
tests/review/test_access.py."""

from django.urls import path

from factcheck.sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.source_create, name="create"),
    path("<int:pk>/", views.source_edit, name="edit"),
    path("<int:pk>/switch/", views.source_toggle, name="toggle"),
    path("<int:pk>/poll/", views.source_poll_now, name="poll"),
    path("links/", views.link_submit, name="link_submit"),
    path("links/<int:pk>/", views.link_status, name="link"),
]
