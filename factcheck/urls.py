from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

admin.site.site_header = "Fact-check desk administration"
admin.site.site_title = "Fact-check desk admin"


@login_not_required
def favicon(request):
    # Pages link their icon; this answers browsers that ask for /favicon.ico anyway (the admin
    # site). Looked up per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("factcheck.accounts.urls")),
    path("factchecks/", include("factcheck.publishing.urls")),
    path("sources/", include("factcheck.sources.urls")),
    path("webhooks/", include("factcheck.webhooks.urls")),
    path("notifications/", include("factcheck.notifications.urls")),
    path("alerts/", include("factcheck.alerts.urls")),
    path("ledger/", include("factcheck.alerts.ledger_urls")),
    path("", include("factcheck.api.urls")),
    path("", include("factcheck.review.urls")),
    path("", include("factcheck.exports.urls")),
]
