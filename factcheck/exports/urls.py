from django.urls import path

from factcheck.exports import views

app_name = "exports"
urlpatterns = [
    path("search/export/", views.search_export, name="search_export"),
]
