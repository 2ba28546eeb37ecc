from django.urls import path

from factcheck.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.factcheck_list, name="list"),
    path("<int:pk>/", views.factcheck_detail, name="detail"),
    path("<int:pk>.jsonld", views.factcheck_jsonld, name="detail_jsonld"),
    path("feed.atom", views.feed_atom, name="feed_atom"),
    path("feed.json", views.feed_json, name="feed_json"),
    path("ratings.css", views.ratings_css, name="ratings_css"),
]
