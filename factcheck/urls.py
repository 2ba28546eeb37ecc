from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fact-check desk administration"
admin.site.site_title = "Fact-check desk admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("factcheck.accounts.urls")),
    path("factchecks/", include("factcheck.publishing.urls")),
    path("sources/", include("factcheck.sources.urls")),
    path("", include("factcheck.review.urls")),
]
