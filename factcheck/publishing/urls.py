from django.urls import path

from factcheck.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.factcheck_list, name="list"),
    path("<int:pk>/", views.factcheck_detail, name="detail"),
    path("ratings.css", views.ratings_css, name="ratings_css"),
]
